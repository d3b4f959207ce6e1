/**
 * The compliance check's pages: the check of a tender's opened bids with the three-bid rule and the
 * start of evaluation, a bid's decision form, and the authority's register of reserved contracts.
 * Thin: parse forms, call the services, render. Every page works without JavaScript.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { transaction } from "../../db/transaction.ts";
import { statusFor } from "../../http/errors.ts";
import { dateField, field, formErrors, submitForm } from "../../http/forms.ts";
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { londonDateTime, longDate } from "../../lib/london-time.ts";
import { hasRole, isAuthorityEditor, requireAuthorityEditor } from "../access/access.service.ts";
import type { Authority } from "../authorities/authorities.service.ts";
import { authorityBySlug } from "../authorities/authorities.service.ts";
import { type BidsContext, canReadBids } from "../tenders/bids.service.ts";
import { percent } from "../tenders/tenders.service.ts";
import * as repo from "./compliance.repository.ts";
import {
  type BidCompliance,
  COMPLIANCE_DECIDERS,
  type ComplianceView,
  complianceCheck,
  type DecisionDraft,
  recordDecision,
  startEvaluation,
} from "./compliance.service.ts";
import { recordPastReservedAward, reservedAwardsOf } from "./reserved-awards.service.ts";

const hide = { schema: { hide: true } };
type Body = Record<string, unknown>;
type SlugTender = { Params: { slug: string; tenderId: string } };
type SlugBid = { Params: { slug: string; tenderId: string; bidId: string } };
type Slug = { Params: { slug: string } };

function values(body: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries((body ?? {}) as Body)) if (k !== "_csrf") out[k] = v;
  return out;
}

/** A decision form as the service takes it. */
export function decisionDraftFromForm(body: unknown, conditionCount: number): DecisionDraft {
  const f = (name: string) => field(body, name);
  const conditions: NonNullable<DecisionDraft["conditions"]> = [];
  for (let position = 1; position <= conditionCount; position++) {
    const met = f(`conditions.${position}.met`);
    conditions.push({
      position,
      ...(met === "yes" ? { met: true } : met === "no" ? { met: false } : {}),
      reason: f(`conditions.${position}.reason`),
    });
  }
  return { conditions, outcome: f("outcome"), reason: f("reason") };
}

/** A bid of the check as the pages show it. */
function bidForPage(request: FastifyRequest, b: BidCompliance) {
  const t = request.t;
  const consortium = b.consortium
    ? `${t("evaluation.compliance.leadShare", { share: percent(b.consortium.leadShareBp) })}; ${b.consortium.members
        .map((m) => `${m.name} (${m.role}, ${percent(m.shareBp)})`)
        .join("; ")}`
    : t("evaluation.compliance.alone");
  const conditionRows = b.conditions.map((c) => ({
    key: t("evaluation.compliance.condition", { position: c.position, text: c.text }),
    value:
      c.met === null
        ? t("evaluation.compliance.notDecided")
        : c.met
          ? t("evaluation.compliance.met")
          : t("evaluation.compliance.notMetBecause", { reason: c.reason }),
  }));
  const reservedRows = b.reserved
    ? [
        {
          key: t("evaluation.compliance.mutual"),
          value: t(
            b.reserved.qualifyingMutual
              ? "evaluation.compliance.mutualYes"
              : "evaluation.compliance.mutualNo",
            { date: longDate(b.reserved.checkedOn) },
          ),
        },
        {
          key: t("evaluation.compliance.bar", {
            from: longDate(b.reserved.period.from),
            to: longDate(b.reserved.period.to),
          }),
          value: b.reserved.bar
            ? t("evaluation.compliance.barFound", {
                title: b.reserved.bar.title,
                category: b.reserved.bar.category_name,
                date: longDate(b.reserved.bar.awarded_on),
              })
            : t("evaluation.compliance.barNone"),
        },
      ]
    : [];
  const decidedText = b.decision?.automatic
    ? t("evaluation.compliance.automatic")
    : b.decision?.decidedBy && b.decision.decidedAt
      ? t("evaluation.compliance.decidedByText", {
          name: b.decision.decidedBy.name,
          at: londonDateTime(b.decision.decidedAt),
        })
      : "";
  const row = (key: string, value: string) => ({ key: { text: key }, value: { text: value } });
  return {
    ...b,
    anchor: `bids.${b.bidId}`,
    summaryRows: [
      row(t("evaluation.compliance.receivedAt"), londonDateTime(b.receivedAt)),
      row(
        t("evaluation.compliance.integrity"),
        t(
          b.integrity === "verified"
            ? "evaluation.compliance.integrityVerified"
            : "evaluation.compliance.integrityBroken",
        ),
      ),
      row(t("evaluation.compliance.consortium"), consortium),
      ...conditionRows.map((c) => row(c.key, c.value)),
      ...reservedRows.map((r) => row(r.key, r.value)),
      ...(decidedText ? [row(t("evaluation.compliance.decidedBy"), decidedText)] : []),
    ],
    reservedFailures: b.reserved?.reasons ?? [],
  };
}

export function evaluationPages(app: FastifyInstance, ctx: BidsContext): void {
  const { db, clock } = ctx;
  const baseOf = (authority: Authority, tenderId: string) =>
    `/authorities/${authority.slug}/tenders/${tenderId}`;

  function complianceContext(
    request: FastifyRequest,
    authority: Authority,
    view: ComplianceView,
    body: unknown,
  ) {
    const base = baseOf(authority, view.tender.id);
    const query = (request.query ?? {}) as Record<string, string>;
    const notices: Record<string, string> = {
      decided: request.t("evaluation.compliance.decided"),
      started: request.t("evaluation.compliance.startedNotice"),
    };
    return {
      authority,
      tender: view.tender,
      base,
      view,
      bids: view.bids.map((b) => bidForPage(request, b)),
      notice: query.notice ? (notices[query.notice] ?? "") : "",
      values: values(body),
      startedText: view.evaluation
        ? request.t("evaluation.compliance.startedText", {
            at: londonDateTime(view.evaluation.startedAt),
            name: view.evaluation.startedBy.name,
            compliant: view.evaluation.compliantCount,
            bids: view.evaluation.bidsCount,
          })
        : "",
      countText: request.t("evaluation.compliance.count", {
        compliant: view.counts.compliant,
        bids: view.counts.bids,
        undecided: view.counts.undecided,
      }),
    };
  }

  app.get<SlugTender>("/authorities/:slug/tenders/:tenderId/compliance", hide, async (request, reply) => {
    const authority = await authorityBySlug(db, request.params.slug);
    const view = await complianceCheck(ctx, request.principal, authority.id, request.params.tenderId);
    await reply.page("evaluation/views/compliance.njk", complianceContext(request, authority, view, {}));
  });

  app.post<SlugTender>("/authorities/:slug/tenders/:tenderId/evaluation", hide, async (request, reply) => {
    const authority = await authorityBySlug(db, request.params.slug);
    const tenderId = request.params.tenderId;
    try {
      await startEvaluation(ctx, request.principal, authority.id, tenderId, {
        justification: field(request.body, "justification"),
      });
    } catch (error) {
      if (!(error instanceof ValidationError || error instanceof UnprocessableError)) throw error;
      // The check as it now stands, shown again with what was wrong.
      const view = await complianceCheck(ctx, request.principal, authority.id, tenderId);
      reply.status(statusFor(error));
      await reply.page("evaluation/views/compliance.njk", {
        ...complianceContext(request, authority, view, request.body),
        errors: formErrors(error),
      });
      return;
    }
    await reply.redirect(`${baseOf(authority, tenderId)}/compliance?notice=started`, 303);
  });

  async function decisionContext(
    request: FastifyRequest,
    authority: Authority,
    tenderId: string,
    bidId: string,
  ) {
    // As the API answers: a reader who may not decide is refused before the tender is looked up.
    if (
      !hasRole(request.principal, COMPLIANCE_DECIDERS, authority.id) &&
      isUuid(tenderId) &&
      (await canReadBids(db, request.principal, authority.id, tenderId))
    )
      throw new ForbiddenError(
        "The compliance check is recorded by the authority's commissioners and administrators who may read the opened bids.",
      );
    const view = await complianceCheck(ctx, request.principal, authority.id, tenderId);
    const bid = view.bids.find((b) => b.bidId === bidId);
    if (!bid) throw new NotFoundError("bid");
    if (view.state !== "checking")
      throw new ConflictError(
        view.state === "cancelled"
          ? "This tender was cancelled: its bids are not checked or evaluated."
          : "Evaluation has started: the compliance check is fixed and can no longer be changed.",
        view.state === "cancelled" ? "tender_cancelled" : "evaluation_started",
      );
    if (bid.integrity === "broken")
      throw new ConflictError(
        "This bid's seal is broken: it is excluded automatically, as it cannot be read or assessed.",
        "seal_broken",
      );
    const given: Record<string, unknown> = {
      outcome: bid.decision?.outcome ?? "",
      reason: bid.decision?.automatic ? "" : (bid.decision?.reason ?? ""),
    };
    for (const c of bid.conditions) {
      given[`conditions.${c.position}.met`] = c.met === null ? "" : c.met ? "yes" : "no";
      given[`conditions.${c.position}.reason`] = c.reason;
    }
    return {
      authority,
      tender: view.tender,
      base: baseOf(authority, view.tender.id),
      bid: bidForPage(request, bid),
      conditions: view.conditions,
      values: given,
    };
  }

  app.get<SlugBid>(
    "/authorities/:slug/tenders/:tenderId/compliance/bids/:bidId",
    hide,
    async (request, reply) => {
      const authority = await authorityBySlug(db, request.params.slug);
      await reply.page(
        "evaluation/views/decision.njk",
        await decisionContext(request, authority, request.params.tenderId, request.params.bidId),
      );
    },
  );

  app.post<SlugBid>(
    "/authorities/:slug/tenders/:tenderId/compliance/bids/:bidId",
    hide,
    async (request, reply) => {
      const authority = await authorityBySlug(db, request.params.slug);
      const context = await decisionContext(
        request,
        authority,
        request.params.tenderId,
        request.params.bidId,
      );
      await submitForm(
        reply,
        "evaluation/views/decision.njk",
        { ...context, values: values(request.body) },
        async () => {
          await recordDecision(
            ctx,
            request.principal,
            authority.id,
            request.params.tenderId,
            request.params.bidId,
            decisionDraftFromForm(request.body, context.conditions.length),
          );
          return `${context.base}/compliance?notice=decided#bids.${request.params.bidId}`;
        },
      );
    },
  );

  // The register of reserved contracts

  async function registerContext(request: FastifyRequest, authority: Authority, body: unknown) {
    const canEdit = isAuthorityEditor(request.principal, authority.id);
    const [awards, organisations, categories] = await Promise.all([
      reservedAwardsOf(db, authority.id),
      canEdit ? repo.organisationChoices(db) : Promise.resolve([]),
      canEdit ? repo.reservableCategories(db) : Promise.resolve([]),
    ]);
    const query = (request.query ?? {}) as Record<string, string>;
    return {
      authority,
      canEdit,
      awards: awards.map((a) => ({ ...a, awardedOnText: longDate(a.awarded_on) })),
      organisations,
      categories,
      values: values(body),
      notice: query.notice === "recorded" ? request.t("evaluation.register.recorded") : "",
    };
  }

  app.get<Slug>("/authorities/:slug/reserved-awards", hide, async (request, reply) => {
    const authority = await authorityBySlug(db, request.params.slug);
    await reply.page("evaluation/views/reserved-awards.njk", await registerContext(request, authority, {}));
  });

  app.post<Slug>("/authorities/:slug/reserved-awards", hide, async (request, reply) => {
    const authority = await authorityBySlug(db, request.params.slug);
    await requireAuthorityEditor(db, request.principal, authority.id);
    const context = await registerContext(request, authority, request.body);
    await submitForm(reply, "evaluation/views/reserved-awards.njk", context, async () => {
      await transaction(db, (trx) =>
        recordPastReservedAward(trx, clock, request.principal, authority.id, {
          organisationId: field(request.body, "organisationId"),
          categoryCode: field(request.body, "categoryCode"),
          awardedOn: dateField(request.body, "awardedOn"),
          title: field(request.body, "title"),
          reference: field(request.body, "reference"),
        }),
      );
      return `/authorities/${authority.slug}/reserved-awards?notice=recorded`;
    });
  });
}
