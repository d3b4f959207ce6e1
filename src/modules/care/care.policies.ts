/**
 * Who may call the care routes. The authority's care staff: the `care-staff` role held for the
 * route's authority itself — not a platform administrator's reach — and everyone else signed in gets
 * 404 (they are not to know who the authority supports). Routes about one person ask only for sign-in
 * (`personAccess`) and the service decides: care staff, the person, or a representative with the
 * grant (404, then 403).
 */
import type { FastifyRequest } from "fastify";
import type { Who } from "../../http/routes.ts";
import { requireSignedIn } from "../access/access.service.ts";
import { requireCareStaff } from "./care.service.ts";

function authorityIdOf(request: FastifyRequest): string {
  const params = (request.params ?? {}) as { authorityId?: string };
  return request.authority?.id ?? params.authorityId ?? "";
}

export const careStaff: Who = {
  description: "The authority's care staff (others get 404)",
  signedIn: true,
  check(request) {
    requireCareStaff(request.principal, authorityIdOf(request));
  },
};

/** A person's record: asks only for sign-in; the service answers 404 or 403. */
export const personAccess: Who = {
  description:
    "The authority's care staff, the person themself, and representatives the person has allowed (others get 404; a representative without the permission 403)",
  signedIn: true,
  check(request) {
    requireSignedIn(request.principal);
  },
};
