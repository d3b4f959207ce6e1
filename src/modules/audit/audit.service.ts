/**
 * The audit trail: every change of state writes an event in the same transaction as the change,
 * appended to a hash chain — one chain per authority and one for the platform. Each event's hash is
 * SHA-256 over the previous hash and the event's canonical JSON (RFC 8785), so any edit, deletion
 * or reordering breaks the chain from that point, and `verifyAuditChains` names the first broken
 * link. The database itself refuses UPDATE, DELETE and TRUNCATE on events (see the migration).
 *
 * Personal data is referenced, never copied: `changes` may hold `personalRef("users", id)`, and
 * keys that usually carry personal data are refused outright.
 */
import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import type { Db, Trx } from "../../db/database.ts";
import { pageByKey } from "../../db/paging.ts";
import type { Clock } from "../../lib/clock.ts";
import { notifyAll } from "../../lib/ports.ts";
import { changeRecorded } from "./audit.ports.ts";
import * as repo from "./audit.repository.ts";
import type { AuditEventRow } from "./audit.table.ts";

/** The platform's own chain (national registers, accounts, authorities themselves). */
export const PLATFORM_CHAIN = "00000000-0000-0000-0000-000000000000";
export const GENESIS_HASH = "0".repeat(64);

export type ActorType = "user" | "system" | "public" | "token";
export interface Actor {
  type: ActorType;
  /** A user or token id, or the name of a system process ("seed", "jobs"). */
  id?: string | null;
}
export const SYSTEM = (name: string): Actor => ({ type: "system", id: name });

export interface AuditEntry {
  /** The tenant whose chain this belongs on; null for the platform chain. */
  authorityId: string | null;
  actor: Actor;
  /** Verb in the past tense, dotted by module: "tender.published", "organisation.registered". */
  action: string;
  entity: { type: string; id: string };
  /** What changed. JSON-safe values; bigint and Date are converted. No personal data. */
  changes?: Record<string, unknown>;
  requestId?: string | null;
}

export interface RecordedEvent {
  authorityId: string;
  seq: bigint;
  hash: string;
}

/** Keys that usually hold a person's data: refused in audit changes (reference the person instead). */
const PERSONAL_KEYS = new Set([
  "email",
  "phone",
  "telephone",
  "password",
  "passwordhash",
  "dateofbirth",
  "nhsnumber",
  "nationalinsurancenumber",
  "ninumber",
  "personname",
  "fullname",
  "homeaddress",
  "displayname",
]);

export class PersonalDataInAuditError extends Error {
  constructor(key: string) {
    super(`Audit events must not copy personal data: "${key}" was given. Use personalRef(kind, id) instead.`);
    this.name = "PersonalDataInAuditError";
  }
}

/** A reference to a person's record, safe to keep in an audit event after the person is erased. */
export function personalRef(kind: string, id: string): { ref: string } {
  return { ref: `${kind}/${id}` };
}

/** Normalises a value to plain JSON: bigint → string, Date → ISO string; refuses personal keys. */
export function toAuditJson(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "number") {
    if (!Number.isFinite(value) || (Number.isInteger(value) && !Number.isSafeInteger(value))) {
      throw new RangeError(`Audit values must be finite safe numbers; use bigint for ${value}`);
    }
    return value;
  }
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (Array.isArray(value)) return value.map(toAuditJson);
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      if (PERSONAL_KEYS.has(key.toLowerCase().replaceAll(/[-_]/g, "")))
        throw new PersonalDataInAuditError(key);
      if (inner !== undefined) out[key] = toAuditJson(inner);
    }
    return out;
  }
  throw new TypeError(`Audit values must be JSON data, not ${typeof value}`);
}

interface HashedFields {
  authorityId: string;
  seq: bigint;
  occurredAt: Date;
  actorType: string;
  actorId: string | null;
  action: string;
  entityType: string;
  entityId: string;
  changes: unknown;
  requestId: string | null;
}

/** SHA-256 over the previous hash and the canonical JSON (RFC 8785) of the event. */
export function eventHash(prevHash: string, e: HashedFields): string {
  const canonical = canonicalize({
    authorityId: e.authorityId,
    seq: e.seq.toString(),
    occurredAt: e.occurredAt.toISOString(),
    actor: { type: e.actorType, id: e.actorId },
    action: e.action,
    entity: { type: e.entityType, id: e.entityId },
    changes: e.changes,
    requestId: e.requestId,
  });
  return createHash("sha256").update(`${prevHash}\n${canonical}`).digest("hex");
}

/** Appends an event to its chain. Must be called inside the transaction that makes the change. */
export async function recordAudit(trx: Trx, clock: Clock, entry: AuditEntry): Promise<RecordedEvent> {
  return (await recordAudits(trx, clock, [entry]))[0] as RecordedEvent;
}

/** An event being appended: its entry, the fields its hash is over (its number once its chain is read), its hash. */
interface Appended {
  entry: AuditEntry;
  fields: HashedFields;
  hash: string;
}

/**
 * Appends events to their chains, in the order given: `recordAudit` of each in turn, with each
 * chain's head locked once and its events written in one statement (a page of changes made at once:
 * the releases published for a page of projects). Each event's `changeRecorded` handlers run once
 * every event is written, in the same order. Must be called inside the transaction that makes the
 * changes.
 */
export async function recordAudits(
  trx: Trx,
  clock: Clock,
  entries: readonly AuditEntry[],
): Promise<RecordedEvent[]> {
  if (!trx.isTransaction)
    throw new Error("recordAudit must run inside the transaction that makes the change.");
  const chains = new Map<string, Appended[]>();
  const events = entries.map((entry): Appended => {
    const authorityId = entry.authorityId ?? PLATFORM_CHAIN;
    const event: Appended = {
      entry,
      fields: {
        authorityId,
        seq: 0n,
        occurredAt: clock.now(),
        actorType: entry.actor.type,
        actorId: entry.actor.id ?? null,
        action: entry.action,
        entityType: entry.entity.type,
        entityId: entry.entity.id,
        changes: toAuditJson(entry.changes ?? {}),
        requestId: entry.requestId ?? null,
      },
      hash: "",
    };
    chains.set(authorityId, [...(chains.get(authorityId) ?? []), event]);
    return event;
  });
  for (const [authorityId, chain] of chains) {
    const head = await repo.lockChainHead(trx, authorityId, GENESIS_HASH);
    let seq = head.last_seq;
    let prevHash = head.last_hash;
    const rows = chain.map((event) => {
      seq += 1n;
      event.fields.seq = seq;
      event.hash = eventHash(prevHash, event.fields);
      const row = {
        authority_id: authorityId,
        seq,
        occurred_at: event.fields.occurredAt,
        actor_type: event.fields.actorType,
        actor_id: event.fields.actorId,
        action: event.fields.action,
        entity_type: event.fields.entityType,
        entity_id: event.fields.entityId,
        changes: JSON.stringify(event.fields.changes),
        request_id: event.fields.requestId,
        prev_hash: prevHash,
        hash: event.hash,
      };
      prevHash = event.hash;
      return row;
    });
    await repo.appendEvents(trx, rows);
  }
  for (const { entry, fields } of events)
    await notifyAll(changeRecorded, trx, clock, {
      authorityId: entry.authorityId,
      action: entry.action,
      entity: entry.entity,
      occurredAt: fields.occurredAt,
    });
  return events.map((e) => ({ authorityId: e.fields.authorityId, seq: e.fields.seq, hash: e.hash }));
}

export interface ChainReport {
  authorityId: string;
  events: number;
  ok: boolean;
  /** The first broken link, when there is one. */
  brokenAt?: { seq: bigint; problem: string };
}

function rowFields(row: AuditEventRow): HashedFields {
  return {
    authorityId: row.authority_id,
    seq: row.seq,
    occurredAt: row.occurred_at,
    actorType: row.actor_type,
    actorId: row.actor_id,
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    changes: row.changes,
    requestId: row.request_id,
  };
}

async function verifyChain(
  db: Db,
  head: repo.ChainHead | undefined,
  authorityId: string,
): Promise<ChainReport> {
  let expectedSeq = 1n;
  let prevHash = GENESIS_HASH;
  let events = 0;
  const broken = (seq: bigint, problem: string): ChainReport => ({
    authorityId,
    events,
    ok: false,
    brokenAt: { seq, problem },
  });
  for await (const page of pageByKey(
    (after: bigint | undefined, limit) => repo.eventsAfter(db, authorityId, after ?? 0n, limit),
    (row) => row.seq,
    1000,
  )) {
    for (const row of page) {
      if (row.seq !== expectedSeq)
        return broken(expectedSeq, `event ${expectedSeq} is missing (next is ${row.seq})`);
      if (row.prev_hash !== prevHash)
        return broken(row.seq, "its previous-hash does not match the event before it");
      if (eventHash(prevHash, rowFields(row)) !== row.hash) {
        return broken(row.seq, "its content does not match its hash (the event was altered)");
      }
      prevHash = row.hash;
      expectedSeq++;
      events++;
    }
  }
  if (!head) return broken(1n, "the chain has events but its head record is missing");
  if (head.last_seq !== expectedSeq - 1n || head.last_hash !== prevHash) {
    return broken(
      expectedSeq,
      `the chain head says ${head.last_seq} events but ${events} were found (events removed?)`,
    );
  }
  return { authorityId, events, ok: true };
}

/** Checks every chain from its first event; reports the first broken link of each. */
export async function verifyAuditChains(db: Db): Promise<ChainReport[]> {
  const reports: ChainReport[] = [];
  for (const head of await repo.listChainHeads(db))
    reports.push(await verifyChain(db, head, head.authority_id));
  for (const orphan of await repo.chainsWithoutHead(db))
    reports.push(await verifyChain(db, undefined, orphan));
  return reports;
}

export const auditTrailFor = repo.eventsForEntity;

/** How many events of these actions an actor caused on an entity since an instant (rate limits). */
export const countRecentEvents = repo.countRecentEvents;
/** A page of the events about a person (their `personalRef` as `changes.person`), after a sequence number. */
export const eventsAboutPerson = repo.eventsAboutPerson;
