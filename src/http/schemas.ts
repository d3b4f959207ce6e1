/**
 * The JSON API's shared schema pieces (TypeBox), one of each: the error body every route answers
 * with, ids, dates, instants, money and basis points as the API writes them, enumerations and
 * nullable values, and the parameters of routes under an authority.
 */
import { type TEnum, Type } from "typebox";

/** What every error answers: the code, what went wrong and what to do, each field at fault. */
export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      details: Type.Optional(
        Type.Array(Type.Object({ field: Type.Optional(Type.String()), message: Type.String() })),
      ),
      requestId: Type.String(),
    }),
  },
  { description: "What went wrong, each field at fault, and what to do" },
);

export const Uuid = Type.String({ format: "uuid" });

/** A London calendar date. */
export const IsoDate = Type.String({
  format: "date",
  description: "A London calendar date, like 2027-04-01",
});

/** An instant. */
export const Instant = Type.String({
  format: "date-time",
  description: "A date and time with its offset, like 2027-01-15T12:00:00Z (shown in Europe/London)",
});

/** Money as the API writes it: whole pence, as digits (never a float). */
export const PenceText = Type.String({ pattern: "^[0-9]{1,18}$", description: "Whole pence, as digits" });

/** Money as people type it, parsed to pence by the service. */
export const MoneyText = (description = 'Pounds, like "£1,234.56" or "1234.56"') =>
  Type.String({ minLength: 1, maxLength: 40, description });

/** A rate or weight in basis points (10,000 = 100%). */
export const Bp = (description: string) => Type.Integer({ minimum: 0, maximum: 10000, description });

export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

/** One of these strings (its static type is their union). */
export const Strings = <const T extends readonly string[]>(values: T): TEnum<[...T]> =>
  Type.Enum([...values], { type: "string" }) as TEnum<[...T]>;

/** Routes under `/api/v1/authorities/:authorityId`. */
export const AuthorityParams = Type.Object({ authorityId: Uuid });

/**
 * The query of a list read a page at a time by key (`src/db/paging.ts`): spread into a route's
 * querystring schema.
 */
export const PageKeyQuery = {
  after: Type.Optional(
    Type.String({ maxLength: 400, description: "The page after this key: a previous answer's `next`" }),
  ),
  before: Type.Optional(
    Type.String({ maxLength: 400, description: "The page before this key: a previous answer's `previous`" }),
  ),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
};

/** What an answer of such a list says of its size and the pages either side: spread into its schema. */
export const PageKeyResponse = {
  total: Type.Integer({ description: "How many match (see totalIsAtLeast)" }),
  totalIsAtLeast: Type.Boolean({
    description: "True when more match than total says: counting stops at 1,000",
  }),
  next: Nullable(Type.String({ description: "Pass as `after` for the next page; null on the last page" })),
  previous: Nullable(
    Type.String({ description: "Pass as `before` for the previous page; null on the first page" }),
  ),
};

/**
 * Every request that moves money names its key (a new UUID for each new request; the same for a
 * retry): personal budgets' money, payment by results' corrections.
 */
export const IdempotencyHeaders = Type.Object({
  "idempotency-key": Type.String({
    pattern: "^[A-Za-z0-9_-]{8,100}$",
    description:
      "The request's idempotency key: 8 to 100 letters, digits, hyphens or underscores (a new UUID for each new request). The same key with the same request answers what it answered the first time, without writing again (with `Idempotent-Replayed: true`); with a different request, 409.",
  }),
});
