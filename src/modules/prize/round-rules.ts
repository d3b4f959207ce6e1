/**
 * The prize's rules as pure functions (docs/prize.md, "The round's clock" and "The shortlist"): a
 * round's state on a London day, what is allowed in each state, and the shortlist of a category
 * from the judges' scores, ties at the last place kept in.
 */

/** A round's states, in order. */
export const ROUND_STATES = ["upcoming", "nominating", "judging", "shortlisted", "decided"] as const;
export type RoundState = (typeof ROUND_STATES)[number];

/** What may be done to a round. */
export type RoundAction =
  | "nominate"
  | "appoint-judge"
  | "declare"
  | "score"
  | "publish-shortlist"
  | "publish-winners";

export interface RoundDates {
  nominations_open_on: string;
  nominations_close_on: string;
  shortlist_on: string;
  winners_on: string;
  shortlist_published_at: Date | null;
  winners_published_at: Date | null;
}

/**
 * The round's state on a London day: upcoming before nominations open; nominating from the opening
 * day through the closing day; judging from the day after until the shortlist is published;
 * shortlisted until the winners are; decided after.
 */
export function roundState(round: RoundDates, today: string): RoundState {
  if (round.winners_published_at) return "decided";
  if (round.shortlist_published_at) return "shortlisted";
  if (today < round.nominations_open_on) return "upcoming";
  if (today <= round.nominations_close_on) return "nominating";
  return "judging";
}

/**
 * What is allowed on a day: nominating while nominations are open; judges appointed until the
 * shortlist is published; declaring and scoring while judging; the shortlist published while
 * judging, from its announced day; the winners once shortlisted, from theirs.
 */
export function allowedActions(round: RoundDates, today: string): Set<RoundAction> {
  const state = roundState(round, today);
  const allowed = new Set<RoundAction>();
  if (state === "nominating") allowed.add("nominate");
  if (state === "upcoming" || state === "nominating" || state === "judging") allowed.add("appoint-judge");
  if (state === "judging") {
    allowed.add("declare");
    allowed.add("score");
    if (today >= round.shortlist_on) allowed.add("publish-shortlist");
  }
  if (state === "shortlisted" && today >= round.winners_on) allowed.add("publish-winners");
  return allowed;
}

/** A nominee's scores, summed. */
export interface Tally {
  nominationId: string;
  total: number;
  count: number;
}

/** A nominee on the shortlist: its place (tied nominees share it) and whether it is tied there. */
export interface Shortlisted {
  nominationId: string;
  rank: number;
  tied: boolean;
  /** The mean score, in hundredths (7.50 is 750), rounded down. */
  mean: number;
}

/**
 * A category's shortlist: nominees scored by at least one judge, by their mean score, highest
 * first; each takes the place after the number above it (1, 2, 2, 4); every one placed within
 * `size` is shortlisted — so nominees tied at the last place are all kept in, and the shortlist is
 * longer than `size` rather than choosing among equals by chance.
 */
export function shortlistOf(tallies: readonly Tally[], size: number): Shortlisted[] {
  // Means compared exactly, as fractions: a/b > c/d ⇔ a·d > c·b (counts are positive).
  const scored = tallies.filter((t) => t.count > 0);
  const sorted = [...scored].sort(
    (a, b) => b.total * a.count - a.total * b.count || a.nominationId.localeCompare(b.nominationId),
  );
  const same = (a: Tally, b: Tally) => a.total * b.count === b.total * a.count;
  const placed = sorted.map((t, i) => {
    const rank = sorted.findIndex((u) => same(u, t)) + 1;
    const tied = sorted.some((u, j) => j !== i && same(u, t));
    return { nominationId: t.nominationId, rank, tied, mean: Math.floor((t.total * 100) / t.count) };
  });
  return placed.filter((p) => p.rank <= size);
}
