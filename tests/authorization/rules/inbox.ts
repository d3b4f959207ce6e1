import { type RuleSet, signedIn, unknownTarget } from "../rules.ts";

/**
 * The inbox: anyone signed in has one, and sees only their own notices — a notice the matrix names
 * (UNKNOWN) is not found for everyone, as anyone else's would be.
 */
export const inbox: RuleSet = {
  rules: {
    "GET /inbox": signedIn(200),
    "GET /inbox/:id": unknownTarget,
    "POST /inbox/mark-all-read": signedIn(303),
    "GET /account/email-notices": signedIn(200),
    // Nothing ticked is a choice: every kind that may be turned off comes to the inbox only.
    "POST /account/email-notices": signedIn(303),
    "GET /api/v1/inbox": signedIn(200),
    "GET /api/v1/inbox/:id": unknownTarget,
    "POST /api/v1/inbox/:id/read": unknownTarget,
    "POST /api/v1/inbox/read-all": signedIn(200),
  },
};
