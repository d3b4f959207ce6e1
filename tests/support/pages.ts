/**
 * Page text for route tests through `app.inject`: what a reader sees in a page's <main>, tags
 * removed, the entities the views escape decoded, and white space collapsed.
 *
 *   expect(mainText(response.body)).toContain("Lower Ashby Parish Council");
 */
export function mainText(html: string): string {
  const main = html.slice(html.indexOf("<main"), html.indexOf("</main>")).replace(/<[^>]+>/g, " ");
  return decoded(main).replace(/\s+/g, " ");
}

/** Text with the entities the views escape decoded. */
function decoded(text: string): string {
  return text
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");
}

/** The links of a page's error summary (`#field` for each error), in order. */
export function summaryLinks(html: string): string[] {
  const start = html.indexOf("govuk-error-summary");
  const summary = html.slice(start, html.indexOf("</ul>", start));
  return [...summary.matchAll(/<a href="([^"]+)">/g)].map((m) => m[1] ?? "");
}

/** The error summary's links with their text as a reader sees it (entities decoded), `[href, text]`, in order. */
export function summaryErrors(html: string): [string, string][] {
  const start = html.indexOf("govuk-error-summary");
  const summary = html.slice(start, html.indexOf("</ul>", start));
  return [...summary.matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g)].map((m) => [
    m[1] ?? "",
    decoded(m[2] ?? ""),
  ]);
}
