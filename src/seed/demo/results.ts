/**
 * Demo payment by results (issue 19), made through the module's services as the people would, each
 * step on a clock set to its moment. The months are counted back from the month the demo is seeded
 * in (M0), so the demo stands the same whatever day it is seeded.
 *
 * 1. A Work Programme of the Department for Work and Skills (programme `work-programme`), two outcome
 *    fund contracts from M−10 with the Work Programme tariff (its minimum performance level made
 *    checkable after 7 months, at 20%):
 *    - WP-CPA-07, Westshire Community Health CIC (administered by the demo organisation
 *      administrator, Olu Adeyemi, who sends its evidence), second approval above £1,000;
 *    - WP-CPA-08, Nationwide Employment Services plc (its evidence sent by the department's data
 *      match), second approval above £25,000, and a raise to £30,000 proposed by Dev Malhotra
 *      waiting for a second person (the department's ceiling, set by Ruth Okonkwo, is £30,000).
 *    Participants in three payment groups referred from M−9 to M−2 (53 each); attachments, job starts and
 *    reports of weeks in work every four weeks (job outcomes after 26 or 13 weeks, sustainment
 *    payments after). One reference referred to both: attached by Westshire Community Health first,
 *    so Nationwide's later attachment is refused (`duplicate-participant`). Runs for M−9 to M−1,
 *    each started, computed, approved (by Dev Malhotra, and Ruth Okonkwo when two are needed) and
 *    paid; WP-CPA-07's M−1 run is computed and approved once, waiting for its second approval (the
 *    seed fails, saying so, should its payment ever be within the amount). A census audit (every
 *    claim: fewer than 30) of WP-CPA-07's M−4 run concluded in M−3, whose recovery the M−3 run takes.
 * 2. A social impact bond of Westshire County Council for an outcome fund (the demo's contracts
 *    linked to results started months ago, too late for a cohort's 12-month window to have closed),
 *    with Second Chance Kitchens CIC: the Peterborough model, cohort 1 referred from M−30 to M−25
 *    and cohort 2 from M−18 to M−8, reconvictions and their absence matched from police records,
 *    both comparison groups recorded; cohort 1 paid in the M−2 run (a fall of more than 10%),
 *    cohort 2 still being measured.
 * Fictional people, references and figures; no names in the results tables. Fixed ids (`id` below)
 * for the contracts, participants, evidence events, runs and the audit, so that every seeding makes
 * the same ones and docs/payment-by-results.md can link to them.
 */
import { type Clock, fixedClock } from "../../lib/clock.ts";
import { addDays, addMonths, londonToday } from "../../lib/london-time.ts";
import { formatPence } from "../../lib/money.ts";
import type { Principal } from "../../modules/access/access.service.ts";
import type { Ctx } from "../../modules/access/context.ts";
import {
  changeSecondApprovalAmount,
  setApprovalCeiling,
} from "../../modules/results/approval-amounts.service.ts";
import { auditOf, concludeAudit, recordFinding, startAudit } from "../../modules/results/audits.service.ts";
import {
  type EventDraft,
  type ParticipantDraft,
  recordEvents,
  referParticipants,
} from "../../modules/results/intake.service.ts";
import {
  PETERBOROUGH_SIB,
  type TariffDefinition,
  WORK_PROGRAMME_TARIFF,
} from "../../modules/results/models.ts";
import {
  addModelVersion,
  recordComparison,
  setUpOutcomeContract,
} from "../../modules/results/outcome-contracts.service.ts";
import { approveRun, computeRun, payRun, startRun } from "../../modules/results/runs.service.ts";
import type { Seed } from "../seed.ts";
import { DEMO_AUTHORITY } from "./authorities.ts";
import { DEMO_ORGANISATION, DEMO_USERS } from "./users.ts";

/** Nationwide Employment Services plc and Second Chance Kitchens CIC, from the demo organisations. */
const NATIONWIDE = "019a0000-0000-7000-8000-00000000b005";
const SECOND_CHANCE = "019a0000-0000-7000-8000-00000000b003";

/**
 * The demo's fixed ids, made as the other demo seeds make theirs: `…-0000000dNNNN`. The outcome
 * contracts are 1 to 3; participants from 1001 (WP-CPA-07's), 1101 (WP-CPA-08's), 1201 and 1301
 * (the bond's cohorts 1 and 2), each by its place in its list; runs from 2001 (WP-CPA-07's, M−9
 * first), 2011 (WP-CPA-08's) and 2021 (the bond's); the audit 2101; evidence events from 3001, in
 * the order they are sent.
 */
const id = (n: number) => `019a0000-0000-7000-8000-0000000d${String(n).padStart(4, "0")}`;

/** The run of a contract (0: WP-CPA-07, 1: WP-CPA-08, 2: the bond) for the month `back` months ago. */
const runId = (contract: number, back: number) => id(2001 + 10 * contract + (9 - back));

/** The demo's outcome contracts, runs and audit (fixed ids) and the reference referred to both Work Programme providers. */
export const DEMO_RESULTS = {
  /** WP-CPA-07: Westshire Community Health CIC (Olu Adeyemi's), its latest run waiting for a second approval. */
  workProgramme: id(1),
  /** WP-CPA-08: Nationwide Employment Services plc, its twin's attachment refused as a duplicate. */
  workProgrammeNationwide: id(2),
  /** SIB-RO-01: Westshire's social impact bond with Second Chance Kitchens CIC. */
  socialImpactBond: id(3),
  /** WP-CPA-07's runs: M−1's, waiting for its second approval; M−4's, audited; M−3's, taking the audit's recovery. */
  waitingRun: runId(0, 1),
  auditedRun: runId(0, 4),
  recoveringRun: runId(0, 3),
  /** The audit of WP-CPA-07's M−4 run. */
  audit: id(2101),
  /** The bond's run for M−2, paying cohort 1. */
  bondRun: runId(2, 2),
  twin: "WP-DUP-0001",
} as const;

const userOf = (role: string, scopeId: string) =>
  DEMO_USERS.find((u) => u.role === role && u.scopeId === scopeId)?.id as string;

const as = (userId: string, grants: Principal["grants"]): Principal => ({
  userId,
  displayName: "",
  grants,
  via: "session",
  twoFactor: true,
});

const staff = (role: "commissioner" | "authority-admin", authorityId: string) =>
  as(userOf(role, authorityId), [{ role, scopeType: "authority", scopeId: authorityId }]);

/** The Work Programme's tariff, its minimum performance level checkable within the demo's months. */
export const DEMO_WORK_PROGRAMME: TariffDefinition = {
  ...WORK_PROGRAMME_TARIFF,
  minimumPerformance: {
    outcome: "job-outcome",
    rateBp: 2000,
    withinMonths: 7,
    rule: "Contract schedule 6, para 1 (demo): 20% of a month's referrals reach a job outcome within 7 months",
  },
};

/** The references and payment groups the demo refers, month by month (deterministic, no randomness). */
const GROUPS = ["jsa-25-plus", "jsa-18-24", "esa-flow"] as const;

/** A small deterministic spread in [0, n): the same demo every time. */
const spread = (i: number, salt: number, n: number) => ((i * 7919 + salt * 104729 + 13) % 1009) % n;

interface Person {
  reference: string;
  group: (typeof GROUPS)[number];
  referredOn: string;
  events: { kind: string; value?: number; on: string }[];
}

/**
 * The participants of one Work Programme contract: `perMonth` referred in each of `months` months
 * from `first`; most attached within a fortnight, some starting work, whose weeks in work are
 * reported every four weeks up to `lastDay` (a few leave their job).
 */
function workProgrammePeople(prefix: string, salt: number, first: string, lastDay: string): Person[] {
  const people: Person[] = [];
  const perMonth = [8, 8, 7, 7, 6, 6, 5, 5];
  let n = 0;
  for (const [m, count] of perMonth.entries()) {
    const month = addMonths(first, m);
    for (let k = 0; k < count; k++) {
      n++;
      const i = n + salt * 100;
      const referredOn = addDays(month, 2 + spread(i, 1, 24));
      // The first month's referrals are half new ESA claimants (13 weeks to a job outcome).
      const group = (m === 0 && k % 2 === 0 ? "esa-flow" : GROUPS[(n + salt) % 3]) as Person["group"];
      const events: Person["events"] = [];
      // One in eight never attached (never started on the programme).
      if (spread(i, 2, 8) !== 0) {
        const attached = addDays(referredOn, 3 + spread(i, 3, 12));
        events.push({ kind: "attachment", on: attached });
        // Earlier months find work more often (the first months' cohorts had the most time).
        const works = spread(i, 4, 10) < (m === 1 ? 1 : m === 0 ? 8 : 6);
        if (works) {
          const started = addDays(attached, 7 + spread(i, 5, 21));
          events.push({ kind: "job-start", on: started });
          const leaves = spread(i, 6, 5) === 0 ? 12 + 4 * spread(i, 7, 4) : Number.POSITIVE_INFINITY;
          for (let weeks = 4; weeks <= leaves; weeks += 4) {
            const on = addDays(started, weeks * 7);
            if (on > lastDay) break;
            events.push({ kind: "in-work", value: weeks, on });
          }
          if (Number.isFinite(leaves) && addDays(started, leaves * 7 + 3) <= lastDay)
            events.push({ kind: "job-end", on: addDays(started, leaves * 7 + 3) });
        }
      }
      people.push({ reference: `${prefix}-${String(n).padStart(4, "0")}`, group, referredOn, events });
    }
  }
  return people;
}

export const demoResultsSeed: Seed = {
  name: "demo-results",
  description: "Demo payment by results: a Work Programme and a social impact bond, paid month by month",
  demo: true,
  async run({ ctx }) {
    const now = ctx.clock.now();
    const today = londonToday(ctx.clock);
    const m0 = `${today.slice(0, 8)}01`;
    const monthOf = (back: number) => addMonths(m0, -back);
    const lastDayOf = (month: string) => addDays(addMonths(month, 1), -1);
    /** A moment on a day (09:00 UTC plus `minutes`), never later than the seed's own moment. */
    const at = (day: string, minutes = 0): Clock => {
      const moment = new Date(Date.parse(`${day}T09:00:00Z`) + minutes * 60_000);
      return fixedClock(moment < now ? moment : new Date(now.getTime() - 1000)) as Clock;
    };
    const acting = (principal: Principal, clock: Clock): Ctx => ({ ...ctx, clock, principal });

    // 1. The Work Programme.
    const dws = DEMO_AUTHORITY.department;
    const dev = staff("commissioner", dws);
    const ruth = staff("authority-admin", dws);
    const olu = as(userOf("organisation-admin", DEMO_ORGANISATION), [
      { role: "organisation-admin", scopeType: "organisation", scopeId: DEMO_ORGANISATION },
    ]);
    const startsOn = monthOf(10);
    const endsOn = addDays(addMonths(startsOn, 60), -1);
    const lastEvidence = lastDayOf(monthOf(1));
    const setUp = at(addDays(startsOn, -21));
    const contracts = [
      {
        id: DEMO_RESULTS.workProgramme,
        reference: "WP-CPA-07",
        organisationId: DEMO_ORGANISATION,
        title: "Work Programme, contract package area 7 (Westshire and Millbrook)",
        approvalAbove: "£1,000",
        sender: olu,
        people: workProgrammePeople("WP7", 0, monthOf(9), lastEvidence),
      },
      {
        id: DEMO_RESULTS.workProgrammeNationwide,
        reference: "WP-CPA-08",
        organisationId: NATIONWIDE,
        title: "Work Programme, contract package area 8 (Westshire and Millbrook)",
        approvalAbove: "£25,000",
        sender: dev,
        people: workProgrammePeople("WP8", 1, monthOf(9), lastEvidence),
      },
    ];
    // The same person referred to both providers: attached by the first, then by the second, later.
    const twin = DEMO_RESULTS.twin;
    const twinReferred = addDays(monthOf(7), 4);
    contracts[0]?.people.push({
      reference: twin,
      group: "jsa-25-plus",
      referredOn: twinReferred,
      events: [{ kind: "attachment", on: addDays(twinReferred, 5) }],
    });
    contracts[1]?.people.push({
      reference: twin,
      group: "jsa-25-plus",
      referredOn: addDays(twinReferred, 6),
      events: [{ kind: "attachment", on: addDays(twinReferred, 12) }],
    });
    // The department's ceiling for its contracts' second-approval amounts, set by its administrator.
    await setApprovalCeiling(acting(ruth, at(addDays(startsOn, -28))), dws, { ceiling: "£30,000" });
    // Each participant's fixed id, by contract and place in its list.
    const participantIds = contracts.map((c, i) => {
      if (c.people.length > 99) throw new RangeError("The demo's ids allow 99 participants a contract");
      return new Map(c.people.map((p, k) => [p.reference, id(1001 + 100 * i + k)]));
    });
    let eventsSent = 0;
    const eventIds = (n: number) => {
      if (eventsSent + n > 6999) throw new RangeError("The demo's ids allow 6,999 evidence events");
      return Array.from({ length: n }, () => id(3001 + eventsSent++));
    };
    for (const c of contracts) {
      await setUpOutcomeContract(
        acting(dev, setUp),
        dws,
        {
          fund: "Work Programme",
          organisationId: c.organisationId,
          reference: c.reference,
          title: c.title,
          programme: "work-programme",
          startsOn,
          endsOn,
          secondApprovalAbove: c.approvalAbove,
          referralShareBp: 5000,
        },
        { id: c.id },
      );
      await addModelVersion(acting(dev, setUp), dws, c.id, {
        kind: "tariff",
        definition: DEMO_WORK_PROGRAMME,
        effectiveFrom: startsOn,
        reason: "The Work Programme's tariff, as tendered",
      });
    }

    // Month by month: the month's referrals sent on its last day; its evidence on the 2nd of the next
    // month; the run started on the 3rd, computed, approved and paid.
    const audited = monthOf(4);
    for (let back = 9; back >= 1; back--) {
      const month = monthOf(back);
      const last = lastDayOf(month);
      const next = addMonths(month, 1);
      for (const [i, c] of contracts.entries()) {
        const contractId = c.id;
        const referred: ParticipantDraft[] = c.people
          .filter((p) => p.referredOn >= month && p.referredOn <= last)
          .map((p) => ({ reference: p.reference, paymentGroup: p.group, referredOn: p.referredOn }));
        if (referred.length > 0)
          await referParticipants(acting(dev, at(last)), dws, contractId, referred, {
            ids: referred.map((r) => participantIds[i]?.get(r.reference) as string),
          });
        const events: EventDraft[] = c.people.flatMap((p) =>
          p.events
            .filter((e) => e.on >= month && e.on <= last)
            .map((e) => ({
              participant: p.reference,
              kind: e.kind,
              value: e.value ?? null,
              occurredOn: e.on,
              sourceRef: `${p.reference}/${e.kind}/${e.on}`,
            })),
        );
        // Nationwide's evidence comes from the department's data match (its referral and benefit records).
        if (events.length > 0)
          await recordEvents(acting(c.sender, at(addDays(next, 1))), dws, contractId, events, {
            source: c.sender === dev ? "data-match" : undefined,
            ids: eventIds(events.length),
          });
        const running = at(addDays(next, 2));
        const run = await startRun(
          acting(dev, running),
          dws,
          contractId,
          { month: month.slice(0, 7) },
          { id: runId(i, back) },
        );
        await computeRun(acting(dev, at(addDays(next, 2), 5)), dws, contractId, run.id);
        const first = await approveRun(acting(dev, at(addDays(next, 2), 30)), dws, contractId, run.id);
        // The latest month of the first contract waits for its second approval: said loudly here
        // should the demo's figures ever make its payment within the contract's amount.
        if (back === 1 && i === 0) {
          if (first.status !== "computed")
            throw new Error(
              `The demo's run of ${c.reference} for ${month.slice(0, 7)} pays ${formatPence(BigInt(first.paymentPence))}, not more than its second-approval amount (${c.approvalAbove}): it would not wait for a second approval. Change the demo's figures or the amount.`,
            );
          continue;
        }
        if (first.status !== "approved")
          await approveRun(acting(ruth, at(addDays(next, 3))), dws, contractId, run.id);
        await payRun(acting(ruth, at(addDays(next, 3), 30)), dws, contractId, run.id);
        // The first contract's month audited: fewer than 30 claims, so every one is checked (a census);
        // two were not due, and the next run recovers what they were paid.
        const sampleSize = first.claimCount;
        if (i === 0 && month === audited && sampleSize >= 2) {
          const audit = await startAudit(
            acting(dev, at(addDays(next, 9))),
            dws,
            contractId,
            { period: month.slice(0, 7), sampleSize, seed: "demo-audit-2026" },
            { id: DEMO_RESULTS.audit },
          );
          const { items } = await auditOf(acting(dev, at(addDays(next, 9))), dws, contractId, audit.id);
          for (const [k, item] of items.entries())
            await recordFinding(acting(dev, at(addDays(next, 15), k)), dws, contractId, audit.id, {
              participantId: item.participant_id,
              rule: item.rule,
              metric: item.metric,
              seq: item.seq,
              found: k < 2 ? "£0.00" : formatPence(item.paid_pence),
              note:
                k < 2
                  ? "The employer's records show no job on the day the provider's evidence gives."
                  : "The evidence held matches the claim.",
            });
          await concludeAudit(acting(dev, at(addDays(next, 19))), dws, contractId, audit.id);
        }
      }
    }
    // A raise of WP-CPA-08's amount to the department's ceiling, proposed by Dev: Ruth confirms or refuses it.
    await changeSecondApprovalAmount(
      acting(dev, at(addDays(m0, 9))),
      dws,
      DEMO_RESULTS.workProgrammeNationwide,
      {
        amount: "£30,000",
      },
    );

    // 2. Westshire's social impact bond.
    const county = DEMO_AUTHORITY.county;
    const priya = staff("commissioner", county);
    const alan = staff("authority-admin", county);
    const sibStarts = monthOf(30);
    const sib = await setUpOutcomeContract(
      acting(priya, at(addDays(sibStarts, -30))),
      county,
      {
        fund: "Life Chances Fund",
        organisationId: SECOND_CHANCE,
        reference: "SIB-RO-01",
        title:
          "Reducing reoffending: through-the-gate support for short-sentence leavers (social impact bond)",
        programme: "westshire-reoffending",
        startsOn: sibStarts,
        endsOn: addDays(addMonths(sibStarts, 60), -1),
      },
      { id: DEMO_RESULTS.socialImpactBond },
    );
    await addModelVersion(acting(priya, at(addDays(sibStarts, -30))), county, sib, {
      kind: "outcome-prices",
      definition: PETERBOROUGH_SIB,
      effectiveFrom: sibStarts,
      reason: "The Peterborough model, as agreed with the investors",
    });
    // Cohort 1: 40 people released in M−30..M−25, 48 reconviction events (142.50 per 100 expected: 57,
    // a 15.8% fall: 9 events avoided, £18,000).
    // Cohort 2: 36 people released in M−18..M−8, their 12 months not all over yet.
    const cohorts = [
      { cohort: "1", people: 40, from: 30, months: 6, reconvicted: [3, 2, 2, 2, 1, 1, 1] },
      { cohort: "2", people: 36, from: 18, months: 11, reconvicted: [2, 1, 1] },
    ];
    for (const c of cohorts) {
      const people = Array.from({ length: c.people }, (_, k) => {
        const referredOn = addDays(addMonths(monthOf(c.from), k % c.months), 3 + ((k * 5) % 20));
        return { reference: `SIB-C${c.cohort}-${String(k + 1).padStart(3, "0")}`, referredOn, k };
      });
      const lastReferral = people.reduce((a, p) => (p.referredOn > a ? p.referredOn : a), "");
      await referParticipants(
        acting(priya, at(lastReferral)),
        county,
        sib,
        people.map((p) => ({
          reference: p.reference,
          paymentGroup: "adult-male",
          cohort: c.cohort,
          referredOn: p.referredOn,
        })),
        { ids: people.map((p) => id(1101 + 100 * Number(c.cohort) + p.k)) },
      );
      // Matched from police records each quarter: reconvictions within 12 months of release, or none.
      const matchedOn = addDays(monthOf(3), 5);
      const events: EventDraft[] = [];
      for (const p of people) {
        const count = c.reconvicted[p.k % 10] ?? 0;
        const windowEnds = addDays(p.referredOn, 365);
        if (count > 0) {
          const on = addDays(p.referredOn, 60 + ((p.k * 37) % 240));
          if (on <= matchedOn)
            events.push({
              participant: p.reference,
              kind: "reconviction",
              value: count,
              occurredOn: on,
              sourceRef: `pnc/${p.reference}/${on}`,
            });
        } else if (windowEnds < matchedOn)
          events.push({
            participant: p.reference,
            kind: "no-reconviction",
            occurredOn: windowEnds,
            sourceRef: `pnc/${p.reference}/none`,
          });
      }
      await recordEvents(acting(priya, at(matchedOn)), county, sib, events, {
        source: "data-match",
        ids: eventIds(events.length),
      });
      await recordComparison(acting(priya, at(addDays(monthOf(3), 6))), county, sib, {
        cohort: c.cohort,
        metric: "reconviction-events",
        ratePer100Centi: c.cohort === "1" ? 14_250 : 13_900,
        groupSize: c.cohort === "1" ? 1_180 : 1_020,
        source: "Ministry of Justice data lab: matched comparison group from the Police National Computer",
      });
    }
    const sibMonth = monthOf(2);
    const sibRun = at(addDays(monthOf(1), 4));
    const run = await startRun(
      acting(priya, sibRun),
      county,
      sib,
      { month: sibMonth.slice(0, 7) },
      { id: DEMO_RESULTS.bondRun },
    );
    await computeRun(acting(priya, at(addDays(monthOf(1), 4), 5)), county, sib, run.id);
    const approved = await approveRun(acting(priya, at(addDays(monthOf(1), 5))), county, sib, run.id);
    if (approved.status !== "approved")
      await approveRun(acting(alan, at(addDays(monthOf(1), 6))), county, sib, run.id);
    await payRun(acting(alan, at(addDays(monthOf(1), 6), 30)), county, sib, run.id);
  },
};
