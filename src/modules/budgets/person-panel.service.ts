/**
 * The budget on a person's page (the care module's `personPanels` port, plugged in src/wiring.ts):
 * for each of the person's plans with a ledger, what is left of each part (the direct payment, the
 * managed account), the last few transactions, the invoices paid from the managed account, and links
 * to the statement and, for those allowed to pay out of a direct payment, to record a payment. Shown
 * to the authority's care staff, the person, and representatives with `see-plan`; the pay-out link
 * and the pay buttons of providers' invoices waiting to be paid from the direct payment only to care
 * staff, the person and representatives with `make-payments` (permissions.ts decides again when they
 * follow it). A representative with `make-payments` but not `see-plan` gets only those (the pay-out
 * link and the invoices waiting), none of the plan's figures: no balances, transactions, statement
 * or paid invoices.
 */
import type { Db } from "../../db/database.ts";
import type { Clock } from "../../lib/clock.ts";
import { newId } from "../../lib/ids.ts";
import { formatPence } from "../../lib/money.ts";
import type { Panel } from "../../lib/ports.ts";
import { authorityById } from "../authorities/authorities.service.ts";
import type { PersonPanelInput } from "../care/care.ports.ts";
import { planBudgets } from "../care/care.service.ts";
import { arrangementFor } from "../choice/choice.service.ts";
import { organisationsByIds } from "../organisations/organisations.service.ts";
import * as repo from "./budgets.repository.ts";
import { HELD_ACCOUNTS } from "./budgets.table.ts";

/** How many of the latest transactions and paid invoices the panel shows. */
export const PANEL_ROWS = 5;

const isHeld = (account: string) => (HELD_ACCOUNTS as readonly string[]).includes(account);

export async function budgetPersonPanel(
  db: Db,
  _clock: Clock,
  input: PersonPanelInput,
): Promise<Panel | undefined> {
  const { authorityId, viewer } = input;
  const staff = viewer.how === "care-staff";
  const figures = staff || viewer.grants.includes("see-plan");
  const mayPay = staff || viewer.grants.includes("make-payments");
  if (!figures && !mayPay) return undefined;
  const budgets = await planBudgets(db, authorityId, input.planIds);
  const authority = await authorityById(db, authorityId);
  const plans = [];
  for (const planId of input.planIds) {
    const budget = budgets.get(planId);
    const ledger = budget ? await repo.findLedger(db, authorityId, planId) : undefined;
    if (!budget || !ledger) continue;
    const [balances, rows, invoices, submitted] = await Promise.all([
      figures ? repo.balances(db, authorityId, planId) : [],
      figures ? repo.transactionsPage(db, authorityId, planId, { limit: PANEL_ROWS }) : [],
      figures ? repo.latestInvoices(db, authorityId, planId, PANEL_ROWS, "paid") : [],
      repo.latestInvoices(db, authorityId, planId, PANEL_ROWS, "submitted"),
    ]);
    // Providers' invoices against arrangements paid from the direct payment wait for the person.
    const waiting = [];
    for (const i of submitted) {
      if (!i.arrangement_id) continue;
      const arrangement = await arrangementFor(db, authorityId, i.arrangement_id);
      if (arrangement?.paid_from === "direct-payment")
        waiting.push({ invoice: i, provider: arrangement.organisation_name });
    }
    const entries = await repo.entriesOf(
      db,
      authorityId,
      rows.map((r) => r.id),
    );
    const names = await organisationsByIds(db, [...new Set(invoices.map((i) => i.organisation_id))]);
    const url = `/authorities/${authority.slug}/budgets/${planId}`;
    const hasDirect = budget.parts.some((p) => p.delivery === "direct-payment");
    const payOut = hasDirect && mayPay ? `${url}/payments-out/new` : null;
    // Paying only: nothing to show of a plan without a direct payment to pay from.
    if (!figures && !payOut && waiting.length === 0) continue;
    plans.push({
      planId,
      figures,
      startedOn: budget.plan.started_on,
      parts: balances
        .filter((b) => isHeld(b.account))
        .map((b) => ({ account: b.account, left: formatPence(b.balance_pence) })),
      transactions: rows.map((r) => {
        const change = entries
          .filter((e) => e.transaction_id === r.id && isHeld(e.account))
          .reduce((s, e) => s + e.amount_pence, 0n);
        return {
          postedOn: r.posted_on,
          kind: r.kind,
          description: r.description,
          in: change > 0n ? formatPence(change) : "",
          out: change < 0n ? formatPence(-change) : "",
        };
      }),
      invoicesPaid: invoices.map((i) => ({
        provider: names.get(i.organisation_id)?.name ?? "",
        reference: i.reference,
        amount: formatPence(i.amount_pence),
        paidOn: i.decided_at,
      })),
      invoicesWaiting: waiting.map(({ invoice: i, provider }) => ({
        provider,
        reference: i.reference,
        amount: formatPence(i.amount_pence),
        from: i.period_starts_on,
        to: i.period_ends_on,
        pay: mayPay ? `${url}/invoices/${i.id}/pay` : null,
        key: newId(),
      })),
      hasManaged: budget.parts.some((p) => p.delivery !== "direct-payment"),
      statement: `${url}/statement`,
      moneyInOut: `${url}/transactions`,
      payOut,
      ledger: staff ? url : null,
    });
  }
  if (plans.length === 0) return undefined;
  return { template: "budgets/views/person-panel.njk", context: { budgetPanel: { plans } } };
}
