/**
 * Bulk reads page by key: each page is a short query ordered by a unique key, continuing after the
 * last key seen. PGlite cannot stream, and long work must never hold one query open.
 */
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
