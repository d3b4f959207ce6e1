/**
 * Payment by results' open data on the seeded demo data, with an outcome contract written directly
 * (its rows as the runs and intake would write them): its payments as OCDS implementation
 * transactions of the contract's process (valid OCDS 1.1; recoveries not money that moved), the
 * outcomes dataset (counts per referral month, refused claims not counted, 1 to 9 suppressed), the
 * spend over £500 (payments and corrections above £500 only; personal budgets' managed accounts only
 * as sums of at least 10 people's budgets) and nothing personal anywhere.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { transaction } from "../../db/transaction.ts";
import { newId } from "../../lib/ids.ts";
import { insertCarePlan } from "../budgets/budgets.test-fixtures.ts";
import { published } from "../ocds/packages.ts";
import { releaseProblems } from "../ocds/validate.ts";
import { cohortFigures } from "./open-data.service.ts";
import { insertOutcomePayments, type OutcomePaymentsFixture } from "./open-data.test-fixtures.ts";

let t: TestApp;
let fixture: OutcomePaymentsFixture;
let outcomeContractId: string;
let ids: OutcomePaymentsFixture["ids"];
let contract: OutcomePaymentsFixture["contract"];
let ocid: string;

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  fixture = await insertOutcomePayments(t.deps.db, t.deps.clock);
  ({ outcomeContractId, ids, contract, ocid } = fixture);
});

afterAll(async () => {
  await t?.close();
});

/**
 * `plans` people's managed accounts each paying the provider one invoice of £100 on `day`: rows as the
 * budgets' approval of an invoice writes them (a care plan, its ledger, the transaction, its entries).
 */
async function payFromManagedAccounts(
  authorityId: string,
  organisationId: string,
  plans: number,
  day: string,
) {
  const at = new Date(`${day}T12:00:00Z`);
  for (let i = 0; i < plans; i++) {
    const planId = await insertCarePlan(t.deps.db, {
      authorityId,
      parts: [{ delivery: "managed-by-authority", amountPence: 50_000n }],
    });
    const transactionId = newId();
    const invoiceId = newId();
    await transaction(t.deps.db, async (trx) => {
      await sql`insert into budget_ledgers (authority_id, plan_id, cadence, first_period_on, opened_at)
        values (${authorityId}, ${planId}, 'monthly', '2026-04-01', ${at})`.execute(trx);
      await sql`insert into budget_balances (authority_id, plan_id, account, balance_pence) values
        (${authorityId}, ${planId}, 'managed', 0), (${authorityId}, ${planId}, ${`provider:${organisationId}`}, 10000)`.execute(
        trx,
      );
      await sql`insert into budget_transactions (authority_id, id, plan_id, seq, kind, idempotency_key, invoice_id,
          description, posted_on, posted_at)
        values (${authorityId}, ${transactionId}, ${planId}, 1, 'invoice-payment', ${`test:${transactionId}`},
          ${invoiceId}, 'Invoice INV-1', ${day}, ${at})`.execute(trx);
      await sql`insert into budget_entries (authority_id, transaction_id, line, plan_id, account, amount_pence) values
        (${authorityId}, ${transactionId}, 1, ${planId}, 'managed', -10000),
        (${authorityId}, ${transactionId}, 2, ${planId}, ${`provider:${organisationId}`}, 10000)`.execute(
        trx,
      );
      await sql`insert into budget_invoices (authority_id, id, plan_id, organisation_id, period_starts_on,
          period_ends_on, amount_pence, reference, status, submitted_at, decided_at, transaction_id)
        values (${authorityId}, ${invoiceId}, ${planId}, ${organisationId}, ${day}, ${day}, 10000, 'INV-1', 'paid',
          ${at}, ${at}, ${transactionId})`.execute(trx);
    });
  }
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
  it("counts referrals and valid claims per referral month, refused claims left out, 1 to 9 suppressed", async () => {
    const { rows } = await json("/open-data/outcomes.json");
    const own = rows
      .filter((row) => row.outcome_contract_id === outcomeContractId)
      .map((row) => [row.referral_month, row.figure, row.participants, row.suppressed, row.rate_bp]);
    expect(own).toEqual([
      ["2026-08", "referred", 12, false, null],
      ["2026-08", "attachment", 11, false, 9166],
      ["2026-09", "referred", null, true, null],
      ["2026-09", "attachment", null, true, null],
    ]);
    expect(rows.find((row) => row.outcome_contract_id === outcomeContractId)).toMatchObject({
      authority_id: contract.authority_id,
      contract_id: contract.id,
      provider_id: contract.organisation_id,
      programme: "open-data-test",
      metric: null,
    });
  });

  it("gives no rate from a hidden count", () => {
    const c = { authority_id: "a", id: "b", contract_id: null, organisation_id: "o", programme: "p" };
    const figures = cohortFigures(c, "2027-01", 40, [
      { rule: "job-outcome", metric: "", participants: 9 },
      { rule: "outcome", metric: "qualification-level-2", participants: 10 },
    ]);
    expect(figures.map((f) => [f.figure, f.metric, f.participants, f.rateBp])).toEqual([
      ["referred", null, 40, null],
      ["job-outcome", null, null, null],
      ["outcome", "qualification-level-2", 10, 2500],
    ]);
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

  it("gives personal budgets' managed-account invoices only as a provider's month summed over at least 10 budgets", async () => {
    const [many, few] = await t.deps.db
      .selectFrom("organisations")
      .select(["id", "name"])
      .orderBy("id")
      .limit(2)
      .execute();
    if (!many || !few) throw new Error("the demo's directory has organisations");
    const a = contract.authority_id;
    await payFromManagedAccounts(a, many.id, 10, "2026-10-12");
    // Nine people's budgets: a sum that could point at one of them is not published.
    await payFromManagedAccounts(a, few.id, 9, "2026-10-12");
    const { rows } = await json("/open-data/spend-over-500.json");
    const managed = rows.filter((row) => row.expense_type === "personal-budgets-managed-accounts");
    expect(managed).toEqual([
      expect.objectContaining({
        body_id: a,
        paid_on: "2026-10-31",
        transaction_number: `managed-accounts-2026-10-${many.id}`,
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
