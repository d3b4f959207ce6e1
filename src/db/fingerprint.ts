/**
 * A fingerprint of a database's contents: SHA-256 over every row of every table in the public
 * schema, in key order. Two databases with the same fingerprint hold the same data (used to prove
 * that a backup restores to an identical database).
 */
import { createHash } from "node:crypto";
import { sql } from "kysely";
import type { Db } from "./database.ts";

export async function databaseFingerprint(
  db: Db,
): Promise<{ tables: Record<string, number>; sha256: string }> {
  const { rows: tables } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`.execute(db);
  const hash = createHash("sha256");
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const { rows } = await sql<{ row: string }>`
      select t::text as row from ${sql.table(name)} as t order by t::text`.execute(db);
    counts[name] = rows.length;
    hash.update(`${name}\n`);
    for (const { row } of rows) hash.update(`${row}\n`);
  }
  return { tables: counts, sha256: hash.digest("hex") };
}
