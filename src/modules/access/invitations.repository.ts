/** SQL for invitations. */
import type { Db, Trx } from "../../db/database.ts";
import { APPROVED_ROLES, type Invitation, type NewInvitation } from "./access.table.ts";

export async function insertInvitation(trx: Trx, invitation: NewInvitation): Promise<Invitation> {
  return trx.insertInto("invitations").values(invitation).returningAll().executeTakeFirstOrThrow();
}

export function findByTokenHash(trx: Trx, tokenHash: string): Promise<Invitation | undefined> {
  return trx
    .selectFrom("invitations")
    .selectAll()
    .where("token_hash", "=", tokenHash)
    .forUpdate()
    .executeTakeFirst();
}

export function findById(db: Db, id: string): Promise<Invitation | undefined> {
  return db.selectFrom("invitations").selectAll().where("id", "=", id).executeTakeFirst();
}

export function findInScope(db: Db, scopeId: string, id: string): Promise<Invitation | undefined> {
  return db
    .selectFrom("invitations")
    .selectAll()
    .where("scope_id", "=", scopeId)
    .where("id", "=", id)
    .executeTakeFirst();
}

export function openInvitations(db: Db, scopeId: string, now: Date): Promise<Invitation[]> {
  return db
    .selectFrom("invitations")
    .selectAll()
    .where("scope_id", "=", scopeId)
    .where("accepted_at", "is", null)
    .where("revoked_at", "is", null)
    .where("expires_at", ">", now)
    .orderBy("created_at", "desc")
    .execute();
}

export async function markAccepted(trx: Trx, id: string, userId: string, now: Date): Promise<void> {
  await trx
    .updateTable("invitations")
    .set({ accepted_at: now, accepted_by: userId })
    .where("id", "=", id)
    .execute();
}

export async function markApproved(trx: Trx, id: string, userId: string, now: Date): Promise<void> {
  await trx
    .updateTable("invitations")
    .set({ approved_at: now, approved_by: userId })
    .where("id", "=", id)
    .execute();
}

export async function markRevoked(trx: Trx, id: string, now: Date): Promise<void> {
  await trx.updateTable("invitations").set({ revoked_at: now }).where("id", "=", id).execute();
}

export interface Member {
  userId: string;
  displayName: string;
  email: string;
  role: string;
  grantedAt: Date;
}

/** The people holding roles in a scope, for its administrators. */
export async function membersOf(db: Db, scopeId: string): Promise<Member[]> {
  const rows = await db
    .selectFrom("role_grants as g")
    .innerJoin("users as u", "u.id", "g.user_id")
    .select(["g.user_id", "u.display_name", "u.email", "g.role", "g.granted_at"])
    .where("g.scope_id", "=", scopeId)
    .orderBy("u.display_name")
    .orderBy("g.role")
    .execute();
  return rows.map((r) => ({
    userId: r.user_id,
    displayName: r.display_name,
    email: r.email,
    role: r.role,
    grantedAt: r.granted_at,
  }));
}

export function userEmail(db: Db, userId: string): Promise<{ email: string } | undefined> {
  return db.selectFrom("users").select("email").where("id", "=", userId).executeTakeFirst();
}

/** The display name of what a scope is: an organisation or a public body. */
export async function scopeName(db: Db, scopeType: string, scopeId: string): Promise<string | undefined> {
  if (scopeType === "organisation") {
    return (await db.selectFrom("organisations").select("name").where("id", "=", scopeId).executeTakeFirst())
      ?.name;
  }
  return (await db.selectFrom("authorities").select("name").where("id", "=", scopeId).executeTakeFirst())
    ?.name;
}

/**
 * Open invitations sent to an address (case-insensitive), newest first: those waiting for a second
 * administrator's approval are not yet the invitee's to see.
 */
export function openInvitationsForEmail(db: Db, email: string, now: Date): Promise<Invitation[]> {
  return db
    .selectFrom("invitations")
    .selectAll()
    .where((eb) => eb(eb.fn("lower", ["email"]), "=", email.toLowerCase()))
    .where((eb) => eb.or([eb("role", "not in", [...APPROVED_ROLES]), eb("approved_at", "is not", null)]))
    .where("accepted_at", "is", null)
    .where("revoked_at", "is", null)
    .where("expires_at", ">", now)
    .orderBy("created_at", "desc")
    .execute();
}
