/**
 * Request and response schemas of the commissioning projects API
 * (/api/v1/authorities/:authorityId/projects). Types and lengths here (400, every field at fault);
 * money, real dates, known codes and combinations in the service (400 naming the field, or 422).
 */
import { type Static, Type } from "typebox";
import {
  AuthorityParams,
  Instant,
  IsoDate,
  MoneyText,
  Nullable,
  PenceText,
  Strings,
  Uuid,
} from "../../http/schemas.ts";
import { PROJECT_LIMITS } from "./projects.service.ts";
import { PROJECT_STATUSES } from "./projects.table.ts";

export { AuthorityParams };

export const ProjectParams = Type.Object({ authorityId: Uuid, projectId: Uuid });

const writable = {
  title: Type.String({ minLength: 1, maxLength: PROJECT_LIMITS.title }),
  description: Type.Optional(Type.String({ maxLength: PROJECT_LIMITS.description })),
  need: Type.String({
    minLength: 1,
    maxLength: PROJECT_LIMITS.need,
    description: "The need the project meets",
  }),
  categoryCode: Type.String({ minLength: 1, maxLength: 100, description: "A service category code" }),
  areaCode: Type.String({ minLength: 1, maxLength: 20, description: "The area's ONS GSS code" }),
  estimatedValue: MoneyText('The estimated value in pounds, like "£1,234,567" or "1234567.00"'),
  marketEngagementDate: IsoDate,
  tenderDate: IsoDate,
  awardDate: IsoDate,
  startDate: IsoDate,
  serviceIds: Type.Array(Uuid, {
    minItems: 1,
    maxItems: PROJECT_LIMITS.services,
    description: "Services on the lead authority's register the project covers",
  }),
  participantIds: Type.Optional(
    Type.Array(Uuid, {
      maxItems: PROJECT_LIMITS.participants,
      description: "Authorities the lead commissions on behalf of (joint commissioning)",
    }),
  ),
};

export const CreateProjectBody = Type.Object(writable, { additionalProperties: false });
export const UpdateProjectBody = Type.Partial(Type.Object(writable), {
  additionalProperties: false,
  minProperties: 1,
});

const Named = Type.Object({ id: Uuid, name: Type.String() });

export const ProjectResponse = Type.Object({
  id: Uuid,
  ocid: Type.String({ description: "The OCDS open contracting id its releases will carry" }),
  authority: Type.Object({ id: Uuid, name: Type.String(), slug: Type.String() }),
  participants: Type.Array(Named, { description: "Authorities the lead commissions on behalf of" }),
  joint: Type.Boolean(),
  title: Type.String(),
  description: Type.String(),
  need: Type.String(),
  category: Type.Object({ code: Type.String(), name: Type.String() }),
  area: Type.Object({ code: Type.String(), name: Type.String() }),
  estimatedValuePence: PenceText,
  estimatedValue: Type.String({ description: "Formatted in pounds" }),
  plannedDates: Type.Object({
    marketEngagement: IsoDate,
    tender: IsoDate,
    award: IsoDate,
    start: IsoDate,
  }),
  services: Type.Array(Named),
  status: Strings(PROJECT_STATUSES),
  publishedAt: Nullable(Instant),
  pipelineNotice: Nullable(
    Type.Object({
      id: Uuid,
      publishedAt: Instant,
      content: Type.Record(Type.String(), Type.Unknown()),
    }),
  ),
  challengeId: Nullable(
    Type.String({
      format: "uuid",
      description: "The Community Right to Challenge expression of interest whose acceptance created it",
    }),
  ),
  procurementWindow: Nullable(
    Type.Object(
      {
        earliest: IsoDate,
        latest: IsoDate,
        startedOn: Nullable(IsoDate),
        state: Type.Enum(["not-yet", "open", "missed", "started", "started-late"], {
          type: "string",
          description:
            "missed: the latest start has passed and the procurement has not started; started-late: it started after the latest start",
        }),
      },
      {
        description:
          "For a project created by an accepted Right to Challenge EOI: when the procurement exercise must start (the authority's published minimum and maximum period)",
      },
    ),
  ),
  pageUrl: Type.String(),
  createdAt: Instant,
  updatedAt: Instant,
});
export type ProjectResponse = Static<typeof ProjectResponse>;

export const ProjectListResponse = Type.Object({
  authority: Type.Object({ id: Uuid, name: Type.String(), slug: Type.String() }),
  projects: Type.Array(ProjectResponse),
});
