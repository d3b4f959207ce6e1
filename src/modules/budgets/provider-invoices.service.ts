/**
 * A provider invoices against its arrangement, and the money leaves the budget (issue 17, items 6
 * and 7). The provider's administrators and members submit an invoice against one of their
 * accepted arrangements (choice's `arrangementFor`): a period within the arrangement's days and not
 * after today, the units delivered, the amount — at most units × the arrangement's price, refused
 * with the reason otherwise — and its reference, with an idempotency key. Then:
 * - paid from the managed account: it waits for approval by care staff or the managing
 *   organisation, as an invoice they record (payments.service.ts: `approveInvoice`);
 * - paid from the direct payment: it waits for the person, or a representative with
 *   `make-payments`, who pays it from the direct payment (`payInvoice`; no overdraft).
 * The person (and representatives with `make-payments`) are told of an invoice waiting for them; the
 * provider's people of its invoice paid or rejected.
 */
import type { Trx } from "../../db/database.ts";
import { decodeTimeKey, encodeKey } from "../../db/paging.ts";
import { transaction } from "../../db/transaction.ts";
import {
  ConflictError,
  type FieldError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { isIsoDate, londonToday } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { formatPence, parseMoney } from "../../lib/money.ts";
import { actorIn, type Ctx } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { accountsHolding, actingFor } from "../care/care.service.ts";
import { providerArrangements, unitsText } from "../choice/arrangements.service.ts";
import { type ArrangementRow, arrangementFor } from "../choice/choice.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import { organisationsByIds } from "../organisations/organisations.service.ts";
import * as repo from "./budgets.repository.ts";
import { findBudget } from "./budgets.service.ts";
import type { BudgetInvoice } from "./budgets.table.ts";
import { idempotent, postTransaction, userIn } from "./ledger.service.ts";
import {
  type InvoiceView,
  invoiceView,
  type MoneyResult,
  tellProviderOfInvoice,
} from "./payments.service.ts";
import { requirePayInvoice, requireProviderInvoicing } from "./permissions.ts";

/** How many of a provider's invoices a page of its list shows (newest first; the API's default). */
export const PROVIDER_INVOICE_ROWS = 50;

export interface ProviderInvoiceInput {
  authorityId: string;
  arrangementId: string;
  periodStartsOn: string;
  periodEndsOn: string;
  /** Units delivered in the period, as "7.5". */
  units: string;
  amount: string;
  reference: string;
}

/** Units in hundredths ("7.5" → 750), or undefined. */
function unitsX100Of(text: string): number | undefined {
  const m = /^(\d{1,5})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
}

/** The most an invoice for `unitsX100` may ask: units × price, rounded up to the penny. */
export function invoiceCeiling(unitsX100: number, pricePence: bigint): bigint {
  return (pricePence * BigInt(unitsX100) + 99n) / 100n;
}

/** The provider's own arrangement, or 404 (another provider's, unknown, another authority's). */
async function providersArrangement(
  ctx: Ctx,
  organisationId: string,
  authorityId: string,
  arrangementId: string,
): Promise<ArrangementRow> {
  const arrangement = await arrangementFor(ctx.db, authorityId, arrangementId);
  if (!arrangement || arrangement.organisation_id !== organisationId) throw new NotFoundError("arrangement");
  return arrangement;
}

/** Submits the provider's invoice against its accepted arrangement, with its key. */
export async function submitProviderInvoice(
  ctx: Ctx,
  organisationId: string,
  key: string,
  input: ProviderInvoiceInput,
): Promise<{ result: MoneyResult; replayed: boolean }> {
  requireProviderInvoicing(ctx.principal, organisationId);
  const { authorityId } = input;
  if (!isUuid(authorityId) || !isUuid(input.arrangementId)) {
    const message = msg`Choose the arrangement you are invoicing`;
    throw new ValidationError(message, [{ field: "arrangementId", message }]);
  }
  const arrangement = await providersArrangement(ctx, organisationId, authorityId, input.arrangementId);
  if (arrangement.status !== "accepted")
    throw new ConflictError(
      msg`Invoice an arrangement only once you have accepted it.`,
      "arrangement_not_live",
    );
  const errors: FieldError[] = [];
  const unitsX100 = unitsX100Of(input.units);
  if (unitsX100 === undefined || unitsX100 <= 0)
    errors.push({ field: "units", message: msg`Enter the units delivered, such as 7.5` });
  const parsed = parseMoney(input.amount);
  if (!parsed.ok) errors.push({ field: "amount", message: parsed.error });
  else if (parsed.value <= 0n)
    errors.push({ field: "amount", message: msg`Enter an amount of more than £0.00` });
  const reference = input.reference.trim();
  if (reference === "" || reference.length > 100)
    errors.push({ field: "reference", message: msg`Enter the invoice's reference, up to 100 characters` });
  for (const [field, value] of [
    ["periodStartsOn", input.periodStartsOn],
    ["periodEndsOn", input.periodEndsOn],
  ] as const)
    if (!isIsoDate(value)) errors.push({ field, message: msg`Enter the day as a real date` });
  if (errors.length > 0) throw new ValidationError(msg`Check the invoice`, errors);
  const amount = parsed.ok ? parsed.value : 0n;
  const units = unitsX100 as number;
  // Well-formed, but beyond what the arrangement allows: refused with the reason.
  const today = londonToday(ctx.clock);
  const ceiling = invoiceCeiling(units, arrangement.price_pence);
  const refusals: FieldError[] = [];
  if (input.periodEndsOn < input.periodStartsOn)
    refusals.push({
      field: "periodEndsOn",
      message: msg`The period's last day must be on or after its first`,
    });
  if (
    input.periodStartsOn < arrangement.starts_on ||
    (arrangement.ends_on && input.periodEndsOn > arrangement.ends_on)
  )
    refusals.push({
      field: "periodStartsOn",
      message: arrangement.ends_on
        ? msg`The period must be within the arrangement's days, from ${arrangement.starts_on} to ${arrangement.ends_on}`
        : msg`The period must be within the arrangement's days, from ${arrangement.starts_on}`,
    });
  if (input.periodEndsOn > today)
    refusals.push({
      field: "periodEndsOn",
      message: msg`Invoice only for days delivered: the period must end by today`,
    });
  if (amount > ceiling)
    refusals.push({
      field: "amount",
      message: msg`${formatPence(amount)} is more than the units delivered at the arrangement's price (${formatPence(arrangement.price_pence)} each): invoice no more than ${formatPence(ceiling)}`,
    });
  if (refusals.length > 0)
    throw new UnprocessableError(msg`The invoice does not fit the arrangement`, refusals);
  await findBudget(ctx.db, authorityId, arrangement.plan_id);
  const planId = arrangement.plan_id;
  return transaction(ctx.db, (trx) =>
    idempotent(
      trx,
      ctx,
      {
        authorityId,
        planId,
        key,
        action: "provider-invoice",
        request: { ...input, amount: amount.toString(), units },
      },
      async () => {
        if (await repo.invoiceByReference(trx, authorityId, planId, organisationId, reference)) {
          const message = msg`This provider's invoice ${reference} is recorded already against this budget.`;
          throw new ConflictError(message, "invoice_recorded");
        }
        const invoice: BudgetInvoice = {
          authority_id: authorityId,
          id: newId(),
          plan_id: planId,
          organisation_id: organisationId,
          arrangement_id: arrangement.id,
          period_starts_on: input.periodStartsOn,
          period_ends_on: input.periodEndsOn,
          amount_pence: amount,
          reference,
          status: "submitted",
          submitted_by: userIn(ctx),
          submitted_at: ctx.clock.now(),
          decided_by: null,
          decided_at: null,
          rejection_reason: null,
          transaction_id: null,
          units_x100: units,
        };
        await repo.insertInvoice(trx, invoice);
        await recordAudit(trx, ctx.clock, {
          authorityId,
          actor: actorIn(ctx),
          action: "budget.invoice-submitted",
          entity: { type: "budget-invoice", id: invoice.id },
          changes: {
            planId,
            organisationId,
            arrangementId: arrangement.id,
            unitsX100: units,
            amountPence: amount.toString(),
            reference,
          },
          requestId: null,
        });
        if (arrangement.paid_from === "direct-payment")
          await tellPersonOfInvoice(trx, ctx, arrangement, invoice);
        const balances = await repo.balances(trx, authorityId, planId);
        return {
          transaction: null,
          invoice: invoiceView(invoice),
          balances: balances.map((b) => ({ account: b.account, balancePence: b.balance_pence.toString() })),
        };
      },
    ),
  );
}

/** Tells the person and representatives with `make-payments` that an invoice waits for them. */
async function tellPersonOfInvoice(
  trx: Trx,
  ctx: Ctx,
  arrangement: ArrangementRow,
  invoice: BudgetInvoice,
): Promise<void> {
  const provider = arrangement.organisation_name;
  for (const { userId } of await accountsHolding(
    trx,
    invoice.authority_id,
    arrangement.person_id,
    "make-payments",
  ))
    await notify(
      trx,
      ctx.clock,
      {
        userId,
        authorityId: invoice.authority_id,
        kind: "budget.invoice-submitted",
        subject:
          msg`${provider} sent an invoice of ${formatPence(invoice.amount_pence)} to pay from the direct payment`.slice(
            0,
            200,
          ),
        body: msg`${provider} invoiced ${formatPence(invoice.amount_pence)} (reference ${invoice.reference}) for ${invoice.period_starts_on} to ${invoice.period_ends_on}. Pay it from the direct payment on the person's page.`,
        link: `/care/people/${arrangement.person_id}`,
      },
      { email: true, actor: actorIn(ctx) },
    );
}

/**
 * Pays a provider's invoice against an arrangement paid from the direct payment: the person, or a
 * representative with `make-payments` (care staff too); 409 if it would overdraw, or when the
 * invoice is paid from the managed account (approved there) or decided already.
 */
export async function payInvoice(
  ctx: Ctx,
  authorityId: string,
  planId: string,
  invoiceId: string,
  key: string,
): Promise<{ result: MoneyResult; replayed: boolean }> {
  const found = await findBudget(ctx.db, authorityId, planId);
  const access = await requirePayInvoice(ctx, found.budget);
  const invoice = isUuid(invoiceId)
    ? await repo.findInvoice(ctx.db, authorityId, planId, invoiceId)
    : undefined;
  if (!invoice) throw new NotFoundError("invoice");
  const arrangement = invoice.arrangement_id
    ? await arrangementFor(ctx.db, authorityId, invoice.arrangement_id)
    : undefined;
  if (arrangement?.paid_from !== "direct-payment")
    throw new ConflictError(
      msg`This invoice is paid from the managed account: the care staff approve it.`,
      "invoice_managed",
    );
  return transaction(ctx.db, (trx) =>
    idempotent(
      trx,
      ctx,
      { authorityId, planId, key, action: "invoice-payment", request: { invoiceId } },
      async () => {
        const locked = (await repo.findInvoice(trx, authorityId, planId, invoiceId, true)) as BudgetInvoice;
        if (locked.status !== "submitted")
          throw new ConflictError(
            locked.status === "paid"
              ? msg`This invoice is paid already.`
              : msg`This invoice is rejected already.`,
            "invoice_decided",
          );
        const posted = await postTransaction(trx, ctx, authorityId, planId, {
          kind: "payment-out",
          key,
          entries: [
            { account: "direct-payment", amount: -locked.amount_pence },
            { account: `provider:${locked.organisation_id}`, amount: locked.amount_pence },
          ],
          invoiceId,
          description: `Invoice ${locked.reference}`,
          ...(access ? { actingFor: actingFor(access) } : {}),
        });
        const decided = {
          status: "paid" as const,
          decided_by: userIn(ctx),
          decided_at: ctx.clock.now(),
          rejection_reason: null,
          transaction_id: posted.id,
        };
        await repo.decideInvoice(trx, authorityId, invoiceId, decided);
        await tellProviderOfInvoice(trx, ctx, { ...locked, ...decided });
        const balances = await repo.balances(trx, authorityId, planId);
        return {
          transaction: posted,
          invoice: invoiceView({ ...locked, ...decided }),
          balances: balances.map((b) => ({ account: b.account, balancePence: b.balance_pence.toString() })),
        };
      },
    ),
  );
}

/**
 * The provider's accepted arrangements it may invoice (the newest 50, live or ended), for its form:
 * `authorityId:arrangementId` with what it is.
 */
export async function invoiceableArrangements(
  ctx: Ctx,
  organisationId: string,
): Promise<{ name: string; arrangements: { value: string; text: string }[] }> {
  requireProviderInvoicing(ctx.principal, organisationId);
  const organisation = (await organisationsByIds(ctx.db, [organisationId])).get(organisationId);
  if (!organisation) throw new NotFoundError("organisation");
  const found = await providerArrangements(ctx, organisationId);
  return {
    name: organisation.name,
    arrangements: [...found.live, ...found.ended]
      .filter((a) => a.status === "accepted")
      .map((a) => ({
        value: `${a.authority_id}:${a.id}`,
        text: `${a.authority_name}: ${a.category_name}, ${unitsText(a.units_x100)} × ${formatPence(a.price_pence)}, ${a.starts_on}`,
      })),
  };
}

export interface ProviderInvoiceView extends InvoiceView {
  unitsX100: number | null;
  paidPence: string;
}

/**
 * A provider's invoices, newest first, a page at a time by key (`after`: a previous page's `next`),
 * with what each paid (its administrators and members only).
 */
export async function providerInvoices(
  ctx: Ctx,
  organisationId: string,
  page: { after?: string | undefined; pageSize?: number | undefined } = {},
): Promise<{
  invoices: ProviderInvoiceView[];
  receivedPence: bigint;
  more: boolean;
  next: string | null;
  name: string;
}> {
  requireProviderInvoicing(ctx.principal, organisationId);
  const organisation = (await organisationsByIds(ctx.db, [organisationId])).get(organisationId);
  if (!organisation) throw new NotFoundError("organisation");
  const after = decodeTimeKey(page.after, "after");
  const size = page.pageSize ?? PROVIDER_INVOICE_ROWS;
  const rows = await repo.invoicesOfOrganisation(ctx.db, organisationId, after, size + 1);
  const shown = rows.slice(0, size);
  const last = shown.at(-1);
  const more = rows.length > size;
  return {
    name: organisation.name,
    invoices: shown.map((i) => ({
      ...invoiceView(i),
      unitsX100: i.units_x100,
      paidPence: (i.status === "paid" ? i.amount_pence : 0n).toString(),
    })),
    receivedPence: shown.filter((i) => i.status === "paid").reduce((s, i) => s + i.amount_pence, 0n),
    more,
    next: more && last ? encodeKey([last.submitted_at.toISOString(), last.id]) : null,
  };
}
