/**
 * The vocabulary of the authorisation matrix: who asks, for which tenant, and exactly what they
 * should get. Each area of the platform keeps its own rules in `rules/<area>.ts` (a route-to-rule
 * record and the API bodies its writes need); `matrix.test.ts` joins them and fails on a route
 * without one.
 *
 * A rule names, for each caller, either a refusal — "denied" (403), "invisible" (404), "sign-in"
 * (401 from the API, a 303 to the sign-in page from a page) — or the exact status of a call that
 * is let through: its success (200, 201, 204, or 303 to somewhere other than the sign-in page), or,
 * where the matrix's request or the demo data's state decides, the 400, 409 or 422 it then gets,
 * said why where the rule is written. Any other answer fails, so a route broken for a role that may
 * use it fails too.
 */
import type { Role } from "../../src/modules/access/access.table.ts";
import { DEMO_AUTHORITY } from "../../src/seed/demo/authorities.ts";

export type Who = "public" | Role;
export type Tenant = "own" | "other";
/** The status of a call that is let through. */
export type Allowed = 200 | 201 | 204 | 303 | 400 | 409 | 422;
export type Outcome = Allowed | "denied" | "invisible" | "sign-in";
export type Rule = (who: Who, tenant: Tenant) => Outcome;

export const OWN_ORG = "019a0000-0000-7000-8000-00000000b001";
export const OTHER_ORG = "019a0000-0000-7000-8000-00000000b002";
export const UNKNOWN = "019a0000-0000-7000-8000-0000000fffff";

// Why a call that is let through is not a success: the matrix sends the least it can.

/** A page form the matrix posts empty (its CSRF token alone): the form again, with its errors. */
export const EMPTY_FORM = 400;
/** An API write the matrix sends without what the route requires (each area gives a full body where the demo data lets it succeed). */
export const INCOMPLETE_BODY = 400;
/** A page reached from an emailed link, opened without the link's token: "This link does not work". */
export const NO_TOKEN = 400;

// Rules

export const anyone =
  (ok: Allowed): Rule =>
  () =>
    ok;
export const signedIn =
  (ok: Allowed): Rule =>
  (who) =>
    who === "public" ? "sign-in" : ok;
export const platformAdmin =
  (ok: Allowed): Rule =>
  (who) =>
    who === "public" ? "sign-in" : who === "platform-admin" ? ok : "denied";
/** Holders of `roles` for their own tenant (and platform administrators) get `ok`; others are refused. */
export const scoped =
  (ok: Allowed, ...roles: Role[]): Rule =>
  (who, tenant) => {
    if (who === "public") return "sign-in";
    if (who === "platform-admin") return ok;
    return roles.includes(who) && tenant === "own" ? ok : "denied";
  };
export const unknownToken: Rule = () => "invisible";
/**
 * A route that needs a signed-in caller and names something that does not exist (the matrix's
 * UNKNOWN id) under a tenant that does: 404 for everyone signed in, whatever their role or tenant.
 * The order of checks is one everywhere: 401 not signed in, then 404 for what the caller may not
 * see (nothing here), then 403 not allowed, then 409 not now (docs/security.md, finding 14).
 */
export const unknownTarget: Rule = (who) => (who === "public" ? "sign-in" : "invisible");

export const ORG_ADMIN = (ok: Allowed): Rule => scoped(ok, "organisation-admin");
export const BODY_ADMIN = (ok: Allowed): Rule =>
  scoped(ok, "authority-admin", "regulator-staff", "ombudsman-staff", "consumer-champion");
export const REGISTER_EDITOR = (ok: Allowed): Rule => scoped(ok, "commissioner", "authority-admin");
/** The service register's authorities (own: the county every authority role acts for), by id and slug. */
export const REGISTER = {
  own: { id: DEMO_AUTHORITY.county, slug: "westshire-county-council" },
  other: { id: DEMO_AUTHORITY.district, slug: "millbrook-district-council" },
} as const;

/** A part of the matrix: each route's rule, and a well-formed body for API writes that need one. */
export interface RuleSet {
  rules: Record<string, Rule>;
  apiBodies?: Record<string, string>;
}

/** Regulators' pages: the demo regulator, and another verified regulator the matrix adds. */
export const REGULATOR = {
  own: DEMO_AUTHORITY.regulator,
  other: "019a0000-0000-7000-8000-0000000aa0a7",
} as const;

/** Consumer champions' pages: the demo champion, and another verified champion the matrix adds. */
export const CHAMPION = {
  own: DEMO_AUTHORITY.champion,
  other: "019a0000-0000-7000-8000-0000000aa0c9",
} as const;
