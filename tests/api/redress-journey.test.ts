/**
 * Issue 18's journey through the JSON API (/api/v1), each person with an API token of the scopes
 * their part needs, on one seeded app (demo mode): the demo citizen (Joan Whitfield) complains about
 * Greenway Home Care (NHS and adult social care); Greenway's administrator (Gwen Parry) finds it in
 * the provider's list and acknowledges it; the platform administrator moves the demo clock past the
 * 6 months; Gwen answers, late, with the explanation owed; Joan reads the answer done late and which
 * ombudsman is next. Before it: what the demo shows each account (src/seed/demo/redress.ts).
 * Then Joan escalates it: the LGSCO investigates and decides, Greenway complies and the case closes;
 * after it, what anyone reads with no token: the published decision and Greenway's open figures,
 * with nothing of Joan's and no small count shown.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, londonToday } from "../../src/lib/london-time.ts";
import { addWorkingDays } from "../../src/lib/working-days.ts";
import type { ApiScope } from "../../src/modules/accounts/accounts.service.ts";
import { createApiToken } from "../../src/modules/accounts/api-tokens.service.ts";
import { DEMO_AUTHORITY } from "../../src/seed/demo/authorities.ts";
import { DEMO_REPRESENTATIVE } from "../../src/seed/demo/care.ts";
import { DEMO_PROVIDER_MIND, DEMO_REDRESS_PEOPLE } from "../../src/seed/demo/redress.ts";
import { DEMO_TENDER } from "../../src/seed/demo/tenders.ts";
import { DEMO_ORGANISATION, DEMO_PROVIDER_GREENWAY, DEMO_USERS } from "../../src/seed/demo/users.ts";
import { call } from "../support/api.ts";
import { createTestApp, type TestApp } from "../support/app.ts";
import { principalOf } from "../support/principals.ts";

const COUNTY = DEMO_AUTHORITY.county;
const DISTRICT = DEMO_AUTHORITY.district;
const demoUser = (name: string, scopeId?: string) =>
  DEMO_USERS.find((u) => u.displayName === name && (scopeId === undefined || u.scopeId === scopeId))
    ?.id as string;

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
  tokens.sam = await tokenOf(DEMO_REDRESS_PEOPLE.sam.id, read);
  tokens.admin = await tokenOf(demoUser("Pat Morgan"), ["demo-clock:write"]);
  tokens.omar = await tokenOf(demoUser("Omar Haddad"), read);
  tokens.phso = await tokenOf(demoUser("Nadia Osei", DEMO_AUTHORITY.phso), read);
  tokens.marcus = await tokenOf(demoUser("Marcus Webb"), read);
  tokens.olu = await tokenOf(demoUser("Olu Adeyemi"), read);
  tokens.huw = await tokenOf(demoUser("Huw Jenkins"), read);
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
    // Westshire's complaints officer (Hannah Fielding): the council's own, its children's and adult
    // social care (one by Westshire Healthwatch for Joan), and a provider's about its commissioning;
    // and the parks team's appeal of its refused spin-out (src/seed/demo/appeals.ts): its first tier
    // is the refusal, the body's answer on its day.
    expect(await seen("hannah", `/api/v1/authorities/${COUNTY}/complaints`)).toEqual([
      "children-social-care 1 open: respond waiting",
      "children-social-care 2 open: respond waiting",
      "children-social-care 3 open: panel waiting",
      "commissioning 1 escalated: acknowledge done-on-time, respond done-on-time",
      "commissioning 1 escalated: respond done-on-time",
      "council 1 answered: acknowledge done-on-time, respond done-on-time",
      "council 1 declined (late, declined): acknowledge not-needed, respond not-needed",
      "council 1 open (late, waived): acknowledge done-on-time, respond waiting",
      "council 1 open: acknowledge done-on-time, respond overdue",
      "nhs-adult-social-care 1 escalated: acknowledge done-on-time, respond done-on-time",
      "nhs-adult-social-care 1 open: acknowledge done-on-time, respond waiting (extended by agreement)",
      "nhs-adult-social-care 1 open: acknowledge waiting, respond waiting",
    ]);
    // Millbrook's (Tom Ashby): housing at both stages (two escalated), one accepted, one sent without an account.
    expect(await seen("tom", `/api/v1/authorities/${DISTRICT}/complaints`)).toEqual([
      "council 1 accepted: acknowledge done-on-time, respond done-on-time",
      "council 1 open: acknowledge waiting, respond not-started",
      "housing 1 open: acknowledge done-on-time, respond waiting (extended)",
      "housing 2 escalated: acknowledge done-on-time, respond done-on-time",
      "housing 2 escalated: acknowledge done-on-time, respond done-on-time",
      "housing 2 open: acknowledge overdue, respond not-started",
    ]);
    // Westshire Mind's administrator (Sam Reid): one waiting, one past its 6 months, two escalated.
    expect(await seen("sam", `/api/v1/organisations/${DEMO_PROVIDER_MIND}/complaints`)).toEqual([
      "nhs-adult-social-care 1 escalated: acknowledge done-on-time, respond done-on-time",
      "nhs-adult-social-care 1 escalated: acknowledge done-on-time, respond done-on-time",
      "nhs-adult-social-care 1 open: acknowledge done-on-time, respond explanation-owed",
      "nhs-adult-social-care 1 open: acknowledge waiting, respond waiting",
    ]);
    // Greenway's administrator (Gwen Parry): Joan's.
    expect(await seen("gwen", `/api/v1/organisations/${DEMO_PROVIDER_GREENWAY}/complaints`)).toEqual([
      "nhs-adult-social-care 1 open: acknowledge done-on-time, respond waiting",
    ]);
    // The complainants see their own: Joan two, and the one Westshire Healthwatch made for her; Siân
    // two; Westshire Community Health's administrator the organisation's about commissioning.
    for (const [who, regimes] of [
      ["joan", ["council", "nhs-adult-social-care", "nhs-adult-social-care"]],
      ["sian", ["children-social-care", "housing"]],
      ["olu", ["commissioning"]],
    ] as const) {
      const mine = (await call(t.app, "GET", "/api/v1/me/complaints", tokens[who])).json().complaints;
      expect(mine.map((c: ComplaintJson) => c.regime).sort(), who).toEqual(regimes);
    }
    // Healthwatch's complaint keeps the champion; the provider's names its tender and service area.
    const olus = (await call(t.app, "GET", "/api/v1/me/complaints", tokens.olu)).json().complaints;
    const tender = await call(
      t.app,
      "GET",
      `/api/v1/authorities/${olus[0]?.authorityId}/complaints/${olus[0]?.id}`,
      tokens.olu,
    );
    expect(tender.json().commissioning).toEqual({
      organisationId: DEMO_ORGANISATION,
      kind: "tender",
      id: DEMO_TENDER.opened,
      title: "Night-time home care",
      serviceArea: "domiciliary-care",
      appealGrounds: [],
    });
    const joans = (await call(t.app, "GET", "/api/v1/me/complaints", tokens.joan)).json().complaints;
    const champions: unknown[] = [];
    for (const row of joans as { authorityId: string; id: string }[])
      champions.push(
        (
          await call(t.app, "GET", `/api/v1/authorities/${row.authorityId}/complaints/${row.id}`, tokens.joan)
        ).json().championId ?? null,
      );
    expect(champions.filter((id) => id !== null)).toEqual([DEMO_AUTHORITY.champion]);
  });
});

describe("the demo's ombudsman cases", () => {
  it("show each ombudsman's staff its cases, at every status, and the remedies at every state", async () => {
    const cases = async (who: string, ombudsmanId: string) => {
      const response = await call(t.app, "GET", `/api/v1/ombudsmen/${ombudsmanId}/cases`, tokens[who]);
      expect(response.statusCode, who).toBe(200);
      return response.json().cases as { id: string; status: string; scheme: string }[];
    };
    const statuses = (rows: { status: string }[]) => rows.map((k) => k.status).sort();
    expect(statuses(await cases("omar", DEMO_AUTHORITY.ombudsman))).toEqual([
      "assessment",
      "declined",
      "draft",
    ]);
    expect(statuses(await cases("phso", DEMO_AUTHORITY.phso))).toEqual(["investigation"]);
    // The independent adjudicator: the provider's complaint about commissioning, being investigated,
    // and the appeal of the refused parks spin-out, decided and its remedy complied with.
    const adjudicated = await cases("marcus", DEMO_AUTHORITY.adjudicator);
    expect(adjudicated.map((k) => `${k.scheme} ${k.status}`).sort()).toEqual([
      "adjudicator closed",
      "adjudicator investigation",
    ]);
    const housing = await cases("huw", DEMO_AUTHORITY.housingOmbudsman);
    expect(statuses(housing)).toEqual(["closed", "decided"]);
    // No ombudsman's staff see another's cases (403 on its list).
    expect(
      (await call(t.app, "GET", `/api/v1/ombudsmen/${DEMO_AUTHORITY.ombudsman}/cases`, tokens.huw))
        .statusCode,
    ).toBe(403);
    // The draft's comments from both sides; the decided case's four remedies, one at each state.
    const lgsco = await cases("omar", DEMO_AUTHORITY.ombudsman);
    const draft = lgsco.find((k) => k.status === "draft");
    const drafted = (
      await call(
        t.app,
        "GET",
        `/api/v1/ombudsmen/${DEMO_AUTHORITY.ombudsman}/cases/${draft?.id}`,
        tokens.omar,
      )
    ).json().case;
    expect(drafted.comments.map((c: { side: string }) => c.side)).toEqual(["complainant", "body"]);
    const decided = housing.find((k) => k.status === "decided");
    const one = (
      await call(
        t.app,
        "GET",
        `/api/v1/ombudsmen/${DEMO_AUTHORITY.housingOmbudsman}/cases/${decided?.id}`,
        tokens.huw,
      )
    ).json().case;
    expect(one).toMatchObject({ finding: "maladministration", publication: "publish" });
    expect(one.remedies.map((r: { kind: string; status: string }) => `${r.kind} ${r.status}`)).toEqual([
      "apology confirmed",
      "payment reported",
      "action due",
      "service-improvement due",
    ]);
    // Millbrook's complaints officer sees the one overdue (the action, due 10 days before the seeding).
    const overdue = await call(
      t.app,
      "GET",
      `/api/v1/authorities/${DISTRICT}/remedies?filter=overdue`,
      tokens.tom,
    );
    expect(overdue.json().remedies.map((r: { kind: string }) => r.kind)).toEqual(["action"]);
  });
});

describe("the journey", () => {
  let one = "";
  /** The ombudsman's case, once escalated. */
  let kase = "";

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

  it("Joan escalates it to the LGSCO, who investigates, drafts, hears both sides and orders two remedies", async () => {
    const escalated = await call(t.app, "POST", `${one}/escalate`, tokens.joan, {
      fileConsent: true,
      publicationConsent: true,
    });
    expect(escalated.statusCode).toBe(201);
    expect(escalated.json()).toMatchObject({
      scheme: "lgsco",
      status: "assessment",
      ombudsman: { id: DEMO_AUTHORITY.ombudsman },
      inTime: true,
    });
    kase = `/api/v1/ombudsmen/${DEMO_AUTHORITY.ombudsman}/cases/${escalated.json().id}`;
    // Again: 409, one case per complaint.
    expect(
      (await call(t.app, "POST", `${one}/escalate`, tokens.joan, { fileConsent: true })).statusCode,
    ).toBe(409);
    // The file came across: the first tier's answer, done late, is in it.
    const file = (await call(t.app, "GET", kase, tokens.omar)).json();
    expect(file.complaint.stages[0].steps[1]).toMatchObject({ state: "done-late" });
    expect(
      (await call(t.app, "POST", `${kase}/assess`, tokens.omar, { decision: "accept" })).json(),
    ).toMatchObject({
      status: "investigation",
    });
    const today = londonToday(t.deps.clock);
    const closeOn = addWorkingDays(today, 10, "england-and-wales");
    const drafted = await call(t.app, "POST", `${kase}/draft`, tokens.omar, {
      draft: "Our draft finding is fault causing injustice: the visit was missed and no one called.",
      commentsCloseOn: closeOn,
    });
    expect(drafted.json()).toMatchObject({ status: "draft", commentsCloseOn: closeOn });
    for (const [who, comment] of [
      ["joan", "I agree; I would like the payment to cover the taxi I took to the chemist."],
      ["gwen", "We accept the draft finding."],
    ] as const)
      expect((await call(t.app, "POST", `${one}/case-comments`, tokens[who], { comment })).statusCode).toBe(
        201,
      );
    // Deciding before the comments close is refused: 409.
    const decision = {
      finding: "fault-injustice",
      decision: "Greenway Home Care missed a visit and did not tell the person it left without care.",
      remedies: [
        { kind: "apology", description: "A written apology.", dueOn: addDays(today, 40) },
        {
          kind: "payment",
          description: "£250 for the distress caused.",
          amount: "£250.00",
          dueOn: addDays(today, 40),
        },
      ],
      publication: "publish",
      publishedSummary:
        "A home care provider missed a visit and told no one. We found fault causing injustice; it apologised and paid £250.",
    };
    expect((await call(t.app, "POST", `${kase}/decision`, tokens.omar, decision)).statusCode).toBe(409);
    await call(t.app, "POST", "/api/v1/demo-clock/forward", tokens.admin, { days: 15 });
    const decided = await call(t.app, "POST", `${kase}/decision`, tokens.omar, decision);
    expect(decided.statusCode).toBe(200);
    expect(decided.json()).toMatchObject({
      status: "decided",
      finding: "fault-injustice",
      comments: [{ side: "complainant" }, { side: "body" }],
      remedies: [
        { seq: 1, kind: "apology", status: "due" },
        { seq: 2, kind: "payment", amountPence: "25000", status: "due" },
      ],
    });
  });

  it("Greenway reports both remedies done; the ombudsman confirms them and the case closes", async () => {
    const today = londonToday(t.deps.clock);
    const remedies = await call(
      t.app,
      "GET",
      `/api/v1/organisations/${DEMO_PROVIDER_GREENWAY}/remedies?filter=due`,
      tokens.gwen,
    );
    expect(
      remedies
        .json()
        .remedies.map((r: { kind: string }) => r.kind)
        .sort(),
    ).toEqual(["apology", "payment"]);
    // The payment's amount is checked: another amount without a reason is a 422.
    const short = await call(t.app, "POST", `${kase}/remedies/2/report`, tokens.gwen, {
      evidence: "The bank transfer's confirmation.",
      doneOn: today,
      paid: "£200.00",
    });
    expect(short.statusCode).toBe(422);
    for (const [seq, report] of [
      [1, { evidence: "The letter of apology, sent by post.", doneOn: today }],
      [2, { evidence: "The bank transfer's confirmation.", doneOn: today, paid: "£250.00" }],
    ] as const)
      expect(
        (await call(t.app, "POST", `${kase}/remedies/${seq}/report`, tokens.gwen, report)).statusCode,
      ).toBe(200);
    // Only the ombudsman confirms: Greenway may not (403).
    expect((await call(t.app, "POST", `${kase}/remedies/1/confirm`, tokens.gwen)).statusCode).toBe(403);
    for (const seq of [1, 2])
      expect((await call(t.app, "POST", `${kase}/remedies/${seq}/confirm`, tokens.omar)).statusCode).toBe(
        200,
      );
    const closed = (await call(t.app, "GET", kase, tokens.omar)).json().case;
    expect(closed).toMatchObject({ status: "closed", closedOn: today });
    expect(closed.remedies.map((r: { status: string }) => r.status)).toEqual(["confirmed", "confirmed"]);
    // Joan sees her complaint escalated, and the case closed on it.
    expect((await call(t.app, "GET", one, tokens.joan)).json()).toMatchObject({ status: "escalated" });
  });
});

describe("the journey's open record", () => {
  const joan = DEMO_USERS.find((u) => u.id === demoUser("Cara Citizen")) as (typeof DEMO_USERS)[number];
  /** Nothing of Joan's: her name, email, words, comment, nor the decision's own text. */
  const expectNothingOfJoans = (body: string) => {
    for (const text of [joan.displayName, joan.email, "Saturday", "taxi", "left without care"])
      expect(body).not.toContain(text);
  };

  it("publishes the ombudsman's decision (with consent), its remedies complied with, and no one who complained", async () => {
    const list = await call(t.app, "GET", "/api/v1/complaints/decisions?finding=fault-injustice");
    expect(list.statusCode).toBe(200);
    const mine = list
      .json()
      .decisions.find((d: { summary: string }) =>
        d.summary.startsWith("A home care provider missed a visit"),
      );
    expect(mine).toMatchObject({ body: { organisation: { id: DEMO_PROVIDER_GREENWAY } }, scheme: "lgsco" });
    const one = await call(
      t.app,
      "GET",
      `/api/v1/complaints/decisions/${encodeURIComponent(mine.reference)}`,
    );
    expect(one.statusCode).toBe(200);
    expect(one.json().remedies).toEqual([
      expect.objectContaining({ kind: "apology", state: "complied-on-time" }),
      expect.objectContaining({ kind: "payment", amount: "25000", state: "complied-on-time" }),
    ]);
    expectNothingOfJoans(list.body);
    expectNothingOfJoans(one.body);
  });

  it("counts her complaint in Greenway's open figures, with no count of 1 to 9 shown", async () => {
    const res = await call(
      t.app,
      "GET",
      `/api/v1/complaints/figures/organisations/${DEMO_PROVIDER_GREENWAY}`,
    );
    expect(res.statusCode).toBe(200);
    expectNothingOfJoans(res.body);
    const shown: number[] = [];
    const walk = (v: unknown, key: string) => {
      if (typeof v === "number" && !/rate|stage/i.test(key)) shown.push(v);
      else if (Array.isArray(v)) for (const x of v) walk(x, key);
      else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, k);
    };
    walk(res.json(), "");
    expect(shown.filter((n) => n > 0 && n < 10)).toEqual([]);
    // The demo's few complaints about Greenway and hers: too few to show, so suppressed, never 0.
    expect(res.json().headline.received).toBeNull();
  });
});
