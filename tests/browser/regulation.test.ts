/**
 * Regulation in a real browser, with axe on every page: the regulator records an application and
 * registers the location, inspects it and rates it Inadequate; the provider challenges a fact in the
 * draft; the regulator accepts it, corrects the draft and publishes — special measures show on the location, the provider's
 * public profile and the failing-providers view; a re-inspection rated Good takes it out of special
 * measures. A citizen finds services and compares providers. The server runs on the real clock, so
 * the end of each factual-accuracy period is brought forward in the database, as time passing would.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_AUTHORITY } from "../../src/seed/demo/authorities.ts";
import { runSeeds } from "../../src/seed/seed.ts";
import { seeds } from "../../src/seed/seeds.ts";
import { type CreateUserOptions, createUser } from "../support/auth.ts";
import {
  arrived,
  DESKTOP,
  sharedBrowser,
  signInContext,
  startTestServer,
  type TestServer,
  textOf,
} from "../support/browser.ts";

const REGULATOR = DEMO_AUTHORITY.regulator;
const GREENWAY = "019a0000-0000-7000-8000-00000000b004";
const CAREWELL = "019a0000-0000-7000-8000-00000000b032";
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

async function signedIn(grants: CreateUserOptions["grants"]): Promise<BrowserContext> {
  const user = await createUser(server.db, { grants });
  const context = await browser.newContext(DESKTOP);
  await signInContext(context, server, user.id);
  return context;
}

/** Time passes: the factual-accuracy period of every draft report ends now. */
async function endFactualAccuracyPeriods(): Promise<void> {
  await server.db
    .updateTable("inspections")
    .set({ challenge_ends_at: new Date(Date.now() - 1000) })
    .where("status", "=", "draft-report")
    .execute();
}

async function rate(page: Page, ratings: Record<string, string>): Promise<void> {
  const today = new Date();
  await page.getByLabel("Day").fill(String(today.getUTCDate()));
  await page.getByLabel("Month").fill(String(today.getUTCMonth() + 1));
  await page.getByLabel("Year").fill(String(today.getUTCFullYear()));
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
  it("registers, inspects, rates Inadequate (special measures), takes a challenge, re-inspects Good", async () => {
    const regulator = await signedIn([{ role: "regulator-staff", scopeId: REGULATOR }]);
    const provider = await signedIn([{ role: "organisation-admin", scopeId: GREENWAY }]);
    try {
      const page = await regulator.newPage();
      await page.goto(`${server.baseUrl}/regulators/${REGULATOR}`);
      expect(await arrived(page)).toBe(`/regulators/${REGULATOR}`);
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
      expect(locationPath).toMatch(new RegExp(`^/regulators/${REGULATOR}/locations/[0-9a-f-]{36}$`));
      expect(await textOf(page, ".govuk-notification-banner")).toContain("The application has been sent");

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
      const reportPath = await arrived(page);
      expect(await textOf(page, "main")).toContain("This is a draft report");

      // The provider challenges a point of fact within the period.
      const providerPage = await provider.newPage();
      await providerPage.goto(`${server.baseUrl}${reportPath}`);
      await arrived(providerPage);
      await providerPage
        .getByLabel("What is inaccurate, and what is correct")
        .fill("We have 28 beds, not 30.");
      await providerPage.getByRole("button", { name: "Send the challenge" }).click();
      await arrived(providerPage);
      expect(await textOf(providerPage, ".govuk-notification-banner")).toContain(
        "Your challenge has been sent",
      );

      await endFactualAccuracyPeriods();
      await page.goto(`${server.baseUrl}${reportPath}`);
      await arrived(page);
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
      expect(await textOf(page, ".govuk-notification-banner")).toContain("The report has been published");

      await page.goto(`${server.baseUrl}${locationPath}`);
      await arrived(page);
      expect(await textOf(page, "main")).toContain("This location is in special measures");
      await page.goto(`${server.baseUrl}/regulation/failing`);
      await arrived(page);
      const row = page.locator("tr", { hasText: "Greenway House Care Home" });
      expect(((await row.textContent()) ?? "").replace(/\s+/g, " ")).toContain("In special measures");

      const publicPage = await (await browser.newContext(DESKTOP)).newPage();
      await publicPage.goto(`${server.baseUrl}/organisations/${GREENWAY}`);
      await arrived(publicPage);
      expect(await textOf(publicPage, "main")).toContain("Special measures");

      // Re-inspected and rated Good: out of special measures.
      await page.goto(`${server.baseUrl}${locationPath}/inspections/new`);
      await arrived(page);
      await rate(page, {
        Safe: "Good",
        Effective: "Good",
        Caring: "Good",
        Responsive: "Good",
        "Well-led": "Good",
      });
      await arrived(page);
      await endFactualAccuracyPeriods();
      await page.reload();
      await arrived(page);
      await page.getByRole("button", { name: "Publish the report" }).click();
      await arrived(page);
      await page.goto(`${server.baseUrl}${locationPath}`);
      await arrived(page);
      const main = await textOf(page, "main");
      expect(main).not.toContain("This location is in special measures");
      expect(main).toContain("Left special measures");
      await publicPage.reload();
      await arrived(publicPage);
      expect(await textOf(publicPage, "main")).not.toContain("Special measures:");
    } finally {
      await regulator.close();
      await provider.close();
    }
  }, 180_000);

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
