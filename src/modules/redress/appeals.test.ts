/**
 * Appeals to the independent adjudicator (issue 20, item 6; one seeded app for the file): the
 * published period at its edges; a refused spin-out and an unanswered barrier offered as appealable to
 * those who may appeal them only, and each appeal reaching the adjudicator of its service area; the
 * decision's grounds; and the demo's decided appeal published — grounds found, compliance — without
 * the appellant's name or words.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { sessionFor, type TestSession } from "../../../tests/support/auth.ts";
import { mainText } from "../../../tests/support/pages.ts";
import { ctxFor, principalOf } from "../../../tests/support/principals.ts";
import { transaction } from "../../db/transaction.ts";
import { fixedClock } from "../../lib/clock.ts";
import { addDays } from "../../lib/london-time.ts";
import { addWorkingDays } from "../../lib/working-days.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_BARRIERS } from "../../seed/demo/barriers.ts";
import { DEMO_SPINOUT } from "../../seed/demo/mutuals.ts";
import { decideProposal } from "../mutuals/mutuals.service.ts";
import { appealDecisionDueOn, appealTimeliness } from "./appeals.ts";
import { assessCase, decideCase, draftDecision } from "./ombudsman.service.ts";
import { registerSecondTierBody } from "./second-tier.service.ts";

const COUNTY = DEMO_AUTHORITY.county;
const ADJUDICATOR = DEMO_AUTHORITY.adjudicator;
const PRIYA = "019a0000-0000-7000-8000-00000000c004"; // on the community health team
const EVAN = "019a0000-0000-7000-8000-00000000c005"; // on the parks team (the demo's appeal)
const BEA = "019a0000-0000-7000-8000-00000000c006"; // not on the community health team
const ALAN = "019a0000-0000-7000-8000-00000000c007"; // the county's administrator
const OLU = "019a0000-0000-7000-8000-00000000c002"; // another provider's administrator
const GWEN = "019a0000-0000-7000-8000-00000000c014"; // Greenway's administrator: logged the overdue barrier
const MARCUS = "019a0000-0000-7000-8000-00000000c019"; // the adjudicator's staff
const WHAT =
  "The refusal repeats the agreement with Millbrook and does not look at our business case at all.";

let t: TestApp;
const sessions: Record<string, TestSession> = {};
const as = (who: string) => sessions[who] as TestSession;

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  for (const [who, id] of Object.entries({
    priya: PRIYA,
    evan: EVAN,
    bea: BEA,
    alan: ALAN,
    olu: OLU,
    gwen: GWEN,
  }))
    sessions[who] = await sessionFor(t.app, id, { twoFactor: true });
});

afterAll(async () => {
  await t?.close();
});

describe("the published period", () => {
  it("is due on its last working day and overdue the day after; decided on that day is on time", () => {
    // Accepted on Friday 18 December 2026: Christmas Day and the Boxing Day holiday do not count.
    const due = appealDecisionDueOn("2026-12-18", "england-and-wales");
    expect(due).toBe(addWorkingDays("2026-12-18", 40, "england-and-wales"));
    const at = (today: string, decidedOn: string | null = null) =>
      appealTimeliness({ acceptedOn: "2026-12-18", decidedOn }, "england-and-wales", today).state;
    expect(at(due)).toBe("due");
    expect(at(addDays(due, 1))).toBe("overdue");
    expect(at(addDays(due, 5), due)).toBe("decided-on-time");
    expect(at(addDays(due, 5), addDays(due, 1))).toBe("decided-late");
    expect(appealTimeliness({ acceptedOn: null, decidedOn: null }, "england-and-wales", due).state).toBe(
      "not-accepted",
    );
  });
});

describe("a refused spin-out", () => {
  const key = `spin-out:${COUNTY}:${DEMO_SPINOUT.healthOverdue}`;

  it("is offered to its team's members only, and reaches the adjudicator of the service's area", async () => {
    // Westshire refuses the community health proposal; an adjudicator is named for its area.
    await decideProposal(
      ctxFor(t.deps.db, t.deps.clock, await principalOf(t.deps.db, ALAN)),
      COUNTY,
      DEMO_SPINOUT.healthOverdue,
      { decision: "refused", reasons: "The service is being reorganised across the county this year." },
    );
    await transaction(t.deps.db, (trx) =>
      registerSecondTierBody(trx, t.deps.clock.now(), {
        authorityId: ADJUDICATOR,
        scheme: "adjudicator",
        serviceArea: "community-health",
      }),
    );
    const keys = async (who: string) =>
      (await call(t.app, "GET", "/api/v1/me/appeal-choices", as(who)))
        .json()
        .choices.map((c: { key: string }) => c.key);
    const priya = (await call(t.app, "GET", "/api/v1/me/appeal-choices", as("priya"))).json();
    expect(priya.choices).toContainEqual(
      expect.objectContaining({
        key,
        why: "refused",
        serviceArea: "community-health",
        adjudicator: expect.objectContaining({ id: ADJUDICATOR }),
      }),
    );
    expect(priya.grounds).toContain("no-reasons");
    for (const who of ["bea", "alan", "olu"]) expect(await keys(who)).not.toContain(key);
    // The demo's parks appeal is made already: no longer offered to its team.
    expect(await keys("evan")).not.toContain(`spin-out:${COUNTY}:${DEMO_SPINOUT.parksRefused}`);
    // Someone not on the team cannot appeal it.
    const body = {
      subject: key,
      grounds: ["no-reasons"],
      whatHappened: WHAT,
      outcomeWanted: "Decided again.",
      consent: true,
    };
    const refused = await call(t.app, "POST", "/api/v1/appeals", as("bea"), body);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details).toContainEqual(expect.objectContaining({ field: "subject" }));
    // The proposal's page offers the team the appeal.
    const page = await t.app.inject({
      url: `/authorities/westshire-county-council/spin-outs/${DEMO_SPINOUT.healthOverdue}`,
      headers: { cookie: as("priya").cookie },
    });
    expect(page.body).toContain(`/appeals/new?subject=${key}`);
    const form = await t.app.inject({
      url: `/appeals/new?subject=${key}`,
      headers: { cookie: as("priya").cookie },
    });
    expect(mainText(form.body)).toContain("The authority gave no adequate reasons");

    const made = await call(t.app, "POST", "/api/v1/appeals", as("priya"), body);
    expect(made.statusCode).toBe(201);
    expect(made.json().case).toMatchObject({ adjudicatorId: ADJUDICATOR, status: "assessment" });
    expect(await keys("priya")).not.toContain(key);
    // The appeal is Priya's complaint, at the adjudicator, naming the grounds relied on.
    const { authorityId, id } = made.json().complaint;
    const c = (
      await call(t.app, "GET", `/api/v1/authorities/${authorityId}/complaints/${id}`, as("priya"))
    ).json();
    expect(c).toMatchObject({
      status: "escalated",
      commissioning: { kind: "spin-out", appealGrounds: ["no-reasons"] },
    });

    // Its page, for the appellant; the case's, for the adjudicator's staff, with the grounds relied on.
    const mine = await t.app.inject({
      url: `/authorities/westshire-county-council/complaints/${id}`,
      headers: { cookie: as("priya").cookie },
    });
    expect(mainText(mine.body)).toContain("Refused spin-out: Westshire Community Health");
    sessions.marcus = await sessionFor(t.app, MARCUS, { twoFactor: true });
    const casePage = await t.app.inject({
      url: `/authorities/independent-commissioning-adjudicator-for-care/cases/${made.json().case.id}`,
      headers: { cookie: as("marcus").cookie },
    });
    expect(mainText(casePage.body)).toContain("Grounds relied on The authority gave no adequate reasons");
    expect(mainText(casePage.body)).toContain(
      "Within 40 working days of the adjudicator accepting the appeal",
    );

    // The decision names the grounds found: a finding of fault needs one.
    const caseId = made.json().case.id;
    const marcus = await principalOf(t.deps.db, MARCUS);
    const on = (days: number) =>
      ctxFor(t.deps.db, fixedClock(new Date(t.deps.clock.now().getTime() + days * 86_400_000)), marcus);
    await assessCase(on(1), ADJUDICATOR, caseId, { decision: "accept" });
    await draftDecision(on(2), ADJUDICATOR, caseId, {
      draft: "Our draft: no reasons given.",
      commentsCloseOn: addDays(
        addWorkingDays(addDays(t.deps.clock.now().toISOString().slice(0, 10), 2), 10, "england-and-wales"),
        0,
      ),
    });
    const decision = {
      finding: "fault-injustice",
      decision: "No reasons were given.",
      publication: "withhold",
      withheldReason: "Not yet agreed.",
    };
    await expect(decideCase(on(30), ADJUDICATOR, caseId, decision)).rejects.toMatchObject({
      code: "grounds_needed",
    });
    const decided = await decideCase(on(30), ADJUDICATOR, caseId, {
      ...decision,
      groundsFound: ["no-reasons"],
    });
    expect(decided.grounds_found).toEqual(["no-reasons"]);

    // Westshire was told when the appeal arrived, and Priya's team follows it: told when it was made
    // and when it was decided, linked to the proposal's page (Priya is told as the appellant).
    const proposalPath = `/authorities/westshire-county-council/spin-outs/${DEMO_SPINOUT.healthOverdue}`;
    const told = await t.deps.db
      .selectFrom("notifications")
      .select(["user_id", "link", "subject"])
      .where("kind", "=", "appeal.progressed")
      .where("link", "in", [proposalPath, `/authorities/westshire-county-council/complaints/${id}`])
      .orderBy("created_at")
      .execute();
    expect(told.map((n) => n.user_id)).toContain(ALAN);
    expect(told.map((n) => n.user_id)).not.toContain(PRIYA);
    const team = await t.deps.db
      .selectFrom("spinout_members")
      .select("user_id")
      .where("proposal_id", "=", DEMO_SPINOUT.healthOverdue)
      .where("user_id", "!=", PRIYA)
      .execute();
    const mate = team[0]?.user_id as string;
    expect(
      told
        .filter((n) => n.user_id === mate && n.link === proposalPath)
        .map((n) => n.subject.replace(/: .*$/, "")),
    ).toEqual([
      "Your team's appeal to the independent adjudicator",
      "The independent adjudicator's decision on your team's appeal",
    ]);
  });
});

describe("a barrier left unanswered", () => {
  const key = `barrier:${COUNTY}:${DEMO_BARRIERS.workingCapital}`;

  it("is offered to the organisation's administrator who logged it, and goes to the area the appellant names", async () => {
    const gwen = (await call(t.app, "GET", "/api/v1/me/appeal-choices", as("gwen"))).json();
    expect(gwen.choices).toContainEqual(
      expect.objectContaining({ key, why: "unanswered", serviceArea: null }),
    );
    const olu = (await call(t.app, "GET", "/api/v1/me/appeal-choices", as("olu"))).json();
    expect(olu.choices.map((c: { key: string }) => c.key)).not.toContain(key);
    const page = await t.app.inject({
      url: `/authorities/westshire-county-council/barriers/${DEMO_BARRIERS.workingCapital}`,
      headers: { cookie: as("gwen").cookie },
    });
    expect(page.body).toContain(`/appeals/new?subject=${key}`);
    const body = {
      subject: key,
      grounds: ["not-answered-in-time"],
      whatHappened: "No answer in 60 days.",
      outcomeWanted: "An answer.",
      consent: true,
    };
    const noArea = await call(t.app, "POST", "/api/v1/appeals", as("gwen"), body);
    expect(noArea.json().error.details).toContainEqual(expect.objectContaining({ field: "serviceArea" }));
    const made = await call(t.app, "POST", "/api/v1/appeals", as("gwen"), {
      ...body,
      serviceArea: "domiciliary-care",
    });
    expect(made.statusCode).toBe(201);
    expect(made.json().case.adjudicatorId).toBe(ADJUDICATOR);
  });
});

describe("the adjudicator's published decisions and figures", () => {
  it("show the demo's upheld appeal with its ground and its remedy complied with, and no one's name or words", async () => {
    const all = (await call(t.app, "GET", "/api/v1/adjudicators", undefined)).json();
    const icac = all.adjudicators.find(
      (a: { adjudicator: { id: string } }) => a.adjudicator.id === ADJUDICATOR,
    );
    expect(icac.byGround).toContainEqual({ ground: "policy-not-followed", found: 1 });
    // The demo's appeal, and the one decided above (no remedies, "no reasons" found).
    expect(icac.byOutcome).toContainEqual({ finding: "fault-injustice", count: 2 });
    expect(icac.byGround).toContainEqual({ ground: "no-reasons", found: 1 });
    expect(icac.remedies).toMatchObject({ ordered: 1, compliedOnTime: 1 });
    expect(icac.period.decidedOnTime).toBe(2);
    expect(icac.received).toMatchObject({ spinOut: 2, barrier: 1 });
    const page = await t.app.inject({ url: "/adjudicators/independent-commissioning-adjudicator-for-care" });
    expect(page.statusCode).toBe(200);
    const text = mainText(page.body);
    expect(text).toContain("Published grounds");
    expect(text).toContain("The authority did not follow its published policy");
    expect(text).toContain("A refused spin-out · Westshire County Council · Fault causing injustice");
    for (const secret of ["Evan", "Hughes", "@demo.openps.example", "break clause"])
      expect(text).not.toContain(secret);
    const reference = /\/complaints\/decisions\/([A-Z0-9-]+)/.exec(page.body)?.[1];
    const decision = mainText((await t.app.inject({ url: `/complaints/decisions/${reference}` })).body);
    expect(decision).toContain("Grounds found");
    expect(decision).toContain("Yes, on time");
    for (const secret of ["Evan", "Hughes", "break clause"]) expect(decision).not.toContain(secret);
    // The refused proposal's page says the appeal was decided.
    const proposal = mainText(
      (
        await t.app.inject({
          url: `/authorities/westshire-county-council/spin-outs/${DEMO_SPINOUT.parksRefused}`,
        })
      ).body,
    );
    expect(proposal).toContain("The independent adjudicator decided the appeal");
  });
});
