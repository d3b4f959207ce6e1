/**
 * Request and response schemas of complaints about commissioning
 * (/api/v1/organisations/:id/commissioning-…) and of the API for complaints without an account
 * (/api/v1/complaints/without-account, /api/v1/complaints/track…). Types and lengths here (400); the
 * rules in the services.
 */
import { Type } from "typebox";
import { IsoDate, Nullable, Strings, Uuid } from "../../http/schemas.ts";
import { CommentBody, EscalateBody } from "./ombudsman.schemas.ts";
import { Complaint } from "./redress.schemas.ts";
import { COMPLAINT_LIMITS } from "./redress.service.ts";
import { ABOUT, COMPLAINT_STATUSES } from "./redress.table.ts";
import { PERSON_REGIME_CODES } from "./regimes.ts";

export const CommissioningSubject = Type.Object({
  key: Type.String({ description: "Send as `subject` to complain about it" }),
  kind: Strings(["tender", "contract"] as const),
  authorityId: Uuid,
  id: Uuid,
  title: Type.String(),
  authorityName: Type.String(),
});

export const CommissioningSubjects = Type.Object({
  subjects: Type.Array(CommissioningSubject, {
    description:
      "The tenders the organisation registered interest in and the contracts it holds, the most recent 100 of each",
  }),
});

const common = {
  whatHappened: Type.String({ maxLength: COMPLAINT_LIMITS.whatHappened }),
  happenedOn: IsoDate,
  knewOn: Type.Optional(IsoDate),
  outcomeWanted: Type.String({ maxLength: COMPLAINT_LIMITS.outcomeWanted }),
  phone: Type.Optional(Type.String({ maxLength: COMPLAINT_LIMITS.phone })),
  consent: Type.Boolean({
    description: "Consent to share the complaint with the body that answers it: required",
  }),
};

export const CommissioningComplaintBody = Type.Object({
  subject: Type.String({ maxLength: 120, description: "A subject's key (GET …/commissioning-subjects)" }),
  ...common,
});

export const WithoutAccountBody = Type.Object({
  name: Type.String({ maxLength: 200 }),
  email: Type.String({ maxLength: 320 }),
  about: Strings(ABOUT),
  organisationId: Type.Optional(Uuid),
  authorityId: Uuid,
  preferCommissioner: Type.Optional(Type.Boolean()),
  regime: Strings(PERSON_REGIME_CODES),
  actingAs: Strings(["self", "public"] as const),
  ...common,
});

export const WithoutAccountSent = Type.Object({
  sent: Type.Boolean(),
  message: Type.String(),
});

const Token = Type.String({
  maxLength: 200,
  description: "The token of the link emailed to the complainant (never put it in a path)",
});
export const TokenQuery = Type.Object({ token: Type.Optional(Token) });
export const TokenBody = Type.Object({ token: Type.Optional(Token) });

export const TrackedComplaint = Type.Object({
  reference: Type.String(),
  status: Strings(COMPLAINT_STATUSES),
  answerer: Type.String({ description: "Who answers it" }),
  complaint: Nullable(Complaint),
});

/** Escalating, or commenting on a draft decision, by the link's token (in the body, or the query). */
export const EscalateByTokenBody = Type.Object({ ...EscalateBody.properties, token: Type.Optional(Token) });
export const CommentByTokenBody = Type.Object({ ...CommentBody.properties, token: Type.Optional(Token) });
