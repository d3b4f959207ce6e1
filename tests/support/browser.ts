/**
 * For browser tests: the real app on a fresh test database, listening on a random loopback port
 * (`startTestServer`); a few public bodies and organisations for the home page (`insertDirectory`);
 * Debian's Chromium driven by playwright-core, one for the test process (`sharedBrowser`); and an
 * axe check that fails with a readable list of every serious or critical violation
 * (`expectAccessible`). The server checks every response it serves for the security headers
 * (headers.ts): closing it fails, listing each response without them.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { AxeResults, RunOptions } from "axe-core";
import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import type { Db } from "../../src/db/database.ts";
import { newId } from "../../src/lib/ids.ts";
import { SESSION_COOKIE } from "../../src/modules/accounts/accounts.service.ts";
import type { NewAuthority } from "../../src/modules/authorities/authorities.table.ts";
import type { NewOrganisation } from "../../src/modules/organisations/organisations.table.ts";
import { createTestApp, type TestApp, type TestAppOptions } from "./app.ts";
import { sessionFor } from "./auth.ts";
import { launchBrowser } from "./chromium.ts";
import { headerProblems } from "./headers.ts";

export interface TestServer extends TestApp {
  /** The app's database (`deps.db`). */
  db: Db;
  /** Where the app listens, like `http://127.0.0.1:41234`. */
  baseUrl: string;
}

export type TestServerOptions = TestAppOptions;

/**
 * The real app (`createTestApp`), listening on a free loopback port, serving axe-core for the
 * accessibility checks too (`AXE_PATH`). `close()` undoes it all.
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const testApp = await createTestApp(options);
  testApp.app.get(AXE_PATH, { schema: { hide: true } }, async (_request, reply) =>
    reply
      .type("text/javascript; charset=utf-8")
      .header("cache-control", "public, max-age=31536000, immutable")
      .send(AXE_SOURCE),
  );
  // Every response it serves carries the security headers, and no page needs the CSP loosened.
  const problems: string[] = [];
  testApp.app.addHook("onSend", async (request, reply, payload) => {
    if (request.url === AXE_PATH) return payload;
    const found = headerProblems(reply.getHeaders(), typeof payload === "string" ? payload : undefined);
    if (found.length > 0) problems.push(`${request.method} ${request.url}: ${found.join("; ")}`);
    return payload;
  });
  const close = async () => {
    await testApp.close();
    if (problems.length > 0)
      throw new Error(`Responses without the security headers:\n${[...new Set(problems)].join("\n")}`);
  };
  try {
    await testApp.app.listen({ port: 0, host: "127.0.0.1" });
  } catch (error) {
    await testApp.close();
    throw error;
  }
  const address = testApp.app.server.address();
  if (address === null || typeof address === "string") throw new Error("The test server has no TCP address");
  return { ...testApp, close, db: testApp.deps.db, baseUrl: `http://127.0.0.1:${address.port}` };
}

let shared: Promise<Browser> | undefined;

/**
 * Chromium for the test process: launched by the first test file that asks and kept for the files
 * its worker runs next (Playwright closes it when the process ends). A file makes its own browser
 * contexts and closes them; it never closes the browser.
 */
export function sharedBrowser(): Promise<Browser> {
  shared ??= launchBrowser().then((browser) => {
    browser.on("disconnected", () => {
      shared = undefined;
    });
    return browser;
  });
  return shared;
}

/** A few public bodies and organisations, as the home page shows them. */
export async function insertDirectory(db: Db): Promise<void> {
  const now = new Date();
  const authorities: NewAuthority[] = [
    {
      id: newId(),
      slug: "cyngor-sir-ceredigion",
      name: "Ceredigion County Council",
      welsh_name: "Cyngor Sir Ceredigion",
      kind: "unitary",
      nation: "england-and-wales",
      org_id: "GB-WLA-CGN",
      website: "https://www.ceredigion.gov.uk/",
      created_at: now,
      updated_at: now,
    },
    {
      id: newId(),
      slug: "fife",
      name: "Fife Council",
      welsh_name: null,
      kind: "unitary",
      nation: "scotland",
      org_id: "GB-SLA-FIF",
      website: null,
      created_at: now,
      updated_at: now,
    },
  ];
  const organisation = (
    name: string,
    sector: NewOrganisation["sector"],
    postcode: string | null,
  ): NewOrganisation => ({
    id: newId(),
    name,
    sector,
    size_band: "small",
    staff_headcount: 40,
    primary_identifier: null,
    postcode,
    description: "",
    website: null,
    created_at: now,
    updated_at: now,
  });
  await db.insertInto("authorities").values(authorities).execute();
  await db
    .insertInto("organisations")
    .values([
      organisation("Tŷ Gofal Mutual", "public-service-mutual", "SY23 1AB"),
      organisation("Coastal Care Mutual", "public-service-mutual", "KY1 1AA"),
      organisation("Aberystwyth Food Bank", "charity", "SY23 2CD"),
    ])
    .execute();
}

export { launchBrowser };

/** The text of the first element matching `selector`, with runs of white space made one space. */
export async function textOf(page: Page, selector: string): Promise<string> {
  return ((await page.locator(selector).first().textContent()) ?? "").replace(/\s+/g, " ").trim();
}

/** Waits for the page after a navigation, checks it with axe, and gives its path. */
export async function arrived(page: Page): Promise<string> {
  await page.waitForLoadState("load");
  await expectAccessible(page);
  return new URL(page.url()).pathname;
}

/** Puts a session for the user (made at the app's clock, two-factor passed) in the browser context. */
export async function signInContext(
  context: BrowserContext,
  server: TestServer,
  userId: string,
): Promise<void> {
  const session = await sessionFor(server.app, userId, { twoFactor: true });
  await context.clearCookies();
  await context.addCookies([
    { name: SESSION_COOKIE, value: session.cookie.split("=")[1] ?? "", url: server.baseUrl },
  ]);
}

export const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 900 }, locale: "en-GB" };

/** axe-core itself, put in a page that has not got it yet (`expectAccessible`). */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/**
 * Where a test server serves axe-core: a page loads it as a script the browser caches, compiled,
 * rather than have half a megabyte of source sent to it and parsed again on every page checked.
 */
const AXE_PATH = "/__test/axe-core.js";

/** Every rule of WCAG 2.0, 2.1 and 2.2 at A and AA, and best practice. */
const AXE_OPTIONS: RunOptions = {
  runOnly: {
    type: "tag",
    values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"],
  },
  // Only the violations are reported: passes and inapplicable rules are not gathered (faster).
  resultTypes: ["violations"],
};

/**
 * The pages this worker has found accessible, by what they showed: the path, the window's size,
 * the focused element and the whole document (hidden inputs' values, such as CSRF tokens, left
 * out). A page shown again exactly as before — the same markup with the same fingerprinted styles at
 * the same size — is not checked twice: axe would find the same. The test server's address is not
 * part of it, so the same page from another test file's server counts too (markup that names the
 * address differs anyway).
 */
const checkedPages = new Set<string>();

/**
 * Runs axe (WCAG 2.0, 2.1 and 2.2, A and AA, and best practice) on the page and fails with every
 * serious or critical violation: rule, impact, help, and each offending element.
 *
 * axe-core runs in the page itself (`axe.run`): loaded from the test server where the page is one
 * of its own, or else put in whole. (@axe-core/playwright puts it in each page, then again in a
 * blank page it opens to finish each run: about three times the cost, for the same rules and the
 * same violations.)
 */
export async function expectAccessible(page: Page): Promise<void> {
  const shown = await page.evaluate(
    () =>
      `${location.pathname}\n${innerWidth}x${innerHeight}\n${document.activeElement?.id ?? ""}\n` +
      document.documentElement.outerHTML.replace(/(<input type="hidden"[^>]*value=")[^"]*"/g, '$1"'),
  );
  const key = createHash("sha256").update(shown).digest("base64");
  if (checkedPages.has(key)) return;
  const hasAxe = await page.evaluate(() => "axe" in window);
  if (!hasAxe) {
    await page.addScriptTag({ url: AXE_PATH }).catch(() => page.evaluate(AXE_SOURCE));
  }
  const violations = await page.evaluate(
    (options) =>
      (window as unknown as { axe: { run(context: Document, options: RunOptions): Promise<AxeResults> } }).axe
        .run(document, options)
        .then((results) => results.violations),
    AXE_OPTIONS,
  );
  const blocking = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  if (blocking.length === 0) {
    checkedPages.add(key);
    return;
  }
  throw new Error(`Accessibility violations on ${page.url()}:\n${violationReport(blocking)}`);
}

/**
 * The same check for a page open in a context without JavaScript, where axe cannot run (the
 * browser runs no timers). The page as it is shown — its DOM, scripts never run — is served again
 * at the same address, without its scripts, to a page that can run axe, at the same size: a new
 * page each time, in a context kept for these checks (`checkerContext`).
 */
export async function expectAccessibleWithoutJavaScript(page: Page): Promise<void> {
  const url = page.url();
  const html = (await page.content()).replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, "");
  const browser = page.context().browser();
  if (!browser) throw new Error("The page has no browser to check it in");
  const copy = await (await checkerContext(browser)).newPage();
  try {
    const viewport = page.viewportSize() ?? DESKTOP.viewport;
    if (viewport) await copy.setViewportSize(viewport);
    await copy.route(url, (route) =>
      route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: html }),
    );
    await copy.goto(url);
    if ((await copy.locator("body").getAttribute("class"))?.includes("js-enabled")) {
      throw new Error("The copy of the page ran its scripts");
    }
    await expectAccessible(copy).catch((error: Error) => {
      throw new Error(`${error.message}\n(as shown without JavaScript)`);
    });
  } finally {
    await copy.close();
  }
}

const checkers = new WeakMap<Browser, Promise<BrowserContext>>();

/**
 * A context of the browser's kept for copies of pages to check (closed with the browser): its
 * cache keeps axe-core compiled, which a new context would compile again, a tenth of a second each.
 */
function checkerContext(browser: Browser): Promise<BrowserContext> {
  let context = checkers.get(browser);
  if (!context) {
    context = browser.newContext(DESKTOP);
    checkers.set(browser, context);
  }
  return context;
}

function violationReport(blocking: AxeResults["violations"]): string {
  const report = blocking
    .map((violation) => {
      const nodes = violation.nodes
        .map(
          (node) =>
            `    - ${node.target.join(" ")}\n      ${node.failureSummary?.replaceAll("\n", "\n      ")}`,
        )
        .join("\n");
      return `  ${violation.id} (${violation.impact}): ${violation.help}\n    ${violation.helpUrl}\n${nodes}`;
    })
    .join("\n");
  return report;
}

/** Fills a GOV.UK date input (`name-day`, `name-month`, `name-year`) with an ISO date. */
export async function fillDate(page: Page, name: string, iso: string): Promise<void> {
  const [year = "", month = "", day = ""] = iso.split("-");
  await page.locator(`input[name="${name}-day"]`).fill(String(Number(day)));
  await page.locator(`input[name="${name}-month"]`).fill(String(Number(month)));
  await page.locator(`input[name="${name}-year"]`).fill(year);
}
