/** SQL for role grants. */
import type { Db, Trx } from "../../db/database.ts";
import type { NewRoleGrant, Role, RoleGrantRow } from "./access.table.ts";

export function grantsForUser(db: Db, userId: string): Promise<RoleGrantRow[]> {
  return db
    .selectFrom("role_grants")
    .selectAll()
    .where("user_id", "=", userId)
    .orderBy("granted_at")
    .execute();
}

export async function insertGrant(trx: Trx, grant: NewRoleGrant): Promise<boolean> {
  const inserted = await trx
    .insertInto("role_grants")
    .values(grant)
    .onConflict((oc) => oc.columns(["user_id", "role", "scope_id"]).doNothing())
    .returning("id")
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function deleteGrant(trx: Trx, userId: string, role: Role, scopeId: string): Promise<boolean> {
  const deleted = await trx
    .deleteFrom("role_grants")
    .where("user_id", "=", userId)
    .where("role", "=", role)
    .where("scope_id", "=", scopeId)
    .returning("id")
    .executeTakeFirst();
  return deleted !== undefined;
}

export function holdersOf(db: Db, role: Role, scopeId: string): Promise<RoleGrantRow[]> {
  return db
    .selectFrom("role_grants")
    .selectAll()
    .where("role", "=", role)
    .where("scope_id", "=", scopeId)
    .execute();
}

export function grantsInScope(db: Db, scopeId: string): Promise<RoleGrantRow[]> {
  return db
    .selectFrom("role_grants")
    .selectAll()
    .where("scope_id", "=", scopeId)
    .orderBy("granted_at")
    .execute();
}

/** The accounts holding `role` for the authority itself (scope_type and scope_id: the index), each once. */
export function authorityRoleHolders(db: Db | Trx, role: Role, authorityId: string): Promise<string[]> {
  return holdersIn(db, "authority", authorityId, [role]);
}

/** Everyone holding one of `roles` in a scope, each once, in id order. */
async function holdersIn(
  db: Db | Trx,
  scopeType: "authority" | "organisation",
  scopeId: string,
  roles: readonly Role[],
): Promise<string[]> {
  const rows = await db
    .selectFrom("role_grants")
    .select("user_id")
    .distinct()
    .where("scope_type", "=", scopeType)
    .where("scope_id", "=", scopeId)
    .where("role", "in", [...roles])
    .orderBy("user_id")
    .execute();
  return rows.map((r) => r.user_id);
}

/** Names of organisations and public bodies by id, for showing grants. */
export async function scopeNames(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const [organisations, bodies] = await Promise.all([
    db.selectFrom("organisations").select(["id", "name"]).where("id", "in", ids).execute(),
    db.selectFrom("authorities").select(["id", "name"]).where("id", "in", ids).execute(),
  ]);
  return new Map([...organisations, ...bodies].map((row) => [row.id, row.name]));
}

/** The authority's commissioners and administrators, each once. */
export function commissioningPeople(db: Db | Trx, authorityId: string): Promise<string[]> {
  return holdersIn(db, "authority", authorityId, ["commissioner", "authority-admin"]);
}

/** The organisation's administrators and members, each once: whom to tell of what happens to it. */
export function organisationPeople(db: Db | Trx, organisationId: string): Promise<string[]> {
  return holdersIn(db, "organisation", organisationId, ["organisation-admin", "organisation-member"]);
}
