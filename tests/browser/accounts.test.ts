/**
 * Accounts in a real browser (Debian's Chromium), with axe on every page: sign up, receive the
 * confirmation email through a real SMTP server on 127.0.0.1 (the app's mailer points at it and the
 * test runs the job runner), follow the link, sign in, set up two-factor sign-in (the code computed
 * with otpauth, as an authenticator app would), sign out, and sign in again with a code.
 */
import { Secret, TOTP } from "otpauth";
import pino from "pino";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../src/lib/clock.ts";
import { accountJobHandlers } from "../../src/modules/accounts/accounts.emails.ts";
import { createJobRunner, type JobRunner } from "../../src/modules/jobs/jobs.runner.ts";
import { type Mailer, smtpMailer } from "../../src/modules/notifications/mailer.ts";
import {
  DESKTOP,
  expectAccessible,
  sharedBrowser,
  startTestServer,
  type TestServer,
} from "../support/browser.ts";
import { type Received, startSmtpServer, type TestSmtpServer } from "../support/smtp.ts";

let smtp: TestSmtpServer;
let inbox: Received[];
let mailer: Mailer;
let server: TestServer;
let jobs: JobRunner;
let baseUrl: string;
let browser: Browser;

beforeAll(async () => {
  smtp = await startSmtpServer();
  inbox = smtp.received;
  mailer = smtpMailer({ url: smtp.url, from: "OpenPS <no-reply@openps.test>" });
  server = await startTestServer({ env: { OPENPS_DEMO: "false" }, mailer });
  baseUrl = server.baseUrl;
  jobs = createJobRunner({
    db: server.db,
    clock: systemClock,
    handlers: accountJobHandlers({ mailer, baseUrl, secrets: server.app.accountSecrets }),
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

/** The body of a received email, with its quoted-printable encoding undone. */
function bodyOf(raw: string): string {
  return raw
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

async function visit(page: Page, url: string): Promise<void> {
  await page.goto(url.startsWith("http") ? url : `${baseUrl}${url}`);
  await expectAccessible(page);
}

async function heading(page: Page): Promise<string> {
  return ((await page.locator("h1").textContent()) ?? "").trim();
}

/** What an authenticator app shows for the secret, `stepsAhead` periods from now. */
function authenticatorCode(secret: string, stepsAhead = 0): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: "SHA1" }).generate({
    timestamp: Date.now() + stepsAhead * 30_000,
  });
}

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await visit(page, "/sign-in");
  expect(await heading(page)).toBe("Sign in to OpenPS");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

describe("accounts in the browser", () => {
  it("signs up, confirms the address from a real email, sets up two-factor sign-in and uses it", async () => {
    const context = await browser.newContext(DESKTOP);
    const page = await context.newPage();
    const email = "ann.example@example.org";
    const password = "purple monkey dishwasher";
    try {
      // Sign up, first with a mistake.
      await visit(page, "/");
      await page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Sign in" }).click();
      await page.getByRole("link", { name: "Create an account" }).click();
      await page.waitForURL(`${baseUrl}/sign-up`);
      await expectAccessible(page);
      await page.getByLabel("Your name").fill("Ann Example");
      await page.getByLabel("Email address").fill(email);
      await page.getByLabel("Password").fill("too short");
      await page.getByRole("button", { name: "Create account" }).click();
      expect(await page.title()).toBe("Error: Create an OpenPS account – OpenPS");
      await expectAccessible(page);
      const summaryLink = page.locator(".govuk-error-summary").getByRole("link");
      expect(await summaryLink.textContent()).toContain("Password must be 12 characters or more");
      await summaryLink.click();
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("password");
      await page.getByLabel("Password").fill(password);
      await page.getByRole("button", { name: "Create account" }).click();
      await page.waitForURL(`${baseUrl}/sign-up/check-email`);
      expect(await heading(page)).toBe("Check your email");
      await expectAccessible(page);

      // The email arrives through the SMTP server.
      await jobs.runDue();
      expect(inbox).toHaveLength(1);
      const mail = inbox[0] as Received;
      expect(mail.to).toEqual([email]);
      const body = bodyOf(mail.raw);
      expect(body).toContain("Subject: Confirm your email address for OpenPS");
      const link = new RegExp(`${baseUrl}/verify-email\\?token=[A-Za-z0-9_-]+`).exec(body)?.[0];
      expect(link).toBeDefined();
      await visit(page, link as string);
      await page.waitForURL(`${baseUrl}/sign-in?notice=email-verified`);
      expect(await page.locator(".govuk-notification-banner").textContent()).toContain(
        "Your email address is confirmed",
      );

      // Sign in: to their work, then on to the account to set up two-factor sign-in.
      await signIn(page, email, password);
      await page.waitForURL(`${baseUrl}/tasks`);
      expect(await heading(page)).toBe("Your work");
      await expectAccessible(page);
      await visit(page, "/account");
      expect(await heading(page)).toBe("Your account");
      await expectAccessible(page);
      await page.getByRole("link", { name: "Set up two-factor sign-in" }).click();
      await page.waitForURL(`${baseUrl}/account/two-factor/setup`);
      await expectAccessible(page);
      expect(await page.getByRole("img", { name: /QR code/ }).count()).toBe(1);
      const secret = ((await page.locator("#totp-secret").textContent()) ?? "").replaceAll(/\s/g, "");
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
      await page.getByRole("textbox", { name: "Code" }).fill(authenticatorCode(secret));
      await page.getByRole("button", { name: "Turn on two-factor sign-in" }).click();
      await page.waitForURL(`${baseUrl}/account/two-factor/recovery-codes`);
      await expectAccessible(page);
      expect(await page.locator("#recovery-codes li").count()).toBe(10);
      await page.getByRole("link", { name: "I have saved my recovery codes" }).click();
      await page.waitForURL(`${baseUrl}/account`);
      expect(await page.locator("#two-factor + p").textContent()).toContain("On");

      // Sign out: a button on the account page, which the header links to.
      await page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Inbox" }).click();
      await page.waitForURL(`${baseUrl}/inbox`);
      await page
        .getByRole("navigation", { name: "Account" })
        .getByRole("link", { name: "Your account" })
        .click();
      await page.waitForURL(`${baseUrl}/account`);
      await page.getByRole("main").getByRole("button", { name: "Sign out", exact: true }).click();
      await page.waitForURL(`${baseUrl}/signed-out`);
      expect(await heading(page)).toBe("You have signed out");
      await expectAccessible(page);
      expect((await context.cookies()).find((c) => c.name === "openps_session")).toBeUndefined();

      // Sign in again: now a code is needed. (The next period's code: the one used to set up cannot be used again.)
      await signIn(page, email, password);
      await page.waitForURL(`${baseUrl}/sign-in/two-factor?returnTo=%2Ftasks`);
      expect(await heading(page)).toBe("Enter the code from your authenticator app");
      await expectAccessible(page);
      await page.getByRole("textbox", { name: "Code" }).fill("000000");
      await page.getByRole("button", { name: "Continue" }).click();
      expect(await page.title()).toMatch(/^Error: /);
      await expectAccessible(page);
      await page.getByRole("textbox", { name: "Code" }).fill(authenticatorCode(secret, 1));
      await page.getByRole("button", { name: "Continue" }).click();
      await page.waitForURL(`${baseUrl}/tasks`);
      expect(await heading(page)).toBe("Your work");
      expect(
        await page
          .getByRole("navigation", { name: "Account" })
          .getByRole("link", { name: "Your account" })
          .count(),
      ).toBe(1);
      const session = (await context.cookies()).find((c) => c.name === "openps_session");
      expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });
    } finally {
      await context.close();
    }
  }, 120_000);

  it("works without JavaScript: signing in and out are plain forms", async () => {
    const context = await browser.newContext({ ...DESKTOP, javaScriptEnabled: false });
    const page = await context.newPage();
    try {
      await page.goto(`${baseUrl}/sign-in`);
      await page.getByLabel("Email address").fill("nobody@example.org");
      await page.getByLabel("Password").fill("not a real password");
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      expect(await page.title()).toBe("Error: Sign in to OpenPS – OpenPS");
      expect(await page.locator(".govuk-error-summary").textContent()).toContain(
        "Enter the correct email address and password",
      );
    } finally {
      await context.close();
    }
  });
});
