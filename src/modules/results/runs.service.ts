/**
 * Payment runs and the ledger (issue 19, item 4). One run per outcome contract and calendar month,
 * in order, one open at a time:
 *
 * - **start** (`computing`): the month after the last run's (any month of the contract's term for
 *   the first), once the month is over, with a model in force on its last day — whose version the
 *   run keeps (`model_version`): computing, and computing again after a crash, prices by it. A new
 *   version may not take effect on or before the latest run's last day (outcome-contracts.service.ts).
 *   `started_at` is the run's cut-off: only evidence recorded by then counts, so computing again
 *   gives the same claims.
 * - **compute** (`computed`): asked for by a person (`requestCompute`), done by a queued job
 *   (`results.compute-run`, results.jobs.ts) that holds the run's lease while it computes, so that
 *   no two computes of a run run at once: `computeRunClaims` (claims.service.ts: chunked,
 *   restartable, its progress recorded on the run chunk by chunk), then the totals: valid claims,
 *   refused ones, the recoveries owed (brought forward and raised with it), what is recovered from
 *   the claims, what is paid, what is carried forward. Every computed run reconciles (a CHECK):
 *   claims = payment + recovered; owed = recovered + carried forward. `computeRun` computes in the
 *   caller's process (tests, the demo seed), under the same lease.
 * - **approve** (`approved`): the authority's commissioners and administrators; a run paying more
 *   than the contract's `second_approval_above_pence` — at its first approval or at its payment,
 *   whichever is stricter (`approvalsNeeded`) — needs two different people.
 * - **pay** (`paid`): the ledger's rows — the payment and the recovery taken — each with an
 *   idempotency key made from the run (`run:<id>:payment`, `run:<id>:recovery`), in one transaction
 *   with the run's status; the provider's people told. Paying a paid run answers the same, writing
 *   nothing.
 * - **cancel** (`cancelled`): a run not paid, with a reason; its claims and the recoveries it raised
 *   are made void (they stop counting, and a new run of the month makes them again), its approvals
 *   no longer count, a job computing it stops, and the provider's people are told.
 * - **corrections**: new signed ledger rows with a reason and the caller's idempotency key; never an
 *   edit (the ledger refuses updates and deletes). One above the contract's second-approval amount
 *   waits for a second person (`outcome_correction_requests`) before its row is written.
 *
 * Every change locks the outcome contract's row first (`outcomeContractFor(…, { lock: true })`),
 * which serialises a contract's runs, and is audited on the authority's chain.
 */
import type { Db, Trx } from "../../db/database.ts";
import { decodeKey, encodeKey } from "../../db/paging.ts";
import { transaction } from "../../db/transaction.ts";
import { ConflictError, NotFoundError, UnprocessableError, ValidationError } from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { addDays, addMonths, isIsoDate, londonToday } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { formatPence, parseMoney } from "../../lib/money.ts";
import { actorIn, type Ctx, within } from "../access/context.ts";
import { displayNamesOf } from "../accounts/accounts.service.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { enqueue, findJob } from "../jobs/jobs.service.ts";
import { type ComputeOptions, computeRunClaims } from "./claims.service.ts";
import {
  modelInForce,
  outcomeContractFor,
  outcomeContractOf,
  type ResultsStanding,
  requireApprover,
  requirePayer,
  tellProvider,
} from "./results.service.ts";
import type {
  OutcomeContract,
  OutcomeCorrectionRequest,
  OutcomeLedgerEntry,
  OutcomeRun,
} from "./results.table.ts";
import * as repo from "./runs.repository.ts";

export type { ClaimRow } from "./runs.repository.ts";

/** The queue of the jobs that compute runs (results.jobs.ts). */
export const COMPUTE_RUN_QUEUE = "results.compute-run";
/**
 * How long a compute holds its run without a word (extended at every chunk): a second compute is
 * refused meanwhile; one whose process stopped is taken over once it has passed.
 */
export const COMPUTE_LEASE_MS = 10 * 60_000;

type Job = NonNullable<Awaited<ReturnType<typeof findJob>>>;

/** Where a run being computed has got, and what the job computing it is doing. */
export interface RunProgress {
  /** When computing it was last asked for. */
  requestedAt: string | null;
  /** When the latest compute started (took the run's lease). */
  startedAt: string | null;
  /** A compute holds the run now (its lease has not passed). */
  computingNow: boolean;
  participantsDone: number;
  /** The participants the run counts; null until a compute has started. */
  participantsTotal: number | null;
  chunksDone: number;
  /**
   * The job of the latest request (on the run's own page and the answer to a request; null elsewhere
   * or when there is none): waiting, running, waiting to try again after an error, failed for good,
   * or done. `error` is the last attempt's message (no personal data: jobs keep an error's message
   * only), for the authority's staff.
   */
  job: {
    status: "queued" | "running" | "retrying" | "failed" | "done";
    error: string | null;
    retryAt: string | null;
  } | null;
}

/** A run as the API and the pages show it. */
export interface RunView {
  id: string;
  contractId: string;
  periodStart: string;
  periodEnd: string;
  status: OutcomeRun["status"];
  claimsPence: string;
  claimCount: number;
  refusedPence: string;
  refusedCount: number;
  recoveriesDuePence: string;
  recoveredPence: string;
  paymentPence: string;
  carriedForwardPence: string;
  startedAt: string;
  computedAt: string | null;
  paidAt: string | null;
  /** How many different people must approve it (1, or 2 above the contract's amount). */
  approvalsNeeded: number;
  /** Who approved (the authority's staff: their display name beside their id) and when. */
  approvals: { userId: string; name: string | null; approvedAt: string }[];
  /** While it is computing: how far it has got; null otherwise. */
  progress: RunProgress | null;
  /** Cancelled: when, by whom (the authority's staff) and why; null otherwise. */
  cancelledAt: string | null;
  cancelledBy: string | null;
  cancelledByName: string | null;
  cancelReason: string | null;
}

/** What a run's view shows besides the run: names of the staff, the compute's job, the time now. */
export interface RunViewExtra {
  names?: ReadonlyMap<string, string>;
  /** The job of the latest request to compute it, when read. */
  job?: Job | undefined;
  /** Whether the job's error is shown (the authority's staff). */
  showError?: boolean;
  now: Date;
}

function jobState(job: Job, showError: boolean): NonNullable<RunProgress["job"]> {
  const status =
    job.status === "pending"
      ? job.last_error === null
        ? "queued"
        : "retrying"
      : job.status === "running"
        ? "running"
        : job.status;
  return {
    status,
    error: showError && status !== "done" ? job.last_error : null,
    retryAt: status === "retrying" ? job.run_at.toISOString() : null,
  };
}

export function runView(
  run: OutcomeRun,
  contract: OutcomeContract,
  approvals: NamedApproval[],
  extra: RunViewExtra,
): RunView {
  return {
    id: run.id,
    contractId: run.contract_id,
    periodStart: run.period_start,
    periodEnd: run.period_end,
    status: run.status,
    claimsPence: run.claims_pence.toString(),
    claimCount: run.claim_count,
    refusedPence: run.refused_pence.toString(),
    refusedCount: run.refused_count,
    recoveriesDuePence: run.recoveries_due_pence.toString(),
    recoveredPence: run.recovered_pence.toString(),
    paymentPence: run.payment_pence.toString(),
    carriedForwardPence: run.carried_forward_pence.toString(),
    startedAt: run.started_at.toISOString(),
    computedAt: run.computed_at?.toISOString() ?? null,
    paidAt: run.paid_at?.toISOString() ?? null,
    approvalsNeeded: approvalsNeeded(run, contract, approvals.length),
    approvals: approvals.map((a) => ({
      userId: a.user_id,
      name: a.name,
      approvedAt: a.approved_at.toISOString(),
    })),
    progress:
      run.status === "computing"
        ? {
            requestedAt: run.compute_requested_at?.toISOString() ?? null,
            startedAt: run.compute_started_at?.toISOString() ?? null,
            computingNow: run.compute_lease_until !== null && run.compute_lease_until > extra.now,
            participantsDone: run.participants_done,
            participantsTotal: run.participants_total,
            chunksDone: run.chunks_done,
            job: extra.job ? jobState(extra.job, extra.showError ?? false) : null,
          }
        : null,
    cancelledAt: run.cancelled_at?.toISOString() ?? null,
    cancelledBy: run.cancelled_by,
    cancelledByName: run.cancelled_by ? (extra.names?.get(run.cancelled_by) ?? null) : null,
    cancelReason: run.cancel_reason,
  };
}

export type NamedApproval = { user_id: string; approved_at: Date; name: string | null };

/** The approvals with their approvers' display names, in one read of the names. */
async function named<T extends { user_id: string }>(
  db: Db,
  approvals: T[],
): Promise<(T & { name: string | null })[]> {
  const names = await displayNamesOf(db, [...new Set(approvals.map((a) => a.user_id))]);
  return approvals.map((a) => ({ ...a, name: names.get(a.user_id) ?? null }));
}

export interface LedgerView {
  id: string;
  contractId: string;
  runId: string | null;
  kind: OutcomeLedgerEntry["kind"];
  amountPence: string;
  paidOn: string;
  reason: string;
  createdAt: string;
}

export function ledgerView(row: OutcomeLedgerEntry): LedgerView {
  return {
    id: row.id,
    contractId: row.contract_id,
    runId: row.run_id,
    kind: row.kind,
    amountPence: row.amount_pence.toString(),
    paidOn: row.paid_on,
    reason: row.reason,
    createdAt: row.created_at.toISOString(),
  };
}

/** Whether the run pays more than the contract's second-approval amount as it now is. */
export function paysAboveAmount(run: OutcomeRun, contract: OutcomeContract): boolean {
  return run.payment_pence > contract.second_approval_above_pence;
}

/**
 * How many different people approve the run, given the approvals it has. Two when it pays more than
 * the contract's amount at its first approval or at its payment, whichever is stricter: a run
 * approved once that waits for a second approval keeps waiting though a raise of the amount is
 * confirmed meanwhile (a raise never takes an approval away), and a lowering that puts an approved
 * run's payment above the amount sends it back for a second (`needSecondApprovalAgain`). An approved
 * or paid run needed the approvals it has.
 */
export function approvalsNeeded(run: OutcomeRun, contract: OutcomeContract, approvals: number): number {
  if (run.status === "approved" || run.status === "paid") return Math.max(1, approvals);
  if (approvals > 0) return 2;
  return paysAboveAmount(run, contract) ? 2 : 1;
}

/**
 * What a run's totals are from its claims and what the provider owes: recovered from the claims as
 * far as they go, the rest carried forward. The identity holds by construction:
 * claims = payment + recovered, owed = recovered + carried forward.
 */
export function settle(
  claimsPence: bigint,
  owedPence: bigint,
): { recovered: bigint; payment: bigint; carriedForward: bigint } {
  if (claimsPence < 0n || owedPence < 0n) throw new RangeError("claims and recoveries are never negative");
  const recovered = claimsPence < owedPence ? claimsPence : owedPence;
  return { recovered, payment: claimsPence - recovered, carriedForward: owedPence - recovered };
}

async function findRun(db: Db, authorityId: string, contractId: string, runId: string): Promise<OutcomeRun> {
  const run = isUuid(runId) ? await repo.runById(db, authorityId, runId) : undefined;
  if (!run || run.contract_id !== contractId) throw new NotFoundError("payment run");
  return run;
}

async function lockedRun(
  db: Db,
  authorityId: string,
  contractId: string,
  runId: string,
): Promise<OutcomeRun> {
  const run = isUuid(runId) ? await repo.lockRun(db, authorityId, runId) : undefined;
  if (!run || run.contract_id !== contractId) throw new NotFoundError("payment run");
  return run;
}

/** The run as shown: its approvals and canceller named; its compute's job read when asked (`job`). */
async function viewOf(
  db: Db,
  clock: Ctx["clock"],
  run: OutcomeRun,
  contract: OutcomeContract,
  opts: { job?: boolean; showError?: boolean } = {},
): Promise<RunView> {
  const approvals = await named(db, await repo.approvalsOf(db, run.authority_id, run.id));
  const names = run.cancelled_by ? await displayNamesOf(db, [run.cancelled_by]) : undefined;
  const job =
    opts.job && run.status === "computing" && run.compute_job_id
      ? await findJob(db, run.compute_job_id)
      : undefined;
  return runView(run, contract, approvals, {
    ...(names ? { names } : {}),
    ...(job ? { job } : {}),
    showError: opts.showError ?? false,
    now: clock.now(),
  });
}

// Start

export interface StartRunInput {
  /** The calendar month paid for, "YYYY-MM". */
  month: string;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/**
 * Starts the contract's run for a month (`computing`); 409 while another is open or out of order.
 * With `compute`, computing it is asked for in the same transaction (its job queued: the page's
 * "Start and compute").
 * `opts.id`: a fixed id, for the demo data.
 */
export async function startRun(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
  input: StartRunInput,
  opts: { compute?: boolean; id?: string } = {},
): Promise<RunView> {
  if (!MONTH.test(input.month)) {
    const message = msg`Enter the month paid for as a year and month, like 2027-01`;
    throw new ValidationError(message, [{ field: "month", message }]);
  }
  const periodStart = `${input.month}-01`;
  const periodEnd = addDays(addMonths(periodStart, 1), -1);
  return transaction(ctx.db, async (trx) => {
    const standing = await outcomeContractFor(within(ctx, trx), authorityId, contractId, { lock: true });
    requirePayer(standing);
    const { contract } = standing;
    if (periodEnd < contract.starts_on || periodStart > contract.ends_on) {
      const message = msg`Choose a month within the contract's term, ${contract.starts_on} to ${contract.ends_on}`;
      throw new UnprocessableError(message, [{ field: "month", message }]);
    }
    if (periodEnd >= londonToday(ctx.clock)) {
      const message = msg`A month is paid once it is over: choose a month that ended before today`;
      throw new UnprocessableError(message, [{ field: "month", message }]);
    }
    // Cancelled runs are passed over: a month whose run was cancelled is started again.
    const latest = await repo.latestRun(trx, authorityId, contractId);
    if (latest && latest.status !== "paid")
      throw new ConflictError(
        msg`The run for the month from ${latest.period_start} is not paid yet: finish it before starting another`,
        "run_open",
      );
    if (latest) {
      const next = addMonths(latest.period_start, 1);
      if (periodStart !== next)
        throw new ConflictError(
          msg`Months are paid in order: the next run is for the month from ${next}`,
          "run_out_of_order",
        );
    }
    const model = await modelInForce(trx, authorityId, contractId, periodEnd);
    if (!model) {
      const message = msg`The contract has no payment model in force on ${periodEnd}: add one first`;
      throw new UnprocessableError(message, [{ field: "month", message }]);
    }
    const started = await repo.insertRun(trx, {
      authority_id: authorityId,
      id: opts.id ?? newId(),
      contract_id: contractId,
      period_start: periodStart,
      period_end: periodEnd,
      status: "computing",
      started_by: ctx.principal?.userId ?? null,
      started_at: ctx.clock.now(),
      model_version: model.version,
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "outcome-run.started",
      entity: { type: "outcome-run", id: started.id },
      changes: { contractId, periodStart, periodEnd, modelVersion: model.version },
    });
    const run = opts.compute ? await queueCompute(trx, ctx, started) : started;
    return viewOf(trx, ctx.clock, run, contract, { job: true, showError: true });
  });
}

// Compute

/**
 * Queues the job that computes the run, in the caller's transaction (which records the request):
 * its dedupe key is the run's and the request's number, so that a request is one job however often
 * it is sent, and a new request (after a job failed) is a new job.
 */
async function queueCompute(trx: Trx, ctx: Ctx, run: OutcomeRun): Promise<OutcomeRun> {
  const request = run.compute_requests + 1;
  const job = await enqueue(trx, ctx.clock, {
    queue: COMPUTE_RUN_QUEUE,
    payload: { authorityId: run.authority_id, contractId: run.contract_id, runId: run.id },
    dedupeKey: `${COMPUTE_RUN_QUEUE}:${run.id}:${request}`,
    authorityId: run.authority_id,
  });
  const queued = await repo.updateRun(trx, run.authority_id, run.id, {
    compute_requests: request,
    compute_job_id: job.id,
    compute_requested_at: ctx.clock.now(),
    compute_requested_by: ctx.principal?.userId ?? null,
  });
  await recordAudit(trx, ctx.clock, {
    authorityId: run.authority_id,
    actor: actorIn(ctx),
    action: "outcome-run.compute-requested",
    entity: { type: "outcome-run", id: run.id },
    changes: { contractId: run.contract_id, request, jobId: job.id },
  });
  return queued;
}

/** What asking to compute a run did: queued its job (`queued`: 202), or nothing (computed already: 200). */
export interface ComputeRequest {
  run: RunView;
  queued: boolean;
}

/**
 * Asks for the run to be computed: queues the job that computes it (`results.compute-run`), in the
 * transaction that records the request. While a job of the run waits or runs, asking again queues
 * nothing and answers it; after a job failed, or a compute stopped, a new one is queued. A run
 * computed, approved or paid is answered as it is (`queued` false); 409 for a cancelled one.
 */
export async function requestCompute(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
  runId: string,
): Promise<ComputeRequest> {
  return transaction(ctx.db, async (trx) => {
    const standing = await outcomeContractFor(within(ctx, trx), authorityId, contractId, { lock: true });
    requirePayer(standing);
    const { contract } = standing;
    const run = await lockedRun(trx, authorityId, contractId, runId);
    if (run.status === "cancelled") throw runCancelled();
    if (run.status !== "computing")
      return { run: await viewOf(trx, ctx.clock, run, contract), queued: false };
    const job = run.compute_job_id ? await findJob(trx, run.compute_job_id) : undefined;
    const live = job?.status === "pending" || job?.status === "running";
    const asked = live ? run : await queueCompute(trx, ctx, run);
    return {
      run: await viewOf(trx, ctx.clock, asked, contract, { job: true, showError: true }),
      queued: true,
    };
  });
}

function runCancelled(): ConflictError {
  return new ConflictError(msg`The run is cancelled: start the month's run again to pay it`, "run_cancelled");
}

/** Thrown inside a chunk when the run no longer computes under this lease: the chunk is rolled back. */
class ComputeStopped extends Error {
  constructor() {
    super("The run was cancelled, or another compute took it over");
    this.name = "ComputeStopped";
  }
}

const leaseEnd = (ctx: Ctx) => new Date(ctx.clock.now().getTime() + COMPUTE_LEASE_MS);

/**
 * Computes the run under its lease: takes the lease (409 `run_computing` while another compute
 * holds it), computes the claims chunk by chunk — each chunk records the progress and extends the
 * lease only while the run is still computing under it, and is rolled back otherwise (the run was
 * cancelled, or another compute took it over after the lease passed) — then sets the totals
 * (`computed`) and gives the lease up. A run not computing is answered as it is; an error gives the
 * lease up and is thrown (computing again finishes the work: claims already made are not made again).
 */
async function computeLeased(
  ctx: Ctx,
  contract: OutcomeContract,
  runId: string,
  opts: ComputeOptions,
): Promise<OutcomeRun> {
  const { authority_id: authorityId, id: contractId } = contract;
  const run = await findRun(ctx.db, authorityId, contractId, runId);
  if (run.status !== "computing") return run;
  // The version fixed when the run started, so a restart prices every chunk alike.
  const model =
    run.model_version === null
      ? await modelInForce(ctx.db, authorityId, contractId, run.period_end)
      : await repo.modelVersion(ctx.db, authorityId, contractId, run.model_version);
  if (!model)
    throw new UnprocessableError(
      msg`The contract has no payment model in force on ${run.period_end}: add one first`,
    );
  const token = newId();
  const held = await transaction(ctx.db, async (trx) => {
    const locked = await lockedRun(trx, authorityId, contractId, runId);
    if (locked.status !== "computing") return locked;
    const now = ctx.clock.now();
    if (locked.compute_lease_until !== null && locked.compute_lease_until > now)
      throw new ConflictError(
        msg`The run is being computed already: wait for it to finish, then refresh its page`,
        "run_computing",
      );
    return repo.updateRun(trx, authorityId, runId, {
      compute_lease: token,
      compute_lease_until: leaseEnd(ctx),
      compute_started_at: now,
      participants_total: await repo.participantsOfRun(trx, locked),
      participants_done: 0,
      chunks_done: 0,
    });
  });
  if (held.status !== "computing") return held;
  try {
    await computeRunClaims(ctx.db, held, model, {
      ...opts,
      guard: async (trx, progress) => {
        const holding = await repo.recordProgress(
          trx,
          { authorityId, id: runId, token },
          progress,
          leaseEnd(ctx),
        );
        if (!holding) throw new ComputeStopped();
      },
    });
  } catch (error) {
    if (error instanceof ComputeStopped) return findRun(ctx.db, authorityId, contractId, runId);
    await repo.releaseLease(ctx.db, authorityId, runId, token);
    throw error;
  }
  return transaction(ctx.db, async (trx) => {
    await outcomeContractOf(within(ctx, trx), authorityId, contractId, { lock: true });
    const locked = await lockedRun(trx, authorityId, contractId, runId);
    if (locked.status !== "computing" || locked.compute_lease !== token) return locked;
    const totals = await repo.claimTotals(trx, authorityId, runId);
    const owed = await repo.recoveriesOutstanding(trx, authorityId, contractId);
    const { recovered, payment, carriedForward } = settle(totals.claimsPence, owed);
    const computed = await repo.updateRun(trx, authorityId, runId, {
      status: "computed",
      claims_pence: totals.claimsPence,
      claim_count: totals.claimCount,
      refused_pence: totals.refusedPence,
      refused_count: totals.refusedCount,
      recoveries_due_pence: owed,
      recovered_pence: recovered,
      payment_pence: payment,
      carried_forward_pence: carriedForward,
      computed_at: ctx.clock.now(),
      compute_lease: null,
      compute_lease_until: null,
      participants_done: locked.participants_total ?? locked.participants_done,
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "outcome-run.computed",
      entity: { type: "outcome-run", id: runId },
      changes: {
        contractId,
        modelVersion: model.version,
        requestedBy: locked.compute_requested_by,
        claimsPence: totals.claimsPence,
        claimCount: totals.claimCount,
        refusedPence: totals.refusedPence,
        refusedCount: totals.refusedCount,
        recoveriesDuePence: owed,
        recoveredPence: recovered,
        paymentPence: payment,
        carriedForwardPence: carriedForward,
      },
    });
    return computed;
  });
}

/**
 * Computes the run's claims and sets its totals (`computed`) in the caller's process (tests, the
 * demo seed; people ask with `requestCompute`, and a job computes). The claims are computed outside
 * one transaction (chunk by chunk: claims.service.ts); a crash leaves the run `computing` and
 * computing again finishes it, inserting only what is missing. Computing a run computed, approved or
 * paid changes nothing and answers the run as it is; 409 while another compute holds it, or for a
 * cancelled run (one cancelled while it computes stops, and is answered as it is).
 */
export async function computeRun(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
  runId: string,
  opts: ComputeOptions = {},
): Promise<RunView> {
  const standing = await outcomeContractFor(ctx, authorityId, contractId);
  requirePayer(standing);
  const run = await findRun(ctx.db, authorityId, contractId, runId);
  if (run.status === "cancelled") throw runCancelled();
  const done = await computeLeased(ctx, standing.contract, runId, opts);
  return viewOf(ctx.db, ctx.clock, done, standing.contract);
}

/**
 * The job's compute (results.jobs.ts), acting for the person who asked (checked then): re-reads the
 * run and computes it unless it is no longer computing (computed by another, or cancelled: nothing
 * to do). Answers the run's status when done.
 */
export async function computeRunForJob(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
  runId: string,
  opts: ComputeOptions = {},
): Promise<OutcomeRun["status"]> {
  const contract = await outcomeContractOf(ctx, authorityId, contractId);
  return (await computeLeased(ctx, contract, runId, opts)).status;
}

// Approve

/**
 * Records the caller's approval of a computed run; the run is `approved` once enough different
 * people have (two above the contract's amount). Approving again answers the run as it is; 409
 * before it is computed, or once approved by others.
 */
export async function approveRun(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
  runId: string,
): Promise<RunView> {
  return transaction(ctx.db, async (trx) => {
    const standing = await outcomeContractFor(within(ctx, trx), authorityId, contractId, { lock: true });
    const userId = requireApprover(ctx, standing);
    const { contract } = standing;
    const run = await lockedRun(trx, authorityId, contractId, runId);
    const approvals = await repo.approvalsOf(trx, authorityId, runId);
    if (approvals.some((a) => a.user_id === userId)) return viewOf(trx, ctx.clock, run, contract);
    if (run.status === "cancelled") throw runCancelled();
    if (run.status === "computing")
      throw new ConflictError(msg`Compute the run before approving it`, "run_not_computed");
    if (run.status !== "computed")
      throw new ConflictError(msg`The run is approved already: nothing more to approve`, "run_approved");
    await repo.insertApproval(trx, authorityId, runId, userId, ctx.clock.now());
    const count = approvals.length + 1;
    const needed = approvalsNeeded(run, contract, approvals.length);
    const after =
      count >= needed ? await repo.updateRun(trx, authorityId, runId, { status: "approved" }) : run;
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: count >= needed ? "outcome-run.approved" : "outcome-run.approval-recorded",
      entity: { type: "outcome-run", id: runId },
      changes: { contractId, approvals: count, approvalsNeeded: needed, paymentPence: run.payment_pence },
    });
    return viewOf(trx, ctx.clock, after, contract);
  });
}

/**
 * After the contract's second-approval amount is lowered (in that change's transaction, the contract
 * locked): a run approved by one person that now pays more than the amount goes back to waiting for
 * a second approval, audited. Answers the run sent back, if any (at most one run is open at a time).
 */
export async function needSecondApprovalAgain(
  ctx: Ctx & { db: Trx },
  contract: OutcomeContract,
): Promise<string | null> {
  const run = await repo.latestRun(ctx.db, contract.authority_id, contract.id);
  if (run?.status !== "approved" || !paysAboveAmount(run, contract)) return null;
  const locked = await lockedRun(ctx.db, contract.authority_id, contract.id, run.id);
  const approvals = await repo.approvalsOf(ctx.db, contract.authority_id, run.id);
  if (locked.status !== "approved" || approvals.length >= 2) return null;
  await repo.updateRun(ctx.db, contract.authority_id, run.id, { status: "computed" });
  await recordAudit(ctx.db, ctx.clock, {
    authorityId: contract.authority_id,
    actor: actorIn(ctx),
    action: "outcome-run.second-approval-needed",
    entity: { type: "outcome-run", id: run.id },
    changes: {
      contractId: contract.id,
      paymentPence: run.payment_pence,
      secondApprovalAbovePence: contract.second_approval_above_pence,
      approvals: approvals.length,
      approvalsNeeded: 2,
    },
  });
  return run.id;
}

// Pay

export interface PayOptions {
  /** Tests only: throw after writing this many ledger rows (a crash mid-payment). */
  crashAfterRows?: number;
}

export class InjectedCrash extends Error {
  constructor() {
    super("Injected crash (tests only)");
    this.name = "InjectedCrash";
  }
}

/**
 * Pays an approved run: the ledger's payment and recovery rows, keyed by the run so that they are
 * written once ever, the run `paid`, the provider's people told — one transaction. Paying a paid
 * run answers it as it is (nothing written); 409 before it is approved.
 */
export async function payRun(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
  runId: string,
  opts: PayOptions = {},
): Promise<RunView> {
  return transaction(ctx.db, async (trx) => {
    const standing = await outcomeContractFor(within(ctx, trx), authorityId, contractId, { lock: true });
    requireApprover(ctx, standing);
    const { contract } = standing;
    const run = await lockedRun(trx, authorityId, contractId, runId);
    if (run.status === "paid") return viewOf(trx, ctx.clock, run, contract);
    if (run.status === "cancelled") throw runCancelled();
    // The contract's amount as it is now decides too: a lowering since the approval sends the run
    // back for a second one (needSecondApprovalAgain), and this holds it whatever happened between.
    const approvals = (await repo.approvalsOf(trx, authorityId, runId)).length;
    const short = run.status === "approved" && paysAboveAmount(run, contract) && approvals < 2;
    if (run.status !== "approved" || short) {
      const needed = short ? 2 : approvalsNeeded(run, contract, approvals);
      throw new ConflictError(
        needed === 2
          ? msg`The run needs approving by two different people before it is paid`
          : msg`The run needs approving before it is paid`,
        "run_not_approved",
      );
    }
    const paidOn = londonToday(ctx.clock);
    const now = ctx.clock.now();
    const rows = [
      { kind: "payment" as const, amount: run.payment_pence },
      { kind: "recovery" as const, amount: run.recovered_pence },
    ].filter((r) => r.amount > 0n);
    let written = 0;
    const crashHere = () => {
      if (opts.crashAfterRows === written) throw new InjectedCrash();
    };
    for (const r of rows) {
      crashHere();
      await repo.insertLedgerRow(trx, {
        authority_id: authorityId,
        id: newId(),
        contract_id: contractId,
        organisation_id: contract.organisation_id,
        run_id: runId,
        kind: r.kind,
        amount_pence: r.amount,
        paid_on: paidOn,
        idempotency_key: `run:${runId}:${r.kind}`,
        reason: `${r.kind === "payment" ? "Payment" : "Recovered"} for ${run.period_start} to ${run.period_end}`,
        created_by: ctx.principal?.userId ?? null,
        created_at: now,
      });
      written++;
    }
    crashHere();
    const paid = await repo.updateRun(trx, authorityId, runId, { status: "paid", paid_at: now });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "outcome-run.paid",
      entity: { type: "outcome-run", id: runId },
      changes: {
        contractId,
        organisationId: contract.organisation_id,
        paidOn,
        paymentPence: run.payment_pence,
        recoveredPence: run.recovered_pence,
        carriedForwardPence: run.carried_forward_pence,
      },
    });
    await tellProviderPaid(trx, ctx, contract, paid);
    return viewOf(trx, ctx.clock, paid, contract);
  });
}

/** Tells the provider's administrators and members what a run paid, linking to its payments. */
function tellProviderPaid(trx: Trx, ctx: Ctx, contract: OutcomeContract, run: OutcomeRun): Promise<void> {
  const amount = formatPence(run.payment_pence);
  const { reference } = contract;
  return tellProvider(within(ctx, trx), contract, {
    kind: "results.run-paid",
    subject: msg`Payment by results: ${amount} paid for ${reference}`,
    body:
      run.recovered_pence > 0n
        ? msg`The payment run for ${run.period_start} to ${run.period_end} of outcome contract ${reference} is paid: ${amount}, after ${formatPence(run.recovered_pence)} recovered.`
        : msg`The payment run for ${run.period_start} to ${run.period_end} of outcome contract ${reference} is paid: ${amount}.`,
    path: "/payments",
    email: true,
  });
}

// Cancel

export interface CancelRunInput {
  /** Why the run is cancelled (told to the provider). */
  reason: string;
}

/**
 * Cancels a run not yet paid (computing, computed, or approved once or twice), with a reason: one
 * transaction that makes its claims and the recoveries it raised void (its rows stay: they stop
 * counting, and a new run of the month makes them again), marks it `cancelled` — its approvals no
 * longer count, and a job computing it stops at its next chunk — audits it and tells the provider's
 * people. Cancelling a cancelled run answers it as it is; 409 for a paid one.
 */
export async function cancelRun(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
  runId: string,
  input: CancelRunInput,
): Promise<RunView> {
  const reason = input.reason.trim();
  if (reason === "" || reason.length > 2000) {
    const message = msg`Say why the run is cancelled, in up to 2,000 characters`;
    throw new ValidationError(message, [{ field: "reason", message }]);
  }
  return transaction(ctx.db, async (trx) => {
    const standing = await outcomeContractFor(within(ctx, trx), authorityId, contractId, { lock: true });
    requirePayer(standing);
    const { contract } = standing;
    const run = await lockedRun(trx, authorityId, contractId, runId);
    if (run.status === "cancelled") return viewOf(trx, ctx.clock, run, contract);
    if (run.status === "paid")
      throw new ConflictError(
        msg`A paid run is not cancelled: record a correction on the contract's payments page instead`,
        "run_paid",
      );
    const approvals = await repo.approvalsOf(trx, authorityId, runId);
    const voided = await repo.voidRunRows(trx, authorityId, contractId, runId);
    const cancelled = await repo.updateRun(trx, authorityId, runId, {
      status: "cancelled",
      cancelled_at: ctx.clock.now(),
      cancelled_by: ctx.principal?.userId ?? null,
      cancel_reason: reason,
      compute_lease: null,
      compute_lease_until: null,
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "outcome-run.cancelled",
      entity: { type: "outcome-run", id: runId },
      changes: {
        contractId,
        organisationId: contract.organisation_id,
        periodStart: run.period_start,
        periodEnd: run.period_end,
        from: run.status,
        reason,
        claimsVoided: voided.claims,
        recoveriesVoided: voided.recoveries,
        approvalsVoided: approvals.length,
      },
    });
    await tellProviderCancelled(trx, ctx, contract, cancelled, reason);
    return viewOf(trx, ctx.clock, cancelled, contract);
  });
}

/**
 * The run as its cancellation's page shows it, to those who may cancel it (the authority's
 * commissioners and administrators; 403 to the provider's people, 404 to anyone else), with whether
 * it may still be cancelled (not paid, not cancelled already).
 */
export async function runToCancel(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
  runId: string,
): Promise<{ run: RunView; contract: OutcomeContract; cancellable: boolean }> {
  const standing = await outcomeContractFor(ctx, authorityId, contractId);
  requirePayer(standing);
  const run = await findRun(ctx.db, authorityId, contractId, runId);
  return {
    run: await viewOf(ctx.db, ctx.clock, run, standing.contract),
    contract: standing.contract,
    cancellable: run.status !== "paid" && run.status !== "cancelled",
  };
}

/** Tells the provider's administrators and members that a run was cancelled, and why, linking to it. */
function tellProviderCancelled(
  trx: Trx,
  ctx: Ctx,
  contract: OutcomeContract,
  run: OutcomeRun,
  reason: string,
): Promise<void> {
  const { reference } = contract;
  return tellProvider(within(ctx, trx), contract, {
    kind: "results.run-cancelled",
    subject: msg`Payment by results: the run for ${run.period_start} to ${run.period_end} of ${reference} is cancelled`,
    body: msg`The payment run for ${run.period_start} to ${run.period_end} of outcome contract ${reference} is cancelled, and its claims no longer count: a new run of the month will make them again. The reason given: ${reason}`,
    path: `/runs/${run.id}`,
    email: true,
  });
}

// Corrections

export interface CorrectionInput {
  /** Signed pounds: positive paid to the provider, negative paid back by it. */
  amount: string;
  reason: string;
  /** The run corrected, when there is one. */
  runId?: string | null;
}

/** A correction above the contract's second-approval amount, waiting for (or given) a second person. */
export interface CorrectionRequestView {
  id: string;
  contractId: string;
  runId: string | null;
  amountPence: string;
  reason: string;
  status: "pending" | "approved";
  requestedBy: string;
  requestedAt: string;
  approvedBy: string | null;
  approvedAt: string | null;
}

export function correctionRequestView(row: OutcomeCorrectionRequest): CorrectionRequestView {
  return {
    id: row.id,
    contractId: row.contract_id,
    runId: row.run_id,
    amountPence: row.amount_pence.toString(),
    reason: row.reason,
    status: row.status,
    requestedBy: row.requested_by,
    requestedAt: row.requested_at.toISOString(),
    approvedBy: row.approved_by,
    approvedAt: row.approved_at?.toISOString() ?? null,
  };
}

/** What recording a correction did: the ledger row, or the request waiting for a second person. */
export type CorrectionOutcome =
  | { entry: LedgerView; request: null; replayed: boolean }
  | { entry: null; request: CorrectionRequestView; replayed: boolean };

const absolute = (pence: bigint) => (pence < 0n ? -pence : pence);

/**
 * Records a correction, written once per idempotency key: the same key with the same request answers
 * what the first time did (`replayed`); with a different request, 409. Up to the contract's
 * second-approval amount (either way: paid or paid back) it is a new ledger row at once; above it, a
 * request that waits for a second person's approval (`approveCorrection`), as a run does.
 */
export async function recordCorrection(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
  key: string,
  input: CorrectionInput,
): Promise<CorrectionOutcome> {
  const errors: { field: string; message: string }[] = [];
  const parsed = parseMoney(input.amount, { allowNegative: true });
  let amount = 0n;
  if (!parsed.ok) errors.push({ field: "amount", message: parsed.error });
  else if (parsed.value === 0n)
    errors.push({ field: "amount", message: msg`Enter an amount other than £0.00` });
  else amount = parsed.value;
  const reason = input.reason.trim();
  if (reason === "" || reason.length > 2000)
    errors.push({ field: "reason", message: msg`Say why the correction is made, in up to 2,000 characters` });
  if (input.runId && !isUuid(input.runId))
    errors.push({ field: "runId", message: msg`A run is named by its id` });
  if (errors.length > 0) throw new ValidationError(msg`Check the correction`, errors);
  const ledgerKey = `correction:${contractId}:${key}`;
  return transaction(ctx.db, async (trx) => {
    const standing = await outcomeContractFor(within(ctx, trx), authorityId, contractId, { lock: true });
    const userId = requireApprover(ctx, standing);
    const { contract } = standing;
    const runId = input.runId ?? null;
    if (runId) await findRun(trx, authorityId, contractId, runId);
    const reused = () =>
      new ConflictError(
        msg`This idempotency key was used for a different correction: use a new key for a new request`,
        "idempotency_key_reused",
      );
    const asked = await repo.correctionRequestByKey(trx, authorityId, ledgerKey);
    if (asked) {
      if (asked.amount_pence !== amount || asked.reason !== reason || asked.run_id !== runId) throw reused();
      return { entry: null, request: correctionRequestView(asked), replayed: true };
    }
    const existing = await repo.ledgerRowByKey(trx, authorityId, ledgerKey);
    if (existing) {
      if (existing.amount_pence !== amount || existing.reason !== reason || existing.run_id !== runId)
        throw reused();
      return { entry: ledgerView(existing), request: null, replayed: true };
    }
    if (absolute(amount) > contract.second_approval_above_pence) {
      const request = await repo.insertCorrectionRequest(trx, {
        authority_id: authorityId,
        id: newId(),
        contract_id: contractId,
        run_id: runId,
        amount_pence: amount,
        reason,
        idempotency_key: ledgerKey,
        status: "pending",
        requested_by: userId,
        requested_at: ctx.clock.now(),
      });
      await recordAudit(trx, ctx.clock, {
        authorityId,
        actor: actorIn(ctx),
        action: "outcome-ledger.correction-requested",
        entity: { type: "outcome-correction", id: request.id },
        changes: { contractId, runId, amountPence: amount, reason },
      });
      return { entry: null, request: correctionRequestView(request), replayed: false };
    }
    const entry = await writeCorrection(trx, ctx, contract, { runId, amount, reason, ledgerKey, userId });
    return { entry, request: null, replayed: false };
  });
}

async function writeCorrection(
  trx: Trx,
  ctx: Ctx,
  contract: OutcomeContract,
  c: { runId: string | null; amount: bigint; reason: string; ledgerKey: string; userId: string },
  approval?: { requestId: string; requestedBy: string },
): Promise<LedgerView> {
  const row = {
    authority_id: contract.authority_id,
    id: newId(),
    contract_id: contract.id,
    organisation_id: contract.organisation_id,
    run_id: c.runId,
    kind: "correction" as const,
    amount_pence: c.amount,
    paid_on: londonToday(ctx.clock),
    idempotency_key: c.ledgerKey,
    reason: c.reason,
    created_by: c.userId,
    created_at: ctx.clock.now(),
  };
  await repo.insertLedgerRow(trx, row);
  await recordAudit(trx, ctx.clock, {
    authorityId: contract.authority_id,
    actor: actorIn(ctx),
    action: "outcome-ledger.corrected",
    entity: { type: "outcome-ledger", id: row.id },
    changes: {
      contractId: contract.id,
      runId: c.runId,
      amountPence: c.amount,
      reason: c.reason,
      ...(approval ? { correctionId: approval.requestId, requestedBy: approval.requestedBy } : {}),
    },
  });
  return ledgerView(row);
}

/**
 * A second person approves a correction waiting for it: its ledger row is written (by the key it was
 * asked with) and the request marked approved, in one transaction. Approving an approved one answers
 * it as it is; whoever asked for it may not approve it (409).
 */
export async function approveCorrection(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
  correctionId: string,
): Promise<CorrectionRequestView> {
  return transaction(ctx.db, async (trx) => {
    const standing = await outcomeContractFor(within(ctx, trx), authorityId, contractId, { lock: true });
    const userId = requireApprover(ctx, standing);
    const request = isUuid(correctionId)
      ? await repo.lockCorrectionRequest(trx, authorityId, correctionId)
      : undefined;
    if (!request || request.contract_id !== contractId) throw new NotFoundError("correction");
    if (request.status === "approved") return correctionRequestView(request);
    if (request.requested_by === userId)
      throw new ConflictError(
        msg`A correction of this size needs a second person: ask another of the authority's commissioners to approve it`,
        "correction_needs_second_person",
      );
    await writeCorrection(
      trx,
      ctx,
      standing.contract,
      {
        runId: request.run_id,
        amount: request.amount_pence,
        reason: request.reason,
        ledgerKey: request.idempotency_key,
        userId,
      },
      { requestId: request.id, requestedBy: request.requested_by },
    );
    const approved = await repo.approveCorrectionRequest(
      trx,
      authorityId,
      request.id,
      userId,
      ctx.clock.now(),
    );
    return correctionRequestView(approved);
  });
}

/** The contract's corrections waiting for a second approval, oldest first: at most this many. */
export const PENDING_CORRECTIONS_SHOWN = 50;

// Reading

/** A page key that was altered or cut short (a tampered date would otherwise reach the SQL): 400. */
function incompletePageLink(): ValidationError {
  const message = msg`This page link is not complete. Go back to the first page of results and try again.`;
  return new ValidationError(message, [{ field: "after", message }]);
}

export interface RunList {
  runs: RunView[];
  next: string | null;
}

/** The contract's runs, the latest month first, a page at a time (commissioners and the provider). */
export async function listRuns(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
  query: { after?: string; pageSize?: number } = {},
): Promise<RunList & { standing: ResultsStanding }> {
  const standing = await outcomeContractFor(ctx, authorityId, contractId);
  const key = decodeKey(query.after, ["string", "string"], "after");
  if (key && (!isIsoDate(key[0] as string) || !isUuid(key[1] as string))) throw incompletePageLink();
  const size = query.pageSize ?? 20;
  const rows = await repo.runsOfContract(
    ctx.db,
    authorityId,
    contractId,
    key ? { periodStart: key[0] as string, id: key[1] as string } : undefined,
    size + 1,
  );
  const page = rows.slice(0, size);
  const approvals = await named(
    ctx.db,
    await repo.approvalsOfRuns(
      ctx.db,
      authorityId,
      page.map((r) => r.id),
    ),
  );
  const cancellers = page.flatMap((r) => (r.cancelled_by ? [r.cancelled_by] : []));
  const names = await displayNamesOf(ctx.db, [...new Set(cancellers)]);
  const now = ctx.clock.now();
  const runs = page.map((r) =>
    runView(
      r,
      standing.contract,
      approvals.filter((a) => a.run_id === r.id),
      { names, now },
    ),
  );
  const last = page.at(-1);
  return {
    runs,
    next: rows.length > size && last ? encodeKey([last.period_start, last.id]) : null,
    standing,
  };
}

export interface RunDetail {
  run: RunView;
  standing: ResultsStanding;
  ledger: LedgerView[];
  claims: repo.ClaimRow[];
  next: string | null;
}

/** One run with its claims (or only its refused ones) paged by key, and its ledger rows. */
export async function runDetail(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
  runId: string,
  query: { after?: string; pageSize?: number; refused?: boolean } = {},
): Promise<RunDetail> {
  const standing = await outcomeContractFor(ctx, authorityId, contractId);
  const run = await findRun(ctx.db, authorityId, contractId, runId);
  const key = decodeKey(query.after, ["string", "string", "string", "number"], "after");
  if (key && !isUuid(key[0] as string)) throw incompletePageLink();
  const size = query.pageSize ?? 20;
  const [rows, ledger, view] = await Promise.all([
    repo.claimsOfRun(ctx.db, authorityId, runId, {
      after: key as [string, string, string, number] | undefined,
      refusedOnly: query.refused === true,
      limit: size + 1,
    }),
    repo.ledgerOfRun(ctx.db, authorityId, contractId, runId),
    viewOf(ctx.db, ctx.clock, run, standing.contract, { job: true, showError: standing.commissioner }),
  ]);
  const claims = rows.slice(0, size);
  const last = claims.at(-1);
  return {
    run: view,
    standing,
    ledger: ledger.map(ledgerView),
    claims,
    next:
      rows.length > size && last ? encodeKey([last.participant_id, last.rule, last.metric, last.seq]) : null,
  };
}

/** The contract's ledger newest first, a page at a time: what the provider was paid and repaid. */
export async function contractLedger(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
  query: { after?: string; pageSize?: number } = {},
): Promise<{
  entries: LedgerView[];
  next: string | null;
  pending: CorrectionRequestView[];
  standing: ResultsStanding;
}> {
  const standing = await outcomeContractFor(ctx, authorityId, contractId);
  const key = decodeKey(query.after, ["string", "string"], "after");
  if (key && (!isIsoDate(key[0] as string) || !isUuid(key[1] as string))) throw incompletePageLink();
  const size = query.pageSize ?? 20;
  const rows = await repo.ledgerOfContract(
    ctx.db,
    authorityId,
    contractId,
    key ? { paidOn: key[0] as string, id: key[1] as string } : undefined,
    size + 1,
  );
  const page = rows.slice(0, size);
  const last = page.at(-1);
  const pending = await repo.pendingCorrections(ctx.db, authorityId, contractId, PENDING_CORRECTIONS_SHOWN);
  return {
    entries: page.map(ledgerView),
    next: rows.length > size && last ? encodeKey([last.paid_on, last.id]) : null,
    pending: pending.map(correctionRequestView),
    standing,
  };
}
