/**
 * Request and response schemas of complaints (/api/v1/complaints, /api/v1/me/complaints,
 * /api/v1/authorities/:authorityId/complaints/…, /api/v1/organisations/:id/complaints). Types and
 * lengths here (400); the rules in the services.
 */
import { Type } from "typebox";
import { IsoDate, Nullable, Strings, Uuid } from "../../http/schemas.ts";
import { COMPLAINT_LIMITS } from "./redress.service.ts";
import { ABOUT, ACTING_AS, ANSWERERS, COMPLAINT_STATUSES, FINDINGS } from "./redress.table.ts";
import { REGIME_CODES, STEP_CODES } from "./regimes.ts";

export const ComplaintParams = Type.Object({ authorityId: Uuid, complaintId: Uuid });
export const OrganisationParams = Type.Object({ id: Uuid });

export const MakeComplaintBody = Type.Object({
  about: Strings(ABOUT),
  organisationId: Type.Optional(Uuid),
  authorityId: Uuid,
  preferCommissioner: Type.Optional(Type.Boolean()),
  regime: Strings(REGIME_CODES),
  actingAs: Strings(ACTING_AS),
  personId: Type.Optional(Uuid),
  whatHappened: Type.String({ maxLength: COMPLAINT_LIMITS.whatHappened }),
  happenedOn: IsoDate,
  knewOn: Type.Optional(IsoDate),
  outcomeWanted: Type.String({ maxLength: COMPLAINT_LIMITS.outcomeWanted }),
  phone: Type.Optional(Type.String({ maxLength: COMPLAINT_LIMITS.phone })),
  consent: Type.Boolean({
    description: "Consent to share the complaint with the body that answers it: required",
  }),
});

export const LateDecisionBody = Type.Object({
  decision: Strings(["waived", "declined"] as const),
  reason: Type.String({ maxLength: COMPLAINT_LIMITS.reason }),
});
export const ExtendBody = Type.Object({
  toOn: IsoDate,
  reason: Type.String({ maxLength: COMPLAINT_LIMITS.reason }),
  /** A period as may be agreed (NHS and adult social care): the day the complainant agreed it (required there). */
  agreedOn: Type.Optional(IsoDate),
});
export const ExplainBody = Type.Object({
  explanation: Type.String({ maxLength: COMPLAINT_LIMITS.reason }),
});
export const RespondBody = Type.Object({
  finding: Strings(FINDINGS),
  response: Type.String({ maxLength: COMPLAINT_LIMITS.response }),
  remedy: Type.Optional(Type.String({ maxLength: COMPLAINT_LIMITS.remedy })),
  explanation: Type.Optional(Type.String({ maxLength: COMPLAINT_LIMITS.reason })),
});

const StepStates = [
  "waiting",
  "due-today",
  "overdue",
  "explanation-owed",
  "done-on-time",
  "done-late",
  "not-started",
  "not-needed",
] as const;

const Step = Type.Object({
  step: Strings(STEP_CODES),
  dueOn: Nullable(IsoDate),
  firstDueOn: Nullable(IsoDate),
  doneOn: Nullable(IsoDate),
  state: Strings(StepStates),
  rule: Type.String({ description: "The rule that sets the deadline" }),
});

const Stage = Type.Object({
  stage: Type.Integer(),
  name: Type.String(),
  receivedOn: IsoDate,
  steps: Type.Array(Step),
  extensionReason: Type.String({ description: "The latest extension's reason" }),
  extensions: Type.Array(
    Type.Object({
      fromOn: IsoDate,
      toOn: IsoDate,
      reason: Type.String(),
      agreedOn: Nullable(IsoDate),
    }),
    { description: "Every extension of the stage's answer, in order" },
  ),
  finding: Nullable(Strings(FINDINGS)),
  response: Type.String(),
  remedy: Type.String(),
  explanation: Type.String(),
});

export const Complaint = Type.Object({
  id: Uuid,
  reference: Type.String(),
  authorityId: Uuid,
  regime: Strings(REGIME_CODES),
  about: Strings(ABOUT),
  organisation: Nullable(Type.Object({ id: Uuid, name: Type.String() })),
  responsibleAuthority: Type.Object({ id: Uuid, name: Type.String() }),
  answerer: Strings(ANSWERERS),
  noCommissionerFound: Type.Boolean(),
  actingAs: Strings(ACTING_AS),
  whatHappened: Type.String(),
  happenedOn: IsoDate,
  knewOn: Nullable(IsoDate),
  outcomeWanted: Type.String(),
  receivedOn: IsoDate,
  timeLimitEndsOn: IsoDate,
  inTime: Type.Boolean(),
  lateDecision: Nullable(Strings(["waived", "declined"] as const)),
  lateReason: Type.String(),
  stage: Type.Integer(),
  status: Strings(COMPLAINT_STATUSES),
  nextDueOn: Nullable(IsoDate),
  stages: Type.Array(Stage),
  nextStageBy: Nullable(IsoDate),
  ombudsman: Nullable(
    Type.Object({
      route: Type.String({ description: "route, mp-referral-needed, no-ombudsman or adjudicator" }),
      ombudsman: Nullable(Type.String({ description: "The ombudsman's code, or adjudicator" })),
      serviceArea: Type.Optional(
        Type.String({ description: "For the adjudicator: the service area (a service category code)" }),
      ),
      readiness: Type.String({
        description: "ready, body-late, body-has-time, next-stage-first or declined",
      }),
    }),
  ),
  commissioning: Type.Optional(
    Nullable(
      Type.Object(
        {
          /** The organisation complaining; null: an appeal made by a person for themself. */
          organisationId: Nullable(Uuid),
          kind: Strings(["tender", "contract", "spin-out", "barrier"] as const),
          id: Uuid,
          title: Type.String(),
          serviceArea: Type.String({
            description: "A service category code: its adjudicator is the second tier",
          }),
          appealGrounds: Type.Array(Type.String(), {
            description: "An appeal (spin-out, barrier): the adjudicator's published grounds it relies on",
          }),
        },
        {
          description:
            "A complaint about commissioning (a tender or contract), or an appeal to the adjudicator (a refused spin-out, an unanswered barrier)",
        },
      ),
    ),
  ),
  /** The consumer champion whose people made the complaint for the person. */
  championId: Type.Optional(Nullable(Uuid)),
  pageUrl: Type.String(),
});

export const ComplaintList = Type.Object({
  complaints: Type.Array(Complaint),
  next: Nullable(Type.String({ description: "Pass as `after` for the next page; null on the last page" })),
});

export const PageQuery = Type.Object({
  after: Type.Optional(
    Type.String({ maxLength: 400, description: "The page after this key: a previous answer's `next`" }),
  ),
});

export const BodyQuery = Type.Object({
  filter: Type.Optional(Strings(["all", "due", "overdue", "answered"] as const)),
  after: Type.Optional(
    Type.String({ maxLength: 400, description: "The page after this key: a previous answer's `next`" }),
  ),
});

export const BodyComplaint = Type.Object({
  id: Uuid,
  reference: Type.String(),
  authorityId: Uuid,
  regime: Strings(REGIME_CODES),
  stage: Type.Integer(),
  status: Strings(COMPLAINT_STATUSES),
  receivedOn: IsoDate,
  nextDueOn: Nullable(IsoDate),
  state: Strings(["due", "overdue", "answered", "accepted", "declined", "escalated"] as const),
  pageUrl: Type.String(),
});

export const BodyComplaints = Type.Object({
  complaints: Type.Array(BodyComplaint),
  next: Nullable(Type.String({ description: "Pass as `after` for the next page; null on the last page" })),
});
