/**
 * A provider's invoices against its arrangements and the payments it received
 * (/organisations/:id/invoices): its administrators and members only.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { buttonAction, field } from "../../http/forms.ts";
import { page, type Who } from "../../http/routes.ts";
import { formatMoney, type Pence } from "../../lib/money.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, authorityRoles } from "../access/policies.ts";
import { findBudget } from "./budgets.service.ts";
import { BUDGET_STAFF } from "./permissions.ts";
import { payInvoice, providerInvoices } from "./provider-invoices.service.ts";

/** Paying an invoice from the direct payment: care staff, the person, representatives with make-payments (404, then 403). */
const payers = afterLookup({
  ...authorityRoles(BUDGET_STAFF, "keep this authority's personal budgets", "The authority's care staff"),
  description: "The authority's care staff, the person, and representatives with make-payments",
});
type InvoiceRequest = FastifyRequest<{ Params: { slug: string; planId: string; invoiceId: string } }>;

const money = (p: string) => formatMoney(BigInt(p) as Pence);

export function providerInvoicePages(app: FastifyInstance, who: Who): void {
  app.get(
    "/organisations/:id/invoices",
    page({ who }),
    async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
      const found = await providerInvoices(ctxOf(request), request.params.id);
      await reply.page("budgets/views/provider-invoices.njk", {
        organisation: { id: request.params.id, name: found.name },
        invoices: found.invoices.map((i) => ({
          ...i,
          amount: money(i.amountPence),
          paid: money(i.paidPence),
        })),
        received: formatMoney(found.receivedPence as Pence),
        more: found.more,
        noindex: true,
      });
    },
  );

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
