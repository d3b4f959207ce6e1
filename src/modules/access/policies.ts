/**
 * Who may call a route (`Who`, src/http/routes.ts), as routes declare it. Each policy checks only
 * who the caller is and what they act for; the service called decides every rule again, so it is
 * just as safe called from elsewhere.
 */
import type { FastifyRequest } from "fastify";
import { anyone, type Who } from "../../http/routes.ts";
import { PLATFORM_SCOPE, requireAuthorityEditor, requireRole, requireSignedIn } from "./access.service.ts";
import type { Role } from "./access.table.ts";

export { anyone };

/** Anyone signed in (or calling with an API token). */
export const signedIn: Who = {
  description: "Anyone signed in",
  signedIn: true,
  check(request) {
    requireSignedIn(request.principal);
  },
};

/**
 * For a route that names a record of its tenant (a project, a contract, an invitation): `who` says
 * who may act on it, but the route asks only that the caller is signed in. The service looks the
 * record up first and answers 404 for what is unknown or not the caller's to see, and only then
 * 403 to someone who may not act on it (one order of checks, security finding 14): asked here,
 * `who` would refuse a record that does not exist with 403.
 */
export function afterLookup(who: Who): Who {
  return {
    description: who.description,
    signedIn: true,
    check(request) {
      requireSignedIn(request.principal);
    },
  };
}

/** Platform administrators. */
export const platformAdmins: Who = {
  description: "Platform administrators",
  signedIn: true,
  check(request) {
    requireRole(request.principal, "platform-admin", PLATFORM_SCOPE, "do this");
  },
};

/** The authority of the route: its `:authorityId`, or the one its `:slug` names (set by then). */
export function authorityIdOf(request: FastifyRequest): string {
  const params = (request.params ?? {}) as { authorityId?: string };
  return request.authority?.id ?? params.authorityId ?? "";
}

/**
 * The authority's commissioners and administrators, once it is verified (platform administrators
 * too): who acts for it in its commissioning.
 */
export const authorityEditors: Who = {
  description: "The authority's commissioners and administrators, once it is verified",
  signedIn: true,
  async check(request) {
    await requireAuthorityEditor(request.server.deps.db, request.principal, authorityIdOf(request));
  },
};

/** Holders of one of these roles for the authority of the route (platform administrators too). */
export function authorityRoles(roles: readonly Role[], what: string, description: string): Who {
  return {
    description,
    signedIn: true,
    check(request) {
      requireRole(request.principal, roles, authorityIdOf(request), what);
    },
  };
}

/** Holders of one of these roles for the organisation `:id` of the route (platform administrators too). */
export function organisationRoles(roles: readonly Role[], what: string, description: string): Who {
  return {
    description,
    signedIn: true,
    check(request) {
      const { id } = (request.params ?? {}) as { id?: string };
      requireRole(request.principal, roles, id ?? "", what);
    },
  };
}
