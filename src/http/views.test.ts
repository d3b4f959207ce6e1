import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { FastifyRequest } from "fastify";
import nunjucks from "nunjucks";
import { describe, expect, it } from "vitest";
import { translatorFor } from "./i18n.ts";
import {
  accountNavigationFor,
  compileAllTemplates,
  createViewEnvironment,
  languagesFor,
  MOST_NAVIGATION_ITEMS,
  NAVIGATION,
  navigationFor,
  pageAddresses,
  templateTranslator,
  watchTemplates,
} from "./views.ts";

describe("navigationFor", () => {
  const t = translatorFor("en");

  it("gives the public at most six sections, grouped by who uses them, and marks the current page", () => {
    expect(navigationFor(false, "/open-data", t)).toEqual([
      { text: "Find a service", href: "/regulation/find", current: false, active: false },
      { text: "Providers", href: "/organisations", current: false, active: false },
      { text: "Opportunities", href: "/opportunities", current: false, active: false },
      { text: "Public bodies", href: "/authorities", current: false, active: false },
      { text: "Open data", href: "/open-data", current: true, active: false },
    ]);
    for (const entries of Object.values(NAVIGATION))
      expect(entries.length).toBeLessThanOrEqual(MOST_NAVIGATION_ITEMS);
  });

  it("puts their work first for someone signed in", () => {
    const items = navigationFor(true, "/tasks", t);
    expect(items.map((item) => [item.text, item.href])).toEqual([
      ["Your work", "/tasks"],
      ["Find a service", "/regulation/find"],
      ["Providers", "/organisations"],
      ["Opportunities", "/opportunities"],
      ["Public bodies", "/authorities"],
      ["Open data", "/open-data"],
    ]);
    expect(items[0]?.current).toBe(true);
    expect(NAVIGATION.signedIn).toHaveLength(MOST_NAVIGATION_ITEMS);
  });

  it("marks a section active on the pages under it and on the lists it holds", () => {
    const activeOn = (path: string) =>
      navigationFor(false, path, t)
        .filter((item) => item.current || item.active)
        .map((item) => item.href);
    expect(activeOn("/open-data/archive")).toEqual(["/open-data"]);
    expect(activeOn("/regulation/compare")).toEqual(["/regulation/find"]);
    for (const path of [
      "/authorities/westshire-county-council/tenders",
      "/pipeline",
      "/consultations/x",
      "/right-to-challenge",
      "/contracts",
      "/regulators/x",
      "/public-bodies/x",
    ])
      expect(activeOn(path), path).toEqual(["/authorities"]);
    // A path that only begins like a section is not in it; the home page is in none.
    expect(activeOn("/authoritiesx")).toEqual([]);
    expect(activeOn("/")).toEqual([]);
  });

  it("is in Welsh for a Welsh reader", () => {
    expect(navigationFor(true, "/", translatorFor("cy")).map((item) => item.text)).toEqual([
      "Eich gwaith",
      "Dod o hyd i wasanaeth",
      "Darparwyr",
      "Cyfleoedd",
      "Cyrff cyhoeddus",
      "Data agored",
    ]);
  });
});

describe("accountNavigationFor", () => {
  const t = translatorFor("en");

  it("gives someone signed in their inbox, with how many are unread in its name when any are, and their account", () => {
    expect(accountNavigationFor(false, "/", t).map((item) => item.href)).toEqual(["/sign-in"]);
    const none = accountNavigationFor(true, "/inbox", t);
    expect(none.map((item) => [item.text, item.href, item.current])).toEqual([
      ["Inbox", "/inbox", true],
      ["Your account", "/account", false],
    ]);
    expect(none[0]?.html).toBeUndefined();
    const some = accountNavigationFor(true, "/inbox/019a0000-0000-7000-8000-0000000000aa", t, 1234);
    expect(some[0]).toMatchObject({
      text: "Inbox",
      active: true,
      html: 'Inbox <strong class="openps-unread-count">1234 unread</strong>',
    });
    expect(accountNavigationFor(true, "/", translatorFor("cy"), 2)[0]?.html).toBe(
      'Mewnflwch <strong class="openps-unread-count">2 heb eu darllen</strong>',
    );
  });
});

describe("pageAddresses", () => {
  const request = (url: string, options: { method?: string; signedIn?: boolean } = {}) =>
    ({
      url,
      method: options.method ?? "GET",
      routeOptions: { config: { rules: { who: { signedIn: options.signedIn ?? false } } } },
    }) as unknown as FastifyRequest;

  it("gives the canonical address and each language's, absolute on the public base URL", () => {
    expect(
      pageAddresses(request("/organisations?q=care&lang=cy"), "https://openps.example.org/", 200),
    ).toEqual({
      canonical: "https://openps.example.org/organisations?q=care",
      alternates: [
        { hreflang: "en", href: "https://openps.example.org/organisations?q=care&lang=en" },
        { hreflang: "cy", href: "https://openps.example.org/organisations?q=care&lang=cy" },
        { hreflang: "x-default", href: "https://openps.example.org/organisations?q=care" },
      ],
      indexable: true,
    });
  });

  it("keeps out of search engines what is signed in only, an error and a form sent back", () => {
    expect(
      pageAddresses(request("/account", { signedIn: true }), "http://localhost:3000", 200).indexable,
    ).toBe(false);
    expect(pageAddresses(request("/nowhere"), "http://localhost:3000", 404).indexable).toBe(false);
    expect(
      pageAddresses(request("/sign-in", { method: "POST" }), "http://localhost:3000", 400).indexable,
    ).toBe(false);
    // A path that a browser would read as another site stays on this one.
    expect(pageAddresses(request("//evil.example/x"), "http://localhost:3000", 200).canonical).toBe(
      "http://localhost:3000/x",
    );
  });
});

describe("languagesFor", () => {
  it("links each language to this page, describing the change in that language", () => {
    expect(languagesFor("/cookies?x=1", "cy")).toEqual([
      {
        text: "English",
        lang: "en",
        href: "/cookies?x=1&lang=en",
        current: false,
        languageDescriptionText: "Change the language to English",
      },
      {
        text: "Cymraeg",
        lang: "cy",
        href: "/cookies?x=1&lang=cy",
        current: true,
        languageDescriptionText: "Newid yr iaith i’r Gymraeg",
      },
    ]);
  });
});

describe("templateTranslator", () => {
  const env = new nunjucks.Environment(null, { autoescape: true });
  const t = templateTranslator(translatorFor("en"));

  it("escapes plain text", () => {
    expect(env.renderString('{{ t("layout.skipLink") }} {{ "<b>" }}', { t })).toBe(
      "Skip to main content &lt;b&gt;",
    );
  });

  it("keeps the markup of *Html keys but escapes their parameters", () => {
    const html = env.renderString('{{ t("errors.serverError.referenceHtml", { requestId: id }) }}', {
      t,
      id: '<script>alert("x")</script>',
    });
    expect(html).toContain("<strong>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</strong>");
  });
});

describe("the trim filter", () => {
  const env = createViewEnvironment();
  const render = (template: string, value: unknown) => env.renderString(template, { value });

  it("trims the white space Nunjucks' own trim does, in linear time", () => {
    for (const value of ["  a  b \n", "\u00a0\u2028x\ufeff\t", "", "   ", "no space"]) {
      expect(render("{{ value | trim }}", value)).toBe(value.replace(/^\s*|\s*$/g, ""));
    }
    // A long run of white space inside: the old filter's regular expression took 19 s of CPU on this.
    const long = `a${" ".repeat(200_000)}b`;
    expect(render("{{ value | trim | length }}", ` ${long} `)).toBe(String(long.length));
  });

  it("keeps markup marked safe, and escapes the rest", () => {
    expect(render("{{ value | safe | trim }}", " <b>x</b> ")).toBe("<b>x</b>");
    expect(render("{{ value | trim }}", " <b>x</b> ")).toBe("&lt;b&gt;x&lt;/b&gt;");
  });
});

describe("compileAllTemplates", () => {
  it("compiles every template — ours and the GOV.UK components' — as production does at start", () => {
    const env = createViewEnvironment();
    expect(compileAllTemplates(env)).toBeGreaterThan(150);
  });
});

describe("watchTemplates (development)", () => {
  it("keeps each template compiled until its file changes, then reads it again", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "openps-views-"));
    const file = path.join(dir, "watched.njk");
    fs.writeFileSync(file, "first");
    const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(dir));
    const stop = watchTemplates(env, [dir]);
    try {
      const name = path.basename(file);
      expect(env.render(name, {})).toBe("first");
      const updated = new Promise((resolve) => (env as unknown as NodeJS.EventEmitter).on("update", resolve));
      fs.writeFileSync(file, "second");
      await updated;
      expect(env.render(name, {})).toBe("second");
    } finally {
      stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
