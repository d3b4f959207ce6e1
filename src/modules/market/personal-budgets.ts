/**
 * The open figures of personal budgets (issue 17, item 10), as pure functions: an authority's plans
 * and payments in, the rows of the kept aggregates out (`budgetFiguresOf`); and the small-numbers
 * rule applied when they are read (`suppressed`). docs/market.md says how each is counted.
 *
 * The small-numbers rule: a cell counting 1 to 9 people (budgets, reviews) is shown as "fewer than
 * 10" and its money hidden too. Where the cells of a group add up to a total that is shown, and
 * exactly one of them is hidden, the next smallest is hidden as well (by count, then key), so the
 * total less the others cannot give it away; a total under 10 is itself hidden.
 */
import { hiddenParts, isSmall, SMALL_NUMBER } from "../../lib/small-numbers.ts";
import type { OrganisationFacts } from "./figures.ts";

/** Below this many people a count is not shown (the one rule: src/lib/small-numbers.ts). */
export { SMALL_NUMBER };

/** The delivery types, in the order they are shown. */
export const DELIVERY_TYPES = [
  "direct-payment",
  "managed-by-authority",
  "managed-by-organisation",
  "mixed",
] as const;

/** How a review that fell due was met, in the order shown. */
export const TIMELINESS = ["on-time", "late", "overdue"] as const;

/** What a budget paid by direct payment to others than providers in the directory counts as. */
export const DIRECT_SPEND = "direct-spend";

export interface PlanFacts {
  planId: string;
  areaCode: string;
  live: boolean;
  delivery: string;
  weeklyPence: bigint;
  reviews: readonly { dueOn: string; clock: string; timeliness: string }[];
}

export interface PaidFacts {
  planId: string;
  organisationId: string | null;
  paidPence: bigint;
}

/** "Choice not available" records of an area and how they were answered (waiting: not yet; overdue: of those, past the day). */
export interface UnavailableFacts {
  area_code: string;
  records: number;
  on_time: number;
  late: number;
  waiting: number;
  overdue: number;
}

/** How "choice not available" records were answered, in the order shown. */
export const ANSWERS = ["on-time", "late", "waiting"] as const;

export interface BudgetFigures {
  budgets: { area_code: string; delivery: string; people: number; weekly_pence: bigint }[];
  spend: { area_code: string; sector: string; size_band: string; budgets: number; paid_pence: bigint }[];
  reviews: { area_code: string; month: string; clock: string; timeliness: string; reviews: number }[];
  unavailable: UnavailableFacts[];
}

const add = <T>(map: Map<string, T>, key: string, start: () => T, change: (row: T) => void) => {
  let row = map.get(key);
  if (!row) {
    row = start();
    map.set(key, row);
  }
  change(row);
};

/** The kept aggregates of one authority's plans and what their budgets paid out. */
export function budgetFiguresOf(
  plans: readonly PlanFacts[],
  paid: readonly PaidFacts[],
  organisations: ReadonlyMap<string, OrganisationFacts>,
  unavailable: readonly UnavailableFacts[] = [],
): BudgetFigures {
  const budgets = new Map<string, BudgetFigures["budgets"][number]>();
  const reviews = new Map<string, BudgetFigures["reviews"][number]>();
  const areaOf = new Map<string, string>();
  for (const plan of plans) {
    areaOf.set(plan.planId, plan.areaCode);
    if (plan.live)
      add(
        budgets,
        `${plan.areaCode}|${plan.delivery}`,
        () => ({ area_code: plan.areaCode, delivery: plan.delivery, people: 0, weekly_pence: 0n }),
        (row) => {
          row.people += 1;
          row.weekly_pence += plan.weeklyPence;
        },
      );
    for (const review of plan.reviews) {
      const month = `${review.dueOn.slice(0, 7)}-01`;
      add(
        reviews,
        `${plan.areaCode}|${month}|${review.clock}|${review.timeliness}`,
        () => ({
          area_code: plan.areaCode,
          month,
          clock: review.clock,
          timeliness: review.timeliness,
          reviews: 0,
        }),
        (row) => {
          row.reviews += 1;
        },
      );
    }
  }
  const spend = new Map<string, BudgetFigures["spend"][number] & { plans: Set<string> }>();
  for (const p of paid) {
    const area = areaOf.get(p.planId) ?? "";
    const facts = p.organisationId ? organisations.get(p.organisationId) : undefined;
    const sector = p.organisationId ? (facts?.sector ?? "unknown") : DIRECT_SPEND;
    const size = p.organisationId ? (facts?.sizeBand ?? "unknown") : "";
    add(
      spend,
      `${area}|${sector}|${size}`,
      () => ({ area_code: area, sector, size_band: size, budgets: 0, paid_pence: 0n, plans: new Set() }),
      (row) => {
        row.plans.add(p.planId);
        row.budgets = row.plans.size;
        row.paid_pence += p.paidPence;
      },
    );
  }
  return {
    budgets: [...budgets.values()],
    spend: [...spend.values()].map(({ plans: _, ...row }) => row),
    reviews: [...reviews.values()],
    unavailable: unavailable.filter((u) => u.records > 0).map((u) => ({ ...u })),
  };
}

/** A cell of a table as read: its key, its count (people, budgets, reviews) and its money, if any. */
export interface Cell {
  key: string;
  count: number;
  value?: bigint | undefined;
}

/** A cell as it may be shown: its count and money, or null for each when hidden. */
export interface ShownCell {
  key: string;
  count: number | null;
  value: bigint | null;
  /** Hidden by the small-numbers rule (its own count under 10, or hidden beside another). */
  suppressed: boolean;
}

/**
 * The small-numbers rule over one group of cells whose total is shown (src/lib/small-numbers.ts):
 * every count of 1 to 9 hidden with its money; when exactly one is hidden, the next smallest too.
 */
export function suppressed(cells: readonly Cell[]): ShownCell[] {
  const hidden = hiddenParts(cells.map((c) => c.count));
  return cells.map((c, i) => ({
    key: c.key,
    count: hidden[i] ? null : c.count,
    value: hidden[i] ? null : (c.value ?? null),
    suppressed: hidden[i] === true,
  }));
}

/** A group's total as it may be shown: hidden when it counts fewer than `SMALL_NUMBER`. */
export function suppressedTotal(cells: readonly Cell[]): ShownCell {
  const count = cells.reduce((n, c) => n + c.count, 0);
  const value = cells.reduce((n, c) => n + (c.value ?? 0n), 0n);
  // A total of none is hidden too: an empty group is not published as a figure.
  const hide = count === 0 || isSmall(count);
  return { key: "total", count: hide ? null : count, value: hide ? null : value, suppressed: hide };
}
