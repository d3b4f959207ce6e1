/**
 * The compliance check's pages: the check of a tender's opened bids with the three-bid rule and the
 * start of evaluation, a bid's decision form, and the authority's register of reserved contracts.
 * Each route states who may see it and calls one service; every form uses the one form pattern
 * (src/http/forms.ts). Every page works without JavaScript.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { dateField, field, formAction, formPage } from "../../http/forms.ts";
import { anyone, page } from "../../http/routes.ts";
import { formatPercent } from "../../lib/basis-points.ts";
import { londonDateTime, longDate } from "../../lib/london-time.ts";
import { ctxOf } from "../access/context.ts";
import { authorityEditors } from "../access/policies.ts";
import type { Authority } from "../authorities/authorities.service.ts";
import { onVisibleTender } from "../tenders/tenders.policies.ts";
import { tendersCtxOf } from "../tenders/tenders.service.ts";
import {
  type BidCompliance,
  type ComplianceView,
  complianceCheck,
  type DecisionDraft,
  decisionForm,
  evaluationStartForm,
  recordDecision,
  startEvaluation,
} from "./compliance.service.ts";
import { recordPastReservedAward, reservedAwardRegister } from "./reserved-awards.service.ts";

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

/** The s.33 rows of a reserved tender's bid. */
function reservedRows(request: FastifyRequest, reserved: NonNullable<BidCompliance["reserved"]>) {
  const t = request.t;
  return [
    {
      key: t("compliance.check.mutual"),
      value: t(reserved.qualifyingMutual ? "compliance.check.mutualYes" : "compliance.check.mutualNo", {
        date: longDate(reserved.checkedOn, request.locale),
      }),
    },
    {
      key: t("compliance.check.bar", {
        from: longDate(reserved.period.from, request.locale),
        to: longDate(reserved.period.to, request.locale),
      }),
      value: reserved.bar
        ? t("compliance.check.barFound", {
            title: reserved.bar.title,
            category: reserved.bar.category_name,
            date: longDate(reserved.bar.awarded_on, request.locale),
          })
        : t("compliance.check.barNone"),
    },
  ];
}

/** A bid of the check as the pages show it. */
function bidForPage(request: FastifyRequest, b: BidCompliance) {
  const t = request.t;
  const consortium = b.consortium
    ? `${t("compliance.check.leadShare", { share: formatPercent(b.consortium.leadShareBp) })}; ${b.consortium.members
        .map((m) =>
          t("compliance.check.member", {
            name: m.name,
            role: t(`tenders.bid.${m.role}`),
            share: formatPercent(m.shareBp),
          }),
        )
        .join("; ")}`
    : t("compliance.check.alone");
  const conditionRows = b.conditions.map((c) => ({
    key: t("compliance.check.condition", { position: c.position, text: c.text }),
    value:
      c.met === null
        ? t("compliance.check.notDecided")
        : c.met
          ? t("compliance.check.met")
          : t("compliance.check.notMetBecause", { reason: c.reason }),
  }));
  const decidedText = b.decision?.automatic
    ? t("compliance.check.automatic")
    : b.decision?.decidedBy && b.decision.decidedAt
      ? t("compliance.check.decidedByText", {
          name: b.decision.decidedBy.name,
          at: londonDateTime(b.decision.decidedAt, request.locale),
        })
      : "";
  const row = (key: string, value: string) => ({ key: { text: key }, value: { text: value } });
  const integrity = b.integrity === "verified" ? "integrityVerified" : "integrityBroken";
  return {
    ...b,
    anchor: `bids.${b.bidId}`,
    summaryRows: [
      row(t("compliance.check.receivedAt"), londonDateTime(b.receivedAt, request.locale)),
      row(t("compliance.check.integrity"), t(`compliance.check.${integrity}`)),
      row(t("compliance.check.consortium"), consortium),
      ...conditionRows.map((c) => row(c.key, c.value)),
      ...(b.reserved ? reservedRows(request, b.reserved) : []).map((r) => row(r.key, r.value)),
      ...(decidedText ? [row(t("compliance.check.decidedBy"), decidedText)] : []),
    ],
    reservedFailures: b.reserved?.reasons ?? [],
  };
}

/** The check's page: the tender's bids, their outcomes, and the start of evaluation. */
function checkPage(request: FastifyRequest, view: ComplianceView) {
  const { authority, t } = request;
  return {
    authority,
    tender: view.tender,
    base: baseOf(authority, view.tender.id),
    view,
    bids: view.bids.map((b) => bidForPage(request, b)),
    notice: noticeOf(request, {
      decided: t("compliance.check.decided"),
      started: t("compliance.check.startedNotice"),
    }),
    startedText: view.evaluation
      ? t("compliance.check.startedText", {
          at: londonDateTime(view.evaluation.startedAt, request.locale),
          name: view.evaluation.startedBy.name,
          compliant: view.evaluation.compliantCount,
          bids: view.evaluation.bidsCount,
        })
      : "",
    countText: t("compliance.check.count", {
      compliant: view.counts.compliant,
      bids: view.counts.bids,
      undecided: view.counts.undecided,
    }),
  };
}

/** A bid's decision as its form's starting values. */
function decisionValues(bid: BidCompliance): Values {
  const given: Values = {
    outcome: bid.decision?.outcome ?? "",
    reason: bid.decision?.automatic ? "" : (bid.decision?.reason ?? ""),
  };
  for (const c of bid.conditions) {
    given[`conditions.${c.position}.met`] = c.met === null ? "" : c.met ? "yes" : "no";
    given[`conditions.${c.position}.reason`] = c.reason;
  }
  return given;
}

async function registerPage(request: FastifyRequest) {
  const { authority } = request;
  const register = await reservedAwardRegister(ctxOf(request), authority.id);
  return {
    authority,
    ...register,
    awards: register.awards.map((a) => ({ ...a, awardedOnText: longDate(a.awarded_on, request.locale) })),
    notice: noticeOf(request, { recorded: request.t("compliance.register.recorded") }),
  };
}

export function compliancePages(app: FastifyInstance): void {
  const tender = "/authorities/:slug/tenders/:tenderId";

  // Anyone signed in reaches a tender they may see (404 first); the service decides who reads and decides.
  const readers = onVisibleTender("Those who may read the opened bids");
  const deciders = onVisibleTender(
    "The authority's commissioners and administrators who may read the opened bids",
  );

  app.get(`${tender}/compliance`, page({ who: readers }), async (request: TenderRequest, reply) => {
    const view = await complianceCheck(tendersCtxOf(request), request.authority.id, request.params.tenderId);
    await reply.page("compliance/views/compliance.njk", { ...checkPage(request, view), values: {} });
  });

  formAction(app, `${tender}/evaluation`, {
    who: deciders,
    template: "compliance/views/compliance.njk",
    context: async (request: TenderRequest) =>
      checkPage(
        request,
        await evaluationStartForm(tendersCtxOf(request), request.authority.id, request.params.tenderId),
      ),
    read: sent,
    submit: async (request: TenderRequest, values, { base }) => {
      await startEvaluation(tendersCtxOf(request), request.authority.id, request.params.tenderId, {
        justification: field(values, "justification"),
      });
      return `${base}/compliance?notice=started`;
    },
  });

  formPage(app, `${tender}/compliance/bids/:bidId`, {
    who: deciders,
    template: "compliance/views/decision.njk",
    context: async (request: BidRequest) => {
      const { authority } = request;
      const { tenderId, bidId } = request.params;
      const { view, bid } = await decisionForm(tendersCtxOf(request), authority.id, tenderId, bidId);
      const base = baseOf(authority, view.tender.id);
      return {
        authority,
        tender: view.tender,
        base,
        bid: bidForPage(request, bid),
        conditions: view.conditions,
      };
    },
    values: (_request, { bid }) => decisionValues(bid),
    read: sent,
    submit: async (request: BidRequest, values, { base, conditions }) => {
      const { tenderId, bidId } = request.params;
      const draft = decisionDraftFromForm(values, conditions.length);
      await recordDecision(tendersCtxOf(request), request.authority.id, tenderId, bidId, draft);
      return `${base}/compliance?notice=decided#bids.${bidId}`;
    },
  });

  // The register of reserved contracts: public; its form for the authority's editors.

  app.get("/authorities/:slug/reserved-awards", page({ who: anyone }), async (request, reply) => {
    await reply.page("compliance/views/reserved-awards.njk", {
      ...(await registerPage(request)),
      values: {},
    });
  });

  formAction(app, "/authorities/:slug/reserved-awards", {
    who: authorityEditors,
    template: "compliance/views/reserved-awards.njk",
    context: registerPage,
    read: sent,
    submit: async (request, values) => {
      await recordPastReservedAward(ctxOf(request), request.authority.id, {
        organisationId: field(values, "organisationId"),
        categoryCode: field(values, "categoryCode"),
        awardedOn: dateField(values, "awardedOn"),
        title: field(values, "title"),
        reference: field(values, "reference"),
      });
      return `/authorities/${request.authority.slug}/reserved-awards?notice=recorded`;
    },
  });
}
