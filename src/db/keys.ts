/**
 * Many of a tenant's rows at once, by their keys (an authority and an id): the work of a page done
 * with one query where it would take one a row (the OCDS releases of a page of processes).
 *
 * Asked as `authority_id in (…) and id in (…)` — each an index condition the planner reads as one
 * array — then the rows of pairs not asked for left out (`keepKeys`): a list of (authority, id)
 * pairs (`(a, b) in ((…), (…))`) is planned as one branch a pair, which costs more to plan than the
 * query costs to run. Only for reads: a write names its rows exactly.
 */
import { type RawBuilder, sql } from "kysely";

/** A tenant's row: its authority and its id (a tender's, a project's, a contract's). */
export interface TenantKey {
  authority_id: string;
  id: string;
}

/** `<authorityColumn> in (…) and <idColumn> in (…)` over these keys (none: false). */
export function keysIn(
  authorityColumn: string,
  idColumn: string,
  keys: readonly TenantKey[],
): RawBuilder<boolean> {
  if (keys.length === 0) return sql<boolean>`false`;
  const authorities = [...new Set(keys.map((k) => k.authority_id))];
  const ids = [...new Set(keys.map((k) => k.id))];
  return sql<boolean>`${sql.ref(authorityColumn)} in (${sql.join(authorities)}) and ${sql.ref(idColumn)} in (${sql.join(ids)})`;
}

/** The rows whose (authority, id) — as `keyOf` reads them — is one of these keys, in their order. */
export function keepKeys<Row>(
  rows: readonly Row[],
  keys: readonly TenantKey[],
  keyOf: (row: Row) => readonly [authorityId: string, id: string],
): Row[] {
  const asked = new Set(keys.map((k) => `${k.authority_id}/${k.id}`));
  return rows.filter((row) => {
    const [authorityId, id] = keyOf(row);
    return asked.has(`${authorityId}/${id}`);
  });
}
