/**
 * Who may call regulation's routes (`Who`, src/http/routes.ts), as they declare it: a regulator's
 * staff for the routes under `:regulatorId`, anyone signed in to apply to a regulator, and the
 * audience of the failing-providers view. The services called decide every rule again.
 */
import type { FastifyRequest } from "fastify";
import type { Who } from "../../http/routes.ts";
import { requireSignedIn } from "../access/access.service.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup } from "../access/policies.ts";
import { requireFailingViewer } from "./enforcement.service.ts";
import { regulatorOf, requireRegulatorStaff } from "./regulation.service.ts";

function regulatorIdOf(request: FastifyRequest): string {
  return ((request.params ?? {}) as { regulatorId?: string }).regulatorId ?? "";
}

/**
 * The staff of the route's regulator (`:regulatorId`), once it is verified (platform administrators
 * too); `what` completes "You cannot …" when refused.
 */
export function regulatorStaff(what: string): Who {
  return {
    description: "The regulator's staff, once it is verified",
    signedIn: true,
    async check(request) {
      await requireRegulatorStaff(ctxOf(request), regulatorIdOf(request), what);
    },
  };
}

/**
 * The staff of the route's regulator, for a route that names one of its records (a location, a
 * report, an enforcement action, a challenged point): the service looks the record up before it asks
 * for the staff, so what is unknown or not the caller's to see is 404 before any 403.
 */
export function regulatorStaffOnRecord(what: string): Who {
  return afterLookup(regulatorStaff(what));
}

/** Anyone signed in, for a regulator that exists (a provider applies; the service says who may). */
export const regulatorApplicants: Who = {
  description:
    "An administrator of the provider organisation, or the regulator's staff recording a paper application",
  signedIn: true,
  async check(request) {
    requireSignedIn(request.principal);
    await regulatorOf(ctxOf(request), regulatorIdOf(request));
  },
};

/** Regulators' staff and commissioners (and authority and platform administrators). */
export const failingViewers: Who = {
  description: "Regulators' staff, commissioners and authority administrators",
  signedIn: true,
  check(request) {
    requireFailingViewer(request.principal);
  },
};
