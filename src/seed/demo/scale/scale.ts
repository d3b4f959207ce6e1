/**
 * `openps demo scale`: grows the demo data to national size (issue 15, item 1). Factor 1 adds
 * 1,000 organisations (with their categories, areas, identifiers, mutual evidence and administrator),
 * 250 regulated locations (with their registration history, inspections, ratings and special
 * measures) and 4,500 tenders across the five years before the clock's time (with their projects,
 * bids, openings, compliance, evaluation, awards and contracts); factor 100 is a country's worth:
 * 100,000, 25,000 and 450,000. Fractions make tests small (0.01: 10, 3 and 45).
 *
 * - Deterministic: each row's content comes from the seed and its ordinal (`randomFor`), and its id
 *   from its ordinal (ids.ts), so the same seed and factor, on a database with the same runs before
 *   and at the same clock time, add the same rows — all but what must be random: the tenders' keys,
 *   the seals of the bids and the bidders' tags (a bid's content and its receipt hash are the same).
 * - Additive and once per seed and factor: each run is recorded (`demo_scale_runs`); a second run
 *   with another seed or factor adds more after the first's ordinals; the same seed and factor again
 *   adds nothing ("already added"); a run that was interrupted resumes, adding only the batches it
 *   had not committed (each batch is one transaction).
 * - Bulk: rows go in as JSON documents a table and batch (scale.repository.ts), every constraint,
 *   foreign key and trigger applying; the same SQL on PGlite and PostgreSQL. No notification or
 *   email is made for the made-up rows; the audit trail records the scale-up itself, on the platform's
 *   chain and on each authority's whose data grew.
 * - Checked: at the end the planner's statistics are refreshed (`ANALYZE`), then the invariants
 *   the services keep (invariants.ts) checked.
 * - Demo mode only: refused unless the database was created for a demonstration and its demo seeds
 *   have run.
 */
import { analyzeTables } from "../../../db/analyze.ts";
import type { Database, Db } from "../../../db/database.ts";
import { transaction } from "../../../db/transaction.ts";
import type { Clock } from "../../../lib/clock.ts";
import { recordAudit, SYSTEM } from "../../../modules/audit/audit.service.ts";
import { bulkSealer, newSealingKeyPair, type TenderKeyring } from "../../../modules/tenders/sealing.ts";
import { deploymentDemo, seedsRun } from "../../seed.repository.ts";
import { seeds } from "../../seeds.ts";
import { demoTenderKeys } from "../tenders.ts";
import { COMMISSIONERS, serviceRows, staffRows } from "./commissioning.ts";
import { type Kind, scaleId } from "./ids.ts";
import { checkScaleInvariants, type InvariantResult } from "./invariants.ts";
import {
  type OrganisationPlan,
  type OrganisationRows,
  organisationAt,
  providesCare,
} from "./organisations.ts";
import { type LocationPlan, type LocationRows, locationAt, SCALE_REGULATOR } from "./regulation.ts";
import { after, DAY, type ScaleRun, YEAR } from "./run.ts";
import * as repo from "./scale.repository.ts";
import type { KindCounts } from "./scale.table.ts";
import {
  providersByCategory,
  type SealingPair,
  TENDER_TABLES,
  type TenderContext,
  type TenderRows,
  tenderAt,
} from "./tenders.ts";

/** What factor 1 adds. */
export const PER_FACTOR: Readonly<KindCounts> = { organisations: 1000, locations: 250, tenders: 4500 };
export const DEFAULT_SEED = "openps";
export const MIN_FACTOR = 0.001;
export const MAX_FACTOR = 1000;

/** How many of each a transaction writes. */
const BATCH = { organisations: 2000, locations: 500, tenders: 250 } as const;
/** The sealing key pairs a run's tenders are given (each still wrapped for its own tender). */
const SEALING_PAIRS = 32;

export type ScalePhase = "organisations" | "locations" | "tenders" | "checking" | "analysing";

export interface ScaleProgress {
  phase: ScalePhase;
  done: number;
  total: number;
}

export interface ScaleOptions {
  /** 1 = 1,000 organisations, 250 locations and 4,500 tenders; from 0.001 to 1,000, in thousandths. */
  factor: number;
  /** Any text: the same seed, the same data. Default "openps". */
  seed?: string;
  /** The demo clock: the data is generated around its time. */
  clock: Clock;
  /** The master keys the tenders' keys are wrapped under: the deployment's (default: the demo seeds'). */
  keys?: TenderKeyring;
  onProgress?: (progress: ScaleProgress) => void;
  /** Check the invariants at the end (default true). */
  check?: boolean;
  /** Refresh the planner's statistics at the end (default true). */
  analyze?: boolean;
}

export interface ScaleResult {
  seed: string;
  /** The factor in its shortest form ("0.01"). */
  factor: string;
  /** "added" now; "resumed" an interrupted run; "already-added" by an earlier run, nothing done now. */
  status: "added" | "resumed" | "already-added";
  /** The instant the data was generated around. */
  generatedAt: Date;
  first: KindCounts;
  planned: KindCounts;
  /**
   * Rows the run added to each table (for a resumed run, counting the batches it had added before;
   * the authorities' staff and services, made once for every run, only as far as this call made them).
   */
  added: Record<string, number>;
  /** Empty when not checked. */
  invariants: InvariantResult[];
  /** Milliseconds each phase took. */
  timings: Partial<Record<ScalePhase, number>>;
}

/** The scale-up is refused: not a demo database, the demo seeds not run, or a factor out of range. */
export class ScaleRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ScaleRefusedError";
  }
}

/** The factor in its shortest decimal form, checked. */
export function factorText(factor: number): string {
  if (
    !Number.isFinite(factor) ||
    factor < MIN_FACTOR ||
    factor > MAX_FACTOR ||
    Number(factor.toFixed(3)) !== factor
  )
    throw new ScaleRefusedError(
      `The factor must be a number from ${MIN_FACTOR} to ${MAX_FACTOR.toLocaleString("en-GB")}, in thousandths at most (1 = 1,000 organisations, 250 locations and 4,500 tenders): ${factor} is not.`,
    );
  return String(Number(factor.toFixed(3)));
}

export function plannedFor(factor: number): KindCounts {
  return {
    organisations: Math.round(PER_FACTOR.organisations * factor),
    locations: Math.round(PER_FACTOR.locations * factor),
    tenders: Math.round(PER_FACTOR.tenders * factor),
  };
}

async function requireDemoDatabase(db: Db): Promise<void> {
  if ((await deploymentDemo(db)) !== true)
    throw new ScaleRefusedError(
      "This database was not created for a demonstration, so made-up data will not be added to it. `openps demo scale` is for a demo database: one seeded with OPENPS_DEMO=true.",
    );
  const done = await seedsRun(db);
  const missing = seeds.filter((s) => s.demo && !done.has(s.name)).map((s) => s.name);
  if (missing.length > 0)
    throw new ScaleRefusedError(
      `The demo data is not all there yet (${missing.join(", ")} not run): run \`openps seed\` with OPENPS_DEMO=true first.`,
    );
}

function checkSeed(seed: string): string {
  if (seed.length < 1 || seed.length > 100)
    throw new ScaleRefusedError("The seed must be 1 to 100 characters.");
  return seed;
}

type Counter = Record<string, number>;

function count(added: Counter, rows: Partial<Record<keyof Database, readonly object[]>>): void {
  for (const [table, list] of Object.entries(rows)) added[table] = (added[table] ?? 0) + (list?.length ?? 0);
}

/** Writes one batch's rows, table by table in the order given, in one transaction. */
async function writeBatch(
  db: Db,
  tables: readonly (keyof Database)[],
  rows: Partial<Record<keyof Database, readonly object[]>>,
): Promise<void> {
  await transaction(db, async (trx) => {
    for (const table of tables) await repo.insertRows(trx, table, rows[table] ?? []);
  });
}

const ORGANISATION_TABLES: readonly (keyof OrganisationRows)[] = [
  "users",
  "organisations",
  "role_grants",
  "organisation_identifiers",
  "organisation_areas",
  "organisation_categories",
  "mutual_evidence",
];
const LOCATION_TABLES: readonly (keyof LocationRows)[] = [
  "registrations",
  "registration_service_types",
  "registration_activities",
  "registration_events",
  "inspections",
  "enforcement_actions",
];

function merge<T extends object>(into: T, from: T): void {
  for (const [key, list] of Object.entries(from) as [keyof T, unknown[]][])
    (into[key] as unknown[]).push(...list);
}

const isPowerOf4 = (n: number) => n >= 1 && Number.isInteger(Math.log2(n) / 2);

/** Lets the event loop run: a write in flight to a PostgreSQL server goes on meanwhile. */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs the batches of one kind: each makes its rows from its ordinals and writes them in one
 * transaction, unless an interrupted run wrote it already (its first row is there). A batch is made
 * while the one before it is written: on a PostgreSQL server the two go on at once.
 */
async function inBatches<R extends object>(
  db: Db,
  kind: { table: "organisations" | "registrations" | "tenders"; id: Kind; phase: ScalePhase; size: number },
  firstOrdinal: number,
  total: number,
  make: (ordinal: number) => R,
  tables: readonly (keyof R & keyof Database)[],
  added: Counter,
  onProgress: ScaleOptions["onProgress"],
): Promise<void> {
  onProgress?.({ phase: kind.phase, done: 0, total });
  let writing: Promise<void> = Promise.resolve();
  for (let start = 0; start < total; start += kind.size) {
    const end = Math.min(total, start + kind.size);
    const written = await repo.hasId(db, kind.table, scaleId(kind.id, firstOrdinal + start));
    let batch: R | undefined;
    for (let i = start; i < end; i++) {
      const rows = make(firstOrdinal + i);
      if (batch) merge(batch, rows);
      else batch = rows;
      if (i % 2 === 1) await breathe();
    }
    await writing;
    const rows = (batch ?? {}) as Partial<Record<keyof Database, readonly object[]>>;
    count(added, rows);
    const first = start === 0;
    writing = (written ? Promise.resolve() : writeBatch(db, tables, rows)).then(async () => {
      // The statistics of the tables growing, at the 1st, 4th, 16th… batch: PostgreSQL plans each
      // foreign key's check once, for the table as it then was; planned for the demo's few rows it
      // scans the whole table, every row, and the load slows as the square of its size.
      if (first || isPowerOf4(start / kind.size + 1)) await repo.analyze(db, tables);
      onProgress?.({ phase: kind.phase, done: end, total });
    });
    // Its failure is thrown where it is awaited (before the next batch is written), not as unhandled.
    writing.catch(() => undefined);
  }
  await writing;
}

/** Grows the demo data by `factor` (see the file's comment). */
export async function scaleDemo(db: Db, options: ScaleOptions): Promise<ScaleResult> {
  const factor = factorText(options.factor);
  const seed = checkSeed(options.seed ?? DEFAULT_SEED);
  await requireDemoDatabase(db);
  const keys = options.keys ?? demoTenderKeys();
  const timings: ScaleResult["timings"] = {};
  const timed = async <T>(phase: ScalePhase, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      timings[phase] = Math.round(performance.now() - started);
    }
  };

  const runs = await repo.scaleRuns(db);
  const earlier = runs.find((r) => r.seed === seed && r.factor === factor);
  const finish = async (
    status: ScaleResult["status"],
    run: ScaleRun,
    added: Counter,
  ): Promise<ScaleResult> => {
    const invariants =
      options.check === false
        ? []
        : await timed("checking", async () => {
            options.onProgress?.({ phase: "checking", done: 0, total: 1 });
            const results = await checkScaleInvariants(db, { keys });
            options.onProgress?.({ phase: "checking", done: 1, total: 1 });
            return results;
          });
    return {
      seed,
      factor,
      status,
      generatedAt: run.now,
      first: run.first,
      planned: run.planned,
      added,
      invariants,
      timings,
    };
  };
  if (earlier?.finished_at) {
    const run = { seed, now: earlier.generated_at, first: earlier.first_ordinals, planned: earlier.planned };
    return finish("already-added", run, earlier.added ?? {});
  }

  const run: ScaleRun = earlier
    ? { seed, now: earlier.generated_at, first: earlier.first_ordinals, planned: earlier.planned }
    : {
        seed,
        now: options.clock.now(),
        // After every earlier run's ordinals, finished or not.
        first: {
          organisations: runs.reduce(
            (n, r) => Math.max(n, r.first_ordinals.organisations + r.planned.organisations),
            0,
          ),
          locations: runs.reduce((n, r) => Math.max(n, r.first_ordinals.locations + r.planned.locations), 0),
          tenders: runs.reduce((n, r) => Math.max(n, r.first_ordinals.tenders + r.planned.tenders), 0),
        },
        planned: plannedFor(Number(factor)),
      };
  if (!earlier)
    await transaction(db, (trx) =>
      repo.startRun(trx, {
        seed,
        factor,
        generated_at: run.now,
        first_ordinals: run.first,
        planned: run.planned,
        started_at: options.clock.now(),
      }),
    );
  const added: Counter = {};
  const progress = options.onProgress;

  // Organisations, then the authorities' staff and services (once for every run), then locations.
  const organisations: OrganisationPlan[] = [];
  await timed("organisations", () =>
    inBatches(
      db,
      { table: "organisations", id: "organisation", phase: "organisations", size: BATCH.organisations },
      run.first.organisations,
      run.planned.organisations,
      (ordinal) => {
        const { plan, rows } = organisationAt(run, ordinal);
        organisations.push(plan);
        return rows;
      },
      ORGANISATION_TABLES,
      added,
      progress,
    ),
  );
  if (organisations.length === 0)
    throw new ScaleRefusedError("A run with no organisations has no one to bid: use a larger factor.");
  await transaction(db, async (trx) => {
    const staff = staffRows(after(run.now, -5 * YEAR - 90 * DAY));
    added.users =
      (added.users ?? 0) + (await repo.insertRows(trx, "users", staff.users, { ignoreExisting: true }));
    added.role_grants =
      (added.role_grants ?? 0) +
      (await repo.insertRows(trx, "role_grants", staff.role_grants, { ignoreExisting: true }));
    added.services = await repo.insertRows(trx, "services", serviceRows(run, organisations), {
      ignoreExisting: true,
    });
  });

  const locations: LocationPlan[] = [];
  const oldEnough = run.now.getTime() - 700 * DAY;
  const carers = organisations.filter(providesCare);
  const settled = carers.filter((o) => o.createdAt.getTime() < oldEnough);
  const owners = settled.length > 0 ? settled : carers.length > 0 ? carers : organisations;
  await timed("locations", () =>
    inBatches(
      db,
      { table: "registrations", id: "location", phase: "locations", size: BATCH.locations },
      run.first.locations,
      run.planned.locations,
      (ordinal) => {
        const { plan, rows } = locationAt(run, ordinal, owners);
        locations.push(plan);
        return rows;
      },
      LOCATION_TABLES,
      added,
      progress,
    ),
  );

  // Tenders, bid for by the run's organisations.
  const byCategory = new Map<string, OrganisationPlan[]>();
  for (const o of organisations)
    for (const c of o.categories) {
      const list = byCategory.get(c);
      if (list) list.push(o);
      else byCategory.set(c, [o]);
    }
  const locationsOf = new Map<string, LocationPlan[]>();
  for (const location of locations) {
    const list = locationsOf.get(location.organisationId);
    if (list) list.push(location);
    else locationsOf.set(location.organisationId, [location]);
  }
  const sealing: SealingPair[] = Array.from({ length: SEALING_PAIRS }, () => {
    const pair = newSealingKeyPair();
    return { ...pair, seal: bulkSealer(pair.publicKey) };
  });
  const context: TenderContext = {
    run,
    keys,
    sealing,
    authorityNames: await repo.authorityNames(db),
    areaNames: await repo.areaNames(db),
    byCategory,
    organisations,
    locationsOf,
    providers: providersByCategory(organisations, locationsOf),
  };
  const perAuthority = new Map<string, { tenders: number; awards: number; contracts: number }>();
  await timed("tenders", () =>
    inBatches(
      db,
      { table: "tenders", id: "tender", phase: "tenders", size: BATCH.tenders },
      run.first.tenders,
      run.planned.tenders,
      (ordinal): TenderRows => {
        const rows = tenderAt(context, ordinal);
        const authorityId = rows.tenders[0]?.authority_id as string;
        const counts = perAuthority.get(authorityId) ?? { tenders: 0, awards: 0, contracts: 0 };
        counts.tenders += 1;
        counts.awards += rows.tender_awards.length;
        counts.contracts += rows.contracts.length;
        perAuthority.set(authorityId, counts);
        return rows;
      },
      TENDER_TABLES,
      added,
      progress,
    ),
  );
  for (const pair of sealing) pair.privateKey.fill(0);

  // The record of the run, and the audit trail's: on the platform's chain, and each authority's.
  await transaction(db, async (trx) => {
    const actor = SYSTEM("demo-scale");
    await recordAudit(trx, options.clock, {
      authorityId: null,
      actor,
      action: "demo.scaled",
      entity: { type: "demo-scale", id: `${seed}/${factor}` },
      changes: {
        seed,
        factor,
        generatedAt: run.now,
        firstOrdinals: { ...run.first },
        planned: { ...run.planned },
        added,
      },
    });
    for (const authority of COMMISSIONERS) {
      const counts = perAuthority.get(authority.id);
      if (counts)
        await recordAudit(trx, options.clock, {
          authorityId: authority.id,
          actor,
          action: "demo.scaled",
          entity: { type: "demo-scale", id: `${seed}/${factor}` },
          changes: { seed, factor, ...counts },
        });
    }
    if (locations.length > 0)
      await recordAudit(trx, options.clock, {
        authorityId: SCALE_REGULATOR,
        actor,
        action: "demo.scaled",
        entity: { type: "demo-scale", id: `${seed}/${factor}` },
        changes: { seed, factor, locations: locations.length, inspections: added.inspections ?? 0 },
      });
    await repo.finishRun(trx, seed, factor, added, options.clock.now());
  });

  // The statistics first: the checks read every large table, and plan better with them.
  if (options.analyze !== false)
    await timed("analysing", async () => {
      progress?.({ phase: "analysing", done: 0, total: 1 });
      await analyzeTables(db);
      progress?.({ phase: "analysing", done: 1, total: 1 });
    });
  return finish(earlier ? "resumed" : "added", run, added);
}
