/**
 * A small charity bidding for the first time, end to end in a real browser (Debian's Chromium),
 * with axe on every page visited: sign up, receive the confirmation email through a real SMTP
 * server on 127.0.0.1 (the app's mailer points at it; the test runs the job runner), confirm the
 * address, sign in, register the charity with an invalid then a valid form, invite a colleague by
 * email; the colleague (a second browser context) follows the emailed link, signs in and accepts;
 * then the directory finds the charity by a word of its name and its sector, and its profile shows
 * its sector and Charity Commission number.
 */
import type { FastifyInstance } from "fastify";
import pino from "pino";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../src/lib/clock.ts";
import { accessJobHandlers } from "../../src/modules/access/invitations.service.ts";
import { accountJobHandlers } from "../../src/modules/accounts/accounts.emails.ts";
import { createJobRunner, type JobRunner } from "../../src/modules/jobs/jobs.runner.ts";
import { type Mailer, smtpMailer } from "../../src/modules/notifications/mailer.ts";
import { serviceCategoriesSeed } from "../../src/seed/reference/service-categories.ts";
import { runSeeds } from "../../src/seed/seed.ts";
import { createUser } from "../support/auth.ts";
import {
  DESKTOP,
  expectAccessible,
  insertDirectory,
  sharedBrowser,
  startTestServer,
  type TestServer,
} from "../support/browser.ts";
import { type Received, startSmtpServer, type TestSmtpServer, textBody } from "../support/smtp.ts";
import type { TestDatabase } from "../support/test-db.ts";

let smtp: TestSmtpServer;
let mailer: Mailer;
let server: TestServer;
let database: TestDatabase;
let app: FastifyInstance;
let jobs: JobRunner;
let baseUrl: string;
let browser: Browser;

beforeAll(async () => {
  smtp = await startSmtpServer();
  mailer = smtpMailer({ url: smtp.url, from: "OpenPS <no-reply@openps.test>" });
  server = await startTestServer({ env: { OPENPS_DEMO: "false" }, mailer });
  ({ app, baseUrl } = server);
  database = server.database;
  // Reference data every deployment has, and a few other organisations for the search to pass over.
  await runSeeds(database.db, systemClock, [serviceCategoriesSeed], { demo: false });
  await insertDirectory(database.db);
  // The platform's job runner, as src/platform.ts makes it, but run by the test (no timer).
  const deps = { mailer, baseUrl, secrets: app.accountSecrets };
  jobs = createJobRunner({
    db: database.db,
    clock: systemClock,
    handlers: { ...accountJobHandlers(deps), ...accessJobHandlers(deps) },
    pollMs: 50,
    batchSize: 10,
    logger: pino({ level: "silent" }),
  });
  browser = await sharedBrowser();
});

afterAll(async () => {
  await jobs?.stop();
  await server?.close();
  await mailer?.close();
  await smtp?.close();
});

async function text(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? "").replace(/\s+/g, " ").trim();
}

/** Waits for the page after a navigation, checks it with axe, and gives its path and query. */
async function arrived(page: Page): Promise<string> {
  await page.waitForLoadState("load");
  await expectAccessible(page);
  const url = new URL(page.url());
  return url.pathname + url.search;
}

/** Runs the queue once and gives the one email it sent to `to`, decoded. */
async function deliveredTo(to: string): Promise<{ subject: string; body: string }> {
  const before = smtp.received.length;
  await jobs.runDue();
  const mail = smtp.received.slice(before).filter((m: Received) => m.to.includes(to));
  expect(mail).toHaveLength(1);
  const raw = (mail[0] as Received).raw;
  const subject = /^Subject: (.*)$/m.exec(raw.replaceAll(/\r\n[ \t]+/g, " "))?.[1]?.trim() ?? "";
  return { subject, body: textBody(raw) };
}

/** The one link to this app in an email's text that starts with `pathPrefix`. */
function linkIn(body: string, pathPrefix: string): string {
  const escaped = `${baseUrl}${pathPrefix}`.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const links = body.match(new RegExp(`${escaped}[A-Za-z0-9_\\-?=&%.]+`, "g")) ?? [];
  expect(links).toHaveLength(1);
  return links[0] as string;
}

const navigation = (page: Page) => page.locator(".govuk-service-navigation");
/** The account links in the header: sign in, or the inbox and your account. */
const accountLinks = (page: Page) => page.getByRole("navigation", { name: "Account" });

describe("a small charity's first steps on OpenPS", () => {
  it("signs up, confirms by email, registers the charity, invites a colleague who accepts, and finds it in the directory", async () => {
    const email = "maya.okafor@whitbybefriending.example.org";
    const password = "lantern tide quay boats";
    const colleagueEmail = "sam.reid@whitbybefriending.example.org";
    const charity = "Whitby Coastal Befriending";
    const admin = await browser.newContext(DESKTOP);
    const colleague = await browser.newContext(DESKTOP);
    try {
      const page = await admin.newPage();

      // 1. Home page, then sign up.
      await page.goto(`${baseUrl}/`);
      expect(await arrived(page)).toBe("/");
      await accountLinks(page).getByRole("link", { name: "Sign in" }).click();
      expect(await arrived(page)).toBe("/sign-in");
      await page.getByRole("link", { name: "Create an account" }).click();
      expect(await arrived(page)).toBe("/sign-up");
      expect(await text(page.getByRole("heading", { level: 1 }))).toBe("Create an OpenPS account");
      await page.getByLabel("Your name").fill("Maya Okafor");
      await page.getByLabel("Email address").fill(email);
      await page.getByLabel("Password").fill(password);
      await page.getByRole("button", { name: "Create account" }).click();
      expect(await arrived(page)).toBe("/sign-up/check-email");
      expect(await text(page.getByRole("heading", { level: 1 }))).toBe("Check your email");

      // 2. The confirmation email arrives through SMTP; its link confirms the address.
      const confirmation = await deliveredTo(email);
      expect(confirmation.subject).toBe("Confirm your email address for OpenPS");
      await page.goto(linkIn(confirmation.body, "/verify-email?token="));
      expect(await arrived(page)).toBe("/sign-in?notice=email-verified");
      expect(await text(page.locator(".govuk-notification-banner"))).toContain(
        "Your email address is confirmed. You can now sign in.",
      );

      // 3. Sign in.
      await page.getByLabel("Email address").fill(email);
      await page.getByLabel("Password").fill(password);
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      expect(await arrived(page)).toBe("/tasks");
      expect(await text(page.getByRole("heading", { level: 1 }))).toBe("Your work");
      await page.goto(`${baseUrl}/account`);
      expect(await text(page.locator("main"))).toContain("Maya Okafor");

      // 4. Register the charity: first with no name and a malformed charity number.
      await navigation(page).getByRole("link", { name: "Providers" }).click();
      expect(await arrived(page)).toBe("/organisations");
      await page.getByRole("link", { name: "Register an organisation" }).click();
      expect(await arrived(page)).toBe("/organisations/new");
      await page.getByLabel("Charity", { exact: true }).check();
      await page.getByLabel("Micro", { exact: true }).check();
      await page.getByLabel("Register", { exact: true }).selectOption("GB-CHC");
      await page.getByLabel("Number on that register").fill("12345");
      await page.getByRole("button", { name: "Register the organisation" }).click();
      expect(await arrived(page)).toBe("/organisations/new");
      expect(await page.title()).toBe("Error: Register an organisation – OpenPS");
      const summary = page.locator(".govuk-error-summary");
      expect(await text(summary.getByRole("heading"))).toBe("There is a problem");
      expect(await summary.getByRole("link").count()).toBe(2);
      const nameError = summary.getByRole("link", { name: "Enter the organisation's name" });
      const identifierError = summary.getByRole("link", {
        name: /^Enter a Charity Commission for England and Wales identifier \(GB-CHC\) in the right format: 6 or 7 digits/,
      });
      expect(await nameError.getAttribute("href")).toBe("#name");
      expect(await identifierError.getAttribute("href")).toBe("#identifier");
      expect(
        await page.evaluate(() => document.activeElement?.classList.contains("govuk-error-summary")),
      ).toBe(true);
      // What was entered is kept, and each field shows its own error.
      expect(await page.getByLabel("Charity", { exact: true }).isChecked()).toBe(true);
      expect(await page.getByLabel("Number on that register").inputValue()).toBe("12345");
      expect(await text(page.locator("#identifier-error"))).toContain("6 or 7 digits");
      expect(await text(page.locator("#name-error"))).toBe("Error: Enter the organisation's name");
      await identifierError.click();
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("identifier");
      await page.getByLabel("Number on that register").fill("1187654");
      await nameError.click();
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("name");
      await page.getByLabel("Name of the organisation").fill(charity);
      await page.getByLabel("Number of staff (optional)").fill("6");
      await page.getByLabel("Town or city (optional)").fill("Whitby");
      await page
        .getByLabel("What the organisation does (optional)")
        .fill("Volunteers who visit older people living alone on the coast, and run a weekly lunch club.");
      await page.getByLabel("Support for unpaid carers").check();
      await page.getByRole("button", { name: "Register the organisation" }).click();
      const profilePath = await arrived(page);
      expect(profilePath).toMatch(/^\/organisations\/[0-9a-f-]{36}\?registered=1$/);
      const organisationPath = profilePath.replace(/\?.*$/, "");
      expect(await page.title()).toBe(`${charity} – OpenPS`);
      expect(await text(page.locator(".govuk-notification-banner"))).toContain(
        "The organisation is registered, and you are its administrator.",
      );
      expect(await text(page.locator(".govuk-caption-l"))).toBe("Charity");
      expect(await text(page.locator("main"))).toContain(
        "GB-CHC-1187654 (Charity Commission for England and Wales)",
      );

      // 5. Invite a colleague from the organisation's people page; the email carries the link.
      await page.getByRole("link", { name: "Invite colleagues and manage its members" }).click();
      expect(await arrived(page)).toBe(`${organisationPath}/people`);
      expect(await text(page.getByRole("table", { name: "People" }))).toContain(
        `Maya Okafor ${email} Organisation administrator`,
      );
      await page.getByLabel("Email address").fill(colleagueEmail);
      await page.getByLabel("Organisation member").check();
      await page.getByRole("button", { name: "Send invitation" }).click();
      expect(await arrived(page)).toMatch(new RegExp(`^${organisationPath}/people\\?invited=[0-9a-f-]{36}$`));
      expect(await text(page.locator(".govuk-notification-banner"))).toContain("Invitation sent");
      const pending = page.getByRole("table", { name: "Invitations not yet accepted" });
      expect(await text(pending)).toContain(colleagueEmail);
      // Not in demo mode: the link is only in the email, never on the page.
      expect(await page.locator('a[href*="/invitations/"]').count()).toBe(0);
      const invitation = await deliveredTo(colleagueEmail);
      expect(invitation.subject).toBe(`You are invited to act for ${charity} on OpenPS`);
      const invitationLink = linkIn(invitation.body, "/invitations/");
      expect(invitationLink).toMatch(/\/invitations\/[A-Za-z0-9_-]{20,}$/);

      // 6. The colleague, in another browser, follows the link, signs in and accepts.
      await createUser(database.db, { email: colleagueEmail, displayName: "Sam Reid", password });
      const other = await colleague.newPage();
      await other.goto(invitationLink);
      const invitationPath = new URL(invitationLink).pathname;
      expect(await arrived(other)).toBe(invitationPath);
      expect(await text(other.getByRole("heading", { level: 1 }))).toBe(`Invitation to act for ${charity}`);
      expect(await text(other.locator("main"))).toContain("as Organisation member");
      await other.getByRole("main").getByRole("link", { name: "Sign in" }).click();
      expect(await arrived(other)).toBe(`/sign-in?returnTo=${encodeURIComponent(invitationPath)}`);
      await other.getByLabel("Email address").fill(colleagueEmail);
      await other.getByLabel("Password").fill(password);
      await other.getByRole("button", { name: "Sign in", exact: true }).click();
      expect(await arrived(other)).toBe(invitationPath);
      await other.getByRole("button", { name: "Accept the invitation" }).click();
      expect(await arrived(other)).toBe(`${organisationPath}?updated=joined`);
      expect(await text(other.getByRole("heading", { level: 1 }))).toBe(charity);
      expect(await text(other.locator(".govuk-notification-banner"))).toContain(
        `You now act for ${charity}.`,
      );
      // A member, not an administrator: the organisation's management links are not offered.
      expect(
        await other.getByRole("link", { name: "Invite colleagues and manage its members" }).count(),
      ).toBe(0);
      // Their account now says what they act for, linking to the organisation.
      await accountLinks(other).getByRole("link", { name: "Your account" }).click();
      expect(await arrived(other)).toBe("/account");
      const actingFor = other.locator("#acting-for + ul");
      expect(await text(actingFor)).toBe(`Organisation member — ${charity}`);
      expect(await actingFor.getByRole("link", { name: charity }).getAttribute("href")).toBe(
        organisationPath,
      );

      // The administrator now sees the colleague among its people, and no open invitation.
      await page.goto(`${baseUrl}${organisationPath}/people`);
      expect(await arrived(page)).toBe(`${organisationPath}/people`);
      const people = page.getByRole("table", { name: "People" });
      expect(await text(people)).toContain(`Sam Reid ${colleagueEmail} Organisation member`);
      expect(await page.getByRole("table", { name: "Invitations not yet accepted" }).count()).toBe(0);

      // 7. The directory finds the charity by a word of its name, filtered to charities.
      await navigation(page).getByRole("link", { name: "Providers" }).click();
      expect(await arrived(page)).toBe("/organisations");
      await page.getByLabel("Search the directory").fill("coastal");
      await page.getByRole("button", { name: "Search", exact: true }).click();
      expect(await arrived(page)).toMatch(/[?&]q=coastal(&|$)/);
      // The word finds the charity and a mutual of the same name; the sector filter leaves the charity.
      expect(await text(page.locator("#results-heading"))).toBe("2 organisations");
      const results = page.locator(".openps-results h3");
      expect((await results.allTextContents()).map((t) => t.trim()).sort()).toEqual(
        ["Coastal Care Mutual", charity].sort(),
      );
      await page.getByLabel("Charity (1)", { exact: true }).check();
      await page.getByRole("button", { name: "Apply filters" }).click();
      const filtered = await arrived(page);
      expect(filtered).toMatch(/[?&]sector=charity(&|$)/);
      expect(filtered).toMatch(/[?&]q=coastal(&|$)/);
      expect(await text(page.locator("#results-heading"))).toBe("1 organisation");
      expect(await page.getByLabel("Charity (1)", { exact: true }).isChecked()).toBe(true);
      expect(await results.allTextContents()).toEqual([charity]);
      expect(await text(page.locator(".openps-results"))).toContain("Charity · Micro · Whitby");
      await results.getByRole("link", { name: charity }).click();
      expect(await arrived(page)).toBe(organisationPath);
      const details = page.locator(".govuk-summary-list").first();
      expect(await text(details)).toContain("Sector Charity");
      expect(await text(details)).toContain(
        "Identifiers GB-CHC-1187654 (Charity Commission for England and Wales)",
      );
      expect(await text(details)).toContain("Micro · 6 staff");
      expect(await text(details)).toContain("Support for unpaid carers");
      expect(await details.getByRole("link", { name: "GB-CHC-1187654" }).getAttribute("href")).toBe(
        "https://register-of-charities.charitycommission.gov.uk/charity-search/-/charity-details/1187654",
      );
    } finally {
      await admin.close();
      await colleague.close();
    }
  }, 90_000);
});
