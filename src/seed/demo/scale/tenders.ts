/**
 * Tenders of the demo scale-up, across the five years before the run's instant, each for a published
 * commissioning project of its own (with its pipeline notice) covering a service on the authority's
 * register, each at a stage of its life a national register shows in these proportions: most awarded
 * and contracted; some open for bids now; some closed awaiting opening, in evaluation, in standstill,
 * awarded awaiting their contract; some cancelled. Every step is written as the services write it,
 * with its time in order: published before the deadline; bids (sealed under the tender's keys, with
 * the bidder's registered interest) before it; opened by two bid openers after it; a compliance
 * decision for every bid, then evaluation (three compliant bids, or a justification), scores,
 * moderation; the award to the best-ranked bid (scoring.ts), with every bidder's assessment and the
 * standstill by the authority's nation's calendar; the contract entered after standstill, from the
 * first of the next month, with at least three KPIs above £5 million. A steps whose time is after
 * the run's instant is not there yet (a tender in evaluation has the scores made so far).
 *
 * The sealing keys: each tender's key pair comes from a small pool the run makes (its private key
 * wrapped under the master key bound to the tender, as publication wraps it), and its bids are
 * sealed with one key agreement per pair (`bulkSealer`); every bid still opens only with its own
 * tender's keys and as the bid it was sealed for. Real tenders have a key pair each.
 */

import { createHash, createSecretKey } from "node:crypto";
import type { Insertable } from "kysely";
import type { Database } from "../../../db/database.ts";
import { addDays, addMonths, londonDate, longDate } from "../../../lib/london-time.ts";
import { msg } from "../../../lib/messages.ts";
import { formatMoney, type Pence } from "../../../lib/money.ts";
import { standstillEnds } from "../../../lib/working-days.ts";
import { type Criterion, type Ranking, rankBids, showBp } from "../../../modules/evaluation/scoring.ts";
import { ocidFor } from "../../../modules/projects/projects.service.ts";
import { bidderTag, newTenderKey, type TenderKeyring } from "../../../modules/tenders/sealing.ts";
import { SERVICE_CATEGORIES } from "../../../modules/vocabularies/service-categories.ts";
import { COMMISSIONERS, categoryName, serviceIdOf } from "./commissioning.ts";
import { STRIDE, scaleId } from "./ids.ts";
import type { OrganisationPlan } from "./organisations.ts";
import { type Random, randomFor } from "./random.ts";
import type { LocationPlan } from "./regulation.ts";
import { after, between, DAY, HOUR, nonceOf, pounds, type ScaleRun, YEAR } from "./run.ts";
import { CANCEL_REASONS, CATEGORY_WORDS, EXCLUSION_REASONS, PLACES, TENDER_SUBJECTS } from "./words.ts";

type Row<T extends keyof Database> = Insertable<Database[T]>;
type AssessedCriterion = Row<"award_assessments">["criteria"][number];

export interface TenderRows {
  projects: Row<"projects">[];
  project_services: Row<"project_services">[];
  /** The notice's content is JSON (its type says text: the service writes it stringified). */
  project_notices: (Omit<Row<"project_notices">, "content"> & { content: Record<string, unknown> })[];
  tenders: Row<"tenders">[];
  tender_criteria: Row<"tender_criteria">[];
  tender_conditions: Row<"tender_conditions">[];
  tender_keys: Row<"tender_keys">[];
  tender_interests: Row<"tender_interests">[];
  bids: Row<"bids">[];
  tender_openings: Row<"tender_openings">[];
  compliance_decisions: Row<"compliance_decisions">[];
  compliance_conditions: Row<"compliance_conditions">[];
  tender_evaluations: Row<"tender_evaluations">[];
  tender_evaluators: Row<"tender_evaluators">[];
  evaluator_declarations: Row<"evaluator_declarations">[];
  evaluation_scores: Row<"evaluation_scores">[];
  evaluation_submissions: Row<"evaluation_submissions">[];
  moderated_scores: Row<"moderated_scores">[];
  tie_decisions: Row<"tie_decisions">[];
  tender_awards: Row<"tender_awards">[];
  award_assessments: Row<"award_assessments">[];
  contracts: Row<"contracts">[];
  contract_kpis: Row<"contract_kpis">[];
}

/** The tables a batch of tenders fills, in the order they are written (foreign keys and triggers need it). */
export const TENDER_TABLES: readonly (keyof TenderRows)[] = [
  "projects",
  "project_services",
  "project_notices",
  "tenders",
  "tender_criteria",
  "tender_conditions",
  "tender_keys",
  "tender_interests",
  "bids",
  "tender_openings",
  // Before evaluation starts: the compliance check is fixed once it has (a trigger refuses it after).
  "compliance_decisions",
  "compliance_conditions",
  "tender_evaluations",
  "tender_evaluators",
  "evaluator_declarations",
  "evaluation_scores",
  "evaluation_submissions",
  "moderated_scores",
  "tie_decisions",
  "tender_awards",
  "award_assessments",
  "contracts",
  "contract_kpis",
];

export function emptyTenderRows(): TenderRows {
  return Object.fromEntries(TENDER_TABLES.map((t) => [t, []])) as unknown as TenderRows;
}

export type Stage =
  | "open"
  | "closed"
  | "evaluation"
  | "standstill"
  | "awaiting-contract"
  | "contracted"
  | "cancelled";

/**
 * The stages of every hundred tenders, in order: 3 open, 1 closed awaiting opening, 3 in evaluation,
 * 1 in standstill, 1 awaiting its contract, 5 cancelled, 86 contracted — spread so that the first
 * fifty tenders of a run already have every stage.
 */
const MINORITY: readonly Stage[] = [
  "open",
  "evaluation",
  "cancelled",
  "standstill",
  "closed",
  "awaiting-contract",
  "open",
  "cancelled",
  "evaluation",
  "cancelled",
  "open",
  "evaluation",
  "cancelled",
  "cancelled",
];
export function stageOf(ordinal: number): Stage {
  const slot = ordinal % 100;
  return slot % 7 === 1 ? (MINORITY[(slot - 1) / 7] ?? "contracted") : "contracted";
}

/** Everything a tender is made from, besides its ordinal. */
export interface TenderContext {
  run: ScaleRun;
  keys: TenderKeyring;
  /** The run's key pairs, each with a sealer of one key agreement. */
  sealing: readonly SealingPair[];
  authorityNames: ReadonlyMap<string, string>;
  areaNames: ReadonlyMap<string, string>;
  /** The run's organisations that work in each category, and all of them. */
  byCategory: ReadonlyMap<string, readonly OrganisationPlan[]>;
  organisations: readonly OrganisationPlan[];
  /** The run's locations, by the organisation that runs them. */
  locationsOf: ReadonlyMap<string, readonly LocationPlan[]>;
  /** For each care category, the run's organisations registered for an activity it needs. */
  providers: ReadonlyMap<string, readonly OrganisationPlan[]>;
}

/** For each care category, the organisations running a location registered for an activity it needs. */
export function providersByCategory(
  organisations: readonly OrganisationPlan[],
  locationsOf: ReadonlyMap<string, readonly LocationPlan[]>,
): Map<string, OrganisationPlan[]> {
  const providers = new Map<string, OrganisationPlan[]>();
  for (const [category, activities] of Object.entries(ACTIVITIES_FOR)) {
    const list: OrganisationPlan[] = [];
    for (const organisation of organisations)
      if (
        (locationsOf.get(organisation.id) ?? []).some((l) => l.activities.some((a) => activities.includes(a)))
      )
        list.push(organisation);
    providers.set(category, list);
  }
  return providers;
}

export interface SealingPair {
  publicKey: string;
  privateKey: Buffer;
  seal: (binding: string, plaintext: string) => string;
}

/** The regulated activities a contract for a category needs, when its supplier holds one. */
const ACTIVITIES_FOR: Readonly<Record<string, readonly string[]>> = {
  "domiciliary-care": ["personal-care"],
  "adult-social-care": ["personal-care", "accommodation-personal-care"],
  "residential-care": ["accommodation-personal-care", "nursing-care"],
  "learning-disability-support": ["personal-care", "accommodation-personal-care"],
  "mental-health": ["treatment-of-disease"],
  "community-health": ["treatment-of-disease", "nursing-care"],
};

const QUALITY_TITLES = [
  "Quality of the service",
  "Delivery and continuity",
  "Approach and method",
  "Working with the people who use the service",
];
const SOCIAL_VALUE_TITLES = [
  "Social value: local jobs and the real living wage",
  "Social value",
  "Net zero and local supply chains",
];
const ANSWERS = [
  "a named team for each area, with cover agreed in advance and a monthly review with the people we support.",
  "staff recruited locally and paid the real living wage, trained before they start and supervised every month.",
  "a mobilisation plan of twelve weeks, with the current provider's staff transferring under TUPE on their terms.",
  "outcomes agreed with each person and reported every quarter, with an independent survey every year.",
  "an electronic call log and a duty manager on call at all times, with escalation to the commissioner within a day.",
];
const MORE = [
  "Bids from consortia of local organisations are welcome.",
  "The service must be available seven days a week.",
  "We want the service shaped with the people who use it.",
  "Social value counts: local jobs, apprenticeships and the real living wage.",
  "Staff transferring under TUPE keep their terms and their pension.",
];
const NEEDS = [
  "The current contract ends and demand for the service is rising.",
  "The current arrangements are spot-purchased; a contract will give better value and continuity.",
  "The service was reviewed with the people who use it, who asked for more choice and local staff.",
];
const GENERAL_CONDITIONS = [
  "Employer's liability insurance of at least £5 million",
  "Public liability insurance of at least £10 million",
  "At least two years' experience of delivering similar services",
];
const CARE_CONDITIONS = [
  "Registered with the regulator for the regulated activities the service needs",
  "An enhanced DBS check for every member of staff working with adults at risk or children",
];
const KPI_SETS = {
  care: [
    {
      name: "Visits on time",
      measure: "Planned visits starting within 15 minutes of the planned time",
      target: "95%",
      frequency: 1,
    },
    {
      name: "Missed visits",
      measure: "Planned visits that did not happen, per 1,000 planned",
      target: "Fewer than 2 per 1,000",
      frequency: 1,
    },
    {
      name: "People satisfied with their care",
      measure: "People answering the quarterly survey who are satisfied",
      target: "90%",
      frequency: 3,
    },
  ],
  general: [
    {
      name: "Service delivered on time",
      measure: "Scheduled work completed on the day planned",
      target: "98%",
      frequency: 1,
    },
    {
      name: "Complaints resolved",
      measure: "Complaints resolved within 10 working days",
      target: "90%",
      frequency: 3,
    },
    {
      name: "Social value delivered",
      measure: "Local people employed or in training on the contract",
      target: "10 a year",
      frequency: 12,
    },
  ],
} as const;

const CARE = new Set(Object.keys(ACTIVITIES_FOR));
const RESERVABLE = new Set(SERVICE_CATEGORIES.filter((c) => c.reservable).map((c) => c.code));

interface CriterionPlan {
  id: string;
  kind: "quality" | "social-value" | "price";
  title: string;
  weightBp: number;
}

interface BidPlan {
  id: string;
  organisation: OrganisationPlan;
  receivedAt: Date;
  pricePence: bigint | null;
  compliant: boolean;
  /** The condition not met, for an excluded bid. */
  unmet: { position: number; reason: string } | null;
  /** Scores per scored criterion id: the evaluator's and the agreed. */
  scores: Map<string, { score: number; agreed: number }>;
}

/**
 * A bid's content as `canonicalize` (RFC 8785) writes it, the receipt's hash being of it: given with
 * its keys in order at every level and holding only strings, nulls and lists, JCS is what
 * `JSON.stringify` writes — a tenth of the time for thousands of bids (tested against canonicalize).
 */
export function canonicalBid(content: {
  answers: { criterionId: string; text: string }[];
  authorityId: string;
  bidId: string;
  bidder: { name: string; organisationId: string; sector: string; sizeBand: string };
  consortium: null;
  documents: never[];
  format: string;
  lotIds: never[];
  nonce: string;
  pricePence: string | null;
  submittedBy: string;
  tenderId: string;
}): string {
  return JSON.stringify(content);
}

function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** The UTC date of an instant: for planned dates, where London's date is no more right than it. */
const utcDate = (date: Date) => date.toISOString().slice(0, 10);
/** Noon (UTC) on the day of an instant: deadlines fall at midday. */
const atNoon = (date: Date) => new Date(`${utcDate(date)}T12:00:00Z`);

/** The tender at this ordinal, with every row of its life so far. */
export function tenderAt(ctx: TenderContext, ordinal: number): TenderRows {
  const { run } = ctx;
  const now = run.now;
  const r = randomFor(run.seed, "tender", ordinal);
  const authority = r.weighted(COMMISSIONERS.map((a) => [a, a.weight] as const));
  const category = r.pick(authority.categories);
  const areaCode = r.pick(authority.areas);
  const place = PLACES.find((p) => p.area === areaCode);
  const areaName = ctx.areaNames.get(areaCode) ?? areaCode;
  const where = place
    ? r.pick(place.towns).name
    : areaName === "United Kingdom"
      ? "the United Kingdom"
      : areaName;
  let stage = stageOf(ordinal);

  // When things happen: the deadline (D), publication (P), the award (A) and entering the contract (E).
  let published: Date | undefined;
  let deadline: Date;
  let awarded: Date | null = null;
  let cancelledAt: Date | null = null;
  switch (stage) {
    case "open":
      published = between(r, after(now, -40 * DAY), after(now, -DAY));
      deadline = atNoon(after(published, r.int(30, 75) * DAY));
      if (deadline.getTime() <= now.getTime() + DAY) deadline = atNoon(after(now, r.int(2, 20) * DAY));
      break;
    case "closed":
      deadline = atNoon(after(now, -r.int(1, 10) * DAY));
      break;
    case "evaluation":
      deadline = atNoon(after(now, -r.int(12, 45) * DAY));
      break;
    case "standstill":
      awarded = between(r, after(now, -5 * DAY), after(now, -HOUR));
      if (standstillEnds(awarded, authority.nation).getTime() <= now.getTime()) awarded = after(now, -HOUR);
      deadline = atNoon(after(awarded, -r.int(16, 40) * DAY));
      break;
    case "awaiting-contract":
      awarded = between(r, after(now, -70 * DAY), after(now, -22 * DAY));
      deadline = atNoon(after(awarded, -r.int(16, 40) * DAY));
      break;
    case "cancelled":
      published = between(r, after(now, -5 * YEAR), after(now, -10 * DAY));
      deadline = atNoon(after(published, r.int(30, 75) * DAY));
      cancelledAt = between(
        r,
        after(published, 3 * DAY),
        new Date(Math.min(after(published, 20 * DAY).getTime(), now.getTime() - HOUR)),
      );
      break;
    default:
      awarded = between(r, after(now, -5 * YEAR + 120 * DAY), after(now, -40 * DAY));
      deadline = atNoon(after(awarded, -r.int(16, 40) * DAY));
  }
  const publishedAt = published ?? between(r, after(deadline, -75 * DAY), after(deadline, -30 * DAY));
  const tenderId = scaleId("tender", ordinal);
  const projectId = scaleId("project", ordinal);

  // Terms.
  const competitive = r.chance(0.88);
  const reserved = (stage === "open" || stage === "closed") && RESERVABLE.has(category) && r.chance(0.1);
  const termMonths = reserved ? r.pick([24, 36, 48, 60]) : r.pick([12, 24, 36, 36, 48, 60, 84]);
  const care = CARE.has(category);
  const estimated = pounds(10 ** ((care ? 5.5 : 4.8) + r.next() * (care ? 2.1 : 2.4)), 1000);
  const startsOn = addMonths(`${utcDate(after(deadline, 90 * DAY)).slice(0, 8)}01`, 1);
  const subject = r.pick(TENDER_SUBJECTS[category] ?? ["Services"]);
  const title = place
    ? r.weighted([
        [`${subject} in ${where}`, 4],
        [`${subject} in ${where} ${startsOn.slice(0, 4)}`, 2],
        [`${subject}: ${areaName}`, 1],
      ])
    : `${subject}: ${areaName} ${startsOn.slice(0, 4)}`;
  const authorityName = ctx.authorityNames.get(authority.id) ?? authority.slug;
  const does = CATEGORY_WORDS[category]?.does ?? "services";
  const term = termMonths === 12 ? "a year" : `${termMonths / 12} years`;
  const description = `${authorityName} is looking for ${does} in ${where}, for ${term} from ${longDate(startsOn).replace(/^1 /, "")}. ${r.pick(MORE)}`;
  const tupe = r.chance(0.4);
  const tupeStaff = tupe ? r.int(5, 200) : null;
  const scaleMax = r.chance(0.8) ? 10 : 5;
  const criteria = criteriaOf(r, ordinal, competitive);
  const conditions = [r.pick(GENERAL_CONDITIONS), ...(care ? [r.pick(CARE_CONDITIONS)] : [])];
  const staff = authority.staff;
  const rows = emptyTenderRows();

  // The project, published before the tender, with its pipeline notice.
  const projectPublished = after(publishedAt, -r.int(14, 60) * DAY);
  const publishedOn = londonDate(publishedAt);
  const serviceId = serviceIdOf(authority.id, category);
  const project = {
    authority_id: authority.id,
    id: projectId,
    ocid: ocidFor(projectId),
    title,
    description,
    need: r.pick(NEEDS),
    category_code: category,
    area_code: areaCode,
    estimated_value_pence: estimated,
    market_engagement_date: utcDate(after(projectPublished, r.int(0, 10) * DAY)),
    tender_date: publishedOn,
    award_date: utcDate(after(deadline, 45 * DAY)),
    start_date: startsOn,
    status: "published",
    created_at: after(projectPublished, -r.int(1, 10) * DAY),
    updated_at: publishedAt,
    published_at: projectPublished,
    challenge_id: null,
    procurement_earliest: null,
    procurement_latest: null,
    procurement_started_on: publishedOn,
  } satisfies Row<"projects">;
  rows.projects.push(project);
  rows.project_services.push({ authority_id: authority.id, project_id: projectId, service_id: serviceId });
  rows.project_notices.push({
    authority_id: authority.id,
    id: scaleId("pipelineNotice", ordinal),
    project_id: projectId,
    kind: "pipeline",
    published_at: projectPublished,
    content: {
      ocid: project.ocid,
      tag: ["planning"],
      date: projectPublished.toISOString(),
      buyer: { id: authority.id, name: authorityName },
      participants: [],
      title,
      description,
      need: project.need,
      category: { code: category, name: categoryName(category) },
      area: { code: areaCode, name: areaName },
      estimatedValuePence: estimated.toString(),
      services: [{ id: serviceId, name: categoryName(category) }],
      plannedDates: {
        marketEngagement: project.market_engagement_date,
        tender: project.tender_date,
        award: project.award_date,
        start: project.start_date,
      },
    },
  });

  // The bidders: organisations of the run in the category (for care, often registered providers),
  // registered in the directory before the tender was published; bids come two days or more after
  // publication, before the deadline and before now.
  const lastReceipt = new Date(Math.min(deadline.getTime(), now.getTime()) - HOUR);
  const canBid = stage !== "cancelled" && after(publishedAt, 2 * DAY).getTime() < lastReceipt.getTime();
  const bidders = canBid ? biddersOf(ctx, r, stage, category, publishedAt) : [];
  if (bidders.length === 0 && stage !== "open" && stage !== "cancelled") {
    // Nobody could bid (a small run): it was cancelled, as a tender nobody bids for is.
    stage = "cancelled";
    awarded = null;
    cancelledAt = between(r, after(publishedAt, 3 * DAY), lastReceipt);
  }
  const pair = r.pick(ctx.sealing);
  const binding = `${authority.id}/${tenderId}`;
  const indexKey = newTenderKey();
  const tagKey = createSecretKey(indexKey);
  const data = ctx.keys.wrap(pair.privateKey, `${binding}/data`);
  const index = ctx.keys.wrap(indexKey, `${binding}/index`);
  rows.tender_keys.push({
    authority_id: authority.id,
    tender_id: tenderId,
    master_key_id: data.keyId,
    public_key: pair.publicKey,
    wrapped_data_key: data.wrapped,
    wrapped_index_key: index.wrapped,
    created_at: publishedAt,
    rewrapped_at: null,
  });

  const opens = !["open", "closed", "cancelled"].includes(stage);
  const openedAt = after(deadline, 23 * HOUR);
  const tender = {
    authority_id: authority.id,
    id: tenderId,
    project_id: projectId,
    title,
    description,
    procedure: r.chance(0.8) ? "open" : "competitive-flexible",
    stages: "",
    pricing_mode: competitive ? "competitive" : "fixed-price",
    fixed_price_pence: competitive ? null : estimated,
    tariff: "",
    scoring_scale_max: scaleMax,
    reserved,
    contract_term_months: termMonths,
    tupe_applies: tupe,
    tupe_staff_count: tupeStaff,
    tupe_annual_cost_pence: tupeStaff ? pounds(tupeStaff * 28_500, 100) : null,
    tupe_terms: tupe ? "Current terms and conditions; 37 hours a week; mileage at 45p a mile." : "",
    pension_terms: tupe
      ? "New Fair Deal: transferring staff keep access to the public service pension scheme."
      : "",
    vat_treatment: care ? "exempt" : "exclusive",
    vat_note: care ? "Care is exempt from VAT; give prices without VAT." : "",
    clarification_deadline: after(deadline, -7 * DAY),
    submission_deadline: deadline,
    status: stage === "cancelled" ? "cancelled" : "published",
    published_at: publishedAt,
    cancelled_at: stage === "cancelled" ? cancelledAt : null,
    cancel_reason: stage === "cancelled" ? r.pick(CANCEL_REASONS) : null,
    opened_at: opens ? openedAt : null,
    created_at: after(publishedAt, -r.int(1, 14) * DAY),
    updated_at: stage === "cancelled" ? (cancelledAt as Date) : opens ? openedAt : publishedAt,
  } satisfies Row<"tenders">;
  if (tender.procedure === "competitive-flexible")
    tender.stages =
      "Stage 1: conditions of participation. Stage 2: written bids, then a presentation to the panel.";
  rows.tenders.push(tender);
  for (const [i, c] of criteria.entries())
    rows.tender_criteria.push({
      authority_id: authority.id,
      id: c.id,
      tender_id: tenderId,
      parent_id: null,
      position: i + 1,
      kind: c.kind,
      title: c.title,
      description: "",
      weight_bp: c.weightBp,
    });
  for (const [i, text] of conditions.entries())
    rows.tender_conditions.push({ authority_id: authority.id, tender_id: tenderId, position: i + 1, text });
  if (stage === "cancelled") return rows;

  // The bids: interest registered first, each received before the deadline (and before now).
  const bids: BidPlan[] = bidders.map((organisation, i) => {
    const receivedAt = between(r, after(publishedAt, 2 * DAY), lastReceipt);
    return {
      id: scaleId("bid", ordinal * STRIDE.bid + i),
      organisation,
      receivedAt,
      pricePence: competitive ? pounds(Number(estimated / 100n) * (0.82 + r.next() * 0.3), 100) : null,
      compliant: r.chance(0.9),
      unmet: null,
      scores: new Map(),
    };
  });
  if (opens && bids.length > 0 && !bids.some((b) => b.compliant)) (bids[0] as BidPlan).compliant = true;
  for (const b of bids)
    if (!b.compliant) b.unmet = { position: r.int(1, conditions.length), reason: r.pick(EXCLUSION_REASONS) };
  const scored = criteria.filter((c) => c.kind !== "price");
  for (const b of bids.filter((x) => x.compliant)) {
    const merit = r.int(Math.ceil(scaleMax * 0.3), scaleMax);
    for (const c of scored) {
      const score = Math.max(0, Math.min(scaleMax, merit + r.int(-1, 1)));
      b.scores.set(c.id, {
        score,
        agreed: Math.max(0, Math.min(scaleMax, score + (r.chance(0.2) ? r.int(-1, 1) : 0))),
      });
    }
  }

  // The ranking from the agreed scores and prices, exactly as moderation computes it.
  const leaves: Criterion[] = criteria.map((c) => ({
    id: c.id,
    name: c.title,
    kind: c.kind,
    weightBp: c.kind === "price" && !competitive ? 0 : c.weightBp,
  }));
  const toScore = bids
    .filter((b) => b.compliant)
    .map((b) => ({
      bidId: b.id,
      pricePence: b.pricePence,
      scores: Object.fromEntries([...b.scores].map(([id, s]) => [id, s.agreed])),
    }));
  let ranking: Ranking | null = opens && toScore.length > 0 ? rankBids(leaves, scaleMax, toScore) : null;
  const tied = ranking?.unresolvedTies ?? [];
  const tieOrder = tied.flat();
  if (ranking && tieOrder.length > 0) ranking = rankBids(leaves, scaleMax, toScore, tieOrder);

  for (const b of bids) {
    const canonical = canonicalBid({
      answers: scored.map((c) => ({
        criterionId: c.id,
        text: `How we meet “${c.title}”: ${r.pick(ANSWERS)}`,
      })),
      authorityId: authority.id,
      bidId: b.id,
      bidder: {
        name: b.organisation.name,
        organisationId: b.organisation.id,
        sector: b.organisation.sector,
        sizeBand: b.organisation.sizeBand,
      },
      consortium: null,
      documents: [],
      format: "openps-bid/1",
      lotIds: [],
      nonce: nonceOf(r),
      pricePence: b.pricePence === null ? null : b.pricePence.toString(),
      submittedBy: b.organisation.userId,
      tenderId,
    });
    rows.tender_interests.push({
      authority_id: authority.id,
      tender_id: tenderId,
      organisation_id: b.organisation.id,
      registered_by: b.organisation.userId,
      registered_at: between(r, after(publishedAt, HOUR), after(b.receivedAt, -HOUR)),
    });
    rows.bids.push({
      authority_id: authority.id,
      id: b.id,
      tender_id: tenderId,
      bidder_tag: bidderTag(tagKey, b.organisation.id),
      sealed: pair.seal(`${binding}/${b.id}`, canonical),
      content_sha256: sha256Hex(canonical),
      received_at: b.receivedAt,
      status: "current",
      ended_at: null,
      organisation_id: opens ? b.organisation.id : null,
      integrity: opens ? "verified" : null,
    });
  }
  indexKey.fill(0);
  if (!opens) return rows;

  // Opening, the compliance check and evaluation, each step in order after the deadline.
  const step = (days: number, hours = 0) => after(deadline, days * DAY + hours * HOUR);
  const until = awarded ?? now;
  const happened = (at: Date) => at.getTime() <= Math.min(until.getTime(), now.getTime());
  rows.tender_openings.push({
    authority_id: authority.id,
    tender_id: tenderId,
    first_opener_id: staff.commissioner,
    first_confirmed_at: step(0, 22),
    second_opener_id: staff.opener,
    opened_at: openedAt,
    bids_opened: bids.length,
  });
  for (const [i, b] of bids.entries()) {
    rows.compliance_decisions.push({
      authority_id: authority.id,
      tender_id: tenderId,
      bid_id: b.id,
      outcome: b.compliant ? "compliant" : "excluded",
      reason: "",
      automatic_reasons: [],
      reserved_checked_on: null,
      qualifying_mutual: null,
      bar_award_id: null,
      automatic: false,
      decided_by: staff.commissioner,
      decided_at: step(2, i * 0.25),
    });
    for (const [n] of conditions.entries()) {
      const unmet = b.unmet?.position === n + 1;
      rows.compliance_conditions.push({
        authority_id: authority.id,
        tender_id: tenderId,
        bid_id: b.id,
        position: n + 1,
        met: !unmet,
        reason: unmet ? (b.unmet?.reason ?? "") : "",
      });
    }
  }
  const compliant = bids.filter((b) => b.compliant);
  const justification =
    compliant.length < 3
      ? `Only ${compliant.length} compliant ${compliant.length === 1 ? "bid was" : "bids were"} received after the opportunity was advertised for ${Math.round((deadline.getTime() - publishedAt.getTime()) / DAY)} days and promoted at a market engagement event; the market for this service in ${where} is small, and the bids received cover the whole service.`
      : null;
  rows.tender_evaluations.push({
    authority_id: authority.id,
    tender_id: tenderId,
    started_by: staff.commissioner,
    started_at: step(3),
    bids_count: bids.length,
    compliant_count: compliant.length,
    justification,
    publish_with_award: justification !== null,
  });
  rows.tender_evaluators.push({
    authority_id: authority.id,
    tender_id: tenderId,
    user_id: staff.evaluator,
    assigned_at: step(3, 1),
  });
  if (happened(step(4)))
    rows.evaluator_declarations.push({
      authority_id: authority.id,
      tender_id: tenderId,
      user_id: staff.evaluator,
      declaration: "none",
      description: "",
      declared_at: step(4),
    });
  for (const [i, b] of compliant.entries())
    for (const c of scored) {
      const at = step(5 + Math.min(i, 3), 1);
      const s = b.scores.get(c.id);
      if (s && happened(step(4)) && happened(at))
        rows.evaluation_scores.push({
          authority_id: authority.id,
          tender_id: tenderId,
          user_id: staff.evaluator,
          bid_id: b.id,
          criterion_id: c.id,
          score: s.score,
          reason: `Scored ${s.score} of ${scaleMax} against “${c.title}”: the answer's evidence, weighed against the published guidance.`,
          scored_at: at,
        });
    }
  const submitted = happened(step(9));
  if (submitted)
    rows.evaluation_submissions.push({
      authority_id: authority.id,
      tender_id: tenderId,
      user_id: staff.evaluator,
      submitted_at: step(9),
    });
  for (const [i, b] of compliant.entries())
    for (const c of scored) {
      const s = b.scores.get(c.id);
      const at = step(12, i * 0.25);
      if (s && submitted && happened(at))
        rows.moderated_scores.push({
          authority_id: authority.id,
          tender_id: tenderId,
          bid_id: b.id,
          criterion_id: c.id,
          score: s.agreed,
          reason: `Agreed at moderation: ${s.agreed} of ${scaleMax} for “${c.title}”.`,
          moderated_by: staff.commissioner,
          moderated_at: at,
        });
    }
  if (!awarded || !ranking) return rows;

  // The award to the best-ranked bid, with every bidder's assessment summary.
  if (tied.length > 0)
    rows.tie_decisions.push({
      authority_id: authority.id,
      tender_id: tenderId,
      bid_order: tieOrder,
      reason:
        "Tied on total and on quality: ordered by the bidders' answers on continuity of care for people already supported.",
      decided_by: staff.commissioner,
      decided_at: after(awarded, -DAY),
    });
  const winnerScore = ranking.bids[0];
  const winner = bids.find((b) => b.id === winnerScore?.bidId) as BidPlan;
  const awardId = scaleId("award", ordinal);
  const value = competitive ? (winner.pricePence as bigint) : estimated;
  const standstill = standstillEnds(awarded, authority.nation);
  const entered = stage === "contracted" ? after(standstill, r.int(1, 14) * DAY + 10 * HOUR) : null;
  const contractId = entered ? scaleId("contract", ordinal) : null;
  const activity = regulatedActivity(ctx, r, category, winner.organisation, awarded);
  rows.tender_awards.push({
    authority_id: authority.id,
    id: awardId,
    tender_id: tenderId,
    bid_id: winner.id,
    organisation_id: winner.organisation.id,
    supplier_name: winner.organisation.name,
    lead_share_bp: 10_000,
    consortium: [],
    value_pence: value,
    regulated_activity: activity,
    three_bid_justification: justification,
    status: contractId ? "contracted" : "awarded",
    decided_by: staff.commissioner,
    decided_at: awarded,
    notice_published_at: awarded,
    standstill_ends_at: standstill,
    contract_id: contractId,
    withdrawn_at: null,
    withdrawn_reason: null,
  });
  for (const s of ranking.bids) {
    const b = bids.find((x) => x.id === s.bidId) as BidPlan;
    rows.award_assessments.push({
      authority_id: authority.id,
      award_id: awardId,
      bid_id: b.id,
      organisation_id: b.organisation.id,
      bidder_name: b.organisation.name,
      outcome: "ranked",
      rank: s.rank,
      total_shown: s.totalShown,
      quality_shown: showBp(s.quality),
      price_shown: showBp(s.price),
      price_pence: b.pricePence,
      criteria: s.criteria.map(
        (w): AssessedCriterion => ({
          criterionId: w.criterionId,
          title: criteria.find((c) => c.id === w.criterionId)?.title ?? w.criterionId,
          kind: w.kind,
          weightBp: w.weightBp,
          score: w.score ?? null,
          scaleMax,
          reason:
            w.kind === "price" && w.pricePence !== undefined
              ? formatMoney(w.pricePence as Pence)
              : `Agreed at moderation: ${b.scores.get(w.criterionId)?.agreed ?? 0} of ${scaleMax} for “${criteria.find((c) => c.id === w.criterionId)?.title ?? ""}”.`,
          pointsShown: w.pointsShown,
          working: w.working,
        }),
      ),
      exclusion_reasons: [],
    });
  }
  for (const b of bids.filter((x) => !x.compliant))
    rows.award_assessments.push({
      authority_id: authority.id,
      award_id: awardId,
      bid_id: b.id,
      organisation_id: b.organisation.id,
      bidder_name: b.organisation.name,
      outcome: "excluded",
      rank: null,
      total_shown: null,
      quality_shown: null,
      price_shown: null,
      price_pence: null,
      criteria: [],
      exclusion_reasons: [
        msg`Condition ${b.unmet?.position ?? 1} (${conditions[(b.unmet?.position ?? 1) - 1] ?? ""}) is not met: ${b.unmet?.reason ?? ""}`,
      ],
    });
  if (!entered || !contractId) return rows;

  // The contract, entered after standstill, from the first of the month after it ended.
  const firstDayAfter = addDays(londonDate(new Date(standstill.getTime() - 1)), 1);
  const contractStarts = firstDayAfter.endsWith("-01")
    ? firstDayAfter
    : addMonths(`${firstDayAfter.slice(0, 8)}01`, 1);
  const contractEnds = addDays(addMonths(contractStarts, termMonths), -1);
  rows.contracts.push({
    authority_id: authority.id,
    id: contractId,
    award_id: awardId,
    tender_id: tenderId,
    organisation_id: winner.organisation.id,
    supplier_name: winner.organisation.name,
    lead_share_bp: 10_000,
    consortium: [],
    title,
    description: `The contract awarded to ${winner.organisation.name} after the tender “${title}”.`,
    regulated_activity: activity,
    payment_mechanism: r.weighted([
      ["fixed", 40],
      ["fee-per-service", 45],
      ["payment-by-results", 15],
    ]),
    original_value_pence: value,
    original_starts_on: contractStarts,
    original_ends_on: contractEnds,
    value_pence: value,
    starts_on: contractStarts,
    ends_on: contractEnds,
    scope: "",
    amendment_count: 0,
    entered_by: staff.commissioner,
    entered_at: entered,
    terminated_on: null,
    termination_reason: null,
    terminated_by: null,
    terminated_at: null,
    award_value_pence: value,
    value_reason: "",
  });
  // Over £5 million: at least three KPIs (contracts.service.ts); otherwise often one.
  const kpis = KPI_SETS[care ? "care" : "general"];
  const kpiCount = value > 500_000_000n ? 3 : r.chance(0.5) ? 1 : 0;
  for (const [i, k] of kpis.slice(0, kpiCount).entries())
    rows.contract_kpis.push({
      authority_id: authority.id,
      contract_id: contractId,
      position: i + 1,
      name: k.name,
      measure: k.measure,
      target: k.target,
      frequency_months: k.frequency,
      added_by_amendment: null,
      reports_from: null,
    });
  return rows;
}

function criteriaOf(r: Random, ordinal: number, competitive: boolean): CriterionPlan[] {
  const id = (i: number) => scaleId("criterion", ordinal * STRIDE.criterion + i);
  const quality = { kind: "quality" as const, title: r.pick(QUALITY_TITLES) };
  const social = { kind: "social-value" as const, title: r.pick(SOCIAL_VALUE_TITLES) };
  if (!competitive)
    return [
      { id: id(0), ...quality, weightBp: 9000 },
      { id: id(1), ...social, weightBp: 1000 },
    ];
  const qualityWeight = r.int(5, 7) * 1000;
  if (r.chance(0.35))
    return [
      { id: id(0), ...quality, weightBp: qualityWeight },
      { id: id(1), kind: "price", title: "Price", weightBp: 10_000 - qualityWeight },
    ];
  return [
    { id: id(0), ...quality, weightBp: qualityWeight },
    { id: id(1), ...social, weightBp: 1000 },
    { id: id(2), kind: "price", title: "Price", weightBp: 9000 - qualityWeight },
  ];
}

/** Up to six bidders, registered in the directory well before the tender was published. */
function biddersOf(
  ctx: TenderContext,
  r: Random,
  stage: Stage,
  category: string,
  published: Date,
): OrganisationPlan[] {
  const wanted =
    stage === "open"
      ? r.int(0, 3)
      : r.weighted([
          [1, 10],
          [2, 20],
          [3, 30],
          [4, 20],
          [5, 12],
          [6, 8],
        ]);
  if (wanted === 0) return [];
  const registered = ctx.providers.get(category) ?? [];
  const inCategory = ctx.byCategory.get(category) ?? [];
  const pool =
    registered.length > 0 && r.chance(0.7)
      ? registered
      : inCategory.length >= wanted
        ? inCategory
        : ctx.organisations;
  const before = published.getTime() - 3 * DAY;
  const chosen: OrganisationPlan[] = [];
  for (const candidate of r.sample(pool, wanted * 3))
    if (
      candidate.createdAt.getTime() < before &&
      !chosen.some((c) => c.id === candidate.id) &&
      chosen.length < wanted
    )
      chosen.push(candidate);
  return chosen;
}

/** The regulated activity the contract needs, when the winner holds a current registration for it. */
function regulatedActivity(
  ctx: TenderContext,
  r: Random,
  category: string,
  winner: OrganisationPlan,
  awarded: Date,
): string | null {
  const locations = ctx.locationsOf.get(winner.id) ?? [];
  const held = (ACTIVITIES_FOR[category] ?? []).filter((activity) =>
    locations.some((l) => l.registeredNow && l.registeredAt < awarded && l.activities.includes(activity)),
  );
  return held.length > 0 && r.chance(0.9) ? r.pick(held) : null;
}
