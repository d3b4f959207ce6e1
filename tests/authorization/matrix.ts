/**
 * The authorisation matrix's harness: the app on the seeded demo data, a person for every role
 * (acting for the demo county, an organisation or a regulator), and each route asked by each of
 * them and by the public, for their own tenant and for another. `*.test.ts` here run it, the pages
 * and the API in two files so that they run side by side.
 */
import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import { transaction } from "../../src/db/transaction.ts";
import { settableClock } from "../../src/lib/clock.ts";
import { ROLE_SCOPE, ROLES } from "../../src/modules/access/access.table.ts";
import { systemCtx } from "../../src/modules/access/context.ts";
import { SESSION_COOKIE } from "../../src/modules/accounts/accounts.service.ts";
import { SYSTEM } from "../../src/modules/audit/audit.service.ts";
import { createAuthority } from "../../src/modules/authorities/authorities.service.ts";
import { recordChampionArea } from "../../src/modules/voice/champions.service.ts";
import { DEMO_AREA } from "../../src/seed/demo/areas.ts";
import { DEMO_AUTHORITY } from "../../src/seed/demo/authorities.ts";
import { createTestApp, type TestApp } from "../support/app.ts";
import { createUser, sessionFor, type TestSession } from "../support/auth.ts";
import { DEMO_SEEDED_AT } from "../support/test-db.ts";
import { access } from "./rules/access.ts";
import { accounts } from "./rules/accounts.ts";
import { appeals } from "./rules/appeals.ts";
import { barriers } from "./rules/barriers.ts";
import { budgets } from "./rules/budgets.ts";
import { care } from "./rules/care.ts";
import { challenges } from "./rules/challenges.ts";
import { choice } from "./rules/choice.ts";
import { commissioning } from "./rules/commissioning.ts";
import { communityAssets } from "./rules/community-assets.ts";
import { communityBudgets } from "./rules/community-budgets.ts";
import { consultations } from "./rules/consultations.ts";
import { contracts } from "./rules/contracts.ts";
import { datasets } from "./rules/datasets.ts";
import { delegations } from "./rules/delegations.ts";
import { demoClock } from "./rules/demo-clock.ts";
import { evaluation } from "./rules/evaluation.ts";
import { grants } from "./rules/grants.ts";
import { home } from "./rules/home.ts";
import { inbox } from "./rules/inbox.ts";
import { integrity } from "./rules/integrity.ts";
import { market } from "./rules/market.ts";
import { mutuals } from "./rules/mutuals.ts";
import { ocdsImport } from "./rules/ocds-import.ts";
import { openData } from "./rules/open-data.ts";
import { opportunities } from "./rules/opportunities.ts";
import { organisations } from "./rules/organisations.ts";
import { platform } from "./rules/platform.ts";
import { prize } from "./rules/prize.ts";
import { projects } from "./rules/projects.ts";
import { publicBodies } from "./rules/public-bodies.ts";
import { redress } from "./rules/redress.ts";
import { regulation } from "./rules/regulation.ts";
import { reports } from "./rules/reports.ts";
import { resultsApprovals } from "./rules/results-approvals.ts";
import { resultsAudits } from "./rules/results-audits.ts";
import { resultsIntake } from "./rules/results-intake.ts";
import { resultsRuns } from "./rules/results-runs.ts";
import { services } from "./rules/services.ts";
import { standards } from "./rules/standards.ts";
import { tenders } from "./rules/tenders.ts";
import { voice } from "./rules/voice.ts";
import {
  CHAMPION,
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

/** The ombudsman of a route naming one (own: the demo LGSCO, whose staff the matrix's ombudsman-staff are). */
const OMBUDSMAN = {
  own: { id: DEMO_AUTHORITY.ombudsman, slug: "local-government-and-social-care-ombudsman" },
  other: { id: DEMO_AUTHORITY.phso, slug: "parliamentary-and-health-service-ombudsman" },
} as const;

/** Every area's rules, by name. The key of a rule is "METHOD url-pattern". */
export const RULE_SETS: Record<string, RuleSet> = {
  platform,
  openData,
  integrity,
  publicBodies,
  access,
  accounts,
  inbox,
  demoClock,
  organisations,
  services,
  projects,
  consultations,
  challenges,
  tenders,
  opportunities,
  evaluation,
  contracts,
  choice,
  budgets,
  home,
  regulation,
  ocdsImport,
  datasets,
  market,
  reports,
  care,
  voice,
  redress,
  commissioning,
  resultsIntake,
  resultsAudits,
  resultsRuns,
  resultsApprovals,
  grants,
  mutuals,
  barriers,
  standards,
  prize,
  communityAssets,
  communityBudgets,
  delegations,
  appeals,
};
export const RULES: Record<string, Rule> = Object.assign(
  {},
  ...Object.values(RULE_SETS).map((set) => set.rules),
);
/** A well-formed body for API writes, so that the answer is about who may, not about the body. */
const API_BODIES: Record<string, string> = Object.assign(
  {},
  ...Object.values(RULE_SETS).map((set) => set.apiBodies ?? {}),
);

export const WHO: readonly Who[] = ["public", ...ROLES];
export const TENANTS: readonly Tenant[] = ["own", "other"];

/** The tenant each role acts for, and "another" one of the same kind. */
function tenantIds(who: Who): { org: [string, string]; body: [string, string] } {
  const body: [string, string] =
    who === "regulator-staff"
      ? [DEMO_AUTHORITY.regulator, DEMO_AUTHORITY.district]
      : who === "ombudsman-staff"
        ? [DEMO_AUTHORITY.ombudsman, DEMO_AUTHORITY.district]
        : who === "consumer-champion"
          ? [DEMO_AUTHORITY.champion, DEMO_AUTHORITY.district]
          : [DEMO_AUTHORITY.county, DEMO_AUTHORITY.district];
  return { org: [OWN_ORG, OTHER_ORG], body };
}

export interface Matrix {
  t: TestApp;
  /** Asks one route as one caller; what they got, and whether the rule says so. */
  ask(method: string, pattern: string, who: Who, tenant: Tenant): Promise<string | undefined>;
  close(): Promise<void>;
}

/**
 * The app on the demo data seeded on 22 November 2026 (the instant most seeded tests share, so
 * its template is made once a run), with another verified regulator, and a person for each role.
 */
export async function startMatrix(): Promise<Matrix> {
  const t = await createTestApp({ clock: settableClock(DEMO_SEEDED_AT), seeded: true });
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
  // Another verified consumer champion, covering the demo champion's first area.
  await transaction(t.deps.db, async (trx) => {
    await createAuthority(trx, t.deps.clock, SYSTEM("test"), {
      id: CHAMPION.other,
      slug: "another-champion",
      name: "Another Champion",
      kind: "consumer-champion",
      nation: "england-and-wales",
      verified: true,
    });
    await recordChampionArea(systemCtx(trx, t.deps.clock, "test"), CHAMPION.other, DEMO_AREA.westshire);
  });
  const page = await t.app.inject({ url: "/sign-in" });
  const cookie = page.cookies.find((c) => c.name === "openps_csrf");
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
  if (!cookie || !token) throw new Error("The sign-in page gave no CSRF cookie and token");
  /** The public, as a browser that has seen a page: its CSRF cookie and a form's token. */
  const publicCsrf = { cookie: `openps_csrf=${cookie.value}`, token };
  const users = new Map<Who, string>();
  for (const role of ROLES) {
    const scope = ROLE_SCOPE[role];
    const ids = tenantIds(role);
    const scopeId = scope === "organisation" ? ids.org[0] : scope === "platform" ? undefined : ids.body[0];
    const user = await createUser(t.deps.db, { displayName: `Matrix ${role}`, grants: [{ role, scopeId }] });
    users.set(role, user.id);
  }
  // One session each, made again when a route ends it (signing out).
  const sessions = new Map<Who, TestSession>();
  async function sessionOf(who: Who): Promise<TestSession | null> {
    const userId = users.get(who);
    if (!userId) return null;
    let session = sessions.get(who);
    if (!session) {
      session = await sessionFor(t.app, userId, { twoFactor: true });
      sessions.set(who, session);
    }
    return session;
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
      .replace(/^\/authorities\/:ombudsmanSlug/, `/authorities/${OMBUDSMAN[tenant].slug}`)
      .replace(":ombudsmanId", OMBUDSMAN[tenant].id)
      .replace(":authorityId", REGISTER[tenant].id)
      .replace(":regulatorId", REGULATOR[tenant])
      .replace(":championId", CHAMPION[tenant])
      .replace(":areaCode", DEMO_AREA.westshire)
      .replace(":invitationId", UNKNOWN)
      .replace(":token", "not-a-real-token")
      .replace("/assets/:name", t.app.assetUrls.faviconSvg)
      .replace("/api/docs/:tag", "/api/docs/platform")
      .replace(/^\/open-data\/:dataset/, "/open-data/authorities")
      .replace(/:(\w+)/g, UNKNOWN);
  }

  /**
   * The last read asked, and its answer: a route whose address names no tenant (`/tasks`, `/readyz`)
   * is the same request for "own" as for "other", asked one after the other — asked once, its answer
   * held to what the rule expects for each.
   */
  let lastRead: { request: string; got: Outcome | number } | undefined;

  async function ask(method: string, pattern: string, who: Who, tenant: Tenant): Promise<string | undefined> {
    const rule = RULES[`${method} ${pattern}`];
    if (!rule) return `${method} ${pattern} has no rule`;
    const url = urlFor(pattern, who, tenant);
    const read = method === "GET" ? `${who} ${url}` : undefined;
    const got =
      read !== undefined && lastRead?.request === read
        ? lastRead.got
        : await answer(method, pattern, url, who);
    lastRead = read === undefined ? undefined : { request: read, got };
    const expected = rule(who, tenant);
    if (got === expected) return undefined;
    return `${method} ${url} as ${who} (${tenant}): expected ${expected}, got ${got}`;
  }

  /** What the caller gets from the app for the request. */
  async function answer(method: string, pattern: string, url: string, who: Who): Promise<Outcome | number> {
    const session = await sessionOf(who);
    const isApi = url.startsWith("/api/");
    const body =
      method === "GET"
        ? {}
        : isApi
          ? {
              // Every write may carry an idempotency key (the budgets' money-moving routes require one).
              headers: { "content-type": "application/json", "idempotency-key": `matrix-${randomUUID()}` },
              payload: API_BODIES[`${method} ${pattern}`] ?? "{}",
            }
          : {
              headers: { "content-type": "application/x-www-form-urlencoded" },
              payload: `_csrf=${encodeURIComponent(session ? session.csrfToken : publicCsrf.token)}`,
            };
    const response = await t.app.inject({
      method: method as "GET" | "POST" | "PATCH",
      url,
      headers: { cookie: session ? session.cookie : publicCsrf.cookie, ...body.headers },
      ...(body.payload === undefined ? {} : { payload: body.payload }),
    });
    if (response.cookies.some((c) => c.name === SESSION_COOKIE)) sessions.delete(who);
    return outcomeOf(response.statusCode, response.headers.location as string | undefined, isApi);
  }

  return { t, ask, close: () => t.close() };
}

/** What a caller got: a refusal by name, or else the status itself. */
export function outcomeOf(status: number, location: string | undefined, isApi: boolean): Outcome | number {
  if (status === 403) return "denied";
  if (status === 404) return "invisible";
  if (isApi && status === 401) return "sign-in";
  if (!isApi && status === 303 && location?.startsWith("/sign-in")) return "sign-in";
  return status;
}

/** Pages or the JSON API. */
export type Part = "pages" | "api";

const partOf = (url: string): Part => (url.startsWith("/api/") ? "api" : "pages");

/**
 * Asks every registered route of the rule set in that part (pages or the API) as every caller, and
 * fails listing each wrong answer.
 */
export async function checkRuleSet(matrix: Matrix, set: RuleSet, part: Part): Promise<void> {
  const wrong: string[] = [];
  for (const route of matrix.t.app.routeList) {
    if (!(`${route.method} ${route.url}` in set.rules) || partOf(route.url) !== part) continue;
    for (const who of WHO) {
      for (const tenant of TENANTS) {
        const problem = await matrix.ask(route.method, route.url, who, tenant);
        if (problem) wrong.push(problem);
      }
    }
  }
  expect(wrong).toEqual([]);
}
