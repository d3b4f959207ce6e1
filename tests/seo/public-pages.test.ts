/**
 * What search engines read in each public page's head (Lighthouse's SEO checks): the language, a
 * description of its own, may be indexed, its canonical address and each language's, all absolute on
 * the public base URL; and what they must leave out — signed-in pages, errors, links with tokens —
 * with robots.txt keeping them off the account pages and the API.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app.ts";
import { createUser, sessionFor } from "../support/auth.ts";
import { PUBLIC_PAGES } from "../support/public-pages.ts";

const BASE = "https://openps.example.org";
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ seeded: true, env: { OPENPS_BASE_URL: BASE } });
});

afterAll(async () => {
  await t?.close();
});

/** Each `<meta name=… content=…>` and `<link rel=… href=…>` of the head, as [name or rel, value, hreflang]. */
function head(html: string) {
  const part = html.slice(0, html.indexOf("</head>"));
  const attribute = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
  const tags = (name: string) => [...part.matchAll(new RegExp(`<${name}\\b[^>]*>`, "g"))].map((m) => m[0]);
  return {
    lang: /<html lang="([^"]+)"/.exec(html)?.[1],
    meta: (name: string) =>
      tags("meta")
        .filter((tag) => attribute(tag, "name") === name)
        .map((tag) => attribute(tag, "content")),
    links: (rel: string) =>
      tags("link")
        .filter((tag) => attribute(tag, "rel") === rel)
        .map((tag) => ({ href: attribute(tag, "href"), hreflang: attribute(tag, "hreflang") })),
  };
}

const DEFAULT_DESCRIPTION = "OpenPS runs public services in the open";

describe("each public page's head", () => {
  it.each(PUBLIC_PAGES)("%s: language, description, indexed, canonical and hreflang links", async (url) => {
    const page = await t.app.inject({ method: "GET", url });
    expect(page.statusCode).toBe(200);
    const h = head(page.body);
    expect(h.lang).toBe("en");
    const [description, ...more] = h.meta("description");
    expect(more).toEqual([]);
    expect(description?.length).toBeGreaterThan(40);
    expect(h.meta("robots")).toEqual(["index, follow"]);
    expect(h.links("canonical")).toEqual([{ href: `${BASE}${url}`, hreflang: undefined }]);
    const separator = url.includes("?") ? "&amp;" : "?";
    expect(h.links("alternate")).toEqual([
      { hreflang: "en", href: `${BASE}${url}${separator}lang=en` },
      { hreflang: "cy", href: `${BASE}${url}${separator}lang=cy` },
      { hreflang: "x-default", href: `${BASE}${url}` },
    ]);
  });

  it("describes a page by its own lede, in its own language", async () => {
    const directory = head((await t.app.inject({ url: "/organisations" })).body);
    expect(directory.meta("description")[0]).toMatch(/^Organisations of every sector that provide/);
    const welsh = await t.app.inject({ url: "/organisations", headers: { cookie: "lang=cy" } });
    expect(head(welsh.body).lang).toBe("cy");
    expect(head(welsh.body).meta("description")[0]).not.toMatch(/^Organisations of every sector/);
    // A page with no lede of its own has the service's description.
    expect(head((await t.app.inject({ url: "/sign-in" })).body).meta("description")[0]).toMatch(
      new RegExp(`^${DEFAULT_DESCRIPTION}`),
    );
  });

  it("keeps out of search engines pages only someone signed in sees, errors, and links with tokens", async () => {
    const user = await createUser(t.deps.db);
    const session = await sessionFor(t.app, user.id);
    for (const [url, status, headers] of [
      ["/account", 200, { cookie: session.cookie }],
      ["/no-such-page", 404, {}],
      ["/reset-password?token=not-a-real-one", 400, {}],
    ] as const) {
      const page = await t.app.inject({ url, headers });
      expect(page.statusCode, url).toBe(status);
      const h = head(page.body);
      expect(h.meta("robots"), url).toEqual(["noindex, nofollow"]);
      expect(h.links("canonical"), url).toEqual([]);
      expect(h.links("alternate"), url).toEqual([]);
    }
  });

  it("has a robots.txt that keeps crawlers off the account pages, tokens and the API", async () => {
    const robots = await t.app.inject({ url: "/robots.txt" });
    expect(robots.statusCode).toBe(200);
    expect(robots.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(robots.body.split("\n")).toEqual(
      expect.arrayContaining([
        "User-agent: *",
        "Disallow: /account",
        "Disallow: /inbox",
        "Disallow: /api/v1/",
      ]),
    );
    expect(robots.body).not.toMatch(/Disallow: \/\s*$/m);
  });
});
