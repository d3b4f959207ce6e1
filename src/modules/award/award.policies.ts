/**
 * Who may call the award's routes besides `anyone` and evaluation's `moderators`
 * (evaluation.policies.ts). Each finds what the route names first (404), then asks who the caller
 * is (403), with the functions the services call first (tenders.policies.ts says why); the services
 * decide every rule again.
 */
import type { Who } from "../../http/routes.ts";
import { ctxOf } from "../access/context.ts";
import { tenderPolicy } from "../tenders/tenders.policies.ts";
import { requireBidderPeople } from "./award.service.ts";
import { challengeForm, challengeOf } from "./challenges.service.ts";

/** The organisation's own people (its administrators and members): who see its assessment summaries. */
export const bidderPeople: Who = {
  description: "The organisation's own people",
  signedIn: true,
  async check(request) {
    const { id } = (request.params ?? {}) as { id?: string };
    await requireBidderPeople(ctxOf(request), id ?? "");
  },
};

/** The authority's commissioners and administrators, on a challenge to the tender's award (404 first). */
export const challengeDeciders = tenderPolicy(
  "The authority's commissioners and administrators",
  (ctx, authorityId, tenderId, params) => challengeOf(ctx, authorityId, tenderId, params.challengeId ?? ""),
);

/** People of an organisation that bid for the tender, on its award (404 first: a tender with none). */
export const challengers = tenderPolicy(
  "People of an organisation that bid for the tender",
  (ctx, authorityId, tenderId) => challengeForm(ctx, authorityId, tenderId),
);
