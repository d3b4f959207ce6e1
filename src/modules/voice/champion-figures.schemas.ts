/**
 * The area figures of choice' response (GET /api/v1/choice/areas/{areaCode}/figures): per service
 * type the open lists, providers, capacity and prices; "choice not available" and feedback per
 * month, small numbers suppressed (null).
 */
import { Type } from "typebox";
import { Instant, Nullable, PenceText, Strings, Uuid } from "../../http/schemas.ts";
import { OFFER_CAPACITY_UNITS, TARIFF_UNITS } from "../choice/area-figures.service.ts";

export const AreaParams = Type.Object({
  areaCode: Type.String({ maxLength: 20, description: "ONS GSS code of the area" }),
});

const Suppressed = (description: string) =>
  Nullable(Type.Integer({ minimum: 0, description: `${description}; null when 1 to 9 (suppressed)` }));

const Month = Type.String({ pattern: "^[0-9]{4}-[0-9]{2}$", description: "YYYY-MM" });

export const AreaFiguresResponse = Type.Object({
  area: Type.Object({ code: Type.String({ description: "ONS GSS code" }), name: Type.String() }),
  countedAt: Instant,
  serviceTypes: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      lists: Type.Array(
        Type.Object({
          authority: Type.Object({ id: Uuid, name: Type.String(), slug: Type.String() }),
          id: Uuid,
          title: Type.String(),
          tariff: PenceText,
          tariffUnit: Strings(TARIFF_UNITS),
          members: Type.Integer(),
          pageUrl: Type.String(),
        }),
        { description: "The open approved-provider lists of this service type covering the area" },
      ),
      providers: Type.Integer({ description: "Providers on at least one of the lists, each once" }),
      capacity: Type.Array(
        Type.Object({
          unit: Strings(OFFER_CAPACITY_UNITS),
          total: Type.Integer({ description: "Each provider once: its largest offer in the unit" }),
          providers: Type.Integer({ description: "Providers stating it" }),
          oldestStatedOn: Type.String({ format: "date", description: "The oldest offer counted" }),
        }),
      ),
      prices: Type.Array(
        Type.Object({
          unit: Strings(TARIFF_UNITS),
          tariffLowest: PenceText,
          tariffHighest: PenceText,
          priceLowest: Nullable(PenceText),
          priceHighest: Nullable(PenceText),
          below: Type.Integer({ description: "Offers below their list's tariff" }),
          atTariff: Type.Integer(),
          above: Type.Integer({ description: "Offers above their list's tariff" }),
        }),
      ),
    }),
  ),
  listsCapped: Type.Boolean({ description: "More open lists cover the area than are given" }),
  choiceNotAvailable: Type.Array(
    Type.Object({
      month: Month,
      records: Suppressed("Records made in the month by or for people in the area"),
      answeredOnTime: Suppressed("Answered by the day due"),
      answeredLate: Suppressed("Answered after the day due"),
      waiting: Suppressed("Not answered yet"),
      overdue: Suppressed("Not answered, past the day due"),
    }),
    { description: "The last 12 months, oldest first" },
  ),
  feedback: Type.Array(
    Type.Object({
      month: Month,
      reviews: Suppressed("Published reviews by people in the area of services in the month"),
      averageStars: Nullable(
        Type.Number({ description: "1 to 5, one decimal; null when suppressed or none" }),
      ),
    }),
    { description: "The last 12 months, oldest first" },
  ),
});
