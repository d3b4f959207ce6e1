/**
 * Participants and evidence (issue 19, item 2): the participants referred to the provider, each a
 * pseudonymous reference with a payment group, a cohort and the day referred (never a name), and the
 * evidence events about them from the provider, the commissioner or the commissioner's data match.
 * Both arrive in batches (up to 5,000 a request, or a CSV file from the page) and are idempotent:
 * a participant by its reference, an event by its sender's (source, source_ref) — sending a batch
 * again records nothing new. An event is corrected by withdrawing it (a new event, with a reason),
 * never by changing it. Each batch is one transaction with one audit event (counts, no references).
 */
import { parse } from "csv-parse/sync";
import { transaction } from "../../db/transaction.ts";
import { csvHeader, csvRows } from "../../lib/csv.ts";
import {
  ConflictError,
  DomainError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { isIsoDate, londonToday } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { actorOf, requireSignedIn } from "../access/access.service.ts";
import { type Ctx, within } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import type { ModelDefinition, TariffDefinition } from "./models.ts";
import * as repo from "./outcome-contracts.repository.ts";
import { asCommissioner, standingFor } from "./outcome-contracts.service.ts";
import { modelVersions } from "./results.service.ts";
import { EVENT_KINDS, type EventKind, type EventSource } from "./results.table.ts";

/** The most participants or events one request (or one CSV file) carries. */
export const MAX_BATCH = 5000;

const REFERENCE = /^[A-Za-z0-9][A-Za-z0-9/_.-]{0,39}$/;

export interface ParticipantDraft {
  reference: string;
  paymentGroup: string;
  cohort?: string | null | undefined;
  referredOn: string;
}

export interface BatchResult {
  /** Newly recorded. */
  recorded: number;
  /** Already there (sent before): nothing changed. */
  alreadyRecorded: number;
}

/**
 * The payment groups the contract's tariff knows: every group of any of its versions (one in force
 * later included), or null when its model is not a tariff (outcome prices and fees name no groups).
 */
function groupsOf(definitions: readonly unknown[]): Set<string> | null {
  const tariffs = definitions
    .map((definition) => definition as Partial<ModelDefinition> | null)
    .filter((d) => d && d.kind === "tariff" && Array.isArray(d.groups)) as Partial<TariffDefinition>[];
  if (tariffs.length === 0) return null;
  return new Set(tariffs.flatMap((d) => (d.groups ?? []).map((g) => g.code)));
}

/** The fields of a row sent again that differ from the one recorded (an API field name each). */
function differing(pairs: readonly [string, unknown, unknown][]): string[] {
  return pairs.filter(([, sent, stored]) => (sent ?? null) !== (stored ?? null)).map(([field]) => field);
}

/**
 * Rows sent again with other content than before (409): the first one's message, and each row's
 * (at most 100, in the batch's order) as details, so that a page names every line to put right.
 */
function resentError(rows: (FieldError & { row: number })[], code: string): ConflictError {
  const sorted = rows.sort((x, y) => x.row - y.row).slice(0, 100);
  return new ConflictError(
    sorted[0]?.message ?? "",
    code,
    sorted.map(({ field, message }) => ({ field, message })),
  );
}

/**
 * Refers participants to the contract: the commissioner's to send (the provider receives them).
 * `opts.ids`: fixed ids, one a draft, for the demo data (new ones otherwise).
 */
export async function referParticipants(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
  drafts: readonly ParticipantDraft[],
  opts: { ids?: readonly string[] } = {},
): Promise<BatchResult> {
  if (opts.ids && opts.ids.length !== drafts.length)
    throw new RangeError("One fixed id for each participant referred");
  if (drafts.length === 0 || drafts.length > MAX_BATCH)
    throw new ValidationError(msg`Send from 1 to 5,000 participants at a time`, [
      { field: "participants", message: msg`Send from 1 to 5,000 participants at a time` },
    ]);
  const problems: FieldError[] = [];
  const seen = new Set<string>();
  drafts.forEach((d, i) => {
    const at = `participants/${i}`;
    if (!REFERENCE.test(d.reference ?? ""))
      problems.push({
        field: `${at}/reference`,
        message: msg`Enter the participant's reference: letters, digits and / _ . -, up to 40 characters (never a name)`,
      });
    else if (seen.has(d.reference))
      problems.push({ field: `${at}/reference`, message: msg`This reference is sent twice in the batch` });
    seen.add(d.reference);
    if (!d.paymentGroup || d.paymentGroup.length > 60)
      problems.push({ field: `${at}/paymentGroup`, message: msg`Enter the participant's payment group` });
    if (d.cohort != null && (d.cohort.length < 1 || d.cohort.length > 60))
      problems.push({
        field: `${at}/cohort`,
        message: msg`Enter the cohort in 60 characters or fewer, or leave it out`,
      });
    if (!isIsoDate(d.referredOn ?? ""))
      problems.push({
        field: `${at}/referredOn`,
        message: msg`Enter the day referred as a real date, year first, like 2027-04-01`,
      });
  });
  if (problems.length > 0) throw new ValidationError(msg`Check the participants`, problems.slice(0, 100));

  return transaction(ctx.db, async (trx) => {
    const { contract, commissioner } = await standingFor(within(ctx, trx), authorityId, contractId, {
      lock: true,
    });
    if (!commissioner)
      throw new ForbiddenError(
        msg`Only the authority's commissioners and administrators refer participants.`,
      );
    const today = londonToday(ctx.clock);
    const versions = await modelVersions(trx, authorityId, contractId);
    if (versions.length === 0) {
      const message = msg`Add the contract's payment model before referring participants: their payment groups are checked against it`;
      throw new UnprocessableError(message, [{ field: "participants", message }]);
    }
    const groups = groupsOf(versions.map((v) => v.definition));
    const combos: FieldError[] = [];
    drafts.forEach((d, i) => {
      if (d.referredOn < contract.starts_on || d.referredOn > contract.ends_on || d.referredOn > today)
        combos.push({
          field: `participants/${i}/referredOn`,
          message: msg`The day referred must be within the contract's term, and not in the future`,
        });
      if (groups && !groups.has(d.paymentGroup))
        combos.push({
          field: `participants/${i}/paymentGroup`,
          message: msg`This payment group is not in the contract's payment model: use one of its groups' codes`,
        });
    });
    if (combos.length > 0) throw new UnprocessableError(msg`Check the participants`, combos.slice(0, 100));
    // A reference sent again must say what it said the first time: a referral is never changed.
    const before = await repo.participantsByReference(
      trx,
      authorityId,
      contractId,
      drafts.map((d) => d.reference),
    );
    const sent = new Map(drafts.map((d, i) => [d.reference, i]));
    const resent: (FieldError & { row: number })[] = [];
    for (const stored of before) {
      const row = sent.get(stored.reference) ?? -1;
      const d = drafts[row];
      const fields = d
        ? differing([
            ["paymentGroup", d.paymentGroup, stored.payment_group],
            ["cohort", d.cohort, stored.cohort],
            ["referredOn", d.referredOn, stored.referred_on],
          ])
        : [];
      if (fields.length > 0)
        resent.push({
          row,
          field: `participants/${row}/${fields[0]}`,
          message: msg`Participant ${stored.reference} was referred before with a different ${fields.join(", ")}: a referral is never changed, so send it as it was`,
        });
    }
    if (resent.length > 0) throw resentError(resent, "participant_resent_different");
    const now = ctx.clock.now();
    const recorded = await repo.insertParticipants(
      trx,
      drafts.map((d, i) => ({
        authority_id: authorityId,
        id: opts.ids?.[i] ?? newId(),
        contract_id: contractId,
        programme: contract.programme,
        reference: d.reference,
        payment_group: d.paymentGroup,
        cohort: d.cohort ?? null,
        referred_on: d.referredOn,
        recorded_at: now,
      })),
    );
    const p = requireSignedIn(ctx.principal);
    const result = { recorded, alreadyRecorded: drafts.length - recorded };
    if (recorded > 0)
      await recordAudit(trx, ctx.clock, {
        authorityId,
        actor: actorOf(p),
        action: "results.participants-referred",
        entity: { type: "outcome-contract", id: contractId },
        changes: result,
      });
    return result;
  });
}

export interface EventDraft {
  /** The participant's reference. */
  participant: string;
  kind: string;
  metric?: string | null | undefined;
  value?: number | null | undefined;
  occurredOn: string;
  /** The sender's own reference for the event: sending it again records nothing new. */
  sourceRef: string;
}

/** The kinds that need a metric code, and those that need a value. */
const NEEDS_METRIC: readonly string[] = ["outcome", "qualification"];
const NEEDS_VALUE: readonly string[] = ["in-work", "reconviction", "service-delivered"];

/**
 * The largest value one event may carry, by kind: weeks in work (20 years), reconvictions counted for
 * one person, units delivered in one event; any other kind's value at most the largest of these.
 */
export const MAX_EVENT_VALUE = {
  "in-work": 1_040,
  reconviction: 1_000,
  "service-delivered": 10_000,
} as const;
const MAX_ANY_VALUE = 10_000;

/** Format problems of one event (its field names prefixed by `at`). */
function eventProblems(d: EventDraft, at: string): FieldError[] {
  const problems: FieldError[] = [];
  if (!REFERENCE.test(d.participant ?? ""))
    problems.push({ field: `${at}/participant`, message: msg`Enter the participant's reference` });
  if (!(EVENT_KINDS as readonly string[]).includes(d.kind) || d.kind === "withdrawal")
    problems.push({
      field: `${at}/kind`,
      message: msg`Enter the kind of event: attachment, job-start, in-work, job-end, reconviction, no-reconviction, qualification, outcome or service-delivered (withdraw an event with its own request)`,
    });
  if (NEEDS_METRIC.includes(d.kind) && !(d.metric && d.metric.length <= 60))
    problems.push({
      field: `${at}/metric`,
      message: msg`Enter the outcome's metric code, as the model names it`,
    });
  const max = MAX_EVENT_VALUE[d.kind as keyof typeof MAX_EVENT_VALUE] ?? MAX_ANY_VALUE;
  // A value is needed for some kinds; one given for any kind (a CSV file's cell) is a whole number too.
  if (
    (NEEDS_VALUE.includes(d.kind) || d.value != null) &&
    !(Number.isInteger(d.value) && (d.value as number) >= 0)
  )
    problems.push({
      field: `${at}/value`,
      message: msg`Enter the value as a whole number: weeks in work, reconvictions counted or units delivered`,
    });
  else if (typeof d.value === "number" && d.value > max)
    problems.push({
      field: `${at}/value`,
      message: msg`Enter a value of at most ${max} for this kind of event`,
    });
  if (!isIsoDate(d.occurredOn ?? ""))
    problems.push({ field: `${at}/occurredOn`, message: msg`Enter the day it happened as a real date` });
  if (!d.sourceRef || d.sourceRef.length > 100)
    problems.push({
      field: `${at}/sourceRef`,
      message: msg`Enter your own reference for the event, up to 100 characters`,
    });
  return problems;
}

/**
 * Records evidence events: the provider's people send the provider's; the commissioner's, as the
 * commissioner or as its data match (`source`). Each event names a participant of the contract and
 * happened on or after the referral and not in the future. `opts.ids`: fixed ids, one a draft, for
 * the demo data (new ones otherwise).
 */
export async function recordEvents(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
  drafts: readonly EventDraft[],
  opts: { source?: EventSource | undefined; ids?: readonly string[] } = {},
): Promise<BatchResult> {
  if (opts.ids && opts.ids.length !== drafts.length)
    throw new RangeError("One fixed id for each event recorded");
  if (drafts.length === 0 || drafts.length > MAX_BATCH)
    throw new ValidationError(msg`Send from 1 to 5,000 events at a time`, [
      { field: "events", message: msg`Send from 1 to 5,000 events at a time` },
    ]);
  const problems = drafts.flatMap((d, i) => eventProblems(d, `events/${i}`));
  // One source_ref twice in a batch: the same event sent twice is harmless, two different ones are not.
  const firstSent = new Map<string, EventDraft>();
  drafts.forEach((d, i) => {
    const first = firstSent.get(d.sourceRef);
    if (!first) firstSent.set(d.sourceRef, d);
    else if (
      differing([
        ["participant", d.participant, first.participant],
        ["kind", d.kind, first.kind],
        ["metric", d.metric || null, first.metric || null],
        ["value", d.value, first.value],
        ["occurredOn", d.occurredOn, first.occurredOn],
      ]).length > 0
    )
      problems.push({
        field: `events/${i}/sourceRef`,
        message: msg`This reference is sent twice in the batch for different events: give each event its own`,
      });
  });
  if (problems.length > 0) throw new ValidationError(msg`Check the events`, problems.slice(0, 100));

  return transaction(ctx.db, async (trx) => {
    const { commissioner, provider } = await standingFor(within(ctx, trx), authorityId, contractId);
    // A run starting locks the contract for update: a batch either commits before its cut-off, or
    // waits and is recorded after it (never recorded before the cut-off and committed after).
    await repo.lockContractShared(trx, authorityId, contractId);
    const source = sourceFor(commissioner, provider, opts.source);
    const participants = await repo.participantsByReference(
      trx,
      authorityId,
      contractId,
      drafts.map((d) => d.participant),
    );
    const byReference = new Map(participants.map((p) => [p.reference, p]));
    const today = londonToday(ctx.clock);
    const combos: FieldError[] = [];
    drafts.forEach((d, i) => {
      const p = byReference.get(d.participant);
      if (!p)
        combos.push({
          field: `events/${i}/participant`,
          message: msg`No participant of this contract has this reference: refer them first`,
        });
      else if (d.occurredOn < p.referred_on || d.occurredOn > today)
        combos.push({
          field: `events/${i}/occurredOn`,
          message: msg`The event must happen on or after the day referred, and not in the future`,
        });
    });
    if (combos.length > 0) throw new UnprocessableError(msg`Check the events`, combos.slice(0, 100));
    // An event sent again must say what it said the first time: events are never changed.
    const stored = new Map(
      (
        await repo.eventsBySourceRef(
          trx,
          authorityId,
          contractId,
          source,
          drafts.map((d) => d.sourceRef),
        )
      ).map((e) => [e.source_ref, e]),
    );
    const referenceOf = new Map(participants.map((x) => [x.id, x.reference]));
    const resent: (FieldError & { row: number })[] = [];
    drafts.forEach((d, row) => {
      const e = stored.get(d.sourceRef);
      const fields = e
        ? differing([
            ["participant", d.participant, referenceOf.get(e.participant_id)],
            ["kind", d.kind, e.kind],
            ["metric", d.metric || null, e.metric],
            ["value", d.value, e.value],
            ["occurredOn", d.occurredOn, e.occurred_on],
          ])
        : [];
      if (fields.length > 0)
        resent.push({
          row,
          field: `events/${row}/sourceRef`,
          message: msg`Event ${d.sourceRef} was recorded before with a different ${fields.join(", ")}: events are never changed, so withdraw it and send the right one under a new reference`,
        });
    });
    if (resent.length > 0) throw resentError(resent, "event_resent_different");
    const p = requireSignedIn(ctx.principal);
    const now = ctx.clock.now();
    const recorded = await repo.insertEvents(
      trx,
      drafts.map((d, i) => ({
        authority_id: authorityId,
        id: opts.ids?.[i] ?? newId(),
        contract_id: contractId,
        participant_id: (byReference.get(d.participant) as { id: string }).id,
        kind: d.kind as EventKind,
        metric: NEEDS_METRIC.includes(d.kind) ? (d.metric ?? null) : (d.metric ?? null) || null,
        value: d.value ?? null,
        occurred_on: d.occurredOn,
        source,
        source_ref: d.sourceRef,
        withdraws_id: null,
        recorded_by: p.userId,
        recorded_at: now,
      })),
    );
    const result = { recorded, alreadyRecorded: drafts.length - recorded };
    if (recorded > 0)
      await recordAudit(trx, ctx.clock, {
        authorityId,
        actor: actorOf(p),
        action: "results.evidence-recorded",
        entity: { type: "outcome-contract", id: contractId },
        changes: { ...result, source },
      });
    return result;
  });
}

/** The source a caller sends as: the provider's people as the provider; the commissioner as itself or its data match. */
function sourceFor(commissioner: boolean, provider: boolean, asked: EventSource | undefined): EventSource {
  if (commissioner) {
    if (asked === "provider")
      throw new UnprocessableError(
        msg`The commissioner's evidence is its own or its data match's: send it as commissioner or data-match`,
        [
          {
            field: "source",
            message: msg`The commissioner's evidence is its own or its data match's: send it as commissioner or data-match`,
          },
        ],
      );
    return asked ?? "commissioner";
  }
  if (provider) {
    if (asked && asked !== "provider")
      throw new ForbiddenError(msg`The provider's people send the provider's evidence only.`);
    return "provider";
  }
  throw new ForbiddenError(msg`Only the provider's people and the authority's commissioners send evidence.`);
}

/** An event as the withdrawal page shows it: what it is, whose reference, and whether it can go. */
export interface EventToWithdraw {
  id: string;
  participant: string;
  kind: string;
  metric: string | null;
  value: number | null;
  occurredOn: string;
  source: string;
  sourceRef: string;
  /** Withdrawn already (with the reason given then). */
  withdrawnReason: string | null;
  /** The caller may withdraw it (the commissioner any; the provider its own). */
  mayWithdraw: boolean;
}

/** One evidence event of the contract, for the page that withdraws it (404 unknown). */
export async function eventToWithdraw(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
  eventId: string,
): Promise<EventToWithdraw> {
  const { commissioner, provider } = await standingFor(ctx, authorityId, contractId);
  const event = isUuid(eventId) ? await repo.eventById(ctx.db, authorityId, contractId, eventId) : undefined;
  if (!event || event.kind === "withdrawal") throw new NotFoundError("event");
  const [participant, withdrawal] = await Promise.all([
    repo.participantById(ctx.db, authorityId, contractId, event.participant_id),
    repo.withdrawalOf(ctx.db, event),
  ]);
  return {
    id: event.id,
    participant: participant?.reference ?? "",
    kind: event.kind,
    metric: event.metric,
    value: event.value,
    occurredOn: event.occurred_on,
    source: event.source,
    sourceRef: event.source_ref,
    withdrawnReason: withdrawal ? (withdrawal.reason ?? "") : null,
    mayWithdraw: commissioner || (provider && event.source === "provider"),
  };
}

/**
 * Withdraws an event, with a reason: a new 'withdrawal' event naming it (events are never changed).
 * The provider withdraws its own evidence; the commissioner any. Withdrawing again is refused (409).
 */
export async function withdrawEvent(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
  eventId: string,
  draft: { reason: string },
): Promise<{ id: string }> {
  const reason = (draft.reason ?? "").trim();
  if (reason.length < 1 || reason.length > 2000)
    throw new ValidationError(msg`Enter why the event is withdrawn, up to 2,000 characters`, [
      { field: "reason", message: msg`Enter why the event is withdrawn, up to 2,000 characters` },
    ]);
  return transaction(ctx.db, async (trx) => {
    const { commissioner, provider } = await standingFor(within(ctx, trx), authorityId, contractId, {
      lock: true,
    });
    const event = isUuid(eventId) ? await repo.eventById(trx, authorityId, contractId, eventId) : undefined;
    if (!event) throw new NotFoundError("event");
    if (!commissioner && !(provider && event.source === "provider"))
      throw new ForbiddenError(
        msg`The provider withdraws only its own evidence; ask the commissioner to withdraw theirs.`,
      );
    if (event.kind === "withdrawal")
      throw new UnprocessableError(msg`This is a withdrawal itself: send the event again if it was right`);
    if (await repo.withdrawalOf(trx, event))
      throw new ConflictError(msg`This event has been withdrawn already.`);
    const p = requireSignedIn(ctx.principal);
    const id = newId();
    await repo.insertEvents(trx, [
      {
        authority_id: authorityId,
        id,
        contract_id: contractId,
        participant_id: event.participant_id,
        kind: "withdrawal",
        metric: null,
        value: null,
        occurred_on: londonToday(ctx.clock),
        source: commissioner ? "commissioner" : "provider",
        source_ref: `withdraws:${event.id}`,
        withdraws_id: event.id,
        reason,
        recorded_by: p.userId,
        recorded_at: ctx.clock.now(),
      },
    ]);
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorOf(p),
      action: "results.evidence-withdrawn",
      entity: { type: "outcome-contract", id: contractId },
      changes: { eventId: event.id, kind: event.kind, reason },
    });
    return { id };
  });
}

// CSV files (the pages' uploads): a header row naming the columns, then one row a line. The whole
// file is read and checked before anything is recorded, each problem named by its line.

/** The columns of an evidence CSV file, in this order (docs/payment-by-results.md). */
export const EVIDENCE_CSV_COLUMNS = [
  "participant",
  "kind",
  "metric",
  "value",
  "occurred_on",
  "source_ref",
] as const;

/** The columns of a referrals CSV file, in this order: one participant a line, as the API takes them. */
export const REFERRAL_CSV_COLUMNS = ["reference", "payment_group", "cohort", "referred_on"] as const;

/** A CSV file's lines under its header row: each line's cells, and the file's line number of each. */
interface CsvLines {
  cells: string[][];
  lineOf: number[];
}

function fileError(message: string): ValidationError {
  return new ValidationError(message, [{ field: "file", message }]);
}

/**
 * The lines of a CSV file whose first row names `columns`, in order (any empty cells after them
 * left out): from 1 to 5,000 lines, or `count` says what to send. Empty lines are skipped, and each
 * line keeps its number in the file, so that a problem names the line a spreadsheet shows.
 */
function csvLines(content: string, columns: readonly string[], count: string): CsvLines {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(content, {
      bom: true,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
      info: true,
    }) as unknown as typeof records;
  } catch {
    throw fileError(msg`The file is not a CSV file: save it as CSV (comma separated) and try again`);
  }
  const [first, ...lines] = records;
  const header = [...(first?.record ?? [])];
  while (header.length > columns.length && header.at(-1) === "") header.pop();
  if (header.join(",").toLowerCase() !== columns.join(","))
    throw fileError(msg`The file's first row must be: ${columns.join(",")}`);
  if (lines.length === 0 || lines.length > MAX_BATCH) throw fileError(count);
  return { cells: lines.map((l) => l.record), lineOf: lines.map((l) => l.info.lines) };
}

/**
 * A refusal of a batch read from a file, with its rows named as the file's lines: a detail about
 * row i of the batch (`events/12/participant`, `participants/3/referredOn`) becomes "Line 15: …",
 * about the file field. Any other error is answered as it is.
 */
function asFileLines(error: unknown, rows: "events" | "participants", lineOf: readonly number[]): unknown {
  if (!(error instanceof DomainError) || error.details.length === 0) return error;
  const pattern = new RegExp(`^${rows}/(\\d+)(?:/|$)`);
  const details = error.details.map((d) => {
    const row = pattern.exec(d.field ?? "")?.[1];
    const line = row === undefined ? undefined : lineOf[Number(row)];
    return { field: "file", message: line === undefined ? d.message : msg`Line ${line}: ${d.message}` };
  });
  const message = msg`Correct the file's lines named`;
  if (error instanceof ValidationError) return new ValidationError(message, details, error.code);
  if (error instanceof UnprocessableError) return new UnprocessableError(message, details, error.code);
  if (error instanceof ConflictError) return new ConflictError(message, error.code, details);
  return error;
}

/** An evidence CSV file as events: a header row with the columns above, then one event a line. */
function eventsFromCsv(content: string): { drafts: EventDraft[]; lineOf: number[] } {
  const { cells, lineOf } = csvLines(
    content,
    EVIDENCE_CSV_COLUMNS,
    msg`The file must hold from 1 to 5,000 events`,
  );
  const drafts = cells.map(([participant, kind, metric, value, occurredOn, sourceRef]) => ({
    participant: participant ?? "",
    kind: kind ?? "",
    metric: metric ? metric : null,
    value: value ? (/^\d{1,9}$/.test(value) ? Number(value) : Number.NaN) : null,
    occurredOn: occurredOn ?? "",
    sourceRef: sourceRef ?? "",
  }));
  return { drafts, lineOf };
}

/**
 * Records the events of an evidence CSV file (the page's upload): the whole file in one batch, each
 * refusal naming its line.
 */
export async function recordEvidenceCsv(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
  content: string,
  source: EventSource | undefined,
): Promise<BatchResult> {
  await standingFor(ctx, authorityId, contractId);
  const { drafts, lineOf } = eventsFromCsv(content);
  try {
    return await recordEvents(ctx, authorityId, contractId, drafts, { source });
  } catch (error) {
    throw asFileLines(error, "events", lineOf);
  }
}

/** A referrals CSV file as participants: a header row with the columns above, then one a line. */
function participantsFromCsv(content: string): { drafts: ParticipantDraft[]; lineOf: number[] } {
  const { cells, lineOf } = csvLines(
    content,
    REFERRAL_CSV_COLUMNS,
    msg`The file must hold from 1 to 5,000 participants`,
  );
  const drafts = cells.map(([reference, paymentGroup, cohort, referredOn]) => ({
    reference: reference ?? "",
    paymentGroup: paymentGroup ?? "",
    cohort: cohort ? cohort : null,
    referredOn: referredOn ?? "",
  }));
  return { drafts, lineOf };
}

/** What the referrals page offers: the payment groups the contract's tariff knows (none for other models). */
export interface ReferralForm {
  /** Whether the contract has a payment model yet (participants wait for it). */
  hasModel: boolean;
  /** The tariff's groups (code and name), of every version; null when the model is not a tariff. */
  groups: { code: string; name: string }[] | null;
  /** Whether a version measures cohorts against a comparison group (social impact bonds). */
  cohorts: boolean;
  /** A day a referral may be made on, for the example: today, within the contract's term. */
  exampleDay: string;
}

/** The referrals page's form, for the authority's commissioners and administrators (403 for the provider). */
export async function referralForm(ctx: Ctx, authorityId: string, contractId: string): Promise<ReferralForm> {
  const { contract } = await asCommissioner(
    ctx,
    authorityId,
    contractId,
    msg`Only the authority's commissioners and administrators refer participants.`,
  );
  const versions = await modelVersions(ctx.db, authorityId, contractId);
  const definitions = versions.map((v) => v.definition as Partial<ModelDefinition> | null);
  const groups = groupsOf(definitions);
  const names = new Map(
    definitions.flatMap((d) => (d?.kind === "tariff" ? (d.groups ?? []) : [])).map((g) => [g.code, g.name]),
  );
  const today = londonToday(ctx.clock);
  return {
    hasModel: versions.length > 0,
    groups: groups && [...groups].map((code) => ({ code, name: names.get(code) ?? code })),
    cohorts: definitions.some((d) => d?.kind === "outcome-prices" && d.cohortThreshold !== undefined),
    exampleDay:
      today < contract.starts_on ? contract.starts_on : today > contract.ends_on ? contract.ends_on : today,
  };
}

/**
 * An example referrals file for the contract: the header row and two made-up participants in its
 * tariff's first group (or "group-a"), in cohort 1 when the model measures cohorts, referred on
 * the example day; pseudonymous references, never names.
 */
export async function referralCsvExample(ctx: Ctx, authorityId: string, contractId: string): Promise<string> {
  const form = await referralForm(ctx, authorityId, contractId);
  const row = {
    payment_group: form.groups?.[0]?.code ?? "group-a",
    cohort: form.cohorts ? "1" : "",
    referred_on: form.exampleDay,
  };
  const rows = [
    { reference: "REF-0001", ...row },
    { reference: "REF-0002", ...row },
  ];
  return csvHeader(REFERRAL_CSV_COLUMNS) + csvRows(rows, REFERRAL_CSV_COLUMNS);
}

/**
 * Refers the participants of a referrals CSV file (the page's upload): the whole file in one batch
 * and one transaction (nothing recorded unless every line is right), each refusal naming its line;
 * sent again, nobody is referred twice. The authority's commissioners and administrators.
 */
export async function referParticipantsCsv(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
  content: string,
): Promise<BatchResult> {
  await referralForm(ctx, authorityId, contractId);
  const { drafts, lineOf } = participantsFromCsv(content);
  try {
    return await referParticipants(ctx, authorityId, contractId, drafts);
  } catch (error) {
    throw asFileLines(error, "participants", lineOf);
  }
}
