/**
 * The service register in a real browser, with axe on every page: a commissioner goes from their
 * authority's hub to its register, adds a service to it (first with a mistake), records an option appraisal and publishes it,
 * and finds the service in the authority's and the national pipeline.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMonths, londonToday } from "../../src/lib/london-time.ts";
import { SESSION_COOKIE } from "../../src/modules/accounts/accounts.service.ts";
import { DEMO_AUTHORITY } from "../../src/seed/demo/authorities.ts";
import { runSeeds } from "../../src/seed/seed.ts";
import { seeds } from "../../src/seed/seeds.ts";
import { createUser, sessionFor } from "../support/auth.ts";
import {
  arrived,
  DESKTOP,
  sharedBrowser,
  startTestServer,
  type TestServer,
  textOf,
} from "../support/browser.ts";

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer();
  await runSeeds(server.db, server.app.deps.clock, seeds, { demo: true });
  browser = await sharedBrowser();
}, 120_000);

afterAll(async () => {
  await server?.close();
});

describe("the service register", () => {
  it("a commissioner adds a service, records an appraisal and sees it in the pipeline", async () => {
    const user = await createUser(server.db, {
      grants: [{ role: "commissioner", scopeId: DEMO_AUTHORITY.county }],
    });
    const session = await sessionFor(server.app, user.id, { twoFactor: true });
    const context = await browser.newContext(DESKTOP);
    try {
      await context.addCookies([
        { name: SESSION_COOKIE, value: session.cookie.split("=")[1] ?? "", url: server.baseUrl },
      ]);
      const page = await context.newPage();
      // From the authority's hub, where its commissioning starts.
      await page.goto(`${server.baseUrl}/authorities/westshire-county-council`);
      expect(await arrived(page), await textOf(page, "main")).toBe("/authorities/westshire-county-council");
      expect(await textOf(page, "main")).toContain("Start something");
      await page.getByRole("link", { name: "Service register" }).click();
      expect(await arrived(page), await textOf(page, "main")).toBe(
        "/authorities/westshire-county-council/services",
      );
      await page.getByRole("button", { name: "Add a service" }).click();
      expect(await arrived(page)).toBe("/authorities/westshire-county-council/services/new");

      const [year, month, day] = addMonths(londonToday(server.app.deps.clock), 6).split("-");
      await page.getByLabel("Service name").fill("Carers' breaks");
      await page.getByLabel("Individual", { exact: true }).check();
      await page.getByLabel("Service category").selectOption("carers-support");
      await page.getByLabel("Contracted organisation").check();
      await page.getByLabel("Provider organisation").selectOption({ label: "Millbrook Carers' Trust" });
      await page.getByLabel("Annual cost").fill("£1,23");
      await page.getByLabel("Day").fill(String(Number(day)));
      await page.getByLabel("Month").fill(String(Number(month)));
      await page.getByLabel("Year").fill(year ?? "");
      await page.getByLabel("Market-tested").check();
      await page.getByRole("button", { name: "Save service" }).click();
      await arrived(page);
      expect(await textOf(page, ".govuk-error-summary")).toContain("groups of 3 digits");
      await page.getByRole("link", { name: /groups of 3 digits/ }).click();
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("annualCost");
      await page.getByLabel("Annual cost").fill("£412,000");
      await page.getByRole("button", { name: "Save service" }).click();
      expect(await arrived(page)).toMatch(/^\/authorities\/westshire-county-council\/services\/[0-9a-f-]+$/);
      expect(await textOf(page, "main")).toContain("£412,000");

      await page.getByRole("button", { name: "Record an option appraisal" }).click();
      await arrived(page);
      await page.getByRole("group", { name: "Options considered" }).getByLabel("Retain in-house").check();
      await page.getByRole("group", { name: "Options considered" }).getByLabel("Commission openly").check();
      await page.getByLabel("Evidence").fill("Feedback from 120 carers and two market events.");
      await page.getByRole("group", { name: "Decision" }).getByLabel("Commission openly").check();
      await page.getByLabel("Reasons for the decision").fill("Carers want more choice of breaks.");
      await page.getByRole("button", { name: "Save as draft" }).click();
      await arrived(page);
      await page.getByRole("button", { name: "Publish this appraisal" }).click();
      await arrived(page);
      expect(await textOf(page, ".govuk-notification-banner")).toContain(
        "The option appraisal has been published",
      );
      expect(await textOf(page, ".govuk-summary-card")).toContain("Current");

      await page.goto(`${server.baseUrl}/authorities/westshire-county-council/pipeline`);
      await arrived(page);
      const row = page.locator("tr", { hasText: "Carers' breaks" });
      expect(((await row.textContent()) ?? "").replace(/\s+/g, " ")).toContain("None planned yet");

      await page.goto(`${server.baseUrl}/pipeline`);
      expect(await arrived(page)).toBe("/pipeline");
      expect(await textOf(page, "main")).toContain("Carers' breaks");
    } finally {
      await context.close();
    }
  }, 120_000);
});
