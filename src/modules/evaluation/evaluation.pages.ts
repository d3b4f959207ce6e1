/**
 * Evaluation's pages (issue 6): the overview with the assignment of evaluators, the declaration of
 * conflicts, the scoresheet per bid and its submission, moderation, and the ranking with its working
 * and the decision on a tie. Each route states who may see it and calls one service; every form uses
 * the one form pattern (src/http/forms.ts). Every page works without JavaScript.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { field, formAction, formPage } from "../../http/forms.ts";
import { localiseMessage } from "../../http/i18n.ts";
import { page } from "../../http/routes.ts";
import { formatPercent, pointsOutOf100, workingInPoints } from "../../lib/basis-points.ts";
import { londonDateTime } from "../../lib/london-time.ts";
import { formatMoney, type Pence } from "../../lib/money.ts";
import { standstillEndText } from "../../lib/working-days.ts";
import type { Authority } from "../authorities/authorities.service.ts";
import { assignEvaluator } from "../tenders/evaluators.service.ts";
import { tenderEditors } from "../tenders/tenders.policies.ts";
import { tendersCtxOf } from "../tenders/tenders.service.ts";
import { declareConflicts } from "./declarations.service.ts";
import { evaluators, moderators, tenderTeam } from "./evaluation.policies.ts";
import { type EvaluationOverview, evaluationOverview, type LeafCriterion } from "./evaluation.service.ts";
import {
  decideTie,
  moderateBid,
  moderationFor,
  moderationView,
  type RankingView,
  rankingView,
} from "./moderation.service.ts";
import { recordScores, type ScoreDraft, scoresheetFor, submitScores } from "./scores.service.ts";

type TenderRequest = FastifyRequest<{ Params: { slug: string; tenderId: string } }>;
type BidRequest = FastifyRequest<{ Params: { slug: string; tenderId: string; bidId: string } }>;
type Values = Record<string, unknown>;

/** What a form sent, as the page shows it again (every field but the CSRF token). */
function sent(body: unknown): Values {
  const out: Values = {};
  for (const [k, v] of Object.entries((body ?? {}) as Values)) if (k !== "_csrf") out[k] = v;
  return out;
}

function noticeOf(request: FastifyRequest, notices: Record<string, string>): string {
  const key = ((request.query ?? {}) as Record<string, string>).notice;
  return key ? (notices[key] ?? "") : "";
}

const baseOf = (authority: Authority, tenderId: string) =>
  `/authorities/${authority.slug}/tenders/${tenderId}`;
const criterionTitle = (c: LeafCriterion) => (c.parentTitle ? `${c.parentTitle}: ${c.title}` : c.title);

/** Score fields of a form (`scores.<criterionId>.score` and `.reason`) as the services take them. */
export function scoresFromForm(body: unknown, criteria: readonly LeafCriterion[]): ScoreDraft[] {
  return criteria
    .filter((c) => c.kind !== "price" && c.kind !== "accreditation")
    .map((c) => ({
      criterionId: c.id,
      score: field(body, `scores.${c.id}.score`),
      reason: field(body, `scores.${c.id}.reason`),
    }));
}

/** Scores as a score form's starting values. */
function scoreValues(scores: Record<string, { score: number; reason: string } | null | undefined>): Values {
  const given: Values = {};
  for (const [id, s] of Object.entries(scores))
    if (s) {
      given[`scores.${id}.score`] = String(s.score);
      given[`scores.${id}.reason`] = s.reason;
    }
  return given;
}

/** The overview page: evaluation's progress, what to do next, and the assignment of evaluators. */
function overviewPage(request: FastifyRequest, o: EvaluationOverview) {
  const { authority, t } = request;
  return {
    authority,
    tender: o.tender,
    base: baseOf(authority, o.tender.id),
    o,
    notice: noticeOf(request, {
      declared: t("evaluation.scoring.declaredNotice"),
      submitted: t("evaluation.scoring.submittedNotice"),
      conflict: t("evaluation.scoring.conflictNotice"),
      assigned: t("evaluation.scoring.assignedNotice"),
    }),
    criteria: o.criteria.map((c) => ({
      ...c,
      titleText: criterionTitle(c),
      weight: formatPercent(c.weightBp),
    })),
    standstillText: o.progress.liveAward ? standstillEndText(o.progress.liveAward.standstillEndsAt) : "",
    evaluatorRows: o.progress.evaluators.map((e) => [
      { text: e.name },
      {
        text: e.declaration
          ? t(`evaluation.scoring.declaration.${e.declaration}`)
          : t("evaluation.scoring.notDeclared"),
      },
      {
        text: e.submittedAt
          ? londonDateTime(e.submittedAt, request.locale)
          : t("evaluation.scoring.notSubmitted"),
      },
    ]),
    assignable: o.assignable,
  };
}

const overviewOf = async (request: TenderRequest) =>
  overviewPage(
    request,
    await evaluationOverview(tendersCtxOf(request), request.authority.id, request.params.tenderId),
  );

/** The ranking page: each bid's working, and the form for a decision on a tie. */
function rankingPage(request: FastifyRequest, r: RankingView) {
  const { authority } = request;
  return {
    authority,
    tender: r.tender,
    base: baseOf(authority, r.tender.id),
    r,
    bids: r.bids.map((b) => ({
      ...b,
      totalText: pointsOutOf100(b.totalShown),
      qualityText: pointsOutOf100(b.qualityShown),
      pricePoints: pointsOutOf100(b.priceShown),
      priceText: b.pricePence === null ? "" : formatMoney(b.pricePence as Pence),
      rows: b.criteria.map((w) => {
        const detail = b.details.find((d) => d.criterionId === w.criterionId);
        return {
          title: detail?.title ?? "",
          working: workingInPoints(w.working),
          // An accreditation's reason is the platform's working, a message in the page's language.
          reason:
            w.kind === "accreditation"
              ? localiseMessage(detail?.reason ?? "", request.locale).text
              : (detail?.reason ?? ""),
          points: pointsOutOf100(w.pointsShown),
        };
      }),
    })),
    tied: r.unresolvedTies.flat(),
    notice: noticeOf(request, { tie: request.t("evaluation.ranking.tieNotice") }),
  };
}

const tender = "/authorities/:slug/tenders/:tenderId";

export function evaluationPages(app: FastifyInstance): void {
  overviewPages(app);
  scoringPages(app);
  moderationPages(app);
  rankingPages(app);
}

/** The overview, with the assignment of evaluators and the submission of a scoresheet. */
function overviewPages(app: FastifyInstance): void {
  app.get(`${tender}/evaluation`, page({ who: tenderTeam }), async (request: TenderRequest, reply) => {
    await reply.page("evaluation/views/evaluation.njk", {
      ...(await overviewOf(request)),
      values: { userId: "" },
    });
  });

  formAction(app, `${tender}/evaluators`, {
    who: tenderEditors,
    template: "evaluation/views/evaluation.njk",
    context: overviewOf,
    read: (body) => ({ userId: field(body, "userId") }),
    submit: async (request: TenderRequest, values, { base }) => {
      await assignEvaluator(
        tendersCtxOf(request),
        request.authority.id,
        request.params.tenderId,
        values.userId,
      );
      return `${base}/evaluation?notice=assigned`;
    },
  });

  formAction(app, `${tender}/evaluation/submission`, {
    who: evaluators,
    template: "evaluation/views/evaluation.njk",
    context: overviewOf,
    read: () => ({ userId: "" }),
    submit: async (request: TenderRequest, _values, { base }) => {
      await submitScores(tendersCtxOf(request), request.authority.id, request.params.tenderId);
      return `${base}/evaluation?notice=submitted`;
    },
  });
}

/** The declaration of conflicts and the scoresheet per bid. */
function scoringPages(app: FastifyInstance): void {
  formPage(app, `${tender}/evaluation/declaration`, {
    who: tenderTeam,
    template: "evaluation/views/declaration.njk",
    context: async (request: TenderRequest) => {
      const { tender: row } = await evaluationOverview(
        tendersCtxOf(request),
        request.authority.id,
        request.params.tenderId,
      );
      return { authority: request.authority, tender: row, base: baseOf(request.authority, row.id) };
    },
    read: sent,
    submit: async (request: TenderRequest, values, { base }) => {
      const answer = field(values, "conflict");
      const r = await declareConflicts(tendersCtxOf(request), request.authority.id, request.params.tenderId, {
        ...(answer === "yes" ? { conflict: true } : answer === "no" ? { conflict: false } : {}),
        description: field(values, "description"),
      });
      return `${base}/evaluation?notice=${r.declaration === "conflict" ? "conflict" : "declared"}`;
    },
  });

  formPage(app, `${tender}/evaluation/bids/:bidId`, {
    who: evaluators,
    template: "evaluation/views/scoresheet.njk",
    context: async (request: BidRequest) => {
      const { tenderId, bidId } = request.params;
      const { sheet, bid } = await scoresheetFor(
        tendersCtxOf(request),
        request.authority.id,
        tenderId,
        bidId,
      );
      return {
        authority: request.authority,
        tender: sheet.tender,
        base: baseOf(request.authority, sheet.tender.id),
        bid,
        scaleMax: sheet.scaleMax,
        submitted: sheet.submittedAt !== null,
        criteria: sheet.criteria.map((c) => ({
          ...c,
          titleText: criterionTitle(c),
          weight: formatPercent(c.weightBp),
          answer: bid.answers[c.id] ?? "",
        })),
        // Criteria the platform scores (an accreditation on the bid's date), with the working.
        platformScored: bid.platformScored.map((s) => ({
          titleText: criterionTitle(s.criterion),
          weight: formatPercent(s.criterion.weightBp),
          working: localiseMessage(s.working, request.locale).text,
        })),
      };
    },
    values: (_request, { bid }) => scoreValues(bid.scores),
    read: sent,
    submit: async (request: BidRequest, values, { base, criteria }) => {
      const { tenderId, bidId } = request.params;
      await recordScores(
        tendersCtxOf(request),
        request.authority.id,
        tenderId,
        bidId,
        scoresFromForm(values, criteria),
      );
      return `${base}/evaluation?notice=scored`;
    },
  });
}

/** Moderation: the scores side by side, and a bid's agreed scores. */
function moderationPages(app: FastifyInstance): void {
  app.get(`${tender}/moderation`, page({ who: moderators }), async (request: TenderRequest, reply) => {
    const m = await moderationView(tendersCtxOf(request), request.authority.id, request.params.tenderId);
    await reply.page("evaluation/views/moderation.njk", {
      authority: request.authority,
      tender: m.tender,
      base: baseOf(request.authority, m.tender.id),
      m,
      criteria: m.criteria.map((c) => ({ ...c, titleText: criterionTitle(c) })),
      notice: noticeOf(request, { moderated: request.t("evaluation.moderation.savedNotice") }),
    });
  });

  formPage(app, `${tender}/moderation/bids/:bidId`, {
    who: moderators,
    template: "evaluation/views/moderate.njk",
    context: async (request: BidRequest) => {
      const { tenderId, bidId } = request.params;
      const { view, bid } = await moderationFor(tendersCtxOf(request), request.authority.id, tenderId, bidId);
      return {
        authority: request.authority,
        tender: view.tender,
        base: baseOf(request.authority, view.tender.id),
        bid,
        scaleMax: view.scaleMax,
        criteria: view.criteria.map((c) => ({
          ...c,
          titleText: criterionTitle(c),
          answer: bid.answers[c.id] ?? "",
          evaluators: bid.perCriterion[c.id]?.evaluators ?? [],
        })),
      };
    },
    values: (_request, { bid }) =>
      scoreValues(Object.fromEntries(Object.entries(bid.perCriterion).map(([id, c]) => [id, c.agreed]))),
    read: sent,
    submit: async (request: BidRequest, values, { base, criteria }) => {
      const { tenderId, bidId } = request.params;
      await moderateBid(
        tendersCtxOf(request),
        request.authority.id,
        tenderId,
        bidId,
        scoresFromForm(values, criteria),
      );
      return `${base}/moderation?notice=moderated`;
    },
  });
}

/** The ranking with its working, and the decision on a tie. */
function rankingPages(app: FastifyInstance): void {
  const rankingOf = async (request: TenderRequest) =>
    rankingPage(
      request,
      await rankingView(tendersCtxOf(request), request.authority.id, request.params.tenderId),
    );

  app.get(`${tender}/ranking`, page({ who: moderators }), async (request: TenderRequest, reply) => {
    await reply.page("evaluation/views/ranking.njk", { ...(await rankingOf(request)), values: {} });
  });

  formAction(app, `${tender}/ranking/tie-decision`, {
    who: moderators,
    template: "evaluation/views/ranking.njk",
    context: rankingOf,
    read: sent,
    submit: async (request: TenderRequest, values, { base, tied }) => {
      // Each tied bid has a position field ("position.<bidId>" = 1, 2, …): the service orders them by it.
      await decideTie(tendersCtxOf(request), request.authority.id, request.params.tenderId, {
        positions: Object.fromEntries(tied.map((b) => [b.bidId, field(values, `position.${b.bidId}`)])),
        reason: field(values, "reason"),
      });
      return `${base}/ranking?notice=tie`;
    },
  });
}
