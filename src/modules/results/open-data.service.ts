/**
 * Payment by results' open data (issue 19, item 6; docs/payment-by-results.md, "Open data"):
 * - each outcome contract's payments as OCDS implementation transactions of the contracting process of
 *   the platform contract it pays under (`paymentsOfContracts`, asked by the ocds module for a page of
 *   processes at once; an outcome fund's contract has no process and is in the datasets only);
 * - the `outcomes` dataset: per contract and month of referral, how many were referred and how many of
 *   them have a valid claim of each rule (and metric) not since recovered, with the rate — small
 *   numbers and small differences suppressed by the one rule (src/lib/small-numbers.ts);
 * - the `spend-over-500` dataset (Local Government Transparency Code 2015, "expenditure exceeding
 *   £500"): every payment OpenPS makes over £500 — the ledger's payments and corrections, and personal
 *   budgets' invoices paid from managed accounts summed per provider and month where at least 10
 *   people's budgets paid them and no one budget paid more than half (fewer, or one dominant, could
 *   point at a person; direct payments are the person's own spending and never published); the sums
 *   maintained by a trigger in each payment's transaction (`spend_managed_accounts`), the rule applied
 *   as they are read.
 * Nothing personal: no participant, no reference, no plan, no one who approved or paid.
 */
import type { Trx } from "../../db/database.ts";
import { keptFor } from "../../lib/kept.ts";
import { hiddenApart, SMALL_NUMBER } from "../../lib/small-numbers.ts";
import type { Ctx } from "../access/context.ts";
import { authoritiesByIds } from "../authorities/authorities.service.ts";
import { latestManagedPayment } from "../budgets/budgets.service.ts";
import { organisationsByIds } from "../organisations/organisations.service.ts";
import * as repo from "./open-data.repository.ts";
import type { LedgerKind } from "./results.table.ts";

/**
 * The changes recorded on the audit trail that add to a contract's payments (a run paid, a correction
 * written): each makes an OCDS release of the contracting process, tagged `implementation`. Their
 * entity is the run, the outcome contract or the ledger entry (`platformContractOfChange`).
 */
export const PAYMENT_ACTIONS: readonly string[] = ["outcome-run.paid", "outcome-ledger.corrected"];

/** The spend published: payments exceeding this (£500), as the Transparency Code asks. */
export const SPEND_OVER_PENCE = 50_000n;

/**
 * The platform contract whose process a payment change concerns: the contract the outcome contract of
 * the change's run, ledger entry or outcome contract pays under; null for an outcome fund's (no process).
 */
export async function platformContractOfChange(
  ctx: Ctx & { db: Trx },
  authorityId: string,
  entity: { type: string; id: string },
): Promise<string | null> {
  return repo.platformContractOf(ctx.db, authorityId, entity);
}

/** A payment to the provider as an OCDS transaction carries it. */
export interface PaymentTransaction {
  id: string;
  outcomeContractId: string;
  /** The provider paid. */
  organisationId: string;
  kind: Extract<LedgerKind, "payment" | "correction">;
  /** Signed: a correction below zero was paid back by the provider. */
  amountPence: bigint;
  paidOn: string;
  recordedAt: Date;
  /** The run's period, when a run paid it. */
  period: { start: string; end: string } | null;
}

/**
 * The payments made under these platform contracts (by outcome contracts paying under them), each
 * contract's in the order they were paid, by the platform contract's id: one query for them all.
 * The ledger's recoveries are not money that moved (they are taken from a run's claims: its payment is
 * what is left), so they are not here.
 */
export async function paymentsOfContracts(
  ctx: Pick<Ctx, "db">,
  keys: readonly { authority_id: string; id: string }[],
): Promise<Map<string, PaymentTransaction[]>> {
  const byContract = new Map<string, PaymentTransaction[]>();
  for (const r of await repo.paymentsOfPlatformContracts(ctx.db, keys)) {
    const id = r.contract_id as string;
    byContract.set(id, [
      ...(byContract.get(id) ?? []),
      {
        id: r.id,
        outcomeContractId: r.outcome_contract_id,
        organisationId: r.organisation_id,
        kind: r.kind as PaymentTransaction["kind"],
        amountPence: BigInt(r.amount_pence),
        paidOn: r.paid_on,
        recordedAt: r.created_at,
        period: r.period_start && r.period_end ? { start: r.period_start, end: r.period_end } : null,
      },
    ]);
  }
  return byContract;
}

// The outcomes dataset

/** One figure of a contract's participants referred in a month. */
export interface OutcomeFigure {
  authorityId: string;
  outcomeContractId: string;
  contractId: string | null;
  providerId: string;
  programme: string;
  /** "YYYY-MM": the month they were referred in. */
  referralMonth: string;
  /** "referred", or the rule of the claims counted ("attachment", "job-outcome", "outcome", …). */
  figure: string;
  /** The outcome metric of `outcome` and `qualification` claims; null otherwise. */
  metric: string | null;
  /** How many participants; null when 1 to 9 (suppressed). */
  participants: number | null;
  suppressed: boolean;
  /** Of those referred in the month, in basis points; null for "referred" and when either count is hidden. */
  rateBp: number | null;
}

/** Outcome contracts counted per page of the outcomes dataset. */
export const OUTCOME_CONTRACTS_PAGE = 50;

/** Figures counted at most once in this long: a download does not count them again. */
export const OPEN_FIGURES_MAX_AGE_MS = 10 * 60_000;

const keptOutcomePages = keptFor<Ctx["db"], { keys: [string, string][]; rows: OutcomeFigure[] }>(
  OPEN_FIGURES_MAX_AGE_MS,
  { names: 5000 },
);

/**
 * The figures of one contract's month from its counts, suppressed by the one rule
 * (src/lib/small-numbers.ts, `hiddenApart`): each 1 to 9 hidden, and of two counts 1 to 9 apart the
 * smaller — those referred less those with a claim are those without one, and two rules' counts
 * differ by people too — so that neither a count nor the difference of two shown is 1 to 9. Those
 * referred (the largest) are hidden only when 1 to 9; a rate is given only from counts shown.
 */
export function cohortFigures(
  contract: {
    authority_id: string;
    id: string;
    contract_id: string | null;
    organisation_id: string;
    programme: string;
  },
  month: string,
  referred: number,
  achieved: readonly { rule: string; metric: string; participants: number }[],
): OutcomeFigure[] {
  const base = {
    authorityId: contract.authority_id,
    outcomeContractId: contract.id,
    contractId: contract.contract_id,
    providerId: contract.organisation_id,
    programme: contract.programme,
    referralMonth: month,
  };
  const [referredHidden, ...hidden] = hiddenApart([referred, ...achieved.map((a) => a.participants)]);
  return [
    {
      ...base,
      figure: "referred",
      metric: null,
      participants: referredHidden ? null : referred,
      suppressed: referredHidden === true,
      rateBp: null,
    },
    ...achieved.map((a, i) => {
      const shown = hidden[i] ? null : a.participants;
      return {
        ...base,
        figure: a.rule,
        metric: a.metric === "" ? null : a.metric,
        participants: shown,
        suppressed: shown === null,
        rateBp:
          shown === null || referredHidden || referred === 0 ? null : Math.floor((shown * 10_000) / referred),
      };
    }),
  ];
}

/**
 * The outcomes dataset's rows: a page of outcome contracts at a time in (authority, id) order, each
 * contract's months in order, "referred" first then each rule and metric. Each page counted once and
 * kept `OPEN_FIGURES_MAX_AGE_MS`.
 */
export async function* outcomeFigureRows(ctx: Pick<Ctx, "db" | "clock">): AsyncGenerator<OutcomeFigure[]> {
  let after: [string, string] | undefined;
  for (;;) {
    const from = after;
    const page = await keptOutcomePages.get(
      ctx.db,
      ctx.clock.now(),
      async () => {
        const contracts = await repo.outcomeContractsAfter(ctx.db, from, OUTCOME_CONTRACTS_PAGE);
        const counts = await repo.cohortCounts(ctx.db, contracts);
        const rows = contracts.flatMap((c) => {
          const own = counts.filter((n) => n.authority_id === c.authority_id && n.contract_id === c.id);
          const months = [...new Set(own.map((n) => n.month))];
          return months.flatMap((month) => {
            const ofMonth = own.filter((n) => n.month === month);
            const referred = ofMonth.find((n) => n.rule === "")?.participants ?? 0;
            return cohortFigures(
              c,
              month,
              referred,
              ofMonth.filter((n) => n.rule !== ""),
            );
          });
        });
        return { keys: contracts.map((c): [string, string] => [c.authority_id, c.id]), rows };
      },
      from ? from.join(":") : "",
    );
    const { keys, rows } = page.value;
    if (keys.length === 0) return;
    yield rows;
    if (keys.length < OUTCOME_CONTRACTS_PAGE) return;
    after = keys[keys.length - 1];
  }
}

/**
 * When the outcomes figures last changed: the latest run computed or cancelled (its claims, and the
 * proxies it recovered, came or went) or sample audit concluded (its claims found due nothing).
 */
export async function latestOutcomesChange(ctx: Pick<Ctx, "db">): Promise<Date | null> {
  const [run, audit] = await Promise.all([repo.latestRunChange(ctx.db), repo.latestAuditConcluded(ctx.db)]);
  return latest(run, audit);
}

/** The later of two times, either of which may be missing. */
function latest(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a > b ? a : b;
}

// The spend over £500

/** One payment (or a month's sum of a provider's managed-account invoices) over £500. */
export interface SpendRow {
  bodyId: string;
  bodyName: string;
  bodyOrgId: string | null;
  /** The day it was paid (a month's sum: the month's last day). */
  paidOn: string;
  transactionNumber: string;
  amountPence: bigint;
  supplierId: string;
  supplierName: string;
  supplierOrgId: string | null;
  expenseArea: string;
  expenseType: "outcome-payment" | "outcome-correction" | "personal-budgets-managed-accounts";
  purpose: string;
  contractId: string | null;
  outcomeContractId: string | null;
  periodFrom: string | null;
  periodTo: string | null;
}

/** Rows read per page of the spend (the ledger's; then the managed accounts' sums). */
export const SPEND_PAGE = 500;

/**
 * The dominance rule of a managed-account sum: published only when no one plan's budget paid more
 * than this share of it (a (1, 50%) rule), so that the sum does not mostly tell one person's care.
 */
export const DOMINANT_SHARE = { numerator: 1n, denominator: 2n } as const;

/** Whether a sum of managed-account invoices may be published: 10 or more budgets, none dominant. */
export function managedSumPublishable(s: {
  plans: number;
  amountPence: bigint;
  largestPlanPence: bigint;
}): boolean {
  return (
    s.plans >= SMALL_NUMBER &&
    s.amountPence > SPEND_OVER_PENCE &&
    s.largestPlanPence * DOMINANT_SHARE.denominator <= s.amountPence * DOMINANT_SHARE.numerator
  );
}

/** The last day of a "YYYY-MM" month. */
function monthEnd(month: string): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

/** Names and identifiers of the bodies and suppliers of a page, in two queries. */
async function partiesOf(ctx: Pick<Ctx, "db">, bodies: string[], suppliers: string[]) {
  const [authorities, organisations] = await Promise.all([
    authoritiesByIds(ctx.db, [...new Set(bodies)]),
    organisationsByIds(ctx.db, [...new Set(suppliers)]),
  ]);
  return {
    body: (id: string) => ({
      bodyId: id,
      bodyName: authorities.get(id)?.name ?? "",
      bodyOrgId: authorities.get(id)?.org_id ?? null,
    }),
    supplier: (id: string) => ({
      supplierId: id,
      supplierName: organisations.get(id)?.name ?? "",
      supplierOrgId: organisations.get(id)?.primary_identifier ?? null,
    }),
  };
}

/**
 * The spend over £500: the ledger's payments and corrections exceeding £500 (either way), a page at
 * a time in (paid on, authority, id) order; then the invoices each provider was paid from a public
 * body's managed accounts in a month, as the trigger keeps them summed (`spend_managed_accounts`), a
 * page at a time in (body, month, provider) order, those published where at least 10 people's budgets
 * paid them, no one of them more than half (`managedSumPublishable`), and the sum exceeds £500.
 */
export async function* spendRows(ctx: Pick<Ctx, "db">): AsyncGenerator<SpendRow[]> {
  let after: [string, string, string] | undefined;
  for (;;) {
    const page = await repo.spendAfter(ctx.db, after, SPEND_PAGE, SPEND_OVER_PENCE);
    if (page.length === 0) break;
    const names = await partiesOf(
      ctx,
      page.map((p) => p.authority_id),
      page.map((p) => p.organisation_id),
    );
    yield page.map((p) => ({
      ...names.body(p.authority_id),
      paidOn: p.paid_on,
      transactionNumber: p.id,
      amountPence: BigInt(p.amount_pence),
      ...names.supplier(p.organisation_id),
      expenseArea: `payment-by-results/${p.programme}`,
      expenseType: p.kind === "payment" ? "outcome-payment" : "outcome-correction",
      purpose:
        p.kind === "payment" && p.period_start && p.period_end
          ? `Outcome payments for ${p.period_start} to ${p.period_end}: ${p.reference} ${p.title}`
          : `Correction of outcome payments: ${p.reference} ${p.title}`,
      contractId: p.contract_id,
      outcomeContractId: p.outcome_contract_id,
      periodFrom: p.period_start,
      periodTo: p.period_end,
    }));
    if (page.length < SPEND_PAGE) break;
    const last = page[page.length - 1] as repo.PaymentRow;
    after = [last.paid_on, last.authority_id, last.id];
  }
  let sumsAfter: [string, string, string] | undefined;
  for (;;) {
    const page = await repo.managedSumsAfter(ctx.db, sumsAfter, SPEND_PAGE);
    if (page.length === 0) return;
    const sums = page
      .map((s) => ({
        authorityId: s.authority_id,
        organisationId: s.organisation_id,
        month: s.month.slice(0, 7),
        plans: s.plans,
        invoices: s.invoices,
        amountPence: BigInt(s.amount_pence),
        largestPlanPence: BigInt(s.largest_plan_pence),
      }))
      .filter(managedSumPublishable);
    if (sums.length > 0) {
      const names = await partiesOf(
        ctx,
        sums.map((s) => s.authorityId),
        sums.map((s) => s.organisationId),
      );
      yield sums.map((s) => ({
        ...names.body(s.authorityId),
        paidOn: monthEnd(s.month),
        // Unique across the dataset: the public body, the month and the provider.
        transactionNumber: `managed-accounts-${s.authorityId}-${s.month}-${s.organisationId}`,
        amountPence: s.amountPence,
        ...names.supplier(s.organisationId),
        expenseArea: "personal-budgets/managed-accounts",
        expenseType: "personal-budgets-managed-accounts" as const,
        purpose: `Care and support invoices paid from managed accounts in ${s.month}: ${s.invoices} invoices, ${s.plans} people's budgets (summed so that no person can be identified)`,
        contractId: null,
        outcomeContractId: null,
        periodFrom: `${s.month}-01`,
        periodTo: monthEnd(s.month),
      }));
    }
    if (page.length < SPEND_PAGE) return;
    const last = page[page.length - 1] as repo.ManagedSumRow;
    sumsAfter = [last.authority_id, last.month, last.organisation_id];
  }
}

/** When the spend last changed: the ledger's latest entry, or the latest invoice paid from a managed account. */
export async function latestSpendChange(ctx: Pick<Ctx, "db">): Promise<Date | null> {
  const [ledger, managed] = await Promise.all([repo.latestLedgerEntry(ctx.db), latestManagedPayment(ctx.db)]);
  return latest(ledger, managed);
}

/**
 * Participants referred to each provider of an outcome contract, and how many of them achieved an
 * outcome (a valid claim), over all its contracts: the market compares them by provider sector and
 * size. Counts, not suppressed: the reader suppresses what it publishes. Public.
 */
export function outcomesByProvider(
  ctx: Pick<Ctx, "db">,
): Promise<{ organisation_id: string; referred: number; achieved: number }[]> {
  return repo.outcomesByProvider(ctx.db);
}
