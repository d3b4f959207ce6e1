/**
 * Request and response schemas of the compliance check, the start of evaluation and the register of
 * reserved contracts. Types and lengths here (400, every field at fault); combinations in the
 * services (422).
 */
import { type Static, Type } from "typebox";
import { AuthorityParams, Instant, IsoDate, Nullable, Strings, Uuid } from "../../http/schemas.ts";
import { COMPLIANCE_LIMITS } from "./compliance.service.ts";
import { COMPLIANCE_OUTCOMES, RESERVED_AWARD_SOURCES } from "./compliance.table.ts";
import { RESERVED_AWARD_LIMITS } from "./reserved-awards.service.ts";

export { AuthorityParams };
export const TenderParams = Type.Object({ authorityId: Uuid, tenderId: Uuid });
export const BidParams = Type.Object({ authorityId: Uuid, tenderId: Uuid, bidId: Uuid });

export const DecisionBody = Type.Object(
  {
    conditions: Type.Array(
      Type.Object(
        {
          position: Type.Integer({
            minimum: 1,
            description: "The condition of participation, by its position (1 first)",
          }),
          met: Type.Boolean(),
          reason: Type.Optional(
            Type.String({
              maxLength: COMPLIANCE_LIMITS.conditionReason,
              description: "Why the bid does not meet it: needed when not met",
            }),
          ),
        },
        { additionalProperties: false },
      ),
      { maxItems: 100, description: "A decision for every condition of participation" },
    ),
    outcome: Strings(COMPLIANCE_OUTCOMES),
    reason: Type.Optional(
      Type.String({
        maxLength: COMPLIANCE_LIMITS.reason,
        description:
          "The reasons for excluding the bid, besides any condition not met and the platform's own (s.33, a broken seal)",
      }),
    ),
  },
  { additionalProperties: false },
);
export type DecisionBody = Static<typeof DecisionBody>;

export const DecisionResponse = Type.Object({
  bidId: Uuid,
  outcome: Strings(COMPLIANCE_OUTCOMES),
  automaticReasons: Type.Array(Type.String(), {
    description: "Reasons the platform generated (s.33 checks)",
  }),
  previous: Nullable(Strings(COMPLIANCE_OUTCOMES)),
});

export const ReservedAwardSchema = Type.Object({
  id: Uuid,
  organisation: Type.Object({ id: Uuid, name: Type.String() }),
  category: Type.Object({ code: Type.String(), name: Type.String() }),
  awardedOn: IsoDate,
  title: Type.String(),
  reference: Type.String(),
  source: Strings(RESERVED_AWARD_SOURCES),
  tenderId: Nullable(Uuid),
});

export const EvaluationSchema = Type.Object({
  startedAt: Instant,
  startedBy: Type.Object({ id: Uuid, name: Type.String() }),
  bidsCount: Type.Integer(),
  compliantCount: Type.Integer(),
  justification: Nullable(Type.String({ description: "Why fewer than three compliant bids were evaluated" })),
  publishWithAward: Type.Boolean({ description: "The justification is published with the award" }),
});

export const ComplianceResponse = Type.Object({
  tender: Type.Object({
    id: Uuid,
    title: Type.String(),
    reserved: Type.Boolean(),
    category: Type.Object({ code: Type.String(), name: Type.String() }),
    pageUrl: Type.String(),
  }),
  state: Strings(["checking", "evaluating", "cancelled"] as const),
  conditions: Type.Array(Type.Object({ position: Type.Integer(), text: Type.String() })),
  bids: Type.Array(
    Type.Object({
      bidId: Uuid,
      receivedAt: Instant,
      sha256: Type.String(),
      integrity: Strings(["verified", "broken"] as const),
      bidder: Type.Object({ organisationId: Nullable(Uuid), name: Type.String() }),
      consortium: Nullable(
        Type.Object({
          leadShareBp: Type.Integer(),
          members: Type.Array(
            Type.Object({
              organisationId: Nullable(Uuid),
              name: Type.String(),
              role: Type.String(),
              shareBp: Type.Integer(),
            }),
          ),
        }),
      ),
      conditions: Type.Array(
        Type.Object({
          position: Type.Integer(),
          text: Type.String(),
          met: Nullable(Type.Boolean()),
          reason: Type.String(),
        }),
      ),
      reserved: Nullable(
        Type.Object({
          checkedOn: IsoDate,
          period: Type.Object({ from: IsoDate, to: IsoDate }),
          qualifyingMutual: Type.Boolean(),
          bar: Nullable(ReservedAwardSchema),
          reasons: Type.Array(Type.String()),
        }),
      ),
      decision: Nullable(
        Type.Object({
          outcome: Strings(COMPLIANCE_OUTCOMES),
          reason: Type.String(),
          automatic: Type.Boolean(),
          automaticReasons: Type.Array(Type.String()),
          decidedAt: Nullable(Instant),
          decidedBy: Nullable(Type.Object({ id: Uuid, name: Type.String() })),
        }),
      ),
      outcome: Strings(["compliant", "excluded", "undecided"] as const),
      reasons: Type.Array(Type.String()),
    }),
  ),
  counts: Type.Object({
    bids: Type.Integer(),
    decided: Type.Integer(),
    compliant: Type.Integer(),
    excluded: Type.Integer(),
    undecided: Type.Integer(),
  }),
  minimumCompliant: Type.Integer(),
  justificationNeeded: Type.Boolean(),
  evaluation: Nullable(EvaluationSchema),
});

export const StartEvaluationBody = Type.Object(
  {
    justification: Type.Optional(
      Nullable(
        Type.String({
          maxLength: COMPLIANCE_LIMITS.justificationMax,
          description: `Needed when fewer than three bids are compliant: at least ${COMPLIANCE_LIMITS.justificationMin} characters, published with the award`,
        }),
      ),
    ),
  },
  { additionalProperties: false },
);

export const EvaluationResponse = EvaluationSchema;

export const ReservedAwardBody = Type.Object(
  {
    organisationId: Uuid,
    categoryCode: Type.String({ minLength: 1, maxLength: 100, description: "A reservable service category" }),
    awardedOn: IsoDate,
    title: Type.String({ minLength: 1, maxLength: RESERVED_AWARD_LIMITS.title }),
    reference: Type.Optional(Type.String({ maxLength: RESERVED_AWARD_LIMITS.reference })),
  },
  { additionalProperties: false },
);
export type ReservedAwardBody = Static<typeof ReservedAwardBody>;

export const ReservedAwardResponse = ReservedAwardSchema;
export const ReservedAwardListResponse = Type.Object({
  authority: Type.Object({ id: Uuid, name: Type.String(), slug: Type.String() }),
  awards: Type.Array(ReservedAwardSchema),
});
