/**
 * Finding opportunities in a real browser, with axe on every page: a charity's administrator
 * filters the opportunities (first with a value range the wrong way round), saves the search with
 * email alerts, sees it listed, and runs it again.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../src/lib/clock.ts";
import { insertFixtures, NOW } from "../../src/modules/opportunities/opportunities.test-fixtures.ts";
import { demoAuthoritiesSeed } from "../../src/seed/demo/authorities.ts";
import { demoOrganisationsSeed } from "../../src/seed/demo/organisations.ts";
import { runSeeds } from "../../src/seed/seed.ts";
import { createUser } from "../support/auth.ts";
import {
  arrived,
  DESKTOP,
  sharedBrowser,
  signInContext,
  startTestServer,
  type TestServer,
  textOf,
} from "../support/browser.ts";

let server: TestServer;
let browser: Browser;
let charity: string;

beforeAll(async () => {
  const clock = fixedClock(NOW);
  server = await startTestServer({ clock });
  await runSeeds(server.db, clock, [demoAuthoritiesSeed, demoOrganisationsSeed], { demo: true });
  await insertFixtures(server.db, NOW);
  charity = (await createUser(server.db, { displayName: "Sam Charity" })).id;
  browser = await sharedBrowser();
}, 120_000);

afterAll(async () => {
  await server?.close();
});

describe("finding opportunities", () => {
  it("filter, fix a mistake, save the search with alerts, see it listed and run it", async () => {
    const context = await browser.newContext(DESKTOP);
    await signInContext(context, server, charity);
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/opportunities`);
    expect(await arrived(page)).toBe("/opportunities");
    expect(await textOf(page, "#results-heading")).toBe("3 opportunities");

    await page.locator('input[name="category"][value="carers-support"]').check();
    await page.locator('input[name="category"][value="youth-services"]').check();
    await page.getByLabel("At least").fill("£100,000");
    await page.getByLabel("At most").fill("£5,000");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await arrived(page);
    expect(await textOf(page, ".govuk-error-summary")).toContain(
      "The maximum value must be the same as or more than the minimum value, £100,000",
    );
    await page.getByLabel("At most").fill("");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await arrived(page);
    expect(await textOf(page, "#results-heading")).toBe("1 opportunity");
    expect(await textOf(page, "main")).toContain("Carers' short breaks");

    await page.getByRole("link", { name: "Save this search" }).click();
    expect(await arrived(page)).toBe("/account/saved-searches/new");
    await page.getByLabel("Name of the search").fill("Carers and youth work");
    await page.getByLabel("Yes, tell me in my inbox and by email").check();
    await page.getByRole("button", { name: "Save search" }).click();
    expect(await arrived(page)).toBe("/account/saved-searches");
    expect(await textOf(page, ".govuk-notification-banner")).toContain("Your search has been saved.");
    expect(await textOf(page, ".govuk-summary-card")).toContain("Carers and youth work");
    expect(await textOf(page, ".govuk-summary-card")).toContain("£100,000 or more");

    await page.getByRole("link", { name: "Run this search" }).click();
    expect(await arrived(page)).toBe("/opportunities");
    expect(await textOf(page, "#results-heading")).toBe("1 opportunity");
    await context.close();
  }, 120_000);
});
