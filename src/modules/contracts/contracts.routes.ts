/**
 * Contracts (issue 6): the JSON API — the register of published contracts, the awards ready to
 * contract, entering a contract, a contract and its documents, KPI reports and ratings, amendments,
 * termination and a provider's contracts — and the pages (contracts.pages.ts, kpi-reports.pages.ts,
 * contract-changes.pages.ts). Each route states who may call it and calls one service; the service
 * decides every rule.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { anyone, api, errorResponses } from "../../http/routes.ts";
import { AuthorityParams } from "../../http/schemas.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, authorityEditors, organisationRoles } from "../access/policies.ts";
import { contractChangePages } from "./contract-changes.pages.ts";
import { amendContract, terminateContract } from "./contract-changes.service.ts";
import {
  type AwardForContract,
  type ContractDraft,
  enterContract,
  readyToContract,
} from "./contract-entry.service.ts";
import { contractsCtxOf } from "./contracts.context.ts";
import { contractPages } from "./contracts.pages.ts";
import { supplierPeople } from "./contracts.policies.ts";
import {
  AmendmentBody,
  AmendmentResponse,
  AwardReadyResponse,
  ContractListQuery,
  ContractListResponse,
  ContractParams,
  type ContractResponse,
  ContractResponse as ContractResponseSchema,
  DocumentParams,
  EnterContractBody,
  OrganisationParams,
  PeriodParams,
  ProviderContractsResponse,
  RatingBody,
  ReportBody,
  TerminationBody,
} from "./contracts.schemas.ts";
import {
  type ContractView,
  contractDocument,
  contractOf,
  listContractViews,
  type PublicationView,
  pageUrl,
  SUPPLIER_ROLES,
} from "./contracts.service.ts";
import { kpiReportPages } from "./kpi-reports.pages.ts";
import { correctKpiReport, type RatingDraft, rateKpi, reportKpi } from "./kpi-reports.service.ts";
import { providerContracts } from "./provider-contracts.service.ts";

function publicationToApi(publication: PublicationView) {
  return {
    lastPublishedAt: publication.lastPublishedAt?.toISOString() ?? null,
    nextDueOn: publication.dueOn,
    final: publication.final,
    overdue: publication.overdue,
  };
}

function kpisToApi(view: ContractView) {
  return view.kpis.map((k) => ({
    position: k.position,
    name: k.name,
    measure: k.measure,
    target: k.target,
    frequencyMonths: k.frequency_months,
    addedByAmendment: k.added_by_amendment,
    reportsFrom: k.reportsFrom,
    publication: publicationToApi(k.publication),
    periods: k.periods.map((p) => ({
      number: p.number,
      startsOn: p.startsOn,
      endsOn: p.endsOn,
      state: p.state,
      overdueAfter: p.overdueAfter,
      report: p.report
        ? {
            value: p.report.value,
            commentary: p.report.commentary,
            reportedAt: p.report.reported_at.toISOString(),
            correctedAt: p.report.corrected_at?.toISOString() ?? null,
          }
        : null,
      rating: p.rating
        ? { rating: p.rating.rating, comment: p.rating.comment, ratedAt: p.rating.rated_at.toISOString() }
        : null,
    })),
  }));
}

function amendmentsToApi(view: ContractView) {
  return view.amendments.map((a) => ({
    number: a.number,
    reason: a.reason,
    amendedAt: a.amended_at.toISOString(),
    value:
      a.value_before_pence !== null && a.value_after_pence !== null
        ? { beforePence: a.value_before_pence.toString(), afterPence: a.value_after_pence.toString() }
        : null,
    startsOn:
      a.starts_on_before && a.starts_on_after
        ? { before: a.starts_on_before, after: a.starts_on_after }
        : null,
    endsOn: a.ends_on_before && a.ends_on_after ? { before: a.ends_on_before, after: a.ends_on_after } : null,
    scope:
      a.scope_before !== null && a.scope_after !== null
        ? { before: a.scope_before, after: a.scope_after }
        : null,
    kpisAdded: a.kpisAdded.map((k) => ({ position: k.position, name: k.name })),
  }));
}

export function contractToApi(view: ContractView): ContractResponse {
  const c = view.contract;
  const api = `/api/v1/authorities/${c.authority_id}/contracts/${c.id}`;
  return {
    id: c.id,
    authority: { id: c.authority_id, name: c.authority_name, slug: c.authority_slug },
    awardId: c.award_id,
    tender: { id: c.tender_id, title: c.tender_title },
    title: c.title,
    description: c.description,
    state: view.state,
    supplier: {
      organisationId: c.organisation_id,
      name: c.supplier_name,
      leadShareBp: c.lead_share_bp,
      consortium: c.consortium.map((m) => ({
        organisationId: m.organisationId,
        name: m.name,
        role: m.role,
        shareBp: m.shareBp,
      })),
    },
    regulatedActivity: c.regulated_activity,
    paymentMechanism: c.payment_mechanism,
    valuePence: c.value_pence.toString(),
    startsOn: c.starts_on,
    endsOn: c.ends_on,
    scope: c.scope,
    original: {
      valuePence: c.original_value_pence.toString(),
      startsOn: c.original_starts_on,
      endsOn: c.original_ends_on,
    },
    awardValuePence: c.award_value_pence.toString(),
    valueReason: c.value_reason,
    enteredAt: c.entered_at.toISOString(),
    kpis: kpisToApi(view),
    documents: view.documents.map((d) => ({
      position: d.position,
      title: d.title,
      filename: d.filename,
      mediaType: d.media_type,
      size: d.size_bytes,
      sha256: d.sha256,
      url: `${api}/documents/${d.position}`,
    })),
    amendments: amendmentsToApi(view),
    termination:
      c.terminated_on && c.termination_reason && c.terminated_at
        ? {
            terminatedOn: c.terminated_on,
            reason: c.termination_reason,
            recordedAt: c.terminated_at.toISOString(),
          }
        : null,
    ratingsPublication: {
      ...publicationToApi(view.publication),
      overdueKpis: view.publication.overdueKpis,
    },
    reports: view.counts,
    pageUrl: pageUrl(c),
  };
}

function awardToApi(a: AwardForContract) {
  return {
    id: a.id,
    tender: { id: a.tenderId, title: a.tenderTitle },
    supplier: {
      organisationId: a.organisationId,
      name: a.supplierName,
      leadShareBp: a.leadShareBp,
      consortium: a.consortium.map((m) => ({
        organisationId: m.organisationId,
        name: m.name,
        role: m.role,
        shareBp: m.shareBp,
      })),
    },
    valuePence: a.valuePence.toString(),
    regulatedActivity: a.regulatedActivity,
    standstillEndedAt: a.standstillEndsAt.toISOString(),
  };
}

const tags: ["contracts"] = ["contracts"];
const base = "/api/v1/authorities/:authorityId/contracts";
const one = `${base}/:contractId`;
const period = `${one}/kpis/:position/periods/:period`;

/** A KPI period's place from its route: the authority, the contract, the KPI's position, the period's number. */
function periodOf(
  request: FastifyRequest<{ Params: { contractId: string; position: string; period: string } }>,
) {
  const { contractId, position, period: number } = request.params;
  return [request.authority.id, contractId, Number(position), Number(number)] as const;
}

export async function contractsRoutes(app: FastifyInstance): Promise<void> {
  contractPages(app);
  kpiReportPages(app);
  contractChangePages(app);
  contractReads(app);
  readyAndHeldReads(app);
  contractEntryWrites(app);
  contractChangeWrites(app);
}

/** The public register, a contract and its documents. */
function contractReads(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();

  json.get(
    "/api/v1/contracts",
    api(
      { who: anyone },
      {
        operationId: "listContracts",
        tags,
        summary: "Published contracts (contract details notices), newest first",
        description:
          "Filters: the authority, an organisation holding them (lead or consortium member), words in the title, supplier or authority, live only, payment mechanism, and contracts whose KPI ratings are overdue (any KPI whose ratings have not been published for over 12 months, or not at the end). At most 500.",
        querystring: ContractListQuery,
        response: { 200: ContractListResponse },
      },
    ),
    async (request) => {
      const q = request.query;
      const views = await listContractViews(ctxOf(request), {
        ...(q.authority ? { authorityId: q.authority } : {}),
        ...(q.organisation ? { organisationId: q.organisation } : {}),
        ...(q.q ? { q: q.q } : {}),
        ...(q.status ? { status: q.status as "live" | "all" } : {}),
        ...(q.paymentMechanism ? { paymentMechanism: String(q.paymentMechanism) } : {}),
        ...(q.ratingsOverdue ? { ratingsOverdue: true } : {}),
      });
      return { contracts: views.map(contractToApi) };
    },
  );

  json.get(
    one,
    api(
      { who: anyone },
      {
        operationId: "getContract",
        tags,
        summary:
          "A contract: its contract details notice, KPIs with periods and published ratings, amendments, termination",
        description:
          "Reports awaiting a rating are shown only to the supplier's people and the authority's commissioners and administrators.",
        params: ContractParams,
        response: { 200: ContractResponseSchema },
      },
    ),
    async (request) =>
      contractToApi(await contractOf(ctxOf(request), request.authority.id, request.params.contractId)),
  );

  json.get(
    `${one}/documents/:position`,
    api(
      { who: anyone },
      {
        operationId: "getContractDocument",
        tags,
        summary: "A contract's document",
        description: "Published with the contract details notice.",
        params: DocumentParams,
        response: { 200: { type: "string", format: "binary", description: "The document" } },
      },
    ),
    async (request, reply) => {
      const { contractId, position } = request.params;
      const { document, bytes } = await contractDocument(
        contractsCtxOf(request),
        request.authority.id,
        contractId,
        Number(position),
      );
      return reply
        .header("content-type", document.media_type)
        .header(
          "content-disposition",
          `attachment; filename="${document.filename.replace(/[^\w.-]+/g, "_")}"`,
        )
        .send(Buffer.from(bytes));
    },
  );
}

/** The awards ready to contract (the authority's editors) and a provider's contracts (its people). */
function readyAndHeldReads(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();

  json.get(
    `${base}/ready`,
    api(
      { who: authorityEditors, scope: "contracts:read" },
      {
        operationId: "listAwardsReadyToContract",
        tags,
        summary: "Awards a contract can be entered from now",
        description:
          "Awards whose standstill has ended, with no challenge open, not withdrawn or contracted.",
        params: AuthorityParams,
        response: { 200: AwardReadyResponse },
      },
    ),
    async (request) => ({
      awards: (await readyToContract(ctxOf(request), request.authority.id)).map(awardToApi),
    }),
  );

  json.get(
    "/api/v1/organisations/:id/contracts",
    api(
      {
        who: organisationRoles(
          SUPPLIER_ROLES,
          "see this organisation's contracts",
          "The organisation's administrators and members",
        ),
        scope: "contracts:read",
      },
      {
        operationId: "listProviderContracts",
        tags,
        summary: "An organisation's contracts and the KPI reports it has due or overdue",
        description:
          "Contracts held as the lead or a consortium member, and, as the lead, each KPI report due (its period has ended) or overdue (30 days after).",
        params: OrganisationParams,
        response: { 200: ProviderContractsResponse },
      },
    ),
    async (request) => {
      const view = await providerContracts(ctxOf(request), request.params.id);
      return {
        organisation: view.organisation,
        contracts: view.held.map((h) => ({ role: h.role, contract: contractToApi(h) })),
        reportsDue: view.due.map((d) => ({
          contractId: d.contract.id,
          authorityId: d.contract.authority_id,
          contractTitle: d.contract.title,
          kpi: { position: d.kpi.position, name: d.kpi.name, target: d.kpi.target },
          period: { number: d.period.number, startsOn: d.period.startsOn, endsOn: d.period.endsOn },
          state: d.period.state as "due" | "overdue",
          overdueAfter: d.period.overdueAfter,
          reportUrl: `${pageUrl(d.contract)}/kpis/${d.kpi.position}/periods/${d.period.number}/report`,
        })),
      };
    },
  );
}

/** Entering a contract; the supplier's reports and the commissioner's ratings. */
function contractEntryWrites(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();

  json.post(
    base,
    api(
      { who: afterLookup(authorityEditors), scope: "contracts:write" },
      {
        operationId: "enterContract",
        tags,
        summary: "Enter a contract from an award, publishing its contract details notice",
        description:
          "409 during standstill, while a challenge is open, or for an award withdrawn or contracted already. 422 when the end date is not after the start or has passed, a contract reserved to public service mutuals runs over 5 years (s.33), the shares do not add up to 100%, the value is below the award's without a reason, a contract awarded or worth over £5,000,000.00 has fewer than 3 KPIs, or the supplier lacks the current registration the regulated activity needs. The value defaults to the award's.",
        params: AuthorityParams,
        body: EnterContractBody,
        response: { 201: ContractResponseSchema, ...errorResponses(409, 422) },
      },
    ),
    async (request, reply) => {
      const { authority } = request;
      const view = await enterContract(contractsCtxOf(request), authority.id, request.body as ContractDraft);
      return reply
        .status(201)
        .header("location", `/api/v1/authorities/${authority.id}/contracts/${view.contract.id}`)
        .send(contractToApi(view));
    },
  );

  json.post(
    `${period}/report`,
    api(
      { who: afterLookup(supplierPeople), scope: "contracts:write" },
      {
        operationId: "reportKpi",
        tags,
        summary: "Report against a KPI for a period (the supplier)",
        description:
          "From the period's last day (409 before); once (409: until it is rated, its sender corrects it with PUT). The authority's commissioners are told.",
        params: PeriodParams,
        body: ReportBody,
        response: { 201: ContractResponseSchema, ...errorResponses(409) },
      },
    ),
    async (request, reply) => {
      const view = await reportKpi(contractsCtxOf(request), ...periodOf(request), request.body);
      return reply.status(201).send(contractToApi(view));
    },
  );

  json.put(
    `${period}/report`,
    api(
      { who: afterLookup(supplierPeople), scope: "contracts:write" },
      {
        operationId: "correctKpiReport",
        tags,
        summary: "Correct a KPI report before it is rated (its sender)",
        description:
          "The result and commentary, as the report is. Only the person who sent it (403). 409 once rated, or before the period is reported. 422 when nothing changes. The authority's commissioners are told.",
        params: PeriodParams,
        body: ReportBody,
        response: { 200: ContractResponseSchema, ...errorResponses(409, 422) },
      },
    ),
    async (request) =>
      contractToApi(await correctKpiReport(contractsCtxOf(request), ...periodOf(request), request.body)),
  );

  json.post(
    `${period}/rating`,
    api(
      { who: afterLookup(authorityEditors), scope: "contracts:write" },
      {
        operationId: "rateKpi",
        tags,
        summary: "Rate a reported period, publishing the rating",
        description:
          "Good, approaching target, requires improvement or inadequate, with a comment. 409 before the report, or rated already. The supplier is told.",
        params: PeriodParams,
        body: RatingBody,
        response: { 201: ContractResponseSchema, ...errorResponses(409) },
      },
    ),
    async (request, reply) => {
      const view = await rateKpi(contractsCtxOf(request), ...periodOf(request), request.body as RatingDraft);
      return reply.status(201).send(contractToApi(view));
    },
  );
}

/** Amendments and termination. */
function contractChangeWrites(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();

  json.post(
    `${one}/amendments`,
    api(
      { who: afterLookup(authorityEditors), scope: "contracts:write" },
      {
        operationId: "amendContract",
        tags,
        summary: "Amend a contract's value, dates or scope, or add KPIs, with a reason (published)",
        description:
          "409 once ended or terminated, or to change the start date once started. 422 when nothing changes, the dates are out of order, the new end date has passed or is before the last period reported, a contract reserved to public service mutuals would run over 5 years (s.33), it would have more than 20 KPIs, or a contract awarded or worth over £5,000,000.00 would have fewer than 3 KPIs.",
        params: ContractParams,
        body: AmendmentBody,
        response: { 201: AmendmentResponse, ...errorResponses(409, 422) },
      },
    ),
    async (request, reply) => {
      const { number, contract } = await amendContract(
        contractsCtxOf(request),
        request.authority.id,
        request.params.contractId,
        request.body,
      );
      return reply.status(201).send({ number, contract: contractToApi(contract) });
    },
  );

  json.post(
    `${one}/termination`,
    api(
      { who: afterLookup(authorityEditors), scope: "contracts:write" },
      {
        operationId: "terminateContract",
        tags,
        summary: "Terminate a contract from a date, with a reason (published)",
        description:
          "409 terminated or ended already. 422 a date after the contract's end or before the last period reported.",
        params: ContractParams,
        body: TerminationBody,
        response: { 201: ContractResponseSchema, ...errorResponses(409, 422) },
      },
    ),
    async (request, reply) => {
      const view = await terminateContract(
        contractsCtxOf(request),
        request.authority.id,
        request.params.contractId,
        request.body,
      );
      return reply.status(201).send(contractToApi(view));
    },
  );
}
