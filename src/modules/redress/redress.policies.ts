/**
 * Who may call redress's list routes: a body's own people who answer complaints — an authority's
 * complaints officers, a provider's administrators and members — by their exact grants (a platform
 * administrator's reach does not extend to complainants' personal data). Each service checks again.
 */
import type { FastifyRequest } from "fastify";
import type { Who } from "../../http/routes.ts";
import { ForbiddenError } from "../../lib/errors.ts";
import { msg } from "../../lib/messages.ts";
import { requireSignedIn } from "../access/access.service.ts";
import { authorityIdOf } from "../access/policies.ts";
import { isAnswerer } from "./redress.service.ts";

function refuse(): never {
  throw new ForbiddenError(msg`Only the body's people who answer complaints may see its complaints.`);
}

export const complaintsOfficers: Who = {
  description: "The authority's complaints officers",
  signedIn: true,
  check(request: FastifyRequest) {
    const principal = requireSignedIn(request.principal);
    const id = authorityIdOf(request);
    if (!isAnswerer(principal, { answerer: "authority", authority_id: id, organisation_id: null })) refuse();
  },
};

export const providerPeople: Who = {
  description: "The provider's administrators and members",
  signedIn: true,
  check(request: FastifyRequest) {
    const principal = requireSignedIn(request.principal);
    const { id } = (request.params ?? {}) as { id?: string };
    if (!isAnswerer(principal, { answerer: "provider", authority_id: "", organisation_id: id ?? "" }))
      refuse();
  },
};

/** A provider's administrators, for the organisation `:id` (exact grants: a complaint is made for it by its own people). */
export const providerAdmins: Who = {
  description: "The organisation's administrators",
  signedIn: true,
  check(request: FastifyRequest) {
    const principal = requireSignedIn(request.principal);
    const { id } = (request.params ?? {}) as { id?: string };
    if (
      !principal.grants.some(
        (g) => g.role === "organisation-admin" && g.scopeType === "organisation" && g.scopeId === id,
      )
    )
      throw new ForbiddenError(
        msg`Only the organisation's administrators may complain for it about commissioning.`,
      );
  },
};
