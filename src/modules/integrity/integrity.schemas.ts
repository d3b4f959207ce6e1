/**
 * Schemas of the integrity indicators' API: the catalogue (/api/v1/integrity/indicators), an
 * authority's counts and flags (/api/v1/authorities/:authorityId/integrity) and a process's flags
 * (/api/v1/integrity/flags?ocid=).
 */
import { Type } from "typebox";
import { Instant, Nullable, PageKeyQuery, Strings, Uuid } from "../../http/schemas.ts";
import { INDICATOR_CODES, THRESHOLD_UNITS } from "./indicators.ts";
import { MAX_FLAGS_PAGE_SIZE } from "./integrity.service.ts";

/** The API's tag for every integrity operation. */
export const TAGS: [string] = ["integrity"];

const Bilingual = (description: string) =>
  Type.Object(
    { en: Type.String(), cy: Type.String() },
    { description: `${description}, in English and Welsh` },
  );
const Code = Strings(INDICATOR_CODES);

export const IndicatorsResponse = Type.Object({
  indicators: Type.Array(
    Type.Object({
      code: Code,
      scope: Strings(["process", "market", "authority"] as const),
      name: Bilingual("Its name"),
      meaning: Bilingual("What it means when it is raised"),
      notA: Bilingual("What it does not show"),
      thresholds: Type.Array(
        Type.Object({
          name: Type.String({ description: "The threshold's name within the indicator" }),
          value: Type.Number(),
          unit: Strings(THRESHOLD_UNITS),
          reason: Bilingual("Why this value: its rule or source"),
        }),
      ),
      reads: Type.Array(Type.String(), { description: "The OCDS fields (of a compiled release) it reads" }),
      sources: Type.Array(
        Type.Object({ title: Bilingual("Its title"), url: Type.String({ format: "uri" }) }),
      ),
    }),
  ),
});

const Flag = Type.Object({
  ocid: Type.String(),
  code: Code,
  raisedAt: Instant,
  title: Type.String({ description: "The contracting process's title (or the service challenged)" }),
  url: Type.String({ description: "Its page" }),
  values: Type.Record(Type.String(), Type.Unknown(), { description: "The values it was raised on" }),
  why: Bilingual("Why it was raised"),
});

const Count = Type.Object({
  count: Type.Integer({ minimum: 0 }),
  atLeast: Type.Boolean({ description: "True when there are more than count: counts stop at 1,000" }),
});
const Counts = Type.Object(Object.fromEntries(INDICATOR_CODES.map((c) => [c, Count])));

export const AuthorityIntegrityQuery = Type.Object({
  indicator: Type.Optional(Code),
  after: PageKeyQuery.after,
  before: PageKeyQuery.before,
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_FLAGS_PAGE_SIZE, default: 20 })),
});

export const AuthorityIntegrityResponse = Type.Object({
  authority: Type.Object({ id: Uuid, name: Type.String(), slug: Type.String() }),
  note: Type.String(),
  counts: Counts,
  fewerThanThreeBids: Type.Object({
    awarded: Type.Integer({ description: "Awards made with fewer than three bids (or compliant bids)" }),
    justified: Type.Integer({ description: "Of those, how many were published with a justification" }),
  }),
  indicator: Nullable(Code),
  flags: Type.Array(Flag),
  next: Nullable(Type.String({ description: "Pass as `after` for the next page; null on the last page" })),
  previous: Nullable(
    Type.String({ description: "Pass as `before` for the previous page; null on the first page" }),
  ),
});

export const FlagsQuery = Type.Object({
  ocid: Type.String({ minLength: 1, maxLength: 250, description: "The contracting process's ocid" }),
});

export const FlagsResponse = Type.Object({
  ocid: Type.String(),
  note: Type.String(),
  flags: Type.Array(Flag),
});
