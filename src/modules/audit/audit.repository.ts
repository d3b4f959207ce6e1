/** SQL for the audit chains. The only place that touches `audit_chains` and `audit_events`. */
import { sql } from "kysely";
import type { Db, Trx } from "../../db/database.ts";
import type { AuditEventRow, NewAuditEventRow } from "./audit.table.ts";

export interface ChainHead {
  authority_id: string;
  last_seq: bigint;
  last_hash: string;
}

/**
 * Locks the chain head row for this transaction, creating the chain if it is new — in one
 * statement: an upsert takes the row lock whether it inserts or finds the row.
 */
export function lockChainHead(trx: Trx, authorityId: string, genesisHash: string): Promise<ChainHead> {
  return trx
    .insertInto("audit_chains")
    .values({ authority_id: authorityId, last_seq: 0n, last_hash: genesisHash })
    .onConflict((oc) =>
      oc.column("authority_id").doUpdateSet((eb) => ({ authority_id: eb.ref("excluded.authority_id") })),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Events of one chain, in order, and the chain's new head (the last of them), in one statement (the
 * insert as a data-modifying `with`, always run); a few hundred events a statement.
 */
export async function appendEvents(trx: Trx, events: readonly NewAuditEventRow[]): Promise<void> {
  for (let i = 0; i < events.length; i += 200) {
    const some = events.slice(i, i + 200);
    const last = some[some.length - 1] as NewAuditEventRow;
    await trx
      .with("appended", (db) => db.insertInto("audit_events").values(some).returning("seq"))
      .updateTable("audit_chains")
      .set({ last_seq: last.seq, last_hash: last.hash })
      .where("authority_id", "=", last.authority_id)
      .execute();
  }
}

export function listChainHeads(db: Db): Promise<ChainHead[]> {
  return db.selectFrom("audit_chains").selectAll().orderBy("authority_id").execute();
}

/** Chains that have events but no head row (a deleted head is itself a break). */
export async function chainsWithoutHead(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom("audit_events as e")
    .select("e.authority_id")
    .distinct()
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("audit_chains as c")
            .select(sql.lit(1).as("one"))
            .whereRef("c.authority_id", "=", "e.authority_id"),
        ),
      ),
    )
    .execute();
  return rows.map((r) => r.authority_id);
}

export function eventsAfter(
  db: Db,
  authorityId: string,
  afterSeq: bigint,
  limit: number,
): Promise<AuditEventRow[]> {
  return db
    .selectFrom("audit_events")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("seq", ">", afterSeq)
    .orderBy("seq")
    .limit(limit)
    .execute();
}

export function eventsForEntity(
  db: Db,
  authorityId: string,
  entityType: string,
  entityId: string,
): Promise<AuditEventRow[]> {
  return db
    .selectFrom("audit_events")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("entity_type", "=", entityType)
    .where("entity_id", "=", entityId)
    .orderBy("seq")
    .execute();
}

/** How many events of these actions an actor caused on an entity since an instant. */
export async function countRecentEvents(
  db: Db,
  query: {
    authorityId: string;
    entityType: string;
    entityId: string;
    actions: readonly string[];
    actorId: string;
    since: Date;
  },
): Promise<number> {
  const row = await db
    .selectFrom("audit_events")
    .select((eb) => eb.fn.countAll<bigint>().as("n"))
    .where("authority_id", "=", query.authorityId)
    .where("entity_type", "=", query.entityType)
    .where("entity_id", "=", query.entityId)
    .where("action", "in", [...query.actions])
    .where("actor_id", "=", query.actorId)
    .where("occurred_at", ">=", query.since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** One event of a chain, or undefined when there is none at that place. */
export function eventAt(db: Db, authorityId: string, seq: bigint): Promise<AuditEventRow | undefined> {
  return db
    .selectFrom("audit_events")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("seq", "=", seq)
    .executeTakeFirst();
}

/**
 * A page of the events about a person (`changes.person` is their `personalRef`), in order, after a
 * sequence number: the person's download of what is held about them (the index
 * `audit_events_about_person`).
 */
export function eventsAboutPerson(
  db: Db,
  authorityId: string,
  ref: string,
  afterSeq: bigint,
  limit: number,
): Promise<AuditEventRow[]> {
  return db
    .selectFrom("audit_events")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where(sql<string>`changes #>> '{person,ref}'`, "=", ref)
    .where("seq", ">", afterSeq)
    .orderBy("seq")
    .limit(limit)
    .execute();
}
