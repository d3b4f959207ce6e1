import type { Db, Trx } from "../../db/database.ts";
import type { NewOrganisation, Organisation, Sector } from "./organisations.table.ts";

export async function insertOrganisation(trx: Trx, organisation: NewOrganisation): Promise<void> {
  await trx.insertInto("organisations").values(organisation).execute();
}

export function findByPrimaryIdentifier(db: Db, identifier: string): Promise<Organisation | undefined> {
  return db
    .selectFrom("organisations")
    .selectAll()
    .where("primary_identifier", "=", identifier)
    .executeTakeFirst();
}

/** One page of the directory, ordered by id, continuing after `afterId`. */
export function organisationsAfter(
  db: Db,
  afterId: string | undefined,
  limit: number,
): Promise<Organisation[]> {
  let query = db.selectFrom("organisations").selectAll();
  if (afterId !== undefined) query = query.where("id", ">", afterId);
  return query.orderBy("id").limit(limit).execute();
}

export async function countBySector(db: Db): Promise<{ sector: Sector; count: bigint }[]> {
  return db
    .selectFrom("organisations")
    .select(["sector", (eb) => eb.fn.countAll<bigint>().as("count")])
    .groupBy("sector")
    .orderBy("sector")
    .execute();
}
