/**
 * Request and response schemas of finding opportunities: `/api/v1/opportunities` (the search) and
 * `/api/v1/me/saved-searches`. Types and lengths here (400, every field at fault); amounts, dates,
 * categories and areas in the service (400 naming the field), bounds the wrong way round 422.
 * Values are asked for in pounds as typed, like the rest of the API, and given back in pence as
 * strings.
 */
import { type Static, Type } from "typebox";
import { Instant, Nullable, PenceText, Strings, Uuid } from "../../http/schemas.ts";
import { PROCEDURES } from "../tenders/tenders.service.ts";
import { SEARCH_LIMITS } from "./opportunities.service.ts";
import { SAVED_SEARCH_LIMITS } from "./saved-searches.service.ts";

/** A value in pounds as typed; empty means any (so not the shared MoneyText, which needs one). */
const Pounds = (description: string) =>
  Type.String({ maxLength: 40, description: `${description}: pounds, like "£250,000" or "250000"` });
const LondonDate = (description: string) =>
  Type.String({ format: "date", description: `${description}: a UK date (Europe/London), YYYY-MM-DD` });
const Codes = (description: string) =>
  Type.Array(Type.String({ minLength: 1, maxLength: 40 }), {
    maxItems: SEARCH_LIMITS.codes,
    description: `${description}; repeat the parameter for more than one (any of them)`,
  });

/** The search's fields, the same in the query string and in a saved search. */
const criteria = {
  keywords: Type.Optional(
    Type.String({
      maxLength: SEARCH_LIMITS.keywords,
      description:
        'Words in the title or description: every word ("home care"), a phrase in quotes, "or" between alternatives, "-" before a word to leave out',
    }),
  ),
  category: Type.Optional(Codes("Service category codes of the tender's project, like domiciliary-care")),
  area: Type.Optional(Codes("Areas of the tender's project, by ONS GSS code, like E10000901")),
  minValue: Type.Optional(Pounds("Estimated value at least this")),
  maxValue: Type.Optional(Pounds("Estimated value at most this")),
  deadlineFrom: Type.Optional(LondonDate("Deadline for bids on or after this day")),
  deadlineTo: Type.Optional(LondonDate("Deadline for bids on or before this day")),
  reserved: Type.Optional(
    Type.Boolean({
      description: "Only tenders reserved to public service mutuals (Procurement Act 2023, s.33)",
    }),
  ),
  includeClosed: Type.Optional(
    Type.Boolean({ description: "Closed and opened tenders too (otherwise open ones only)" }),
  ),
};

export const OpportunitiesQuery = Type.Object(
  {
    ...criteria,
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
    pageSize: Type.Optional(
      Type.Integer({ minimum: 1, maximum: SEARCH_LIMITS.maxPageSize, default: SEARCH_LIMITS.pageSize }),
    ),
  },
  { additionalProperties: false },
);
export type OpportunitiesQuery = Static<typeof OpportunitiesQuery>;

export const CriteriaBody = Type.Object(criteria, { additionalProperties: false });

export const CriteriaResponse = Type.Object({
  keywords: Type.String(),
  category: Type.Array(Type.String()),
  area: Type.Array(Type.String()),
  minValuePence: Nullable(PenceText),
  maxValuePence: Nullable(PenceText),
  deadlineFrom: Nullable(Type.String({ format: "date" })),
  deadlineTo: Nullable(Type.String({ format: "date" })),
  reserved: Type.Boolean(),
  includeClosed: Type.Boolean(),
});
export type CriteriaResponse = Static<typeof CriteriaResponse>;

const Coded = Type.Object({ code: Type.String(), name: Type.String() });

export const OpportunityResponse = Type.Object({
  id: Uuid,
  authority: Type.Object({ id: Uuid, name: Type.String(), slug: Type.String() }),
  title: Type.String(),
  description: Type.String(),
  state: Strings(["open", "closed", "opened"] as const),
  procedure: Strings(PROCEDURES),
  category: Coded,
  area: Coded,
  estimatedValuePence: PenceText,
  reserved: Type.Boolean(),
  submissionDeadline: Instant,
  publishedAt: Nullable(Instant),
  pageUrl: Type.String(),
  apiUrl: Type.String(),
});
export type OpportunityResponse = Static<typeof OpportunityResponse>;

export const OpportunitiesResponse = Type.Object({
  criteria: CriteriaResponse,
  total: Type.Integer({ description: "How many tenders the search finds (see totalIsAtLeast)" }),
  totalIsAtLeast: Type.Boolean({
    description:
      "True when the search finds more than total says: counting (and paging) stops at 1,000; narrow the search",
  }),
  countedAt: Nullable(
    Type.String({
      format: "date-time",
      description:
        "For a search with no filter, when the open tenders were counted (counted at most once a minute); otherwise null",
    }),
  ),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  pageCount: Type.Integer(),
  opportunities: Type.Array(OpportunityResponse),
});

export const SavedSearchParams = Type.Object({ id: Uuid });

export const SavedSearchBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: SAVED_SEARCH_LIMITS.name }),
    alerts: Type.Optional(
      Type.Boolean({
        description: "Tell me (inbox and email) of each new tender it matches; true by default",
      }),
    ),
    criteria: Type.Optional(CriteriaBody),
  },
  { additionalProperties: false },
);
export type SavedSearchBody = Static<typeof SavedSearchBody>;

export const SavedSearchChangeBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: SAVED_SEARCH_LIMITS.name })),
    alerts: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type SavedSearchChangeBody = Static<typeof SavedSearchChangeBody>;

export const SavedSearchResponse = Type.Object({
  id: Uuid,
  name: Type.String(),
  alerts: Type.Boolean(),
  criteria: CriteriaResponse,
  alertsSent: Type.Integer({ description: "How many tenders it has alerted of" }),
  createdAt: Instant,
  updatedAt: Instant,
  pageUrl: Type.String({ description: "The search on the site" }),
  apiUrl: Type.String({ description: "The search in this API" }),
});
export type SavedSearchResponse = Static<typeof SavedSearchResponse>;

export const SavedSearchListResponse = Type.Object({
  savedSearches: Type.Array(SavedSearchResponse),
  limit: Type.Integer({ description: "The most saved searches one person may keep" }),
});
