/**
 * Sample audits' pages, under the commissioning authority's slug: a contract's audits
 * (/authorities/:slug/outcome-contracts/:contractId/audits), starting one (…/audits/new), an audit
 * with the confidence rule, its estimate and its sampled claims (…/audits/:auditId), recording a
 * finding (…/audits/:auditId/items/:item) and concluding it (…/audits/:auditId/conclude). Each asks
 * only for sign-in; the service decides (404, then 403, then 409).
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { buttonAction, field, formPage } from "../../http/forms.ts";
import { page } from "../../http/routes.ts";
import { formatPence } from "../../lib/money.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, signedIn } from "../access/policies.ts";
import type { AuditItemRow } from "./audits.service.ts";
import {
  auditItemOf,
  auditOf,
  auditsOf,
  concludeAudit,
  forAuditing,
  ppmPercent,
  recordFinding,
  startAudit,
} from "./audits.service.ts";
import type { OutcomeAudit } from "./results.table.ts";
import { CONFIDENCE, MAX_SAMPLE, MIN_SAMPLE, tOneSided95 } from "./sampling.ts";

const who = afterLookup(signedIn);
const NOTICES = ["started", "recorded", "concluded"];

type ContractRequest = FastifyRequest<{ Params: { slug: string; contractId: string } }>;
type AuditRequest = FastifyRequest<{
  Params: { slug: string; contractId: string; auditId: string; item?: string };
}>;

function notice(request: FastifyRequest): string | null {
  const { notice: n } = (request.query ?? {}) as { notice?: string };
  return n && NOTICES.includes(n) ? n : null;
}

function queryText(request: FastifyRequest, name: string): string | undefined {
  const value = (request.query as Record<string, unknown> | undefined)?.[name];
  return typeof value === "string" ? value : undefined;
}

/** An audit as the pages show it: amounts in pounds, rates as percentages. */
/** (The names of who started and concluded it ride along when the audit was read with them.) */
function auditView(a: OutcomeAudit, base: string) {
  return {
    ...a,
    path: `${base}/${a.id}`,
    populationText: formatPence(a.population_pence),
    errorRateText: a.error_rate_ppm === null ? null : ppmPercent(a.error_rate_ppm),
    lowerBoundText: a.lower_bound_ppm === null ? null : ppmPercent(a.lower_bound_ppm),
    recoveryText: a.recovery_pence === null ? null : formatPence(a.recovery_pence),
  };
}

/** The confidence rule's figures for this audit's sample: Student's t with n − 1 degrees of freedom, the cap. */
function ruleOf(a: OutcomeAudit) {
  const n = a.sample_size;
  return {
    n,
    min: MIN_SAMPLE,
    census: n >= a.population_count,
    df: n - 1,
    t: n > 1 ? tOneSided95(n - 1).toFixed(4) : "",
    share: `${(100 * (1 - CONFIDENCE) ** (1 / n)).toFixed(1)}%`,
  };
}

function itemView(i: AuditItemRow & { key: string }, auditPath: string) {
  return {
    ...i,
    path: `${auditPath}/items/${i.key}`,
    paidText: formatPence(i.paid_pence),
    foundText: i.found_pence === null ? null : formatPence(i.found_pence),
  };
}

export function auditsPages(app: FastifyInstance): void {
  const base = "/authorities/:slug/outcome-contracts/:contractId/audits";
  const baseOf = (request: ContractRequest) =>
    `/authorities/${request.authority.slug}/outcome-contracts/${request.params.contractId}/audits`;

  app.get(base, page({ who }), async (request, reply) => {
    const req = request as ContractRequest;
    const found = await auditsOf(ctxOf(request), request.authority.id, req.params.contractId, {
      before: queryText(request, "before"),
    });
    const listBase = baseOf(req);
    await reply.page("results/views/audits/list.njk", {
      contract: found.standing.contract,
      commissioner: found.standing.commissioner,
      base: listBase,
      rows: found.rows.map((a) => auditView(a, listBase)),
      next: found.next,
      noindex: true,
    });
  });

  formPage(app, `${base}/new`, {
    who,
    template: "results/views/audits/start.njk",
    context: async (request) => {
      const req = request as ContractRequest;
      const standing = await forAuditing(ctxOf(request), request.authority.id, req.params.contractId);
      return {
        contract: standing.contract,
        base: baseOf(req),
        maxSample: MAX_SAMPLE,
        minSample: MIN_SAMPLE,
        noindex: true,
      };
    },
    values: () => ({ period: "", sampleSize: "", seed: "" }),
    read: (body) => ({
      period: field(body, "period"),
      sampleSize: field(body, "sampleSize"),
      seed: field(body, "seed"),
    }),
    submit: async (request, v, { base: listBase }) => {
      const req = request as ContractRequest;
      const audit = await startAudit(ctxOf(request), request.authority.id, req.params.contractId, v);
      return `${listBase}/${audit.id}?notice=started`;
    },
  });

  app.get(`${base}/:auditId`, page({ who }), async (request, reply) => {
    const req = request as AuditRequest;
    const found = await auditOf(
      ctxOf(request),
      request.authority.id,
      req.params.contractId,
      req.params.auditId,
      {
        after: queryText(request, "after"),
      },
    );
    const audit = auditView(found.audit, baseOf(req));
    await reply.page("results/views/audits/audit.njk", {
      contract: found.standing.contract,
      commissioner: found.standing.commissioner,
      base: baseOf(req),
      audit,
      items: found.items.map((i) => itemView(i, audit.path)),
      next: found.next,
      checked: found.checked,
      rule: ruleOf(found.audit),
      notice: notice(request),
      noindex: true,
    });
  });

  formPage(app, `${base}/:auditId/items/:item`, {
    who,
    template: "results/views/audits/item.njk",
    context: async (request) => {
      const req = request as AuditRequest;
      const found = await auditItemOf(
        ctxOf(request),
        request.authority.id,
        req.params.contractId,
        req.params.auditId,
        req.params.item ?? "",
      );
      const audit = auditView(found.audit, baseOf(req));
      return {
        contract: found.standing.contract,
        commissioner: found.standing.commissioner,
        audit,
        item: itemView(found.item, audit.path),
        noindex: true,
      };
    },
    values: (_request, { item }) => ({
      found: item.found_pence === null ? "" : formatPence(item.found_pence).replace(/^£/, ""),
      note: item.note,
    }),
    read: (body) => ({ found: field(body, "found"), note: field(body, "note") }),
    submit: async (request, v, { audit, item }) => {
      const req = request as AuditRequest;
      await recordFinding(ctxOf(request), request.authority.id, req.params.contractId, audit.id, {
        participantId: item.participant_id,
        rule: item.rule,
        metric: item.metric,
        seq: item.seq,
        found: v.found,
        note: v.note,
      });
      return `${audit.path}?notice=recorded`;
    },
  });

  buttonAction(app, `${base}/:auditId/conclude`, { who }, async (request) => {
    const req = request as AuditRequest;
    await concludeAudit(ctxOf(request), request.authority.id, req.params.contractId, req.params.auditId);
    return `${baseOf(req)}/${req.params.auditId}?notice=concluded`;
  });
}
