/**
 * Request and response schemas of the second tier: escalation (/api/v1/authorities/:authorityId/
 * complaints/:complaintId/escalate), comments on a draft, and the ombudsman's casework
 * (/api/v1/ombudsmen/:ombudsmanId/cases/…). Types and lengths here (400); the rules in the service.
 */
import { Type } from "typebox";
import { IsoDate, MoneyText, Nullable, PenceText, Strings, Uuid } from "../../http/schemas.ts";
import { ADJUDICATOR_GROUNDS } from "./appeals.ts";
import { CASE_LIMITS, MAX_REMEDIES } from "./ombudsman.service.ts";
import { Complaint } from "./redress.schemas.ts";
import { CASE_FINDINGS, CASE_STATUSES, REMEDY_KINDS, REMEDY_STATUSES, SCHEMES } from "./redress.table.ts";

export const OmbudsmanParams = Type.Object({ ombudsmanId: Uuid });
export const CaseParams = Type.Object({ ombudsmanId: Uuid, caseId: Uuid });

export const EscalateBody = Type.Object({
  fileConsent: Type.Boolean({
    description: "Consent to the ombudsman seeing the complaint and everything the body did: required",
  }),
  publicationConsent: Type.Optional(
    Type.Boolean({ description: "Whether the decision may be published, anonymised (default no)" }),
  ),
  mpReferral: Type.Optional(
    Type.String({
      maxLength: CASE_LIMITS.mpReferral,
      description: "A government department's complaint: the Member of Parliament who referred it",
    }),
  ),
  earlyReason: Type.Optional(
    Type.String({
      maxLength: CASE_LIMITS.reason,
      description: "Required while the body is still within its time: why the ombudsman should look now",
    }),
  ),
});

export const CommentBody = Type.Object({ comment: Type.String({ maxLength: CASE_LIMITS.comment }) });

export const CasesQuery = Type.Object({
  filter: Type.Optional(
    Strings(["all", "assessment", "investigation", "draft", "decided", "overdue"] as const),
  ),
  after: Type.Optional(
    Type.String({ maxLength: 400, description: "The page after this key: a previous answer's `next`" }),
  ),
});

export const AssessBody = Type.Object({
  decision: Strings(["accept", "decline"] as const),
  reason: Type.Optional(Type.String({ maxLength: CASE_LIMITS.reason, description: "Required to decline" })),
  lateReason: Type.Optional(
    Type.String({
      maxLength: CASE_LIMITS.reason,
      description: "Required to accept a case made after the time limit: why it is looked at anyway",
    }),
  ),
});

export const InvestigatorBody = Type.Object({ investigatorId: Uuid });

export const DraftBody = Type.Object({
  draft: Type.String({ maxLength: CASE_LIMITS.draft }),
  commentsCloseOn: IsoDate,
});

export const DecisionBody = Type.Object({
  finding: Strings(CASE_FINDINGS),
  decision: Type.String({ maxLength: CASE_LIMITS.decision }),
  remedies: Type.Optional(
    Type.Array(
      Type.Object({
        kind: Strings(REMEDY_KINDS),
        description: Type.String({ maxLength: CASE_LIMITS.remedy }),
        amount: Type.Optional(MoneyText('A payment\'s amount in pounds, like "£250" or "1,250.50"')),
        dueOn: IsoDate,
      }),
      { maxItems: MAX_REMEDIES },
    ),
  ),
  publication: Strings(["publish", "withhold"] as const),
  withheldReason: Type.Optional(Type.String({ maxLength: CASE_LIMITS.withheld })),
  publishedSummary: Type.Optional(Type.String({ maxLength: CASE_LIMITS.summary })),
  groundsFound: Type.Optional(
    Type.Array(Strings(ADJUDICATOR_GROUNDS), {
      maxItems: ADJUDICATOR_GROUNDS.length,
      description:
        "An appeal to the adjudicator: the published grounds found (one or more with fault, none without)",
    }),
  ),
});

const Remedy = Type.Object({
  seq: Type.Integer(),
  kind: Strings(REMEDY_KINDS),
  description: Type.String(),
  amountPence: Nullable(PenceText),
  dueOn: IsoDate,
  status: Strings(REMEDY_STATUSES),
});

export const Case = Type.Object({
  id: Uuid,
  reference: Type.String(),
  ombudsman: Type.Object({ id: Uuid, name: Type.String() }),
  scheme: Strings(SCHEMES),
  complaint: Type.Object({ authorityId: Uuid, id: Uuid }),
  status: Strings(CASE_STATUSES),
  escalatedOn: IsoDate,
  inTime: Type.Boolean(),
  timeLimitEndsOn: Nullable(IsoDate),
  earlyReason: Type.String(),
  lateReason: Type.String(),
  publicationConsent: Type.Boolean(),
  assessedOn: Nullable(IsoDate),
  declineReason: Type.String(),
  investigatorId: Nullable(Uuid),
  draftOn: Nullable(IsoDate),
  draft: Type.String(),
  commentsCloseOn: Nullable(IsoDate),
  comments: Type.Array(
    Type.Object({
      seq: Type.Integer(),
      side: Strings(["complainant", "body"] as const),
      comment: Type.String(),
    }),
  ),
  decidedOn: Nullable(IsoDate),
  finding: Nullable(Strings(CASE_FINDINGS)),
  decision: Type.String(),
  publication: Nullable(Strings(["publish", "withhold"] as const)),
  withheldReason: Type.String(),
  publishedSummary: Type.String(),
  /** An appeal's decision: the adjudicator's published grounds found. */
  groundsFound: Type.Array(Type.String()),
  remedies: Type.Array(Remedy),
  nextDueOn: Nullable(IsoDate),
  closedOn: Nullable(IsoDate),
});

/** The case as its sides read it (sideCaseRecord): what the complaint's page shows, no more. */
export const SideCase = Type.Object({
  id: Uuid,
  reference: Type.String(),
  ombudsman: Type.Object({ id: Uuid, name: Type.String() }),
  scheme: Strings(SCHEMES),
  complaint: Type.Object({ authorityId: Uuid, id: Uuid }),
  status: Strings(CASE_STATUSES),
  escalatedOn: IsoDate,
  inTime: Type.Optional(Type.Boolean({ description: "The complainant's side only" })),
  timeLimitEndsOn: Type.Optional(Nullable(IsoDate)),
  earlyReason: Type.Optional(
    Type.String({ description: "The complainant's side only: why they asked the ombudsman to look early" }),
  ),
  assessedOn: Nullable(IsoDate),
  declineReason: Type.String(),
  draftOn: Nullable(IsoDate),
  draft: Type.String({ description: "The draft decision, until the final decision" }),
  commentsCloseOn: Nullable(IsoDate),
  comments: Type.Array(
    Type.Object({
      seq: Type.Integer(),
      side: Strings(["complainant", "body"] as const),
      comment: Type.String(),
    }),
  ),
  decidedOn: Nullable(IsoDate),
  finding: Nullable(Strings(CASE_FINDINGS)),
  decision: Type.String(),
  remedies: Type.Array(Remedy),
  closedOn: Nullable(IsoDate),
});

export const CaseWithFile = Type.Object({ case: Case, complaint: Nullable(Complaint) });

export const CaseSummary = Type.Object({
  id: Uuid,
  reference: Type.String(),
  scheme: Strings(SCHEMES),
  status: Strings(CASE_STATUSES),
  escalatedOn: IsoDate,
  inTime: Type.Boolean(),
  nextDueOn: Nullable(IsoDate),
  overdue: Type.Boolean(),
  pageUrl: Type.String(),
});

export const CaseList = Type.Object({
  cases: Type.Array(CaseSummary),
  next: Nullable(Type.String({ description: "Pass as `after` for the next page; null on the last page" })),
});
