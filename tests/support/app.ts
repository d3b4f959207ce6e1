/**
 * An app on a fresh test database, built as the server builds it, for `app.inject` route tests
 * (and, listening, for browser tests: `startTestServer` in browser.ts).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import { buildApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config/config.ts";
import type { AppDeps } from "../../src/http/context.ts";
import { type Clock, type SettableClock, settableClock, systemClock } from "../../src/lib/clock.ts";
import { localFileStore } from "../../src/lib/file-store.ts";
import { demoModeClock } from "../../src/modules/demo-clock/demo-clock.service.ts";
import type { Mailer } from "../../src/modules/notifications/mailer.ts";
import { loadTenderKeyring } from "../../src/modules/tenders/sealing.ts";
import { useDemoTenderKeys } from "../../src/seed/demo/tenders.ts";
import { createTestDatabase, DEMO_SEEDED_AT, TEST_TENDER_KEY, type TestDatabase } from "./test-db.ts";

export interface TestApp {
  app: FastifyInstance;
  deps: AppDeps;
  database: TestDatabase;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /**
   * The app's clock: a settable one lets a test move time on. Unless given, the system clock; for a
   * seeded app, a settable clock at DEMO_SEEDED_AT, when the demo data was seeded. In demo mode (a
   * seeded app, or OPENPS_DEMO) the app's clock is the demo clock over it, as the platform makes it
   * (src/modules/demo-clock): at its time until a platform administrator moves it, and settable
   * through it when it is settable.
   */
  clock?: Clock;
  /** Settings, as environment variables (src/config/config.ts). */
  env?: Record<string, string>;
  /**
   * Every seed, demo data included, as run at DEMO_SEEDED_AT, whatever the clock: the run's one
   * seeded template (seeding at another instant would seed a database of its own, seconds of work).
   */
  seeded?: boolean;
  /** Where emails go (none unless given: e.g. `smtpMailer` to a server from smtp.ts). */
  mailer?: Mailer;
  /** On PGlite, the database in a worker thread, as the server runs it (test-db.ts `worker`). */
  worker?: boolean;
}

/** The app's clock over the test's (see `TestAppOptions.clock`). */
async function appClock(database: TestDatabase, clock: Clock, demo: boolean): Promise<Clock> {
  const running = await demoModeClock(database.db, clock, demo);
  if (running === clock || !("set" in clock)) return running;
  const settable = clock as SettableClock;
  return Object.assign(running, { set: settable.set, advance: settable.advance });
}

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "openps-app-"));
  const clock = options.clock ?? (options.seeded ? settableClock(DEMO_SEEDED_AT) : systemClock);
  const database = await createTestDatabase(
    options.seeded ? { seededAt: DEMO_SEEDED_AT } : { worker: options.worker ?? false },
  );
  const embedded = database.embedded;
  const config = loadConfig({
    NODE_ENV: "test",
    OPENPS_DATA_DIR: dataDir,
    // The seeded template's demo tenders are sealed under the test key.
    ...(options.seeded ? { OPENPS_DEMO: "true", OPENPS_TENDER_KEY: TEST_TENDER_KEY } : {}),
    ...options.env,
  });
  const deps: AppDeps = {
    config,
    db: database.db,
    dbKind: database.kind,
    ...(embedded ? { databaseMemory: () => embedded.memory() } : {}),
    clock: await appClock(database, clock, config.demo),
    files: localFileStore({ root: path.join(dataDir, "files"), maxBytes: config.maxUploadBytes }),
    mailer: options.mailer,
    tenderKeys: loadTenderKeyring(config),
  };
  // Demo tenders seeded after this are sealed under the app's own master key.
  if (deps.tenderKeys) useDemoTenderKeys(deps.tenderKeys);
  const app = await buildApp(deps);
  return {
    app,
    deps,
    database,
    async close() {
      try {
        await slowly("closing the app (requests still open, or its onClose hooks)", app.close());
      } finally {
        await slowly("giving back its test database", database.destroy());
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** Awaits `work`, saying on stderr what a test app's closing waits for once it has taken 20 seconds. */
async function slowly<T>(what: string, work: Promise<T>): Promise<T> {
  const timer = setTimeout(() => console.error(`A test app is still ${what} after 20 s`), 20_000);
  try {
    return await work;
  } finally {
    clearTimeout(timer);
  }
}
