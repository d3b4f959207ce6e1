import { BODY_ADMIN, EMPTY_FORM, ORG_ADMIN, type RuleSet, unknownTarget, unknownToken } from "../rules.ts";

export const access: RuleSet = {
  rules: {
    // People and invitations
    "GET /organisations/:id/people": ORG_ADMIN(200),
    "POST /organisations/:id/people": ORG_ADMIN(EMPTY_FORM),
    "POST /organisations/:id/people/remove": unknownTarget,
    "POST /organisations/:id/invitations/:invitationId/withdraw": unknownTarget,
    "POST /organisations/:id/invitations/:invitationId/approve": unknownTarget,
    "GET /public-bodies/:id/people": BODY_ADMIN(200),
    "POST /public-bodies/:id/people": BODY_ADMIN(EMPTY_FORM),
    "POST /public-bodies/:id/people/remove": unknownTarget,
    "POST /public-bodies/:id/invitations/:invitationId/withdraw": unknownTarget,
    "POST /public-bodies/:id/invitations/:invitationId/approve": unknownTarget,
    "GET /invitations/:token": unknownToken,
  },
};
