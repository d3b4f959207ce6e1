/**
 * Issue 21's assets of community value in a real browser, with axe on every page visited, on a
 * seeded server whose clock the test moves. Gwen, a member of the Friends of the Plough (a community
 * group of the directory), nominates the Plough, a pub in Vale Cross, to Westshire County Council's
 * list — first forgetting the group's local connection. Twenty days later Olu, the council's
 * commissioner, finds it among the nominations to decide and lists it with reasons. A month on he
 * records the owner's notice of an intended sale, received two days before; within the interim
 * moratorium Gwen asks, on the entry, for the group to be treated as a bidder. The day after the
 * interim moratorium ends, a visitor finds the pub by its area on the public register, on the map and in the list numbered the same, and its
 * entry shows the listing, the notice, both moratoria and the protected period with their dates —
 * worked out here with the module's own clocks — and the owner, a person, kept private. The entry is
 * checked once more as it shows without JavaScript.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settableClock } from "../../src/lib/clock.ts";
import { addDays, londonToday, longDate } from "../../src/lib/london-time.ts";
import { systemCtx } from "../../src/modules/access/context.ts";
import { disposalDates, listingEnds, reviewRequestBy } from "../../src/modules/community-assets/clocks.ts";
import { daysFrom } from "../../src/modules/community-assets/community-assets.service.ts";
import { recordOrganisation } from "../../src/modules/organisations/registration.service.ts";
import { DEMO_AREA } from "../../src/seed/demo/areas.ts";
import { DEMO_AUTHORITY } from "../../src/seed/demo/authorities.ts";
import { createUser } from "../support/auth.ts";
import {
  arrived,
  DESKTOP,
  expectAccessibleWithoutJavaScript,
  fillDate,
  sharedBrowser,
  signInContext,
  startTestServer,
  type TestServer,
  textOf,
} from "../support/browser.ts";
import { DEMO_SEEDED_AT } from "../support/test-db.ts";

const SLUG = "westshire-county-council";
const GROUP_NAME = "Friends of the Plough";
const PUB = "The Plough";
const OWNER = "Dai Morgan";
const DAY = 86_400_000;

const clock = settableClock(DEMO_SEEDED_AT);
let server: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
let gwenId = "";
let oluId = "";

/** Time passes: whole days on the server's clock. */
const moveClock = (days: number) => clock.set(new Date(clock.now().getTime() + days * DAY));

/** A browser context of its own (with or without JavaScript), closed after the file. */
async function newContext(javaScriptEnabled = true): Promise<BrowserContext> {
  const context = await browser.newContext({ ...DESKTOP, javaScriptEnabled });
  context.setDefaultTimeout(5000);
  contexts.push(context);
  return context;
}

/** The value of the summary list's row with this key, white space made one space. */
async function row(page: Page, key: string): Promise<string> {
  const exact = new RegExp(`^\\s*${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*$`);
  const value = page
    .locator(".govuk-summary-list__row")
    .filter({ has: page.locator("dt", { hasText: exact }) });
  return ((await value.locator("dd").first().textContent()) ?? "").replace(/\s+/g, " ").trim();
}

beforeAll(async () => {
  server = await startTestServer({ clock, seeded: true });
  browser = await sharedBrowser();
  // The community group, in the directory as a voluntary and community organisation of Westshire.
  const group = await recordOrganisation(systemCtx(server.db, clock, "test"), {
    name: GROUP_NAME,
    sector: "voluntary-community",
    sizeBand: "micro",
    staffHeadcount: 0,
    town: "Vale Cross",
    postcode: "WS6 1FB",
    areas: [DEMO_AREA.westshireVale],
    description: "Villagers keeping the Plough open as the heart of Vale Cross.",
  });
  gwenId = (
    await createUser(server.db, {
      displayName: "Gwen Price",
      grants: [{ role: "organisation-member", scopeId: group.id }],
    })
  ).id;
  oluId = (
    await createUser(server.db, {
      displayName: "Olu Adeyemi",
      grants: [{ role: "commissioner", scopeId: DEMO_AUTHORITY.county }],
    })
  ).id;
}, 180_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await server?.close();
});

describe("an asset of community value", () => {
  it("a community group nominates a pub, the council lists it, the owner gives notice, the group asks to bid, the register shows every date", async () => {
    const base = server.baseUrl;
    const gwenContext = await newContext();
    const oluContext = await newContext();

    // 1. Gwen nominates the pub: first without the group's local connection.
    const receivedOn = londonToday(clock);
    await signInContext(gwenContext, server, gwenId);
    const gwen = await gwenContext.newPage();
    // From the council's page, where anyone may start a nomination.
    await gwen.goto(`${base}/authorities/${SLUG}`);
    await arrived(gwen);
    await gwen.getByRole("link", { name: /as an asset of community value$/ }).click();
    expect(await arrived(gwen)).toBe(`/authorities/${SLUG}/community-assets/nominate`);
    await gwen.getByLabel("Name of the building or land").fill(PUB);
    await gwen.getByLabel("Address", { exact: true }).fill("Church Lane, Vale Cross");
    await gwen.getByLabel("Postcode").fill("WS6 7PL");
    await gwen.getByLabel("Ward, parish or town").fill("Vale Cross");
    await gwen
      .getByLabel("Describe the building or land")
      .fill("A village pub with its car park and the garden behind it, to the churchyard wall.");
    await gwen
      .getByLabel("Why it furthers the community's wellbeing")
      .fill(
        "The only pub in Vale Cross: the skittles team, the lunch club and the parish meetings are there.",
      );
    await gwen.getByLabel("The owner's name").fill(OWNER);
    await gwen.getByLabel("Latitude (optional)").fill("52.231");
    await gwen.getByLabel("Longitude (optional)").fill("-2.047");
    await gwen.getByRole("button", { name: "Send the nomination" }).click();
    await arrived(gwen);
    expect(await textOf(gwen, ".govuk-error-summary")).toContain(
      "Say how your group is connected with the local area",
    );
    await gwen
      .getByLabel("Your group's local connection")
      .fill("Our members live in Vale Cross and meet in the pub's back room.");
    await gwen.getByRole("button", { name: "Send the nomination" }).click();
    const entryPath = await arrived(gwen);
    expect(entryPath).toMatch(/^\/community-assets\/[0-9a-f-]{36}$/);
    expect(await textOf(gwen, ".govuk-notification-banner")).toContain("Your change has been recorded");
    expect(await textOf(gwen, "main .govuk-tag")).toBe("Awaiting the council's decision");
    expect(await row(gwen, "Nominated by")).toBe(GROUP_NAME);
    expect(await row(gwen, "Nomination received")).toBe(longDate(receivedOn));

    // 2. Twenty days on, the council's commissioner finds it among the nominations and lists it.
    moveClock(20);
    const listedOn = londonToday(clock);
    await signInContext(oluContext, server, oluId);
    const olu = await oluContext.newPage();
    await olu.goto(`${base}/authorities/${SLUG}`);
    await arrived(olu);
    await olu.getByRole("link", { name: "Decide nominations of assets of community value" }).click();
    expect(await arrived(olu)).toBe(`/authorities/${SLUG}/community-assets`);
    await olu.getByRole("link", { name: PUB, exact: true }).click();
    expect(await arrived(olu)).toBe(entryPath);
    expect(await row(olu, "Owner")).toBe(OWNER);
    await olu.getByRole("link", { name: "Decide the nomination" }).click();
    expect(await arrived(olu)).toBe(`${entryPath}/decision`);
    await olu.getByLabel("List it", { exact: true }).check();
    await olu
      .getByLabel("The council's reasons")
      .fill("The pub furthers the social wellbeing of Vale Cross: its clubs meet nowhere else.");
    await olu.getByRole("button", { name: "Record", exact: true }).click();
    expect(await arrived(olu)).toBe(entryPath);
    expect(await textOf(olu, "main .govuk-tag")).toBe("Listed");
    expect(await row(olu, "Listed on")).toBe(longDate(listedOn));

    // 3. A month on, the commissioner records the owner's notice of a sale, received two days before.
    moveClock(30);
    const noticeOn = addDays(londonToday(clock), -2);
    const dates = disposalDates(noticeOn);
    await signInContext(oluContext, server, oluId);
    await olu.goto(`${base}${entryPath}`);
    await arrived(olu);
    expect(await textOf(olu, "main")).toContain("The owner has not given notice of an intended sale.");
    await olu.getByRole("link", { name: "Record a notice of intended sale" }).click();
    expect(await arrived(olu)).toBe(`${entryPath}/notice`);
    await fillDate(olu, "on", noticeOn);
    await olu.getByRole("button", { name: "Record", exact: true }).click();
    expect(await arrived(olu)).toBe(entryPath);
    expect(await row(olu, "Interim moratorium ends")).toBe(longDate(dates.interimEnds));

    // 4. Within the interim moratorium, the group asks to be treated as a bidder, from the entry.
    moveClock(25);
    const bidOn = londonToday(clock);
    expect(bidOn <= dates.interimEnds).toBe(true);
    await signInContext(gwenContext, server, gwenId);
    await gwen.goto(`${base}${entryPath}`);
    await arrived(gwen);
    expect(await textOf(gwen, "main")).toContain("Interim moratorium");
    await gwen.getByRole("link", { name: "Ask to be treated as a bidder" }).click();
    expect(await arrived(gwen)).toBe(`${entryPath}/bid-request`);
    await gwen.getByRole("button", { name: "Send the request" }).click();
    expect(await arrived(gwen)).toBe(entryPath);
    expect(await textOf(gwen, ".govuk-notification-banner")).toContain("Your change has been recorded");
    expect(await row(gwen, "A community group asked to bid on")).toBe(`${longDate(bidOn)} – ${GROUP_NAME}`);
    expect(await gwen.getByRole("link", { name: "Ask to be treated as a bidder" }).count()).toBe(0);
    expect(await textOf(gwen, "main")).toContain(
      "A community group has asked to be treated as a bidder, so that lasts until the full moratorium ends.",
    );

    // 5. The interim moratorium is over: with the group's request, the full one runs. A visitor finds
    // the pub on the register by its area: on the map and in the list, numbered the same.
    moveClock(daysFrom(bidOn, dates.interimEnds) + 1);
    const seenOn = londonToday(clock);
    expect(seenOn).toBe(addDays(dates.interimEnds, 1));
    const visitor = await (await newContext()).newPage();
    await visitor.goto(`${base}/community-assets`);
    expect(await arrived(visitor)).toBe("/community-assets");
    await visitor.getByLabel("Search by name, area or postcode").fill("Vale Cross");
    await visitor.getByRole("button", { name: "Search" }).click();
    await arrived(visitor);
    expect(await textOf(visitor, "#register-count")).toBe("1 found. Page 1 of 1.");
    const listed = visitor.locator("main table tbody tr");
    expect(await listed.count()).toBe(1);
    expect((await listed.first().textContent())?.replace(/\s+/g, " ").trim()).toBe(
      `1 ${PUB} Vale Cross, WS6 7PL Westshire County Council Full moratorium ${longDate(listedOn)}`,
    );
    await visitor.locator(`svg a[aria-label="1. ${PUB}"]`).click();
    expect(await arrived(visitor)).toBe(entryPath);

    // 6. The entry shows every clock with its London dates, and keeps the owner, a person, private.
    const expectDates = async (page: Page) => {
      expect(await row(page, "Listed on")).toBe(longDate(listedOn));
      expect(await row(page, "Listed until")).toBe(longDate(listingEnds(listedOn)));
      expect(await row(page, "The owner may ask for a review until")).toBe(
        longDate(reviewRequestBy(listedOn)),
      );
      expect(await textOf(page, "main p .govuk-tag")).toBe("Full moratorium");
      expect(await row(page, "Notice of intended sale received")).toBe(longDate(dates.noticeOn));
      expect(await row(page, "Interim moratorium ends")).toBe(longDate(dates.interimEnds));
      expect(await row(page, "A community group asked to bid on")).toBe(`${longDate(bidOn)} – ${GROUP_NAME}`);
      expect(await row(page, "Full moratorium ends")).toBe(longDate(dates.fullEnds));
      expect(await row(page, "Protected period ends")).toBe(longDate(dates.protectedEnds));
      expect(await row(page, "Days left in this stage, today counted")).toBe(
        `${daysFrom(seenOn, dates.fullEnds) + 1} (${longDate(dates.fullEnds)})`,
      );
      expect(await row(page, "Owner")).toBe("A private owner: the name is kept by the council");
      expect(await textOf(page, "main")).not.toContain(OWNER);
    };
    await expectDates(visitor);

    // 7. The same entry without JavaScript.
    const plain = await (await newContext(false)).newPage();
    await plain.goto(`${base}${entryPath}`);
    await expectAccessibleWithoutJavaScript(plain);
    await expectDates(plain);
  }, 120_000);
});
