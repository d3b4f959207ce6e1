/**
 * Request and response schemas of the spin-out path
 * (/api/v1/authorities/:authorityId/spin-outs…, /api/v1/organisations/:organisationId/mutual-history).
 */
import { Type } from "typebox";
import { Instant, IsoDate, Nullable, Strings, Uuid } from "../../http/schemas.ts";
import { DECISIONS, SURVIVAL } from "./mutuals.table.ts";
import { STAGE_IDS } from "./stages.ts";

export const TAGS: [string] = ["mutuals"];

export const ProposalParams = Type.Object({ authorityId: Uuid, proposalId: Uuid });
export const ItemParams = Type.Object({
  authorityId: Uuid,
  proposalId: Uuid,
  item: Type.String({ maxLength: 60 }),
});
export const StageParams = Type.Object({
  authorityId: Uuid,
  proposalId: Uuid,
  stage: Type.String({ maxLength: 40, description: `One of ${STAGE_IDS.join(", ")}` }),
});
export const OrganisationParams = Type.Object({ organisationId: Uuid });

export const ProposalBody = Type.Object(
  {
    serviceId: Type.Optional(Uuid),
    title: Type.String({ maxLength: 200 }),
    summary: Type.String({ maxLength: 5000 }),
    memberIds: Type.Array(Uuid, {
      maxItems: 19,
      description:
        "The colleagues on the team besides the proposer: user ids of the authority's staff (one or more)",
    }),
    challengeId: Type.Optional(Nullable(Uuid)),
  },
  { additionalProperties: false },
);

export const TickBody = Type.Object({ done: Type.Boolean() }, { additionalProperties: false });
export const StagePlanBody = Type.Object(
  { ownerId: Type.Optional(Nullable(Uuid)), targetOn: Type.Optional(Nullable(IsoDate)) },
  { additionalProperties: false },
);
export const FactsBody = Type.Object(
  {
    staffTransferred: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
    organisationId: Type.Optional(Nullable(Uuid)),
  },
  { additionalProperties: false },
);
export const DecisionBody = Type.Object(
  { decision: Strings(DECISIONS), reasons: Type.String({ maxLength: 10000 }) },
  { additionalProperties: false },
);
export const SurvivalBody = Type.Object(
  { survival: Strings(SURVIVAL), on: IsoDate },
  { additionalProperties: false },
);
export const PeriodBody = Type.Object(
  { workingDays: Type.Integer({ description: "Working days from 1 to 250" }) },
  { additionalProperties: false },
);
export const PeriodResponse = Type.Object({ workingDays: Type.Integer() });
export const CreatedResponse = Type.Object({ id: Uuid });
export const StageResponse = Type.Object({ stage: Strings(STAGE_IDS) });

export const ProposalSummary = Type.Object({
  id: Uuid,
  title: Type.String(),
  stage: Strings(STAGE_IDS),
  teamSize: Type.Integer(),
  decision: Nullable(Strings(DECISIONS)),
  overdue: Type.Boolean({ description: "Waiting for the parent body's decision past its published period" }),
  spunOutOn: Nullable(IsoDate),
});

export const ProposalsResponse = Type.Object({
  decisionPeriodWorkingDays: Type.Integer(),
  proposals: Type.Array(ProposalSummary),
});

export const ProposalResponse = Type.Object({
  id: Uuid,
  title: Type.String(),
  summary: Type.String(),
  service: Type.Object({ id: Uuid, name: Type.String() }),
  stage: Strings(STAGE_IDS),
  teamSize: Type.Integer(),
  team: Type.Array(Type.Object({ userId: Uuid, name: Type.String() }), {
    description: "For the team and the authority's commissioners and administrators; empty for anyone else",
  }),
  stages: Type.Array(
    Type.Object({
      id: Strings(STAGE_IDS),
      ownerId: Nullable(Uuid),
      startedOn: Nullable(IsoDate),
      targetOn: Nullable(IsoDate),
      doneOn: Nullable(IsoDate),
    }),
  ),
  checklist: Type.Array(
    Type.Object({ id: Type.String(), kind: Strings(["ticked", "fact"] as const), done: Type.Boolean() }),
  ),
  missing: Type.Array(Type.String(), {
    description: "The current stage's items not done: all must be done to move on",
  }),
  decision: Type.Object({
    periodWorkingDays: Type.Integer(),
    due: Nullable(IsoDate),
    overdue: Type.Boolean(),
    decision: Nullable(Strings(DECISIONS)),
    reasons: Nullable(Type.String()),
    decidedAt: Nullable(Instant),
    appealable: Type.Boolean({ description: "Refused: the team may appeal to the adjudicator" }),
  }),
  rightToProvide: Nullable(
    Type.Object({
      challengeId: Uuid,
      status: Type.String(),
      answerDue: Nullable(IsoDate),
      overdue: Type.Boolean(),
      decision: Nullable(Type.String()),
      reasons: Nullable(Type.String()),
    }),
  ),
  staffTransferred: Nullable(Type.Integer()),
  organisationId: Nullable(Uuid),
  spunOutOn: Nullable(IsoDate),
  survival: Nullable(Strings(SURVIVAL)),
  survivalOn: Nullable(IsoDate),
});

export const HistoryResponse = Type.Object({
  parentBody: Type.Object({ id: Uuid, name: Type.String() }),
  spunOutOn: IsoDate,
  staffTransferred: Nullable(Type.Integer()),
  contractsWon: Type.Integer(),
  ratings: Type.Array(Type.Object({ rating: Type.String(), count: Type.Integer() })),
  survival: Strings(SURVIVAL),
  survivalOn: Nullable(IsoDate),
  groups: Type.Array(Type.Object({ id: Uuid, name: Type.String() })),
});
