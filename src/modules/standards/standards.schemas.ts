/**
 * Request and response schemas of accreditation bodies, standards, accreditations and tenders'
 * requirements (/api/v1/accreditation-bodies, /api/v1/standards, /api/v1/accreditations,
 * /api/v1/authorities/{authorityId}/tenders/{tenderId}/accreditation-requirements).
 */
import { Type } from "typebox";
import { Instant, IsoDate, Nullable, Strings, Uuid } from "../../http/schemas.ts";

export const BodyParams = Type.Object({ bodyId: Uuid });
export const StandardParams = Type.Object({ standardId: Uuid });
export const AccreditationParams = Type.Object({ accreditationId: Uuid });
export const TenderParams = Type.Object({ authorityId: Uuid, tenderId: Uuid });

const Text = (description: string, maxLength: number) => Type.String({ description, maxLength });

export const RegisterBodyBody = Type.Object({
  organisationId: Type.Optional(Uuid),
  publicBodyId: Type.Optional(Uuid),
  about: Type.Optional(Text("What the body does", 2000)),
  website: Type.Optional(Text("Its website, in full", 500)),
});

export const VersionBody = Type.Object({
  criteria: Text("The standard's text and criteria", 20000),
  guidanceUrl: Type.Optional(Text("Where its guidance is published, in full", 500)),
  effectiveOn: Type.String({ description: "The day it takes effect (YYYY-MM-DD, London): today or later" }),
});

export const StandardBody = Type.Object({
  title: Text("The standard's title, one per body", 200),
  serviceCategory: Type.String({
    description: "The service type it is for: a code of the service categories",
  }),
  criteria: Text("The standard's text and criteria", 20000),
  guidanceUrl: Type.Optional(Text("Where its guidance is published, in full", 500)),
  effectiveOn: Type.String({
    description: "The day version 1 takes effect (YYYY-MM-DD, London): today or later",
  }),
});

export const AccreditBody = Type.Object({
  organisationId: Uuid,
  expiresOn: Type.String({
    description: "The last day (YYYY-MM-DD, London) the accreditation holds: after today",
  }),
});

export const ReasonBody = Type.Object({ reason: Text("Why: the provider reads it", 2000) });

export const RequirementBody = Type.Object({ standardId: Uuid });

export const Body = Type.Object({
  id: Uuid,
  name: Type.String(),
  organisationId: Nullable(Uuid),
  publicBodyId: Nullable(Uuid),
  about: Type.String(),
  website: Type.String(),
  registeredAt: Instant,
});

export const StandardSummary = Type.Object({
  id: Uuid,
  bodyId: Uuid,
  bodyName: Type.String(),
  title: Type.String(),
  serviceCategory: Type.String(),
});

export const BodiesResponse = Type.Object({
  bodies: Type.Array(Type.Object({ ...Body.properties, standards: Type.Array(StandardSummary) })),
});

export const Version = Type.Object({
  version: Type.Integer({ minimum: 1 }),
  criteria: Type.String(),
  guidanceUrl: Type.String(),
  effectiveOn: IsoDate,
  publishedAt: Instant,
});

export const Accreditation = Type.Object({
  id: Uuid,
  standardId: Uuid,
  organisationId: Uuid,
  organisationName: Type.String(),
  state: Strings(["current", "expired", "suspended", "withdrawn"] as const),
  grantedOn: IsoDate,
  expiresOn: IsoDate,
  reason: Type.String({ description: "Why it was suspended or withdrawn" }),
  decidedAt: Instant,
});

export const StandardResponse = Type.Object({
  standard: StandardSummary,
  current: Nullable(Version),
  versions: Type.Array(Version, { description: "Newest first" }),
  accreditations: Type.Array(Accreditation, {
    description: "Current accreditations; every one, in every state, for the body's people",
  }),
});

export const RequirementsResponse = Type.Object({
  required: Type.Array(StandardSummary),
});
