/** SQL for the verification of public bodies. */
import type { Db, Trx } from "../../db/database.ts";
import type { Authority } from "./authorities.table.ts";

export function lockAuthority(trx: Trx, id: string): Promise<Authority | undefined> {
  return trx.selectFrom("authorities").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
}

export function findAuthority(db: Db, id: string): Promise<Authority | undefined> {
  return db.selectFrom("authorities").selectAll().where("id", "=", id).executeTakeFirst();
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
