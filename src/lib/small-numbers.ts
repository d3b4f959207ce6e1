/**
 * The small-numbers rule of every open figure (the market's personal budgets, users' feedback, an
 * area's figures of choice, their open datasets): one place, one rule.
 *
 * A count of 1 to 9 is not shown (0 is: it names no one). Where parts add up to a total that is
 * published, and exactly one of them is hidden, the next smallest part that is not zero is hidden too
 * (by count, then by its place), so the total less the others cannot give it away. A table whose rows
 * and columns both add up to published totals (months × ways of being met) applies that to every row
 * and every column until no group has a lone hidden part.
 */

/** Below this many a count is not shown. */
export const SMALL_NUMBER = 10;

/** Whether a count is hidden on its own: 1 to 9. */
export function isSmall(count: number): boolean {
  return count > 0 && count < SMALL_NUMBER;
}

/** A count as published: null when hidden on its own. */
export function shownCount(count: number): number | null {
  return isSmall(count) ? null : count;
}

/** In one group of `counts` (the cells at `at`), hides the next smallest beside a lone hidden one; whether it did. */
function hideBesideLone(counts: readonly number[], hidden: boolean[], at: readonly number[]): boolean {
  if (at.filter((i) => hidden[i]).length !== 1) return false;
  let next = -1;
  for (const i of at) {
    const c = counts[i] ?? 0;
    if (!hidden[i] && c > 0 && (next < 0 || c < (counts[next] ?? 0))) next = i;
  }
  if (next < 0) return false;
  hidden[next] = true;
  return true;
}

/** Which parts of a published total are hidden: each of 1 to 9, and the next smallest beside a lone one. */
export function hiddenParts(counts: readonly number[]): boolean[] {
  const hidden = counts.map(isSmall);
  hideBesideLone(
    counts,
    hidden,
    counts.map((_, i) => i),
  );
  return hidden;
}

/**
 * Which cells of a table are hidden when its columns' totals are published (over all its rows) and
 * so are its rows' totals over `rowParts` (the columns that add up to a row's total): each of 1 to 9,
 * then the next smallest beside a lone hidden one in any row or column, until none is lone.
 */
export function hiddenTable(rows: readonly (readonly number[])[], rowParts: readonly number[]): boolean[][] {
  const width = rows[0]?.length ?? 0;
  const flat = rows.flat();
  const hidden = flat.map(isSmall);
  const rowGroups = rows.map((_, r) => rowParts.map((c) => r * width + c));
  const columnGroups = Array.from({ length: width }, (_, c) => rows.map((_, r) => r * width + c));
  for (let changed = true; changed; ) {
    changed = false;
    for (const group of [...rowGroups, ...columnGroups])
      if (hideBesideLone(flat, hidden, group)) changed = true;
  }
  return rows.map((_, r) => hidden.slice(r * width, (r + 1) * width));
}
