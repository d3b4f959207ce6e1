/**
 * Issue 17's journey in a real browser, with axe on every page, by links and forms only: the demo
 * citizen (Joan Whitfield, as herself) signs in with the demo account's button, goes from her page
 * to Westshire's open list for home care, ticks its three providers and compares them, arranges 3
 * hours a week with Greenway Home Care (the only member with a demo account), and signs out;
 * Greenway's administrator (Gwen Parry) accepts it on her organisation's arrangements page and
 * invoices it; Joan sees the invoice waiting on her page, pays it, finds what is left of her direct
 * payment down by its amount and the payment at the top of her ledger, and leaves feedback on
 * Greenway from the link on her page.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settableClock } from "../../src/lib/clock.ts";
import { londonToday } from "../../src/lib/london-time.ts";
import { DEMO_PROVIDER_GREENWAY } from "../../src/seed/demo/users.ts";
import {
  arrived,
  DESKTOP,
  fillDate,
  sharedBrowser,
  startTestServer,
  type TestServer,
  textOf,
} from "../support/browser.ts";
import { DEMO_SEEDED_AT } from "../support/test-db.ts";

const clock = settableClock(DEMO_SEEDED_AT);
let server: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  server = await startTestServer({ clock, seeded: true });
  browser = await sharedBrowser();
}, 120_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await server?.close();
});

/** Signs in with the demo account's button in the row naming `who`, landing on "Your work". */
async function signIn(page: Page, who: string): Promise<void> {
  await page.goto(`${server.baseUrl}/sign-in`);
  await arrived(page);
  await page.locator("tr", { hasText: who }).getByRole("button").click();
  expect(await arrived(page)).toBe("/tasks");
}

async function newPage(): Promise<Page> {
  const context = await browser.newContext(DESKTOP);
  contexts.push(context);
  context.setDefaultTimeout(5000);
  return context.newPage();
}

/** What is left of the direct payment on the person's page, in pence. */
async function leftInDirectPayment(page: Page): Promise<number> {
  const row = page.locator(".govuk-summary-list__row", { hasText: "Left in the direct payment" }).first();
  const text = (await row.locator(".govuk-summary-list__value").textContent()) ?? "";
  return Math.round(Number(text.replace(/[^0-9.-]/g, "")) * 100);
}

describe("personal budgets", () => {
  it("Joan compares, arranges, Greenway accepts and invoices, Joan pays and leaves feedback", async () => {
    const today = londonToday(clock);
    const joan = await newPage();
    await signIn(joan, "Citizen");
    // From "Your work", where she lands: her places.
    await joan.getByRole("link", { name: "Your care and support plan: Joan Whitfield" }).click();
    const joanPath = await arrived(joan);
    expect(joanPath).toMatch(/^\/care\/people\/[0-9a-f-]{36}$/);
    const before = await leftInDirectPayment(joan);

    await joan.getByRole("link", { name: "Compare providers on a list" }).first().click();
    await arrived(joan);
    await joan.getByRole("link", { name: "Home care in Westshire" }).click();
    expect(await arrived(joan)).toMatch(/\/choice\/[0-9a-f-]{36}$/);
    const boxes = await joan.locator('input[name="organisations"]').all();
    expect(boxes).toHaveLength(3);
    for (const box of boxes) await box.check();
    await joan.getByRole("button", { name: /^Compare the providers you ticked/ }).click();
    expect(await arrived(joan)).toMatch(/\/compare$/);
    await joan.getByRole("link", { name: /Arrange with this provider .*Greenway Home Care Ltd/ }).click();
    await arrived(joan);
    await joan.getByLabel("The direct payment").check();
    await joan.locator('textarea[name="description"]').fill("Help to get up and dressed, three mornings");
    await joan.locator('input[name="unitsPerWeek"]').fill("3");
    await fillDate(joan, "startsOn", today);
    await joan.getByRole("button", { name: "Arrange the service" }).click();
    await arrived(joan);
    expect(await textOf(joan, ".govuk-notification-banner")).toContain("The service is arranged");
    await joan
      .getByRole("navigation", { name: "Account" })
      .getByRole("link", { name: "Your account" })
      .click();
    await arrived(joan);
    await joan.getByRole("main").getByRole("button", { name: "Sign out", exact: true }).click();
    expect(await arrived(joan)).toBe("/signed-out");

    const gwen = await newPage();
    await signIn(gwen, "Gwen Parry");
    await gwen.getByRole("link", { name: /^Greenway Home Care Ltd: arrangements/ }).click();
    expect(await arrived(gwen)).toBe(`/organisations/${DEMO_PROVIDER_GREENWAY}/arrangements`);
    await gwen
      .locator(".govuk-summary-card", { hasText: /: 3 hours each week/ })
      .getByRole("button", { name: "Accept" })
      .click();
    await arrived(gwen);
    expect(await textOf(gwen, ".govuk-notification-banner")).toContain("You accepted the service");
    await gwen.locator("a.govuk-back-link").click();
    expect(await arrived(gwen)).toBe(`/organisations/${DEMO_PROVIDER_GREENWAY}/arrangements`);
    await gwen.getByRole("link", { name: "Invoices and payments received" }).click();
    await arrived(gwen);
    await gwen.getByRole("link", { name: "Invoice an arrangement" }).click();
    await arrived(gwen);
    await gwen.getByLabel(/3 × £21\.50/).check();
    await fillDate(gwen, "periodStartsOn", today);
    await fillDate(gwen, "periodEndsOn", today);
    await gwen.getByLabel("Units delivered in the period").fill("3");
    await gwen.getByLabel("Amount").fill("64.50");
    await gwen.getByLabel("Reference").fill("GW-JOURNEY-1");
    await gwen.getByRole("button", { name: "Submit the invoice" }).click();
    await arrived(gwen);
    expect(await textOf(gwen, "main")).toContain("Your invoice is submitted.");

    await signIn(joan, "Citizen");
    await joan.getByRole("link", { name: "Your care and support plan: Joan Whitfield" }).click();
    expect(await arrived(joan)).toBe(joanPath);
    expect(await textOf(joan, "main")).toContain("(reference GW-JOURNEY-1)");
    await joan.getByRole("button", { name: "Pay £64.50 from the direct payment" }).click();
    expect(await arrived(joan)).toBe(joanPath);
    expect(await leftInDirectPayment(joan)).toBe(before - 6450);
    // Her ledger: the payment, newest first, with the balance after it; back to her page.
    await joan.getByRole("link", { name: "Read every payment in and out" }).first().click();
    expect(await arrived(joan)).toMatch(/\/budgets\/[0-9a-f-]{36}\/transactions$/);
    const newest = joan.locator("main table tbody tr").first();
    expect(await newest.textContent()).toContain("Invoice GW-JOURNEY-1");
    expect(await newest.textContent()).toContain("£64.50");
    await joan.locator("a.govuk-back-link").click();
    expect(await arrived(joan)).toBe(joanPath);

    await joan.getByRole("link", { name: "Leave feedback on Greenway Home Care Ltd" }).click();
    await arrived(joan);
    await joan.getByLabel("5 stars: very good").check();
    await joan.locator('select[name="serviceType"]').selectOption("domiciliary-care");
    await joan.getByLabel("Month of the service").fill(today.slice(0, 7));
    await joan.getByLabel("Your review").fill("Cheerful carers who came on time and never rushed me.");
    await joan.getByRole("button", { name: "Send the review" }).click();
    expect(await arrived(joan)).toBe(`/organisations/${DEMO_PROVIDER_GREENWAY}/feedback`);
    expect(await textOf(joan, "main")).toContain("Cheerful carers who came on time");
  }, 120_000);
});
