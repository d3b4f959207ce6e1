/**
 * Request and response schemas of evaluation: conflicts of interest, scores, moderation, the
 * ranking and ties. Types and lengths here (400, every field at fault); combinations in the
 * services (422).
 */
import { Type } from "typebox";
import { Instant, Nullable, PenceText, Strings, Uuid } from "../../http/schemas.ts";
import { DECLARATIONS } from "./evaluation.table.ts";

export const TenderParams = Type.Object({ authorityId: Uuid, tenderId: Uuid });
export const BidParams = Type.Object({ authorityId: Uuid, tenderId: Uuid, bidId: Uuid });

export const EvaluatorParams = Type.Object({ authorityId: Uuid, tenderId: Uuid, userId: Uuid });

export const DeclarationBody = Type.Object(
  {
    conflict: Type.Boolean({ description: "Whether you have a conflict of interest in this tender" }),
    description: Type.Optional(
      Type.String({ maxLength: 5000, description: "The conflict, described: needed when there is one" }),
    ),
  },
  { additionalProperties: false },
);
export const DeclarationResponse = Type.Object({ declaration: Strings(DECLARATIONS) });

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
  kind: Strings(["quality", "social-value", "price", "accreditation"] as const),
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
      declaration: Nullable(Strings(DECLARATIONS)),
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
    declaration: Nullable(Strings(DECLARATIONS)),
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
      pricePence: Nullable(PenceText),
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
