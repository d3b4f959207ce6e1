/**
 * A progress report as a PDF, made on the server with pdfkit (pure JavaScript) in DejaVu Sans,
 * embedded (subset to the characters used): every letter of English and Welsh prints as written —
 * ŵ and ŷ included, which the PDF standard fonts lack. The title, the period and the one compared
 * with, each section's figures with the previous period's and the change, when it was generated,
 * and the licence line — the same lines as the page (reports.presenters.ts). `compress: false`
 * leaves the text readable in the file (through each font's ToUnicode map), as the tests read it back.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import PDFDocument from "pdfkit";
import type { ReportLines } from "./reports.presenters.ts";

const MARGIN = 50;

/** The fonts' files (DejaVu's licence: node_modules/dejavu-fonts-ttf/LICENSE), read once. */
const FONTS = (() => {
  const require = createRequire(import.meta.url);
  let files: { regular: Buffer; bold: Buffer } | undefined;
  return () => {
    files ??= {
      regular: fs.readFileSync(require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf")),
      bold: fs.readFileSync(require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf")),
    };
    return files;
  };
})();

export function reportPdf(
  lines: ReportLines,
  labels: { value: string; previous: string; change: string },
  options: { compress?: boolean } = {},
): Promise<Buffer> {
  const doc = new PDFDocument({
    size: "A4",
    margin: MARGIN,
    compress: options.compress ?? true,
    info: { Title: lines.title, Subject: lines.periodName, Producer: "OpenPS" },
    lang: lines.lang === "cy" ? "cy-GB" : "en-GB",
  });
  const fonts = FONTS();
  doc.registerFont("Body", fonts.regular);
  doc.registerFont("Body-Bold", fonts.bold);
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  const width = doc.page.width - 2 * MARGIN;
  doc.font("Body-Bold").fontSize(20).text(lines.title);
  doc.moveDown(0.3).font("Body").fontSize(13).text(lines.periodName);
  if (lines.comparison) doc.moveDown(0.3).fontSize(10).text(lines.comparison);
  for (const section of lines.sections) {
    doc.moveDown(0.8).font("Body-Bold").fontSize(14).text(section.heading, MARGIN);
    for (const line of section.lines) {
      doc.moveDown(0.3).font("Body-Bold").fontSize(10).text(line.label, MARGIN, undefined, { width });
      doc
        .font("Body")
        .text(
          `${labels.value}: ${line.value}   ${labels.previous}: ${line.previous}   ${labels.change}: ${line.change}`,
          MARGIN,
          undefined,
          { width },
        );
    }
  }
  doc.moveDown(1).font("Body").fontSize(9);
  for (const text of [lines.generated, lines.computed, lines.licence])
    if (text) doc.text(text, MARGIN, undefined, { width });
  doc.end();
  return done;
}
