/**
 * Full-text search on a stored, GIN-indexed `tsvector` column, the same for every search: the words
 * as a web search engine reads them (`websearch_to_tsquery`: "home care", "care -residential",
 * "\"day centre\""), or every word typed as the start of a word (so "reabl" finds "Reablement" and
 * "river" finds "Riverside": the database's `prefix_tsquery`, made by the migration
 * `2026-12-09-02-national-scale`) when the text uses none of the web search's syntax. Both tests
 * are index conditions on the column: no row is read to decide whether it matches. The text may be
 * a value (a search) or a column (a saved search matched against a new tender): the same SQL.
 */
import { type Expression, type RawBuilder, type SqlBool, sql } from "kysely";

/** The longest search text read: what is typed beyond it is ignored. */
export const MAX_SEARCH_TEXT = 200;

/**
 * Whether the stored full text `column` matches `text`: see the file's comment. A search's text is
 * made into its queries once for the whole statement (each in a scalar subquery, which PostgreSQL
 * runs once): a prepared statement's generic plan would otherwise make them again for every row
 * it filters.
 *
 * With `rowByRow`, the same test is made on each row read rather than through the column's index:
 * for a page read in another index's order (a name, a date) when the matches are known to be many,
 * so that the next page's rows are near — where the index would find every match and sort them all
 * (at national scale a common word matches tens of thousands of rows, and a search's text in a
 * subquery hides from the planner how many).
 */
export function matchesText(
  column: Expression<unknown>,
  text: string | Expression<string>,
  options: { rowByRow?: boolean } = {},
): RawBuilder<SqlBool> {
  if (typeof text !== "string")
    return sql<SqlBool>`(${column} @@ websearch_to_tsquery('english', ${text}) or ${column} @@ prefix_tsquery(${text}))`;
  const words = text.slice(0, MAX_SEARCH_TEXT);
  // The function behind `@@`, which no index serves: the planner keeps the walk it has chosen.
  if (options.rowByRow)
    return sql<SqlBool>`(ts_match_vq(${column}, (select websearch_to_tsquery('english', ${words}))) or ts_match_vq(${column}, (select prefix_tsquery(${words}))))`;
  return sql<SqlBool>`(${column} @@ (select websearch_to_tsquery('english', ${words})) or ${column} @@ (select prefix_tsquery(${words})))`;
}

/**
 * An OCDS release's searchable text — its tender's title and description — as a `tsvector`: the very
 * expression the GIN indexes on `ocds_releases` and `ocds_external_releases` hold (migration
 * `2026-12-12-03-ocds-search`), so that a search through `matchesText` uses them.
 */
export const ocdsReleaseText = sql<string>`to_tsvector('english',
    coalesce(release #>> '{tender,title}', '') || ' ' || coalesce(release #>> '{tender,description}', ''))`;
