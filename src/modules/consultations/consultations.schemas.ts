/**
 * Request and response schemas of the consultations API (/api/v1/consultations and
 * /api/v1/authorities/:authorityId/consultations). Types and lengths here (400, every field at
 * fault); known ids, the closing instant and combinations in the service (400 naming the field, or 422).
 */
import { type Static, Type } from "typebox";
import { AuthorityParams, Instant, Nullable, Strings, Uuid } from "../../http/schemas.ts";
import { CONSULTATION_LIMITS as L } from "./consultations.service.ts";
import { CONSULTATION_KINDS, CONSULTATION_STATUSES } from "./consultations.table.ts";

export { AuthorityParams };

export const ConsultationParams = Type.Object({ authorityId: Uuid, consultationId: Uuid });

export const ListQuery = Type.Object(
  {
    authority: Type.Optional(Type.String({ maxLength: 200, description: "An authority's slug" })),
    kind: Type.Optional(Type.Enum([...CONSULTATION_KINDS], { type: "string" })),
    status: Type.Optional(Type.Enum(["open", "closed", "summary-published"], { type: "string" })),
  },
  { additionalProperties: false },
);

const SectionBody = Type.Object(
  {
    heading: Type.String({ minLength: 1, maxLength: L.heading }),
    body: Type.Optional(
      Type.String({ maxLength: L.body, description: "The section of the draft specification" }),
    ),
    questions: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: L.question }), { maxItems: L.questions }),
    ),
  },
  { additionalProperties: false },
);

const writable = {
  kind: Type.Enum([...CONSULTATION_KINDS], { type: "string" }),
  projectId: Type.Optional(
    Nullable(
      Type.String({ format: "uuid", description: "The commissioning project (market engagement only)" }),
    ),
  ),
  title: Type.String({ minLength: 1, maxLength: L.title }),
  summary: Type.String({ minLength: 1, maxLength: L.summary }),
  audience: Type.String({ minLength: 1, maxLength: L.audience, description: "Who the consultation is for" }),
  closesAt: Type.String({
    format: "date-time",
    description: "When it closes: an ISO 8601 instant with its offset; must be in the future",
  }),
  sections: Type.Array(SectionBody, { minItems: 1, maxItems: L.sections }),
};

export const CreateConsultationBody = Type.Object(writable, { additionalProperties: false });
export const UpdateConsultationBody = Type.Partial(Type.Object(writable), {
  additionalProperties: false,
  minProperties: 1,
});

export const RespondBody = Type.Object(
  {
    organisationId: Type.Optional(
      Nullable(
        Type.String({ format: "uuid", description: "Respond for this organisation (one you act for)" }),
      ),
    ),
    showName: Type.Boolean({
      description: "Whether your name (or your organisation's) may be shown publicly with the response",
    }),
    sections: Type.Array(
      Type.Object(
        {
          sectionId: Uuid,
          comments: Type.Optional(Type.String({ maxLength: L.comments })),
          couldBeDifferent: Type.Optional(
            Type.Boolean({ description: "This could be delivered differently" }),
          ),
          couldDeliver: Type.Optional(Type.Boolean({ description: "We could deliver this" })),
          alternativeModel: Type.Optional(Type.String({ maxLength: L.alternative })),
          answers: Type.Optional(
            Type.Array(
              Type.Object(
                { questionId: Uuid, answer: Type.String({ maxLength: L.answer }) },
                { additionalProperties: false },
              ),
              { maxItems: L.questions },
            ),
          ),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: L.sections },
    ),
  },
  { additionalProperties: false },
);

export const AnswersBody = Type.Object(
  {
    answers: Type.Array(
      Type.Object(
        {
          responseId: Uuid,
          sectionId: Uuid,
          weDid: Type.String({ maxLength: L.weDid, description: "What the authority did; empty clears it" }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 1000 },
    ),
  },
  { additionalProperties: false },
);

export const PublishSummaryBody = Type.Object(
  { summaryText: Type.Optional(Type.String({ maxLength: L.summaryText })) },
  { additionalProperties: false },
);

const Named = Type.Object({ id: Uuid, name: Type.String(), slug: Type.String() });

export const ConsultationResponse = Type.Object({
  id: Uuid,
  authority: Named,
  kind: Strings(CONSULTATION_KINDS),
  project: Nullable(Type.Object({ id: Uuid, title: Type.String(), ocid: Type.String() })),
  ocid: Nullable(
    Type.String({ description: "For market engagement: the project's OCDS open contracting id" }),
  ),
  title: Type.String(),
  summary: Type.String(),
  audience: Type.String(),
  closesAt: Instant,
  status: Strings(CONSULTATION_STATUSES),
  publishedAt: Nullable(Instant),
  summaryPublishedAt: Nullable(Instant),
  summaryText: Type.String(),
  sections: Type.Array(
    Type.Object({
      id: Uuid,
      position: Type.Integer(),
      heading: Type.String(),
      body: Type.String(),
      questions: Type.Array(Type.Object({ id: Uuid, position: Type.Integer(), text: Type.String() })),
    }),
  ),
  pageUrl: Type.String(),
  createdAt: Instant,
  updatedAt: Instant,
});
export type ConsultationResponse = Static<typeof ConsultationResponse>;

export const ConsultationListResponse = Type.Object({
  consultations: Type.Array(ConsultationResponse),
});

export const ResponseItem = Type.Object({
  id: Uuid,
  respondent: Type.String({
    description: "The name, with consent; otherwise 'A provider (sector)' or 'A member of the public'",
  }),
  named: Type.Boolean(),
  respondentKind: Strings(["organisation", "individual"] as const),
  sentBy: Type.Optional(Type.String({ description: "For the authority's editors only" })),
  organisationName: Type.Optional(Nullable(Type.String({ description: "For the authority's editors only" }))),
  showName: Type.Boolean(),
  createdAt: Instant,
  updatedAt: Instant,
  sections: Type.Array(
    Type.Object({
      sectionId: Uuid,
      heading: Type.String(),
      comments: Type.String(),
      couldBeDifferent: Type.Boolean(),
      couldDeliver: Type.Boolean(),
      alternativeModel: Type.String(),
      answers: Type.Array(Type.Object({ questionId: Uuid, question: Type.String(), answer: Type.String() })),
      weDid: Nullable(Type.String()),
    }),
  ),
});

export const ResponsesResponse = Type.Object({
  consultation: ConsultationResponse,
  responses: Type.Array(ResponseItem),
});

export const RespondResponse = Type.Object({ id: Uuid, created: Type.Boolean() });
export const AnswersResponse = Type.Object({ answered: Type.Integer() });
