/**
 * KPI reports and ratings (issue 6, item 9; issue 14): the supplier's people report against each KPI
 * for each period, from its last day, once; the authority's commissioners are told. Until it is
 * rated, its reporter may correct the report (its result and commentary); the commissioners are told
 * again. The commissioner rates each reported period (good, approaching target, requires
 * improvement, inadequate) with a comment, and the rating is published at once, with the report as
 * it then stands; the supplier is told. A rated report changes no more.
 */
import type { Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import { longDate } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import type { Principal } from "../access/access.service.ts";
import { actorOf, hasRole, requireAuthorityEditor, requireSignedIn } from "../access/access.service.ts";
import { actorIn, type Ctx, within } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { type NoticeKind, notify } from "../notifications/notifications.service.ts";
import type { ContractsCtx } from "./contracts.context.ts";
import * as repo from "./contracts.repository.ts";
import {
  CONTRACT_LIMITS,
  type ContractWithLapse,
  contractOf,
  type KpiView,
  lockedView,
  type PeriodView,
  pageUrl,
  periodIn,
  RATING_WORDS,
  SUPPLIER_ROLES,
  tellSupplier,
  textField,
} from "./contracts.service.ts";
import { KPI_RATINGS, type KpiRating } from "./contracts.table.ts";

export interface ReportDraft {
  value?: string;
  commentary?: string;
}

export interface RatingDraft {
  rating?: string;
  comment?: string;
}

/**
 * One of a supplier's own people: an organisation's administrator or member (401, 403 otherwise;
 * platform administrators do not report).
 */
export function requireSupplierPerson(principal: Principal | null): Principal {
  const p = requireSignedIn(principal);
  if (!hasRole(p, SUPPLIER_ROLES) || p.grants.every((g) => g.scopeType !== "organisation"))
    throw new ForbiddenError(msg`Only the supplier's own people report against its KPIs.`);
  return p;
}

function requireReporter(view: ContractWithLapse): void {
  if (!view.canReport)
    throw new ForbiddenError(
      msg`Only the people of ${view.contract.supplier_name}, the supplier, report against this contract's KPIs.`,
    );
}

/** Tells the authority's commissioners and whoever entered the contract about a period's report, in the caller's transaction. */
async function tellCommissioners(
  ctx: ContractsCtx & { db: Trx },
  view: ContractWithLapse,
  kpi: KpiView,
  period: PeriodView,
  message: { kind: NoticeKind; subject: string; body: string },
): Promise<void> {
  const { contract } = view;
  const commissioners = new Set([
    ...(await repo.holders(ctx.db, contract.authority_id, ["commissioner"])),
    contract.entered_by,
  ]);
  for (const userId of commissioners)
    await notify(
      ctx.db,
      ctx.clock,
      {
        userId,
        authorityId: contract.authority_id,
        kind: message.kind,
        subject: message.subject.slice(0, 200),
        body: message.body,
        link: `${pageUrl(contract)}/kpis/${kpi.position}/periods/${period.number}/rating`,
      },
      { email: ctx.email, actor: actorIn(ctx) },
    );
}

/** A period of a contract's KPI, for its report or rating form. */
export interface PeriodForm {
  view: ContractWithLapse;
  kpi: KpiView;
  period: PeriodView;
}

/**
 * What the report form shows: the contract and the period (404 for an unknown contract, KPI or
 * period; then 403 for anyone but the supplier's people).
 */
export async function reportForm(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
  position: number,
  periodNumber: number,
): Promise<PeriodForm> {
  requireSignedIn(ctx.principal);
  const view = await contractOf(ctx, authorityId, contractId);
  const found = periodIn(view, position, periodNumber);
  requireSupplierPerson(ctx.principal);
  requireReporter(view);
  return { view, ...found };
}

/**
 * What the rating form shows: the contract and the period (404 for an unknown contract, KPI or
 * period; then the authority's commissioners and administrators only, 403).
 */
export async function ratingForm(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
  position: number,
  periodNumber: number,
): Promise<PeriodForm> {
  requireSignedIn(ctx.principal);
  const view = await contractOf(ctx, authorityId, contractId);
  const found = periodIn(view, position, periodNumber);
  await requireAuthorityEditor(ctx.db, ctx.principal, authorityId);
  return { view, ...found };
}

/**
 * The contract locked, its KPI's period (404), for one of the supplier's people who may report on it
 * (403): where sending and correcting a report start.
 */
async function reportersPeriod(
  ctx: ContractsCtx & { db: Trx },
  authorityId: string,
  contractId: string,
  position: number,
  periodNumber: number,
) {
  requireSignedIn(ctx.principal);
  const view = await lockedView(ctx, authorityId, contractId);
  const { kpi, period } = periodIn(view, position, periodNumber);
  const p = requireSupplierPerson(ctx.principal);
  requireReporter(view);
  return { view, contract: view.contract, kpi, period, p };
}

/** A report's result and commentary as sent (400 naming each field at fault). */
function checkedReport(draft: ReportDraft): { value: string; commentary: string } {
  const problems: FieldError[] = [];
  const { reportValue, commentary: commentaryMax } = CONTRACT_LIMITS;
  const value = textField(problems, "value", draft.value, reportValue, msg`Enter the result for the period`);
  const commentary = textField(problems, "commentary", draft.commentary, commentaryMax, null);
  if (problems.length > 0) throw new ValidationError(msg`Check the report`, problems);
  return { value, commentary };
}

/**
 * The supplier's report against a KPI for a period: 404 for an unknown contract, KPI or period; by
 * the lead organisation's administrators and members (403 for anyone else), once the period's last
 * day has come (409 before), once (409).
 * The authority's commissioners and the person who entered the contract are told. Returns the
 * contract as it now is.
 */
export async function reportKpi(
  ctx: ContractsCtx,
  authorityId: string,
  contractId: string,
  position: number,
  periodNumber: number,
  draft: ReportDraft,
): Promise<ContractWithLapse> {
  await transaction(ctx.db, async (trx) => {
    const { view, contract, kpi, period, p } = await reportersPeriod(
      within(ctx, trx),
      authorityId,
      contractId,
      position,
      periodNumber,
    );
    if (period.state === "upcoming")
      throw new ConflictError(
        msg`This period runs until ${longDate(period.endsOn)}: report from its last day.`,
        "period_not_ended",
      );
    if (period.state === "reported" || period.state === "rated")
      throw new ConflictError(
        period.state === "reported"
          ? msg`This period has been reported already: until it is rated, its sender can correct the report.`
          : msg`This period has been reported and rated already: its report cannot be changed.`,
        "already_reported",
      );
    const { value, commentary } = checkedReport(draft);
    await repo.insertReport(trx, {
      authority_id: authorityId,
      contract_id: contractId,
      kpi_position: position,
      period_number: periodNumber,
      period_starts_on: period.startsOn,
      period_ends_on: period.endsOn,
      value,
      commentary,
      reported_by: p.userId,
      reported_at: ctx.clock.now(),
      corrected_by: null,
      corrected_at: null,
    });
    const actor = actorOf(p);
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor,
      action: "contract.kpi-reported",
      entity: { type: "contract", id: contractId },
      changes: {
        kpi: position,
        period: periodNumber,
        from: period.startsOn,
        to: period.endsOn,
        value,
        commentary,
      },
    });
    await tellCommissioners(within(ctx, trx, actor), view, kpi, period, {
      kind: "contract.kpi-reported",
      subject: `KPI report to rate: ${contract.title}`,
      body: `${contract.supplier_name} has reported "${value}" against "${kpi.name}" (target: ${kpi.target}) for ${longDate(period.startsOn)} to ${longDate(period.endsOn)}. Rate it: the rating is published on the contract.`,
    });
  });
  return contractOf(ctx, authorityId, contractId);
}

/**
 * The report its reporter may correct: 403 unless the caller sent it (after the supplier's-people
 * checks), then 409 once rated or before anything is reported.
 */
function correctable(p: Principal, period: PeriodView): NonNullable<PeriodView["report"]> {
  const report = period.report;
  if (report && report.reported_by !== p.userId)
    throw new ForbiddenError(
      report.reportedByName
        ? msg`Only ${report.reportedByName}, who sent it, can correct it.`
        : msg`Only the person who sent this report can correct it.`,
    );
  if (period.state === "rated")
    throw new ConflictError(
      msg`This report has been rated and the rating published: it can no longer be corrected.`,
      "already_rated",
    );
  if (!report)
    throw new ConflictError(
      msg`This period has not been reported yet: there is nothing to correct, send the report instead.`,
      "not_reported",
    );
  return report;
}

/**
 * What the correction form shows: the contract, the period and its report as sent (404 for an
 * unknown contract, KPI or period; 403 for anyone but the report's sender; 409 rated, or not
 * reported yet).
 */
export async function correctionForm(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
  position: number,
  periodNumber: number,
): Promise<PeriodForm & { report: NonNullable<PeriodView["report"]> }> {
  requireSignedIn(ctx.principal);
  const view = await contractOf(ctx, authorityId, contractId);
  const found = periodIn(view, position, periodNumber);
  const p = requireSupplierPerson(ctx.principal);
  requireReporter(view);
  return { view, ...found, report: correctable(p, found.period) };
}

/**
 * The reporter's correction of a report before it is rated: its result and commentary, as the
 * report is (400 each field at fault; 422 when nothing changes): 404 for an unknown contract, KPI or
 * period; 403 for anyone but the person who sent it; 409 once rated (the rating is published with
 * the report as it then stood), or before anything is reported. Audited with what it was and is;
 * the commissioners are told again. Returns the contract as it now is.
 */
export async function correctKpiReport(
  ctx: ContractsCtx,
  authorityId: string,
  contractId: string,
  position: number,
  periodNumber: number,
  draft: ReportDraft,
): Promise<ContractWithLapse> {
  await transaction(ctx.db, async (trx) => {
    const { view, contract, kpi, period, p } = await reportersPeriod(
      within(ctx, trx),
      authorityId,
      contractId,
      position,
      periodNumber,
    );
    const report = correctable(p, period);
    const { value, commentary } = checkedReport(draft);
    if (value === report.value && commentary === report.commentary)
      throw new UnprocessableError(msg`The correction changes nothing`, [
        { field: "value", message: msg`Nothing changes: correct the result or the commentary` },
      ]);
    await repo.correctReport(trx, authorityId, contractId, position, periodNumber, {
      value,
      commentary,
      corrected_by: p.userId,
      corrected_at: ctx.clock.now(),
    });
    const actor = actorOf(p);
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor,
      action: "contract.kpi-report-corrected",
      entity: { type: "contract", id: contractId },
      changes: {
        kpi: position,
        period: periodNumber,
        before: { value: report.value, commentary: report.commentary },
        after: { value, commentary },
      },
    });
    await tellCommissioners(within(ctx, trx, actor), view, kpi, period, {
      kind: "contract.kpi-report-corrected",
      subject: `KPI report corrected: ${contract.title}`,
      body: `${contract.supplier_name} has corrected its report against "${kpi.name}" (target: ${kpi.target}) for ${longDate(period.startsOn)} to ${longDate(period.endsOn)}: "${report.value}" is now "${value}". Rate it as corrected: the rating is published on the contract.`,
    });
  });
  return contractOf(ctx, authorityId, contractId);
}

/**
 * The commissioner's rating of a reported period (good, approaching target, requires improvement,
 * inadequate) with a comment, published at once: 404 for an unknown contract, KPI or period; 403
 * for anyone but the authority's commissioners and administrators; 409 before the report, or rated
 * already. Returns the contract as it now is.
 */
export async function rateKpi(
  ctx: ContractsCtx,
  authorityId: string,
  contractId: string,
  position: number,
  periodNumber: number,
  draft: RatingDraft,
): Promise<ContractWithLapse> {
  await transaction(ctx.db, async (trx) => {
    requireSignedIn(ctx.principal);
    const view = await lockedView(within(ctx, trx), authorityId, contractId);
    const { contract } = view;
    const { kpi, period } = periodIn(view, position, periodNumber);
    const p = await requireAuthorityEditor(trx, ctx.principal, authorityId);
    if (period.state === "rated")
      throw new ConflictError(
        msg`This period has been rated already: a published rating cannot be changed.`,
        "already_rated",
      );
    if (period.state !== "reported")
      throw new ConflictError(
        msg`The supplier has not reported this period yet: a period is rated on its report.`,
        "not_reported",
      );
    const problems: FieldError[] = [];
    if (!(KPI_RATINGS as readonly string[]).includes(draft.rating ?? ""))
      problems.push({
        field: "rating",
        message: msg`Choose the rating: good, approaching target, requires improvement or inadequate`,
      });
    const comment = textField(
      problems,
      "comment",
      draft.comment,
      CONTRACT_LIMITS.comment,
      msg`Give the reasons for the rating`,
    );
    if (problems.length > 0) throw new ValidationError(msg`Check the rating`, problems);
    const rating = draft.rating as KpiRating;
    await repo.insertRating(trx, {
      authority_id: authorityId,
      contract_id: contractId,
      kpi_position: position,
      period_number: periodNumber,
      rating,
      comment,
      rated_by: p.userId,
      rated_at: ctx.clock.now(),
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorOf(p),
      action: "contract.kpi-rated",
      entity: { type: "contract", id: contractId },
      changes: { kpi: position, period: periodNumber, rating, comment },
    });
    await tellSupplier(within(ctx, trx, actorOf(p)), authorityId, contract.organisation_id, {
      kind: "contract.kpi-rated",
      subject: msg`KPI rating published: ${contract.title}`,
      body: [
        msg`Your performance against "${kpi.name}" for ${longDate(period.startsOn)} to ${longDate(period.endsOn)} has been rated ${RATING_WORDS[rating]}, and the rating published on the contract.`,
        comment,
      ].join("\n"),
      contractId,
    });
  });
  return contractOf(ctx, authorityId, contractId);
}
