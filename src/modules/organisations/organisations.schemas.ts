/**
 * Request and response schemas of the organisations API (/api/v1/organisations). Fastify validates
 * requests and serialises responses with them, and the OpenAPI document is generated from them.
 * Types and lengths are checked here (400 with every field at fault); formats that need a rule —
 * identifiers per scheme, postcodes, websites, known area and category codes — in the service.
 */
import { type Static, Type } from "typebox";
import { Nullable, PageKeyQuery, PageKeyResponse, Uuid } from "../../http/schemas.ts";
import { IDENTIFIER_SCHEMES } from "./identifiers.ts";
import { LIMITS } from "./organisations.service.ts";
import { PROFIT_MODELS, RELATIONSHIP_KINDS, SECTORS, SIZE_BANDS } from "./organisations.table.ts";

export const SectorSchema = Type.Enum([...SECTORS], {
  type: "string",
  description: "The organisation's sector",
});
const EffectiveSector = Type.Enum([...SECTORS, "unconfirmed"], {
  type: "string",
  description:
    "The sector shown: public-service-mutual only with qualifying mutual evidence; unconfirmed when an organisation says it is a mutual without it",
});
const SizeBand = Type.Enum([...SIZE_BANDS], { type: "string" });
const SchemeCode = Type.Enum(
  IDENTIFIER_SCHEMES.map((s) => s.code),
  { type: "string", description: "An org-id scheme" },
);

export const IdParams = Type.Object({ id: Uuid });

const IdentifierBody = Type.Object(
  {
    scheme: SchemeCode,
    identifier: Type.String({ minLength: 1, maxLength: LIMITS.identifier }),
    primary: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const detailProperties = {
  staffHeadcount: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: LIMITS.staffHeadcount }))),
  addressLine1: Type.Optional(Nullable(Type.String({ maxLength: LIMITS.addressLine }))),
  addressLine2: Type.Optional(Nullable(Type.String({ maxLength: LIMITS.addressLine }))),
  town: Type.Optional(Nullable(Type.String({ maxLength: LIMITS.town }))),
  postcode: Type.Optional(
    Nullable(Type.String({ maxLength: 10, description: "A UK postcode, like WS1 2AB" })),
  ),
  description: Type.Optional(Nullable(Type.String({ maxLength: LIMITS.description }))),
  website: Type.Optional(Nullable(Type.String({ maxLength: LIMITS.website, description: "https://…" }))),
  areas: Type.Optional(
    Type.Array(Type.String({ maxLength: 9 }), {
      maxItems: LIMITS.areas,
      description: "GSS codes of the areas served, like E10000016",
    }),
  ),
  categories: Type.Optional(
    Type.Array(Type.String({ maxLength: 60 }), {
      maxItems: LIMITS.categories,
      description: "Service category codes (see docs/vocabularies.md)",
    }),
  ),
  identifiers: Type.Optional(
    Type.Array(IdentifierBody, {
      maxItems: LIMITS.identifiers,
      description: "Identifiers in org-id schemes; the one marked primary (or else the first) is shown",
    }),
  ),
};

export const CreateOrganisationBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: LIMITS.name }),
    sector: SectorSchema,
    sizeBand: SizeBand,
    ...detailProperties,
  },
  { additionalProperties: false },
);
export type CreateOrganisationBody = Static<typeof CreateOrganisationBody>;

export const UpdateOrganisationBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.name })),
    sector: Type.Optional(SectorSchema),
    sizeBand: Type.Optional(SizeBand),
    ...detailProperties,
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateOrganisationBody = Static<typeof UpdateOrganisationBody>;

const repeatable = (schema: ReturnType<typeof Type.String>, description: string) =>
  Type.Optional(Type.Array(schema, { maxItems: 50, description }));

export const DirectoryQuery = Type.Object(
  {
    q: Type.Optional(
      Type.String({ maxLength: 200, description: "Words to search for (full text), or the start of a name" }),
    ),
    sector: repeatable(Type.String({ maxLength: 40 }), "Sectors (repeat for several)"),
    sizeBand: repeatable(Type.String({ maxLength: 10 }), "Size bands: micro, small, medium, large"),
    category: repeatable(Type.String({ maxLength: 60 }), "Service category codes"),
    area: repeatable(Type.String({ maxLength: 9 }), "GSS codes of areas served"),
    ...PageKeyQuery,
  },
  { additionalProperties: false },
);
export type DirectoryQuery = Static<typeof DirectoryQuery>;

const OrganisationSummary = Type.Object({
  id: Uuid,
  name: Type.String(),
  sector: EffectiveSector,
  sizeBand: SizeBand,
  staffHeadcount: Nullable(Type.Integer()),
  town: Nullable(Type.String()),
  postcode: Nullable(Type.String()),
  primaryIdentifier: Nullable(Type.String({ description: "In org-id form, like GB-COH-01234567" })),
  description: Type.String(),
  website: Nullable(Type.String()),
  profileUrl: Type.String({ description: "The organisation's public profile page" }),
});

const FacetCounts = Nullable(
  Type.Array(Type.Object({ value: Type.String(), count: Type.Integer() }), {
    description:
      "How many results each value would give, with the other filters applied; null when those filters match more than 1,000 organisations (too many to count for each search)",
  }),
);

export const DirectoryResponse = Type.Object({
  results: Type.Array(OrganisationSummary, { description: "A page of results, in name order" }),
  ...PageKeyResponse,
  pageSize: Type.Integer(),
  countedAt: Type.String({
    format: "date-time",
    description: "When the whole directory's figures (used when nothing narrows the search) were counted",
  }),
  facets: Type.Object({
    sector: FacetCounts,
    sizeBand: FacetCounts,
    category: FacetCounts,
    area: FacetCounts,
  }),
  mutuals: Type.Object(
    { organisations: Type.Integer(), staff: Type.Integer() },
    {
      description: "Public service mutuals with qualifying evidence in the whole directory, and their staff",
    },
  ),
});

export const OrganisationResponse = Type.Object({
  id: Uuid,
  name: Type.String(),
  sector: EffectiveSector,
  sizeBand: SizeBand,
  staffHeadcount: Nullable(Type.Integer()),
  address: Type.Object({
    line1: Nullable(Type.String()),
    line2: Nullable(Type.String()),
    town: Nullable(Type.String()),
    postcode: Nullable(Type.String()),
  }),
  description: Type.String(),
  website: Nullable(Type.String()),
  primaryIdentifier: Nullable(Type.String()),
  identifiers: Type.Array(
    Type.Object({
      scheme: Type.String(),
      schemeName: Type.String(),
      identifier: Type.String(),
      orgId: Type.String(),
      primary: Type.Boolean(),
      registerUrl: Nullable(Type.String()),
    }),
  ),
  areas: Type.Array(
    Type.Object({ code: Type.String(), name: Type.String(), type: Type.String(), nation: Type.String() }),
  ),
  categories: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      cpvCode: Type.String(),
      cpvDescription: Type.String(),
      lightTouch: Type.Boolean(),
      reservable: Type.Boolean(),
    }),
  ),
  relationships: Type.Array(
    Type.Object({
      id: Uuid,
      kind: Type.Enum([...RELATIONSHIP_KINDS], { type: "string" }),
      otherIs: Type.Enum(
        [
          "parent-body",
          "spin-out",
          "parent-company",
          "subsidiary",
          "group",
          "group-member",
          "joint-venture-partner",
        ],
        { type: "string", description: "What the other organisation is to this one" },
      ),
      organisation: Type.Object({ id: Uuid, name: Type.String() }),
    }),
  ),
  mutualEvidence: Nullable(
    Type.Object({
      qualifies: Type.Boolean(),
      unmet: Type.Array(Type.String(), { description: "The tests of Procurement Act 2023 s.33 not met" }),
      publicServicePurpose: Type.String(),
      lightTouchShareBp: Type.Integer(),
      profitModel: Type.Enum([...PROFIT_MODELS], { type: "string" }),
      employeeOwnershipBp: Type.Integer(),
      employeeBoardSeats: Type.Integer(),
      boardSeats: Type.Integer(),
      parentBody: Nullable(
        Type.Object({
          kind: Type.Enum(["organisation", "authority", "named"], { type: "string" }),
          id: Nullable(Uuid),
          name: Type.String(),
        }),
      ),
      spinOutDate: Nullable(Type.String({ format: "date" })),
      recordedAt: Type.String({ format: "date-time" }),
    }),
  ),
  createdAt: Type.String({ format: "date-time" }),
  updatedAt: Type.String({ format: "date-time" }),
});
export type OrganisationResponse = Static<typeof OrganisationResponse>;
