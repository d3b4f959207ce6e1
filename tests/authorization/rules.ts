/**
 * The vocabulary of the authorisation matrix: who asks, for which tenant, and what they should get.
 * Each area of the platform keeps its own rules in `rules/<area>.ts` (a route-to-rule record and the
 * API bodies its writes need); `matrix.test.ts` joins them and fails on a route without one.
 */
import type { Role } from "../../src/modules/access/access.table.ts";
import { DEMO_AUTHORITY } from "../../src/seed/demo/authorities.ts";

export type Who = "public" | Role;
export type Tenant = "own" | "other";
export type Outcome = "allowed" | "denied" | "invisible" | "sign-in";
export type Rule = (who: Who, tenant: Tenant) => Outcome;

export const OWN_ORG = "019a0000-0000-7000-8000-00000000b001";
export const OTHER_ORG = "019a0000-0000-7000-8000-00000000b002";
export const UNKNOWN = "019a0000-0000-7000-8000-0000000fffff";

// Rules
export const anyone: Rule = () => "allowed";
export const signedIn: Rule = (who) => (who === "public" ? "sign-in" : "allowed");
export const platformAdmin: Rule = (who) =>
  who === "public" ? "sign-in" : who === "platform-admin" ? "allowed" : "denied";
/** Holders of `roles` for their own tenant (and platform administrators); others are refused. */
export const scoped =
  (...roles: Role[]): Rule =>
  (who, tenant) => {
    if (who === "public") return "sign-in";
    if (who === "platform-admin") return "allowed";
    return roles.includes(who) && tenant === "own" ? "allowed" : "denied";
  };
/** Like `scoped`, where the route then names something that does not exist (404 for those allowed). */
export const scopedUnknown =
  (...roles: Role[]): Rule =>
  (who, tenant) => {
    const outcome = scoped(...roles)(who, tenant);
    return outcome === "allowed" ? "invisible" : outcome;
  };
export const unknownToken: Rule = () => "invisible";
export const acceptUnknownToken: Rule = (who) => (who === "public" ? "sign-in" : "invisible");

export const ORG_ADMIN = scoped("organisation-admin");
export const BODY_ADMIN = scoped("authority-admin", "regulator-staff", "ombudsman-staff");
export const REGISTER_EDITOR = scoped("commissioner", "authority-admin");
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
