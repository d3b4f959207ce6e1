/**
 * Request and response schemas of the approved-provider lists API (/api/v1/choice/lists,
 * /api/v1/authorities/:authorityId/choice/lists/…). Types and lengths here (400); money, known codes
 * and the conditions in the services (400 naming the field, or 422).
 */
import { Type } from "typebox";
import {
  AuthorityParams,
  Instant,
  IsoDate,
  Nullable,
  PageKeyQuery,
  PenceText,
  Strings,
  Uuid,
} from "../../http/schemas.ts";
import { LIMITS } from "./choice.service.ts";
import { LIST_STATUSES, MEMBER_STATUSES, OFFER_CAPACITY_UNITS, TARIFF_UNITS } from "./choice.table.ts";
import { MEMBER_SORTS } from "./compare.service.ts";

export { AuthorityParams };
export const ListParams = Type.Object({ authorityId: Uuid, listId: Uuid });
export const MemberParams = Type.Object({ authorityId: Uuid, listId: Uuid, organisationId: Uuid });

export const ListsQuery = Type.Object({
  categoryCode: Type.Optional(Type.String({ maxLength: 100, description: "A service category code" })),
  areaCode: Type.Optional(Type.String({ maxLength: 20, description: "An area's GSS code" })),
  authorityId: Type.Optional(Uuid),
  after: PageKeyQuery.after,
  pageSize: PageKeyQuery.pageSize,
});

export const ListQuery = Type.Object({
  sort: Type.Optional(Strings(MEMBER_SORTS)),
  after: PageKeyQuery.after,
  pageSize: PageKeyQuery.pageSize,
});

export const CompareQuery = Type.Object({
  organisations: Type.Optional(
    Type.Array(Uuid, { maxItems: 10, description: "2 or 3 members' organisation ids" }),
  ),
});

const Money = (description: string) => Type.Object({ pence: PenceText, text: Type.String({ description }) });

const ListSummary = Type.Object({
  id: Uuid,
  authority: Type.Object({ id: Uuid, name: Type.String(), slug: Type.String() }),
  title: Type.String(),
  serviceType: Type.Object({ code: Type.String(), name: Type.String() }),
  areas: Type.Array(Type.Object({ code: Type.String(), name: Type.String() })),
  tariff: Money("The tariff, like £21.50"),
  tariffUnit: Strings(TARIFF_UNITS),
  conditions: Type.String({ description: "The conditions as the authority words them" }),
  excludeInadequate: Type.Boolean({ description: "Providers rated Inadequate overall cannot join" }),
  reserved: Type.Boolean({ description: "Reserved to public service mutuals (Procurement Act 2023, s.33)" }),
  status: Strings(LIST_STATUSES),
  memberCount: Type.Integer(),
  publishedAt: Nullable(Instant),
  closedAt: Nullable(Instant),
  closedReason: Type.String(),
  pageUrl: Type.String(),
  source: Nullable(
    Type.Object(
      {
        tenderId: Uuid,
        lotId: Nullable(Uuid),
        awardId: Uuid,
        tenderTitle: Type.String(),
        noticeUrl: Type.String({ description: "The award notice's page" }),
      },
      {
        description:
          "A list from a tender's award: only the suppliers of the award's contracts are on it, and it takes no joins. Null for an open (any qualified provider) list.",
      },
    ),
  ),
  notAdded: Type.Array(
    Type.Object({
      organisationId: Uuid,
      name: Type.String(),
      contractId: Uuid,
      reasons: Type.Array(Type.String()),
    }),
    {
      description:
        "The award's suppliers not added because they did not meet the list's conditions, with why: for the authority's editors (empty for anyone else)",
    },
  ),
});

export const ListsResponse = Type.Object({
  lists: Type.Array(ListSummary),
  total: Type.Integer({ description: "How many match (see totalIsAtLeast)" }),
  totalIsAtLeast: Type.Boolean({
    description: "True when more match than total says: counting stops at 1,000",
  }),
  next: Nullable(Type.String({ description: "Pass as `after` for the next page; null on the last page" })),
});

const Member = Type.Object({
  organisation: Type.Object({ id: Uuid, name: Type.String() }),
  price: Money("Its price: its own, or the tariff"),
  priceAgainstTariff: Strings(["below", "tariff", "above"] as const),
  capacity: Nullable(Type.Integer({ description: "Places or hours a week it can take now, as it said" })),
  capacityUnit: Nullable(Strings(OFFER_CAPACITY_UNITS)),
  capacityStatedOn: Nullable(IsoDate),
  locations: Type.Array(
    Type.Object({
      id: Uuid,
      regulatorId: Uuid,
      name: Type.String(),
      town: Type.String(),
      postcode: Type.String(),
      area: Type.String(),
      currentRating: Nullable(
        Type.String({ description: "Its current overall rating; null when not yet rated" }),
      ),
    }),
    { description: "Its registered locations for the service in the list's areas" },
  ),
  feedback: Nullable(
    Type.Object({
      reviews: Type.Integer(),
      averageStars: Nullable(Type.Integer()),
      link: Type.String(),
    }),
  ),
});

const ContractMember = Type.Object({
  organisation: Type.Object({ id: Uuid, name: Type.String() }),
  contractId: Nullable(Uuid),
  contractUrl: Nullable(Type.String({ description: "The contract's public page" })),
  contractedPrice: Nullable(Money("The contracted rate the authority entered from the contract documents")),
});

export const ListResponse = Type.Object({
  list: ListSummary,
  contracts: Type.Array(ContractMember, {
    description:
      "A list from a tender's award: its members with the contracts they hold and their contracted prices (empty for an open list)",
  }),
  members: Type.Array(Member),
  sort: Strings(MEMBER_SORTS),
  next: Nullable(Type.String({ description: "Pass as `after` for the next page; null on the last page" })),
});

export const CompareResponse = Type.Object({ list: ListSummary, members: Type.Array(Member) });

export const CreateListBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: LIMITS.title }),
    categoryCode: Type.String({ minLength: 1, maxLength: 100, description: "A service category code" }),
    areaCodes: Type.Array(Type.String({ maxLength: 20 }), {
      minItems: 1,
      maxItems: LIMITS.areas,
      description: "The GSS codes of the areas the list covers",
    }),
    tariff: Type.String({ minLength: 1, maxLength: 40, description: 'The tariff in pounds, like "21.50"' }),
    tariffUnit: Strings(TARIFF_UNITS),
    conditions: Type.Optional(Type.String({ maxLength: LIMITS.conditions })),
    excludeInadequate: Type.Optional(Type.Boolean()),
    reserved: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const CloseListBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: LIMITS.reason }) },
  { additionalProperties: false },
);

export const JoinBody = Type.Object({ organisationId: Uuid }, { additionalProperties: false });

export const JoinResponse = Type.Object({
  organisationId: Uuid,
  status: Strings(MEMBER_STATUSES),
  locations: Type.Array(Uuid, { description: "The registered locations that qualify it" }),
});

export const OfferBody = Type.Object(
  {
    capacity: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 1_000_000 }))),
    capacityUnit: Type.Optional(Nullable(Strings(OFFER_CAPACITY_UNITS))),
    price: Type.Optional(
      Nullable(
        Type.String({
          maxLength: 40,
          description:
            'Its price in pounds, like "22.40"; null for the tariff. On a list from a tender\'s award the price is the contracted rate the authority entered: leave it out (another price is 400)',
        }),
      ),
    ),
  },
  { additionalProperties: false },
);

export const CreateListFromAwardBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: LIMITS.title }),
    tenderId: Uuid,
    lotId: Type.Optional(Nullable(Uuid)),
    areaCodes: CreateListBody.properties.areaCodes,
    tariff: CreateListBody.properties.tariff,
    tariffUnit: Strings(TARIFF_UNITS),
    conditions: Type.Optional(Type.String({ maxLength: LIMITS.conditions })),
    excludeInadequate: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const ContractedPriceBody = Type.Object(
  {
    price: Type.Optional(
      Type.String({
        maxLength: 40,
        description: 'The contracted unit price (per the list\'s unit) in pounds, like "22.40"',
      }),
    ),
  },
  { additionalProperties: false },
);
