/**
 * Issue 18's journey in a real browser, with axe on every page, by links and forms only after
 * signing in with the demo accounts' buttons: the demo citizen (Joan Whitfield) complains about
 * Greenway Home Care, a care provider she has an arrangement with (NHS and adult social care), from
 * the provider's profile; Greenway's administrator (Gwen Parry) finds it on "Your work" and
 * acknowledges it; the demo clock moves past the 6 months of the response period; Gwen answers,
 * late, with the explanation then owed, and the page shows the step done late; Joan sees the answer
 * and which ombudsman would be next, and takes it there (the LGSCO); its staff (Omar Haddad) accept
 * it, send a draft decision both sides comment on, and — the clock moved past the comments' last day —
 * find fault causing injustice and order an apology and a payment; Gwen reports each done with its
 * evidence from her work; Omar confirms them from his and the case closes; the decision is published,
 * reached from Greenway's complaints figures, without Joan's name or words.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settableClock } from "../../src/lib/clock.ts";
import { addDays, londonToday } from "../../src/lib/london-time.ts";
import { addWorkingDays } from "../../src/lib/working-days.ts";
import { DEMO_PROVIDER_GREENWAY } from "../../src/seed/demo/users.ts";
import {
  arrived,
  fillDate,
  sharedBrowser,
  startTestServer,
  type TestServer,
  textOf,
} from "../support/browser.ts";
import { type DemoJourney, demoJourney } from "../support/demo-journey.ts";
import { DEMO_SEEDED_AT } from "../support/test-db.ts";

const clock = settableClock(DEMO_SEEDED_AT);
let server: TestServer;
let browser: Browser;
let journey: DemoJourney;
const SEARCH_LABEL = "Search the directory";
const SEARCH_BUTTON = "Search";
const contexts: BrowserContext[] = [];
/** Joan's and Gwen's pages, and the complaint, as the journey goes on. */
let page: Page;
let gwen: Page;
let omar: Page;
let complaintPath = "";
let reference = "";
let casePath = "";
let caseReference = "";

/** A demo account signed in (by its role, or by the person's name), in a context closed at the end. */
async function signedIn(how: "role" | "name", who: string): Promise<Page> {
  const { context, page } = how === "role" ? await journey.demo(who) : await journey.demoNamed(who);
  context.setDefaultTimeout(5000);
  contexts.push(context);
  return page;
}

beforeAll(async () => {
  server = await startTestServer({ clock, seeded: true });
  browser = await sharedBrowser();
  journey = demoJourney(server, browser);
}, 120_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await journey?.close();
  await server?.close();
});

/** The value of the last summary list row whose key is exactly `key` ("Status", "Case"). */
async function summaryValue(page: Page, key: string): Promise<string> {
  const row = page
    .locator(".govuk-summary-list__row")
    .filter({ has: page.locator(".govuk-summary-list__key", { hasText: new RegExp(`^\\s*${key}\\s*$`) }) })
    .last();
  return ((await row.locator(".govuk-summary-list__value").textContent()) ?? "").replace(/\s+/g, " ").trim();
}

/** The row of a stage's table for a step ("Acknowledge", "Answer"): its cells' text. */
async function stepRow(page: Page, step: string): Promise<string> {
  return ((await page.locator("main table tr", { hasText: step }).first().textContent()) ?? "").replace(
    /\s+/g,
    " ",
  );
}

describe("redress", () => {
  it("Joan complains about Greenway from its profile", async () => {
    page = await signedIn("role", "Citizen");
    // From the providers' directory to Greenway's profile, and its link to complain.
    await page.getByRole("link", { name: "Providers", exact: true }).click();
    expect(await arrived(page)).toBe("/organisations");
    await page.getByLabel(SEARCH_LABEL).fill("Greenway");
    await page.getByRole("button", { name: SEARCH_BUTTON }).click();
    await arrived(page);
    await page.getByRole("link", { name: "Greenway Home Care Ltd" }).first().click();
    expect(await arrived(page)).toBe(`/organisations/${DEMO_PROVIDER_GREENWAY}`);
    await page.getByRole("link", { name: "Complain about this provider" }).click();
    expect(await arrived(page)).toBe("/complaints/new");
    await page.getByLabel("Myself").check();
    await page.getByLabel("A provider of a service").check();
    await page
      .getByLabel("The council or NHS body for the area where you received the service")
      .selectOption({ label: "Westshire County Council" });
    await page.getByLabel("NHS and adult social care").check();
    await page.getByLabel("What happened?").fill("The carer did not come on Saturday and no one called me.");
    await fillDate(page, "happenedOn", addDays(londonToday(clock), -5));
    await page
      .getByLabel("What outcome do you want?")
      .fill("An apology, and a call when a visit cannot happen.");
    await page.getByLabel("I agree that my complaint is shared with the body that answers it").check();
    await page.getByRole("button", { name: "Make the complaint" }).click();
    complaintPath = await arrived(page);
    expect(complaintPath).toMatch(/^\/authorities\/westshire-county-council\/complaints\/[0-9a-f-]{36}$/);
    reference = (await textOf(page, "h1")).replace("Complaint ", "");
    expect(await textOf(page, "main .govuk-notification-banner")).toContain("Your complaint has been made.");
    expect(await textOf(page, "main")).toContain("Greenway Home Care Ltd");
  }, 60_000);

  it("Greenway acknowledges it, then answers after the 6 months, late, with the explanation owed", async () => {
    // Greenway's administrator: the complaint on her work, acknowledged.
    gwen = await signedIn("name", "Gwen Parry");
    await gwen.getByRole("link", { name: new RegExp(`Complaint ${reference}`) }).click();
    expect(await arrived(gwen)).toBe(complaintPath);
    await gwen.getByRole("button", { name: "Acknowledge the complaint" }).click();
    await arrived(gwen);
    expect(await stepRow(gwen, "Acknowledge")).toContain("Done on time");

    // Six months and more pass: the response is late, and an explanation is owed with it.
    await journey.moveClock(190);
    await gwen.reload();
    await arrived(gwen);
    expect(await stepRow(gwen, "Answer")).toContain("An explanation is owed");
    await gwen.getByRole("link", { name: "Answer the complaint" }).click();
    await arrived(gwen);
    await gwen.getByLabel("Upheld", { exact: true }).check();
    await gwen
      .getByLabel("Your response")
      .fill("The visit was missed because the rota was not updated. We now check the rota every evening.");
    await gwen.getByLabel("Any remedy offered (optional)").fill("An apology.");
    // Past the 6 months, the answer needs the explanation owed: refused without it, with what to fix.
    await gwen.getByRole("button", { name: "Send the answer" }).click();
    await arrived(gwen);
    expect(await textOf(gwen, ".govuk-error-summary")).toContain(
      "The response period has ended: explain why the response comes after it",
    );
    await gwen
      .getByLabel("Why the response comes after the response period")
      .fill("The carer's records had to be gathered from the agency that covered the visit.");
    await gwen.getByRole("button", { name: "Send the answer" }).click();
    expect(await arrived(gwen)).toBe(complaintPath);
    expect(await textOf(gwen, "main .govuk-notification-banner")).toContain("The answer is recorded.");
    expect(await stepRow(gwen, "Answer")).toContain("Done late");
  }, 60_000);

  it("Joan sees the answer done late, and which ombudsman would be next", async () => {
    // From her inbox: the newest notice about her complaint, and what it is about.
    await page.getByRole("link", { name: /^Inbox/ }).click();
    await arrived(page);
    await page
      .getByRole("link", { name: new RegExp(reference) })
      .first()
      .click();
    await arrived(page);
    await page.getByRole("button", { name: "Go to what this notice is about" }).click();
    expect(await arrived(page)).toBe(complaintPath);
    expect(await stepRow(page, "Answer")).toContain("Done late");
    const main = await textOf(page, "main");
    expect(main).toContain("The carer's records had to be gathered");
    expect(main).toContain("The next step would be the Local Government and Social Care Ombudsman");
  }, 60_000);

  it("Joan takes it to the LGSCO, agreeing to the file going across and to publication", async () => {
    await page.getByRole("link", { name: "Take your complaint to the ombudsman" }).click();
    expect(await arrived(page)).toBe(`${complaintPath}/escalate`);
    await page.getByRole("button", { name: "Send to the ombudsman" }).click();
    await arrived(page);
    // Without consent to the file going across, refused with what to fix.
    expect(await textOf(page, ".govuk-error-summary")).toContain(
      "Agree to the ombudsman seeing your complaint",
    );
    await page.getByLabel(/I agree that the ombudsman sees my complaint/).check();
    await page.getByRole("radio", { name: "Yes" }).check();
    await page.getByRole("button", { name: "Send to the ombudsman" }).click();
    expect(await arrived(page)).toBe(complaintPath);
    caseReference = await summaryValue(page, "Case");
    expect(await summaryValue(page, "Status")).toContain("Being assessed");
  }, 60_000);

  it("The LGSCO's staff accept it and send a draft decision; both sides comment on it", async () => {
    omar = await signedIn("name", "Omar Haddad");
    await omar.getByRole("link", { name: new RegExp(`Case ${caseReference}`) }).click();
    casePath = await arrived(omar);
    expect(casePath).toMatch(
      /^\/authorities\/local-government-and-social-care-ombudsman\/cases\/[0-9a-f-]{36}$/,
    );
    // The first tier's file came across: the answer done late.
    expect(await textOf(omar, "main")).toContain("Done late");
    await omar.getByRole("link", { name: "Assess the case" }).click();
    await arrived(omar);
    await omar.getByLabel("Investigate the complaint").check();
    await omar.getByRole("button", { name: "Save" }).click();
    expect(await arrived(omar)).toBe(casePath);
    await omar.getByRole("link", { name: "Write the draft decision" }).click();
    await arrived(omar);
    await omar
      .getByLabel("The draft decision")
      .fill("Our draft finding is fault causing injustice: the visit was missed and no one called.");
    await fillDate(
      omar,
      "commentsCloseOn",
      addWorkingDays(londonToday(server.deps.clock), 10, "england-and-wales"),
    );
    await omar.getByRole("button", { name: "Send the draft to both sides" }).click();
    expect(await arrived(omar)).toBe(casePath);
    for (const [side, comment] of [
      [page, "I agree; the taxi to the chemist cost me £18."],
      [gwen, "We accept the draft finding."],
    ] as const) {
      await side.reload();
      await arrived(side);
      await side.getByLabel("Your comment on the draft decision").fill(comment);
      await side.getByRole("button", { name: "Send the comment" }).click();
      expect(await arrived(side)).toBe(complaintPath);
      expect(await textOf(side, "main")).toContain(comment);
    }
  }, 60_000);

  it("After the comments close: fault causing injustice, an apology and a payment ordered", async () => {
    await journey.moveClock(15);
    await omar.reload();
    await arrived(omar);
    await omar.getByRole("link", { name: "Make the final decision" }).click();
    await arrived(omar);
    await omar.getByLabel("Fault causing injustice").check();
    await omar
      .getByLabel("Decision", { exact: true })
      .fill("Greenway Home Care missed a visit and did not tell the person it left without care.");
    const due = addDays(londonToday(server.deps.clock), 28);
    await omar.locator('select[name="remedy1Kind"]').selectOption("apology");
    await omar.locator('textarea[name="remedy1Description"]').fill("A written apology.");
    await fillDate(omar, "remedy1DueOn", due);
    await omar.locator('select[name="remedy2Kind"]').selectOption("payment");
    await omar.locator('textarea[name="remedy2Description"]').fill("£250 for the distress caused.");
    await omar.locator('input[name="remedy2Amount"]').fill("250.00");
    await fillDate(omar, "remedy2DueOn", due);
    await omar.getByLabel("Publish the anonymised summary").check();
    await omar
      .getByLabel("Anonymised summary for publication")
      .fill("A home care provider missed a visit and told no one. We found fault causing injustice.");
    await omar.getByRole("button", { name: "Make the decision" }).click();
    expect(await arrived(omar)).toBe(casePath);
    expect(await summaryValue(omar, "Status")).toContain("Decided: remedies due");
  }, 60_000);

  it("Greenway reports each remedy done with its evidence; the ombudsman confirms them and the case closes", async () => {
    const today = londonToday(server.deps.clock);
    for (const [seq, kind] of [
      [1, "apology"],
      [2, "payment"],
    ] as const) {
      await gwen.getByRole("link", { name: "Your work" }).click();
      await arrived(gwen);
      await gwen
        .getByRole("link", { name: new RegExp(`^Remedy ${seq} ordered by .* on case ${caseReference}`) })
        .click();
      await arrived(gwen);
      await fillDate(gwen, "doneOn", today);
      if (kind === "payment") await gwen.getByLabel("Amount paid", { exact: true }).fill("250.00");
      await gwen
        .getByLabel("Evidence that it was done")
        .fill(kind === "payment" ? "Bank transfer GW-2027-114." : "Letter of apology sent by post.");
      await gwen.getByRole("button", { name: "Report it done" }).click();
      await arrived(gwen);
      expect(await textOf(gwen, "main .govuk-notification-banner")).toContain("The remedy is reported done.");
    }
    for (const seq of [1, 2]) {
      await omar.getByRole("link", { name: "Your work" }).click();
      await arrived(omar);
      await omar.getByRole("link", { name: new RegExp(`^Remedy ${seq} of case ${caseReference}`) }).click();
      await arrived(omar);
      await omar.getByRole("button", { name: "Confirm it is done" }).click();
      await arrived(omar);
      expect(await textOf(omar, "main .govuk-notification-banner")).toContain("The remedy is confirmed.");
    }
    await omar.getByRole("link", { name: `Case ${caseReference}` }).click();
    expect(await arrived(omar)).toBe(casePath);
    expect(await summaryValue(omar, "Status")).toBe("Closed");
    // Joan sees it closed, with the decision and its remedies.
    await page.reload();
    await arrived(page);
    expect(await summaryValue(page, "Status")).toContain("Closed");
    expect(await textOf(page, "main")).toContain("Fault causing injustice");
  }, 60_000);

  it("The decision is published from Greenway's complaints figures, without Joan's name or words", async () => {
    await page.getByRole("link", { name: "Providers", exact: true }).click();
    await arrived(page);
    await page.getByLabel(SEARCH_LABEL).fill("Greenway");
    await page.getByRole("button", { name: SEARCH_BUTTON }).click();
    await arrived(page);
    await page.getByRole("link", { name: "Greenway Home Care Ltd" }).first().click();
    await arrived(page);
    await page.getByRole("link", { name: "Complaints figures: timeliness, findings and remedies" }).click();
    await arrived(page);
    // Greenway's figures count Joan's complaint among a few: suppressed, and no one named.
    const figures = await textOf(page, "main");
    expect(figures).toContain("Complaints figures: Greenway Home Care Ltd");
    expect(figures).toContain("fewer than 10");
    for (const personal of ["Cara Citizen", "Joan Whitfield", "did not come on Saturday", reference])
      expect(figures).not.toContain(personal);
    await page.getByRole("link", { name: "Ombudsmen's published decisions" }).click();
    expect(await arrived(page)).toBe("/complaints/decisions");
    await page.getByRole("link", { name: caseReference }).click();
    await arrived(page);
    const published = await textOf(page, "main");
    expect(published).toContain("A home care provider missed a visit and told no one.");
    expect(published).toContain("Greenway Home Care Ltd");
    for (const personal of [
      "Cara Citizen",
      "Joan Whitfield",
      "citizen@demo.openps.example",
      "did not come on Saturday",
      reference,
    ])
      expect(published).not.toContain(personal);
  }, 60_000);
});
