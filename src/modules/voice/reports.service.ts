/**
 * Champions' reports (issue 17, item 9): a champion's people write a report — its title, summary and
 * text, the area it is about (one the champion covers) and the service type (or every type) — as a
 * draft they may change; publishing makes it public and fixed: a correction is a new version with a
 * note saying what changed and why, every version kept; a published report may be withdrawn with a
 * reason, its page then saying so. The public list is of published reports, newest first, a page at a
 * time by key, by champion and by area. Every change audited on the champion's chain.
 */

import type { Trx } from "../../db/database.ts";
import { COUNT_CAP, countUpTo, decodeKey, encodeKey, type Total } from "../../db/paging.ts";
import { transaction } from "../../db/transaction.ts";
import { decodeBase64 } from "../../lib/base64.ts";
import { ConflictError, NotFoundError, ValidationError } from "../../lib/errors.ts";
import type { FileContent, FileStore } from "../../lib/file-store.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { msg } from "../../lib/messages.ts";
import type { Principal } from "../access/access.service.ts";
import { requireSignedIn } from "../access/access.service.ts";
import { actorIn, type Ctx } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { type Authority, listAuthorities } from "../authorities/authorities.service.ts";
import { existingCategoryCodes, listServiceCategories } from "../vocabularies/vocabularies.service.ts";
import {
  actsForChampion,
  type Champion,
  champion,
  championOf,
  requireChampionStaff,
  requireChampionWriter,
} from "./champions.service.ts";
import type { VoiceCtx } from "./voice.context.ts";
import * as repo from "./voice.repository.ts";
import type { ChampionReport, ChampionReportVersion } from "./voice.table.ts";

const LIMITS = { title: 200, summary: 1000, body: 50000, note: 2000 } as const;

/** What a report says: a draft's, or a correction's. */
export interface ReportText {
  title: string;
  summary: string;
  body: string;
}

export interface ReportInput extends ReportText {
  areaCode: string;
  /** A service category code; "" or null for every type. */
  serviceType?: string | null;
  /** A fixed id (seeds, so that demo links are stable); a new one otherwise. */
  id?: string;
}

/** A document attached to a report as it is written: a page's upload, or the API's base64. */
export interface DocumentInput {
  filename: string;
  content?: FileContent;
  contentBase64?: string;
}

type Problem = { field: string; message: string };

function checkText(input: ReportText, problems: Problem[]): ReportText {
  // Browsers send a textarea's lines ended with CR LF: kept as LF, so paragraphs are found alike.
  const lines = (value: string) => value.replace(/\r\n?/g, "\n").trim();
  const text = { title: input.title.trim(), summary: lines(input.summary), body: lines(input.body) };
  if (text.title === "" || text.title.length > LIMITS.title)
    problems.push({ field: "title", message: msg`Enter a title of at most 200 characters` });
  if (text.summary === "" || text.summary.length > LIMITS.summary)
    problems.push({ field: "summary", message: msg`Enter a summary of at most 1,000 characters` });
  if (text.body === "" || text.body.length > LIMITS.body)
    problems.push({ field: "body", message: msg`Enter the report's text, at most 50,000 characters` });
  return text;
}

async function checkInput(
  ctx: Ctx,
  championId: string,
  input: ReportInput,
): Promise<ReportText & { areaCode: string; categoryCode: string | null }> {
  const problems: Problem[] = [];
  const text = checkText(input, problems);
  const areaCode = input.areaCode.trim();
  if (areaCode === "" || !(await repo.coversArea(ctx.db, championId, areaCode)))
    problems.push({ field: "areaCode", message: msg`Choose one of the areas the champion covers` });
  const serviceType = (input.serviceType ?? "").trim();
  if (serviceType !== "" && !(await existingCategoryCodes(ctx.db, [serviceType])).has(serviceType))
    problems.push({ field: "serviceType", message: msg`Choose a service type from the list` });
  if (problems.length > 0) throw new ValidationError(msg`Check the report`, problems);
  return { ...text, areaCode, categoryCode: serviceType === "" ? null : serviceType };
}

/** The document's bytes, or the reasons they cannot be taken. */
function documentContent(document: DocumentInput): FileContent {
  const problems: Problem[] = [];
  if (document.filename.trim() === "" || document.filename.length > 255)
    problems.push({
      field: "document.filename",
      message: msg`Give the document's file name, like report.pdf`,
    });
  const content = document.content ?? decodeBase64(document.contentBase64);
  if (!content)
    problems.push({ field: "document.contentBase64", message: msg`Send the document's content in base64` });
  if (problems.length > 0 || !content) throw new ValidationError(msg`Check the document`, problems);
  return content;
}

/**
 * Writes a report as a draft, with a document attached if one is given (kept in the file store):
 * the champion's people only. Not public until published.
 */
export async function writeReport(
  ctx: Ctx & { files?: FileStore },
  championId: string,
  input: ReportInput,
  document?: DocumentInput | null,
): Promise<ChampionReport> {
  const p = await requireChampionWriter(ctx, championId, "write this champion's reports");
  const checked = await checkInput(ctx, championId, input);
  const content = document ? documentContent(document) : undefined;
  if (content && !ctx.files) throw new Error("writeReport: a document needs the file store");
  const stored =
    content && ctx.files
      ? await ctx.files.put({ content, filename: document?.filename ?? "", field: "document" })
      : undefined;
  const now = ctx.clock.now();
  const report: ChampionReport = {
    champion_id: championId,
    id: input.id ?? newId(),
    state: "draft",
    title: checked.title,
    summary: checked.summary,
    body: checked.body,
    area_code: checked.areaCode,
    category_code: checked.categoryCode,
    version: 0,
    created_by: p.userId,
    created_at: now,
    updated_at: now,
    published_at: null,
    withdrawn_at: null,
    withdrawal_reason: null,
    document_key: stored?.key ?? null,
    document_filename: stored?.filename ?? null,
    document_media_type: stored?.mediaType ?? null,
    document_size: stored?.size ?? null,
  };
  await transaction(ctx.db, async (trx) => {
    await repo.insertReport(trx, report);
    await recordAudit(trx, ctx.clock, {
      authorityId: championId,
      actor: actorIn(ctx),
      action: "champion-report.drafted",
      entity: { type: "champion-report", id: report.id },
      changes: {
        title: report.title,
        areaCode: report.area_code,
        serviceType: report.category_code,
        ...(stored
          ? { document: { sha256: stored.sha256, mediaType: stored.mediaType, size: stored.size } }
          : {}),
      },
    });
  });
  return report;
}

/**
 * The report a writer names: 401, then 404 for an unknown champion or report (a draft is unknown
 * to anyone outside the champion), then 403, as every route that names a record.
 */
async function reportToChange(
  ctx: Ctx,
  trx: Trx,
  championId: string,
  reportId: string,
  what: string,
): Promise<{ report: ChampionReport; p: Principal }> {
  requireSignedIn(ctx.principal);
  const inTrx = { ...ctx, db: trx };
  await reportView(inTrx, championId, reportId);
  const p = await requireChampionWriter(inTrx, championId, what);
  const report = await repo.lockReport(trx, championId, reportId);
  if (!report) throw new NotFoundError("report");
  return { report, p };
}

/** Changes a draft: the champion's people only; 409 once published (publish a correction). */
export async function editDraft(
  ctx: Ctx,
  championId: string,
  reportId: string,
  input: ReportInput,
): Promise<ChampionReport> {
  return transaction(ctx.db, async (trx) => {
    const { report } = await reportToChange(ctx, trx, championId, reportId, "change this champion's reports");
    if (report.state !== "draft")
      throw new ConflictError(
        msg`This report has been published and is never changed. Publish a correction instead.`,
        "report_published",
      );
    const checked = await checkInput({ ...ctx, db: trx }, championId, input);
    const now = ctx.clock.now();
    const changes = {
      title: checked.title,
      summary: checked.summary,
      body: checked.body,
      area_code: checked.areaCode,
      category_code: checked.categoryCode,
      updated_at: now,
    };
    await repo.updateReport(trx, championId, reportId, changes);
    await recordAudit(trx, ctx.clock, {
      authorityId: championId,
      actor: actorIn(ctx),
      action: "champion-report.draft-changed",
      entity: { type: "champion-report", id: reportId },
      changes: { title: checked.title, areaCode: checked.areaCode, serviceType: checked.categoryCode },
    });
    return { ...report, ...changes };
  });
}

function versionOf(
  report: ChampionReport,
  p: Principal,
  at: Date,
  note: string | null,
): ChampionReportVersion {
  return {
    champion_id: report.champion_id,
    report_id: report.id,
    version: report.version + 1,
    title: report.title,
    summary: report.summary,
    body: report.body,
    note,
    published_by: p.userId,
    published_at: at,
  };
}

/** Publishes a draft: the champion's people only. Public from then on, and never changed. */
export async function publishReport(ctx: Ctx, championId: string, reportId: string): Promise<ChampionReport> {
  return transaction(ctx.db, async (trx) => {
    const { report, p } = await reportToChange(
      ctx,
      trx,
      championId,
      reportId,
      "publish this champion's reports",
    );
    if (report.state !== "draft")
      throw new ConflictError(msg`This report has already been published.`, "already_published");
    const now = ctx.clock.now();
    await repo.insertVersion(trx, versionOf(report, p, now, null));
    await repo.updateReport(trx, championId, reportId, {
      state: "published",
      version: 1,
      published_at: now,
      updated_at: now,
    });
    await recordAudit(trx, ctx.clock, {
      authorityId: championId,
      actor: actorIn(ctx),
      action: "champion-report.published",
      entity: { type: "champion-report", id: reportId },
      changes: { version: 1 },
    });
    return { ...report, state: "published" as const, version: 1, published_at: now, updated_at: now };
  });
}

export interface CorrectionInput extends ReportText {
  /** What changed and why, shown with the new version. */
  note: string;
}

/**
 * Corrects a published report: a new version with its note, every earlier version kept as it was
 * published. The champion's people only; 409 for a draft (change it) or a withdrawn report.
 */
export async function correctReport(
  ctx: Ctx,
  championId: string,
  reportId: string,
  input: CorrectionInput,
): Promise<ChampionReport> {
  return transaction(ctx.db, async (trx) => {
    const { report, p } = await reportToChange(
      ctx,
      trx,
      championId,
      reportId,
      "correct this champion's reports",
    );
    if (report.state === "draft")
      throw new ConflictError(msg`This report is still a draft: change it instead.`, "report_draft");
    if (report.state === "withdrawn")
      throw new ConflictError(
        msg`This report has been withdrawn and can no longer be corrected.`,
        "withdrawn",
      );
    const problems: Problem[] = [];
    const text = checkText(input, problems);
    const note = input.note.trim();
    if (note === "" || note.length > LIMITS.note)
      problems.push({
        field: "note",
        message: msg`Say what the correction changes and why, in at most 2,000 characters`,
      });
    if (problems.length > 0) throw new ValidationError(msg`Check the correction`, problems);
    const now = ctx.clock.now();
    const corrected = { ...report, ...text, version: report.version + 1, updated_at: now };
    await repo.insertVersion(trx, versionOf({ ...report, ...text }, p, now, note));
    await repo.updateReport(trx, championId, reportId, {
      ...text,
      version: corrected.version,
      updated_at: now,
    });
    await recordAudit(trx, ctx.clock, {
      authorityId: championId,
      actor: actorIn(ctx),
      action: "champion-report.corrected",
      entity: { type: "champion-report", id: reportId },
      changes: { version: corrected.version, note },
    });
    return corrected;
  });
}

/** Withdraws a published report with a reason its page then shows: the champion's people only. */
export async function withdrawReport(
  ctx: Ctx,
  championId: string,
  reportId: string,
  reason: string,
): Promise<ChampionReport> {
  return transaction(ctx.db, async (trx) => {
    const { report } = await reportToChange(
      ctx,
      trx,
      championId,
      reportId,
      "withdraw this champion's reports",
    );
    const why = reason.trim();
    if (why.length < 10 || why.length > 2000)
      throw new ValidationError(msg`Give the reason for withdrawing it`, [
        { field: "reason", message: msg`Explain in 10 to 2,000 characters why the report is withdrawn` },
      ]);
    if (report.state !== "published")
      throw new ConflictError(
        report.state === "draft"
          ? msg`This report is a draft: only a published report is withdrawn.`
          : msg`This report has already been withdrawn.`,
        "not_published",
      );
    const now = ctx.clock.now();
    await repo.updateReport(trx, championId, reportId, {
      state: "withdrawn",
      withdrawn_at: now,
      withdrawal_reason: why,
      updated_at: now,
    });
    await recordAudit(trx, ctx.clock, {
      authorityId: championId,
      actor: actorIn(ctx),
      action: "champion-report.withdrawn",
      entity: { type: "champion-report", id: reportId },
      changes: { reason: why },
    });
    return {
      ...report,
      state: "withdrawn" as const,
      withdrawn_at: now,
      withdrawal_reason: why,
      updated_at: now,
    };
  });
}

export interface ReportView {
  champion: Champion;
  report: ChampionReport;
  /** Its published versions, oldest first (none for a draft). */
  versions: ChampionReportVersion[];
  /** The area's name, and the service type's (null for every type). */
  areaName: string;
  serviceTypeName: string | null;
  /** Whether the person asking acts for the champion (they may change, correct or withdraw it). */
  isStaff: boolean;
}

/**
 * A report with its versions. Published and withdrawn reports are public; a draft only for the
 * champion's people (404 for anyone else, as for an unknown report).
 */
export async function reportView(ctx: Ctx, championId: string, reportId: string): Promise<ReportView> {
  const found = await champion(ctx, championId);
  const report = isUuid(reportId) ? await repo.findReport(ctx.db, found.body.id, reportId) : undefined;
  const isStaff = actsForChampion(ctx.principal, found.body.id);
  if (!report || (report.state === "draft" && !isStaff)) throw new NotFoundError("report");
  const [versions, categories] = await Promise.all([
    repo.versionsOf(ctx.db, found.body.id, report.id),
    report.category_code ? listServiceCategories(ctx.db) : Promise.resolve([]),
  ]);
  return {
    champion: found,
    report,
    versions,
    areaName: found.areas.find((a) => a.code === report.area_code)?.name ?? report.area_code,
    serviceTypeName: categories.find((c) => c.code === report.category_code)?.name ?? report.category_code,
    isStaff,
  };
}

/** What the report form shows: the champion, the areas it covers and the service types. */
export async function reportForm(ctx: Ctx, championId: string, reportId?: string) {
  // The report named is looked up first: unknown (or another's draft) is 404 before any 403.
  const view = reportId === undefined ? undefined : await reportView(ctx, championId, reportId);
  await requireChampionStaff(ctx, championId, "write this champion's reports");
  const [found, categories] = await Promise.all([champion(ctx, championId), listServiceCategories(ctx.db)]);
  return {
    champion: found,
    serviceTypes: categories.map((c) => ({ code: c.code, name: c.name })),
    report: view?.report,
  };
}

/** A report's document and its bytes: seen by whoever may see the report (404 when it has none). */
export async function reportDocument(
  ctx: VoiceCtx,
  championId: string,
  reportId: string,
): Promise<{ filename: string; mediaType: string; bytes: Uint8Array }> {
  const { report } = await reportView(ctx, championId, reportId);
  if (!report.document_key || !report.document_filename || !report.document_media_type)
    throw new NotFoundError("document");
  return {
    filename: report.document_filename,
    mediaType: report.document_media_type,
    bytes: await ctx.files.get(report.document_key),
  };
}

// The public list

export const REPORTS_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;
const REPORT_KEY = ["string", "string"] as const;

export interface ReportsQuery {
  champion?: string;
  area?: string;
  after?: string;
  before?: string;
  pageSize?: number;
}

export interface ReportsList {
  reports: ChampionReport[];
  /** Each listed report's champion, by id. */
  champions: Map<string, Authority>;
  total: Total;
  next: string | null;
  previous: string | null;
  /** The filters as applied (an unknown champion or area is refused). */
  filters: { champion: string; area: string };
}

/**
 * Published reports, newest first, a page at a time by key (the first-published time and the id),
 * filtered by champion and area; the total counted up to 1,000. Public.
 */
export async function listReports(ctx: Ctx, query: ReportsQuery = {}): Promise<ReportsList> {
  const championId = (query.champion ?? "").trim();
  const areaCode = (query.area ?? "").trim();
  if (championId !== "")
    await championOf(ctx, championId).catch(() => {
      throw new ValidationError(msg`Check the filters`, [
        { field: "champion", message: msg`Choose a consumer champion from the list` },
      ]);
    });
  if (areaCode.length > 20)
    throw new ValidationError(msg`Check the filters`, [
      { field: "area", message: msg`Choose an area from the list` },
    ]);
  const pageSize = Math.min(Math.max(1, Math.trunc(query.pageSize ?? REPORTS_PAGE_SIZE)), MAX_PAGE_SIZE);
  const after = decodeKey(query.after, REPORT_KEY, "after");
  const before = after ? undefined : decodeKey(query.before, REPORT_KEY, "before");
  const key = after ?? before;
  const seek: repo.ReportSeek | undefined = key
    ? {
        key: { publishedAt: new Date(String(key[0])), id: String(key[1]) },
        direction: after ? "after" : "before",
      }
    : undefined;
  if (seek && (Number.isNaN(seek.key.publishedAt.getTime()) || !isUuid(seek.key.id))) {
    const message = msg`This page link is not complete. Go back to the first page of results and try again.`;
    throw new ValidationError(message, [{ field: after ? "after" : "before", message }]);
  }
  const filters: repo.ReportFilters = {
    ...(championId ? { championId } : {}),
    ...(areaCode ? { areaCode } : {}),
  };
  const [page, total] = await Promise.all([
    repo.reportsPage(ctx.db, { filters, ...(seek ? { seek } : {}), limit: pageSize + 1 }),
    countUpTo(ctx.db, repo.publishedReports(ctx.db, filters), COUNT_CAP),
  ]);
  const more = page.length > pageSize;
  const reports = seek?.direction === "before" ? page.slice(more ? 1 : 0) : page.slice(0, pageSize);
  const keyOf = (r: ChampionReport | undefined) =>
    r?.published_at ? encodeKey([r.published_at.toISOString(), r.id]) : null;
  const hasNext = seek?.direction === "before" ? true : more;
  const hasPrevious = seek === undefined ? false : seek.direction === "after" ? true : more;
  const ids = new Set(reports.map((r) => r.champion_id));
  const champions = new Map(
    (await listAuthorities(ctx.db)).filter((a) => ids.has(a.id)).map((a) => [a.id, a] as const),
  );
  return {
    reports,
    champions,
    total,
    next: hasNext ? keyOf(reports[reports.length - 1]) : null,
    previous: hasPrevious ? keyOf(reports[0]) : null,
    filters: { champion: championId, area: areaCode },
  };
}

/** The list's filters' choices: the verified champions and the areas any covers. Public. */
export async function reportFilterChoices(ctx: Ctx) {
  const [bodies, areas] = await Promise.all([listAuthorities(ctx.db), repo.coveredAreas(ctx.db)]);
  return {
    champions: bodies.filter((b) => b.kind === "consumer-champion" && b.verified_at !== null),
    areas,
  };
}
