/**
 * The authorisation matrix: every route × every role × own or another tenant, each answered as
 * allowed, denied (403), invisible (404) or "sign in first" (303 to sign-in for pages, 401 for the
 * API). A route added without a line in RULES fails the first test: later issues extend the table.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { transaction } from "../../src/db/transaction.ts";
import { ROLE_SCOPE, ROLES } from "../../src/modules/access/access.table.ts";
import { SYSTEM } from "../../src/modules/audit/audit.service.ts";
import { createAuthority } from "../../src/modules/authorities/authorities.service.ts";
import { DEMO_AUTHORITY } from "../../src/seed/demo/authorities.ts";
import { runSeeds } from "../../src/seed/seed.ts";
import { seeds } from "../../src/seed/seeds.ts";
import { createTestApp, type TestApp } from "../support/app.ts";
import { createUser, sessionFor } from "../support/auth.ts";
import { access } from "./rules/access.ts";
import { accounts } from "./rules/accounts.ts";
import { challenges } from "./rules/challenges.ts";
import { consultations } from "./rules/consultations.ts";
import { contracts } from "./rules/contracts.ts";
import { evaluation } from "./rules/evaluation.ts";
import { opportunities } from "./rules/opportunities.ts";
import { organisations } from "./rules/organisations.ts";
import { platform } from "./rules/platform.ts";
import { projects } from "./rules/projects.ts";
import { publicBodies } from "./rules/public-bodies.ts";
import { regulation } from "./rules/regulation.ts";
import { services } from "./rules/services.ts";
import { tenders } from "./rules/tenders.ts";
import {
  OTHER_ORG,
  type Outcome,
  OWN_ORG,
  REGISTER,
  REGULATOR,
  type Rule,
  type RuleSet,
  type Tenant,
  UNKNOWN,
  type Who,
} from "./rules.ts";

/** Every area's rules, joined. The key is "METHOD url-pattern". */
const RULE_SETS: RuleSet[] = [
  platform,
  publicBodies,
  access,
  accounts,
  organisations,
  services,
  projects,
  consultations,
  challenges,
  tenders,
  opportunities,
  evaluation,
  contracts,
  regulation,
];
const RULES: Record<string, Rule> = Object.assign({}, ...RULE_SETS.map((set) => set.rules));
/** A well-formed body for API writes, so that the answer is about who may, not about the body. */
const API_BODIES: Record<string, string> = Object.assign({}, ...RULE_SETS.map((set) => set.apiBodies ?? {}));

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
    .replace(":regulatorId", REGULATOR[tenant])
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
  await transaction(t.deps.db, (trx) =>
    createAuthority(trx, t.deps.clock, SYSTEM("test"), {
      id: REGULATOR.other,
      slug: "another-inspectorate",
      name: "Another Inspectorate",
      kind: "regulator",
      nation: "england-and-wales",
      verified: true,
    }),
  );
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
