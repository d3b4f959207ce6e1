/**
 * Who may call the voice module's routes (`Who`, src/http/routes.ts): a champion's people for the
 * routes under `:championId` that change it. The services called decide every rule again.
 */
import type { FastifyRequest } from "fastify";
import type { Who } from "../../http/routes.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup } from "../access/policies.ts";
import { requireChampionStaff } from "./champions.service.ts";

function championIdOf(request: FastifyRequest): string {
  return ((request.params ?? {}) as { championId?: string }).championId ?? "";
}

/**
 * The people of the route's champion (`:championId`), once it is verified (platform administrators
 * too): 401, then 404 for an unknown champion, then 403.
 */
export function championStaff(what: string): Who {
  return {
    description: "The consumer champion's people, once it is verified",
    signedIn: true,
    async check(request) {
      await requireChampionStaff(ctxOf(request), championIdOf(request), what);
    },
  };
}

/**
 * The champion's people, for a route that names one of its reports: the service looks the report up
 * before it asks who is calling, so an unknown report (or another's draft) is 404 before any 403.
 */
export function championStaffOnReport(what: string): Who {
  return afterLookup(championStaff(what));
}
