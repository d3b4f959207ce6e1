/**
 * Request and response schemas of outcome contracts, participants, evidence, claims, performance and
 * market share (/api/v1/authorities/:authorityId/outcome-contracts/…, /api/v1/organisations/:id/
 * outcome-contracts). Types and lengths here (400); the rules in the services (422, 409).
 */
import { Type } from "typebox";
import {
  Bp,
  Instant,
  IsoDate,
  Nullable,
  PageKeyQuery,
  PenceText,
  Strings,
  Uuid,
} from "../../http/schemas.ts";
import { Raise } from "./approval-amounts.schemas.ts";
import { EVENT_KINDS, EVENT_SOURCES, MODEL_KINDS } from "./results.table.ts";

export const OutcomeContractParams = Type.Object({ authorityId: Uuid, contractId: Uuid });
export const EventParams = Type.Object({ authorityId: Uuid, contractId: Uuid, eventId: Uuid });
export const ProviderParams = Type.Object({ id: Uuid });

export const PageQuery = Type.Object({ after: PageKeyQuery.after, pageSize: PageKeyQuery.pageSize });
export const ClaimsQuery = Type.Object({
  after: PageKeyQuery.after,
  pageSize: PageKeyQuery.pageSize,
  refused: Type.Optional(Type.Boolean({ description: "Only the refused claims, with their problems" })),
});

const Next = Nullable(
  Type.String({ description: "Pass as `after` for the next page; null on the last page" }),
);

export const SetUpBody = Type.Object({
  contractId: Type.Optional(
    Type.String({ format: "uuid", description: "The platform contract linked to results it pays under" }),
  ),
  fund: Type.Optional(Type.String({ maxLength: 200, description: "For an outcome fund: the fund's name" })),
  organisationId: Type.Optional(
    Type.String({ format: "uuid", description: "For an outcome fund: the provider, from the directory" }),
  ),
  reference: Type.String({ minLength: 1, maxLength: 60 }),
  title: Type.Optional(Type.String({ maxLength: 200, description: "Defaults to the platform contract's" })),
  programme: Type.String({
    pattern: "^[a-z0-9][a-z0-9-]{0,59}$",
    description: "Contracts of one programme share references and market share",
  }),
  startsOn: Type.Optional(IsoDate),
  endsOn: Type.Optional(IsoDate),
  secondApprovalAbovePence: Type.Optional(PenceText),
  referralShareBp: Type.Optional(Bp("This contract's share of the programme's referrals")),
});

export const SetUpResponse = Type.Object({ id: Uuid });

const RuledNumber = Type.Object({ where: Type.String(), value: Type.String(), rule: Type.String() });

export const ModelBody = Type.Object({
  kind: Strings(MODEL_KINDS),
  definition: Type.Object(
    {},
    {
      additionalProperties: true,
      description: "The model's numbers with their rules (docs/payment-by-results.md)",
    },
  ),
  effectiveFrom: IsoDate,
  reason: Type.Optional(Type.String({ maxLength: 2000 })),
});
export const ModelResponse = Type.Object({ version: Type.Integer() });

export const OutcomeContractSummary = Type.Object({
  id: Uuid,
  reference: Type.String(),
  title: Type.String(),
  programme: Type.String(),
  fund: Type.String(),
  contractId: Nullable(Uuid),
  provider: Type.Object({ organisationId: Uuid, name: Type.String() }),
  authority: Type.Object({ id: Uuid, slug: Type.String() }),
  startsOn: IsoDate,
  endsOn: IsoDate,
  referralShareBp: Type.Integer(),
  secondApprovalAbovePence: PenceText,
});

export const OutcomeContractList = Type.Object({ contracts: Type.Array(OutcomeContractSummary), next: Next });

export const OutcomeContractResponse = Type.Object({
  contract: OutcomeContractSummary,
  // A raise of the second-approval amount waiting for a second person: for the authority's
  // commissioners and administrators; null for the provider's people.
  pendingRaise: Nullable(Raise),
  modelInForce: Nullable(Type.Integer()),
  models: Type.Array(
    Type.Object({
      version: Type.Integer(),
      kind: Strings(MODEL_KINDS),
      effectiveFrom: IsoDate,
      reason: Type.String(),
      definition: Type.Object({}, { additionalProperties: true }),
      numbers: Type.Array(RuledNumber, { description: "Every number of the definition beside its rule" }),
    }),
  ),
});

const Participant = Type.Object({
  reference: Type.String({
    pattern: "^[A-Za-z0-9][A-Za-z0-9/_.-]{0,39}$",
    description: "Pseudonymous: never a name",
  }),
  paymentGroup: Type.String({ minLength: 1, maxLength: 60 }),
  cohort: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 60 }))),
  referredOn: IsoDate,
});

export const ParticipantsBody = Type.Object({
  participants: Type.Array(Participant, { minItems: 1, maxItems: 5000 }),
});
export const BatchResponse = Type.Object({
  recorded: Type.Integer({ description: "Newly recorded" }),
  alreadyRecorded: Type.Integer({ description: "Sent before: nothing changed" }),
});

export const ParticipantList = Type.Object({ participants: Type.Array(Participant), next: Next });

export const EventsBody = Type.Object({
  // The commissioner's: commissioner (the default) or data-match; the provider's: provider.
  source: Type.Optional(Strings(EVENT_SOURCES)),
  events: Type.Array(
    Type.Object({
      participant: Type.String({ maxLength: 40, description: "The participant's reference" }),
      kind: Strings(EVENT_KINDS.filter((k) => k !== "withdrawal")),
      metric: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 60 }))),
      value: Type.Optional(
        Nullable(
          Type.Integer({
            minimum: 0,
            maximum: 10000,
            description: "At most 1,040 weeks in work, 1,000 reconvictions or 10,000 units delivered",
          }),
        ),
      ),
      occurredOn: IsoDate,
      sourceRef: Type.String({
        minLength: 1,
        maxLength: 100,
        description: "Your own reference: sent again, nothing new is recorded",
      }),
    }),
    { minItems: 1, maxItems: 5000 },
  ),
});

export const WithdrawalBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000 }) });
export const WithdrawalResponse = Type.Object({ id: Uuid });

export const ClaimList = Type.Object({
  claims: Type.Array(
    Type.Object({
      runId: Uuid,
      period: IsoDate,
      participant: Nullable(
        Type.String({
          description: "The participant's reference; null for a claim of the contract as a whole",
        }),
      ),
      contractWide: Type.Boolean({
        description: "A cohort, pooled or reconciliation claim: the contract's, not any participant's",
      }),
      rule: Type.String(),
      metric: Type.String(),
      seq: Type.Integer(),
      achievedOn: IsoDate,
      modelVersion: Type.Integer(),
      amountPence: PenceText,
      events: Type.Array(
        Type.Object({
          id: Uuid,
          kind: Type.String(),
          occurredOn: IsoDate,
          source: Type.String(),
          value: Nullable(Type.Integer()),
          metric: Nullable(Type.String()),
        }),
      ),
      valid: Type.Boolean(),
      problems: Type.Array(Type.String(), { description: "Why it is refused (codes); empty when valid" }),
    }),
  ),
  next: Next,
});

export const PerformanceResponse = Type.Object({
  minimum: Nullable(
    Type.Object({
      outcome: Type.String(),
      rateBp: Type.Integer(),
      withinMonths: Type.Integer(),
      rule: Type.String(),
    }),
  ),
  countedAt: Nullable(Type.String({ format: "date-time" })),
  belowMinimum: Type.Boolean(),
  months: Type.Array(
    Type.Object({
      month: IsoDate,
      referred: Type.Integer(),
      achieved: Type.Integer(),
      rateBp: Type.Integer(),
      complete: Type.Boolean(),
      below: Type.Boolean(),
    }),
  ),
});

export const ShareShiftBody = Type.Object({
  toContractId: Uuid,
  shareBp: Type.Integer({
    minimum: 1,
    maximum: 10000,
    description: "Basis points of the programme's referrals",
  }),
  effectiveFrom: IsoDate,
  reason: Type.String({ minLength: 1, maxLength: 2000 }),
});
export const ShareShiftResponse = Type.Object({ fromShareBp: Type.Integer(), toShareBp: Type.Integer() });

const ComparisonFields = {
  cohort: Type.String({ minLength: 1, maxLength: 60 }),
  metric: Type.String({
    minLength: 1,
    maxLength: 60,
    description: "The metric the model's cohort threshold counts (Peterborough: reconviction-events)",
  }),
  ratePer100Centi: Type.Integer({
    minimum: 0,
    maximum: 10_000_000,
    description: "Events per 100 people in the comparison group, in hundredths: 142.50 per 100 is 14250",
  }),
  groupSize: Type.Integer({ minimum: 1, maximum: 10_000_000, description: "People in the comparison group" }),
  source: Type.String({ minLength: 1, maxLength: 500, description: "Where the figure comes from" }),
};

export const ComparisonBody = Type.Object(ComparisonFields);

export const ComparisonResponse = Type.Object({
  ...ComparisonFields,
  recordedAt: Instant,
  recordedBy: Nullable(Uuid),
  recordedByName: Nullable(Type.String()),
});

export const ComparisonList = Type.Object({
  metrics: Type.Array(Type.String(), {
    description: "The metrics the contract's model measures cohorts by (a comparison names one of them)",
  }),
  comparisons: Type.Array(ComparisonResponse),
});
