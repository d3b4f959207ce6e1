import {
  anyone,
  EMPTY_FORM,
  NO_TOKEN,
  type RuleSet,
  signedIn,
  unknownTarget,
  unknownToken,
  type Who,
} from "../rules.ts";

/** Roles that need two-factor sign-in: they may not turn it off. */
const TWO_FACTOR_REQUIRED: Who[] = [
  "bid-opener",
  "authority-admin",
  "care-staff",
  "platform-admin",
  "consumer-champion",
  "complaints-officer",
];

export const accounts: RuleSet = {
  rules: {
    // Accounts
    "GET /sign-up": anyone(200),
    "POST /sign-up": anyone(EMPTY_FORM),
    "GET /sign-up/check-email": anyone(200),
    "GET /verify-email": anyone(NO_TOKEN),
    "POST /verify-email/resend": anyone(EMPTY_FORM),
    "GET /sign-in": anyone(200),
    "POST /sign-in": anyone(EMPTY_FORM),
    "POST /sign-in/demo": unknownToken,
    // The matrix's sessions have passed the second factor already: on to the account page.
    "GET /sign-in/two-factor": signedIn(303),
    "POST /sign-in/two-factor": signedIn(303),
    // Signed in, a page asking to confirm; the public have nothing to sign out of: on to "signed out".
    "GET /sign-out": (who) => (who === "public" ? 303 : 200),
    "POST /sign-out": anyone(303),
    "GET /signed-out": anyone(200),
    "GET /forgot-password": anyone(200),
    "POST /forgot-password": anyone(EMPTY_FORM),
    "GET /forgot-password/sent": anyone(200),
    "GET /reset-password": anyone(NO_TOKEN),
    "POST /reset-password": anyone(NO_TOKEN),
    "GET /account": signedIn(200),
    "POST /account/sign-out-everywhere": signedIn(303),
    "GET /account/two-factor/setup": signedIn(200),
    "POST /account/two-factor/setup": signedIn(EMPTY_FORM),
    // 303 and 409: the matrix's people have not set up two-factor sign-in, so they have no
    // recovery codes to see or replace, and nothing to turn off (those whose roles need it are
    // sent back to their account rather than asked to confirm).
    "GET /account/two-factor/recovery-codes": signedIn(303),
    "GET /account/two-factor/recovery-codes/new": signedIn(200),
    "POST /account/two-factor/recovery-codes/new": signedIn(409),
    "GET /account/two-factor/disable": (who) =>
      who === "public" ? "sign-in" : TWO_FACTOR_REQUIRED.includes(who) ? 303 : 200,
    "POST /account/two-factor/disable": signedIn(409),
    "GET /account/api-tokens/new": signedIn(200),
    "POST /account/api-tokens/new": signedIn(EMPTY_FORM),
    // No token has just been made: back to the account's list of tokens.
    "GET /account/api-tokens/created": signedIn(303),
    "POST /account/api-tokens/:id/revoke": unknownTarget,
    "GET /api/v1/account": signedIn(200),
  },
};
