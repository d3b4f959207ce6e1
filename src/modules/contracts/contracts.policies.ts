/**
 * Who may call contracts' routes (`Who`, src/http/routes.ts) beyond the access module's policies:
 * the supplier's own people, who report against a contract's KPIs; and those who enter a contract
 * from an award. The services called decide every rule again (that the person acts for this
 * contract's supplier, for one).
 */
import type { FastifyRequest } from "fastify";
import { field } from "../../http/forms.ts";
import type { Who } from "../../http/routes.ts";
import { requireAuthorityEditor } from "../access/access.service.ts";
import { ctxOf } from "../access/context.ts";
import { requireAwardEditor } from "./contract-entry.service.ts";
import { requireSupplierPerson } from "./kpi-reports.service.ts";

/** The award a contract is being entered from: in the query (`?award=`), or the form's own field. */
export function awardIdOf(request: FastifyRequest): string {
  const query = (request.query ?? {}) as Record<string, string | undefined>;
  return String(query.award ?? field(request.body, "awardId"));
}

/**
 * Entering a contract from an award (the page's `?award=`, or its form's field): 404 for an unknown
 * award, then the authority's commissioners and administrators (403), in that order (security
 * finding 14). Asked before a byte of the form's files is read, so the award is the query's there.
 * With `choosing`, a page without an award (the awards to choose from) is for those editors alone.
 */
export function contractEntrants(choosing: boolean): Who {
  return {
    description: "The authority's commissioners and administrators, once it is verified",
    signedIn: true,
    async check(request) {
      const awardId = awardIdOf(request);
      if (choosing && !awardId)
        await requireAuthorityEditor(request.server.deps.db, request.principal, request.authority.id);
      else await requireAwardEditor(ctxOf(request), request.authority.id, awardId);
    },
  };
}

/** An organisation's administrators and members (not platform administrators). */
export const supplierPeople: Who = {
  description: "The supplier's own people: its organisation's administrators and members",
  signedIn: true,
  check(request) {
    requireSupplierPerson(request.principal);
  },
};
