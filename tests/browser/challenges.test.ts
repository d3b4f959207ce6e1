/**
 * The Community Right to Challenge in a real browser, with axe on every page: a parish council
 * member expresses an interest in running a service — first incomplete (the errors are shown), then
 * complete; the authority records its consideration and accepts it; the commissioning project
 * appears with its procurement window; and the public register shows the decision.
 */
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { londonToday } from "../../src/lib/london-time.ts";
import { DEMO_AUTHORITY } from "../../src/seed/demo/authorities.ts";
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

const PARISH = "019a0000-0000-7000-8000-00000000b006";
const COUNTY = "/authorities/westshire-county-council";
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

async function signedIn(grants: Parameters<typeof createUser>[1]): Promise<BrowserContext> {
  const user = await createUser(server.db, grants);
  const context = await browser.newContext(DESKTOP);
  await signInContext(context, server, user.id);
  return context;
}

describe("the Community Right to Challenge", () => {
  it("a parish council expresses an interest, the authority considers and accepts it, and the project appears", async () => {
    const parish = await signedIn({ grants: [{ role: "organisation-member", scopeId: PARISH }] });
    const authority = await signedIn({ grants: [{ role: "commissioner", scopeId: DEMO_AUTHORITY.county }] });
    const visitor = await browser.newContext(DESKTOP);
    try {
      // The parish council member drafts and submits.
      const page = await parish.newPage();
      await page.goto(`${server.baseUrl}${COUNTY}/right-to-challenge`);
      expect(await arrived(page), await textOf(page, "main")).toBe(`${COUNTY}/right-to-challenge`);
      await page.getByRole("button", { name: "Express an interest in running a service" }).click();
      expect(await arrived(page)).toBe(`${COUNTY}/right-to-challenge/new`);
      await page.getByLabel("Service", { exact: true }).selectOption({ label: "Country parks" });
      await page.getByLabel("Lower Ashby Parish Council").check();
      await page.getByRole("button", { name: "Continue" }).click();
      const editPath = await arrived(page);
      expect(editPath).toMatch(/\/right-to-challenge\/[0-9a-f-]{36}\/edit$/);

      await page
        .getByLabel("Financial resources of the body")
        .fill("A precept of £48,000 and £31,000 in reserves.");
      await page.getByRole("button", { name: "Submit the expression of interest" }).click();
      expect(await arrived(page)).toBe(editPath);
      const summary = await textOf(page, ".govuk-error-summary");
      expect(summary).toContain("capable of providing the service");
      expect(summary).toContain("well-being of the area");
      expect(summary).toContain("needs of its users");
      await page.getByRole("link", { name: /capable of providing the service/ }).click();
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("capabilityEvidence");

      await page
        .getByLabel("Evidence it will be capable of providing the service")
        .fill("We have run the village play area and allotments since 2019 with our own groundsman.");
      await page
        .getByLabel("The service and the area it would cover")
        .fill("Ashby Country Park, next to the parish.");
      await page
        .getByLabel("Outcomes for the well-being of the area")
        .fill("Local volunteering, wildflower meadows and a café run by villagers.");
      await page
        .getByLabel("How it would meet the needs of users")
        .fill("Visitors asked for longer opening hours.");
      await page.getByRole("button", { name: "Submit the expression of interest" }).click();
      const eoiPath = await arrived(page);
      expect(eoiPath).toBe(editPath.replace(/\/edit$/, ""));
      expect(await textOf(page, ".govuk-notification-banner")).toContain("has been submitted");
      expect(await textOf(page, "main")).toContain("Submitted");

      // The authority records its consideration, then accepts.
      const officer = await authority.newPage();
      await officer.goto(`${server.baseUrl}${eoiPath}`);
      await arrived(officer);
      await officer.getByRole("link", { name: "Record that you considered it" }).click();
      expect(await arrived(officer)).toBe(`${eoiPath}/consider`);
      const [year, month, day] = londonToday(server.app.deps.clock).split("-");
      await officer.getByLabel("Considered by").fill("Head of Countryside Services");
      await officer.getByLabel("Day").fill(String(Number(day)));
      await officer.getByLabel("Month").fill(String(Number(month)));
      await officer.getByLabel("Year").fill(year ?? "");
      await officer.getByLabel("Evidence weighed").fill("The parish council's accounts and references.");
      await officer.getByRole("button", { name: "Record the consideration" }).click();
      expect(await arrived(officer)).toBe(eoiPath);
      await officer.getByRole("link", { name: "Decide: accept, modify or reject" }).click();
      expect(await arrived(officer)).toBe(`${eoiPath}/decide`);
      await officer.getByLabel("Accept", { exact: true }).check();
      await officer
        .getByLabel("Reasons")
        .fill("The parish council has the resources and the local knowledge.");
      await officer.getByRole("button", { name: "Record the decision" }).click();
      expect(await arrived(officer)).toBe(eoiPath);
      expect(await textOf(officer, "main")).toContain("Accepted");
      await officer.getByRole("link", { name: "The procurement exercise that follows" }).click();
      const projectPath = await arrived(officer);
      expect(projectPath).toMatch(/\/projects\/[0-9a-f-]{36}$/);
      const project = await textOf(officer, "main");
      expect(project).toContain("Right to Challenge: Country parks");
      expect(project).toContain("Procurement window");
      expect(project).toContain("Earliest start");

      // The public register shows the decision.
      const publicPage = await visitor.newPage();
      await publicPage.goto(`${server.baseUrl}/right-to-challenge`);
      expect(await arrived(publicPage)).toBe("/right-to-challenge");
      const register = await textOf(publicPage, "main");
      expect(register).toContain("Lower Ashby Parish Council");
      expect(register).toContain("Country parks");
      await publicPage.getByRole("link", { name: "Country parks" }).first().click();
      await arrived(publicPage);
      expect(await textOf(publicPage, "main")).toContain("The parish council has the resources");
    } finally {
      await parish.close();
      await authority.close();
      await visitor.close();
    }
  }, 120_000);

  it("an authority publishes its policy and a window, and modifies an employees' EOI with their written agreement", async () => {
    const authority = await signedIn({ grants: [{ role: "commissioner", scopeId: DEMO_AUTHORITY.county }] });
    const employee = await signedIn({ grants: [{ role: "evaluator", scopeId: DEMO_AUTHORITY.county }] });
    try {
      const page = await authority.newPage();
      await page.goto(`${server.baseUrl}${COUNTY}/right-to-challenge`);
      await arrived(page);
      await page.getByRole("link", { name: "Publish or change the policy" }).click();
      expect(await arrived(page)).toBe(`${COUNTY}/right-to-challenge/policy`);
      await page.getByLabel("Period within which you decide").fill("0");
      await page.getByRole("button", { name: "Publish the policy" }).click();
      await arrived(page);
      expect(await textOf(page, ".govuk-error-summary")).toContain("from 1 to 730");
      await page.getByLabel("Period within which you decide").fill("45");
      await page.getByRole("button", { name: "Publish the policy" }).click();
      expect(await arrived(page)).toBe(`${COUNTY}/right-to-challenge`);
      expect(await textOf(page, "#policy + p, main")).toContain("45 days");

      await page.getByRole("link", { name: "Publish a window for a service" }).click();
      expect(await arrived(page)).toBe(`${COUNTY}/right-to-challenge/windows/new`);
      await page.getByRole("button", { name: "Publish the window" }).click();
      await arrived(page);
      expect(await textOf(page, ".govuk-error-summary")).toContain("Choose the service");
      await page.getByLabel("Service", { exact: true }).selectOption({ label: "Home care for older people" });
      const opens = page.getByRole("group", { name: "Opens on" });
      await opens.getByLabel("Day").fill("1");
      await opens.getByLabel("Month").fill("1");
      await opens.getByLabel("Year").fill("2030");
      const closes = page.getByRole("group", { name: "Closes on" });
      await closes.getByLabel("Day").fill("31");
      await closes.getByLabel("Month").fill("1");
      await closes.getByLabel("Year").fill("2030");
      await page.getByRole("button", { name: "Publish the window" }).click();
      expect(await arrived(page)).toBe(`${COUNTY}/right-to-challenge`);
      expect(await textOf(page, "#windows ~ table")).toContain("Home care for older people");

      // An employee starts an EOI: the co-signatories' fieldset, and its errors.
      const staff = await employee.newPage();
      await staff.goto(`${server.baseUrl}${COUNTY}/right-to-challenge/new`);
      await arrived(staff);
      await staff.getByLabel("Service", { exact: true }).selectOption({ label: "Library service" });
      await staff.getByLabel(/Employees of Westshire County Council/).check();
      await staff.getByRole("button", { name: "Continue" }).click();
      await arrived(staff);
      await staff.getByLabel("Co-signatory 1: name").fill("Jo Bloggs");
      await staff.getByRole("button", { name: "Submit the expression of interest" }).click();
      await arrived(staff);
      expect(await textOf(staff, ".govuk-error-summary")).toContain("co-signatory 1's job title");

      // The authority considers the demo employees' EOI, proposes a modification and records agreement.
      await page.goto(`${server.baseUrl}${COUNTY}/right-to-challenge`);
      await arrived(page);
      await page
        .getByRole("row", { name: /Employees of Westshire County Council/ })
        .getByRole("link")
        .click();
      const eoiPath = await arrived(page);
      expect(await textOf(page, "main")).toContain("Rowan Ellis");
      await page.getByRole("link", { name: "Record that you considered it" }).click();
      await arrived(page);
      const [year, month, day] = londonToday(server.app.deps.clock).split("-");
      await page.getByLabel("Considered by").fill("Parks Board");
      await page.getByLabel("Day").fill(String(Number(day)));
      await page.getByLabel("Month").fill(String(Number(month)));
      await page.getByLabel("Year").fill(year ?? "");
      await page.getByLabel("Evidence weighed").fill("The business plan.");
      await page.getByRole("button", { name: "Record the consideration" }).click();
      expect(await arrived(page)).toBe(eoiPath);
      await page.getByRole("link", { name: /Propose a modification/ }).click();
      expect(await arrived(page)).toBe(`${eoiPath}/modification`);
      await page.getByLabel("The modification").fill("Two parks, not four, for the first three years.");
      await page.getByRole("button", { name: "Propose the modification" }).click();
      await arrived(page);
      expect(await textOf(page, ".govuk-error-summary")).toContain("otherwise reject");
      await page.getByLabel("Information in it is inadequate or inaccurate").check();
      await page.getByRole("button", { name: "Propose the modification" }).click();
      expect(await arrived(page)).toBe(eoiPath);
      await page.getByRole("link", { name: /Propose a modification/ }).click();
      await arrived(page);
      await page.getByLabel("Day").fill(String(Number(day)));
      await page.getByLabel("Month").fill(String(Number(month)));
      await page.getByLabel("Year").fill(year ?? "");
      await page
        .getByLabel("Evidence of the agreement")
        .fill("Email from the Head Ranger for the employees.");
      await page.getByRole("button", { name: "Record the written agreement" }).click();
      expect(await arrived(page)).toBe(eoiPath);
      await page.getByRole("link", { name: "Decide: accept, modify or reject" }).click();
      await arrived(page);
      await page.getByLabel("Modify and accept").check();
      await page.getByLabel("Reasons").fill("Accepted for two parks, as agreed.");
      await page.getByRole("button", { name: "Record the decision" }).click();
      expect(await arrived(page)).toBe(eoiPath);
      expect(await textOf(page, "main")).toContain("Modified and accepted");
    } finally {
      await authority.close();
      await employee.close();
    }
  }, 120_000);
});
