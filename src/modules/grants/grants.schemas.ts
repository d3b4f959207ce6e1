/**
 * Request and response schemas of the grants API (/api/v1/grants/…): programmes, applications,
 * decisions, payments, and the 360Giving data. Pence as digits; money sent as typed ("£1,234.56").
 */
import { Type } from "typebox";
import { Instant, IsoDate, MoneyText, Nullable, PenceText, Strings, Uuid } from "../../http/schemas.ts";
import { APPLICATION_STATUSES, END_REPORT_STATUSES, SUPPORT_KINDS } from "./grants.table.ts";

export const ProgrammeParams = Type.Object({ programmeId: Uuid });
export const ApplicationParams = Type.Object({ programmeId: Uuid, applicationId: Uuid });
export const OrganisationParams = Type.Object({ id: Uuid });

const Rule = Type.Object(
  {
    kind: Strings(["sector-in", "age-at-most", "fact", "any-of"] as const),
    sectors: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 20 })),
    years: Type.Optional(Type.Integer({ minimum: 0, maximum: 200 })),
    fact: Type.Optional(Type.String({ maxLength: 80 })),
    label: Type.Optional(Type.String({ maxLength: 200 })),
    rules: Type.Optional(Type.Array(Type.Unknown(), { maxItems: 10 })),
  },
  {
    description:
      'An eligibility rule (docs/grants.md): { kind: "sector-in", sectors }, { kind: "age-at-most", years }, { kind: "fact", fact, label } or { kind: "any-of", rules }',
  },
);

export const ProgrammeBody = Type.Object({
  title: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Type.String({ maxLength: 5000 })),
  budget: MoneyText('The programme\'s budget in pounds, like "500000.00"'),
  opensOn: IsoDate,
  closesOn: IsoDate,
  matchedFunding: Type.String({
    maxLength: 10,
    description: 'The share of an award the applicant funds itself, a percentage like "25"',
  }),
  supportKinds: Type.Array(Strings(SUPPORT_KINDS), { minItems: 1, maxItems: 2 }),
  eligibility: Type.Array(Rule, { maxItems: 20 }),
});

export const Programme = Type.Object({
  id: Uuid,
  funder: Type.Object({
    type: Strings(["authority", "organisation"] as const),
    id: Uuid,
    name: Type.String(),
  }),
  title: Type.String(),
  description: Type.String(),
  budgetPence: PenceText,
  awardedPence: PenceText,
  leftPence: PenceText,
  opensOn: IsoDate,
  closesOn: IsoDate,
  open: Type.Boolean({ description: "Open for applications today (London)" }),
  matchedFundingBp: Type.Integer({ minimum: 0, maximum: 10000 }),
  supportKinds: Type.Array(Strings(SUPPORT_KINDS)),
  eligibility: Type.Array(Type.Unknown()),
});

export const ProgrammeList = Type.Object({ programmes: Type.Array(Programme) });

export const ApplicationBody = Type.Object({
  organisationId: Uuid,
  supportKind: Strings(SUPPORT_KINDS),
  purpose: Type.String({ minLength: 1, maxLength: 5000 }),
  amount: MoneyText("The amount asked for, in pounds"),
  matched: MoneyText("The matched funding the organisation offers, in pounds"),
  context: Type.Optional(Type.String({ maxLength: 2000, description: "The stage or context, in words" })),
  contextRef: Type.Optional(
    Nullable(
      Type.Object(
        {
          type: Type.String({ pattern: "^[a-z][a-z0-9-]{0,39}$" }),
          id: Type.String({ minLength: 1, maxLength: 100 }),
        },
        { description: "Another module's record the application is about (a spin-out proposal, say)" },
      ),
    ),
  ),
  plannedStart: Type.Optional(IsoDate),
  plannedEnd: Type.Optional(IsoDate),
  adviceStage: Type.Optional(
    Type.String({
      maxLength: 40,
      description: "Adviser time: the spin-out stage to advise on (a mutuals stage id)",
    }),
  ),
  adviceArea: Type.Optional(
    Type.String({
      maxLength: 40,
      description: "Adviser time: the service area to advise on (a service category code)",
    }),
  ),
});

export const Payment = Type.Object({
  id: Uuid,
  amountPence: PenceText,
  paidOn: IsoDate,
  recordedAt: Instant,
});

export const EndReport = Type.Object({
  id: Uuid,
  seq: Type.Integer({ description: "1 for the first report, 2 for the one after it was returned…" }),
  status: Strings(END_REPORT_STATUSES),
  whatItDid: Type.String(),
  spentPence: PenceText,
  reached: Nullable(Type.Integer()),
  conditions: Type.Array(Type.Object({ condition: Type.String(), met: Type.Boolean(), note: Type.String() })),
  coversTo: IsoDate,
  submittedAt: Instant,
  reviewedAt: Nullable(Instant),
  reasons: Type.String({ description: "Returned: what the funder asks to change" }),
});

export const EndReportBody = Type.Object({
  whatItDid: Type.String({ maxLength: 5000, description: "What the money did" }),
  spent: MoneyText("The money spent, in pounds"),
  reached: Type.Optional(Type.Integer({ minimum: 0, description: "People or places reached" })),
  conditions: Type.Optional(
    Type.Array(Type.Object({ met: Type.Boolean(), note: Type.Optional(Type.String({ maxLength: 1000 })) }), {
      maxItems: 50,
      description:
        "Each of the award's conditions (one a line of its conditions), in order: met or not, with a note (required when not met)",
    }),
  ),
  coversTo: IsoDate,
});

export const EndReportReviewBody = Type.Object({
  decision: Strings(["accept", "return"] as const),
  reasons: Type.Optional(
    Type.String({ maxLength: 5000, description: "What to change (to return it; required then)" }),
  ),
});

export const Application = Type.Object({
  id: Uuid,
  programmeId: Uuid,
  organisation: Type.Object({ id: Uuid, name: Type.String() }),
  supportKind: Strings(SUPPORT_KINDS),
  purpose: Type.String(),
  amountPence: PenceText,
  matchedPence: PenceText,
  context: Type.String(),
  contextRef: Nullable(Type.Object({ type: Type.String(), id: Type.String() })),
  plannedStart: Nullable(IsoDate),
  plannedEnd: Nullable(IsoDate),
  status: Strings(APPLICATION_STATUSES),
  submittedAt: Instant,
  awardedPence: Nullable(PenceText),
  conditions: Type.String(),
  reasons: Type.String(),
  decidedAt: Nullable(Instant),
  paidPence: PenceText,
  payments: Type.Array(Payment),
  adviceStage: Nullable(Type.String()),
  adviceArea: Nullable(Type.String()),
  adviser: Nullable(
    Type.Object({
      organisation: Type.Object({ id: Uuid, name: Type.String() }),
      assignedAt: Instant,
      acceptedAt: Nullable(Instant),
    }),
  ),
  endReportDueOn: Nullable(IsoDate),
  endReportStanding: Nullable(Strings(["due", "overdue", "submitted", "accepted"] as const)),
  endReports: Type.Array(EndReport, { description: "Its end reports, the first submitted first" }),
});

export const ApplicationList = Type.Object({
  applications: Type.Array(
    Type.Object({
      id: Uuid,
      organisation: Type.Object({ id: Uuid, name: Type.String() }),
      supportKind: Strings(SUPPORT_KINDS),
      amountPence: PenceText,
      status: Strings(APPLICATION_STATUSES),
      awardedPence: Nullable(PenceText),
      submittedAt: Instant,
    }),
  ),
});

export const DecisionBody = Type.Object({
  decision: Strings(["award", "refuse"] as const),
  amount: Type.Optional(MoneyText("The amount awarded, in pounds (to award)")),
  conditions: Type.Optional(Type.String({ maxLength: 5000 })),
  reasons: Type.Optional(Type.String({ maxLength: 5000, description: "Why it is refused (to refuse)" })),
  endReportDue: Type.Optional(
    Type.String({
      format: "date",
      description: "To award: the day its end report is due (default: 12 months after the award, London)",
    }),
  ),
});

export const PaymentBody = Type.Object({
  amount: MoneyText("The instalment paid, in pounds"),
  paidOn: IsoDate,
});

export const GivingQuery = Type.Object({
  funderId: Type.Optional(Uuid),
  after: Type.Optional(Type.String({ maxLength: 100, description: "A previous page's `next`" })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 100 })),
});

export const GivingResponse = Type.Object(
  {
    version: Type.String(),
    grants: Type.Array(Type.Record(Type.String(), Type.Unknown())),
    next: Nullable(Type.String({ description: "Pass as `after` for the next page; null on the last" })),
  },
  { additionalProperties: true, description: "A 360Giving data package (1.4), and the key of the next page" },
);

export const AdviserOfferBody = Type.Object({
  stages: Type.Array(Type.String({ maxLength: 40 }), {
    minItems: 1,
    maxItems: 20,
    description: "The spin-out stages advised on (the mutuals module's stage ids)",
  }),
  serviceAreas: Type.Array(Type.String({ maxLength: 40 }), {
    minItems: 1,
    maxItems: 40,
    description: "The service areas advised on (service category codes)",
  }),
});

export const AdviserOffer = Type.Object({
  organisationId: Uuid,
  stages: Type.Array(Type.String()),
  serviceAreas: Type.Array(Type.String()),
  updatedAt: Instant,
});

export const AdviserMatches = Type.Object({
  advisers: Type.Array(Type.Object({ id: Uuid, name: Type.String() })),
});

export const AssignmentBody = Type.Object({ adviserOrganisationId: Uuid });

export const ResponseTimes = Type.Object({
  asked: Type.Integer(),
  assigned: Type.Integer(),
  accepted: Type.Integer(),
  toAssignHours: Nullable(Type.Number()),
  toAcceptHours: Nullable(Type.Number()),
  totalHours: Nullable(Type.Number()),
});
