/**
 * Starting and stopping the whole platform: open the database (taking the embedded database's lock),
 * apply migrations, seed what has not been seeded, build the app and start the job runner. Used by
 * `server.ts`; tests use `buildApp` directly with a test database.
 */
import path from "node:path";
import type { FastifyInstance } from "fastify";
import { buildApp } from "./app.ts";
import type { Config } from "./config/config.ts";
import { ANALYZE_EVERY_MS, analyzeTables } from "./db/analyze.ts";
import type { DatabaseHandle } from "./db/connect.ts";
import { openConfiguredDatabase } from "./db/migrate.ts";
import type { AppDeps } from "./http/context.ts";
import { type Clock, systemClock } from "./lib/clock.ts";
import { localFileStore } from "./lib/file-store.ts";
import { loadAccountSecrets } from "./lib/secrets.ts";
import { systemCtx } from "./modules/access/context.ts";
import { accessJobHandlers } from "./modules/access/invitations.service.ts";
import { accountJobHandlers } from "./modules/accounts/accounts.emails.ts";
import { anchorAuditChains } from "./modules/audit/anchors.ts";
import { barriersJobHandlers, startBarrierClockSweep } from "./modules/barriers/barriers.jobs.ts";
import { budgetJobHandlers } from "./modules/budgets/budgets.jobs.ts";
import { careJobHandlers } from "./modules/care/representatives.service.ts";
import {
  communityAssetsJobHandlers,
  startInterimSweep,
} from "./modules/community-assets/community-assets.jobs.ts";
import { demoModeClock } from "./modules/demo-clock/demo-clock.service.ts";
import { createJobRunner, type JobRunner } from "./modules/jobs/jobs.runner.ts";
import { marketJobHandlers } from "./modules/market/figures.service.ts";
import { type Mailer, smtpMailer } from "./modules/notifications/mailer.ts";
import { notificationJobHandlers } from "./modules/notifications/notifications.service.ts";
import { ocdsJobHandlers } from "./modules/ocds/bulk.service.ts";
import { publishMissingReleases } from "./modules/ocds/ocds.service.ts";
import { opportunityJobHandlers } from "./modules/opportunities/alerts.service.ts";
import { useOcidPrefix } from "./modules/projects/projects.service.ts";
import { redressJobHandlers, startUnverifiedSweep } from "./modules/redress/redress.jobs.ts";
import { remediesJobHandlers, startOverdueRemediesSweep } from "./modules/redress/remedies.jobs.ts";
import { resultsJobHandlers } from "./modules/results/results.jobs.ts";
import { standardsJobHandlers, startExpirySweep } from "./modules/standards/standards.jobs.ts";
import { rewrapTenderKeys } from "./modules/tenders/keys.service.ts";
import { loadTenderKeyring } from "./modules/tenders/sealing.ts";
import { startFeedbackSweep, voiceJobHandlers } from "./modules/voice/voice.jobs.ts";
import { useDemoTenderKeys } from "./seed/demo/tenders.ts";
import { runSeeds, type SeedResult } from "./seed/seed.ts";
import { seeds } from "./seed/seeds.ts";
import { wireModules } from "./wiring.ts";

export interface Platform {
  app: FastifyInstance;
  database: DatabaseHandle;
  seeded: SeedResult;
  jobs: JobRunner;
  close(): Promise<void>;
}

export function appDeps(config: Config, database: DatabaseHandle, clock: Clock, mailer?: Mailer): AppDeps {
  const embedded = database.embedded;
  return {
    config,
    db: database.db,
    dbKind: database.kind,
    ...(embedded ? { databaseMemory: () => embedded.memory() } : {}),
    clock,
    files: localFileStore({ root: path.join(config.dataDir, "files"), maxBytes: config.maxUploadBytes }),
    mailer,
    tenderKeys: loadTenderKeyring(config),
  };
}

/** How often the server anchors the audit chains' heads outside the database. */
const ANCHOR_EVERY_MS = 60 * 60 * 1000;

export async function startPlatform(config: Config, realClock: Clock = systemClock): Promise<Platform> {
  wireModules();
  // The embedded database in a worker thread: requests are answered while PostgreSQL works. Should
  // the worker stop (out of memory, a crash), every query fails from then on, and it is logged.
  let stopped = (error: Error) => console.error(error.message);
  const database = await openConfiguredDatabase(config, {
    worker: true,
    onEmbeddedStopped: (error) => stopped(error),
  });
  try {
    // The one clock of everything below — seeds, requests, the job runner, anchors: in demo mode the
    // demo clock, as far ahead of the real time as a platform administrator moved it (src/modules/demo-clock).
    const clock = await demoModeClock(database.db, realClock, config.demo);
    const tenderKeys = loadTenderKeyring(config);
    // Demo tenders are sealed under this deployment's master key.
    useDemoTenderKeys(tenderKeys);
    // Projects drafted from now on carry the deployment's registered ocid prefix.
    useOcidPrefix(config.ocidPrefix);
    const seeded = await runSeeds(database.db, clock, seeds, { demo: config.demo });
    // The planner's statistics: after seeding on both; on the embedded database, which has no
    // autovacuum, at every start and hourly too (src/db/analyze.ts).
    const embedded = database.kind === "pglite";
    if (embedded || seeded.applied.length > 0) await analyzeTables(database.db);
    const mailer = config.smtp ? smtpMailer(config.smtp) : undefined;
    const secrets = loadAccountSecrets(config.dataDir);
    const deps = appDeps(config, database, clock, mailer);
    const app = await buildApp(deps);
    stopped = (error) => app.log.fatal({ err: error }, "the embedded database stopped: restart OpenPS");
    // Work that must happen later: notifications by email now; due-date work as modules add handlers.
    const jobs = createJobRunner({
      db: database.db,
      clock,
      pollMs: config.jobsPollMs,
      batchSize: 10,
      logger: app.log.child({ component: "jobs" }),
      handlers: {
        ...notificationJobHandlers({ mailer, baseUrl: config.baseUrl }),
        ...accountJobHandlers({ mailer, baseUrl: config.baseUrl, secrets }),
        ...accessJobHandlers({ mailer, baseUrl: config.baseUrl, secrets }),
        ...careJobHandlers({ mailer, baseUrl: config.baseUrl, secrets }),
        ...redressJobHandlers({ mailer, baseUrl: config.baseUrl, secrets }),
        ...remediesJobHandlers(),
        ...standardsJobHandlers(),
        ...opportunityJobHandlers({ mailer, baseUrl: config.baseUrl }),
        ...ocdsJobHandlers({
          publication: { baseUrl: config.baseUrl, publisherName: config.ocdsPublisher },
          dataDir: config.dataDir,
        }),
        ...marketJobHandlers(),
        ...budgetJobHandlers(),
        ...voiceJobHandlers(),
        ...resultsJobHandlers(),
        ...barriersJobHandlers(),
        ...communityAssetsJobHandlers(),
      },
    });
    jobs.start();
    // Users' feedback past its 7 years: the daily sweep, queued at every start (docs/feedback.md).
    await startFeedbackSweep(database.db, clock);
    // Complaints made without an account and never confirmed: deleted after 7 days (docs/redress.md).
    await startUnverifiedSweep(database.db, clock);
    // Remedies newly overdue: flagged, and the body and the ombudsman told once, daily (docs/redress.md).
    await startOverdueRemediesSweep(database.db, clock);
    // Barriers' clocks: the authority reminded as a last day nears, and told once it has passed (docs/barriers.md).
    await startBarrierClockSweep(database.db, clock);
    // Accreditations ending in 60 days: the provider's people told once, daily (docs/standards.md).
    await startExpirySweep(database.db, clock);
    // Interim moratoria ending with no request to bid: the nominating group told once, daily (docs/neighbourhoods.md).
    await startInterimSweep(database.db, clock);
    // Master key rotation: data keys still wrapped under a previous key are rewrapped under the
    // current one, in the background (bids open under either key meanwhile); stopped at shutdown.
    const background = new AbortController();
    const rewrapping = deps.tenderKeys
      ? rewrapTenderKeys(
          systemCtx(database.db, clock, "key-rotation"),
          deps.tenderKeys,
          background.signal,
        ).then(
          ({ rewrapped, unavailable }) => {
            if (rewrapped > 0)
              app.log.info({ rewrapped }, "tenders' keys rewrapped under the current master key");
            if (unavailable > 0)
              app.log.warn(
                { unavailable },
                "tenders' keys are wrapped under a master key this deployment does not hold: their bids cannot be opened",
              );
          },
          (error: unknown) => app.log.error({ err: error }, "rewrapping tenders' keys failed"),
        )
      : Promise.resolve();
    // Open contracting data: a release for every process that has none (from before publication
    // began, or grown in bulk), in the background unless set not to; stopped at shutdown, resumed at
    // the next start.
    const publishing = (
      config.ocdsPublishAtStart
        ? publishMissingReleases(systemCtx(database.db, clock, "ocds-publish"), { signal: background.signal })
        : Promise.resolve(0)
    ).then(
      (published) => {
        if (published > 0) app.log.info({ published }, "OCDS releases published for processes that had none");
      },
      (error: unknown) => app.log.error({ err: error }, "publishing the missing OCDS releases failed"),
    );
    // The audit chains' heads, anchored outside the database at start, hourly and at shutdown.
    const anchor = () =>
      anchorAuditChains(database.db, config.dataDir, clock.now()).catch((error: unknown) =>
        app.log.error({ err: error }, "anchoring the audit chains failed"),
      );
    await anchor();
    const anchoring = setInterval(() => void anchor(), ANCHOR_EVERY_MS);
    anchoring.unref();
    const analyzing = embedded
      ? setInterval(
          () =>
            void analyzeTables(database.db).catch((error: unknown) =>
              app.log.error({ err: error }, "refreshing the planner's statistics failed"),
            ),
          ANALYZE_EVERY_MS,
        )
      : undefined;
    analyzing?.unref();
    let closed = false;
    return {
      app,
      database,
      seeded,
      jobs,
      async close() {
        if (closed) return;
        closed = true;
        try {
          clearInterval(anchoring);
          clearInterval(analyzing);
          background.abort();
          await app.close();
          await rewrapping;
          await publishing;
          await jobs.stop({ timeoutMs: 30_000 });
          await anchor();
          await mailer?.close();
        } finally {
          await database.close();
        }
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
