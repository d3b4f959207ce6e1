import nunjucks from "nunjucks";
import { describe, expect, it } from "vitest";
import { translatorFor } from "./i18n.ts";
import {
  accountNavigationFor,
  createViewEnvironment,
  languagesFor,
  NAVIGATION,
  navigationFor,
  templateTranslator,
} from "./views.ts";

describe("navigationFor", () => {
  const t = translatorFor("en");

  it("gives the public every public section, and marks the current page", () => {
    expect(navigationFor("public", "/open-data", t)).toEqual([
      { text: "Home", href: "/", current: false, active: false },
      { text: "Find a service", href: "/regulation/find", current: false, active: false },
      { text: "Providers", href: "/organisations", current: false, active: false },
      { text: "Opportunities", href: "/opportunities", current: false, active: false },
      { text: "Consultations", href: "/consultations", current: false, active: false },
      { text: "Pipeline", href: "/pipeline", current: false, active: false },
      { text: "Right to Challenge", href: "/right-to-challenge", current: false, active: false },
      { text: "Contracts", href: "/contracts", current: false, active: false },
      { text: "Open data", href: "/open-data", current: true, active: false },
    ]);
  });

  it("marks a section active on the pages under it, but never Home", () => {
    const items = navigationFor("public", "/open-data/archive", t);
    expect(items.filter((item) => item.current || item.active).map((item) => item.href)).toEqual([
      "/open-data",
    ]);
    expect(
      navigationFor("public", "/", t)
        .filter((item) => item.current)
        .map((item) => item.href),
    ).toEqual(["/"]);
    expect(navigationFor("public", "/consultations/x", t).find((item) => item.href === "/")?.active).toBe(
      false,
    );
  });

  it("gives an unknown role the public navigation, in Welsh too", () => {
    expect(navigationFor("somebody", "/", translatorFor("cy")).map((item) => item.text)).toEqual([
      "Hafan",
      "Dod o hyd i wasanaeth",
      "Darparwyr",
      "Cyfleoedd",
      "Ymgynghoriadau",
      "Piblinell",
      "Hawl i Herio",
      "Contractau",
      "Data agored",
    ]);
    expect(navigationFor("somebody", "/", t)).toEqual(navigationFor("public", "/", t));
    expect(NAVIGATION.public).toHaveLength(9);
  });
});

describe("accountNavigationFor", () => {
  const t = translatorFor("en");

  it("gives someone signed in their inbox, with how many are unread in its name when any are", () => {
    expect(accountNavigationFor(false, "/", t).map((item) => item.href)).toEqual(["/sign-in"]);
    const none = accountNavigationFor(true, "/inbox", t);
    expect(none.map((item) => [item.text, item.href, item.current])).toEqual([
      ["Inbox", "/inbox", true],
      ["Your account", "/account", false],
      ["Sign out", "/sign-out", false],
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
