/**
 * Payment runs' pages, under the authority's outcome contract
 * (/authorities/:slug/outcome-contracts/:contractId/…): the runs (the latest month first) with the
 * form that starts the next one and asks for it to be computed (a queued job); a run with its totals,
 * approvals, ledger rows and claims paged by key (or only the refused ones, each problem named), its
 * progress while a job computes it (a "Refresh" link: no page refreshes itself), and its buttons
 * (compute, approve, pay, cancel); the confirmation of a cancellation with its reason; the
 * contract's payments (the ledger), which the provider's people see too.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { buttonAction, field, formAction, formPage } from "../../http/forms.ts";
import { page } from "../../http/routes.ts";
import { newId } from "../../lib/ids.ts";
import { formatPence } from "../../lib/money.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, signedIn } from "../access/policies.ts";
import { CONTRACT_RULES } from "./reference.ts";
import type { OutcomeContract } from "./results.table.ts";
import {
  approveCorrection,
  approveRun,
  cancelRun,
  contractLedger,
  type LedgerView,
  listRuns,
  payRun,
  type RunView,
  recordCorrection,
  requestCompute,
  runDetail,
  runToCancel,
  startRun,
} from "./runs.service.ts";

type ContractRequest = FastifyRequest<{ Params: { slug: string; contractId: string } }>;
type RunRequest = FastifyRequest<{ Params: { slug: string; contractId: string; runId: string } }>;

const commissioners = afterLookup({
  ...signedIn,
  description: "The authority's commissioners and administrators",
});
const readers = afterLookup({
  ...signedIn,
  description: "The authority's commissioners and administrators, and the provider's people",
});

function contractUrl(request: ContractRequest): string {
  return `/authorities/${request.authority.slug}/outcome-contracts/${request.params.contractId}`;
}

/** The refusal codes the pages name in words (others are shown as their code). */
const PROBLEMS = [
  "outside-eligibility-window",
  "duplicate-participant",
  "already-claimed-elsewhere",
  "over-cap",
  "evidence-missing",
];

const money = (pence: string | bigint) => formatPence(BigInt(pence));

/** The statuses a run may be cancelled in: not yet paid. */
const CANCELLABLE: readonly RunView["status"][] = ["computing", "computed", "approved"];

/** A run's figures as the pages show them (£, dates); whether it pays above the contract's amount now. */
function shownRun(run: RunView, base: string, contract: OutcomeContract) {
  const p = run.progress;
  const job = p?.job ?? null;
  return {
    ...run,
    aboveAmount: BigInt(run.paymentPence) > contract.second_approval_above_pence,
    url: `${base}/runs/${run.id}`,
    cancelledAt: run.cancelledAt ? new Date(run.cancelledAt) : null,
    progress: p
      ? {
          ...p,
          requestedAt: p.requestedAt ? new Date(p.requestedAt) : null,
          startedAt: p.startedAt ? new Date(p.startedAt) : null,
          retryAt: job?.retryAt ? new Date(job.retryAt) : null,
          job: job?.status ?? null,
          error: job?.error ?? null,
          // Nothing is computing it, nor waiting to: a commissioner asks (again).
          idle: !p.computingNow && (job === null || job.status === "failed" || job.status === "done"),
        }
      : null,
    claims: money(run.claimsPence),
    refused: money(run.refusedPence),
    due: money(run.recoveriesDuePence),
    recovered: money(run.recoveredPence),
    payment: money(run.paymentPence),
    carried: money(run.carriedForwardPence),
  };
}

function shownLedger(rows: LedgerView[]) {
  return rows.map((l) => ({ ...l, amount: money(l.amountPence) }));
}

async function runsContext(request: ContractRequest) {
  const { after } = request.query as { after?: string };
  const base = contractUrl(request);
  const { runs, next, standing } = await listRuns(
    ctxOf(request),
    request.authority.id,
    request.params.contractId,
    after ? { after } : {},
  );
  return {
    authority: request.authority,
    contract: standing.contract,
    commissioner: standing.payer,
    url: `${base}/runs`,
    paymentsUrl: `${base}/payments`,
    runs: runs.map((r) => shownRun(r, base, standing.contract)),
    next: next ? `${base}/runs?after=${next}` : null,
  };
}

async function paymentsContext(request: ContractRequest) {
  const { after } = request.query as { after?: string };
  const { entries, next, pending, standing } = await contractLedger(
    ctxOf(request),
    request.authority.id,
    request.params.contractId,
    after ? { after } : {},
  );
  const url = `${contractUrl(request)}/payments`;
  const userId = request.principal?.userId;
  return {
    authority: request.authority,
    contract: standing.contract,
    commissioner: standing.payer,
    url,
    runsUrl: `${contractUrl(request)}/runs`,
    entries: shownLedger(entries),
    // Corrections above the second-approval amount waiting for a second person.
    pending: pending.map((p) => ({
      ...p,
      amount: money(p.amountPence),
      at: new Date(p.requestedAt),
      yours: p.requestedBy === userId,
      approveUrl: `${url}/corrections/${p.id}/approve`,
    })),
    threshold: money(standing.contract.second_approval_above_pence),
    next: next ? `${url}?after=${next}` : null,
  };
}

export function runsPages(app: FastifyInstance): void {
  const base = "/authorities/:slug/outcome-contracts/:contractId";
  const one = `${base}/runs/:runId`;

  app.get(`${base}/runs`, page({ who: readers }), async (request, reply) => {
    await reply.page("results/views/runs/list.njk", {
      ...(await runsContext(request as ContractRequest)),
      values: {},
    });
  });

  // Start the next month's run and ask for it to be computed (its job queued in the same
  // transaction); the run's page shows the progress.
  formAction(app, `${base}/runs`, {
    who: commissioners,
    template: "results/views/runs/list.njk",
    context: (request: ContractRequest) => runsContext(request),
    read: (body) => ({ month: field(body, "month") }),
    submit: async (request: ContractRequest, values) => {
      const run = await startRun(ctxOf(request), request.authority.id, request.params.contractId, values, {
        compute: true,
      });
      return `${contractUrl(request)}/runs/${run.id}`;
    },
  });

  app.get(one, page({ who: readers }), async (request, reply) => {
    const r = request as RunRequest;
    const { after, refused } = request.query as { after?: string; refused?: string };
    const refusedOnly = refused === "1";
    const d = await runDetail(ctxOf(r), r.authority.id, r.params.contractId, r.params.runId, {
      ...(after ? { after } : {}),
      refused: refusedOnly,
    });
    const base = contractUrl(r);
    const run = shownRun(d.run, base, d.standing.contract);
    const userId = r.principal?.userId;
    await reply.page("results/views/runs/run.njk", {
      authority: r.authority,
      contract: d.standing.contract,
      commissioner: d.standing.payer,
      run,
      runsUrl: `${base}/runs`,
      approvedByYou: d.run.approvals.some((a) => a.userId === userId),
      cancelledByYou: d.run.cancelledBy !== null && d.run.cancelledBy === userId,
      approvals: d.run.approvals.map((a) => ({
        you: a.userId === userId,
        name: a.name,
        at: new Date(a.approvedAt),
      })),
      ledger: shownLedger(d.ledger),
      mayCancel: d.standing.payer && CANCELLABLE.includes(d.run.status),
      refusedOnly,
      threshold: money(d.standing.contract.second_approval_above_pence),
      knownProblems: PROBLEMS,
      claims: d.claims.map((c) => {
        // Kept against the contract's first participant, but the contract's: never shown as theirs.
        const contractWide = CONTRACT_RULES.includes(c.rule);
        return {
          ...c,
          contractWide,
          reference: contractWide ? null : c.reference,
          payment_group: contractWide ? null : c.payment_group,
          amount: money(c.amount_pence),
        };
      }),
      next: d.next ? `${run.url}?${refusedOnly ? "refused=1&" : ""}after=${d.next}` : null,
    });
  });

  const action =
    (act: typeof requestCompute | typeof approveRun | typeof payRun) => async (request: RunRequest) => {
      await act(ctxOf(request), request.authority.id, request.params.contractId, request.params.runId);
      return `${contractUrl(request)}/runs/${request.params.runId}`;
    };
  buttonAction(app, `${one}/compute`, { who: commissioners }, action(requestCompute));
  buttonAction(app, `${one}/approve`, { who: commissioners }, action(approveRun));
  buttonAction(app, `${one}/pay`, { who: commissioners }, action(payRun));

  // Cancelling a run not yet paid: the run, what cancelling does, and the reason to give.
  formPage(app, `${one}/cancel`, {
    who: commissioners,
    template: "results/views/runs/cancel.njk",
    context: async (request: RunRequest) => {
      const { run, contract, cancellable } = await runToCancel(
        ctxOf(request),
        request.authority.id,
        request.params.contractId,
        request.params.runId,
      );
      return {
        authority: request.authority,
        contract,
        run: shownRun(run, contractUrl(request), contract),
        cancellable,
      };
    },
    read: (body) => ({ reason: field(body, "reason") }),
    submit: async (request: RunRequest, values, context) => {
      await cancelRun(
        ctxOf(request),
        request.authority.id,
        request.params.contractId,
        request.params.runId,
        values,
      );
      return context.run.url;
    },
  });

  // The contract's payments: what the provider was paid, recovered and corrected; for commissioners,
  // the form that records a correction (its idempotency key made when the form is shown).
  app.get(`${base}/payments`, page({ who: readers }), async (request, reply) => {
    await reply.page("results/views/runs/payments.njk", {
      ...(await paymentsContext(request as ContractRequest)),
      values: { idempotencyKey: newId() },
    });
  });

  formAction(app, `${base}/payments`, {
    who: commissioners,
    template: "results/views/runs/payments.njk",
    context: (request: ContractRequest) => paymentsContext(request),
    read: (body) => ({
      amount: field(body, "amount"),
      reason: field(body, "reason"),
      idempotencyKey: field(body, "idempotencyKey"),
    }),
    submit: async (request: ContractRequest, values) => {
      await recordCorrection(
        ctxOf(request),
        request.authority.id,
        request.params.contractId,
        /^[A-Za-z0-9_-]{8,100}$/.test(values.idempotencyKey) ? values.idempotencyKey : newId(),
        { amount: values.amount, reason: values.reason },
      );
      return `${contractUrl(request)}/payments`;
    },
  });

  // A second person approves a correction waiting for them.
  buttonAction(
    app,
    `${base}/payments/corrections/:correctionId/approve`,
    { who: commissioners },
    async (
      request: FastifyRequest<{ Params: { slug: string; contractId: string; correctionId: string } }>,
    ) => {
      await approveCorrection(
        ctxOf(request),
        request.authority.id,
        request.params.contractId,
        request.params.correctionId,
      );
      return `${contractUrl(request)}/payments`;
    },
  );
}
