/**
 * Outcomes by provider sector and size (issue 20, item 9), pure: counts grouped by the provider's
 * sector and size band, with the providers each group holds, and the small-numbers rule applied to
 * each grouping as a table whose rows' and columns' totals are published.
 */
import { describe, expect, it } from "vitest";
import { outcomeTable, type ProviderFacts, RESULT_COLUMNS, resultCounts } from "./outcomes.ts";

const facts = new Map<string, ProviderFacts>([
  ["charity-a", { sector: "charity", sizeBand: "small" }],
  ["charity-b", { sector: "charity", sizeBand: "large" }],
  ["company", { sector: "large-company", sizeBand: "large" }],
]);
const order = { sector: ["charity", "large-company"], size: ["small", "large"] };

describe("outcomes compared by provider sector and size", () => {
  it("adds up each group's counts, with the providers it holds; large providers included; a provider not in the directory as not known", () => {
    const table = outcomeTable(
      ["good", "inadequate"],
      [
        { organisationId: "charity-a", column: "good", count: 30 },
        { organisationId: "charity-b", column: "good", count: 10 },
        { organisationId: "charity-b", column: "inadequate", count: 20 },
        { organisationId: "company", column: "good", count: 25 },
        { organisationId: "company", column: "inadequate", count: 15 },
        { organisationId: "elsewhere", column: "good", count: 11 },
      ],
      facts,
      order,
    );
    const [sector, size] = table.groupings;
    expect(sector?.rows).toEqual([
      { key: "charity", providers: 2, cells: [40, 20], total: 60 },
      { key: "large-company", providers: 1, cells: [25, 15], total: 40 },
      { key: "unknown", providers: 1, cells: [11, 0], total: 11 },
    ]);
    expect(size?.rows.map((r) => [r.key, r.providers, r.total])).toEqual([
      ["small", 1, 30],
      ["large", 2, 70],
      ["unknown", 1, 11],
    ]);
    expect(sector?.all).toEqual({ key: "all", providers: 4, cells: [76, 35], total: 111 });
    expect(size?.all).toEqual(sector?.all);
  });

  it("hides a count of 1 to 9, and the next smallest beside it in its row and its column, so no total gives it away", () => {
    // Charity: 12 good, 3 inadequate (15); the company: 20 good, 15 inadequate (35); all: 32, 18 (50).
    const table = outcomeTable(
      ["good", "inadequate"],
      [
        { organisationId: "charity-a", column: "good", count: 12 },
        { organisationId: "charity-a", column: "inadequate", count: 3 },
        { organisationId: "company", column: "good", count: 20 },
        { organisationId: "company", column: "inadequate", count: 15 },
      ],
      facts,
      order,
    );
    const [sector] = table.groupings;
    expect(sector?.rows).toEqual([
      // The 3, then the 12 beside it (15 − 12 would tell it), then in each column the next smallest.
      { key: "charity", providers: 1, cells: [null, null], total: 15 },
      { key: "large-company", providers: 1, cells: [null, null], total: 35 },
    ]);
    expect(sector?.all).toEqual({ key: "all", providers: 2, cells: [32, 18], total: 50 });
  });

  it("counts payment by results as those with an outcome and those without, so neither is told by the other", () => {
    const table = outcomeTable(
      RESULT_COLUMNS,
      resultCounts([
        { organisation_id: "charity-a", referred: 40, achieved: 35 },
        { organisation_id: "company", referred: 60, achieved: 20 },
      ]),
      facts,
      order,
    );
    const [sector] = table.groupings;
    // 5 without an outcome is hidden, so are the 35 with one (40 referred less 35 would tell it).
    expect(sector?.rows[0]).toEqual({ key: "charity", providers: 1, cells: [null, null], total: 40 });
    expect(sector?.all.total).toBe(100);
  });
});
