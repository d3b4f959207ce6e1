/**
 * Request and response schemas of the care API (/api/v1/authorities/:authorityId/care/…,
 * /api/v1/me/care). Types and lengths here (400); money, dates, known codes and whether the parts add
 * up in the service (400 naming the field, or 422).
 */
import { Type } from "typebox";
import {
  AuthorityParams,
  Instant,
  IsoDate,
  MoneyText,
  Nullable,
  PageKeyQuery,
  PenceText,
  Strings,
  Uuid,
} from "../../http/schemas.ts";
import {
  BUDGET_PERIODS,
  DELIVERIES,
  LINK_RELATIONSHIPS,
  PERSON_CHANGE_REASONS,
  PERSON_GRANTS,
  REGIMES,
  RELATIONSHIPS,
  REVIEW_OUTCOMES,
  VERSION_REASON_CODES,
} from "./care.table.ts";
import { CLOCK_CODES } from "./clocks.ts";

export { AuthorityParams };
export const PersonParams = Type.Object({ authorityId: Uuid, personId: Uuid });
export const PlanParams = Type.Object({ authorityId: Uuid, planId: Uuid });

export const PeopleQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200, description: "Words of the person's name" })),
  after: PageKeyQuery.after,
});

const PersonLine = Type.Object({
  id: Uuid,
  name: Type.String(),
  dateOfBirth: IsoDate,
  areaCode: Type.String(),
  pageUrl: Type.String(),
});

export const PeopleResponse = Type.Object({
  people: Type.Array(PersonLine),
  next: Nullable(Type.String({ description: "Pass as `after` for the next page; null on the last page" })),
});

export const CreatePersonBody = Type.Object({
  fullName: Type.String({ minLength: 1, maxLength: 200 }),
  dateOfBirth: Type.String({ maxLength: 10, description: "YYYY-MM-DD" }),
  email: Type.Optional(Nullable(Type.String({ maxLength: 320 }))),
  phone: Type.Optional(Nullable(Type.String({ maxLength: 40 }))),
  address: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
  areaCode: Type.String({
    minLength: 1,
    maxLength: 20,
    description: "The ONS GSS code of the area the person lives in",
  }),
});

/** Every detail as it is to be: the contact details too (null to clear one), so none is cleared by being left out. */
export const ChangePersonBody = Type.Object({
  ...CreatePersonBody.properties,
  email: Nullable(Type.String({ maxLength: 320 })),
  phone: Nullable(Type.String({ maxLength: 40 })),
  address: Nullable(Type.String({ maxLength: 500 })),
  /** correction (a mistake corrected), changed (their details have changed), person-asked (the person asked). */
  reason: Strings(PERSON_CHANGE_REASONS),
});

export const PersonChangedResponse = Type.Object({
  changed: Type.Array(Type.String(), { description: "The fields changed (their names, never their values)" }),
  told: Type.Integer({
    description: "How many accounts were told in their inbox (the person's own); 0: tell them another way",
  }),
});

export const NeedBody = Type.Object({
  outcome: Type.String({
    minLength: 1,
    maxLength: 80,
    description: 'The outcome or EHC plan section, as "<regime>:<outcome>"',
  }),
  description: Type.String({ minLength: 1, maxLength: 2000 }),
  assessedOn: Type.String({ maxLength: 10, description: "YYYY-MM-DD" }),
});

const PartBody = Type.Object({
  delivery: Strings(DELIVERIES),
  amount: MoneyText(),
  organisationId: Type.Optional(Nullable(Uuid)),
});

const budgetFields = {
  amount: MoneyText('The personal budget, in pounds, like "£320.00"'),
  period: Strings(BUDGET_PERIODS),
  startsOn: Type.String({ maxLength: 10, description: "YYYY-MM-DD" }),
  surplusLevel: Type.Optional(Nullable(MoneyText("An unspent balance above this is flagged for recovery"))),
  parts: Type.Array(PartBody, {
    minItems: 1,
    maxItems: 10,
    description: "How it is delivered: the parts add up to the amount",
  }),
};

export const PlanBody = Type.Object({ regime: Strings(REGIMES), ...budgetFields });
export const BudgetBody = Type.Object({
  ...budgetFields,
  reason: Type.String({ minLength: 1, maxLength: 2000 }),
});
export const EndPlanBody = Type.Object({
  endedOn: Type.String({ maxLength: 10, description: "YYYY-MM-DD" }),
  reason: Type.String({ minLength: 1, maxLength: 2000 }),
});
export const ConcernBody = Type.Object({
  raisedOn: Type.String({ maxLength: 10, description: "YYYY-MM-DD" }),
  description: Type.String({ minLength: 1, maxLength: 2000 }),
});
export const ReviewBody = Type.Object({
  reviewedOn: Type.String({ maxLength: 10, description: "YYYY-MM-DD" }),
  outcome: Strings(REVIEW_OUTCOMES),
  notes: Type.Optional(Type.String({ maxLength: 2000 })),
});

const Part = Type.Object({
  part: Type.Integer(),
  delivery: Strings(DELIVERIES),
  amountPence: PenceText,
  organisation: Nullable(Type.Object({ id: Uuid, name: Nullable(Type.String()) })),
});

const Version = Type.Object({
  version: Type.Integer(),
  amountPence: PenceText,
  period: Strings(BUDGET_PERIODS),
  startsOn: IsoDate,
  /** The reason care staff gave; null when `reasonCode` gives it (plan-agreed: the plan as agreed). */
  reason: Nullable(Type.String()),
  reasonCode: Nullable(Strings(VERSION_REASON_CODES)),
  surplusLevelPence: Nullable(PenceText),
  delivery: Type.String({
    description: "direct-payment, managed-by-authority, managed-by-organisation or mixed",
  }),
  parts: Type.Array(Part),
  createdAt: Instant,
});

export const PlanResponse = Type.Object({
  id: Uuid,
  personId: Uuid,
  regime: Strings(REGIMES),
  status: Type.String(),
  startedOn: IsoDate,
  endedOn: Nullable(IsoDate),
  budget: Version,
  versions: Type.Array(Version),
  nextReview: Nullable(
    Type.Object({
      on: IsoDate,
      clock: Strings(CLOCK_CODES),
      state: Strings(["later", "due", "overdue"] as const),
    }),
  ),
  reviews: Type.Array(
    Type.Object({ id: Uuid, reviewedOn: IsoDate, outcome: Strings(REVIEW_OUTCOMES), notes: Type.String() }),
  ),
  concerns: Type.Array(Type.Object({ id: Uuid, raisedOn: IsoDate, description: Type.String() })),
});

export const PersonResponse = Type.Object({
  id: Uuid,
  authorityId: Uuid,
  name: Type.String(),
  /** null, with the contact details, for a representative holding neither see-plan nor arrange-services. */
  dateOfBirth: Nullable(IsoDate),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  address: Nullable(Type.String()),
  areaCode: Type.String(),
  needs: Type.Array(
    Type.Object({
      id: Uuid,
      outcome: Type.String(),
      description: Type.String(),
      assessedOn: IsoDate,
      metOn: Nullable(IsoDate),
    }),
  ),
  plans: Type.Array(PlanResponse),
  representatives: Type.Array(
    Type.Object({
      id: Uuid,
      name: Type.String(),
      relationship: Strings(LINK_RELATIONSHIPS),
      grants: Type.Array(Strings(PERSON_GRANTS)),
    }),
  ),
  you: Type.Object({
    how: Type.String({ description: "care-staff, or how your account stands to the person" }),
    grants: Type.Array(Strings(PERSON_GRANTS)),
  }),
});

export const ActedForResponse = Type.Object({
  people: Type.Array(
    Type.Object({
      authorityId: Uuid,
      personId: Uuid,
      name: Type.String(),
      relationship: Strings(LINK_RELATIONSHIPS),
      grants: Type.Array(Strings(PERSON_GRANTS)),
      pageUrl: Type.String(),
    }),
  ),
});

export const CreatedResponse = Type.Object({ id: Uuid });
export const BudgetChangedResponse = Type.Object({
  version: Type.Integer(),
  told: Type.Integer({
    description: "How many accounts were told in their inbox; 0: tell the person another way",
  }),
});

export const LinkParams = Type.Object({ authorityId: Uuid, personId: Uuid, linkId: Uuid });

export const AppointChampionBody = Type.Object({
  championId: Type.String({ maxLength: 64, description: "The id of a verified consumer champion" }),
  grants: Type.Array(Type.String({ maxLength: 40 }), {
    maxItems: 10,
    description:
      "What the champion may do: see-plan, arrange-services, give-feedback, complain (never make-payments)",
  }),
});

export const RevokedResponse = Type.Object({ id: Uuid, revoked: Type.Literal(true) });

/** A person's download of everything held about them: plain JSON, each section as the service gives it. */
export const PersonDataResponse = Type.Object({
  about: Type.String(),
  downloadedAt: Instant,
  person: Type.Unknown(),
  needs: Type.Array(Type.Unknown()),
  plans: Type.Array(Type.Unknown()),
  links: Type.Array(Type.Unknown()),
  invitations: Type.Array(Type.Unknown()),
  auditEvents: Type.Object({ events: Type.Array(Type.Unknown()), truncated: Type.Boolean() }),
  notices: Type.Array(Type.Unknown()),
  sections: Type.Array(Type.Object({ section: Type.String(), data: Type.Unknown() })),
});

// A person's links and invitations through the API (links.routes.ts)

export const InvitationParams = Type.Object({ authorityId: Uuid, personId: Uuid, invitationId: Uuid });

export const InviteBody = Type.Object({
  email: Type.String({ maxLength: 254, description: "The address the invitation is sent to" }),
  relationship: Strings(RELATIONSHIPS),
  grants: Type.Array(Strings(PERSON_GRANTS), {
    maxItems: 10,
    description: "What the person lets the representative do (ignored for self, who may do everything)",
  }),
});

export const InvitedResponse = Type.Object({
  id: Uuid,
  expiresAt: Instant,
  /** In demo mode only (no email is sent): the invitation's link. */
  link: Type.Optional(Type.String()),
});

export const GrantsBody = Type.Object({
  grants: Type.Array(Strings(PERSON_GRANTS), { maxItems: 10 }),
});

const LinkLine = Type.Object({
  id: Uuid,
  name: Type.String({ description: "The account holder's name (a champion's name for a champion)" }),
  relationship: Strings(LINK_RELATIONSHIPS),
  grants: Type.Array(Strings(PERSON_GRANTS)),
  since: Instant,
});

export const LinkResponse = LinkLine;

export const RepresentativesResponse = Type.Object({
  links: Type.Array(LinkLine),
  invitations: Type.Array(
    Type.Object({
      id: Uuid,
      email: Type.String(),
      relationship: Strings(LINK_RELATIONSHIPS),
      grants: Type.Array(Strings(PERSON_GRANTS)),
      sentAt: Instant,
      expiresAt: Instant,
      emailed: Type.Boolean({ description: "Whether its email has been sent" }),
    }),
    { description: "Open invitations: care staff only (empty for anyone else)" },
  ),
});

export const WithdrawnResponse = Type.Object({
  id: Uuid,
  withdrawn: Type.Literal(true),
  told: Type.Boolean({
    description: "Whether the invitee is told by email (only if the invitation was emailed)",
  }),
});
