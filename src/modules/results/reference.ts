/**
 * The claims of payment by results, in plain TypeScript (issue 19, item 3): what a run records for
 * one participant from its events, by the contract's model — every rule of docs/payment-by-results.md
 * ("Claims") written once, as simply as it can be said. Pure: no database, no clock.
 *
 * It is the engine itself for the small models (outcome prices, proxies, cohorts, fee for service:
 * `claims.service.ts` runs these functions over each chunk's rows), and the reference the tariff's
 * set-based SQL (`claims.repository.ts`) is proven equal to by property tests.
 *
 * The rules in short. Only usable evidence counts: events recorded by the run's cut-off, neither a
 * withdrawal nor withdrawn, that happened by the period's last day. Events are taken in the order
 * (day, id), so the order they arrived in never changes a claim. A claim's key is (participant, rule,
 * metric, seq) — for a claim made per event (a delivery, an outcome) its seq is fixed by its event
 * (`seqsByEvent`), never by its position; a key validly claimed before is never claimed again; a key
 * refused before is not recorded again while still refused. Each refusal names its problems, in the order of PROBLEM_CODES.
 */
import { addDays } from "../../lib/london-time.ts";
import type {
  CohortThreshold,
  FeeForServiceDefinition,
  ModelDefinition,
  OutcomePricesDefinition,
  TariffDefinition,
  VolumeBand,
} from "./models.ts";
import type { EventKind } from "./results.table.ts";

/** Why a claim is refused, in the order a claim lists them. */
export const PROBLEM_CODES = [
  "outside-eligibility-window",
  "duplicate-participant",
  "already-claimed-elsewhere",
  "over-cap",
  "evidence-missing",
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

/** The rules claims are made under (a claim's `rule`). */
export const CLAIM_RULES = [
  "attachment",
  "job-outcome",
  "sustainment",
  "outcome",
  "proxy",
  "cohort",
  "pooled",
  "service",
  "reconciliation",
] as const;
export type ClaimRule = (typeof CLAIM_RULES)[number];

/** Claims about the contract as a whole (kept against its first participant): no person's cap. */
export const CONTRACT_RULES: readonly string[] = ["cohort", "pooled", "reconciliation"];

export interface EngineParticipant {
  id: string;
  payment_group: string;
  cohort: string | null;
  referred_on: string;
}

export interface EngineEvent {
  id: string;
  kind: EventKind;
  metric: string | null;
  value: number | null;
  occurred_on: string;
  withdraws_id: string | null;
}

export interface EngineClaim {
  participantId: string;
  rule: ClaimRule;
  metric: string;
  seq: number;
  achievedOn: string;
  amountPence: bigint;
  /** Its working: the events it rests on (the price and the rule are the model version's). */
  eventIds: string[];
  problems: ProblemCode[];
}

export interface EngineRecovery {
  kind: "proxy" | "reconciliation";
  sourceKey: string;
  amountPence: bigint;
  reason: string;
}

/** What a participant's claims depend on besides its own events. */
export interface ParticipantContext {
  periodStart: string;
  periodEnd: string;
  /** The same reference was attached earlier to another contract of the programme. */
  earlierElsewhere: boolean;
  /** Claim keys (`claimKey`) validly claimed for the same reference on another contract of the programme. */
  claimedElsewhere: ReadonlySet<string>;
  /** This participant's valid claims already recorded (by any run), by key, with their amounts. */
  paid: ReadonlyMap<string, bigint>;
  /** Every key of this participant's claims already recorded (valid or refused), by any run. */
  recorded: ReadonlySet<string>;
  /**
   * The events each recorded claim rests on (its `event_ids`), by key: a claim made per event
   * (a delivery, an outcome) keeps the seq it was first recorded under. None known when absent.
   */
  working?: ReadonlyMap<string, readonly string[]>;
}

/** What the contract's cap leaves (outcome prices): valid claims use it up, in order. */
export interface ContractRoom {
  pence: bigint;
}

export function claimKey(rule: string, metric: string, seq: number): string {
  return `${rule}|${metric}|${seq}`;
}

/**
 * The seq of each claim made per event (a delivery, an outcome of a metric): fixed by the event, never
 * by its position. An event already claimed (valid or refused) keeps the seq it was recorded under
 * (a valid one first); an event never claimed takes the next seq after every seq recorded, in (day, id)
 * order. So a delivery dated earlier that arrives after a later one was paid gets a seq of its own:
 * nothing is skipped, nothing paid twice, and a withdrawal moves no other claim.
 */
export function seqsByEvent(
  rule: string,
  metric: string,
  events: readonly EngineEvent[],
  ctx: Pick<ParticipantContext, "paid" | "recorded" | "working">,
): Map<string, number> {
  const prefix = `${rule}|${metric}|`;
  const seqOf = new Map<string, number>();
  let last = 0;
  for (const key of [...ctx.paid.keys(), ...ctx.recorded]) {
    if (!key.startsWith(prefix)) continue;
    const seq = Number(key.slice(prefix.length));
    if (!Number.isInteger(seq)) continue;
    if (seq > last) last = seq;
    const eventId = ctx.working?.get(key)?.[0];
    if (eventId !== undefined && !seqOf.has(eventId)) seqOf.set(eventId, seq);
  }
  for (const e of events) if (!seqOf.has(e.id)) seqOf.set(e.id, ++last);
  return seqOf;
}

function byDayThenId(a: EngineEvent, b: EngineEvent): number {
  if (a.occurred_on !== b.occurred_on) return a.occurred_on < b.occurred_on ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The events that count: not withdrawals, not withdrawn, happened by `periodEnd`; in (day, id) order. */
export function usableEvents(events: readonly EngineEvent[], periodEnd: string): EngineEvent[] {
  const withdrawn = new Set(events.filter((e) => e.kind === "withdrawal").map((e) => e.withdraws_id));
  return events
    .filter((e) => e.kind !== "withdrawal" && !withdrawn.has(e.id) && e.occurred_on <= periodEnd)
    .sort(byDayThenId);
}

function outsideWindow(day: string, referredOn: string, withinDays: number): boolean {
  return day < referredOn || day > addDays(referredOn, withinDays);
}

function withProblems(found: Partial<Record<ProblemCode, boolean>>): ProblemCode[] {
  return PROBLEM_CODES.filter((code) => found[code]);
}

/** Whether `a` (day, participant id) was attached before `b`: the earlier attachment keeps the person. */
export function attachedBefore(
  a: { day: string; participantId: string },
  b: { day: string; participantId: string },
) {
  return a.day < b.day || (a.day === b.day && a.participantId < b.participantId);
}

/**
 * The Work Programme tariff: the attachment fee once attached (within `attachmentWithin` of referral);
 * the job outcome when the weeks in work evidenced reach the group's `jobOutcome.weeks`; a sustainment
 * payment each time they reach a further `everyWeeks`, up to `maxPayments`. An in-work event's value
 * is the weeks in work evidenced so far; an outcome is achieved on the day of the first event (in
 * (day, id) order) whose value reaches its threshold, and must be within `outcomeWithin` of referral
 * with an attachment on or before it (else `evidence-missing`).
 */
function tariffCandidates(
  model: TariffDefinition,
  participant: EngineParticipant,
  usable: readonly EngineEvent[],
  ctx: ParticipantContext,
): EngineClaim[] {
  const group = model.groups.find((g) => g.code === participant.payment_group);
  if (!group) return [];
  const claims: EngineClaim[] = [];
  const common = {
    "duplicate-participant": ctx.earlierElsewhere,
  };
  const attachment = usable.find((e) => e.kind === "attachment");
  if (attachment) {
    claims.push({
      participantId: participant.id,
      rule: "attachment",
      metric: "",
      seq: 1,
      achievedOn: attachment.occurred_on,
      amountPence: BigInt(group.attachment.pence),
      eventIds: [attachment.id],
      problems: withProblems({
        ...common,
        "outside-eligibility-window": outsideWindow(
          attachment.occurred_on,
          participant.referred_on,
          model.attachmentWithin.days,
        ),
        "already-claimed-elsewhere": ctx.claimedElsewhere.has(claimKey("attachment", "", 1)),
      }),
    });
  }
  const inWork = usable.filter((e) => e.kind === "in-work" && e.value !== null);
  for (let k = 0; k <= group.sustainment.maxPayments; k++) {
    const weeks = group.jobOutcome.weeks + k * group.sustainment.everyWeeks;
    const reached = inWork.find((e) => (e.value ?? 0) >= weeks);
    if (!reached) break;
    const rule = k === 0 ? "job-outcome" : "sustainment";
    const seq = Math.max(k, 1);
    claims.push({
      participantId: participant.id,
      rule,
      metric: "",
      seq,
      achievedOn: reached.occurred_on,
      amountPence: BigInt(k === 0 ? group.jobOutcome.pence : group.sustainment.pence),
      eventIds: attachment ? [attachment.id, reached.id] : [reached.id],
      problems: withProblems({
        ...common,
        "outside-eligibility-window": outsideWindow(
          reached.occurred_on,
          participant.referred_on,
          model.outcomeWithin.days,
        ),
        "already-claimed-elsewhere": ctx.claimedElsewhere.has(claimKey(rule, "", seq)),
        "evidence-missing": !attachment || attachment.occurred_on > reached.occurred_on,
      }),
    });
  }
  return claims;
}

/**
 * Outcome prices (social impact bonds): each evidenced outcome of a metric is paid its price, within
 * `outcomeWithin` of referral; each claim is keyed by its event (`seqsByEvent`), never by its position.
 * Caps (applied in `participantClaims`): at most `maxPerPerson` valid claims of a metric; a claim that
 * would take the person's valid claims above `capPerPerson`, or the contract's above `capPerContract`,
 * is refused `over-cap` (claims taken in order of day, rule, metric, seq; a later smaller one may still fit).
 *
 * Proxies: the k-th interim outcome (in (day, id) order) pays its price on account while the k-th
 * final outcome is not yet evidenced and its `finalWithin` window is open. The final outcome then pays
 * its price less what the proxy paid on account when it came within that window (its working names
 * the interim event it was paid net of); otherwise it pays in full, and the amount on account is
 * recovered (a 'proxy' recovery) once the window has passed — or at once when the interim evidence is
 * withdrawn, unless a final outcome was already paid net of it (recovering it then would pay less than
 * the final's price).
 */
function outcomePriceCandidates(
  model: OutcomePricesDefinition,
  participant: EngineParticipant,
  usable: readonly EngineEvent[],
  ctx: ParticipantContext,
  recoveries: EngineRecovery[],
): EngineClaim[] {
  const occurrences = new Map<string, EngineEvent[]>();
  for (const metric of model.metrics) {
    occurrences.set(
      metric.code,
      usable.filter((e) => e.kind === metric.event && e.metric === metric.code),
    );
  }
  const proxyOf = new Map(model.metrics.filter((m) => m.proxyFor).map((m) => [m.proxyFor?.metric ?? "", m]));
  const claims: EngineClaim[] = [];
  for (const metric of model.metrics) {
    const occ = occurrences.get(metric.code) ?? [];
    const proxy = metric.proxyFor;
    const rule = proxy ? "proxy" : "outcome";
    if (proxy) {
      const finals = occurrences.get(proxy.metric) ?? [];
      // The interim events a final outcome was paid net of (named after its own in its working).
      const netted = new Set<string>();
      for (const key of ctx.paid.keys())
        if (key.startsWith(`outcome|${proxy.metric}|`))
          for (const id of (ctx.working?.get(key) ?? []).slice(1)) netted.add(id);
      // Amounts paid on account that the evidence no longer supports are recovered.
      for (const [key, paidPence] of ctx.paid) {
        const [r, code, seqText] = key.split("|");
        if (r !== "proxy" || code !== metric.code) continue;
        const interimId = ctx.working?.get(key)?.[0];
        if (interimId !== undefined && netted.has(interimId)) continue;
        const i = occ.findIndex((e) => e.id === interimId);
        const interim = i >= 0 ? occ[i] : undefined;
        const final = i >= 0 ? finals[i] : undefined;
        const deadline = interim ? addDays(interim.occurred_on, proxy.finalWithin.days) : null;
        const confirmed = final !== undefined && deadline !== null && final.occurred_on <= deadline;
        if (confirmed || (deadline !== null && deadline >= ctx.periodEnd)) continue;
        recoveries.push({
          kind: "proxy",
          sourceKey: `${participant.id}|${metric.code}|${seqText}`,
          amountPence: paidPence,
          reason: interim
            ? `${metric.name}: paid on account, not followed by ${proxy.metric} within ${proxy.finalWithin.days} days (${proxy.rule})`
            : `${metric.name}: paid on account, its evidence withdrawn (${proxy.rule})`,
        });
      }
    }
    const interimMetric = proxy ? undefined : proxyOf.get(metric.code);
    const interims = interimMetric ? (occurrences.get(interimMetric.code) ?? []) : [];
    const interimSeqs = interimMetric ? seqsByEvent("proxy", interimMetric.code, interims, ctx) : undefined;
    const seqOf = seqsByEvent(rule, metric.code, occ, ctx);
    occ.forEach((event, i) => {
      const seq = seqOf.get(event.id) ?? 0;
      let amount = BigInt(metric.price.pence);
      const eventIds = [event.id];
      if (proxy) {
        // On account only while the final outcome is unknown and its window open.
        const final = (occurrences.get(proxy.metric) ?? [])[i];
        if (final || addDays(event.occurred_on, proxy.finalWithin.days) < ctx.periodEnd) return;
      } else if (interimMetric?.proxyFor) {
        const interim = interims[i];
        const paidOnAccount = interim
          ? ctx.paid.get(claimKey("proxy", interimMetric.code, interimSeqs?.get(interim.id) ?? 0))
          : undefined;
        if (
          interim &&
          paidOnAccount !== undefined &&
          event.occurred_on <= addDays(interim.occurred_on, interimMetric.proxyFor.finalWithin.days)
        ) {
          amount -= paidOnAccount;
          eventIds.push(interim.id);
        }
      }
      claims.push({
        participantId: participant.id,
        rule,
        metric: metric.code,
        seq,
        achievedOn: event.occurred_on,
        amountPence: amount,
        eventIds,
        problems: withProblems({
          "outside-eligibility-window": outsideWindow(
            event.occurred_on,
            participant.referred_on,
            model.outcomeWithin.days,
          ),
          "duplicate-participant": ctx.earlierElsewhere,
          "already-claimed-elsewhere": ctx.claimedElsewhere.has(claimKey(rule, metric.code, seq)),
        }),
      });
    });
  }
  return claims;
}

/**
 * Fee for service: each delivery of units is paid `onAccountPerUnit` per unit (reconciled yearly),
 * keyed by its event (`seqsByEvent`): a late delivery dated earlier is paid once, under its own seq.
 */
function serviceCandidates(
  model: FeeForServiceDefinition,
  participant: EngineParticipant,
  usable: readonly EngineEvent[],
  ctx: ParticipantContext,
): EngineClaim[] {
  const deliveries = usable.filter((e) => e.kind === "service-delivered");
  const seqOf = seqsByEvent("service", "", deliveries, ctx);
  return deliveries.map((event) => {
    const seq = seqOf.get(event.id) ?? 0;
    return {
      participantId: participant.id,
      rule: "service" as const,
      metric: "",
      seq,
      achievedOn: event.occurred_on,
      amountPence: BigInt(event.value ?? 0) * BigInt(model.onAccountPerUnit.pence),
      eventIds: [event.id],
      problems: withProblems({
        "outside-eligibility-window": event.occurred_on < participant.referred_on,
        "duplicate-participant": ctx.earlierElsewhere,
        "already-claimed-elsewhere": ctx.claimedElsewhere.has(claimKey("service", "", seq)),
        "evidence-missing": event.value === null || event.value === 0,
      }),
    };
  });
}

function inClaimOrder(a: EngineClaim, b: EngineClaim): number {
  if (a.achievedOn !== b.achievedOn) return a.achievedOn < b.achievedOn ? -1 : 1;
  if (a.rule !== b.rule) return a.rule < b.rule ? -1 : 1;
  if (a.metric !== b.metric) return a.metric < b.metric ? -1 : 1;
  return a.seq - b.seq;
}

/** What the person's cap leaves: the cap less their valid claims so far (contract-wide claims aside). */
function personRoom(cap: number, paid: ReadonlyMap<string, bigint>): bigint {
  let used = 0n;
  for (const [key, amount] of paid) {
    if (!CONTRACT_RULES.includes(key.split("|")[0] ?? "")) used += amount;
  }
  return BigInt(cap) - used;
}

/**
 * The claims a run records for one participant (valid and refused), and the recoveries it raises:
 * the model's candidates, less keys validly claimed before and refusals recorded before. For outcome
 * prices, `room` is what the contract's cap leaves, used up by the valid claims made here.
 */
export function participantClaims(
  model: ModelDefinition,
  participant: EngineParticipant,
  events: readonly EngineEvent[],
  ctx: ParticipantContext,
  room: ContractRoom = { pence: 0n },
): { claims: EngineClaim[]; recoveries: EngineRecovery[] } {
  const usable = usableEvents(events, ctx.periodEnd);
  const recoveries: EngineRecovery[] = [];
  let candidates: EngineClaim[];
  if (model.kind === "tariff") candidates = tariffCandidates(model, participant, usable, ctx);
  else if (model.kind === "fee-for-service") candidates = serviceCandidates(model, participant, usable, ctx);
  else candidates = outcomePriceCandidates(model, participant, usable, ctx, recoveries);

  const fresh = candidates.filter((c) => !ctx.paid.has(claimKey(c.rule, c.metric, c.seq))).sort(inClaimOrder);
  if (model.kind === "outcome-prices") {
    let person = personRoom(model.capPerPerson.pence, ctx.paid);
    // At most `maxPerPerson` valid claims of a metric: those paid before count first.
    const counted = new Map<string, number>();
    for (const key of ctx.paid.keys()) {
      const [rule, metric] = key.split("|");
      if (rule === "outcome" || rule === "proxy")
        counted.set(`${rule}|${metric}`, (counted.get(`${rule}|${metric}`) ?? 0) + 1);
    }
    const maxOf = new Map(model.metrics.map((m) => [m.code, m.maxPerPerson]));
    for (const claim of fresh) {
      const kind = `${claim.rule}|${claim.metric}`;
      if ((counted.get(kind) ?? 0) >= (maxOf.get(claim.metric) ?? Number.POSITIVE_INFINITY))
        claim.problems = PROBLEM_CODES.filter((code) => code === "over-cap" || claim.problems.includes(code));
      if (claim.problems.length > 0) continue;
      if (claim.amountPence > person || claim.amountPence > room.pence) {
        claim.problems = ["over-cap"];
        continue;
      }
      person -= claim.amountPence;
      room.pence -= claim.amountPence;
      counted.set(kind, (counted.get(kind) ?? 0) + 1);
    }
  }
  const claims = fresh.filter(
    (c) => c.problems.length === 0 || !ctx.recorded.has(claimKey(c.rule, c.metric, c.seq)),
  );
  return { claims, recoveries };
}

/* ---------------------------------------------------------------------------------------------
 * The contract as a whole: cohorts against a comparison group, and the fee-for-service year.
 * ------------------------------------------------------------------------------------------- */

/** A cohort's figures, as the run reads them. */
export interface CohortFigures {
  cohort: string;
  /** Its participants, and those with neither a reconviction nor a no-reconviction event. */
  participants: number;
  untracked: number;
  /** Reconviction events counted (the values of usable 'reconviction' events within the window). */
  events: number;
  /** The day the last participant's window closes: the cohort's result is final after it. */
  closesOn: string;
  /** The comparison group's rate (events per 100 in hundredths), or null until recorded. */
  comparisonCenti: number | null;
  /** The participant the cohort's claim is kept against (the first by id). */
  firstParticipantId: string;
}

/** Whether the fall from the comparison reaches `bp`, exactly: (comp·n − events·10⁴)·10⁴ ≥ bp·comp·n. */
export function fallReaches(
  comparisonCenti: bigint,
  participants: bigint,
  events: bigint,
  bp: number,
): boolean {
  const expected = comparisonCenti * participants;
  if (expected === 0n) return false;
  return (expected - events * 10_000n) * 10_000n >= BigInt(bp) * expected;
}

/** Reconviction events avoided (whole events, rounded down): comp·n/10⁴ − events. */
export function eventsAvoided(comparisonCenti: bigint, participants: bigint, events: bigint): bigint {
  const avoided = (comparisonCenti * participants - events * 10_000n) / 10_000n;
  return avoided > 0n ? avoided : 0n;
}

/**
 * Peterborough: once a cohort's result is final (its comparison figure recorded and its last window
 * closed), it is paid on its own (`cohort`, metric = the cohort) when its fall reaches
 * `singleCohortBp`: the events avoided × the price. Once every cohort is final, the pooled fall is
 * tested against `pooledBp` and pays (`pooled`) the pooled events avoided × the price less what the
 * cohorts were paid on their own. A cohort with untracked participants is refused `evidence-missing`;
 * one beyond the contract's cap `over-cap`. `paid`: the contract's valid 'cohort' and 'pooled' claims so
 * far, by key (`claimKey`), with their amounts: those are not claimed again.
 */
export function cohortClaims(
  threshold: CohortThreshold,
  cohorts: readonly CohortFigures[],
  periodEnd: string,
  paid: ReadonlyMap<string, bigint>,
  room: ContractRoom,
): EngineClaim[] {
  const price = BigInt(threshold.pricePerEventAvoided.pence);
  const sorted = [...cohorts].sort((a, b) => (a.cohort < b.cohort ? -1 : a.cohort > b.cohort ? 1 : 0));
  const final = sorted.filter((c) => c.comparisonCenti !== null && c.closesOn <= periodEnd);
  const claims: EngineClaim[] = [];
  let paidAlone = 0n;
  for (const [key, amount] of paid) if (key.startsWith("cohort|")) paidAlone += amount;
  const take = (claim: EngineClaim): void => {
    if (claim.problems.length === 0) {
      if (claim.amountPence > room.pence) claim.problems = ["over-cap"];
      else room.pence -= claim.amountPence;
    }
    claims.push(claim);
  };
  for (const c of final) {
    if (paid.has(claimKey("cohort", c.cohort, 1))) continue;
    const comp = BigInt(c.comparisonCenti ?? 0);
    const n = BigInt(c.participants);
    const events = BigInt(c.events);
    if (!fallReaches(comp, n, events, threshold.singleCohortBp)) continue;
    const amount = eventsAvoided(comp, n, events) * price;
    if (amount === 0n) continue;
    const claim: EngineClaim = {
      participantId: c.firstParticipantId,
      rule: "cohort",
      metric: c.cohort,
      seq: 1,
      achievedOn: c.closesOn,
      amountPence: amount,
      eventIds: [],
      problems: c.untracked > 0 ? ["evidence-missing"] : [],
    };
    take(claim);
    if (claim.problems.length === 0) paidAlone += amount;
  }
  const first = sorted[0];
  if (first && final.length === sorted.length && !paid.has(claimKey("pooled", "", 1))) {
    const expected = sorted.reduce(
      (sum, c) => sum + BigInt(c.comparisonCenti ?? 0) * BigInt(c.participants),
      0n,
    );
    const events = sorted.reduce((sum, c) => sum + BigInt(c.events), 0n);
    // Pooled over all cohorts: the same tests with n = 1 and the expected events summed.
    if (fallReaches(expected, 1n, events, threshold.pooledBp)) {
      const amount = eventsAvoided(expected, 1n, events) * price - paidAlone;
      if (amount > 0n) {
        take({
          participantId: first.firstParticipantId,
          rule: "pooled",
          metric: "",
          seq: 1,
          achievedOn: sorted.reduce((day, c) => (c.closesOn > day ? c.closesOn : day), first.closesOn),
          amountPence: amount,
          eventIds: [],
          problems: sorted.some((c) => c.untracked > 0) ? ["evidence-missing"] : [],
        });
      }
    }
  }
  return claims;
}

/** A contract year of a fee-for-service model: its first and last days. */
export interface ContractYear {
  start: string;
  end: string;
}

/** The contract years whose last day falls in the period (reconciled by the period's run). */
export function yearsEndingIn(periodStart: string, periodEnd: string, yearStarts: string): ContractYear[] {
  const years: ContractYear[] = [];
  const last = Number(periodEnd.slice(0, 4));
  for (let y = last - 2; y <= last; y++) {
    const start = `${y}-${yearStarts}`;
    const end = addDays(`${y + 1}-${yearStarts}`, -1);
    if (end >= periodStart && end <= periodEnd) years.push({ start, end });
  }
  return years;
}

/**
 * The contract years ended by `periodEnd` that hold `firstDay` or come after it: each run reconciles
 * them all again, so deliveries recorded after a year's first reconciliation are reconciled too.
 */
export function yearsEndedBy(firstDay: string, periodEnd: string, yearStarts: string): ContractYear[] {
  const years: ContractYear[] = [];
  for (let y = Number(firstDay.slice(0, 4)) - 1; y <= Number(periodEnd.slice(0, 4)); y++) {
    const start = `${y}-${yearStarts}`;
    const end = addDays(`${y + 1}-${yearStarts}`, -1);
    if (end >= firstDay && end <= periodEnd) years.push({ start, end });
  }
  return years;
}

/** The band a year's units fall in. */
export function bandFor(bands: readonly VolumeBand[], units: bigint): VolumeBand | undefined {
  return bands.find(
    (b) => units >= BigInt(b.fromUnits) && (b.toUnits === null || units <= BigInt(b.toUnits)),
  );
}

/**
 * The yearly reconciliation: the year's units (of valid 'service' claims) at the band's price, less
 * what was paid on account and what earlier reconciliations of the year settled (top-ups less
 * claw-backs): a top-up when positive, a claw-back when negative, nothing when settled.
 */
export function reconcileYear(
  model: FeeForServiceDefinition,
  units: bigint,
  onAccountPence: bigint,
  settledPence = 0n,
): { band: VolumeBand | undefined; duePence: bigint; differencePence: bigint } {
  const band = bandFor(model.bands, units);
  const duePence = band ? units * BigInt(band.perUnit.pence) : onAccountPence + settledPence;
  return { band, duePence, differencePence: duePence - onAccountPence - settledPence };
}
