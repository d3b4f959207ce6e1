/**
 * The authorisation matrix: every route × every role × own or another tenant, each answered as
 * allowed, denied (403), invisible (404) or "sign in first" (303 to sign-in for pages, 401 for the
 * API). A route added without a line in RULES fails the first test: later issues extend the table.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROLE_SCOPE, ROLES, type Role } from "../../src/modules/access/access.table.ts";
import { DEMO_AUTHORITY } from "../../src/seed/demo/authorities.ts";
import { runSeeds } from "../../src/seed/seed.ts";
import { seeds } from "../../src/seed/seeds.ts";
import { createTestApp, type TestApp } from "../support/app.ts";
import { createUser, sessionFor } from "../support/auth.ts";

type Who = "public" | Role;
type Tenant = "own" | "other";
type Outcome = "allowed" | "denied" | "invisible" | "sign-in";
type Rule = (who: Who, tenant: Tenant) => Outcome;

const OWN_ORG = "019a0000-0000-7000-8000-00000000b001";
const OTHER_ORG = "019a0000-0000-7000-8000-00000000b002";
const UNKNOWN = "019a0000-0000-7000-8000-0000000fffff";

// Rules
const anyone: Rule = () => "allowed";
const signedIn: Rule = (who) => (who === "public" ? "sign-in" : "allowed");
const platformAdmin: Rule = (who) =>
  who === "public" ? "sign-in" : who === "platform-admin" ? "allowed" : "denied";
/** Holders of `roles` for their own tenant (and platform administrators); others are refused. */
const scoped =
  (...roles: Role[]): Rule =>
  (who, tenant) => {
    if (who === "public") return "sign-in";
    if (who === "platform-admin") return "allowed";
    return roles.includes(who) && tenant === "own" ? "allowed" : "denied";
  };
/** Like `scoped`, where the route then names something that does not exist (404 for those allowed). */
const scopedUnknown =
  (...roles: Role[]): Rule =>
  (who, tenant) => {
    const outcome = scoped(...roles)(who, tenant);
    return outcome === "allowed" ? "invisible" : outcome;
  };
const unknownToken: Rule = () => "invisible";
const acceptUnknownToken: Rule = (who) => (who === "public" ? "sign-in" : "invisible");

const ORG_ADMIN = scoped("organisation-admin");
const BODY_ADMIN = scoped("authority-admin", "regulator-staff", "ombudsman-staff");
const REGISTER_EDITOR = scoped("commissioner", "authority-admin");
/** The service register's authorities (own: the county every authority role acts for), by id and slug. */
const REGISTER = {
  own: { id: DEMO_AUTHORITY.county, slug: "westshire-county-council" },
  other: { id: DEMO_AUTHORITY.district, slug: "millbrook-district-council" },
} as const;

/** Every route's rule. The key is "METHOD url-pattern". */
const RULES: Record<string, Rule> = {
  // Platform and public pages
  "GET /healthz": anyone,
  "GET /readyz": anyone,
  "GET /api/v1/health": anyone,
  "GET /api/v1/version": anyone,
  "GET /api/openapi.json": anyone,
  "GET /api/docs": anyone,
  "GET /": anyone,
  "GET /accessibility": anyone,
  "GET /privacy": anyone,
  "GET /cookies": anyone,
  "GET /feedback": anyone,
  "GET /open-data": anyone,
  "GET /open-data/authorities.csv": anyone,
  "GET /open-data/organisations.csv": anyone,
  "GET /assets/:name": anyone,
  "GET /favicon.ico": anyone,
  // Public bodies and their verification
  "GET /public-bodies/new": signedIn,
  "POST /public-bodies": signedIn,
  "GET /public-bodies/:id": anyone,
  "GET /admin/public-bodies": platformAdmin,
  "POST /admin/public-bodies/:id/verify": platformAdmin,
  "POST /admin/public-bodies/:id/reject": platformAdmin,
  // People and invitations
  "GET /organisations/:id/people": ORG_ADMIN,
  "POST /organisations/:id/people": ORG_ADMIN,
  "POST /organisations/:id/people/remove": scopedUnknown("organisation-admin"),
  "POST /organisations/:id/invitations/:invitationId/withdraw": scopedUnknown("organisation-admin"),
  "GET /public-bodies/:id/people": BODY_ADMIN,
  "POST /public-bodies/:id/people": BODY_ADMIN,
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
  "GET /invitations/:token": unknownToken,
  // Accounts
  "GET /sign-up": anyone,
  "POST /sign-up": anyone,
  "GET /sign-up/check-email": anyone,
  "GET /verify-email": anyone,
  "POST /verify-email/resend": anyone,
  "GET /sign-in": anyone,
  "POST /sign-in": anyone,
  "POST /sign-in/demo": unknownToken,
  "GET /sign-in/two-factor": signedIn,
  "POST /sign-in/two-factor": signedIn,
  "GET /sign-out": anyone,
  "POST /sign-out": anyone,
  "GET /signed-out": anyone,
  "GET /forgot-password": anyone,
  "POST /forgot-password": anyone,
  "GET /forgot-password/sent": anyone,
  "GET /reset-password": anyone,
  "POST /reset-password": anyone,
  "GET /account": signedIn,
  "POST /account/sign-out-everywhere": signedIn,
  "GET /account/two-factor/setup": signedIn,
  "POST /account/two-factor/setup": signedIn,
  "GET /account/two-factor/recovery-codes": signedIn,
  "POST /account/two-factor/recovery-codes": signedIn,
  "GET /account/two-factor/disable": signedIn,
  "POST /account/two-factor/disable": signedIn,
  "GET /account/api-tokens/new": signedIn,
  "POST /account/api-tokens/new": signedIn,
  "GET /account/api-tokens/created": signedIn,
  "POST /account/api-tokens/:id/revoke": acceptUnknownToken,
  "GET /api/v1/account": signedIn,
  // The directory of organisations
  "GET /organisations": anyone,
  "GET /organisations/:id": anyone,
  "GET /api/v1/organisations": anyone,
  "GET /api/v1/organisations/:id": anyone,
  "GET /organisations/new": signedIn,
  "POST /organisations/new": signedIn,
  "POST /api/v1/organisations": signedIn,
  "GET /organisations/:id/edit": ORG_ADMIN,
  "POST /organisations/:id/edit": ORG_ADMIN,
  "GET /organisations/:id/evidence": ORG_ADMIN,
  "POST /organisations/:id/evidence": ORG_ADMIN,
  "GET /organisations/:id/relationships": ORG_ADMIN,
  "POST /organisations/:id/relationships": ORG_ADMIN,
  "POST /organisations/:id/relationships/:relationshipId/remove": scopedUnknown("organisation-admin"),
  "PATCH /api/v1/organisations/:id": ORG_ADMIN,
  "POST /invitations/:token/accept": acceptUnknownToken,
  // The service register, option appraisals and the pipeline
  "GET /authorities/:slug/services": anyone,
  "GET /authorities/:slug/services/:serviceId": unknownToken,
  "GET /authorities/:slug/pipeline": anyone,
  "GET /pipeline": anyone,
  "GET /authorities/:slug/services/new": REGISTER_EDITOR,
  "POST /authorities/:slug/services/new": REGISTER_EDITOR,
  "GET /authorities/:slug/services/:serviceId/edit": scopedUnknown("commissioner", "authority-admin"),
  "POST /authorities/:slug/services/:serviceId/edit": scopedUnknown("commissioner", "authority-admin"),
  "GET /authorities/:slug/services/:serviceId/appraisals/new": scopedUnknown(
    "commissioner",
    "authority-admin",
  ),
  "POST /authorities/:slug/services/:serviceId/appraisals/new": scopedUnknown(
    "commissioner",
    "authority-admin",
  ),
  "POST /authorities/:slug/services/:serviceId/appraisals/:appraisalId/publish": scopedUnknown(
    "commissioner",
    "authority-admin",
  ),
  "GET /api/v1/authorities/:authorityId/services": anyone,
  "GET /api/v1/authorities/:authorityId/services/:serviceId": unknownToken,
  "POST /api/v1/authorities/:authorityId/services": REGISTER_EDITOR,
  "PATCH /api/v1/authorities/:authorityId/services/:serviceId": scopedUnknown(
    "commissioner",
    "authority-admin",
  ),
  "GET /api/v1/pipeline": anyone,
  // Commissioning projects
  "GET /authorities/:slug/projects": anyone,
  "GET /authorities/:slug/projects/new": REGISTER_EDITOR,
  "POST /authorities/:slug/projects/new": REGISTER_EDITOR,
  "GET /authorities/:slug/projects/:projectId": unknownToken,
  "POST /authorities/:slug/projects/:projectId/publish": scopedUnknown("commissioner", "authority-admin"),
  "GET /api/v1/authorities/:authorityId/projects": anyone,
  "GET /api/v1/authorities/:authorityId/projects/:projectId": unknownToken,
  "POST /api/v1/authorities/:authorityId/projects": REGISTER_EDITOR,
  "PATCH /api/v1/authorities/:authorityId/projects/:projectId": scopedUnknown(
    "commissioner",
    "authority-admin",
  ),
  "POST /api/v1/authorities/:authorityId/projects/:projectId/publish": scopedUnknown(
    "commissioner",
    "authority-admin",
  ),
};

/** A well-formed body for API writes, so that the answer is about who may, not about the body. */
const API_BODIES: Record<string, string> = {
  "PATCH /api/v1/organisations/:id": JSON.stringify({
    description: "Changed by the authorisation matrix test.",
  }),
  "PATCH /api/v1/authorities/:authorityId/services/:serviceId": JSON.stringify({
    description: "Changed by the authorisation matrix test.",
  }),
  "PATCH /api/v1/authorities/:authorityId/projects/:projectId": JSON.stringify({
    description: "Changed by the authorisation matrix test.",
  }),
};

/** The tenant each role acts for, and "another" one of the same kind. */
function tenantIds(who: Who): { org: [string, string]; body: [string, string] } {
  const body: [string, string] =
    who === "regulator-staff"
      ? [DEMO_AUTHORITY.regulator, DEMO_AUTHORITY.district]
      : who === "ombudsman-staff"
        ? [DEMO_AUTHORITY.ombudsman, DEMO_AUTHORITY.district]
        : [DEMO_AUTHORITY.county, DEMO_AUTHORITY.district];
  return { org: [OWN_ORG, OTHER_ORG], body };
}

function urlFor(pattern: string, who: Who, tenant: Tenant): string {
  const ids = tenantIds(who);
  const pick = (pair: [string, string]) => (tenant === "own" ? pair[0] : pair[1]);
  return pattern
    .replace(/^\/organisations\/:id/, `/organisations/${pick(ids.org)}`)
    .replace(/^\/api\/v1\/organisations\/:id/, `/api/v1/organisations/${pick(ids.org)}`)
    .replace(/^\/public-bodies\/:id/, `/public-bodies/${pick(ids.body)}`)
    .replace(/^\/admin\/public-bodies\/:id/, `/admin/public-bodies/${pick(ids.body)}`)
    .replace(/^\/authorities\/:slug/, `/authorities/${REGISTER[tenant].slug}`)
    .replace(":authorityId", REGISTER[tenant].id)
    .replace(":invitationId", UNKNOWN)
    .replace(":token", "not-a-real-token")
    .replace("/assets/:name", t.app.assetUrls.faviconSvg)
    .replace(/:(\w+)/g, UNKNOWN);
}

let t: TestApp;
const users = new Map<Who, string>();
/** The public, as a browser that has seen a page: its CSRF cookie and a form's token. */
let publicCsrf: { cookie: string; token: string };

beforeAll(async () => {
  t = await createTestApp({ env: { OPENPS_DEMO: "true" } });
  await runSeeds(t.deps.db, t.deps.clock, seeds, { demo: true });
  const page = await t.app.inject({ url: "/sign-in" });
  const cookie = page.cookies.find((c) => c.name === "openps_csrf");
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
  if (!cookie || !token) throw new Error("The sign-in page gave no CSRF cookie and token");
  publicCsrf = { cookie: `openps_csrf=${cookie.value}`, token };
  for (const role of ROLES) {
    const scope = ROLE_SCOPE[role];
    const ids = tenantIds(role);
    const scopeId = scope === "organisation" ? ids.org[0] : scope === "platform" ? undefined : ids.body[0];
    const user = await createUser(t.deps.db, { displayName: `Matrix ${role}`, grants: [{ role, scopeId }] });
    users.set(role, user.id);
  }
}, 120_000);

afterAll(async () => {
  await t.close();
});

function outcomeOf(
  status: number,
  location: string | undefined,
  isApi: boolean,
): Outcome | `status ${number}` {
  if (status === 403) return "denied";
  if (status === 404) return "invisible";
  if (isApi && status === 401) return "sign-in";
  if (!isApi && status === 303 && location?.startsWith("/sign-in")) return "sign-in";
  if (status >= 500 || status === 401) return `status ${status}`;
  return "allowed";
}

describe("the authorisation matrix", () => {
  it("has a rule for every route", () => {
    const keys = t.app.routeList.map((r) => `${r.method} ${r.url}`);
    const missing = keys.filter((k) => !(k in RULES));
    const stale = Object.keys(RULES).filter((k) => !keys.includes(k));
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
  });

  it("answers every route for every role, own tenant and another, as the rules say", async () => {
    const wrong: string[] = [];
    for (const route of t.app.routeList) {
      const rule = RULES[`${route.method} ${route.url}`];
      if (!rule) continue;
      for (const who of ["public", ...ROLES] as Who[]) {
        for (const tenant of ["own", "other"] as Tenant[]) {
          // A fresh session each time: some routes (sign-out) end the ones they are given.
          const userId = users.get(who);
          const fresh = userId ? await sessionFor(t.app, userId, { twoFactor: true }) : null;
          const url = urlFor(route.url, who, tenant);
          const isApi = url.startsWith("/api/");
          const body =
            route.method === "GET"
              ? {}
              : isApi
                ? {
                    headers: { "content-type": "application/json" },
                    payload: API_BODIES[`${route.method} ${route.url}`] ?? "{}",
                  }
                : {
                    headers: { "content-type": "application/x-www-form-urlencoded" },
                    payload: `_csrf=${encodeURIComponent(fresh ? fresh.csrfToken : publicCsrf.token)}`,
                  };
          const response = await t.app.inject({
            method: route.method as "GET" | "POST" | "PATCH",
            url,
            headers: { cookie: fresh ? fresh.cookie : publicCsrf.cookie, ...body.headers },
            ...(body.payload === undefined ? {} : { payload: body.payload }),
          });
          const expected = rule(who, tenant);
          const got = outcomeOf(
            response.statusCode,
            response.headers.location as string | undefined,
            url.startsWith("/api/"),
          );
          if (got !== expected)
            wrong.push(
              `${route.method} ${url} as ${who} (${tenant}): expected ${expected}, got ${got} (${response.statusCode})`,
            );
        }
      }
    }
    expect(wrong).toEqual([]);
  }, 300_000);
});
