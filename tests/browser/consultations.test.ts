import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settableClock } from "../../src/lib/clock.ts";
import { londonParts } from "../../src/lib/london-time.ts";
import { DEMO_AUTHORITY } from "../../src/seed/demo/authorities.ts";
import { DEMO_ORGANISATION } from "../../src/seed/demo/organisations.ts";
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
import { DEMO_SEEDED_AT } from "../support/test-db.ts";

const clock = settableClock(DEMO_SEEDED_AT);
let server: TestServer;
let baseUrl: string;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer({ clock, seeded: true });
  baseUrl = server.baseUrl;
  browser = await sharedBrowser();
}, 120_000);

afterAll(async () => {
  await server?.close();
});

const byId = (page: Page, id: string) => page.locator(`[id="${id}"]`);

describe('a consultation, from draft to "you said, we did"', () => {
  it("is drafted, published, answered by a charity and a citizen, closes, and is summarised in public", async () => {
    const commissionerId = (
      await createUser(server.db, {
        displayName: "Priya Commissioner",
        grants: [{ role: "commissioner", scopeId: DEMO_AUTHORITY.county }],
      })
    ).id;
    const charityId = (
      await createUser(server.db, {
        displayName: "Ada Trustee",
        grants: [{ role: "organisation-admin", scopeId: DEMO_ORGANISATION.carersTrust }],
      })
    ).id;
    const citizenId = (
      await createUser(server.db, { displayName: "Chris Public", grants: [{ role: "citizen" }] })
    ).id;
    const commissioner = await browser.newContext(DESKTOP);
    const charity = await browser.newContext(DESKTOP);
    const citizen = await browser.newContext(DESKTOP);
    const visitor = await browser.newContext(DESKTOP);
    try {
      // 1. The commissioner drafts the consultation: first without a heading for its first section.
      await signInContext(commissioner, server, commissionerId);
      const page = await commissioner.newPage();
      await page.goto(`${baseUrl}/authorities/westshire-county-council/consultations`);
      expect(await arrived(page)).toBe("/authorities/westshire-county-council/consultations");
      await page.getByRole("button", { name: "Draft a consultation" }).click();
      expect(await arrived(page)).toBe("/authorities/westshire-county-council/consultations/new");
      const closing = londonParts(new Date(clock.now().getTime() + 2 * 86_400_000)).date.split("-");
      await page.getByLabel("Policy consultation").check();
      await page.getByLabel("Title").fill("Carers' breaks: what should we offer?");
      await page.getByLabel("Summary").fill("How the council should help unpaid carers take a break.");
      await page.getByLabel("Who it is for").fill("Unpaid carers and the organisations that support them.");
      await page.getByLabel("Day").fill(String(Number(closing[2])));
      await page.getByLabel("Month").fill(String(Number(closing[1])));
      await page.getByLabel("Year").fill(closing[0] ?? "");
      await page.getByLabel("Closing time").fill("5pm");
      await byId(page, "sections.0.body").fill("We fund 2,000 nights of respite care a year.");
      await byId(page, "sections.0.questions").fill("How often do you need a break?");
      await byId(page, "sections.1.heading").fill("Day breaks");
      await byId(page, "sections.1.body").fill("Day centres offer breaks of a few hours.");
      await page.getByRole("button", { name: "Save as a draft" }).click();
      await arrived(page);
      expect(await textOf(page, ".govuk-error-summary")).toContain("Enter a heading for section 1");
      await page.getByRole("link", { name: "Enter a heading for section 1" }).click();
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("sections.0.heading");
      await byId(page, "sections.0.heading").fill("Respite care");
      await page.getByRole("button", { name: "Save as a draft" }).click();
      const consultationPath = await arrived(page);
      expect(consultationPath).toMatch(
        /^\/authorities\/westshire-county-council\/consultations\/[0-9a-f-]+$/,
      );
      expect(await textOf(page, ".govuk-notification-banner")).toContain("saved as a draft");
      await page.getByRole("button", { name: "Publish the consultation" }).click();
      await arrived(page);
      expect(await textOf(page, ".govuk-notification-banner")).toContain("open for responses");
      expect(await textOf(page, "main")).toContain(`5pm on ${Number(closing[2])}`);

      // 2. The charity's administrator answers for the charity, agreeing to be named.
      await signInContext(charity, server, charityId);
      const charityPage = await charity.newPage();
      await charityPage.goto(`${baseUrl}/consultations`);
      expect(await arrived(charityPage)).toBe("/consultations");
      await charityPage.getByRole("link", { name: "Carers' breaks: what should we offer?" }).click();
      expect(await arrived(charityPage)).toBe(consultationPath);
      await charityPage.getByRole("button", { name: "Respond to this consultation" }).click();
      expect(await arrived(charityPage)).toBe(`${consultationPath}/respond`);
      await charityPage.getByLabel("Millbrook Carers' Trust").check();
      await charityPage.getByLabel("How often do you need a break?").fill("Every month, for a weekend.");
      await byId(charityPage, "sections.1.couldBeDifferent").check();
      await byId(charityPage, "sections.1.couldDeliver").check();
      await byId(charityPage, "sections.1.alternativeModel").fill(
        "Sitting services at home, run by our volunteers.",
      );
      await charityPage.getByLabel("Yes, show the name").check();
      await charityPage.getByRole("button", { name: "Send response" }).click();
      expect(await arrived(charityPage)).toBe(consultationPath);
      expect(await textOf(charityPage, ".govuk-notification-banner")).toContain(
        "your response has been sent",
      );

      // 3. A citizen answers as themselves, first forgetting to say whether to show their name.
      await signInContext(citizen, server, citizenId);
      const citizenPage = await citizen.newPage();
      await citizenPage.goto(`${baseUrl}${consultationPath}`);
      await arrived(citizenPage);
      await citizenPage.getByRole("button", { name: "Respond to this consultation" }).click();
      await arrived(citizenPage);
      await byId(citizenPage, "sections.0.comments").fill(
        "I care for my mother and have not had a night off in a year.",
      );
      await citizenPage.getByRole("button", { name: "Send response" }).click();
      await arrived(citizenPage);
      expect(await textOf(citizenPage, ".govuk-error-summary")).toContain(
        "Say whether your name may be shown",
      );
      await citizenPage.getByLabel("No, do not show the name").check();
      await citizenPage.getByRole("button", { name: "Send response" }).click();
      expect(await arrived(citizenPage)).toBe(consultationPath);

      // 4. The clock passes the closing time: responding is over.
      clock.set(new Date(clock.now().getTime() + 3 * 86_400_000));
      await signInContext(citizen, server, citizenId);
      await citizenPage.goto(`${baseUrl}${consultationPath}`);
      await arrived(citizenPage);
      expect(await textOf(citizenPage, "main")).toContain("This consultation closed at 5pm");
      expect(await citizenPage.getByRole("button", { name: "Respond to this consultation" }).count()).toBe(0);

      // 5. The commissioner answers each point; publishing with one unanswered is refused.
      await signInContext(commissioner, server, commissionerId);
      await page.goto(`${baseUrl}${consultationPath}`);
      await arrived(page);
      await page.getByRole("link", { name: "Read the responses" }).first().click();
      await arrived(page);
      expect(await textOf(page, "main")).toContain("Chris Public");
      await page.goto(`${baseUrl}${consultationPath}`);
      await arrived(page);
      await page.getByRole("link", { name: "Answer each point (you said, we did)" }).click();
      expect(await arrived(page)).toBe(`${consultationPath}/answers`);
      const points = page.getByLabel("What we did about it");
      expect(await points.count()).toBe(3);
      await points.nth(0).fill("We will fund monthly weekend breaks.");
      await points.nth(1).fill("We will commission volunteer sitting services.");
      await page.getByRole("button", { name: 'Publish "you said, we did"' }).click();
      await arrived(page);
      expect(await textOf(page, ".govuk-error-summary")).toContain(
        'Say what you did about what Chris Public said on "Respite care"',
      );
      await page.getByLabel("What we did about it").nth(2).fill("We will add 500 respite nights.");
      await page
        .getByLabel("Introduction to the summary (optional)")
        .fill("Thank you to the 2 people and groups who responded.");
      await page.getByRole("button", { name: 'Publish "you said, we did"' }).click();
      expect(await arrived(page)).toBe(`${consultationPath}/summary`);
      expect(await textOf(page, ".govuk-notification-banner")).toContain("every respondent has been told");

      // 6. The public sees "you said, we did": the charity by name, the citizen without.
      const publicPage = await visitor.newPage();
      await publicPage.goto(`${baseUrl}${consultationPath}`);
      await arrived(publicPage);
      await publicPage.getByRole("link", { name: 'Read "you said, we did"' }).click();
      expect(await arrived(publicPage)).toBe(`${consultationPath}/summary`);
      const summary = await textOf(publicPage, "main");
      expect(summary).toContain("Millbrook Carers' Trust said");
      expect(summary).toContain("A member of the public said");
      expect(summary).toContain("We will add 500 respite nights.");
      expect(summary).not.toContain("Chris Public");
      expect(summary).not.toContain("Ada Trustee");
      await publicPage.goto(`${baseUrl}${consultationPath}/responses`);
      await arrived(publicPage);
      expect(await textOf(publicPage, "main")).not.toContain("Chris Public");
    } finally {
      await Promise.all([commissioner.close(), charity.close(), citizen.close(), visitor.close()]);
    }
  }, 180_000);
});
