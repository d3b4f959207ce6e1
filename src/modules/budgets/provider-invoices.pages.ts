/**
 * A provider's invoices against its arrangements and the payments it received
 * (/organisations/:id/invoices): its administrators and members only.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { buttonAction, dateField, field, formPage } from "../../http/forms.ts";
import { page, type Who } from "../../http/routes.ts";
import { newId } from "../../lib/ids.ts";
import { formatMoney, type Pence } from "../../lib/money.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, authorityRoles } from "../access/policies.ts";
import { findBudget } from "./budgets.service.ts";
import { BUDGET_STAFF } from "./permissions.ts";
import {
  invoiceableArrangements,
  payInvoice,
  providerInvoices,
  submitProviderInvoice,
} from "./provider-invoices.service.ts";

/** Paying an invoice from the direct payment: care staff, the person, representatives with make-payments (404, then 403). */
const payers = afterLookup({
  ...authorityRoles(BUDGET_STAFF, "keep this authority's personal budgets", "The authority's care staff"),
  description: "The authority's care staff, the person, and representatives with make-payments",
});
type InvoiceRequest = FastifyRequest<{ Params: { slug: string; planId: string; invoiceId: string } }>;

const money = (p: string) => formatMoney(BigInt(p) as Pence);

async function submitProviderInvoiceFromForm(
  request: FastifyRequest<{ Params: { id: string } }>,
  authorityId: string,
  arrangementId: string,
  values: Record<string, string | undefined>,
): Promise<void> {
  await submitProviderInvoice(ctxOf(request), request.params.id, values.idempotencyKey ?? "", {
    authorityId,
    arrangementId,
    units: values.units ?? "",
    amount: values.amount ?? "",
    reference: values.reference ?? "",
    periodStartsOn: dateField(values, "periodStartsOn"),
    periodEndsOn: dateField(values, "periodEndsOn"),
  });
}

export function providerInvoicePages(app: FastifyInstance, who: Who): void {
  app.get(
    "/organisations/:id/invoices",
    page({ who }),
    async (request: FastifyRequest<{ Params: { id: string }; Querystring: { after?: string } }>, reply) => {
      const { after } = request.query;
      const found = await providerInvoices(ctxOf(request), request.params.id, { after });
      const url = `/organisations/${request.params.id}/invoices`;
      await reply.page("budgets/views/provider-invoices.njk", {
        organisation: { id: request.params.id, name: found.name },
        invoices: found.invoices.map((i) => ({
          ...i,
          amount: money(i.amountPence),
          paid: money(i.paidPence),
        })),
        received: formatMoney(found.receivedPence as Pence),
        next: found.next ? `${url}?after=${found.next}` : null,
        first: after ? url : null,
        submitted: (request.query as { notice?: string }).notice === "submitted",
        noindex: true,
      });
    },
  );

  // The provider invoices one of its accepted arrangements; the form carries its key.
  type OrgRequest = FastifyRequest<{ Params: { id: string } }>;
  formPage(app, "/organisations/:id/invoices/new", {
    who,
    template: "budgets/views/provider-invoice.njk",
    context: async (request: OrgRequest) => {
      const found = await invoiceableArrangements(ctxOf(request), request.params.id);
      return { organisation: { id: request.params.id, name: found.name }, arrangements: found.arrangements };
    },
    values: () => ({ idempotencyKey: newId() }),
    read: (body) =>
      Object.fromEntries(
        ["arrangement", "units", "amount", "reference", "idempotencyKey"]
          .concat(["periodStartsOn", "periodEndsOn"].flatMap((d) => [`${d}-day`, `${d}-month`, `${d}-year`]))
          .map((name) => [name, field(body, name)]),
      ),
    fieldOf: (f) =>
      f === "periodStartsOn" || f === "periodEndsOn"
        ? `${f}-day`
        : f === "arrangementId" || f === "authorityId"
          ? "arrangement"
          : f,
    submit: async (request: OrgRequest, values) => {
      const [authorityId = "", arrangementId = ""] = (values.arrangement ?? "").split(":");
      await submitProviderInvoiceFromForm(request, authorityId, arrangementId, values);
      return `/organisations/${request.params.id}/invoices?notice=submitted`;
    },
  });

  // The person's page (the budget panel) pays an invoice waiting for them; the form carries its key.
  buttonAction(
    app,
    "/authorities/:slug/budgets/:planId/invoices/:invoiceId/pay",
    { who: payers },
    async (request: InvoiceRequest) => {
      const ctx = ctxOf(request);
      const { planId, invoiceId } = request.params;
      await payInvoice(ctx, request.authority.id, planId, invoiceId, field(request.body, "idempotencyKey"));
      const found = await findBudget(ctx.db, request.authority.id, planId);
      return `/care/people/${found.budget.plan.person_id}`;
    },
  );
}
