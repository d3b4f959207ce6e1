/**
 * The demo Commissioner's whole lifecycle in a real browser, with axe on every page, using only the
 * links on pages: each person enters at the sign-in page (the demo accounts' buttons) or the home
 * page, and from there follows links — no address typed after signing in. The Commissioner goes
 * from "Your work" through Public bodies to the county's hub and its service register, adds a
 * service (first with a mistake) with an option appraisal, sees it in the pipelines, goes on to the
 * home care project and its consultation, and sets up a tender from the project (first with weights
 * that do not add up) and publishes it; a charity asks a clarification question and the
 * Commissioner answers it for everyone; three organisations register interest and bid, one as the
 * lead of a consortium, each getting a receipt; the platform administrator moves the demo clock past
 * the deadline; the authority administrator and the Commissioner open the bids (two openers), and
 * the Commissioner checks them for compliance — one is excluded, so evaluation starts only with a
 * justification for fewer than three compliant bids; the demo Evaluator, found by "Your work",
 * declares no conflict, scores and submits; the Commissioner moderates, ranks and awards; a losing
 * bidder's challenge suspends the award until it is dismissed; after standstill (the demo clock
 * moved again) the contract is entered with a KPI; when its first period has passed, the supplier
 * reports and the Commissioner rates the report, which the public reads on the contract.
 * (The consultation, Right to Challenge and contracts have their own, deeper journeys.)
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settableClock } from "../../src/lib/clock.ts";
import { addMonths, londonToday } from "../../src/lib/london-time.ts";
import type { Role } from "../../src/modules/access/access.table.ts";
import { SESSION_COOKIE } from "../../src/modules/accounts/accounts.service.ts";
import { DEMO_ORGANISATION } from "../../src/seed/demo/organisations.ts";
import { DEMO_USERS } from "../../src/seed/demo/users.ts";
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

const clock = settableClock(new Date("2026-11-22T10:00:00Z"));
let t: TestServer;
let baseUrl: string;
let browser: Browser;
let journey: DemoJourney;
let demo: DemoJourney["demo"];
let moveClock: DemoJourney["moveClock"];
const users: Record<string, string> = {};
const TENDER = "Home care 2027: open framework";

beforeAll(async () => {
  t = await startTestServer({ clock, seeded: true });
  baseUrl = t.baseUrl;
  const make = async (name: string, role: Role, scopeId: string) => {
    users[name] = (await createUser(t.deps.db, { grants: [{ role, scopeId }] })).id;
  };
  await make("charity", "organisation-admin", DEMO_ORGANISATION.carersTrust);
  await make("mutual", "organisation-admin", DEMO_ORGANISATION.communityHealthMutual);
  await make("company", "organisation-member", DEMO_ORGANISATION.homesGroup);
  browser = await sharedBrowser();
  journey = demoJourney(t, browser);
  ({ demo, moveClock } = journey);
}, 120_000);

afterAll(async () => {
  await journey?.close();
  await commissioner?.context.close();
  for (const { context } of bidderBrowsers.values()) await context.close();
  await t?.close();
});

/** Each bidder's browser, signed in once. */
const bidderBrowsers = new Map<string, { context: BrowserContext; page: Page }>();

/** A bidder, signed in, entering at the home page (each time in the browser they used before). */
async function as(name: string): Promise<{ context: { close(): Promise<void> }; page: Page }> {
  let bidder = bidderBrowsers.get(name);
  if (!bidder) {
    const session = await sessionFor(t.app, users[name] as string, { twoFactor: true });
    const context = await browser.newContext(DESKTOP);
    await context.addCookies([
      { name: SESSION_COOKIE, value: session.cookie.split("=")[1] ?? "", url: baseUrl },
    ]);
    bidder = { context, page: await context.newPage() };
    bidderBrowsers.set(name, bidder);
  }
  const { page } = bidder;
  await page.goto(`${baseUrl}/`);
  await arrived(page);
  return { context: { close: async () => {} }, page };
}

/** The demo Commissioner, signed in once: each time back at "Your work" by the header's link. */
let commissioner: { context: BrowserContext; page: Page } | undefined;
async function commissionerAtWork(): Promise<{ context: { close(): Promise<void> }; page: Page }> {
  if (!commissioner) commissioner = await demo("Commissioner");
  else {
    await commissioner.page.getByRole("link", { name: "Your work" }).click();
    expect(await arrived(commissioner.page)).toBe("/tasks");
  }
  return { context: { close: async () => {} }, page: commissioner.page };
}

/** From "Your work", the task of this kind about the tender. */
async function task(page: Page, name: RegExp): Promise<void> {
  await page.locator("tr", { hasText: TENDER }).getByRole("link", { name }).first().click();
  await arrived(page);
}

/** From anywhere, through Opportunities, to the tender's page. */
async function toTender(page: Page): Promise<void> {
  await page.locator(".govuk-service-navigation").getByRole("link", { name: "Opportunities" }).click();
  await arrived(page);
  await page.getByRole("link", { name: TENDER }).click();
  await arrived(page);
}

const byName = (page: Page, name: string) => page.locator(`main [name="${name}"]`);
const DEMO_EVALUATOR = DEMO_USERS.find((u) => u.role === "evaluator")?.id as string;

describe("the demo Commissioner's lifecycle, by links", () => {
  it("from the service register to a contract whose KPI report is rated", async () => {
    let tenderPath = "";
    {
      const { context, page } = await commissionerAtWork();
      // Public bodies, then the county's hub: where its commissioning starts.
      await page.locator(".govuk-service-navigation").getByRole("link", { name: "Public bodies" }).click();
      expect(await arrived(page)).toBe("/authorities");
      await page.getByRole("link", { name: "Westshire County Council", exact: true }).first().click();
      expect(await arrived(page)).toBe("/authorities/westshire-county-council");
      expect(await textOf(page, "main")).toContain("Start something");
      await page.getByRole("link", { name: "Service register" }).click();
      expect(await arrived(page)).toBe("/authorities/westshire-county-council/services");
      await page.getByRole("button", { name: "Add a service" }).click();
      expect(await arrived(page)).toBe("/authorities/westshire-county-council/services/new");
      const [year, month, day] = addMonths(londonToday(t.app.deps.clock), 6).split("-");
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
      expect(await textOf(page, "main .govuk-notification-banner")).toContain(
        "The option appraisal has been published",
      );
      expect(await textOf(page, ".govuk-summary-card")).toContain("Current");
      // The new service in the authority's pipeline and the national one (the footer's link).
      await page.locator(".govuk-back-link").click();
      expect(await arrived(page)).toBe("/authorities/westshire-county-council/services");
      await page
        .locator(".govuk-breadcrumbs")
        .getByRole("link", { name: "Westshire County Council" })
        .click();
      expect(await arrived(page)).toBe("/authorities/westshire-county-council");
      await page.getByRole("link", { name: "Commissioning pipeline" }).click();
      expect(await arrived(page)).toBe("/authorities/westshire-county-council/pipeline");
      const row = page.locator("tr", { hasText: "Carers' breaks" });
      expect(((await row.textContent()) ?? "").replace(/\s+/g, " ")).toContain("None planned yet");
      await page.locator("footer").getByRole("link", { name: "Pipeline" }).click();
      expect(await arrived(page)).toBe("/pipeline");
      expect(await textOf(page, "main")).toContain("Carers' breaks");

      // The home care project, its consultation, and a tender set up from the project.
      await page.locator(".govuk-service-navigation").getByRole("link", { name: "Public bodies" }).click();
      await arrived(page);
      await page.getByRole("link", { name: "Westshire County Council", exact: true }).first().click();
      await arrived(page);
      await page.getByRole("link", { name: "Commissioning projects" }).click();
      await arrived(page);
      await page.getByRole("link", { name: "Home care for older people 2027" }).first().click();
      const projectPath = await arrived(page);
      expect(await textOf(page, "main")).toContain("Home care for older people 2027");
      await page.getByRole("link", { name: "Home care for older people: shaping the new service" }).click();
      await arrived(page);
      expect(await textOf(page, "h1")).toContain("Home care for older people: shaping the new service");
      await page.goBack();
      expect(new URL(page.url()).pathname).toBe(projectPath);
      await page.getByRole("button", { name: "Set up a tender for this project" }).click();
      await arrived(page);
      expect(await byName(page, "projectId").inputValue()).toBe(
        new URL(page.url()).searchParams.get("projectId"),
      );
      await byName(page, "title").fill(TENDER);
      await byName(page, "description").fill("Home care for older people across Westshire.");
      await page.getByLabel("Open procedure").check();
      await byName(page, "contractTermMonths").fill("48");
      await page.getByLabel("Competitive price").check();
      await page.getByLabel("The service is exempt from VAT").check();
      for (const [prefix, [d, m, y, time]] of [
        ["clarificationDeadline", ["8", "1", "2027", "12:00"]],
        ["submissionDeadline", ["15", "1", "2027", "12:00"]],
      ] as const) {
        await byName(page, `${prefix}-day`).fill(d);
        await byName(page, `${prefix}-month`).fill(m);
        await byName(page, `${prefix}-year`).fill(y);
        await byName(page, `${prefix}-time`).fill(time);
      }
      await byName(page, "conditions.0").fill("Registered with the Care Quality Commission");
      await byName(page, "criteria.0.kind").selectOption("quality");
      await byName(page, "criteria.0.title").fill("Quality of care");
      await byName(page, "criteria.0.weightBp").fill("60");
      await byName(page, "criteria.1.kind").selectOption("price");
      await byName(page, "criteria.1.title").fill("Price");
      await byName(page, "criteria.1.weightBp").fill("30");
      await page.getByRole("button", { name: "Save as draft" }).click();
      await arrived(page);
      expect(await textOf(page, ".govuk-error-summary")).toContain("add up to 90%");
      await byName(page, "criteria.1.weightBp").fill("40");
      await page.getByRole("button", { name: "Save as draft" }).click();
      tenderPath = await arrived(page);
      expect(tenderPath).toMatch(/^\/authorities\/westshire-county-council\/tenders\/[0-9a-f-]+$/);
      await page.getByRole("button", { name: "Publish this tender" }).click();
      await arrived(page);
      expect(await textOf(page, "main .govuk-notification-banner")).toContain(
        "The tender has been published",
      );
      await page.locator(".govuk-service-navigation").getByRole("link", { name: "Opportunities" }).click();
      await arrived(page);
      expect(await textOf(page, "main")).toContain(TENDER);
      await context.close();
    }

    // A charity asks a clarification question; the commissioner answers it, publishing it for everyone.
    {
      const { context, page } = await as("charity");
      await toTender(page);
      await page.getByRole("link", { name: "Ask a clarification question" }).click();
      await arrived(page);
      await page.getByLabel("Your question").fill("Are weekend visits part of the service?");
      await page.getByRole("button", { name: "Send the question" }).click();
      await arrived(page);
      expect(await textOf(page, "main .govuk-notification-banner")).toContain("Your question has been sent");
      await context.close();
    }
    {
      const { context, page } = await commissionerAtWork();
      await task(page, /^Answer a clarification question/);
      await page.getByLabel("Answer", { exact: true }).fill("Yes: visits are every day of the year.");
      await page.getByRole("button", { name: "Publish the answer" }).click();
      await arrived(page);
      expect(await textOf(page, "main .govuk-notification-banner")).toContain(
        "The answer has been published",
      );
      await context.close();
    }
    {
      const context = await browser.newContext(DESKTOP);
      const page = await context.newPage();
      await page.goto(`${baseUrl}/`);
      await arrived(page);
      await toTender(page);
      const main = await textOf(page, "main");
      expect(main).toContain("Question 1");
      expect(main).toContain("Yes: visits are every day of the year.");
      expect(main).not.toContain("Carers");
      await context.close();
    }

    for (const [who, organisationId, price, consortium] of [
      ["charity", DEMO_ORGANISATION.carersTrust, "£1,100,000", false],
      ["mutual", DEMO_ORGANISATION.communityHealthMutual, "£1,050,000", false],
      ["company", DEMO_ORGANISATION.homesGroup, "£990,000", true],
    ] as const) {
      const { context, page } = await as(who);
      await toTender(page);
      // Bidding needs registered interest (the charity registered by asking its question).
      if (who !== "charity") {
        await page.getByRole("button", { name: /^Register interest/ }).click();
        await arrived(page);
        expect(await textOf(page, "main .govuk-notification-banner")).toContain("registered as interested");
      }
      await page.getByRole("button", { name: "Submit a bid" }).click();
      await arrived(page);
      await byName(page, "organisationId").selectOption(organisationId);
      await page.getByLabel(/Quality of care/).fill(`How ${who} cares for people at home.`);
      await byName(page, "price").fill(price);
      if (who === "charity")
        await page.getByLabel("Documents (optional)").setInputFiles({
          name: "method-statement.txt",
          mimeType: "text/plain",
          buffer: Buffer.from("Our method statement: visits planned by postcode."),
        });
      if (consortium) {
        await page
          .getByRole("group", { name: "Are you bidding as the lead of a consortium?" })
          .getByLabel("Yes")
          .check();
        await byName(page, "consortium.leadShareBp").fill("85");
        await byName(page, "consortium.members.0.name").fill("Millbrook Minibus");
        await byName(page, "consortium.members.0.role").selectOption("subcontractor");
        await byName(page, "consortium.members.0.sector").selectOption("voluntary-community");
        await byName(page, "consortium.members.0.sizeBand").selectOption("micro");
        await byName(page, "consortium.members.0.shareBp").fill("15");
      }
      await page.getByRole("button", { name: "Submit sealed bid" }).click();
      await arrived(page);
      // The confirmation: the receipt, and a copy of what was submitted to download.
      expect(await textOf(page, ".govuk-panel")).toContain("Bid received at");
      expect(await textOf(page, "main")).toMatch(/[0-9a-f]{64}/);
      expect(await page.getByRole("button", { name: "Download a copy of your bid" }).count()).toBe(1);
      await context.close();
    }

    // The deadline passes: the demo clock moved past it (15 January 2027, 12:00).
    await moveClock(55);
    {
      // The first opener: the authority administrator, from "Your work".
      const { context, page } = await demo("Authority administrator");
      await task(page, /^Confirm the opening/);
      expect(await textOf(page, "main")).toContain("Closed, awaiting opening");
      await page.getByRole("button", { name: "Confirm the opening" }).click();
      await arrived(page);
      expect(await textOf(page, "main .govuk-notification-banner")).toContain(
        "A second, different bid opener",
      );
      await context.close();
    }
    {
      // The second: the Commissioner, who reads the bids and checks them for compliance.
      const { context, page } = await commissionerAtWork();
      await task(page, /^Confirm the opening as the second bid opener/);
      await page.getByRole("button", { name: "Confirm the opening" }).click();
      await arrived(page);
      expect(await textOf(page, "main .govuk-notification-banner")).toContain("The bids have been opened");
      await page.getByRole("link", { name: "Read the opened bids" }).click();
      await arrived(page);
      const main = await textOf(page, "main");
      expect(main).toContain("Millbrook Carers' Trust");
      expect(main).toContain("Millbrook Minibus");
      expect(main).toContain("method-statement.txt");
      expect(main).toContain("£990,000");
      expect(main.match(/Matches its receipt/g)).toHaveLength(3);
      // The compliance check: two bids compliant, one excluded for a condition not met.
      await page.getByRole("link", { name: "Your work" }).click();
      await arrived(page);
      await task(page, /^Check the compliance/);
      for (const outcome of ["compliant", "compliant", "excluded"]) {
        await page
          .getByRole("link", { name: /^Record the decision/ })
          .first()
          .click();
        await arrived(page);
        if (outcome === "compliant") {
          await page.getByLabel("Yes, it meets it").check();
          await page.getByLabel("Compliant: it goes on to evaluation").check();
        } else {
          await page.getByLabel("No, it does not").check();
          await page.getByLabel("If not, why not (1)").fill("No registration for personal care was given.");
          await page.getByLabel("Excluded", { exact: true }).check();
        }
        await page.getByRole("button", { name: "Save decision" }).click();
        await arrived(page);
        expect(await textOf(page, "main .govuk-notification-banner")).toContain(
          "The compliance decision was saved",
        );
      }
      expect(await textOf(page, "main")).toContain("2 of 3 bids compliant; 0 not decided");
      // Fewer than three compliant: evaluation needs a published justification.
      await page.getByRole("button", { name: "Start evaluation" }).click();
      await arrived(page);
      expect(await textOf(page, ".govuk-error-summary")).toContain("justification");
      await page
        .getByLabel("Justification for evaluating fewer than 3 compliant bids")
        .fill(
          "The tender was open to all sectors for eight weeks and advertised to 40 local providers; two compliant bids give real choice.",
        );
      await page.getByRole("button", { name: "Start evaluation" }).click();
      await arrived(page);
      expect(await textOf(page, "main")).toContain("Evaluation started");
      // The commissioner assigns the demo evaluator.
      await page.getByRole("link", { name: "Your work" }).click();
      await arrived(page);
      await task(page, /^Assign evaluators/);
      await page.getByLabel("Assign an evaluator").selectOption(DEMO_EVALUATOR);
      await page.getByRole("button", { name: "Assign the evaluator" }).click();
      await arrived(page);
      expect(await textOf(page, "main .govuk-notification-banner")).toContain(
        "The evaluator has been assigned",
      );
      await context.close();
    }

    // The evaluator finds the tender assigned to them, declares no conflict, scores both compliant bids.
    {
      const { context, page } = await demo("Evaluator");
      await page.locator("#assigned-list").getByRole("link", { name: TENDER }).click();
      await arrived(page);
      await page.getByRole("link", { name: "Declare any conflict of interest" }).click();
      await arrived(page);
      await page.getByLabel("No, I have no conflict of interest").check();
      await page.getByRole("button", { name: "Save declaration" }).click();
      await arrived(page);
      for (const score of ["8", "6"]) {
        await page
          .getByRole("link", { name: /^Score the bid from/ })
          .nth(score === "8" ? 0 : 1)
          .click();
        await arrived(page);
        await page.getByLabel(/Score for Quality of care/).fill(score);
        await page
          .getByLabel(/Reason for the score for Quality of care/)
          .fill(`Scored ${score}: see the method.`);
        await page.getByRole("button", { name: "Save scores" }).click();
        await arrived(page);
      }
      await page.getByRole("button", { name: "Submit my scores" }).click();
      await arrived(page);
      expect(await textOf(page, "main .govuk-notification-banner")).toContain("Your scores were submitted");
      await context.close();
    }

    // The commissioner moderates, sees the ranking with its working, and awards: standstill begins.
    {
      const { context, page } = await commissionerAtWork();
      await task(page, /^Moderate the scores/);
      for (const [i, score] of ["8", "6"].entries()) {
        await page
          .getByRole("link", { name: /^Record the agreed scores/ })
          .nth(i)
          .click();
        await arrived(page);
        await page.getByLabel(/Agreed score for Quality of care/).fill(score);
        await page.getByLabel(/Agreed reason for Quality of care/).fill(`Agreed at moderation: ${score}.`);
        await page.getByRole("button", { name: "Save agreed scores" }).click();
        await arrived(page);
      }
      await page.getByRole("link", { name: "Your work" }).click();
      await arrived(page);
      await task(page, /^Every score is moderated/);
      expect(await textOf(page, "main")).toContain("out of 100");
      await page
        .getByRole("link", { name: /Decide the award|Award the contract/ })
        .first()
        .click();
      await arrived(page);
      await page.getByLabel("Regulated activity the contract requires").selectOption({ label: "None" });
      await page.getByRole("button", { name: "Award the contract" }).click();
      expect(await arrived(page)).toBe(`${tenderPath}/award`);
      const notice = await textOf(page, "main");
      expect(notice).toContain("In standstill");
      expect(notice).toContain("midnight at the end of");
      await context.close();
    }

    // A losing bidder challenges: the award is suspended until the commissioner records the outcome.
    const award = await t.deps.db
      .selectFrom("tender_awards")
      .selectAll()
      .where("status", "=", "awarded")
      .orderBy("decided_at", "desc")
      .executeTakeFirstOrThrow();
    const bidders = [
      ["charity", DEMO_ORGANISATION.carersTrust],
      ["mutual", DEMO_ORGANISATION.communityHealthMutual],
    ] as const;
    const challenger = bidders.find(([, id]) => id !== award.organisation_id)?.[0] as string;
    const winner = bidders.find(([, id]) => id === award.organisation_id)?.[0] as string;
    {
      const { context, page } = await as(challenger);
      // Their bid, from "Your work": the tender, and its award.
      await page.getByRole("link", { name: "Your work" }).click();
      await arrived(page);
      await page.locator("#bids-list").getByRole("link", { name: TENDER, exact: true }).click();
      await arrived(page);
      await page.getByRole("link", { name: "Contract award notice" }).click();
      await arrived(page);
      await page.getByRole("link", { name: "Challenge this award" }).click();
      await arrived(page);
      await page
        .getByLabel("Grounds of the challenge")
        .fill("Our price was lower and our quality answer was not read in full.");
      await page.getByRole("button", { name: "Lodge the challenge" }).click();
      await arrived(page);
      expect(await textOf(page, "main")).toContain("Suspended: challenged");
      await context.close();
    }
    {
      const { context, page } = await commissionerAtWork();
      await task(page, /^Decide the standstill challenge/);
      await page.getByLabel("Dismissed", { exact: true }).check();
      await page
        .getByLabel("Reasons for the outcome")
        .fill("Both answers were read in full; the scores stand.");
      await page.getByRole("button", { name: "Record the outcome" }).click();
      await arrived(page);
      expect(await textOf(page, "main")).toContain("In standstill");
      await context.close();
    }

    // After standstill (the demo clock moved on), the commissioner enters the contract; it is published.
    await moveClock(15);
    {
      const { context, page } = await commissionerAtWork();
      await task(page, /^Enter the contract awarded to/);
      await page.getByLabel("Contract title").fill("Home care 2027: framework contract");
      for (const [prefix, [d, m, y]] of [
        ["startsOn", ["1", "4", "2027"]],
        ["endsOn", ["31", "3", "2031"]],
      ] as const) {
        await byName(page, `${prefix}-day`).fill(d);
        await byName(page, `${prefix}-month`).fill(m);
        await byName(page, `${prefix}-year`).fill(y);
      }
      await page.getByLabel("Fixed price", { exact: true }).check();
      await byName(page, "kpis.0.name").fill("Visits on time");
      await byName(page, "kpis.0.measure").fill(
        "Share of visits starting within 15 minutes of the planned time",
      );
      await byName(page, "kpis.0.target").fill("95%");
      await byName(page, "kpis.0.frequencyMonths").selectOption("3");
      await page.getByRole("button", { name: "Enter the contract and publish its notice" }).click();
      await arrived(page);
      expect(await textOf(page, "main .govuk-notification-banner")).toContain("Contract entered");
      await context.close();
    }

    // The first quarter of the contract passes: the supplier reports on its KPI, the commissioner rates it.
    await moveClock(160);
    {
      const { context, page } = await as(winner);
      await page.getByRole("link", { name: "Your work" }).click();
      await arrived(page);
      await page
        .locator("tr", { hasText: "Home care 2027: framework contract" })
        .getByRole("link", { name: /^Report on “Visits on time”/ })
        .click();
      await arrived(page);
      await page.getByLabel("Result for the period").fill("96%");
      await page
        .getByLabel("Commentary (optional)")
        .fill("Two late visits in snow; both families were told.");
      await page.getByRole("button", { name: "Send the report" }).click();
      await arrived(page);
      expect(await textOf(page, "main .govuk-notification-banner")).toContain("Report sent");
      await context.close();
    }
    {
      const { context, page } = await commissionerAtWork();
      await page
        .locator("tr", { hasText: "Home care 2027: framework contract" })
        .getByRole("link", { name: /^Rate .*report on “Visits on time”/ })
        .click();
      await arrived(page);
      await page.getByLabel("Good").check();
      await page.getByLabel("Reasons for the rating").fill("96% against a target of 95%.");
      await page.getByRole("button", { name: "Publish the rating" }).click();
      await arrived(page);
      expect(await textOf(page, "main .govuk-notification-banner")).toContain("Rating published");
      await context.close();
    }
    {
      const context = await browser.newContext(DESKTOP);
      const page = await context.newPage();
      await page.goto(`${baseUrl}/`);
      await arrived(page);
      await page.locator("footer").getByRole("link", { name: "Contracts" }).click();
      await arrived(page);
      await page.getByRole("link", { name: "Home care 2027: framework contract" }).click();
      await arrived(page);
      const main = await textOf(page, "main");
      expect(main).toContain("Visits on time");
      expect(main).toContain("96% against a target of 95%.");
      expect(main).toContain("Good");
      await context.close();
    }
  }, 420_000);
});
