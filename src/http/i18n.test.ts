import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../lib/errors.ts";
import { NATIONS } from "../lib/working-days.ts";
import { AUTHORITY_KINDS, COUNTRIES } from "../modules/authorities/authorities.table.ts";
import { IDENTIFIER_SCHEMES } from "../modules/organisations/identifiers.ts";
import { SECTORS } from "../modules/organisations/organisations.table.ts";
import { formErrors } from "./forms.ts";
import {
  catalogueKeys,
  langCookie,
  languageOf,
  loadCatalogue,
  localeFor,
  localeFromAcceptLanguage,
  localiseMessage,
  parseCookies,
  switchLanguageHref,
  translatorFor,
  withoutLangParam,
} from "./i18n.ts";

const srcDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const en = new Set(catalogueKeys(loadCatalogue("en")));
const cy = new Set(catalogueKeys(loadCatalogue("cy")));

const PLURAL = /_(zero|one|two|few|many|other)$/;
/** A key as templates use it: plural forms (`x_one`, `x_other`) are used as `x`. */
const usedForm = (key: string) => key.replace(PLURAL, "");
const enUsed = new Set([...en].map(usedForm));
const cyUsed = new Set([...cy].map(usedForm));

/** Every literal key passed to `t("…")` in the templates under `dir`. */
function templateKeys(dir: string): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".njk")) continue;
    const file = path.join(entry.parentPath, entry.name);
    const source = readFileSync(file, "utf8");
    for (const match of source.matchAll(/\bt\(\s*"([^"]+)"\s*[,)]/g)) {
      const key = match[1] as string;
      keys.set(key, [...(keys.get(key) ?? []), path.relative(srcDir, file)]);
    }
  }
  return keys;
}

const layoutAndErrors = templateKeys(path.join(srcDir, "views"));
const pageTemplates = templateKeys(path.join(srcDir, "modules", "pages", "views"));

describe("message catalogues", () => {
  it("has no Welsh key that English lacks", () => {
    const extra = [...cy].filter((key) => !enUsed.has(usedForm(key)));
    expect(extra).toEqual([]);
  });

  it("finds the keys used by the layout, partials and error pages", () => {
    expect(layoutAndErrors.size).toBeGreaterThan(20);
    expect([...layoutAndErrors.keys()]).toContain("errors.notFound.title");
    expect([...layoutAndErrors.keys()]).toContain("footer.accessibility");
  });

  it("has every key of the layout and error pages in English and in Welsh", () => {
    const missing = [...layoutAndErrors.keys()].flatMap((key) => [
      ...(enUsed.has(key) ? [] : [`en: ${key}`]),
      ...(cyUsed.has(key) ? [] : [`cy: ${key}`]),
    ]);
    expect(missing).toEqual([]);
  });

  it("has every key the public pages use in English", () => {
    expect(pageTemplates.size).toBeGreaterThan(50);
    const missing = [...pageTemplates.keys()].filter((key) => !enUsed.has(key));
    expect(missing).toEqual([]);
  });

  it("labels every sector, kind of authority, nation, country and register of identifiers", () => {
    const labels = [
      ...IDENTIFIER_SCHEMES.map((scheme) => `labels.scheme.${scheme.code}`),
      ...SECTORS.map((sector) => `labels.sector.${sector}`),
      ...AUTHORITY_KINDS.map((kind) => `labels.authorityKind.${kind}`),
      ...NATIONS.map((nation) => `labels.nation.${nation}`),
      ...COUNTRIES.map((country) => `labels.country.${country}`),
    ];
    expect(labels.filter((key) => !en.has(key))).toEqual([]);
    expect(translatorFor("en")("labels.sector.public-service-mutual")).toBe(
      "Public service mutual (employee-led spin-out)",
    );
  });

  it("keeps the same placeholders and links in both languages", () => {
    const t = { en: translatorFor("en"), cy: translatorFor("cy") };
    const shape = (text: string) => ({
      placeholders: [...text.matchAll(/\{\{[^}]+\}\}/g)].map((m) => m[0]).sort(),
      hrefs: [...text.matchAll(/href="([^"]+)"/g)].map((m) => m[1]).sort(),
    });
    const raw = (catalogue: ReturnType<typeof loadCatalogue>, key: string) =>
      key
        .split(".")
        .reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], catalogue) as string;
    const enCatalogue = loadCatalogue("en");
    const cyCatalogue = loadCatalogue("cy");
    // Welsh has plural forms English lacks (zero, two, few, many): each is compared with English's
    // "other", and may spell the count out where English gives it as a number.
    const englishOf = (key: string) => (en.has(key) ? key : key.replace(PLURAL, "_other"));
    const withoutCount = (s: ReturnType<typeof shape>) => ({
      ...s,
      placeholders: s.placeholders.filter((p) => !/^\{\{\s*count\b/.test(p)),
    });
    for (const key of cy) {
      const welsh = shape(raw(cyCatalogue, key));
      const english = shape(raw(enCatalogue, englishOf(key)));
      if (PLURAL.test(key)) expect(withoutCount(welsh), key).toEqual(withoutCount(english));
      else expect(welsh, key).toEqual(english);
    }
    expect(t.cy("errors.notFound.title")).toBe("Ni ellir dod o hyd i’r dudalen");
  });
});

describe("translators", () => {
  it("translates the layout and the pages into Welsh", () => {
    const cyT = translatorFor("cy");
    expect(cyT("footer.accessibility")).toBe("Datganiad hygyrchedd");
    expect(cyT("footer.privacy")).toBe("Hysbysiad preifatrwydd");
    expect(cyT("footer.cookies")).toBe("Cwcis");
    expect(cyT("footer.openData")).toBe("Data agored");
    expect(cyT("pages.cookies.title")).not.toBe(translatorFor("en")("pages.cookies.title"));
  });

  it("remembers a text asked for without parameters, and still fills in a text's parameters each time", () => {
    const t = translatorFor("en");
    expect(translatorFor("en")).toBe(t);
    expect(t("footer.cookies")).toBe("Cookies");
    expect(t("footer.cookies")).toBe("Cookies");
    expect(t("accounts.nav.unread", { count: 3 })).toBe("3 unread");
    expect(t("accounts.nav.unread", { count: 12 })).toBe("12 unread");
    expect(t("no.such.key")).toBe("no.such.key");
  });

  it("says which language a key is shown in: Welsh where it has its own, English where it falls back", () => {
    expect(languageOf("cy", "errors.serverError.title")).toBe("cy");
    expect(languageOf("cy", "pages.home.title")).toBe("cy");
    expect(languageOf("en", "pages.home.title")).toBe("en");
    expect(languageOf("cy", "no.such.key")).toBe("en");
  });

  it("chooses each of the six Welsh plural forms", () => {
    const t = translatorFor("cy");
    const forms = [0, 1, 2, 3, 6, 7].map((count) => t("pages.home.organisationsTotal", { count }));
    expect(new Set(forms).size).toBe(6);
  });

  it("chooses the plural and formats the number", () => {
    const t = translatorFor("en");
    expect(t("pages.home.organisationsTotal", { count: 1 })).toContain("lists 1 organisation that provides");
    expect(t("pages.home.organisationsTotal", { count: 12345 })).toContain("lists 12,345 organisations");
  });

  it("returns an unknown key as itself, so it shows up", () => {
    expect(translatorFor("en")("no.such.key")).toBe("no.such.key");
  });
});

describe("choosing the locale", () => {
  it("prefers the lang cookie, then Accept-Language, then English", () => {
    expect(localeFor({ cookie: "other=1; lang=cy", "accept-language": "en-GB" })).toBe("cy");
    expect(localeFor({ cookie: "lang=en", "accept-language": "cy" })).toBe("en");
    expect(localeFor({ cookie: "lang=fr", "accept-language": "cy-GB,cy;q=0.9,en;q=0.5" })).toBe("cy");
    expect(localeFor({ "accept-language": "en-GB,en;q=0.9,cy;q=0.8" })).toBe("en");
    expect(localeFor({ "accept-language": "fr-FR,cy;q=0.3" })).toBe("cy");
    expect(localeFor({})).toBe("en");
  });

  it("ignores languages the browser refuses (q=0)", () => {
    expect(localeFromAcceptLanguage("cy;q=0, en;q=0.1")).toBe("en");
    expect(localeFromAcceptLanguage("de")).toBeUndefined();
  });

  it("reads cookies, keeping the first of a name", () => {
    expect(parseCookies("a=1; lang=cy; lang=en; b=%20x")).toEqual({ a: "1", lang: "cy", b: " x" });
    expect(parseCookies(undefined)).toEqual({});
  });

  it("sets a year-long, site-wide, same-site cookie", () => {
    expect(langCookie("cy", false)).toBe("lang=cy; Path=/; Max-Age=31536000; SameSite=Lax");
    expect(langCookie("en", true)).toContain("; Secure");
  });
});

describe("the language switch", () => {
  it("links to the same page with ?lang=", () => {
    expect(switchLanguageHref("/open-data?page=2", "cy")).toBe("/open-data?page=2&lang=cy");
    expect(switchLanguageHref("/open-data?lang=cy", "en")).toBe("/open-data?lang=en");
  });

  it("redirects back to the same page without the parameter", () => {
    expect(withoutLangParam("/cookies?lang=cy")).toBe("/cookies");
    expect(withoutLangParam("/search?q=care&lang=cy&page=2")).toBe("/search?q=care&page=2");
  });

  it("never redirects to another site", () => {
    expect(withoutLangParam("//evil.example/?lang=cy")).toBe("/");
    expect(withoutLangParam("/\\evil.example/?lang=cy")).toBe("/");
    expect(withoutLangParam("https://evil.example/x?lang=cy")).toBe("/x");
  });
});

describe("messages services make in English", () => {
  it("are shown in Welsh where the message catalogue has them, with their values, and in English where not", () => {
    expect(localiseMessage("Password must be 12 characters or more", "cy")).toEqual({
      text: "Rhaid i’r cyfrinair fod yn 12 nod neu fwy",
      lang: "cy",
    });
    expect(localiseMessage("Wait for 5 minutes", "cy")).toEqual({ text: "Wait for 5 minutes", lang: "en" });
    expect(localiseMessage("Enter your name", "en")).toEqual({ text: "Enter your name", lang: "en" });
  });

  it("reach a form's error summary and fields in the page's language, English marked as such", () => {
    const errors = formErrors(
      new ValidationError("Check your details", [
        { field: "displayName", message: "Enter your name" },
        { field: "email", message: "Something not yet in Welsh" },
      ]),
      undefined,
      "cy",
    );
    expect(errors.errorList).toEqual([
      { text: "Rhowch eich enw", href: "#displayName" },
      {
        text: "Something not yet in Welsh",
        html: '<span lang="en">Something not yet in Welsh</span>',
        href: "#email",
      },
    ]);
    expect(errors.fields.displayName).toEqual({ text: "Rhowch eich enw", visuallyHiddenText: "Gwall" });
  });
});
