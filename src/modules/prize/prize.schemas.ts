/**
 * Request and response schemas of the prize (/api/v1/prize/rounds…): rounds, nominations, the
 * panel's declarations and scores, the shortlist and the winners. No response carries a
 * nominator's name or email.
 */
import { Type } from "typebox";
import { Instant, IsoDate, Nullable, Strings, Uuid } from "../../http/schemas.ts";
import { ROUND_STATES } from "./round-rules.ts";

export const RoundParams = Type.Object({ roundId: Uuid });
export const NominationParams = Type.Object({ roundId: Uuid, nominationId: Uuid });

const Text = (description: string, maxLength: number) => Type.String({ description, maxLength });

export const RoundBody = Type.Object({
  authorityId: Type.String({
    description: "The organiser: a public body whose commissioners or administrators you are",
  }),
  year: Type.Integer({ minimum: 2000, maximum: 2200 }),
  title: Text("The round's title", 200),
  categories: Type.Array(Text("A category's title", 200), { minItems: 1, maxItems: 12 }),
  nominationsOpenOn: Type.String({ description: "The first day nominations are taken (YYYY-MM-DD, London)" }),
  nominationsCloseOn: Type.String({ description: "The last day nominations are taken (YYYY-MM-DD, London)" }),
  shortlistOn: Type.String({ description: "The day the shortlist is announced: after nominations close" }),
  winnersOn: Type.String({ description: "The day the winners are announced: on or after the shortlist" }),
  shortlistSize: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 20,
      description: "How many a category's shortlist holds (3 unless said)",
    }),
  ),
});

export const Round = Type.Object({
  id: Uuid,
  organiserId: Uuid,
  organiserName: Type.String(),
  year: Type.Integer(),
  title: Type.String(),
  state: Strings(ROUND_STATES),
  nominationsOpenOn: IsoDate,
  nominationsCloseOn: IsoDate,
  shortlistOn: IsoDate,
  winnersOn: IsoDate,
  shortlistSize: Type.Integer(),
  shortlistPublishedAt: Nullable(Instant),
  winnersPublishedAt: Nullable(Instant),
});

export const RoundsResponse = Type.Object({ rounds: Type.Array(Round) });

export const Nominee = Type.Object({
  id: Uuid,
  name: Type.String(),
  teamOf: Nullable(Type.String({ description: "The organisation or public body the team belongs to" })),
  organisationId: Nullable(Uuid),
  nominations: Type.Integer({ description: "How many nominated it in the category (duplicates merged)" }),
  byPublic: Type.Integer({ description: "How many of them were members of the public" }),
  byOrganisations: Type.Array(Type.String(), { description: "The organisations that nominated it" }),
  rank: Nullable(Type.Integer({ description: "Its place on the shortlist: tied nominees share one" })),
  tied: Type.Boolean(),
  won: Type.Boolean(),
  citation: Type.String(),
});

export const RoundResponse = Type.Object({
  round: Round,
  categories: Type.Array(
    Type.Object({
      id: Uuid,
      title: Type.String(),
      nominations: Type.Integer({ description: "How many nominees it has" }),
      shortlist: Type.Array(Nominee, { description: "Once published; with the winner once announced" }),
    }),
  ),
});

export const NominationBody = Type.Object({
  categoryId: Uuid,
  nomineeKind: Strings(["organisation", "team"] as const),
  organisationId: Type.Optional(Type.String({ description: "A provider of the directory" })),
  teamName: Type.Optional(Text("The team's name", 200)),
  teamOrganisationId: Type.Optional(Type.String({ description: "The team's organisation of the directory" })),
  teamAuthorityId: Type.Optional(Type.String({ description: "Or the team's public body" })),
  reasons: Text("The innovation, and why it deserves the prize", 3000),
  evidence: Type.Optional(Text("Links to evidence, one a line", 2000)),
  name: Type.Optional(Text("Not signed in: your name (never published)", 200)),
  email: Type.Optional(Text("Not signed in: your email address (never published)", 320)),
  onBehalfOf: Type.Optional(
    Type.String({ description: "An organisation you are a member of, sending it for it" }),
  ),
});

export const NominationResponse = Type.Object({
  nominationId: Uuid,
  merged: Type.Boolean({ description: "The nominee was nominated in the category already: counted with it" }),
  nominations: Type.Integer(),
});

export const JudgeBody = Type.Object({ email: Text("The email address of the judge's account", 320) });
export const JudgeResponse = Type.Object({ userId: Uuid, displayName: Type.String() });

export const DeclarationBody = Type.Object({
  conflicts: Type.Array(
    Type.Object({ nominationId: Uuid, description: Text("Your interest in the nominee", 5000) }),
    { description: "The nominees you have a conflict of interest with; empty for none" },
  ),
});
export const DeclarationResponse = Type.Object({ conflicts: Type.Array(Uuid) });

export const ScoreBody = Type.Object({
  score: Type.Integer({ minimum: 0, maximum: 10 }),
  comment: Text("Why", 2000),
});
export const ScoreResponse = Type.Object({ score: Type.Integer(), comment: Type.String() });

export const JudgingResponse = Type.Object({
  declared: Type.Boolean(),
  nominees: Type.Array(
    Type.Object({
      id: Uuid,
      categoryId: Uuid,
      name: Type.String(),
      conflicted: Type.Boolean(),
      reasons: Type.Array(Type.Object({ reasons: Type.String(), evidence: Type.Array(Type.String()) })),
      myScore: Nullable(ScoreResponse),
      scored: Type.Integer({ description: "For the organiser: the scores counted" }),
      mean: Nullable(Type.Integer({ description: "For the organiser: the mean score in hundredths" })),
    }),
  ),
});

export const WinnersBody = Type.Object({
  winners: Type.Array(
    Type.Object({ categoryId: Uuid, nominationId: Uuid, citation: Text("The citation", 2000) }),
  ),
});
