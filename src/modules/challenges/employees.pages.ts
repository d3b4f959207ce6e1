/**
 * Employees' expressions of interest, as pages: the authority's administrators set its staff email
 * domains, and a colleague an employees' draft names confirms that they co-sign it (from the EOI's
 * page).
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { buttonAction, field, formPage } from "../../http/forms.ts";
import { ctxOf } from "../access/context.ts";
import { signedIn } from "../access/policies.ts";
import { authorityAdmins } from "./challenges.policies.ts";
import { pagesOf } from "./challenges.presenters.ts";
import { assertRightToChallengeApplies } from "./challenges.service.ts";
import { confirmCoSignature, setStaffDomains, staffDomainsOf } from "./employees.service.ts";

export function employeesPages(app: FastifyInstance): void {
  formPage(app, "/authorities/:slug/right-to-challenge/staff-domains", {
    who: authorityAdmins,
    template: "challenges/views/staff-domains.njk",
    context: async (request) => {
      assertRightToChallengeApplies(request.authority);
      return {
        authority: request.authority,
        domains: await staffDomainsOf(ctxOf(request), request.authority.id),
      };
    },
    values: (_request, { domains }) => ({ domains: domains.join("\n") }),
    read: (body) => ({ domains: field(body, "domains") }),
    submit: async (request, values, { authority }) => {
      await setStaffDomains(ctxOf(request), authority.id, values.domains);
      return `${pagesOf(authority)}?notice=staff-domains#staff-domains`;
    },
  });

  buttonAction(
    app,
    "/authorities/:slug/right-to-challenge/:challengeId/confirm",
    { who: signedIn },
    async (request: FastifyRequest<{ Params: { challengeId: string } }>) => {
      const challenge = await confirmCoSignature(
        ctxOf(request),
        request.authority.id,
        request.params.challengeId,
      );
      return `${pagesOf(request.authority)}/${challenge.id}?notice=confirmed`;
    },
  );
}
