/**
 * The payment models: the examples pass their check and reproduce DOMAIN.md §5's maxima to the
 * penny; a bad definition is refused with each problem named by its field; the worked examples of
 * docs/payment-by-results.md ("Models", "Claims") computed by the reference.
 */
import { describe, expect, it } from "vitest";
import {
  type CohortThreshold,
  checkModel,
  type FeeForServiceDefinition,
  groupMaximumPence,
  type OutcomePricesDefinition,
  PETERBOROUGH_SIB,
  WORK_PROGRAMME_TARIFF,
} from "./models.ts";
import {
  type CohortFigures,
  cohortClaims,
  type EngineEvent,
  type ParticipantContext,
  participantClaims,
  reconcileYear,
  yearsEndingIn,
} from "./reference.ts";

const group = (code: string) => {
  const found = WORK_PROGRAMME_TARIFF.groups.find((g) => g.code === code);
  if (!found) throw new Error(code);
  return found;
};

const ctx = (periodEnd: string, over: Partial<ParticipantContext> = {}): ParticipantContext => ({
  periodStart: `${periodEnd.slice(0, 8)}01`,
  periodEnd,
  earlierElsewhere: false,
  claimedElsewhere: new Set(),
  paid: new Map(),
  recorded: new Set(),
  ...over,
});

let n = 0;
const ev = (kind: EngineEvent["kind"], day: string, more: Partial<EngineEvent> = {}): EngineEvent => ({
  id: `00000000-0000-4000-8000-${String(++n).padStart(12, "0")}`,
  kind,
  metric: null,
  value: null,
  occurred_on: day,
  withdraws_id: null,
  ...more,
});

describe("the example models", () => {
  it("pass their check", () => {
    expect(checkModel("tariff", WORK_PROGRAMME_TARIFF)).toEqual({
      ok: true,
      definition: WORK_PROGRAMME_TARIFF,
    });
    expect(checkModel("outcome-prices", PETERBOROUGH_SIB).ok).toBe(true);
  });

  it("reproduce the Work Programme's maxima exactly: JSA 18–24 £3,810.00, JSA 25+ £4,395.00", () => {
    expect(groupMaximumPence(group("jsa-18-24"))).toBe(381_000n);
    expect(groupMaximumPence(group("jsa-25-plus"))).toBe(439_500n);
  });
});

describe("checking a definition", () => {
  it("names each problem by its field and says what to do", () => {
    const bad = structuredClone(WORK_PROGRAMME_TARIFF) as unknown as Record<string, unknown>;
    const groups = bad.groups as Record<string, Record<string, unknown>>[];
    (groups[0] as Record<string, Record<string, unknown>>).attachment = { pence: 400.5, rule: "" };
    (groups[1] as Record<string, unknown>).code = "jsa-18-24";
    bad.outcomeWithin = { days: 0, rule: "x" };
    const result = checkModel("tariff", bad);
    expect(result.ok).toBe(false);
    const paths = result.ok ? [] : result.problems.map((p) => p.path);
    expect(paths).toEqual([
      "groups[0].attachment.pence",
      "groups[0].attachment.rule",
      "groups[1].code",
      "outcomeWithin.days",
    ]);
    expect(result.ok ? "" : result.problems[0]?.message).toContain("whole number of pence");
  });

  it("refuses a kind other than the one asked for, bands with gaps, and a proxy priced off its share", () => {
    expect(checkModel("fee-for-service", WORK_PROGRAMME_TARIFF)).toMatchObject({
      ok: false,
      problems: [{ path: "kind" }],
    });
    const ffs: FeeForServiceDefinition = {
      kind: "fee-for-service",
      onAccountPerUnit: { pence: 5000, rule: "r" },
      bands: [
        { fromUnits: 0, toUnits: 99, perUnit: { pence: 5500, rule: "r" } },
        { fromUnits: 101, toUnits: null, perUnit: { pence: 4500, rule: "r" } },
      ],
      yearStarts: "13-01",
    };
    expect(checkModel("fee-for-service", ffs)).toMatchObject({
      ok: false,
      problems: [{ path: "bands[1].fromUnits" }, { path: "yearStarts" }],
    });
    const sib: OutcomePricesDefinition = {
      ...PETERBOROUGH_SIB,
      metrics: [
        {
          code: "housed",
          name: "Housed",
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
          price: { pence: 30_000, rule: "r" },
          maxPerPerson: 1,
          proxyFor: { metric: "housed", onAccountBp: 2500, finalWithin: { days: 180, rule: "r" }, rule: "r" },
        },
      ],
    };
    expect(checkModel("outcome-prices", sib)).toMatchObject({
      ok: false,
      problems: [{ path: "metrics[1].price.pence", message: expect.stringContaining("25000 pence") }],
    });
  });
});

const THRESHOLD = PETERBOROUGH_SIB.cohortThreshold as CohortThreshold;

describe("the worked examples", () => {
  it("a JSA 25+ participant: attachment, job outcome after 26 weeks, 13 sustainment payments = £4,395.00", () => {
    const p = { id: "p1", payment_group: "jsa-25-plus", cohort: null, referred_on: "2026-01-05" };
    const events = [ev("attachment", "2026-01-19")];
    // Weeks in work reported every 4 weeks from a job starting on 2 February 2026.
    for (let weeks = 4; weeks <= 80; weeks += 4) {
      events.push(
        ev("in-work", `2026-${String(2 + Math.floor(weeks / 4)).padStart(2, "0")}-02`, { value: weeks }),
      );
    }
    // The weeks in work in 2026 cross 26 in the 7th report; but dates past December roll: use days.
    const dated = events.map((e, i) =>
      i === 0 ? e : { ...e, occurred_on: addWeeks("2026-02-02", e.value ?? 0) },
    );
    const { claims } = participantClaims(WORK_PROGRAMME_TARIFF, p, dated, ctx("2027-12-31"));
    expect(claims.map((c) => [c.rule, c.seq, c.amountPence])).toEqual([
      ["attachment", 1, 40_000n],
      ["job-outcome", 1, 120_000n],
      ...Array.from({ length: 13 }, (_, i) => ["sustainment", i + 1, 21_500n]),
    ]);
    expect(claims.reduce((sum, c) => sum + c.amountPence, 0n)).toBe(439_500n);
    expect(claims.every((c) => c.problems.length === 0)).toBe(true);
    // The job outcome is achieved on the day the 28-week report shows 26 weeks reached.
    expect(claims[1]?.achievedOn).toBe(addWeeks("2026-02-02", 28));
  });

  it("a Peterborough cohort: a 10% fall pays alone; the pool pays the rest at 7.5%", () => {
    const cohort = (name: string, events: number, comparison: number): CohortFigures => ({
      cohort: name,
      participants: 1000,
      untracked: 0,
      events,
      closesOn: "2027-06-30",
      comparisonCenti: comparison,
      firstParticipantId: `first-${name}`,
    });
    // Cohort 1: 1,000 people, comparison 142.50 events per 100 → 1,425 expected; 1,250 seen: 12.3% fall.
    const room = { pence: 800_000_000n };
    const first = cohortClaims(THRESHOLD, [cohort("1", 1250, 14_250)], "2027-06-30", new Map(), room);
    expect(first.map((c) => [c.rule, c.metric, c.amountPence])).toEqual([["cohort", "1", 175n * 200_000n]]);
    // Cohort 2 falls 5% (1,354 of 1,425): not alone; pooled 2,604 of 2,850 = 8.6% ≥ 7.5%: 246 avoided,
    // less the 175 paid for cohort 1 = 71 events × £2,000.
    const both = cohortClaims(
      THRESHOLD,
      [cohort("1", 1250, 14_250), cohort("2", 1354, 14_250)],
      "2027-06-30",
      new Map([["cohort|1|1", 175n * 200_000n]]),
      { pence: 800_000_000n },
    );
    expect(both.map((c) => [c.rule, c.metric, c.amountPence])).toEqual([["pooled", "", 71n * 200_000n]]);
  });

  it("a fee-for-service year: 1,200 units paid £50 on account, due at the band's £45: £6,000 clawed back", () => {
    const model: FeeForServiceDefinition = {
      kind: "fee-for-service",
      onAccountPerUnit: { pence: 5000, rule: "Schedule 2: £50 per session on account" },
      bands: [
        { fromUnits: 0, toUnits: 999, perUnit: { pence: 5500, rule: "Schedule 2, band A" } },
        { fromUnits: 1000, toUnits: null, perUnit: { pence: 4500, rule: "Schedule 2, band B" } },
      ],
      yearStarts: "04-01",
    };
    expect(checkModel("fee-for-service", model).ok).toBe(true);
    expect(yearsEndingIn("2027-03-01", "2027-03-31", "04-01")).toEqual([
      { start: "2026-04-01", end: "2027-03-31" },
    ]);
    expect(reconcileYear(model, 1200n, 6_000_000n).differencePence).toBe(-600_000n);
    expect(reconcileYear(model, 800n, 4_000_000n).differencePence).toBe(400_000n);
  });
});

function addWeeks(day: string, weeks: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + weeks * 7);
  return d.toISOString().slice(0, 10);
}
