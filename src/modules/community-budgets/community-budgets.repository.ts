/**
 * SQL of community budgets: the pools (`community_budget_pools`), their partners
 * (`community_budget_partners`), the journals of contributions and spends (`community_budget_journals`)
 * and the ledger's lines (`community_budget_lines`).
 */
import { sql } from "kysely";
import type { Db } from "../../db/database.ts";
import type {
  CommunityBudgetJournalsTable,
  CommunityBudgetLinesTable,
  CommunityBudgetPartnersTable,
  CommunityBudgetPoolsTable,
  Journal,
  LedgerLine,
  Partner,
  Pool,
} from "./community-budgets.table.ts";
import type { Line } from "./ledger.ts";

export function insertPool(db: Db, row: CommunityBudgetPoolsTable): Promise<Pool> {
  return db.insertInto("community_budget_pools").values(row).returningAll().executeTakeFirstOrThrow();
}

/** A pool by its id (`lock`: for update, so that entries to one pool are made one at a time). */
export function poolById(db: Db, id: string, opts: { lock?: boolean } = {}): Promise<Pool | undefined> {
  const query = db.selectFrom("community_budget_pools").selectAll().where("id", "=", id);
  return (opts.lock ? query.forUpdate() : query).executeTakeFirst();
}

export async function touchPool(db: Db, authorityId: string, id: string, at: Date): Promise<void> {
  await db
    .updateTable("community_budget_pools")
    .set({ updated_at: at })
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .execute();
}

/** The pools, newest first (at most `limit`). */
export function listPools(db: Db, limit: number): Promise<Pool[]> {
  return db
    .selectFrom("community_budget_pools")
    .selectAll()
    .orderBy("created_at", "desc")
    .orderBy("id")
    .limit(limit)
    .execute();
}

export async function insertPartner(db: Db, row: CommunityBudgetPartnersTable): Promise<void> {
  await db.insertInto("community_budget_partners").values(row).execute();
}

/** A pool's partners, in the order they joined. */
export function partnersOf(db: Db, authorityId: string, poolId: string): Promise<Partner[]> {
  return db
    .selectFrom("community_budget_partners")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("pool_id", "=", poolId)
    .orderBy("position")
    .execute();
}

/** A journal and its ledger lines, numbered in the order given. */
export async function insertJournal(
  db: Db,
  row: CommunityBudgetJournalsTable,
  lines: readonly Line[],
): Promise<void> {
  await db.insertInto("community_budget_journals").values(row).execute();
  if (lines.length > 0)
    await db
      .insertInto("community_budget_lines")
      .values(
        lines.map(
          (l, i): CommunityBudgetLinesTable => ({
            authority_id: row.authority_id,
            journal_id: row.id,
            line_no: i,
            pool_id: row.pool_id,
            account: l.account,
            partner_authority_id: l.partnerId,
            amount_pence: l.amount,
          }),
        ),
      )
      .execute();
}

/** A pool's journals in the ledger's order: by day, then as recorded. */
export function journalsOf(db: Db, authorityId: string, poolId: string): Promise<Journal[]> {
  return db
    .selectFrom("community_budget_journals")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("pool_id", "=", poolId)
    .orderBy("on_date")
    .orderBy("recorded_at")
    .orderBy("id")
    .execute();
}

/** A pool's ledger lines. */
export function linesOf(db: Db, authorityId: string, poolId: string): Promise<LedgerLine[]> {
  return db
    .selectFrom("community_budget_lines")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("pool_id", "=", poolId)
    .orderBy("journal_id")
    .orderBy("line_no")
    .execute();
}

/**
 * Takes, for the transaction, the lock of spends naming a grant: two spends of one grant (from any
 * pool) go one after the other, so the second sees what the first paid.
 */
export async function lockGrantSpends(db: Db, grantId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`community-budget-grant:${grantId}`}, 0))`.execute(
    db,
  );
}

/** What the spends of every pool naming the grant have paid of it. */
export async function paidOfGrant(db: Db, grantId: string): Promise<bigint> {
  const row = await db
    .selectFrom("community_budget_journals")
    // A reversal of a spend takes back what it paid.
    .select(
      sql<
        string | null
      >`sum(case when reverses_journal_id is null then amount_pence else -amount_pence end)`.as("paid"),
    )
    .where("grant_id", "=", grantId)
    .where("kind", "=", "spend")
    .executeTakeFirst();
  return BigInt(row?.paid ?? 0);
}

/**
 * What each partner's share paid of each grant asked, per pool: the `spent` lines of the spends
 * naming the grants, summed by grant, pool and partner (one query for all), in the pools' and the
 * partners' order.
 */
export async function grantShares(
  db: Db,
  grantIds: readonly string[],
): Promise<
  { grant_id: string; pool_id: string; pool_name: string; partner_authority_id: string; pence: bigint }[]
> {
  if (grantIds.length === 0) return [];
  const rows = await db
    .selectFrom("community_budget_lines as l")
    .innerJoin("community_budget_journals as j", (join) =>
      join.onRef("j.authority_id", "=", "l.authority_id").onRef("j.id", "=", "l.journal_id"),
    )
    .innerJoin("community_budget_pools as p", (join) =>
      join.onRef("p.authority_id", "=", "j.authority_id").onRef("p.id", "=", "j.pool_id"),
    )
    .innerJoin("community_budget_partners as x", (join) =>
      join
        .onRef("x.authority_id", "=", "l.authority_id")
        .onRef("x.pool_id", "=", "l.pool_id")
        .onRef("x.partner_authority_id", "=", "l.partner_authority_id"),
    )
    .select((eb) => [
      "j.grant_id",
      "j.pool_id",
      "p.name as pool_name",
      "l.partner_authority_id",
      eb.fn.sum<string>("l.amount_pence").as("pence"),
    ])
    .where("j.grant_id", "in", [...grantIds])
    .where("j.kind", "=", "spend")
    .where("l.account", "=", "spent")
    .groupBy(["j.grant_id", "j.pool_id", "p.name", "p.created_at", "l.partner_authority_id", "x.position"])
    .orderBy("j.grant_id")
    .orderBy("p.created_at")
    .orderBy("j.pool_id")
    .orderBy("x.position")
    .execute();
  return rows.map((r) => ({
    grant_id: r.grant_id as string,
    pool_id: r.pool_id,
    pool_name: r.pool_name,
    partner_authority_id: r.partner_authority_id as string,
    pence: BigInt(r.pence),
  }));
}

/** Journals of every pool after a key (their ids, in order), with their pool's name and area: the open data. */
export function journalsAfter(
  db: Db,
  afterId: string | undefined,
  limit: number,
): Promise<(Journal & { pool_name: string; area_code: string })[]> {
  let query = db
    .selectFrom("community_budget_journals as j")
    .innerJoin("community_budget_pools as p", (join) =>
      join.onRef("p.authority_id", "=", "j.authority_id").onRef("p.id", "=", "j.pool_id"),
    )
    .selectAll("j")
    .select(["p.name as pool_name", "p.area_code"])
    .orderBy("j.id")
    .limit(limit);
  if (afterId) query = query.where("j.id", ">", afterId);
  return query.execute();
}

/** The `spent` lines of these journals (each partner's part of a spend), in the partners' order. */
export function spentLinesOf(db: Db, journalIds: readonly string[]): Promise<LedgerLine[]> {
  if (journalIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("community_budget_lines")
    .selectAll()
    .where("journal_id", "in", [...journalIds])
    .where("account", "=", "spent")
    .orderBy("journal_id")
    .orderBy("line_no")
    .execute();
}

/** When the latest entry was recorded (null while there is none): the end of an index. */
export async function latestJournal(db: Db): Promise<Date | null> {
  const row = await db
    .selectFrom("community_budget_journals")
    .select("recorded_at")
    .orderBy("recorded_at", "desc")
    .limit(1)
    .executeTakeFirst();
  return row?.recorded_at ?? null;
}
