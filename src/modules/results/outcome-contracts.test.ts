/**
 * Outcome contracts, participants and evidence, the provider's view, performance and market share
 * through HTTP (app.inject), on one seeded app: setting up from a contract linked to results (its
 * supplier the provider) and for an outcome fund, each refusal with its status; a model version
 * checked and shown number by number beside its rule; referrals and events idempotent (sent again,
 * nothing new), a withdrawal once; the CSV upload naming its bad lines; the claims with their
 * working and problems; performance per referral month below the minimum, and a share shifted by
 * the model's rule with both providers told. No one without a reason to see a contract sees it (404).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import {
  createUser,
  postForm,
  postMultipart,
  sessionFor,
  type TestSession,
} from "../../../tests/support/auth.ts";
import { mainText, summaryErrors } from "../../../tests/support/pages.ts";
import { newId } from "../../lib/ids.ts";
import { addMonths, londonToday } from "../../lib/london-time.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_ORGANISATION } from "../../seed/demo/organisations.ts";
import type { Role } from "../access/access.service.ts";
import { insertAward } from "../contracts/contracts.test-fixtures.ts";
import { computeRunClaims } from "./claims.service.ts";
import { PETERBOROUGH_SIB } from "./models.ts";

const COUNTY = DEMO_AUTHORITY.county;
const SLUG = "westshire-county-council";
const api = `/api/v1/authorities/${COUNTY}/outcome-contracts`;
const pages = `/authorities/${SLUG}/outcome-contracts`;
const FUND_PROVIDER = DEMO_ORGANISATION.communityHealthMutual;
const OTHER_PROVIDER = DEMO_ORGANISATION.carersTrust;

let t: TestApp;
type Person = "commissioner" | "evaluator" | "platformSupplier" | "provider" | "otherProvider" | "stranger";
const s = {} as Record<Person, TestSession>;
let today: string;
let platform: { id: string; organisation_id: string };
let demoContract: string;
const PLATFORM_SUPPLIER = DEMO_ORGANISATION.therapyPartners;
/** Two outcome fund contracts of one programme: A (FUND_PROVIDER) and B (OTHER_PROVIDER). */
let a: string;
let b: string;

const TARIFF = {
  kind: "tariff",
  groups: [
    {
      code: "jsa-18-24",
      name: "JSA 18–24",
      attachment: { pence: 40000, rule: "Tariff schedule, row 1: attachment fee" },
      jobOutcome: { pence: 120000, weeks: 13, rule: "Tariff schedule, row 1: job outcome after 13 weeks" },
      sustainment: {
        pence: 13000,
        everyWeeks: 4,
        maxPayments: 17,
        rule: "Tariff schedule, row 1: sustainment",
      },
    },
  ],
  attachmentWithin: { days: 28, rule: "Clause 5.1: attachment within 28 days" },
  outcomeWithin: { days: 730, rule: "Clause 5.2: outcomes within two years of referral" },
  minimumPerformance: {
    outcome: "attachment",
    rateBp: 9000,
    withinMonths: 1,
    rule: "Clause 7: minimum performance",
  },
  marketShare: { maxShiftBp: 1000, onlyFromBelowMinimum: true, rule: "Clause 9: moving referrals" },
};

const one = (id: string) => `${api}/${id}`;

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  today = londonToday(t.deps.clock);
  demoContract = (
    await t.deps.db
      .selectFrom("contracts")
      .select("id")
      .where("authority_id", "=", COUNTY)
      .executeTakeFirstOrThrow()
  ).id;
  const make = async (name: Person, grants: { role: Role; scopeId?: string }[]) => {
    const user = await createUser(t.deps.db, { grants, displayName: name });
    s[name] = await sessionFor(t.app, user.id, { twoFactor: true });
    return user.id;
  };
  await make("commissioner", [{ role: "commissioner", scopeId: COUNTY }]);
  await make("evaluator", [{ role: "evaluator", scopeId: COUNTY }]);
  await make("platformSupplier", [{ role: "organisation-admin", scopeId: PLATFORM_SUPPLIER }]);
  // A contract linked to results, entered from an award as the contracts module enters one.
  const { awardId } = await insertAward(t.deps.db, {
    authorityId: COUNTY,
    organisationId: PLATFORM_SUPPLIER,
    standstillEndsAt: new Date(t.deps.clock.now().getTime() - 86_400_000),
  });
  const entered = await call(t.app, "POST", `/api/v1/authorities/${COUNTY}/contracts`, s.commissioner, {
    awardId,
    title: "Into work, north",
    startsOn: addMonths(today, -1),
    endsOn: addMonths(today, 35),
    paymentMechanism: "payment-by-results",
    kpis: [1, 2, 3].map((n) => ({
      name: `KPI ${n}`,
      measure: `Measure ${n}`,
      target: "95%",
      frequencyMonths: 1,
    })),
  });
  platform = { id: entered.json().id, organisation_id: PLATFORM_SUPPLIER };
  await make("provider", [{ role: "organisation-admin", scopeId: FUND_PROVIDER }]);
  await make("otherProvider", [{ role: "organisation-member", scopeId: OTHER_PROVIDER }]);
  await make("stranger", [{ role: "organisation-admin", scopeId: DEMO_ORGANISATION.librariesMutual }]);
}, 180_000);

afterAll(async () => {
  await t?.close();
});

describe("setting up outcome contracts", () => {
  it("from a contract linked to results: its supplier the provider, once; refusals named", async () => {
    const body = { contractId: platform.id, reference: "WP-NORTH", programme: "work-programme" };
    expect((await call(t.app, "POST", api, undefined, body)).statusCode).toBe(401);
    expect((await call(t.app, "POST", api, s.evaluator, body)).statusCode).toBe(403);
    const bad = await call(t.app, "POST", api, s.commissioner, { ...body, programme: "Work Programme" });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json().error.details)).toContain("programme");
    // A contract not linked to results (the demo's): 422; one that is: its supplier is the provider.
    const notLinked = await call(t.app, "POST", api, s.commissioner, { ...body, contractId: demoContract });
    expect(notLinked.statusCode).toBe(422);
    expect(notLinked.json().error.details[0].field).toBe("contractId");
    const made = await call(t.app, "POST", api, s.commissioner, body);
    expect(made.statusCode).toBe(201);
    const id = made.json().id as string;
    const shown = await call(t.app, "GET", one(id), s.platformSupplier);
    expect(shown.statusCode).toBe(200);
    expect(shown.json().contract.provider.organisationId).toBe(platform.organisation_id);
    expect(shown.json().contract.contractId).toBe(platform.id);
    // Twice: 409; another tenant's people and strangers: 404.
    expect((await call(t.app, "POST", api, s.commissioner, { ...body, reference: "WP-2" })).statusCode).toBe(
      409,
    );
    expect((await call(t.app, "GET", one(id), s.stranger)).statusCode).toBe(404);
    expect((await call(t.app, "GET", one(id), s.evaluator)).statusCode).toBe(404);
  });

  it("for an outcome fund: the provider from the directory, the dates given", async () => {
    const fund = (reference: string, organisationId: string) => ({
      fund: "Life Chances Fund",
      organisationId,
      reference,
      title: `Into work ${reference}`,
      programme: "into-work",
      startsOn: addMonths(today, -12),
      endsOn: addMonths(today, 24),
      referralShareBp: 5000,
      secondApprovalAbovePence: "1000000",
    });
    const reversed = await call(t.app, "POST", api, s.commissioner, {
      ...fund("LCF-X", FUND_PROVIDER),
      endsOn: addMonths(today, -13),
    });
    expect(reversed.statusCode).toBe(422);
    expect(reversed.json().error.details[0].field).toBe("endsOn");
    a = (await call(t.app, "POST", api, s.commissioner, fund("LCF-A", FUND_PROVIDER))).json().id;
    b = (await call(t.app, "POST", api, s.commissioner, fund("LCF-B", OTHER_PROVIDER))).json().id;
    const taken = await call(t.app, "POST", api, s.commissioner, fund("LCF-A", FUND_PROVIDER));
    expect(taken.statusCode).toBe(422);
    const list = await call(t.app, "GET", api, s.commissioner);
    expect(list.json().contracts.map((c: { reference: string }) => c.reference)).toEqual(
      expect.arrayContaining(["LCF-A", "LCF-B", "WP-NORTH"]),
    );
    const mine = await call(
      t.app,
      "GET",
      `/api/v1/organisations/${FUND_PROVIDER}/outcome-contracts`,
      s.provider,
    );
    expect(mine.json().contracts.map((c: { reference: string }) => c.reference)).toContain("LCF-A");
    expect(
      (await call(t.app, "GET", `/api/v1/organisations/${FUND_PROVIDER}/outcome-contracts`, s.otherProvider))
        .statusCode,
    ).toBe(403);
  });

  it("gives a model version, checked, each number shown beside its rule", async () => {
    const from = addMonths(today, -12);
    const wrong = await call(t.app, "POST", `${one(a)}/models`, s.commissioner, {
      kind: "outcome-prices",
      definition: TARIFF,
      effectiveFrom: from,
    });
    expect(wrong.statusCode).toBe(422);
    expect(
      (
        await call(t.app, "POST", `${one(a)}/models`, s.provider, {
          kind: "tariff",
          definition: TARIFF,
          effectiveFrom: from,
        })
      ).statusCode,
    ).toBe(403);
    for (const id of [a, b]) {
      const added = await call(t.app, "POST", `${one(id)}/models`, s.commissioner, {
        kind: "tariff",
        definition: TARIFF,
        effectiveFrom: from,
      });
      expect(added.statusCode).toBe(201);
      expect(added.json().version).toBe(1);
    }
    const again = await call(t.app, "POST", `${one(a)}/models`, s.commissioner, {
      kind: "tariff",
      definition: TARIFF,
      effectiveFrom: from,
    });
    expect(again.statusCode).toBe(409);
    const shown = (await call(t.app, "GET", one(a), s.provider)).json();
    expect(shown.modelInForce).toBe(1);
    expect(shown.models[0].numbers).toContainEqual({
      where: "groups › JSA 18–24 › attachment › pence",
      value: "£400.00",
      rule: "Tariff schedule, row 1: attachment fee",
    });
    const page = await t.app.inject({ url: `${pages}/${a}`, headers: { cookie: s.provider.cookie } });
    expect(page.statusCode).toBe(200);
    expect(mainText(page.body)).toContain("£1,200.00 Tariff schedule, row 1: job outcome after 13 weeks");
  });
});

describe("participants and evidence", () => {
  const referredOn = () => addMonths(today, -6);
  const participants = () =>
    ["P-001", "P-002", "P-003"].map((reference) => ({
      reference,
      paymentGroup: "jsa-18-24",
      referredOn: referredOn(),
    }));

  it("refers participants once by reference; only the commissioner; groups of the model", async () => {
    const url = `${one(a)}/participants`;
    expect((await call(t.app, "POST", url, s.provider, { participants: participants() })).statusCode).toBe(
      403,
    );
    expect((await call(t.app, "POST", url, s.stranger, { participants: participants() })).statusCode).toBe(
      404,
    );
    const unknownGroup = await call(t.app, "POST", url, s.commissioner, {
      participants: [{ reference: "P-009", paymentGroup: "esa", referredOn: referredOn() }],
    });
    expect(unknownGroup.statusCode).toBe(422);
    expect(unknownGroup.json().error.details[0].field).toBe("participants/0/paymentGroup");
    expect((await call(t.app, "POST", url, s.commissioner, { participants: participants() })).json()).toEqual(
      {
        recorded: 3,
        alreadyRecorded: 0,
      },
    );
    expect((await call(t.app, "POST", url, s.commissioner, { participants: participants() })).json()).toEqual(
      {
        recorded: 0,
        alreadyRecorded: 3,
      },
    );
    const listed = await call(t.app, "GET", `${url}?pageSize=2`, s.provider);
    expect(listed.json().participants.map((p: { reference: string }) => p.reference)).toEqual([
      "P-001",
      "P-002",
    ]);
    const rest = await call(t.app, "GET", `${url}?pageSize=2&after=${listed.json().next}`, s.provider);
    expect(rest.json()).toMatchObject({ participants: [{ reference: "P-003" }], next: null });
    // A later tariff that leaves out a group its participants are in is refused, the group named.
    const [group] = TARIFF.groups;
    const leavesOut = await call(t.app, "POST", `${one(a)}/models`, s.commissioner, {
      kind: "tariff",
      definition: { ...TARIFF, groups: [{ ...group, code: "jsa-25-plus", name: "JSA 25+" }] },
      effectiveFrom: addMonths(today, -1),
    });
    expect(leavesOut.statusCode).toBe(422);
    expect(leavesOut.json().error.details[0]).toMatchObject({ field: "definition.groups" });
    expect(leavesOut.json().error.details[0].message).toContain("jsa-18-24");
  });

  it("records events once by (source, source_ref); withdraws one once", async () => {
    const url = `${one(a)}/events`;
    const events = [
      { participant: "P-001", kind: "attachment", occurredOn: referredOn(), sourceRef: "att-1" },
      {
        participant: "P-002",
        kind: "in-work",
        value: 13,
        occurredOn: addMonths(today, -2),
        sourceRef: "wk-2",
      },
    ];
    const unknown = await call(t.app, "POST", url, s.provider, {
      events: [{ participant: "P-404", kind: "attachment", occurredOn: today, sourceRef: "x" }],
    });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().error.details[0].field).toBe("events/0/participant");
    expect((await call(t.app, "POST", url, s.provider, { events })).json()).toEqual({
      recorded: 2,
      alreadyRecorded: 0,
    });
    expect((await call(t.app, "POST", url, s.provider, { events })).json()).toEqual({
      recorded: 0,
      alreadyRecorded: 2,
    });
    // The provider sends only the provider's; the commissioner its data match's, recorded apart.
    expect((await call(t.app, "POST", url, s.provider, { source: "data-match", events })).statusCode).toBe(
      403,
    );
    expect((await call(t.app, "POST", url, s.commissioner, { source: "data-match", events })).json()).toEqual(
      {
        recorded: 2,
        alreadyRecorded: 0,
      },
    );
    const event = await t.deps.db
      .selectFrom("outcome_events")
      .select("id")
      .where("contract_id", "=", a)
      .where("source", "=", "provider")
      .where("source_ref", "=", "wk-2")
      .executeTakeFirstOrThrow();
    const withdraw = `${url}/${event.id}/withdrawal`;
    expect(
      (await call(t.app, "POST", withdraw, s.otherProvider, { reason: "Wrong person" })).statusCode,
    ).toBe(404);
    expect(
      (await call(t.app, "POST", withdraw, s.provider, { reason: "Sent for the wrong person" })).statusCode,
    ).toBe(201);
    expect((await call(t.app, "POST", withdraw, s.provider, { reason: "Again" })).statusCode).toBe(409);
  });

  it("refuses a row sent again with different content (409), a value too large, a group no version knows", async () => {
    const participantsUrl = `${one(a)}/participants`;
    const changed = await call(t.app, "POST", participantsUrl, s.commissioner, {
      participants: [{ reference: "P-001", paymentGroup: "jsa-18-24", referredOn: addMonths(today, -5) }],
    });
    expect(changed.statusCode).toBe(409);
    expect(changed.json().error.code).toBe("participant_resent_different");
    expect(changed.json().error.message).toContain("P-001 was referred before with a different referredOn");
    const eventsUrl = `${one(a)}/events`;
    const resent = await call(t.app, "POST", eventsUrl, s.provider, {
      events: [
        { participant: "P-001", kind: "in-work", value: 4, occurredOn: referredOn(), sourceRef: "att-1" },
      ],
    });
    expect(resent.statusCode).toBe(409);
    expect(resent.json().error.message).toContain("att-1 was recorded before with a different kind, value");
    // At most 1,040 weeks in work, 10,000 units in one event (no 500 near 2³¹, no absurd claim).
    const tooMany = await call(t.app, "POST", eventsUrl, s.provider, {
      events: [
        { participant: "P-001", kind: "in-work", value: 1041, occurredOn: today, sourceRef: "wk-big" },
      ],
    });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().error.details[0].field).toBe("events/0/value");
    const twice = await call(t.app, "POST", eventsUrl, s.provider, {
      events: [
        { participant: "P-001", kind: "in-work", value: 5, occurredOn: today, sourceRef: "wk-twice" },
        { participant: "P-001", kind: "in-work", value: 6, occurredOn: today, sourceRef: "wk-twice" },
      ],
    });
    expect(twice.statusCode).toBe(400);
    expect(twice.json().error.details[0].field).toBe("events/1/sourceRef");
    const huge = await call(t.app, "POST", eventsUrl, s.provider, {
      events: [
        { participant: "P-001", kind: "in-work", value: 2 ** 31, occurredOn: today, sourceRef: "wk-huge" },
      ],
    });
    expect(huge.statusCode).toBe(400);
    // No model yet: referrals wait for it; a model in force only from tomorrow still checks the groups.
    const c = (
      await call(t.app, "POST", api, s.commissioner, {
        fund: "Life Chances Fund",
        organisationId: FUND_PROVIDER,
        reference: "LCF-GROUPS",
        title: "Groups checked",
        programme: "groups-checked",
        startsOn: addMonths(today, -12),
        endsOn: addMonths(today, 24),
      })
    ).json().id as string;
    const esa = { participants: [{ reference: "G-1", paymentGroup: "esa", referredOn: referredOn() }] };
    const noModel = await call(t.app, "POST", `${one(c)}/participants`, s.commissioner, esa);
    expect(noModel.statusCode).toBe(422);
    expect(noModel.json().error.message).toContain("Add the contract's payment model");
    const added = await call(t.app, "POST", `${one(c)}/models`, s.commissioner, {
      kind: "tariff",
      definition: TARIFF,
      effectiveFrom: addMonths(today, 1),
    });
    expect(added.statusCode).toBe(201);
    const unknown = await call(t.app, "POST", `${one(c)}/participants`, s.commissioner, esa);
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().error.details[0].field).toBe("participants/0/paymentGroup");
  });

  it("takes a CSV file on the page, naming each bad line", async () => {
    const url = `${pages}/${a}/evidence`;
    const header = "participant,kind,metric,value,occurred_on,source_ref";
    const bad = await postMultipart(t.app, s.provider, url, {
      file: {
        filename: "events.csv",
        type: "text/csv",
        content: `${header}\nP-003,attachment,,,${referredOn()},csv-1\nP-003,in-work,,,${today},csv-2\nP-003,attachment,,x,${today},csv-3\n`,
      },
    });
    expect(bad.statusCode).toBe(400);
    // A value given where none is needed is still a whole number (never written as not-a-number).
    expect(summaryErrors(bad.body).map(([, text]) => text.slice(0, 42))).toEqual([
      "Line 3: Enter the value as a whole number:",
      "Line 4: Enter the value as a whole number:",
    ]);
    const good = await postMultipart(t.app, s.provider, url, {
      file: {
        filename: "events.csv",
        type: "text/csv",
        content: `${header}\nP-003,attachment,,,${referredOn()},csv-1\nP-003,in-work,,14,${today},csv-2\n`,
      },
    });
    expect(good.statusCode).toBe(200);
    expect(mainText(good.body)).toContain("2 events recorded; 0 sent before.");
  });
});

describe("the provider's view, performance and market share", () => {
  it("shows claims with their working and problems", async () => {
    const model = await t.deps.db
      .selectFrom("outcome_models")
      .selectAll()
      .where("contract_id", "=", a)
      .executeTakeFirstOrThrow();
    const run = await t.deps.db
      .insertInto("outcome_runs")
      .values({
        authority_id: COUNTY,
        id: newId(),
        contract_id: a,
        period_start: `${today.slice(0, 7)}-01`,
        period_end: today,
        status: "computing",
        started_at: t.deps.clock.now(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await computeRunClaims(t.deps.db, run, model);
    const p2 = await t.deps.db
      .selectFrom("outcome_participants")
      .select("id")
      .where("contract_id", "=", a)
      .where("reference", "=", "P-002")
      .executeTakeFirstOrThrow();
    await t.deps.db
      .insertInto("outcome_claims")
      .values({
        authority_id: COUNTY,
        contract_id: a,
        run_id: run.id,
        participant_id: p2.id,
        // A key the engine never computes (13 sustainment payments at most), refused by hand.
        rule: "sustainment",
        seq: 99,
        achieved_on: today,
        model_version: 1,
        amount_pence: 120000n,
        problems: ["duplicate-participant"],
      })
      .execute();
    const claims = (await call(t.app, "GET", `${one(a)}/claims`, s.provider)).json().claims;
    const attachment = claims.find((c: { participant: string }) => c.participant === "P-001");
    expect(attachment).toMatchObject({ rule: "attachment", amountPence: "40000", valid: true, problems: [] });
    expect(attachment.events.map((e: { kind: string; source: string }) => `${e.kind}/${e.source}`)).toEqual([
      "attachment/provider",
    ]);
    const refused = (await call(t.app, "GET", `${one(a)}/claims?refused=true`, s.commissioner)).json().claims;
    // The engine's own refusal (a job outcome with no job start evidenced) beside the one made by hand.
    expect(refused).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          participant: "P-002",
          rule: "job-outcome",
          problems: ["evidence-missing"],
        }),
        expect.objectContaining({ participant: "P-002", problems: ["duplicate-participant"] }),
      ]),
    );
    // A claim of the contract as a whole (kept against a participant by id) is the contract's: never
    // shown as that participant's, on the page or in the API.
    await t.deps.db
      .insertInto("outcome_claims")
      .values({
        authority_id: COUNTY,
        contract_id: a,
        run_id: run.id,
        participant_id: p2.id,
        rule: "cohort",
        metric: "1",
        seq: 1,
        achieved_on: today,
        model_version: 1,
        amount_pence: 3_500_000n,
        problems: ["over-cap"],
      })
      .execute();
    const withCohort = (await call(t.app, "GET", `${one(a)}/claims?refused=true`, s.provider)).json().claims;
    expect(withCohort.filter((c: { rule: string }) => c.rule === "cohort")).toEqual([
      expect.objectContaining({ participant: null, contractWide: true, amountPence: "3500000" }),
    ]);
    expect(
      withCohort
        .filter((c: { participant: string | null }) => c.participant === "P-002")
        .map((c: { rule: string }) => c.rule),
    ).not.toContain("cohort");
    const runClaims = (await call(t.app, "GET", `${one(a)}/runs/${run.id}?refused=true`, s.provider)).json()
      .claims as { rule: string; reference: string | null; participantId: string | null }[];
    expect(runClaims.find((c) => c.rule === "cohort")).toMatchObject({
      reference: null,
      participantId: null,
      contractWide: true,
    });
    const cohortPage = await t.app.inject({
      url: `${pages}/${a}/claims?refused=yes`,
      headers: { cookie: s.provider.cookie },
    });
    expect(mainText(cohortPage.body)).toContain("Cohort 1 — contract-wide");
    // Withdrawing an event of a claim's working, with its reason, from the claims' page.
    const jobOutcome = refused.find((c: { rule: string }) => c.rule === "job-outcome");
    const eventId = jobOutcome.events[0].id as string;
    const withdrawUrl = `${pages}/${a}/events/${eventId}/withdraw`;
    // The commissioner withdraws any event (the provider only its own).
    const asCommissioner = await t.app.inject({
      url: `${pages}/${a}/claims?refused=yes`,
      headers: { cookie: s.commissioner.cookie },
    });
    expect(asCommissioner.body).toContain(`href="${withdrawUrl}"`);
    const form = await t.app.inject({ url: withdrawUrl, headers: { cookie: s.commissioner.cookie } });
    expect(form.statusCode).toBe(200);
    expect(mainText(form.body)).toContain("P-002");
    const empty = await postForm(t.app, s.commissioner, withdrawUrl, { reason: "" });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('href="#reason"');
    const withdrawn = await postForm(t.app, s.commissioner, withdrawUrl, {
      reason: "Sent for the wrong person",
    });
    expect(withdrawn.statusCode).toBe(303);
    expect(withdrawn.headers.location).toBe(`${pages}/${a}/claims?notice=withdrawn`);
    const after = await t.app.inject({ url: withdrawUrl, headers: { cookie: s.provider.cookie } });
    expect(mainText(after.body)).toContain("withdrawn already. The reason given: Sent for the wrong person");
    expect(
      (await t.app.inject({ url: withdrawUrl, headers: { cookie: s.otherProvider.cookie } })).statusCode,
    ).toBe(404);
    expect((await call(t.app, "GET", `${one(a)}/claims`, s.otherProvider)).statusCode).toBe(404);
    const page = await t.app.inject({
      url: `${pages}/${a}/claims?refused=yes`,
      headers: { cookie: s.provider.cookie },
    });
    expect(mainText(page.body)).toContain(
      "The same reference was attached to another contract of the programme earlier",
    );
  });

  it("shows performance per referral month and shifts share by the model's rule, both providers told", async () => {
    expect((await call(t.app, "GET", `${one(a)}/performance`, s.provider)).statusCode).toBe(403);
    const perf = (await call(t.app, "GET", `${one(a)}/performance`, s.commissioner)).json();
    // Three referred six months ago; two with an attachment claim (P-001, P-003): 66.66%, below 90%.
    expect(perf.months[0]).toMatchObject({
      referred: 3,
      achieved: 2,
      rateBp: 6666,
      complete: true,
      below: true,
    });
    expect(perf.belowMinimum).toBe(true);
    const shift = (over: Record<string, unknown> = {}) => ({
      toContractId: b,
      shareBp: 500,
      effectiveFrom: today,
      reason: "Below the minimum performance level for six months",
      ...over,
    });
    expect(
      (await call(t.app, "POST", `${one(a)}/share-shifts`, s.commissioner, shift({ shareBp: 2000 })))
        .statusCode,
    ).toBe(422);
    // B is not below its minimum (no referrals): nothing moves away from it.
    expect(
      (await call(t.app, "POST", `${one(b)}/share-shifts`, s.commissioner, shift({ toContractId: a })))
        .statusCode,
    ).toBe(409);
    const told = async () =>
      Number(
        (
          await t.deps.db
            .selectFrom("notifications")
            .select((eb) => eb.fn.countAll<string>().as("n"))
            .where("subject", "like", "Share of referrals changed%")
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await told();
    const done = await call(t.app, "POST", `${one(a)}/share-shifts`, s.commissioner, shift());
    expect(done.json()).toEqual({ fromShareBp: 4500, toShareBp: 5500 });
    expect(await told()).toBeGreaterThanOrEqual(before + 2);
    const page = await t.app.inject({
      url: `${pages}/${a}/performance`,
      headers: { cookie: s.commissioner.cookie },
    });
    expect(mainText(page.body)).toContain("LCF-B");
    expect(mainText(page.body)).toContain("55%");
  });

  it("serves the commissioners' pages and re-renders a form with its errors", async () => {
    const list = await t.app.inject({ url: pages, headers: { cookie: s.commissioner.cookie } });
    expect(list.statusCode).toBe(200);
    expect(mainText(list.body)).toContain("LCF-A");
    expect((await t.app.inject({ url: pages, headers: { cookie: s.provider.cookie } })).statusCode).toBe(403);
    const form = await postForm(t.app, s.commissioner, `${pages}/new`, { reference: "", programme: "" });
    expect(form.statusCode).toBe(400);
    expect(summaryErrors(form.body).length).toBeGreaterThan(0);
    for (const path of ["/new", `/${a}/models/new`, `/${a}/share`, `/${a}/evidence`])
      expect(
        (await t.app.inject({ url: `${pages}${path}`, headers: { cookie: s.commissioner.cookie } }))
          .statusCode,
      ).toBe(200);
    const mine = await t.app.inject({
      url: `/organisations/${FUND_PROVIDER}/outcome-contracts`,
      headers: { cookie: s.provider.cookie },
    });
    expect(mainText(mine.body)).toContain("LCF-A");
  });
});

describe("referring participants by CSV, and comparison groups, on the pages", () => {
  /** A tariff contract and a social impact bond of their own (the others' months stay as they are). */
  let tariff: string;
  let bond: string;
  const header = "reference,payment_group,cohort,referred_on";
  const csv = (...lines: string[]) => ({
    file: { filename: "referrals.csv", type: "text/csv", content: `${[header, ...lines].join("\n")}\n` },
  });
  const referred = async (contractId: string) =>
    (
      await t.deps.db
        .selectFrom("outcome_participants")
        .select("reference")
        .where("contract_id", "=", contractId)
        .orderBy("reference")
        .execute()
    ).map((p) => p.reference);
  const audited = async (contractId: string, action: string) =>
    t.deps.db
      .selectFrom("audit_events")
      .select("changes")
      .where("authority_id", "=", COUNTY)
      .where("entity_id", "=", contractId)
      .where("action", "=", action)
      .orderBy("seq")
      .execute();

  beforeAll(async () => {
    const setUp = async (reference: string, kind: string, definition: unknown) => {
      const id = (
        await call(t.app, "POST", api, s.commissioner, {
          fund: "Life Chances Fund",
          organisationId: FUND_PROVIDER,
          reference,
          title: `Pages ${reference}`,
          programme: `pages-${reference.toLowerCase()}`,
          startsOn: addMonths(today, -12),
          endsOn: addMonths(today, 24),
        })
      ).json().id as string;
      const model = { kind, definition, effectiveFrom: addMonths(today, -12) };
      expect((await call(t.app, "POST", `${one(id)}/models`, s.commissioner, model)).statusCode).toBe(201);
      return id;
    };
    tariff = await setUp("CSV-T", "tariff", TARIFF);
    bond = await setUp("CSV-SIB", "outcome-prices", PETERBOROUGH_SIB);
  });

  it("refers the participants of a CSV file as one batch, each bad line named, nothing half-written", async () => {
    const url = `${pages}/${tariff}/referrals`;
    const day = addMonths(today, -2);
    // The provider neither sees the page nor sends a file; only the commissioner refers.
    expect((await t.app.inject({ url, headers: { cookie: s.provider.cookie } })).statusCode).toBe(403);
    expect((await postMultipart(t.app, s.provider, url, csv(`C-1,jsa-18-24,,${day}`))).statusCode).toBe(403);
    const form = await t.app.inject({ url, headers: { cookie: s.commissioner.cookie } });
    expect(form.statusCode).toBe(200);
    const text = mainText(form.body);
    expect(text).toContain("Participants are pseudonymous");
    expect(text).toContain("jsa-18-24 – JSA 18–24");
    expect(form.body).toContain(`href="${url}/example.csv"`);
    // The example file: the header row and made-up references in the tariff's group, today.
    const example = await t.app.inject({
      url: `${url}/example.csv`,
      headers: { cookie: s.commissioner.cookie },
    });
    expect(example.headers["content-type"]).toContain("text/csv");
    expect(example.body).toBe(`${header}\nREF-0001,jsa-18-24,,${today}\nREF-0002,jsa-18-24,,${today}\n`);

    // Format problems: each named by its line in the file (a blank line counted), nobody referred.
    const bad = await postMultipart(
      t.app,
      s.commissioner,
      url,
      csv(`C-1,jsa-18-24,,${day}`, "", "C-2,jsa-18-24,,5/1/2026", "Jane Smith,jsa-18-24,,2026-01-05"),
    );
    expect(bad.statusCode).toBe(400);
    expect(summaryErrors(bad.body).map(([href, message]) => `${href} ${message}`)).toEqual([
      "#file Line 4: Enter the day referred as a real date, year first, like 2027-04-01",
      "#file Line 5: Enter the participant's reference: letters, digits and / _ . -, up to 40 characters (never a name)",
    ]);
    // A group the tariff does not know, or a day outside the term: refused too (422), the line named.
    const unknown = await postMultipart(
      t.app,
      s.commissioner,
      url,
      csv(`C-1,jsa-18-24,,${day}`, `C-2,esa,,${day}`, `C-3,jsa-18-24,,${addMonths(today, 1)}`),
    );
    expect(unknown.statusCode).toBe(422);
    expect(summaryErrors(unknown.body).map(([, message]) => message)).toEqual([
      "Line 3: This payment group is not in the contract's payment model: use one of its groups' codes",
      "Line 4: The day referred must be within the contract's term, and not in the future",
    ]);
    const header2 = await postMultipart(t.app, s.commissioner, url, {
      file: { filename: "r.csv", type: "text/csv", content: `participant,group\nC-1,jsa-18-24\n` },
    });
    expect(summaryErrors(header2.body)).toEqual([
      ["#file", "The file's first row must be: reference,payment_group,cohort,referred_on"],
    ]);
    expect((await postMultipart(t.app, s.commissioner, url, {})).statusCode).toBe(400);
    expect(await referred(tariff)).toEqual([]);
    expect(await audited(tariff, "results.participants-referred")).toEqual([]);

    // A right file: all referred at once, the count said; the same file again refers nobody twice.
    const lines = ["C-1", "C-2", "C-3"].map((r) => `${r},jsa-18-24,,${day}`);
    const good = await postMultipart(t.app, s.commissioner, url, csv(...lines));
    expect(good.statusCode).toBe(200);
    expect(mainText(good.body)).toContain(
      "3 participants referred. 0 were referred before: nothing changed.",
    );
    const again = await postMultipart(t.app, s.commissioner, url, csv(...lines, `C-4,jsa-18-24,,${day}`));
    expect(mainText(again.body)).toContain(
      "1 participant referred. 3 were referred before: nothing changed.",
    );
    expect(await referred(tariff)).toEqual(["C-1", "C-2", "C-3", "C-4"]);
    expect((await audited(tariff, "results.participants-referred")).map((e) => e.changes)).toEqual([
      { recorded: 3, alreadyRecorded: 0 },
      { recorded: 1, alreadyRecorded: 3 },
    ]);
    // A referral sent again with another day: refused (409), its line named; nothing else referred.
    const changed = await postMultipart(
      t.app,
      s.commissioner,
      url,
      csv(`C-5,jsa-18-24,,${day}`, `C-2,jsa-18-24,,${addMonths(today, -3)}`),
    );
    expect(changed.statusCode).toBe(409);
    expect(summaryErrors(changed.body)).toEqual([
      [
        "#file",
        "Line 3: Participant C-2 was referred before with a different referredOn: a referral is never changed, so send it as it was",
      ],
    ]);
    expect(await referred(tariff)).not.toContain("C-5");

    // In Welsh: the page and the lines' problems.
    const welsh = await postMultipart(
      t.app,
      { ...s.commissioner, cookie: `${s.commissioner.cookie}; lang=cy` },
      url,
      csv("C-9,jsa-18-24,,yesterday"),
    );
    expect(mainText(welsh.body)).toContain("Atgyfeirio cyfranogwyr");
    expect(summaryErrors(welsh.body)[0]?.[1]).toBe(
      "Llinell 2: Rhowch ddiwrnod yr atgyfeirio fel dyddiad go iawn, y flwyddyn yn gyntaf, fel 2027-04-01",
    );
    // The contract's page links the commissioner to it, and not the provider.
    const contract = `${pages}/${tariff}`;
    expect(
      (await t.app.inject({ url: contract, headers: { cookie: s.commissioner.cookie } })).body,
    ).toContain(`href="${url}"`);
    expect(
      (await t.app.inject({ url: contract, headers: { cookie: s.provider.cookie } })).body,
    ).not.toContain(`href="${url}"`);
  });

  it("records a cohort's comparison figure by API and on the page, a decimal in exact hundredths, replaced", async () => {
    const apiUrl = `${one(bond)}/comparisons`;
    const url = `${pages}/${bond}/comparisons`;
    const body = {
      cohort: "1",
      metric: "reconviction-events",
      ratePer100Centi: 14_250,
      groupSize: 1_180,
      source: "Data lab: matched comparison group",
    };
    expect((await call(t.app, "POST", apiUrl, s.provider, body)).statusCode).toBe(403);
    expect((await call(t.app, "POST", apiUrl, s.stranger, body)).statusCode).toBe(404);
    // A model that measures no cohorts takes none; the model's metric only.
    const noCohorts = await call(t.app, "POST", `${one(tariff)}/comparisons`, s.commissioner, body);
    expect(noCohorts.statusCode).toBe(422);
    expect(noCohorts.json().error.details[0].field).toBe("metric");
    const wrongMetric = await call(t.app, "POST", apiUrl, s.commissioner, { ...body, metric: "reoffenders" });
    expect(wrongMetric.statusCode).toBe(422);
    expect(wrongMetric.json().error.message).toContain("measures cohorts by reconviction-events");
    const recorded = await call(t.app, "POST", apiUrl, s.commissioner, body);
    expect(recorded.statusCode).toBe(200);
    expect(recorded.json()).toMatchObject({ ...body, recordedByName: "commissioner" });
    const listed = await call(t.app, "GET", apiUrl, s.provider);
    expect(listed.json()).toMatchObject({ metrics: ["reconviction-events"], comparisons: [body] });

    // The page: the provider reads the figures; the commissioner records one, typed as a decimal.
    const read = await t.app.inject({ url, headers: { cookie: s.provider.cookie } });
    expect(read.statusCode).toBe(200);
    expect(mainText(read.body)).toContain(
      "1 reconviction-events 142.50 1,180 Data lab: matched comparison group",
    );
    expect(read.body).not.toContain("Record the figure");
    const form = await t.app.inject({ url, headers: { cookie: s.commissioner.cookie } });
    expect(form.body).toMatch(/id="metric" name="metric"[^>]*value="reconviction-events"/);
    const typed = { cohort: "2", metric: "reconviction-events", groupSize: "1020", source: "Data lab" };
    for (const [ratePer100, field] of [
      ["12.345", "#ratePer100"],
      ["1,234", "#ratePer100"],
      ["100000.01", "#ratePer100"],
    ] as const) {
      const refused = await postForm(t.app, s.commissioner, url, { ...typed, ratePer100 });
      expect(refused.statusCode).toBe(400);
      expect(summaryErrors(refused.body).map(([href]) => href)).toEqual([field]);
    }
    const noSize = await postForm(t.app, s.commissioner, url, {
      ...typed,
      ratePer100: "12",
      groupSize: "1.5",
    });
    expect(summaryErrors(noSize.body).map(([href]) => href)).toEqual(["#groupSize"]);
    // 12.35 and 4.35 are not exact in binary floating point (×100 gives 1234.999…): stored exactly.
    for (const [cohort, ratePer100, centi] of [
      ["2", "12.35", 1235],
      ["3", "4.35", 435],
      ["4", "139", 13_900],
    ] as const) {
      const done = await postForm(t.app, s.commissioner, url, { ...typed, cohort, ratePer100 });
      expect(done.statusCode).toBe(303);
      expect(done.headers.location).toBe(`${url}?notice=recorded`);
      const row = await t.deps.db
        .selectFrom("outcome_comparisons")
        .select("rate_per_100_centi")
        .where("contract_id", "=", bond)
        .where("cohort", "=", cohort)
        .executeTakeFirstOrThrow();
      expect(row.rate_per_100_centi).toBe(centi);
    }
    // "Change" fills the form with the row's figure; recording it again replaces it, on the audit trail.
    const change = await t.app.inject({
      url: `${url}?cohort=1&metric=reconviction-events`,
      headers: { cookie: s.commissioner.cookie },
    });
    expect(change.body).toContain('value="142.50"');
    const replaced = await postForm(t.app, s.commissioner, url, {
      ...typed,
      cohort: "1",
      ratePer100: "140.25",
    });
    expect(replaced.statusCode).toBe(303);
    const shown = mainText(
      (await t.app.inject({ url: `${url}?notice=recorded`, headers: { cookie: s.commissioner.cookie } }))
        .body,
    );
    expect(shown).toContain("The comparison figure is recorded.");
    expect(shown).toContain("1 reconviction-events 140.25 1,020 Data lab");
    expect(shown).not.toContain("1 reconviction-events 142.50");
    const trail = (await audited(bond, "results.comparison-recorded")).map((e) => e.changes);
    expect(trail).toHaveLength(5);
    expect(trail.at(-1)).toEqual({
      cohort: "1",
      metric: "reconviction-events",
      ratePer100Centi: 14_025,
      groupSize: 1_020,
      source: "Data lab",
      replaced: { ratePer100Centi: 14_250, groupSize: 1_180, source: "Data lab: matched comparison group" },
    });
    // The contract's page links to the comparison groups when its model measures cohorts, only then.
    const bondPage = await t.app.inject({ url: `${pages}/${bond}`, headers: { cookie: s.provider.cookie } });
    expect(bondPage.body).toContain(`href="${url}"`);
    const tariffPage = await t.app.inject({
      url: `${pages}/${tariff}`,
      headers: { cookie: s.provider.cookie },
    });
    expect(tariffPage.body).not.toContain("/comparisons");
    const welsh = await t.app.inject({ url, headers: { cookie: `${s.commissioner.cookie}; lang=cy` } });
    expect(mainText(welsh.body)).toContain("Cofnodi ffigur cymharu");
    expect(mainText(welsh.body)).toContain("140.25");
  });
});
