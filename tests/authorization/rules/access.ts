import { BODY_ADMIN, EMPTY_FORM, ORG_ADMIN, type RuleSet, scopedUnknown, unknownToken } from "../rules.ts";

export const access: RuleSet = {
  rules: {
    // People and invitations
    "GET /organisations/:id/people": ORG_ADMIN(200),
    "POST /organisations/:id/people": ORG_ADMIN(EMPTY_FORM),
    "POST /organisations/:id/people/remove": scopedUnknown("organisation-admin"),
    "POST /organisations/:id/invitations/:invitationId/withdraw": scopedUnknown("organisation-admin"),
    "POST /organisations/:id/invitations/:invitationId/approve": scopedUnknown("organisation-admin"),
    "GET /public-bodies/:id/people": BODY_ADMIN(200),
    "POST /public-bodies/:id/people": BODY_ADMIN(EMPTY_FORM),
    "POST /public-bodies/:id/people/remove": scopedUnknown(
      "authority-admin",
      "regulator-staff",
      "ombudsman-staff",
    ),
    "POST /public-bodies/:id/invitations/:invitationId/withdraw": scopedUnknown(
      "authority-admin",
      "regulator-staff",
      "ombudsman-staff",
    ),
    "POST /public-bodies/:id/invitations/:invitationId/approve": scopedUnknown(
      "authority-admin",
      "regulator-staff",
      "ombudsman-staff",
    ),
    "GET /invitations/:token": unknownToken,
  },
};
