import { anyone, platformAdmin, type RuleSet, signedIn } from "../rules.ts";

export const publicBodies: RuleSet = {
  rules: {
    // Public bodies and their verification
    "GET /public-bodies/new": signedIn,
    "POST /public-bodies": signedIn,
    "GET /public-bodies/:id": anyone,
    "GET /admin/public-bodies": platformAdmin,
    "POST /admin/public-bodies/:id/verify": platformAdmin,
    "POST /admin/public-bodies/:id/reject": platformAdmin,
  },
};
