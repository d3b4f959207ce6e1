/** The JSON API's schemas for payment runs and the ledger (TypeBox). Pence as digits; corrections signed. */
import { Type } from "typebox";
import { Instant, IsoDate, Nullable, PageKeyQuery, PenceText, Strings, Uuid } from "../../http/schemas.ts";
import { LEDGER_KINDS, RUN_STATUSES } from "./results.table.ts";

export const ContractParams = Type.Object({ authorityId: Uuid, contractId: Uuid });
export const RunParams = Type.Object({ authorityId: Uuid, contractId: Uuid, runId: Uuid });

const Pence = (description: string) => Type.String({ pattern: "^[0-9]{1,18}$", description });
const SignedPence = Type.String({
  pattern: "^-?[0-9]{1,19}$",
  description: "Whole pence, as digits, signed",
});

export const StartRunBody = Type.Object({
  month: Type.String({
    pattern: "^[0-9]{4}-[0-9]{2}$",
    description: "The calendar month paid for, like 2027-01: the month after the last run's",
  }),
});

export const CancelRunBody = Type.Object({
  reason: Type.String({
    minLength: 1,
    maxLength: 2000,
    description: "Why the run is cancelled: the provider's people are told it",
  }),
});

export const RunsQuery = Type.Object({ after: PageKeyQuery.after, pageSize: PageKeyQuery.pageSize });
export const RunQuery = Type.Object({
  after: PageKeyQuery.after,
  pageSize: PageKeyQuery.pageSize,
  refused: Type.Optional(Type.Boolean({ description: "Only the refused claims, with their problems" })),
});
export const LedgerQuery = Type.Object({ after: PageKeyQuery.after, pageSize: PageKeyQuery.pageSize });

export const CorrectionBody = Type.Object({
  amount: Type.String({
    minLength: 1,
    maxLength: 30,
    description: 'Signed pounds: "125.00" paid to the provider, "-125.00" paid back by it (never £0.00)',
  }),
  reason: Type.String({ minLength: 1, maxLength: 2000, description: "Why the correction is made" }),
  runId: Type.Optional(Nullable(Uuid)),
});

export const Run = Type.Object({
  id: Uuid,
  contractId: Uuid,
  periodStart: IsoDate,
  periodEnd: IsoDate,
  status: Strings(RUN_STATUSES),
  claimsPence: PenceText,
  claimCount: Type.Integer(),
  refusedPence: PenceText,
  refusedCount: Type.Integer(),
  recoveriesDuePence: Pence(
    "Recoveries owed by the provider when computed: brought forward and raised with the run",
  ),
  recoveredPence: Pence("Recovered from this run's claims"),
  paymentPence: Pence("Paid: the valid claims less what is recovered"),
  carriedForwardPence: Pence("Owed still, recovered from later runs"),
  startedAt: Instant,
  computedAt: Nullable(Instant),
  paidAt: Nullable(Instant),
  approvalsNeeded: Type.Integer({ description: "1, or 2 different people above the contract's amount" }),
  approvals: Type.Array(
    Type.Object({
      userId: Uuid,
      name: Nullable(
        Type.String({
          description: "The approver's display name (the authority's staff); null if the account is gone",
        }),
      ),
      approvedAt: Instant,
    }),
  ),
  progress: Nullable(
    Type.Object(
      {
        requestedAt: Nullable(Instant),
        startedAt: Nullable(Instant),
        computingNow: Type.Boolean({ description: "A compute holds the run now" }),
        participantsDone: Type.Integer(),
        participantsTotal: Nullable(
          Type.Integer({ description: "The participants the run counts; null until a compute starts" }),
        ),
        chunksDone: Type.Integer(),
        job: Nullable(
          Type.Object(
            {
              status: Strings(["queued", "running", "retrying", "failed", "done"] as const),
              error: Nullable(
                Type.String({
                  description:
                    "The last attempt's error message (for the authority's staff), when one failed",
                }),
              ),
              retryAt: Nullable(Instant),
            },
            { description: "The job of the latest request to compute it (on the run's own answer only)" },
          ),
        ),
      },
      { description: "While the run is computing: how far it has got; null otherwise" },
    ),
  ),
  cancelledAt: Nullable(Instant),
  cancelledBy: Nullable(Uuid),
  cancelledByName: Nullable(
    Type.String({ description: "Who cancelled it (the authority's staff); null if not cancelled" }),
  ),
  cancelReason: Nullable(Type.String({ description: "Why it was cancelled" })),
});

export const RunListResponse = Type.Object({
  runs: Type.Array(Run),
  next: Nullable(Type.String({ description: "Pass as `after` for the next page; null on the last page" })),
});

export const LedgerEntry = Type.Object({
  id: Uuid,
  contractId: Uuid,
  runId: Nullable(Uuid),
  kind: Strings(LEDGER_KINDS),
  amountPence: SignedPence,
  paidOn: IsoDate,
  reason: Type.String(),
  createdAt: Instant,
});

export const Claim = Type.Object({
  // Null for a claim of the contract as a whole (`contractWide`).
  participantId: Nullable(Uuid),
  reference: Nullable(
    Type.String({ description: "The participant's pseudonymous reference; null for a contract-wide claim" }),
  ),
  paymentGroup: Nullable(Type.String()),
  contractWide: Type.Boolean({
    description: "A cohort, pooled or reconciliation claim: the contract's, not any participant's",
  }),
  rule: Type.String(),
  metric: Type.String(),
  seq: Type.Integer(),
  achievedOn: IsoDate,
  modelVersion: Type.Integer(),
  amountPence: PenceText,
  eventIds: Type.Array(Uuid, { description: "The events the claim rests on" }),
  problems: Type.Array(Type.String(), { description: "Why it is refused (codes); empty when valid" }),
  void: Type.Boolean({
    description: "Its run was cancelled: the claim no longer counts (a later run may make it again)",
  }),
});

export const RunDetailResponse = Type.Object({
  run: Run,
  ledger: Type.Array(LedgerEntry),
  claims: Type.Array(Claim),
  next: Nullable(Type.String({ description: "Pass as `after` for the next page of claims" })),
});

export const CorrectionParams = Type.Object({ authorityId: Uuid, contractId: Uuid, correctionId: Uuid });

export const CorrectionRequest = Type.Object({
  id: Uuid,
  contractId: Uuid,
  runId: Nullable(Uuid),
  amountPence: SignedPence,
  reason: Type.String(),
  status: Type.Union([Type.Literal("pending"), Type.Literal("approved")]),
  requestedBy: Uuid,
  requestedAt: Instant,
  approvedBy: Nullable(Uuid),
  approvedAt: Nullable(Instant),
});

export const LedgerResponse = Type.Object({
  pending: Type.Array(CorrectionRequest, {
    description:
      "Corrections above the contract's second-approval amount waiting for a second person, oldest first (at most 50)",
  }),
  entries: Type.Array(LedgerEntry),
  next: Nullable(Type.String({ description: "Pass as `after` for the next page; null on the last page" })),
});
