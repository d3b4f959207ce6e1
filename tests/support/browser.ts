/**
 * For browser tests: the real app on a fresh test database, listening on a random loopback port
 * (`startTestServer`); a few public bodies and organisations for the home page (`insertDirectory`);
 * Debian's Chromium driven by playwright-core (`launchBrowser`); and an axe check that fails with a
 * readable list of every serious or critical violation (`expectAccessible`).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import type { FastifyInstance } from "fastify";
import type { BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { buildApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config/config.ts";
import type { Db } from "../../src/db/database.ts";
import { type Clock, systemClock } from "../../src/lib/clock.ts";
import { localFileStore } from "../../src/lib/file-store.ts";
import { newId } from "../../src/lib/ids.ts";
import { SESSION_COOKIE } from "../../src/modules/accounts/accounts.service.ts";
import type { NewAuthority } from "../../src/modules/authorities/authorities.table.ts";
import type { NewOrganisation } from "../../src/modules/organisations/organisations.table.ts";
import { loadTenderKeyring } from "../../src/modules/tenders/sealing.ts";
import { useDemoTenderKeys } from "../../src/seed/demo/tenders.ts";
import { sessionFor } from "./auth.ts";
import { createTestDatabase, TEST_TENDER_KEY } from "./test-db.ts";

export interface TestServer {
  app: FastifyInstance;
  db: Db;
  /** Where the app listens, like `http://127.0.0.1:41234`. */
  baseUrl: string;
  /** Closes the app, drops the database and removes the data directory. */
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** The app's clock (the system clock unless given): a settable one lets a test move time on. */
  clock?: Clock;
  /** Every seed, demo data included, run at the clock's instant (from a cached template). */
  seeded?: boolean;
}

/** The real app, as the server builds it, on a fresh migrated database and a temporary data directory. */
async function createApp(options: TestServerOptions): Promise<Omit<TestServer, "baseUrl">> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "openps-browser-"));
  const clock = options.clock ?? systemClock;
  const database = await createTestDatabase(options.seeded ? { seededAt: clock.now() } : {});
  const config = loadConfig({
    NODE_ENV: "test",
    OPENPS_DATA_DIR: dataDir,
    // The seeded template's demo tenders are sealed under the test key.
    ...(options.seeded ? { OPENPS_DEMO: "true", OPENPS_TENDER_KEY: TEST_TENDER_KEY } : {}),
  });
  const tenderKeys = loadTenderKeyring(config);
  // Demo tenders seeded after this are sealed under the app's own master key.
  useDemoTenderKeys(tenderKeys);
  const app = await buildApp({
    config,
    db: database.db,
    dbKind: database.kind,
    clock,
    files: localFileStore({ root: path.join(dataDir, "files"), maxBytes: config.maxUploadBytes }),
    mailer: undefined,
    tenderKeys,
  });
  return {
    app,
    db: database.db,
    async close() {
      try {
        await app.close();
      } finally {
        await database.destroy();
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const testApp = await createApp(options);
  try {
    await testApp.app.listen({ port: 0, host: "127.0.0.1" });
  } catch (error) {
    await testApp.close();
    throw error;
  }
  const address = testApp.app.server.address();
  if (address === null || typeof address === "string") throw new Error("The test server has no TCP address");
  return { ...testApp, baseUrl: `http://127.0.0.1:${address.port}` };
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

export { launchBrowser } from "./chromium.ts";

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

/**
 * Runs axe (WCAG 2.0, 2.1 and 2.2, A and AA, and best practice) on the page and fails with every
 * serious or critical violation: rule, impact, help, and each offending element.
 */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"])
    .analyze();
  const blocking = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  if (blocking.length === 0) return;
  throw new Error(`Accessibility violations on ${page.url()}:\n${violationReport(blocking)}`);
}

/**
 * The same check for a page open in a context without JavaScript, where axe cannot run (the
 * browser runs no timers). The page as it is shown — its DOM, scripts never run — is served again
 * at the same address, without its scripts, to a context that can run axe, at the same size.
 */
export async function expectAccessibleWithoutJavaScript(page: Page): Promise<void> {
  const url = page.url();
  const html = (await page.content()).replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, "");
  const browser = page.context().browser();
  if (!browser) throw new Error("The page has no browser to check it in");
  const context = await browser.newContext({ viewport: page.viewportSize() ?? DESKTOP.viewport ?? null });
  try {
    const copy = await context.newPage();
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
    await context.close();
  }
}

function violationReport(blocking: Awaited<ReturnType<AxeBuilder["analyze"]>>["violations"]): string {
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
