/**
 * Named prepared statements, for both databases: each query's SQL is parsed and planned by
 * PostgreSQL once per connection and kept under a name, then only bound and executed. Kysely makes
 * the same SQL for the same query, so a process's few hundred queries are each parsed once: on the
 * embedded database a third less time in a page's queries.
 *
 * A name stands for one SQL text for the life of the process (node-postgres refuses a name reused
 * for other SQL). At most `MAX_NAMED` texts are named; SQL beyond them (queries whose text varies,
 * such as `in` lists of many lengths) is parsed each time, unnamed. A test worker runs every module's
 * tests in one process and reached the earlier bound of 2,000 (a clean clone's run order then left
 * the data layer's own tests of prepared statements unnamed): the bound is well above the platform's
 * own queries, so that none of them goes unnamed in a long-running process.
 */

const MAX_NAMED = 5_000;

const names = new Map<string, string>();
let next = 1;

/** The name of this SQL's prepared statement, or undefined when it is to be parsed each time. */
export function statementName(sql: string): string | undefined {
  let name = names.get(sql);
  if (name === undefined && names.size < MAX_NAMED) {
    name = `openps_${next++}`;
    names.set(sql, name);
  }
  return name;
}

/**
 * Whether a query failed because the statement prepared under its name no longer fits (its table
 * was changed: "cached plan must not change result type", 0A000) or is gone ("prepared statement
 * does not exist", 26000): it is to be parsed again.
 */
export function isStale(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "0A000" || code === "26000";
}

/**
 * For a server's connections, which remember what they have parsed under each name: after a stale
 * statement's failure (`isStale`), its SQL gets a new name, to be parsed again wherever it is used.
 */
export function renameIfStale(sql: string, error: unknown): void {
  if (isStale(error) && names.has(sql)) names.set(sql, `openps_${next++}`);
}
