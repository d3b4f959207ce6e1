/**
 * Request and response schemas of sample audits
 * (/api/v1/authorities/:authorityId/outcome-contracts/:contractId/audits…). Types and lengths here
 * (400); the rules in audits.service.ts.
 */
import { Type } from "typebox";
import { Instant, IsoDate, MoneyText, Nullable, PenceText, Uuid } from "../../http/schemas.ts";
import { AUDIT_LIMITS } from "./audits.service.ts";
import { MAX_SAMPLE, MIN_SAMPLE } from "./sampling.ts";

export const ContractParams = Type.Object({ authorityId: Uuid, contractId: Uuid });
export const AuditParams = Type.Object({ authorityId: Uuid, contractId: Uuid, auditId: Uuid });

export const AuditListQuery = Type.Object({
  before: Type.Optional(
    Type.String({
      maxLength: 400,
      description: "The page after this key (earlier periods): a previous answer's `next`",
    }),
  ),
});

export const AuditQuery = Type.Object({
  after: Type.Optional(
    Type.String({ maxLength: 400, description: "The items after this key: a previous answer's `next`" }),
  ),
});

export const StartAuditBody = Type.Object({
  period: Type.String({
    pattern: "^[0-9]{4}-[0-9]{2}$",
    description: "The paid period's month, like 2027-03",
  }),
  sampleSize: Type.Integer({
    minimum: 1,
    maximum: MAX_SAMPLE,
    description: `How many paid claims to sample: at least ${MIN_SAMPLE}, or every claim of a period with fewer (422 sample_too_small)`,
  }),
  seed: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: AUDIT_LIMITS.seed,
      description:
        "The draw's seed (a random one when not given): anyone holding it can draw the sample again",
    }),
  ),
});

export const FindingBody = Type.Object({
  participantId: Uuid,
  rule: Type.String({ minLength: 1, maxLength: 40 }),
  metric: Type.String({ maxLength: 60, description: "The claim's metric ('' for none)" }),
  seq: Type.Integer({ minimum: 1 }),
  found: MoneyText("What the claim should have been paid, in pounds (0 when it was not due)"),
  note: Type.Optional(
    Type.String({ maxLength: AUDIT_LIMITS.note, description: "What the evidence showed (no one's name)" }),
  ),
});

export const Audit = Type.Object({
  id: Uuid,
  contractId: Uuid,
  periodStart: IsoDate,
  periodEnd: IsoDate,
  status: Type.Union([Type.Literal("open"), Type.Literal("concluded")]),
  seed: Type.String(),
  sampleSize: Type.Integer(),
  checked: Nullable(Type.Integer({ description: "Items checked so far (on one audit's answer)" })),
  populationCount: Type.Integer({ description: "The period's valid paid claims" }),
  populationPence: PenceText,
  errorRatePpm: Nullable(
    Type.Integer({ description: "The sample's error rate by value, parts per million" }),
  ),
  lowerBoundPpm: Nullable(
    Type.Integer({
      description: "The one-sided 95% lower bound of the error rate, parts per million (never below 0)",
    }),
  ),
  recoveryPence: Nullable(
    Type.String({
      pattern: "^[0-9]{1,18}$",
      description: "population × lower bound, rounded down: recovered by the next run",
    }),
  ),
  startedAt: Instant,
  startedBy: Nullable(Uuid),
  startedByName: Nullable(
    Type.String({ description: "Who started it: the authority's staff member's display name" }),
  ),
  concludedAt: Nullable(Instant),
  concludedBy: Nullable(Uuid),
  concludedByName: Nullable(
    Type.String({ description: "Who concluded it: the authority's staff member's display name" }),
  ),
});

export const AuditItem = Type.Object({
  participantId: Uuid,
  participantReference: Type.String({
    description: "The commissioner's pseudonymous reference of the participant",
  }),
  rule: Type.String(),
  metric: Type.String(),
  seq: Type.Integer(),
  paidPence: PenceText,
  foundPence: Nullable(PenceText),
  note: Type.String(),
  checkedAt: Nullable(Instant),
});

export const AuditList = Type.Object({
  audits: Type.Array(Audit),
  next: Nullable(Type.String({ description: "Pass as `before` for the next page; null on the last page" })),
});

export const AuditWithItems = Type.Object({
  audit: Audit,
  items: Type.Array(AuditItem),
  next: Nullable(Type.String({ description: "Pass as `after` for the next items; null on the last page" })),
});
