/**
 * Bids, sealed (issue 5, items 4–6; Annex IV A1–A7). See docs/tenders.md.
 *
 * - A bid is made by an organisation alone or as the lead of a consortium naming its partners and
 *   subcontractors (sector, size, share of the value; shares add up to 100%), with an answer per
 *   criterion and, unless the price is fixed, a price in pence. A bid may be replaced or withdrawn
 *   while the tender is open; the latest one counts.
 * - Every part of it — the bidder's identity included — is one canonical JSON document (RFC 8785,
 *   with a random nonce so its hash cannot be guessed), sealed to the tender's public key. The
 *   receipt is the server time of receipt, taken just before the commit (a bid at or after the
 *   deadline instant is refused), and the SHA-256 of the canonical content, which the bidder gets
 *   back with the content itself and can check, and can look up publicly by its hash.
 * - Before opening only the number of bids is shown; opening and reading the opened bids are in
 *   opening.service.ts.
 */
import { createHash, randomBytes } from "node:crypto";
import canonicalize from "canonicalize";
import type { Db, Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import { decodeBase64 } from "../../lib/base64.ts";
import { formatPercent } from "../../lib/basis-points.ts";
import type { Clock } from "../../lib/clock.ts";
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import {
  chunksOf,
  DEFAULT_ALLOWED_MEDIA_TYPES,
  detectMediaType,
  type FileContent,
  sha256Of,
  sizeOf,
} from "../../lib/file-store.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { londonDateTime } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { type Pence, parseMoney } from "../../lib/money.ts";
import { collect } from "../../lib/ports.ts";
import type { Principal } from "../access/access.service.ts";
import { hasRole, requireSignedIn } from "../access/access.service.ts";
import type { Ctx } from "../access/context.ts";
import { recordAudit, SYSTEM } from "../audit/audit.service.ts";
import { SECTORS, SIZE_BANDS } from "../organisations/organisations.service.ts";
import {
  bidderTag,
  lockCopy,
  newCopyKey,
  SealBrokenError,
  seal,
  sealStream,
  type TenderKeyring,
  unlockCopy,
  unseal,
} from "./sealing.ts";
import type { TendersCtx } from "./tenders.context.ts";
import { bidderRefusals } from "./tenders.ports.ts";
import * as repo from "./tenders.repository.ts";
import { stateOf } from "./tenders.service.ts";
import type { Bid, Tender } from "./tenders.table.ts";

export const BID_LIMITS = { answer: 20000, members: 50, name: 200, documents: 10 } as const;
export const SHARE_TOTAL_BP = 10_000;
export const BID_FORMAT = "openps-bid/1";
export const MEMBER_ROLES = ["partner", "subcontractor"] as const;
/** How long a bidder's copy of what it submitted can be downloaded from the confirmation page. */
export const COPY_HOURS = 24;

export interface BidDraft {
  organisationId?: string;
  lotIds?: string[];
  answers?: { criterionId?: string; text?: string }[];
  price?: string | null;
  consortium?: {
    leadShareBp?: number;
    members?: {
      organisationId?: string | null;
      name?: string;
      role?: string;
      sector?: string;
      sizeBand?: string;
      shareBp?: number;
    }[];
  } | null;
  /** Each document's bytes in base64 (the JSON API), or as a page received it (`content`). */
  documents?: { filename?: string; contentBase64?: string; content?: FileContent }[];
}

/** The canonical content of a bid: what is sealed, and what the receipt's SHA-256 is of. */
export interface BidContent {
  format: typeof BID_FORMAT;
  authorityId: string;
  tenderId: string;
  bidId: string;
  nonce: string;
  bidder: { organisationId: string; name: string; sector: string; sizeBand: string };
  submittedBy: string;
  consortium: {
    leadShareBp: number;
    members: {
      organisationId: string | null;
      name: string;
      role: string;
      sector: string;
      sizeBand: string;
      shareBp: number;
    }[];
  } | null;
  lotIds: string[];
  answers: { criterionId: string; text: string }[];
  pricePence: string | null;
  /** Each document sealed beside the bid, by its SHA-256. */
  documents: { position: number; filename: string; mediaType: string; size: number; sha256: string }[];
}

export interface BidReceipt {
  tenderId: string;
  bidId: string;
  receivedAt: Date;
  sha256: string;
  status: Bid["status"];
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

export function sha256Bytes(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export function binding(authorityId: string, tenderId: string): string {
  return `${authorityId}/${tenderId}`;
}

/** A published tender (drafts are not found, whoever asks), or 404: bids are for published tenders. */
async function publishedTender(db: Db, authorityId: string, tenderId: string) {
  const tender = isUuid(tenderId) ? await repo.findTender(db, authorityId, tenderId) : undefined;
  if (!tender || tender.status === "draft") throw new NotFoundError("tender");
  return tender;
}

export async function indexKeyOf(
  db: Db,
  keys: TenderKeyring,
  authorityId: string,
  tenderId: string,
): Promise<Buffer> {
  const row = await repo.keysOf(db, authorityId, tenderId);
  if (!row) throw new Error(`Tender ${tenderId} has no keys`);
  return keys.unwrap(
    { keyId: row.master_key_id, wrapped: row.wrapped_index_key },
    `${binding(authorityId, tenderId)}/index`,
  );
}

/** The tender's private key, unwrapped under the master key: zero it once used. */
export async function unwrapDataKey(
  ctx: Pick<TendersCtx, "db" | "keys">,
  authorityId: string,
  tenderId: string,
): Promise<Buffer> {
  const keys = await repo.keysOf(ctx.db, authorityId, tenderId);
  if (!keys) throw new Error(`Tender ${tenderId} has no keys`);
  return ctx.keys.unwrap(
    { keyId: keys.master_key_id, wrapped: keys.wrapped_data_key },
    `${binding(authorityId, tenderId)}/data`,
  );
}

function requireBidder(principal: Principal | null, organisationId: string): Principal {
  const p = requireSignedIn(principal);
  // Platform administrators do not bid for organisations: only the organisation's own people.
  if (!hasRole(p, ["organisation-admin", "organisation-member"], organisationId) || !isUuid(organisationId))
    throw new ForbiddenError(
      msg`You can bid only for an organisation you act for. Ask its administrator to add you to it.`,
    );
  return p;
}

function closedMessage(tender: Tender): string {
  if (tender.status === "cancelled") return msg`This tender was cancelled: it takes no bids.`;
  return msg`The deadline for bids passed at ${londonDateTime(tender.submission_deadline)}; bids received at or after it are refused.`;
}

// Checking a bid against the tender

type Documents = { meta: BidContent["documents"][number]; content: FileContent }[];
type Member = NonNullable<BidContent["consortium"]>["members"][number];

async function checkDocuments(
  draft: BidDraft,
  maxDocumentBytes: number,
  problems: FieldError[],
): Promise<Documents> {
  const documentsDraft = draft.documents ?? [];
  if (documentsDraft.length > BID_LIMITS.documents)
    problems.push({
      field: "documents",
      message: msg`A bid carries at most ${BID_LIMITS.documents} documents`,
    });
  const documents: Documents = [];
  for (const [i, d] of documentsDraft.slice(0, BID_LIMITS.documents).entries()) {
    const at = `documents.${i}`;
    const filename = (d.filename ?? "").trim().split(/[\\/]/).pop() ?? "";
    const content = d.content ?? decodeBase64(d.contentBase64);
    if (filename === "" || filename.length > 255)
      problems.push({
        field: `${at}.filename`,
        message: msg`Give document ${i + 1}'s file name, like method-statement.pdf`,
      });
    if (!content) {
      problems.push({
        field: `${at}.contentBase64`,
        message: msg`Send document ${i + 1}'s content in base64`,
      });
      continue;
    }
    const size = sizeOf(content);
    if (size > maxDocumentBytes) {
      problems.push({
        field: `${at}.contentBase64`,
        message: msg`Document ${i + 1} must be ${Math.floor(maxDocumentBytes / 1024 / 1024)} MB or smaller`,
      });
      continue;
    }
    const mediaType = await detectMediaType(content, filename);
    if (!DEFAULT_ALLOWED_MEDIA_TYPES.includes(mediaType))
      problems.push({
        field: `${at}.contentBase64`,
        message: msg`Document ${i + 1} must be a PDF, Word, Excel, OpenDocument, CSV, text, PNG or JPEG file`,
      });
    documents.push({
      meta: { position: i + 1, filename, mediaType, size, sha256: sha256Of(content) },
      content,
    });
  }
  return documents;
}

/**
 * The criteria a bid answers: every one but price and accreditation (scored by the platform from the
 * bidder's accreditation), sub-criteria rather than their parents.
 */
function leafCriteriaOf(parts: repo.TenderParts) {
  return parts.criteria.filter(
    (c) =>
      c.kind !== "price" && c.kind !== "accreditation" && !parts.criteria.some((s) => s.parent_id === c.id),
  );
}

function checkAnswers(
  draft: BidDraft,
  parts: repo.TenderParts,
  problems: FieldError[],
): BidContent["answers"] {
  const leafCriteria = leafCriteriaOf(parts);
  const answers = new Map<string, string>();
  for (const [i, a] of (draft.answers ?? []).entries()) {
    const known = leafCriteria.find((c) => c.id === a.criterionId);
    if (!known) {
      problems.push({
        field: `answers.${i}.criterionId`,
        message: msg`Answer the tender's own criteria only`,
      });
      continue;
    }
    const text = (a.text ?? "").trim();
    if (text.length > BID_LIMITS.answer)
      problems.push({
        field: `answers.${known.id}`,
        message: msg`Answer “${known.title}” in ${BID_LIMITS.answer} characters or fewer`,
      });
    answers.set(known.id, text);
  }
  for (const c of leafCriteria)
    if (!answers.get(c.id)) problems.push({ field: `answers.${c.id}`, message: msg`Answer “${c.title}”` });
  return leafCriteria.map((c) => ({ criterionId: c.id, text: answers.get(c.id) ?? "" }));
}

function checkPriceAndLots(
  tender: repo.TenderRow,
  parts: repo.TenderParts,
  draft: BidDraft,
  problems: FieldError[],
): { pricePence: Pence | null; lotIds: string[] } {
  let pricePence: Pence | null = null;
  if (tender.pricing_mode === "competitive") {
    const parsed = parseMoney(draft.price ?? "");
    if (!parsed.ok) problems.push({ field: "price", message: msg`Price: ${parsed.error}` });
    else if (parsed.value <= 0n) problems.push({ field: "price", message: msg`Enter a price above £0` });
    else pricePence = parsed.value;
  }
  const lotIds = [...new Set(draft.lotIds ?? [])].sort();
  if (parts.lots.length > 0) {
    if (lotIds.length === 0)
      problems.push({ field: "lotIds", message: msg`Choose the lots you are bidding for` });
    else if (!lotIds.every((id) => parts.lots.some((l) => l.id === id)))
      problems.push({ field: "lotIds", message: msg`Choose lots of this tender` });
  }
  return { pricePence, lotIds };
}

const isShare = (value: unknown): value is number =>
  typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= SHARE_TOTAL_BP;

function checkMember(
  m: NonNullable<NonNullable<BidDraft["consortium"]>["members"]>[number],
  i: number,
  known: repo.BiddingOrganisation[],
  problems: FieldError[],
): Member {
  const at = `consortium.members.${i}`;
  const listed = m.organisationId ? known.find((o) => o.id === m.organisationId) : undefined;
  if (m.organisationId && !listed)
    problems.push({
      field: `${at}.organisationId`,
      message: msg`Member ${i + 1} is not in the directory: choose it from there, or leave it out and give its details`,
    });
  const name = listed?.name ?? (m.name ?? "").trim();
  if (name === "" || name.length > BID_LIMITS.name)
    problems.push({
      field: `${at}.name`,
      message: msg`Enter member ${i + 1}'s name, ${BID_LIMITS.name} characters or fewer`,
    });
  const sector = listed?.sector ?? m.sector;
  if (!SECTORS.includes(sector as never))
    problems.push({ field: `${at}.sector`, message: msg`Choose member ${i + 1}'s sector` });
  const sizeBand = listed?.size_band ?? m.sizeBand;
  if (!SIZE_BANDS.includes(sizeBand as never))
    problems.push({
      field: `${at}.sizeBand`,
      message: msg`Choose member ${i + 1}'s size: micro, small, medium or large`,
    });
  if (!MEMBER_ROLES.includes(m.role as never))
    problems.push({
      field: `${at}.role`,
      message: msg`Say whether member ${i + 1} is a partner or a subcontractor`,
    });
  if (!isShare(m.shareBp))
    problems.push({
      field: `${at}.shareBp`,
      message: msg`Enter member ${i + 1}'s share of the value, from 0% to 100% (0 to 10,000 basis points)`,
    });
  return {
    organisationId: listed?.id ?? null,
    name,
    role: m.role ?? "",
    sector: sector ?? "",
    sizeBand: sizeBand ?? "",
    shareBp: m.shareBp ?? 0,
  };
}

/** The bidder and its consortium, from the directory where named there. */
async function checkBidder(db: Db, draft: BidDraft, problems: FieldError[]) {
  const organisationId = draft.organisationId ?? "";
  const membersDraft = draft.consortium?.members ?? [];
  if (membersDraft.length > BID_LIMITS.members)
    problems.push({
      field: "consortium.members",
      message: msg`A consortium names at most ${BID_LIMITS.members} members`,
    });
  const memberIds = membersDraft.map((m) => m.organisationId).filter((id): id is string => !!id);
  const known = await repo.organisationsByIds(db, [organisationId, ...memberIds].filter(isUuid));
  const lead = known.find((o) => o.id === organisationId);
  if (!lead)
    problems.push({
      field: "organisationId",
      message: msg`Choose the bidding organisation from the directory`,
    });
  const members = membersDraft.slice(0, BID_LIMITS.members).map((m, i) => checkMember(m, i, known, problems));
  const leadShareBp = draft.consortium ? draft.consortium.leadShareBp : SHARE_TOTAL_BP;
  if (draft.consortium && !isShare(leadShareBp))
    problems.push({
      field: "consortium.leadShareBp",
      message: msg`Enter the lead's share of the value, from 0% to 100% (0 to 10,000 basis points)`,
    });
  return { lead, members, leadShareBp: leadShareBp as number };
}

/** A bid well-formed field by field whose parts do not fit together, or do not fit the tender (422). */
function bidCombinationProblems(
  tender: repo.TenderRow,
  parts: repo.TenderParts,
  draft: BidDraft,
  bidder: { lead: repo.BiddingOrganisation; members: Member[]; leadShareBp: number },
  lotIds: string[],
): FieldError[] {
  const { lead, members, leadShareBp } = bidder;
  const invalid: FieldError[] = [];
  if (tender.pricing_mode !== "competitive" && draft.price)
    invalid.push({
      field: "price",
      message: msg`This tender's price is published: bids compete on quality alone, so give no price`,
    });
  if (parts.lots.length === 0 && lotIds.length > 0)
    invalid.push({ field: "lotIds", message: msg`This tender has no lots: choose none` });
  if (draft.consortium) {
    if (members.length === 0)
      invalid.push({
        field: "consortium.members",
        message: msg`Name the consortium's partners or subcontractors, or bid alone`,
      });
    const total = leadShareBp + members.reduce((s, m) => s + m.shareBp, 0);
    if (total !== SHARE_TOTAL_BP)
      invalid.push({
        field: "consortium",
        message: msg`The shares of the value add up to ${formatPercent(total)}; make the lead's and the members' shares add up to 100% (10,000 basis points)`,
      });
    const ids = members.map((m) => m.organisationId).filter((id) => id !== null);
    if (ids.includes(lead.id))
      invalid.push({
        field: "consortium.members",
        message: msg`The lead is not one of its own consortium's members`,
      });
    if (new Set(ids).size !== ids.length)
      invalid.push({ field: "consortium.members", message: msg`Name each member once` });
  }
  const refusal = refusalOf(tender, lead);
  if (refusal) invalid.push({ field: "organisationId", message: refusal });
  return invalid;
}

/** Why modules above refuse this organisation as a bidder for the tender (the `bidderRefusals` port). */
function refusalsFromAbove(
  db: Db,
  clock: Clock,
  tender: { authority_id: string; id: string },
  organisation: { id: string; name: string },
): Promise<string[]> {
  return collect(
    bidderRefusals,
    db,
    clock,
    { authorityId: tender.authority_id, tenderId: tender.id },
    organisation,
  );
}

/**
 * Why this organisation cannot bid for the tender whatever it writes, or undefined: a tender
 * reserved to public service mutuals (s.33) and an organisation with no qualifying mutual evidence.
 * The bid is refused for it (422); the bid form says so before anything is filled in.
 */
function refusalOf(
  tender: Pick<Tender, "reserved">,
  organisation: Pick<repo.BiddingOrganisation, "name" | "qualifying_mutual">,
): string | undefined {
  if (tender.reserved && !organisation.qualifying_mutual)
    return msg`This tender is reserved to public service mutuals (Procurement Act 2023, s.33) and bids from others are disregarded: ${organisation.name} has no qualifying mutual evidence in the directory`;
  return undefined;
}

/**
 * Why each of these organisations cannot bid for the tender whatever it writes (see `refusalOf`):
 * the bid form's first view says so, before anything is filled in.
 */
export async function bidRefusals(
  ctx: Ctx,
  tender: Pick<Tender, "reserved"> & Partial<Pick<Tender, "authority_id" | "id">>,
  organisationIds: readonly string[],
): Promise<Map<string, string>> {
  const found = await repo.organisationsByIds(ctx.db, organisationIds.filter(isUuid));
  const refusals = new Map<string, string>();
  for (const o of found) {
    const { authority_id, id } = tender;
    const above =
      authority_id && id ? await refusalsFromAbove(ctx.db, ctx.clock, { authority_id, id }, o) : [];
    const refusal = [refusalOf(tender, o), ...above].filter((r) => r !== undefined).join(" ");
    if (refusal) refusals.set(o.id, refusal);
  }
  return refusals;
}

/** Organisations of the directory by id, with their names (a bid form's chosen consortium members). */
export async function directoryNames(
  ctx: Ctx,
  ids: readonly string[],
): Promise<{ id: string; name: string }[]> {
  return (await repo.organisationsByIds(ctx.db, [...new Set(ids.filter(isUuid))])).map((o) => ({
    id: o.id,
    name: o.name,
  }));
}

/** Checks a bid against the tender (400 per field, then 422), giving its canonical content. */
async function checkBid(
  db: Db,
  clock: Clock,
  tender: repo.TenderRow,
  parts: repo.TenderParts,
  principal: Principal,
  bidId: string,
  draft: BidDraft,
  maxDocumentBytes: number,
): Promise<{ content: BidContent; documents: FileContent[] }> {
  const problems: FieldError[] = [];
  const documents = await checkDocuments(draft, maxDocumentBytes, problems);
  const answers = checkAnswers(draft, parts, problems);
  const { pricePence, lotIds } = checkPriceAndLots(tender, parts, draft, problems);
  const { lead, members, leadShareBp } = await checkBidder(db, draft, problems);
  if (problems.length > 0 || !lead) throw new ValidationError(msg`Check the bid`, problems);
  const invalid = bidCombinationProblems(tender, parts, draft, { lead, members, leadShareBp }, lotIds);
  for (const refusal of await refusalsFromAbove(db, clock, tender, lead))
    invalid.push({ field: "organisationId", message: refusal });
  if (invalid.length > 0)
    throw new UnprocessableError(msg`This bid does not fit the tender`, invalid, "bid_invalid_combination");
  const content: BidContent = {
    format: BID_FORMAT,
    authorityId: tender.authority_id,
    tenderId: tender.id,
    bidId,
    nonce: randomBytes(16).toString("base64url"),
    bidder: { organisationId: lead.id, name: lead.name, sector: lead.sector, sizeBand: lead.size_band },
    submittedBy: principal.userId,
    consortium: draft.consortium ? { leadShareBp, members } : null,
    lotIds,
    answers,
    pricePence: pricePence === null ? null : pricePence.toString(),
    documents: documents.map((d) => d.meta),
  };
  return { content, documents: documents.map((d) => d.content) };
}

// Submitting and withdrawing

export interface SubmittedBid {
  receipt: BidReceipt;
  /** The canonical content as sealed: its SHA-256 is the receipt's. */
  content: string;
  /** The bid it replaced, if any. */
  replaced: string | null;
  /**
   * The key (base64url) of the bidder's copy kept for the confirmation page, when asked for
   * (`keepCopy`): the server keeps the copy locked under it, and never the key.
   */
  copyKey: string | null;
}

/**
 * The tender locked and open for bids (409 otherwise), read in the bidder's transaction once
 * `publishedTender` has found it and the bidder has been checked.
 */
async function tenderOpenForBids(ctx: Ctx & { db: Trx }, authorityId: string, tenderId: string) {
  const locked = await repo.lockTender(ctx.db, authorityId, tenderId);
  const tender = await repo.findTender(ctx.db, authorityId, tenderId);
  if (!locked || !tender) throw new NotFoundError("tender");
  if (stateOf(locked, ctx.clock.now()) !== "open")
    throw new ConflictError(closedMessage(locked), "tender_closed");
  return { locked, tender };
}

/**
 * Seals a checked bid and its documents to the tender's key, with who submitted it. Each document is
 * sealed as it is read, into the file store (`sealStream`): never whole in memory.
 */
async function sealBid(
  ctx: TendersCtx & { db: Trx },
  p: Principal,
  content: BidContent,
  documents: FileContent[],
  sealedDocuments: string[],
) {
  const { authorityId, tenderId, bidId } = content;
  const canonical = canonicalize(content) as string;
  const keys = await repo.keysOf(ctx.db, authorityId, tenderId);
  if (!keys) throw new Error(`Tender ${tenderId} has no keys`);
  const at = `${binding(authorityId, tenderId)}/${bidId}`;
  const tag = bidderTag(
    await indexKeyOf(ctx.db, ctx.keys, authorityId, tenderId),
    content.bidder.organisationId,
  );
  for (const [i, document] of documents.entries()) {
    const sealed = sealStream(
      keys.public_key,
      `${at}/documents/${i + 1}`,
      chunksOf(document),
      sizeOf(document),
    );
    sealedDocuments.push((await ctx.files.putSealed(sealed)).key);
  }
  return {
    canonical,
    sha256: sha256Hex(canonical),
    tag,
    sealed: seal(keys.public_key, at, canonical),
    // Who submitted it, sealed too: the audit chain stays tamper-evident without naming the bidder.
    sealedSubmitter: seal(
      keys.public_key,
      `${at}/submitter`,
      JSON.stringify({ userId: p.userId, organisationId: content.bidder.organisationId }),
    ),
    sealedDocuments,
  };
}

/**
 * Submits (or replaces) an organisation's bid while the tender is open: for the organisation's own
 * people, once it has registered its interest. 404 for a draft or unknown tender, then 403 for
 * anyone else, then 409. The time of receipt is read after everything else is done, just before the
 * commit: at or after the deadline, refused (409), and the documents sealed for it removed again.
 * With `keepCopy` (the bid form), a copy of the canonical content is kept for `COPY_HOURS`, locked
 * under a fresh key that only the answer carries (`copyKey`), for the bidder to download.
 */
export async function submitBid(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
  draft: BidDraft,
  options: { keepCopy?: boolean } = {},
): Promise<SubmittedBid> {
  requireSignedIn(ctx.principal);
  const sealedDocuments: string[] = [];
  return transaction(ctx.db, async (trx) => {
    const inTrx = { ...ctx, db: trx };
    await publishedTender(trx, authorityId, tenderId);
    const p = requireBidder(ctx.principal, draft.organisationId ?? "");
    const { locked, tender } = await tenderOpenForBids(inTrx, authorityId, tenderId);
    if (!(await repo.hasInterest(trx, authorityId, tenderId, draft.organisationId as string)))
      throw new ConflictError(
        msg`Register your organisation's interest in this tender before bidding: that is how you are told of answers to questions, amendments and cancellation.`,
        "interest_required",
      );
    const parts = await repo.partsOf(trx, authorityId, tenderId);
    const bidId = newId();
    const { content, documents } = await checkBid(
      trx,
      ctx.clock,
      tender,
      parts,
      p,
      bidId,
      draft,
      ctx.maxDocumentBytes,
    );
    const sealed = await sealBid(inTrx, p, content, documents, sealedDocuments);
    const previous = await repo.currentBidOfTag(trx, authorityId, tenderId, sealed.tag);
    const receivedAt = ctx.clock.now();
    if (receivedAt.getTime() >= locked.submission_deadline.getTime())
      throw new ConflictError(closedMessage(locked), "tender_closed");
    if (previous) await repo.endBid(trx, authorityId, previous.id, "replaced", receivedAt);
    await repo.insertBid(trx, {
      authority_id: authorityId,
      id: bidId,
      tender_id: tenderId,
      bidder_tag: sealed.tag,
      sealed: sealed.sealed,
      content_sha256: sealed.sha256,
      received_at: receivedAt,
      status: "current",
      ended_at: null,
      organisation_id: null,
      integrity: null,
    });
    await repo.insertBidDocuments(
      trx,
      sealed.sealedDocuments.map((key, i) => ({
        authority_id: authorityId,
        bid_id: bidId,
        position: i + 1,
        sealed_file: key,
      })),
    );
    const copyKey = options.keepCopy ? newCopyKey() : null;
    if (copyKey)
      await repo.insertBidCopy(
        trx,
        {
          authority_id: authorityId,
          bid_id: bidId,
          tender_id: tenderId,
          locked: lockCopy(copyKey, `${binding(authorityId, tenderId)}/${bidId}`, sealed.canonical),
          expires_at: new Date(receivedAt.getTime() + COPY_HOURS * 60 * 60 * 1000),
        },
        receivedAt,
      );
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: SYSTEM("sealed-bids"),
      action: previous ? "bid.replaced" : "bid.received",
      entity: { type: "tender", id: tenderId },
      changes: {
        bidId,
        sha256: sealed.sha256,
        receivedAt,
        replaces: previous?.id ?? null,
        sealedSubmitter: sealed.sealedSubmitter,
      },
    });
    return {
      receipt: { tenderId, bidId, receivedAt, sha256: sealed.sha256, status: "current" as const },
      content: sealed.canonical,
      replaced: previous?.id ?? null,
      copyKey: copyKey?.toString("base64url") ?? null,
    };
  }).catch(async (error: unknown) => {
    // Sealed with fresh keys, these documents are no other bid's: nothing refused is kept.
    await Promise.all(sealedDocuments.map((key) => ctx.files.removeSealed(key)));
    throw error;
  });
}

/**
 * Withdraws an organisation's current bid while the tender is open: the organisation's own people
 * (404 for a draft or unknown tender, then 403, then 409).
 */
export async function withdrawBid(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
  organisationId: string,
): Promise<BidReceipt> {
  requireSignedIn(ctx.principal);
  return transaction(ctx.db, async (trx) => {
    await publishedTender(trx, authorityId, tenderId);
    requireBidder(ctx.principal, organisationId);
    const locked = await repo.lockTender(trx, authorityId, tenderId);
    if (!locked) throw new NotFoundError("tender");
    if (stateOf(locked, ctx.clock.now()) !== "open")
      throw new ConflictError(closedMessage(locked), "tender_closed");
    const tag = bidderTag(await indexKeyOf(trx, ctx.keys, authorityId, tenderId), organisationId);
    const current = await repo.currentBidOfTag(trx, authorityId, tenderId, tag);
    if (!current) throw new NotFoundError("bid to withdraw");
    const at = ctx.clock.now();
    if (at.getTime() >= locked.submission_deadline.getTime())
      throw new ConflictError(closedMessage(locked), "tender_closed");
    await repo.endBid(trx, authorityId, current.id, "withdrawn", at);
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: SYSTEM("sealed-bids"),
      action: "bid.withdrawn",
      entity: { type: "tender", id: tenderId },
      changes: { bidId: current.id, sha256: current.content_sha256 },
    });
    return receiptOf({ ...current, status: "withdrawn" });
  });
}

// Receipts

export function receiptOf(
  bid: Pick<Bid, "tender_id" | "id" | "received_at" | "content_sha256" | "status">,
): BidReceipt {
  return {
    tenderId: bid.tender_id,
    bidId: bid.id,
    receivedAt: bid.received_at,
    sha256: bid.content_sha256,
    status: bid.status,
  };
}

/** An organisation's receipts for a tender, latest first: for its own people only (404, then 403). */
export async function receiptsOf(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
  organisationId: string,
): Promise<BidReceipt[]> {
  requireSignedIn(ctx.principal);
  await publishedTender(ctx.db, authorityId, tenderId);
  requireBidder(ctx.principal, organisationId);
  const tag = bidderTag(await indexKeyOf(ctx.db, ctx.keys, authorityId, tenderId), organisationId);
  return (await repo.bidsOfTag(ctx.db, authorityId, tenderId, tag)).map(receiptOf);
}

/** A receipt's SHA-256 as typed: 64 hexadecimal characters, any case, spaces around ignored. */
function receiptHash(sha256: string): string | undefined {
  const hash = sha256.trim().toLowerCase();
  return /^[0-9a-f]{64}$/.test(hash) ? hash : undefined;
}

/**
 * Anyone may check a receipt: was a bid with this SHA-256 received for this tender, when, and does
 * it still count? Never whose it is. 404 for a draft or unknown tender; 400 for what is not a
 * SHA-256; null when no bid of the tender has it.
 */
export async function findReceipt(
  ctx: Ctx,
  authorityId: string,
  tenderId: string,
  sha256: string,
): Promise<BidReceipt | null> {
  await publishedTender(ctx.db, authorityId, tenderId);
  const hash = receiptHash(sha256);
  if (!hash)
    throw new ValidationError(msg`Check the receipt`, [
      {
        field: "sha256",
        message: msg`Enter the SHA-256 from the receipt: 64 characters, each 0 to 9 or a to f`,
      },
    ]);
  const found = await repo.bidByHash(ctx.db, authorityId, tenderId, hash);
  return found
    ? {
        tenderId,
        bidId: found.id,
        receivedAt: found.received_at,
        sha256: found.content_sha256,
        status: found.status,
      }
    : null;
}

/** A receipt by its SHA-256 (the API): 404 for a draft or unknown tender, or when no bid has it. */
export async function checkReceipt(
  ctx: Ctx,
  authorityId: string,
  tenderId: string,
  sha256: string,
): Promise<BidReceipt> {
  await publishedTender(ctx.db, authorityId, tenderId);
  const found = receiptHash(sha256) === sha256 ? await findReceipt(ctx, authorityId, tenderId, sha256) : null;
  if (!found) throw new NotFoundError("bid with that receipt");
  return found;
}

/**
 * The organisations the person asking bids for whose tag is this one: found by the tender's index
 * key (the bidder tag mechanism), so no bid names its bidder.
 */
async function ownOrganisationsByTag(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
): Promise<Map<string, { id: string; name: string }>> {
  const organisations = await biddingOrganisations(ctx);
  if (organisations.length === 0) return new Map();
  const indexKey = await indexKeyOf(ctx.db, ctx.keys, authorityId, tenderId);
  try {
    return new Map(organisations.map((o) => [bidderTag(indexKey, o.id), o]));
  } finally {
    indexKey.fill(0);
  }
}

/**
 * The current bid of each organisation the person asking bids for, on a published tender (the
 * tender page's "you have a bid in"): found by their tags, never revealing anyone else's.
 */
export async function ownCurrentBids(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
): Promise<{ organisation: { id: string; name: string }; receipt: BidReceipt }[]> {
  const tender = isUuid(tenderId) ? await repo.findTender(ctx.db, authorityId, tenderId) : undefined;
  if (!ctx.principal || !tender || tender.status === "draft") return [];
  const own = await ownOrganisationsByTag(ctx, authorityId, tenderId);
  const found = [];
  for (const [tag, organisation] of own) {
    const bid = await repo.currentBidOfTag(ctx.db, authorityId, tenderId, tag);
    if (bid) found.push({ organisation, receipt: receiptOf(bid) });
  }
  return found.sort((a, b) => a.organisation.name.localeCompare(b.organisation.name));
}

export interface OwnBid {
  receipt: BidReceipt;
  /** The organisation the bid is for: one the person asking bids for. */
  organisation: { id: string; name: string };
  /** The bidder's copy of what it submitted (the canonical content), when its key opens one. */
  copy: string | null;
}

/**
 * One of the bids of an organisation the person asking bids for (the confirmation page): 401, then
 * 404 for a draft or unknown tender, an unknown bid, or a bid that is not theirs (found by its tag).
 * With the key of the bidder's copy (`copyKey`, base64url), the copy too while it lasts, checked
 * against the receipt's SHA-256; null when it has expired or the key does not open it.
 */
export async function ownBid(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
  bidId: string,
  copyKey = "",
): Promise<OwnBid> {
  requireSignedIn(ctx.principal);
  await publishedTender(ctx.db, authorityId, tenderId);
  const bid = isUuid(bidId) ? await repo.findBid(ctx.db, authorityId, tenderId, bidId) : undefined;
  const organisation = bid
    ? (await ownOrganisationsByTag(ctx, authorityId, tenderId)).get(bid.bidder_tag)
    : undefined;
  if (!bid || !organisation) throw new NotFoundError("bid");
  const locked = copyKey
    ? await repo.bidCopyOf(ctx.db, authorityId, tenderId, bid.id, ctx.clock.now())
    : undefined;
  let copy: string | null = null;
  if (locked)
    try {
      const text = unlockCopy(
        Buffer.from(copyKey, "base64url"),
        `${binding(authorityId, tenderId)}/${bid.id}`,
        locked.locked,
      ).toString("utf8");
      copy = sha256Hex(text) === bid.content_sha256 ? text : null;
    } catch (error) {
      if (!(error instanceof SealBrokenError)) throw error;
    }
  return { receipt: receiptOf(bid), organisation, copy };
}

/** The organisations this person may bid for (those they act for), with their names. */
export async function biddingOrganisations(ctx: Ctx): Promise<{ id: string; name: string }[]> {
  const { principal } = ctx;
  if (!principal) return [];
  const ids = principal.grants
    .filter((g) => g.role === "organisation-admin" || g.role === "organisation-member")
    .map((g) => g.scopeId);
  const found = await repo.organisationsByIds(ctx.db, [...new Set(ids)]);
  return found.map((o) => ({ id: o.id, name: o.name })).sort((a, b) => a.name.localeCompare(b.name));
}

// Opening a sealed bid (opening.service.ts decides who may)

export interface OpenedBid {
  receipt: BidReceipt;
  integrity: "verified" | "broken";
  content: BidContent | null;
}

/** Opens one bid with the tender's private key, checking it against its receipt. */
export function openOne(privateKey: Buffer, bid: Bid): OpenedBid {
  try {
    const canonical = unseal(
      privateKey,
      `${binding(bid.authority_id, bid.tender_id)}/${bid.id}`,
      bid.sealed,
    ).toString("utf8");
    const content = JSON.parse(canonical) as BidContent;
    const verified =
      sha256Hex(canonical) === bid.content_sha256 &&
      content.bidId === bid.id &&
      content.tenderId === bid.tender_id &&
      content.authorityId === bid.authority_id;
    return {
      receipt: receiptOf(bid),
      integrity: verified ? "verified" : "broken",
      content: verified ? content : null,
    };
  } catch (error) {
    if (!(error instanceof SealBrokenError) && !(error instanceof SyntaxError)) throw error;
    return { receipt: receiptOf(bid), integrity: "broken", content: null };
  }
}
