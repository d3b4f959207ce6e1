/**
 * Request and response schemas of appeals to the independent adjudicator (/api/v1/appeals…,
 * /api/v1/adjudicators…). Types and lengths here (400); the rules in appeals.service.ts.
 */
import { Type } from "typebox";
import { IsoDate, Nullable, Strings, Uuid } from "../../http/schemas.ts";
import { ADJUDICATOR_GROUNDS } from "./appeals.ts";
import { COMPLAINT_LIMITS } from "./redress.service.ts";
import { CASE_FINDINGS } from "./redress.table.ts";

const Grounds = Type.Array(Strings(ADJUDICATOR_GROUNDS), {
  description:
    "The adjudicator's published grounds: policy-not-followed, no-reasons, unequal-treatment, not-answered-in-time",
});

export const AppealChoices = Type.Object({
  grounds: Grounds,
  periodWorkingDays: Type.Integer({
    description:
      "The published period: the decision within this many working days of the appeal's acceptance",
  }),
  serviceAreas: Type.Array(Type.String(), {
    description: "The service areas an adjudicator is named for (name one for a subject without its own)",
  }),
  choices: Type.Array(
    Type.Object({
      key: Type.String({ description: "Send as `subject` to appeal it" }),
      kind: Strings(["spin-out", "barrier"] as const),
      why: Strings(["refused", "unanswered"] as const),
      authorityId: Uuid,
      authorityName: Type.String(),
      id: Uuid,
      title: Type.String(),
      decidedOn: IsoDate,
      serviceArea: Nullable(Type.String()),
      organisationId: Nullable(Uuid),
      adjudicator: Nullable(Type.Object({ id: Uuid, name: Type.String(), slug: Type.String() })),
    }),
    {
      description:
        "The refused spin-outs of your teams and the barriers you logged left unanswered past their period, not yet appealed",
    },
  ),
});

export const AppealBody = Type.Object({
  subject: Type.String({ maxLength: 120, description: "A choice's key (GET /api/v1/me/appeal-choices)" }),
  grounds: Type.Array(Strings(ADJUDICATOR_GROUNDS), { minItems: 1, maxItems: ADJUDICATOR_GROUNDS.length }),
  serviceArea: Type.Optional(
    Type.String({ maxLength: 80, description: "Only for a subject without its own service area" }),
  ),
  whatHappened: Type.String({
    maxLength: COMPLAINT_LIMITS.whatHappened,
    description: "Why the decision was unfair, and the evidence",
  }),
  outcomeWanted: Type.String({ maxLength: COMPLAINT_LIMITS.outcomeWanted }),
  phone: Type.Optional(Type.String({ maxLength: COMPLAINT_LIMITS.phone })),
  consent: Type.Boolean({
    description: "Consent to the adjudicator and the body seeing the appeal: required",
  }),
  publicationConsent: Type.Optional(
    Type.Boolean({ description: "The adjudicator may publish its decision, anonymised" }),
  ),
});

export const AppealMade = Type.Object({
  complaint: Type.Object({ authorityId: Uuid, id: Uuid, reference: Type.String() }),
  case: Type.Object({
    id: Uuid,
    reference: Type.String(),
    adjudicatorId: Uuid,
    status: Type.String(),
    assessBy: Nullable(IsoDate),
  }),
});

const Count = Type.Integer({ minimum: 0 });

export const AdjudicatorFiguresRecord = Type.Object({
  adjudicator: Type.Object({
    id: Uuid,
    name: Type.String(),
    slug: Type.String(),
    serviceAreas: Type.Array(Type.String()),
  }),
  countedOn: IsoDate,
  received: Type.Object({ spinOut: Count, barrier: Count, commissioning: Count, total: Count }),
  open: Count,
  declined: Count,
  decided: Count,
  byOutcome: Type.Array(Type.Object({ finding: Strings(CASE_FINDINGS), count: Count })),
  byGround: Type.Array(Type.Object({ ground: Strings(ADJUDICATOR_GROUNDS), found: Count })),
  period: Type.Object({
    workingDays: Count,
    decidedOnTime: Count,
    decidedLate: Count,
    due: Count,
    overdue: Count,
  }),
  remedies: Type.Object({
    ordered: Count,
    compliedOnTime: Count,
    compliedLate: Count,
    reported: Count,
    due: Count,
    overdue: Count,
  }),
});

export const AdjudicatorsFigures = Type.Object({
  grounds: Grounds,
  periodWorkingDays: Type.Integer(),
  adjudicators: Type.Array(AdjudicatorFiguresRecord),
});
