/**
 * Full-text search on a stored, GIN-indexed `tsvector` column, the same for every search: the words
 * as a web search engine reads them (`websearch_to_tsquery`: "home care", "care -residential",
 * "\"day centre\""), or every word typed as the start of a word (so "reabl" finds "Reablement" and
 * "river" finds "Riverside") when the text uses none of the web search's syntax. Both tests are
 * index conditions on the column: no row is read to decide whether it matches.
 */
import { type Expression, type RawBuilder, type SqlBool, sql } from "kysely";

/** The longest search text read: what is typed beyond it is ignored. */
export const MAX_SEARCH_TEXT = 200;

/**
 * Every word of `text` as a prefix, all of them required: "Riverside car" → `riverside:* & car:*`.
 * Letters and digits only, so nothing typed is read as the query language's syntax. Empty when
 * `text` has no word, or uses the web search's syntax (quotes, a minus, "or"): then it means that.
 */
export function prefixQueryText(text: string): string {
  if (/["\u201c\u201d]|(^|\s)-|(^|\s)or(\s|$)/i.test(text)) return "";
  const words =
    text
      .slice(0, MAX_SEARCH_TEXT)
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? [];
  return words
    .slice(0, 16)
    .map((word) => `${word}:*`)
    .join(" & ");
}

/** Whether the stored full text `column` matches `text`: see the file's comment. */
export function matchesText(column: Expression<unknown>, text: string): RawBuilder<SqlBool> {
  const searched = text.slice(0, MAX_SEARCH_TEXT);
  const prefixes = prefixQueryText(searched);
  const web = sql<SqlBool>`${column} @@ websearch_to_tsquery('english', ${searched})`;
  return prefixes === "" ? web : sql<SqlBool>`(${web} or ${column} @@ to_tsquery('english', ${prefixes}))`;
}
