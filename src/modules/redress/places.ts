/**
 * Where a person's complaint pages are (the places section of the home module's `/tasks`): their
 * own complaints; for a provider's administrators and members its complaints and remedies; for an
 * authority's complaints officers the authority's; for an ombudsman's staff its cases; for a
 * regulator's staff the complaints about the providers it registers. Only the person's own grants.
 */
import type { Ctx } from "../access/context.ts";
import { publicBodiesByIds } from "../authorities/authorities.service.ts";
import { organisationNamesOf } from "../organisations/organisations.service.ts";
import { OMBUDSMAN_STAFF } from "./ombudsman.service.ts";
import { COMPLAINTS_OFFICER, PROVIDER_ROLES } from "./redress.service.ts";

export const PLACE_KINDS = ["own", "complaints", "remedies", "cases", "regulated"] as const;
export type PlaceKind = (typeof PLACE_KINDS)[number];

/** A link to one of the person's complaint pages: its kind names the words, with the body's name. */
export interface ComplaintPlace {
  kind: PlaceKind;
  name: string;
  href: string;
}

export async function complaintPlaces(ctx: Ctx): Promise<ComplaintPlace[]> {
  if (!ctx.principal) return [];
  const grants = ctx.principal.grants;
  const ids = (roles: readonly string[]) => [
    ...new Set(grants.filter((g) => roles.includes(g.role)).map((g) => g.scopeId)),
  ];
  const organisationIds = ids(PROVIDER_ROLES);
  const officerOf = ids([COMPLAINTS_OFFICER]);
  const ombudsmanOf = ids([OMBUDSMAN_STAFF]);
  const regulatorOf = ids(["regulator-staff"]);
  const [bodies, organisations] = await Promise.all([
    publicBodiesByIds(ctx.db, [...officerOf, ...ombudsmanOf, ...regulatorOf]),
    organisationNamesOf(ctx.db, organisationIds),
  ]);
  const named = (id: string) => bodies.get(id);
  const places: ComplaintPlace[] = [{ kind: "own", name: "", href: "/complaints" }];
  for (const { id, name } of organisations) {
    places.push({ kind: "complaints", name, href: `/organisations/${id}/complaints` });
    places.push({ kind: "remedies", name, href: `/organisations/${id}/remedies` });
  }
  for (const id of officerOf) {
    const body = named(id);
    if (!body) continue;
    places.push({ kind: "complaints", name: body.name, href: `/authorities/${body.slug}/complaints` });
    places.push({ kind: "remedies", name: body.name, href: `/authorities/${body.slug}/remedies` });
  }
  for (const id of ombudsmanOf) {
    const body = named(id);
    if (body) places.push({ kind: "cases", name: body.name, href: `/authorities/${body.slug}/cases` });
  }
  for (const id of regulatorOf) {
    const body = named(id);
    if (body) places.push({ kind: "regulated", name: body.name, href: `/regulators/${body.id}/complaints` });
  }
  return places;
}
