/**
 * A page of a ledger's transactions by key: internal to the budgets module, never on its public
 * surface (no other module imports this file; budgets.routes.test.ts checks it). It checks no
 * permission: its callers (`ledgerView`, `personLedger`) check who may see the budget first.
 */

import type { Db } from "../../db/database.ts";
import { decodeKey, encodeKey } from "../../db/paging.ts";
import * as repo from "./budgets.repository.ts";
import type { BudgetEntry, BudgetTransaction } from "./budgets.table.ts";

/** Transactions on a page of a ledger. */
export const TRANSACTIONS_PAGE = 20;

/**
 * A page of a ledger's transactions, newest first, by key (their numbers): `after` a previous page's
 * `next` (older), or `before` its `previous` (newer); with their entries.
 */
export async function transactionsByKey(
  db: Db,
  authorityId: string,
  planId: string,
  page: { after?: string | undefined; before?: string | undefined; pageSize?: number | undefined },
): Promise<{
  rows: BudgetTransaction[];
  entries: BudgetEntry[];
  next: string | null;
  previous: string | null;
}> {
  const size = page.pageSize ?? TRANSACTIONS_PAGE;
  const after = decodeKey(page.after, ["number"], "after")?.[0] as number | undefined;
  const before = decodeKey(page.before, ["number"], "before")?.[0] as number | undefined;
  // Newest first: "after" is older (lower numbers), "before" newer.
  let rows = await repo.transactionsPage(db, authorityId, planId, {
    ...(after !== undefined ? { beforeSeq: after } : {}),
    ...(before !== undefined ? { afterSeq: before } : {}),
    limit: size + 1,
  });
  const more = rows.length > size;
  rows = rows.slice(0, size);
  if (before !== undefined) rows.reverse();
  const entries = await repo.entriesOf(
    db,
    authorityId,
    rows.map((r) => r.id),
  );
  const first = rows[0];
  const last = rows[rows.length - 1];
  const olderExist = before !== undefined ? (last?.seq ?? 0) > 1 : more;
  const newerExist = before !== undefined ? more : after !== undefined;
  return {
    rows,
    entries,
    next: olderExist && last ? encodeKey([last.seq]) : null,
    previous: newerExist && first ? encodeKey([first.seq]) : null,
  };
}
