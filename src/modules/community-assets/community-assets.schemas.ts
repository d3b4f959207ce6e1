/**
 * Request and response schemas of assets of community value: the register
 * (/api/v1/community-assets), an entry with its clocks, a nomination
 * (/api/v1/authorities/:authorityId/community-assets) and the council's actions on an entry.
 */
import { Type } from "typebox";
import { Instant, IsoDate, Nullable, Strings, Uuid } from "../../http/schemas.ts";
import { APPEAL_OUTCOMES, ASSET_STATUSES, REVIEW_OUTCOMES } from "./community-assets.table.ts";
import { EXEMPT_GROUNDS } from "./grounds.ts";

export const AssetParams = Type.Object({ assetId: Uuid });

export const RegisterQuery = Type.Object({
  q: Type.Optional(
    Type.String({ maxLength: 100, description: "Words of the name, address or area, or a postcode" }),
  ),
  list: Type.Optional(Strings(["listed", "unsuccessful"] as const)),
  authorityId: Type.Optional(Uuid),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
});

const Text = (description: string) => Type.String({ description });

export const NominateBody = Type.Object({
  organisationId: Type.Optional(
    Text("The parish council or community group nominating, when the caller acts for more than one"),
  ),
  name: Text("The building or land's name, 200 characters at most"),
  address: Text("Its address, 500 characters at most"),
  postcode: Text("Its postcode"),
  area: Text("The ward, parish or town it is in, 100 characters at most"),
  description: Text("The building or land and its boundaries, 2,000 characters at most"),
  reasons: Text(
    "How its use furthers the social wellbeing or interests of the local community (s.88), 5,000 characters at most",
  ),
  localConnection: Text("The group's connection with the local area (s.89), 2,000 characters at most"),
  ownerName: Text("The owner's name, as far as known: a person's is kept private to the council"),
  ownerContact: Type.Optional(Text("The owner's address or contact, kept private to the council")),
  ownerOrganisationId: Type.Optional(
    Text("The owner, when an organisation of the directory: its name is public"),
  ),
  ownerIsOrganisation: Type.Optional(
    Type.Boolean({
      description: "The owner is an organisation (a company, a trust…), not a person: its name is public",
    }),
  ),
  occupierName: Type.Optional(
    Text("The lawful occupier, when not the owner (told of the listing), kept private to the council"),
  ),
  occupierContact: Type.Optional(Text("The occupier's address or contact, kept private to the council")),
  latitude: Type.Optional(Type.Number({ minimum: 49, maximum: 61 })),
  longitude: Type.Optional(Type.Number({ minimum: -9, maximum: 2 })),
});

export const DecisionBody = Type.Object({
  outcome: Strings(["listed", "unsuccessful"] as const),
  reasons: Text("The council's reasons, 5,000 characters at most"),
});
export const DatedBody = Type.Object({ on: IsoDate });
export const ReviewDecisionBody = Type.Object({
  outcome: Strings(REVIEW_OUTCOMES),
  reasons: Text("The review's reasons, 5,000 characters at most"),
});
export const AppealBody = Type.Object({
  lodgedOn: Type.Optional(IsoDate),
  outcome: Type.Optional(Strings(APPEAL_OUTCOMES)),
});
export const ExemptBody = Type.Object({ ground: Strings(EXEMPT_GROUNDS), on: IsoDate });
export const SaleBody = Type.Object({
  on: IsoDate,
  toCommunityGroup: Type.Optional(
    Type.Boolean({ description: "Sold to a community interest group (the only sale a moratorium allows)" }),
  ),
});
export const WithdrawalBody = Type.Object({
  reasons: Type.Optional(Text("Why the group withdraws it (optional), 2,000 characters at most")),
});
export const BidBody = Type.Object({
  organisationId: Type.Optional(Text("The community group asking, when the caller acts for more than one")),
});

const Sale = Type.Object({
  noticeOn: IsoDate,
  interimEnds: IsoDate,
  fullEnds: IsoDate,
  protectedEnds: IsoDate,
  bidRequestedOn: Nullable(IsoDate),
  bidderName: Nullable(Type.String()),
  standing: Strings(["not-started", "interim", "full", "protected", "ended"] as const),
  stageEnds: Nullable(IsoDate),
  daysLeft: Nullable(Type.Integer({ description: "Days left in the stage, today counted" })),
  soldOn: Nullable(IsoDate),
  soldToCommunityGroup: Nullable(Type.Boolean()),
});

export const AssetResponse = Type.Object({
  id: Uuid,
  authorityId: Uuid,
  authorityName: Type.String(),
  name: Type.String(),
  address: Type.String(),
  postcode: Type.String(),
  area: Type.String(),
  description: Type.String(),
  latitude: Nullable(Type.Number()),
  longitude: Nullable(Type.Number()),
  nominatorName: Nullable(Type.String()),
  reasons: Type.String(),
  localConnection: Type.String(),
  ownerName: Nullable(
    Type.String({ description: "An organisation's name; a person's only to the council's people" }),
  ),
  ownerContact: Nullable(Type.String({ description: "The council's people only" })),
  occupierName: Nullable(
    Type.String({ description: "The occupier when not the owner: the council's people only" }),
  ),
  occupierContact: Nullable(Type.String({ description: "The council's people only" })),
  status: Strings(ASSET_STATUSES),
  receivedOn: IsoDate,
  decisionDue: IsoDate,
  decisionOverdue: Type.Boolean(),
  decidedOn: Nullable(IsoDate),
  decidedLate: Type.Boolean(),
  decisionReasons: Nullable(Type.String()),
  listedOn: Nullable(IsoDate),
  listingEnds: Nullable(IsoDate),
  listingEnded: Type.Boolean(),
  reviewRequestBy: Nullable(IsoDate),
  reviewRequestedOn: Nullable(IsoDate),
  reviewDecisionDue: Nullable(IsoDate),
  reviewDecidedOn: Nullable(IsoDate),
  reviewOutcome: Nullable(Strings(REVIEW_OUTCOMES)),
  reviewReasons: Nullable(Type.String()),
  appealBy: Nullable(IsoDate),
  appealLodgedOn: Nullable(IsoDate),
  appealOutcome: Nullable(Strings(APPEAL_OUTCOMES)),
  removedOn: Nullable(IsoDate),
  withdrawnOn: Nullable(IsoDate),
  sale: Nullable(Sale),
  exemptDisposals: Type.Array(Type.Object({ ground: Type.String(), disposedOn: IsoDate })),
  updatedAt: Instant,
});

export const RegisterResponse = Type.Object({
  entries: Type.Array(AssetResponse),
  total: Type.Integer(),
  page: Type.Integer(),
  pages: Type.Integer(),
});
