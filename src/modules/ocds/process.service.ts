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
 *
 * Gathered many at a time (`snapshotsOf`, `processesOfProjects`): a page of processes with a fixed
 * number of queries, whatever its size — each module asked once for all of them — so publishing the
 * releases of national data written in bulk takes minutes, not hours. A change's own processes are
 * the same gathering of a few: one code path, so a page's releases and a change's cannot disagree.
 */
import type { Trx } from "../../db/database.ts";
import { NotFoundError } from "../../lib/errors.ts";
import type { Ctx } from "../access/context.ts";
import { authoritiesByIds } from "../authorities/authorities.service.ts";
import { noticeAwardsOf, noticePath } from "../award/award.service.ts";
import { contractOf, pageUrl as contractPageUrl, contractsByKeys } from "../contracts/contracts.service.ts";
import { organisationsByIds } from "../organisations/organisations.service.ts";
import { projectOf, projectsByKeys } from "../projects/projects.service.ts";
import { paymentsOfContracts } from "../results/open-data.service.ts";
import { amendmentsOfTenders } from "../tenders/amendments.service.ts";
import {
  findTender,
  openedBidCounts,
  publishedTendersByKeys,
  publishedTendersOfProjects,
  tenderPath,
  tendersParts,
} from "../tenders/tenders.service.ts";
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
  const ocid = nextTenderOcid(project.ocid, processes);
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

/** The ocid a project's next tender is given: the project's own for its first, `<ocid>-<n>` for the n-th. */
function nextTenderOcid(projectOcid: string, processes: readonly { tender_id: string | null }[]): string {
  const withTenders = processes.filter((p) => p.tender_id !== null).length;
  return withTenders === 0 ? projectOcid : `${projectOcid}-${withTenders + 1}`;
}

/**
 * Every process of these published projects, each project's in order — its published tenders'
 * processes in the order they were published (the first takes the project's own ocid), the
 * project's own first when no tender has it — their ocids given now where they had none: what
 * `processOfTender` of each published tender in turn, then `processOfProject`, give, for a page of
 * projects at once (a fixed number of queries). A draft project (or one not found) has none.
 */
export async function processesOfProjects(
  ctx: Ctx & { db: Trx },
  keys: readonly { authority_id: string; id: string }[],
): Promise<Process[]> {
  const [projects, tenders] = await Promise.all([
    projectsByKeys(ctx, keys),
    publishedTendersOfProjects(ctx, keys),
  ]);
  const published = keys.flatMap((k) => {
    const project = projects.get(k.id);
    return project?.status === "published" && project.authority_id === k.authority_id ? [project] : [];
  });
  await repo.lockProcesses(
    ctx.db,
    published.map((p) => p.ocid),
  );
  const held = await repo.processesOfProjects(ctx.db, published);
  const assigned = new Map<string, repo.ProcessAssignment>();
  const all: Process[] = [];
  for (const project of published) {
    const authorityId = project.authority_id;
    const own = held.get(project.id) ?? [];
    const assign = (ocid: string, tenderId: string | null) => {
      assigned.set(ocid, {
        authority_id: authorityId,
        ocid,
        project_id: project.id,
        tender_id: tenderId,
        assigned_at: ctx.clock.now(),
      });
      const row = own.find((p) => p.ocid === ocid);
      if (row) row.tender_id = tenderId;
      else own.push({ ocid, tender_id: tenderId });
    };
    const processes: Process[] = [];
    for (const tender of tenders.filter(
      (t) => t.authority_id === authorityId && t.project_id === project.id,
    )) {
      const given = own.find((p) => p.tender_id === tender.id);
      const ocid = given?.ocid ?? nextTenderOcid(project.ocid, own);
      if (!given) assign(ocid, tender.id);
      processes.push({ authorityId, ocid, projectId: project.id, tenderId: tender.id });
    }
    if (!own.some((p) => p.ocid === project.ocid)) assign(project.ocid, null);
    if (!processes.some((p) => p.ocid === project.ocid))
      processes.unshift({
        authorityId,
        ocid: project.ocid,
        projectId: project.id,
        tenderId: own.find((p) => p.ocid === project.ocid)?.tender_id ?? null,
      });
    all.push(...processes);
  }
  await repo.assignProcesses(ctx.db, [...assigned.values()]);
  return all;
}

/** What the public may see of the process now. */
export async function snapshotOf(ctx: Ctx, process: Process): Promise<ProcessSnapshot> {
  return (await snapshotsOf(ctx, [process]))[0] as ProcessSnapshot;
}

/**
 * What the public may see of each of these processes now, in their order: every module asked once
 * for all of them, through its public views (no one signed in: nothing sealed or unpublished is
 * read) — about twenty queries however many processes.
 */
export async function snapshotsOf(ctx: Ctx, processes: readonly Process[]): Promise<ProcessSnapshot[]> {
  if (processes.length === 0) return [];
  const tenderKeys = processes.flatMap((p) =>
    p.tenderId ? [{ authority_id: p.authorityId, id: p.tenderId }] : [],
  );
  const [projects, categories, found] = await Promise.all([
    projectsByKeys(
      ctx,
      processes.map((p) => ({ authority_id: p.authorityId, id: p.projectId })),
    ),
    listServiceCategories(ctx.db),
    publishedTendersByKeys(ctx, tenderKeys),
  ]);
  const tenders = [...found.values()].filter((t) => t.published_at !== null);
  const keys = tenders.map((t) => ({ authority_id: t.authority_id, id: t.id }));
  const [authorities, parts, amendments, bids, awards] = await Promise.all([
    authoritiesByIds(ctx.db, [
      ...processes.map((p) => p.authorityId),
      ...[...projects.values()].flatMap((p) => p.participants.map((x) => x.id)),
    ]),
    tendersParts(ctx, keys),
    amendmentsOfTenders(ctx, keys),
    // Sealed until opened: only their number, and only then.
    openedBidCounts(
      ctx,
      tenders.filter((t) => t.opened_at !== null).map((t) => ({ authority_id: t.authority_id, id: t.id })),
    ),
    noticeAwardsOf(ctx, keys),
  ]);
  const contractKeys = [...awards.values()].flatMap((a) =>
    a.contract_id ? [{ authority_id: a.authority_id, id: a.contract_id }] : [],
  );
  const [organisations, contracts, payments] = await Promise.all([
    organisationsByIds(
      ctx.db,
      [...awards.values()].map((a) => a.organisation_id),
    ),
    contractsByKeys(ctx, contractKeys),
    // Payment by results: what the contract's outcome contract paid (implementation transactions).
    paymentsOfContracts(ctx, contractKeys),
  ]);
  // A payee that is not the award's supplier (named once, only when there is one).
  const payees = [...payments.values()].flat().map((p) => p.organisationId);
  const unnamed = payees.filter((id) => !organisations.has(id));
  if (unnamed.length > 0)
    for (const [id, organisation] of await organisationsByIds(ctx.db, [...new Set(unnamed)]))
      organisations.set(id, organisation);
  const gathered: Gathered = {
    authorities,
    projects,
    categories,
    tenders: new Map(tenders.map((t) => [t.id, t])),
    parts,
    amendments,
    bids,
    awards,
    organisations,
    contracts,
    payments,
  };
  return processes.map((process) => snapshotFrom(gathered, process));
}

/** What `snapshotsOf` gathered of a page of processes, each by its id. */
interface Gathered {
  authorities: Awaited<ReturnType<typeof authoritiesByIds>>;
  projects: Awaited<ReturnType<typeof projectsByKeys>>;
  categories: Awaited<ReturnType<typeof listServiceCategories>>;
  tenders: Awaited<ReturnType<typeof publishedTendersByKeys>>;
  parts: Awaited<ReturnType<typeof tendersParts>>;
  amendments: Awaited<ReturnType<typeof amendmentsOfTenders>>;
  bids: Awaited<ReturnType<typeof openedBidCounts>>;
  awards: Awaited<ReturnType<typeof noticeAwardsOf>>;
  organisations: Awaited<ReturnType<typeof organisationsByIds>>;
  contracts: Awaited<ReturnType<typeof contractsByKeys>>;
  payments: Awaited<ReturnType<typeof paymentsOfContracts>>;
}

function authorityRef(gathered: Gathered, id: string): PartyRef {
  const authority = gathered.authorities.get(id);
  if (!authority) throw new NotFoundError("public body");
  return { id: authority.id, name: authority.name, orgId: authority.org_id, kind: "authority" };
}

/** One process's snapshot from what was gathered: a pure function. */
function snapshotFrom(gathered: Gathered, process: Process): ProcessSnapshot {
  const { authorityId } = process;
  const buyer = authorityRef(gathered, authorityId);
  const authority = gathered.authorities.get(authorityId) as NonNullable<
    ReturnType<Gathered["authorities"]["get"]>
  >;
  const project = gathered.projects.get(process.projectId);
  if (!project || project.authority_id !== authorityId) throw new NotFoundError("commissioning project");
  const [category] = gathered.categories.filter((c) => c.code === project.category_code);
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
          participants: project.participants.map((p) => authorityRef(gathered, p.id)),
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

  const tender = gathered.tenders.get(process.tenderId);
  if (!tender || tender.authority_id !== authorityId || !tender.published_at) return snapshot;
  const parts = gathered.parts.get(tender.id) ?? { lots: [], conditions: [], criteria: [], documents: [] };
  const amendments = gathered.amendments.get(tender.id) ?? [];
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
    bidsOpened: tender.opened_at
      ? { count: gathered.bids.get(tender.id) ?? 0, openedAt: tender.opened_at }
      : null,
    pageUrl: tenderPath(tender),
  };

  const award = gathered.awards.get(tender.id);
  if (!award) return snapshot;
  const supplier = gathered.organisations.get(award.organisation_id);
  snapshot.award = {
    id: award.id,
    status: award.status,
    decidedAt: award.decided_at,
    standstillEndsAt: award.standstill_ends_at,
    noticePublishedAt: award.notice_published_at,
    valuePence: award.value_pence,
    supplier: {
      id: award.organisation_id,
      name: award.supplier_name,
      orgId: supplier?.primary_identifier ?? null,
      kind: "organisation",
    },
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

  const view = gathered.contracts.get(award.contract_id);
  if (!view || view.contract.authority_id !== authorityId) return snapshot;
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
    payments: (gathered.payments.get(c.id) ?? []).map((p) => {
      const payee = gathered.organisations.get(p.organisationId);
      return {
        id: p.id,
        kind: p.kind,
        amountPence: p.amountPence,
        paidOn: p.paidOn,
        recordedAt: p.recordedAt,
        period: p.period,
        payee: {
          id: p.organisationId,
          name: payee?.name ?? "",
          orgId: payee?.primary_identifier ?? null,
          kind: "organisation" as const,
        },
      };
    }),
    pageUrl: contractPageUrl(c),
  };
  return snapshot;
}
