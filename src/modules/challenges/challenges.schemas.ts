/**
 * Request and response schemas of the Community Right to Challenge API
 * (/api/v1/right-to-challenge and /api/v1/authorities/:authorityId/right-to-challenge). Types and
 * lengths here (400, every field at fault); statutory grounds, relevant bodies, windows and states
 * in the service (422 or 409), so that a ground not in the statute is answered as such.
 */
import { type Static, Type } from "typebox";
import { Instant, IsoDate, Nullable, Strings, Uuid } from "../../http/schemas.ts";
import { NAME_LIMIT, POLICY_LIMITS, TEXT_LIMIT } from "./challenges.service.ts";
import {
  AGREEMENT_KINDS,
  APPLICANT_TYPES,
  CHALLENGE_STATUSES,
  DECISIONS,
  REJECTION_GROUNDS,
} from "./challenges.table.ts";
import { WINDOW_STATES } from "./policy.service.ts";

/** The API's tag for every Right to Challenge operation. */
export const TAGS: [string] = ["right-to-challenge"];

const Text = (description: string) => Type.String({ maxLength: TEXT_LIMIT, description });
const Count = Type.Integer({ minimum: 0 });

export const ChallengeParams = Type.Object({ authorityId: Uuid, challengeId: Uuid });
export const WindowParams = Type.Object({ authorityId: Uuid, windowId: Uuid });

export const PolicyBody = Type.Object(
  {
    decisionPeriodDays: Type.Integer({
      minimum: POLICY_LIMITS.decisionPeriodDays.min,
      maximum: POLICY_LIMITS.decisionPeriodDays.max,
      description: "Within how many days of an EOI's submission the authority decides on it",
    }),
    minProcurementDays: Type.Integer({
      minimum: POLICY_LIMITS.minProcurementDays.min,
      maximum: POLICY_LIMITS.minProcurementDays.max,
      description: "The least number of days between accepting an EOI and starting the procurement exercise",
    }),
    maxProcurementDays: Type.Integer({
      minimum: POLICY_LIMITS.maxProcurementDays.min,
      maximum: POLICY_LIMITS.maxProcurementDays.max,
      description: "The most days between accepting an EOI and starting the procurement exercise",
    }),
  },
  { additionalProperties: false },
);

export const PolicyResponse = Type.Object({
  decisionPeriodDays: Type.Integer(),
  minProcurementDays: Type.Integer(),
  maxProcurementDays: Type.Integer(),
  published: Type.Boolean({
    description: "False when the authority has published none and the platform defaults apply",
  }),
  publishedAt: Nullable(Instant),
  updatedAt: Nullable(Instant),
});

export const WindowBody = Type.Object(
  { serviceId: Uuid, opensOn: IsoDate, closesOn: IsoDate },
  { additionalProperties: false },
);

export const WindowResponse = Type.Object({
  id: Uuid,
  service: Type.Object({ id: Uuid, name: Type.String() }),
  opensOn: IsoDate,
  closesOn: IsoDate,
  state: Strings(WINDOW_STATES),
});

const CoSignatory = Type.Object(
  {
    name: Type.String({ maxLength: NAME_LIMIT }),
    jobTitle: Type.String({ maxLength: NAME_LIMIT }),
    email: Type.String({
      maxLength: 254,
      description:
        "Their work email address, on one of the authority's staff email domains (422 otherwise): they confirm from an account with it",
    }),
  },
  { additionalProperties: false },
);

const content = {
  financialResources: Type.Optional(
    Text("The financial resources of the body, and of each consortium member and sub-contractor"),
  ),
  partners: Type.Optional(Text("Consortium members and sub-contractors, if any, and what each brings")),
  capabilityEvidence: Type.Optional(
    Text(
      "Evidence that the body, and each consortium member and sub-contractor, will be capable of providing the service by the time of the procurement exercise",
    ),
  ),
  serviceArea: Type.Optional(Text("The service the body would provide and the area it would cover")),
  outcomes: Type.Optional(
    Text(
      "How the service would promote or improve the social, economic or environmental well-being of the area",
    ),
  ),
  userNeeds: Type.Optional(Text("How the service would meet the needs of its users")),
  employeeEngagement: Type.Optional(
    Text(
      "Employees only (required to submit): how they will engage the other employees of the authority affected",
    ),
  ),
};

export const DraftBody = Type.Object(
  {
    serviceId: Uuid,
    applicant: Type.Union([
      Type.Object(
        { type: Type.Literal("organisation"), organisationId: Uuid },
        { additionalProperties: false, description: "A relevant body in the directory you are a member of" },
      ),
      Type.Object(
        {
          type: Type.Literal("employees"),
          coSignatories: Type.Optional(Type.Array(CoSignatory, { maxItems: 50 })),
        },
        {
          additionalProperties: false,
          description:
            "Two or more of the authority's employees: you (the lead) and the co-signatories, each of whom confirms before it can be submitted",
        },
      ),
    ]),
    ...content,
    submit: Type.Optional(
      Type.Boolean({
        description: "Submit at once (422 listing each statutory item missing, nothing saved)",
      }),
    ),
  },
  { additionalProperties: false },
);
export type DraftBody = Static<typeof DraftBody>;

export const UpdateDraftBody = Type.Object(
  {
    serviceId: Type.Optional(Uuid),
    ...content,
    coSignatories: Type.Optional(Type.Array(CoSignatory, { maxItems: 50 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateDraftBody = Static<typeof UpdateDraftBody>;

export const ConsiderationBody = Type.Object(
  {
    consideredBy: Type.String({ minLength: 1, maxLength: 1000, description: "The officers' names or roles" }),
    consideredOn: IsoDate,
    evidence: Type.String({ minLength: 1, maxLength: TEXT_LIMIT, description: "The evidence weighed" }),
  },
  { additionalProperties: false },
);

const Grounds = Type.Array(Type.String({ maxLength: 100 }), {
  maxItems: 20,
  description: `Statutory grounds only: ${REJECTION_GROUNDS.join(", ")} (422 for any other)`,
});

export const ModificationBody = Type.Object(
  {
    modification: Type.String({ minLength: 1, maxLength: TEXT_LIMIT }),
    grounds: Grounds,
  },
  { additionalProperties: false },
);

export const WrittenAgreementBody = Type.Object(
  {
    agreedOn: IsoDate,
    evidence: Type.String({
      minLength: 1,
      maxLength: TEXT_LIMIT,
      description: "The letter or email, and who signed it",
    }),
  },
  { additionalProperties: false },
);

export const DecisionBody = Type.Object(
  {
    decision: Type.Union(
      DECISIONS.map((d) => Type.Literal(d)),
      { description: "accepted, modified or rejected" },
    ),
    grounds: Type.Optional(Grounds),
    reasons: Type.String({
      maxLength: TEXT_LIMIT,
      description: "Sent to the body and published (422 when empty)",
    }),
  },
  { additionalProperties: false },
);

export const ChallengeResponse = Type.Object({
  id: Uuid,
  authority: Type.Object({ id: Uuid, name: Type.String(), slug: Type.String() }),
  service: Type.Object({ id: Uuid, name: Type.String() }),
  applicant: Type.Object({
    type: Strings(APPLICANT_TYPES),
    name: Type.String({ description: 'The organisation\'s name, or "Employees of <authority>"' }),
    organisationId: Nullable(Uuid),
    employees: Nullable(
      Type.Integer({
        minimum: 1,
        description:
          "An EOI by employees: how many make it — the lead and each co-signatory who has confirmed",
      }),
    ),
    coSignatories: Type.Optional(
      Type.Array(
        Type.Object({
          name: Type.String(),
          jobTitle: Type.String(),
          email: Nullable(Type.String()),
          confirmedAt: Nullable(Instant),
        }),
        {
          description:
            "Only for the lead employee, the co-signatories and the authority's editors: employees' names are not published",
        },
      ),
    ),
  }),
  possibleMutual: Type.Boolean({ description: "An EOI by employees: a possible mutual spin-out" }),
  status: Strings(CHALLENGE_STATUSES),
  content: Type.Object({
    financialResources: Type.String(),
    partners: Type.String(),
    capabilityEvidence: Type.String(),
    serviceArea: Type.String(),
    outcomes: Type.String(),
    userNeeds: Type.String(),
    employeeEngagement: Type.String(),
  }),
  submittedAt: Nullable(Instant),
  decisionDue: Nullable(IsoDate),
  overdue: Type.Boolean({ description: "Undecided and past its decision date (today, Europe/London)" }),
  consideration: Nullable(
    Type.Object({ consideredBy: Type.String(), consideredOn: IsoDate, evidence: Type.String() }),
  ),
  modification: Nullable(
    Type.Object({
      modification: Type.String(),
      grounds: Type.Array(Type.String()),
      agreement: Nullable(
        Type.Object({
          kind: Strings(AGREEMENT_KINDS),
          agreedOn: IsoDate,
          evidence: Nullable(Type.String()),
        }),
      ),
    }),
  ),
  decision: Nullable(
    Type.Object({
      outcome: Strings(DECISIONS),
      grounds: Type.Array(Type.String()),
      reasons: Type.String(),
      decidedAt: Instant,
    }),
  ),
  projectId: Nullable(Uuid),
  pageUrl: Type.String(),
});
export type ChallengeResponse = Static<typeof ChallengeResponse>;

export const CountsResponse = Type.Object({
  total: Count,
  byOutcome: Type.Object({
    undecided: Count,
    accepted: Count,
    modified: Count,
    rejected: Count,
    withdrawn: Count,
  }),
  overdue: Count,
  possibleMutuals: Count,
  rejectionsByGround: Type.Record(Type.String(), Count),
});

export const StaffDomainsBody = Type.Object(
  {
    domains: Type.Array(Type.String({ maxLength: 254 }), {
      maxItems: 100,
      description:
        "Every staff email domain, replacing those set (an empty list clears them): the part of a work address after the @, like westshire.gov.uk. 422 for a domain anyone can have an address on, or more than 20",
    }),
  },
  { additionalProperties: false },
);

export const StaffDomainsResponse = Type.Object({ domains: Type.Array(Type.String()) });

export const RegisterResponse = Type.Object({
  authority: Type.Optional(Type.Object({ id: Uuid, name: Type.String(), slug: Type.String() })),
  rightToChallenge: Type.Optional(
    Type.Object({
      applies: Type.Boolean({
        description: "False for a body other than a council or fire and rescue authority in England",
      }),
      reason: Nullable(Type.String({ description: "Why it does not apply" })),
    }),
  ),
  staffDomains: Type.Optional(
    Type.Array(Type.String(), {
      description: "The authority's staff email domains: employees confirm their EOIs from an address on one",
    }),
  ),
  policy: Type.Optional(PolicyResponse),
  windows: Type.Optional(Type.Array(WindowResponse)),
  counts: CountsResponse,
  challenges: Type.Array(ChallengeResponse),
});
