/**
 * Request and response schemas of remedies (/api/v1/authorities/:authorityId/remedies,
 * /api/v1/organisations/:id/remedies, /api/v1/ombudsmen/:ombudsmanId/cases/:caseId/remedies/:seq/…,
 * /api/v1/complaints/overdue-remedies). Types and lengths here (400); the rules in the service.
 */
import { Type } from "typebox";
import { IsoDate, MoneyText, Nullable, PenceText, Strings, Uuid } from "../../http/schemas.ts";
import { REMEDY_KINDS, REMEDY_STATUSES } from "./redress.table.ts";
import { REMEDY_FILTERS, REMEDY_LIMITS } from "./remedies.service.ts";

const REMEDY_STATES = ["due", "overdue", "reported", "reported-late", "confirmed"] as const;

export const RemedyParams = Type.Object({
  ombudsmanId: Uuid,
  caseId: Uuid,
  seq: Type.String({ maxLength: 40, description: "The remedy's place in the decision: 1, 2, …" }),
});

export const RemedyListQuery = Type.Object({
  filter: Type.Optional(Strings(REMEDY_FILTERS)),
  after: Type.Optional(
    Type.String({ maxLength: 400, description: "The page after this key: a previous answer's `next`" }),
  ),
});

export const ReportBody = Type.Object({
  evidence: Type.String({ maxLength: REMEDY_LIMITS.evidence, description: "What shows it was done" }),
  doneOn: IsoDate,
  paid: Type.Optional(MoneyText("A payment's amount paid, in pounds")),
  amountNote: Type.Optional(
    Type.String({
      maxLength: REMEDY_LIMITS.amountNote,
      description: "Why the amount paid differs from the amount ordered",
    }),
  ),
});

export const ReturnBody = Type.Object({
  reason: Type.String({ maxLength: REMEDY_LIMITS.reason, description: "What is missing" }),
});

export const Remedy = Type.Object({
  ombudsmanId: Uuid,
  caseId: Uuid,
  seq: Type.Integer(),
  caseReference: Type.String(),
  ombudsman: Type.String(),
  body: Type.String(),
  bodyAuthorityId: Uuid,
  bodyOrganisationId: Nullable(Uuid),
  kind: Strings(REMEDY_KINDS),
  description: Type.String(),
  amountPence: Nullable(PenceText),
  dueOn: IsoDate,
  status: Strings(REMEDY_STATUSES),
  state: Strings(REMEDY_STATES),
  daysOverdue: Type.Integer(),
  reportedOn: Nullable(IsoDate),
  doneOn: Nullable(IsoDate),
  evidence: Type.String(),
  paidPence: Nullable(PenceText),
  amountNote: Type.String(),
  returnedReason: Type.String(),
  confirmedOn: Nullable(IsoDate),
  pageUrl: Type.String(),
});

export const RemedyList = Type.Object({
  remedies: Type.Array(Remedy),
  next: Nullable(Type.String({ description: "Pass as `after` for the next page; null on the last page" })),
});

export const PublicOverdueQuery = Type.Object({
  after: Type.Optional(
    Type.String({ maxLength: 400, description: "The page after this key: a previous answer's `next`" }),
  ),
});

export const PublicOverdueList = Type.Object({
  today: IsoDate,
  remedies: Type.Array(
    Type.Object({
      body: Type.String({ description: "The body that must comply: the provider, or the public body" }),
      ombudsman: Type.String(),
      caseReference: Type.String(),
      seq: Type.Integer(),
      kind: Strings(REMEDY_KINDS),
      dueOn: IsoDate,
      daysOverdue: Type.Integer(),
      amountPence: Nullable(
        Type.String({
          pattern: "^[0-9]{1,18}$",
          description: "A payment's amount, only where the ombudsman publishes the decision",
        }),
      ),
    }),
  ),
  next: Nullable(Type.String({ description: "Pass as `after` for the next page; null on the last page" })),
});
