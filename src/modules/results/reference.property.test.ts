/**
 * The claims' rules as properties, on the pure reference (fast): over random evidence and a run a
 * month for two years,
 * - a tariff never pays a person more than their group's maximum, an outcome-prices contract never
 *   more than its caps per person and per contract, and a key is paid at most once;
 * - the order the events arrive in never changes a claim;
 * - events arriving out of date order across runs, and withdrawals, never pay one event twice nor
 *   leave one unpaid: a claim made per event (a delivery, an outcome) is keyed by its event.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, addMonths } from "../../lib/london-time.ts";
import {
  type FeeForServiceDefinition,
  groupMaximumPence,
  type ModelDefinition,
  type OutcomePricesDefinition,
  WORK_PROGRAMME_TARIFF,
} from "./models.ts";
import {
  type ContractRoom,
  claimKey,
  type EngineEvent,
  type EngineParticipant,
  participantClaims,
  usableEvents,
} from "./reference.ts";

const REFERRED = "2026-01-05";

const SIB: OutcomePricesDefinition = {
  kind: "outcome-prices",
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
      proxyFor: { metric: "housed", onAccountBp: 3000, finalWithin: { days: 200, rule: "r" }, rule: "r" },
    },
    {
      code: "course",
      name: "Course",
      definition: "d",
      event: "qualification",
      price: { pence: 45_000, rule: "r" },
      maxPerPerson: 3,
    },
  ],
  capPerPerson: { pence: 150_000, rule: "r" },
  capPerContract: { pence: 400_000, rule: "r" },
  outcomeWithin: { days: 500, rule: "r" },
};

const FEES: FeeForServiceDefinition = {
  kind: "fee-for-service",
  onAccountPerUnit: { pence: 5_000, rule: "r" },
  bands: [{ fromUnits: 0, toUnits: null, perUnit: { pence: 5_000, rule: "r" } }],
  yearStarts: "04-01",
};

const eventArb = fc.record({
  kind: fc.constantFrom(
    "attachment",
    "in-work",
    "in-work",
    "outcome",
    "qualification",
    "service-delivered",
    "withdrawal",
  ),
  metric: fc.constantFrom("housed", "housed-3m", "course"),
  offset: fc.integer({ min: -10, max: 700 }),
  value: fc.integer({ min: 0, max: 90 }),
  target: fc.nat(),
  // The month (of the 24 run) the event is recorded in: late, and out of date order, at times.
  arrives: fc.integer({ min: 0, max: 23 }),
});

type DrawnEvent = {
  kind: string;
  metric: string;
  offset: number;
  value: number;
  target: number;
  arrives: number;
};
type ArrivingEvent = EngineEvent & { arrives: number };

function events(drawn: readonly DrawnEvent[], salt: string): ArrivingEvent[] {
  const out: ArrivingEvent[] = [];
  drawn.forEach((d, i) => {
    const id = `00000000-0000-4000-8000-${salt}${String(i).padStart(12 - salt.length, "0")}`;
    const withdraws =
      d.kind === "withdrawal" && out.length > 0 ? (out[d.target % out.length]?.id ?? null) : null;
    if (d.kind === "withdrawal" && !withdraws) return;
    out.push({
      id,
      kind: d.kind as EngineEvent["kind"],
      metric: d.kind === "outcome" || d.kind === "qualification" ? d.metric : null,
      value: d.kind === "in-work" || d.kind === "service-delivered" ? d.value : null,
      occurred_on: addDays(REFERRED, d.offset),
      withdraws_id: withdraws,
      arrives: d.arrives,
    });
  });
  return out;
}

/** The rules whose claims are made one per event (keyed by it): a delivery, an outcome. */
const PER_EVENT = ["service", "outcome", "proxy"];

/**
 * Runs a month for two years, each seeing the events recorded by then (`arrives`) that happened by its
 * end, paid claims carried on. Answers each person's total, whether a key or an event was paid twice,
 * and the events paid (per-event rules).
 */
function runMonthly(model: ModelDefinition, people: { p: EngineParticipant; events: ArrivingEvent[] }[]) {
  const paid = new Map<string, Map<string, bigint>>();
  const recorded = new Map<string, Set<string>>();
  const working = new Map<string, Map<string, string[]>>();
  const paidEvents = new Set<string>();
  const room: ContractRoom = {
    pence: model.kind === "outcome-prices" ? BigInt(model.capPerContract.pence) : 0n,
  };
  let paidTwice = false;
  for (let m = 0; m < 24; m++) {
    const periodStart = addMonths("2026-01-01", m);
    const periodEnd = addDays(addMonths(periodStart, 1), -1);
    for (const { p, events: evs } of people) {
      const mine = paid.get(p.id) ?? new Map<string, bigint>();
      const seen = recorded.get(p.id) ?? new Set<string>();
      const rests = working.get(p.id) ?? new Map<string, string[]>();
      const { claims } = participantClaims(
        model,
        p,
        evs.filter((e) => e.arrives <= m),
        {
          periodStart,
          periodEnd,
          earlierElsewhere: false,
          claimedElsewhere: new Set(),
          paid: mine,
          recorded: seen,
          working: rests,
        },
        room,
      );
      for (const c of claims) {
        const key = claimKey(c.rule, c.metric, c.seq);
        seen.add(key);
        if (!rests.has(key)) rests.set(key, c.eventIds);
        if (c.problems.length > 0) continue;
        if (mine.has(key)) paidTwice = true;
        mine.set(key, c.amountPence);
        if (PER_EVENT.includes(c.rule)) {
          if (paidEvents.has(`${c.rule}|${c.eventIds[0]}`)) paidTwice = true;
          paidEvents.add(`${c.rule}|${c.eventIds[0]}`);
        }
      }
      paid.set(p.id, mine);
      recorded.set(p.id, seen);
      working.set(p.id, rests);
    }
  }
  const totals = [...paid.values()].map((m) => [...m.values()].reduce((s, a) => s + a, 0n));
  return { totals, paidTwice, paidEvents, contract: totals.reduce((s, a) => s + a, 0n) };
}

const peopleArb = fc.array(
  fc.record({
    group: fc.constantFrom("jsa-18-24", "jsa-25-plus", "esa-flow"),
    events: fc.array(eventArb, { maxLength: 14 }),
  }),
  { minLength: 1, maxLength: 6 },
);

function participants(drawn: { group: string; events: DrawnEvent[] }[]) {
  return drawn.map((d, i) => ({
    p: { id: `p${i}`, payment_group: d.group, cohort: null, referred_on: REFERRED },
    events: events(d.events, String(i)),
  }));
}

describe("caps", () => {
  it("a tariff never pays a person more than their group's maximum, nor a key twice", () => {
    fc.assert(
      fc.property(peopleArb, (drawn) => {
        const people = participants(drawn);
        const { totals, paidTwice } = runMonthly(WORK_PROGRAMME_TARIFF, people);
        expect(paidTwice).toBe(false);
        people.forEach(({ p }, i) => {
          const group = WORK_PROGRAMME_TARIFF.groups.find((g) => g.code === p.payment_group);
          expect(totals[i] ?? 0n).toBeLessThanOrEqual(group ? groupMaximumPence(group) : 0n);
        });
      }),
      { numRuns: 80, seed: 19 },
    );
  });

  it("outcome prices never pay a person above the cap per person, nor the contract above its cap", () => {
    fc.assert(
      fc.property(peopleArb, (drawn) => {
        const { totals, contract, paidTwice } = runMonthly(SIB, participants(drawn));
        expect(paidTwice).toBe(false);
        for (const total of totals) expect(total).toBeLessThanOrEqual(150_000n);
        expect(contract).toBeLessThanOrEqual(400_000n);
      }),
      { numRuns: 80, seed: 19 },
    );
  });
});

describe("events arriving late, out of date order, and withdrawals", () => {
  it("a fee for service pays every delivery once: none twice, none skipped", () => {
    fc.assert(
      fc.property(peopleArb, (drawn) => {
        const people = participants(drawn);
        const { paidTwice, paidEvents, totals } = runMonthly(FEES, people);
        expect(paidTwice).toBe(false);
        people.forEach(({ p, events: evs }, i) => {
          // Every delivery still standing at the end (after referral, some units) was paid once; a
          // delivery withdrawn after it was paid stays paid (a correction recovers it).
          const standing = usableEvents(evs, "2027-12-31").filter(
            (e) => e.kind === "service-delivered" && (e.value ?? 0) > 0 && e.occurred_on >= p.referred_on,
          );
          for (const e of standing) expect(paidEvents.has(`service|${e.id}`)).toBe(true);
          const units = evs
            .filter((e) => paidEvents.has(`service|${e.id}`))
            .reduce((sum, e) => sum + BigInt(e.value ?? 0), 0n);
          expect(totals[i] ?? 0n).toBe(units * 5_000n);
        });
      }),
      { numRuns: 80, seed: 19 },
    );
  });

  it("outcome prices pay no outcome's event twice", () => {
    fc.assert(
      fc.property(peopleArb, (drawn) => {
        expect(runMonthly(SIB, participants(drawn)).paidTwice).toBe(false);
      }),
      { numRuns: 80, seed: 19 },
    );
  });

  it("a delivery dated earlier that arrives after a later one was paid is paid too, and the later not again", () => {
    const p = { id: "p", payment_group: "", cohort: null, referred_on: REFERRED };
    const b: ArrivingEvent = {
      id: "b",
      kind: "service-delivered",
      metric: null,
      value: 10,
      occurred_on: "2026-02-10",
      withdraws_id: null,
      arrives: 1,
    };
    const a: ArrivingEvent = { ...b, id: "a", value: 5, occurred_on: "2026-02-01", arrives: 2 };
    const { totals, paidTwice } = runMonthly(FEES, [{ p, events: [b, a] }]);
    expect(paidTwice).toBe(false);
    expect(totals[0]).toBe(15n * 5_000n);
  });
});

describe("the order events arrive in", () => {
  it("never changes a claim", () => {
    fc.assert(
      fc.property(
        fc.array(eventArb, { maxLength: 14 }),
        fc.constantFrom<ModelDefinition>(WORK_PROGRAMME_TARIFF, SIB),
        fc.integer({ min: 0, max: 700 }),
        fc.nat(),
        (drawn, model, endOffset, shuffleSeed) => {
          const evs = events(drawn, "9");
          const shuffled = [...evs].sort((a, b) => hash(a.id, shuffleSeed) - hash(b.id, shuffleSeed));
          const p = { id: "p", payment_group: "jsa-25-plus", cohort: null, referred_on: REFERRED };
          const ctx = {
            periodStart: REFERRED,
            periodEnd: addDays(REFERRED, endOffset),
            earlierElsewhere: false,
            claimedElsewhere: new Set<string>(),
            paid: new Map<string, bigint>(),
            recorded: new Set<string>(),
          };
          const a = participantClaims(model, p, evs, ctx, { pence: 1_000_000n });
          const b = participantClaims(model, p, shuffled, ctx, { pence: 1_000_000n });
          expect(b).toEqual(a);
        },
      ),
      { numRuns: 100, seed: 19 },
    );
  });
});

function hash(text: string, seed: number): number {
  let h = seed | 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 2654435761);
  return h;
}
