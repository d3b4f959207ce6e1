/**
 * Payment by results' open data on the seeded demo data, with an outcome contract written directly
 * (its rows as the runs and intake would write them): its payments as OCDS implementation
 * transactions of the contract's process (valid OCDS 1.1; recoveries not money that moved), the
 * outcomes dataset (counts per referral month; refused, contract-wide and recovered claims not
 * counted; 1 to 9 suppressed, and the smaller of two counts 1 to 9 apart — for any counts, by
 * fast-check), the spend over £500 (payments and corrections above £500 only; personal budgets'
 * managed accounts only as sums of at least 10 people's budgets, none dominant, kept in each
 * payment's transaction and equal to a sum from scratch) and nothing personal anywhere.
 */
import fc from "fast-check";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { createUser } from "../../../tests/support/auth.ts";
import { ctxFor, principalOf } from "../../../tests/support/principals.ts";
import { transaction } from "../../db/transaction.ts";
import { newId } from "../../lib/ids.ts";
import { isSmall } from "../../lib/small-numbers.ts";
import { openLedger } from "../budgets/budgets.service.ts";
import { insertCarePlan } from "../budgets/budgets.test-fixtures.ts";
import {
  approveInvoice,
  recordInvoice,
  recordPaymentOut,
  rejectInvoice,
  runPaymentsIn,
} from "../budgets/payments.service.ts";
import { eraseExpiredBudgets } from "../budgets/retention.service.ts";
import { recoverSurplus } from "../budgets/surplus.service.ts";
import { published } from "../ocds/packages.ts";
import { releaseProblems } from "../ocds/validate.ts";
import { cohortFigures, latestOutcomesChange, managedSumPublishable } from "./open-data.service.ts";
import { insertOutcomePayments, type OutcomePaymentsFixture } from "./open-data.test-fixtures.ts";

let t: TestApp;
let fixture: OutcomePaymentsFixture;
let outcomeContractId: string;
let ids: OutcomePaymentsFixture["ids"];
let contract: OutcomePaymentsFixture["contract"];
let ocid: string;
const CONTRACT = { authority_id: "a", id: "b", contract_id: null, organisation_id: "o", programme: "p" };

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  fixture = await insertOutcomePayments(t.deps.db, t.deps.clock);
  ({ outcomeContractId, ids, contract, ocid } = fixture);
});

afterAll(async () => {
  await t?.close();
});

/**
 * `plans` people's managed accounts each paying the provider `invoices` invoices of £100 (or `pence`)
 * on `day`: rows as the budgets' approval of an invoice writes them (a care plan, its ledger, the
 * transactions, their entries — all of a plan's in one statement — and the invoices). Returns the plans.
 */
async function payFromManagedAccounts(
  authorityId: string,
  organisationId: string,
  plans: number,
  day: string,
  pence = 10_000,
  invoices = 1,
): Promise<string[]> {
  const at = new Date(`${day}T12:00:00Z`);
  const planIds: string[] = [];
  for (let i = 0; i < plans; i++) {
    const planId = await insertCarePlan(t.deps.db, {
      authorityId,
      parts: [{ delivery: "managed-by-authority", amountPence: 50_000n }],
    });
    planIds.push(planId);
    const paid = Array.from({ length: invoices }, (_, n) => ({
      seq: n + 1,
      transactionId: newId(),
      invoiceId: newId(),
    }));
    await transaction(t.deps.db, async (trx) => {
      await sql`insert into budget_ledgers (authority_id, plan_id, cadence, first_period_on, opened_at)
        values (${authorityId}, ${planId}, 'monthly', '2026-04-01', ${at})`.execute(trx);
      await sql`insert into budget_balances (authority_id, plan_id, account, balance_pence) values
        (${authorityId}, ${planId}, 'managed', 0), (${authorityId}, ${planId}, ${`provider:${organisationId}`}, ${pence * invoices})`.execute(
        trx,
      );
      for (const { seq, transactionId, invoiceId } of paid)
        await sql`insert into budget_transactions (authority_id, id, plan_id, seq, kind, idempotency_key, invoice_id,
            description, posted_on, posted_at)
          values (${authorityId}, ${transactionId}, ${planId}, ${seq}, 'invoice-payment', ${`test:${transactionId}`},
            ${invoiceId}, ${`Invoice INV-${seq}`}, ${day}, ${at})`.execute(trx);
      await sql`insert into budget_entries (authority_id, transaction_id, line, plan_id, account, amount_pence) values
        ${sql.join(
          paid.map(
            ({ transactionId }) => sql`(${authorityId}, ${transactionId}, 1, ${planId}, 'managed', ${-pence}),
              (${authorityId}, ${transactionId}, 2, ${planId}, ${`provider:${organisationId}`}, ${pence})`,
          ),
        )}`.execute(trx);
      for (const { seq, transactionId, invoiceId } of paid)
        await sql`insert into budget_invoices (authority_id, id, plan_id, organisation_id, period_starts_on,
            period_ends_on, amount_pence, reference, status, submitted_at, decided_at, transaction_id)
          values (${authorityId}, ${invoiceId}, ${planId}, ${organisationId}, ${day}, ${day}, ${pence}, ${`INV-${seq}`},
            'paid', ${at}, ${at}, ${transactionId})`.execute(trx);
    });
  }
  return planIds;
}

/**
 * The managed accounts' sums counted from scratch — every invoice paid from a managed account (an
 * `invoice-payment` transaction and its invoice), per authority, month and provider — beside the
 * sums kept (`spend_managed_accounts`), for the whole database.
 */
async function managedSums() {
  const fromScratch = await sql<Record<string, unknown>>`
    select authority_id, month, organisation_id, count(*)::int as plans, sum(invoices)::int as invoices,
      sum(pence)::bigint as amount_pence, max(pence)::bigint as largest_plan_pence
    from (
      select t.authority_id, i.organisation_id, date_trunc('month', t.posted_on::timestamp)::date as month, t.plan_id,
        count(*) as invoices, sum(i.amount_pence) as pence
      from budget_transactions t
      join budget_invoices i on i.authority_id = t.authority_id and i.id = t.invoice_id
      where t.kind = 'invoice-payment'
      group by t.authority_id, i.organisation_id, date_trunc('month', t.posted_on::timestamp)::date, t.plan_id
    ) per_plan
    group by authority_id, month, organisation_id
    order by authority_id, month, organisation_id`.execute(t.deps.db);
  const kept = await t.deps.db
    .selectFrom("spend_managed_accounts")
    .selectAll()
    .orderBy("authority_id")
    .orderBy("month")
    .orderBy("organisation_id")
    .execute();
  return { fromScratch: fromScratch.rows, kept };
}

const json = async (url: string) => {
  const response = await t.app.inject({ url });
  expect(response.statusCode, url).toBe(200);
  return response.json() as { rows: Record<string, unknown>[] } & Record<string, unknown>;
};

describe("OCDS implementation transactions", () => {
  it("publish the contract's payments and corrections, not recoveries, in a valid release tagged implementation", async () => {
    const record = await json(`/data/ocds/records/${ocid}`);
    const [r] = record.records as {
      releases: { tag: string[] }[];
      compiledRelease: Record<string, unknown>;
    }[];
    const compiled = r?.compiledRelease as {
      contracts: { id: string; implementation: { transactions?: Record<string, unknown>[] } }[];
      parties: { id: string; roles: string[] }[];
      buyer: { id: string };
    };
    const own = compiled.contracts.find((c) => c.id === contract.id);
    const transactions = own?.implementation.transactions ?? [];
    expect(transactions.map((x) => [x.id, (x.value as { amount: number }).amount])).toEqual([
      [ids.payment, 12345.67],
      [ids.small, 400],
      [ids.correction, -600],
    ]);
    expect(transactions[0]).toMatchObject({
      date: "2026-10-05T00:00:00Z",
      value: { currency: "GBP" },
      payer: { id: compiled.buyer.id },
      paymentPeriod: { startDate: "2026-09-01T00:00:00Z", endDate: "2026-09-30T23:59:59Z" },
    });
    const payee = (transactions[0]?.payee as { id: string } | undefined)?.id;
    expect(compiled.parties.find((p) => p.id === payee)?.roles).toEqual(
      expect.arrayContaining(["supplier", "payee"]),
    );
    expect(compiled.parties.find((p) => p.id === compiled.buyer.id)?.roles).toContain("payer");
    // The payment's own release: tagged implementation, valid OCDS 1.1 as published.
    const latest = await t.deps.db
      .selectFrom("ocds_releases")
      .select(["tags", "release"])
      .where("ocid", "=", ocid)
      .orderBy("seq", "desc")
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(latest.tags).toEqual(["implementation"]);
    expect(releaseProblems(published(latest.release, "https://openps.example.org"))).toEqual([]);
  });
});

describe("the outcomes dataset", () => {
  it("counts referrals and claims that stand per referral month: refused, contract-wide and recovered claims left out, small counts and small differences suppressed", async () => {
    const { rows } = await json("/open-data/outcomes.json");
    const own = rows
      .filter((row) => row.outcome_contract_id === outcomeContractId)
      .map((row) => [
        row.referral_month,
        row.figure,
        row.metric,
        row.participants,
        row.suppressed,
        row.rate_bp,
      ]);
    // August: 22 valid attachments less the two a concluded audit found due nothing (the one an open
    // audit found so is not final); 12 job outcomes, 8 from the 20 attached, so hidden; 14 people paid
    // a proxy on account less the 4 whose only one was recovered. The pooled and reconciliation claims
    // (kept against a participant) are not outcomes. September: 3 and 2, hidden.
    expect(own).toEqual([
      ["2026-08", "referred", null, 30, false, null],
      ["2026-08", "attachment", null, 20, false, 6666],
      ["2026-08", "job-outcome", null, null, true, null],
      ["2026-08", "proxy", "qualification-started", 10, false, 3333],
      ["2026-09", "referred", null, null, true, null],
      ["2026-09", "attachment", null, null, true, null],
    ]);
    expect(rows.find((row) => row.outcome_contract_id === outcomeContractId)).toMatchObject({
      authority_id: contract.authority_id,
      contract_id: contract.id,
      provider_id: contract.organisation_id,
      programme: "open-data-test",
      metric: null,
    });
  });

  it("is dated by the latest sample audit concluded, as by the latest run computed", async () => {
    expect(await latestOutcomesChange(t.deps)).toEqual(fixture.auditConcludedAt);
  });

  it("gives no rate from a hidden count", () => {
    const figures = cohortFigures(CONTRACT, "2027-01", 40, [
      { rule: "job-outcome", metric: "", participants: 9 },
      { rule: "outcome", metric: "qualification-level-2", participants: 10 },
      { rule: "sustainment", metric: "", participants: 34 },
    ]);
    // 9 is hidden; 34 is 6 from the 40 referred (the 6 without one would be told): hidden too.
    expect(figures.map((f) => [f.figure, f.metric, f.participants, f.rateBp])).toEqual([
      ["referred", null, 40, null],
      ["job-outcome", null, null, null],
      ["outcome", "qualification-level-2", 10, 2500],
      ["sustainment", null, null, null],
    ]);
  });

  it("leaves no count of 1 to 9 to be worked out: not a count, the difference of two, nor those referred less those with a claim", () => {
    const month = fc
      .nat(150)
      .chain((referred) =>
        fc.tuple(fc.constant(referred), fc.array(fc.nat(referred), { minLength: 0, maxLength: 6 })),
      );
    fc.assert(
      fc.property(month, ([referred, counts]) => {
        const figures = cohortFigures(
          CONTRACT,
          "2027-01",
          referred,
          counts.map((participants, i) => ({ rule: `rule-${i}`, metric: "", participants })),
        );
        const shown = figures.flatMap((f) => (f.participants === null ? [] : [f.participants]));
        for (const a of shown) {
          expect(isSmall(a)).toBe(false);
          // Any two figures of the month, those referred among them (those referred less those with a claim).
          for (const b of shown) expect(isSmall(Math.abs(a - b))).toBe(false);
        }
        const referredShown = figures[0]?.participants !== null;
        for (const [i, f] of figures.entries()) {
          expect(f.suppressed).toBe(f.participants === null);
          const count = i === 0 ? referred : (counts[i - 1] as number);
          if (f.participants !== null) expect(f.participants).toBe(count);
          // A rate only from two counts shown, rounded down.
          expect(f.rateBp).toBe(
            i === 0 || f.participants === null || !referredShown || referred === 0
              ? null
              : Math.floor((count * 10_000) / referred),
          );
        }
        // Those referred are hidden only when 1 to 9: every rate is of them.
        expect(figures[0]?.suppressed).toBe(isSmall(referred));
      }),
    );
  });
});

describe("the spend over £500", () => {
  it("lists the payments and corrections exceeding £500, in the Transparency Code's shape", async () => {
    const { rows } = await json("/open-data/spend-over-500.json");
    const own = rows.filter((row) => row.outcome_contract_id === outcomeContractId);
    expect(own.map((row) => [row.transaction_number, row.amount_pence, row.expense_type])).toEqual([
      [ids.payment, 1_234_567, "outcome-payment"],
      [ids.correction, -60_000, "outcome-correction"],
    ]);
    const authority = await t.deps.db
      .selectFrom("authorities")
      .select(["name"])
      .where("id", "=", contract.authority_id)
      .executeTakeFirstOrThrow();
    expect(own[0]).toMatchObject({
      body_id: contract.authority_id,
      body_name: authority.name,
      paid_on: "2026-10-05",
      supplier_id: contract.organisation_id,
      expense_area: "payment-by-results/open-data-test",
      contract_id: contract.id,
      period_from: "2026-09-01",
      period_to: "2026-09-30",
    });
    expect(own[0]?.supplier_name).toMatch(/\S/);
    expect(own[0]?.purpose).toBe(
      "Outcome payments for 2026-09-01 to 2026-09-30: WPX-OPEN-1 Employment support, open data test",
    );
  });

  it("gives personal budgets' managed-account invoices only as a provider's month summed over at least 10 budgets, none dominant", async () => {
    const [many, few, dominated] = await t.deps.db
      .selectFrom("organisations")
      .select(["id", "name"])
      .orderBy("id")
      .limit(3)
      .execute();
    if (!many || !few || !dominated) throw new Error("the demo's directory has organisations");
    const a = contract.authority_id;
    // A download before any of these invoices is paid, and one after: the sums are kept as each is
    // paid, never counted from the managed accounts' history for a download.
    await json("/open-data/spend-over-500.json");
    await payFromManagedAccounts(a, many.id, 10, "2026-10-12");
    // Nine people's budgets: a sum that could point at one of them is not published.
    await payFromManagedAccounts(a, few.id, 9, "2026-10-12");
    // Ten budgets, but one paid £1,000.00 of the £1,900.00 (more than half): it would tell that
    // person's care, so it is not published either.
    await payFromManagedAccounts(a, dominated.id, 9, "2026-10-12");
    await payFromManagedAccounts(a, dominated.id, 1, "2026-10-12", 100_000);
    const { rows } = await json("/open-data/spend-over-500.json");
    const managed = rows.filter((row) => row.expense_type === "personal-budgets-managed-accounts");
    expect(managed).toEqual([
      expect.objectContaining({
        body_id: a,
        paid_on: "2026-10-31",
        // The public body in the number: unique across every authority's rows.
        transaction_number: `managed-accounts-${a}-2026-10-${many.id}`,
        amount_pence: 100_000,
        supplier_id: many.id,
        supplier_name: many.name,
        expense_area: "personal-budgets/managed-accounts",
        contract_id: null,
        period_from: "2026-10-01",
        period_to: "2026-10-31",
      }),
    ]);
    // No plan, invoice or person behind it.
    const text = JSON.stringify(rows);
    for (const invoice of await t.deps.db.selectFrom("budget_invoices").select(["id", "plan_id"]).execute()) {
      expect(text).not.toContain(invoice.id);
      expect(text).not.toContain(invoice.plan_id);
    }
    expect(text).not.toContain("Test Person");
  });

  it("keeps the managed accounts' sums in each payment's own transaction, equal to a sum from scratch", async () => {
    const { db, clock } = t.deps;
    const a = contract.authority_id;
    const staff = await createUser(db, { grants: [{ role: "care-staff", scopeId: a }] });
    const ctx = ctxFor(db, clock, await principalOf(db, staff.id));
    // A provider none of whose invoices has been paid from this authority's managed accounts.
    const provider = (
      await db
        .selectFrom("organisations")
        .select("id")
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom("spend_managed_accounts as s")
                .select("s.organisation_id")
                .where("s.authority_id", "=", a)
                .whereRef("s.organisation_id", "=", "organisations.id"),
            ),
          ),
        )
        .orderBy("id", "desc")
        .limit(1)
        .executeTakeFirstOrThrow()
    ).id;
    const keptFor = async (month: string) =>
      (await managedSums()).kept.find(
        (r) => r.authority_id === a && r.organisation_id === provider && r.month === month,
      );
    const demo = await managedSums();
    expect(demo.kept).toEqual(demo.fromScratch);

    // A budget half paid as a direct payment, half managed by the authority, opened and paid in.
    const planId = await insertCarePlan(db, {
      authorityId: a,
      parts: [
        { delivery: "direct-payment", amountPence: 20_000n },
        { delivery: "managed-by-authority", amountPence: 20_000n },
      ],
      startedOn: "2026-11-01",
      surplusLevelPence: 10_000n,
    });
    await openLedger(ctx, a, { planId, cadence: "monthly", firstPeriodOn: "2026-11-01" });
    await runPaymentsIn(db, clock, a, planId);
    const invoice = async (reference: string, amount: string) =>
      (
        await recordInvoice(ctx, a, planId, `record-${reference}`, {
          organisationId: provider,
          periodStartsOn: "2026-11-01",
          periodEndsOn: "2026-11-21",
          amount,
          reference,
        })
      ).result.invoice?.id as string;
    // Paid: in the sum at once, in the payment's own transaction.
    const first = await invoice("OD-0001", "£120.00");
    await approveInvoice(ctx, a, planId, first, "approve-OD-0001");
    expect(await keptFor("2026-11-01")).toMatchObject({ plans: 1, invoices: 1, amount_pence: 12_000n });
    // The same approval sent again (a retry) pays once; a second invoice of the same budget is its
    // second invoice, not a second person.
    expect((await approveInvoice(ctx, a, planId, first, "approve-OD-0001")).replayed).toBe(true);
    await approveInvoice(ctx, a, planId, await invoice("OD-0002", "£80.00"), "approve-OD-0002");
    // An invoice rejected pays nothing; the direct payment's spending (to the same provider) and a
    // surplus taken back from it are the person's own money, never in the sums.
    await rejectInvoice(ctx, a, planId, await invoice("OD-0003", "£50.00"), "reject-OD-0003", {
      reason: "The visits were not made",
    });
    await recordPaymentOut(ctx, a, planId, "out-OD-0001", {
      amount: "£40.00",
      organisationId: provider,
      description: "Day centre",
    });
    await recoverSurplus(ctx, a, planId, "recover-OD-0001", {});
    expect(await keptFor("2026-11-01")).toMatchObject({
      plans: 1,
      invoices: 2,
      amount_pence: 20_000n,
      largest_plan_pence: 20_000n,
    });
    // Ten more budgets, each paying two invoices written in one statement: ten people, twenty invoices.
    await payFromManagedAccounts(a, provider, 10, "2026-11-05", 10_000, 2);
    expect(await keptFor("2026-11-01")).toMatchObject({
      plans: 11,
      invoices: 22,
      amount_pence: 220_000n,
      largest_plan_pence: 20_000n,
    });
    const sums = await managedSums();
    expect(sums.kept).toEqual(sums.fromScratch);
    const { rows } = await json("/open-data/spend-over-500.json");
    expect(
      rows.find((row) => row.transaction_number === `managed-accounts-${a}-2026-11-${provider}`),
    ).toMatchObject({
      amount_pence: 220_000,
      paid_on: "2026-11-30",
      purpose:
        "Care and support invoices paid from managed accounts in 2026-11: 22 invoices, 11 people's budgets (summed so that no person can be identified)",
    });

    // Seven years after a plan ended its records are erased; the sum of a month that closed long ago
    // stays as it was published (a sum of ten people's budgets, none dominant, names no one).
    const old = await payFromManagedAccounts(a, provider, 10, "2019-03-05");
    await db
      .updateTable("budget_ledgers")
      .set({ plan_ended_on: "2019-06-30" })
      .where("authority_id", "=", a)
      .where("plan_id", "=", old[0] as string)
      .execute();
    const before = await keptFor("2019-03-01");
    const [erased] = await eraseExpiredBudgets(db, clock, a);
    expect(erased?.planIds).toEqual([old[0]]);
    expect(await keptFor("2019-03-01")).toEqual(before);
    expect(before).toMatchObject({ plans: 10, amount_pence: 100_000n });
  });

  it("publishes a managed-account sum where one budget paid at most half of it, not more", () => {
    const sum = { plans: 10, amountPence: 200_000n };
    expect(managedSumPublishable({ ...sum, largestPlanPence: 100_000n })).toBe(true);
    expect(managedSumPublishable({ ...sum, largestPlanPence: 100_001n })).toBe(false);
    expect(managedSumPublishable({ ...sum, plans: 9, largestPlanPence: 20_000n })).toBe(false);
  });

  it("publishes no participant's reference, in any of the three", async () => {
    const record = await t.app.inject({ url: `/data/ocds/records/${ocid}` });
    const texts = [
      record.body,
      (await t.app.inject({ url: "/open-data/outcomes.csv" })).body,
      (await t.app.inject({ url: "/open-data/spend-over-500.csv" })).body,
    ];
    const participantIds = await t.deps.db
      .selectFrom("outcome_participants")
      .select("id")
      .where("contract_id", "=", outcomeContractId)
      .execute();
    for (const text of texts) {
      expect(text).not.toMatch(/WPX-\d{5}/);
      for (const p of participantIds) expect(text).not.toContain(p.id);
    }
    // Its CSV has the columns its page documents.
    expect(texts[2]?.split("\n")[0]).toBe(
      "body_id,body_name,body_org_id,paid_on,transaction_number,amount_pence,supplier_id,supplier_name,supplier_org_id,expense_area,expense_type,purpose,contract_id,outcome_contract_id,period_from,period_to",
    );
  });
});
