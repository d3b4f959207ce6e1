/**
 * Personal budgets' pages, under the authority: the list, a budget's ledger (balances by account,
 * transactions newest first a page at a time, invoices, the surplus flagged), recording an invoice
 * and approving or rejecting it, recording a payment out of the direct payment, recovering or
 * waiving a surplus, and the statement (with its CSV). Each form that moves money carries an
 * idempotency key made when the form is shown (a hidden field), so sending it twice posts once.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { buttonAction, dateField, field, formPage } from "../../http/forms.ts";
import { page } from "../../http/routes.ts";
import { ValidationError } from "../../lib/errors.ts";
import { newId } from "../../lib/ids.ts";
import { msg } from "../../lib/messages.ts";
import { formatPence } from "../../lib/money.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, authorityRoles } from "../access/policies.ts";
import type { PersonAccess } from "../care/care.service.ts";
import { organisationsByIds } from "../organisations/organisations.service.ts";
import {
  CADENCES,
  changeCadence,
  findBudget,
  type LedgerView,
  ledgerView,
  listBudgets,
  visibleBudget,
} from "./budgets.service.ts";
import { approveInvoice, recordInvoice, recordPaymentOut, rejectInvoice } from "./payments.service.ts";
import { BUDGET_STAFF, requirePayOut } from "./permissions.ts";
import { personLedger, statement, statementCsv } from "./statements.service.ts";
import { recoverSurplus, waiveSurplus } from "./surplus.service.ts";

/** What the ledger page says after a form: `?notice=`. */
const NOTICES = [
  "schedule-changed",
  "invoice-recorded",
  "invoice-paid",
  "invoice-rejected",
  "paid-out",
  "surplus-recovered",
  "surplus-waived",
];
type PlanRequest = FastifyRequest<{ Params: { slug: string; planId: string } }>;
type InvoiceRequest = FastifyRequest<{ Params: { slug: string; planId: string; invoiceId: string } }>;

const careStaff = authorityRoles(
  BUDGET_STAFF,
  "keep this authority's personal budgets",
  "The authority's care staff",
);
const budgetPeople = afterLookup(careStaff);
/** Statements: the budget's keepers, the person and representatives with `see-plan` (404, then 403). */
const statementReaders = afterLookup({
  ...careStaff,
  description:
    "The authority's care staff, the organisation managing the managed account, the person, and representatives with see-plan",
});
/** Payments out: care staff, the person and representatives with `make-payments` (404, then 403). */
const payersOut = afterLookup({
  ...careStaff,
  description: "The authority's care staff, the person, and representatives with make-payments",
});

function urlOf(request: PlanRequest): string {
  return `/authorities/${request.authority.slug}/budgets/${request.params.planId}`;
}

/** Where a page goes back to: the ledger for its keepers, the person's own page for them and their representatives. */
function backOf(request: PlanRequest, access: PersonAccess | null): string {
  return access ? `/care/people/${access.personId}` : urlOf(request);
}

/** An account as a page names it: its catalogue key, and the provider's name for a provider. */
function accountLabel(account: string, names: Map<string, string>) {
  if (account.startsWith("provider:")) {
    const id = account.slice("provider:".length);
    return { key: "provider", name: names.get(id) ?? id };
  }
  return { key: account, name: "" };
}

async function ledgerContext(request: PlanRequest, view: LedgerView) {
  const providerIds = [
    ...view.balances.filter((b) => b.account.startsWith("provider:")).map((b) => b.account.slice(9)),
    ...view.invoices.map((i) => i.organisation_id),
  ];
  const names = new Map(
    [...(await organisationsByIds(ctxOf(request).db, providerIds))].map(([id, o]) => [id, o.name]),
  );
  const url = urlOf(request);
  const at = request.query as { after?: string; before?: string; invoicesAfter?: string };
  const link = (keys: Record<string, string | undefined>) => {
    const query = new URLSearchParams(
      Object.entries(keys).filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== ""),
    );
    return `${url}?${query}`;
  };
  return {
    authority: request.authority,
    url,
    view,
    delivery: view.budget.delivery,
    held: formatPence(view.held),
    balances: view.balances.map((b) => ({
      ...accountLabel(b.account, names),
      balance: formatPence(b.balance_pence),
    })),
    transactions: view.transactions.map((t) => ({
      ...t,
      entries: t.entries.map((e) => ({
        ...accountLabel(e.account, names),
        amount: formatPence(BigInt(e.amountPence)),
      })),
    })),
    invoices: view.invoices.map((i) => ({
      ...i,
      provider: names.get(i.organisation_id) ?? i.organisation_id,
      amount: formatPence(i.amount_pence),
    })),
    surplus: view.surplus
      ? {
          ...view.surplus,
          excess: formatPence(view.surplus.excess_pence),
          level: formatPence(view.surplus.level_pence),
        }
      : null,
    hasManaged: view.budget.parts.some((p) => p.delivery !== "direct-payment"),
    hasDirect: view.budget.parts.some((p) => p.delivery === "direct-payment"),
    approveKey: newId(),
    // Each link keeps the other list's place: paging the transactions keeps the invoices' page, and back.
    next: view.next ? link({ after: view.next, invoicesAfter: at.invoicesAfter }) : null,
    previous: view.previous ? link({ before: view.previous, invoicesAfter: at.invoicesAfter }) : null,
    invoicesNext: view.invoicesNext
      ? link({ after: at.after, before: at.before, invoicesAfter: view.invoicesNext })
      : null,
  };
}

/** The form's key: made when the form is shown, sent back with it. */
const withKey = <V extends Record<string, string>>(values: V): V & { idempotencyKey: string } => ({
  ...values,
  idempotencyKey: newId(),
});

export function budgetPages(app: FastifyInstance): void {
  const base = "/authorities/:slug/budgets";
  const one = `${base}/:planId`;

  app.get(base, page({ who: careStaff }), async (request, reply) => {
    const { after } = request.query as { after?: string };
    const { budgets, next } = await listBudgets(ctxOf(request), request.authority.id, after ? { after } : {});
    await reply.page("budgets/views/list.njk", {
      authority: request.authority,
      budgets: budgets.map((b) => ({
        planId: b.ledger.plan_id,
        cadence: b.ledger.cadence,
        delivery: b.budget?.delivery ?? null,
        status: b.budget?.plan.status ?? null,
      })),
      next: next ? `/authorities/${request.authority.slug}/budgets?after=${next}` : null,
    });
  });

  app.get(one, page({ who: budgetPeople }), async (request, reply) => {
    const r = request as PlanRequest;
    const { after, before, invoicesAfter } = request.query as {
      after?: string;
      before?: string;
      invoicesAfter?: string;
    };
    const view = await ledgerView(ctxOf(request), request.authority.id, r.params.planId, {
      ...(after ? { after } : {}),
      ...(before ? { before } : {}),
      invoicesAfter,
    });
    const { notice } = request.query as { notice?: string };
    await reply.page("budgets/views/budget.njk", {
      ...(await ledgerContext(r, view)),
      notice: notice && NOTICES.includes(notice) ? notice : null,
    });
  });

  formPage(app, `${one}/invoices/new`, {
    who: budgetPeople,
    template: "budgets/views/invoice.njk",
    context: async (request: PlanRequest) => {
      await visibleBudget(ctxOf(request), request.authority.id, request.params.planId);
      return { authority: request.authority, url: urlOf(request) };
    },
    values: () => withKey({}),
    read: (body) =>
      Object.fromEntries(
        ["organisationId", "reference", "amount", "idempotencyKey"]
          .concat(["periodStartsOn", "periodEndsOn"].flatMap((d) => [`${d}-day`, `${d}-month`, `${d}-year`]))
          .map((name) => [name, field(body, name)]),
      ),
    fieldOf: (f) => (f === "periodStartsOn" || f === "periodEndsOn" ? `${f}-day` : f),
    submit: async (request: PlanRequest, values, { url }) => {
      await recordInvoice(
        ctxOf(request),
        request.authority.id,
        request.params.planId,
        values.idempotencyKey ?? "",
        {
          organisationId: values.organisationId ?? "",
          reference: values.reference ?? "",
          amount: values.amount ?? "",
          periodStartsOn: dateField(values, "periodStartsOn"),
          periodEndsOn: dateField(values, "periodEndsOn"),
        },
      );
      return `${url}?notice=invoice-recorded`;
    },
  });

  buttonAction(
    app,
    `${one}/invoices/:invoiceId/approve`,
    { who: budgetPeople },
    async (request: InvoiceRequest) => {
      const { planId, invoiceId } = request.params;
      await approveInvoice(
        ctxOf(request),
        request.authority.id,
        planId,
        invoiceId,
        field(request.body, "idempotencyKey"),
      );
      return `${urlOf(request)}?notice=invoice-paid`;
    },
  );

  formPage(app, `${one}/invoices/:invoiceId/reject`, {
    who: budgetPeople,
    template: "budgets/views/reject.njk",
    context: async (request: InvoiceRequest) => {
      await visibleBudget(ctxOf(request), request.authority.id, request.params.planId);
      return { authority: request.authority, url: urlOf(request), invoiceId: request.params.invoiceId };
    },
    values: () => withKey({ reason: "" }),
    read: (body) => ({ reason: field(body, "reason"), idempotencyKey: field(body, "idempotencyKey") }),
    submit: async (request: InvoiceRequest, { idempotencyKey, reason }, { url }) => {
      const { planId, invoiceId } = request.params;
      await rejectInvoice(ctxOf(request), request.authority.id, planId, invoiceId, idempotencyKey, {
        reason,
      });
      return `${url}?notice=invoice-rejected`;
    },
  });

  formPage(app, `${one}/payments-out/new`, {
    who: payersOut,
    template: "budgets/views/payment-out.njk",
    context: async (request: PlanRequest) => {
      const ctx = ctxOf(request);
      const found = await findBudget(ctx.db, request.authority.id, request.params.planId);
      const access = await requirePayOut(ctx, found.budget);
      return { authority: request.authority, url: urlOf(request), back: backOf(request, access) };
    },
    values: () => withKey({ amount: "", organisationId: "", description: "" }),
    read: (body) => ({
      amount: field(body, "amount"),
      organisationId: field(body, "organisationId"),
      description: field(body, "description"),
      idempotencyKey: field(body, "idempotencyKey"),
    }),
    submit: async (request: PlanRequest, { idempotencyKey, ...values }, { url, back }) => {
      await recordPaymentOut(
        ctxOf(request),
        request.authority.id,
        request.params.planId,
        idempotencyKey,
        values,
      );
      return back === url ? `${url}?notice=paid-out` : `${back}#budget-money`;
    },
  });

  formPage(app, `${one}/schedule`, {
    who: budgetPeople,
    template: "budgets/views/schedule.njk",
    context: async (request: PlanRequest) => {
      const view = await ledgerView(ctxOf(request), request.authority.id, request.params.planId, {
        pageSize: 1,
      });
      return {
        authority: request.authority,
        url: urlOf(request),
        cadences: CADENCES,
        current: view.ledger.cadence,
        nextPeriod: view.nextPeriod,
      };
    },
    values: (_request, { current }) => ({ cadence: current }),
    read: (body) => ({ cadence: field(body, "cadence") }),
    submit: async (request: PlanRequest, values, { url }) => {
      await changeCadence(ctxOf(request), request.authority.id, request.params.planId, values);
      return `${url}?notice=schedule-changed`;
    },
  });

  formPage(app, `${one}/surplus`, {
    who: budgetPeople,
    template: "budgets/views/surplus.njk",
    context: async (request: PlanRequest) => {
      const view = await ledgerView(ctxOf(request), request.authority.id, request.params.planId, {
        pageSize: 1,
      });
      return {
        authority: request.authority,
        url: urlOf(request),
        surplus: view.surplus
          ? { excess: formatPence(view.surplus.excess_pence), level: formatPence(view.surplus.level_pence) }
          : null,
      };
    },
    values: () => withKey({ decision: "", amount: "", reason: "" }),
    read: (body) => ({
      decision: field(body, "decision"),
      amount: field(body, "amount"),
      reason: field(body, "reason"),
      idempotencyKey: field(body, "idempotencyKey"),
    }),
    submit: async (request: PlanRequest, { idempotencyKey, decision, amount, reason }, { url }) => {
      const at = [ctxOf(request), request.authority.id, request.params.planId, idempotencyKey] as const;
      if (decision === "recover") await recoverSurplus(...at, { amount });
      else if (decision === "waive") await waiveSurplus(...at, { reason });
      else {
        const message = msg`Choose whether to recover the surplus or waive its recovery`;
        throw new ValidationError(message, [{ field: "decision", message }]);
      }
      return `${url}?notice=surplus-${decision === "recover" ? "recovered" : "waived"}`;
    },
  });

  app.get(`${one}/statement`, page({ who: statementReaders }), async (request, reply) => {
    const r = request as PlanRequest;
    const { from, to } = request.query as { from?: string; to?: string };
    const s = await statement(ctxOf(request), request.authority.id, r.params.planId, { from, to });
    await reply.page("budgets/views/statement.njk", {
      authority: request.authority,
      url: urlOf(r),
      back: backOf(r, s.access),
      backText: s.access ? "budgets.statement.backPerson" : "budgets.ledger.title",
      from: s.from,
      to: s.to,
      opening: formatPence(s.opening),
      closing: formatPence(s.closing),
      moneyIn: formatPence(s.moneyIn),
      moneyOut: formatPence(s.moneyOut),
      lines: s.lines.map((l) => ({
        ...l,
        in: l.change > 0n ? formatPence(l.change) : "",
        out: l.change < 0n ? formatPence(-l.change) : "",
        balance: formatPence(l.balance),
      })),
      csv: `${urlOf(r)}/statement.csv?from=${s.from}&to=${s.to}`,
    });
  });

  // The person's ledger: the balance now, what is committed, the transactions newest first by key.
  app.get(`${one}/transactions`, page({ who: statementReaders }), async (request, reply) => {
    const r = request as PlanRequest;
    const { after, before } = request.query as { after?: string; before?: string };
    const l = await personLedger(ctxOf(request), request.authority.id, r.params.planId, { after, before });
    const url = `${urlOf(r)}/transactions`;
    await reply.page("budgets/views/transactions.njk", {
      authority: request.authority,
      back: backOf(r, l.access),
      backText: l.access ? "budgets.statement.backPerson" : "budgets.ledger.title",
      statement: `${urlOf(r)}/statement`,
      parts: l.parts.map((p) => ({ account: p.account, balance: formatPence(p.balance) })),
      held: formatPence(l.held),
      committed: formatPence(l.committed),
      available: formatPence(l.available),
      lines: l.lines.map((line) => ({
        ...line,
        in: line.change > 0n ? formatPence(line.change) : "",
        out: line.change < 0n ? formatPence(-line.change) : "",
        balance: formatPence(line.balance),
      })),
      next: l.next ? `${url}?after=${l.next}` : null,
      previous: l.previous ? `${url}?before=${l.previous}` : null,
      noindex: true,
    });
  });

  app.get(`${one}/statement.csv`, page({ who: statementReaders }), async (request, reply) => {
    const r = request as PlanRequest;
    const { from, to } = request.query as { from?: string; to?: string };
    const s = await statement(ctxOf(request), request.authority.id, r.params.planId, { from, to });
    return reply
      .header("content-type", "text/csv; charset=utf-8")
      .header("content-disposition", `attachment; filename="statement-${s.from}-to-${s.to}.csv"`)
      .send(statementCsv(s));
  });
}
