/**
 * Issue 19's journey in a real browser, with axe on every page visited, on a seeded server (demo
 * mode) and outcome contracts of its own (not the demo's). Westshire's commissioner (Priya Shah)
 * sets up an outcome contract for an outcome fund on its pages — the demo provider (Olu Adeyemi's
 * organisation), a tariff, runs paying more than £1,000 needing two approvers — and adds its payment
 * model, and refers four participants as a CSV file on the referrals page. Set-up the pages do not
 * offer is made through the API: a twin contract of the same programme with Greenway Home Care where
 * one of them (J-4) was referred too and attached first. Olu sends the attachments as a CSV file on
 * the evidence page. Priya starts last month's run (a queued job computes it: its page says so until
 * she refreshes it once the job has run): three claims valid, J-4's refused as a duplicate
 * participant, the reason named; the page to cancel the run asks for a reason, and she goes back. The
 * run pays £1,200.00: Priya approves and the page says a second approver is needed; approving again
 * from a page opened before changes nothing; the authority administrator (Alan Carter) approves and
 * pays. Olu finds the payment in his inbox and on the contract's payments page. Then the amount
 * for a second approval: Priya proposes raising it to £2,000 on its page, Alan confirms the raise
 * (the contract's page says who proposed it) and, on the authority's page for it, sets the ceiling
 * for every contract's amount. Last, Priya corrects a comparison group figure of the demo's social
 * impact bond on its comparison groups page.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMonths, londonToday } from "../../src/lib/london-time.ts";
import { resultsJobHandlers } from "../../src/modules/results/results.jobs.ts";
import { DEMO_AUTHORITY } from "../../src/seed/demo/authorities.ts";
import { DEMO_RESULTS } from "../../src/seed/demo/results.ts";
import { DEMO_ORGANISATION, DEMO_PROVIDER_GREENWAY, DEMO_USERS } from "../../src/seed/demo/users.ts";
import { call } from "../support/api.ts";
import { sessionFor, type TestSession } from "../support/auth.ts";
import {
  arrived,
  DESKTOP,
  fillDate,
  sharedBrowser,
  signInContext,
  startTestServer,
  type TestServer,
  textOf,
} from "../support/browser.ts";
import { runDueJobs } from "../support/jobs.ts";

const COUNTY = DEMO_AUTHORITY.county;
const SLUG = "westshire-county-council";
const api = `/api/v1/authorities/${COUNTY}/outcome-contracts`;
const PROGRAMME = "journey-into-work";
const demoUser = (name: string) => DEMO_USERS.find((u) => u.displayName === name)?.id as string;

/** A tariff of one group: £400 on attachment within 28 days of referral, then job outcomes. */
const TARIFF = {
  kind: "tariff",
  groups: [
    {
      code: "jsa-25-plus",
      name: "JSA 25+",
      attachment: { pence: 40000, rule: "Tariff schedule, row 2: attachment fee" },
      jobOutcome: { pence: 120000, weeks: 26, rule: "Tariff schedule, row 2: job outcome after 26 weeks" },
      sustainment: {
        pence: 21500,
        everyWeeks: 4,
        maxPayments: 13,
        rule: "Tariff schedule, row 2: sustainment",
      },
    },
  ],
  attachmentWithin: { days: 28, rule: "Clause 5.1: attachment within 28 days" },
  outcomeWithin: { days: 730, rule: "Clause 5.2: outcomes within two years of referral" },
};

let server: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
/** The commissioner's API session, for the set-up the pages do not offer. */
let priyaApi: TestSession;
let priya: Page;
let olu: Page;
/** Last month (the one paid for) and its days; the contract's and the run's pages. */
let month = "";
let day = (_n: number) => "";
let contractPath = "";
let runPath = "";

/** A demo account signed in (a session as signing in makes it, two-factor passed), in its own context. */
async function signedIn(name: string): Promise<Page> {
  const context = await browser.newContext(DESKTOP);
  context.setDefaultTimeout(5000);
  contexts.push(context);
  await signInContext(context, server, demoUser(name));
  return context.newPage();
}

/** The value of the summary list row whose key starts with `key`. */
async function summaryValue(page: Page, key: string): Promise<string> {
  const row = page
    .locator(".govuk-summary-list__row")
    .filter({ has: page.locator(".govuk-summary-list__key", { hasText: key }) })
    .first();
  return ((await row.locator(".govuk-summary-list__value").textContent()) ?? "").replace(/\s+/g, " ").trim();
}

beforeAll(async () => {
  server = await startTestServer({ seeded: true });
  browser = await sharedBrowser();
  priyaApi = await sessionFor(server.app, demoUser("Priya Shah"), { twoFactor: true });
  month = addMonths(`${londonToday(server.deps.clock).slice(0, 7)}-01`, -1).slice(0, 7);
  day = (n) => `${month}-${String(n).padStart(2, "0")}`;
}, 120_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await server?.close();
});

describe("payment by results", () => {
  it("the commissioner sets up an outcome contract for a fund, with a tariff, on its pages", async () => {
    priya = await signedIn("Priya Shah");
    await priya.goto(`${server.baseUrl}/authorities/${SLUG}/outcome-contracts`);
    await arrived(priya);
    await priya.getByRole("button", { name: "Set up an outcome contract" }).click();
    expect(await arrived(priya)).toBe(`/authorities/${SLUG}/outcome-contracts/new`);
    await priya.getByLabel("Outcome fund").fill("Life Chances Fund");
    await priya.getByLabel("Provider's directory ID").fill(DEMO_ORGANISATION);
    await priya.getByLabel("Reference", { exact: true }).fill("JRN-A");
    await priya.getByLabel("Title", { exact: true }).fill("Into work, Westshire north");
    await priya.getByLabel("Programme", { exact: true }).fill(PROGRAMME);
    await fillDate(priya, "startsOn", addMonths(`${month}-01`, -6));
    await fillDate(priya, "endsOn", addMonths(`${month}-01`, 30));
    await priya.getByLabel("A second approver is needed for runs paying more than").fill("£1,000");
    await priya.getByRole("button", { name: "Set up the outcome contract" }).click();
    contractPath = await arrived(priya);
    expect(contractPath).toMatch(new RegExp(`^/authorities/${SLUG}/outcome-contracts/[0-9a-f-]{36}$`));
    expect(await textOf(priya, "main .govuk-notification-banner")).toContain(
      "The outcome contract is set up.",
    );
    expect(await summaryValue(priya, "Runs paying more than")).toBe("£1,000.00");

    await priya.getByRole("link", { name: "Add a version of the payment model" }).click();
    await arrived(priya);
    await priya.getByLabel("A tariff per payment group").check();
    await priya.getByLabel("The model's definition (JSON)").fill(JSON.stringify(TARIFF, null, 2));
    await fillDate(priya, "effectiveFrom", addMonths(`${month}-01`, -6));
    await priya.getByRole("button", { name: "Record the version" }).click();
    expect(await arrived(priya)).toBe(contractPath);
    const main = await textOf(priya, "main");
    expect(main).toContain("The new version of the payment model is recorded.");
    const attachment = await textOf(priya, "main table tr:has-text('attachment › pence')");
    expect(attachment).toContain("£400.00");
    expect(attachment).toContain("Tariff schedule, row 2: attachment fee");
  }, 60_000);

  it("the commissioner refers four participants with a CSV file on the referrals page", async () => {
    await priya.getByRole("link", { name: "Refer participants (a CSV file)" }).click();
    expect(await arrived(priya)).toBe(`${contractPath}/referrals`);
    expect(await textOf(priya, "main")).toContain("Participants are pseudonymous");
    const csv = [
      "reference,payment_group,cohort,referred_on",
      ...["J-1", "J-2", "J-3", "J-4"].map((reference) => `${reference},jsa-25-plus,,${day(2)}`),
      "",
    ].join("\n");
    await priya
      .getByLabel("CSV file")
      .setInputFiles({ name: "referrals.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await priya.getByRole("button", { name: "Refer the participants" }).click();
    await arrived(priya);
    expect(await textOf(priya, "main .govuk-panel")).toContain("4 participants referred.");
    await priya.getByRole("link", { name: "JRN-A", exact: true }).click();
    expect(await arrived(priya)).toBe(contractPath);
  }, 60_000);

  it("one of them is referred to a twin contract too and attached there first (API)", async () => {
    const twin = await call(server.app, "POST", api, priyaApi, {
      fund: "Life Chances Fund",
      organisationId: DEMO_PROVIDER_GREENWAY,
      reference: "JRN-B",
      title: "Into work, Westshire south",
      programme: PROGRAMME,
      startsOn: addMonths(`${month}-01`, -6),
      endsOn: addMonths(`${month}-01`, 30),
    });
    expect(twin.statusCode).toBe(201);
    const b = `${api}/${twin.json().id}`;
    const model = { kind: "tariff", definition: TARIFF, effectiveFrom: day(1) };
    expect((await call(server.app, "POST", `${b}/models`, priyaApi, model)).statusCode).toBe(201);
    const referred = await call(server.app, "POST", `${b}/participants`, priyaApi, {
      participants: [{ reference: "J-4", paymentGroup: "jsa-25-plus", referredOn: day(2) }],
    });
    expect(referred.json()).toMatchObject({ recorded: 1 });
    const attached = await call(server.app, "POST", `${b}/events`, priyaApi, {
      events: [{ participant: "J-4", kind: "attachment", occurredOn: day(5), sourceRef: "b-att-4" }],
    });
    expect(attached.json()).toMatchObject({ recorded: 1 });
  });

  it("the provider's administrator sends the attachments as a CSV file on the evidence page", async () => {
    olu = await signedIn("Olu Adeyemi");
    await olu.goto(`${server.baseUrl}/organisations/${DEMO_ORGANISATION}/outcome-contracts`);
    await arrived(olu);
    await olu.getByRole("link", { name: "JRN-A", exact: true }).click();
    expect(await arrived(olu)).toBe(contractPath);
    await olu.getByRole("link", { name: "Send evidence (a CSV file)" }).click();
    expect(await arrived(olu)).toBe(`${contractPath}/evidence`);
    const csv = [
      "participant,kind,metric,value,occurred_on,source_ref",
      ...["J-1", "J-2", "J-3", "J-4"].map((p, i) => `${p},attachment,,,${day(9 + i)},att-${p}`),
      "",
    ].join("\n");
    await olu
      .getByLabel("CSV file")
      .setInputFiles({ name: "attachments.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await olu.getByRole("button", { name: "Send the evidence" }).click();
    await arrived(olu);
    expect(await textOf(olu, "main .govuk-panel")).toContain("4 events recorded; 0 sent before.");
  }, 60_000);

  it("the commissioner starts and computes last month's run: three valid, one refused as a duplicate", async () => {
    // From the contract's page, where she added the model.
    await priya.getByRole("link", { name: "Payment runs" }).click();
    expect(await arrived(priya)).toBe(`${contractPath}/runs`);
    await priya.getByLabel("Month paid for").fill(month);
    await priya.getByRole("button", { name: "Start and compute the run" }).click();
    runPath = await arrived(priya);
    expect(runPath).toMatch(new RegExp(`^${contractPath}/runs/[0-9a-f-]{36}$`));
    // A queued job computes it: the page says so, and she refreshes it once the job has run.
    expect(await textOf(priya, "main #progress")).toContain("Waiting to be computed: asked for at");
    expect(await runDueJobs(server.deps, resultsJobHandlers())).toMatchObject({ done: 1 });
    await priya.getByRole("link", { name: "Refresh this page to see how far it has got" }).click();
    expect(await arrived(priya)).toBe(runPath);
    expect(await summaryValue(priya, "Valid claims (3)")).toBe("£1,200.00");
    expect(await summaryValue(priya, "Refused claims, not paid (1)")).toBe("£400.00");
    expect(await textOf(priya, "main")).toContain(
      "Two different people approve this run: it pays more than £1,000.00.",
    );
    await priya.getByRole("link", { name: "Show only the refused claims" }).click();
    await arrived(priya);
    const refused = (await textOf(priya, "main table tbody")).replace(/\s+/g, " ");
    expect(refused).toContain("J-4");
    expect(refused).toContain(
      "The same participant is attached to another contract of the programme earlier",
    );
    expect(refused).not.toContain("J-1");
    // Cancelling asks why, on a page of its own; she thinks better of it and goes back.
    await priya.getByRole("button", { name: "Cancel this run" }).click();
    expect(await arrived(priya)).toBe(`${runPath}/cancel`);
    await priya.getByRole("button", { name: "Cancel the run" }).click();
    await arrived(priya);
    expect(await textOf(priya, "main .govuk-error-summary")).toContain("Say why the run is cancelled");
    await priya.locator(".govuk-back-link").click();
    expect(await arrived(priya)).toBe(runPath);
  }, 60_000);

  it("the commissioner approves; a second approver is needed, and approving again changes nothing", async () => {
    // The refused claims' page, open in a second tab before she approves (its form still there).
    const stale = await priya.context().newPage();
    await stale.goto(`${server.baseUrl}${runPath}?refused=1`);
    await arrived(stale);
    await priya.getByRole("button", { name: "Approve the run" }).click();
    expect(await arrived(priya)).toBe(runPath);
    const after = await textOf(priya, "main");
    expect(after).toContain("Waiting for approval");
    expect(after).toContain(
      "You have approved this run. Another commissioner or administrator approves it too",
    );
    expect(await priya.getByRole("button", { name: "Approve the run" }).count()).toBe(0);
    await stale.getByRole("button", { name: "Approve the run" }).click();
    expect(await arrived(stale)).toBe(runPath);
    expect(await textOf(stale, "main")).toContain("Waiting for approval");
    expect(await stale.locator("main li", { hasText: /^Approved/ }).count()).toBe(1);
    await stale.close();
  }, 60_000);

  it("the authority administrator approves too, and pays", async () => {
    const alan = await signedIn("Alan Carter");
    await alan.goto(`${server.baseUrl}${runPath}`);
    await arrived(alan);
    await alan.getByRole("button", { name: "Approve the run" }).click();
    expect(await arrived(alan)).toBe(runPath);
    expect(await textOf(alan, "main .govuk-tag")).toBe("Approved");
    expect(await alan.locator("main li", { hasText: /^Approved/ }).count()).toBe(2);
    await alan.getByRole("button", { name: "Pay £1,200.00" }).click();
    expect(await arrived(alan)).toBe(runPath);
    expect(await textOf(alan, "main .govuk-tag")).toBe("Paid");
    expect(await textOf(alan, "main")).toMatch(/Payment\s*£1,200\.00/);
  }, 60_000);

  it("the provider finds the payment in its inbox and on the contract's payments page", async () => {
    await olu.getByRole("link", { name: /^Inbox/ }).click();
    await arrived(olu);
    await olu.getByRole("link", { name: "Payment by results: £1,200.00 paid for JRN-A" }).click();
    await arrived(olu);
    expect(await textOf(olu, "main")).toContain("is paid: £1,200.00.");
    await olu.getByRole("button", { name: "Go to what this notice is about" }).click();
    expect(await arrived(olu)).toBe(`${contractPath}/payments`);
    const rows = (await textOf(olu, "main table tbody")).replace(/\s+/g, " ");
    expect(rows).toMatch(/Payment\s*£1,200\.00/);
    // The provider reads; it records no correction.
    expect(await olu.getByRole("button", { name: "Record the correction" }).count()).toBe(0);
  }, 60_000);

  it("a raise of the second-approval amount: proposed by one person, confirmed by another; the ceiling set", async () => {
    await priya.goto(`${server.baseUrl}${contractPath}`);
    await arrived(priya);
    await priya.getByRole("link", { name: "Change the amount for a second approval" }).click();
    expect(await arrived(priya)).toBe(`${contractPath}/second-approval`);
    await priya.getByLabel("New amount").fill("£2,000");
    await priya.getByRole("button", { name: "Change the amount" }).click();
    expect(await arrived(priya)).toBe(`${contractPath}/second-approval`);
    const proposed = await textOf(priya, "main");
    expect(proposed).toContain("The raise is proposed.");
    expect(proposed).toContain("You proposed it on");
    expect(await priya.getByRole("button", { name: "Confirm the raise to £2,000.00" }).count()).toBe(0);

    const alan = await signedIn("Alan Carter");
    await alan.goto(`${server.baseUrl}${contractPath}`);
    await arrived(alan);
    expect(await textOf(alan, "main .govuk-inset-text")).toContain(
      "A raise of this amount to £2,000.00, proposed by Priya Shah, is waiting",
    );
    await alan.getByRole("link", { name: "Confirm or refuse the raise" }).click();
    await arrived(alan);
    await alan.getByRole("button", { name: "Confirm the raise to £2,000.00" }).click();
    expect(await arrived(alan)).toBe(`${contractPath}/second-approval`);
    expect(await textOf(alan, "main .govuk-notification-banner")).toContain("The raise is confirmed");
    expect(await summaryValue(alan, "Runs paying more than")).toBe("£2,000.00");

    await alan.getByRole("link", { name: "£25,000.00" }).click();
    expect(await arrived(alan)).toBe(`/authorities/${SLUG}/outcome-contracts/approval-ceiling`);
    await alan.getByLabel("New ceiling").fill("£20,000");
    await alan.getByRole("button", { name: "Set the ceiling" }).click();
    await arrived(alan);
    expect(await textOf(alan, "main .govuk-notification-banner")).toContain("The ceiling is set.");
    expect(await summaryValue(alan, "Ceiling")).toBe("£20,000.00");
    expect(await summaryValue(alan, "Set by")).toContain("Alan Carter");
  }, 60_000);

  it("the commissioner corrects a comparison figure of the demo's social impact bond", async () => {
    const bond = `/authorities/${SLUG}/outcome-contracts/${DEMO_RESULTS.socialImpactBond}`;
    await priya.goto(`${server.baseUrl}${bond}`);
    await arrived(priya);
    await priya.getByRole("link", { name: "Comparison groups" }).click();
    expect(await arrived(priya)).toBe(`${bond}/comparisons`);
    expect(await textOf(priya, "main table tbody")).toMatch(/1\s*reconviction-events\s*142\.50\s*1,180/);
    await priya.getByRole("link", { name: "Change the figure of cohort 2, reconviction-events" }).click();
    await arrived(priya);
    expect(await priya.getByLabel("Events per 100 people in the comparison group").inputValue()).toBe(
      "139.00",
    );
    await priya.getByLabel("Events per 100 people in the comparison group").fill("139.005");
    await priya.getByRole("button", { name: "Record the figure" }).click();
    await arrived(priya);
    expect(await textOf(priya, ".govuk-error-summary")).toContain("at most two decimal places, like 142.50");
    await priya.getByLabel("Events per 100 people in the comparison group").fill("138.75");
    await priya.getByRole("button", { name: "Record the figure" }).click();
    expect(await arrived(priya)).toBe(`${bond}/comparisons`);
    expect(await textOf(priya, "main .govuk-notification-banner")).toContain(
      "The comparison figure is recorded.",
    );
    expect(await textOf(priya, "main table tbody")).toMatch(/2\s*reconviction-events\s*138\.75\s*1,020/);
  }, 60_000);
});
