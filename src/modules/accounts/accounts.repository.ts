/** SQL for accounts: users' credentials, sessions, email links, attempts, recovery codes, API tokens. */
import { sql } from "kysely";
import type { Db, Trx } from "../../db/database.ts";
import type {
  ApiToken,
  AttemptKind,
  AttemptOutcome,
  EmailToken,
  EmailTokenPurpose,
  NewApiToken,
  NewEmailToken,
  NewSession,
  NewSignInAttempt,
  Session,
} from "./accounts.table.ts";
import type { NewUser, User, UserUpdate } from "./users.table.ts";

// Users

export function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  return db
    .selectFrom("users")
    .selectAll()
    .where(sql<string>`lower(email)`, "=", email.toLowerCase())
    .executeTakeFirst();
}

export function findUser(db: Db, id: string): Promise<User | undefined> {
  return db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
}

/** The display names of these users, by id, in one read (unknown ids left out). */
export async function displayNamesOf(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom("users").select(["id", "display_name"]).where("id", "in", ids).execute();
  return new Map(rows.map((r) => [r.id, r.display_name]));
}

/** Inserts the user, or nothing when the address is taken (whatever its case): undefined then. */
export function insertUser(trx: Trx, user: NewUser): Promise<User | undefined> {
  return trx
    .insertInto("users")
    .values(user)
    .onConflict((oc) => oc.expression(sql`lower(email)`).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function updateUser(trx: Trx, id: string, changes: UserUpdate): Promise<void> {
  await trx.updateTable("users").set(changes).where("id", "=", id).execute();
}

/** Records the step of an accepted TOTP code; false when that step (or a later one) was used already. */
export async function claimTotpStep(trx: Trx, userId: string, step: number): Promise<boolean> {
  const row = await trx
    .updateTable("users")
    .set({ totp_last_step: step })
    .where("id", "=", userId)
    .where((eb) => eb.or([eb("totp_last_step", "is", null), eb("totp_last_step", "<", step)]))
    .returning("id")
    .executeTakeFirst();
  return row !== undefined;
}

// Sessions

export async function insertSession(trx: Trx, session: NewSession): Promise<void> {
  await trx.insertInto("sessions").values(session).execute();
}

export type SessionWithUser = Session & {
  display_name: string;
  status: User["status"];
  totp_enabled_at: Date | null;
  email_verified_at: Date | null;
};

export function findSessionWithUser(db: Db, id: string): Promise<SessionWithUser | undefined> {
  return db
    .selectFrom("sessions as s")
    .innerJoin("users as u", "u.id", "s.user_id")
    .selectAll("s")
    .select(["u.display_name", "u.status", "u.totp_enabled_at", "u.email_verified_at"])
    .where("s.id", "=", id)
    .executeTakeFirst();
}

export async function touchSession(db: Db, id: string, lastSeen: Date, idleExpires: Date): Promise<void> {
  await db
    .updateTable("sessions")
    .set({ last_seen_at: lastSeen, idle_expires_at: idleExpires })
    .where("id", "=", id)
    .execute();
}

export function deleteSession(trx: Trx | Db, id: string): Promise<Session | undefined> {
  return trx.deleteFrom("sessions").where("id", "=", id).returningAll().executeTakeFirst();
}

export async function deleteSessionsOfUser(trx: Trx, userId: string): Promise<number> {
  const rows = await trx.deleteFrom("sessions").where("user_id", "=", userId).returning("id").execute();
  return rows.length;
}

export function liveSessionsOfUser(db: Db, userId: string, now: Date): Promise<Session[]> {
  return db
    .selectFrom("sessions")
    .selectAll()
    .where("user_id", "=", userId)
    .where("idle_expires_at", ">", now)
    .where("absolute_expires_at", ">", now)
    .orderBy("last_seen_at", "desc")
    .execute();
}

export async function deleteExpiredSessions(db: Db, now: Date): Promise<void> {
  await db
    .deleteFrom("sessions")
    .where((eb) => eb.or([eb("idle_expires_at", "<=", now), eb("absolute_expires_at", "<=", now)]))
    .execute();
}

/** Moves every session's times by `ms` milliseconds, its expiries included (the demo clock moved). */
export async function shiftSessionTimes(trx: Trx, ms: number): Promise<void> {
  const by = sql<Date>`${ms}::double precision * interval '1 millisecond'`;
  await trx
    .updateTable("sessions")
    .set({
      created_at: sql`created_at + ${by}`,
      last_seen_at: sql`last_seen_at + ${by}`,
      idle_expires_at: sql`idle_expires_at + ${by}`,
      absolute_expires_at: sql`absolute_expires_at + ${by}`,
    })
    .execute();
}

export async function setFlash(db: Db, id: string, flash: string | null): Promise<void> {
  await db.updateTable("sessions").set({ flash }).where("id", "=", id).execute();
}

/** The session's flash, cleared in the same statement so it is read once. */
export async function takeFlash(db: Db, id: string): Promise<string | null> {
  const row = await db
    .with("old", (qb) => qb.selectFrom("sessions").select("flash").where("id", "=", id).forUpdate())
    .updateTable("sessions")
    .from("old")
    .set({ flash: null })
    .where("sessions.id", "=", id)
    .where("old.flash", "is not", null)
    .returning("old.flash")
    .executeTakeFirst();
  return row?.flash ?? null;
}

// Email links

export async function insertEmailToken(trx: Trx, token: NewEmailToken): Promise<void> {
  await trx.insertInto("email_tokens").values(token).execute();
}

export function findEmailToken(db: Db, id: string): Promise<EmailToken | undefined> {
  return db.selectFrom("email_tokens").selectAll().where("id", "=", id).executeTakeFirst();
}

export function findEmailTokenByHash(db: Db, hash: string): Promise<EmailToken | undefined> {
  return db.selectFrom("email_tokens").selectAll().where("token_hash", "=", hash).executeTakeFirst();
}

/** Marks the link used if it still is unused and unexpired; false when it is not (any more). */
export async function useEmailToken(trx: Trx, id: string, now: Date): Promise<boolean> {
  const row = await trx
    .updateTable("email_tokens")
    .set({ used_at: now })
    .where("id", "=", id)
    .where("used_at", "is", null)
    .where("expires_at", ">", now)
    .returning("id")
    .executeTakeFirst();
  return row !== undefined;
}

/** Ends every unused link of this purpose for the user (a new password, a verified address). */
export async function useAllEmailTokens(
  trx: Trx,
  userId: string,
  purpose: EmailTokenPurpose,
  now: Date,
): Promise<void> {
  await trx
    .updateTable("email_tokens")
    .set({ used_at: now })
    .where("user_id", "=", userId)
    .where("purpose", "=", purpose)
    .where("used_at", "is", null)
    .execute();
}

export async function markEmailTokenSent(db: Db, id: string, now: Date): Promise<void> {
  await db.updateTable("email_tokens").set({ sent_at: now }).where("id", "=", id).execute();
}

// Attempts (rate limiting)

export async function insertAttempt(db: Db, attempt: NewSignInAttempt): Promise<void> {
  await db.insertInto("sign_in_attempts").values(attempt).execute();
}

export async function setAttemptOutcome(db: Db, id: string, outcome: AttemptOutcome): Promise<void> {
  await db.updateTable("sign_in_attempts").set({ outcome }).where("id", "=", id).execute();
}

export interface AttemptCount {
  count: number;
  /** The earliest counted attempt, when there is one. */
  earliest: Date | null;
}

/**
 * How many attempts of `kind` with one of `outcomes` were made by this account or address key since
 * `since` — and after the account's last success, with `afterLastSuccess`.
 */
export async function countAttempts(
  db: Db,
  query: {
    kind: AttemptKind;
    by: "account_key" | "address_key";
    key: string;
    outcomes: readonly AttemptOutcome[];
    since: Date;
    afterLastSuccess?: boolean;
  },
): Promise<AttemptCount> {
  let q = db
    .selectFrom("sign_in_attempts")
    .select((eb) => [eb.fn.countAll<bigint>().as("count"), eb.fn.min("occurred_at").as("earliest")])
    .where("kind", "=", query.kind)
    .where(query.by, "=", query.key)
    .where("outcome", "in", [...query.outcomes])
    .where("occurred_at", ">", query.since);
  if (query.afterLastSuccess) {
    q = q.where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("sign_in_attempts as later")
            .select("later.id")
            .where("later.kind", "=", query.kind)
            .where(`later.${query.by}`, "=", query.key)
            .where("later.outcome", "=", "succeeded")
            // Ids are UUIDv7, in the order they were made (also within one millisecond).
            .whereRef("later.id", ">", "sign_in_attempts.id"),
        ),
      ),
    );
  }
  const row = await q.executeTakeFirstOrThrow();
  return { count: Number(row.count), earliest: (row.earliest as Date | null) ?? null };
}

export async function deleteAttemptsBefore(db: Db, before: Date): Promise<void> {
  await db.deleteFrom("sign_in_attempts").where("occurred_at", "<", before).execute();
}

// Recovery codes

export async function replaceRecoveryCodes(
  trx: Trx,
  userId: string,
  rows: { id: string; code_hash: string }[],
  now: Date,
): Promise<void> {
  await trx.deleteFrom("recovery_codes").where("user_id", "=", userId).execute();
  if (rows.length === 0) return;
  await trx
    .insertInto("recovery_codes")
    .values(rows.map((r) => ({ ...r, user_id: userId, created_at: now })))
    .execute();
}

/** Uses an unused recovery code of the user; false when there is none with this hash. */
export async function useRecoveryCode(trx: Trx, userId: string, hash: string, now: Date): Promise<boolean> {
  const row = await trx
    .updateTable("recovery_codes")
    .set({ used_at: now })
    .where("user_id", "=", userId)
    .where("code_hash", "=", hash)
    .where("used_at", "is", null)
    .returning("id")
    .executeTakeFirst();
  return row !== undefined;
}

export async function unusedRecoveryCodes(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom("recovery_codes")
    .select((eb) => eb.fn.countAll<bigint>().as("count"))
    .where("user_id", "=", userId)
    .where("used_at", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

// API tokens

export async function insertApiToken(trx: Trx, token: NewApiToken): Promise<void> {
  await trx.insertInto("api_tokens").values(token).execute();
}

export function apiTokensOfUser(db: Db, userId: string): Promise<ApiToken[]> {
  return db
    .selectFrom("api_tokens")
    .selectAll()
    .where("user_id", "=", userId)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .execute();
}

export async function countLiveApiTokens(db: Db, userId: string, now: Date): Promise<number> {
  const row = await db
    .selectFrom("api_tokens")
    .select((eb) => eb.fn.countAll<bigint>().as("count"))
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export type ApiTokenWithUser = ApiToken & { display_name: string; status: User["status"] };

export function findApiTokenByHash(db: Db, hash: string): Promise<ApiTokenWithUser | undefined> {
  return db
    .selectFrom("api_tokens as t")
    .innerJoin("users as u", "u.id", "t.user_id")
    .selectAll("t")
    .select(["u.display_name", "u.status"])
    .where("t.token_hash", "=", hash)
    .executeTakeFirst();
}

export function revokeApiToken(
  trx: Trx,
  userId: string,
  id: string,
  now: Date,
): Promise<ApiToken | undefined> {
  return trx
    .updateTable("api_tokens")
    .set({ revoked_at: now })
    .where("id", "=", id)
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .returningAll()
    .executeTakeFirst();
}

/** Revokes every live API token of a user; how many. */
export async function revokeApiTokensOfUser(trx: Trx, userId: string, now: Date): Promise<number> {
  const rows = await trx
    .updateTable("api_tokens")
    .set({ revoked_at: now })
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .returning("id")
    .execute();
  return rows.length;
}

export function findApiTokenOfUser(db: Db, userId: string, id: string): Promise<ApiToken | undefined> {
  return db
    .selectFrom("api_tokens")
    .selectAll()
    .where("id", "=", id)
    .where("user_id", "=", userId)
    .executeTakeFirst();
}

export async function touchApiToken(db: Db, id: string, now: Date): Promise<void> {
  await db.updateTable("api_tokens").set({ last_used_at: now }).where("id", "=", id).execute();
}

/** Which of these users exist and are active. */
export async function activeUserIds(db: Db, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom("users")
    .select("id")
    .where("id", "in", [...ids])
    .where("status", "=", "active")
    .execute();
  return rows.map((r) => r.id);
}
