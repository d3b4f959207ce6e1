import { describe, expect, it } from "vitest";
import { escapeHtml } from "./html.ts";

describe("escapeHtml", () => {
  it("escapes what HTML would read as markup, and leaves the rest as it is", () => {
    expect(escapeHtml(`<a href="x" title='y'>Tŷ & co</a>`)).toBe(
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;Tŷ &amp; co&lt;/a&gt;",
    );
    expect(escapeHtml(42)).toBe("42");
  });
});
