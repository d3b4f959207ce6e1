/**
 * Request and response schemas of the award: the award decision, its notice, standstill challenges
 * and their outcomes, and the assessment summaries an organisation received. Types and lengths here
 * (400, every field at fault); combinations in the services (422).
 */
import { Type } from "typebox";
import { Instant, Nullable, PenceText, Strings, Uuid } from "../../http/schemas.ts";
import { AWARD_STATUSES, CHALLENGE_OUTCOMES } from "./award.table.ts";

export const TenderParams = Type.Object({ authorityId: Uuid, tenderId: Uuid });
export const ChallengeParams = Type.Object({ authorityId: Uuid, tenderId: Uuid, challengeId: Uuid });
export const OrganisationParams = Type.Object({ id: Uuid });

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
  valuePence: PenceText,
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
  valuePence: PenceText,
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
    outcome: Strings(CHALLENGE_OUTCOMES),
    reason: Type.String({ minLength: 1, maxLength: 5000 }),
  },
  { additionalProperties: false },
);
export const OutcomeResponse = Type.Object({
  outcome: Strings(CHALLENGE_OUTCOMES),
  awardStatus: Strings(AWARD_STATUSES),
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
