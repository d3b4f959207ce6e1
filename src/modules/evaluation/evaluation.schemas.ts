/**
 * Request and response schemas of the compliance check, the start of evaluation and the register of
 * reserved contracts. Types and lengths here (400, every field at fault); combinations in the
 * services (422).
 */
import { type Static, Type } from "typebox";
import { ErrorResponse } from "../../http/schemas.ts";
import { COMPLIANCE_LIMITS } from "./compliance.service.ts";
import { COMPLIANCE_OUTCOMES, RESERVED_AWARD_SOURCES } from "./compliance.table.ts";
import { RESERVED_AWARD_LIMITS } from "./reserved-awards.service.ts";

export { ErrorResponse };

const Uuid = Type.String({ format: "uuid" });
const IsoDate = Type.String({ format: "date", description: "A date, like 2025-04-01" });
const Instant = Type.String({ format: "date-time" });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);
const Strings = <T extends readonly string[]>(values: T) => Type.Enum([...values], { type: "string" });

export const AuthorityParams = Type.Object({ authorityId: Uuid });
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

const ReservedAward = Type.Object({
  id: Uuid,
  organisation: Type.Object({ id: Uuid, name: Type.String() }),
  category: Type.Object({ code: Type.String(), name: Type.String() }),
  awardedOn: IsoDate,
  title: Type.String(),
  reference: Type.String(),
  source: Strings(RESERVED_AWARD_SOURCES),
  tenderId: Nullable(Uuid),
});

const EvaluationSchema = Type.Object({
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
          bar: Nullable(ReservedAward),
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

export const ReservedAwardResponse = ReservedAward;
export const ReservedAwardListResponse = Type.Object({
  authority: Type.Object({ id: Uuid, name: Type.String(), slug: Type.String() }),
  awards: Type.Array(ReservedAward),
});

// Issue 6: evaluation, moderation, ranking, award, standstill and challenges

export const EvaluatorParams = Type.Object({ authorityId: Uuid, tenderId: Uuid, userId: Uuid });
export const ChallengeParams = Type.Object({ authorityId: Uuid, tenderId: Uuid, challengeId: Uuid });
export const OrganisationParams = Type.Object({ id: Uuid });

const Pence = Type.String({ pattern: "^\\d+$", description: "Integer pence" });

export const DeclarationBody = Type.Object(
  {
    conflict: Type.Boolean({ description: "Whether you have a conflict of interest in this tender" }),
    description: Type.Optional(
      Type.String({ maxLength: 5000, description: "The conflict, described: needed when there is one" }),
    ),
  },
  { additionalProperties: false },
);
export const DeclarationResponse = Type.Object({ declaration: Strings(["none", "conflict"] as const) });

const ScoreEntry = Type.Object(
  {
    criterionId: Uuid,
    score: Type.Integer({
      minimum: 0,
      description: "A whole number on the tender's published scale, 0 to its maximum",
    }),
    reason: Type.String({ minLength: 1, maxLength: 5000, description: "The written reason for the score" }),
  },
  { additionalProperties: false },
);
export const ScoresBody = Type.Object(
  { scores: Type.Array(ScoreEntry, { minItems: 1, maxItems: 200 }) },
  { additionalProperties: false },
);
export const ScoresResponse = Type.Object({ bidId: Uuid, scored: Type.Integer() });
export const ModeratedResponse = Type.Object({
  bidId: Uuid,
  moderated: Type.Integer(),
  unmoderated: Type.Integer({ description: "Agreed scores still missing across the tender" }),
});
export const SubmissionResponse = Type.Object({ submittedAt: Instant, moderationOpen: Type.Boolean() });

const Leaf = Type.Object({
  id: Uuid,
  title: Type.String(),
  kind: Strings(["quality", "social-value", "price"] as const),
  weightBp: Type.Integer(),
  parentTitle: Nullable(Type.String()),
});
const CompliantBid = Type.Object({ bidId: Uuid, organisationId: Nullable(Uuid), name: Type.String() });

export const OverviewResponse = Type.Object({
  tender: Type.Object({
    id: Uuid,
    title: Type.String(),
    scoringScaleMax: Type.Integer(),
    pricingMode: Type.String(),
  }),
  state: Strings(["not-started", "scoring", "moderation", "ranked", "awarded", "cancelled"] as const),
  criteria: Type.Array(Leaf),
  bids: Type.Array(CompliantBid),
  evaluators: Type.Array(
    Type.Object({
      userId: Uuid,
      name: Type.String(),
      declaration: Nullable(Strings(["none", "conflict"] as const)),
      submittedAt: Nullable(Instant),
    }),
  ),
  conflicts: Type.Array(
    Type.Object({ userId: Uuid, name: Type.String(), description: Type.String(), declaredAt: Instant }),
  ),
  moderationOpen: Type.Boolean(),
  unmoderated: Type.Integer(),
  you: Type.Object({
    assigned: Type.Boolean(),
    declaration: Nullable(Strings(["none", "conflict"] as const)),
    submittedAt: Nullable(Instant),
    moderator: Type.Boolean(),
  }),
  awardId: Nullable(Uuid),
});

export const EvaluatorScoresResponse = Type.Object({
  evaluator: Type.Object({ userId: Uuid, name: Type.String(), submittedAt: Nullable(Instant) }),
  scores: Type.Array(
    Type.Object({ bidId: Uuid, criterionId: Uuid, score: Type.Integer(), reason: Type.String() }),
  ),
});

export const ModerationResponse = Type.Object({
  criteria: Type.Array(Leaf),
  scaleMax: Type.Integer(),
  unmoderated: Type.Integer(),
  awarded: Type.Boolean(),
  bids: Type.Array(
    Type.Object({
      bidId: Uuid,
      name: Type.String(),
      criteria: Type.Array(
        Type.Object({
          criterionId: Uuid,
          evaluators: Type.Array(
            Type.Object({ userId: Uuid, name: Type.String(), score: Type.Integer(), reason: Type.String() }),
          ),
          agreed: Nullable(Type.Object({ score: Type.Integer(), reason: Type.String(), at: Instant })),
        }),
      ),
    }),
  ),
});

export const RankingResponse = Type.Object({
  scaleMax: Type.Integer(),
  awarded: Type.Boolean(),
  bids: Type.Array(
    Type.Object({
      bidId: Uuid,
      name: Type.String(),
      rank: Type.Integer(),
      totalShown: Type.String({ description: "Basis points of 10,000, to hundredths" }),
      qualityShown: Type.String(),
      priceShown: Type.String(),
      pricePence: Nullable(Pence),
      tieBrokenBy: Nullable(Strings(["quality", "decision"] as const)),
      criteria: Type.Array(
        Type.Object({
          criterionId: Uuid,
          title: Type.String(),
          kind: Type.String(),
          weightBp: Type.Integer(),
          score: Nullable(Type.Integer()),
          pointsShown: Type.String(),
          working: Type.String({ description: "The sum, like “3 ÷ 4 × 4,000 bp = 3,000.00 bp”" }),
          reason: Type.String(),
        }),
      ),
    }),
  ),
  unresolvedTies: Type.Array(Type.Array(Type.Object({ bidId: Uuid, name: Type.String() }))),
  tieDecision: Nullable(
    Type.Object({
      order: Type.Array(Uuid),
      reason: Type.String(),
      decidedBy: Type.String(),
      decidedAt: Instant,
    }),
  ),
});

export const TieBody = Type.Object(
  {
    order: Type.Array(Uuid, { minItems: 2, maxItems: 100, description: "The tied bids, best first" }),
    reason: Type.String({ minLength: 1, maxLength: 5000 }),
  },
  { additionalProperties: false },
);
export const TieResponse = Type.Object({ order: Type.Array(Uuid) });

export const AwardBody = Type.Object(
  {
    regulatedActivity: Type.Optional(
      Nullable(
        Type.String({ maxLength: 100, description: "The regulated activity the contract requires, if any" }),
      ),
    ),
    value: Type.Optional(
      Nullable(
        Type.String({ maxLength: 30, description: "Tariff tenders only: the contract's value in pounds" }),
      ),
    ),
  },
  { additionalProperties: false },
);
export const AwardResponse = Type.Object({
  awardId: Uuid,
  bidId: Uuid,
  supplierName: Type.String(),
  valuePence: Pence,
  standstillEndsAt: Instant,
});

export const NoticeResponse = Type.Object({
  tender: Type.Object({ id: Uuid, title: Type.String(), authority: Type.String(), reserved: Type.Boolean() }),
  awardId: Uuid,
  state: Strings(["standstill", "standstill-over", "suspended", "contracted", "withdrawn"] as const),
  supplier: Type.Object({
    organisationId: Uuid,
    name: Type.String(),
    leadShareBp: Type.Integer(),
    consortium: Type.Array(
      Type.Object({ name: Type.String(), role: Type.String(), shareBp: Type.Integer() }),
    ),
  }),
  valuePence: Pence,
  regulatedActivity: Nullable(Type.String()),
  decidedAt: Instant,
  noticePublishedAt: Instant,
  standstillEndsAt: Instant,
  threeBidJustification: Nullable(Type.String()),
  ranking: Type.Array(
    Type.Object({
      rank: Type.Integer(),
      bidder: Nullable(Type.String({ description: "Named for the winning bid only" })),
      totalShown: Type.String(),
      qualityShown: Type.String(),
      priceShown: Type.String(),
    }),
  ),
  excludedCount: Type.Integer(),
  challenges: Type.Object({ open: Type.Integer(), decided: Type.Integer() }),
  withdrawnReason: Nullable(Type.String()),
  pageUrl: Type.String(),
});

export const ChallengeBody = Type.Object(
  {
    organisationId: Uuid,
    grounds: Type.String({
      minLength: 1,
      maxLength: 10000,
      description: "What is wrong with the award, and why",
    }),
  },
  { additionalProperties: false },
);
export const ChallengeResponse = Type.Object({ challengeId: Uuid });
export const OutcomeBody = Type.Object(
  {
    outcome: Strings(["dismissed", "upheld-reevaluate", "upheld-cancel"] as const),
    reason: Type.String({ minLength: 1, maxLength: 5000 }),
  },
  { additionalProperties: false },
);
export const OutcomeResponse = Type.Object({
  outcome: Strings(["dismissed", "upheld-reevaluate", "upheld-cancel"] as const),
  awardStatus: Strings(["awarded", "suspended", "contracted", "withdrawn"] as const),
});

const Assessment = Type.Object({
  bidder: Type.String(),
  outcome: Strings(["ranked", "excluded"] as const),
  rank: Nullable(Type.Integer()),
  totalShown: Nullable(Type.String()),
  criteria: Type.Array(
    Type.Object({
      title: Type.String(),
      score: Nullable(Type.Integer()),
      scaleMax: Type.Integer(),
      reason: Type.String(),
      working: Type.String(),
    }),
  ),
  exclusionReasons: Type.Array(Type.String()),
});
export const AssessmentsResponse = Type.Object({
  assessments: Type.Array(
    Type.Object({
      tender: Type.Object({
        id: Uuid,
        title: Type.String(),
        authority: Type.String(),
        noticeUrl: Type.String(),
      }),
      awardStatus: Type.String(),
      decidedAt: Instant,
      standstillEndsAt: Instant,
      supplierName: Type.String(),
      yours: Assessment,
      winner: Nullable(Assessment),
    }),
  ),
});
