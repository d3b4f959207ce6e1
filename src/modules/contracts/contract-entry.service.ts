/**
 * Entering a contract (issue 6, item 8): after standstill, with no challenge open, the authority's
 * commissioners and administrators enter the contract from the award (`award-handover.ts` says
 * which awards are ready): supplier and consortium, value, dates, payment mechanism, KPIs with
 * targets and documents. Entering marks the award contracted and publishes the contract details
 * notice; the supplier is told.
 */
import type { Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import { decodeBase64 } from "../../lib/base64.ts";
import { formatPercent, WHOLE_BP } from "../../lib/basis-points.ts";
import { ConflictError, type FieldError, UnprocessableError, ValidationError } from "../../lib/errors.ts";
import type { FileContent } from "../../lib/file-store.ts";
import { newId } from "../../lib/ids.ts";
import { addMonths, londonToday, longDate } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { formatMoney, type Pence } from "../../lib/money.ts";
import {
  actorOf,
  isAuthorityEditor,
  type Principal,
  requireAuthorityEditor,
  requireSignedIn,
} from "../access/access.service.ts";
import { actorIn, type Ctx, within } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import {
  type AwardForContract,
  awardForContract,
  awardsReadyToContract,
  markAwardContracted,
} from "../award/award-handover.ts";
import { hasCurrentRegistration, noRegistrationMessage } from "../regulation/regulation.service.ts";
import type { ContractsCtx } from "./contracts.context.ts";
import * as repo from "./contracts.repository.ts";
import {
  type CheckedKpi,
  CONTRACT_LIMITS,
  type ContractView,
  type ContractWithLapse,
  checkKpiDrafts,
  contractOf,
  dateField,
  type KpiDraft,
  kpiRuleProblem,
  listContractViews,
  moneyField,
  reservedTermProblem,
  tellSupplier,
  tenderReserved,
  textField,
} from "./contracts.service.ts";
import { PAYMENT_MECHANISMS, type PaymentMechanism } from "./contracts.table.ts";

export type { AwardForContract, KpiDraft };

export interface DocumentDraft {
  title?: string;
  filename?: string;
  contentBase64?: string;
  /** From a page's file input. */
  content?: FileContent;
}

export interface ContractDraft {
  awardId?: string;
  title?: string;
  description?: string;
  /** Pounds as typed (forms). */
  value?: string;
  /** Whole pence as digits (the API). Neither given: the award's value. */
  valuePence?: string;
  /** Why the value differs from the value awarded: required when it is below it. */
  valueReason?: string;
  startsOn?: string;
  endsOn?: string;
  paymentMechanism?: string;
  kpis?: KpiDraft[];
  documents?: DocumentDraft[];
}

/** The authority's awards a contract can be entered from now: for its commissioners and administrators. */
export async function readyToContract(ctx: Ctx, authorityId: string): Promise<AwardForContract[]> {
  await requireAuthorityEditor(ctx.db, ctx.principal, authorityId);
  return awardsReadyToContract(ctx, authorityId);
}

/** The award, or why a contract cannot be entered from it now (404 is thrown: there is none). */
async function findAward(
  ctx: Ctx,
  authorityId: string,
  awardId: string,
): Promise<{ award: AwardForContract } | { notNow: ConflictError }> {
  try {
    return { award: await awardForContract(ctx, authorityId, awardId) };
  } catch (error) {
    // The handover answers 404 and 409 at once: an award refused for its state exists.
    if (error instanceof ConflictError) return { notNow: error };
    throw error;
  }
}

/**
 * Who may enter a contract from this award, whatever its state: 401 for the public, 404 for an
 * unknown award, then 403 unless the caller acts for the authority in its commissioning (security
 * finding 14). For the entry form's route, which asks before a byte of its files is read.
 */
export async function requireAwardEditor(ctx: Ctx, authorityId: string, awardId: string): Promise<Principal> {
  requireSignedIn(ctx.principal);
  await findAward(ctx, authorityId, awardId);
  return requireAuthorityEditor(ctx.db, ctx.principal, authorityId);
}

/**
 * The award a contract is to be entered from, in one order of checks: 401, 404 for an unknown award,
 * 403 unless the caller acts for the authority in its commissioning, then 409 as the handover says
 * (standstill, a challenge, withdrawn, contracted already).
 */
async function awardToEnter(
  ctx: Ctx,
  authorityId: string,
  awardId: string,
): Promise<{ p: Principal; award: AwardForContract }> {
  requireSignedIn(ctx.principal);
  const found = await findAward(ctx, authorityId, awardId);
  const p = await requireAuthorityEditor(ctx.db, ctx.principal, authorityId);
  if ("notNow" in found) throw found.notNow;
  return { p, award: found.award };
}

/**
 * The award a contract is about to be entered from (404, 403, then 409 as the handover says), for
 * the form, with whether its tender was reserved to public service mutuals (5 years at most, s.33).
 */
export async function awardToContract(
  ctx: Ctx,
  authorityId: string,
  awardId: string,
): Promise<AwardForContract & { reserved: boolean }> {
  const { award } = await awardToEnter(ctx, authorityId, awardId);
  return { ...award, reserved: await tenderReserved(ctx, authorityId, award.tenderId) };
}

/**
 * The authority's register of contracts, and for its commissioners and administrators the awards
 * ready to contract.
 */
export async function authorityContracts(
  ctx: Ctx,
  authorityId: string,
): Promise<{ views: ContractView[]; ready: AwardForContract[]; canEdit: boolean }> {
  const canEdit = isAuthorityEditor(ctx.principal, authorityId);
  const [views, ready] = await Promise.all([
    listContractViews(ctx, { authorityId }),
    canEdit ? readyToContract(ctx, authorityId) : Promise.resolve([]),
  ]);
  return { views, ready, canEdit };
}

interface CheckedDocument {
  title: string;
  filename: string;
  content: FileContent | null;
}

function checkDocuments(problems: FieldError[], drafts: DocumentDraft[]): CheckedDocument[] {
  if (drafts.length > CONTRACT_LIMITS.documents)
    problems.push({
      field: "documents",
      message: msg`A contract has at most ${CONTRACT_LIMITS.documents} documents`,
    });
  return drafts.slice(0, CONTRACT_LIMITS.documents).map((d, i) => {
    const filename = (d.filename ?? "").trim();
    if (filename === "")
      problems.push({
        field: `documents.${i}.filename`,
        message: msg`Give document ${i + 1}'s file name, like contract.pdf`,
      });
    const content = d.content ?? decodeBase64(d.contentBase64);
    if (!content)
      problems.push({
        field: `documents.${i}.contentBase64`,
        message: msg`Send document ${i + 1}'s content in base64`,
      });
    const title = (d.title ?? "").trim() || filename;
    if (title.length > CONTRACT_LIMITS.documentTitle)
      problems.push({
        field: `documents.${i}.title`,
        message: msg`Enter document ${i + 1}'s title, ${CONTRACT_LIMITS.documentTitle} characters or fewer`,
      });
    return { title, filename, content };
  });
}

interface CheckedContract {
  title: string;
  description: string;
  value: Pence;
  /** Why the value differs from the award's ("" when it does not). */
  valueReason: string;
  startsOn: string;
  endsOn: string;
  mechanism: PaymentMechanism;
  kpis: CheckedKpi[];
  documents: CheckedDocument[];
}

/** Each field at fault (400, every one named). */
function checkFields(award: AwardForContract, authorityId: string, draft: ContractDraft): CheckedContract {
  const problems: FieldError[] = [];
  const title = textField(
    problems,
    "title",
    draft.title,
    CONTRACT_LIMITS.title,
    msg`Enter the contract's title`,
  );
  const description = textField(
    problems,
    "description",
    draft.description,
    CONTRACT_LIMITS.description,
    null,
  );
  const given = moneyField(problems, draft, msg`Contract value`);
  const valueReason = textField(problems, "valueReason", draft.valueReason, CONTRACT_LIMITS.reason, null);
  const startsOn = dateField(problems, "startsOn", draft.startsOn, msg`start date`, true);
  const endsOn = dateField(problems, "endsOn", draft.endsOn, msg`end date`, true);
  const mechanism = draft.paymentMechanism;
  if (!(PAYMENT_MECHANISMS as readonly string[]).includes(mechanism ?? ""))
    problems.push({
      field: "paymentMechanism",
      message: msg`Choose the payment mechanism: fixed, fee per service, or linked to results`,
    });
  const kpis = checkKpiDrafts(problems, authorityId, draft.kpis ?? []);
  const documents = checkDocuments(problems, draft.documents ?? []);
  if (problems.length > 0) throw new ValidationError(msg`Check the contract's details`, problems);
  const value = (given ?? award.valuePence) as Pence;
  return {
    title,
    description,
    value,
    // Recorded when the value differs from the award's; required below it (checkCombination).
    valueReason: value === award.valuePence ? "" : valueReason,
    startsOn,
    endsOn,
    mechanism: mechanism as PaymentMechanism,
    kpis,
    documents,
  };
}

/**
 * What does not fit together (422): dates out of order or already past, over 5 years for a contract
 * reserved to mutuals (s.33), shares not adding up to 100%, a value below the award's without a
 * reason, a contract awarded or worth over £5m with fewer than 3 KPIs, a supplier without the
 * registration needed.
 */
async function checkCombination(
  ctx: Ctx,
  authorityId: string,
  award: AwardForContract,
  c: CheckedContract,
): Promise<void> {
  const combination: FieldError[] = [];
  const today = londonToday(ctx.clock);
  if (c.endsOn <= c.startsOn)
    combination.push({ field: "endsOn", message: msg`The end date must be after the start date` });
  else if (c.endsOn < today)
    combination.push({
      field: "endsOn",
      message: msg`The end date has passed: a contract that has ended cannot be entered`,
    });
  else if (c.endsOn > addMonths(c.startsOn, CONTRACT_LIMITS.termYears * 12))
    combination.push({
      field: "endsOn",
      message: msg`A contract runs for at most ${CONTRACT_LIMITS.termYears} years`,
    });
  else {
    const reserved = await reservedTermProblem(ctx, authorityId, award.tenderId, c);
    if (reserved) combination.push(reserved);
  }
  const shares = award.leadShareBp + award.consortium.reduce((sum, m) => sum + m.shareBp, 0);
  if (shares !== WHOLE_BP)
    combination.push({
      field: "consortium",
      message: msg`The supplier's and consortium members' shares add up to ${formatPercent(shares)}, not 100%: the award must be corrected first`,
    });
  if (c.value < award.valuePence && c.valueReason === "")
    combination.push({
      field: "valueReason",
      message: msg`The value is below the ${formatMoney(award.valuePence as Pence)} awarded: give the reason, which is published with the contract`,
    });
  const kpiRule = kpiRuleProblem({ awardValue: award.valuePence, value: c.value }, c.kpis.length, "kpis");
  if (kpiRule) combination.push(kpiRule);
  if (
    award.regulatedActivity &&
    !(await hasCurrentRegistration(ctx, award.organisationId, award.regulatedActivity))
  )
    combination.push({
      field: "awardId",
      message: noRegistrationMessage(award.supplierName, award.regulatedActivity),
    });
  if (combination.length > 0)
    throw new UnprocessableError(msg`The contract cannot be entered as it stands`, combination);
}

/** Writes a checked contract, its KPIs and documents; marks the award contracted; audits; tells the supplier. */
async function recordContract(
  ctx: ContractsCtx & { db: Trx },
  authorityId: string,
  award: AwardForContract,
  c: CheckedContract,
  id: string,
  enteredBy: string,
): Promise<void> {
  const { db: trx } = ctx;
  const at = ctx.clock.now();
  await repo.insertContract(trx, {
    authority_id: authorityId,
    id,
    award_id: award.id,
    tender_id: award.tenderId,
    organisation_id: award.organisationId,
    supplier_name: award.supplierName,
    lead_share_bp: award.leadShareBp,
    consortium: award.consortium,
    title: c.title,
    description: c.description,
    regulated_activity: award.regulatedActivity,
    payment_mechanism: c.mechanism,
    original_value_pence: c.value,
    original_starts_on: c.startsOn,
    original_ends_on: c.endsOn,
    award_value_pence: award.valuePence,
    value_reason: c.valueReason,
    value_pence: c.value,
    starts_on: c.startsOn,
    ends_on: c.endsOn,
    scope: "",
    amendment_count: 0,
    entered_by: enteredBy,
    entered_at: at,
  });
  await repo.insertKpis(
    trx,
    c.kpis.map((k) => ({ ...k, contract_id: id })),
  );
  const stored: { title: string; filename: string; sha256: string }[] = [];
  for (const [i, d] of c.documents.entries()) {
    const file = await ctx.files.put({
      content: d.content as FileContent,
      filename: d.filename,
      field: `documents.${i}.contentBase64`,
    });
    await repo.insertDocument(trx, {
      authority_id: authorityId,
      contract_id: id,
      position: i + 1,
      title: d.title,
      filename: file.filename,
      media_type: file.mediaType,
      size_bytes: file.size,
      sha256: file.sha256,
      file_key: file.key,
      uploaded_at: at,
    });
    stored.push({ title: d.title, filename: file.filename, sha256: file.sha256 });
  }
  await markAwardContracted(ctx, authorityId, award.id, id);
  await recordAudit(trx, ctx.clock, {
    authorityId,
    actor: actorIn(ctx),
    action: "contract.entered",
    entity: { type: "contract", id },
    changes: {
      awardId: award.id,
      tenderId: award.tenderId,
      organisationId: award.organisationId,
      title: c.title,
      valuePence: c.value,
      awardValuePence: award.valuePence,
      ...(c.valueReason ? { valueReason: c.valueReason } : {}),
      startsOn: c.startsOn,
      endsOn: c.endsOn,
      paymentMechanism: c.mechanism,
      kpis: c.kpis.map((k) => ({ name: k.name, target: k.target, frequencyMonths: k.frequency_months })),
      documents: stored,
    },
  });
  await tellSupplier(ctx, authorityId, award.organisationId, {
    kind: "contract.entered",
    subject: msg`Contract entered: ${c.title}`,
    body: [
      msg`The contract "${c.title}" has been entered and its contract details notice published. It runs from ${longDate(c.startsOn)} to ${longDate(c.endsOn)}.`,
      ...(c.kpis.length > 0 ? [msg`Report against its KPIs at the end of each period.`] : []),
    ].join("\n"),
    contractId: id,
  });
}

/**
 * Enters a contract from an award: 404 unknown award; 403 not the authority's commissioner or
 * administrator; 409 in standstill, challenged, withdrawn or contracted already; 400 each field at
 * fault; 422 dates out of order or already past, over 5 years for a tender reserved to mutuals
 * (s.33), shares not adding up to 100%, a value below the award's without a reason, a contract
 * awarded or worth over £5m with fewer than 3 KPIs, or a supplier without the current registration
 * the regulated activity needs. Publishes the contract details notice; audited. Returns the contract as it now is.
 */
export async function enterContract(
  ctx: ContractsCtx,
  authorityId: string,
  draft: ContractDraft,
  options: { id?: string } = {},
): Promise<ContractWithLapse> {
  const id = await transaction(ctx.db, async (trx) => {
    const inTrx = within(ctx, trx);
    const { p, award } = await awardToEnter(inTrx, authorityId, draft.awardId ?? "");
    const checked = checkFields(award, authorityId, draft);
    await checkCombination(inTrx, authorityId, award, checked);
    const id = options.id ?? newId();
    await recordContract(within(ctx, trx, actorOf(p)), authorityId, award, checked, id, p.userId);
    return id;
  });
  return contractOf(ctx, authorityId, id);
}
