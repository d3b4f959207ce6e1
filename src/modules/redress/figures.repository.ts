/**
 * The SQL of redress's open figures and published decisions. Every read names its bodies (a page of
 * them at most) and is narrowed by an index on them: never a whole-table aggregate. Nothing personal
 * is read: no complainant's name, contact or words, no one's account.
 */
import { type ExpressionBuilder, sql } from "kysely";
import type { Database, Db } from "../../db/database.ts";
import type {
  CaseFinding,
  ComplaintStatus,
  Finding,
  RemedyKind,
  RemedyStatus,
  Scheme,
} from "./redress.table.ts";
import type { RegimeCode } from "./regimes.ts";

/**
 * Whose figures: a provider's are the complaints about it (whoever answered them); an authority's,
 * those it answered (about itself, or about a provider it commissions, at the complainant's choice).
 */
export type BodySide = "organisation" | "authority";

type C = ExpressionBuilder<Database, "complaints">;

/**
 * The complaints of these bodies (`complaints_about_provider`, `complaints_of_authority`). An appeal
 * to the adjudicator (a refused spin-out, an unanswered barrier) is not a complaint the authority
 * answered: it is counted in the adjudicator's figures (appeals.service `adjudicatorFigures`) instead.
 */
function ofBodies(side: BodySide, ids: readonly string[]) {
  return (eb: C) =>
    side === "organisation"
      ? eb("complaints.organisation_id", "in", ids)
      : eb.and([
          eb("complaints.answerer", "=", "authority"),
          eb("complaints.authority_id", "in", ids),
          eb.or([
            eb("complaints.commissioning_kind", "is", null),
            eb("complaints.commissioning_kind", "not in", ["spin-out", "barrier"]),
          ]),
        ]);
}

function bodyColumn(side: BodySide) {
  return side === "organisation"
    ? sql<string>`complaints.organisation_id`.as("body_id")
    : sql<string>`complaints.authority_id`.as("body_id");
}

const n = (v: string | number | bigint | null | undefined) => Number(v ?? 0);

/** A body's stage answers in a regime and stage, over the complaints received since `from`. */
export interface StageCountRow {
  body_id: string;
  regime: RegimeCode;
  stage: number;
  stages: number;
  /**
   * Those the body answers (a provider's: where the provider answered; the rest its commissioner
   * did): the acknowledgements and answers on time or late are of these only.
   */
  answerable: number;
  ackDue: number;
  ackOnTime: number;
  ackLate: number;
  answered: number;
  answeredOnTime: number;
  answeredLate: number;
  extended: number;
  upheld: number;
  partlyUpheld: number;
  notUpheld: number;
}

/**
 * Per body, regime and stage: the stages of complaints received on or after `from` (verified ones),
 * their acknowledgements and answers on time or late (the deadline as extended), extensions and
 * findings. The complaints are read by the body's index from a week before `from` (a complaint is
 * made up to 7 days before its address is verified and it is received).
 */
export async function stageCounts(
  db: Db,
  side: BodySide,
  ids: readonly string[],
  from: string,
): Promise<StageCountRow[]> {
  if (ids.length === 0) return [];
  const createdFrom = new Date(`${from}T00:00:00Z`);
  createdFrom.setUTCDate(createdFrom.getUTCDate() - 8);
  // A provider is timed on what it answered, never on its commissioner's answers.
  const own = side === "organisation" ? sql`and complaints.answerer = 'provider'` : sql``;
  const rows = await db
    .selectFrom("complaints")
    .innerJoin("complaint_stages as s", (j) =>
      j.onRef("s.authority_id", "=", "complaints.authority_id").onRef("s.complaint_id", "=", "complaints.id"),
    )
    .where(ofBodies(side, ids))
    .where("complaints.created_at", ">=", createdFrom)
    .where("complaints.received_on", ">=", from)
    .where("complaints.status", "<>", "unverified")
    .select([
      bodyColumn(side),
      "complaints.regime",
      "s.stage",
      sql<string>`count(*)`.as("stages"),
      sql<string>`count(*) filter (where true ${own})`.as("answerable"),
      sql<string>`count(*) filter (where s.ack_due_on is not null ${own})`.as("ack_due"),
      sql<string>`count(*) filter (where s.acknowledged_on <= s.ack_due_on ${own})`.as("ack_on_time"),
      sql<string>`count(*) filter (where s.acknowledged_on > s.ack_due_on ${own})`.as("ack_late"),
      sql<string>`count(*) filter (where s.responded_on is not null)`.as("answered"),
      sql<string>`count(*) filter (where s.responded_on <= s.answer_due_on ${own})`.as("answered_on_time"),
      sql<string>`count(*) filter (where s.responded_on > s.answer_due_on ${own})`.as("answered_late"),
      sql<string>`count(*) filter (where s.extended_at is not null ${own})`.as("extended"),
      sql<string>`count(*) filter (where s.finding = 'upheld')`.as("upheld"),
      sql<string>`count(*) filter (where s.finding = 'partly-upheld')`.as("partly_upheld"),
      sql<string>`count(*) filter (where s.finding = 'not-upheld')`.as("not_upheld"),
    ])
    .groupBy(["body_id", "complaints.regime", "s.stage"])
    .orderBy("body_id")
    .orderBy("complaints.regime")
    .orderBy("s.stage")
    .execute();
  return rows.map((r) => ({
    body_id: r.body_id,
    regime: r.regime,
    stage: r.stage,
    stages: n(r.stages),
    answerable: n(r.answerable),
    ackDue: n(r.ack_due),
    ackOnTime: n(r.ack_on_time),
    ackLate: n(r.ack_late),
    answered: n(r.answered),
    answeredOnTime: n(r.answered_on_time),
    answeredLate: n(r.answered_late),
    extended: n(r.extended),
    upheld: n(r.upheld),
    partlyUpheld: n(r.partly_upheld),
    notUpheld: n(r.not_upheld),
  }));
}

/**
 * Per body: its open complaints whose next step is overdue today (whenever they were received) — the
 * steps it must take (a provider's: those it answers), as its task list shows; read by
 * `complaints_due_of_provider` or `complaints_due_of_authority`.
 */
export async function overdueCounts(
  db: Db,
  side: BodySide,
  ids: readonly string[],
  today: string,
): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  let query = db.selectFrom("complaints").where(ofBodies(side, ids));
  if (side === "organisation") query = query.where("complaints.answerer", "=", "provider");
  const rows = await query
    .where("complaints.status", "=", "open")
    .where("complaints.next_due_on", "<", today)
    .select([bodyColumn(side), sql<string>`count(*)`.as("overdue")])
    .groupBy("body_id")
    .execute();
  return new Map(rows.map((r) => [r.body_id, n(r.overdue)]));
}

/** A body's second tier: cases escalated since `from`, and the findings of those decided since. */
export interface CaseCountRow {
  body_id: string;
  escalated: number;
  decided: number;
  findings: Partial<Record<CaseFinding, number>>;
}

export async function caseCounts(
  db: Db,
  side: BodySide,
  ids: readonly string[],
  from: string,
): Promise<Map<string, CaseCountRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom("complaints")
    .innerJoin("ombudsman_cases as oc", (j) =>
      j
        .onRef("oc.complaint_authority_id", "=", "complaints.authority_id")
        .onRef("oc.complaint_id", "=", "complaints.id"),
    )
    .where(ofBodies(side, ids))
    // Through the body's escalated complaints (`complaints_escalated_about_provider`, `…_of_authority`).
    .where("complaints.status", "=", "escalated")
    .where((eb) => eb.or([eb("oc.escalated_on", ">=", from), eb("oc.decided_on", ">=", from)]))
    .select([
      bodyColumn(side),
      "oc.finding",
      sql<string>`count(*) filter (where oc.escalated_on >= ${from})`.as("escalated"),
      sql<string>`count(*) filter (where oc.decided_on >= ${from})`.as("decided"),
    ])
    .groupBy(["body_id", "oc.finding"])
    .execute();
  const out = new Map<string, CaseCountRow>();
  for (const r of rows) {
    const row = out.get(r.body_id) ?? { body_id: r.body_id, escalated: 0, decided: 0, findings: {} };
    row.escalated += n(r.escalated);
    row.decided += n(r.decided);
    if (r.finding) row.findings[r.finding] = (row.findings[r.finding] ?? 0) + n(r.decided);
    out.set(r.body_id, row);
  }
  return out;
}

/** A body's remedies: ordered since `from` and how they were complied with; overdue today (any). */
export interface RemedyCountRow {
  body_id: string;
  ordered: number;
  compliedOnTime: number;
  compliedLate: number;
  overdue: number;
}

/**
 * The remedies a body must comply with: a provider's (`body_organisation_id`), or an authority's
 * own (`body_organisation_id` null: where the authority answered). Read by the body's index.
 */
export async function remedyCounts(
  db: Db,
  side: BodySide,
  ids: readonly string[],
  from: string,
  today: string,
): Promise<Map<string, RemedyCountRow>> {
  if (ids.length === 0) return new Map();
  const fromInstant = new Date(`${from}T00:00:00Z`);
  let query = db.selectFrom("ombudsman_remedies as r");
  query =
    side === "organisation"
      ? query.where("r.body_organisation_id", "in", ids)
      : query.where("r.body_authority_id", "in", ids).where("r.body_organisation_id", "is", null);
  const rows = await query
    .where((eb) =>
      eb.or([
        eb("r.created_at", ">=", fromInstant),
        eb.and([eb("r.status", "=", "due"), eb("r.due_on", "<", today)]),
      ]),
    )
    .select([
      side === "organisation"
        ? sql<string>`r.body_organisation_id`.as("body_id")
        : sql<string>`r.body_authority_id`.as("body_id"),
      sql<string>`count(*) filter (where r.created_at >= ${fromInstant})`.as("ordered"),
      // remedies.service's remedyState: on time when done by its day; overdue only while still due.
      sql<string>`count(*) filter (where r.created_at >= ${fromInstant} and r.status = 'confirmed'
        and r.done_on <= r.due_on)`.as("on_time"),
      sql<string>`count(*) filter (where r.created_at >= ${fromInstant} and r.status = 'confirmed'
        and not (r.done_on <= r.due_on))`.as("late"),
      sql<string>`count(*) filter (where r.status = 'due' and r.due_on < ${today})`.as("overdue"),
    ])
    .groupBy("body_id")
    .execute();
  return new Map(
    rows.map((r) => [
      r.body_id,
      {
        body_id: r.body_id,
        ordered: n(r.ordered),
        compliedOnTime: n(r.on_time),
        compliedLate: n(r.late),
        overdue: n(r.overdue),
      },
    ]),
  );
}

/** The next page of bodies with complaints, in id order (the open dataset's rows), from the body's index. */
export async function bodiesAfter(
  db: Db,
  side: BodySide,
  after: string | undefined,
  limit: number,
): Promise<string[]> {
  const column = side === "organisation" ? "organisation_id" : "authority_id";
  let query = db
    .selectFrom("complaints")
    .select(sql<string>`${sql.ref(column)}`.as("body_id"))
    .distinct()
    .where(
      side === "organisation"
        ? sql<boolean>`organisation_id is not null`
        : sql<boolean>`answerer = 'authority'`,
    );
  if (after) query = query.where(sql.ref(column), ">", after);
  const rows = await query.orderBy("body_id").limit(limit).execute();
  return rows.map((r) => r.body_id);
}

/** A complaint as the regulator sees it: never the complainant's name, contact or words. */
export interface RegulatedComplaintRow {
  authority_id: string;
  id: string;
  reference: string;
  regime: RegimeCode;
  stage: number;
  status: ComplaintStatus;
  received_on: string;
  next_due_on: string | null;
  answerer: "provider" | "authority";
  created_at: Date;
  finding: Finding | null;
  responded_on: string | null;
}

/**
 * Complaints about a provider (verified) in these regimes, received on or after `from`, newest first,
 * a page by key (`complaints_about_provider`, from a week before `from`).
 */
export async function complaintsAboutProvider(
  db: Db,
  organisationId: string,
  q: { regimes: readonly RegimeCode[]; from: string },
  after: { at: Date; id: string } | undefined,
  limit: number,
): Promise<RegulatedComplaintRow[]> {
  const createdFrom = new Date(`${q.from}T00:00:00Z`);
  createdFrom.setUTCDate(createdFrom.getUTCDate() - 8);
  let query = db
    .selectFrom("complaints as c")
    .leftJoin("complaint_stages as s", (j) =>
      j
        .onRef("s.authority_id", "=", "c.authority_id")
        .onRef("s.complaint_id", "=", "c.id")
        .onRef("s.stage", "=", "c.stage"),
    )
    .select([
      "c.authority_id",
      "c.id",
      "c.reference",
      "c.regime",
      "c.stage",
      "c.status",
      "c.received_on",
      "c.next_due_on",
      "c.answerer",
      "c.created_at",
      "s.finding",
      "s.responded_on",
    ])
    .where("c.organisation_id", "=", organisationId)
    .where("c.created_at", ">=", createdFrom)
    .where("c.received_on", ">=", q.from)
    .where("c.regime", "in", q.regimes)
    .where("c.status", "<>", "unverified");
  if (after)
    query = query.where(sql<boolean>`(c.created_at, c.id) < (${after.at}::timestamptz, ${after.id}::uuid)`);
  return query.orderBy("c.created_at", "desc").orderBy("c.id", "desc").limit(limit).execute();
}

// Published decisions

/** A published decision: the ombudsman's, about a named body; never the complainant. */
export interface DecisionRow {
  authority_id: string;
  id: string;
  reference: string;
  scheme: Scheme;
  ombudsman_name: string;
  ombudsman_welsh_name: string | null;
  ombudsman_slug: string;
  escalated_on: string;
  decided_on: string;
  finding: CaseFinding;
  published_summary: string;
  regime: RegimeCode;
  body_authority_id: string;
  body_authority_name: string;
  /** Its Welsh name, where it has one (the Welsh pages show it). */
  body_authority_welsh_name: string | null;
  body_authority_slug: string;
  body_organisation_id: string | null;
  body_organisation_name: string | null;
  answerer: "provider" | "authority";
  /** An appeal to the adjudicator (spin-out, barrier) or a complaint about a tender or contract; null otherwise. */
  commissioning_kind: string | null;
  /** An appeal's decision: the adjudicator's published grounds found. */
  grounds_found: string[];
}

function decisions(db: Db) {
  return db
    .selectFrom("ombudsman_cases as oc")
    .innerJoin("authorities as om", "om.id", "oc.authority_id")
    .innerJoin("complaints as c", (j) =>
      j.onRef("c.authority_id", "=", "oc.complaint_authority_id").onRef("c.id", "=", "oc.complaint_id"),
    )
    .innerJoin("authorities as ba", "ba.id", "c.authority_id")
    .leftJoin("organisations as bo", "bo.id", "c.organisation_id")
    .where("oc.publication", "=", "publish")
    .where("oc.publication_consent", "=", true)
    .where("oc.decided_on", "is not", null)
    .select([
      "oc.authority_id",
      "oc.id",
      "oc.reference",
      "oc.scheme",
      "om.name as ombudsman_name",
      "om.welsh_name as ombudsman_welsh_name",
      "om.slug as ombudsman_slug",
      "oc.escalated_on",
      sql<string>`oc.decided_on`.as("decided_on"),
      sql<CaseFinding>`oc.finding`.as("finding"),
      "oc.published_summary",
      "oc.grounds_found",
      "c.commissioning_kind",
      "c.regime",
      "c.authority_id as body_authority_id",
      "ba.name as body_authority_name",
      "ba.welsh_name as body_authority_welsh_name",
      "ba.slug as body_authority_slug",
      "c.organisation_id as body_organisation_id",
      "bo.name as body_organisation_name",
      "c.answerer",
    ]);
}

/** Published decisions, newest decided first, a page by key (`ombudsman_cases_published`, `…_published_by`). */
export async function publishedDecisions(
  db: Db,
  q: {
    ombudsmanId?: string | undefined;
    finding?: CaseFinding | undefined;
    after?: { decidedOn: string; id: string } | undefined;
    limit: number;
  },
): Promise<DecisionRow[]> {
  let query = decisions(db);
  if (q.ombudsmanId) query = query.where("oc.authority_id", "=", q.ombudsmanId);
  if (q.finding) query = query.where("oc.finding", "=", q.finding);
  if (q.after)
    query = query.where(
      sql<boolean>`(oc.decided_on, oc.id) < (${q.after.decidedOn}::date, ${q.after.id}::uuid)`,
    );
  return query.orderBy("oc.decided_on", "desc").orderBy("oc.id", "desc").limit(q.limit).execute();
}

/** One published decision by its reference, or undefined (not published, or unknown). */
export async function publishedDecision(db: Db, reference: string): Promise<DecisionRow | undefined> {
  return decisions(db).where("oc.reference", "=", reference).executeTakeFirst();
}

/** What a published decision shows of its remedies: kinds, amounts, due, and compliance; no words. */
export interface PublishedRemedyRow {
  seq: number;
  kind: RemedyKind;
  amount_pence: bigint | null;
  due_on: string;
  status: RemedyStatus;
  reported_on: string | null;
  done_on: string | null;
  confirmed_on: string | null;
}

export function remediesOfCase(db: Db, authorityId: string, caseId: string): Promise<PublishedRemedyRow[]> {
  return db
    .selectFrom("ombudsman_remedies")
    .select(["seq", "kind", "amount_pence", "due_on", "status", "reported_on", "done_on", "confirmed_on"])
    .where("authority_id", "=", authorityId)
    .where("case_id", "=", caseId)
    .orderBy("seq")
    .execute();
}

/** The second-tier bodies (the ombudsmen, the adjudicators), for the decisions' filter. */
export function secondTierBodies(
  db: Db,
): Promise<{ id: string; slug: string; name: string; welsh_name: string | null; scheme: Scheme }[]> {
  return db
    .selectFrom("second_tier_bodies as t")
    .innerJoin("authorities as a", "a.id", "t.authority_id")
    .select(["a.id", "a.slug", "a.name", "a.welsh_name", "t.scheme"])
    .distinct()
    .orderBy("a.name")
    .execute();
}
