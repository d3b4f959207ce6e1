/**
 * Issue 20's spin-out journey in a real browser, with axe on every page visited, on a seeded server.
 * Priya Shah (Westshire's commissioner) proposes a spin-out of home care from the service's page on
 * the register, choosing her colleague Sam (an evaluator) by name; the stages up to the parent body's
 * approval are worked through the API (their pages are the route tests'). Alan Carter (an
 * administrator, not on the team) approves with reasons on the decision page. The later stages are
 * worked through the API, naming the mutual's organisation (registered with qualifying evidence; Sam
 * administers it). The mutual applies to the demo's Mutuals Support Programme on its pages and the
 * funder (Dev Malhotra, the Department for Work and Skills) awards the grant. An award to the mutual,
 * its standstill over, is set up as the award decision would write it; Priya enters the contract on
 * its page; Sam ticks "first contract signed" and moves the proposal to trading; the mutual's profile
 * shows its history with the contract.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, addMonths, londonToday } from "../../src/lib/london-time.ts";
import { systemCtx } from "../../src/modules/access/context.ts";
import { insertAward } from "../../src/modules/contracts/contracts.test-fixtures.ts";
import { recordMutualEvidence } from "../../src/modules/organisations/mutual-evidence.service.ts";
import { recordOrganisation } from "../../src/modules/organisations/registration.service.ts";
import { DEMO_AUTHORITY } from "../../src/seed/demo/authorities.ts";
import { DEMO_GRANTS } from "../../src/seed/demo/grants.ts";
import { DEMO_SERVICE } from "../../src/seed/demo/services.ts";
import { DEMO_USERS } from "../../src/seed/demo/users.ts";
import { call } from "../support/api.ts";
import { createUser, sessionFor, type TestSession } from "../support/auth.ts";
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

const COUNTY = DEMO_AUTHORITY.county;
const SLUG = "westshire-county-council";
const MUTUAL_NAME = "Westshire Home Care Mutual";
const demoUser = (name: string) => DEMO_USERS.find((u) => u.displayName === name)?.id as string;

let server: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
let sam = "";
let mutual = "";
let awardId = "";

/** Someone signed in (two-factor passed), in a context of their own. */
async function signedIn(userId: string): Promise<Page> {
  const context = await browser.newContext(DESKTOP);
  context.setDefaultTimeout(5000);
  contexts.push(context);
  await signInContext(context, server, userId);
  return context.newPage();
}

async function apiAs(userId: string): Promise<TestSession> {
  return sessionFor(server.app, userId, { twoFactor: true });
}

beforeAll(async () => {
  server = await startTestServer({ seeded: true });
  browser = await sharedBrowser();
  const clock = server.deps.clock;
  const today = londonToday(clock);
  // The mutual the team sets up, in the directory with evidence that passes the s.33 test.
  const seed = systemCtx(server.db, clock, "test");
  mutual = (
    await recordOrganisation(seed, {
      name: MUTUAL_NAME,
      sector: "public-service-mutual",
      sizeBand: "medium",
      staffHeadcount: 60,
      areas: ["E10000901"],
      categories: ["domiciliary-care"],
      description: "Care at home, owned by the carers who spun it out of Westshire County Council.",
    })
  ).id;
  await recordMutualEvidence(seed, mutual, {
    publicServicePurpose: "Care at home for older people in Westshire.",
    lightTouchShareBp: 10000,
    profitModel: "not-for-profit",
    employeeOwnershipBp: 10000,
    employeeBoardSeats: 5,
    boardSeats: 7,
    parentAuthorityId: COUNTY,
    spinOutDate: addMonths(today, -1),
  });
  // Sam is staff of the county and administers the mutual.
  sam = (
    await createUser(server.db, {
      displayName: "Sam Okafor",
      grants: [
        { role: "evaluator", scopeId: COUNTY },
        { role: "organisation-admin", scopeId: mutual },
      ],
    })
  ).id;
  awardId = (
    await insertAward(server.db, {
      authorityId: COUNTY,
      organisationId: mutual,
      standstillEndsAt: new Date(clock.now().getTime() - 24 * 3600_000),
      valuePence: 50_000_000n,
    })
  ).awardId;
}, 180_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await server?.close();
});

describe("the spin-out path", () => {
  it("a team proposes, the parent body approves, a grant is awarded, the first contract is entered, the mutual trades", async () => {
    const today = londonToday(server.deps.clock);
    const api = `/api/v1/authorities/${COUNTY}/spin-outs`;
    const priyaId = demoUser("Priya Shah");
    const priyaApi = await apiAs(priyaId);
    const samApi = await apiAs(sam);
    const tick = async (who: TestSession, id: string, items: string[]) => {
      for (const item of items)
        expect(
          (await call(server.app, "POST", `${api}/${id}/checklist/${item}`, who, { done: true })).statusCode,
        ).toBe(204);
    };
    const advance = async (id: string, to: string) =>
      expect((await call(server.app, "POST", `${api}/${id}/advance`, samApi)).json()).toEqual({ stage: to });

    // The team proposes from the service's page.
    const priya = await signedIn(priyaId);
    await priya.goto(`${server.baseUrl}/authorities/${SLUG}/services/${DEMO_SERVICE.countyHomeCare}`);
    await arrived(priya);
    await priya.getByRole("link", { name: "Propose a spin-out of this service" }).click();
    expect(await arrived(priya)).toBe(`/authorities/${SLUG}/spin-outs/new`);
    await priya.getByLabel("Title of the proposal").fill("Home care as a carers' mutual");
    await priya.getByLabel("The idea").fill("The carers run the service they know, owned by its staff.");
    await priya.getByLabel("Sam Okafor").check();
    await priya.getByRole("button", { name: "Propose the spin-out" }).click();
    const proposalPath = await arrived(priya);
    expect(proposalPath).toMatch(new RegExp(`^/authorities/${SLUG}/spin-outs/[0-9a-f-]{36}$`));
    expect(await textOf(priya, "main .govuk-notification-banner")).toContain("The proposal is registered");
    expect(await textOf(priya, "main")).toContain("Priya Shah, Sam Okafor");
    const id = proposalPath.split("/").at(-1) as string;

    await tick(priyaApi, id, ["idea-described", "service-users-asked"]);
    await advance(id, "business-case");
    await tick(samApi, id, ["business-case-written", "finances-modelled", "options-compared"]);
    await advance(id, "parent-body-approval");
    await tick(samApi, id, ["case-sent-to-body"]);

    // The parent body approves, with reasons, on the decision page.
    const alan = await signedIn(demoUser("Alan Carter"));
    await alan.goto(`${server.baseUrl}${proposalPath}`);
    await arrived(alan);
    await alan.getByRole("link", { name: "Record the authority's decision" }).click();
    expect(await arrived(alan)).toBe(`${proposalPath}/decision`);
    await alan.getByLabel("Approve").check();
    await alan.getByLabel("Reasons").fill("The business case keeps the service whole and the staff want it.");
    await alan.getByRole("button", { name: "Record the decision" }).click();
    expect(await arrived(alan)).toBe(proposalPath);
    expect(await textOf(alan, "main")).toContain("The authority approved this proposal");

    await advance(id, "staff-engagement");
    await tick(samApi, id, ["staff-consulted", "ballot-held", "ballot-in-favour"]);
    await advance(id, "tupe-pensions");
    await tick(samApi, id, ["tupe-information-shared", "new-fair-deal-confirmed"]);
    const facts = (body: unknown) => call(server.app, "PUT", `${api}/${id}/facts`, samApi, body);
    expect((await facts({ staffTransferred: 58 })).statusCode).toBe(204);
    await advance(id, "legal-form");
    await tick(samApi, id, ["legal-form-chosen", "governance-agreed"]);
    expect((await facts({ organisationId: mutual })).statusCode).toBe(204);
    await advance(id, "first-contract");

    // The mutual applies for support, and the funder awards a grant.
    const samPage = await signedIn(sam);
    await samPage.goto(`${server.baseUrl}/grants/${DEMO_GRANTS.programme}/apply`);
    await arrived(samPage);
    await samPage.getByLabel(MUTUAL_NAME).check();
    await samPage.getByLabel("A grant").check();
    await samPage
      .getByLabel("What is the support for?")
      .fill("Legal and financial advice on the first contract.");
    await samPage.getByLabel("Amount asked for").fill("20000.00");
    await samPage.getByLabel("Matched funding").fill("5000.00");
    await samPage.getByLabel("The stage you are at").fill("Approved by the parent body; first contract next");
    await samPage.getByRole("button", { name: "Send the application" }).click();
    const applicationPath = await arrived(samPage);
    expect(applicationPath).toMatch(
      new RegExp(`^/grants/${DEMO_GRANTS.programme}/applications/[0-9a-f-]{36}$`),
    );
    const dev = await signedIn(demoUser("Dev Malhotra"));
    await dev.goto(`${server.baseUrl}${applicationPath}`);
    await arrived(dev);
    await dev.getByLabel("Award the grant").check();
    await dev.getByLabel("Amount to award").fill("20000.00");
    await dev.getByRole("button", { name: "Record the decision" }).click();
    await arrived(dev);
    expect(await textOf(dev, "main .govuk-notification-banner")).toContain("The decision is recorded");

    // The first contract: the commissioner enters it from the award.
    await priya.goto(`${server.baseUrl}/authorities/${SLUG}/contracts/new?award=${awardId}`);
    await arrived(priya);
    await priya.getByLabel("Contract title").fill("Care at home, Westshire north");
    await fillDate(priya, "startsOn", addDays(today, 7));
    await fillDate(priya, "endsOn", addMonths(today, 36));
    await priya.getByLabel("Fixed price").check();
    await priya.getByRole("button", { name: "Enter the contract and publish its notice" }).click();
    await arrived(priya);
    expect(await textOf(priya, ".govuk-notification-banner")).toContain(
      "contract details notice is published",
    );

    // The team ticks the first contract and moves on to trading.
    await samPage.goto(`${server.baseUrl}${proposalPath}`);
    await arrived(samPage);
    await samPage.getByRole("button", { name: /The first contract is signed/ }).click();
    await arrived(samPage);
    await samPage.getByRole("button", { name: "Move to the next stage" }).click();
    await arrived(samPage);
    expect(await textOf(samPage, "main")).toContain("The mutual is trading");

    // The mutual's profile tells its history, with the contract.
    await samPage.getByRole("link", { name: MUTUAL_NAME }).click();
    expect(await arrived(samPage)).toBe(`/organisations/${mutual}`);
    const profile = (await textOf(samPage, "main")).replace(/\s+/g, " ");
    expect(profile).toContain("History as a public service mutual");
    expect(profile).toMatch(/Parent body ?Westshire County Council/);
    expect(profile).toMatch(/Staff transferred ?58/);
    expect(profile).toMatch(/Contracts won ?1/);
  }, 120_000);
});
