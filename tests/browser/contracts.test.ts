/**
 * Contracts in a real browser, with axe on every page: the commissioner enters the contract from an
 * award ready to contract (first forgetting the KPIs of a contract over £5m), the supplier sees its
 * reports due and reports, the commissioner rates, and the public reads the published rating.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settableClock } from "../../src/lib/clock.ts";
import { insertAward } from "../../src/modules/contracts/contracts.test-fixtures.ts";
import { DEMO_AUTHORITY } from "../../src/seed/demo/authorities.ts";
import { DEMO_ORGANISATION } from "../../src/seed/demo/organisations.ts";
import { runSeeds } from "../../src/seed/seed.ts";
import { seeds } from "../../src/seed/seeds.ts";
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

const START = new Date("2027-03-01T10:00:00Z");
const COUNTY = DEMO_AUTHORITY.county;
const MUTUAL = DEMO_ORGANISATION.communityHealthMutual;
let server: TestServer;
let browser: Browser;
let commissioner: string;
let supplier: string;

beforeAll(async () => {
  const clock = settableClock(START);
  server = await startTestServer({ clock });
  await runSeeds(
    server.db,
    clock,
    seeds.filter((s) => s.name !== "demo-evaluation" && s.name !== "demo-contracts"),
    { demo: true },
  );
  await insertAward(server.db, {
    authorityId: COUNTY,
    organisationId: MUTUAL,
    standstillEndsAt: new Date(START.getTime() - 24 * 3600_000),
    valuePence: 600_000_000n,
  });
  commissioner = (
    await createUser(server.db, {
      displayName: "Cass Commissioner",
      grants: [{ role: "commissioner", scopeId: COUNTY }],
    })
  ).id;
  supplier = (
    await createUser(server.db, {
      displayName: "Sol Supplier",
      grants: [{ role: "organisation-member", scopeId: MUTUAL }],
    })
  ).id;
  browser = await sharedBrowser();
}, 180_000);

afterAll(async () => {
  await server?.close();
});

describe("contracts", () => {
  it("enter a contract, report, rate and publish", async () => {
    const context = await browser.newContext(DESKTOP);
    await signInContext(context, server, commissioner);
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/authorities/westshire-county-council/contracts`);
    expect(await arrived(page)).toBe("/authorities/westshire-county-council/contracts");
    await page
      .getByRole("link", { name: /Enter the contract/ })
      .first()
      .click();
    expect(await arrived(page)).toBe("/authorities/westshire-county-council/contracts/new");
    await page.getByLabel("Contract title").fill("Night-time home care");
    for (const [name, value] of Object.entries({
      "startsOn-day": "1",
      "startsOn-month": "1",
      "startsOn-year": "2027",
      "endsOn-day": "31",
      "endsOn-month": "12",
      "endsOn-year": "2029",
    }))
      await page.locator(`input[name="${name}"]`).fill(value);
    await page.getByLabel("Linked to results (payment by results)").check();
    await page.locator('input[name="kpis.0.name"]').fill("Visits on time");
    await page.locator('input[name="kpis.0.measure"]').fill("Visits within 15 minutes of the planned time");
    await page.locator('input[name="kpis.0.target"]').fill("95%");
    await page.locator('select[name="kpis.0.frequencyMonths"]').selectOption("1");
    await page.getByRole("button", { name: "Enter the contract and publish its notice" }).click();
    await arrived(page);
    expect(await textOf(page, ".govuk-error-summary")).toContain("needs at least 3 KPIs");
    for (const n of [1, 2]) {
      await page.locator(`input[name="kpis.${n}.name"]`).fill(`KPI ${n + 1}`);
      await page.locator(`input[name="kpis.${n}.measure"]`).fill(`Measure ${n + 1}`);
      await page.locator(`input[name="kpis.${n}.target"]`).fill("90%");
    }
    await page.getByRole("button", { name: "Enter the contract and publish its notice" }).click();
    const contractPath = await arrived(page);
    expect(contractPath).toMatch(/^\/authorities\/westshire-county-council\/contracts\/[0-9a-f-]{36}$/);
    expect(await textOf(page, ".govuk-notification-banner")).toContain(
      "contract details notice is published",
    );

    await signInContext(context, server, supplier);
    await page.goto(`${server.baseUrl}/organisations/${MUTUAL}/contracts`);
    await arrived(page);
    expect(await textOf(page, "main")).toContain("KPI reports due");
    await page.getByRole("link", { name: /Report Visits on time, 1 January 2027/ }).click();
    await arrived(page);
    await page.getByLabel("Result for the period").fill("96%");
    await page.getByRole("button", { name: "Send the report" }).click();
    expect(await arrived(page)).toBe(contractPath);

    await signInContext(context, server, commissioner);
    await page.goto(`${server.baseUrl}${contractPath}`);
    await arrived(page);
    await page
      .getByRole("link", { name: /Rate Visits on time/ })
      .first()
      .click();
    await arrived(page);
    await page.getByLabel("Good").check();
    await page.getByLabel("Reasons for the rating").fill("Above target in the first month.");
    await page.getByRole("button", { name: "Publish the rating" }).click();
    await arrived(page);
    expect(await textOf(page, ".govuk-notification-banner")).toContain("Rating published");
    await context.close();

    const anonymous = await browser.newContext(DESKTOP);
    const reader = await anonymous.newPage();
    await reader.goto(`${server.baseUrl}${contractPath}`);
    await arrived(reader);
    expect(await textOf(reader, "main")).toContain("Above target in the first month.");
    await reader.goto(`${server.baseUrl}/contracts`);
    await arrived(reader);
    expect(await textOf(reader, "main")).toContain("Night-time home care");
    await anonymous.close();
  }, 180_000);
});
