/**
 * Request and response schemas of arrangements and "choice not available"
 * (/api/v1/authorities/:authorityId/people/:personId/…, …/arrangements/…, …/choice-not-available/…,
 * /api/v1/organisations/:organisationId/arrangements). Types and lengths here (400); the rules in
 * the services.
 */
import { Type } from "typebox";
import { IsoDate, Nullable, PenceText, Strings, Uuid } from "../../http/schemas.ts";
import { ARRANGEMENT_LIMITS } from "./arrangements.service.ts";
import { PAID_FROM, PRICE_SOURCES, TARIFF_UNITS, UNAVAILABLE_OUTCOMES } from "./choice.table.ts";
import { UNAVAILABLE_LIMITS } from "./unavailable.service.ts";

export const PersonParams = Type.Object({ authorityId: Uuid, personId: Uuid });
export const ArrangementParams = Type.Object({ authorityId: Uuid, arrangementId: Uuid });
export const UnavailableParams = Type.Object({ authorityId: Uuid, recordId: Uuid });
export const OrganisationParams = Type.Object({ id: Uuid });

export const ArrangeBody = Type.Object({
  planId: Uuid,
  paidFrom: Strings(PAID_FROM),
  needId: Type.Optional(Uuid),
  organisationId: Uuid,
  listId: Type.Optional(Uuid),
  categoryCode: Type.Optional(
    Type.String({ maxLength: 100, description: "Off a list: the service type (a service category code)" }),
  ),
  unit: Type.Optional(Strings(TARIFF_UNITS)),
  agreedPrice: Type.Optional(
    Type.String({ maxLength: 20, description: "Off a list: the price agreed per unit, like 21.50" }),
  ),
  description: Type.String({ maxLength: ARRANGEMENT_LIMITS.description }),
  unitsPerWeek: Type.String({ maxLength: 10, description: 'Units a week in the price\'s unit, like "7.5"' }),
  startsOn: IsoDate,
  endsOn: Type.Optional(IsoDate),
});

export const DeclineBody = Type.Object({ reason: Type.String({ maxLength: ARRANGEMENT_LIMITS.reason }) });
export const EndBody = Type.Object({
  endsOn: IsoDate,
  reason: Type.String({ maxLength: ARRANGEMENT_LIMITS.reason }),
});

export const Arrangement = Type.Object({
  id: Uuid,
  authorityId: Uuid,
  personId: Uuid,
  planId: Uuid,
  needId: Nullable(Uuid),
  provider: Type.Object({ id: Uuid, name: Type.String() }),
  listId: Nullable(Uuid),
  paidFrom: Strings(PAID_FROM),
  serviceType: Type.Object({ code: Type.String(), name: Type.String() }),
  description: Type.String(),
  unitsPerWeek: Type.String(),
  unit: Strings(TARIFF_UNITS),
  price: Type.Object({ pence: PenceText, text: Type.String() }),
  priceSource: Strings(PRICE_SOURCES),
  weeklyCost: Type.Object({ pence: PenceText, text: Type.String() }),
  startsOn: IsoDate,
  endsOn: Nullable(IsoDate),
  status: Strings(["proposed", "accepted", "declined"] as const),
  phase: Strings(["proposed", "live", "declined", "ended"] as const),
  declineReason: Type.String(),
  endReason: Type.String(),
  pageUrl: Type.String(),
});

export const RecordUnavailableBody = Type.Object({
  needId: Type.Optional(Uuid),
  categoryCode: Type.String({ maxLength: 100 }),
  areaCode: Type.String({ maxLength: 20 }),
  tried: Type.String({
    maxLength: UNAVAILABLE_LIMITS.tried,
    description: "Which providers were tried, and why not",
  }),
});

export const AnswerUnavailableBody = Type.Object({
  outcome: Strings(UNAVAILABLE_OUTCOMES),
  answer: Type.String({ maxLength: UNAVAILABLE_LIMITS.answer }),
});

export const Unavailable = Type.Object({
  id: Uuid,
  authorityId: Uuid,
  personId: Uuid,
  needId: Nullable(Uuid),
  serviceType: Type.Object({ code: Type.String(), name: Type.String() }),
  area: Type.Object({ code: Type.String(), name: Type.String() }),
  tried: Type.String(),
  recordedOn: IsoDate,
  dueOn: IsoDate,
  answerWorkingDays: Type.Integer(),
  state: Strings(["answered-on-time", "answered-late", "due", "overdue"] as const),
  answeredOn: Nullable(IsoDate),
  outcome: Nullable(Strings(UNAVAILABLE_OUTCOMES)),
  answer: Type.String(),
  pageUrl: Type.String(),
});

/** A part of a plan's budget that no longer covers what is arranged from it (a new version gave less). */
export const OverBudget = Type.Object({
  planId: Uuid,
  paidFrom: Strings(PAID_FROM),
  arranged: Type.Object({ pence: PenceText, text: Type.String() }, { description: "A week" }),
  budgetGives: Type.Object({ pence: PenceText, text: Type.String() }, { description: "A week" }),
});

export const PersonChoiceResponse = Type.Object({
  arrangements: Type.Array(Arrangement),
  choiceNotAvailable: Type.Array(Unavailable),
  overBudget: Type.Array(OverBudget, {
    description: "Where a plan's budget no longer covers the arrangements paid from it; none is ended",
  }),
});

export const ProviderArrangementsResponse = Type.Object({
  proposed: Type.Array(Arrangement),
  live: Type.Array(Arrangement),
  ended: Type.Array(Arrangement),
  more: Type.Boolean({ description: "More than the newest 50 exist" }),
});
