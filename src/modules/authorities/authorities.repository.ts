import type { Db, Trx } from "../../db/database.ts";
import type { Authority, Country, NewAuthority } from "./authorities.table.ts";

export async function insertAuthority(trx: Trx, authority: NewAuthority): Promise<void> {
  await trx.insertInto("authorities").values(authority).execute();
}

export function listAuthorities(db: Db): Promise<Authority[]> {
  return db.selectFrom("authorities").selectAll().orderBy("name").execute();
}

/** The verified public bodies of some kinds, by name, for a form's choice: their id, names and kind only. */
export function verifiedAuthoritiesOfKinds(
  db: Db,
  kinds: readonly string[],
): Promise<Pick<Authority, "id" | "name" | "welsh_name" | "kind">[]> {
  if (kinds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("authorities")
    .select(["id", "name", "welsh_name", "kind"])
    .where("verified_at", "is not", null)
    .where("kind", "in", kinds as Authority["kind"][])
    .orderBy("name")
    .orderBy("id")
    .execute();
}

export function findAuthorityBySlug(db: Db, slug: string): Promise<Authority | undefined> {
  return db.selectFrom("authorities").selectAll().where("slug", "=", slug).executeTakeFirst();
}

export function findAuthorityById(db: Db, id: string): Promise<Authority | undefined> {
  return db.selectFrom("authorities").selectAll().where("id", "=", id).executeTakeFirst();
}

/** These public bodies (those that exist), in no order. */
export function findAuthoritiesByIds(db: Db, ids: readonly string[]): Promise<Authority[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("authorities")
    .selectAll()
    .where("id", "in", [...new Set(ids)])
    .execute();
}

/** One page of authorities in id order, after `afterId` (bulk reads page by key). */
export function authoritiesAfter(db: Db, afterId: string | undefined, limit: number): Promise<Authority[]> {
  let query = db.selectFrom("authorities").selectAll();
  if (afterId !== undefined) query = query.where("id", ">", afterId);
  return query.orderBy("id").limit(limit).execute();
}

/** When any public body last changed: the end of an index, not a scan. */
export async function latestAuthorityChange(db: Db): Promise<Date | null> {
  const row = await db
    .selectFrom("authorities")
    .select((eb) => eb.fn.max<Date | null>("updated_at").as("at"))
    .executeTakeFirst();
  return row?.at ?? null;
}

export async function setAreaCode(
  trx: Trx,
  id: string,
  areaCode: string | null,
  country: Country | null,
  now: Date,
): Promise<void> {
  await trx
    .updateTable("authorities")
    .set({ area_code: areaCode, country, updated_at: now })
    .where("id", "=", id)
    .execute();
}

// Verification of public bodies

export function lockAuthority(trx: Trx, id: string): Promise<Authority | undefined> {
  return trx.selectFrom("authorities").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
}

export function pendingAuthorities(db: Db): Promise<Authority[]> {
  return db
    .selectFrom("authorities")
    .selectAll()
    .where("verified_at", "is", null)
    .where("rejected_at", "is", null)
    .orderBy("created_at")
    .execute();
}

export async function setVerified(trx: Trx, id: string, by: string, at: Date): Promise<void> {
  await trx
    .updateTable("authorities")
    .set({ verified_at: at, verified_by: by, updated_at: at })
    .where("id", "=", id)
    .execute();
}

export async function setRejected(trx: Trx, id: string, reason: string, at: Date): Promise<void> {
  await trx
    .updateTable("authorities")
    .set({ rejected_at: at, rejection_reason: reason, updated_at: at })
    .where("id", "=", id)
    .execute();
}
