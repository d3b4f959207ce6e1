/**
 * Sample audits' JSON API, and their pages (audits.pages.ts): a contract's audits, starting one of a
 * paid period (the sample drawn), an audit with its findings, recording a finding, concluding it (the
 * recovery). Routes name an outcome contract and ask only for sign-in: the service decides — 404 for
 * anyone with no reason to see it, 403 for the provider's people on a change, 409 for a stale state.
 * Reads need `results:read`, writes `results:write`.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { api, errorResponses } from "../../http/routes.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, signedIn } from "../access/policies.ts";
import { auditsPages } from "./audits.pages.ts";
import {
  Audit,
  AuditItem,
  AuditList,
  AuditListQuery,
  AuditParams,
  AuditQuery,
  AuditWithItems,
  ContractParams,
  FindingBody,
  StartAuditBody,
} from "./audits.schemas.ts";
import type { AuditItemRow, NamedAudit } from "./audits.service.ts";
import { auditOf, auditsOf, concludeAudit, recordFinding, startAudit } from "./audits.service.ts";

const tags: [string] = ["results"];
const who = afterLookup(signedIn);

function auditRecord(a: NamedAudit, checked: number | null = null) {
  return {
    id: a.id,
    contractId: a.contract_id,
    periodStart: a.period_start,
    periodEnd: a.period_end,
    status: a.status,
    seed: a.seed,
    sampleSize: a.sample_size,
    checked,
    populationCount: a.population_count,
    populationPence: a.population_pence.toString(),
    errorRatePpm: a.error_rate_ppm,
    lowerBoundPpm: a.lower_bound_ppm,
    recoveryPence: a.recovery_pence === null ? null : a.recovery_pence.toString(),
    startedAt: a.started_at.toISOString(),
    startedBy: a.started_by,
    startedByName: a.started_by_name,
    concludedAt: a.concluded_at ? a.concluded_at.toISOString() : null,
    concludedBy: a.concluded_by,
    concludedByName: a.concluded_by_name,
  };
}

function itemRecord(i: AuditItemRow) {
  return {
    participantId: i.participant_id,
    participantReference: i.participant_reference,
    rule: i.rule,
    metric: i.metric,
    seq: i.seq,
    paidPence: i.paid_pence.toString(),
    foundPence: i.found_pence === null ? null : i.found_pence.toString(),
    note: i.note,
    checkedAt: i.checked_at ? i.checked_at.toISOString() : null,
  };
}

export async function auditsRoutes(app: FastifyInstance): Promise<void> {
  auditsPages(app);
  const json = app.withTypeProvider<TypeBoxTypeProvider>();
  const base = "/api/v1/authorities/:authorityId/outcome-contracts/:contractId/audits";

  json.get(
    base,
    api(
      { who, scope: "results:read" },
      {
        operationId: "listOutcomeAudits",
        tags,
        summary: "An outcome contract's sample audits, latest period first, a page at a time",
        description: "The authority's commissioners and administrators, and the provider's people.",
        params: ContractParams,
        querystring: AuditListQuery,
        response: { 200: AuditList },
      },
    ),
    async (request) => {
      const { authorityId, contractId } = request.params;
      const page = await auditsOf(ctxOf(request), authorityId, contractId, request.query);
      return { audits: page.rows.map((a) => auditRecord(a)), next: page.next };
    },
  );

  json.post(
    base,
    api(
      { who, scope: "results:write" },
      {
        operationId: "startOutcomeAudit",
        tags,
        summary: "Start the sample audit of a paid period: the sample drawn from the seed",
        description:
          "The population is the period's run's valid paid claims. 409 period_not_paid while the run is not paid, 409 period_audited for a period audited already; 422 sample_too_large for a sample larger than the population.",
        params: ContractParams,
        body: StartAuditBody,
        response: { 201: Audit, ...errorResponses(409, 422) },
      },
    ),
    async (request, reply) => {
      const { authorityId, contractId } = request.params;
      const audit = await startAudit(ctxOf(request), authorityId, contractId, request.body);
      return reply.code(201).send(auditRecord(audit, 0));
    },
  );

  json.get(
    `${base}/:auditId`,
    api(
      { who, scope: "results:read" },
      {
        operationId: "getOutcomeAudit",
        tags,
        summary: "A sample audit with its sampled claims and their findings, a page at a time",
        params: AuditParams,
        querystring: AuditQuery,
        response: { 200: AuditWithItems },
      },
    ),
    async (request) => {
      const { authorityId, contractId, auditId } = request.params;
      const page = await auditOf(ctxOf(request), authorityId, contractId, auditId, request.query);
      return {
        audit: auditRecord(page.audit, page.checked),
        items: page.items.map(itemRecord),
        next: page.next,
      };
    },
  );

  json.post(
    `${base}/:auditId/findings`,
    api(
      { who, scope: "results:write" },
      {
        operationId: "recordOutcomeAuditFinding",
        tags,
        summary: "Record what a sampled claim should have been paid (0 when not due)",
        description:
          "Recorded again until the audit concludes. 404 for a claim not in the sample; 409 audit_concluded; 422 found_above_paid for more than was paid.",
        params: AuditParams,
        body: FindingBody,
        response: { 200: AuditItem, ...errorResponses(409, 422) },
      },
    ),
    async (request) => {
      const { authorityId, contractId, auditId } = request.params;
      return itemRecord(await recordFinding(ctxOf(request), authorityId, contractId, auditId, request.body));
    },
  );

  json.post(
    `${base}/:auditId/conclude`,
    api(
      { who, scope: "results:write" },
      {
        operationId: "concludeOutcomeAudit",
        tags,
        summary: "Conclude an audit: the error rate extrapolated, its recovery recorded for the next run",
        description:
          "Recovery = the population's paid total × the one-sided 95% lower bound of the error rate by value (ratio estimator, finite population correction), rounded down. 409 items_unchecked while a sampled claim has no finding; 409 audit_concluded.",
        params: AuditParams,
        body: "none",
        response: { 200: Audit, ...errorResponses(409) },
      },
    ),
    async (request) => {
      const { authorityId, contractId, auditId } = request.params;
      return auditRecord(await concludeAudit(ctxOf(request), authorityId, contractId, auditId));
    },
  );
}
