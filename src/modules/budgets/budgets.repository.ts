/** Budgets' SQL: the only place that reads and writes the budget tables. Takes the database or a transaction first. */
import { sql } from "kysely";
import type { Db } from "../../db/database.ts";
import type {
  BudgetBalance,
  BudgetEntry,
  BudgetInvoice,
  BudgetLedger,
  BudgetLedgersTable,
  BudgetSurplus,
  BudgetTransaction,
  NewBudgetTransaction,
} from "./budgets.table.ts";

// Ledgers

export function findLedger(db: Db, authorityId: string, planId: string): Promise<BudgetLedger | undefined> {
  return db
    .selectFrom("budget_ledgers")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("plan_id", "=", planId)
    .executeTakeFirst();
}

/** The ledger, locked for this transaction (`for update`): postings to one budget one at a time. */
export function lockLedger(db: Db, authorityId: string, planId: string): Promise<BudgetLedger | undefined> {
  return db
    .selectFrom("budget_ledgers")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("plan_id", "=", planId)
    .forUpdate()
    .executeTakeFirst();
}

export async function insertLedger(db: Db, ledger: BudgetLedgersTable): Promise<boolean> {
  const inserted = await db
    .insertInto("budget_ledgers")
    .values(ledger)
    .onConflict((oc) => oc.columns(["authority_id", "plan_id"]).doNothing())
    .returning("plan_id")
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function updateLedger(
  db: Db,
  authorityId: string,
  planId: string,
  set: Partial<
    Pick<
      BudgetLedger,
      "next_period" | "last_seq" | "plan_ended_on" | "cadence" | "first_period_on" | "period_base"
    >
  >,
): Promise<void> {
  await db
    .updateTable("budget_ledgers")
    .set(set)
    .where("authority_id", "=", authorityId)
    .where("plan_id", "=", planId)
    .execute();
}

/** An authority's ledgers in plan order, a page at a time by key. */
export function ledgersPage(
  db: Db,
  authorityId: string,
  after: string | undefined,
  limit: number,
): Promise<BudgetLedger[]> {
  let q = db.selectFrom("budget_ledgers").selectAll().where("authority_id", "=", authorityId);
  if (after) q = q.where("plan_id", ">", after);
  return q.orderBy("plan_id").limit(limit).execute();
}

// Balances

export async function ensureBalances(
  db: Db,
  authorityId: string,
  planId: string,
  accounts: readonly string[],
): Promise<void> {
  if (accounts.length === 0) return;
  await db
    .insertInto("budget_balances")
    .values(
      accounts.map((account) => ({ authority_id: authorityId, plan_id: planId, account, balance_pence: 0n })),
    )
    .onConflict((oc) => oc.columns(["authority_id", "plan_id", "account"]).doNothing())
    .execute();
}

/** The balances of these accounts, locked for this transaction (`for update`), in account order. */
export function lockBalances(
  db: Db,
  authorityId: string,
  planId: string,
  accounts: readonly string[],
): Promise<BudgetBalance[]> {
  return db
    .selectFrom("budget_balances")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("plan_id", "=", planId)
    .where("account", "in", [...accounts])
    .orderBy("account")
    .forUpdate()
    .execute();
}

export async function setBalance(
  db: Db,
  authorityId: string,
  planId: string,
  account: string,
  balance: bigint,
): Promise<void> {
  await db
    .updateTable("budget_balances")
    .set({ balance_pence: balance })
    .where("authority_id", "=", authorityId)
    .where("plan_id", "=", planId)
    .where("account", "=", account)
    .execute();
}

export function balances(db: Db, authorityId: string, planId: string): Promise<BudgetBalance[]> {
  return db
    .selectFrom("budget_balances")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("plan_id", "=", planId)
    .orderBy("account")
    .execute();
}

// Transactions and entries

export async function insertTransaction(
  db: Db,
  txn: NewBudgetTransaction,
  entries: readonly { account: string; amount: bigint }[],
): Promise<BudgetTransaction> {
  const inserted = await db
    .insertInto("budget_transactions")
    .values(txn)
    .returningAll()
    .executeTakeFirstOrThrow();
  await db
    .insertInto("budget_entries")
    .values(
      entries.map((e, i) => ({
        authority_id: txn.authority_id,
        transaction_id: txn.id,
        line: i + 1,
        plan_id: txn.plan_id,
        account: e.account,
        amount_pence: e.amount,
      })),
    )
    .execute();
  return inserted;
}

export function transactionByKey(
  db: Db,
  authorityId: string,
  key: string,
): Promise<BudgetTransaction | undefined> {
  return db
    .selectFrom("budget_transactions")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("idempotency_key", "=", key)
    .executeTakeFirst();
}

/** A page of a ledger's transactions by number: newest first after `before`, or oldest first after `after`. */
export function transactionsPage(
  db: Db,
  authorityId: string,
  planId: string,
  page: { afterSeq?: number; beforeSeq?: number; limit: number },
): Promise<BudgetTransaction[]> {
  let q = db
    .selectFrom("budget_transactions")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("plan_id", "=", planId);
  if (page.beforeSeq !== undefined) q = q.where("seq", "<", page.beforeSeq);
  if (page.afterSeq !== undefined) q = q.where("seq", ">", page.afterSeq);
  return q
    .orderBy("seq", page.afterSeq !== undefined ? "asc" : "desc")
    .limit(page.limit)
    .execute();
}

export function entriesOf(
  db: Db,
  authorityId: string,
  transactionIds: readonly string[],
): Promise<BudgetEntry[]> {
  if (transactionIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("budget_entries")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("transaction_id", "in", [...transactionIds])
    .orderBy("transaction_id")
    .orderBy("line")
    .execute();
}

/** What the held accounts held at the start of `day`: the sum of their entries posted before it. */
export async function heldBefore(db: Db, authorityId: string, planId: string, day: string): Promise<bigint> {
  const row = await db
    .selectFrom("budget_entries as e")
    .innerJoin("budget_transactions as t", (j) =>
      j.onRef("t.authority_id", "=", "e.authority_id").onRef("t.id", "=", "e.transaction_id"),
    )
    .select(sql<string>`coalesce(sum(e.amount_pence), 0)`.as("total"))
    .where("e.authority_id", "=", authorityId)
    .where("e.plan_id", "=", planId)
    .where("e.account", "in", ["direct-payment", "managed"])
    .where("t.posted_on", "<", day)
    .executeTakeFirstOrThrow();
  return BigInt(row.total);
}

/** What the held accounts held just after transaction `seq`: the sum of their entries up to it. */
export async function heldThrough(db: Db, authorityId: string, planId: string, seq: number): Promise<bigint> {
  const row = await db
    .selectFrom("budget_entries as e")
    .innerJoin("budget_transactions as t", (j) =>
      j.onRef("t.authority_id", "=", "e.authority_id").onRef("t.id", "=", "e.transaction_id"),
    )
    .select(sql<string>`coalesce(sum(e.amount_pence), 0)`.as("total"))
    .where("e.authority_id", "=", authorityId)
    .where("e.plan_id", "=", planId)
    .where("e.account", "in", ["direct-payment", "managed"])
    .where("t.seq", "<=", seq)
    .executeTakeFirstOrThrow();
  return BigInt(row.total);
}

/** What the budget's invoices waiting to be paid ask, together (by `budget_invoices_by_plan`). */
export async function waitingInvoicesPence(db: Db, authorityId: string, planId: string): Promise<bigint> {
  const row = await db
    .selectFrom("budget_invoices")
    .select(sql<string>`coalesce(sum(amount_pence), 0)`.as("total"))
    .where("authority_id", "=", authorityId)
    .where("plan_id", "=", planId)
    .where("status", "=", "submitted")
    .executeTakeFirstOrThrow();
  return BigInt(row.total);
}

/** A period's transactions in order, with what each changed the held accounts by. */
export function statementRows(
  db: Db,
  authorityId: string,
  planId: string,
  from: string,
  to: string,
): Promise<(BudgetTransaction & { held_change: string })[]> {
  return db
    .selectFrom("budget_transactions as t")
    .selectAll("t")
    .select((eb) =>
      eb
        .selectFrom("budget_entries as e")
        .select(sql<string>`coalesce(sum(e.amount_pence), 0)`.as("s"))
        .whereRef("e.authority_id", "=", "t.authority_id")
        .whereRef("e.transaction_id", "=", "t.id")
        .where("e.account", "in", ["direct-payment", "managed"])
        .as("held_change"),
    )
    .where("t.authority_id", "=", authorityId)
    .where("t.plan_id", "=", planId)
    .where("t.posted_on", ">=", from)
    .where("t.posted_on", "<=", to)
    .orderBy("t.posted_on")
    .orderBy("t.seq")
    .execute() as Promise<(BudgetTransaction & { held_change: string })[]>;
}

// Invoices

export async function insertInvoice(db: Db, invoice: BudgetInvoice): Promise<void> {
  await db.insertInto("budget_invoices").values(invoice).execute();
}

export function findInvoice(
  db: Db,
  authorityId: string,
  planId: string,
  invoiceId: string,
  lock = false,
): Promise<BudgetInvoice | undefined> {
  const q = db
    .selectFrom("budget_invoices")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("plan_id", "=", planId)
    .where("id", "=", invoiceId);
  return (lock ? q.forUpdate() : q).executeTakeFirst();
}

export function invoiceByReference(
  db: Db,
  authorityId: string,
  planId: string,
  organisationId: string,
  reference: string,
): Promise<BudgetInvoice | undefined> {
  return db
    .selectFrom("budget_invoices")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("plan_id", "=", planId)
    .where("organisation_id", "=", organisationId)
    .where("reference", "=", reference)
    .executeTakeFirst();
}

export async function decideInvoice(
  db: Db,
  authorityId: string,
  invoiceId: string,
  set: Pick<BudgetInvoice, "status" | "decided_by" | "decided_at" | "rejection_reason" | "transaction_id">,
): Promise<void> {
  await db
    .updateTable("budget_invoices")
    .set(set)
    .where("authority_id", "=", authorityId)
    .where("id", "=", invoiceId)
    .execute();
}

/**
 * A budget's latest invoices (of a status, when given), newest first (at most `limit`): those
 * submitted before `after` (its submitted_at and id) when given, by `budget_invoices_by_plan`.
 */
export function latestInvoices(
  db: Db,
  authorityId: string,
  planId: string,
  limit: number,
  status?: BudgetInvoice["status"],
  after?: { at: Date; id: string },
): Promise<BudgetInvoice[]> {
  let q = db
    .selectFrom("budget_invoices")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("plan_id", "=", planId);
  if (status) q = q.where("status", "=", status);
  if (after)
    q = q.where(({ eb, refTuple, tuple }) =>
      eb(refTuple("submitted_at", "id"), "<", tuple(after.at, after.id)),
    );
  return q.orderBy("submitted_at", "desc").orderBy("id", "desc").limit(limit).execute();
}

/**
 * A provider's invoices across every budget, newest first, a page by key: those submitted before
 * `after` (its submitted_at and id), by the index `budget_invoices_by_organisation`.
 */
export function invoicesOfOrganisation(
  db: Db,
  organisationId: string,
  after: { at: Date; id: string } | undefined,
  limit: number,
): Promise<BudgetInvoice[]> {
  let q = db.selectFrom("budget_invoices").selectAll().where("organisation_id", "=", organisationId);
  if (after)
    q = q.where(({ eb, refTuple, tuple }) =>
      eb(refTuple("submitted_at", "id"), "<", tuple(after.at, after.id)),
    );
  return q.orderBy("submitted_at", "desc").orderBy("id", "desc").limit(limit).execute();
}

// Surplus

export function openSurplus(
  db: Db,
  authorityId: string,
  planId: string,
  lock = false,
): Promise<BudgetSurplus | undefined> {
  const q = db
    .selectFrom("budget_surpluses")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("plan_id", "=", planId)
    .where("status", "=", "open");
  return (lock ? q.forUpdate() : q).executeTakeFirst();
}

export async function insertSurplus(db: Db, surplus: BudgetSurplus): Promise<void> {
  await db.insertInto("budget_surpluses").values(surplus).execute();
}

export async function resolveSurplus(
  db: Db,
  authorityId: string,
  id: string,
  set: Pick<BudgetSurplus, "status" | "resolved_at" | "resolved_by" | "waiver_reason" | "transaction_id">,
): Promise<void> {
  await db
    .updateTable("budget_surpluses")
    .set(set)
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .execute();
}

// Idempotency keys

export function findRequest(db: Db, authorityId: string, key: string) {
  return db
    .selectFrom("budget_requests")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("key", "=", key)
    .executeTakeFirst();
}

/** Claims a key: true when this transaction holds it now, false when another request already has it. */
export async function claimRequest(
  db: Db,
  row: {
    authority_id: string;
    key: string;
    plan_id: string;
    action: string;
    request_hash: string;
    user_id: string | null;
    created_at: Date;
  },
): Promise<boolean> {
  const inserted = await db
    .insertInto("budget_requests")
    .values({ ...row, result: JSON.stringify(null) })
    .onConflict((oc) => oc.columns(["authority_id", "key"]).doNothing())
    .returning("key")
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function settleRequest(
  db: Db,
  authorityId: string,
  key: string,
  result: unknown,
): Promise<void> {
  await db
    .updateTable("budget_requests")
    .set({ result: JSON.stringify(result) })
    .where("authority_id", "=", authorityId)
    .where("key", "=", key)
    .execute();
}

// Retention

/** Ledgers whose plan ended before `cutoff` (the oldest first), across authorities or for one. */
export function ledgersEndedBefore(
  db: Db,
  cutoff: string,
  authorityId: string | undefined,
  limit: number,
): Promise<Pick<BudgetLedger, "authority_id" | "plan_id" | "plan_ended_on">[]> {
  let q = db
    .selectFrom("budget_ledgers")
    .select(["authority_id", "plan_id", "plan_ended_on"])
    .where("plan_ended_on", "is not", null)
    .where("plan_ended_on", "<", cutoff);
  if (authorityId) q = q.where("authority_id", "=", authorityId);
  return q.orderBy("plan_ended_on").orderBy("authority_id").orderBy("plan_id").limit(limit).execute();
}

/** The tables a ledger's records are in, in the order they are erased. */
export const ERASED_TABLES = [
  "budget_entries",
  "budget_requests",
  "budget_invoices",
  "budget_surpluses",
  "budget_transactions",
  "budget_balances",
  "budget_ledgers",
] as const;
export type ErasedTable = (typeof ERASED_TABLES)[number];

/** Deletes every record of a ledger (the retention job; after `allowErasing`), counting each table's rows. */
export async function eraseLedger(
  db: Db,
  authorityId: string,
  planId: string,
): Promise<Record<ErasedTable, number>> {
  const counts = {} as Record<ErasedTable, number>;
  for (const table of ERASED_TABLES) {
    const result = await db
      .deleteFrom(table)
      .where("authority_id", "=", authorityId)
      .where("plan_id", "=", planId)
      .executeTakeFirst();
    counts[table] = Number(result.numDeletedRows);
  }
  return counts;
}

/** Lets this transaction delete posted transactions and entries (the triggers otherwise refuse). */
export async function allowErasing(db: Db): Promise<void> {
  await sql`select set_config('openps.budget_retention', 'erasing', true)`.execute(db);
}

export async function insertErasure(
  db: Db,
  row: {
    authority_id: string;
    id: string;
    erased_at: Date;
    kept_until: string;
    plan_ids: string[];
    counts: unknown;
  },
): Promise<void> {
  await db
    .insertInto("budget_erasures")
    .values({ ...row, counts: JSON.stringify(row.counts) })
    .execute();
}

export function erasures(db: Db, authorityId: string, limit: number) {
  return db
    .selectFrom("budget_erasures")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .orderBy("erased_at", "desc")
    .limit(limit)
    .execute();
}

// The open figures' read (the market module's personal-budget figures): what each plan's budget has
// paid out — to each provider in the directory, and by direct payment to others — a page at a time by
// the balances' key. No person's data: plans and providers by id.

export interface PaidOutRow {
  plan_id: string;
  account: string;
  balance_pence: bigint;
}

export function paidOutAfter(
  db: Db,
  authorityId: string,
  after: { planId: string; account: string } | undefined,
  limit: number,
): Promise<PaidOutRow[]> {
  let q = db
    .selectFrom("budget_balances")
    .select(["plan_id", "account", "balance_pence"])
    .where("authority_id", "=", authorityId)
    .where((eb) => eb.or([eb("account", "like", "provider:%"), eb("account", "=", "direct-spend")]))
    .where("balance_pence", ">", 0n);
  if (after)
    q = q.where((eb) =>
      eb.or([
        eb("plan_id", ">", after.planId),
        eb.and([eb("plan_id", "=", after.planId), eb("account", ">", after.account)]),
      ]),
    );
  return q.orderBy("plan_id").orderBy("account").limit(limit).execute();
}

/** The plans among `planIds` that have paid the provider (its account's balance above zero). */
/** The providers the plans have paid (a positive balance on a provider's account), at most `limit`. */
export async function providersPaid(
  db: Db,
  authorityId: string,
  planIds: readonly string[],
  limit: number,
): Promise<string[]> {
  if (planIds.length === 0) return [];
  const rows = await db
    .selectFrom("budget_balances")
    .select("account")
    .distinct()
    .where("authority_id", "=", authorityId)
    .where("plan_id", "in", [...planIds])
    .where("account", "like", "provider:%")
    .where("balance_pence", ">", 0n)
    .orderBy("account")
    .limit(limit)
    .execute();
  return rows.map((r) => r.account.slice("provider:".length));
}

export async function plansThatPaid(
  db: Db,
  authorityId: string,
  planIds: readonly string[],
  organisationId: string,
): Promise<string[]> {
  if (planIds.length === 0) return [];
  const rows = await db
    .selectFrom("budget_balances")
    .select("plan_id")
    .where("authority_id", "=", authorityId)
    .where("plan_id", "in", [...planIds])
    .where("account", "=", `provider:${organisationId}`)
    .where("balance_pence", ">", 0n)
    .execute();
  return rows.map((r) => r.plan_id);
}

/** When an invoice was last paid from a managed account (an index's end), or null. */
export async function latestManagedPayment(db: Db): Promise<Date | null> {
  const row = await db
    .selectFrom("budget_transactions")
    .select("posted_at")
    .where("kind", "=", "invoice-payment")
    .orderBy("posted_at", "desc")
    .limit(1)
    .executeTakeFirst();
  return row?.posted_at ?? null;
}
