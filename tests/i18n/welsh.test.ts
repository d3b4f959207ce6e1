/**
 * Welsh for every page (issue 14, item 7), kept so by three checks:
 * - every catalogue (`src/locales/` and each module's `locales/`) has its Welsh beside its English:
 *   every English key translated, every plural in all six Welsh forms (zero, one, two, few, many,
 *   other, as `Intl.PluralRules("cy")` chooses them), with the same placeholders;
 * - no template holds words of its own: all text comes from the catalogues;
 * - the public pages rendered in Welsh (on the demo data) hold no English sentence from the
 *   catalogues and no English date. Names, titles and descriptions are data, and stay as they were
 *   written;
 * - every message a service makes in English with `msg` (its errors) has its Welsh in a message
 *   catalogue (`locales/messages.cy.json`), and a form refused in Welsh says why in Welsh.
 *
 * `npx vitest run tests/i18n/welsh.test.ts -t "<catalogue file>"` checks one catalogue.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Catalogue,
  catalogueFiles,
  loadMessageTranslations,
  messageCatalogueFiles,
} from "../../src/http/i18n.ts";
import { DEMO_CHARITY_USER } from "../../src/seed/demo/consultations.ts";
import { createTestApp, type TestApp } from "../support/app.ts";
import { sessionFor, testBrowser } from "../support/auth.ts";
import { mainText } from "../support/pages.ts";
import { PUBLIC_PAGES } from "../support/public-pages.ts";
import { projectRoot } from "../support/spawn.ts";
import { sourceTemplates } from "./message-templates.ts";

const WELSH_PLURALS = ["zero", "one", "two", "few", "many", "other"] as const;
const PLURAL = /_(zero|one|two|few|many|other)$/;

function leaves(catalogue: Catalogue, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(catalogue)) {
    if (typeof value === "string") out.set(`${prefix}${key}`, value);
    else for (const [k, v] of leaves(value, `${prefix}${key}.`)) out.set(k, v);
  }
  return out;
}

const read = (file: string): Map<string, string> => {
  try {
    return leaves(JSON.parse(readFileSync(file, "utf8")) as Catalogue);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return new Map();
    throw error;
  }
};

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]).sort();

/** The pairs of catalogues: each English one and the Welsh beside it. */
const catalogues = catalogueFiles("en").map((en) => ({
  name: path.relative(projectRoot, en),
  en: read(en),
  cy: read(en.replace(/en\.json$/, "cy.json")),
}));

describe.each(catalogues)("the Welsh of $name", ({ en, cy }) => {
  it("translates every English key, each plural in all six Welsh forms", () => {
    const missing: string[] = [];
    for (const key of en.keys()) {
      if (!PLURAL.test(key)) {
        if (!cy.has(key)) missing.push(key);
        continue;
      }
      const stem = key.replace(PLURAL, "");
      for (const form of WELSH_PLURALS) if (!cy.has(`${stem}_${form}`)) missing.push(`${stem}_${form}`);
    }
    expect([...new Set(missing)]).toEqual([]);
  });

  it("has no key English lacks, and keeps each key's placeholders", () => {
    const stems = new Set([...en.keys()].map((k) => k.replace(PLURAL, "")));
    const extra = [...cy.keys()].filter((k) => !en.has(k) && !stems.has(k.replace(PLURAL, "")));
    expect(extra).toEqual([]);
    const differing = [...cy.entries()].filter(([key, welsh]) => {
      const english = en.get(key) ?? en.get(key.replace(PLURAL, "_other"));
      if (english === undefined) return false;
      // A plural form may leave out the count ("un", "dau") where English says it.
      const wanted = placeholders(english).filter((p) => !(PLURAL.test(key) && p === "count"));
      const got = placeholders(welsh).filter((p) => !(PLURAL.test(key) && p === "count"));
      return wanted.join() !== got.join();
    });
    expect(differing.map(([key]) => key)).toEqual([]);
  });
});

describe("templates", () => {
  it("hold no words of their own: all their text is from the catalogues", () => {
    const src = path.join(projectRoot, "src");
    const offenders: string[] = [];
    for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith(".njk")) continue;
      const file = path.join(entry.parentPath, entry.name);
      const text = readFileSync(file, "utf8")
        .replace(/\{#[\s\S]*?#\}/g, " ")
        .replace(/\{\{[\s\S]*?\}\}/g, " ")
        .replace(/\{%[\s\S]*?%\}/g, " ")
        // Code (cookie names, an API request) is not text to translate.
        .replace(/<(script|style|code|pre)\b[\s\S]*?<\/\1>/g, " ")
        .replace(/<[^>]*>/g, " ")
        .replace(/&#?\w+;/g, " ");
      // Names and acronyms (OpenPS, CPV) are the same in both languages.
      const words = (text.match(/[A-Za-z][A-Za-z'’]+/g) ?? []).filter(
        (w) => w !== "OpenPS" && !/^[A-Z]+$/.test(w),
      );
      if (words.length > 0) offenders.push(`${path.relative(src, file)}: ${words.join(" ").slice(0, 120)}`);
    }
    expect(offenders).toEqual([]);
  });
});

/** Every English sentence of the catalogues: the text between placeholders and tags, of 3 words or more. */
function englishSentences(): Set<string> {
  const out = new Set<string>();
  for (const { en, cy } of catalogues)
    for (const [key, english] of en) {
      if (cy.get(key) === english) continue;
      for (const part of english.split(/\{\{[^}]*\}\}|<[^>]*>|\$t\([^)]*\)/))
        for (const piece of part.split(/[:;.?!()“”"]/)) {
          const words = piece.trim();
          // A name the Welsh keeps as it is (an English policy's title) is not English to flag.
          if (words.split(/\s+/).length >= 3 && !cy.get(key)?.includes(words)) out.add(words);
        }
    }
  return out;
}

const MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December";
const WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday";
/**
 * Dates and times as the English pages write them: "1 April 2027", "Monday 5 April", "5:30pm on 1
 * …", "midday on 1 …". Data — a consultation's own words — may name a month, a day or a time of its
 * own ("from April 2027", "on Saturday mornings", "until 8pm on weekdays"), and is not flagged.
 */
const ENGLISH_DATE = new RegExp(
  `\\b(?:\\d{1,2} (?:${MONTHS})|(?:${WEEKDAYS}),? \\d|(?:\\d{1,2}(?::\\d{2})?[ap]m|midday|midnight) on \\d)`,
  "g",
);

/** The English dates and times in a page's text. */
function englishDates(text: string): string[] {
  return text.match(ENGLISH_DATE) ?? [];
}

describe("the public pages in Welsh", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ seeded: true });
  });
  afterAll(async () => {
    await t?.close();
  });

  const sentences = [...englishSentences()];
  it.each(PUBLIC_PAGES)(
    "%s has no English sentence from the catalogues, and no English date",
    async (url) => {
      const page = await t.app.inject({ method: "GET", url, headers: { cookie: "lang=cy" } });
      expect(page.statusCode).toBe(200);
      expect(page.body).toMatch(/<html lang="cy"/);
      const text = mainText(page.body);
      const english = sentences.filter((s) => text.includes(s));
      expect(english).toEqual([]);
      expect(englishDates(text)).toEqual([]);
    },
  );

  it("names the service categories in Welsh", async () => {
    const page = await t.app.inject({ method: "GET", url: "/opportunities", headers: { cookie: "lang=cy" } });
    const text = mainText(page.body);
    expect(text).toContain("Gofal cymdeithasol i oedolion");
    expect(text).not.toContain("Adult social care");
  });

  it("shows a provider its notices in Welsh, made from messages (data, like a KPI's name, as written)", async () => {
    const session = await sessionFor(t.app, DEMO_CHARITY_USER.id, { twoFactor: true });
    const headers = { cookie: `${session.cookie}; lang=cy` };
    const inbox = await t.app.inject({ method: "GET", url: "/inbox", headers });
    expect(inbox.statusCode).toBe(200);
    const listed = mainText(inbox.body);
    expect(listed).toContain("Sgôr DPA wedi’i chyhoeddi: Sitting service for carers");
    expect(listed).not.toContain("KPI rating published");
    expect(sentences.filter((s) => listed.includes(s))).toEqual([]);
    expect(englishDates(listed)).toEqual([]);
    const first = /href="(\/inbox\/[0-9a-f-]{36})"/.exec(inbox.body)?.[1] ?? "";
    const notice = mainText((await t.app.inject({ method: "GET", url: first, headers })).body);
    expect(notice).toMatch(
      /Mae eich perfformiad yn erbyn “[^”]+” ar gyfer \d+ \p{L}+ 2026 i \d+ \p{L}+ 2026 wedi cael y sgôr/u,
    );
    expect(englishDates(notice)).toEqual([]);
  });
});

describe("the messages services make in English (msg)", () => {
  const found = sourceTemplates(projectRoot);
  const welsh = loadMessageTranslations("cy");
  const placeholdersOf = (text: string) => [...text.matchAll(/\{(\d+)\}/g)].map((m) => m[1]).sort();

  it("each have their Welsh in a message catalogue", () => {
    const missing = found.filter(({ template }) => !(template in welsh)).map((f) => `${f.at}: ${f.template}`);
    expect(missing).toEqual([]);
  });

  it("keep each value in their Welsh, and the catalogues hold no message the source no longer makes", () => {
    const made = new Set(found.map((f) => f.template));
    expect(Object.keys(welsh).filter((template) => !made.has(template))).toEqual([]);
    const differing = Object.entries(welsh).filter(
      ([template, text]) => placeholdersOf(template).join() !== placeholdersOf(text).join(),
    );
    expect(differing.map(([template]) => template)).toEqual([]);
    expect(messageCatalogueFiles("cy").length).toBeGreaterThan(0);
  });
});

describe("a form refused in Welsh", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("says what is wrong in Welsh, in the error summary and beside each field", async () => {
    const browser = testBrowser(t.app);
    await browser.get("/sign-up?lang=cy");
    await browser.get("/sign-up");
    const page = await browser.post("/sign-up", { displayName: "", email: "", password: "" });
    expect(page.statusCode).toBe(400);
    const text = mainText(page.body);
    expect(text).toContain("Rhowch eich enw");
    expect(text).toContain("Rhowch eich cyfeiriad e-bost");
    expect(text).not.toContain("Enter your name");
    expect(text).not.toContain("Error:");
    expect(page.body).not.toMatch(/<span lang="en">/);
  });

  it("says why a search of the public's is refused in Welsh", async () => {
    const page = await t.app.inject({
      method: "GET",
      url: "/regulation/find?postcodeDistrict=not-a-postcode",
      headers: { cookie: "lang=cy" },
    });
    expect(page.statusCode).toBe(400);
    expect(mainText(page.body)).toContain("Rhowch ddosbarth cod post fel WS1, neu god post llawn");
  });

  it("says why signing in failed in Welsh", async () => {
    const browser = testBrowser(t.app);
    await browser.get("/sign-in?lang=cy");
    await browser.get("/sign-in");
    const page = await browser.post("/sign-in", {
      email: "nobody@example.com",
      password: "not the password",
    });
    expect(page.statusCode).toBe(400);
    expect(mainText(page.body)).toContain("Rhowch y cyfeiriad e-bost a’r cyfrinair cywir");
  });
});
