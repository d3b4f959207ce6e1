/**
 * The prize's pages: the prize and its rounds (/prize), a round with its categories, shortlists and
 * winners (/prize/:roundId), the nomination form for anyone (/prize/:roundId/nominate), and the
 * judging page (/prize/:roundId/judging) — for a judge, the declaration of conflicts then the
 * nominations to score; for the organiser, the panel, the scores, and publishing the shortlist and
 * the winners. Each form re-renders with its errors.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { buttonAction, dateField, field, fieldList, formAction, formPage } from "../../http/forms.ts";
import { page, type Who } from "../../http/routes.ts";
import { ForbiddenError } from "../../lib/errors.ts";
import { msg } from "../../lib/messages.ts";
import {
  AUTHORITY_EDITORS,
  hasRole,
  isAuthorityEditor,
  requireSignedIn,
  scopesWith,
} from "../access/access.service.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, anyone } from "../access/policies.ts";
import { listAuthorities } from "../authorities/authorities.service.ts";
import { findOrganisation } from "../organisations/organisations.service.ts";
import {
  appointJudge,
  createRound,
  declareConflicts,
  judgingView,
  listRounds,
  nominate,
  publishShortlist,
  publishWinners,
  roundView,
  scoreNominee,
} from "./prize.service.ts";

const VIEWS = "prize/views";

type RoundRequest = FastifyRequest<{ Params: { roundId: string }; Querystring: { notice?: string } }>;
type NomineeRequest = FastifyRequest<{ Params: { roundId: string; nominationId: string } }>;

const panel = afterLookup({
  description: "The round's judges and the organiser's commissioners and administrators",
  signedIn: true,
  check() {},
});

/** Those who may open a round for some public body: its commissioners and administrators, platform administrators. */
const organisersAnywhere: Who = {
  description: "A public body's commissioners and administrators, and platform administrators",
  signedIn: true,
  check(request) {
    const p = requireSignedIn(request.principal);
    if (!hasRole(p, [...AUTHORITY_EDITORS, "platform-admin"]))
      throw new ForbiddenError(
        msg`Only a public body's commissioners and administrators open a round of the prize`,
      );
  },
};

const DATES = ["nominationsOpenOn", "nominationsCloseOn", "shortlistOn", "winnersOn"] as const;

const NOTICES = ["nominated", "merged", "declared", "scored", "appointed", "shortlist", "winners"];
const noticeOf = (request: { query: { notice?: string } }) =>
  NOTICES.includes(request.query.notice ?? "") ? request.query.notice : undefined;

export function prizePages(app: FastifyInstance): void {
  app.get("/prize", page({ who: anyone }), async (request, reply) => {
    await reply.page(`${VIEWS}/list.njk`, { view: await listRounds(ctxOf(request)) });
  });

  formPage(app, "/prize/new", {
    who: organisersAnywhere,
    template: `${VIEWS}/new-round.njk`,
    context: async (request) => ({
      organisers: (await listAuthorities(request.server.deps.db))
        .filter((a) => isAuthorityEditor(request.principal, a.id))
        .map((a) => ({ id: a.id, name: a.name })),
      noindex: true,
    }),
    values: () => ({ shortlistSize: "3" }),
    read: (body) => ({
      authorityId: field(body, "authorityId"),
      year: field(body, "year"),
      title: field(body, "title"),
      categories: field(body, "categories"),
      shortlistSize: field(body, "shortlistSize"),
      ...Object.fromEntries(DATES.map((d) => [d, dateField(body, d)])),
      parts: Object.fromEntries(
        DATES.map((d) => [
          d,
          { day: field(body, `${d}-day`), month: field(body, `${d}-month`), year: field(body, `${d}-year`) },
        ]),
      ),
    }),
    submit: async (request, v) => `/prize/${(await createRound(ctxOf(request), v)).id}`,
  });

  app.get("/prize/:roundId", page({ who: anyone }), async (request: RoundRequest, reply) => {
    await reply.page(`${VIEWS}/round.njk`, {
      view: await roundView(ctxOf(request), request.params.roundId),
      notice: noticeOf(request),
    });
  });

  formPage(app, "/prize/:roundId/nominate", {
    who: anyone,
    template: `${VIEWS}/nominate.njk`,
    context: async (request: RoundRequest) => {
      const ctx = ctxOf(request);
      const memberOf = await Promise.all(
        scopesWith(ctx.principal, ["organisation-admin", "organisation-member"]).map((id) =>
          findOrganisation(ctx.db, id),
        ),
      );
      return {
        view: await roundView(ctx, request.params.roundId),
        publicBodies: (await listAuthorities(ctx.db)).map((a) => ({ id: a.id, name: a.name })),
        memberOf: memberOf.flatMap((o) => (o ? [{ id: o.id, name: o.name }] : [])),
        signedIn: !!ctx.principal,
      };
    },
    read: (body) => ({
      categoryId: field(body, "categoryId"),
      nomineeKind: field(body, "nomineeKind"),
      organisationId: field(body, "organisationId"),
      teamName: field(body, "teamName"),
      teamOrganisationId: field(body, "teamOrganisationId"),
      teamAuthorityId: field(body, "teamAuthorityId"),
      reasons: field(body, "reasons"),
      evidence: field(body, "evidence"),
      name: field(body, "name"),
      email: field(body, "email"),
      onBehalfOf: field(body, "onBehalfOf"),
    }),
    submit: async (request: RoundRequest, v) => {
      const result = await nominate(ctxOf(request), request.params.roundId, v);
      return `/prize/${request.params.roundId}?notice=${result.merged ? "merged" : "nominated"}`;
    },
  });

  const judging = `/prize/:roundId/judging`;
  const judgingContext = async (request: RoundRequest) => ({
    view: await judgingView(ctxOf(request), request.params.roundId),
    notice: noticeOf(request),
    noindex: true,
  });
  const back = (request: { params: { roundId: string } }, notice: string) =>
    `/prize/${request.params.roundId}/judging?notice=${notice}`;

  app.get(judging, page({ who: panel }), async (request: RoundRequest, reply) => {
    await reply.page(`${VIEWS}/judging.njk`, { ...(await judgingContext(request)), values: {} });
  });

  formAction(app, `/prize/:roundId/judges`, {
    who: panel,
    template: `${VIEWS}/judging.njk`,
    context: judgingContext,
    read: (body) => ({ email: field(body, "email") }),
    submit: async (request: RoundRequest, v) => {
      await appointJudge(ctxOf(request), request.params.roundId, v);
      return back(request, "appointed");
    },
  });

  formAction(app, `/prize/:roundId/declaration`, {
    who: panel,
    template: `${VIEWS}/judging.njk`,
    context: judgingContext,
    read: (body) => {
      const ids = fieldList(body, "conflict");
      return {
        conflict: ids,
        descriptions: Object.fromEntries(ids.map((id) => [id, field(body, `description-${id}`)])),
      };
    },
    submit: async (request: RoundRequest, v) => {
      await declareConflicts(ctxOf(request), request.params.roundId, {
        conflicts: v.conflict.map((id) => ({ nominationId: id, description: v.descriptions[id] ?? "" })),
      });
      return back(request, "declared");
    },
  });

  formAction(app, `/prize/:roundId/nominations/:nominationId/score`, {
    who: panel,
    template: `${VIEWS}/judging.njk`,
    context: judgingContext,
    read: (body, request) => ({
      nominationId: (request.params as { nominationId: string }).nominationId,
      score: field(body, "score"),
      comment: field(body, "comment"),
    }),
    fieldOf: (f) => (f === "score" || f === "comment" ? f : undefined),
    submit: async (request: NomineeRequest, v) => {
      await scoreNominee(ctxOf(request), request.params.roundId, request.params.nominationId, v);
      return back(request, "scored");
    },
  });

  buttonAction(app, `/prize/:roundId/shortlist`, { who: panel }, async (request: RoundRequest) => {
    await publishShortlist(ctxOf(request), request.params.roundId);
    return `/prize/${request.params.roundId}?notice=shortlist`;
  });

  formAction(app, `/prize/:roundId/winners`, {
    who: panel,
    template: `${VIEWS}/judging.njk`,
    context: judgingContext,
    read: (body, _request, context) => {
      const winners = context.view.categories.map((c) => ({
        categoryId: c.id,
        nominationId: field(body, `winner-${c.id}`),
        citation: field(body, `citation-${c.id}`),
      }));
      return { winners, byCategory: Object.fromEntries(winners.map((w) => [w.categoryId, w])) };
    },
    submit: async (request: RoundRequest, v) => {
      await publishWinners(ctxOf(request), request.params.roundId, {
        winners: v.winners.filter((w) => w.nominationId !== "" || w.citation !== ""),
      });
      return `/prize/${request.params.roundId}?notice=winners`;
    },
  });
}
