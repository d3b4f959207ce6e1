/**
 * Request and response schemas of contracts, KPI reports and ratings, amendments and termination.
 * Types and lengths here (400, every field at fault); combinations in the service (422).
 */
import { type Static, Type } from "typebox";
import { Instant, IsoDate, Nullable, PenceText as Pence, Strings, Uuid } from "../../http/schemas.ts";
import { CONTRACT_LIMITS } from "./contracts.service.ts";
import { KPI_RATINGS, PAYMENT_MECHANISMS } from "./contracts.table.ts";

export const ContractParams = Type.Object({ authorityId: Uuid, contractId: Uuid });
/** Positions and period numbers are whole numbers; anything else is simply not found (404). */
export const DocumentParams = Type.Object({
  authorityId: Uuid,
  contractId: Uuid,
  position: Type.String({ description: "The document, by its position (1 first)" }),
});
export const PeriodParams = Type.Object({
  authorityId: Uuid,
  contractId: Uuid,
  position: Type.String({ description: "The KPI, by its position (1 first)" }),
  period: Type.String({ description: "The reporting period, 1 first" }),
});
export const OrganisationParams = Type.Object({ id: Uuid });

export const ContractListQuery = Type.Object(
  {
    authority: Type.Optional(Uuid),
    organisation: Type.Optional(Uuid),
    q: Type.Optional(
      Type.String({ maxLength: 200, description: "Words in the title, supplier or authority" }),
    ),
    status: Type.Optional(Strings(["live", "all"] as const)),
    paymentMechanism: Type.Optional(Strings(PAYMENT_MECHANISMS)),
    ratingsOverdue: Type.Optional(
      Type.Boolean({ description: "Only contracts whose KPI ratings are overdue" }),
    ),
  },
  { additionalProperties: false },
);
export type ContractListQuery = Static<typeof ContractListQuery>;

/** A KPI: at entry, or added by an amendment. */
const KpiBody = Type.Object(
  {
    name: Type.String({ maxLength: CONTRACT_LIMITS.kpiName }),
    measure: Type.String({ maxLength: CONTRACT_LIMITS.kpiMeasure }),
    target: Type.String({ maxLength: CONTRACT_LIMITS.kpiTarget }),
    frequencyMonths: Type.Union([Type.Literal(1), Type.Literal(3), Type.Literal(6), Type.Literal(12)]),
  },
  { additionalProperties: false },
);

export const EnterContractBody = Type.Object(
  {
    awardId: Uuid,
    title: Type.String({ maxLength: CONTRACT_LIMITS.title }),
    description: Type.Optional(Type.String({ maxLength: CONTRACT_LIMITS.description })),
    valuePence: Type.Optional(Pence),
    valueReason: Type.Optional(
      Type.String({
        maxLength: CONTRACT_LIMITS.reason,
        description:
          "Why the value differs from the value awarded: required when it is below it (422 without), published with the contract",
      }),
    ),
    startsOn: IsoDate,
    endsOn: IsoDate,
    paymentMechanism: Strings(PAYMENT_MECHANISMS),
    kpis: Type.Optional(Type.Array(KpiBody, { maxItems: CONTRACT_LIMITS.kpis })),
    documents: Type.Optional(
      Type.Array(
        Type.Object(
          {
            title: Type.Optional(Type.String({ maxLength: CONTRACT_LIMITS.documentTitle })),
            filename: Type.String({ minLength: 1, maxLength: 255 }),
            contentBase64: Type.String({ minLength: 1 }),
          },
          { additionalProperties: false },
        ),
        { maxItems: CONTRACT_LIMITS.documents },
      ),
    ),
  },
  { additionalProperties: false },
);

export const ReportBody = Type.Object(
  {
    value: Type.String({ maxLength: CONTRACT_LIMITS.reportValue, description: "The result for the period" }),
    commentary: Type.Optional(Type.String({ maxLength: CONTRACT_LIMITS.commentary })),
  },
  { additionalProperties: false },
);

export const RatingBody = Type.Object(
  {
    rating: Strings(KPI_RATINGS),
    comment: Type.String({ maxLength: CONTRACT_LIMITS.comment }),
  },
  { additionalProperties: false },
);

export const AmendmentBody = Type.Object(
  {
    reason: Type.String({ maxLength: CONTRACT_LIMITS.reason }),
    valuePence: Type.Optional(Pence),
    startsOn: Type.Optional(IsoDate),
    endsOn: Type.Optional(IsoDate),
    scope: Type.Optional(Type.String({ maxLength: CONTRACT_LIMITS.scope })),
    kpis: Type.Optional(
      Type.Array(KpiBody, {
        maxItems: CONTRACT_LIMITS.kpis,
        description:
          "KPIs to add: reported from the contract's start if it has not started, from the day of the amendment if it has",
      }),
    ),
  },
  { additionalProperties: false },
);

export const TerminationBody = Type.Object(
  {
    reason: Type.String({ maxLength: CONTRACT_LIMITS.reason }),
    terminatedOn: IsoDate,
  },
  { additionalProperties: false },
);

const Member = Type.Object({
  organisationId: Nullable(Uuid),
  name: Type.String(),
  role: Type.String(),
  shareBp: Type.Integer(),
});

const Publication = Type.Object({
  lastPublishedAt: Nullable(Instant),
  nextDueOn: Nullable(IsoDate),
  final: Type.Boolean(),
  overdue: Type.Boolean(),
});

const PeriodResponse = Type.Object({
  number: Type.Integer(),
  startsOn: IsoDate,
  endsOn: IsoDate,
  state: Strings(["upcoming", "due", "overdue", "reported", "rated"] as const),
  overdueAfter: IsoDate,
  report: Nullable(
    Type.Object({
      value: Type.String(),
      commentary: Type.String(),
      reportedAt: Instant,
      correctedAt: Nullable(Instant),
    }),
  ),
  rating: Nullable(Type.Object({ rating: Strings(KPI_RATINGS), comment: Type.String(), ratedAt: Instant })),
});

export const ContractResponse = Type.Object({
  id: Uuid,
  authority: Type.Object({ id: Uuid, name: Type.String(), slug: Type.String() }),
  awardId: Uuid,
  tender: Type.Object({ id: Uuid, title: Type.String() }),
  title: Type.String(),
  description: Type.String(),
  state: Strings(["not-started", "active", "ended", "terminated"] as const),
  supplier: Type.Object({
    organisationId: Uuid,
    name: Type.String(),
    leadShareBp: Type.Integer(),
    consortium: Type.Array(Member),
  }),
  regulatedActivity: Nullable(Type.String()),
  paymentMechanism: Strings(PAYMENT_MECHANISMS),
  valuePence: Pence,
  startsOn: IsoDate,
  endsOn: IsoDate,
  scope: Type.String(),
  original: Type.Object({ valuePence: Pence, startsOn: IsoDate, endsOn: IsoDate }),
  awardValuePence: Pence,
  valueReason: Type.String({ description: "Why the value differs from the value awarded" }),
  enteredAt: Instant,
  kpis: Type.Array(
    Type.Object({
      position: Type.Integer(),
      name: Type.String(),
      measure: Type.String(),
      target: Type.String(),
      frequencyMonths: Type.Integer(),
      addedByAmendment: Nullable(Type.Integer()),
      reportsFrom: IsoDate,
      periods: Type.Array(PeriodResponse),
      publication: Publication,
    }),
  ),
  documents: Type.Array(
    Type.Object({
      position: Type.Integer(),
      title: Type.String(),
      filename: Type.String(),
      mediaType: Type.String(),
      size: Type.Integer(),
      sha256: Type.String(),
      url: Type.String(),
    }),
  ),
  amendments: Type.Array(
    Type.Object({
      number: Type.Integer(),
      reason: Type.String(),
      amendedAt: Instant,
      value: Nullable(Type.Object({ beforePence: Pence, afterPence: Pence })),
      startsOn: Nullable(Type.Object({ before: IsoDate, after: IsoDate })),
      endsOn: Nullable(Type.Object({ before: IsoDate, after: IsoDate })),
      scope: Nullable(Type.Object({ before: Type.String(), after: Type.String() })),
      kpisAdded: Type.Array(Type.Object({ position: Type.Integer(), name: Type.String() })),
    }),
  ),
  termination: Nullable(Type.Object({ terminatedOn: IsoDate, reason: Type.String(), recordedAt: Instant })),
  ratingsPublication: Type.Object({
    ...Publication.properties,
    overdueKpis: Type.Array(Type.Integer(), {
      description: "The KPIs (by position) whose ratings are overdue",
    }),
  }),
  reports: Type.Object({ due: Type.Integer(), overdue: Type.Integer(), awaitingRating: Type.Integer() }),
  pageUrl: Type.String(),
});
export type ContractResponse = Static<typeof ContractResponse>;

export const ContractListResponse = Type.Object({ contracts: Type.Array(ContractResponse) });

export const AwardReadyResponse = Type.Object({
  awards: Type.Array(
    Type.Object({
      id: Uuid,
      tender: Type.Object({ id: Uuid, title: Type.String() }),
      supplier: Type.Object({
        organisationId: Uuid,
        name: Type.String(),
        leadShareBp: Type.Integer(),
        consortium: Type.Array(Member),
      }),
      valuePence: Pence,
      regulatedActivity: Nullable(Type.String()),
      standstillEndedAt: Instant,
    }),
  ),
});

export const ProviderContractsResponse = Type.Object({
  organisation: Type.Object({ id: Uuid, name: Type.String() }),
  contracts: Type.Array(Type.Object({ role: Type.String(), contract: ContractResponse })),
  reportsDue: Type.Array(
    Type.Object({
      contractId: Uuid,
      authorityId: Uuid,
      contractTitle: Type.String(),
      kpi: Type.Object({ position: Type.Integer(), name: Type.String(), target: Type.String() }),
      period: Type.Object({ number: Type.Integer(), startsOn: IsoDate, endsOn: IsoDate }),
      state: Strings(["due", "overdue"] as const),
      overdueAfter: IsoDate,
      reportUrl: Type.String(),
    }),
  ),
});

export const AmendmentResponse = Type.Object({ number: Type.Integer(), contract: ContractResponse });
