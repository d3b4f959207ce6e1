/** Request and response schemas of the platform administrators' second-tier bodies (/api/v1/admin/second-tier-bodies). */
import { Type } from "typebox";
import { Strings, Uuid } from "../../http/schemas.ts";
import { SCHEMES } from "./redress.table.ts";

export const SchemeParams = Type.Object({ scheme: Strings(SCHEMES) });

export const SecondTierBody = Type.Object({
  scheme: Strings(SCHEMES),
  serviceArea: Type.String({
    description: "An adjudicator's service area (a service category code); empty for an ombudsman",
  }),
  authority: Type.Object({ id: Uuid, name: Type.String(), slug: Type.String() }),
});

export const SecondTierBodies = Type.Object({ bodies: Type.Array(SecondTierBody) });

export const PutSecondTierBody = Type.Object({
  authorityId: Uuid,
  serviceArea: Type.Optional(
    Type.String({ maxLength: 80, description: "Required for an adjudicator: a service category code" }),
  ),
});

export const ServiceAreaQuery = Type.Object({
  serviceArea: Type.Optional(Type.String({ maxLength: 80, description: "An adjudicator's service area" })),
});
