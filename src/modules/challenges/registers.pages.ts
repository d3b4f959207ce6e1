/**
 * The Right to Challenge's public pages: the national register, an authority's register (whether
 * the Right to Challenge applies to it; its policy, windows and staff email domains; the reader's own
 * drafts and those waiting for them to confirm), and an EOI's page with what the reader may do next.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { anyone, page } from "../../http/routes.ts";
import { ctxOf } from "../access/context.ts";
import { countsJson, display, displayWindow, queryField } from "./challenges.presenters.ts";
import { REJECTION_GROUNDS } from "./challenges.table.ts";
import { authorityRegisterOf, challengePageOf, type Register, registerOf } from "./registers.service.ts";

/** The notices a register page shows after a change (?notice=). */
const REGISTER_NOTICES = ["policy", "window", "window-removed", "withdrawn", "staff-domains"];

/** What both registers show: the counts, the EOIs and any notice. */
function registerContext(register: Register, request: FastifyRequest) {
  const notice = queryField(request, "notice");
  return {
    counts: countsJson(register),
    challenges: register.challenges.map((item) => display(item, request.locale)),
    grounds: REJECTION_GROUNDS,
    notice: REGISTER_NOTICES.includes(notice) ? notice : undefined,
  };
}

type ChallengeRequest = FastifyRequest<{ Params: { slug: string; challengeId: string } }>;

export function registersPages(app: FastifyInstance): void {
  app.get("/right-to-challenge", page({ who: anyone }), async (request, reply) => {
    const register = await registerOf(ctxOf(request));
    await reply.page("challenges/views/register.njk", registerContext(register, request));
  });

  app.get("/authorities/:slug/right-to-challenge", page({ who: anyone }), async (request, reply) => {
    const register = await authorityRegisterOf(ctxOf(request), request.authority);
    await reply.page("challenges/views/register.njk", {
      ...registerContext(register, request),
      authority: request.authority,
      applies: register.applicability.applies,
      notApplicable: register.applicability.applies ? undefined : register.applicability.reason,
      policy: register.policy,
      windows: register.windows.map((item) => displayWindow(item, request.locale)),
      staffDomains: register.staffDomains,
      drafts: register.drafts.map((item) => display(item, request.locale)),
      toConfirm: register.toConfirm.map((item) => display(item, request.locale)),
      canEdit: register.canEdit,
      canSetStaffDomains: register.canSetStaffDomains,
    });
  });

  app.get(
    "/authorities/:slug/right-to-challenge/:challengeId",
    page({ who: anyone }),
    async (request: ChallengeRequest, reply) => {
      const { authority } = request;
      const view = await challengePageOf(ctxOf(request), authority.id, request.params.challengeId);
      await reply.page("challenges/views/challenge.njk", {
        authority,
        challenge: display(view.challenge, request.locale),
        applicant: view.applicant,
        mayConfirm: view.mayConfirm,
        canDecide: view.canDecide,
        showCoSignatories: view.challenge.mayReadCoSignatories,
        missing: view.missing,
        notice: queryField(request, "notice"),
      });
    },
  );
}
