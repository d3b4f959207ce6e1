/**
 * Issue 6's pages: evaluation's overview, the declaration of conflicts, the scoresheet per bid and its
 * submission, moderation, the ranking with its working and the tie decision, the award form, the
 * public award notice, the challenge form, the challenge outcome form, and the assessment summaries an
 * organisation received. Thin: parse forms, call the services, render. Work without JavaScript.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { transaction } from "../../db/transaction.ts";
import { statusFor } from "../../http/errors.ts";
import { field, fieldList, formErrors, submitForm } from "../../http/forms.ts";
import { NotFoundError, UnprocessableError, ValidationError } from "../../lib/errors.ts";
import { londonDateTime } from "../../lib/london-time.ts";
import { formatMoney, type Pence } from "../../lib/money.ts";
import { isAuthorityEditor, requireAuthorityEditor, requireSignedIn } from "../access/access.service.ts";
import type { Authority } from "../authorities/authorities.service.ts";
import { authorityBySlug } from "../authorities/authorities.service.ts";
import { assignEvaluator, type BidsContext } from "../tenders/bids.service.ts";
import { percent } from "../tenders/tenders.service.ts";
import {
  assessmentsReceived,
  awardNotice,
  awardPermissions,
  awardTender,
  challengeOf,
  decideChallenge,
  lodgeChallenge,
  standstillEndText,
} from "./award.service.ts";
import * as repo from "./evaluation.repository.ts";
import {
  decideTie,
  declareConflicts,
  evaluationOverview,
  type LeafCriterion,
  moderateBid,
  moderationView,
  rankingView,
  readyToAward,
  recordScores,
  type ScoreDraft,
  scoresheet,
  submitScores,
} from "./evaluation.service.ts";

const hide = { schema: { hide: true } };
type SlugTender = { Params: { slug: string; tenderId: string } };
type SlugBid = { Params: { slug: string; tenderId: string; bidId: string } };
type SlugChallenge = { Params: { slug: string; tenderId: string; challengeId: string } };

function values(body: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries((body ?? {}) as Record<string, unknown>)) if (k !== "_csrf") out[k] = v;
  return out;
}

/** Score fields of a form (`scores.<criterionId>.score` and `.reason`) as the services take them. */
export function scoresFromForm(body: unknown, criteria: readonly LeafCriterion[]): ScoreDraft[] {
  return criteria
    .filter((c) => c.kind !== "price")
    .map((c) => ({
      criterionId: c.id,
      score: field(body, `scores.${c.id}.score`),
      reason: field(body, `scores.${c.id}.reason`),
    }));
}

const criterionTitle = (c: LeafCriterion) => (c.parentTitle ? `${c.parentTitle}: ${c.title}` : c.title);

async function renderWithErrors(
  reply: FastifyReply,
  template: string,
  context: () => Promise<Record<string, unknown>>,
  action: () => Promise<string>,
) {
  try {
    await reply.redirect(await action(), 303);
  } catch (error) {
    if (!(error instanceof ValidationError || error instanceof UnprocessableError)) throw error;
    reply.status(statusFor(error));
    await reply.page(template, { ...(await context()), errors: formErrors(error) });
  }
}

export function awardPages(app: FastifyInstance, ctx: BidsContext): void {
  const { db, clock } = ctx;
  const baseOf = (authority: Authority, tenderId: string) =>
    `/authorities/${authority.slug}/tenders/${tenderId}`;
  const notice = (request: FastifyRequest, notices: Record<string, string>) => {
    const key = ((request.query ?? {}) as Record<string, string>).notice;
    return key ? (notices[key] ?? "") : "";
  };

  // Overview

  async function overviewContext(request: FastifyRequest<SlugTender>, authority: Authority, body: unknown) {
    const o = await evaluationOverview(ctx, request.principal, authority.id, request.params.tenderId);
    const t = request.t;
    const editor = isAuthorityEditor(request.principal, authority.id);
    const assigned = new Set(o.progress.evaluators.map((e) => e.userId));
    return {
      authority,
      tender: o.tender,
      base: baseOf(authority, o.tender.id),
      o,
      notice: notice(request, {
        declared: t("evaluation.scoring.declaredNotice"),
        submitted: t("evaluation.scoring.submittedNotice"),
        conflict: t("evaluation.scoring.conflictNotice"),
        assigned: t("evaluation.scoring.assignedNotice"),
      }),
      criteria: o.criteria.map((c) => ({ ...c, titleText: criterionTitle(c), weight: percent(c.weightBp) })),
      standstillText: o.progress.liveAward ? standstillEndText(o.progress.liveAward.standstill_ends_at) : "",
      evaluatorRows: o.progress.evaluators.map((e) => [
        { text: e.name },
        {
          text: e.declaration
            ? t(`evaluation.scoring.declaration.${e.declaration}`)
            : t("evaluation.scoring.notDeclared"),
        },
        { text: e.submittedAt ? londonDateTime(e.submittedAt) : t("evaluation.scoring.notSubmitted") },
      ]),
      // The commissioner assigns evaluators from the authority's evaluators not yet assigned.
      assignable:
        editor && !o.progress.liveAward
          ? (await repo.authorityEvaluators(db, authority.id)).filter((e) => !assigned.has(e.id))
          : [],
      values: { userId: field(body, "userId") },
    };
  }

  app.get<SlugTender>("/authorities/:slug/tenders/:tenderId/evaluation", hide, async (request, reply) => {
    const authority = await authorityBySlug(db, request.params.slug);
    await reply.page("evaluation/views/evaluation.njk", await overviewContext(request, authority, {}));
  });

  app.post<SlugTender>("/authorities/:slug/tenders/:tenderId/evaluators", hide, async (request, reply) => {
    const authority = await authorityBySlug(db, request.params.slug);
    await requireAuthorityEditor(db, request.principal, authority.id);
    const context = await overviewContext(request, authority, request.body);
    await submitForm(reply, "evaluation/views/evaluation.njk", context, async () => {
      await transaction(db, (trx) =>
        assignEvaluator(
          trx,
          clock,
          request.principal,
          authority.id,
          context.tender.id,
          field(request.body, "userId"),
          requireAuthorityEditor,
        ),
      );
      return `${context.base}/evaluation?notice=assigned`;
    });
  });

  // Declaration

  const declarationContext = async (request: FastifyRequest<SlugTender>, authority: Authority) => {
    const o = await evaluationOverview(ctx, request.principal, authority.id, request.params.tenderId);
    return {
      authority,
      tender: o.tender,
      base: baseOf(authority, o.tender.id),
      values: {} as Record<string, unknown>,
    };
  };
  app.get<SlugTender>(
    "/authorities/:slug/tenders/:tenderId/evaluation/declaration",
    hide,
    async (request, reply) => {
      const authority = await authorityBySlug(db, request.params.slug);
      await reply.page("evaluation/views/declaration.njk", await declarationContext(request, authority));
    },
  );
  app.post<SlugTender>(
    "/authorities/:slug/tenders/:tenderId/evaluation/declaration",
    hide,
    async (request, reply) => {
      const authority = await authorityBySlug(db, request.params.slug);
      const context = await declarationContext(request, authority);
      await submitForm(
        reply,
        "evaluation/views/declaration.njk",
        { ...context, values: values(request.body) },
        async () => {
          const answer = field(request.body, "conflict");
          const r = await declareConflicts(ctx, request.principal, authority.id, request.params.tenderId, {
            ...(answer === "yes" ? { conflict: true } : answer === "no" ? { conflict: false } : {}),
            description: field(request.body, "description"),
          });
          return r.declaration === "conflict"
            ? `${context.base}/evaluation?notice=conflict`
            : `${context.base}/evaluation?notice=declared`;
        },
      );
    },
  );

  // Scoresheet per bid

  const scoreContext = async (request: FastifyRequest<SlugBid>, authority: Authority) => {
    const sheet = await scoresheet(ctx, request.principal, authority.id, request.params.tenderId);
    const bid = sheet.bids.find((b) => b.bidId === request.params.bidId);
    if (!bid) throw new NotFoundError("bid");
    const given: Record<string, unknown> = {};
    for (const [id, s] of Object.entries(bid.scores)) {
      given[`scores.${id}.score`] = String(s.score);
      given[`scores.${id}.reason`] = s.reason;
    }
    return {
      authority,
      tender: sheet.tender,
      base: baseOf(authority, sheet.tender.id),
      bid,
      scaleMax: sheet.scaleMax,
      submitted: sheet.submittedAt !== null,
      criteria: sheet.criteria.map((c) => ({
        ...c,
        titleText: criterionTitle(c),
        weight: percent(c.weightBp),
        answer: bid.answers[c.id] ?? "",
      })),
      values: given,
    };
  };
  app.get<SlugBid>(
    "/authorities/:slug/tenders/:tenderId/evaluation/bids/:bidId",
    hide,
    async (request, reply) => {
      const authority = await authorityBySlug(db, request.params.slug);
      await reply.page("evaluation/views/scoresheet.njk", await scoreContext(request, authority));
    },
  );
  app.post<SlugBid>(
    "/authorities/:slug/tenders/:tenderId/evaluation/bids/:bidId",
    hide,
    async (request, reply) => {
      const authority = await authorityBySlug(db, request.params.slug);
      const context = await scoreContext(request, authority);
      await submitForm(
        reply,
        "evaluation/views/scoresheet.njk",
        { ...context, values: values(request.body) },
        async () => {
          await recordScores(
            ctx,
            request.principal,
            authority.id,
            request.params.tenderId,
            request.params.bidId,
            scoresFromForm(request.body, context.criteria),
          );
          return `${context.base}/evaluation?notice=scored`;
        },
      );
    },
  );

  app.post<SlugTender>(
    "/authorities/:slug/tenders/:tenderId/evaluation/submission",
    hide,
    async (request, reply) => {
      const authority = await authorityBySlug(db, request.params.slug);
      const base = baseOf(authority, request.params.tenderId);
      await renderWithErrors(
        reply,
        "evaluation/views/evaluation.njk",
        async () => {
          const o = await evaluationOverview(ctx, request.principal, authority.id, request.params.tenderId);
          return {
            authority,
            tender: o.tender,
            base,
            o,
            criteria: o.criteria.map((c) => ({
              ...c,
              titleText: criterionTitle(c),
              weight: percent(c.weightBp),
            })),
            evaluatorRows: [],
          };
        },
        async () => {
          await submitScores(ctx, request.principal, authority.id, request.params.tenderId);
          return `${base}/evaluation?notice=submitted`;
        },
      );
    },
  );

  // Moderation

  app.get<SlugTender>("/authorities/:slug/tenders/:tenderId/moderation", hide, async (request, reply) => {
    const authority = await authorityBySlug(db, request.params.slug);
    const m = await moderationView(ctx, request.principal, authority.id, request.params.tenderId);
    await reply.page("evaluation/views/moderation.njk", {
      authority,
      tender: m.tender,
      base: baseOf(authority, m.tender.id),
      m,
      criteria: m.criteria.map((c) => ({ ...c, titleText: criterionTitle(c) })),
      notice: notice(request, { moderated: request.t("evaluation.moderation.savedNotice") }),
    });
  });

  const moderateContext = async (request: FastifyRequest<SlugBid>, authority: Authority) => {
    const m = await moderationView(ctx, request.principal, authority.id, request.params.tenderId);
    const bid = m.bids.find((b) => b.bidId === request.params.bidId);
    if (!bid) throw new NotFoundError("bid");
    const given: Record<string, unknown> = {};
    for (const c of m.criteria) {
      const agreed = bid.perCriterion[c.id]?.agreed;
      if (agreed) {
        given[`scores.${c.id}.score`] = String(agreed.score);
        given[`scores.${c.id}.reason`] = agreed.reason;
      }
    }
    return {
      authority,
      tender: m.tender,
      base: baseOf(authority, m.tender.id),
      bid,
      scaleMax: m.scaleMax,
      criteria: m.criteria.map((c) => ({
        ...c,
        titleText: criterionTitle(c),
        answer: bid.answers[c.id] ?? "",
        evaluators: bid.perCriterion[c.id]?.evaluators ?? [],
      })),
      values: given,
    };
  };
  app.get<SlugBid>(
    "/authorities/:slug/tenders/:tenderId/moderation/bids/:bidId",
    hide,
    async (request, reply) => {
      const authority = await authorityBySlug(db, request.params.slug);
      await reply.page("evaluation/views/moderate.njk", await moderateContext(request, authority));
    },
  );
  app.post<SlugBid>(
    "/authorities/:slug/tenders/:tenderId/moderation/bids/:bidId",
    hide,
    async (request, reply) => {
      const authority = await authorityBySlug(db, request.params.slug);
      const context = await moderateContext(request, authority);
      await submitForm(
        reply,
        "evaluation/views/moderate.njk",
        { ...context, values: values(request.body) },
        async () => {
          await moderateBid(
            ctx,
            request.principal,
            authority.id,
            request.params.tenderId,
            request.params.bidId,
            scoresFromForm(request.body, context.criteria),
          );
          return `${context.base}/moderation?notice=moderated`;
        },
      );
    },
  );

  // Ranking and ties

  const rankingContext = async (request: FastifyRequest<SlugTender>, authority: Authority) => {
    const r = await rankingView(ctx, request.principal, authority.id, request.params.tenderId);
    return {
      authority,
      tender: r.tender,
      base: baseOf(authority, r.tender.id),
      r,
      bids: r.bids.map((b) => ({
        ...b,
        priceText: b.pricePence === null ? "" : formatMoney(b.pricePence as Pence),
        rows: b.criteria.map((w) => ({
          title: b.details.find((d) => d.criterionId === w.criterionId)?.title ?? "",
          working: w.working,
          reason: b.details.find((d) => d.criterionId === w.criterionId)?.reason ?? "",
          points: w.pointsShown,
        })),
      })),
      tied: r.unresolvedTies.flat(),
      values: {} as Record<string, unknown>,
      notice: notice(request, { tie: request.t("evaluation.ranking.tieNotice") }),
    };
  };
  app.get<SlugTender>("/authorities/:slug/tenders/:tenderId/ranking", hide, async (request, reply) => {
    const authority = await authorityBySlug(db, request.params.slug);
    await reply.page("evaluation/views/ranking.njk", await rankingContext(request, authority));
  });
  app.post<SlugTender>(
    "/authorities/:slug/tenders/:tenderId/ranking/tie-decision",
    hide,
    async (request, reply) => {
      const authority = await authorityBySlug(db, request.params.slug);
      const context = await rankingContext(request, authority);
      await submitForm(
        reply,
        "evaluation/views/ranking.njk",
        { ...context, values: values(request.body) },
        async () => {
          // Each tied bid has a position field ("position.<bidId>" = 1, 2, …); the order is by position.
          const order = context.tied
            .map((b) => ({
              bidId: b.bidId,
              position: Number(field(request.body, `position.${b.bidId}`) || "0"),
            }))
            .sort((a, b) => a.position - b.position)
            .map((b) => b.bidId);
          const positions = context.tied.map((b) => field(request.body, `position.${b.bidId}`));
          if (positions.some((x) => !/^\d{1,3}$/.test(x)) || new Set(positions).size !== positions.length)
            throw new ValidationError("Check the order", [
              {
                field: "order",
                message: "Give each tied bid a different position: 1 for the best, then 2, and so on",
              },
            ]);
          await decideTie(ctx, request.principal, authority.id, request.params.tenderId, {
            order,
            reason: field(request.body, "reason"),
          });
          return `${context.base}/ranking?notice=tie`;
        },
      );
    },
  );

  // The award

  const awardFormContext = async (request: FastifyRequest<SlugTender>, authority: Authority) => {
    const { t: tender, ranking } = await readyToAward(
      ctx,
      request.principal,
      authority.id,
      request.params.tenderId,
    );
    const activities = await repo.regulatedActivities(db);
    const winner = ranking.bids[0];
    return {
      authority,
      tender: tender.tender,
      base: baseOf(authority, tender.tender.id),
      winner,
      winnerPrice: winner?.pricePence ? formatMoney(winner.pricePence as Pence) : "",
      fixedPrice:
        tender.tender.fixed_price_pence !== null ? formatMoney(tender.tender.fixed_price_pence as Pence) : "",
      ties: ranking.unresolvedTies.length > 0,
      evaluation: tender.evaluation,
      activityItems: [
        { value: "", text: request.t("evaluation.award.noActivity") },
        ...activities.map((a) => ({ value: a.code, text: a.name })),
      ],
      values: {} as Record<string, unknown>,
    };
  };
  app.get<SlugTender>("/authorities/:slug/tenders/:tenderId/award/decide", hide, async (request, reply) => {
    const authority = await authorityBySlug(db, request.params.slug);
    await reply.page("evaluation/views/award-form.njk", await awardFormContext(request, authority));
  });
  app.post<SlugTender>("/authorities/:slug/tenders/:tenderId/award/decide", hide, async (request, reply) => {
    const authority = await authorityBySlug(db, request.params.slug);
    const context = await awardFormContext(request, authority);
    await submitForm(
      reply,
      "evaluation/views/award-form.njk",
      { ...context, values: values(request.body) },
      async () => {
        await awardTender(ctx, request.principal, authority.id, request.params.tenderId, {
          regulatedActivity: field(request.body, "regulatedActivity") || null,
          value: field(request.body, "value") || null,
        });
        return `${context.base}/award?notice=awarded`;
      },
    );
  });

  // The public notice

  app.get<SlugTender>("/authorities/:slug/tenders/:tenderId/award", hide, async (request, reply) => {
    const authority = await authorityBySlug(db, request.params.slug);
    const n = await awardNotice(db, clock, authority.id, request.params.tenderId);
    const can = await awardPermissions(db, request.principal, n);
    const challenges = can.decide ? await repo.challengesOf(db, authority.id, n.award.id) : [];
    await reply.page("evaluation/views/notice.njk", {
      authority,
      n,
      base: baseOf(authority, n.tender.id),
      can,
      challenges: challenges.map((c) => ({ ...c, lodgedText: londonDateTime(c.lodged_at) })),
      value: formatMoney(n.award.value_pence as Pence),
      decidedText: londonDateTime(n.award.decided_at),
      standstillText: standstillEndText(n.award.standstill_ends_at),
      consortium: n.award.consortium.map((m) => `${m.name} (${m.role}, ${percent(m.shareBp)})`),
      rankingRows: n.ranking.map((r) => [
        { text: String(r.rank) },
        { text: r.bidder ?? request.t("evaluation.notice.otherBid") },
        { text: r.qualityShown },
        { text: r.priceShown },
        { text: r.totalShown },
      ]),
      leadShare: percent(n.award.lead_share_bp),
      notice: notice(request, {
        awarded: request.t("evaluation.notice.awardedNotice"),
        challenged: request.t("evaluation.notice.challengedNotice"),
        decided: request.t("evaluation.notice.decidedNotice"),
      }),
    });
  });

  // Challenges

  const challengeFormContext = async (request: FastifyRequest<SlugTender>, authority: Authority) => {
    requireSignedIn(request.principal);
    const n = await awardNotice(db, clock, authority.id, request.params.tenderId);
    const can = await awardPermissions(db, request.principal, n);
    return {
      authority,
      n,
      base: baseOf(authority, n.tender.id),
      organisations: can.challengeAs.map((o) => ({ value: o.id, text: o.name })),
      standstillText: standstillEndText(n.award.standstill_ends_at),
      values: { organisationId: can.challengeAs[0]?.id ?? "" } as Record<string, unknown>,
    };
  };
  app.get<SlugTender>(
    "/authorities/:slug/tenders/:tenderId/award/challenge",
    hide,
    async (request, reply) => {
      const authority = await authorityBySlug(db, request.params.slug);
      const context = await challengeFormContext(request, authority);
      if (context.organisations.length === 0)
        await lodgeChallenge(ctx, request.principal, authority.id, request.params.tenderId, {}); // 401/403 as the API
      await reply.page("evaluation/views/challenge.njk", context);
    },
  );
  app.post<SlugTender>(
    "/authorities/:slug/tenders/:tenderId/award/challenge",
    hide,
    async (request, reply) => {
      const authority = await authorityBySlug(db, request.params.slug);
      const context = await challengeFormContext(request, authority);
      await submitForm(
        reply,
        "evaluation/views/challenge.njk",
        { ...context, values: values(request.body) },
        async () => {
          await lodgeChallenge(ctx, request.principal, authority.id, request.params.tenderId, {
            organisationId:
              field(request.body, "organisationId") || (fieldList(request.body, "organisationId")[0] ?? ""),
            grounds: field(request.body, "grounds"),
          });
          return `${context.base}/award?notice=challenged`;
        },
      );
    },
  );

  const outcomeContext = async (request: FastifyRequest<SlugChallenge>, authority: Authority) => {
    const v = await challengeOf(
      ctx,
      request.principal,
      authority.id,
      request.params.tenderId,
      request.params.challengeId,
    );
    return {
      authority,
      n: v.notice,
      c: v.challenge,
      base: baseOf(authority, v.notice.tender.id),
      lodgedText: londonDateTime(v.challenge.lodged_at),
      decidedText: v.challenge.decided_at ? londonDateTime(v.challenge.decided_at) : "",
      values: {} as Record<string, unknown>,
    };
  };
  app.get<SlugChallenge>(
    "/authorities/:slug/tenders/:tenderId/award/challenges/:challengeId",
    hide,
    async (request, reply) => {
      const authority = await authorityBySlug(db, request.params.slug);
      await reply.page("evaluation/views/outcome.njk", await outcomeContext(request, authority));
    },
  );
  app.post<SlugChallenge>(
    "/authorities/:slug/tenders/:tenderId/award/challenges/:challengeId",
    hide,
    async (request, reply) => {
      const authority = await authorityBySlug(db, request.params.slug);
      const context = await outcomeContext(request, authority);
      await submitForm(
        reply,
        "evaluation/views/outcome.njk",
        { ...context, values: values(request.body) },
        async () => {
          await decideChallenge(
            ctx,
            request.principal,
            authority.id,
            request.params.tenderId,
            request.params.challengeId,
            {
              outcome: field(request.body, "outcome"),
              reason: field(request.body, "reason"),
            },
          );
          return `${context.base}/award?notice=decided`;
        },
      );
    },
  );

  // Assessment summaries received

  app.get<{ Params: { id: string } }>("/organisations/:id/assessments", hide, async (request, reply) => {
    const rows = await assessmentsReceived(db, request.principal, request.params.id);
    await reply.page("evaluation/views/assessments.njk", {
      organisationId: request.params.id,
      rows: rows.map(({ own, winner }) => ({
        own,
        winner: winner && winner.bid_id !== own.bid_id ? winner : null,
        noticeUrl: `/authorities/${own.authority_slug}/tenders/${own.tender_id}/award`,
        decidedText: londonDateTime(own.decided_at),
        standstillText: standstillEndText(own.standstill_ends_at),
      })),
    });
  });
}
