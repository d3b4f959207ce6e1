/**
 * The JSON API of the prize (/api/v1/prize/rounds…) and its pages (prize.pages.ts). Each route
 * calls one service, which decides who may. Nominating is open to anyone, signed in or not.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { api, errorResponses } from "../../http/routes.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, anyone, signedIn } from "../access/policies.ts";
import { prizePages } from "./prize.pages.ts";
import {
  DeclarationBody,
  DeclarationResponse,
  JudgeBody,
  JudgeResponse,
  JudgingResponse,
  NominationBody,
  NominationParams,
  NominationResponse,
  Round,
  RoundBody,
  RoundParams,
  RoundResponse,
  RoundsResponse,
  ScoreBody,
  ScoreResponse,
  WinnersBody,
} from "./prize.schemas.ts";
import {
  appointJudge,
  createRound,
  declareConflicts,
  judgingView,
  listRounds,
  nominate,
  publishShortlist,
  publishWinners,
  type RoundSummary,
  type RoundView,
  roundView,
  scoreNominee,
} from "./prize.service.ts";

const tags: [string] = ["prize"];

const organisers = afterLookup({
  description: "The organiser's commissioners and administrators (and platform administrators)",
  signedIn: true,
  check() {},
});
const judges = afterLookup({ description: "The round's judges", signedIn: true, check() {} });
const panel = afterLookup({
  description: "The round's judges and the organiser's commissioners and administrators",
  signedIn: true,
  check() {},
});

export const roundToApi = (r: RoundSummary) => ({
  id: r.id,
  organiserId: r.authority_id,
  organiserName: r.organiser_name,
  year: r.year,
  title: r.title,
  state: r.state,
  nominationsOpenOn: r.nominations_open_on,
  nominationsCloseOn: r.nominations_close_on,
  shortlistOn: r.shortlist_on,
  winnersOn: r.winners_on,
  shortlistSize: r.shortlist_size,
  shortlistPublishedAt: r.shortlist_published_at?.toISOString() ?? null,
  winnersPublishedAt: r.winners_published_at?.toISOString() ?? null,
});

const roundViewToApi = (v: RoundView) => ({
  round: roundToApi(v.round),
  categories: v.categories.map((c) => ({
    id: c.id,
    title: c.title,
    nominations: c.nominations,
    shortlist: c.shortlist.map(({ categoryId: _c, ...n }) => n),
  })),
});

export async function prizeRoutes(app: FastifyInstance): Promise<void> {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();
  const base = "/api/v1/prize/rounds";

  json.get(
    base,
    api(
      { who: anyone },
      {
        operationId: "listPrizeRounds",
        tags,
        summary: "The prize's rounds, newest first",
        response: { 200: RoundsResponse },
      },
    ),
    async (request) => ({ rounds: (await listRounds(ctxOf(request))).rounds.map(roundToApi) }),
  );

  json.post(
    base,
    api(
      { who: signedIn, scope: "prize:write" },
      {
        operationId: "openPrizeRound",
        tags,
        summary: "Open a round of the prize for a year, with its categories and dates",
        description:
          "The organiser is a public body whose commissioners or administrators you are. 422 when the dates are out of order; 409 when it has a round of that title for the year.",
        body: RoundBody,
        response: { 201: Round, ...errorResponses(409, 422) },
      },
    ),
    async (request, reply) => {
      const ctx = ctxOf(request);
      const round = await createRound(ctx, request.body);
      reply.code(201);
      return roundToApi((await roundView(ctx, round.id)).round);
    },
  );

  json.get(
    `${base}/:roundId`,
    api(
      { who: anyone },
      {
        operationId: "getPrizeRound",
        tags,
        summary:
          "A round: its categories, and once published its shortlists and winners with their citations",
        description:
          "Who nominated a nominee is never given: only how many, how many members of the public, and the organisations' names.",
        params: RoundParams,
        response: { 200: RoundResponse },
      },
    ),
    async (request) => roundViewToApi(await roundView(ctxOf(request), request.params.roundId)),
  );

  json.post(
    `${base}/:roundId/nominations`,
    api(
      { who: anyone },
      {
        operationId: "nominateForPrize",
        tags,
        summary: "Nominate a provider of the directory or a named team for a category",
        description:
          "Anyone, while nominations are open (409 otherwise). Not signed in: give a name and an email, never published. A nominee nominated in the category already is counted, not repeated (merged: true).",
        params: RoundParams,
        body: NominationBody,
        response: { 201: NominationResponse, ...errorResponses(409) },
      },
    ),
    async (request, reply) => {
      reply.code(201);
      return nominate(ctxOf(request), request.params.roundId, request.body);
    },
  );

  json.post(
    `${base}/:roundId/judges`,
    api(
      { who: organisers, scope: "prize:write" },
      {
        operationId: "appointPrizeJudge",
        tags,
        summary: "Appoint a judge, by the email address of their account",
        description: "Until the shortlist is published (409 after).",
        params: RoundParams,
        body: JudgeBody,
        response: { 200: JudgeResponse, ...errorResponses(409) },
      },
    ),
    async (request) => appointJudge(ctxOf(request), request.params.roundId, request.body),
  );

  json.get(
    `${base}/:roundId/judging`,
    api(
      { who: panel, scope: "prize:write" },
      {
        operationId: "getPrizeJudging",
        tags,
        summary:
          "The judging: a judge's nominations to read and score once declared; for the organiser, every score counted",
        params: RoundParams,
        response: { 200: JudgingResponse },
      },
    ),
    async (request) => {
      const v = await judgingView(ctxOf(request), request.params.roundId);
      return {
        declared: v.declared,
        nominees: v.nominees.map((n) => ({
          id: n.id,
          categoryId: n.categoryId,
          name: n.name,
          conflicted: n.conflicted,
          reasons: n.reasons,
          myScore: n.myScore,
          scored: n.scored,
          mean: n.mean,
        })),
      };
    },
  );

  json.post(
    `${base}/:roundId/declaration`,
    api(
      { who: judges, scope: "prize:write" },
      {
        operationId: "declarePrizeConflicts",
        tags,
        summary: "Declare your conflicts of interest with the round's nominees, before scoring any",
        description:
          "Once nominations close. An empty list declares none. Each conflict is described (422 without); a declaration stays, and a later one only adds conflicts.",
        params: RoundParams,
        body: DeclarationBody,
        response: { 200: DeclarationResponse, ...errorResponses(409, 422) },
      },
    ),
    async (request) => declareConflicts(ctxOf(request), request.params.roundId, request.body),
  );

  json.put(
    `${base}/:roundId/nominations/:nominationId/score`,
    api(
      { who: judges, scope: "prize:write" },
      {
        operationId: "scorePrizeNominee",
        tags,
        summary: "Score a nominee from 0 to 10 with a comment (again to change it)",
        description:
          "403 before your declaration, or for a nominee you declared a conflict with; 409 outside judging.",
        params: NominationParams,
        body: ScoreBody,
        response: { 200: ScoreResponse, ...errorResponses(409) },
      },
    ),
    async (request) =>
      scoreNominee(ctxOf(request), request.params.roundId, request.params.nominationId, request.body),
  );

  json.post(
    `${base}/:roundId/shortlist`,
    api(
      { who: organisers, scope: "prize:write" },
      {
        operationId: "publishPrizeShortlist",
        tags,
        summary: "Publish the shortlist: each category's best mean scores, ties at the last place kept in",
        description: "While judging, from the day the shortlist is announced (409 otherwise).",
        params: RoundParams,
        body: "none",
        response: { 200: RoundResponse, ...errorResponses(409) },
      },
    ),
    async (request) => roundViewToApi(await publishShortlist(ctxOf(request), request.params.roundId)),
  );

  json.post(
    `${base}/:roundId/winners`,
    api(
      { who: organisers, scope: "prize:write" },
      {
        operationId: "publishPrizeWinners",
        tags,
        summary: "Publish the winners: one from each category's shortlist, with its citation",
        description:
          "Once the shortlist is published, from the day the winners are announced (409 otherwise).",
        params: RoundParams,
        body: WinnersBody,
        response: { 200: RoundResponse, ...errorResponses(409) },
      },
    ),
    async (request) =>
      roundViewToApi(await publishWinners(ctxOf(request), request.params.roundId, request.body)),
  );

  prizePages(app);
}
