/**
 * Request and response schemas of the service register API (/api/v1/authorities/:authorityId/services
 * and /api/v1/pipeline). Types and lengths here (400, every field at fault); money, dates, known
 * codes and combinations in the service (400 naming the field, or 422).
 */
import { type Static, Type } from "typebox";
import { ErrorResponse } from "../../http/schemas.ts";
import { LIMITS } from "./services.service.ts";
import { APPRAISAL_OPTIONS, PROVIDER_TYPES, SERVICE_KINDS, SERVICE_STATUSES } from "./services.table.ts";

export { ErrorResponse };

const Uuid = Type.String({ format: "uuid" });
const IsoDate = Type.String({ pattern: "^\\d{4}-\\d{2}-\\d{2}$", description: "A date, YYYY-MM-DD" });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const AuthorityParams = Type.Object({ authorityId: Uuid });
export const ServiceParams = Type.Object({ authorityId: Uuid, serviceId: Uuid });

const Kind = Type.Enum([...SERVICE_KINDS], { type: "string", description: "The kind of service" });
const ProviderTypeSchema = Type.Enum([...PROVIDER_TYPES], {
  type: "string",
  description:
    "Who provides it now: the in-house team, a contracted organisation, a mutual spin-out or a community body",
});
const Status = Type.Enum([...SERVICE_STATUSES], { type: "string" });

const writable = {
  name: Type.String({ minLength: 1, maxLength: LIMITS.name }),
  kind: Kind,
  categoryCode: Type.String({ minLength: 1, maxLength: 100, description: "A service category code" }),
  providerType: ProviderTypeSchema,
  providerOrganisationId: Type.Optional(Nullable(Uuid)),
  annualCost: Type.String({
    minLength: 1,
    maxLength: 40,
    description: 'The annual cost in pounds, like "£1,234,567" or "1234567.00"',
  }),
  contractEnd: Type.Optional(Nullable(IsoDate)),
  status: Status,
  description: Type.Optional(Type.String({ maxLength: LIMITS.description })),
};

export const CreateServiceBody = Type.Object(writable, { additionalProperties: false });
export type CreateServiceBody = Static<typeof CreateServiceBody>;

export const UpdateServiceBody = Type.Partial(Type.Object(writable), {
  additionalProperties: false,
  minProperties: 1,
});
export type UpdateServiceBody = Static<typeof UpdateServiceBody>;

const AppraisalResponse = Type.Object({
  id: Uuid,
  status: Type.Enum(["draft", "published"], { type: "string" }),
  options: Type.Array(Type.Enum([...APPRAISAL_OPTIONS], { type: "string" })),
  evidence: Type.String(),
  decision: Type.Enum([...APPRAISAL_OPTIONS], { type: "string" }),
  reasons: Type.String(),
  current: Type.Boolean({ description: "The latest published appraisal" }),
  superseded: Type.Boolean({ description: "A later appraisal has been published" }),
  publishedAt: Nullable(Type.String({ format: "date-time" })),
});

export const ServiceResponse = Type.Object({
  id: Uuid,
  authorityId: Uuid,
  name: Type.String(),
  kind: Kind,
  category: Type.Object({ code: Type.String(), name: Type.String(), cpvCode: Type.String() }),
  providerType: ProviderTypeSchema,
  provider: Nullable(Type.Object({ id: Uuid, name: Type.String() })),
  annualCostPence: Type.String({ pattern: "^[0-9]+$", description: "Integer pence, as a string" }),
  annualCost: Type.String({ description: "Formatted in pounds" }),
  contractEnd: Nullable(IsoDate),
  status: Status,
  description: Type.String(),
  appraisals: Type.Optional(Type.Array(AppraisalResponse)),
  pageUrl: Type.String(),
  createdAt: Type.String({ format: "date-time" }),
  updatedAt: Type.String({ format: "date-time" }),
});
export type ServiceResponse = Static<typeof ServiceResponse>;

export const RegisterResponse = Type.Object({
  authority: Type.Object({ id: Uuid, name: Type.String(), slug: Type.String() }),
  services: Type.Array(ServiceResponse),
});

export const PipelineResponse = Type.Object({
  from: IsoDate,
  to: IsoDate,
  windowMonths: Type.Integer(),
  services: Type.Array(
    Type.Object({
      service: ServiceResponse,
      authority: Type.Object({ id: Uuid, name: Type.String(), slug: Type.String() }),
      plannedProcurement: Nullable(
        Type.Object(
          { id: Uuid, title: Type.String(), ocid: Type.String(), pageUrl: Type.String() },
          { description: "The latest published commissioning project covering the service, or null" },
        ),
      ),
    }),
  ),
});
