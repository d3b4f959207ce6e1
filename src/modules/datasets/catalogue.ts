/**
 * Every open dataset OpenPS publishes: its columns (name, type, an example; the meaning of each is
 * in the module's catalogues, `datasets.sets.<id>.columns.<name>`), where its rows come from — each
 * owning module's public read function, a page at a time in key order — when it last changed (from
 * the data: each the end of an index, never a scan; and the audit trail's actions that change it,
 * which date a row withdrawn or deleted too: changes.service.ts), and how the clock alone changes
 * its rows, if it does (a deadline passing closes a tender: freshness.ts).
 *
 * Rows are plain values, the same for the CSV and the JSON: text, whole numbers (money in pence,
 * rates in basis points), booleans, null, and lists of codes or ids. Ids are the platform's UUIDs and
 * org-id identifiers, which never change; never row numbers. Nothing personal is read: no person's
 * name, email or account, no co-signatory, no respondent, nothing of a sealed bid.
 */
import type { Ctx } from "../access/context.ts";
import { authoritiesAfter, latestAuthorityChange } from "../authorities/authorities.service.ts";
import { awardsAfter, latestAwardChange } from "../award/award.service.ts";
import { latestRegisterChange, submittedChallengesAfter } from "../challenges/registers.service.ts";
import {
  latestRegisterEntryChange,
  registerEntriesAfter,
} from "../community-assets/community-assets.service.ts";
import { latestEntryRecorded, openEntriesAfter } from "../community-budgets/community-budgets.service.ts";
import {
  latestConsultationChanges,
  publishedConsultationsAfter,
  publishedPointsAfter,
  publishedQuestionsAfter,
} from "../consultations/consultations.service.ts";
import {
  contractKpisAfter,
  contractsAfter,
  kpiRatingsAfter,
  latestContractChanges,
} from "../contracts/contracts.service.ts";
import { delegationsAfter, latestDelegationChange } from "../delegations/delegations.service.ts";
import { fundersOf } from "../grants/giving360.ts";
import { awardedGrantsAfter, latestAwardedGrant } from "../grants/grants.service.ts";
import { figuresComputedAt, personalBudgetRows } from "../market/market.service.ts";
import { openFigureRows } from "../market/open-figures.ts";
import { directoryRecordsAfter, latestDirectoryChange } from "../organisations/organisations.service.ts";
import { publishedNomineesAfter } from "../prize/prize.service.ts";
import { latestPublishedProjectChange, publishedProjectsAfter } from "../projects/projects.service.ts";
import { complaintFigureRows } from "../redress/figures.service.ts";
import {
  latestRegulationChanges,
  openLocationsAfter,
  publishedRatingsAfter,
} from "../regulation/open-data.service.ts";
import { ratingsOf } from "../regulation/regulation.service.ts";
import {
  latestOutcomesChange,
  latestSpendChange,
  outcomeFigureRows,
  spendRows,
} from "../results/open-data.service.ts";
import { latestServiceChange, pipelineAfter, servicesAfter } from "../services/services.service.ts";
import { currentRegisterAfter, latestAccreditationChange } from "../standards/standards.service.ts";
import { latestPublishedTenderChange, publishedTendersAfter } from "../tenders/tenders.service.ts";
import { feedbackFigureRows } from "../voice/feedback.service.ts";

/** What a column holds; each type's meaning is in the catalogues (`datasets.types.<type>`). */
export const COLUMN_TYPES = [
  "uuid",
  "uuids",
  "org-id",
  "org-ids",
  "code",
  "codes",
  "text",
  "integer",
  "pence",
  "basis-points",
  "boolean",
  "date",
  "date-time",
  "url",
] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

/** A column: its name (in the CSV's header and the JSON's rows), what it holds, and an example value. */
export interface Column {
  name: string;
  type: ColumnType;
  example: string;
}

/** A value of a row: the same in the CSV (lists joined with ";", null empty) and the JSON. */
export type Value = string | number | boolean | null | readonly string[];
export type Row = Readonly<Record<string, Value>>;

export interface Dataset {
  /** Its address: /open-data/<id>, /open-data/<id>.csv, /open-data/<id>.json. */
  id: string;
  columns: readonly Column[];
  /** Its rows, a page at a time, in key order. */
  pages(ctx: Ctx): AsyncGenerator<Row[]>;
  /** When its rows last changed (null while it has none): from the data, each an index's end. */
  modified(ctx: Ctx): Promise<Date | null>;
  /**
   * The audit trail's actions that change its rows (`"registration."`: every action of a subject):
   * each dates the dataset when it is recorded, in the change's transaction — a row withdrawn or
   * deleted as well as one added or changed. None for figures a job computes (`computed`).
   */
  changedBy: readonly string[];
  /**
   * Figures a job recomputes from kept aggregates, not rows an action changes — or rows whose data
   * alone dates them (insert-only ledgers: payment by results' spend) — dated by `modified` alone.
   */
  computed?: true;
  /**
   * How the clock alone changes its rows, if it does: "day" — they depend on today's date in London
   * (a contract's state, the pipeline's window); or each row's instants at which a value turns (a
   * tender's deadline turns it from open to closed): what was last sent stays current until the next.
   */
  clock?: "day" | ((row: Row) => readonly Value[]);
  /** The same data in a sector standard's own form, validated against it (360Giving's JSON package). */
  standard?: { name: string; href: string };
}

/** How many rows a page holds: each page is one short query (and a few more by its keys). */
export const PAGE_SIZE = 500;

/**
 * The pages of rows a module's read function gives: `fetch` one page after a key, `keyOf` its last
 * record's key, `row` what the dataset publishes of each record. A page shorter than asked is the last.
 */
function paged<Key, Rec>(
  fetch: (ctx: Ctx, after: Key | undefined, limit: number) => Promise<Rec[]>,
  keyOf: (record: Rec) => Key,
  row: (record: Rec) => Row | null,
): (ctx: Ctx) => AsyncGenerator<Row[]> {
  return async function* pages(ctx) {
    let after: Key | undefined;
    for (;;) {
      const records = await fetch(ctx, after, PAGE_SIZE);
      if (records.length === 0) return;
      yield records.flatMap((record) => {
        const published = row(record);
        return published ? [published] : [];
      });
      if (records.length < PAGE_SIZE) return;
      after = keyOf(records[records.length - 1] as Rec);
    }
  };
}

/** The latest of some dates, or null when there is none. */
function latest(...dates: (Date | null | undefined)[]): Date | null {
  return dates.reduce<Date | null>((max, d) => (d && (!max || d > max) ? d : max), null);
}

const iso = (date: Date | null | undefined): string | null => (date ? date.toISOString() : null);
const pence = (value: bigint | null | undefined): number | null =>
  value === null || value === undefined ? null : Number(value);
const tenantKey = (r: { authority_id: string; id: string }) => [r.authority_id, r.id] as const;

/**
 * The outward part of a UK postcode ("SW1A 1AA" → "SW1A"): enough to place an organisation, while
 * a sole trader's full postcode could point at their home.
 */
export function postcodeDistrict(postcode: string | null): string {
  const compact = (postcode ?? "").replace(/\s+/g, "").toUpperCase();
  if (!/^[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}$/.test(compact)) return "";
  return compact.slice(0, -3);
}

const UUID = "019a0000-0000-7000-8000-00000000b001";
const AUTHORITY = "019a0000-0000-7000-8000-0000000a0001";

/** Columns given as [name, type, example]. */
function columns(...list: [string, ColumnType, string][]): Column[] {
  return list.map(([name, type, example]) => ({ name, type, example }));
}

const authorities: Dataset = {
  id: "authorities",
  columns: columns(
    ["id", "uuid", AUTHORITY],
    ["slug", "code", "westshire-county-council"],
    ["name", "text", "Westshire County Council"],
    ["welsh_name", "text", "Cyngor Sir Ceredigion"],
    ["kind", "code", "county"],
    ["nation", "code", "england-and-wales"],
    ["org_id", "org-id", "GB-LAE-WSH"],
    ["website", "url", "https://www.westshire.example.gov.uk/"],
    ["country", "code", "england"],
    ["area_code", "code", "E10000999"],
    ["verified", "boolean", "true"],
    ["updated_at", "date-time", "2026-11-22T09:00:00.000Z"],
  ),
  pages: paged(
    (ctx, after: string | undefined, limit) => authoritiesAfter(ctx.db, after, limit),
    (a) => a.id,
    // A registration a platform administrator rejected is not a public body.
    (a) =>
      a.rejected_at
        ? null
        : {
            id: a.id,
            slug: a.slug,
            name: a.name,
            welsh_name: a.welsh_name,
            kind: a.kind,
            nation: a.nation,
            org_id: a.org_id,
            website: a.website,
            country: a.country,
            area_code: a.area_code,
            verified: a.verified_at !== null,
            updated_at: iso(a.updated_at),
          },
  ),
  modified: (ctx) => latestAuthorityChange(ctx.db),
  changedBy: ["authority.created", "authority.verified", "authority.rejected", "authority.area-set"],
};

const organisations: Dataset = {
  id: "organisations",
  columns: columns(
    ["id", "uuid", UUID],
    ["name", "text", "Westshire Community Health CIC"],
    ["sector", "code", "social-enterprise"],
    ["size_band", "code", "small"],
    ["staff_headcount", "integer", "40"],
    ["primary_identifier", "org-id", "GB-COH-01234567"],
    ["postcode_district", "code", "SY23"],
    ["description", "text", "Community nursing and therapy across Westshire."],
    ["website", "url", "https://www.example.org/"],
    ["effective_sector", "code", "public-service-mutual"],
    ["identifiers", "org-ids", "GB-COH-01234567;GB-CHC-1234567"],
    ["area_codes", "codes", "E07000901;E07000902"],
    ["category_codes", "codes", "domiciliary-care;day-services"],
    ["mutual_evidence_recorded", "boolean", "true"],
    ["mutual_qualifies", "boolean", "true"],
    ["mutual_profit_model", "code", "not-for-profit"],
    ["mutual_employee_ownership_bp", "basis-points", "5100"],
    ["mutual_light_touch_share_bp", "basis-points", "8000"],
    ["mutual_employee_board_seats", "integer", "3"],
    ["mutual_board_seats", "integer", "7"],
    ["mutual_spin_out_date", "date", "2019-04-01"],
    ["updated_at", "date-time", "2026-11-22T09:00:00.000Z"],
  ),
  pages: paged(
    (ctx, after: string | undefined, limit) => directoryRecordsAfter(ctx, after, limit),
    (o) => o.id,
    (o) => ({
      id: o.id,
      name: o.name,
      sector: o.sector,
      size_band: o.size_band,
      staff_headcount: o.staff_headcount,
      primary_identifier: o.primary_identifier,
      postcode_district: postcodeDistrict(o.postcode),
      description: o.description,
      website: o.website,
      effective_sector: o.effective_sector,
      identifiers: o.identifiers,
      area_codes: o.area_codes,
      category_codes: o.category_codes,
      mutual_evidence_recorded: o.evidence !== null,
      mutual_qualifies: o.evidence?.qualifies ?? null,
      mutual_profit_model: o.evidence?.profit_model ?? null,
      mutual_employee_ownership_bp: o.evidence?.employee_ownership_bp ?? null,
      mutual_light_touch_share_bp: o.evidence?.light_touch_share_bp ?? null,
      mutual_employee_board_seats: o.evidence?.employee_board_seats ?? null,
      mutual_board_seats: o.evidence?.board_seats ?? null,
      mutual_spin_out_date: o.evidence?.spin_out_date ?? null,
      updated_at: iso(o.updated_at),
    }),
  ),
  modified: (ctx) => latestDirectoryChange(ctx),
  changedBy: ["organisation.registered", "organisation.updated", "organisation.mutual-evidence-recorded"],
};

const services: Dataset = {
  id: "services",
  columns: columns(
    ["authority_id", "uuid", AUTHORITY],
    ["id", "uuid", UUID],
    ["name", "text", "Home care (north)"],
    ["kind", "code", "individual"],
    ["category_code", "code", "domiciliary-care"],
    ["provider_type", "code", "contracted"],
    ["provider_organisation_id", "uuid", UUID],
    ["annual_cost_pence", "pence", "125000000"],
    ["contract_end", "date", "2027-09-30"],
    ["status", "code", "market-tested"],
    ["description", "text", "Care and support at home for adults in the north of the county."],
    ["updated_at", "date-time", "2026-11-22T09:00:00.000Z"],
  ),
  pages: paged(servicesAfter, tenantKey, (s) => ({
    authority_id: s.authority_id,
    id: s.id,
    name: s.name,
    kind: s.kind,
    category_code: s.category_code,
    provider_type: s.provider_type,
    provider_organisation_id: s.provider_organisation_id,
    annual_cost_pence: pence(s.annual_cost_pence),
    contract_end: s.contract_end,
    status: s.status,
    description: s.description,
    updated_at: iso(s.updated_at),
  })),
  modified: latestServiceChange,
  changedBy: ["service.added", "service.updated"],
};

const pipeline: Dataset = {
  id: "pipeline",
  columns: columns(
    ["authority_id", "uuid", AUTHORITY],
    ["service_id", "uuid", UUID],
    ["service_name", "text", "Home care (north)"],
    ["category_code", "code", "domiciliary-care"],
    ["provider_type", "code", "contracted"],
    ["provider_organisation_id", "uuid", UUID],
    ["annual_cost_pence", "pence", "125000000"],
    ["contract_end", "date", "2027-09-30"],
    ["planned_project_id", "uuid", UUID],
    ["planned_project_ocid", "code", "ocds-openps-019a0000-0000-7000-8000-00000000d001"],
    ["planned_project_title", "text", "Recommissioning home care"],
  ),
  pages: paged(pipelineAfter, tenantKey, (s) => ({
    authority_id: s.authority_id,
    service_id: s.id,
    service_name: s.name,
    category_code: s.category_code,
    provider_type: s.provider_type,
    provider_organisation_id: s.provider_organisation_id,
    annual_cost_pence: pence(s.annual_cost_pence),
    contract_end: s.contract_end,
    planned_project_id: s.planned?.id ?? null,
    planned_project_ocid: s.planned?.ocid ?? null,
    planned_project_title: s.planned?.title ?? null,
  })),
  modified: async (ctx) => latest(await latestServiceChange(ctx), await latestPublishedProjectChange(ctx)),
  changedBy: ["service.added", "service.updated", "project.published"],
  // Contracts ending within 18 months of today.
  clock: "day",
};

const projects: Dataset = {
  id: "projects",
  columns: columns(
    ["authority_id", "uuid", AUTHORITY],
    ["id", "uuid", UUID],
    ["ocid", "code", "ocds-openps-019a0000-0000-7000-8000-00000000d001"],
    ["title", "text", "Recommissioning home care"],
    ["description", "text", "A new model of care at home, commissioned with the district."],
    ["need", "text", "Demand for care at home grows by a tenth each year."],
    ["category_code", "code", "domiciliary-care"],
    ["area_code", "code", "E10000999"],
    ["estimated_value_pence", "pence", "450000000"],
    ["market_engagement_date", "date", "2027-01-15"],
    ["tender_date", "date", "2027-04-01"],
    ["award_date", "date", "2027-07-01"],
    ["start_date", "date", "2027-10-01"],
    ["service_ids", "uuids", UUID],
    ["participant_authority_ids", "uuids", AUTHORITY],
    ["challenge_id", "uuid", UUID],
    ["procurement_started_on", "date", "2027-04-01"],
    ["published_at", "date-time", "2026-11-22T09:00:00.000Z"],
    ["updated_at", "date-time", "2026-11-22T09:00:00.000Z"],
  ),
  pages: paged(publishedProjectsAfter, tenantKey, (p) => ({
    authority_id: p.authority_id,
    id: p.id,
    ocid: p.ocid,
    title: p.title,
    description: p.description,
    need: p.need,
    category_code: p.category_code,
    area_code: p.area_code,
    estimated_value_pence: pence(p.estimated_value_pence),
    market_engagement_date: p.market_engagement_date,
    tender_date: p.tender_date,
    award_date: p.award_date,
    start_date: p.start_date,
    service_ids: p.services.map((s) => s.id),
    participant_authority_ids: p.participants.map((a) => a.id),
    challenge_id: p.challenge_id,
    procurement_started_on: p.procurement_started_on,
    published_at: iso(p.published_at),
    updated_at: iso(p.updated_at),
  })),
  modified: latestPublishedProjectChange,
  changedBy: ["project.published", "project.procurement-started"],
};

const consultations: Dataset = {
  id: "consultations",
  columns: columns(
    ["authority_id", "uuid", AUTHORITY],
    ["id", "uuid", UUID],
    ["kind", "code", "market-engagement"],
    ["project_id", "uuid", UUID],
    ["title", "text", "Shaping home care in Westshire"],
    ["summary", "text", "Tell us how care at home should work."],
    ["audience", "text", "Providers of care at home, and the people who use it."],
    ["closes_at", "date-time", "2027-01-31T17:00:00.000Z"],
    ["status", "code", "closed"],
    ["published_at", "date-time", "2026-11-22T09:00:00.000Z"],
    ["summary_published_at", "date-time", "2027-02-20T10:00:00.000Z"],
    ["summary_text", "text", "Thank you to everyone who responded."],
    ["updated_at", "date-time", "2026-11-22T09:00:00.000Z"],
  ),
  pages: paged(publishedConsultationsAfter, tenantKey, (c) => ({
    authority_id: c.authority_id,
    id: c.id,
    kind: c.kind,
    project_id: c.project_id,
    title: c.title,
    summary: c.summary,
    audience: c.audience,
    closes_at: iso(c.closes_at),
    status: c.state,
    published_at: iso(c.published_at),
    summary_published_at: iso(c.summary_published_at),
    summary_text: c.summary_text,
    updated_at: iso(c.updated_at),
  })),
  modified: async (ctx) => (await latestConsultationChanges(ctx)).published,
  changedBy: ["consultation.published", "consultation.summary-published"],
  // Open until its closing time.
  clock: (row) => (row.status === "open" || row.status === "closed" ? [row.closes_at ?? null] : []),
};

const consultationQuestions: Dataset = {
  id: "consultation-questions",
  columns: columns(
    ["authority_id", "uuid", AUTHORITY],
    ["consultation_id", "uuid", UUID],
    ["section_id", "uuid", UUID],
    ["section_position", "integer", "1"],
    ["section_heading", "text", "Opening hours"],
    ["question_id", "uuid", UUID],
    ["question_position", "integer", "2"],
    ["question_text", "text", "Which hours would suit you best?"],
  ),
  pages: paged(publishedQuestionsAfter, tenantKey, (q) => ({
    authority_id: q.authority_id,
    consultation_id: q.consultation_id,
    section_id: q.section_id,
    section_position: q.section_position,
    section_heading: q.section_heading,
    question_id: q.id,
    question_position: q.position,
    question_text: q.text,
  })),
  modified: async (ctx) => (await latestConsultationChanges(ctx)).published,
  changedBy: ["consultation.published"],
};

const youSaidWeDid: Dataset = {
  id: "you-said-we-did",
  columns: columns(
    ["authority_id", "uuid", AUTHORITY],
    ["consultation_id", "uuid", UUID],
    ["response_id", "uuid", UUID],
    ["section_id", "uuid", UUID],
    ["section_heading", "text", "Opening hours"],
    ["respondent_kind", "code", "organisation"],
    ["respondent_sector", "code", "charity"],
    ["could_be_different", "boolean", "true"],
    ["could_deliver", "boolean", "false"],
    ["you_said", "text", "Open later on weekdays."],
    ["alternative_model", "text", "A community-run library in each market town."],
    ["we_did", "text", "Two libraries now open until 7pm on Thursdays."],
    ["answered_at", "date-time", "2027-02-18T10:00:00.000Z"],
  ),
  pages: paged(
    publishedPointsAfter,
    (p) => [p.authority_id, p.response_id, p.section_id] as const,
    (p) => ({
      authority_id: p.authority_id,
      consultation_id: p.consultation_id,
      response_id: p.response_id,
      section_id: p.section_id,
      section_heading: p.section_heading,
      respondent_kind: p.respondent_kind,
      respondent_sector: p.organisation_sector,
      could_be_different: p.could_be_different,
      could_deliver: p.could_deliver,
      you_said: p.comments,
      alternative_model: p.alternative_model,
      we_did: p.we_did,
      answered_at: iso(p.answered_at),
    }),
  ),
  modified: async (ctx) => (await latestConsultationChanges(ctx)).summary,
  changedBy: ["consultation.summary-published"],
};

const rightToChallenge: Dataset = {
  id: "right-to-challenge",
  columns: columns(
    ["authority_id", "uuid", AUTHORITY],
    ["id", "uuid", UUID],
    ["service_id", "uuid", UUID],
    ["applicant_type", "code", "organisation"],
    ["organisation_id", "uuid", UUID],
    ["organisation_name", "text", "Millbrook Community Trust"],
    ["status", "code", "accepted"],
    ["submitted_at", "date-time", "2026-10-01T09:00:00.000Z"],
    ["decision_due", "date", "2026-12-30"],
    ["considered_on", "date", "2026-11-02"],
    ["modification", "text", "Run the greens with the parish councils."],
    ["modification_grounds", "codes", "body-unsuitable"],
    ["agreed_on", "date", "2026-11-10"],
    ["decision", "code", "accepted"],
    ["rejection_grounds", "codes", "already-procured;in-negotiation"],
    ["reasons", "text", "The body showed it can run the service well."],
    ["decided_at", "date-time", "2026-11-20T12:00:00.000Z"],
    ["withdrawn_at", "date-time", "2026-11-05T12:00:00.000Z"],
    ["project_id", "uuid", UUID],
    ["updated_at", "date-time", "2026-11-22T09:00:00.000Z"],
  ),
  pages: paged(submittedChallengesAfter, tenantKey, (c) => ({
    authority_id: c.authority_id,
    id: c.id,
    service_id: c.service_id,
    applicant_type: c.applicant_type,
    organisation_id: c.organisation_id,
    organisation_name: c.applicant_type === "organisation" ? c.organisation_name : null,
    status: c.status,
    submitted_at: iso(c.submitted_at),
    decision_due: c.decision_due,
    considered_on: c.considered_on,
    modification: c.modification,
    modification_grounds: c.modification_grounds ?? [],
    agreed_on: c.agreed_on,
    decision: c.decision,
    rejection_grounds: c.rejection_grounds ?? [],
    reasons: c.decision ? c.reasons : null,
    decided_at: iso(c.decided_at),
    withdrawn_at: iso(c.withdrawn_at),
    project_id: c.project_id,
    updated_at: iso(c.updated_at),
  })),
  modified: latestRegisterChange,
  changedBy: [
    "challenge.submitted",
    "challenge.withdrawn",
    "challenge.considered",
    "challenge.modification-proposed",
    "challenge.modification-agreed",
    "challenge.decided",
    // An applicant organisation's name is read as it is now.
    "organisation.updated",
  ],
};

const tenders: Dataset = {
  id: "tenders",
  columns: columns(
    ["authority_id", "uuid", AUTHORITY],
    ["id", "uuid", UUID],
    ["project_id", "uuid", UUID],
    ["title", "text", "Home care in the north of Westshire"],
    ["description", "text", "Care and support at home for about 400 adults."],
    ["category_code", "code", "domiciliary-care"],
    ["area_code", "code", "E10000999"],
    ["procedure", "code", "open"],
    ["pricing_mode", "code", "competitive"],
    ["fixed_price_pence", "pence", "250000000"],
    ["reserved", "boolean", "false"],
    ["contract_term_months", "integer", "36"],
    ["tupe_applies", "boolean", "true"],
    ["tupe_staff_count", "integer", "25"],
    ["vat_treatment", "code", "exempt"],
    ["clarification_deadline", "date-time", "2027-01-20T17:00:00.000Z"],
    ["submission_deadline", "date-time", "2027-02-01T12:00:00.000Z"],
    ["status", "code", "open"],
    ["published_at", "date-time", "2026-12-01T09:00:00.000Z"],
    ["opened_at", "date-time", "2027-02-01T14:00:00.000Z"],
    ["cancelled_at", "date-time", "2027-01-10T09:00:00.000Z"],
    ["cancel_reason", "text", "The service is no longer needed."],
    ["updated_at", "date-time", "2026-12-01T09:00:00.000Z"],
  ),
  pages: paged(publishedTendersAfter, tenantKey, (t) => ({
    authority_id: t.authority_id,
    id: t.id,
    project_id: t.project_id,
    title: t.title,
    description: t.description,
    category_code: t.category_code,
    area_code: t.area_code,
    procedure: t.procedure,
    pricing_mode: t.pricing_mode,
    fixed_price_pence: pence(t.fixed_price_pence),
    reserved: t.reserved,
    contract_term_months: t.contract_term_months,
    tupe_applies: t.tupe_applies,
    tupe_staff_count: t.tupe_staff_count,
    vat_treatment: t.vat_treatment,
    clarification_deadline: iso(t.clarification_deadline),
    submission_deadline: iso(t.submission_deadline),
    status: t.state,
    published_at: iso(t.published_at),
    opened_at: iso(t.opened_at),
    cancelled_at: iso(t.cancelled_at),
    cancel_reason: t.cancel_reason,
    updated_at: iso(t.updated_at),
  })),
  modified: latestPublishedTenderChange,
  changedBy: ["tender.published", "tender.amended", "tender.cancelled", "tender.opened"],
  // Open until its deadline.
  clock: (row) => (row.status === "open" || row.status === "closed" ? [row.submission_deadline ?? null] : []),
};

const awards: Dataset = {
  id: "awards",
  columns: columns(
    ["authority_id", "uuid", AUTHORITY],
    ["id", "uuid", UUID],
    ["tender_id", "uuid", UUID],
    ["supplier_organisation_id", "uuid", UUID],
    ["supplier_name", "text", "Westshire Community Health CIC"],
    ["lead_share_bp", "basis-points", "10000"],
    ["consortium_organisation_ids", "uuids", UUID],
    ["value_pence", "pence", "375000000"],
    ["regulated_activity", "code", "personal-care"],
    ["three_bid_justification", "text", "Only two providers work in this area."],
    ["status", "code", "standstill"],
    ["decided_at", "date-time", "2027-03-01T10:00:00.000Z"],
    ["notice_published_at", "date-time", "2027-03-01T10:00:00.000Z"],
    ["standstill_ends_at", "date-time", "2027-03-12T00:00:00.000Z"],
    ["contract_id", "uuid", UUID],
    ["withdrawn_at", "date-time", "2027-03-10T10:00:00.000Z"],
    ["withdrawn_reason", "text", "A challenge was upheld: the bids are evaluated again."],
  ),
  pages: paged(awardsAfter, tenantKey, (a) => ({
    authority_id: a.authority_id,
    id: a.id,
    tender_id: a.tender_id,
    supplier_organisation_id: a.organisation_id,
    supplier_name: a.supplier_name,
    lead_share_bp: a.lead_share_bp,
    consortium_organisation_ids: a.consortium.flatMap((m) => (m.organisationId ? [m.organisationId] : [])),
    value_pence: pence(a.value_pence),
    regulated_activity: a.regulated_activity,
    three_bid_justification: a.three_bid_justification,
    status: a.state,
    decided_at: iso(a.decided_at),
    notice_published_at: iso(a.notice_published_at),
    standstill_ends_at: iso(a.standstill_ends_at),
    contract_id: a.contract_id,
    withdrawn_at: iso(a.withdrawn_at),
    withdrawn_reason: a.withdrawn_reason,
  })),
  // Contracting an award is dated by the contract's entry.
  modified: async (ctx) => latest(await latestAwardChange(ctx), (await latestContractChanges(ctx)).contracts),
  changedBy: ["tender.awarded", "award.challenged", "award.challenge-decided", "award.contracted"],
  // In standstill until it ends.
  clock: (row) =>
    row.status === "standstill" || row.status === "standstill-over" ? [row.standstill_ends_at ?? null] : [],
};

const contracts: Dataset = {
  id: "contracts",
  columns: columns(
    ["authority_id", "uuid", AUTHORITY],
    ["id", "uuid", UUID],
    ["award_id", "uuid", UUID],
    ["tender_id", "uuid", UUID],
    ["supplier_organisation_id", "uuid", UUID],
    ["supplier_name", "text", "Westshire Community Health CIC"],
    ["lead_share_bp", "basis-points", "10000"],
    ["consortium_organisation_ids", "uuids", UUID],
    ["title", "text", "Home care in the north of Westshire"],
    ["description", "text", "Care and support at home for about 400 adults."],
    ["regulated_activity", "code", "personal-care"],
    ["payment_mechanism", "code", "fee-per-service"],
    ["award_value_pence", "pence", "375000000"],
    ["original_value_pence", "pence", "375000000"],
    ["original_starts_on", "date", "2027-04-01"],
    ["original_ends_on", "date", "2030-03-31"],
    ["value_pence", "pence", "390000000"],
    ["starts_on", "date", "2027-04-01"],
    ["ends_on", "date", "2030-09-30"],
    ["amendment_count", "integer", "1"],
    ["status", "code", "active"],
    ["entered_at", "date-time", "2027-03-20T10:00:00.000Z"],
    ["terminated_on", "date", "2029-01-31"],
    ["termination_reason", "text", "The provider left the market."],
  ),
  pages: paged(contractsAfter, tenantKey, (c) => ({
    authority_id: c.authority_id,
    id: c.id,
    award_id: c.award_id,
    tender_id: c.tender_id,
    supplier_organisation_id: c.organisation_id,
    supplier_name: c.supplier_name,
    lead_share_bp: c.lead_share_bp,
    consortium_organisation_ids: c.consortium.flatMap((m) => (m.organisationId ? [m.organisationId] : [])),
    title: c.title,
    description: c.description,
    regulated_activity: c.regulated_activity,
    payment_mechanism: c.payment_mechanism,
    award_value_pence: pence(c.award_value_pence),
    original_value_pence: pence(c.original_value_pence),
    original_starts_on: c.original_starts_on,
    original_ends_on: c.original_ends_on,
    value_pence: pence(c.value_pence),
    starts_on: c.starts_on,
    ends_on: c.ends_on,
    amendment_count: c.amendment_count,
    status: c.state,
    entered_at: iso(c.entered_at),
    terminated_on: c.terminated_on,
    termination_reason: c.termination_reason,
  })),
  modified: async (ctx) => (await latestContractChanges(ctx)).contracts,
  changedBy: ["contract.entered", "contract.amended", "contract.terminated"],
  // Not started, active or ended by today's date.
  clock: "day",
};

const contractKpis: Dataset = {
  id: "contract-kpis",
  columns: columns(
    ["authority_id", "uuid", AUTHORITY],
    ["contract_id", "uuid", UUID],
    ["position", "integer", "1"],
    ["name", "text", "Visits on time"],
    ["measure", "text", "Share of visits that start within 15 minutes of the time planned"],
    ["target", "text", "95%"],
    ["frequency_months", "integer", "3"],
    ["added_by_amendment", "integer", "1"],
    ["reports_from", "date", "2028-04-01"],
  ),
  pages: paged(
    contractKpisAfter,
    (k) => [k.authority_id, k.contract_id, k.position] as const,
    (k) => ({
      authority_id: k.authority_id,
      contract_id: k.contract_id,
      position: k.position,
      name: k.name,
      measure: k.measure,
      target: k.target,
      frequency_months: k.frequency_months,
      added_by_amendment: k.added_by_amendment,
      reports_from: k.reports_from,
    }),
  ),
  modified: async (ctx) => (await latestContractChanges(ctx)).contracts,
  changedBy: ["contract.entered", "contract.amended"],
};

const kpiRatings: Dataset = {
  id: "kpi-ratings",
  columns: columns(
    ["authority_id", "uuid", AUTHORITY],
    ["contract_id", "uuid", UUID],
    ["kpi_position", "integer", "1"],
    ["period_number", "integer", "2"],
    ["period_starts_on", "date", "2027-07-01"],
    ["period_ends_on", "date", "2027-09-30"],
    ["reported_value", "text", "96%"],
    ["rating", "code", "good"],
    ["comment", "text", "Above target for the second quarter running."],
    ["rated_at", "date-time", "2027-10-15T10:00:00.000Z"],
  ),
  pages: paged(
    kpiRatingsAfter,
    (r) => [r.authority_id, r.contract_id, r.kpi_position, r.period_number] as const,
    (r) => ({
      authority_id: r.authority_id,
      contract_id: r.contract_id,
      kpi_position: r.kpi_position,
      period_number: r.period_number,
      period_starts_on: r.period_starts_on,
      period_ends_on: r.period_ends_on,
      reported_value: r.reported_value,
      rating: r.rating,
      comment: r.comment,
      rated_at: iso(r.rated_at),
    }),
  ),
  modified: async (ctx) => (await latestContractChanges(ctx)).ratings,
  changedBy: ["contract.kpi-rated"],
};

const LOCATION = "019a0000-0000-7000-8000-00000000e001";
const INSPECTION = "019a0000-0000-7000-8000-00000000e101";
const REGULATOR = "019a0000-0000-7000-8000-0000000a0003";

const regulatedLocations: Dataset = {
  id: "regulated-locations",
  columns: columns(
    ["location_id", "uuid", LOCATION],
    ["location_name", "text", "Carewell Riverside Care Home"],
    ["regulator_id", "uuid", REGULATOR],
    ["regulator_name", "text", "Care Quality Inspectorate"],
    ["provider_id", "uuid", UUID],
    ["provider_name", "text", "Carewell Homes Ltd"],
    ["status", "code", "registered"],
    ["conditions", "text", "No more than 40 people at any one time."],
    ["address_line1", "text", "1 River Lane"],
    ["town", "text", "Westbridge"],
    ["postcode", "code", "WS1 2AB"],
    ["area_code", "code", "E07000901"],
    ["area_name", "text", "Westbridge"],
    ["capacity", "integer", "40"],
    ["capacity_unit", "code", "beds"],
    ["service_types", "codes", "residential-care;nursing-care"],
    ["regulated_activities", "codes", "accommodation-personal-care;nursing-care"],
    ["overall_rating", "code", "good"],
    ["safe", "code", "good"],
    ["effective", "code", "good"],
    ["caring", "code", "outstanding"],
    ["responsive", "code", "good"],
    ["well_led", "code", "requires-improvement"],
    ["inspected_on", "date", "2026-06-10"],
    ["rating_published_at", "date-time", "2026-07-20T09:00:00.000Z"],
    ["report_inspection_id", "uuid", INSPECTION],
    ["special_measures", "boolean", "false"],
    ["enforcement_in_force", "integer", "0"],
  ),
  pages: paged(
    openLocationsAfter,
    ({ location }) => [location.regulator_id, location.id] as const,
    ({ location: l, current }) => {
      const rated = current?.published_at ? current : undefined;
      const keys = rated ? ratingsOf(rated) : undefined;
      return {
        location_id: l.id,
        location_name: l.name,
        regulator_id: l.regulator_id,
        regulator_name: l.regulator_name,
        provider_id: l.organisation_id,
        provider_name: l.organisation_name,
        status: l.status,
        conditions: l.conditions,
        address_line1: l.address_line1,
        town: l.town,
        postcode: l.postcode,
        area_code: l.area_code,
        area_name: l.area_name,
        capacity: l.capacity,
        capacity_unit: l.capacity_unit,
        service_types: l.service_types,
        regulated_activities: l.activities,
        overall_rating: rated?.overall ?? null,
        safe: keys?.safe ?? null,
        effective: keys?.effective ?? null,
        caring: keys?.caring ?? null,
        responsive: keys?.responsive ?? null,
        well_led: keys?.["well-led"] ?? null,
        inspected_on: rated?.inspected_on ?? null,
        rating_published_at: iso(rated?.published_at),
        report_inspection_id: rated?.id ?? null,
        special_measures: l.special_measures,
        enforcement_in_force: l.enforcement_in_force,
      };
    },
  ),
  modified: async (ctx) => (await latestRegulationChanges(ctx)).locations,
  // A provider's name and an area's are read as they are now.
  changedBy: [
    "registration.",
    "enforcement.",
    "inspection.published",
    "organisation.updated",
    "areas.loaded",
  ],
};

const ratings: Dataset = {
  id: "ratings",
  columns: columns(
    ["inspection_id", "uuid", INSPECTION],
    ["location_id", "uuid", LOCATION],
    ["location_name", "text", "Carewell Riverside Care Home"],
    ["regulator_id", "uuid", REGULATOR],
    ["provider_id", "uuid", UUID],
    ["inspected_on", "date", "2026-06-10"],
    ["published_at", "date-time", "2026-07-20T09:00:00.000Z"],
    ["safe", "code", "good"],
    ["effective", "code", "good"],
    ["caring", "code", "outstanding"],
    ["responsive", "code", "good"],
    ["well_led", "code", "requires-improvement"],
    ["breach", "boolean", "false"],
    ["calculated_overall", "code", "good"],
    ["overall_rating", "code", "good"],
    ["departure_reason", "text", "The caring rating reflects exceptional end-of-life care."],
  ),
  pages: paged(
    publishedRatingsAfter,
    (r) => [r.regulator_id, r.id] as const,
    (r) => {
      const keys = ratingsOf(r);
      return {
        inspection_id: r.id,
        location_id: r.registration_id,
        location_name: r.location_name,
        regulator_id: r.regulator_id,
        provider_id: r.organisation_id,
        inspected_on: r.inspected_on,
        published_at: iso(r.published_at),
        safe: keys.safe,
        effective: keys.effective,
        caring: keys.caring,
        responsive: keys.responsive,
        well_led: keys["well-led"],
        breach: r.breach,
        calculated_overall: r.calculated_overall,
        overall_rating: r.overall,
        departure_reason: r.departure_reason,
      };
    },
  ),
  modified: async (ctx) => (await latestRegulationChanges(ctx)).ratings,
  changedBy: ["inspection.published"],
};

/**
 * Personal budgets' open figures (issue 17, item 10): the market's kept aggregates per authority and
 * area, with the small-numbers rule applied as on /market/personal-budgets — a count under 10 empty
 * with `suppressed` true and its money empty. Never a person: counts and sums only. Its figures:
 * people-by-delivery, spend-by-sector, spend-by-size, reviews, and choice-not-available (keys
 * on-time, late, waiting, overdue and records: the records of "choice not available" and how the
 * authority answered them).
 */
const personalBudgets: Dataset = {
  id: "personal-budgets",
  columns: columns(
    ["authority_id", "uuid", AUTHORITY],
    ["area_code", "code", "E10000999"],
    ["figure", "code", "people-by-delivery"],
    ["key", "code", "direct-payment"],
    ["count", "integer", "12"],
    ["suppressed", "boolean", "false"],
    ["value_pence", "pence", "480000"],
  ),
  async *pages(ctx) {
    for await (const page of personalBudgetRows(ctx))
      yield page.map((r) => ({
        authority_id: r.authorityId,
        area_code: r.areaCode,
        figure: r.figure,
        key: r.key,
        count: r.count,
        suppressed: r.suppressed,
        value_pence: pence(r.valuePence),
      }));
  },
  modified: (ctx) => figuresComputedAt(ctx),
  // Its rows change when the market's job recomputes them: `modified` dates them.
  changedBy: [],
  computed: true,
};

/**
 * Users' feedback (issue 17, item 8; docs/feedback.md): per provider and service type, the count of
 * published reviews and how many gave 1 to 5 stars, from the kept figures — a count under 10 empty
 * with `suppressed` true and no distribution. Never a person: counts only, no text, no area, no month.
 */
const feedback: Dataset = {
  id: "feedback",
  columns: columns(
    ["provider_id", "uuid", UUID],
    ["service_type", "code", "domiciliary-care"],
    ["reviews", "integer", "14"],
    ["suppressed", "boolean", "false"],
    ["stars_1", "integer", "1"],
    ["stars_2", "integer", "0"],
    ["stars_3", "integer", "2"],
    ["stars_4", "integer", "5"],
    ["stars_5", "integer", "6"],
  ),
  async *pages(ctx) {
    for await (const page of feedbackFigureRows(ctx))
      yield page.map((r) => ({
        provider_id: r.organisationId,
        service_type: r.serviceType,
        reviews: r.reviews,
        suppressed: r.suppressed,
        stars_1: r.ratings?.[0] ?? null,
        stars_2: r.ratings?.[1] ?? null,
        stars_3: r.ratings?.[2] ?? null,
        stars_4: r.ratings?.[3] ?? null,
        stars_5: r.ratings?.[4] ?? null,
      }));
  },
  // The figures are kept in each change's transaction: dated by the changes the audit trail records.
  modified: async () => null,
  changedBy: ["feedback."],
};

/**
 * Complaints figures (issue 18, item 6; docs/redress.md, "Open figures and published decisions"): per
 * body — a provider (the complaints about it) or an authority (those it answered) — over the
 * complaints received in the last 12 months, each figure a row: per regime and stage the complaints
 * received, acknowledged and answered on time or late, extended, and their findings; then the steps
 * overdue today, the cases taken to an ombudsman, its findings and the remedies ordered, complied
 * with and overdue. A count of 1 to 9 is empty with `suppressed` true (and the next smallest part
 * beside a lone one). Never a person: counts only, no complaint's reference or words.
 */
const complaintFigures: Dataset = {
  id: "complaint-figures",
  columns: columns(
    ["body_id", "uuid", UUID],
    ["body_type", "code", "organisation"],
    ["period_from", "date", "2025-12-21"],
    ["period_to", "date", "2026-12-21"],
    ["regime", "code", "nhs-adult-social-care"],
    ["stage", "integer", "1"],
    ["figure", "code", "answered-on-time"],
    ["count", "integer", "12"],
    ["suppressed", "boolean", "false"],
  ),
  async *pages(ctx) {
    for await (const page of complaintFigureRows(ctx))
      yield page.map((r) => ({
        body_id: r.bodyId,
        body_type: r.bodyType,
        period_from: r.periodFrom,
        period_to: r.periodTo,
        regime: r.regime,
        stage: r.stage,
        figure: r.figure,
        count: r.count,
        suppressed: r.count === null,
      }));
  },
  // Counted from the complaints a page of bodies at a time, each page kept 10 minutes (redress's
  // complaintFigureRows), never per download: dated by the changes the audit trail records (a
  // complaint's steps, an ombudsman's case), and by the day (the 12 months roll on).
  modified: async () => null,
  changedBy: ["complaint.", "ombudsman-case.", "remedy."],
  clock: "day",
};

/**
 * Payment by results' outcomes (issue 19, item 6; docs/payment-by-results.md, "Open data"): per
 * outcome contract and month of referral, how many participants were referred and how many of them
 * have a valid claim of each rule (and metric) not since recovered, with the rate — a count of 1 to 9,
 * or 1 to 9 from another of its month (the smaller), empty with `suppressed` true, and no rate from
 * it. Never a person: counts only, no reference or group.
 */
const outcomes: Dataset = {
  id: "outcomes",
  columns: columns(
    ["authority_id", "uuid", AUTHORITY],
    ["outcome_contract_id", "uuid", UUID],
    ["contract_id", "uuid", UUID],
    ["provider_id", "uuid", UUID],
    ["programme", "code", "work-programme-north-east"],
    ["referral_month", "text", "2027-04"],
    ["figure", "code", "job-outcome"],
    ["metric", "code", "qualification-level-2"],
    ["participants", "integer", "148"],
    ["suppressed", "boolean", "false"],
    ["rate_bp", "basis-points", "2150"],
  ),
  async *pages(ctx) {
    for await (const page of outcomeFigureRows(ctx))
      yield page.map((r) => ({
        authority_id: r.authorityId,
        outcome_contract_id: r.outcomeContractId,
        contract_id: r.contractId,
        provider_id: r.providerId,
        programme: r.programme,
        referral_month: r.referralMonth,
        figure: r.figure,
        metric: r.metric,
        participants: r.participants,
        suppressed: r.suppressed,
        rate_bp: r.rateBp,
      }));
  },
  // Figures of the claims runs compute, counted a page of contracts at a time and kept 10 minutes:
  // dated by the latest run computed or sample audit concluded, and each day (referrals recorded since).
  modified: (ctx) => latestOutcomesChange(ctx),
  changedBy: [],
  computed: true,
  clock: "day",
};

/**
 * Spend over £500 (Local Government Transparency Code 2015; issue 19, item 6): every payment OpenPS
 * makes exceeding £500 — outcome payments and their corrections from the payment-by-results ledger,
 * and personal budgets' invoices paid from managed accounts summed per provider and month where at
 * least 10 people's budgets paid them. Direct payments (to a person, or spent by them) are never here.
 */
const spendOver500: Dataset = {
  id: "spend-over-500",
  columns: columns(
    ["body_id", "uuid", AUTHORITY],
    ["body_name", "text", "Westshire County Council"],
    ["body_org_id", "org-id", "GB-LAE-WSH"],
    ["paid_on", "date", "2027-05-05"],
    ["transaction_number", "text", UUID],
    ["amount_pence", "pence", "1245000"],
    ["supplier_id", "uuid", UUID],
    ["supplier_name", "text", "Northern Employment Partners Ltd"],
    ["supplier_org_id", "org-id", "GB-COH-01234567"],
    ["expense_area", "code", "payment-by-results/work-programme-north-east"],
    ["expense_type", "code", "outcome-payment"],
    ["purpose", "text", "Outcome payments for 2027-04-01 to 2027-04-30: WP-NE-01 Work Programme North East"],
    ["contract_id", "uuid", UUID],
    ["outcome_contract_id", "uuid", UUID],
    ["period_from", "date", "2027-04-01"],
    ["period_to", "date", "2027-04-30"],
  ),
  async *pages(ctx) {
    for await (const page of spendRows(ctx))
      yield page.map((r) => ({
        body_id: r.bodyId,
        body_name: r.bodyName,
        body_org_id: r.bodyOrgId,
        paid_on: r.paidOn,
        transaction_number: r.transactionNumber,
        amount_pence: pence(r.amountPence),
        supplier_id: r.supplierId,
        supplier_name: r.supplierName,
        supplier_org_id: r.supplierOrgId,
        expense_area: r.expenseArea,
        expense_type: r.expenseType,
        purpose: r.purpose,
        contract_id: r.contractId,
        outcome_contract_id: r.outcomeContractId,
        period_from: r.periodFrom,
        period_to: r.periodTo,
      }));
  },
  // Insert-only ledgers: dated by their latest entry (an index's end), a payment never withdrawn.
  modified: (ctx) => latestSpendChange(ctx),
  changedBy: [],
  computed: true,
};

/**
 * Grants awarded (docs/grants.md): the 360Giving data flat, one row a grant, in order of decision —
 * the same grants, identifiers and amounts as the 360Giving data package (`standard`), which is
 * validated against the standard's schema. Amounts in pence here, in pounds there.
 */
const grants: Dataset = {
  id: "grants",
  columns: columns(
    ["id", "uuid", UUID],
    ["identifier", "text", `360G-openps-${AUTHORITY}-${UUID}`],
    ["title", "text", "Mutuals Support Programme: Westshire Community Health CIC"],
    [
      "description",
      "text",
      "A business case and option appraisal for taking on the community dental service.",
    ],
    ["currency", "code", "GBP"],
    ["amount_applied_for_pence", "pence", "6000000"],
    ["amount_awarded_pence", "pence", "6000000"],
    ["award_date", "date", "2026-08-11"],
    ["planned_start", "date", "2026-09-01"],
    ["planned_end", "date", "2026-11-28"],
    ["support_kind", "code", "grant"],
    ["recipient_org_id", "org-id", "GB-COH-08123456"],
    ["recipient_name", "text", "Westshire Community Health CIC"],
    ["funder_org_id", "org-id", "GB-GOR-D9999"],
    ["funder_name", "text", "Department for Work and Skills"],
    ["programme_id", "uuid", UUID],
    ["programme_title", "text", "Mutuals Support Programme"],
    ["funding_pool_ids", "uuids", UUID],
    ["co_funder_org_ids", "org-ids", "GB-NHS-QWS"],
    ["beneficiary_areas", "codes", "E06000999"],
    ["date_modified", "date-time", "2026-08-11T10:00:00.000Z"],
  ),
  pages: paged(
    (ctx, after: { at: Date; id: string } | undefined, limit) => awardedGrantsAfter(ctx, after, limit),
    (g) => ({ at: g.modifiedAt, id: g.applicationId }),
    (g) => ({
      id: g.applicationId,
      identifier: g.identifier,
      title: g.title,
      description: g.purpose,
      currency: "GBP",
      amount_applied_for_pence: pence(g.amountAppliedForPence),
      amount_awarded_pence: pence(g.amountAwardedPence),
      award_date: g.awardDate,
      planned_start: g.plannedStart,
      planned_end: g.plannedEnd,
      support_kind: g.supportKind,
      recipient_org_id: g.recipient.id,
      recipient_name: g.recipient.name,
      funder_org_id: g.funder.id,
      funder_name: g.funder.name,
      programme_id: g.programme.id,
      programme_title: g.programme.title,
      funding_pool_ids: g.pools.map((p) => p.id),
      co_funder_org_ids: fundersOf(g)
        .slice(1)
        .map((o) => o.id),
      beneficiary_areas: g.locations.map((l) => l.code),
      date_modified: iso(g.modifiedAt),
    }),
  ),
  // An award is decided once and never undone: the latest dates the rows (an index's end); a
  // recipient renamed in the directory changes its rows' names.
  modified: (ctx) => latestAwardedGrant(ctx),
  changedBy: ["organisation.updated"],
  standard: { name: "360Giving", href: "/api/v1/grants/360giving" },
};

/**
 * Provider diversity and the mutuals movement (issue 20, item 9; docs/market.md, "Open data"): the
 * national figures of the market's dashboards, one row per number, the same as each chart's CSV
 * (market's open-figures.ts): mutuals by year, spin-outs by stage and median days, survival, support
 * awarded, barriers by kind and standing, the adjudicators' decisions, outcomes by provider sector and
 * size (small numbers suppressed). Counts only, national: nothing of a person.
 */
const diversityFigures: Dataset = {
  id: "diversity-figures",
  columns: columns(
    ["figure", "code", "spinouts-by-stage"],
    ["dimension", "code", "stage"],
    ["group", "text", "business-case"],
    ["measure", "code", "median_days"],
    ["value", "integer", "21"],
    ["suppressed", "boolean", "false"],
  ),
  async *pages(ctx) {
    yield (await openFigureRows(ctx)).map((r) => ({ ...r }));
  },
  // Counted afresh from eight modules' records at each download. Dated by the changes the audit trail
  // records of what they count, by payment by results' runs and audits (its outcomes are computed),
  // and by the day (the barriers' year and their overdue standing, remedies falling due).
  modified: (ctx) => latestOutcomesChange(ctx),
  changedBy: [
    "mutuals.",
    "organisation.registered",
    "organisation.updated",
    "organisation.mutual-evidence-recorded",
    "grants.",
    "barrier.",
    "ombudsman-case.",
    "remedy.",
    "second-tier-body.",
    "inspection.published",
    "inspection.corrected",
    "registration.",
    "contract.amended",
    "contract.kpi-rated",
  ],
  clock: "day",
};

/**
 * The prize for public service innovation (issue 20, item 8; docs/prize.md): every shortlisted
 * nominee of a round whose shortlist is published, its place, and — once the winners are published —
 * whether it won and its citation. Never who nominated (nothing of the nominators is read), nor the
 * judges or their scores.
 */
const prize: Dataset = {
  id: "prize",
  columns: columns(
    ["authority_id", "uuid", AUTHORITY],
    ["nomination_id", "uuid", UUID],
    ["round_id", "uuid", UUID],
    ["year", "integer", "2026"],
    ["round_title", "text", "Public Service Innovation Prize 2026"],
    ["category_id", "uuid", UUID],
    ["category_title", "text", "Spin-out of the year"],
    ["nominee_name", "text", "Westshire Libraries and Culture Mutual"],
    ["organisation_id", "uuid", UUID],
    ["team_organisation_id", "uuid", UUID],
    ["team_authority_id", "uuid", AUTHORITY],
    ["shortlist_place", "integer", "1"],
    ["won", "boolean", "true"],
    ["citation", "text", "For keeping every library open as a staff- and user-owned society."],
    ["shortlist_published_at", "date-time", "2026-03-15T10:00:00.000Z"],
    ["winners_published_at", "date-time", "2026-04-01T10:00:00.000Z"],
  ),
  pages: paged(
    (ctx, after: readonly [string, string] | undefined, limit) => publishedNomineesAfter(ctx, after, limit),
    tenantKey,
    (n) => ({
      authority_id: n.authority_id,
      nomination_id: n.id,
      round_id: n.round_id,
      year: n.year,
      round_title: n.round_title,
      category_id: n.category_id,
      category_title: n.category_title,
      nominee_name: n.nominee_name,
      organisation_id: n.organisation_id,
      team_organisation_id: n.team_organisation_id,
      team_authority_id: n.team_authority_id,
      shortlist_place: n.shortlist_rank,
      won: n.won,
      citation: n.citation,
      shortlist_published_at: iso(n.shortlist_published_at),
      winners_published_at: iso(n.winners_published_at),
    }),
  ),
  // Its rows change only when a shortlist or the winners are published (audited), or a nominee's
  // organisation is renamed in the directory.
  modified: async () => null,
  changedBy: ["prize-round.shortlist-published", "prize-round.winners-published", "organisation.updated"],
};

/**
 * The register of accreditations (docs/standards.md): each provider's current accreditation against
 * a standard, as the standards' pages show it — granted and not expired today (an expired one leaves
 * at midnight London time: `clock: "day"`); suspended and withdrawn ones are not published.
 */
const accreditations: Dataset = {
  id: "accreditations",
  columns: columns(
    ["id", "uuid", UUID],
    ["standard_id", "uuid", UUID],
    ["standard_title", "text", "Employment Support Quality Standard"],
    ["service_category", "code", "employment-support"],
    ["body_id", "uuid", UUID],
    ["body_name", "text", "Department for Work and Skills"],
    ["organisation_id", "uuid", UUID],
    ["organisation_name", "text", "Nationwide Employment Services plc"],
    ["granted_on", "date", "2026-09-01"],
    ["expires_on", "date", "2028-09-30"],
  ),
  pages: paged(
    (ctx, after: string | undefined, limit) => currentRegisterAfter(ctx, after, limit),
    (a) => a.id,
    (a) => ({
      id: a.id,
      standard_id: a.standard_id,
      standard_title: a.standard_title,
      service_category: a.service_category,
      body_id: a.body_id,
      body_name: a.body_name,
      organisation_id: a.organisation_id,
      organisation_name: a.organisation_name,
      granted_on: a.granted_on,
      expires_on: a.expires_on,
    }),
  ),
  modified: (ctx) => latestAccreditationChange(ctx),
  // Every decision on an accreditation; a provider or body renamed in the directory.
  changedBy: ["accreditation.", "organisation.updated"],
  clock: "day",
};

/**
 * Assets of community value (docs/neighbourhoods.md): every council's list, one row an entry — the
 * listed and the unsuccessful nominations (and listings removed on review or appeal), with the
 * decision's and the latest notice's dates and where its moratorium stands today. An owner who is a
 * person is never published (nor any occupier); an owner that is an organisation is.
 */
const communityAssets: Dataset = {
  id: "community-assets",
  columns: columns(
    ["id", "uuid", UUID],
    ["council_id", "uuid", AUTHORITY],
    ["council_name", "text", "Westshire County Council"],
    ["name", "text", "The Red Lion"],
    ["address", "text", "1 High Street, Wesford"],
    ["postcode", "text", "WS1 2AB"],
    ["area", "text", "Wesford Central"],
    ["latitude", "text", "52.1"],
    ["longitude", "text", "-1.9"],
    ["list", "code", "listed"],
    ["status", "code", "listed"],
    ["nominator_id", "uuid", UUID],
    ["nominator_name", "text", "Millbrook Carers' Trust"],
    ["owner_name", "text", "Red Lion Pubs Ltd"],
    ["received_on", "date", "2026-08-03"],
    ["decided_on", "date", "2026-09-14"],
    ["listed_until", "date", "2031-09-13"],
    ["removed_on", "date", "2027-01-20"],
    ["notice_on", "date", "2026-10-01"],
    ["interim_ends", "date", "2026-11-11"],
    ["bid_requested_on", "date", "2026-10-20"],
    ["full_ends", "date", "2027-03-31"],
    ["protected_ends", "date", "2028-03-31"],
    ["moratorium", "code", "full"],
    ["date_modified", "date-time", "2026-09-14T10:00:00.000Z"],
  ),
  pages: paged(
    (ctx, after: string | undefined, limit) => registerEntriesAfter(ctx, after, limit),
    (v) => v.asset.id,
    (v) => ({
      id: v.asset.id,
      council_id: v.authority.id,
      council_name: v.authority.name,
      name: v.asset.name,
      address: v.asset.address,
      postcode: v.asset.postcode,
      area: v.asset.area,
      latitude: v.asset.latitude === null ? null : String(v.asset.latitude),
      longitude: v.asset.longitude === null ? null : String(v.asset.longitude),
      list: v.asset.status === "listed" ? "listed" : "unsuccessful",
      status: v.asset.status,
      nominator_id: v.asset.nominator_organisation_id,
      nominator_name: v.nominatorName,
      owner_name: v.ownerShown,
      received_on: v.asset.received_on,
      decided_on: v.asset.decided_on,
      listed_until: v.listingEnds,
      removed_on: v.asset.removed_on,
      notice_on: v.sale?.dates.noticeOn ?? null,
      interim_ends: v.sale?.dates.interimEnds ?? null,
      bid_requested_on: v.sale?.bidRequestedOn ?? null,
      full_ends: v.sale?.bidRequestedOn ? v.sale.dates.fullEnds : null,
      protected_ends: v.sale?.dates.protectedEnds ?? null,
      moratorium: v.sale?.standing ?? null,
      date_modified: iso(v.asset.updated_at),
    }),
  ),
  // Every action on an entry dates it; where a moratorium stands turns with the day.
  modified: (ctx) => latestRegisterEntryChange(ctx),
  changedBy: ["community-asset."],
  clock: "day",
};

/**
 * Delegation of services to neighbourhood councils (docs/neighbourhoods.md): one row a delegation of
 * every authority — the service, the part in an area (or the whole), the parish or town council or
 * community body, the budget a year, the standards expected, the dates and where the review stands
 * today. The bodies' reports are on each delegation's page and in the API; no person is named.
 */
const delegations: Dataset = {
  id: "delegations",
  columns: columns(
    ["id", "uuid", UUID],
    ["authority_id", "uuid", AUTHORITY],
    ["authority_name", "text", "Westshire County Council"],
    ["service_id", "uuid", UUID],
    ["service_name", "text", "Country parks"],
    ["area_code", "code", "E07000903"],
    ["area_name", "text", "Kelderby"],
    ["organisation_id", "uuid", UUID],
    ["organisation_name", "text", "Kelderby Town Council"],
    ["budget_pence", "pence", "8500000"],
    ["standards", "text", "Grass cut every two weeks; Litter bins emptied three times a week"],
    ["starts_on", "date", "2026-08-01"],
    ["review_on", "date", "2027-04-01"],
    ["status", "code", "active"],
    ["last_reviewed_on", "date", "2026-12-01"],
    ["ended_on", "date", "2027-06-30"],
    ["date_modified", "date-time", "2026-09-14T10:00:00.000Z"],
  ),
  pages: paged(
    (ctx, after: string | undefined, limit) => delegationsAfter(ctx, after, limit),
    (v) => v.delegation.id,
    (v) => ({
      id: v.delegation.id,
      authority_id: v.authority.id,
      authority_name: v.authority.name,
      service_id: v.delegation.service_id,
      service_name: v.serviceName,
      area_code: v.delegation.area_code,
      area_name: v.areaName,
      organisation_id: v.delegation.organisation_id,
      organisation_name: v.organisationName,
      budget_pence: pence(v.delegation.budget_pence),
      standards: v.delegation.standards.join("; "),
      starts_on: v.delegation.starts_on,
      review_on: v.delegation.review_on,
      status: v.status,
      last_reviewed_on: v.delegation.last_reviewed_on,
      ended_on: v.delegation.ended_on,
      date_modified: iso(v.delegation.updated_at),
    }),
  ),
  // Every action on a delegation dates it (a report too); "under review" turns with the day.
  modified: (ctx) => latestDelegationChange(ctx),
  changedBy: ["delegation.", "service.updated", "organisation.updated"],
  clock: "day",
};

/**
 * Community budgets (docs/community-budgets.md): every pool's ledger, one row a journal entry — a
 * partner's contribution, or a spend with each partner's share of it (the ledger's split, in the
 * partners' order) and the grant it paid, if it named one. A payee who is a person is never
 * published, nor a contribution's reference. Entries are never changed: the latest recorded dates it.
 */
const communityBudgets: Dataset = {
  id: "community-budgets",
  columns: columns(
    ["id", "uuid", UUID],
    ["pool_id", "uuid", UUID],
    ["pool_name", "text", "Westshire Together: living well at home"],
    ["authority_id", "uuid", AUTHORITY],
    ["authority_name", "text", "Westshire County Council"],
    ["area_code", "code", "E10000999"],
    ["date", "date", "2026-09-01"],
    ["kind", "code", "spend"],
    ["spend_kind", "code", "grant"],
    ["amount_pence", "pence", "480000"],
    ["amount_pounds", "text", "4800.00"],
    ["reverses_id", "uuid", UUID],
    ["partner_id", "uuid", AUTHORITY],
    ["partner_name", "text", "Millbrook District Council"],
    ["share_partner_ids", "uuids", AUTHORITY],
    ["share_pence", "codes", "202105"],
    ["payee", "text", "Millbrook Carers' Trust"],
    ["description", "text", "A year of the Millbrook carers' café."],
    ["grant_programme_id", "uuid", UUID],
    ["grant_id", "uuid", UUID],
    ["recorded_at", "date-time", "2026-09-01T10:00:00.000Z"],
  ),
  pages: paged(
    (ctx, after: string | undefined, limit) => openEntriesAfter(ctx, after, limit),
    (e) => e.id,
    (e) => ({
      id: e.id,
      pool_id: e.poolId,
      pool_name: e.poolName,
      authority_id: e.authorityId,
      authority_name: e.authorityName,
      area_code: e.areaCode,
      date: e.on,
      kind: e.kind,
      spend_kind: e.spendKind,
      amount_pence: pence(e.amount),
      amount_pounds: ((a) => `${e.amount < 0n ? "-" : ""}${a / 100n}.${String(a % 100n).padStart(2, "0")}`)(
        e.amount < 0n ? -e.amount : e.amount,
      ),
      reverses_id: e.reversesId,
      partner_id: e.partnerId,
      partner_name: e.partnerName,
      share_partner_ids: e.shares.map((x) => x.partnerId),
      share_pence: e.shares.map((x) => String(x.amount)),
      payee: e.payee,
      description: e.description,
      grant_programme_id: e.grantProgrammeId,
      grant_id: e.grantId,
      recorded_at: iso(e.recordedAt),
    }),
  ),
  modified: (ctx) => latestEntryRecorded(ctx),
  // Every entry is an audited action of its pool (`community-budget.*`).
  changedBy: ["community-budget."],
};

/** Every open dataset, in the order the index lists them. */
export const DATASETS: readonly Dataset[] = [
  authorities,
  organisations,
  services,
  pipeline,
  projects,
  consultations,
  consultationQuestions,
  youSaidWeDid,
  rightToChallenge,
  tenders,
  awards,
  contracts,
  contractKpis,
  kpiRatings,
  regulatedLocations,
  ratings,
  personalBudgets,
  feedback,
  complaintFigures,
  outcomes,
  spendOver500,
  grants,
  diversityFigures,
  prize,
  accreditations,
  communityAssets,
  delegations,
  communityBudgets,
];

export const DATASET_IDS: readonly string[] = DATASETS.map((d) => d.id);

/** The dataset with this id, or undefined. */
export function datasetOf(id: string): Dataset | undefined {
  return DATASETS.find((d) => d.id === id);
}
