/**
 * For journeys on a seeded test server (demo mode): the demo accounts, each signed in with its
 * button on the sign-in page as a visitor would (landing on "Your work"), by role or by name, and the demo clock moved
 * forward by the demo platform administrator from the account page — signed in once, kept on the
 * demo clock's page for the next move. `close()` closes the administrator's context.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { arrived, DESKTOP, type TestServer, textOf } from "./browser.ts";

export interface DemoJourney {
  /** A demo account by its role's name ("Commissioner"), signed in: a new context on "Your work". */
  demo(role: string): Promise<{ context: BrowserContext; page: Page }>;
  /** A demo account by the person's name ("Gwen Parry"), where two share a role: as `demo`. */
  demoNamed(name: string): Promise<{ context: BrowserContext; page: Page }>;
  /** Time passes: the platform administrator moves the demo clock forward by whole days. */
  moveClock(days: number): Promise<void>;
  close(): Promise<void>;
}

export function demoJourney(server: Pick<TestServer, "baseUrl">, browser: Browser): DemoJourney {
  let admin: { context: BrowserContext; page: Page } | undefined;

  async function signIn(
    who: string,
    button: (page: Page) => ReturnType<Page["getByRole"]>,
  ): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext(DESKTOP);
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/sign-in`);
    await arrived(page);
    await button(page).click();
    const landed = await arrived(page);
    if (landed !== "/tasks") throw new Error(`Signing in as ${who} landed on ${landed}, not /tasks`);
    return { context, page };
  }

  /** The first demo account of the role, as the sign-in page lists them (Westshire's before the department's). */
  const demo = (role: string) =>
    signIn(`the ${role}`, (page) =>
      page.getByRole("button", { name: new RegExp(`^Sign in as [^,]+, the ${role}$`) }).first(),
    );

  const demoNamed = (name: string) =>
    signIn(name, (page) => page.locator("tr", { hasText: name }).getByRole("button"));

  async function moveClock(days: number): Promise<void> {
    if (!admin) {
      admin = await demo("Platform administrator");
      await admin.page.getByRole("link", { name: "Your account" }).click();
      await arrived(admin.page);
      await admin.page.getByRole("link", { name: "Move the demo clock forward" }).click();
      await arrived(admin.page);
    }
    const { page } = admin;
    await page.getByLabel("How many days to move it forward").fill(String(days));
    await page.getByRole("button", { name: /^Move the clock forward/ }).click();
    await arrived(page);
    const main = await textOf(page, "main");
    if (!/\d+ days ahead of the real time/.test(main))
      throw new Error(`The demo clock did not move: ${main}`);
  }

  return { demo, demoNamed, moveClock, close: async () => admin?.context.close() };
}
