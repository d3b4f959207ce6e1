/**
 * Community budgets (one seeded app for the file): who sets a pool up, contributes and spends; each
 * spend split across the partners in whole pence and refused (409, naming the shortfall) when a
 * partner's balance or the pool is short; entries kept in date order; what the public sees of a
 * payee who is a person; each partner's report; the demo's whole-place budget, its ledger balanced;
 * and the pages, in English and Welsh, with the one form pattern.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { peopleWithRoles, postForm, type TestPeople, type TestSession } from "../../../tests/support/auth.ts";
import { mainText, summaryLinks } from "../../../tests/support/pages.ts";
import { ctxOnDay } from "../../../tests/support/principals.ts";
import { DEMO_AREA } from "../../seed/demo/areas.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_COMMUNITY_BUDGET } from "../../seed/demo/community-budgets.ts";
import { DEMO_GRANTS } from "../../seed/demo/grants.ts";
import type { Ctx } from "../access/context.ts";
import { apply, decide, programmeOf } from "../grants/grants.service.ts";
import {
  addPartner,
  createPool,
  partnerReport,
  poolView,
  recordContribution,
  recordSpend,
  reverseEntry,
} from "./community-budgets.service.ts";

const COUNTY = DEMO_AUTHORITY.county;
const DISTRICT = DEMO_AUTHORITY.district;
const NHS = DEMO_AUTHORITY.nhs;
/** Millbrook Youth Forum, a community group of the demo directory. */
const YOUTH_FORUM = "019a0000-0000-7000-8000-00000000b028";

let t: TestApp;
let sessions: TestPeople["sessions"];
let principals: TestPeople["principals"];
const as = (who: string) => sessions[who] as TestSession;
const db = () => t.deps.db;
/** A service call as `who` on a London day (noon). */
const on = (date: string, who: string | null): Ctx =>
  ctxOnDay(db(), date, who ? (principals[who] ?? null) : null);

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  ({ sessions, principals } = await peopleWithRoles(t.app, db(), {
    county: ["commissioner", COUNTY, "Cleo County"],
    district: ["commissioner", DISTRICT, "Dan District"],
    nhs: ["authority-admin", NHS, "Nia NHS"],
    citizen: ["citizen", undefined, "Cy Citizen"],
    youth: ["organisation-admin", YOUTH_FORUM, "Yara Youth"],
  }));
});

afterAll(async () => {
  await t?.close();
});

/** A pool of the county with the county and the district as partners, set up on `date`. */
async function pool(date: string, name = "Wesford Together") {
  const v = await createPool(on(date, "county"), COUNTY, {
    name,
    areaCode: DEMO_AREA.westshire,
    purpose: "Keeping people well at home.",
  });
  await addPartner(on(date, "county"), v.pool.id, { authorityId: COUNTY, agreed: "300" });
  await addPartner(on(date, "county"), v.pool.id, { authorityId: DISTRICT });
  return v.pool.id;
}

describe("pooling and spending", () => {
  it("splits a spend pro rata to what each partner put in, and refuses one a partner's balance cannot pay", async () => {
    const id = await pool("2027-03-01");
    await recordContribution(on("2027-03-02", "county"), id, {
      amount: "300",
      on: "2027-03-02",
      reference: "PO-1",
    });
    await recordContribution(on("2027-03-02", "district"), id, {
      amount: "£100.00",
      on: "2027-03-02",
      reference: "PO-2",
    });
    // £1.01 over 3:1 — 75.75p and 25.25p: 75p and 25p, the penny left to the larger remainder (a tie: the first).
    const v = await recordSpend(on("2027-03-03", "county"), id, {
      kind: "commissioned",
      payee: "Westshire Community Health CIC",
      amount: "1.01",
      on: "2027-03-03",
      description: "Reablement visits.",
    });
    expect(v.entries.at(-1)?.parts).toEqual([
      { partnerId: COUNTY, amount: 76n },
      { partnerId: DISTRICT, amount: 25n },
    ]);
    expect(v.partners.map((x) => [x.contributed, x.spent, x.balance])).toEqual([
      [30000n, 76n, 29924n],
      [10000n, 25n, 9975n],
    ]);
    expect(v.totals).toEqual({ contributed: 40000n, spent: 101n, cash: 39899n });
    // The district's people are told of the spend and their part of it; the county's commissioner, who recorded it, is not.
    const told = async (who: string) =>
      db()
        .selectFrom("notifications")
        .select(["subject", "body", "link"])
        .where("user_id", "=", principals[who]?.userId as string)
        .where("kind", "=", "community-budget.spent")
        .where("link", "like", `/community-budgets/${id}/%`)
        .execute();
    expect(await told("district")).toEqual([
      {
        subject: "Wesford Together: £1.01 spent, £0.25 of it yours",
        body: "On 3 March 2027 Wesford Together paid £1.01 to Westshire Community Health CIC. Your share of it is £0.25, in proportion to what you have put in. What it paid for: Reablement visits.",
        link: `/community-budgets/${id}/partners/${DISTRICT}`,
      },
    ]);
    expect(await told("county")).toEqual([]);
    // More than the pool holds: 409 saying by how much.
    await expect(
      recordSpend(on("2027-03-04", "county"), id, {
        kind: "other",
        payee: "Anyone",
        amount: "400",
        on: "2027-03-04",
        description: "Too much.",
      }),
    ).rejects.toMatchObject({ code: "insufficient_funds", message: expect.stringContaining("£1.01 more") });
    // The county puts in £600 more after the district's part has mostly gone: the district is short.
    await recordSpend(on("2027-03-04", "county"), id, {
      kind: "other",
      payee: "Anyone",
      amount: "390",
      on: "2027-03-04",
      description: "Most of it.",
    });
    await recordContribution(on("2027-03-05", "county"), id, {
      amount: "600",
      on: "2027-03-05",
      reference: "PO-3",
    });
    await expect(
      recordSpend(on("2027-03-06", "county"), id, {
        kind: "other",
        payee: "Anyone",
        amount: "100",
        on: "2027-03-06",
        description: "The district cannot pay its part.",
      }),
    ).rejects.toMatchObject({
      code: "insufficient_funds",
      message: expect.stringContaining("Millbrook District Council is short by £"),
    });
    // Entries in date order: not dated before the latest.
    await expect(
      recordContribution(on("2027-03-06", "district"), id, {
        amount: "5",
        on: "2027-03-01",
        reference: "PO-4",
      }),
    ).rejects.toMatchObject({ code: "conflict" });
    const audit = await db()
      .selectFrom("audit_events")
      .select("action")
      .where("entity_id", "=", id)
      .orderBy("seq")
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      "community-budget.created",
      "community-budget.partner-added",
      "community-budget.partner-added",
      "community-budget.contribution-recorded",
      "community-budget.contribution-recorded",
      "community-budget.spend-recorded",
      "community-budget.spend-recorded",
      "community-budget.contribution-recorded",
    ]);
  });

  it("lets only the accountable authority set up and spend, and only a partner record its own contributions", async () => {
    await expect(
      createPool(on("2027-04-01", "district"), COUNTY, {
        name: "X",
        areaCode: DEMO_AREA.westshire,
        purpose: "Y",
      }),
    ).rejects.toMatchObject({ code: "forbidden" });
    const id = await pool("2027-04-01", "Another pool");
    await expect(addPartner(on("2027-04-01", "district"), id, { authorityId: NHS })).rejects.toMatchObject({
      code: "forbidden",
    });
    await expect(addPartner(on("2027-04-01", "county"), id, { authorityId: DISTRICT })).rejects.toMatchObject(
      {
        code: "conflict",
      },
    );
    // The NHS body is no partner here; the county's commissioner may not contribute for the district.
    await expect(
      recordContribution(on("2027-04-02", "nhs"), id, { amount: "5", on: "2027-04-02", reference: "X" }),
    ).rejects.toMatchObject({ code: "forbidden" });
    await expect(
      recordContribution(on("2027-04-02", "county"), id, {
        partnerAuthorityId: DISTRICT,
        amount: "5",
        on: "2027-04-02",
        reference: "X",
      }),
    ).rejects.toMatchObject({ details: [{ field: "partnerAuthorityId" }] });
    await expect(
      recordSpend(on("2027-04-02", "district"), id, {
        kind: "other",
        payee: "A",
        amount: "1",
        on: "2027-04-02",
        description: "B",
      }),
    ).rejects.toMatchObject({ code: "forbidden" });
    // Nothing put in yet: nothing to spend.
    await expect(
      recordSpend(on("2027-04-02", "county"), id, {
        kind: "other",
        payee: "A",
        amount: "1",
        on: "2027-04-02",
        description: "B",
      }),
    ).rejects.toMatchObject({ code: "insufficient_funds" });
    // Bad input names each field.
    await expect(
      recordSpend(on("2027-04-02", "county"), id, {
        kind: "bribe",
        payee: "",
        amount: "1.234",
        on: "2027-04-31",
      }),
    ).rejects.toMatchObject({
      details: [
        { field: "kind" },
        { field: "payee" },
        { field: "amount" },
        { field: "on" },
        { field: "description" },
      ],
    });
  });

  it("names a payee who is a person to the pool's people only, and shows each partner what its money did", async () => {
    const id = await pool("2027-05-01", "Personal budgets pool");
    await recordContribution(on("2027-05-01", "county"), id, {
      amount: "50",
      on: "2027-05-01",
      reference: "PO-9",
    });
    await recordSpend(on("2027-05-02", "county"), id, {
      kind: "delegated",
      payee: "Jo Bloggs",
      payeeIsPerson: "yes",
      amount: "20",
      on: "2027-05-02",
      description: "A direct payment for a carer's break.",
    });
    const publicView = await poolView(on("2027-05-03", null), id);
    expect(publicView.entries.map((e) => [e.payee, e.reference])).toEqual([
      [null, null],
      [null, null],
    ]);
    const districtView = await poolView(on("2027-05-03", "district"), id);
    expect(districtView.entries.map((e) => e.payee)).toEqual([null, "Jo Bloggs"]);
    const report = await partnerReport(on("2027-05-03", null), id, COUNTY);
    expect(report.partner).toMatchObject({
      contributed: 5000n,
      spent: 2000n,
      balance: 3000n,
      agreed: 30000n,
    });
    expect(report.spends.map((s) => s.share)).toEqual([2000n]);
    // The district put nothing in: no part of the spend.
    expect((await partnerReport(on("2027-05-03", null), id, DISTRICT)).spends).toEqual([]);
    const audit = await db()
      .selectFrom("audit_events")
      .select("changes")
      .where("entity_id", "=", id)
      .where("action", "=", "community-budget.spend-recorded")
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(audit.changes)).not.toContain("Jo Bloggs");
    // The open dataset: the person never named, no reference, each share in pence.
    const csv = await t.app.inject({ url: "/open-data/community-budgets.csv" });
    expect(csv.statusCode).toBe(200);
    expect(csv.body).not.toContain("Jo Bloggs");
    expect(csv.body).not.toContain("PO-9");
    const rows = (await t.app.inject({ url: "/open-data/community-budgets.json" })).json().rows as Record<
      string,
      unknown
    >[];
    const direct = rows.find((r) => r.pool_id === id && r.kind === "spend");
    expect(direct).toMatchObject({
      spend_kind: "delegated",
      amount_pence: 2000,
      amount_pounds: "20.00",
      payee: null,
      share_partner_ids: [COUNTY],
      share_pence: ["2000"],
    });
  });
});

describe("corrections", () => {
  it("reverses an entry made in error with a journal of its lines negated; never twice, never a contribution already spent", async () => {
    const id = await pool("2027-04-01", "Corrected Together");
    await recordContribution(on("2027-04-01", "county"), id, {
      amount: "300",
      on: "2027-04-01",
      reference: "PO-1",
    });
    await recordContribution(on("2027-04-01", "district"), id, {
      amount: "100",
      on: "2027-04-01",
      reference: "PO-2",
    });
    const spent = await recordSpend(on("2027-04-02", "county"), id, {
      kind: "other",
      payee: "Wrong Payee Ltd",
      amount: "40",
      on: "2027-04-02",
      description: "Recorded against the wrong pool.",
    });
    const spendId = spent.entries.at(-1)?.id as string;
    // Only the accountable authority's people; the reasons are asked for.
    await expect(
      reverseEntry(on("2027-04-03", "district"), id, spendId, { reasons: "No." }),
    ).rejects.toMatchObject({
      code: "forbidden",
    });
    await expect(
      reverseEntry(on("2027-04-03", "county"), id, spendId, { reasons: "" }),
    ).rejects.toMatchObject({
      code: "validation_failed",
    });
    const v = await reverseEntry(on("2027-04-03", "county"), id, spendId, {
      reasons: "It belongs to another pool.",
    });
    expect(v.totals).toEqual({ contributed: 40000n, spent: 0n, cash: 40000n });
    expect(v.partners.map((x) => x.balance)).toEqual([30000n, 10000n]);
    const reversal = v.entries.at(-1);
    expect(reversal).toMatchObject({
      kind: "spend",
      on: "2027-04-03",
      amount: -4000n,
      reversesId: spendId,
      reversalReasons: "It belongs to another pool.",
      parts: [
        { partnerId: COUNTY, amount: -3000n },
        { partnerId: DISTRICT, amount: -1000n },
      ],
    });
    expect(v.entries.find((e) => e.id === spendId)?.reversedBy).toMatchObject({ on: "2027-04-03" });
    expect(v.byKind.find((k) => k.kind === "other")?.spent).toBe(0n);
    // Every journal, the reversal's too, sums to zero.
    const sums = await db()
      .selectFrom("community_budget_lines")
      .select(["journal_id", (eb) => eb.fn.sum<string>("amount_pence").as("sum")])
      .where("pool_id", "=", id)
      .groupBy("journal_id")
      .execute();
    expect(sums.every((r) => BigInt(r.sum) === 0n)).toBe(true);
    // Not twice, nor the reversal itself.
    await expect(
      reverseEntry(on("2027-04-04", "county"), id, spendId, { reasons: "Again." }),
    ).rejects.toMatchObject({
      code: "conflict",
      message: "This entry was reversed on 3 April 2027 already.",
    });
    await expect(
      reverseEntry(on("2027-04-04", "county"), id, reversal?.id as string, { reasons: "Undo." }),
    ).rejects.toMatchObject({ code: "conflict" });
    // The district is told its share is back.
    const told = await db()
      .selectFrom("notifications")
      .select(["subject", "body"])
      .where("user_id", "=", principals.district?.userId as string)
      .where("subject", "=", "Corrected Together: a spend of £40.00 reversed")
      .execute();
    expect(told[0]?.body).toContain(
      "your share of it, £10.00, is back in your balance. Why: It belongs to another pool.",
    );
    // A contribution part of which has been spent cannot be reversed; one whose money is all left can.
    await recordSpend(on("2027-04-05", "county"), id, {
      kind: "other",
      payee: "Right Payee Ltd",
      amount: "350",
      on: "2027-04-05",
      description: "The right spend.",
    });
    const districtPo = v.entries.find((e) => e.reference === "PO-2")?.id as string;
    await expect(
      reverseEntry(on("2027-04-06", "county"), id, districtPo, { reasons: "Entered twice." }),
    ).rejects.toMatchObject({
      code: "insufficient_funds",
      message:
        "Millbrook District Council has £12.50 left in the pool, less than this contribution of £100.00: part of it has been spent. Reverse those spends first.",
    });
    const more = await recordContribution(on("2027-04-06", "district"), id, {
      amount: "5",
      on: "2027-04-06",
      reference: "PO-9",
    });
    const fixed = await reverseEntry(on("2027-04-06", "county"), id, more.entries.at(-1)?.id as string, {
      reasons: "The wrong purchase order.",
    });
    expect(fixed.partners.find((x) => x.partnerId === DISTRICT)).toMatchObject({
      contributed: 10000n,
      balance: 1250n,
    });
    const audit = await db()
      .selectFrom("audit_events")
      .select("action")
      .where("entity_id", "=", id)
      .where("action", "=", "community-budget.entry-reversed")
      .execute();
    expect(audit).toHaveLength(2);
    // The pool's page offers its people the correction, and its form shows the entry.
    const page = await call(t.app, "GET", `/community-budgets/${id}`, as("county"));
    expect(mainText(page.body)).toContain("Reversal of an entry made in error");
    expect(page.body).toContain(`/community-budgets/${id}/entries/`);
    expect((await call(t.app, "GET", `/community-budgets/${id}`)).body).not.toContain("/reversal");
    const open = v.entries.find((e) => e.reference === "PO-1")?.id as string;
    const form = await call(t.app, "GET", `/community-budgets/${id}/entries/${open}/reversal`, as("county"));
    expect(form.statusCode).toBe(200);
    expect(mainText(form.body)).toContain("Contribution from Westshire County Council");
    expect(
      (await call(t.app, "GET", `/community-budgets/${id}/entries/${spendId}/reversal`, as("county")))
        .statusCode,
    ).toBe(409);
  });
});

describe("spends paying a grant", () => {
  it("pays at most what is left of the award, across every pool's spends (409 naming what is left)", async () => {
    const programme = await programmeOf(db(), DEMO_GRANTS.communityProgramme);
    const day = programme.opens_on;
    const application = await apply(on(day, "youth"), programme.id, {
      organisationId: YOUTH_FORUM,
      supportKind: "grant",
      purpose: "A summer of youth club trips.",
      amount: "1000",
    });
    await decide(on(day, "county"), programme.id, application.id, { decision: "award", amount: "1000" });
    const spend = (poolId: string, amount: string) =>
      recordSpend(on(day, "county"), poolId, {
        kind: "grant",
        payee: "Millbrook Youth Forum",
        amount,
        on: day,
        description: "Youth club trips.",
        grantProgrammeId: programme.id,
        grantId: application.id,
      });
    const first = await pool(day, "Youth pool");
    const second = await pool(day, "Another youth pool");
    for (const id of [first, second])
      await recordContribution(on(day, "county"), id, { amount: "5000", on: day, reference: "PO-Y" });
    await spend(first, "600");
    // Another pool's spend counts too: £400.00 is left of the £1,000.00.
    await expect(spend(second, "400.01")).rejects.toMatchObject({
      code: "above_grant_left",
      message: "The grant was awarded £1,000.00: £400.00 of it is left to pay, so pay at most that.",
    });
    await spend(second, "400");
    await expect(spend(first, "0.01")).rejects.toMatchObject({
      code: "above_grant_left",
      message: expect.stringContaining("nothing is left to pay"),
    });
  });
});

describe("the demo's whole-place budget", () => {
  it("has four partners, five spends (two paying community grants), and a ledger that balances", async () => {
    const res = await call(t.app, "GET", `/api/v1/community-budgets/${DEMO_COMMUNITY_BUDGET}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.partners.map((x: { name: string }) => x.name)).toEqual([
      "Westshire County Council",
      "NHS Westshire Integrated Care Board",
      "Millbrook District Council",
      "Department for Work and Skills",
    ]);
    expect(body.contributedPence).toBe("95000000");
    expect(body.spentByKind).toEqual([
      { kind: "commissioned", spentPence: "18000000" },
      { kind: "grant", spentPence: "3230000" },
      { kind: "delegated", spentPence: "1234567" },
      { kind: "other", spentPence: "0" },
    ]);
    // £180,000 over 400:300:50:200 — exactly 7,578,947.37p, 5,684,210.53p, 947,368.42p and
    // 3,789,473.68p: the two pence left over go to the largest remainders (.68, then .53).
    expect(body.entries[4].parts.map((x: { amountPence: string }) => x.amountPence)).toEqual([
      "7578947",
      "5684211",
      "947368",
      "3789474",
    ]);
    const sum = await db()
      .selectFrom("community_budget_lines")
      .select((eb) => eb.fn.sum<string>("amount_pence").as("total"))
      .executeTakeFirstOrThrow();
    expect(String(sum.total)).toBe("0");
    const report = await call(
      t.app,
      "GET",
      `/api/v1/community-budgets/${DEMO_COMMUNITY_BUDGET}/partners/${DISTRICT}`,
    );
    expect(report.json().partner).toMatchObject({ contributedPence: "5000000" });
    expect(report.json().spends).toHaveLength(5);
  });
});

describe("the API and the pages", () => {
  it("a pool set up and contributed to through the API; its page in English and Welsh", async () => {
    const created = await call(
      t.app,
      "POST",
      `/api/v1/authorities/${COUNTY}/community-budgets`,
      as("county"),
      {
        name: "Kelderby Neighbourhoods",
        areaCode: DEMO_AREA.westshire,
        purpose: "Neighbourhood schemes.",
      },
    );
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    expect(
      (
        await call(
          t.app,
          "POST",
          `/api/v1/authorities/${COUNTY}/community-budgets`,
          as("citizen"),
          created.json(),
        )
      ).statusCode,
    ).toBe(400);
    expect(
      (
        await call(t.app, "POST", `/api/v1/community-budgets/${id}/partners`, as("county"), {
          authorityId: DISTRICT,
          agreed: "1000",
        })
      ).statusCode,
    ).toBe(200);
    const contributed = await call(
      t.app,
      "POST",
      `/api/v1/community-budgets/${id}/contributions`,
      as("district"),
      {
        amount: "250.50",
        on: "2026-11-21",
        reference: "MDC-77",
      },
    );
    expect(contributed.statusCode).toBe(200);
    expect(contributed.json().cashPence).toBe("25050");

    // The spend form: errors link to their fields; then a spend is recorded and shown.
    const bad = await postForm(t.app, as("county"), `/community-budgets/${id}/spend`, { amount: "lots" });
    expect(bad.statusCode).toBe(400);
    expect(summaryLinks(bad.body)).toEqual(["#kind", "#payee", "#amount", "#on-day", "#description"]);
    const tooMuch = await postForm(t.app, as("county"), `/community-budgets/${id}/spend`, {
      kind: "grant",
      payee: "Kelderby Youth Club",
      amount: "300",
      "on-day": "22",
      "on-month": "11",
      "on-year": "2026",
      description: "Summer activities.",
    });
    expect(tooMuch.statusCode).toBe(409);
    expect(mainText(tooMuch.body)).toContain("Enter an amount the pool and each partner's share can pay");
    const ok = await postForm(t.app, as("county"), `/community-budgets/${id}/spend`, {
      kind: "grant",
      payee: "Kelderby Youth Club",
      amount: "200",
      "on-day": "22",
      "on-month": "11",
      "on-year": "2026",
      description: "Summer activities.",
    });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe(`/community-budgets/${id}?notice=spend`);
    const page = mainText((await call(t.app, "GET", `/community-budgets/${id}`)).body);
    expect(page).toContain("Kelderby Neighbourhoods");
    expect(page).toContain("Grant to a community group: Kelderby Youth Club");
    expect(page).toMatch(/Millbrook District Council\s+£1,000\.00\s+£250\.50\s+£200\.00\s+£50\.50/);
    const welsh = await t.app.inject({
      method: "GET",
      url: `/community-budgets/${id}`,
      headers: { cookie: "lang=cy" },
    });
    expect(mainText(welsh.body)).toContain("Grant i grŵp cymunedol");
    const report = mainText((await call(t.app, "GET", `/community-budgets/${id}/partners/${DISTRICT}`)).body);
    expect(report).toContain("What Millbrook District Council's money did");
    expect(report).toMatch(/£200\.00\s+£200\.00/);
    // The district records its contribution through its form; the county may not spend from the form as a citizen.
    const form = await postForm(t.app, as("district"), `/community-budgets/${id}/contribution`, {
      amount: "10",
      "on-day": "22",
      "on-month": "11",
      "on-year": "2026",
      reference: "MDC-78",
    });
    expect(form.statusCode).toBe(303);
    expect((await postForm(t.app, as("citizen"), `/community-budgets/${id}/spend`, {})).statusCode).toBe(403);
    expect(mainText((await call(t.app, "GET", "/community-budgets")).body)).toContain("Westshire Together");
  });

  it("a pool set up and a partner added through their forms", async () => {
    const url = "/authorities/westshire-county-council/community-budgets/new";
    expect((await call(t.app, "GET", url, as("district"))).statusCode).toBe(403);
    const bad = await postForm(t.app, as("county"), url, { name: "Vale Together", areaCode: "" });
    expect(bad.statusCode).toBe(400);
    expect(summaryLinks(bad.body)).toEqual(["#areaCode", "#purpose"]);
    const made = await postForm(t.app, as("county"), url, {
      name: "Vale Together",
      areaCode: DEMO_AREA.westshireVale,
      purpose: "Falls prevention in the Vale.",
    });
    expect(made.statusCode).toBe(303);
    const poolUrl = made.headers.location as string;
    const form = await call(t.app, "GET", `${poolUrl}/partner`, as("county"));
    expect(mainText(form.body)).toContain("NHS Westshire Integrated Care Board");
    const added = await postForm(t.app, as("county"), `${poolUrl}/partner`, {
      authorityId: NHS,
      agreed: "5,000",
    });
    expect(added.statusCode).toBe(303);
    expect(mainText((await call(t.app, "GET", poolUrl)).body)).toMatch(
      /NHS Westshire Integrated Care Board\s+£5,000\.00\s+£0\.00/,
    );
    expect(
      (await postForm(t.app, as("district"), `${poolUrl}/partner`, { authorityId: DISTRICT })).statusCode,
    ).toBe(403);
  });
});
