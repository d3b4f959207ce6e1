/**
 * Request and response schemas of the regulation API: regulators, the register of locations with
 * current ratings, a location with its rating history and enforcement, the full rating history, and
 * the regulator's writes (record an inspection, publish it) and the provider's (challenge a fact).
 * Types and lengths here (400, every field at fault); ratings off the scale are refused here too.
 */
import { type Static, Type } from "typebox";
import { Instant, IsoDate, Nullable, PageKeyQuery, PageKeyResponse, Uuid } from "../../http/schemas.ts";
import { LIMITS } from "./regulation.service.ts";
import {
  CAPACITY_UNITS,
  ENFORCEMENT_KINDS,
  INSPECTION_STATUSES,
  RATINGS,
  REGISTRATION_STATUSES,
} from "./regulation.table.ts";

const RatingSchema = Type.Enum([...RATINGS], {
  type: "string",
  description: "outstanding, good, requires-improvement or inadequate",
});

export const RegulatorParams = Type.Object({ regulatorId: Uuid });
export const LocationParams = Type.Object({ locationId: Uuid });
export const RegulatorLocationParams = Type.Object({ regulatorId: Uuid, locationId: Uuid });
export const RegulatorInspectionParams = Type.Object({ regulatorId: Uuid, inspectionId: Uuid });

export const RegulatorResponse = Type.Object({
  id: Uuid,
  name: Type.String(),
  slug: Type.String(),
  serviceTypes: Type.Array(Type.String(), { description: "Service category codes it covers" }),
  regulatedActivities: Type.Array(Type.String()),
  reinspectionMonths: Type.Integer(),
  factualAccuracyWorkingDays: Type.Integer(),
  representationDays: Type.Integer(),
  pageUrl: Type.String(),
});
export const RegulatorsResponse = Type.Object({ regulators: Type.Array(RegulatorResponse) });

const KeyQuestionRatings = Type.Object({
  safe: RatingSchema,
  effective: RatingSchema,
  caring: RatingSchema,
  responsive: RatingSchema,
  "well-led": RatingSchema,
});

export const CurrentRating = Type.Object({
  inspectionId: Uuid,
  overall: RatingSchema,
  keyQuestions: Nullable(KeyQuestionRatings),
  inspectedOn: IsoDate,
  publishedAt: Instant,
  reportUrl: Type.String(),
});

export const LocationResponse = Type.Object({
  id: Uuid,
  name: Type.String(),
  regulator: Type.Object({ id: Uuid, name: Type.String() }),
  provider: Type.Object({ id: Uuid, name: Type.String() }),
  status: Type.Enum([...REGISTRATION_STATUSES], { type: "string" }),
  conditions: Type.String(),
  address: Type.Object({ line1: Type.String(), town: Type.String(), postcode: Type.String() }),
  area: Type.Object({ code: Type.String(), name: Type.String() }),
  capacity: Type.Integer(),
  capacityUnit: Type.Enum([...CAPACITY_UNITS], { type: "string" }),
  serviceTypes: Type.Array(Type.String()),
  regulatedActivities: Type.Array(Type.String()),
  currentRating: Nullable(CurrentRating),
  specialMeasures: Type.Boolean(),
  enforcementInForce: Type.Integer(),
  pageUrl: Type.String(),
});
export type LocationResponse = Static<typeof LocationResponse>;

export const RegisterQuery = Type.Object(
  {
    serviceType: Type.Optional(Type.String({ maxLength: 100 })),
    areaCode: Type.Optional(Type.String({ maxLength: 20 })),
    postcodeDistrict: Type.Optional(Type.String({ maxLength: 10 })),
    rating: Type.Optional(Type.Enum([...RATINGS, "unrated"], { type: "string" })),
    ...PageKeyQuery,
  },
  { additionalProperties: false },
);
export const RegisterResponse = Type.Object({
  locations: Type.Array(LocationResponse, {
    description: "A page of locations: best rated first, then by name",
  }),
  ...PageKeyResponse,
});

export const RatingRecord = Type.Object({
  inspectionId: Uuid,
  locationId: Uuid,
  locationName: Type.String(),
  regulatorId: Uuid,
  providerId: Uuid,
  inspectedOn: IsoDate,
  publishedAt: Instant,
  keyQuestions: KeyQuestionRatings,
  breach: Type.Boolean(),
  calculatedOverall: RatingSchema,
  overall: RatingSchema,
  departureReason: Nullable(Type.String()),
});
export const RatingHistoryResponse = Type.Object({ ratings: Type.Array(RatingRecord) });

export const InspectionResponse = Type.Object({
  id: Uuid,
  locationId: Uuid,
  status: Type.Enum([...INSPECTION_STATUSES], { type: "string" }),
  inspectedOn: IsoDate,
  inspectors: Type.String(),
  evidenceSummary: Type.String(),
  keyQuestions: KeyQuestionRatings,
  breach: Type.Boolean(),
  breachDetails: Type.String(),
  calculatedOverall: RatingSchema,
  overall: RatingSchema,
  departureReason: Nullable(Type.String()),
  challengeEndsAt: Instant,
  publishedAt: Nullable(Instant),
  version: Type.Integer({
    minimum: 1,
    description: "The draft's version: 1 as first sent, one more at each correction",
  }),
  challenges: Type.Array(
    Type.Object({
      id: Uuid,
      point: Type.String(),
      outcome: Nullable(Type.Enum(["accepted", "rejected"], { type: "string" })),
      response: Nullable(Type.String()),
      correctedIn: Nullable(
        Type.Integer({
          minimum: 2,
          description: "The version of the draft that reflects an accepted point; null until corrected",
        }),
      ),
    }),
  ),
  corrections: Type.Array(
    Type.Object({
      version: Type.Integer({ minimum: 2 }),
      summary: Type.String({ description: "What was corrected" }),
      correctedAt: Instant,
    }),
  ),
  reportUrl: Type.String(),
});

export const LocationDetailResponse = Type.Object({
  location: LocationResponse,
  ratingHistory: Type.Array(InspectionResponse),
  enforcement: Type.Array(
    Type.Object({
      id: Uuid,
      kind: Type.Enum([...ENFORCEMENT_KINDS], { type: "string" }),
      details: Type.String(),
      issuedAt: Instant,
      representationsUntil: Nullable(IsoDate),
      inForce: Type.Boolean(),
      resolvedAt: Nullable(Instant),
      resolution: Nullable(Type.String()),
    }),
  ),
  registrationHistory: Type.Array(
    Type.Object({
      from: Nullable(Type.String()),
      to: Type.String(),
      reason: Type.String(),
      conditions: Type.String(),
      at: Instant,
    }),
  ),
});

export const RecordInspectionBody = Type.Object(
  {
    inspectedOn: IsoDate,
    inspectors: Type.String({ minLength: 1, maxLength: LIMITS.inspectors }),
    evidenceSummary: Type.String({ minLength: 1, maxLength: LIMITS.evidence }),
    ratings: KeyQuestionRatings,
    breach: Type.Optional(Type.Boolean()),
    breachDetails: Type.Optional(Type.String({ maxLength: LIMITS.text })),
    overall: Type.Optional(RatingSchema),
    departureReason: Type.Optional(Type.String({ maxLength: LIMITS.text })),
  },
  { additionalProperties: false },
);
export type RecordInspectionBody = Static<typeof RecordInspectionBody>;

export const CorrectionBody = Type.Object(
  {
    ...RecordInspectionBody.properties,
    corrections: Type.String({
      minLength: 1,
      maxLength: LIMITS.text,
      description: "What was corrected, and which challenged points it answers (published with the report)",
    }),
  },
  { additionalProperties: false },
);

export const ChallengeBody = Type.Object(
  { point: Type.String({ minLength: 1, maxLength: LIMITS.text }) },
  { additionalProperties: false },
);
export const ChallengeResponse = Type.Object({ id: Uuid });

export const ApplicationBody = Type.Object(
  {
    organisationId: Uuid,
    name: Type.String({ minLength: 1, maxLength: LIMITS.name }),
    addressLine1: Type.String({ minLength: 1, maxLength: LIMITS.address }),
    town: Type.String({ minLength: 1, maxLength: LIMITS.town }),
    postcode: Type.String({ minLength: 5, maxLength: 10 }),
    areaCode: Type.String({
      minLength: 1,
      maxLength: 20,
      description: "The local authority area's GSS code",
    }),
    capacity: Type.Integer({ minimum: 0, maximum: 100000 }),
    capacityUnit: Type.Enum([...CAPACITY_UNITS], { type: "string" }),
    registeredManager: Type.String({ minLength: 1, maxLength: LIMITS.name }),
    serviceTypes: Type.Array(Type.String({ maxLength: 100 }), { minItems: 1, maxItems: 30 }),
    activities: Type.Array(Type.String({ maxLength: 100 }), { minItems: 1, maxItems: 30 }),
  },
  { additionalProperties: false },
);

export const DecisionBody = Type.Object(
  {
    to: Type.Enum(["registered", "refused", "dormant", "suspended"], { type: "string" }),
    reason: Type.String({ minLength: 1, maxLength: LIMITS.text }),
    conditions: Type.Optional(Type.String({ maxLength: LIMITS.text })),
  },
  { additionalProperties: false },
);

export const AnswerBody = Type.Object(
  {
    outcome: Type.Enum(["accepted", "rejected"], { type: "string" }),
    response: Type.String({ minLength: 1, maxLength: LIMITS.text }),
  },
  { additionalProperties: false },
);

export const EnforcementBody = Type.Object(
  {
    kind: Type.Enum([...ENFORCEMENT_KINDS], { type: "string" }),
    details: Type.String({ minLength: 1, maxLength: LIMITS.text }),
  },
  { additionalProperties: false },
);

export const CancelBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: LIMITS.text }) },
  { additionalProperties: false },
);

export const RegulatorChallengeParams = Type.Object({
  regulatorId: Uuid,
  inspectionId: Uuid,
  challengeId: Uuid,
});

export const RegimeBody = Type.Object(
  {
    serviceTypes: Type.Array(Type.String({ maxLength: 100 }), {
      maxItems: 100,
      description: "Service category codes",
    }),
    activities: Type.Array(Type.String({ maxLength: 100 }), {
      maxItems: 100,
      description: "Regulated activity codes",
    }),
    reinspectionMonths: Type.Integer({
      description: "Re-inspection is overdue this long after an Inadequate",
    }),
    factualAccuracyWorkingDays: Type.Integer({
      description: "The period to challenge a draft report's facts",
    }),
    representationDays: Type.Integer({ description: "After a notice of proposal to cancel" }),
  },
  { additionalProperties: false },
);

export const EnforcementActionParams = Type.Object({ regulatorId: Uuid, actionId: Uuid });
export const ResolveBody = Type.Object(
  { resolution: Type.String({ minLength: 1, maxLength: LIMITS.text, description: "How it was resolved" }) },
  { additionalProperties: false },
);
