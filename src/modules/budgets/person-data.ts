/**
 * The budgets' section of a person's download of everything held about them (care's `personData`
 * port, care/subject-access.service.ts): for each of the person's plans with a ledger, its
 * balances, every transaction with its entries, and its latest invoices. Care has decided who may
 * download; this reads through `ledgerView` as the authority's care staff would see it (a read, with
 * no one acting), a page of transactions at a time by key.
 */
import type { Db } from "../../db/database.ts";
import type { Clock } from "../../lib/clock.ts";
import { NotFoundError } from "../../lib/errors.ts";
import type { Ctx } from "../access/context.ts";
import { SYSTEM } from "../audit/audit.service.ts";
import type { PersonDataInput, PersonDataSection } from "../care/care.ports.ts";
import { findBudget, ledgerView } from "./budgets.service.ts";

const PAGE = 200;

/** A read of the authority's budgets with its care staff's sight, for care's decided download. */
function readerCtx(db: Db, clock: Clock, authorityId: string): Ctx {
  return {
    db,
    clock,
    actor: SYSTEM("subject-access"),
    principal: {
      userId: "00000000-0000-0000-0000-000000000000",
      displayName: "Subject access",
      grants: [{ role: "care-staff", scopeType: "authority", scopeId: authorityId }],
      via: "session",
      twoFactor: true,
    },
  };
}

export async function budgetsPersonData(
  db: Db,
  clock: Clock,
  input: PersonDataInput,
): Promise<PersonDataSection | undefined> {
  const ctx = readerCtx(db, clock, input.authorityId);
  const budgets: unknown[] = [];
  for (const planId of input.planIds) {
    try {
      await findBudget(db, input.authorityId, planId);
    } catch (error) {
      if (error instanceof NotFoundError) continue;
      throw error;
    }
    let view = await ledgerView(ctx, input.authorityId, planId, { pageSize: PAGE });
    const transactions = [...view.transactions];
    while (view.next) {
      view = await ledgerView(ctx, input.authorityId, planId, { after: view.next, pageSize: PAGE });
      transactions.push(...view.transactions);
    }
    budgets.push({
      planId,
      cadence: view.ledger.cadence,
      openedAt: view.ledger.opened_at.toISOString(),
      balances: view.balances.map((b) => ({ account: b.account, balancePence: b.balance_pence.toString() })),
      transactions,
      invoices: view.invoices.map((i) =>
        JSON.parse(JSON.stringify(i, (_k, v) => (typeof v === "bigint" ? v.toString() : v))),
      ),
    });
  }
  return budgets.length === 0 ? undefined : { section: "budgets", data: { budgets } };
}
