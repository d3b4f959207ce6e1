/**
 * A progress report as a PDF, made on the server with pdfkit (pure JavaScript, its standard
 * Helvetica): the title, the period and the one compared with, each section's figures with the
 * previous period's and the change, when it was generated, and the licence line — the same lines as
 * the page (reports.presenters.ts). `compress: false` leaves the text readable in the file, as the
 * tests read it back.
 */
import PDFDocument from "pdfkit";
import type { ReportLines } from "./reports.presenters.ts";

const MARGIN = 50;

/** The standard fonts speak Windows-1252: a character outside it becomes its nearest ASCII. */
function printable(text: string): string {
  return text.replace(/[−‐‑]/g, "-").replace(/[ŵŷŴŶ]/g, (c) => ({ ŵ: "w", ŷ: "y", Ŵ: "W", Ŷ: "Y" })[c] ?? c);
}

export function reportPdf(
  lines: ReportLines,
  labels: { value: string; previous: string; change: string },
  options: { compress?: boolean } = {},
): Promise<Buffer> {
  const doc = new PDFDocument({
    size: "A4",
    margin: MARGIN,
    compress: options.compress ?? true,
    info: { Title: printable(lines.title), Subject: printable(lines.periodName), Producer: "OpenPS" },
    lang: "en-GB",
  });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  const width = doc.page.width - 2 * MARGIN;
  doc.font("Helvetica-Bold").fontSize(20).text(printable(lines.title));
  doc.moveDown(0.3).font("Helvetica").fontSize(13).text(printable(lines.periodName));
  if (lines.comparison) doc.moveDown(0.3).fontSize(10).text(printable(lines.comparison));
  for (const section of lines.sections) {
    doc.moveDown(0.8).font("Helvetica-Bold").fontSize(14).text(printable(section.heading), MARGIN);
    for (const line of section.lines) {
      doc
        .moveDown(0.3)
        .font("Helvetica-Bold")
        .fontSize(10)
        .text(printable(line.label), MARGIN, undefined, { width });
      doc
        .font("Helvetica")
        .text(
          printable(
            `${labels.value}: ${line.value}   ${labels.previous}: ${line.previous}   ${labels.change}: ${line.change}`,
          ),
          MARGIN,
          undefined,
          { width },
        );
    }
  }
  doc.moveDown(1).font("Helvetica").fontSize(9);
  for (const text of [lines.generated, lines.computed, lines.licence])
    if (text) doc.text(printable(text), MARGIN, undefined, { width });
  doc.end();
  return done;
}
