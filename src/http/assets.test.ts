import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildStylesheet, stylesheetSourceHash, versionedName } from "./assets.ts";

const cacheDir = await mkdtemp(path.join(tmpdir(), "openps-styles-"));
// A stylesheet cached from older sources, which the build replaces.
await writeFile(path.join(cacheDir, "application-0000.css"), "old");
afterAll(() => rm(cacheDir, { recursive: true, force: true }));

describe("the stylesheet", () => {
  const stylesheet = buildStylesheet({ cacheDir });

  it("uses the system font stack and never GDS Transport", () => {
    expect(
      stylesheet.css.includes(
        'font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif',
      ),
    ).toBe(true);
    expect(stylesheet.css.match(/GDS Transport|@font-face|\.woff/g)).toBeNull();
  });

  it("loads no image at all, so no crown", () => {
    // govuk-frontend's only image in CSS is the footer's crest; our image-url function drops it.
    expect(stylesheet.css.match(/url\([^)]*\)/g)).toBeNull();
  });

  it("has the generic header, service navigation, footer and our own styles", () => {
    for (const selector of [
      ".govuk-generic-header",
      ".govuk-service-navigation",
      ".govuk-language-navigation",
      ".govuk-footer",
      ".openps-footer__statement",
    ]) {
      expect(stylesheet.css.includes(selector), selector).toBe(true);
    }
  });

  it("is cached under a name made from its sources, and named by its content", async () => {
    expect(await readdir(cacheDir)).toEqual([`application-${stylesheetSourceHash()}.css`]);
    expect(stylesheet.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(buildStylesheet({ cacheDir })).toEqual(stylesheet);
  });
});

describe("versionedName", () => {
  it("puts the hash before the extensions", () => {
    expect(versionedName("favicon.svg", "ab12")).toBe("favicon-ab12.svg");
    expect(versionedName("govuk-frontend.min.js", "ab12")).toBe("govuk-frontend-ab12.min.js");
    expect(versionedName("LICENCE", "ab12")).toBe("LICENCE-ab12");
  });
});
