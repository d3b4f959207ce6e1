/**
 * The charts without a database: each colour stands out against the white background (WCAG 2.2,
 * 1.4.11: 3:1 for graphical objects), a figure renders to an accessible SVG image, quickly enough
 * to draw on a page, and counts by share are written as people read them.
 */
import { describe, expect, it } from "vitest";
import {
  BAR,
  chartsOf,
  contractsCsv,
  contractsText,
  financialYearText,
  RATING_COLOURS,
  renderChart,
  SECTOR_COLOURS,
  SOURCE_COLOURS,
  shareBp,
  TIMELINESS_COLOURS,
} from "./charts.ts";

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
const contrastWithWhite = (hex: string) => 1.05 / (luminance(hex) + 0.05);

describe("the charts", () => {
  it("draws in colours of at least 3:1 against white, each sector, rating and source its own", () => {
    for (const [name, colour] of Object.entries({
      BAR,
      ...SECTOR_COLOURS,
      ...RATING_COLOURS,
      ...SOURCE_COLOURS,
      ...TIMELINESS_COLOURS,
    }))
      expect(contrastWithWhite(colour), name).toBeGreaterThanOrEqual(3);
    expect(new Set(Object.values(SOURCE_COLOURS)).size).toBe(Object.keys(SOURCE_COLOURS).length);
    expect(new Set(Object.values(SECTOR_COLOURS)).size).toBe(Object.keys(SECTOR_COLOURS).length);
    expect(new Set(Object.values(RATING_COLOURS)).size).toBe(Object.keys(RATING_COLOURS).length);
  });

  it("renders a Vega-Lite chart to an SVG image named by its title and description, without a browser", async () => {
    const figure = {
      id: "contracts-by-sector" as const,
      title: "Contract value by provider sector",
      description: "Charities & mutuals hold <most> of it.",
      spec: {
        data: {
          values: [
            { label: "Charity", value: 1200 },
            { label: "Public service mutual", value: 800 },
          ],
        },
        mark: "bar" as const,
        encoding: {
          y: { field: "label", type: "nominal" as const },
          x: { field: "value", type: "quantitative" as const },
        },
      },
    };
    const started = performance.now();
    const svg = await renderChart(figure);
    const first = performance.now() - started;
    expect(svg).toMatch(
      /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" class="openps-chart" width="\d+" height="\d+" viewBox="0 0 \d+ \d+" role="img" aria-labelledby="chart-contracts-by-sector-title chart-contracts-by-sector-desc" focusable="false"><title id="chart-contracts-by-sector-title">Contract value by provider sector<\/title><desc id="chart-contracts-by-sector-desc">Charities &amp; mutuals hold &lt;most&gt; of it\.<\/desc>/,
    );
    expect(svg).toContain(">Public service mutual</text>");
    expect(svg.match(/<path[^>]*class="[^"]*"/g)?.length ?? 0).toBeGreaterThan(0);
    expect(svg).not.toMatch(/role="graphics|aria-roledescription|style=/);
    // Once Vega is loaded, a chart takes milliseconds (measured: about 10–20 ms each on this machine).
    const again = performance.now();
    for (let i = 0; i < 5; i += 1) await renderChart(figure);
    const each = (performance.now() - again) / 5;
    expect(each).toBeLessThan(Math.max(first, 250));
  });

  it("writes contracts counted by share, shares and financial years as people read them", () => {
    expect(contractsCsv(10_000n)).toBe("1");
    expect(contractsCsv(25_000n)).toBe("2.5");
    expect(contractsCsv(3_333n)).toBe("0.33");
    expect(contractsText(12_345_000_000n)).toBe("1,234,500");
    expect(shareBp(1n, 3n)).toBe(3333);
    expect(shareBp(2n, 3n)).toBe(6667);
    expect(shareBp(5n, 0n)).toBe(0);
    expect(financialYearText(2026)).toBe("2026–27");
    expect(financialYearText(2099)).toBe("2099–00");
  });
});

describe("personal budgets' charts", () => {
  it("draw the cells shown and leave the hidden out, with their tables saying so", async () => {
    const cell = (key: string, count: number | null, value: bigint | null = null) => ({
      key,
      count,
      value,
      suppressed: count === null,
    });
    const words = { t: (key: string) => key, locale: "en" as const, category: (code: string) => code };
    const figures = chartsOf(
      "personal-budgets",
      {
        byDelivery: [cell("direct-payment", 12, 120_000n), cell("mixed", null)],
        people: cell("total", 15, 150_000n),
        spendBySector: [cell("charity", 11, 50_000n), cell("direct-spend", 10, 20_000n)],
        spendBySize: [cell("small", 21, 70_000n)],
        spend: cell("total", 21, 70_000n),
        reviews: [
          {
            ...cell("adult-social-care.plan|on-time", 14),
            clock: "adult-social-care.plan",
            timeliness: "on-time",
          },
          { ...cell("sen.plan|late", null), clock: "sen.plan", timeliness: "late" },
        ],
        reviewTotals: [cell("on-time", 14), cell("late", null), cell("overdue", null)],
        unavailable: [cell("on-time", 11), cell("late", null), cell("waiting", null)],
        unavailableRecords: cell("records", 18),
        unavailableOverdue: cell("overdue", null),
      },
      words,
    );
    expect(figures.map((f) => f.id)).toEqual([
      "budgets-by-delivery",
      "budget-spend-by-sector",
      "budget-spend-by-size",
      "review-timeliness",
      "choice-not-available-answers",
    ]);
    expect(figures[4]?.csv).toEqual([
      ["on-time", 11, "openps"],
      ["late", "<10", "openps"],
      ["waiting", "<10", "openps"],
      ["overdue", "<10", "openps"],
    ]);
    expect(figures[0]?.csv).toEqual([
      ["direct-payment", 12, 120_000n, "openps"],
      ["mixed", "<10", "", "openps"],
    ]);
    expect(figures[0]?.cells[1]?.slice(1, 3)).toEqual([
      "market.personalBudgets.fewerThan10",
      "market.personalBudgets.hidden",
    ]);
    for (const figure of figures) {
      const svg = await renderChart(figure);
      expect(svg, figure.id).toContain('role="img"');
      expect(svg, figure.id).toContain("mark-rect");
    }
  });
});
