/**
 * The award's pages (issue 6): the award form, the public contract award notice, the challenge form,
 * the challenge outcome form, and the assessment summaries an organisation received. Each route
 * states who may see it and calls one service; every form uses the one form pattern
 * (src/http/forms.ts). Every page works without JavaScript.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { field, fieldList, formPage } from "../../http/forms.ts";
import { anyone, page } from "../../http/routes.ts";
import { formatPercent, pointsOutOf100, workingInPoints } from "../../lib/basis-points.ts";
import { londonDateTime } from "../../lib/london-time.ts";
import { formatMoney, type Pence } from "../../lib/money.ts";
import { standstillEndText } from "../../lib/working-days.ts";
import { ctxOf } from "../access/context.ts";
import type { Authority } from "../authorities/authorities.service.ts";
import { moderators } from "../evaluation/evaluation.policies.ts";
import { tendersCtxOf } from "../tenders/tenders.service.ts";
import { bidderPeople, challengeDeciders, challengers } from "./award.policies.ts";
import { assessmentsReceived, awardForm, awardTender, noticePage } from "./award.service.ts";
import {
  challengeForm,
  challengeOf,
  decideStandstillChallenge,
  lodgeChallenge,
} from "./challenges.service.ts";

type TenderRequest = FastifyRequest<{ Params: { slug: string; tenderId: string } }>;
type ChallengeRequest = FastifyRequest<{ Params: { slug: string; tenderId: string; challengeId: string } }>;
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

const tender = "/authorities/:slug/tenders/:tenderId";

export function awardPages(app: FastifyInstance): void {
  awardFormPage(app);
  noticePages(app);
  challengePages(app);
  assessmentsPage(app);
}

/** The award form, from the ranking. */
function awardFormPage(app: FastifyInstance): void {
  formPage(app, `${tender}/award/decide`, {
    who: moderators,
    template: "award/views/award-form.njk",
    context: async (request: TenderRequest) => {
      const { authority } = request;
      const { ready, activities } = await awardForm(
        tendersCtxOf(request),
        authority.id,
        request.params.tenderId,
      );
      const { tender: row, evaluation } = ready.t;
      const winner = ready.ranking.bids[0];
      return {
        authority,
        tender: row,
        base: baseOf(authority, row.id),
        winner,
        winnerTotal: winner ? pointsOutOf100(winner.totalShown) : "",
        winnerPrice: winner?.pricePence ? formatMoney(winner.pricePence as Pence) : "",
        fixedPrice: row.fixed_price_pence !== null ? formatMoney(row.fixed_price_pence as Pence) : "",
        ties: ready.ranking.unresolvedTies.length > 0,
        evaluation,
        activityItems: [
          { value: "", text: request.t("award.form.noActivity") },
          ...activities.map((a) => ({ value: a.code, text: a.name })),
        ],
      };
    },
    read: sent,
    submit: async (request: TenderRequest, values, { base }) => {
      await awardTender(tendersCtxOf(request), request.authority.id, request.params.tenderId, {
        regulatedActivity: field(values, "regulatedActivity") || null,
        value: field(values, "value") || null,
      });
      return `${base}/award?notice=awarded`;
    },
  });
}

/** The public contract award notice. */
function noticePages(app: FastifyInstance): void {
  app.get(`${tender}/award`, page({ who: anyone }), async (request: TenderRequest, reply) => {
    const { authority, t } = request;
    const {
      notice: n,
      can,
      challenges,
    } = await noticePage(ctxOf(request), authority.id, request.params.tenderId);
    await reply.page("award/views/notice.njk", {
      authority,
      n,
      base: baseOf(authority, n.tender.id),
      can,
      challenges: challenges.map((c) => ({ ...c, lodgedText: londonDateTime(c.lodged_at, request.locale) })),
      value: formatMoney(n.award.value_pence as Pence),
      decidedText: londonDateTime(n.award.decided_at, request.locale),
      standstillText: standstillEndText(n.award.standstill_ends_at),
      consortium: n.award.consortium.map((m) =>
        t("award.notice.member", {
          name: m.name,
          role: t(`tenders.bid.${m.role}`),
          share: formatPercent(m.shareBp),
        }),
      ),
      rankingRows: n.ranking.map((r) => [
        { text: String(r.rank) },
        { text: r.bidder ?? t("award.notice.otherBid") },
        { text: pointsOutOf100(r.qualityShown) },
        { text: pointsOutOf100(r.priceShown) },
        { text: pointsOutOf100(r.totalShown) },
      ]),
      leadShare: formatPercent(n.award.lead_share_bp),
      notice: noticeOf(request, {
        awarded: t("award.notice.awardedNotice"),
        challenged: t("award.notice.challengedNotice"),
        decided: t("award.notice.decidedNotice"),
      }),
    });
  });
}

/** A bidder's challenge, and the commissioner's outcome. */
function challengePages(app: FastifyInstance): void {
  formPage(app, `${tender}/award/challenge`, {
    who: challengers,
    template: "award/views/challenge.njk",
    context: async (request: TenderRequest) => {
      const { authority } = request;
      const { notice: n, can } = await challengeForm(ctxOf(request), authority.id, request.params.tenderId);
      return {
        authority,
        n,
        base: baseOf(authority, n.tender.id),
        organisations: can.challengeAs.map((o) => ({ value: o.id, text: o.name })),
        standstillText: standstillEndText(n.award.standstill_ends_at),
      };
    },
    values: (_request, { organisations }) => ({ organisationId: organisations[0]?.value ?? "" }),
    read: sent,
    submit: async (request: TenderRequest, values, { base }) => {
      await lodgeChallenge(tendersCtxOf(request), request.authority.id, request.params.tenderId, {
        organisationId: field(values, "organisationId") || (fieldList(values, "organisationId")[0] ?? ""),
        grounds: field(values, "grounds"),
      });
      return `${base}/award?notice=challenged`;
    },
  });

  formPage(app, `${tender}/award/challenges/:challengeId`, {
    who: challengeDeciders,
    template: "award/views/outcome.njk",
    context: async (request: ChallengeRequest) => {
      const { authority } = request;
      const { tenderId, challengeId } = request.params;
      const v = await challengeOf(ctxOf(request), authority.id, tenderId, challengeId);
      return {
        authority,
        n: v.notice,
        c: v.challenge,
        base: baseOf(authority, v.notice.tender.id),
        lodgedText: londonDateTime(v.challenge.lodged_at, request.locale),
        decidedText: v.challenge.decided_at ? londonDateTime(v.challenge.decided_at, request.locale) : "",
      };
    },
    read: sent,
    submit: async (request: ChallengeRequest, values, { base }) => {
      const { tenderId, challengeId } = request.params;
      await decideStandstillChallenge(tendersCtxOf(request), request.authority.id, tenderId, challengeId, {
        outcome: field(values, "outcome"),
        reason: field(values, "reason"),
      });
      return `${base}/award?notice=decided`;
    },
  });
}

/** An assessment summary with its scores and working in points out of 100, as every page shows scores. */
function assessedInPoints<
  A extends { total_shown: string | null; criteria: { pointsShown: string; working: string }[] },
>(a: A): A {
  return {
    ...a,
    total_shown: a.total_shown === null ? null : pointsOutOf100(a.total_shown),
    criteria: a.criteria.map((c) => ({
      ...c,
      pointsShown: pointsOutOf100(c.pointsShown),
      working: workingInPoints(c.working),
    })),
  };
}

/** The assessment summaries an organisation received. */
function assessmentsPage(app: FastifyInstance): void {
  app.get(
    "/organisations/:id/assessments",
    page({ who: bidderPeople }),
    async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
      const rows = await assessmentsReceived(ctxOf(request), request.params.id);
      await reply.page("award/views/assessments.njk", {
        organisationId: request.params.id,
        rows: rows.map(({ own, winner }) => ({
          own: assessedInPoints(own),
          winner: winner && winner.bid_id !== own.bid_id ? assessedInPoints(winner) : null,
          noticeUrl: `/authorities/${own.authority_slug}/tenders/${own.tender_id}/award`,
          decidedText: londonDateTime(own.decided_at, request.locale),
          standstillText: standstillEndText(own.standstill_ends_at),
        })),
      });
    },
  );
}
