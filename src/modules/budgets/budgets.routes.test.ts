/**
 * Personal budgets' money through the API and the pages (one seeded app): opening a ledger pays in
 * the periods started; an invoice recorded with a key, the same request again answered the same
 * without a second invoice, another request with that key refused (409), no key refused (400); an
 * approval that would overdraw refused with how much is left; the ledger view, the statement and
 * its CSV with the running balance; the pages' forms carrying their key (sent twice, posted once);
 * a surplus flagged, the care staff told, recovered; and the retention job erasing a plan's records
 * 7 years after it ended, saying what it erased.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { createUser, postForm, sessionFor, type TestSession } from "../../../tests/support/auth.ts";
import { mainText } from "../../../tests/support/pages.ts";
import { ctxFor, principalOf } from "../../../tests/support/principals.ts";
import { encodeKey } from "../../db/paging.ts";
import { fixedClock, type SettableClock } from "../../lib/clock.ts";
import { DEMO_AREA } from "../../seed/demo/areas.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_ORGANISATION, DEMO_PROVIDER_GREENWAY, DEMO_USERS } from "../../seed/demo/users.ts";
import { SYSTEM } from "../audit/audit.service.ts";
import { changeBudget, createPlan, endPlan, recordPerson } from "../care/care.service.ts";
import type { PersonGrant } from "../care/care.table.ts";
import { recordLink } from "../care/representatives.service.ts";
import { PAYMENTS_IN_QUEUE } from "./budgets.service.ts";
import { endCarePlan, insertCarePlan } from "./budgets.test-fixtures.ts";
import { payDuePeriods, runPaymentsIn } from "./payments.service.ts";
import { eraseExpiredBudgets } from "./retention.service.ts";

const COUNTY = DEMO_AUTHORITY.county;
const SLUG = "westshire-county-council";
let t: TestApp;
let staff: TestSession;
let staffId: string;
let commissioner: TestSession;

function send(method: "GET" | "POST", url: string, who: TestSession, body?: unknown, key?: string) {
  return t.app.inject({
    method,
    url,
    headers: {
      cookie: who.cookie,
      ...(method === "GET" ? {} : { "content-type": "application/json" }),
      ...(key ? { "idempotency-key": key } : {}),
    },
    ...(method === "GET" ? {} : { payload: JSON.stringify(body ?? {}) }),
  });
}

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  staffId = (await createUser(t.deps.db, { grants: [{ role: "care-staff", scopeId: COUNTY }] })).id;
  staff = await sessionFor(t.app, staffId, { twoFactor: true });
  const other = await createUser(t.deps.db, { grants: [{ role: "commissioner", scopeId: COUNTY }] });
  commissioner = await sessionFor(t.app, other.id, { twoFactor: true });
});
afterAll(async () => {
  await t?.close();
});

describe("a mixed budget through the API", () => {
  let planId: string;
  const api = () => `/api/v1/authorities/${COUNTY}/budgets/${planId}`;

  beforeAll(async () => {
    // £100 a week by direct payment, £50 a week managed by the authority, from four weeks ago.
    planId = await insertCarePlan(t.deps.db, {
      authorityId: COUNTY,
      parts: [
        { delivery: "direct-payment", amountPence: 10_000n },
        { delivery: "managed-by-authority", amountPence: 5_000n },
      ],
      startedOn: "2026-10-25",
      surplusLevelPence: 50_000n,
    });
  });

  it("opens the ledger (care staff only), paying in the periods started by today", async () => {
    const body = { planId, cadence: "four-weekly", firstPeriodOn: "2026-10-25" };
    expect((await send("POST", `/api/v1/authorities/${COUNTY}/budgets`, commissioner, body)).statusCode).toBe(
      403,
    );
    const opened = await send("POST", `/api/v1/authorities/${COUNTY}/budgets`, staff, body);
    expect(opened.statusCode).toBe(201);
    expect((await send("POST", `/api/v1/authorities/${COUNTY}/budgets`, staff, body)).statusCode).toBe(409);
    // The job the opening queued: 25 October and 22 November have started by the demo's today (22 November).
    await runPaymentsIn(t.deps.db, t.deps.clock, COUNTY, planId);
    const again = await payDuePeriods(t.deps.db, t.deps.clock, COUNTY, planId);
    expect(again.paid).toBe(0);
    const ledger = (await send("GET", api(), staff)).json();
    expect(ledger.schedule.nextPeriod.index).toBe(2);
    const balance = (account: string) =>
      ledger.balances.find((b: { account: string }) => b.account === account)?.balancePence;
    expect(balance("direct-payment")).toBe("80000");
    expect(balance("managed")).toBe("40000");
    expect(balance("funding")).toBe("-120000");
    expect(ledger.transactions.map((x: { kind: string }) => x.kind)).toEqual(["payment-in", "payment-in"]);
    // The job for the next period waits for its first day.
    const next = await t.deps.db
      .selectFrom("jobs")
      .select("run_at")
      .where("queue", "=", PAYMENTS_IN_QUEUE)
      .where("dedupe_key", "=", `${PAYMENTS_IN_QUEUE}:${COUNTY}:${planId}:2`)
      .executeTakeFirstOrThrow();
    expect(next.run_at.toISOString()).toBe("2026-12-20T00:05:00.000Z");
    // The surplus (£800 held, above the £500 agreed) is flagged and the care staff told.
    expect(ledger.surplus).toMatchObject({ excessPence: "30000", status: "open" });
    const told = await t.deps.db
      .selectFrom("notifications")
      .select("link")
      .where("user_id", "=", staffId)
      .where("kind", "=", "budget.surplus-flagged")
      .execute();
    expect(told.map((n) => n.link)).toContain(`/authorities/${SLUG}/budgets/${planId}`);
    expect((await send("GET", api(), commissioner)).statusCode).toBe(403);
  });

  it("records an invoice once per key, refuses a key reused for another request, and needs a key", async () => {
    const invoice = {
      organisationId: DEMO_ORGANISATION,
      periodStartsOn: "2026-11-01",
      periodEndsOn: "2026-11-28",
      amount: "£450.00",
      reference: "INV-0001",
    };
    const first = await send("POST", `${api()}/invoices`, staff, invoice, "invoice-key-0001");
    expect(first.statusCode).toBe(201);
    const again = await send("POST", `${api()}/invoices`, staff, invoice, "invoice-key-0001");
    expect(again.statusCode).toBe(201);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(again.json()).toEqual(first.json());
    const other = await send(
      "POST",
      `${api()}/invoices`,
      staff,
      { ...invoice, amount: "£1.00" },
      "invoice-key-0001",
    );
    expect(other.statusCode).toBe(409);
    expect(other.json().error.code).toBe("idempotency_key_reused");
    expect((await send("POST", `${api()}/invoices`, staff, invoice)).statusCode).toBe(400);
    // £450 from a managed account holding £400: refused, saying what is left; nothing posted.
    const id = first.json().invoice.id;
    const refused = await send(
      "POST",
      `${api()}/invoices/${id}/approval`,
      staff,
      undefined,
      "approve-key-0001",
    );
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toBe(
      "Paying £450.00 would leave -£50.00 in the managed account; £400.00 is left. Pay no more than what is left.",
    );
    const ledger = (await send("GET", api(), staff)).json();
    expect(ledger.transactions).toHaveLength(2);
    expect(ledger.invoices[0]).toMatchObject({ status: "submitted", amountPence: "45000" });
  });

  it("pays an invoice it can, records a payment out and recovers the surplus", async () => {
    const small = {
      organisationId: DEMO_ORGANISATION,
      periodStartsOn: "2026-11-29",
      periodEndsOn: "2026-12-05",
      amount: "300",
      reference: "INV-0002",
    };
    const id = (await send("POST", `${api()}/invoices`, staff, small, "invoice-key-0002")).json().invoice.id;
    const paid = await send("POST", `${api()}/invoices/${id}/approval`, staff, undefined, "approve-key-0002");
    expect(paid.statusCode).toBe(201);
    expect(paid.json().transaction.entries).toEqual([
      { account: "managed", amountPence: "-30000" },
      { account: `provider:${DEMO_ORGANISATION}`, amountPence: "30000" },
    ]);
    const out = await send(
      "POST",
      `${api()}/payments-out`,
      staff,
      { amount: "£120.50", description: "A personal assistant" },
      "out-key-0001",
    );
    expect(out.statusCode).toBe(201);
    const recovered = await send("POST", `${api()}/surplus/recovery`, staff, {}, "recover-key-0001");
    expect(recovered.statusCode).toBe(201);
    // £800 − £120.50 = £679.50 held; £179.50 above the £500 level recovered.
    expect(recovered.json().transaction.entries).toEqual([
      { account: "direct-payment", amountPence: "-17950" },
      { account: "recovered", amountPence: "17950" },
    ]);
    expect(recovered.json().surplus.status).toBe("recovered");
  });

  it("gives the statement with the running balance, as JSON and CSV", async () => {
    const s = (await send("GET", `${api()}/statement?from=2026-10-01&to=2026-11-30`, staff)).json();
    expect(s.openingPence).toBe("0");
    expect(s.lines.map((l: { balancePence: string }) => l.balancePence)).toEqual([
      "60000",
      "120000",
      "90000",
      "77950",
      "60000",
    ]);
    expect(s.closingPence).toBe("60000");
    const csv = await send("GET", `${api()}/statement.csv?from=2026-10-01&to=2026-11-30`, staff);
    expect(csv.headers["content-type"]).toContain("text/csv");
    const lines = csv.body.trim().split("\n");
    expect(lines[0]).toBe("date,number,kind,description,in_pence,out_pence,balance_pence");
    expect(lines.at(-1)).toBe("2026-11-30,,closing-balance,,,,60000");
  });
});

describe("requests at once", () => {
  it("never overdraw, and post a key sent twice at once only once", async () => {
    // £100 a week by direct payment, four-weekly: £400 paid in.
    const planId = await insertCarePlan(t.deps.db, {
      authorityId: COUNTY,
      parts: [{ delivery: "direct-payment", amountPence: 10_000n }],
      startedOn: "2026-11-20",
    });
    await send("POST", `/api/v1/authorities/${COUNTY}/budgets`, staff, { planId, cadence: "four-weekly" });
    await runPaymentsIn(t.deps.db, t.deps.clock, COUNTY, planId);
    const url = `/api/v1/authorities/${COUNTY}/budgets/${planId}/payments-out`;
    const body = { amount: "£60.00", description: "A personal assistant" };
    const keys = ["at-once-0", "at-once-0", ...Array.from({ length: 8 }, (_, i) => `at-once-${i + 1}`)];
    const answers = await Promise.all(keys.map((key) => send("POST", url, staff, body, key)));
    const posted = new Set(answers.filter((a) => a.statusCode === 201).map((a) => a.json().transaction.id));
    // £400 pays six payments of £60; the rest are refused, saying £40.00 is left.
    expect(posted.size).toBe(6);
    const refusals = answers.filter((a) => a.statusCode === 409).map((a) => a.json().error.code);
    expect(refusals.every((code) => code === "insufficient_funds")).toBe(true);
    const ledger = (await send("GET", `/api/v1/authorities/${COUNTY}/budgets/${planId}`, staff)).json();
    expect(ledger.heldPence).toBe("4000");
    expect(ledger.transactions).toHaveLength(7);
  });
});

describe("the pages", () => {
  let planId: string;
  let url: string;
  beforeAll(async () => {
    planId = await insertCarePlan(t.deps.db, {
      authorityId: COUNTY,
      parts: [{ delivery: "direct-payment", amountPence: 52_000n }],
      per: "year",
      startedOn: "2026-11-01",
    });
    await send("POST", `/api/v1/authorities/${COUNTY}/budgets`, staff, { planId, cadence: "monthly" });
    await runPaymentsIn(t.deps.db, t.deps.clock, COUNTY, planId);
    url = `/authorities/${SLUG}/budgets/${planId}`;
  });

  it("shows the ledger, and a payment out sent twice from one form is posted once", async () => {
    const page = await t.app.inject({ url, headers: { cookie: staff.cookie } });
    expect(page.statusCode).toBe(200);
    // £520 a year, monthly: the first month £43.33 (floor of 52000 ÷ 12).
    expect(mainText(page.body)).toContain("Left to spend: £43.33");
    const form = await t.app.inject({ url: `${url}/payments-out/new`, headers: { cookie: staff.cookie } });
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(form.body)?.[1] as string;
    expect(key).toBeTruthy();
    const fields = {
      idempotencyKey: key,
      amount: "10",
      description: "Taxi to the day centre",
      organisationId: "",
    };
    for (let i = 0; i < 2; i++)
      expect((await postForm(t.app, staff, `${url}/payments-out/new`, fields)).statusCode).toBe(303);
    const over = await postForm(t.app, staff, `${url}/payments-out/new`, {
      ...fields,
      idempotencyKey: `${key}x`,
      amount: "100",
    });
    expect(over.statusCode).toBe(409);
    expect(mainText(over.body)).toContain("£33.33 is left");
    const after = await t.app.inject({ url, headers: { cookie: staff.cookie } });
    expect(mainText(after.body)).toContain("Left to spend: £33.33");
    const statement = await t.app.inject({ url: `${url}/statement`, headers: { cookie: staff.cookie } });
    expect(statement.statusCode).toBe(200);
    expect(
      (await t.app.inject({ url: `/authorities/${SLUG}/budgets`, headers: { cookie: staff.cookie } }))
        .statusCode,
    ).toBe(200);
    const welsh = await t.app.inject({ url, headers: { cookie: `${staff.cookie}; lang=cy` } });
    expect(mainText(welsh.body)).toContain("Ar ôl i’w wario: £33.33");
  });
});

describe("a plan made through care's service, and the person's side", () => {
  let planId: string;
  let personId: string;
  let self: TestSession;
  let selfId: string;
  let payer: TestSession;
  let onlyFeedback: TestSession;
  const api = () => `/api/v1/authorities/${COUNTY}/budgets/${planId}`;

  beforeAll(async () => {
    const ctx = ctxFor(t.deps.db, t.deps.clock, await principalOf(t.deps.db, staffId));
    const person = await recordPerson(ctx, COUNTY, {
      fullName: "Edith Budgetson",
      dateOfBirth: "1948-03-02",
      areaCode: DEMO_AREA.westshire,
    });
    personId = person.id;
    // £100 a week by direct payment from 25 October, a surplus above £500 flagged.
    const plan = await createPlan(ctx, COUNTY, personId, {
      regime: "adult-social-care",
      amount: "£100.00",
      period: "week",
      startsOn: "2026-10-25",
      surplusLevel: "£500.00",
      parts: [{ delivery: "direct-payment", amount: "£100.00" }],
    });
    planId = plan.id;
    const link = async (relationship: "self" | "family", grants: PersonGrant[]) => {
      const userId = (await createUser(t.deps.db, {})).id;
      await recordLink(
        { ...ctx, principal: null, actor: SYSTEM("test") },
        { authorityId: COUNTY, personId, userId, relationship, grants },
      );
      return { userId, session: await sessionFor(t.app, userId) };
    };
    ({ userId: selfId, session: self } = await link("self", []));
    ({ session: payer } = await link("family", ["see-plan", "make-payments"]));
    ({ session: onlyFeedback } = await link("family", ["give-feedback"]));
  });

  it("opens the plan's ledger four-weekly and pays it in; a new version pays from the next period", async () => {
    await runPaymentsIn(t.deps.db, t.deps.clock, COUNTY, planId);
    const ledger = (await send("GET", api(), staff)).json();
    expect(ledger.schedule).toMatchObject({ cadence: "four-weekly", firstPeriodOn: "2026-10-25" });
    expect(ledger.balances).toContainEqual({ account: "direct-payment", balancePence: "80000" });
    // The surplus (£800 held, £500 agreed) is told to the person too, leading to their page.
    const told = await t.deps.db
      .selectFrom("notifications")
      .select("link")
      .where("user_id", "=", selfId)
      .where("kind", "=", "budget.surplus-flagged")
      .execute();
    expect(told.map((n) => n.link)).toEqual([`/care/people/${personId}`]);

    // £150 a week from 10 December, inside the period paid for 22 November – 19 December: that period
    // stays as paid; the next, from 20 December, pays 4 weeks of £150.
    const ctx = ctxFor(t.deps.db, t.deps.clock, await principalOf(t.deps.db, staffId));
    await changeBudget(ctx, COUNTY, planId, {
      amount: "£150.00",
      period: "week",
      startsOn: "2026-12-10",
      surplusLevel: "£500.00",
      reason: "More help in the evenings.",
      parts: [{ delivery: "direct-payment", amount: "£150.00" }],
    });
    const later = fixedClock(new Date("2026-12-21T12:00:00Z"));
    expect((await payDuePeriods(t.deps.db, later, COUNTY, planId)).paid).toBe(1);
    const paid = await t.deps.db
      .selectFrom("budget_entries")
      .select("amount_pence")
      .where("plan_id", "=", planId)
      .where("account", "=", "direct-payment")
      .orderBy("amount_pence")
      .execute();
    expect(paid.map((e) => e.amount_pence)).toEqual([40_000n, 40_000n, 60_000n]);
  });

  it("shows the person their balance and statement; a representative pays out once with a retried key", async () => {
    const page = await t.app.inject({ url: `/care/people/${personId}`, headers: { cookie: self.cookie } });
    expect(page.statusCode).toBe(200);
    expect(mainText(page.body)).toContain("Left in the direct payment £1,400.00");
    expect(page.body).toContain(`href="/authorities/${SLUG}/budgets/${planId}/statement"`);
    const statement = await t.app.inject({
      url: `/authorities/${SLUG}/budgets/${planId}/statement?from=2026-10-01&to=2026-12-31`,
      headers: { cookie: self.cookie },
    });
    expect(statement.statusCode).toBe(200);
    expect(mainText(statement.body)).toContain("£1,400.00");
    // Without see-plan: 403 for the statement and its CSV; another authority's care staff: 404.
    expect((await send("GET", `${api()}/statement`, onlyFeedback)).statusCode).toBe(403);
    expect((await send("GET", `${api()}/statement.csv`, onlyFeedback)).statusCode).toBe(403);
    const elsewhere = await createUser(t.deps.db, {
      grants: [{ role: "care-staff", scopeId: DEMO_AUTHORITY.district }],
    });
    const stranger = await sessionFor(t.app, elsewhere.id, { twoFactor: true });
    expect((await send("GET", `${api()}/statement`, stranger)).statusCode).toBe(404);
    const payment = { amount: "£90.00", description: "Carer, Tuesday and Thursday evenings" };
    expect(
      (await send("POST", `${api()}/payments-out`, stranger, payment, "stranger-key-01")).statusCode,
    ).toBe(404);
    // The ledger itself stays its keepers': the person is refused it.
    expect((await send("GET", api(), self)).statusCode).toBe(403);

    const first = await send("POST", `${api()}/payments-out`, payer, payment, "family-pays-0001");
    expect(first.statusCode).toBe(201);
    const again = await send("POST", `${api()}/payments-out`, payer, payment, "family-pays-0001");
    expect(again.statusCode).toBe(201);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(again.json()).toEqual(first.json());
    expect(first.json().balances).toContainEqual({ account: "direct-payment", balancePence: "131000" });
    // Only see-plan: refused the payment.
    const refused = await send("POST", `${api()}/payments-out`, onlyFeedback, payment, "feedback-pays-01");
    expect(refused.statusCode).toBe(403);
    const outs = await t.deps.db
      .selectFrom("budget_transactions")
      .select("id")
      .where("plan_id", "=", planId)
      .where("kind", "=", "payment-out")
      .execute();
    expect(outs).toHaveLength(1);
    const after = await t.app.inject({ url: `/care/people/${personId}`, headers: { cookie: payer.cookie } });
    expect(mainText(after.body)).toContain("Carer, Tuesday and Thursday evenings");
    expect(after.body).toContain(`href="/authorities/${SLUG}/budgets/${planId}/payments-out/new"`);
    const form = await t.app.inject({
      url: `/authorities/${SLUG}/budgets/${planId}/payments-out/new`,
      headers: { cookie: `${payer.cookie}; lang=cy` },
    });
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain(`href="/care/people/${personId}"`);
    const welsh = await t.app.inject({
      url: `/care/people/${personId}`,
      headers: { cookie: `${self.cookie}; lang=cy` },
    });
    expect(mainText(welsh.body)).toContain("Ar ôl yn y taliad uniongyrchol £1,310.00");
  });

  it("lets care staff change the cadence from the next period, and stops paying in at the plan's end", async () => {
    const changed = await send("POST", `${api()}/schedule`, staff, { cadence: "monthly" });
    expect(changed.statusCode).toBe(200);
    // Three four-weekly periods are paid (to 16 January); the monthly schedule starts on 17 January.
    expect(changed.json().schedule).toMatchObject({
      cadence: "monthly",
      firstPeriodOn: "2027-01-17",
      nextPeriod: { index: 3, startsOn: "2027-01-17", endsOn: "2027-02-16" },
    });
    expect((await send("POST", `${api()}/schedule`, self, { cadence: "four-weekly" })).statusCode).toBe(403);
    const ctx = ctxFor(t.deps.db, t.deps.clock, await principalOf(t.deps.db, staffId));
    await endPlan(ctx, COUNTY, planId, { endedOn: "2027-02-01", reason: "Moved to another county." });
    const muchLater = fixedClock(new Date("2027-06-01T12:00:00Z"));
    // 17 January is paid (£150 × 52 / 12 = £650); nothing after the plan's end on 1 February.
    expect(await payDuePeriods(t.deps.db, muchLater, COUNTY, planId)).toEqual({ paid: 1, nextOn: null });
    const ledger = await t.deps.db
      .selectFrom("budget_ledgers")
      .select("plan_ended_on")
      .where("plan_id", "=", planId)
      .executeTakeFirstOrThrow();
    expect(ledger.plan_ended_on).toBe("2027-02-01");
  });
});

describe("retention", () => {
  it("erases a plan's records 7 years after it ended, saying what it erased", async () => {
    const planId = await insertCarePlan(t.deps.db, {
      authorityId: COUNTY,
      parts: [{ delivery: "direct-payment", amountPence: 10_000n }],
      startedOn: "2026-11-02",
    });
    await send("POST", `/api/v1/authorities/${COUNTY}/budgets`, staff, { planId, cadence: "four-weekly" });
    await runPaymentsIn(t.deps.db, t.deps.clock, COUNTY, planId);
    await endCarePlan(t.deps.db, COUNTY, planId, "2026-11-10");
    await runPaymentsIn(t.deps.db, t.deps.clock, COUNTY, planId);
    const clock = t.deps.clock as SettableClock;
    const now = clock.now();
    try {
      clock.set(new Date("2033-11-10T12:00:00Z"));
      expect(await eraseExpiredBudgets(t.deps.db, clock, COUNTY)).toEqual([]);
      clock.set(new Date("2033-11-11T12:00:00Z"));
      const [erased] = await eraseExpiredBudgets(t.deps.db, clock, COUNTY);
      expect(erased?.planIds).toEqual([planId]);
      expect(erased?.counts).toMatchObject({ budget_transactions: 1, budget_entries: 2, budget_ledgers: 1 });
      const kept = await t.deps.db
        .selectFrom("budget_erasures")
        .selectAll()
        .where("authority_id", "=", COUNTY)
        .execute();
      expect(kept.map((e) => e.plan_ids)).toContainEqual([planId]);
      const audited = await t.deps.db
        .selectFrom("audit_events")
        .select("action")
        .where("authority_id", "=", COUNTY)
        .where("action", "=", "budget.records-erased")
        .execute();
      expect(audited).toHaveLength(1);
      const left = await t.deps.db
        .selectFrom("budget_ledgers")
        .select("plan_id")
        .where("plan_id", "=", planId)
        .execute();
      expect(left).toEqual([]);
    } finally {
      clock.set(now);
    }
  });
});

describe("a provider invoices Joan's arrangement; she pays it from her direct payment", () => {
  it("submits within the arrangement (once per key), refuses beyond it, 404 for another provider; the person pays, a representative without make-payments 403", async () => {
    const a = await t.deps.db
      .selectFrom("choice_arrangements")
      .selectAll()
      .where("authority_id", "=", COUNTY)
      .where("organisation_id", "=", DEMO_PROVIDER_GREENWAY)
      .where("paid_from", "=", "direct-payment")
      .where("status", "=", "accepted")
      .executeTakeFirstOrThrow();
    const gwen = DEMO_USERS.find(
      (u) => u.role === "organisation-admin" && u.scopeId === DEMO_PROVIDER_GREENWAY,
    );
    const provider = await sessionFor(t.app, gwen?.id as string, { twoFactor: true });
    const url = `/api/v1/organisations/${DEMO_PROVIDER_GREENWAY}/invoices`;
    // The demo: Greenway invoiced its first morning and Joan paid it.
    const listed = (await send("GET", url, provider)).json();
    expect(
      listed.invoices.map((i: { reference: string; status: string }) => [i.reference, i.status]),
    ).toContainEqual(["GHC-0001", "paid"]);
    const ceiling = (a.price_pence * 200n + 99n) / 100n; // 2 units at the arrangement's price
    const pounds = (p: bigint) => (Number(p) / 100).toFixed(2);
    const body = {
      authorityId: COUNTY,
      arrangementId: a.id,
      periodStartsOn: a.starts_on,
      periodEndsOn: a.starts_on,
      units: "2",
      amount: pounds(ceiling + 1n),
      reference: "GHC-TEST-1",
    };
    // Its form offers the arrangement, and refuses an amount beyond it with the reason (422).
    const formUrl = `/organisations/${DEMO_PROVIDER_GREENWAY}/invoices/new`;
    const form = await t.app.inject({ url: formUrl, headers: { cookie: provider.cookie } });
    expect(form.body).toContain(`value="${COUNTY}:${a.id}"`);
    const [y, m, d] = a.starts_on.split("-");
    const day = (name: string) => ({ [`${name}-day`]: d, [`${name}-month`]: m, [`${name}-year`]: y });
    const refused = await postForm(t.app, provider, formUrl, {
      idempotencyKey: "provider-invoice-form-1",
      arrangement: `${COUNTY}:${a.id}`,
      ...day("periodStartsOn"),
      ...day("periodEndsOn"),
      units: "2",
      amount: pounds(ceiling + 1n),
      reference: "GHC-FORM-1",
    });
    expect(refused.statusCode).toBe(422);
    expect(mainText(refused.body)).toContain(`invoice no more than £${pounds(ceiling)}`);
    const beyond = await send("POST", url, provider, body, "provider-invoice-beyond");
    expect(beyond.statusCode).toBe(422);
    expect(beyond.body).toContain(`invoice no more than`);
    const within = { ...body, amount: pounds(ceiling) };
    const first = await send("POST", url, provider, within, "provider-invoice-1");
    expect(first.statusCode).toBe(201);
    const again = await send("POST", url, provider, within, "provider-invoice-1");
    expect(again.statusCode).toBe(201);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    const invoiceId = first.json().invoice.id;
    expect(again.json().invoice.id).toBe(invoiceId);
    const count = await t.deps.db
      .selectFrom("budget_invoices")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("reference", "=", "GHC-TEST-1")
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
    // Another provider does not see Greenway's arrangement.
    const other = await createUser(t.deps.db, {
      grants: [{ role: "organisation-admin", scopeId: DEMO_ORGANISATION }],
    });
    const otherSession = await sessionFor(t.app, other.id, { twoFactor: true });
    const otherUrl = `/api/v1/organisations/${DEMO_ORGANISATION}/invoices`;
    expect(
      (await send("POST", otherUrl, otherSession, { ...within, reference: "X-1" }, "provider-invoice-x"))
        .statusCode,
    ).toBe(404);
    expect((await send("GET", url, otherSession)).statusCode).toBe(403);
    // Joan is told; a representative without make-payments may not pay it; Joan pays it.
    const pay = `/api/v1/authorities/${COUNTY}/budgets/${a.plan_id}/invoices/${invoiceId}/payment`;
    const ctx = ctxFor(t.deps.db, t.deps.clock, await principalOf(t.deps.db, staffId));
    const rep = (await createUser(t.deps.db, {})).id;
    await recordLink(
      { ...ctx, principal: null, actor: SYSTEM("test") },
      {
        authorityId: COUNTY,
        personId: a.person_id,
        userId: rep,
        relationship: "family",
        grants: ["see-plan"],
      },
    );
    expect(
      (await send("POST", pay, await sessionFor(t.app, rep), {}, "provider-invoice-pay-rep")).statusCode,
    ).toBe(403);
    const citizen = DEMO_USERS.find((u) => u.role === "citizen")?.id as string;
    const told = await t.deps.db
      .selectFrom("notifications")
      .select("subject")
      .where("user_id", "=", citizen)
      .where("kind", "=", "budget.invoice-submitted")
      .execute();
    expect(told.length).toBeGreaterThanOrEqual(2);
    const joan = await sessionFor(t.app, citizen);
    // Her page shows it waiting, with a button that pays it (its form carrying a key).
    const panel = await send("GET", `/care/people/${a.person_id}`, joan);
    expect(panel.body).toContain(`/invoices/${invoiceId}/pay`);
    const paid = await send("POST", pay, joan, {}, "provider-invoice-pay-1");
    expect(paid.statusCode).toBe(201);
    expect(paid.json().invoice.status).toBe("paid");
    const after = (await send("GET", url, provider)).json();
    expect(after.invoices.find((i: { id: string }) => i.id === invoiceId)).toMatchObject({
      status: "paid",
      paidPence: ceiling.toString(),
    });
  });
});

describe("the money's loose ends: a rejected invoice told, providers' invoices and the person's ledger by key", () => {
  it("tells the provider why its invoice is rejected; pages its invoices; shows the person their ledger with what is committed", async () => {
    const a = await t.deps.db
      .selectFrom("choice_arrangements")
      .selectAll()
      .where("authority_id", "=", COUNTY)
      .where("organisation_id", "=", DEMO_PROVIDER_GREENWAY)
      .where("paid_from", "=", "direct-payment")
      .where("status", "=", "accepted")
      .executeTakeFirstOrThrow();
    const gwen = DEMO_USERS.find(
      (u) => u.role === "organisation-admin" && u.scopeId === DEMO_PROVIDER_GREENWAY,
    )?.id as string;
    const provider = await sessionFor(t.app, gwen, { twoFactor: true });
    const joan = await sessionFor(t.app, DEMO_USERS.find((u) => u.role === "citizen")?.id as string);
    const price = a.price_pence;
    const submitted = await send(
      "POST",
      `/api/v1/organisations/${DEMO_PROVIDER_GREENWAY}/invoices`,
      provider,
      {
        authorityId: COUNTY,
        arrangementId: a.id,
        periodStartsOn: a.starts_on,
        periodEndsOn: a.starts_on,
        units: "1",
        amount: (Number(price) / 100).toFixed(2),
        reference: "GHC-LOOSE-1",
      },
      "loose-ends-invoice-1",
    );
    expect(submitted.statusCode).toBe(201);
    const invoiceId = submitted.json().invoice.id;

    // Joan reads her ledger, two at a time: the balance after each runs back from what is held now,
    // across pages, and the invoice waiting is committed.
    const ledgerApi = `/api/v1/authorities/${COUNTY}/budgets/${a.plan_id}/transactions`;
    const first = (await send("GET", `${ledgerApi}?pageSize=2`, joan)).json();
    expect(first.committedPence).toBe(price.toString());
    expect(BigInt(first.availablePence)).toBe(BigInt(first.heldPence) - price);
    expect(first.transactions[0].balancePence).toBe(first.heldPence);
    expect(first.previous).toBeNull();
    const second = (await send("GET", `${ledgerApi}?pageSize=2&after=${first.next}`, joan)).json();
    const lines = [...first.transactions, ...second.transactions];
    expect(lines.map((l: { seq: number }) => l.seq)).toEqual(
      [...lines].map((l: { seq: number }) => l.seq).sort((x, y) => y - x),
    );
    for (let i = 0; i + 1 < lines.length; i++)
      expect(BigInt(lines[i].balancePence) - BigInt(lines[i].changePence)).toBe(
        BigInt(lines[i + 1].balancePence),
      );
    const back = (await send("GET", `${ledgerApi}?pageSize=2&before=${second.previous}`, joan)).json();
    expect(back.transactions).toEqual(first.transactions);
    // Her page links to it; the page shows the balance, what is committed, and the balance after each.
    const person = await send("GET", `/care/people/${a.person_id}`, joan);
    expect(person.body).toContain(`/budgets/${a.plan_id}/transactions`);
    const page = await send("GET", `/authorities/${SLUG}/budgets/${a.plan_id}/transactions`, joan);
    expect(page.statusCode).toBe(200);
    const text = mainText(page.body);
    expect(text).toContain("Committed to invoices waiting to be paid");
    expect(text).toContain(`£${(Number(price) / 100).toFixed(2)}`);
    expect(text).toContain("Balance after");
    // A representative with only give-feedback may not read it.
    const rep = (await createUser(t.deps.db, {})).id;
    const ctx = ctxFor(t.deps.db, t.deps.clock, await principalOf(t.deps.db, staffId));
    await recordLink(
      { ...ctx, principal: null, actor: SYSTEM("test") },
      {
        authorityId: COUNTY,
        personId: a.person_id,
        userId: rep,
        relationship: "family",
        grants: ["give-feedback"],
      },
    );
    expect((await send("GET", ledgerApi, await sessionFor(t.app, rep))).statusCode).toBe(403);

    // Care staff reject it: Greenway's people are told why, with a link to its invoices.
    const reason = "The first morning is invoiced already as GHC-0001.";
    const rejection = `/api/v1/authorities/${COUNTY}/budgets/${a.plan_id}/invoices/${invoiceId}/rejection`;
    expect((await send("POST", rejection, staff, { reason }, "loose-ends-reject-1")).statusCode).toBe(201);
    const told = await t.deps.db
      .selectFrom("notifications")
      .select(["subject", "body", "link"])
      .where("user_id", "=", gwen)
      .where("kind", "=", "budget.invoice-rejected")
      .execute();
    expect(told).toEqual([
      expect.objectContaining({
        subject: expect.stringContaining("GHC-LOOSE-1"),
        body: expect.stringContaining(reason),
        link: `/organisations/${DEMO_PROVIDER_GREENWAY}/invoices`,
      }),
    ]);
    expect((await send("GET", ledgerApi, joan)).json().committedPence).toBe("0");

    // Its invoices a page at a time by key: one at a time gives each once, newest first.
    const list = `/api/v1/organisations/${DEMO_PROVIDER_GREENWAY}/invoices`;
    const all = (await send("GET", list, provider)).json();
    expect(all.invoices[0]).toMatchObject({
      reference: "GHC-LOOSE-1",
      status: "rejected",
      rejectionReason: reason,
    });
    const seen: string[] = [];
    for (let after = ""; ; ) {
      const one = (await send("GET", `${list}?pageSize=1${after ? `&after=${after}` : ""}`, provider)).json();
      seen.push(...one.invoices.map((i: { id: string }) => i.id));
      if (!one.next) break;
      after = one.next;
    }
    expect(seen).toEqual(all.invoices.map((i: { id: string }) => i.id));
    expect(seen.length).toBeGreaterThanOrEqual(2);
    const pageOne = (await send("GET", `${list}?pageSize=1`, provider)).json();
    const older = await send(
      "GET",
      `/organisations/${DEMO_PROVIDER_GREENWAY}/invoices?after=${pageOne.next}`,
      provider,
    );
    expect(older.statusCode).toBe(200);
    expect(mainText(older.body)).not.toContain("GHC-LOOSE-1");
    expect(mainText(older.body)).toContain("Newest invoices");
    expect((await send("GET", `${list}?after=not-a-key`, provider)).statusCode).toBe(400);
    // The budget's ledger pages its invoices by key too.
    const ledger = `/api/v1/authorities/${COUNTY}/budgets/${a.plan_id}`;
    const invoices = (await send("GET", ledger, staff)).json().invoices as {
      id: string;
      submittedAt: string;
    }[];
    const [newest] = invoices;
    const afterNewest = encodeKey([newest?.submittedAt as string, newest?.id as string]);
    const olderInvoices = (await send("GET", `${ledger}?invoicesAfter=${afterNewest}`, staff)).json();
    expect(olderInvoices.invoices).toEqual(invoices.slice(1));
    expect(olderInvoices.invoicesNext).toBeNull();
    // A key made by hand with a date but not an id is refused (400), not sent to the database (500).
    const badId = encodeKey([newest?.submittedAt as string, "not-a-uuid"]);
    expect((await send("GET", `${ledger}?invoicesAfter=${badId}`, staff)).statusCode).toBe(400);
    expect((await send("GET", `${list}?after=${badId}`, provider)).statusCode).toBe(400);
    // The ledger page's links keep each other's place: the transactions' newer page keeps the invoices'.
    const ledgerPage = `/authorities/${SLUG}/budgets/${a.plan_id}`;
    const paged = await t.app.inject({
      url: `${ledgerPage}?after=${encodeKey([2])}&invoicesAfter=${afterNewest}`,
      headers: { cookie: staff.cookie },
    });
    const newer = paged.body.match(/href="([^"]*before=[^"]*)"/)?.[1] ?? "";
    expect(newer.replaceAll("&amp;", "&")).toContain(`invoicesAfter=${afterNewest}`);
    // The rejection form tells care staff the provider is told the reason.
    const reject = await t.app.inject({
      url: `${ledgerPage}/invoices/${invoiceId}/reject`,
      headers: { cookie: staff.cookie },
    });
    expect(mainText(reject.body)).toContain("The provider is told this reason");
  });
});

describe("the module's surface", () => {
  it("keeps the ledger's unchecked page read (transactionsByKey) to the budgets module", async () => {
    const { readdir, readFile } = await import("node:fs/promises");
    const files = (await readdir("src", { recursive: true })).filter(
      (f) => f.endsWith(".ts") && !f.startsWith("modules/budgets/"),
    );
    for (const f of files) expect(await readFile(`src/${f}`, "utf8")).not.toContain("transactions-page");
    expect(Object.keys(await import("./budgets.service.ts"))).not.toContain("transactionsByKey");
  });
});

describe("the market's figures", () => {
  it("are not recomputed for a payment in (no figure counts it), but are for a payment out", async () => {
    const planId = await insertCarePlan(t.deps.db, {
      authorityId: COUNTY,
      parts: [{ delivery: "direct-payment", amountPence: 10_000n }],
      startedOn: "2026-10-25",
    });
    await send("POST", `/api/v1/authorities/${COUNTY}/budgets`, staff, { planId, cadence: "four-weekly" });
    const clock = t.deps.clock as SettableClock;
    const now = clock.now();
    try {
      clock.set(new Date(now.getTime() + 120_000));
      const recompute = `market.figures:${COUNTY}:${Math.floor(clock.now().getTime() / 60_000)}`;
      const queued = () =>
        t.deps.db.selectFrom("jobs").select("id").where("dedupe_key", "=", recompute).execute();
      expect((await payDuePeriods(t.deps.db, clock, COUNTY, planId)).paid).toBeGreaterThan(0);
      expect(await queued()).toEqual([]);
      const out = { amount: "£10.00", description: "A personal assistant's morning" };
      const paidOut = await send(
        "POST",
        `/api/v1/authorities/${COUNTY}/budgets/${planId}/payments-out`,
        staff,
        out,
        "market-pay-out-1",
      );
      expect(paidOut.statusCode).toBe(201);
      expect(await queued()).toHaveLength(1);
    } finally {
      clock.set(now);
    }
  });
});
