/**
 * Contracts (issue 6): the JSON API and pages. Thin: parse, call the services, serialise or render.
 * Who may do what is decided in contracts.service.ts.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { transaction } from "../../db/transaction.ts";
import { requireSignedIn } from "../access/access.service.ts";
import { editorsFirst } from "../access/policies.ts";
import { authorityById } from "../authorities/authorities.service.ts";
import type { AwardForContract } from "../evaluation/award-handover.ts";
import { contractPages } from "./contracts.pages.ts";
import {
  AmendmentBody,
  AmendmentResponse,
  AuthorityParams,
  AwardReadyResponse,
  ContractListQuery,
  ContractListResponse,
  ContractParams,
  type ContractResponse,
  ContractResponse as ContractResponseSchema,
  DocumentParams,
  EnterContractBody,
  ErrorResponse,
  OrganisationParams,
  PeriodParams,
  ProviderContractsResponse,
  RatingBody,
  ReportBody,
  TerminationBody,
} from "./contracts.schemas.ts";
import {
  amendContract,
  type ContractDraft,
  type ContractsContext,
  type ContractView,
  contractDocument,
  contractOf,
  enterContract,
  listContractViews,
  pageUrl,
  providerContracts,
  type RatingDraft,
  rateKpi,
  readyToContract,
  reportKpi,
  terminateContract,
} from "./contracts.service.ts";

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
    enteredAt: c.entered_at.toISOString(),
    kpis: view.kpis.map((k) => ({
      position: k.position,
      name: k.name,
      measure: k.measure,
      target: k.target,
      frequencyMonths: k.frequency_months,
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
            }
          : null,
        rating: p.rating
          ? { rating: p.rating.rating, comment: p.rating.comment, ratedAt: p.rating.rated_at.toISOString() }
          : null,
      })),
    })),
    documents: view.documents.map((d) => ({
      position: d.position,
      title: d.title,
      filename: d.filename,
      mediaType: d.media_type,
      size: d.size_bytes,
      sha256: d.sha256,
      url: `${api}/documents/${d.position}`,
    })),
    amendments: view.amendments.map((a) => ({
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
      endsOn:
        a.ends_on_before && a.ends_on_after ? { before: a.ends_on_before, after: a.ends_on_after } : null,
      scope:
        a.scope_before !== null && a.scope_after !== null
          ? { before: a.scope_before, after: a.scope_after }
          : null,
    })),
    termination:
      c.terminated_on && c.termination_reason && c.terminated_at
        ? {
            terminatedOn: c.terminated_on,
            reason: c.termination_reason,
            recordedAt: c.terminated_at.toISOString(),
          }
        : null,
    ratingsPublication: {
      lastPublishedAt: view.publication.lastPublishedAt?.toISOString() ?? null,
      nextDueOn: view.publication.dueOn,
      final: view.publication.final,
      overdue: view.publication.overdue,
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

/** Sign-in is asked for before the body is checked: the public gets 401, not 400. */
async function signedInFirst(request: FastifyRequest): Promise<void> {
  requireSignedIn(request.principal);
}

export async function contractsRoutes(app: FastifyInstance): Promise<void> {
  const { db, clock, files } = app.deps;
  const ctx: ContractsContext = { db, clock, files, email: app.deps.mailer !== undefined };
  contractPages(app, ctx);

  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };
  const tags = ["contracts"];
  const base = "/api/v1/authorities/:authorityId/contracts";
  const one = `${base}/:contractId`;

  api.get(
    "/api/v1/contracts",
    {
      schema: {
        tags,
        summary: "Published contracts (contract details notices), newest first",
        description:
          "Public. Filters: the authority, an organisation holding them (lead or consortium member), words in the title, supplier or authority, live only, payment mechanism, and contracts whose KPI ratings are overdue (not published for over 12 months, or not at the end). At most 500.",
        querystring: ContractListQuery,
        response: { 200: ContractListResponse, 400: ErrorResponse },
      },
    },
    async (request) => {
      const q = request.query;
      const views = await listContractViews(db, clock, request.principal, {
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

  api.get(
    `${base}/ready`,
    {
      schema: {
        tags,
        summary: "Awards a contract can be entered from now",
        description:
          "For the authority's commissioners and administrators: awards whose standstill has ended, with no challenge open, not withdrawn or contracted.",
        params: AuthorityParams,
        response: { 200: AwardReadyResponse, ...errors },
      },
    },
    async (request) => {
      const authority = await authorityById(db, request.params.authorityId);
      return { awards: (await readyToContract(db, clock, request.principal, authority.id)).map(awardToApi) };
    },
  );

  api.post(
    base,
    {
      schema: {
        tags,
        summary: "Enter a contract from an award, publishing its contract details notice",
        description:
          "For the authority's commissioners and administrators. 409 during standstill, while a challenge is open, or for an award withdrawn or contracted already. 422 when the end date is not after the start or has passed, the shares do not add up to 100%, a contract over £5,000,000.00 has fewer than 3 KPIs, or the supplier lacks the current registration the regulated activity needs. The value defaults to the award's.",
        params: AuthorityParams,
        body: EnterContractBody,
        response: { 201: ContractResponseSchema, ...errors, 409: ErrorResponse, 422: ErrorResponse },
      },
      preValidation: editorsFirst(app),
    },
    async (request, reply) => {
      const authority = await authorityById(db, request.params.authorityId);
      const id = await transaction(db, (trx) =>
        enterContract(trx, ctx, request.principal, authority.id, request.body as ContractDraft),
      );
      return reply
        .status(201)
        .header("location", `/api/v1/authorities/${authority.id}/contracts/${id}`)
        .send(contractToApi(await contractOf(db, clock, request.principal, authority.id, id)));
    },
  );

  api.get(
    one,
    {
      schema: {
        tags,
        summary:
          "A contract: its contract details notice, KPIs with periods and published ratings, amendments, termination",
        description:
          "Public. Reports awaiting a rating are shown only to the supplier's people and the authority's commissioners and administrators.",
        params: ContractParams,
        response: { 200: ContractResponseSchema, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const authority = await authorityById(db, request.params.authorityId);
      return contractToApi(
        await contractOf(db, clock, request.principal, authority.id, request.params.contractId),
      );
    },
  );

  api.get(
    `${one}/documents/:position`,
    {
      schema: {
        tags,
        summary: "A contract's document",
        description: "Public, with the contract details notice.",
        params: DocumentParams,
      },
    },
    async (request, reply) => {
      const authority = await authorityById(db, request.params.authorityId);
      const { document, bytes } = await contractDocument(
        db,
        files,
        authority.id,
        request.params.contractId,
        Number(request.params.position),
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

  const period = `${one}/kpis/:position/periods/:period`;

  api.post(
    `${period}/report`,
    {
      schema: {
        tags,
        summary: "Report against a KPI for a period (the supplier)",
        description:
          "For the supplier's administrators and members. From the period's last day (409 before); once (409). The authority's commissioners are told.",
        params: PeriodParams,
        body: ReportBody,
        response: { 201: ContractResponseSchema, ...errors, 409: ErrorResponse },
      },
      preValidation: signedInFirst,
    },
    async (request, reply) => {
      const authority = await authorityById(db, request.params.authorityId);
      const { contractId } = request.params;
      const [position, period] = [Number(request.params.position), Number(request.params.period)];
      await transaction(db, (trx) =>
        reportKpi(trx, ctx, request.principal, authority.id, contractId, position, period, request.body),
      );
      return reply
        .status(201)
        .send(contractToApi(await contractOf(db, clock, request.principal, authority.id, contractId)));
    },
  );

  api.post(
    `${period}/rating`,
    {
      schema: {
        tags,
        summary: "Rate a reported period, publishing the rating",
        description:
          "For the authority's commissioners and administrators: good, approaching target, requires improvement or inadequate, with a comment. 409 before the report, or rated already. The supplier is told.",
        params: PeriodParams,
        body: RatingBody,
        response: { 201: ContractResponseSchema, ...errors, 409: ErrorResponse },
      },
      preValidation: editorsFirst(app),
    },
    async (request, reply) => {
      const authority = await authorityById(db, request.params.authorityId);
      const { contractId } = request.params;
      const [position, period] = [Number(request.params.position), Number(request.params.period)];
      await transaction(db, (trx) =>
        rateKpi(
          trx,
          ctx,
          request.principal,
          authority.id,
          contractId,
          position,
          period,
          request.body as RatingDraft,
        ),
      );
      return reply
        .status(201)
        .send(contractToApi(await contractOf(db, clock, request.principal, authority.id, contractId)));
    },
  );

  api.post(
    `${one}/amendments`,
    {
      schema: {
        tags,
        summary: "Amend a contract's value, dates or scope, with a reason (published)",
        description:
          "For the authority's commissioners and administrators. 409 once ended or terminated, or to change the start date once started. 422 when nothing changes, the dates are out of order, the new end date has passed or is before the last period reported, or the value goes over £5,000,000.00 with fewer than 3 KPIs.",
        params: ContractParams,
        body: AmendmentBody,
        response: { 201: AmendmentResponse, ...errors, 409: ErrorResponse, 422: ErrorResponse },
      },
      preValidation: editorsFirst(app),
    },
    async (request, reply) => {
      const authority = await authorityById(db, request.params.authorityId);
      const { contractId } = request.params;
      const number = await transaction(db, (trx) =>
        amendContract(trx, ctx, request.principal, authority.id, contractId, request.body),
      );
      return reply.status(201).send({
        number,
        contract: contractToApi(await contractOf(db, clock, request.principal, authority.id, contractId)),
      });
    },
  );

  api.post(
    `${one}/termination`,
    {
      schema: {
        tags,
        summary: "Terminate a contract from a date, with a reason (published)",
        description:
          "For the authority's commissioners and administrators. 409 terminated or ended already. 422 a date after the contract's end or before the last period reported.",
        params: ContractParams,
        body: TerminationBody,
        response: { 201: ContractResponseSchema, ...errors, 409: ErrorResponse, 422: ErrorResponse },
      },
      preValidation: editorsFirst(app),
    },
    async (request, reply) => {
      const authority = await authorityById(db, request.params.authorityId);
      const { contractId } = request.params;
      await transaction(db, (trx) =>
        terminateContract(trx, ctx, request.principal, authority.id, contractId, request.body),
      );
      return reply
        .status(201)
        .send(contractToApi(await contractOf(db, clock, request.principal, authority.id, contractId)));
    },
  );

  api.get(
    "/api/v1/organisations/:id/contracts",
    {
      schema: {
        tags,
        summary: "An organisation's contracts and the KPI reports it has due or overdue",
        description:
          "For the organisation's administrators and members: contracts held as the lead or a consortium member, and, as the lead, each KPI report due (its period has ended) or overdue (30 days after).",
        params: OrganisationParams,
        response: { 200: ProviderContractsResponse, ...errors },
      },
    },
    async (request) => {
      const view = await providerContracts(db, clock, request.principal, request.params.id);
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
