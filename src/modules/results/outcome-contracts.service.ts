/**
 * Outcome contracts (issue 19, item 1): the authority's commissioners and administrators set one up
 * from a platform contract linked to results (its supplier becomes the provider) or for an outcome
 * fund (the provider chosen from the directory), and give it its payment model in versions, each
 * checked (`checkModel`) and shown with every number beside its rule. Who may see a contract:
 * `outcomeContractFor` (results.service.ts). Each change one transaction with its audit event.
 */
import { decodeKey, encodeKey } from "../../db/paging.ts";
import { transaction } from "../../db/transaction.ts";
import { formatPercent, parsePercent } from "../../lib/basis-points.ts";
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { isIsoDate, londonToday } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { formatPence, parseMoney } from "../../lib/money.ts";
import {
  actorOf,
  hasRole,
  isPlatformAdmin,
  requireAuthorityEditor,
  requireSignedIn,
} from "../access/access.service.ts";
import { type Ctx, within } from "../access/context.ts";
import { displayNamesOf } from "../accounts/accounts.service.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { contractOf, listContractViews } from "../contracts/contracts.service.ts";
import { organisationOf } from "../organisations/organisations.service.ts";
import { pendingRaiseFor, type RaiseView, setUpAmount } from "./approval-amounts.service.ts";
import { checkModel, type ModelDefinition } from "./models.ts";
import * as repo from "./outcome-contracts.repository.ts";
import { CONTRACT_RULES } from "./reference.ts";
import {
  modelVersions,
  outcomeContractFor,
  PROVIDER_ROLES,
  type ResultsStanding,
} from "./results.service.ts";
import {
  MODEL_KINDS,
  type ModelKind,
  type OutcomeModelRow,
  type OutcomeParticipant,
} from "./results.table.ts";
import * as runsRepo from "./runs.repository.ts";

export type { OutcomeContractRow } from "./outcome-contracts.repository.ts";

/** Lists a page at a time. */
export const CONTRACTS_PAGE = 50;
export const PARTICIPANTS_PAGE = 50;

/** Where an outcome contract's pages are. */
export function outcomeContractUrl(c: { authority_slug: string; id: string }): string {
  return `/authorities/${c.authority_slug}/outcome-contracts/${c.id}`;
}

export interface OutcomeContractDraft {
  /** The platform contract it pays under (payment mechanism "payment-by-results"); or none, for a fund. */
  contractId?: string | undefined;
  /** For an outcome fund: the fund's name and the provider (an organisation of the directory). */
  fund?: string | undefined;
  organisationId?: string | undefined;
  reference: string;
  /** Defaults to the platform contract's title. */
  title?: string | undefined;
  programme: string;
  /** Default to the platform contract's dates. */
  startsOn?: string | undefined;
  endsOn?: string | undefined;
  /** Pence, or money as typed ("£25,000"). */
  secondApprovalAbove?: bigint | string | undefined;
  referralShareBp?: number | undefined;
}

const PROGRAMME = /^[a-z0-9][a-z0-9-]{0,59}$/;

function text(value: string | undefined): string {
  return (value ?? "").trim();
}

/** Sets up an outcome contract; answers its id (`opts.id`: a fixed one, for the demo data). */
export async function setUpOutcomeContract(
  ctx: Ctx,
  authorityId: string,
  draft: OutcomeContractDraft,
  opts: { id?: string } = {},
): Promise<string> {
  const p = await requireAuthorityEditor(ctx.db, ctx.principal, authorityId);
  const problems: FieldError[] = [];
  const reference = text(draft.reference);
  const programme = text(draft.programme);
  const fund = text(draft.fund);
  const contractId = text(draft.contractId);
  if (reference.length < 1 || reference.length > 60)
    problems.push({ field: "reference", message: msg`Enter the contract's reference, up to 60 characters` });
  if (!PROGRAMME.test(programme))
    problems.push({
      field: "programme",
      message: msg`Enter the programme as lower-case letters, digits and hyphens, like work-programme`,
    });
  if (!contractId && !fund)
    problems.push({
      field: "contractId",
      message: msg`Choose the contract linked to results, or enter the outcome fund it is for`,
    });
  if (contractId && !isUuid(contractId))
    problems.push({ field: "contractId", message: msg`Choose a contract from the list` });
  if (fund.length > 200)
    problems.push({ field: "fund", message: msg`Enter the fund's name in 200 characters or fewer` });
  for (const name of ["startsOn", "endsOn"] as const) {
    const day = text(draft[name]);
    if (day && !isIsoDate(day)) problems.push({ field: name, message: msg`Enter a real date` });
  }
  // The amount asked for (the default, at most the authority's ceiling, when none): set in the transaction.
  let askedPence: bigint | null = null;
  if (typeof draft.secondApprovalAbove === "bigint") askedPence = draft.secondApprovalAbove;
  else if (text(draft.secondApprovalAbove)) {
    const parsed = parseMoney(text(draft.secondApprovalAbove));
    if (parsed.ok) askedPence = parsed.value;
    else problems.push({ field: "secondApprovalAbove", message: parsed.error });
  }
  const share = draft.referralShareBp ?? 10_000;
  if (!Number.isInteger(share) || share < 0 || share > 10_000)
    problems.push({ field: "referralShareBp", message: msg`Enter the share of referrals from 0% to 100%` });
  if (problems.length > 0) throw new ValidationError(msg`Check the outcome contract`, problems);

  return transaction(ctx.db, async (trx) => {
    let organisationId: string;
    let title = text(draft.title);
    let startsOn = text(draft.startsOn);
    let endsOn = text(draft.endsOn);
    if (contractId) {
      const platform = await contractOf(within(ctx, trx), authorityId, contractId);
      const c = platform.contract;
      if (c.payment_mechanism !== "payment-by-results")
        throw new UnprocessableError(
          msg`This contract is not linked to results: choose one whose payment is by results`,
          [
            {
              field: "contractId",
              message: msg`This contract is not linked to results: choose one whose payment is by results`,
            },
          ],
        );
      if (await repo.outcomeContractOfPlatformContract(trx, authorityId, contractId))
        throw new ConflictError(msg`This contract has an outcome contract already: open it from the list`);
      organisationId = c.organisation_id;
      title ||= c.title;
      startsOn ||= c.starts_on;
      endsOn ||= c.ends_on;
    } else {
      const id = text(draft.organisationId);
      if (!isUuid(id))
        throw new ValidationError(msg`Choose the provider from the directory`, [
          { field: "organisationId", message: msg`Choose the provider from the directory` },
        ]);
      organisationId = (await organisationOf(trx, id)).id;
    }
    const later: FieldError[] = [];
    if (!title || title.length > 200)
      later.push({ field: "title", message: msg`Enter the contract's title, up to 200 characters` });
    if (!startsOn) later.push({ field: "startsOn", message: msg`Enter the day the contract starts` });
    if (!endsOn) later.push({ field: "endsOn", message: msg`Enter the day the contract ends` });
    if (later.length > 0) throw new ValidationError(msg`Check the outcome contract`, later);
    if (endsOn <= startsOn)
      throw new UnprocessableError(msg`The contract must end after it starts`, [
        { field: "endsOn", message: msg`The contract must end after it starts` },
      ]);
    if (await repo.outcomeContractByReference(trx, authorityId, reference))
      throw new UnprocessableError(msg`Another outcome contract has this reference: give this one its own`, [
        {
          field: "reference",
          message: msg`Another outcome contract has this reference: give this one its own`,
        },
      ]);
    const approvalPence = await setUpAmount(trx, authorityId, askedPence);
    const id = opts.id ?? newId();
    await repo.insertOutcomeContract(trx, {
      authority_id: authorityId,
      id,
      contract_id: contractId || null,
      organisation_id: organisationId,
      reference,
      title,
      fund: contractId ? "" : fund,
      programme,
      starts_on: startsOn,
      ends_on: endsOn,
      referral_share_bp: share,
      second_approval_above_pence: approvalPence,
      created_by: p.userId,
      created_at: ctx.clock.now(),
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorOf(p),
      action: "results.contract-set-up",
      entity: { type: "outcome-contract", id },
      changes: {
        reference,
        title,
        programme,
        contractId: contractId || null,
        fund: contractId ? "" : fund,
        organisationId,
        startsOn,
        endsOn,
        referralShareBp: share,
        secondApprovalAbovePence: approvalPence.toString(),
      },
    });
    return id;
  });
}

/** The standing, and 403 unless the caller is the authority's (commissioners, administrators). */
export async function asCommissioner(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
  what: string,
  opts: { lock?: boolean } = {},
): Promise<ResultsStanding> {
  if (!isUuid(contractId)) throw notFound();
  const standing = await outcomeContractFor(ctx, authorityId, contractId, opts);
  if (!standing.commissioner) throw new ForbiddenError(what);
  return standing;
}

function notFound(): NotFoundError {
  return new NotFoundError("outcome contract");
}

/** The standing of someone who may see the contract (404 otherwise, an id that is not one too). */
export async function standingFor(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
  opts: { lock?: boolean } = {},
): Promise<ResultsStanding> {
  if (!isUuid(contractId)) throw notFound();
  return outcomeContractFor(ctx, authorityId, contractId, opts);
}

export interface ModelDraft {
  kind: string;
  /** The definition: JSON text (a page's field) or the object (the API's body). */
  definition: unknown;
  effectiveFrom: string;
  reason?: string | undefined;
}

/** Adds a version of the contract's payment model, in force from its day; answers its number. */
export async function addModelVersion(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
  draft: ModelDraft,
): Promise<number> {
  const kind = text(draft.kind);
  const effectiveFrom = text(draft.effectiveFrom);
  const reason = text(draft.reason);
  const problems: FieldError[] = [];
  if (!(MODEL_KINDS as readonly string[]).includes(kind))
    problems.push({ field: "kind", message: msg`Choose the kind of payment model` });
  if (!isIsoDate(effectiveFrom))
    problems.push({ field: "effectiveFrom", message: msg`Enter the day this version applies from` });
  if (reason.length > 2000)
    problems.push({ field: "reason", message: msg`Enter the reason in 2,000 characters or fewer` });
  let definition = draft.definition;
  if (typeof definition === "string") {
    try {
      definition = JSON.parse(definition);
    } catch {
      problems.push({ field: "definition", message: msg`Enter the model's definition as JSON` });
    }
  }
  if (problems.length > 0) throw new ValidationError(msg`Check the payment model`, problems);
  return transaction(ctx.db, async (trx) => {
    // Who may, first: an unknown contract is 404 whatever the definition holds.
    const { contract } = await asCommissioner(
      within(ctx, trx),
      authorityId,
      contractId,
      msg`Only the authority's commissioners and administrators change a contract's payment model.`,
      { lock: true },
    );
    const checked = checkModel(kind as ModelKind, definition);
    if (!checked.ok)
      throw new UnprocessableError(
        msg`The model's definition has problems: correct each one named`,
        checked.problems.map((problem) => ({
          field: problem.path ? `definition.${problem.path}` : "definition",
          message: problem.message,
        })),
      );
    // A tariff must price every payment group the contract's participants are in.
    if (checked.definition.kind === "tariff") {
      const missing = await repo.paymentGroupsOutside(
        trx,
        authorityId,
        contractId,
        checked.definition.groups.map((g) => g.code),
      );
      if (missing.length > 0)
        throw new UnprocessableError(
          msg`The tariff leaves out payment groups the contract's participants are in`,
          [
            {
              field: "definition.groups",
              message: msg`Add a group for each of ${missing.join(", ")}: participants referred in it would not be paid`,
            },
          ],
        );
    }
    if (effectiveFrom < contract.starts_on || effectiveFrom > contract.ends_on)
      throw new UnprocessableError(msg`A model version applies from a day within the contract's term`, [
        {
          field: "effectiveFrom",
          message: msg`A model version applies from a day within the contract's term`,
        },
      ]);
    // Runs keep the version they started with: a version taking effect in a month already run (or
    // running) would reprice it, or backdate prices, so it must start after the latest run's month.
    const latestRun = await runsRepo.latestRun(trx, authorityId, contractId);
    if (latestRun && effectiveFrom <= latestRun.period_end)
      throw new ConflictError(
        msg`The month to ${latestRun.period_end} has a payment run already: a new version applies from a later day`,
        "model_after_runs",
      );
    if (await repo.modelEffectiveOn(trx, authorityId, contractId, effectiveFrom))
      throw new ConflictError(msg`A version already applies from this day: choose another day`);
    const version = (await repo.latestModelVersion(trx, authorityId, contractId)) + 1;
    const p = requireSignedIn(ctx.principal);
    await repo.insertModel(trx, {
      authority_id: authorityId,
      contract_id: contractId,
      version,
      kind: kind as ModelKind,
      definition: checked.definition,
      effective_from: effectiveFrom,
      reason,
      created_by: p.userId,
      created_at: ctx.clock.now(),
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorOf(p),
      action: "results.model-added",
      entity: { type: "outcome-contract", id: contractId },
      changes: { version, kind, effectiveFrom, reason },
    });
    return version;
  });
}

/** One number of a model, beside the rule it comes from. */
export interface RuledNumber {
  /** Where it is in the definition, as people read it: "JSA 18–24 › job outcome › pence". */
  where: string;
  value: string;
  rule: string;
}

function words(key: string): string {
  return key.replace(/([A-Z])/g, " $1").toLowerCase();
}

function shownNumber(key: string, value: number): string {
  if (key === "pence") return formatPence(BigInt(value));
  if (/Bp$/.test(key)) return formatPercent(value);
  return new Intl.NumberFormat("en-GB").format(value);
}

/** Every number of a model's definition with its rule, in the definition's order. */
export function ruledNumbers(definition: unknown): RuledNumber[] {
  const out: RuledNumber[] = [];
  const walk = (node: unknown, path: string[]) => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => {
        const name =
          typeof item === "object" && item !== null
            ? String(
                (item as Record<string, unknown>).name ?? (item as Record<string, unknown>).code ?? i + 1,
              )
            : String(i + 1);
        walk(item, [...path, name]);
      });
      return;
    }
    if (typeof node !== "object" || node === null) return;
    const record = node as Record<string, unknown>;
    const rule = typeof record.rule === "string" ? record.rule : "";
    for (const [key, value] of Object.entries(record)) {
      if (typeof value === "number")
        out.push({ where: [...path, words(key)].join(" › "), value: shownNumber(key, value), rule });
      else if (typeof value === "object" && value !== null) walk(value, [...path, words(key)]);
    }
  };
  walk(definition, []);
  return out;
}

export interface ModelView {
  version: number;
  kind: ModelKind;
  effectiveFrom: string;
  reason: string;
  numbers: RuledNumber[];
  definition: ModelDefinition;
}

function modelView(row: OutcomeModelRow): ModelView {
  return {
    version: row.version,
    kind: row.kind,
    effectiveFrom: row.effective_from,
    reason: row.reason,
    numbers: ruledNumbers(row.definition),
    definition: row.definition as ModelDefinition,
  };
}

export interface OutcomeContractView {
  contract: repo.OutcomeContractRow;
  url: string;
  commissioner: boolean;
  provider: boolean;
  /** Who may move the contract's money and change its second-approval amount (`standing.payer`). */
  payer: boolean;
  models: ModelView[];
  /** The version in force today, if any. */
  inForce: number | null;
  participants: OutcomeParticipant[];
  nextParticipants: string | null;
  /** The metrics its versions measure cohorts by against a comparison group (none but for such a model). */
  cohortMetrics: string[];
  /** A raise of the second-approval amount waiting for a second person (for commissioners only). */
  pendingRaise: RaiseView | null;
}

/** An outcome contract as its commissioners and its provider see it, with a page of its participants. */
export async function outcomeContractView(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
  page: { after?: string | undefined; pageSize?: number | undefined } = {},
): Promise<OutcomeContractView> {
  const standing = await standingFor(ctx, authorityId, contractId);
  const [row, models, pendingRaise] = await Promise.all([
    repo.outcomeContractRow(ctx.db, authorityId, contractId),
    modelVersions(ctx.db, authorityId, contractId),
    pendingRaiseFor(ctx, standing),
  ]);
  if (!row) throw notFound();
  const size = page.pageSize ?? PARTICIPANTS_PAGE;
  const after = decodeKey(page.after, ["string"], "after")?.[0] as string | undefined;
  const rows = await repo.participantsPage(ctx.db, authorityId, contractId, after, size + 1);
  const participants = rows.slice(0, size);
  const last = participants[participants.length - 1];
  const today = londonToday(ctx.clock);
  const inForce = [...models].reverse().find((m) => m.effective_from <= today);
  return {
    contract: row,
    url: outcomeContractUrl(row),
    commissioner: standing.commissioner,
    provider: standing.provider,
    payer: standing.payer,
    models: models.map(modelView),
    inForce: inForce?.version ?? null,
    participants,
    nextParticipants: rows.length > size && last ? encodeKey([last.reference]) : null,
    cohortMetrics: cohortMetricsOf(models.map((m) => m.definition)),
    pendingRaise,
  };
}

/** An authority's outcome contracts, a page at a time by reference: its commissioners' list. */
export async function authorityOutcomeContracts(
  ctx: Ctx,
  authorityId: string,
  page: { after?: string | undefined; pageSize?: number | undefined } = {},
): Promise<{ contracts: repo.OutcomeContractRow[]; next: string | null }> {
  await requireAuthorityEditor(ctx.db, ctx.principal, authorityId);
  const size = page.pageSize ?? CONTRACTS_PAGE;
  const after = decodeKey(page.after, ["string"], "after")?.[0] as string | undefined;
  const rows = await repo.outcomeContractsPage(ctx.db, authorityId, after, size + 1);
  const contracts = rows.slice(0, size);
  const last = contracts[contracts.length - 1];
  return { contracts, next: rows.length > size && last ? encodeKey([last.reference]) : null };
}

/** A provider's outcome contracts with every authority, for its administrators and members. */
export async function providerOutcomeContracts(
  ctx: Ctx,
  organisationId: string,
  page: { after?: string | undefined; pageSize?: number | undefined } = {},
): Promise<{ contracts: repo.OutcomeContractRow[]; next: string | null }> {
  const p = requireSignedIn(ctx.principal);
  if (!isUuid(organisationId)) throw notFound();
  if (!isPlatformAdmin(p) && !hasRole(p, PROVIDER_ROLES, organisationId))
    throw new ForbiddenError(msg`Only the provider's own people see its outcome contracts.`);
  const size = page.pageSize ?? CONTRACTS_PAGE;
  const key = decodeKey(page.after, ["string", "string"], "after") as [string, string] | undefined;
  if (key && !(isUuid(key[0]) && isUuid(key[1])))
    throw new ValidationError(
      msg`This page link is not complete. Go back to the first page of results and try again.`,
      [
        {
          field: "after",
          message: msg`This page link is not complete. Go back to the first page of results and try again.`,
        },
      ],
    );
  const rows = await repo.providerContractsPage(ctx.db, organisationId, key, size + 1);
  const contracts = rows.slice(0, size);
  const last = contracts[contracts.length - 1];
  return {
    contracts,
    next: rows.length > size && last ? encodeKey([last.authority_id, last.id]) : null,
  };
}

/** The authority's contracts linked to results that have no outcome contract yet (the set-up form's choices). */
export async function contractsToSetUp(
  ctx: Ctx,
  authorityId: string,
): Promise<{ id: string; title: string; supplier: string }[]> {
  await requireAuthorityEditor(ctx.db, ctx.principal, authorityId);
  const views = await listContractViews(ctx, {
    authorityId,
    paymentMechanism: "payment-by-results",
    status: "all",
  });
  const out: { id: string; title: string; supplier: string }[] = [];
  for (const v of views)
    if (!(await repo.outcomeContractOfPlatformContract(ctx.db, authorityId, v.contract.id)))
      out.push({ id: v.contract.id, title: v.contract.title, supplier: v.contract.supplier_name });
  return out;
}

export const CLAIMS_PAGE = 50;

export interface ClaimView {
  runId: string;
  period: string;
  /** The participant's reference; null for a claim of the contract as a whole (`contractWide`). */
  participant: string | null;
  /** A cohort, pooled or reconciliation claim: the contract's, not a person's. */
  contractWide: boolean;
  rule: string;
  metric: string;
  seq: number;
  achievedOn: string;
  modelVersion: number;
  amountPence: bigint;
  /** Its working: the events it rests on. */
  events: {
    id: string;
    kind: string;
    occurredOn: string;
    source: string;
    value: number | null;
    metric: string | null;
  }[];
  problems: string[];
  valid: boolean;
}

/**
 * The contract's claims as computed by its runs, with their working (the events, the rule, the
 * model version, the amount) and, for those refused, the problems named: the provider's and the
 * commissioners' view, a page at a time by key; `refused` for the refused ones only.
 */
export async function contractClaims(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
  page: { after?: string | undefined; pageSize?: number | undefined; refused?: boolean | undefined } = {},
): Promise<{ claims: ClaimView[]; next: string | null }> {
  await standingFor(ctx, authorityId, contractId);
  const size = page.pageSize ?? CLAIMS_PAGE;
  const key = decodeKey(page.after, ["string", "string", "string", "string", "string", "number"], "after") as
    | [string, string, string, string, string, number]
    | undefined;
  if (key && !(isIsoDate(key[0]) && isUuid(key[1]) && isUuid(key[2])))
    throw new ValidationError(
      msg`This page link is not complete. Go back to the first page of results and try again.`,
      [
        {
          field: "after",
          message: msg`This page link is not complete. Go back to the first page of results and try again.`,
        },
      ],
    );
  const rows = await repo.claimsPage(ctx.db, authorityId, contractId, key, size + 1, page.refused === true);
  const shown = rows.slice(0, size);
  const events = new Map(
    (await repo.eventsByIds(ctx.db, authorityId, [...new Set(shown.flatMap((c) => c.event_ids))])).map(
      (e) => [e.id, e],
    ),
  );
  const last = shown[shown.length - 1];
  return {
    claims: shown.map((c) => ({
      runId: c.run_id,
      period: c.period_start,
      // A contract-wide claim is kept against the contract's first participant: never shown as theirs.
      participant: CONTRACT_RULES.includes(c.rule) ? null : c.participant_reference,
      contractWide: CONTRACT_RULES.includes(c.rule),
      rule: c.rule,
      metric: c.metric,
      seq: c.seq,
      achievedOn: c.achieved_on,
      modelVersion: c.model_version,
      amountPence: c.amount_pence,
      events: c.event_ids.flatMap((id) => {
        const e = events.get(id);
        return e
          ? [
              {
                id,
                kind: e.kind,
                occurredOn: e.occurred_on,
                source: e.source,
                value: e.value,
                metric: e.metric,
              },
            ]
          : [];
      }),
      problems: c.problems,
      valid: c.problems.length === 0,
    })),
    next:
      rows.length > size && last
        ? encodeKey([last.achieved_on, last.run_id, last.participant_id, last.rule, last.metric, last.seq])
        : null,
  };
}

/** The most events per 100 people a comparison group may have (1,000 a person, as reconvictions), in hundredths. */
export const MAX_COMPARISON_CENTI = 10_000_000;
/** The largest comparison group. */
export const MAX_COMPARISON_GROUP = 10_000_000;

/** The metrics the contract's versions measure cohorts by (`cohortThreshold.metric`), in version order. */
export function cohortMetricsOf(definitions: readonly unknown[]): string[] {
  const metrics = definitions.flatMap((definition) => {
    const d = definition as Partial<ModelDefinition> | null;
    return d?.kind === "outcome-prices" && d.cohortThreshold ? [d.cohortThreshold.metric] : [];
  });
  return [...new Set(metrics)];
}

export interface ComparisonDraft {
  cohort: string;
  /** The cohort threshold's metric (Peterborough: "reconviction-events"). */
  metric: string;
  /** Events per 100 people in the comparison group, in hundredths (142.50 per 100 = 14,250). */
  ratePer100Centi?: number | undefined;
  /** Or as people type it: "142.50" (at most two decimal places), converted exactly. */
  ratePer100?: string | undefined;
  /** The group's size: a number, or as typed. */
  groupSize: number | string;
  /** Where the figure comes from (the data match that produced it). */
  source: string;
}

/** A comparison group figure as recorded, with who recorded it (the authority's staff) and when. */
export interface ComparisonView {
  cohort: string;
  metric: string;
  ratePer100Centi: number;
  groupSize: number;
  source: string;
  recordedAt: Date;
  recordedBy: string | null;
  recordedByName: string | null;
}

/** The events per 100 as typed ("142.50", "12") in hundredths, exactly; undefined when it is not such a number. */
function centiOf(draft: ComparisonDraft): number | undefined {
  if (draft.ratePer100 !== undefined) {
    const typed = draft.ratePer100.trim();
    // parsePercent is the one exact parser of a number to two decimal places (a percentage is per 100).
    return /^\d+(\.\d+)?$/.test(typed) ? parsePercent(typed) : undefined;
  }
  return draft.ratePer100Centi;
}

/**
 * Records a cohort's comparison group figure (social impact bonds), replacing an earlier one of the
 * same cohort and metric: what the cohort threshold is measured against once it is recorded by a
 * run's cut-off. The metric must be one a version of the contract's model measures cohorts by. The
 * authority's commissioners and administrators; audited.
 */
export async function recordComparison(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
  draft: ComparisonDraft,
): Promise<ComparisonView> {
  const problems: FieldError[] = [];
  const cohort = text(draft.cohort);
  const metric = text(draft.metric);
  const source = text(draft.source);
  const centi = centiOf(draft);
  const size =
    typeof draft.groupSize === "string"
      ? /^\d{1,9}$/.test(draft.groupSize.trim())
        ? Number(draft.groupSize.trim())
        : Number.NaN
      : draft.groupSize;
  if (cohort.length < 1 || cohort.length > 60)
    problems.push({ field: "cohort", message: msg`Enter the cohort, up to 60 characters` });
  if (metric.length < 1 || metric.length > 60)
    problems.push({ field: "metric", message: msg`Enter the metric's code, as the model names it` });
  if (centi === undefined || !Number.isInteger(centi) || centi < 0 || centi > MAX_COMPARISON_CENTI)
    problems.push(
      draft.ratePer100 !== undefined
        ? {
            field: "ratePer100",
            message: msg`Enter the comparison group's events per 100 people as a number from 0 to 100,000 with at most two decimal places, like 142.50`,
          }
        : {
            field: "ratePer100Centi",
            message: msg`Enter the comparison group's events per 100 people in hundredths, a whole number from 0 to 10,000,000 (142.50 per 100 is 14250)`,
          },
    );
  if (!Number.isInteger(size) || size < 1 || size > MAX_COMPARISON_GROUP)
    problems.push({
      field: "groupSize",
      message: msg`Enter the comparison group's size as a whole number from 1 to 10,000,000`,
    });
  if (source.length < 1 || source.length > 500)
    problems.push({ field: "source", message: msg`Enter where the figure comes from, up to 500 characters` });
  if (problems.length > 0 || centi === undefined)
    throw new ValidationError(msg`Check the comparison group`, problems);
  return transaction(ctx.db, async (trx) => {
    await asCommissioner(
      within(ctx, trx),
      authorityId,
      contractId,
      msg`Only the authority's commissioners and administrators record comparison groups.`,
      { lock: true },
    );
    const metrics = cohortMetricsOf(
      (await modelVersions(trx, authorityId, contractId)).map((v) => v.definition),
    );
    if (metrics.length === 0) {
      const message = msg`The contract's payment model measures no cohorts against a comparison group: add a version with a cohort threshold first`;
      throw new UnprocessableError(message, [{ field: "metric", message }]);
    }
    if (!metrics.includes(metric)) {
      const message = msg`The payment model measures cohorts by ${metrics.join(", ")}: enter that metric's code`;
      throw new UnprocessableError(message, [{ field: "metric", message }]);
    }
    const p = requireSignedIn(ctx.principal);
    const row = {
      authority_id: authorityId,
      contract_id: contractId,
      cohort,
      metric,
      rate_per_100_centi: centi,
      group_size: size,
      source,
      recorded_by: p.userId,
      recorded_at: ctx.clock.now(),
    };
    const before = await repo.comparisonOf(trx, authorityId, contractId, cohort, metric);
    await repo.upsertComparison(trx, row);
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorOf(p),
      action: "results.comparison-recorded",
      entity: { type: "outcome-contract", id: contractId },
      changes: {
        cohort,
        metric,
        ratePer100Centi: centi,
        groupSize: size,
        source,
        ...(before
          ? {
              replaced: {
                ratePer100Centi: before.rate_per_100_centi,
                groupSize: before.group_size,
                source: before.source,
              },
            }
          : {}),
      },
    });
    return {
      cohort,
      metric,
      ratePer100Centi: centi,
      groupSize: size,
      source,
      recordedAt: row.recorded_at,
      recordedBy: p.userId,
      recordedByName: (await displayNamesOf(trx, [p.userId])).get(p.userId) ?? null,
    };
  });
}

/**
 * The contract's comparison group figures, by cohort and metric (a contract has a handful of
 * cohorts), with the metrics its model measures cohorts by: its commissioners and its provider.
 */
export async function comparisonsOf(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
): Promise<{ standing: ResultsStanding; comparisons: ComparisonView[]; metrics: string[] }> {
  const standing = await standingFor(ctx, authorityId, contractId);
  const [rows, versions] = await Promise.all([
    repo.comparisonsOfContract(ctx.db, authorityId, contractId),
    modelVersions(ctx.db, authorityId, contractId),
  ]);
  const names = await displayNamesOf(ctx.db, [
    ...new Set(rows.flatMap((r) => (r.recorded_by ? [r.recorded_by] : []))),
  ]);
  return {
    standing,
    metrics: cohortMetricsOf(versions.map((v) => v.definition)),
    comparisons: rows.map((r) => ({
      cohort: r.cohort,
      metric: r.metric,
      ratePer100Centi: r.rate_per_100_centi,
      groupSize: r.group_size,
      source: r.source,
      recordedAt: r.recorded_at,
      recordedBy: r.recorded_by,
      recordedByName: r.recorded_by ? (names.get(r.recorded_by) ?? null) : null,
    })),
  };
}
