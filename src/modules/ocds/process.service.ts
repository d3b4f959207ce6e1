/**
 * A contracting process as the public may see it, gathered for its OCDS release through each
 * module's public views (a context with no one signed in): projects, tenders, award, contracts.
 * What the public cannot see — a draft, a sealed bid, a report not yet rated — is not here, so it
 * cannot reach a release.
 *
 * One process per ocid: a commissioning project's ocid is its first published tender's, so the
 * project's planning and that tender's tender, award and contract make one record; a project's
 * later tender (after a cancellation, say) is a process of its own, `<project ocid>-<n>`. Each
 * ocid is given once, when the process's first release is made, and kept (`ocds_processes`): an
 * order worked out again each time would change when the clock goes back (the demo clock reset).
 */
import type { Trx } from "../../db/database.ts";
import { NotFoundError } from "../../lib/errors.ts";
import type { Ctx } from "../access/context.ts";
import { authorityById } from "../authorities/authorities.service.ts";
import { awardNotice, noticePath } from "../award/award.service.ts";
import { contractOf, pageUrl as contractPageUrl } from "../contracts/contracts.service.ts";
import { organisationOf } from "../organisations/organisations.service.ts";
import { projectOf } from "../projects/projects.service.ts";
import { amendmentsOf } from "../tenders/amendments.service.ts";
import { currentBids, findTender, tenderParts, tenderPath } from "../tenders/tenders.service.ts";
import { listServiceCategories } from "../vocabularies/vocabularies.service.ts";
import * as repo from "./ocds.repository.ts";
import type { PartyRef, ProcessSnapshot } from "./releases.ts";

/** A contracting process: its ocid, and the project and (once published) tender it is made of. */
export interface Process {
  authorityId: string;
  ocid: string;
  projectId: string;
  /** The tender of this process; null while the project has none published. */
  tenderId: string | null;
}

/**
 * The process a published project's change belongs to: the project's own ocid (given to it now if
 * it had none), with its tender if one has been published. Null for a draft.
 */
export async function processOfProject(
  ctx: Ctx & { db: Trx },
  authorityId: string,
  projectId: string,
): Promise<Process | null> {
  const project = await projectOf(ctx, authorityId, projectId).catch(notFound);
  if (project?.status !== "published") return null;
  await repo.lockProcess(ctx.db, project.ocid);
  const own = (await repo.processesOfProject(ctx.db, authorityId, projectId)).find(
    (p) => p.ocid === project.ocid,
  );
  if (!own)
    await repo.assignProcess(ctx.db, {
      authority_id: authorityId,
      ocid: project.ocid,
      project_id: projectId,
      tender_id: null,
      assigned_at: ctx.clock.now(),
    });
  return { authorityId, ocid: project.ocid, projectId, tenderId: own?.tender_id ?? null };
}

/**
 * The process a published tender belongs to, its ocid given when first asked and kept (see the
 * file's comment): the project's own for the project's first, `<project ocid>-<n>` for the n-th.
 * Null for a draft.
 */
export async function processOfTender(
  ctx: Ctx & { db: Trx },
  authorityId: string,
  tenderId: string,
): Promise<Process | null> {
  const held = await repo.processOfTender(ctx.db, authorityId, tenderId);
  if (held) return { authorityId, ocid: held.ocid, projectId: held.project_id, tenderId };
  const tender = await findTender(ctx, authorityId, tenderId);
  if (!tender || tender.status === "draft") return null;
  const project = await projectOf(ctx, authorityId, tender.project_id).catch(notFound);
  if (!project) return null;
  await repo.lockProcess(ctx.db, project.ocid);
  const processes = await repo.processesOfProject(ctx.db, authorityId, project.id);
  const withTenders = processes.filter((p) => p.tender_id !== null).length;
  const ocid = withTenders === 0 ? project.ocid : `${project.ocid}-${withTenders + 1}`;
  await repo.assignProcess(ctx.db, {
    authority_id: authorityId,
    ocid,
    project_id: project.id,
    tender_id: tenderId,
    assigned_at: ctx.clock.now(),
  });
  return { authorityId, ocid, projectId: project.id, tenderId };
}

/** The process a contract belongs to: its tender's. */
export async function processOfContract(
  ctx: Ctx & { db: Trx },
  authorityId: string,
  contractId: string,
): Promise<Process | null> {
  const contract = await contractOf(ctx, authorityId, contractId).catch(notFound);
  return contract ? processOfTender(ctx, authorityId, contract.contract.tender_id) : null;
}

function notFound(error: unknown): null {
  if (error instanceof NotFoundError) return null;
  throw error;
}

async function organisationRef(ctx: Ctx, id: string, name: string): Promise<PartyRef> {
  const organisation = await organisationOf(ctx.db, id).catch(notFound);
  return { id, name, orgId: organisation?.primary_identifier ?? null, kind: "organisation" };
}

/** What the public may see of the process now. */
export async function snapshotOf(ctx: Ctx, process: Process): Promise<ProcessSnapshot> {
  const { authorityId } = process;
  const authority = await authorityById(ctx.db, authorityId);
  const project = await projectOf(ctx, authorityId, process.projectId);
  const [category] = (await listServiceCategories(ctx.db)).filter((c) => c.code === project.category_code);
  const buyer: PartyRef = {
    id: authority.id,
    name: authority.name,
    orgId: authority.org_id,
    kind: "authority",
  };
  const projectPage = `/authorities/${authority.slug}/projects/${project.id}`;
  const ownsPlanning = process.ocid === project.ocid;
  const snapshot: ProcessSnapshot = {
    ocid: process.ocid,
    buyer,
    planning: ownsPlanning
      ? {
          projectId: project.id,
          title: project.title,
          description: project.description,
          need: project.need,
          estimatedValuePence: project.estimated_value_pence,
          dates: {
            marketEngagement: project.market_engagement_date,
            tender: project.tender_date,
            award: project.award_date,
            start: project.start_date,
          },
          participants: await Promise.all(
            project.participants.map(async (p) => {
              const other = await authorityById(ctx.db, p.id);
              return { id: other.id, name: other.name, orgId: other.org_id, kind: "authority" as const };
            }),
          ),
          pageUrl: projectPage,
          publishedAt: project.published_at,
        }
      : null,
    classification: {
      cpv: category?.cpv_code ?? "",
      description: category?.cpv_description ?? "",
      category: project.category_name,
      area: { code: project.area_code, name: project.area_name },
    },
    tender: null,
    award: null,
    contract: null,
  };
  if (!process.tenderId) return snapshot;

  const tender = await findTender(ctx, authorityId, process.tenderId);
  if (!tender || tender.status === "draft" || !tender.published_at) return snapshot;
  const [parts, amendments, bids] = await Promise.all([
    tenderParts(ctx, authorityId, tender.id),
    amendmentsOf(ctx, authorityId, tender.id),
    // Sealed until opened: only their number, and only then.
    tender.opened_at ? currentBids(ctx, authorityId, tender.id) : Promise.resolve([]),
  ]);
  const apiBase = `/api/v1/authorities/${authorityId}/tenders/${tender.id}`;
  snapshot.tender = {
    id: tender.id,
    title: tender.title,
    description: tender.description,
    procedure: tender.procedure,
    stages: tender.stages,
    status: tender.status === "cancelled" ? "cancelled" : "published",
    cancelReason: tender.cancel_reason,
    publishedAt: tender.published_at,
    cancelledAt: tender.cancelled_at,
    clarificationDeadline: tender.clarification_deadline,
    submissionDeadline: tender.submission_deadline,
    reserved: tender.reserved,
    contractTermMonths: tender.contract_term_months,
    tupe: {
      applies: tender.tupe_applies,
      staffCount: tender.tupe_staff_count,
      annualCostPence: tender.tupe_annual_cost_pence,
      terms: tender.tupe_terms,
      pensionTerms: tender.pension_terms,
    },
    pricing: {
      mode: tender.pricing_mode,
      fixedPricePence: tender.fixed_price_pence,
      tariff: tender.tariff,
      vat: tender.vat_treatment,
    },
    lots: parts.lots.map((l) => ({
      id: l.id,
      title: l.title,
      description: l.description,
      estimatedValuePence: l.estimated_value_pence,
    })),
    conditions: parts.conditions,
    criteria: parts.criteria.map((c) => ({
      id: c.id,
      parentId: c.parent_id,
      kind: c.kind,
      title: c.title,
      weightBp: c.weight_bp,
    })),
    documents: parts.documents.map((d) => ({
      id: d.id,
      title: d.title,
      mediaType: d.media_type,
      uploadedAt: d.uploaded_at,
      url: `${apiBase}/documents/${d.id}`,
    })),
    amendments: amendments.map((a) => ({
      id: a.id,
      number: a.number,
      reason: a.reason,
      changed: a.changed,
      madeAt: a.made_at,
    })),
    bidsOpened: tender.opened_at ? { count: bids.length, openedAt: tender.opened_at } : null,
    pageUrl: tenderPath(tender),
  };

  const notice = await awardNotice(ctx, authorityId, tender.id).catch(notFound);
  if (!notice) return snapshot;
  const award = notice.award;
  snapshot.award = {
    id: award.id,
    status: award.status,
    decidedAt: award.decided_at,
    standstillEndsAt: award.standstill_ends_at,
    noticePublishedAt: award.notice_published_at,
    valuePence: award.value_pence,
    supplier: await organisationRef(ctx, award.organisation_id, award.supplier_name),
    consortium: award.consortium.map((m) => ({
      name: m.name,
      role: m.role,
      shareBp: m.shareBp,
      organisationId: m.organisationId,
    })),
    fewerThanThreeBidsJustification: award.three_bid_justification,
    withdrawnReason: award.withdrawn_reason,
    noticeUrl: noticePath(tender.authority_slug, tender.id),
  };
  if (!award.contract_id) return snapshot;

  const view = await contractOf(ctx, authorityId, award.contract_id).catch(notFound);
  if (!view) return snapshot;
  const c = view.contract;
  snapshot.contract = {
    id: c.id,
    title: c.title,
    description: c.description,
    valuePence: c.value_pence,
    startsOn: c.starts_on,
    endsOn: c.ends_on,
    enteredAt: c.entered_at,
    state: view.state,
    terminatedOn: c.terminated_on,
    terminationReason: c.termination_reason,
    paymentMechanism: c.payment_mechanism,
    documents: view.documents.map((d) => ({
      position: d.position,
      title: d.title,
      mediaType: d.media_type,
      uploadedAt: d.uploaded_at,
      url: `/api/v1/authorities/${authorityId}/contracts/${c.id}/documents/${d.position}`,
    })),
    amendments: view.amendments.map((a) => ({
      number: a.number,
      reason: a.reason,
      amendedAt: a.amended_at,
      changed: [
        ...(a.value_after_pence !== null ? ["value"] : []),
        ...(a.starts_on_after !== null || a.ends_on_after !== null ? ["period"] : []),
        ...(a.scope_after !== null ? ["scope"] : []),
        ...(a.kpis_added > 0 ? ["KPIs"] : []),
      ],
    })),
    ratings: view.kpis.flatMap((k) =>
      k.periods.flatMap((p) =>
        p.rating
          ? [
              {
                kpi: k.position,
                kpiName: k.name,
                period: p.number,
                periodEndsOn: p.endsOn,
                rating: p.rating.rating,
                ratedAt: p.rating.rated_at,
              },
            ]
          : [],
      ),
    ),
    pageUrl: contractPageUrl(c),
  };
  return snapshot;
}
