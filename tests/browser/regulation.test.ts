/**
 * Regulation in a real browser, with axe on every page. The demo regulator, signed in with the demo
 * account's button, goes by links only — the footer's Regulators, the inspectorate's page, "Your
 * work" — to record an application and register the location, inspect it and rate it Inadequate;
 * the provider, from its own "Your work", challenges a fact in the draft; the demo clock is moved
 * past the factual-accuracy period by the platform administrator; the regulator, from its tasks,
 * accepts the point, corrects the draft and publishes — special measures show on the location, the
 * provider's public profile and the failing-providers view; a re-inspection rated Good, published
 * once its period has passed, takes it out of special measures. A citizen finds services and
 * compares providers.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settableClock } from "../../src/lib/clock.ts";
import { londonToday } from "../../src/lib/london-time.ts";
import { SESSION_COOKIE } from "../../src/modules/accounts/accounts.service.ts";
import { createUser, sessionFor } from "../support/auth.ts";
import {
  arrived,
  DESKTOP,
  sharedBrowser,
  startTestServer,
  type TestServer,
  textOf,
} from "../support/browser.ts";
import { type DemoJourney, demoJourney } from "../support/demo-journey.ts";
import { DEMO_SEEDED_AT } from "../support/test-db.ts";

const GREENWAY = "019a0000-0000-7000-8000-00000000b004";
const CAREWELL = "019a0000-0000-7000-8000-00000000b032";
const clock = settableClock(DEMO_SEEDED_AT);
let server: TestServer;
let browser: Browser;
let journey: DemoJourney;
let demo: DemoJourney["demo"];
let moveClock: DemoJourney["moveClock"];

beforeAll(async () => {
  server = await startTestServer({ clock, seeded: true });
  browser = await sharedBrowser();
  journey = demoJourney(server, browser);
  ({ demo, moveClock } = journey);
}, 120_000);

afterAll(async () => {
  await journey?.close();
  await server?.close();
});

/** The provider's administrator, signed in, entering at the home page. */
async function provider(): Promise<{ context: BrowserContext; page: Page }> {
  const user = await createUser(server.db, { grants: [{ role: "organisation-admin", scopeId: GREENWAY }] });
  const session = await sessionFor(server.app, user.id, { twoFactor: true });
  const context = await browser.newContext(DESKTOP);
  await context.addCookies([
    { name: SESSION_COOKIE, value: session.cookie.split("=")[1] ?? "", url: server.baseUrl },
  ]);
  const page = await context.newPage();
  await page.goto(`${server.baseUrl}/`);
  await arrived(page);
  return { context, page };
}

/** From "Your work", the task about Greenway House Care Home's report. */
async function task(page: Page, name: RegExp): Promise<void> {
  await page.getByRole("link", { name: "Your work" }).click();
  await arrived(page);
  await page
    .locator("tr", { hasText: "Greenway House Care Home" })
    .getByRole("link", { name })
    .first()
    .click();
  await arrived(page);
}

async function rate(page: Page, ratings: Record<string, string>): Promise<void> {
  const [year, month, day] = londonToday(server.app.deps.clock).split("-");
  await page.getByLabel("Day").fill(String(Number(day)));
  await page.getByLabel("Month").fill(String(Number(month)));
  await page.getByLabel("Year").fill(year ?? "");
  await page.getByLabel("Inspectors").fill("Rhiannon Evans");
  await page
    .getByLabel("Summary of the evidence")
    .fill("We observed care over two days and read twenty care records.");
  for (const [question, rating] of Object.entries(ratings))
    await page
      .getByRole("group", { name: question, exact: true })
      .getByLabel(rating, { exact: true })
      .check();
  await page.getByRole("button", { name: "Record the inspection and send the draft report" }).click();
}

describe("regulation", () => {
  it("the demo regulator registers, inspects, rates Inadequate, takes a challenge, publishes, re-inspects Good, by links", async () => {
    const { context: regulator, page } = await demo("Regulator staff");
    const { context: providerContext, page: providerPage } = await provider();
    try {
      await page.locator("footer").getByRole("link", { name: "Regulators" }).click();
      expect(await arrived(page)).toBe("/regulators");
      await page.getByRole("link", { name: "Care Standards Inspectorate", exact: true }).click();
      const regulatorPath = await arrived(page);
      expect(regulatorPath).toMatch(/^\/regulators\/[0-9a-f-]{36}$/);
      await page.getByRole("link", { name: "Record an application to register" }).click();
      await arrived(page);
      await page.getByLabel("Provider organisation").selectOption({ label: "Greenway Home Care Ltd" });
      await page.getByLabel("Name of the location").fill("Greenway House Care Home");
      await page.getByLabel("Address").fill("2 Orchard Way");
      await page.getByLabel("Town or city").fill("Wesford");
      await page.getByLabel("Postcode").fill("ws5 1ow");
      await page.getByLabel("Local authority area").selectOption({ label: "Westshire (E10000901)" });
      await page.getByLabel("Capacity", { exact: true }).fill("28");
      await page.getByLabel("beds").check();
      await page.getByLabel("Registered manager").fill("Ada Brown");
      await page.getByLabel("Residential and nursing care").check();
      await page.getByLabel("Accommodation for persons who require nursing or personal care").check();
      await page.getByRole("button", { name: "Send the application" }).click();
      const locationPath = await arrived(page);
      expect(locationPath).toMatch(new RegExp(`^${regulatorPath}/locations/[0-9a-f-]{36}$`));
      expect(await textOf(page, "main .govuk-notification-banner")).toContain(
        "The application has been sent",
      );

      // A decision without a reason is sent back with the error linked to its field.
      await page.getByRole("group", { name: "New status" }).getByLabel("Registered").check();
      await page.getByRole("button", { name: "Change status" }).click();
      await arrived(page);
      expect(await textOf(page, ".govuk-error-summary")).toContain("Give the reason for the decision");
      await page.getByRole("group", { name: "New status" }).getByLabel("Registered").check();
      await page.getByLabel("Reason", { exact: true }).fill("The provider showed it can meet the standards.");
      await page.getByRole("button", { name: "Change status" }).click();
      await arrived(page);
      expect(await textOf(page, "main")).toContain("Registered since");

      await page.getByRole("button", { name: "Record an inspection" }).click();
      await arrived(page);
      await rate(page, {
        Safe: "Inadequate",
        Effective: "Requires improvement",
        Caring: "Good",
        Responsive: "Good",
        "Well-led": "Inadequate",
      });
      await arrived(page);
      expect(await textOf(page, "main")).toContain("This is a draft report");

      // The provider, from its own work, challenges a point of fact within the period.
      await task(providerPage, /^Read the draft report/);
      await providerPage
        .getByLabel("What is inaccurate, and what is correct")
        .fill("We have 28 beds, not 30.");
      await providerPage.getByRole("button", { name: "Send the challenge" }).click();
      await arrived(providerPage);
      expect(await textOf(providerPage, "main .govuk-notification-banner")).toContain(
        "Your challenge has been sent",
      );

      // The factual-accuracy period passes; the regulator answers from its work.
      await moveClock(30);
      await task(page, /^Answer the point of fact/);
      expect(await textOf(page, "main")).toContain("The report cannot be published yet");
      await page.getByLabel("Accept: the draft report will be corrected").check();
      await page.getByLabel("Response").fill("Corrected to 28 beds.");
      await page.getByRole("button", { name: "Record the answer" }).click();
      await arrived(page);
      expect(await textOf(page, "main")).toContain(
        "1 accepted point is not yet reflected in a corrected draft",
      );
      // The accepted point is reflected in a corrected draft: a new version, then the report is published.
      await page.getByRole("button", { name: "Correct the draft report" }).click();
      await arrived(page);
      await page
        .getByLabel("Summary of the evidence")
        .fill("We observed care over two days at the 28-bed home and read twenty care records.");
      await page.getByLabel("What was corrected").fill("The number of beds corrected to 28.");
      await page.getByRole("button", { name: "Save the corrected draft and tell the provider" }).click();
      await arrived(page);
      expect(await textOf(page, "main")).toContain(
        "The draft report was corrected for this point in version 2.",
      );
      await page.getByRole("button", { name: "Publish the report" }).click();
      await arrived(page);
      expect(await textOf(page, "main .govuk-notification-banner")).toContain(
        "The report has been published",
      );

      await page.locator(".govuk-back-link").click();
      expect(await arrived(page)).toBe(locationPath);
      expect(await textOf(page, "main")).toContain("This location is in special measures");
      await page.locator(".govuk-back-link").click();
      expect(await arrived(page)).toBe(regulatorPath);
      await page
        .getByRole("link", { name: /failing/i })
        .first()
        .click();
      expect(await arrived(page)).toBe("/regulation/failing");
      const row = page.locator("tr", { hasText: "Greenway House Care Home" });
      expect(((await row.textContent()) ?? "").replace(/\s+/g, " ")).toContain("In special measures");

      // The public reads it on the provider's profile, found in the directory.
      const publicPage = await (await browser.newContext(DESKTOP)).newPage();
      await publicPage.goto(`${server.baseUrl}/`);
      await arrived(publicPage);
      await publicPage.locator(".govuk-service-navigation").getByRole("link", { name: "Providers" }).click();
      await arrived(publicPage);
      await publicPage
        .getByLabel(/Search/)
        .first()
        .fill("Greenway");
      await publicPage
        .getByRole("button", { name: /Search/ })
        .first()
        .click();
      await arrived(publicPage);
      await publicPage.getByRole("link", { name: "Greenway Home Care Ltd" }).first().click();
      expect(await arrived(publicPage)).toBe(`/organisations/${GREENWAY}`);
      expect(await textOf(publicPage, "main")).toContain("Special measures");

      // Re-inspected and rated Good, published once its period has passed: out of special measures.
      await page.getByRole("link", { name: "Greenway House Care Home" }).first().click();
      expect(await arrived(page)).toBe(locationPath);
      await page.getByRole("button", { name: "Record an inspection" }).click();
      await arrived(page);
      await rate(page, {
        Safe: "Good",
        Effective: "Good",
        Caring: "Good",
        Responsive: "Good",
        "Well-led": "Good",
      });
      await arrived(page);
      await moveClock(30);
      await task(page, /^Publish the report/);
      await page.getByRole("button", { name: "Publish the report" }).click();
      await arrived(page);
      await page.locator(".govuk-back-link").click();
      expect(await arrived(page)).toBe(locationPath);
      const main = await textOf(page, "main");
      expect(main).not.toContain("This location is in special measures");
      expect(main).toContain("Left special measures");
      await publicPage.reload();
      await arrived(publicPage);
      expect(await textOf(publicPage, "main")).not.toContain("Special measures:");
      await publicPage.context().close();
    } finally {
      await regulator.close();
      await providerContext.close();
    }
  }, 240_000);

  it("a citizen finds services and compares providers", async () => {
    const context = await browser.newContext(DESKTOP);
    try {
      const page = await context.newPage();
      await page.goto(`${server.baseUrl}/regulation/find`);
      expect(await arrived(page)).toBe("/regulation/find");
      await page.getByLabel("Type of service").selectOption({ label: "Residential and nursing care" });
      await page.getByRole("button", { name: "Search" }).click();
      await arrived(page);
      expect(await textOf(page, "#results")).toMatch(/services found/);
      await page.getByLabel("Compare Carewell Homes Ltd").check();
      await page.getByRole("button", { name: "Compare the providers chosen" }).click();
      await arrived(page);
      expect(await textOf(page, ".govuk-error-summary")).toContain("Choose from 2 to 5 providers");
      await page.goto(
        `${server.baseUrl}/regulation/compare?organisations=${CAREWELL}&organisations=${GREENWAY}`,
      );
      await arrived(page);
      const table = await textOf(page, "table");
      expect(table).toContain("Carewell Homes Ltd");
      expect(table).toContain("Greenway Home Care Ltd");
      expect(table).toContain("Inadequate");
      await page.getByRole("link", { name: "Carewell Riverside Care Home" }).first().click();
      await arrived(page);
      expect(await textOf(page, "h1")).toBe("Carewell Riverside Care Home");
    } finally {
      await context.close();
    }
  }, 120_000);
});
