import { anyone, EMPTY_FORM, platformAdmin, type RuleSet, signedIn } from "../rules.ts";

export const publicBodies: RuleSet = {
  rules: {
    // Public bodies and their verification
    "GET /public-bodies/new": signedIn(200),
    "POST /public-bodies": signedIn(EMPTY_FORM),
    "GET /public-bodies/:id": anyone(200),
    "GET /admin/public-bodies": platformAdmin(200),
    // 409: the matrix names the demo authorities, verified already.
    "POST /admin/public-bodies/:id/verify": platformAdmin(409),
    "POST /admin/public-bodies/:id/reject": platformAdmin(EMPTY_FORM),
  },
};
