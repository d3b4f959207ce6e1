/**
 * Sample audits of paid claims (issue 19, item 3; docs/payment-by-results.md, "Sample audits"). After
 * a period's run is paid, the authority's commissioners (and administrators) audit it: the
 * population is that run's valid paid claims; a sample of a size they choose is drawn from a seed
 * (sampling.ts: anyone holding the seed can draw it again) and stored as the audit's items; each item
 * is checked and what the claim should have been paid recorded; once every item is checked the audit
 * concludes — the error rate by value extrapolated to the population at the lower end of its
 * one-sided 95% confidence interval — and what that recovers becomes an `audit` recovery (once per
 * audit), which the contract's next run applies against its claims. The provider's people see the
 * audits of their contract and every finding; they change nothing (403). Anyone else: 404.
 *
 * Each change is one transaction that locks the outcome contract, then the audit, before reading
 * them; a stale state is a 409; each is on the authority's audit chain (no person's details: a
 * participant is the commissioner's pseudonymous reference, and audit events name claims by key).
 */
import { randomBytes } from "node:crypto";
import type { Db, Trx } from "../../db/database.ts";
import { decodeKey, encodeKey } from "../../db/paging.ts";
import { transaction } from "../../db/transaction.ts";
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { longDate } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { formatPence, parseMoney } from "../../lib/money.ts";
import { actorIn, type Ctx, within } from "../access/context.ts";
import { displayNamesOf } from "../accounts/accounts.service.ts";
import { recordAudit } from "../audit/audit.service.ts";
import type { AuditItemRow } from "./audits.repository.ts";
import * as repo from "./audits.repository.ts";
import { outcomeContractFor, type ResultsStanding, tellProvider } from "./results.service.ts";
import type { OutcomeAudit, OutcomeAuditItem, OutcomeContract } from "./results.table.ts";
import { estimateRecovery, MAX_SAMPLE, MIN_SAMPLE, minimumSample } from "./sampling.ts";

export type { AuditItemKey, AuditItemRow } from "./audits.repository.ts";

export const AUDITS_PAGE_SIZE = 24;
export const ITEMS_PAGE_SIZE = 50;
export const AUDIT_LIMITS = { seed: 100, note: 2000 } as const;

/** Parts per million as a percentage to four places: 33,253 → "3.3253%". */
export function ppmPercent(ppm: number): string {
  return `${Math.trunc(ppm / 10_000)}.${String(ppm % 10_000).padStart(4, "0")}%`;
}

/** The outcome contract as the caller stands to it (404 for an id that is not one, as for one unknown). */
function contractFor(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
  lock = false,
): Promise<ResultsStanding> {
  if (!isUuid(contractId)) throw new NotFoundError("outcome contract");
  return outcomeContractFor(ctx, authorityId, contractId, { lock });
}

/** The contract, for one of its commissioners about to start an audit (the form); 403 for its provider. */
export async function forAuditing(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
): Promise<ResultsStanding> {
  const standing = await contractFor(ctx, authorityId, contractId);
  requireCommissioner(standing);
  return standing;
}

function requireCommissioner(standing: ResultsStanding): void {
  if (!standing.commissioner)
    throw new ForbiddenError(
      msg`Only the commissioning authority's commissioners and administrators may audit claims.`,
    );
}

const auditEntity = (id: string) => ({ type: "outcome-audit", id });

export interface StartInput {
  /** The paid period's month, "2027-03". */
  period?: string | undefined;
  sampleSize?: string | number | undefined;
  /** The draw's seed; a random one when not given. */
  seed?: string | undefined;
}

/**
 * Starts the audit of a paid period: the population (the period's run's valid claims), the sample
 * drawn and stored. 400 for a month or size not well formed; 409 when the period's run is not paid
 * or the period is audited already; 422 for a sample larger than the population. `opts.id`: a fixed
 * id, for the demo data.
 */
export async function startAudit(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
  input: StartInput,
  opts: { id?: string } = {},
): Promise<NamedAudit> {
  const started = await transaction(ctx.db, async (trx) => {
    const tctx = within(ctx, trx);
    const standing = await contractFor(tctx, authorityId, contractId, true);
    requireCommissioner(standing);
    const period = String(input.period ?? "").trim();
    const sizeText = String(input.sampleSize ?? "").trim();
    const seed = (input.seed ?? "").trim() || randomBytes(8).toString("hex");
    const problems = [];
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(period))
      problems.push({
        field: "period",
        message: msg`Enter the paid period as a year and month, like 2027-03`,
      });
    const size = /^\d{1,6}$/.test(sizeText) ? Number(sizeText) : Number.NaN;
    if (!(size >= 1 && size <= MAX_SAMPLE))
      problems.push({
        field: "sampleSize",
        message: msg`Enter how many claims to sample, a whole number from ${MIN_SAMPLE} to ${MAX_SAMPLE}`,
      });
    if (seed.length > AUDIT_LIMITS.seed)
      problems.push({
        field: "seed",
        message: msg`Enter a seed of ${AUDIT_LIMITS.seed} characters or fewer`,
      });
    if (problems.length > 0) throw new ValidationError(msg`Check the audit`, problems);
    const periodStart = `${period}-01`;
    const run = await repo.runOfPeriod(trx, authorityId, contractId, periodStart);
    if (run?.status !== "paid")
      throw new ConflictError(
        msg`The run for ${period} is not paid: a period is audited once its run is paid.`,
        "period_not_paid",
      );
    if (await repo.auditOfPeriod(trx, authorityId, contractId, periodStart))
      throw new ConflictError(msg`The period ${period} has been audited already.`, "period_audited");
    const population = await repo.populationOf(trx, authorityId, run.id);
    if (size > population.count) {
      const message = msg`The period ${period} has ${population.count} paid claims: choose a sample of ${minimumSample(population.count)} to ${population.count} claims`;
      throw new UnprocessableError(message, [{ field: "sampleSize", message }], "sample_too_large");
    }
    if (size < minimumSample(population.count)) {
      const message = msg`The period ${period} has ${population.count} paid claims: sample at least ${minimumSample(population.count)} of them (${MIN_SAMPLE}, or every claim of a period with fewer), or the estimate says too little to recover anything`;
      throw new UnprocessableError(message, [{ field: "sampleSize", message }], "sample_too_small");
    }
    const now = ctx.clock.now();
    const audit: OutcomeAudit = {
      authority_id: authorityId,
      id: opts.id ?? newId(),
      contract_id: contractId,
      period_start: run.period_start,
      period_end: run.period_end,
      seed,
      sample_size: size,
      population_count: population.count,
      population_pence: population.pence,
      status: "open",
      error_rate_ppm: null,
      lower_bound_ppm: null,
      recovery_pence: null,
      started_by: ctx.principal?.userId ?? null,
      started_at: now,
      concluded_by: null,
      concluded_at: null,
    };
    await repo.insertAudit(trx, audit);
    await repo.insertSample(trx, { authorityId, auditId: audit.id, runId: run.id, seed, size });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(tctx),
      action: "outcome-audit.started",
      entity: auditEntity(audit.id),
      changes: {
        contract: contractId,
        periodStart,
        seed,
        sampleSize: size,
        populationCount: population.count,
        populationPence: population.pence,
      },
    });
    await tellProviderStarted(tctx, standing.contract, audit);
    return audit;
  });
  return (await named(ctx.db, [started]))[0] as NamedAudit;
}

// Reading

/** An audit with the display names of who started and concluded it (the authority's staff). */
export type NamedAudit = OutcomeAudit & { started_by_name: string | null; concluded_by_name: string | null };

async function named(db: Db, audits: OutcomeAudit[]): Promise<NamedAudit[]> {
  const ids = audits.flatMap((a) => [a.started_by, a.concluded_by]).filter((id): id is string => id !== null);
  const names = await displayNamesOf(db, [...new Set(ids)]);
  const nameOf = (id: string | null) => (id === null ? null : (names.get(id) ?? null));
  return audits.map((a) => ({
    ...a,
    started_by_name: nameOf(a.started_by),
    concluded_by_name: nameOf(a.concluded_by),
  }));
}

function decodeBefore(text: string | undefined): string | undefined {
  const key = decodeKey(text, ["string"], "before");
  if (!key) return undefined;
  const [periodStart] = key as [string];
  if (/^\d{4}-\d{2}-01$/.test(periodStart)) return periodStart;
  const message = msg`This page link is not complete. Go back to the first page of results and try again.`;
  throw new ValidationError(message, [{ field: "before", message }]);
}

/** A contract's audits, latest period first, a page at a time by key. Its commissioners and provider. */
export async function auditsOf(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
  query: { before?: string | undefined } = {},
): Promise<{ standing: ResultsStanding; rows: NamedAudit[]; next: string | null }> {
  const standing = await contractFor(ctx, authorityId, contractId);
  const found = await repo.auditsOfContract(
    ctx.db,
    authorityId,
    contractId,
    decodeBefore(query.before),
    AUDITS_PAGE_SIZE + 1,
  );
  const last = found[AUDITS_PAGE_SIZE - 1];
  return {
    standing,
    rows: await named(ctx.db, found.slice(0, AUDITS_PAGE_SIZE)),
    next: found.length > AUDITS_PAGE_SIZE && last ? encodeKey([last.period_start]) : null,
  };
}

/** An item's key as a link or a form carries it. */
export function itemKeyText(i: Pick<OutcomeAuditItem, "participant_id" | "rule" | "metric" | "seq">): string {
  return encodeKey([i.participant_id, i.rule, i.metric, i.seq]);
}

function decodeItemKey(
  text: string | undefined,
  field: string,
): [string, string, string, number] | undefined {
  const key = decodeKey(text, ["string", "string", "string", "number"], field);
  if (!key) return undefined;
  const [p, rule, metric, seq] = key as [string, string, string, number];
  if (isUuid(p) && Number.isInteger(seq)) return [p, rule, metric, seq];
  const message = msg`This page link is not complete. Go back to the first page of results and try again.`;
  throw new ValidationError(message, [{ field, message }]);
}

export interface AuditPage {
  standing: ResultsStanding;
  audit: NamedAudit;
  items: (AuditItemRow & { key: string })[];
  next: string | null;
  /** Items checked so far, of `audit.sample_size`. */
  checked: number;
}

async function loadAudit(ctx: Ctx, authorityId: string, contractId: string, auditId: string, lock = false) {
  const standing = await contractFor(ctx, authorityId, contractId, lock);
  const audit = isUuid(auditId)
    ? await repo.findAudit(ctx.db, authorityId, contractId, auditId, { lock })
    : undefined;
  if (!audit) throw new NotFoundError("audit");
  return { standing, audit };
}

/** An audit with a page of its items (findings) in key order. Its commissioners and provider. */
export async function auditOf(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
  auditId: string,
  query: { after?: string | undefined } = {},
): Promise<AuditPage> {
  const { standing, audit } = await loadAudit(ctx, authorityId, contractId, auditId);
  const found = await repo.itemsOf(
    ctx.db,
    authorityId,
    audit.id,
    decodeItemKey(query.after, "after"),
    ITEMS_PAGE_SIZE + 1,
  );
  const items = found.slice(0, ITEMS_PAGE_SIZE).map((i) => ({ ...i, key: itemKeyText(i) }));
  const last = items[ITEMS_PAGE_SIZE - 1];
  return {
    standing,
    audit: (await named(ctx.db, [audit]))[0] as NamedAudit,
    items,
    next: found.length > ITEMS_PAGE_SIZE && last ? last.key : null,
    checked: await repo.checkedCount(ctx.db, authorityId, audit.id),
  };
}

/** One item of an audit, by its key text (a page's link). */
export async function auditItemOf(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
  auditId: string,
  keyText: string,
): Promise<{ standing: ResultsStanding; audit: OutcomeAudit; item: AuditItemRow & { key: string } }> {
  const { standing, audit } = await loadAudit(ctx, authorityId, contractId, auditId);
  let key: [string, string, string, number] | undefined;
  try {
    key = decodeItemKey(keyText, "item");
  } catch {
    key = undefined;
  }
  const item = key
    ? await repo.findItem(ctx.db, {
        authorityId,
        auditId: audit.id,
        participantId: key[0],
        rule: key[1],
        metric: key[2],
        seq: key[3],
      })
    : undefined;
  if (!item) throw new NotFoundError("audit item");
  return { standing, audit, item: { ...item, key: itemKeyText(item) } };
}

// Findings and conclusion

export interface FindingInput {
  participantId?: string | undefined;
  rule?: string | undefined;
  metric?: string | undefined;
  seq?: number | string | undefined;
  /** What the claim should have been paid, in pounds ("£0.00" when not due at all). */
  found?: string | undefined;
  note?: string | undefined;
}

/**
 * Records what a sampled claim should have been paid (0 when it was not due), with a note of what the
 * evidence showed (no one's name). Recorded again until the audit concludes. 404 for a claim not in
 * the sample; 409 once concluded; 422 for more than was paid (an under-payment is claimed by evidence,
 * not recovered).
 */
export async function recordFinding(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
  auditId: string,
  input: FindingInput,
): Promise<AuditItemRow> {
  return transaction(ctx.db, async (trx) => {
    const tctx = within(ctx, trx);
    const { standing, audit } = await loadAudit(tctx, authorityId, contractId, auditId, true);
    requireCommissioner(standing);
    const seq = Number(input.seq);
    const item =
      isUuid(input.participantId) && Number.isInteger(seq)
        ? await repo.findItem(trx, {
            authorityId,
            auditId: audit.id,
            participantId: input.participantId,
            rule: input.rule ?? "",
            metric: input.metric ?? "",
            seq,
          })
        : undefined;
    if (!item) throw new NotFoundError("audit item");
    if (audit.status !== "open")
      throw new ConflictError(msg`This audit has concluded: its findings are final.`, "audit_concluded");
    const note = (input.note ?? "").trim();
    const parsed = parseMoney(input.found ?? "");
    const problems = [];
    if (!parsed.ok) problems.push({ field: "found", message: parsed.error });
    if (note.length > AUDIT_LIMITS.note)
      problems.push({
        field: "note",
        message: msg`Enter a note of ${AUDIT_LIMITS.note} characters or fewer`,
      });
    if (problems.length > 0 || !parsed.ok) throw new ValidationError(msg`Check the finding`, problems);
    if (parsed.value > item.paid_pence) {
      const message = msg`Enter at most the ${formatPence(item.paid_pence)} paid: an audit recovers over-payments; an under-payment is claimed with evidence`;
      throw new UnprocessableError(message, [{ field: "found", message }], "found_above_paid");
    }
    const key = {
      authorityId,
      auditId: audit.id,
      participantId: item.participant_id,
      rule: item.rule,
      metric: item.metric,
      seq: item.seq,
    };
    const now = ctx.clock.now();
    await repo.recordFinding(trx, key, {
      found_pence: parsed.value,
      note,
      checked_by: ctx.principal?.userId ?? null,
      checked_at: now,
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(tctx),
      action: "outcome-audit.finding-recorded",
      entity: auditEntity(audit.id),
      changes: {
        participant: item.participant_id,
        rule: item.rule,
        metric: item.metric,
        seq: item.seq,
        paidPence: item.paid_pence,
        foundPence: parsed.value,
      },
    });
    return {
      ...item,
      found_pence: parsed.value,
      note,
      checked_by: ctx.principal?.userId ?? null,
      checked_at: now,
    };
  });
}

/**
 * Concludes an audit once every sampled claim is checked: the estimate (sampling.ts) stored with the
 * audit, and its recovery, when above nothing, recorded once (an `audit` recovery keyed by the
 * audit's id) for the contract's next run to apply. 409 while an item is unchecked or once concluded.
 */
export async function concludeAudit(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
  auditId: string,
): Promise<NamedAudit> {
  const concluded = await transaction(ctx.db, async (trx) => {
    const tctx = within(ctx, trx);
    const { standing, audit } = await loadAudit(tctx, authorityId, contractId, auditId, true);
    requireCommissioner(standing);
    if (audit.status !== "open")
      throw new ConflictError(msg`This audit has concluded already.`, "audit_concluded");
    const findings = await repo.findingsOf(trx, authorityId, audit.id);
    const unchecked = findings.filter((f) => f.found_pence === null).length;
    if (unchecked > 0)
      throw new ConflictError(
        msg`Record a finding for every sampled claim first: ${unchecked} of ${findings.length} are not checked.`,
        "items_unchecked",
      );
    const estimate = estimateRecovery(
      { count: audit.population_count, pence: audit.population_pence },
      findings.map((f) => ({ paidPence: f.paid_pence, foundPence: f.found_pence ?? 0n })),
    );
    const now = ctx.clock.now();
    const fields = {
      error_rate_ppm: estimate.errorRatePpm,
      lower_bound_ppm: estimate.lowerBoundPpm,
      recovery_pence: estimate.recoveryPence,
      concluded_by: ctx.principal?.userId ?? null,
      concluded_at: now,
    };
    await repo.concludeAudit(trx, authorityId, audit.id, fields);
    if (estimate.recoveryPence > 0n)
      await repo.insertAuditRecovery(trx, {
        authority_id: authorityId,
        id: newId(),
        contract_id: contractId,
        amount_pence: estimate.recoveryPence,
        reason: `Sample audit of ${audit.period_start} to ${audit.period_end}: ${estimate.sampleSize} of ${audit.population_count} paid claims checked, error rate ${ppmPercent(estimate.errorRatePpm)}, one-sided 95% lower bound ${ppmPercent(estimate.lowerBoundPpm)} of ${formatPence(audit.population_pence)} paid.`,
        source_key: audit.id,
        created_by: ctx.principal?.userId ?? null,
        created_at: now,
      });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(tctx),
      action: "outcome-audit.concluded",
      entity: auditEntity(audit.id),
      changes: {
        contract: contractId,
        errorRatePpm: estimate.errorRatePpm,
        lowerBoundPpm: estimate.lowerBoundPpm,
        recoveryPence: estimate.recoveryPence,
      },
    });
    const done = { ...audit, ...fields, status: "concluded" as const };
    await tellProviderConcluded(tctx, standing.contract, done, estimate.sampleSize);
    return done;
  });
  return (await named(ctx.db, [concluded]))[0] as NamedAudit;
}

/**
 * Tells the provider's administrators and members that an audit of a paid period has started: how
 * many of the period's paid claims are drawn, linking to the audit (its sample and the seed).
 */
async function tellProviderStarted(
  ctx: Ctx & { db: Trx },
  contract: OutcomeContract,
  audit: OutcomeAudit,
): Promise<void> {
  const { reference } = contract;
  const [from, to] = [longDate(audit.period_start), longDate(audit.period_end)];
  await tellProvider(ctx, contract, {
    kind: "results.audit-started",
    subject: msg`Sample audit started for ${reference}: ${from} to ${to}`,
    body: msg`The commissioner has started a sample audit of ${reference}'s payments for ${from} to ${to}: ${audit.sample_size} of the period's ${audit.population_count} paid claims are drawn at random to be checked against their evidence. The audit's page lists them. You will be told what the audit finds, and anything to recover, when it concludes.`,
    path: `/audits/${audit.id}`,
    email: true,
  });
}

/** Tells the provider's administrators and members that an audit concluded, and what it recovers. */
async function tellProviderConcluded(
  ctx: Ctx & { db: Trx },
  contract: OutcomeContract,
  audit: OutcomeAudit,
  sampled: number,
): Promise<void> {
  const recovery = formatPence(audit.recovery_pence ?? 0n);
  const { reference } = contract;
  const recovered =
    (audit.recovery_pence ?? 0n) > 0n
      ? msg`${recovery} will be recovered from the contract's next payment run.`
      : msg`Nothing is recovered.`;
  await tellProvider(ctx, contract, {
    kind: "results.audit-concluded",
    subject: msg`Sample audit concluded for ${reference}: ${recovery} to recover`,
    body: msg`The sample audit of ${reference}'s payments for ${audit.period_start} to ${audit.period_end} has concluded: ${sampled} of ${audit.population_count} paid claims checked, error rate ${ppmPercent(audit.error_rate_ppm ?? 0)}, one-sided 95% lower bound ${ppmPercent(audit.lower_bound_ppm ?? 0)}. ${recovered}`,
    path: `/audits/${audit.id}`,
    email: true,
  });
}
