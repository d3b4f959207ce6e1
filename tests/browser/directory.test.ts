/**
 * The directory of organisations in a real browser (Debian's Chromium), on the demo directory: search,
 * filter, open a profile and follow a relationship to the other side; register an organisation with
 * an invalid then a valid form, record its relationship and mutual evidence. axe checks every page.
 */
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SESSION_COOKIE } from "../../src/modules/accounts/accounts.service.ts";
import { demoAuthoritiesSeed } from "../../src/seed/demo/authorities.ts";
import { DEMO_ORGANISATION, demoOrganisationsSeed } from "../../src/seed/demo/organisations.ts";
import { runSeeds } from "../../src/seed/seed.ts";
import { createUser, sessionFor } from "../support/auth.ts";
import {
  DESKTOP,
  expectAccessible,
  expectAccessibleWithoutJavaScript,
  sharedBrowser,
  startTestServer,
  type TestServer,
} from "../support/browser.ts";

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer();
  await runSeeds(server.db, server.app.deps.clock, [demoAuthoritiesSeed, demoOrganisationsSeed], {
    demo: true,
  });
  browser = await sharedBrowser();
});

afterAll(async () => {
  await server?.close();
});

async function withPage<T>(
  options: Parameters<Browser["newContext"]>[0],
  use: (page: Page, context: BrowserContext) => Promise<T>,
): Promise<T> {
  const context = await browser.newContext({ ...DESKTOP, ...options });
  try {
    return await use(await context.newPage(), context);
  } finally {
    await context.close();
  }
}

async function text(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? "").replace(/\s+/g, " ").trim();
}

/** Waits for the page after a navigation, checks it with axe, and gives its path and query. */
async function arrived(page: Page): Promise<string> {
  await page.waitForLoadState("load");
  await expectAccessible(page);
  const url = new URL(page.url());
  return url.pathname + url.search;
}

describe("the directory", () => {
  it("searches, filters, opens a profile and sees its relationship from both sides", async () => {
    await withPage({}, async (page) => {
      await page.goto(`${server.baseUrl}/`);
      await page.locator(".govuk-service-navigation").getByRole("link", { name: "Providers" }).click();
      expect(await arrived(page)).toBe("/organisations");
      expect(await text(page.locator("h1"))).toBe("Providers");
      expect(await text(page.locator("main"))).toContain(
        "6 organisations are public service mutuals with recorded evidence, employing 1,690 people.",
      );
      expect(await text(page.locator("#results-heading"))).toBe("40 organisations");

      await page.getByLabel("Search the directory").fill("community health");
      await page.getByRole("button", { name: "Search" }).click();
      await arrived(page);
      const results = page.locator(".openps-results h3");
      expect(await text(results.first())).toBe("Westshire Community Health CIC");

      await page.getByLabel(/Public service mutual \(employee-led spin-out\) \(\d+\)/).check();
      await page.getByLabel("Area served").selectOption({ label: "Westshire (2)" });
      await page.getByRole("button", { name: "Apply filters" }).click();
      expect(await arrived(page)).toMatch(/sector=public-service-mutual/);
      expect(await text(page.locator("#results-heading"))).toBe("1 organisation");
      expect(
        await page.getByLabel(/Public service mutual \(employee-led spin-out\) \(\d+\)/).isChecked(),
      ).toBe(true);

      await results.first().getByRole("link").click();
      expect(await arrived(page)).toBe(`/organisations/${DEMO_ORGANISATION.communityHealthMutual}`);
      const profile = await text(page.locator("main"));
      expect(profile).toContain("Public service mutual (employee-led spin-out)");
      expect(profile).toContain("GB-COH-08123456 (Companies House)");
      expect(profile).toContain("Parent body Westshire Community NHS Trust");
      expect(profile).toContain("meets all three tests");

      await page
        .locator(".govuk-summary-list")
        .nth(1)
        .getByRole("link", { name: "Westshire Community NHS Trust" })
        .click();
      expect(await arrived(page)).toBe(`/organisations/${DEMO_ORGANISATION.communityNhsTrust}`);
      const trust = await text(page.locator("main"));
      expect(trust).toContain("Spin-out Westshire Community Health CIC");
      expect(trust).toContain("Spin-out Millbrook Therapy Partners");
    });
  }, 90_000);

  it("shows a group from both sides, and a mutual claim without qualifying evidence as not confirmed", async () => {
    await withPage({}, async (page) => {
      await page.goto(`${server.baseUrl}/organisations/${DEMO_ORGANISATION.homesGroup}`);
      await arrived(page);
      const group = await text(page.locator("main"));
      expect(group).toContain("Group member Millbrook Homes");
      expect(group).toContain("Subsidiary Westshire Homes Support Ltd");
      await page.getByRole("link", { name: "Millbrook Homes" }).click();
      await arrived(page);
      expect(await text(page.locator("main"))).toContain("Member of the group Westshire Homes Group");

      await page.goto(`${server.baseUrl}/organisations/${DEMO_ORGANISATION.therapyPartners}`);
      await arrived(page);
      const claim = await text(page.locator("main"));
      expect(claim).toContain("Sector not confirmed");
      expect(claim).toContain("does not meet the test of a public service mutual");
    });
  }, 60_000);

  it("pages through the results without JavaScript", async () => {
    await withPage({ javaScriptEnabled: false }, async (page) => {
      await page.goto(`${server.baseUrl}/organisations`);
      await expectAccessibleWithoutJavaScript(page);
      await page.getByRole("link", { name: "Next" }).click();
      await page.waitForURL(/after=/);
      expect(await text(page.locator("#results-heading"))).toBe("40 organisations");
      expect(await page.locator(".openps-results > li").count()).toBe(20);
      await page.getByLabel("Large (8)").check();
      await page.getByRole("button", { name: "Apply filters" }).click();
      await page.waitForURL(/size=large/);
      expect(await text(page.locator("#results-heading"))).toBe("8 organisations");
      await expectAccessibleWithoutJavaScript(page);
    });
  }, 60_000);
});

describe("registering an organisation", () => {
  it("shows the problems, then registers it and records a relationship and mutual evidence", async () => {
    const user = await createUser(server.db);
    const session = await sessionFor(server.app, user.id);
    await withPage({}, async (page, context) => {
      await context.addCookies([
        { name: SESSION_COOKIE, value: session.cookie.split("=")[1] ?? "", url: server.baseUrl },
      ]);
      await page.goto(`${server.baseUrl}/organisations`);
      await page.getByRole("link", { name: "Register an organisation" }).click();
      expect(await arrived(page)).toBe("/organisations/new");

      await page.getByLabel("Name of the organisation").fill("Vale Cross Home Care Mutual");
      await page.getByLabel("Register", { exact: true }).selectOption("GB-COH");
      await page.getByLabel("Number on that register").fill("SC12");
      await page.getByLabel("Number of staff (optional)").fill("lots");
      await page.getByRole("button", { name: "Register the organisation" }).click();
      await arrived(page);
      expect(await page.title()).toBe("Error: Register an organisation – OpenPS");
      const summary = page.locator(".govuk-error-summary");
      expect(await text(summary)).toContain("Enter the number of staff as a whole number");
      expect(await text(summary)).toContain("Choose the organisation's sector");
      await summary.getByRole("link", { name: /Companies House identifier/ }).click();
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("identifier");

      await page.getByLabel("Number on that register").fill("09111111");
      await page.getByLabel("Number of staff (optional)").fill("48");
      await page.getByLabel("Public service mutual (employee-led spin-out)").check();
      await page.getByLabel("Small", { exact: true }).check();
      await page.getByLabel("Domiciliary care (care at home)").check();
      await page.getByLabel("Westshire Vale (E07000902)").check();
      await page.getByRole("button", { name: "Register the organisation" }).click();
      expect(await arrived(page)).toMatch(/^\/organisations\/[0-9a-f-]{36}\?registered=1$/);
      expect(await text(page.locator(".govuk-notification-banner"))).toContain("you are its administrator");
      expect(await text(page.locator(".govuk-caption-l"))).toBe("Sector not confirmed");

      await page.getByRole("link", { name: "Record related organisations" }).click();
      await arrived(page);
      await page.getByLabel(/It is the parent body/).check();
      await page
        .getByLabel("The other organisation")
        .selectOption({ label: "Westshire Community NHS Trust" });
      await page.getByRole("button", { name: "Record the relationship" }).click();
      await arrived(page);
      expect(await text(page.locator("table"))).toContain("Westshire Community NHS Trust Parent body");

      await page.getByRole("link", { name: "Back" }).click();
      await page.getByRole("link", { name: "Record the evidence for public service mutual status" }).click();
      await arrived(page);
      await page
        .getByLabel("Public-service purpose")
        .fill("Care at home for older people in Westshire Vale.");
      await page.getByLabel("Share of turnover from light touch services").fill("100");
      await page.getByLabel("Not-for-profit: no profits are paid out").check();
      await page.getByLabel("Share owned by employees").fill("100");
      await page.getByLabel("Seats on the board").fill("5");
      await page.getByLabel("Seats held by employees or their elected representatives").fill("3");
      await page.getByRole("button", { name: "Save the evidence" }).click();
      await arrived(page);
      expect(await text(page.locator(".govuk-caption-l"))).toBe(
        "Public service mutual (employee-led spin-out)",
      );
      expect(await text(page.locator("main"))).toContain("meets all three tests");

      await page.goto(`${server.baseUrl}/organisations/${DEMO_ORGANISATION.communityNhsTrust}`);
      await arrived(page);
      expect(await text(page.locator("main"))).toContain("Spin-out Vale Cross Home Care Mutual");
    });
  }, 120_000);
});
