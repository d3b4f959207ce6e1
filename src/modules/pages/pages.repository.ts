/**
 * The reads behind the public pages and the open data downloads. The only SQL of the pages module.
 */
import { sql } from "kysely";
import type { Db } from "../../db/database.ts";
import type { Authority } from "../authorities/authorities.table.ts";
import type { Organisation, Sector } from "../organisations/organisations.table.ts";

export type AuthoritySummary = Pick<Authority, "name" | "welsh_name" | "kind" | "nation" | "website">;

export async function listAuthorities(db: Db): Promise<AuthoritySummary[]> {
  return db
    .selectFrom("authorities")
    .select(["name", "welsh_name", "kind", "nation", "website"])
    .orderBy("name")
    .orderBy("id")
    .execute();
}

export async function countOrganisationsBySector(db: Db): Promise<{ sector: Sector; count: bigint }[]> {
  return db
    .selectFrom("organisations")
    .select(["sector", sql<bigint>`count(*)`.as("count")])
    .groupBy("sector")
    .execute();
}

export type OpenAuthority = Pick<
  Authority,
  "id" | "slug" | "name" | "welsh_name" | "kind" | "nation" | "org_id" | "website"
>;

/** One page of authorities, in id order, after `after`. */
export async function authoritiesAfter(
  db: Db,
  after: string | undefined,
  limit: number,
): Promise<OpenAuthority[]> {
  let query = db
    .selectFrom("authorities")
    .select(["id", "slug", "name", "welsh_name", "kind", "nation", "org_id", "website"])
    .orderBy("id")
    .limit(limit);
  if (after !== undefined) query = query.where("id", ">", after);
  return query.execute();
}

export type OpenOrganisation = Pick<
  Organisation,
  | "id"
  | "name"
  | "sector"
  | "size_band"
  | "staff_headcount"
  | "primary_identifier"
  | "postcode"
  | "description"
  | "website"
>;

/** One page of the organisations directory, in id order, after `after`. */
export async function organisationsAfter(
  db: Db,
  after: string | undefined,
  limit: number,
): Promise<OpenOrganisation[]> {
  let query = db
    .selectFrom("organisations")
    .select([
      "id",
      "name",
      "sector",
      "size_band",
      "staff_headcount",
      "primary_identifier",
      "postcode",
      "description",
      "website",
    ])
    .orderBy("id")
    .limit(limit);
  if (after !== undefined) query = query.where("id", ">", after);
  return query.execute();
}
