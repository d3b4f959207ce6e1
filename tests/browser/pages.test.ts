/**
 * The public pages in a real browser (Debian's Chromium), each checked with axe: no serious or
 * critical accessibility violation on any page visited.
 */
import { rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/database.ts";
import {
  DESKTOP,
  expectAccessible,
  expectAccessibleWithoutJavaScript,
  insertDirectory,
  sharedBrowser,
  startTestServer,
  type TestServer,
} from "../support/browser.ts";

// The README's picture comes from scripts/screenshot.ts on the demo data; here it goes to a temp dir.
const SCREENSHOT = path.join(os.tmpdir(), `openps-home-${process.pid}.png`);

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer();
  await insertDirectory(server.db);
  await insertMarketFigures(server.db);
  // An area, for its page of figures of choice (no lists or records: its tables, empty).
  await server.db
    .insertInto("areas")
    .values({
      code: "E10000901",
      name: "Westshire",
      type: "county",
      nation: "england",
      created_at: new Date(),
      updated_at: new Date(),
    })
    .execute();
  browser = await sharedBrowser();
});

/** A few of the market dashboards' figures for one public body, so that every chart is drawn (and checked). */
async function insertMarketFigures(db: Db): Promise<void> {
  const { id } = await db.selectFrom("authorities").select("id").orderBy("name").executeTakeFirstOrThrow();
  const place = { authority_id: id, category_code: "", area_code: "", month: "2026-05-01" };
  await db
    .insertInto("market_contracts")
    .values([
      { ...place, sector: "charity", size_band: "small", contracts_bp: 10_000n, value_pence: 50_000_000n },
      {
        ...place,
        sector: "public-service-mutual",
        size_band: "medium",
        contracts_bp: 5_000n,
        value_pence: 20_000_000n,
      },
    ])
    .execute();
  await db
    .insertInto("market_suppliers")
    .values([
      { ...place, supplier: "a", sector: "charity", contracts_bp: 10_000n, value_pence: 50_000_000n },
      {
        ...place,
        supplier: "b",
        sector: "public-service-mutual",
        contracts_bp: 5_000n,
        value_pence: 20_000_000n,
      },
    ])
    .execute();
  await db
    .insertInto("market_tenders")
    .values({ ...place, bids: 2, tenders: 3 })
    .execute();
  await db
    .insertInto("market_awards")
    .values({ ...place, days_band: "31-to-60", awards: 2, days: 90n })
    .execute();
  await db
    .insertInto("market_challenges")
    .values({ ...place, outcome: "accepted", challenges: 1 })
    .execute();
  await db
    .insertInto("market_kpi_ratings")
    .values({ ...place, rating: "good", ratings: 4 })
    .execute();
  await db
    .insertInto("market_ratings")
    .values({ authority_id: id, category_code: "", area_code: "", rating: "good", locations: 2 })
    .execute();
  // Personal budgets' figures of 10 or more, so their charts are drawn too (not suppressed).
  const budgetPlace = { authority_id: id, area_code: "" };
  await db
    .insertInto("market_budgets")
    .values([
      { ...budgetPlace, delivery: "direct-payment", people: 12, weekly_pence: 360_000n },
      { ...budgetPlace, delivery: "managed-by-authority", people: 10, weekly_pence: 400_000n },
    ])
    .execute();
  await db
    .insertInto("market_budget_spend")
    .values([
      { ...budgetPlace, sector: "charity", size_band: "small", budgets: 11, paid_pence: 900_000n },
      { ...budgetPlace, sector: "direct-spend", size_band: "", budgets: 10, paid_pence: 300_000n },
    ])
    .execute();
  await db
    .insertInto("market_reviews")
    .values([
      {
        ...budgetPlace,
        month: "2026-05-01",
        clock: "adult-social-care.plan",
        timeliness: "on-time",
        reviews: 14,
      },
      {
        ...budgetPlace,
        month: "2026-05-01",
        clock: "adult-social-care.plan",
        timeliness: "late",
        reviews: 10,
      },
    ])
    .execute();
  await db.insertInto("market_runs").values({ authority_id: id, computed_at: new Date() }).execute();
}

afterAll(async () => {
  await visitor?.context().close();
  await server?.close();
});

async function withPage<T>(
  options: Parameters<Browser["newContext"]>[0],
  use: (page: Page, context: BrowserContext) => Promise<T>,
): Promise<T> {
  const context = await browser.newContext({ ...DESKTOP, ...options });
  try {
    const page = await context.newPage();
    return await use(page, context);
  } finally {
    await context.close();
  }
}

let visitor: Page | undefined;

/**
 * A visitor's page at the desktop size, for the tests that only look at pages (each goes to its own
 * address): one browser context for them all, rather than a new one each (a new renderer process,
 * with axe-core and the styles to compile again). A test that changes what the browser keeps
 * (cookies, routes, the window's size) has a context of its own (`withPage`).
 */
async function visitorPage(): Promise<Page> {
  visitor ??= await (await browser.newContext(DESKTOP)).newPage();
  return visitor;
}

/** An element's text, with its white space collapsed. */
async function text(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? "").replace(/\s+/g, " ").trim();
}

/** Visits a page, checks it with axe, and gives its status. */
async function visit(page: Page, pathname: string): Promise<number> {
  const response = await page.goto(`${server.baseUrl}${pathname}`);
  await expectAccessible(page);
  return response?.status() ?? 0;
}

async function expectOpenPsChrome(page: Page): Promise<void> {
  expect(await text(page.locator(".govuk-generic-header__homepage-link"))).toBe("OpenPS");
  expect(
    await page.locator(".govuk-header, .govuk-logo, .govuk-footer__crown, [class*='crown']").count(),
  ).toBe(0);
  expect(await text(page.locator("footer"))).toContain("OpenPS is open-source software.");
  expect(await text(page.locator("footer"))).not.toMatch(/Crown copyright|Open Government Licence/);
}

describe("public pages", () => {
  it.each([
    ["/", "Open public services"],
    ["/accessibility", "Accessibility statement for OpenPS"],
    ["/privacy", "Privacy notice"],
    ["/cookies", "Cookies"],
    ["/open-data", "Open data"],
    ["/open-data/tenders", "Tenders"],
    ["/integrity", "Integrity indicators"],
    ["/feedback", "Give feedback on OpenPS"],
    ["/api/docs", "OpenPS API"],
    ["/market", "Market dashboards"],
    ["/reports?period=2026-Q3", "Progress report: every public body"],
    ["/market/diversity", "Diversity of provision"],
    ["/market/mutuals", "Public service mutuals"],
    ["/market/competition", "Competition"],
    ["/market/concentration", "Concentration"],
    ["/market/quality", "Quality"],
    ["/market/personal-budgets", "Personal budgets"],
    ["/choice", "Approved-provider lists"],
    ["/champions", "Consumer champions"],
    ["/champions/reports", "Consumer champions' reports"],
    ["/choice/areas/E10000901", "Choice in Westshire"],
    ["/feedback/policy", "Feedback policy"],
    ["/organisations/019a0000-0000-7000-8000-00000000b001/feedback", "Users' feedback on this provider"],
    ["/open-data/feedback", "Users' feedback on providers"],
    ["/open-data/spend-over-500", "Spend over £500"],
    ["/regulation/find?serviceType=domiciliary-care", "Find a service"],
    ["/complaints/without-account", "Make a complaint"],
    // A body's complaints figures (the same page for a provider): the directory's Fife, with none yet.
    ["/complaints/figures/authorities/fife", "Complaints figures: Fife Council"],
    ["/complaints/decisions", "Ombudsmen's published decisions"],
    ["/complaints/overdue-remedies", "Overdue remedies"],
  ])("%s is accessible and has its title", async (pathname, heading) => {
    const page = await visitorPage();
    expect(await visit(page, pathname)).toBe(200);
    expect(await text(page.locator("h1"))).toContain(heading);
    expect(await page.title()).toBe(`${heading} – OpenPS`);
    await expectOpenPsChrome(page);
  });

  it("splits the API reference by area: the index links every area's page, each accessible", async () => {
    const page = await visitorPage();
    expect(await visit(page, "/api/docs")).toBe(200);
    const areas = await page
      .locator("main table a")
      .evaluateAll((links) => links.map((link) => link.getAttribute("href") ?? ""));
    expect(areas.length).toBeGreaterThan(1);
    for (const area of areas) {
      expect(area).toMatch(/^\/api\/docs\/[a-z0-9-]+$/);
      expect(await visit(page, area)).toBe(200);
      const name = await text(page.locator("h1"));
      expect(await page.title()).toBe(`${name} – OpenPS API – OpenPS`);
      expect(await page.locator("main .openps-api-operation").count()).toBeGreaterThan(0);
      expect(await page.getByRole("link", { name: "OpenPS API" }).getAttribute("href")).toBe("/api/docs");
    }
  }, 60_000);

  it("shows a page not found, accessibly", async () => {
    const page = await visitorPage();
    expect(await visit(page, "/no-such-page")).toBe(404);
    expect(await text(page.locator("h1"))).toBe("Page not found");
    expect(await page.title()).toBe("Page not found – OpenPS");
  });

  it("shows the public bodies and organisations on the home page, and renders it fully", async () => {
    const page = await visitorPage();
    await visit(page, "/");
    expect(await text(page.locator("main table").first())).toContain("Ceredigion County Council");
    expect(await text(page.locator("main"))).toContain("Public service mutual (employee-led spin-out)");
    // govuk-frontend started from our module script: progressive enhancement is on.
    await page.waitForSelector("[data-govuk-skip-link-init]", { state: "attached" });
    expect(await page.locator("body").getAttribute("class")).toContain("govuk-frontend-supported");
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(10_000);
    rmSync(SCREENSHOT);
  });

  it("folds the navigation behind Menu on a phone from the first paint, so nothing moves when the script starts", async () => {
    await withPage({ viewport: { width: 375, height: 700 } }, async (page) => {
      const navigation = page.locator(".govuk-service-navigation");
      const menu = navigation.locator(".govuk-service-navigation__toggle");
      // As the page is painted before govuk-frontend has run (here, it never arrives).
      await page.route(/govuk-frontend-[0-9a-f]+\.min\.js$/, (route) => route.abort());
      await page.goto(`${server.baseUrl}/`);
      expect(await page.locator("body").getAttribute("class")).toContain("govuk-frontend-supported");
      expect(await navigation.getAttribute("data-govuk-service-navigation-init")).toBeNull();
      expect(await menu.isVisible()).toBe(true);
      expect(await navigation.getByRole("link", { name: "Providers" }).isVisible()).toBe(false);
      const before = await navigation.boundingBox();

      // Once it has run: the same height, and the menu opens.
      await page.unroute(/govuk-frontend-[0-9a-f]+\.min\.js$/);
      await visit(page, "/");
      await page.waitForSelector("[data-govuk-service-navigation-init]", { state: "attached" });
      expect((await navigation.boundingBox())?.height).toBe(before?.height);
      await navigation.getByRole("button", { name: "Menu" }).click();
      await navigation.getByRole("link", { name: "Providers" }).click();
      await page.waitForURL(`${server.baseUrl}/organisations`);
    });
  });

  it("switches to Welsh and back, keeping the page", async () => {
    await withPage({}, async (page) => {
      await visit(page, "/cookies");
      await page.getByRole("link", { name: /^Cymraeg/ }).click();
      await page.waitForURL(`${server.baseUrl}/cookies`);
      expect(await page.locator("html").getAttribute("lang")).toBe("cy");
      expect(await text(page.locator("footer"))).toContain("Datganiad hygyrchedd");
      // The page's body is in Welsh too: nothing in it is marked as English.
      expect(await page.locator("main").getAttribute("lang")).toBeNull();
      await expectAccessible(page);

      expect(await visit(page, "/no-such-page")).toBe(404);
      expect(await text(page.locator("h1"))).toBe("Ni ellir dod o hyd i’r dudalen");

      await page.getByRole("link", { name: /^English/ }).click();
      await page.waitForURL(`${server.baseUrl}/no-such-page`);
      expect(await page.locator("html").getAttribute("lang")).toBe("en");
      expect(await text(page.locator("h1"))).toBe("Page not found");
      await expectAccessible(page);
    });
  }, 90_000);
});

describe("without JavaScript", () => {
  it("still navigates and switches language", async () => {
    await withPage({ javaScriptEnabled: false }, async (page, context) => {
      expect((await page.goto(`${server.baseUrl}/`))?.status()).toBe(200);
      await expectAccessibleWithoutJavaScript(page);
      expect(await page.locator("body").getAttribute("class")).not.toContain("js-enabled");
      // The menu button is for JavaScript only; the links are there without it.
      expect(await page.locator(".govuk-service-navigation__toggle").isVisible()).toBe(false);

      await page.locator(".govuk-service-navigation").getByRole("link", { name: "Open data" }).click();
      await page.waitForURL(`${server.baseUrl}/open-data`);
      expect(await text(page.locator("h1"))).toBe("Open data");
      expect(
        await page
          .locator(".govuk-service-navigation")
          .getByRole("link", { name: "Open data" })
          .getAttribute("aria-current"),
      ).toBe("page");
      await expectAccessibleWithoutJavaScript(page);

      await page.getByRole("link", { name: /^Cymraeg/ }).click();
      await page.waitForURL(`${server.baseUrl}/open-data`);
      expect(await page.locator("html").getAttribute("lang")).toBe("cy");
      expect((await context.cookies()).find((cookie) => cookie.name === "lang")).toMatchObject({
        value: "cy",
        path: "/",
        sameSite: "Lax",
      });
      await expectAccessibleWithoutJavaScript(page);

      await page.locator(".govuk-service-navigation").getByRole("link", { name: "Cyrff cyhoeddus" }).click();
      await page.waitForURL(`${server.baseUrl}/authorities`);
      expect(await page.locator("html").getAttribute("lang")).toBe("cy");
      expect(await text(page.locator("h1"))).toBe("Cyrff cyhoeddus");
      await expectAccessibleWithoutJavaScript(page);
      // The service's name in the header is the way home.
      await page.locator(".govuk-generic-header__homepage-link").click();
      await page.waitForURL(`${server.baseUrl}/`);

      await page.getByRole("link", { name: /^English/ }).click();
      await page.waitForURL(`${server.baseUrl}/`);
      expect(await page.locator("html").getAttribute("lang")).toBe("en");
      expect(await text(page.locator("footer"))).toContain("Accessibility statement");
      await expectAccessibleWithoutJavaScript(page);
    });
  }, 120_000);
});

describe("the market dashboards' charts", () => {
  it("are the same SVG images with and without JavaScript, each named by its title and followed by its table", async () => {
    const charts = async (javaScriptEnabled: boolean) =>
      withPage({ javaScriptEnabled }, async (page) => {
        expect((await page.goto(`${server.baseUrl}/market/diversity`))?.status()).toBe(200);
        if (javaScriptEnabled) await expectAccessible(page);
        else await expectAccessibleWithoutJavaScript(page);
        const images = page.locator("main svg[role=img]");
        expect(await images.count()).toBe(3);
        for (const name of ["Contract value by provider sector", "Contract value by size of provider"])
          await expect(page.getByRole("img", { name }).isVisible()).resolves.toBe(true);
        const box = await images.first().boundingBox();
        expect(box?.width).toBeGreaterThan(200);
        return images.evaluateAll((svgs) => svgs.map((svg) => svg.outerHTML));
      });
    const withScripts = await charts(true);
    expect(await charts(false)).toEqual(withScripts);
  });
});

describe("the accessibility check", () => {
  it("fails with a readable list of serious and critical violations", async () => {
    await withPage({}, async (page) => {
      await page.goto(`${server.baseUrl}/feedback`);
      await page.evaluate(() => {
        const main = document.querySelector("main") as HTMLElement;
        main.insertAdjacentHTML("beforeend", '<img src="/favicon.ico"><input type="text">');
      });
      const failure = await expectAccessible(page).then(
        () => undefined,
        (error: Error) => error.message,
      );
      expect(failure).toMatch(/^Accessibility violations on http:\/\/127\.0\.0\.1:\d+\/feedback:/);
      expect(failure).toMatch(
        / {2}image-alt \(critical\): Images must have alternative text\n {4}https:\/\/dequeuniversity\.com/,
      );
      expect(failure).toMatch(/ {2}label \(critical\): Form elements must have labels/);
      expect(failure).toContain("    - img\n      Fix any of the following:");
    });
  });
});
