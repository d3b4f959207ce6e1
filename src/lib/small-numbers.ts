/**
 * The small-numbers rule of every open figure (the market's personal budgets, users' feedback, an
 * area's figures of choice, their open datasets): one place, one rule.
 *
 * A count of 1 to 9 is not shown (0 is: it names no one). Where parts add up to a total that is
 * published, and exactly one of them is hidden — or the hidden ones add up to 1 to 9 — the next
 * smallest part that is not zero is hidden too (by count, then by its place), so the total less the
 * others cannot give it, nor their sum, away. A table whose rows
 * and columns both add up to published totals (months × ways of being met) applies that to every row
 * and every column until no group has a lone hidden part. Where any two counts of a group may be
 * subtracted to count people — those referred in a month less those of them attached are those not
 * attached — no two counts shown are 1 to 9 apart either (`hiddenApart`).
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

/**
 * Which counts of one group are hidden when the difference of any two of them is itself a count of
 * people (those referred less those attached: the people not attached; a total less a part: the
 * other parts): each of 1 to 9, then, of every two counts shown that are 1 to 9 apart, the smaller
 * (the pairs taken in order: the first count with each after it, then the second, …), so that no
 * count shown, nor the difference of any two shown, is 1 to 9. The largest count is never hidden for a difference (the other of the two is
 * smaller), so a total every rate is of stays shown. Hiding a count never makes two others closer,
 * so one pass over the pairs is enough.
 */
export function hiddenApart(counts: readonly number[]): boolean[] {
  const hidden = counts.map(isSmall);
  for (let i = 0; i < counts.length; i++)
    for (let j = i + 1; j < counts.length && !hidden[i]; j++) {
      const a = counts[i] ?? 0;
      const b = counts[j] ?? 0;
      if (!hidden[j] && isSmall(Math.abs(a - b))) hidden[a < b ? i : j] = true;
    }
  return hidden;
}

/**
 * In one group of `counts` (the cells at `at`, each times its sign), hides the next smallest beside a
 * lone hidden one, or beside hidden ones whose sum is itself 1 to 9 (the total less the parts shown
 * gives that sum: a small number of people, even if not whose); whether it did.
 */
function hideBesideLone(
  counts: readonly number[],
  hidden: boolean[],
  at: readonly number[],
  signs?: readonly number[],
): boolean {
  let lone = 0;
  let sum = 0;
  at.forEach((i, k) => {
    if (!hidden[i]) return;
    lone++;
    sum += (signs?.[k] ?? 1) * (counts[i] ?? 0);
  });
  if (lone === 0 || (lone > 1 && !isSmall(Math.abs(sum)))) return false;
  let next = -1;
  for (const i of at) {
    const c = counts[i] ?? 0;
    if (!hidden[i] && c > 0 && (next < 0 || c < (counts[next] ?? 0))) next = i;
  }
  if (next < 0) return false;
  hidden[next] = true;
  return true;
}

/**
 * Which parts of a published total are hidden: each of 1 to 9, and the next smallest beside a lone
 * one or beside hidden ones adding up to 1 to 9 (parts 12, 3 and 4 of 19: the 12 too, else 19 − 12
 * would say that 7 are in the other two).
 */
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

/**
 * A published identity between cells: the cells at `cells`, each times its sign (1 unless `signs`
 * says -1), add up to a known total — a total published beside them, or 0 where that total is itself
 * one of the cells (a stage's received less its answers and those not answered yet).
 */
export interface Identity {
  cells: readonly number[];
  signs?: readonly number[];
}

/** Whether the hidden cell `at` follows from the identities (its unit vector in their row space over the hidden cells). */
function follows(hidden: readonly boolean[], identities: readonly Identity[], at: number): boolean {
  const columns = hidden.flatMap((h, i) => (h ? [i] : []));
  const rowOf = (id: Identity) =>
    columns.map((c) => id.cells.reduce((v, cell, k) => (cell === c ? v + (id.signs?.[k] ?? 1) : v), 0));
  const rank = (rows: number[][]): number => {
    const m = rows.map((r) => [...r]);
    let r = 0;
    for (let c = 0; c < columns.length && r < m.length; c++) {
      const p = m.findIndex((row, i) => i >= r && Math.abs(row[c] ?? 0) > 1e-9);
      if (p < 0) continue;
      [m[r], m[p]] = [m[p] as number[], m[r] as number[]];
      const pivot = m[r] as number[];
      for (let i = 0; i < m.length; i++) {
        const row = m[i] as number[];
        if (i === r || Math.abs(row[c] ?? 0) < 1e-9) continue;
        const f = (row[c] ?? 0) / (pivot[c] ?? 1);
        for (let k = c; k < columns.length; k++) row[k] = (row[k] ?? 0) - f * (pivot[k] ?? 0);
      }
      r++;
    }
    return r;
  };
  const rows = identities.map(rowOf).filter((r) => r.some((v) => v !== 0));
  const unit = columns.map((c) => (c === at ? 1 : 0));
  return rank([...rows, unit]) === rank(rows);
}

/**
 * Which cells are hidden when the identities between them are published (a table's totals in every
 * direction, parts that add up to other parts): each of 1 to 9; then the next smallest beside a lone
 * hidden one in any identity; then, while any hidden cell still follows from the identities together
 * (solving them as equations), the smallest not-zero cell shown in an identity with it (or, where
 * there is none, in any identity with a hidden cell).
 */
export function hiddenCells(counts: readonly number[], identities: readonly Identity[]): boolean[] {
  const hidden = counts.map(isSmall);
  for (let changed = true; changed; ) {
    changed = false;
    for (const id of identities) if (hideBesideLone(counts, hidden, id.cells, id.signs)) changed = true;
    if (changed) continue;
    for (let at = 0; at < counts.length && !changed; at++) {
      if (!hidden[at] || !follows(hidden, identities, at)) continue;
      // The smallest shown beside it; else (it follows through other identities) in any with a hidden one.
      const smallest = (beside: (id: Identity) => boolean) => {
        let next = -1;
        for (const id of identities) {
          if (!beside(id)) continue;
          for (const i of id.cells) {
            const c = counts[i] ?? 0;
            if (!hidden[i] && c > 0 && (next < 0 || c < (counts[next] ?? 0))) next = i;
          }
        }
        return next;
      };
      let next = smallest((id) => id.cells.includes(at));
      if (next < 0) next = smallest((id) => id.cells.some((i) => hidden[i]));
      if (next >= 0) {
        hidden[next] = true;
        changed = true;
      }
    }
  }
  return hidden;
}
