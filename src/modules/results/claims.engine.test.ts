/**
 * The claims engine on the database (PGlite, and PostgreSQL in CI's second run), one seeded database
 * for the file:
 * - the tariff's set-based SQL equals the TypeScript reference, over random participants, events
 *   (late, withdrawn, out of window), twins on another contract of the programme, chunk sizes and
 *   two runs in a row; computing a run twice inserts nothing;
 * - a crash after k chunks and a restart record exactly what one clean compute records;
 * - the small models through the same entry point: a proxy paid on account then recovered, a
 *   Peterborough cohort paid against its comparison group, a fee-for-service year topped up;
 * - a delivery dated earlier arriving after a later one was paid is paid once and the later not
 *   again; a year reconciled again when deliveries arrive after its reconciliation; a participant
 *   referred after the run's cut-off not counted; a proxy not recovered when the final outcome was
 *   paid net of it and its evidence is then withdrawn.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, DEMO_SEEDED_AT, type TestDatabase } from "../../../tests/support/test-db.ts";
import type { Db } from "../../db/database.ts";
import { addDays } from "../../lib/london-time.ts";
import { computeRunClaims, SimulatedCrash } from "./claims.service.ts";
import {
  AUTHORITY,
  type FixtureEvent,
  insertEvent,
  insertOutcomeContract,
  insertParticipant,
  insertRun,
} from "./claims.test-fixtures.ts";
import {
  type FeeForServiceDefinition,
  type OutcomePricesDefinition,
  PETERBOROUGH_SIB,
  type TariffDefinition,
  WORK_PROGRAMME_TARIFF,
} from "./models.ts";
import {
  attachedBefore,
  claimKey,
  type EngineClaim,
  type EngineEvent,
  type EngineParticipant,
  participantClaims,
  usableEvents,
} from "./reference.ts";
import type { OutcomeRun } from "./results.table.ts";

let database: TestDatabase;
let db: Db;

beforeAll(async () => {
  database = await createTestDatabase({ seededAt: DEMO_SEEDED_AT });
  db = database.db;
});
afterAll(async () => {
  await database?.destroy();
});

/** A tariff small enough for random events to reach every rule: job outcome at 8 weeks, 3 sustainments. */
const SMALL_TARIFF: TariffDefinition = {
  ...WORK_PROGRAMME_TARIFF,
  groups: [
    {
      code: "a",
      name: "A",
      attachment: { pence: 40_000, rule: "r" },
      jobOutcome: { pence: 120_000, weeks: 8, rule: "r" },
      sustainment: { pence: 21_500, everyWeeks: 4, maxPayments: 3, rule: "r" },
    },
    {
      code: "b",
      name: "B",
      attachment: { pence: 30_000, rule: "r" },
      jobOutcome: { pence: 100_000, weeks: 4, rule: "r" },
      sustainment: { pence: 17_000, everyWeeks: 2, maxPayments: 2, rule: "r" },
    },
  ],
  attachmentWithin: { days: 20, rule: "r" },
  outcomeWithin: { days: 150, rule: "r" },
};

type Row = {
  participant_id: string;
  rule: string;
  metric: string;
  seq: number;
  achieved_on: string;
  amount_pence: bigint;
  event_ids: string[];
  problems: string[];
};

function normalise(rows: readonly Row[]): string[] {
  return rows
    .map((r) =>
      [
        r.participant_id,
        r.rule,
        r.metric,
        r.seq,
        r.achieved_on,
        r.amount_pence,
        r.event_ids.join("+"),
        r.problems.join("+"),
      ].join(" "),
    )
    .sort();
}

function asRows(claims: readonly EngineClaim[]): Row[] {
  return claims.map((c) => ({
    participant_id: c.participantId,
    rule: c.rule,
    metric: c.metric,
    seq: c.seq,
    achieved_on: c.achievedOn,
    amount_pence: c.amountPence,
    event_ids: c.eventIds,
    problems: c.problems,
  }));
}

async function claimsOfRun(run: OutcomeRun): Promise<Row[]> {
  return db
    .selectFrom("outcome_claims")
    .select([
      "participant_id",
      "rule",
      "metric",
      "seq",
      "achieved_on",
      "amount_pence",
      "event_ids",
      "problems",
    ])
    .where("authority_id", "=", AUTHORITY)
    .where("run_id", "=", run.id)
    .execute();
}

async function claimsOfParticipants(ids: readonly string[]): Promise<(Row & { valid: boolean })[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom("outcome_claims")
    .select([
      "participant_id",
      "rule",
      "metric",
      "seq",
      "achieved_on",
      "amount_pence",
      "event_ids",
      "problems",
    ])
    .where("authority_id", "=", AUTHORITY)
    .where("participant_id", "in", ids)
    .execute();
  return rows.map((r) => ({ ...r, valid: r.problems.length === 0 }));
}

interface Stored {
  participant: EngineParticipant;
  reference: string;
  events: (EngineEvent & { recordedAt: Date })[];
}

async function store(
  contractId: string,
  programme: string,
  reference: string,
  group: string,
  referredOn: string,
  events: readonly FixtureEvent[],
): Promise<Stored> {
  const id = await insertParticipant(db, contractId, programme, { reference, group, referredOn });
  const stored: Stored = {
    participant: { id, payment_group: group, cohort: null, referred_on: referredOn },
    reference,
    events: [],
  };
  for (const e of events) {
    const eventId = await insertEvent(db, contractId, id, e);
    stored.events.push({
      id: eventId,
      kind: e.kind,
      metric: e.metric ?? null,
      value: e.value ?? null,
      occurred_on: e.day,
      withdraws_id: e.withdraws ?? null,
      recordedAt: e.recordedAt ?? new Date("2026-01-02T09:00:00Z"),
    });
  }
  return stored;
}

/** The reference's claims for the run, from what the database held before it was computed. */
async function expectedClaims(
  model: TariffDefinition,
  run: OutcomeRun,
  own: readonly Stored[],
  twins: readonly Stored[],
): Promise<Row[]> {
  const before = await claimsOfParticipants(own.map((s) => s.participant.id));
  const twinClaims = await claimsOfParticipants(twins.map((s) => s.participant.id));
  const known = (s: Stored) => s.events.filter((e) => e.recordedAt <= run.started_at);
  const claims: EngineClaim[] = [];
  for (const s of own) {
    const mine = before.filter((c) => c.participant_id === s.participant.id);
    const ownAttachment = usableEvents(known(s), run.period_end).find((e) => e.kind === "attachment");
    const sameReference = twins.filter((t) => t.reference === s.reference);
    const earlierElsewhere = sameReference.some((t) => {
      const at = usableEvents(known(t), run.period_end).find((e) => e.kind === "attachment");
      return (
        at !== undefined &&
        (!ownAttachment ||
          attachedBefore(
            { day: at.occurred_on, participantId: t.participant.id },
            { day: ownAttachment.occurred_on, participantId: s.participant.id },
          ))
      );
    });
    const claimedElsewhere = new Set(
      twinClaims
        .filter((c) => c.valid && sameReference.some((t) => t.participant.id === c.participant_id))
        .map((c) => claimKey(c.rule, c.metric, c.seq)),
    );
    const made = participantClaims(model, s.participant, known(s), {
      periodStart: run.period_start,
      periodEnd: run.period_end,
      earlierElsewhere,
      claimedElsewhere,
      paid: new Map(
        mine.filter((c) => c.valid).map((c) => [claimKey(c.rule, c.metric, c.seq), c.amount_pence]),
      ),
      recorded: new Set(mine.map((c) => claimKey(c.rule, c.metric, c.seq))),
    });
    claims.push(...made.claims);
  }
  return asRows(claims);
}

const REFERRED = "2026-01-12";
const CUTOFF_1 = new Date("2026-04-01T09:00:00Z");
const CUTOFF_2 = new Date("2026-07-01T09:00:00Z");

const eventArb = fc.record({
  kind: fc.constantFrom("attachment", "in-work", "in-work", "in-work", "job-start", "withdrawal" as const),
  offset: fc.integer({ min: -5, max: 170 }),
  value: fc.integer({ min: 0, max: 24 }),
  late: fc.integer({ min: 0, max: 9 }),
  withdraws: fc.nat(),
});
const participantArb = fc.record({
  reference: fc.constantFrom("R1", "R2", "R3", "R4", "R5", "R6"),
  group: fc.constantFrom("a", "a", "b", "z"),
  events: fc.array(eventArb, { maxLength: 7 }),
});

type DrawnEvent = { kind: string; offset: number; value: number; late: number; withdraws: number };

function fixtureEvents(drawn: readonly DrawnEvent[]): FixtureEvent[] {
  const out: FixtureEvent[] = [];
  for (const e of drawn) {
    // Recorded before the first run's cut-off, between the two, or after both.
    const recordedAt =
      e.late < 6
        ? new Date("2026-01-02T09:00:00Z")
        : e.late < 8
          ? new Date("2026-05-01T09:00:00Z")
          : new Date("2026-08-01T09:00:00Z");
    if (e.kind === "withdrawal") {
      if (out.length === 0) continue;
      out.push({
        kind: "withdrawal",
        day: addDays(REFERRED, e.offset),
        withdraws: String(e.withdraws % out.length),
        recordedAt,
      });
      continue;
    }
    out.push({
      kind: e.kind as FixtureEvent["kind"],
      day: addDays(REFERRED, e.offset),
      value: e.kind === "in-work" ? e.value : null,
      recordedAt,
    });
  }
  return out;
}

/** Stores the events, a withdrawal's `withdraws` being the index of an earlier event of the same participant. */
async function storeAll(
  contractId: string,
  programme: string,
  people: readonly { reference: string; group: string; events: FixtureEvent[] }[],
): Promise<Stored[]> {
  const stored: Stored[] = [];
  const seen = new Set<string>();
  for (const p of people) {
    if (seen.has(p.reference)) continue;
    seen.add(p.reference);
    const id = await insertParticipant(db, contractId, programme, {
      reference: p.reference,
      group: p.group,
      referredOn: REFERRED,
    });
    const s: Stored = {
      participant: { id, payment_group: p.group, cohort: null, referred_on: REFERRED },
      reference: p.reference,
      events: [],
    };
    for (const e of p.events) {
      const withdraws = e.withdraws != null ? (s.events[Number(e.withdraws)]?.id ?? null) : null;
      if (e.kind === "withdrawal" && !withdraws) continue;
      const eventId = await insertEvent(db, contractId, id, { ...e, withdraws });
      s.events.push({
        id: eventId,
        kind: e.kind,
        metric: null,
        value: e.value ?? null,
        occurred_on: e.day,
        withdraws_id: withdraws,
        recordedAt: e.recordedAt ?? new Date("2026-01-02T09:00:00Z"),
      });
    }
    stored.push(s);
  }
  return stored;
}

describe("the tariff's set-based SQL", () => {
  it("records what the reference says, run after run, whatever the chunks; computing again inserts nothing", async () => {
    let programmeNo = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(participantArb, { minLength: 1, maxLength: 6 }),
        fc.array(participantArb, { maxLength: 3 }),
        fc.integer({ min: 1, max: 4 }),
        async (ours, theirs, chunkSize) => {
          const programme = `engine-prop-${++programmeNo}`;
          const other = await insertOutcomeContract(db, programme, SMALL_TARIFF);
          const twins = await storeAll(
            other.contractId,
            programme,
            theirs.map((p) => ({ ...p, events: fixtureEvents(p.events) })),
          );
          const otherRun = await insertRun(db, other.contractId, "2026-03-01", "2026-03-31", CUTOFF_1);
          await computeRunClaims(db, otherRun, other.model, { chunkSize });

          const mine = await insertOutcomeContract(db, programme, SMALL_TARIFF);
          const own = await storeAll(
            mine.contractId,
            programme,
            ours.map((p) => ({ ...p, events: fixtureEvents(p.events) })),
          );
          for (const [start, end, cutoff] of [
            ["2026-03-01", "2026-03-31", CUTOFF_1],
            ["2026-06-01", "2026-06-30", CUTOFF_2],
          ] as const) {
            const run = await insertRun(db, mine.contractId, start, end, cutoff);
            const expected = await expectedClaims(SMALL_TARIFF, run, own, twins);
            const { inserted } = await computeRunClaims(db, run, mine.model, { chunkSize });
            const actual = await claimsOfRun(run);
            expect(normalise(actual)).toEqual(normalise(expected));
            expect(inserted).toBe(expected.length);
            expect((await computeRunClaims(db, run, mine.model, { chunkSize })).inserted).toBe(0);
          }
        },
      ),
      { numRuns: 12, seed: 19 },
    );
  });
});

describe("a crash mid-run", () => {
  it("after 1, 3 or every chunk, and a restart, record exactly what one clean compute records", async () => {
    const people = Array.from({ length: 7 }, (_, i) => ({
      reference: `C${i}`,
      group: i % 2 === 0 ? "jsa-25-plus" : "jsa-18-24",
      events: [
        { kind: "attachment" as const, day: addDays(REFERRED, 3 + i) },
        ...Array.from({ length: i }, (_, w) => ({
          kind: "in-work" as const,
          day: addDays(REFERRED, 30 + 28 * w),
          value: 26 + 4 * w,
        })),
      ],
    }));
    const contract = async (programme: string) => {
      const c = await insertOutcomeContract(db, programme, WORK_PROGRAMME_TARIFF);
      const stored = await storeAll(c.contractId, programme, people);
      const run = await insertRun(
        db,
        c.contractId,
        "2026-12-01",
        "2026-12-31",
        new Date("2027-01-02T09:00:00Z"),
      );
      const byParticipant = new Map(stored.map((s) => [s.participant.id, s.reference]));
      return { ...c, run, byParticipant };
    };
    const byReference = (rows: Row[], names: Map<string, string>) =>
      normalise(
        rows.map((r) => ({ ...r, participant_id: names.get(r.participant_id) ?? "?", event_ids: [] })),
      );
    const clean = await contract("engine-clean");
    await computeRunClaims(db, clean.run, clean.model, { chunkSize: 2 });
    const cleanRows = await claimsOfRun(clean.run);
    // 7 participants in chunks of 2: 4 chunks; crashes after the first, the third, and the last.
    for (const k of [1, 3, 4]) {
      const crashed = await contract(`engine-crashed-${k}`);
      await expect(
        computeRunClaims(db, crashed.run, crashed.model, { chunkSize: 2, crashAfterChunks: k }),
      ).rejects.toThrow(SimulatedCrash);
      const partly = (await claimsOfRun(crashed.run)).length;
      const { inserted } = await computeRunClaims(db, crashed.run, crashed.model, { chunkSize: 2 });
      const restarted = await claimsOfRun(crashed.run);
      expect(partly).toBeGreaterThan(0);
      expect(partly + inserted).toBe(cleanRows.length);
      expect(byReference(restarted, crashed.byParticipant)).toEqual(
        byReference(cleanRows, clean.byParticipant),
      );
    }
    // 7 people attached (£400 each); 6 with job outcomes (£1,200); sustainment payments: JSA 25+
    // 1 + 3 + 5 at £215, JSA 18–24 0 + 2 + 4 at £170.
    const total = cleanRows.reduce((sum, r) => sum + r.amount_pence, 0n);
    expect(total).toBe(7n * 40_000n + 6n * 120_000n + 9n * 21_500n + 6n * 17_000n);
  });
});

describe("the small models through the same entry point", () => {
  it("pays a proxy on account, pays the final's rest, and recovers an unconfirmed proxy", async () => {
    const model: OutcomePricesDefinition = {
      kind: "outcome-prices",
      metrics: [
        {
          code: "housed",
          name: "Housed 12 months",
          definition: "d",
          event: "outcome",
          price: { pence: 100_000, rule: "r" },
          maxPerPerson: 1,
        },
        {
          code: "housed-3m",
          name: "Housed 3 months",
          definition: "d",
          event: "outcome",
          price: { pence: 25_000, rule: "r" },
          maxPerPerson: 1,
          proxyFor: { metric: "housed", onAccountBp: 2500, finalWithin: { days: 300, rule: "r" }, rule: "r" },
        },
      ],
      capPerPerson: { pence: 100_000, rule: "r" },
      capPerContract: { pence: 10_000_000, rule: "r" },
      outcomeWithin: { days: 730, rule: "r" },
    };
    const { contractId, model: row } = await insertOutcomeContract(db, "engine-proxy", model);
    const confirmed = await store(contractId, "engine-proxy", "P1", "all", REFERRED, [
      { kind: "outcome", metric: "housed-3m", day: "2026-04-12" },
      { kind: "outcome", metric: "housed", day: "2026-12-12", recordedAt: new Date("2027-01-01T00:00:00Z") },
    ]);
    const lapsed = await store(contractId, "engine-proxy", "P2", "all", REFERRED, [
      { kind: "outcome", metric: "housed-3m", day: "2026-04-20" },
    ]);
    const first = await insertRun(
      db,
      contractId,
      "2026-04-01",
      "2026-04-30",
      new Date("2026-05-01T09:00:00Z"),
    );
    await computeRunClaims(db, first, row);
    expect((await claimsOfRun(first)).map((c) => c.amount_pence)).toEqual([25_000n, 25_000n]);
    const later = await insertRun(
      db,
      contractId,
      "2027-02-01",
      "2027-02-28",
      new Date("2027-03-01T09:00:00Z"),
    );
    await computeRunClaims(db, later, row);
    const claims = await claimsOfRun(later);
    expect(claims.map((c) => [c.participant_id, c.rule, c.metric, c.amount_pence])).toEqual([
      [confirmed.participant.id, "outcome", "housed", 75_000n],
    ]);
    const recoveries = await db
      .selectFrom("outcome_recoveries")
      .select(["kind", "amount_pence", "source_key"])
      .where("contract_id", "=", contractId)
      .execute();
    expect(recoveries).toEqual([
      { kind: "proxy", amount_pence: 25_000n, source_key: `${lapsed.participant.id}|housed-3m|1` },
    ]);
    expect((await computeRunClaims(db, later, row)).inserted).toBe(0);
  });

  it("pays a Peterborough cohort whose reconvictions fell 10% against its comparison group", async () => {
    const { contractId, model: row } = await insertOutcomeContract(db, "engine-sib", PETERBOROUGH_SIB);
    // Ten people: 12 reconviction events between them; the comparison group 150.00 per 100 (15 expected).
    for (let i = 0; i < 10; i++) {
      const p = await insertParticipant(db, contractId, "engine-sib", {
        reference: `S${i}`,
        group: "adult-male",
        referredOn: "2026-01-05",
        cohort: "1",
      });
      const events: FixtureEvent[] =
        i < 6
          ? [{ kind: "reconviction", day: "2026-05-01", value: 2 }]
          : [{ kind: "no-reconviction", day: "2027-01-04" }];
      for (const e of events) await insertEvent(db, contractId, p, e);
    }
    await db
      .insertInto("outcome_comparisons")
      .values({
        authority_id: AUTHORITY,
        contract_id: contractId,
        cohort: "1",
        metric: "reconviction-events",
        rate_per_100_centi: 15_000,
        group_size: 1200,
        source: "Police National Computer match",
        recorded_by: null,
        recorded_at: new Date("2027-01-10T00:00:00Z"),
      })
      .execute();
    const run = await insertRun(db, contractId, "2027-01-01", "2027-01-31", new Date("2027-02-01T09:00:00Z"));
    await computeRunClaims(db, run, row);
    // 15 − 12 = 3 events avoided (a 20% fall), at £2,000: the cohort alone, and the pool (one cohort) adds nothing.
    expect(
      (await claimsOfRun(run)).map((c) => [c.rule, c.metric, c.achieved_on, c.amount_pence, c.problems]),
    ).toEqual([["cohort", "1", "2027-01-05", 600_000n, []]]);
  });

  it("reconciles a fee-for-service year to its band: a top-up claim", async () => {
    const model: FeeForServiceDefinition = {
      kind: "fee-for-service",
      onAccountPerUnit: { pence: 5000, rule: "r" },
      bands: [
        { fromUnits: 0, toUnits: 9, perUnit: { pence: 6000, rule: "band A" } },
        { fromUnits: 10, toUnits: null, perUnit: { pence: 4500, rule: "band B" } },
      ],
      yearStarts: "04-01",
    };
    const { contractId, model: row } = await insertOutcomeContract(db, "engine-ffs", model);
    await store(contractId, "engine-ffs", "F1", "all", "2026-04-01", [
      { kind: "service-delivered", day: "2026-05-01", value: 3 },
      { kind: "service-delivered", day: "2027-02-01", value: 4 },
    ]);
    const run = await insertRun(db, contractId, "2027-03-01", "2027-03-31", new Date("2027-04-01T09:00:00Z"));
    await computeRunClaims(db, run, row);
    // 7 units paid £50 on account (£350); band A is £60: a top-up of £70.
    expect((await claimsOfRun(run)).map((c) => [c.rule, c.seq, c.amount_pence]).sort()).toEqual([
      ["reconciliation", 1, 7_000n],
      ["service", 1, 15_000n],
      ["service", 2, 20_000n],
    ]);
    expect((await computeRunClaims(db, run, row)).inserted).toBe(0);
  });
});

describe("late evidence across runs", () => {
  const FEES: FeeForServiceDefinition = {
    kind: "fee-for-service",
    onAccountPerUnit: { pence: 5000, rule: "r" },
    bands: [
      { fromUnits: 0, toUnits: 9, perUnit: { pence: 6000, rule: "band A" } },
      { fromUnits: 10, toUnits: null, perUnit: { pence: 4500, rule: "band B" } },
    ],
    yearStarts: "04-01",
  };
  const at = (day: string) => new Date(`${day}T09:00:00Z`);
  const run = (contractId: string, month: string, startedOn: string) =>
    insertRun(
      db,
      contractId,
      `${month}-01`,
      addDays(`${month}-01`, month.endsWith("02") ? 27 : 30),
      at(startedOn),
    );
  const recoveriesOf = (contractId: string) =>
    db
      .selectFrom("outcome_recoveries")
      .select(["kind", "amount_pence", "source_key"])
      .where("contract_id", "=", contractId)
      .orderBy("created_at")
      .execute();

  it("pays a delivery dated earlier that arrives late once, never the later again; reconciles the year again", async () => {
    const { contractId, model: row } = await insertOutcomeContract(db, "engine-late", FEES);
    const f1 = await store(contractId, "engine-late", "F1", "all", "2026-04-01", [
      { kind: "service-delivered", day: "2027-02-10", value: 10, recordedAt: at("2027-02-20") },
      { kind: "service-delivered", day: "2027-02-01", value: 5, recordedAt: at("2027-03-05") },
      { kind: "service-delivered", day: "2027-03-20", value: 2, recordedAt: at("2027-04-10") },
    ]);
    const [b, a, c] = f1.events.map((e) => e.id);
    // Referred after the third run started: not counted by it (its cut-off), though its event was earlier.
    const late = await insertParticipant(db, contractId, "engine-late", {
      reference: "F2",
      group: "all",
      referredOn: "2026-04-01",
      recordedAt: at("2027-05-10"),
    });
    await insertEvent(db, contractId, late, {
      kind: "service-delivered",
      day: "2027-03-25",
      value: 7,
      recordedAt: at("2027-04-20"),
    });

    const feb = await run(contractId, "2027-02", "2027-03-01");
    await computeRunClaims(db, feb, row);
    expect((await claimsOfRun(feb)).map((x) => [x.rule, x.seq, x.amount_pence, x.event_ids])).toEqual([
      ["service", 1, 50_000n, [b]],
    ]);
    // March: A (dated before B) gets a seq of its own; B is not paid again. The year ends: 15 units at
    // band B (£45) = £675 due, £750 paid on account: £75 recovered.
    const mar = await run(contractId, "2027-03", "2027-04-01");
    await computeRunClaims(db, mar, row);
    expect((await claimsOfRun(mar)).map((x) => [x.rule, x.seq, x.amount_pence, x.event_ids])).toEqual([
      ["service", 2, 25_000n, [a]],
    ]);
    // April: C, dated in the year but recorded after its reconciliation, paid on account; the year is
    // reconciled again: 17 units at £45 = £765 due, £850 on account, £75 recovered before: £10 more.
    const apr = await run(contractId, "2027-04", "2027-05-01");
    await computeRunClaims(db, apr, row);
    expect(
      (await claimsOfRun(apr)).map((x) => [x.participant_id, x.rule, x.seq, x.amount_pence, x.event_ids]),
    ).toEqual([[f1.participant.id, "service", 3, 10_000n, [c]]]);
    expect(await recoveriesOf(contractId)).toEqual([
      { kind: "reconciliation", amount_pence: 7_500n, source_key: "2026-04-01" },
      { kind: "reconciliation", amount_pence: 1_000n, source_key: "2026-04-01/2" },
    ]);
    expect((await computeRunClaims(db, apr, row)).inserted).toBe(0);
  });

  it("does not recover a proxy the final outcome was paid net of when its evidence is withdrawn", async () => {
    const model: OutcomePricesDefinition = {
      kind: "outcome-prices",
      metrics: [
        {
          code: "housed",
          name: "Housed 12 months",
          definition: "d",
          event: "outcome",
          price: { pence: 100_000, rule: "r" },
          maxPerPerson: 1,
        },
        {
          code: "housed-3m",
          name: "Housed 3 months",
          definition: "d",
          event: "outcome",
          price: { pence: 25_000, rule: "r" },
          maxPerPerson: 1,
          proxyFor: { metric: "housed", onAccountBp: 2500, finalWithin: { days: 300, rule: "r" }, rule: "r" },
        },
      ],
      capPerPerson: { pence: 100_000, rule: "r" },
      capPerContract: { pence: 10_000_000, rule: "r" },
      outcomeWithin: { days: 730, rule: "r" },
    };
    const { contractId, model: row } = await insertOutcomeContract(db, "engine-net", model);
    const p = await store(contractId, "engine-net", "N1", "all", REFERRED, [
      { kind: "outcome", metric: "housed-3m", day: "2026-04-12", recordedAt: at("2026-04-20") },
      { kind: "outcome", metric: "housed", day: "2026-06-10", recordedAt: at("2026-06-20") },
    ]);
    const [interim, final] = p.events.map((e) => e.id);
    await computeRunClaims(db, await run(contractId, "2026-04", "2026-05-01"), row);
    const jun = await run(contractId, "2026-06", "2026-07-01");
    await computeRunClaims(db, jun, row);
    expect((await claimsOfRun(jun)).map((x) => [x.rule, x.amount_pence, x.event_ids])).toEqual([
      ["outcome", 75_000n, [final, interim]],
    ]);
    await insertEvent(db, contractId, p.participant.id, {
      kind: "withdrawal",
      day: "2026-07-05",
      withdraws: interim,
      recordedAt: at("2026-07-05"),
    });
    await computeRunClaims(db, await run(contractId, "2026-07", "2026-08-01"), row);
    // £250 on account + £750 = £1,000, the final's price: recovering the £250 would underpay.
    expect(await recoveriesOf(contractId)).toEqual([]);
  });
});
