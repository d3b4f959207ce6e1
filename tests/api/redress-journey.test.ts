/**
 * Issue 18's journey through the JSON API (/api/v1), each person with an API token of the scopes
 * their part needs, on one seeded app (demo mode): the demo citizen (Joan Whitfield) complains about
 * Greenway Home Care (NHS and adult social care); Greenway's administrator (Gwen Parry) finds it in
 * the provider's list and acknowledges it; the platform administrator moves the demo clock past the
 * 6 months; Gwen answers, late, with the explanation owed; Joan reads the answer done late and which
 * ombudsman is next. Before it: what the demo shows each account (src/seed/demo/redress.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiScope } from "../../src/modules/accounts/accounts.service.ts";
import { createApiToken } from "../../src/modules/accounts/api-tokens.service.ts";
import { DEMO_AUTHORITY } from "../../src/seed/demo/authorities.ts";
import { DEMO_REPRESENTATIVE } from "../../src/seed/demo/care.ts";
import { DEMO_PROVIDER_GREENWAY, DEMO_USERS } from "../../src/seed/demo/users.ts";
import { call } from "../support/api.ts";
import { createTestApp, type TestApp } from "../support/app.ts";
import { principalOf } from "../support/principals.ts";

const COUNTY = DEMO_AUTHORITY.county;
const DISTRICT = DEMO_AUTHORITY.district;
const demoUser = (name: string) => DEMO_USERS.find((u) => u.displayName === name)?.id as string;

let t: TestApp;
const tokens: Record<string, { token: string }> = {};

/** An API token of the user's, with the scopes given, for a year (the demo clock moves on months). */
async function tokenOf(userId: string, scopes: ApiScope[]): Promise<{ token: string }> {
  const principal = await principalOf(t.deps.db, userId);
  const made = await createApiToken(
    {
      db: t.deps.db,
      clock: t.deps.clock,
      principal,
      secrets: t.app.accountSecrets,
      origin: { address: "127.0.0.1" },
    },
    { name: "Redress journey", scopes, expiresInDays: 365 },
  );
  return { token: made.token };
}

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  const read: ApiScope[] = ["complaints:read", "complaints:write"];
  tokens.joan = await tokenOf(demoUser("Cara Citizen"), read);
  tokens.sian = await tokenOf(DEMO_REPRESENTATIVE.id, read);
  tokens.gwen = await tokenOf(demoUser("Gwen Parry"), read);
  tokens.hannah = await tokenOf(demoUser("Hannah Fielding"), read);
  tokens.tom = await tokenOf(demoUser("Tom Ashby"), read);
  tokens.admin = await tokenOf(demoUser("Pat Morgan"), ["demo-clock:write"]);
}, 120_000);

afterAll(async () => {
  await t?.close();
});

interface ComplaintJson {
  regime: string;
  stage: number;
  status: string;
  lateDecision: string | null;
  stages: { steps: { step: string; state: string }[]; extensions: { agreedOn: string | null }[] }[];
}

/** A complaint as a line: its regime, stage and status, and where its current stage's steps stand. */
function describe_(c: ComplaintJson): string {
  const current = c.stages.at(-1);
  const extensions = current?.extensions ?? [];
  return [
    `${c.regime} ${c.stage} ${c.status}${c.lateDecision ? ` (late, ${c.lateDecision})` : ""}:`,
    (current?.steps ?? []).map((s) => `${s.step} ${s.state}`).join(", "),
    extensions.length > 0 ? `(extended${extensions.some((e) => e.agreedOn) ? " by agreement" : ""})` : "",
  ]
    .join(" ")
    .trim();
}

describe("the demo's complaints", () => {
  it("show each body's people every state, each in its list", async () => {
    const seen = async (who: string, url: string) => {
      const response = await call(t.app, "GET", url, tokens[who]);
      expect(response.statusCode, `${who} ${url}`).toBe(200);
      const lines: string[] = [];
      for (const row of response.json().complaints as { authorityId: string; id: string }[]) {
        const one = await call(
          t.app,
          "GET",
          `/api/v1/authorities/${row.authorityId}/complaints/${row.id}`,
          tokens[who],
        );
        lines.push(describe_(one.json()));
      }
      return lines.sort();
    };
    // Westshire's complaints officer (Hannah Fielding): the council's own, and its children's and adult social care.
    expect(await seen("hannah", `/api/v1/authorities/${COUNTY}/complaints`)).toEqual([
      "children-social-care 1 open: respond waiting",
      "children-social-care 2 open: respond waiting",
      "children-social-care 3 open: panel waiting",
      "council 1 answered: acknowledge done-on-time, respond done-on-time",
      "council 1 declined (late, declined): acknowledge not-needed, respond not-needed",
      "council 1 open (late, waived): acknowledge done-on-time, respond waiting",
      "council 1 open: acknowledge done-on-time, respond overdue",
      "nhs-adult-social-care 1 open: acknowledge done-on-time, respond waiting (extended by agreement)",
    ]);
    // Millbrook's (Tom Ashby): housing at both stages, one accepted, one sent without an account.
    expect(await seen("tom", `/api/v1/authorities/${DISTRICT}/complaints`)).toEqual([
      "council 1 accepted: acknowledge done-on-time, respond done-on-time",
      "council 1 open: acknowledge waiting, respond not-started",
      "housing 1 open: acknowledge done-on-time, respond waiting (extended)",
      "housing 2 open: acknowledge overdue, respond not-started",
    ]);
    // Greenway's administrator (Gwen Parry): care at home, one past its 6 months.
    expect(await seen("gwen", `/api/v1/organisations/${DEMO_PROVIDER_GREENWAY}/complaints`)).toEqual([
      "nhs-adult-social-care 1 open: acknowledge done-on-time, respond explanation-owed",
      "nhs-adult-social-care 1 open: acknowledge done-on-time, respond waiting",
      "nhs-adult-social-care 1 open: acknowledge waiting, respond waiting",
    ]);
    // The complainants see their own: Joan two, Siân two.
    for (const [who, regimes] of [
      ["joan", ["council", "nhs-adult-social-care"]],
      ["sian", ["children-social-care", "housing"]],
    ] as const) {
      const mine = (await call(t.app, "GET", "/api/v1/me/complaints", tokens[who])).json().complaints;
      expect(mine.map((c: ComplaintJson) => c.regime).sort(), who).toEqual(regimes);
    }
  });
});

describe("the journey", () => {
  let one = "";

  it("Joan complains about Greenway; it reaches Greenway's list, and no one else's", async () => {
    const made = await call(t.app, "POST", "/api/v1/complaints", tokens.joan, {
      about: "organisation",
      organisationId: DEMO_PROVIDER_GREENWAY,
      authorityId: COUNTY,
      regime: "nhs-adult-social-care",
      actingAs: "self",
      whatHappened: "The carer did not come on Saturday and no one called me.",
      happenedOn: "2026-11-17",
      outcomeWanted: "An apology, and a call when a visit cannot happen.",
      consent: true,
    });
    expect(made.statusCode).toBe(201);
    one = made.headers.location as string;
    expect(made.json()).toMatchObject({
      answerer: "provider",
      responsibleAuthority: { id: COUNTY },
      status: "open",
      stages: [
        { steps: [{ step: "acknowledge", dueOn: "2026-11-25", state: "waiting" }, { step: "respond" }] },
      ],
    });
    const greenway = await call(
      t.app,
      "GET",
      `/api/v1/organisations/${DEMO_PROVIDER_GREENWAY}/complaints?filter=due`,
      tokens.gwen,
    );
    expect(greenway.json().complaints.map((c: { id: string }) => c.id)).toContain(made.json().id);
    // Westshire's complaints officer does not answer it (the provider does), nor does Millbrook's: 404.
    for (const who of ["hannah", "tom"])
      expect((await call(t.app, "GET", one, tokens[who])).statusCode).toBe(404);
  });

  it("Gwen acknowledges it; after the 6 months her answer needs the explanation owed, and is late", async () => {
    const acknowledged = await call(t.app, "POST", `${one}/acknowledge`, tokens.gwen);
    expect(acknowledged.statusCode).toBe(200);
    expect(acknowledged.json().stages[0].steps[0]).toMatchObject({
      doneOn: "2026-11-22",
      state: "done-on-time",
    });
    const moved = await call(t.app, "POST", "/api/v1/demo-clock/forward", tokens.admin, { days: 190 });
    expect(moved.statusCode).toBe(200);
    expect((await call(t.app, "GET", one, tokens.gwen)).json().stages[0].steps[1]).toMatchObject({
      dueOn: "2027-05-21",
      state: "explanation-owed",
    });
    const answer = {
      finding: "upheld",
      response: "The visit was missed because the rota was not updated. We now check the rota every evening.",
      remedy: "An apology.",
    };
    const without = await call(t.app, "POST", `${one}/respond`, tokens.gwen, answer);
    expect(without.statusCode).toBe(400);
    expect(without.json().error.details).toEqual([
      expect.objectContaining({ field: "explanation", message: expect.stringContaining("explain why") }),
    ]);
    const answered = await call(t.app, "POST", `${one}/respond`, tokens.gwen, {
      ...answer,
      explanation: "The carer's records had to be gathered from the agency that covered the visit.",
    });
    expect(answered.statusCode).toBe(200);
    expect(answered.json()).toMatchObject({ status: "answered", nextDueOn: null });
    expect(answered.json().stages[0].steps[1]).toMatchObject({ doneOn: "2027-05-31", state: "done-late" });
  });

  it("Joan reads the answer, done late, and the ombudsman who would be next", async () => {
    const mine = await call(t.app, "GET", one, tokens.joan);
    expect(mine.json()).toMatchObject({
      status: "answered",
      stages: [{ finding: "upheld", remedy: "An apology.", steps: [{}, { state: "done-late" }] }],
      ombudsman: { route: "route", ombudsman: "lgsco", readiness: "ready" },
    });
  });
});
