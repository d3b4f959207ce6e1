/**
 * The commissioning lifecycle in a real browser, with axe on every page (the service register,
 * appraisal and consultation before it have their own journeys: services.test.ts,
 * consultations.test.ts): a commissioner sets up a tender (first with weights that do not add up)
 * and publishes it; a charity asks a clarification question and the commissioner answers it for
 * everyone; three organisations register interest and bid, one as the lead of a consortium, each
 * getting a receipt; the deadline passes (the clock is moved); two bid openers open the bids, and
 * the second reads them and checks them for compliance — one is excluded, so evaluation starts only
 * with a justification for fewer than three compliant bids; an evaluator declares no conflict,
 * scores and submits; the commissioner moderates, ranks and awards; a losing bidder's challenge
 * suspends the award until it is dismissed; after standstill (the clock moved) the contract is
 * entered and published.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settableClock } from "../../src/lib/clock.ts";
import type { Role } from "../../src/modules/access/access.table.ts";
import { SESSION_COOKIE } from "../../src/modules/accounts/accounts.service.ts";
import { DEMO_AUTHORITY } from "../../src/seed/demo/authorities.ts";
import { DEMO_ORGANISATION } from "../../src/seed/demo/organisations.ts";
import { DEMO_PROJECT } from "../../src/seed/demo/projects.ts";
import { createUser, sessionFor } from "../support/auth.ts";
import {
  arrived,
  DESKTOP,
  sharedBrowser,
  startTestServer,
  type TestServer,
  textOf,
} from "../support/browser.ts";

const clock = settableClock(new Date("2026-11-22T10:00:00Z"));
let t: TestServer;
let baseUrl: string;
let browser: Browser;
const users: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestServer({ clock, seeded: true });
  baseUrl = t.baseUrl;
  const make = async (name: string, role: Role, scopeId: string) => {
    users[name] = (await createUser(t.deps.db, { grants: [{ role, scopeId }] })).id;
  };
  await make("commissioner", "commissioner", DEMO_AUTHORITY.county);
  await make("evaluator", "evaluator", DEMO_AUTHORITY.county);
  await make("opener1", "bid-opener", DEMO_AUTHORITY.county);
  // The second opener is also a commissioner: they record the compliance check.
  users.opener2 = (
    await createUser(t.deps.db, {
      grants: [
        { role: "bid-opener", scopeId: DEMO_AUTHORITY.county },
        { role: "commissioner", scopeId: DEMO_AUTHORITY.county },
      ],
    })
  ).id;
  await make("charity", "organisation-admin", DEMO_ORGANISATION.carersTrust);
  await make("mutual", "organisation-admin", DEMO_ORGANISATION.communityHealthMutual);
  await make("company", "organisation-member", DEMO_ORGANISATION.homesGroup);
  browser = await sharedBrowser();
}, 120_000);

afterAll(async () => {
  await t?.close();
});

async function as(name: string): Promise<{ context: BrowserContext; page: Page }> {
  const session = await sessionFor(t.app, users[name] as string, { twoFactor: true });
  const context = await browser.newContext(DESKTOP);
  await context.addCookies([
    { name: SESSION_COOKIE, value: session.cookie.split("=")[1] ?? "", url: baseUrl },
  ]);
  return { context, page: await context.newPage() };
}

const byName = (page: Page, name: string) => page.locator(`[name="${name}"]`);

describe("tenders and sealed bids", () => {
  it("publish a tender, three organisations bid, the deadline passes, two openers open", async () => {
    let tenderPath = "";
    {
      const { context, page } = await as("commissioner");
      // Where the lifecycle begins: the service register, and the commissioning project.
      await page.goto(`${baseUrl}/authorities/westshire-county-council/services`);
      await arrived(page);
      await page.goto(
        `${baseUrl}/authorities/westshire-county-council/projects/${DEMO_PROJECT.countyHomeCare}`,
      );
      await arrived(page);
      expect(await textOf(page, "main")).toContain("Home care for older people 2027");
      await page.goto(`${baseUrl}/authorities/westshire-county-council/tenders`);
      await arrived(page);
      await page.getByRole("button", { name: "Set up a tender" }).click();
      expect(await arrived(page)).toBe("/authorities/westshire-county-council/tenders/new");
      await byName(page, "projectId").selectOption(DEMO_PROJECT.countyHomeCare);
      await byName(page, "title").fill("Home care 2027: open framework");
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
      expect(await textOf(page, ".govuk-notification-banner")).toContain("The tender has been published");
      await page.goto(`${baseUrl}/opportunities`);
      await arrived(page);
      expect(await textOf(page, "main")).toContain("Home care 2027: open framework");
      await context.close();
    }

    // A charity asks a clarification question; the commissioner answers it, publishing it for everyone.
    {
      const { context, page } = await as("charity");
      await page.goto(`${baseUrl}${tenderPath}`);
      await arrived(page);
      await page.getByRole("link", { name: "Ask a clarification question" }).click();
      await arrived(page);
      await page.getByLabel("Your question").fill("Are weekend visits part of the service?");
      await page.getByRole("button", { name: "Send the question" }).click();
      await arrived(page);
      expect(await textOf(page, ".govuk-notification-banner")).toContain("Your question has been sent");
      await context.close();
    }
    {
      const { context, page } = await as("commissioner");
      await page.goto(`${baseUrl}${tenderPath}`);
      await arrived(page);
      await page.getByRole("link", { name: /^Answer/ }).click();
      await arrived(page);
      await page.getByLabel("Answer", { exact: true }).fill("Yes: visits are every day of the year.");
      await page.getByRole("button", { name: "Publish the answer" }).click();
      await arrived(page);
      expect(await textOf(page, ".govuk-notification-banner")).toContain("The answer has been published");
      await context.close();
    }
    {
      const context = await browser.newContext(DESKTOP);
      const page = await context.newPage();
      await page.goto(`${baseUrl}${tenderPath}`);
      await arrived(page);
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
      await page.goto(`${baseUrl}${tenderPath}`);
      await arrived(page);
      // Bidding needs registered interest (the charity registered by asking its question).
      if (who !== "charity") {
        await page.getByRole("button", { name: /^Register interest/ }).click();
        await arrived(page);
        expect(await textOf(page, ".govuk-notification-banner")).toContain("registered as interested");
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

    clock.set(new Date("2027-01-15T12:05:00Z"));
    for (const opener of ["opener1", "opener2"]) {
      const { context, page } = await as(opener);
      await page.goto(`${baseUrl}${tenderPath}`);
      expect(await textOf(page, "main")).toContain("Closed, awaiting opening");
      await arrived(page);
      await page.getByRole("button", { name: "Confirm the opening" }).click();
      await arrived(page);
      if (opener === "opener1")
        expect(await textOf(page, ".govuk-notification-banner")).toContain("A second, different bid opener");
      else {
        expect(await textOf(page, ".govuk-notification-banner")).toContain("The bids have been opened");
        await page.getByRole("link", { name: "Read the opened bids" }).click();
        await arrived(page);
        const main = await textOf(page, "main");
        expect(main).toContain("Millbrook Carers' Trust");
        expect(main).toContain("Millbrook Minibus");
        expect(main).toContain("method-statement.txt");
        expect(main).toContain("£990,000");
        expect(main.match(/Matches its receipt/g)).toHaveLength(3);
        // The compliance check: two bids compliant, one excluded for a condition not met.
        await page.goto(`${baseUrl}${tenderPath}`);
        await arrived(page);
        await page.getByRole("link", { name: "Check the bids for compliance" }).click();
        await arrived(page);
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
          expect(await textOf(page, ".govuk-notification-banner")).toContain(
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
        // The commissioner assigns an evaluator.
        await page.goto(`${baseUrl}${tenderPath}`);
        await arrived(page);
        await page.getByRole("link", { name: /^Evaluation:/ }).click();
        await arrived(page);
        await page.getByLabel("Assign an evaluator").selectOption(users.evaluator as string);
        await page.getByRole("button", { name: "Assign the evaluator" }).click();
        await arrived(page);
        expect(await textOf(page, ".govuk-notification-banner")).toContain("The evaluator has been assigned");
      }
      await context.close();
    }

    // The evaluator declares no conflict, scores both compliant bids with reasons and submits.
    {
      const { context, page } = await as("evaluator");
      await page.goto(`${baseUrl}${tenderPath}/evaluation`);
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
      await page.goto(`${baseUrl}${tenderPath}/evaluation`);
      await page.getByRole("button", { name: "Submit my scores" }).click();
      await arrived(page);
      expect(await textOf(page, ".govuk-notification-banner")).toContain("Your scores were submitted");
      await context.close();
    }

    // The commissioner moderates, sees the ranking with its working, and awards: standstill begins.
    {
      const { context, page } = await as("opener2");
      await page.goto(`${baseUrl}${tenderPath}/moderation`);
      await arrived(page);
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
      await page.goto(`${baseUrl}${tenderPath}/ranking`);
      await arrived(page);
      expect(await textOf(page, "main")).toContain("out of 100");
      await page.goto(`${baseUrl}${tenderPath}/award/decide`);
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
    const challenger = (
      [
        ["charity", DEMO_ORGANISATION.carersTrust],
        ["mutual", DEMO_ORGANISATION.communityHealthMutual],
      ] as const
    ).find(([, id]) => id !== award.organisation_id)?.[0] as string;
    {
      const { context, page } = await as(challenger);
      await page.goto(`${baseUrl}${tenderPath}/award`);
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
      const { context, page } = await as("opener2");
      await page.goto(`${baseUrl}${tenderPath}/award`);
      await arrived(page);
      await page.locator(`a[href*="/award/challenges/"]`).first().click();
      await arrived(page);
      await page.getByLabel("Dismissed", { exact: true }).check();
      await page
        .getByLabel("Reasons for the outcome")
        .fill("Both answers were read in full; the scores stand.");
      await page.getByRole("button", { name: "Record the outcome" }).click();
      await arrived(page);
      expect(await textOf(page, "main")).toContain("In standstill");
      await context.close();
    }

    // After standstill (the clock moved), the commissioner enters the contract; it is published.
    clock.set(new Date(award.standstill_ends_at.getTime() + 60_000));
    {
      const { context, page } = await as("opener2");
      await page.goto(`${baseUrl}/authorities/westshire-county-council/contracts`);
      await arrived(page);
      await page
        .getByRole("link", { name: /^Enter the contract/ })
        .first()
        .click();
      await arrived(page);
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
      expect(await textOf(page, ".govuk-notification-banner")).toContain("Contract entered");
      await context.close();
    }
    {
      const context = await browser.newContext(DESKTOP);
      const page = await context.newPage();
      await page.goto(`${baseUrl}/contracts`);
      await arrived(page);
      expect(await textOf(page, "main")).toContain("Home care 2027: framework contract");
      await context.close();
    }
  }, 300_000);
});
