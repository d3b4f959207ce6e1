/**
 * Progress reports on the seeded demo data: the page, the JSON API and the PDF say the same figures;
 * a bad period is refused with 400 naming the field; the Welsh page; bids are counted only for
 * opened tenders (the market's figures).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { mainText } from "../../../tests/support/pages.ts";
import { translatorFor } from "../../http/i18n.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { systemCtx } from "../access/context.ts";
import { findAuthorityBySlug } from "../authorities/authorities.service.ts";
import { reportPdf } from "./pdf.ts";
import { reportLines } from "./reports.presenters.ts";
import { progressReport } from "./reports.service.ts";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ seeded: true });
});
afterAll(async () => {
  await app.close();
});

/**
 * The text a PDF made with `compress: false` shows: each TJ array's glyphs read through its font's
 * ToUnicode map (pdfkit embeds each font as a subset, a glyph two bytes; a ligature's glyph maps
 * to its letters, `<0066 0069>`), a line each.
 */
function pdfText(pdf: Buffer): string {
  const source = pdf.toString("latin1");
  const objects = new Map<string, string>();
  for (const m of source.matchAll(/(\d+) 0 obj([\s\S]*?)endobj/g))
    objects.set(m[1] as string, m[2] as string);
  const utf16 = (hex: string) => Buffer.from(hex, "hex").swap16().toString("utf16le");
  const fonts = new Map<string, Map<string, string>>();
  for (const [, name, ref] of source.matchAll(/\/(F\d+) (\d+) 0 R/g)) {
    const cmap = objects.get(/\/ToUnicode (\d+) 0 R/.exec(objects.get(ref as string) ?? "")?.[1] ?? "") ?? "";
    const glyphs = new Map<string, string>();
    for (const [, start, list] of cmap.matchAll(/<([0-9a-f]{4})> <[0-9a-f]{4}> \[([^\]]*)\]/gi))
      for (const [i, u] of [...(list as string).matchAll(/<([0-9a-f ]+)>/gi)].entries())
        glyphs.set(
          (Number.parseInt(start as string, 16) + i).toString(16).padStart(4, "0"),
          utf16((u[1] as string).replaceAll(" ", "")),
        );
    fonts.set(name as string, glyphs);
  }
  const lines: string[] = [];
  let font: Map<string, string> | undefined;
  for (const m of source.matchAll(/\/(F\d+) [\d.]+ Tf|\[([^\]]*)\]\s*TJ/g)) {
    if (m[1]) font = fonts.get(m[1]);
    else {
      const hex = [...(m[2] ?? "").matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => h[1]).join("");
      lines.push(
        (hex.match(/.{4}/g) ?? []).map((glyph) => font?.get(glyph.toLowerCase()) ?? "\ufffd").join(""),
      );
    }
  }
  return lines.join(" ").replace(/\s+/g, " ");
}

interface FigureJson {
  key: string;
  unit: string;
  current: string | null;
  previous: string | null;
  change: { comparable: boolean; difference: string | null; percentBp: string | null };
}

describe("progress reports", () => {
  it("say the same on the page, in the JSON API and in the PDF", async () => {
    const api = await call(
      app.app,
      "GET",
      `/api/v1/authorities/${DEMO_AUTHORITY.county}/reports?period=2026-Q3`,
    );
    expect(api.statusCode).toBe(200);
    const report = api.json();
    expect(report.period).toEqual({
      code: "2026-Q3",
      kind: "quarter",
      firstMonth: "2026-10",
      lastMonth: "2026-12",
    });
    expect(report.previousPeriod.code).toBe("2026-Q2");
    const figures = (report.sections as { figures: FigureJson[] }[]).flatMap((s) => s.figures);
    const byKey = new Map(figures.map((f) => [f.key, f]));
    // The demo data has published tenders and consultations in the period.
    expect(Number(byKey.get("tendersPublished")?.current)).toBeGreaterThan(0);
    // Bids per tender: the bids opened over the tenders opened, never a sealed count.
    const opened = Number(byKey.get("tendersOpened")?.current);
    const bids = Number(byKey.get("bidsOpened")?.current);
    const mean = byKey.get("bidsPerTender")?.current;
    expect(mean).toBe(opened > 0 ? String(Math.round((bids * 100) / opened)) : null);

    const page = await app.app.inject({
      url: "/authorities/westshire-county-council/reports?period=2026-Q3",
    });
    expect(page.statusCode).toBe(200);
    const text = mainText(page.body);
    const pdf = await app.app.inject({
      url: "/authorities/westshire-county-council/reports.pdf?period=2026-Q3",
    });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers["content-type"]).toBe("application/pdf");
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe("%PDF-");

    // The same lines, made again without compression, so that the PDF's text can be read back.
    const authority = await findAuthorityBySlug(app.deps.db, "westshire-county-council");
    const lines = reportLines(
      await progressReport(systemCtx(app.deps.db, app.deps.clock, "test"), authority ?? null, "2026-Q3"),
      translatorFor("en") as (key: string, options?: Record<string, unknown>) => string,
      "en",
    );
    const readable = pdfText(
      await reportPdf(
        lines,
        { value: "This period", previous: "Previous period", change: "Change" },
        { compress: false },
      ),
    );
    expect(readable).toContain("Progress report: Westshire County Council");
    expect(readable).toContain("Open Government Licence v3.0");
    expect(readable).toMatch(/Generated at/);
    for (const section of lines.sections)
      for (const line of section.lines) {
        expect(text).toContain(line.label);
        expect(text).toContain(`${line.label} ${line.value} ${line.previous} ${line.change}`);
        expect(readable).toContain(line.label);
        expect(readable).toContain(
          `${line.label} This period: ${line.value} Previous period: ${line.previous} Change: ${line.change}`.replace(
            /\s+/g,
            " ",
          ),
        );
      }
    // The JSON's figures, as the page shows them.
    const count = (key: string) => Number(byKey.get(key)?.current).toLocaleString("en-GB");
    for (const key of ["tendersPublished", "consultationsOpened", "responses", "tendersOpened", "awards"])
      expect(text).toContain(count(key));
  });

  it("prints every Welsh letter as written in the PDF (ŵ and ŷ, which the standard PDF fonts lack)", async () => {
    const lines = reportLines(
      await progressReport(systemCtx(app.deps.db, app.deps.clock, "test"), null, "2026-Q3"),
      translatorFor("cy") as (key: string, options?: Record<string, unknown>) => string,
      "cy",
    );
    const title = "Adroddiad cynnydd: Cyngor Gŵyr a Dyffryn Tŷ Ŵy Ŷ";
    const pdf = await reportPdf(
      { ...lines, title },
      { value: "Y cyfnod hwn", previous: "Y cyfnod blaenorol", change: "Newid" },
      { compress: false },
    );
    const readable = pdfText(pdf);
    expect(readable).toContain(title);
    expect(readable).not.toContain("\ufffd");
    for (const section of lines.sections) expect(readable).toContain(section.heading);
    expect(pdf.toString("latin1")).toContain("/Lang (cy-GB)");
  });

  it("says when the previous period cannot be compared rather than showing a change", async () => {
    const api = await call(app.app, "GET", "/api/v1/reports?period=2012-13");
    expect(api.statusCode).toBe(200);
    expect(api.json().comparable).toBe(false);
    const page = await app.app.inject({ url: "/reports?period=2012-13" });
    expect(page.statusCode).toBe(200);
    expect(mainText(page.body)).toContain("The previous period cannot be compared");
    expect(mainText(page.body)).toContain("Cannot be compared");
  });

  it("refuses a bad period with 400, naming the field and what to enter", async () => {
    const api = await call(app.app, "GET", "/api/v1/reports?period=2026-28");
    expect(api.statusCode).toBe(400);
    expect(JSON.stringify(api.json())).toContain("period");
    expect(JSON.stringify(api.json())).toContain("2026-Q3");
    const page = await app.app.inject({ url: "/reports?period=next-year" });
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('href="#period"');
    expect(mainText(page.body)).toContain("Enter a financial year like 2026-27");
    const pdf = await app.app.inject({ url: "/reports.pdf?period=2026-Q9" });
    expect(pdf.statusCode).toBe(400);
  });

  it("is in Welsh", async () => {
    const page = await app.app.inject({ url: "/reports?period=2026-27", headers: { cookie: "lang=cy" } });
    expect(page.statusCode).toBe(200);
    expect(mainText(page.body)).toContain("Adroddiad cynnydd: pob corff cyhoeddus");
    expect(mainText(page.body)).toContain("Drwydded Llywodraeth Agored");
  });
});
