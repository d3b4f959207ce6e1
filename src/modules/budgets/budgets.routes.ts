/**
 * Personal budgets' money: the JSON API under /api/v1/authorities/{authorityId}/budgets, and the
 * pages (budgets.pages.ts). Each route states who may call it and calls one service; the service
 * decides every rule. Every request that moves money needs an `Idempotency-Key` header.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { api, errorResponses, type Who } from "../../http/routes.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, authorityRoles } from "../access/policies.ts";
import { budgetPages } from "./budgets.pages.ts";
import {
  AuthorityParams,
  BudgetListResponse,
  IdempotencyHeaders,
  InvoiceBody,
  InvoiceParams,
  LedgerQuery,
  LedgerResponse,
  ListQuery,
  MoneyResponse,
  OpenLedgerBody,
  PaymentOutBody,
  PersonLedgerResponse,
  PlanParams,
  ProviderInvoiceBody,
  ProviderInvoicesQuery,
  ProviderInvoicesResponse,
  ProviderParams,
  ReasonBody,
  RecoveryBody,
  ScheduleBody,
  StatementQuery,
  StatementResponse,
  TransactionsQuery,
} from "./budgets.schemas.ts";
import { changeCadence, type LedgerView, ledgerView, listBudgets, openLedger } from "./budgets.service.ts";
import {
  approveInvoice,
  invoiceView,
  recordInvoice,
  recordPaymentOut,
  rejectInvoice,
} from "./payments.service.ts";
import { BUDGET_STAFF, requireProviderInvoicing } from "./permissions.ts";
import { providerInvoicePages } from "./provider-invoices.pages.ts";
import { payInvoice, providerInvoices, submitProviderInvoice } from "./provider-invoices.service.ts";
import { personLedger, statement, statementCsv } from "./statements.service.ts";
import { recoverSurplus, surplusView, waiveSurplus } from "./surplus.service.ts";

const tags: ["budgets"] = ["budgets"];
const base = "/api/v1/authorities/:authorityId/budgets";
const one = `${base}/:planId`;

const careStaff = authorityRoles(
  BUDGET_STAFF,
  "keep this authority's personal budgets",
  "The authority's care staff",
);
const budgetPeople = afterLookup({
  ...careStaff,
  description:
    "The authority's care staff (and, to see a budget and approve its invoices, the organisation managing its managed account)",
});

/** Statements: the budget's keepers, and the person and representatives with `see-plan` (404, then 403). */
const statementReaders = afterLookup({
  ...careStaff,
  description:
    "The authority's care staff, the organisation managing the budget's managed account, the person, and representatives with the see-plan permission (others get 404; a representative without it 403)",
});
/** Payments out: care staff, the person, and representatives with `make-payments` (404, then 403). */
const payersOut = afterLookup({
  ...careStaff,
  description:
    "The authority's care staff, the person, and representatives with the make-payments permission (others get 404; a representative without it 403)",
});

export function ledgerToApi(view: LedgerView) {
  const { ledger, budget } = view;
  return {
    planId: ledger.plan_id,
    authorityId: ledger.authority_id,
    delivery: budget.delivery,
    budget: {
      version: budget.version.version,
      amountPence: budget.version.amount_pence.toString(),
      per: budget.version.period,
      surplusLevelPence: budget.version.surplus_level_pence?.toString() ?? null,
    },
    schedule: { cadence: ledger.cadence, firstPeriodOn: ledger.first_period_on, nextPeriod: view.nextPeriod },
    heldPence: view.held.toString(),
    balances: view.balances.map((b) => ({ account: b.account, balancePence: b.balance_pence.toString() })),
    transactions: view.transactions,
    next: view.next,
    previous: view.previous,
    invoices: view.invoices.map(invoiceView),
    invoicesNext: view.invoicesNext,
    surplus: view.surplus ? surplusView(view.surplus) : null,
  };
}

function keyOf(request: FastifyRequest): string {
  return String((request.headers as Record<string, unknown>)["idempotency-key"] ?? "");
}

/** A money-moving answer: 201 the first time, the same again for a retry (marked as replayed). */
function moneyReply(reply: FastifyReply, answer: { result: unknown; replayed: boolean }) {
  if (answer.replayed) reply.header("idempotent-replayed", "true");
  return reply.status(201).send(answer.result);
}

/** A provider's invoicing: its administrators and members (403 for anyone else signed in). */
export const providerInvoicers: Who = {
  description: "The provider's administrators and members",
  signedIn: true,
  check(request) {
    requireProviderInvoicing(request.principal, (request.params as { id: string }).id);
  },
};

const KEYED =
  "Needs an `Idempotency-Key` header: the same key with the same request answers what it answered the first time without posting again (`Idempotent-Replayed: true`); with a different request, 409 (`idempotency_key_reused`).";

export async function budgetsRoutes(app: FastifyInstance): Promise<void> {
  budgetPages(app);
  providerInvoicePages(app, providerInvoicers);
  const json = app.withTypeProvider<TypeBoxTypeProvider>();
  type Plan = FastifyRequest<{ Params: { planId: string } }>;
  type Inv = FastifyRequest<{ Params: { planId: string; invoiceId: string } }>;

  json.get(
    base,
    api(
      { who: careStaff, scope: "budgets:read" },
      {
        operationId: "listBudgets",
        tags,
        summary: "The authority's personal budgets with a ledger, in plan order, a page at a time",
        params: AuthorityParams,
        querystring: ListQuery,
        response: { 200: BudgetListResponse },
      },
    ),
    async (request) => {
      const { budgets, next } = await listBudgets(ctxOf(request), request.authority.id, request.query);
      return {
        budgets: budgets.map((b) => ({
          planId: b.ledger.plan_id,
          cadence: b.ledger.cadence,
          firstPeriodOn: b.ledger.first_period_on,
          periodsPaidIn: b.ledger.next_period,
          planStatus: b.budget?.plan.status ?? null,
          delivery: b.budget?.delivery ?? null,
        })),
        next,
      };
    },
  );

  json.post(
    base,
    api(
      { who: careStaff, scope: "budgets:write" },
      {
        operationId: "openBudgetLedger",
        tags,
        summary: "Open a plan's budget ledger, with the authority's schedule of payments in",
        description:
          "Every four weeks or every month, in advance, from the first day given (the plan's start when absent); the periods started by today are paid in at once by the schedule's job. 404 for a plan the authority does not have; 409 when the ledger is open already or the plan has ended.",
        params: AuthorityParams,
        body: OpenLedgerBody,
        response: { 201: LedgerResponse, ...errorResponses(404, 409) },
      },
    ),
    async (request, reply) => {
      const { ledger } = await openLedger(ctxOf(request), request.authority.id, request.body);
      const view = await ledgerView(ctxOf(request), request.authority.id, ledger.plan_id);
      return reply.status(201).send(ledgerToApi(view));
    },
  );

  json.get(
    one,
    api(
      { who: budgetPeople, scope: "budgets:read" },
      {
        operationId: "getBudgetLedger",
        tags,
        summary:
          "A budget's ledger: balances by account, transactions newest first (paged by key), invoices, the surplus flagged",
        params: PlanParams,
        querystring: LedgerQuery,
        response: { 200: LedgerResponse },
      },
    ),
    async (request) =>
      ledgerToApi(
        await ledgerView(ctxOf(request), request.authority.id, request.params.planId, request.query),
      ),
  );

  json.post(
    `${one}/schedule`,
    api(
      { who: budgetPeople, scope: "budgets:write" },
      {
        operationId: "changeBudgetCadence",
        tags,
        summary: "Change how often a budget is paid in",
        description:
          "Care staff. The schedule restarts at the next period not yet paid, on the day it was due to start; what is paid stays paid. 404 for a plan without a ledger; 409 once the plan has ended.",
        params: PlanParams,
        body: ScheduleBody,
        response: { 200: LedgerResponse, ...errorResponses(404, 409) },
      },
    ),
    async (request) => {
      const ctx = ctxOf(request);
      await changeCadence(ctx, request.authority.id, request.params.planId, request.body);
      return ledgerToApi(await ledgerView(ctx, request.authority.id, request.params.planId));
    },
  );

  json.get(
    `${one}/statement`,
    api(
      { who: statementReaders, scope: "budgets:read" },
      {
        operationId: "getBudgetStatement",
        tags,
        summary: "A budget's statement for a period: its transactions with the running balance held",
        description:
          "From `from` to `to` (London dates, a year at most; the last month when absent). The CSV is at `statement.csv`.",
        params: PlanParams,
        querystring: StatementQuery,
        response: { 200: StatementResponse },
      },
    ),
    async (request) => {
      const s = await statement(ctxOf(request), request.authority.id, request.params.planId, request.query);
      return {
        planId: request.params.planId,
        from: s.from,
        to: s.to,
        openingPence: s.opening.toString(),
        closingPence: s.closing.toString(),
        inPence: s.moneyIn.toString(),
        outPence: s.moneyOut.toString(),
        lines: s.lines.map((l) => ({
          seq: l.seq,
          postedOn: l.postedOn,
          kind: l.kind,
          description: l.description,
          changePence: l.change.toString(),
          balancePence: l.balance.toString(),
        })),
      };
    },
  );

  json.get(
    `${one}/transactions`,
    api(
      { who: statementReaders, scope: "budgets:read" },
      {
        operationId: "getPersonBudgetLedger",
        tags,
        summary:
          "A budget's transactions as the person reads them: newest first, each with the held balance after it",
        description:
          "With the balance held now and what the invoices waiting to be paid commit of it. A page at a time by key (`after` a page's `next`, `before` its `previous`). For the person, representatives with see-plan and the budget's keepers.",
        params: PlanParams,
        querystring: TransactionsQuery,
        response: { 200: PersonLedgerResponse },
      },
    ),
    async (request) => {
      const l = await personLedger(
        ctxOf(request),
        request.authority.id,
        request.params.planId,
        request.query,
      );
      return {
        planId: request.params.planId,
        heldPence: l.held.toString(),
        committedPence: l.committed.toString(),
        availablePence: l.available.toString(),
        parts: l.parts.map((p) => ({ account: p.account, balancePence: p.balance.toString() })),
        transactions: l.lines.map((line) => ({
          seq: line.seq,
          postedOn: line.postedOn,
          kind: line.kind,
          description: line.description,
          changePence: line.change.toString(),
          balancePence: line.balance.toString(),
        })),
        next: l.next,
        previous: l.previous,
      };
    },
  );

  json.get(
    `${one}/statement.csv`,
    api(
      { who: statementReaders, scope: "budgets:read" },
      {
        operationId: "getBudgetStatementCsv",
        tags,
        summary: "A budget's statement for a period, as CSV",
        params: PlanParams,
        querystring: StatementQuery,
        response: {
          200: {
            type: "string",
            description: "CSV: date, number, kind, description, in, out and balance in pence",
          },
        },
      },
    ),
    async (request, reply) => {
      const s = await statement(ctxOf(request), request.authority.id, request.params.planId, request.query);
      return reply
        .header("content-type", "text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="statement-${s.from}-to-${s.to}.csv"`)
        .send(statementCsv(s));
    },
  );

  json.post(
    `${one}/invoices`,
    api(
      { who: budgetPeople, scope: "budgets:write" },
      {
        operationId: "recordBudgetInvoice",
        tags,
        summary: "Record a provider's invoice against the budget's managed account",
        description: `It waits for approval, which pays it. 409 when the budget has no managed account or the provider's reference is recorded already. ${KEYED}`,
        params: PlanParams,
        headers: IdempotencyHeaders,
        body: InvoiceBody,
        response: { 201: MoneyResponse, ...errorResponses(409) },
      },
    ),
    async (request, reply) =>
      moneyReply(
        reply,
        await recordInvoice(
          ctxOf(request),
          request.authority.id,
          (request as Plan).params.planId,
          keyOf(request),
          request.body,
        ),
      ),
  );

  json.post(
    `${one}/invoices/:invoiceId/approval`,
    api(
      { who: budgetPeople, scope: "budgets:write" },
      {
        operationId: "approveBudgetInvoice",
        tags,
        summary: "Approve an invoice, paying it from the managed account",
        description: `409 when it is decided already, or when paying it would take the managed account below zero (the message says how much is left: no overdraft). ${KEYED}`,
        params: InvoiceParams,
        headers: IdempotencyHeaders,
        body: "none",
        response: { 201: MoneyResponse, ...errorResponses(409) },
      },
    ),
    async (request, reply) => {
      const { planId, invoiceId } = (request as Inv).params;
      return moneyReply(
        reply,
        await approveInvoice(ctxOf(request), request.authority.id, planId, invoiceId, keyOf(request)),
      );
    },
  );

  json.post(
    `${one}/invoices/:invoiceId/rejection`,
    api(
      { who: budgetPeople, scope: "budgets:write" },
      {
        operationId: "rejectBudgetInvoice",
        tags,
        summary: "Reject an invoice, with the reason",
        description: `409 when it is decided already. ${KEYED}`,
        params: InvoiceParams,
        headers: IdempotencyHeaders,
        body: ReasonBody,
        response: { 201: MoneyResponse, ...errorResponses(409) },
      },
    ),
    async (request, reply) => {
      const { planId, invoiceId } = (request as Inv).params;
      return moneyReply(
        reply,
        await rejectInvoice(
          ctxOf(request),
          request.authority.id,
          planId,
          invoiceId,
          keyOf(request),
          request.body,
        ),
      );
    },
  );

  json.post(
    `${one}/payments-out`,
    api(
      { who: payersOut, scope: "budgets:write" },
      {
        operationId: "recordBudgetPaymentOut",
        tags,
        summary: "Record a payment out of the direct payment",
        description: `To a provider in the directory, or to someone else (a personal assistant). 409 when the budget has no direct payment, or when it would take the direct payment below zero (no overdraft). ${KEYED}`,
        params: PlanParams,
        headers: IdempotencyHeaders,
        body: PaymentOutBody,
        response: { 201: MoneyResponse, ...errorResponses(409) },
      },
    ),
    async (request, reply) =>
      moneyReply(
        reply,
        await recordPaymentOut(
          ctxOf(request),
          request.authority.id,
          (request as Plan).params.planId,
          keyOf(request),
          request.body,
        ),
      ),
  );

  json.post(
    `${one}/surplus/recovery`,
    api(
      { who: budgetPeople, scope: "budgets:write" },
      {
        operationId: "recoverBudgetSurplus",
        tags,
        summary: "Recover the surplus flagged: from the direct payment back to the authority",
        description: `The amount given, or the balance above the agreed level. 409 when none is flagged. ${KEYED}`,
        params: PlanParams,
        headers: IdempotencyHeaders,
        body: RecoveryBody,
        response: { 201: MoneyResponse, ...errorResponses(409) },
      },
    ),
    async (request, reply) =>
      moneyReply(
        reply,
        await recoverSurplus(
          ctxOf(request),
          request.authority.id,
          (request as Plan).params.planId,
          keyOf(request),
          request.body,
        ),
      ),
  );

  json.post(
    `${one}/surplus/waiver`,
    api(
      { who: budgetPeople, scope: "budgets:write" },
      {
        operationId: "waiveBudgetSurplus",
        tags,
        summary: "Waive the recovery of the surplus flagged, with the reason",
        description: `409 when none is flagged. ${KEYED}`,
        params: PlanParams,
        headers: IdempotencyHeaders,
        body: ReasonBody,
        response: { 201: MoneyResponse, ...errorResponses(409) },
      },
    ),
    async (request, reply) =>
      moneyReply(
        reply,
        await waiveSurplus(
          ctxOf(request),
          request.authority.id,
          (request as Plan).params.planId,
          keyOf(request),
          request.body,
        ),
      ),
  );

  json.post(
    `${one}/invoices/:invoiceId/payment`,
    api(
      { who: payersOut, scope: "budgets:write" },
      {
        operationId: "payBudgetInvoice",
        tags,
        summary: "Pay a provider's invoice against an arrangement from the direct payment",
        description: `The person, or a representative with make-payments (care staff too). 409 when it is paid from the managed account (approve it there), decided already, or when paying it would take the direct payment below zero. ${KEYED}`,
        params: InvoiceParams,
        headers: IdempotencyHeaders,
        body: "none",
        response: { 201: MoneyResponse, ...errorResponses(409) },
      },
    ),
    async (request, reply) => {
      const { planId, invoiceId } = (request as Inv).params;
      return moneyReply(
        reply,
        await payInvoice(ctxOf(request), request.authority.id, planId, invoiceId, keyOf(request)),
      );
    },
  );

  json.post(
    "/api/v1/organisations/:id/invoices",
    api(
      { who: providerInvoicers, scope: "budgets:write" },
      {
        operationId: "submitProviderInvoice",
        tags,
        summary: "Submit the provider's invoice against one of its accepted arrangements",
        description: `For a period within the arrangement and ending by today, the units delivered, and an amount of at most units × the arrangement's price (422 with the reason otherwise). 404 for another provider's arrangement. Paid from the managed account it waits for approval; from the direct payment, for the person to pay it. ${KEYED}`,
        params: ProviderParams,
        headers: IdempotencyHeaders,
        body: ProviderInvoiceBody,
        response: { 201: MoneyResponse, ...errorResponses(409, 422) },
      },
    ),
    async (request, reply) =>
      moneyReply(
        reply,
        await submitProviderInvoice(ctxOf(request), request.params.id, keyOf(request), request.body),
      ),
  );

  json.get(
    "/api/v1/organisations/:id/invoices",
    api(
      { who: providerInvoicers, scope: "budgets:read" },
      {
        operationId: "listProviderInvoices",
        tags,
        summary: "A provider's invoices against its arrangements and what it was paid, newest first",
        description:
          "A page at a time by key: `next` is the key of the next page (older invoices), for `after`. `receivedPence` is what the invoices of this page paid.",
        params: ProviderParams,
        querystring: ProviderInvoicesQuery,
        response: { 200: ProviderInvoicesResponse },
      },
    ),
    async (request) => {
      const found = await providerInvoices(ctxOf(request), request.params.id, request.query);
      return {
        invoices: found.invoices,
        receivedPence: found.receivedPence.toString(),
        more: found.more,
        next: found.next,
      };
    },
  );
}
