/**
 * Redress's open figures (issue 18, item 6; docs/redress.md, "Open figures and published decisions"):
 * per body — a provider (the complaints about it, whoever answered) or an authority (those it
 * answered) — over the complaints received in the last 12 months (from the same date a year ago to
 * today): per regime and stage, the acknowledgements and answers on time or late (the deadline as
 * extended; extensions counted), the findings and the upheld rate; the steps overdue today; and at
 * the second tier the cases escalated, the ombudsmen's findings, the remedies ordered, complied with
 * on time and overdue. Counts of 1 to 9 are suppressed by the one rule (src/lib/small-numbers.ts).
 *
 * National scale: a body's figures are read by its indexes (a handful of grouped reads over its own
 * complaints, cases and remedies) and kept `FIGURES_MAX_AGE_MS` (`keptFor`; the page shows when they
 * were counted); several bodies' headlines (Find a service, an area) in one grouped read of each.
 * Nothing personal: counts only. Public, except the regulator's view (its staff).
 */
import type { Db } from "../../db/database.ts";
import { decodeTimeKey, encodeKey } from "../../db/paging.ts";
import type { Clock } from "../../lib/clock.ts";
import { NotFoundError } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { type Kept, keptFor } from "../../lib/kept.ts";
import { addMonths, londonToday } from "../../lib/london-time.ts";
import type { Panel } from "../../lib/ports.ts";
import { hiddenCells, type Identity } from "../../lib/small-numbers.ts";
import { requireSignedIn } from "../access/access.service.ts";
import type { Ctx } from "../access/context.ts";
import { authorityBySlug } from "../authorities/authorities.service.ts";
import { organisationsByIds } from "../organisations/organisations.service.ts";
import {
  providersInArea,
  providersRegisteredBy,
  registersProvider,
  regulatorOf,
  requireRegulatorStaff,
} from "../regulation/regulation.service.ts";
import * as repo from "./figures.repository.ts";
import type { CaseFinding } from "./redress.table.ts";
import { REGIMES, type RegimeCode } from "./regimes.ts";

export type { BodySide } from "./figures.repository.ts";

/** The months the figures look back over. */
export const FIGURES_MONTHS = 12;
/** How long a body's figures are kept before they are counted again: ten minutes. */
export const FIGURES_MAX_AGE_MS = 10 * 60_000;

/** A count as published: null when 1 to 9 (suppressed). */
export type Shown = number | null;

export interface StepFigures {
  onTime: Shown;
  late: Shown;
  /** Not done yet (or, for an acknowledgement, not needed once a late complaint was declined). */
  notYet: Shown;
}

export interface StageFigures {
  regime: RegimeCode;
  stage: number;
  received: Shown;
  /** Null where the regime's stage has no acknowledgement step. */
  acknowledged: StepFigures | null;
  answered: StepFigures;
  extended: Shown;
  upheld: Shown;
  partlyUpheld: Shown;
  notUpheld: Shown;
  upheldRateBp: number | null;
}

export interface SecondTierFigures {
  escalated: Shown;
  decided: Shown;
  findings: { finding: CaseFinding; count: Shown }[];
  remediesOrdered: Shown;
  remediesOnTime: Shown;
  remediesLate: Shown;
  remediesNotYet: Shown;
  remediesOverdue: Shown;
}

/** The headline: complaints received, answers, upheld (in full or in part) and the rate. */
export interface Headline {
  received: Shown;
  answered: Shown;
  upheld: Shown;
  upheldRateBp: number | null;
}

export interface FiguresBody {
  kind: repo.BodySide;
  id: string;
  name: string;
  /** An authority's Welsh name, where it has one (the Welsh pages show it). */
  welshName: string | null;
  /** An authority's slug (its page's address). */
  slug: string | null;
}

export interface BodyFigures {
  body: FiguresBody;
  /** The first day of the 12 months, and today. */
  from: string;
  to: string;
  headline: Headline;
  stages: StageFigures[];
  overdueSteps: Shown;
  secondTier: SecondTierFigures;
  countedAt: Date;
}

export interface Counted {
  from: string;
  to: string;
  stages: repo.StageCountRow[];
  overdue: number;
  cases: repo.CaseCountRow | undefined;
  remedies: repo.RemedyCountRow | undefined;
}

/** The first day of the 12 months to `today`. */
function periodFrom(today: string): string {
  return addMonths(today, -FIGURES_MONTHS);
}

/** Several bodies' counts, four grouped reads in all. */
async function countBodies(
  db: Db,
  side: repo.BodySide,
  ids: readonly string[],
  today: string,
): Promise<Map<string, Counted>> {
  const from = periodFrom(today);
  const stages = await repo.stageCounts(db, side, ids, from);
  const overdue = await repo.overdueCounts(db, side, ids, today);
  const cases = await repo.caseCounts(db, side, ids, from);
  const remedies = await repo.remedyCounts(db, side, ids, from, today);
  return new Map(
    ids.map((id) => [
      id,
      {
        from,
        to: today,
        stages: stages.filter((s) => s.body_id === id),
        overdue: overdue.get(id) ?? 0,
        cases: cases.get(id),
        remedies: remedies.get(id),
      },
    ]),
  );
}

/** The figures as published, the counts as counted: what `publish` fills in. */
export type Published = Pick<BodyFigures, "headline" | "stages" | "overdueSteps" | "secondTier">;

/**
 * A body's counts as published, suppressed across the whole of them (src/lib/small-numbers.ts,
 * `hiddenCells`): every count published (the headline, each stage's received, acknowledgements,
 * answers and findings, the second tier's) is a cell, and every way they add up is an identity — a
 * stage's received is its answers on time, late and not yet, and also its findings and not yet, and
 * its acknowledgements; the headline's received, answers and upheld are the stages' added up; the
 * cases decided are their findings; the remedies ordered are those complied with on time, late and
 * not yet. No hidden cell follows from what is shown. A rate is shown only beside the counts it is
 * made of, each shown (so it gives nothing away).
 */
export function publish(c: Pick<Counted, "stages" | "overdue" | "cases" | "remedies">): Published {
  const counts: number[] = [];
  const identities: Identity[] = [];
  const cell = (count: number) => counts.push(count) - 1;
  const sumsTo = (total: number, parts: readonly number[]) =>
    identities.push({ cells: [total, ...parts], signs: [1, ...parts.map(() => -1)] });
  const hRec = cell(c.stages.filter((s) => s.stage === 1).reduce((t, s) => t + s.stages, 0));
  const hAns = cell(c.stages.reduce((t, s) => t + s.upheld + s.partlyUpheld + s.notUpheld, 0));
  const hUp = cell(c.stages.reduce((t, s) => t + s.upheld + s.partlyUpheld, 0));
  const rows = c.stages.map((s) => {
    const r = {
      received: cell(s.stages),
      ack:
        s.ackDue === 0
          ? null
          : [cell(s.ackOnTime), cell(s.ackLate), cell(s.ackDue - s.ackOnTime - s.ackLate)],
      answer: [
        cell(s.answeredOnTime),
        cell(s.answeredLate),
        cell(s.answerable - s.answeredOnTime - s.answeredLate),
      ],
      extended: cell(s.extended),
      findings: [cell(s.upheld), cell(s.partlyUpheld), cell(s.notUpheld)],
    };
    const notYet = r.answer[2] as number;
    // Where a provider's commissioner answered some, its steps add up to those it answers (not
    // published: taken as known all the same), and the findings to those answered by either.
    if (s.answerable === s.stages) {
      sumsTo(r.received, r.answer);
      sumsTo(r.received, [...r.findings, notYet]);
    } else {
      identities.push({ cells: r.answer });
      identities.push({ cells: r.findings });
    }
    if (r.ack)
      if (s.ackDue === s.stages) sumsTo(r.received, r.ack);
      else identities.push({ cells: r.ack });
    return r;
  });
  sumsTo(
    hRec,
    rows.filter((_, i) => c.stages[i]?.stage === 1).map((r) => r.received),
  );
  sumsTo(
    hAns,
    rows.flatMap((r) => r.findings),
  );
  sumsTo(
    hUp,
    rows.flatMap((r) => r.findings.slice(0, 2)),
  );
  const overdue = cell(c.overdue);
  const found = Object.entries(c.cases?.findings ?? {}) as [CaseFinding, number][];
  const escalated = cell(c.cases?.escalated ?? 0);
  const decided = cell(c.cases?.decided ?? 0);
  const findings = found.map(([, count]) => cell(count));
  sumsTo(decided, findings);
  const r = c.remedies ?? { ordered: 0, compliedOnTime: 0, compliedLate: 0, overdue: 0 };
  const ordered = cell(r.ordered);
  const remedies = [
    cell(r.compliedOnTime),
    cell(r.compliedLate),
    cell(r.ordered - r.compliedOnTime - r.compliedLate),
  ];
  sumsTo(ordered, remedies);
  const remediesOverdue = cell(r.overdue);

  const hidden = hiddenCells(counts, identities);
  const shown = (i: number): Shown => (hidden[i] ? null : (counts[i] ?? 0));
  const sum = (at: readonly number[]) => at.reduce((t, i) => t + (counts[i] ?? 0), 0);
  /** The share upheld in basis points: only when the counts it is made of (`made`) are each shown. */
  const rate = (upheld: readonly number[], answered: readonly number[], made: readonly number[]) =>
    made.some((i) => hidden[i]) || sum(answered) === 0
      ? null
      : Math.round((sum(upheld) * 10_000) / sum(answered));
  const step = (at: readonly number[]): StepFigures => ({
    onTime: shown(at[0] as number),
    late: shown(at[1] as number),
    notYet: shown(at[2] as number),
  });
  return {
    headline: {
      received: shown(hRec),
      answered: shown(hAns),
      upheld: shown(hUp),
      upheldRateBp: rate([hUp], [hAns], [hUp, hAns]),
    },
    stages: c.stages.map((s, i) => {
      const row = rows[i] as (typeof rows)[number];
      const [upheld, partly, notUpheld] = row.findings as [number, number, number];
      return {
        regime: s.regime,
        stage: s.stage,
        received: shown(row.received),
        acknowledged: row.ack ? step(row.ack) : null,
        answered: step(row.answer),
        extended: shown(row.extended),
        upheld: shown(upheld),
        partlyUpheld: shown(partly),
        notUpheld: shown(notUpheld),
        upheldRateBp: rate([upheld, partly], row.findings, row.findings),
      };
    }),
    overdueSteps: shown(overdue),
    secondTier: {
      escalated: shown(escalated),
      decided: shown(decided),
      findings: found.map(([finding], i) => ({ finding, count: shown(findings[i] as number) })),
      remediesOrdered: shown(ordered),
      remediesOnTime: shown(remedies[0] as number),
      remediesLate: shown(remedies[1] as number),
      remediesNotYet: shown(remedies[2] as number),
      remediesOverdue: shown(remediesOverdue),
    },
  };
}

/** Each kept count published once (the suppression solves its identities): while the count is kept. */
const publishedOf = new WeakMap<Counted, Published>();

function published(c: Counted): Published {
  let p = publishedOf.get(c);
  if (!p) {
    p = publish(c);
    publishedOf.set(c, p);
  }
  return p;
}

function figuresOf(body: FiguresBody, counted: Kept<Counted>): BodyFigures {
  const c = counted.value;
  return { body, from: c.from, to: c.to, ...published(c), countedAt: counted.countedAt };
}

const keptBodies = keptFor<Db, Counted>(FIGURES_MAX_AGE_MS, { names: 2000 });

function keptCounts(db: Db, clock: Clock, side: repo.BodySide, id: string): Promise<Kept<Counted>> {
  return keptBodies.get(
    db,
    clock.now(),
    async () => {
      const counted = await countBodies(db, side, [id], londonToday(clock));
      return counted.get(id) as Counted;
    },
    `${side}:${id}`,
  );
}

/** An authority's open figures of complaints (404 for an unknown slug, a regulator or an ombudsman). Public. */
export async function authorityFigures(ctx: Ctx, slug: string): Promise<BodyFigures> {
  const authority = await authorityBySlug(ctx.db, slug);
  const body: FiguresBody = {
    kind: "authority",
    id: authority.id,
    name: authority.name,
    welshName: authority.welsh_name,
    slug: authority.slug,
  };
  return figuresOf(body, await keptCounts(ctx.db, ctx.clock, "authority", authority.id));
}

/** A provider's open figures of complaints (404 for an unknown or malformed id). Public. */
export async function organisationFigures(ctx: Ctx, organisationId: string): Promise<BodyFigures> {
  const organisation = (await organisationsByIds(ctx.db, [organisationId])).get(organisationId);
  if (!organisation) throw new NotFoundError("organisation");
  const body: FiguresBody = {
    kind: "organisation",
    id: organisation.id,
    name: organisation.name,
    welshName: null,
    slug: null,
  };
  return figuresOf(body, await keptCounts(ctx.db, ctx.clock, "organisation", organisation.id));
}

const keptHeadlines = keptFor<Db, Map<string, Headline>>(FIGURES_MAX_AGE_MS, { names: 500 });

/** Providers' headlines together (Find a service's page, an area's providers): four grouped reads, kept. */
export async function providerHeadlines(
  db: Db,
  clock: Clock,
  organisationIds: readonly string[],
): Promise<Map<string, Headline>> {
  const ids = [...new Set(organisationIds.filter(isUuid))].sort();
  if (ids.length === 0) return new Map();
  const kept = await keptHeadlines.get(
    db,
    clock.now(),
    async () => {
      const counted = await countBodies(db, "organisation", ids, londonToday(clock));
      return new Map([...counted].map(([id, c]) => [id, publish(c).headline]));
    },
    ids.join(","),
  );
  return kept.value;
}

/** On a provider's public profile, beside its ratings (redress's panel): its headline and the link to its figures. */
export async function complaintFiguresPanel(db: Db, clock: Clock, organisationId: string): Promise<Panel> {
  const counted = await keptCounts(db, clock, "organisation", organisationId);
  return {
    template: "redress/views/partials/profile-figures.njk",
    context: {
      complaintHeadline: published(counted.value).headline,
      complaintFiguresUrl: `/complaints/figures/organisations/${organisationId}`,
      complaintFiguresCountedAt: counted.countedAt,
    },
  };
}

/** Find a service (regulation's `providerExtras`): "Complaints upheld: n of m in 12 months" for each provider. */
export async function complaintExtras(
  ctx: Pick<Ctx, "db" | "clock">,
  organisationIds: readonly string[],
): Promise<{ organisationId: string; template: string; context: Record<string, unknown> }[]> {
  const headlines = await providerHeadlines(ctx.db, ctx.clock, organisationIds);
  return [...headlines].map(([organisationId, complaintHeadline]) => ({
    organisationId,
    template: "redress/views/partials/find-complaints.njk",
    context: {
      complaintHeadline,
      complaintFiguresUrl: `/complaints/figures/organisations/${organisationId}`,
    },
  }));
}

/** How many providers an area's panel lists: the first, by name. */
export const AREA_PROVIDERS = 20;

/** On an area's figures (voice's `areaPanels`): the headlines of the first providers with a location there. */
export async function areaComplaintsPanel(db: Db, clock: Clock, areaCode: string): Promise<Panel> {
  const providers = await providersInArea(db, areaCode, AREA_PROVIDERS + 1);
  const first = providers.slice(0, AREA_PROVIDERS);
  const headlines = await providerHeadlines(
    db,
    clock,
    first.map((p) => p.id),
  );
  return {
    template: "redress/views/partials/area-complaints.njk",
    context: {
      areaComplaints: first.map((p) => ({
        ...p,
        headline: headlines.get(p.id),
        url: `/complaints/figures/organisations/${p.id}`,
      })),
      areaComplaintsMore: providers.length > AREA_PROVIDERS,
    },
  };
}

// The open dataset: every body's figures, a page of bodies at a time

/** One figure of one body (and regime and stage, where it has them), as the dataset publishes it. */
export interface FigureRow {
  bodyType: repo.BodySide;
  bodyId: string;
  periodFrom: string;
  periodTo: string;
  regime: RegimeCode | null;
  stage: number | null;
  figure: string;
  count: Shown;
}

/** A body's figures as the dataset's rows (only those with something counted). */
export function figureRows(
  f: Pick<BodyFigures, "body" | "from" | "to" | "stages" | "overdueSteps" | "secondTier">,
) {
  const base = { bodyType: f.body.kind, bodyId: f.body.id, periodFrom: f.from, periodTo: f.to };
  const rows: FigureRow[] = [];
  for (const s of f.stages) {
    const at = { ...base, regime: s.regime, stage: s.stage };
    const add = (figure: string, count: Shown) => rows.push({ ...at, figure, count });
    add("received", s.received);
    if (s.acknowledged) {
      add("acknowledged-on-time", s.acknowledged.onTime);
      add("acknowledged-late", s.acknowledged.late);
    }
    add("answered-on-time", s.answered.onTime);
    add("answered-late", s.answered.late);
    add("extended", s.extended);
    add("upheld", s.upheld);
    add("partly-upheld", s.partlyUpheld);
    add("not-upheld", s.notUpheld);
  }
  const add = (figure: string, count: Shown) =>
    rows.push({ ...base, regime: null, stage: null, figure, count });
  add("overdue-steps", f.overdueSteps);
  const t = f.secondTier;
  add("escalated", t.escalated);
  for (const finding of t.findings) add(`finding-${finding.finding}`, finding.count);
  add("remedies-ordered", t.remediesOrdered);
  add("remedies-complied-on-time", t.remediesOnTime);
  add("remedies-complied-late", t.remediesLate);
  add("remedies-overdue", t.remediesOverdue);
  return rows;
}

/** Bodies a page of the dataset reads. */
const DATASET_BODIES = 200;

/** The dataset's pages kept (each page of bodies, by its day, side and first key): counted once a while, not per download. */
const keptPages = keptFor<Db, { ids: string[]; rows: FigureRow[] }>(FIGURES_MAX_AGE_MS, { names: 5000 });

/**
 * The dataset's rows: providers then authorities, a page of bodies at a time in id order. Each page
 * (its bodies and their rows) is kept `FIGURES_MAX_AGE_MS`, as a body's figures are: downloads in the
 * meantime read what was counted, never the complaints again.
 */
export async function* complaintFigureRows(ctx: Pick<Ctx, "db" | "clock">): AsyncGenerator<FigureRow[]> {
  const today = londonToday(ctx.clock);
  for (const side of ["organisation", "authority"] as const) {
    let after: string | undefined;
    for (;;) {
      const from = after;
      const page = await keptPages.get(
        ctx.db,
        ctx.clock.now(),
        async () => {
          const ids = await repo.bodiesAfter(ctx.db, side, from, DATASET_BODIES);
          const counted = await countBodies(ctx.db, side, ids, today);
          const rows = ids.flatMap((id) => {
            const c = counted.get(id) as Counted;
            return figureRows({
              body: { kind: side, id, name: "", welshName: null, slug: null },
              from: c.from,
              to: c.to,
              ...publish(c),
            });
          });
          return { ids, rows };
        },
        `${today}:${side}:${from ?? ""}`,
      );
      const { ids, rows } = page.value;
      if (ids.length === 0) break;
      yield rows;
      if (ids.length < DATASET_BODIES) break;
      after = ids[ids.length - 1];
    }
  }
}

// The regulator's view

/** Providers a page of the regulator's view lists. */
export const REGULATOR_PAGE = 25;

/**
 * The providers a regulator registers, a page in id order, each with its headline figures. Its staff
 * (and platform administrators) only: another regulator's staff are refused (403).
 */
export async function regulatorProviders(ctx: Ctx, regulatorId: string, after: string | undefined) {
  await requireRegulatorStaff(
    ctx,
    regulatorId,
    "see complaints about the providers this regulator registers",
  );
  const start = after && isUuid(after) ? after : undefined;
  const found = await providersRegisteredBy(ctx.db, regulatorId, start, REGULATOR_PAGE + 1);
  const page = found.slice(0, REGULATOR_PAGE);
  const headlines = await providerHeadlines(
    ctx.db,
    ctx.clock,
    page.map((p) => p.id),
  );
  return {
    regulatorId,
    providers: page.map((p) => ({ ...p, headline: headlines.get(p.id) })),
    next: found.length > REGULATOR_PAGE ? (page[page.length - 1]?.id ?? null) : null,
  };
}

/**
 * The regimes in a regulator's remit: what the regulators on OpenPS hold are registrations of care
 * and health services (their service types), so the complaints a regulator sees are those about the
 * care itself — NHS and adult social care, and children's social care. Social housing, a council's
 * own functions and commissioning are no registration's business (docs/redress.md, "The regulator's view").
 */
export const REGULATED_REGIMES: readonly RegimeCode[] = ["nhs-adult-social-care", "children-social-care"];

/** Complaints a page of the regulator's view of a provider lists. */
export const REGULATED_COMPLAINTS_PAGE = 25;

/**
 * A provider the regulator registers now (a current registration): its figures and its complaints in
 * the regimes of the regulator's remit received over the figures' 12 months, newest first, a page by key —
 * reference, regime, stage, status, dates and finding; never the complainant's name, contact or
 * words. 404 for a provider it does not register (before 403 to anyone not its staff).
 */
export async function regulatorProviderComplaints(
  ctx: Ctx,
  regulatorId: string,
  organisationId: string,
  afterText: string | undefined,
) {
  // 401, then 404 (an unknown regulator, or a provider it does not register: public facts), then 403.
  requireSignedIn(ctx.principal);
  await regulatorOf(ctx, regulatorId);
  if (!isUuid(organisationId) || !(await registersProvider(ctx.db, regulatorId, organisationId)))
    throw new NotFoundError("provider");
  await requireRegulatorStaff(
    ctx,
    regulatorId,
    "see complaints about the providers this regulator registers",
  );
  const figures = await organisationFigures(ctx, organisationId);
  const after = decodeTimeKey(afterText, "after");
  const found = await repo.complaintsAboutProvider(
    ctx.db,
    organisationId,
    { regimes: REGULATED_REGIMES, from: figures.from },
    after,
    REGULATED_COMPLAINTS_PAGE + 1,
  );
  const complaints = found.slice(0, REGULATED_COMPLAINTS_PAGE);
  const last = complaints[complaints.length - 1];
  return {
    regulatorId,
    figures,
    complaints,
    next:
      found.length > REGULATED_COMPLAINTS_PAGE && last
        ? encodeKey([last.created_at.toISOString(), last.id])
        : null,
  };
}

/** The regimes' names, for the pages. */
export const REGIME_NAMES = new Map(REGIMES.map((r) => [r.code, r.name]));
