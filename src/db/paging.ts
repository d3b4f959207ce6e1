/**
 * Bulk reads page by key: each page is a short query ordered by a unique key, continuing after the
 * last key seen. PGlite cannot stream, and long work must never hold one query open.
 */
import { type Expression, type RawBuilder, type SelectQueryBuilder, sql } from "kysely";
import { ValidationError } from "../lib/errors.ts";
import { isUuid } from "../lib/ids.ts";
import { msg } from "../lib/messages.ts";
import type { Db } from "./database.ts";

export async function* pageByKey<Row, Key>(
  fetchPage: (after: Key | undefined, limit: number) => Promise<Row[]>,
  keyOf: (row: Row) => Key,
  pageSize = 1000,
): AsyncGenerator<Row[]> {
  let after: Key | undefined;
  for (;;) {
    const rows = await fetchPage(after, pageSize);
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < pageSize) return;
    after = keyOf(rows[rows.length - 1] as Row);
  }
}

/**
 * How many rows a search matches, counted up to `cap` and no further: exact when there are few,
 * "more than `cap`" (`atLeast`) when not — a page never counts a whole table. The query's own
 * selection is replaced.
 */
export async function countUpTo<DB, TB extends keyof DB, O>(
  db: Db,
  query: SelectQueryBuilder<DB, TB, O>,
  cap: number,
): Promise<Total> {
  const matched = query
    .clearSelect()
    .select(sql<number>`1`.as("one"))
    .clearOrderBy()
    .limit(cap + 1);
  const row = await db
    .selectFrom(matched.as("m"))
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .executeTakeFirstOrThrow();
  const n = Number(row.n);
  return n > cap ? { count: cap, atLeast: true } : { count: n, atLeast: false };
}

/** A count of matches: `count` exactly, or at least `count` (`atLeast`) when counting stopped there. */
export interface Total {
  count: number;
  atLeast: boolean;
}

/** The counts a search shows are exact up to this many matches. */
export const COUNT_CAP = 1000;

/** A value of a page's key as a link carries it. */
export type KeyValue = string | number;

/**
 * Where a page starts (or ends), as its link carries it: the key of the row before it (or after
 * it), opaque to the reader. Key paging reads a page by an index, however far in.
 */
export function encodeKey(values: readonly KeyValue[]): string {
  return Buffer.from(JSON.stringify(values)).toString("base64url");
}

/**
 * A key read from a link, checked against its shape (`"string"` or `"number"` for each value), or
 * a `ValidationError` naming `field` when it is not one: a link cut short or made by hand.
 */
export function decodeKey(
  text: string | undefined,
  shape: readonly ("string" | "number")[],
  field: string,
): KeyValue[] | undefined {
  if (text === undefined || text === "") return undefined;
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    values = undefined;
  }
  if (
    Array.isArray(values) &&
    values.length === shape.length &&
    values.every(
      (value, i) => typeof value === shape[i] && (typeof value !== "number" || Number.isFinite(value)),
    )
  )
    return values as KeyValue[];
  const message = msg`This page link is not complete. Go back to the first page of results and try again.`;
  throw new ValidationError(message, [{ field, message }]);
}

/**
 * A time-and-id key read from a link (an ISO instant, then a row's UUID: a list newest or oldest
 * first), checked to be one: `decodeKey`'s shape, a date that parses and a UUID, else a
 * `ValidationError` naming `field` (400), never a query the database refuses (500).
 */
export function decodeTimeKey(text: string | undefined, field: string): { at: Date; id: string } | undefined {
  const key = decodeKey(text, ["string", "string"], field);
  if (!key) return undefined;
  const at = new Date(key[0] as string);
  const id = key[1] as string;
  if (!Number.isNaN(at.getTime()) && isUuid(id)) return { at, id };
  const message = msg`This page link is not complete. Go back to the first page of results and try again.`;
  throw new ValidationError(message, [{ field, message }]);
}

/** How many of a search's matches have each value of a facet (a filter's values). */
export type FacetCounts = { value: string; count: number }[];

/**
 * In one query: how many rows `matched` finds — all of them, or up to `upTo` (beyond which the
 * count says `upTo` and nothing more is counted) — and, over those same rows, the counts of each
 * facet asked for. `groups` says how to count each facet: SQL selecting (value, count) from `m`,
 * the matches (e.g. `select m.sector, count(*) from m group by m.sector`). The matches are found
 * once, first, through the search's indexes; the facets are counted only when the matches are
 * within the limit — beyond it, no one is shown them.
 */
export async function countMatches<Facet extends string>(
  db: Db,
  matched: Expression<unknown>,
  groups: Record<Facet, RawBuilder<unknown>>,
  facets: readonly Facet[],
  upTo?: number,
): Promise<{ matched: number; facets: Partial<Record<Facet, FacetCounts>> }> {
  const within = upTo === undefined ? sql`true` : sql`(select count(*) from m) < ${upTo}`;
  const parts = [
    sql`select 'total', '', count(*) from m`,
    ...facets.map((facet) => sql`select ${sql.lit(facet)}, g.* from (${groups[facet]}) as g where ${within}`),
  ];
  const { rows } = await sql<{ facet: string; value: string; count: string }>`
    with m as materialized (${matched})
    select q.facet, q.value, q.count from (${sql.join(parts, sql` union all `)}) as q (facet, value, count)`.execute(
    db,
  );
  const result = { matched: 0, facets: {} as Partial<Record<Facet, FacetCounts>> };
  for (const facet of facets) result.facets[facet] = [];
  for (const row of rows) {
    if (row.facet === "total") result.matched = Number(row.count);
    else result.facets[row.facet as Facet]?.push({ value: row.value, count: Number(row.count) });
  }
  return result;
}
