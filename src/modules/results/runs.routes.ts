/**
 * Payment runs and the ledger: the JSON API under
 * /api/v1/authorities/{authorityId}/outcome-contracts/{contractId}/runs and …/ledger, and the pages
 * (runs.pages.ts). Each route names an outcome contract the service looks up first (404 to anyone
 * with no reason to see it), then decides: the authority's commissioners and administrators start,
 * compute, approve and pay runs and record corrections; the provider's people read.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { api, errorResponses } from "../../http/routes.ts";
import { IdempotencyHeaders } from "../../http/schemas.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, signedIn } from "../access/policies.ts";
import { CONTRACT_RULES } from "./reference.ts";
import { runsPages } from "./runs.pages.ts";
import type { ClaimRow } from "./runs.repository.ts";
import {
  CancelRunBody,
  ContractParams,
  CorrectionBody,
  CorrectionParams,
  CorrectionRequest,
  LedgerEntry,
  LedgerQuery,
  LedgerResponse,
  Run,
  RunDetailResponse,
  RunListResponse,
  RunParams,
  RunQuery,
  RunsQuery,
  StartRunBody,
} from "./runs.schemas.ts";
import {
  approveCorrection,
  approveRun,
  cancelRun,
  contractLedger,
  listRuns,
  payRun,
  recordCorrection,
  requestCompute,
  runDetail,
  startRun,
} from "./runs.service.ts";

const tags: ["results"] = ["results"];
const base = "/api/v1/authorities/:authorityId/outcome-contracts/:contractId";
const one = `${base}/runs/:runId`;

const commissioners = afterLookup({
  ...signedIn,
  description:
    "The authority's commissioners and administrators (others who may see the outcome contract get 403; anyone else 404)",
});
const readers = afterLookup({
  ...signedIn,
  description:
    "The authority's commissioners and administrators, and the provider's administrators and members (anyone else gets 404)",
});

export function claimToApi(c: ClaimRow) {
  // A contract-wide claim (cohort, pooled, reconciliation) is kept against the contract's first
  // participant: it is shown as the contract's, never as theirs.
  const contractWide = CONTRACT_RULES.includes(c.rule);
  return {
    participantId: contractWide ? null : c.participant_id,
    reference: contractWide ? null : c.reference,
    paymentGroup: contractWide ? null : c.payment_group,
    contractWide,
    rule: c.rule,
    metric: c.metric,
    seq: c.seq,
    achievedOn: c.achieved_on,
    modelVersion: c.model_version,
    amountPence: c.amount_pence.toString(),
    eventIds: c.event_ids,
    problems: c.problems,
    void: c.void,
  };
}

export async function runsRoutes(app: FastifyInstance): Promise<void> {
  runsPages(app);
  const json = app.withTypeProvider<TypeBoxTypeProvider>();
  type RunReq = FastifyRequest<{ Params: { contractId: string; runId: string } }>;
  const runArgs = (r: RunReq) => [ctxOf(r), r.authority.id, r.params.contractId, r.params.runId] as const;

  json.get(
    `${base}/runs`,
    api(
      { who: readers, scope: "results:read" },
      {
        operationId: "listOutcomeRuns",
        tags,
        summary: "An outcome contract's payment runs, the latest month first, a page at a time",
        params: ContractParams,
        querystring: RunsQuery,
        response: { 200: RunListResponse },
      },
    ),
    async (request) => {
      const { runs, next } = await listRuns(
        ctxOf(request),
        request.authority.id,
        request.params.contractId,
        request.query,
      );
      return { runs, next };
    },
  );

  json.post(
    `${base}/runs`,
    api(
      { who: commissioners, scope: "results:write" },
      {
        operationId: "startOutcomeRun",
        tags,
        summary: "Start the payment run of a month (then compute it)",
        description:
          "The month after the last run's (any month of the contract's term for the first), once it is over, with a payment model in force on its last day. Evidence recorded from now on waits for the next run. 409 while another run is not paid, or for a month out of order; 422 for a month outside the term, not over, or without a model.",
        params: ContractParams,
        body: StartRunBody,
        response: { 201: Run, ...errorResponses(409, 422) },
      },
    ),
    async (request, reply) =>
      reply
        .status(201)
        .send(await startRun(ctxOf(request), request.authority.id, request.params.contractId, request.body)),
  );

  json.get(
    one,
    api(
      { who: readers, scope: "results:read" },
      {
        operationId: "getOutcomeRun",
        tags,
        summary:
          "A payment run: its totals, approvals, ledger rows and claims (each with its working and problems), paged by key",
        params: RunParams,
        querystring: RunQuery,
        response: { 200: RunDetailResponse },
      },
    ),
    async (request) => {
      const d = await runDetail(...runArgs(request), request.query);
      return { run: d.run, ledger: d.ledger, claims: d.claims.map(claimToApi), next: d.next };
    },
  );

  json.post(
    `${one}/compute`,
    api(
      { who: commissioners, scope: "results:write" },
      {
        operationId: "computeOutcomeRun",
        tags,
        summary: "Ask for a run's claims and totals to be computed (a queued job)",
        description:
          "Queues the job that computes the run and answers 202 with the run (`computing`, its `progress`) and, in `Location`, the run's address to poll (`GET …/runs/{runId}`) until its status is `computed`. The job counts the evidence recorded by the run's start, by the model version the run keeps; then the totals: claims = payment + recovered, recoveries owed = recovered + carried forward. Asking again while the job waits or runs queues nothing more (202); after it failed (its error is in `progress.job.error`) it queues a new one that finishes the work. A computed, approved or paid run is answered as it is (200); a cancelled one is 409 (`run_cancelled`).",
        params: RunParams,
        body: "none",
        response: { 200: Run, 202: Run, ...errorResponses(409) },
      },
    ),
    async (request, reply) => {
      const { run, queued } = await requestCompute(...runArgs(request));
      if (!queued) return reply.status(200).send(run);
      return reply
        .status(202)
        .header(
          "location",
          `/api/v1/authorities/${request.authority.id}/outcome-contracts/${run.contractId}/runs/${run.id}`,
        )
        .send(run);
    },
  );

  json.post(
    `${one}/cancel`,
    api(
      { who: commissioners, scope: "results:write" },
      {
        operationId: "cancelOutcomeRun",
        tags,
        summary: "Cancel a run not yet paid, with the reason",
        description:
          "A run computing, computed or approved (once or twice) is cancelled: its rows stay, but its claims and the recoveries it raised no longer count (a new run of the month makes them again), its approvals are void, a job computing it stops, and the provider's people are told with the reason. The month may then be started again. Cancelling a cancelled run answers it as it is; 409 for a paid one (`run_paid`: record a correction instead).",
        params: RunParams,
        body: CancelRunBody,
        response: { 200: Run, ...errorResponses(409) },
      },
    ),
    async (request) => cancelRun(...runArgs(request), request.body),
  );

  json.post(
    `${one}/approve`,
    api(
      { who: commissioners, scope: "results:write" },
      {
        operationId: "approveOutcomeRun",
        tags,
        summary: "Approve a computed run (two different people above the contract's amount)",
        description:
          "Approving again answers the run as it is. 409 before the run is computed, or once it is approved by others.",
        params: RunParams,
        body: "none",
        response: { 200: Run, ...errorResponses(409) },
      },
    ),
    async (request) => approveRun(...runArgs(request)),
  );

  json.post(
    `${one}/pay`,
    api(
      { who: commissioners, scope: "results:write" },
      {
        operationId: "payOutcomeRun",
        tags,
        summary: "Pay an approved run: the ledger's payment and recovery, once ever",
        description: "Paying a paid run answers it as it is and writes nothing. 409 before it is approved.",
        params: RunParams,
        body: "none",
        response: { 200: Run, ...errorResponses(409) },
      },
    ),
    async (request) => payRun(...runArgs(request)),
  );

  json.get(
    `${base}/ledger`,
    api(
      { who: readers, scope: "results:read" },
      {
        operationId: "getOutcomeLedger",
        tags,
        summary:
          "An outcome contract's ledger: payments, recoveries and corrections, newest first, paged by key",
        params: ContractParams,
        querystring: LedgerQuery,
        response: { 200: LedgerResponse },
      },
    ),
    async (request) => {
      const { entries, next, pending } = await contractLedger(
        ctxOf(request),
        request.authority.id,
        request.params.contractId,
        request.query,
      );
      return { pending, entries, next };
    },
  );

  json.post(
    `${base}/ledger/corrections`,
    api(
      { who: commissioners, scope: "results:write" },
      {
        operationId: "correctOutcomeLedger",
        tags,
        summary: "Record a correction: a new signed ledger row with its reason, never an edit",
        description:
          "Needs an `Idempotency-Key` header: the same key with the same request answers what the first time did (`Idempotent-Replayed: true`); with a different request, 409 (`idempotency_key_reused`). Up to the contract's second-approval amount (paid or paid back), 201 with the ledger row; above it, 202 with the correction waiting for a second person's approval (`…/ledger/corrections/{correctionId}/approve`). Needs a session signed in with two-factor.",
        params: ContractParams,
        headers: IdempotencyHeaders,
        body: CorrectionBody,
        response: { 201: LedgerEntry, 202: CorrectionRequest, ...errorResponses(409) },
      },
    ),
    async (request, reply) => {
      const key = String((request.headers as Record<string, unknown>)["idempotency-key"] ?? "");
      const done = await recordCorrection(
        ctxOf(request),
        request.authority.id,
        request.params.contractId,
        key,
        request.body,
      );
      if (done.replayed) reply.header("idempotent-replayed", "true");
      return done.entry ? reply.status(201).send(done.entry) : reply.status(202).send(done.request);
    },
  );

  json.post(
    `${base}/ledger/corrections/:correctionId/approve`,
    api(
      { who: commissioners, scope: "results:write" },
      {
        operationId: "approveOutcomeCorrection",
        tags,
        summary: "Approve a correction waiting for a second person: its ledger row is written",
        description:
          "By one of the authority's commissioners or administrators other than the one who asked for it, in a session signed in with two-factor. Approving an approved correction answers it as it is. 409 to whoever asked for it (`correction_needs_second_person`).",
        params: CorrectionParams,
        body: "none",
        response: { 200: CorrectionRequest, ...errorResponses(409) },
      },
    ),
    async (request) =>
      approveCorrection(
        ctxOf(request),
        request.authority.id,
        request.params.contractId,
        request.params.correctionId,
      ),
  );
}
