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
 * - Before opening only the number of bids is shown. Opening needs two distinct bid openers of the
 *   authority, both signed in with two-factor, after the deadline; the second confirmation unwraps
 *   the tender's private key and opens every bid, checking each against its receipt. Opened bids
 *   are shown only to the authority's openers and the tender's assigned evaluators.
 * - Every refused attempt to read bids early or to open alone is recorded on the authority's audit
 *   chain (in a transaction of its own, as the refused action's is rolled back) and put in the
 *   inbox of the authority's administrators.
 */
import { createHash, randomBytes } from "node:crypto";
import canonicalize from "canonicalize";
import type { Db, Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import type { Clock } from "../../lib/clock.ts";
import {
  ConflictError,
  type DomainError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import { DEFAULT_ALLOWED_MEDIA_TYPES, detectMediaType } from "../../lib/file-store.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { type Pence, parseMoney } from "../../lib/money.ts";
import { answerer } from "../../lib/ports.ts";
import type { Principal } from "../access/access.service.ts";
import { actorOf, hasRole, requireSignedIn } from "../access/access.service.ts";
import { personalRef, recordAudit, SYSTEM } from "../audit/audit.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import { SECTORS, SIZE_BANDS } from "../organisations/organisations.service.ts";
import { bidderTag, SealBrokenError, seal, type TenderKeyring, unseal } from "./sealing.ts";
import { evaluatorDeclaration } from "./tenders.ports.ts";
import * as repo from "./tenders.repository.ts";
import { decodeBase64, londonDateTime, stateOf } from "./tenders.service.ts";
import type { Bid, Tender } from "./tenders.table.ts";

export const BID_LIMITS = { answer: 20000, members: 50, name: 200, documents: 10 } as const;
export const SHARE_TOTAL_BP = 10_000;
export const BID_FORMAT = "openps-bid/1";
export const MEMBER_ROLES = ["partner", "subcontractor"] as const;

/** What the bids service needs besides a transaction. */
export interface BidsContext {
  db: Db;
  clock: Clock;
  keys: TenderKeyring;
  /** Email notifications too (a mailer is configured). */
  email: boolean;
  /** The largest document a bid may carry, in bytes (OPENPS_MAX_UPLOAD_BYTES). */
  maxDocumentBytes: number;
}

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
  documents?: { filename?: string; contentBase64?: string }[];
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

function sha256Bytes(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function binding(authorityId: string, tenderId: string): string {
  return `${authorityId}/${tenderId}`;
}

async function publishedTender(db: Db, authorityId: string, tenderId: string) {
  const tender = isUuid(tenderId) ? await repo.findTender(db, authorityId, tenderId) : undefined;
  if (!tender || tender.status === "draft") throw new NotFoundError("tender");
  return tender;
}

async function indexKeyOf(
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

function requireBidder(principal: Principal | null, organisationId: string): Principal {
  const p = requireSignedIn(principal);
  // Platform administrators do not bid for organisations: only the organisation's own people.
  if (!hasRole(p, ["organisation-admin", "organisation-member"], organisationId) || !isUuid(organisationId))
    throw new ForbiddenError(
      "You can bid only for an organisation you act for. Ask its administrator to add you to it.",
    );
  return p;
}

function closedMessage(tender: Tender): string {
  if (tender.status === "cancelled") return "This tender was cancelled: it takes no bids.";
  return `The deadline for bids passed at ${londonDateTime(tender.submission_deadline)}; bids received at or after it are refused.`;
}

/** Checks a bid against the tender (400 per field, then 422), giving its canonical content. */
async function checkBid(
  db: Db,
  tender: repo.TenderRow,
  parts: repo.TenderParts,
  principal: Principal,
  bidId: string,
  draft: BidDraft,
  maxDocumentBytes: number,
): Promise<{ content: BidContent; documents: Uint8Array[] }> {
  const problems: FieldError[] = [];
  const documentsDraft = draft.documents ?? [];
  if (documentsDraft.length > BID_LIMITS.documents)
    problems.push({ field: "documents", message: `A bid carries at most ${BID_LIMITS.documents} documents` });
  const documents: { meta: BidContent["documents"][number]; bytes: Uint8Array }[] = [];
  for (const [i, d] of documentsDraft.slice(0, BID_LIMITS.documents).entries()) {
    const at = `documents.${i}`;
    const filename = (d.filename ?? "").trim().split(/[\\/]/).pop() ?? "";
    const bytes = decodeBase64(d.contentBase64);
    if (filename === "" || filename.length > 255)
      problems.push({
        field: `${at}.filename`,
        message: `Give document ${i + 1}'s file name, like method-statement.pdf`,
      });
    if (!bytes) {
      problems.push({ field: `${at}.contentBase64`, message: `Send document ${i + 1}'s content in base64` });
      continue;
    }
    if (bytes.byteLength > maxDocumentBytes) {
      problems.push({
        field: `${at}.contentBase64`,
        message: `Document ${i + 1} must be ${Math.floor(maxDocumentBytes / 1024 / 1024)} MB or smaller`,
      });
      continue;
    }
    const mediaType = await detectMediaType(bytes, filename);
    if (!DEFAULT_ALLOWED_MEDIA_TYPES.includes(mediaType))
      problems.push({
        field: `${at}.contentBase64`,
        message: `Document ${i + 1} must be a PDF, Word, Excel, OpenDocument, CSV, text, PNG or JPEG file`,
      });
    documents.push({
      meta: { position: i + 1, filename, mediaType, size: bytes.byteLength, sha256: sha256Bytes(bytes) },
      bytes,
    });
  }
  const organisationId = draft.organisationId ?? "";
  const leafCriteria = parts.criteria.filter(
    (c) => c.kind !== "price" && !parts.criteria.some((s) => s.parent_id === c.id),
  );
  const answers = new Map<string, string>();
  for (const [i, a] of (draft.answers ?? []).entries()) {
    const known = leafCriteria.find((c) => c.id === a.criterionId);
    if (!known) {
      problems.push({ field: `answers.${i}.criterionId`, message: "Answer the tender's own criteria only" });
      continue;
    }
    const text = (a.text ?? "").trim();
    if (text.length > BID_LIMITS.answer)
      problems.push({
        field: `answers.${known.id}`,
        message: `Answer “${known.title}” in ${BID_LIMITS.answer} characters or fewer`,
      });
    answers.set(known.id, text);
  }
  for (const c of leafCriteria)
    if (!answers.get(c.id)) problems.push({ field: `answers.${c.id}`, message: `Answer “${c.title}”` });

  let pricePence: Pence | null = null;
  if (tender.pricing_mode === "competitive") {
    const parsed = parseMoney(draft.price ?? "");
    if (!parsed.ok) problems.push({ field: "price", message: `Price: ${parsed.error}` });
    else if (parsed.value <= 0n) problems.push({ field: "price", message: "Enter a price above £0" });
    else pricePence = parsed.value;
  }

  const lotIds = [...new Set(draft.lotIds ?? [])].sort();
  if (parts.lots.length > 0) {
    if (lotIds.length === 0)
      problems.push({ field: "lotIds", message: "Choose the lots you are bidding for" });
    else if (!lotIds.every((id) => parts.lots.some((l) => l.id === id)))
      problems.push({ field: "lotIds", message: "Choose lots of this tender" });
  }

  const membersDraft = draft.consortium?.members ?? [];
  if (membersDraft.length > BID_LIMITS.members)
    problems.push({
      field: "consortium.members",
      message: `A consortium names at most ${BID_LIMITS.members} members`,
    });
  const memberIds = membersDraft.map((m) => m.organisationId).filter((id): id is string => !!id);
  const known = await repo.organisationsByIds(db, [organisationId, ...memberIds].filter(isUuid));
  const lead = known.find((o) => o.id === organisationId);
  if (!lead)
    problems.push({ field: "organisationId", message: "Choose the bidding organisation from the directory" });
  const members = membersDraft.slice(0, BID_LIMITS.members).map((m, i) => {
    const at = `consortium.members.${i}`;
    const listed = m.organisationId ? known.find((o) => o.id === m.organisationId) : undefined;
    if (m.organisationId && !listed)
      problems.push({
        field: `${at}.organisationId`,
        message: `Member ${i + 1} is not in the directory: choose it from there, or leave it out and give its details`,
      });
    const name = listed?.name ?? (m.name ?? "").trim();
    if (name === "" || name.length > BID_LIMITS.name)
      problems.push({
        field: `${at}.name`,
        message: `Enter member ${i + 1}'s name, ${BID_LIMITS.name} characters or fewer`,
      });
    const sector = listed?.sector ?? m.sector;
    if (!SECTORS.includes(sector as never))
      problems.push({ field: `${at}.sector`, message: `Choose member ${i + 1}'s sector` });
    const sizeBand = listed?.size_band ?? m.sizeBand;
    if (!SIZE_BANDS.includes(sizeBand as never))
      problems.push({
        field: `${at}.sizeBand`,
        message: `Choose member ${i + 1}'s size: micro, small, medium or large`,
      });
    if (!MEMBER_ROLES.includes(m.role as never))
      problems.push({
        field: `${at}.role`,
        message: `Say whether member ${i + 1} is a partner or a subcontractor`,
      });
    if (
      typeof m.shareBp !== "number" ||
      !Number.isInteger(m.shareBp) ||
      m.shareBp < 0 ||
      m.shareBp > SHARE_TOTAL_BP
    )
      problems.push({
        field: `${at}.shareBp`,
        message: `Enter member ${i + 1}'s share of the value in basis points, 0 to 10,000`,
      });
    return {
      organisationId: listed?.id ?? null,
      name,
      role: m.role ?? "",
      sector: sector ?? "",
      sizeBand: sizeBand ?? "",
      shareBp: m.shareBp ?? 0,
    };
  });
  const leadShareBp = draft.consortium ? draft.consortium.leadShareBp : SHARE_TOTAL_BP;
  if (
    draft.consortium &&
    (typeof leadShareBp !== "number" ||
      !Number.isInteger(leadShareBp) ||
      leadShareBp < 0 ||
      leadShareBp > SHARE_TOTAL_BP)
  )
    problems.push({
      field: "consortium.leadShareBp",
      message: "Enter the lead's share of the value in basis points, 0 to 10,000",
    });
  if (problems.length > 0 || !lead) throw new ValidationError("Check the bid", problems);

  const invalid: FieldError[] = [];
  if (tender.pricing_mode !== "competitive" && draft.price)
    invalid.push({
      field: "price",
      message: "This tender's price is published: bids compete on quality alone, so give no price",
    });
  if (parts.lots.length === 0 && lotIds.length > 0)
    invalid.push({ field: "lotIds", message: "This tender has no lots: choose none" });
  if (draft.consortium) {
    if (members.length === 0)
      invalid.push({
        field: "consortium.members",
        message: "Name the consortium's partners or subcontractors, or bid alone",
      });
    const total = (leadShareBp as number) + members.reduce((s, m) => s + m.shareBp, 0);
    if (total !== SHARE_TOTAL_BP)
      invalid.push({
        field: "consortium",
        message: `The shares of the value add up to ${(total / 100).toFixed(2).replace(/\.?0+$/, "")}%; make the lead's and the members' shares add up to 100% (10,000 basis points)`,
      });
    const ids = members.map((m) => m.organisationId).filter((id) => id !== null);
    if (ids.includes(organisationId))
      invalid.push({
        field: "consortium.members",
        message: "The lead is not one of its own consortium's members",
      });
    if (new Set(ids).size !== ids.length)
      invalid.push({ field: "consortium.members", message: "Name each member once" });
  }
  if (tender.reserved && !lead.qualifying_mutual)
    invalid.push({
      field: "organisationId",
      message: `This tender is reserved to public service mutuals (Procurement Act 2023, s.33) and bids from others are disregarded: ${lead.name} has no qualifying mutual evidence in the directory`,
    });
  if (invalid.length > 0)
    throw new UnprocessableError("This bid does not fit the tender", invalid, "bid_invalid_combination");

  const content: BidContent = {
    format: BID_FORMAT,
    authorityId: tender.authority_id,
    tenderId: tender.id,
    bidId,
    nonce: randomBytes(16).toString("base64url"),
    bidder: { organisationId: lead.id, name: lead.name, sector: lead.sector, sizeBand: lead.size_band },
    submittedBy: principal.userId,
    consortium: draft.consortium ? { leadShareBp: leadShareBp as number, members } : null,
    lotIds,
    answers: leafCriteria.map((c) => ({ criterionId: c.id, text: answers.get(c.id) ?? "" })),
    pricePence: pricePence === null ? null : pricePence.toString(),
    documents: documents.map((d) => d.meta),
  };
  return { content, documents: documents.map((d) => d.bytes) };
}

export interface SubmittedBid {
  receipt: BidReceipt;
  /** The canonical content as sealed: its SHA-256 is the receipt's. */
  content: string;
  /** The bid it replaced, if any. */
  replaced: string | null;
}

/**
 * Submits (or replaces) an organisation's bid while the tender is open. The time of receipt is read
 * after everything else is done, just before the commit: at or after the deadline, refused (409).
 */
export async function submitBid(
  trx: Trx,
  ctx: BidsContext,
  principal: Principal | null,
  authorityId: string,
  tenderId: string,
  draft: BidDraft,
): Promise<SubmittedBid> {
  const p = requireBidder(principal, draft.organisationId ?? "");
  await publishedTender(trx, authorityId, tenderId);
  const locked = await repo.lockTender(trx, authorityId, tenderId);
  const tender = await repo.findTender(trx, authorityId, tenderId);
  if (!locked || !tender) throw new NotFoundError("tender");
  if (stateOf(locked, ctx.clock.now()) !== "open")
    throw new ConflictError(closedMessage(locked), "tender_closed");
  if (!(await repo.hasInterest(trx, authorityId, tenderId, draft.organisationId as string)))
    throw new ConflictError(
      "Register your organisation's interest in this tender before bidding: that is how you are told of answers to questions, amendments and cancellation.",
      "interest_required",
    );
  const parts = await repo.partsOf(trx, authorityId, tenderId);
  const bidId = newId();
  const { content, documents } = await checkBid(trx, tender, parts, p, bidId, draft, ctx.maxDocumentBytes);
  const canonical = canonicalize(content) as string;
  const sha256 = sha256Hex(canonical);
  const keys = await repo.keysOf(trx, authorityId, tenderId);
  if (!keys) throw new Error(`Tender ${tenderId} has no keys`);
  const sealed = seal(keys.public_key, `${binding(authorityId, tenderId)}/${bidId}`, canonical);
  const tag = bidderTag(
    await indexKeyOf(trx, ctx.keys, authorityId, tenderId),
    content.bidder.organisationId,
  );
  const previous = await repo.currentBidOfTag(trx, authorityId, tenderId, tag);
  // Who submitted it, sealed too: the audit chain stays tamper-evident without naming the bidder.
  const sealedSubmitter = seal(
    keys.public_key,
    `${binding(authorityId, tenderId)}/${bidId}/submitter`,
    JSON.stringify({ userId: p.userId, organisationId: content.bidder.organisationId }),
  );
  const receivedAt = ctx.clock.now();
  if (receivedAt.getTime() >= locked.submission_deadline.getTime())
    throw new ConflictError(closedMessage(locked), "tender_closed");
  if (previous) await repo.endBid(trx, authorityId, previous.id, "replaced", receivedAt);
  await repo.insertBid(trx, {
    authority_id: authorityId,
    id: bidId,
    tender_id: tenderId,
    bidder_tag: tag,
    sealed,
    content_sha256: sha256,
    received_at: receivedAt,
    status: "current",
    ended_at: null,
    organisation_id: null,
    integrity: null,
  });
  await repo.insertBidDocuments(
    trx,
    documents.map((bytes, i) => ({
      authority_id: authorityId,
      bid_id: bidId,
      position: i + 1,
      sealed: seal(
        keys.public_key,
        `${binding(authorityId, tenderId)}/${bidId}/documents/${i + 1}`,
        Buffer.from(bytes),
      ),
    })),
  );
  await recordAudit(trx, ctx.clock, {
    authorityId,
    actor: SYSTEM("sealed-bids"),
    action: previous ? "bid.replaced" : "bid.received",
    entity: { type: "tender", id: tenderId },
    changes: { bidId, sha256, receivedAt, replaces: previous?.id ?? null, sealedSubmitter },
  });
  return {
    receipt: { tenderId, bidId, receivedAt, sha256, status: "current" },
    content: canonical,
    replaced: previous?.id ?? null,
  };
}

/** Withdraws an organisation's current bid while the tender is open. */
export async function withdrawBid(
  trx: Trx,
  ctx: BidsContext,
  principal: Principal | null,
  authorityId: string,
  tenderId: string,
  organisationId: string,
): Promise<BidReceipt> {
  requireBidder(principal, organisationId);
  await publishedTender(trx, authorityId, tenderId);
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
  return {
    tenderId,
    bidId: current.id,
    receivedAt: current.received_at,
    sha256: current.content_sha256,
    status: "withdrawn",
  };
}

function receiptOf(
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

/** An organisation's receipts for a tender, latest first: for its own people only. */
export async function receiptsOf(
  ctx: BidsContext,
  principal: Principal | null,
  authorityId: string,
  tenderId: string,
  organisationId: string,
): Promise<BidReceipt[]> {
  requireBidder(principal, organisationId);
  await publishedTender(ctx.db, authorityId, tenderId);
  const tag = bidderTag(await indexKeyOf(ctx.db, ctx.keys, authorityId, tenderId), organisationId);
  return (await repo.bidsOfTag(ctx.db, authorityId, tenderId, tag)).map(receiptOf);
}

/** Anyone may check a receipt: was a bid with this SHA-256 received, when, and does it still count? */
export async function checkReceipt(
  db: Db,
  authorityId: string,
  tenderId: string,
  sha256: string,
): Promise<Omit<BidReceipt, "tenderId"> & { tenderId: string }> {
  await publishedTender(db, authorityId, tenderId);
  const found = /^[0-9a-f]{64}$/.test(sha256)
    ? await repo.bidByHash(db, authorityId, tenderId, sha256)
    : undefined;
  if (!found) throw new NotFoundError("bid with that receipt");
  return {
    tenderId,
    bidId: found.id,
    receivedAt: found.received_at,
    sha256: found.content_sha256,
    status: found.status,
  };
}

// Refused attempts (A7)

type Attempt = "bids-read" | "opening";

/**
 * Records a refused attempt on the authority's chain, in a transaction of its own (the refused
 * action's is rolled back), and tells the authority's administrators. Then rethrows.
 */
async function refuse(
  ctx: BidsContext,
  principal: Principal,
  tender: Tender,
  attempt: Attempt,
  error: DomainError,
  reason: string,
): Promise<never> {
  await transaction(ctx.db, async (trx) => {
    await recordAudit(trx, ctx.clock, {
      authorityId: tender.authority_id,
      actor: actorOf(principal),
      action: attempt === "opening" ? "tender.opening-refused" : "tender.bids-read-refused",
      entity: { type: "tender", id: tender.id },
      changes: {
        reason,
        state: stateOf(tender, ctx.clock.now()),
        by: personalRef("users", principal.userId),
      },
    });
    const admins = await repo.authorityRoleHolders(trx, "authority-admin", tender.authority_id);
    const what = attempt === "opening" ? "open the bids" : "read the bids";
    for (const userId of admins)
      await notify(
        trx,
        ctx.clock,
        {
          userId,
          authorityId: tender.authority_id,
          kind: "tender.attempt-refused",
          subject: `Refused: an attempt to ${what} of “${tender.title}”`.slice(0, 200),
          body: `At ${londonDateTime(ctx.clock.now())} someone tried to ${what} of the tender “${tender.title}” and was refused (${reason}). The attempt is recorded in the authority's audit trail. If it was not expected, look into it.`,
          link: `/api/v1/authorities/${tender.authority_id}/tenders/${tender.id}/attempts`,
        },
        { email: ctx.email, actor: SYSTEM("sealed-bids") },
      );
  });
  throw error;
}

async function tenderForTeam(db: Db, authorityId: string, tenderId: string): Promise<Tender | undefined> {
  return isUuid(tenderId) ? await repo.findTender(db, authorityId, tenderId) : undefined;
}

/** May this person read the tender's opened bids? Bid openers of the authority and assigned evaluators. */
async function mayReadBids(
  db: Db,
  principal: Principal,
  authorityId: string,
  tenderId: string,
): Promise<boolean> {
  if (await repo.holdsAuthorityRole(db, principal.userId, "bid-opener", authorityId)) return true;
  return (
    (await repo.holdsAuthorityRole(db, principal.userId, "evaluator", authorityId)) &&
    (await repo.isAssignedEvaluator(db, authorityId, tenderId, principal.userId))
  );
}

export interface OpenedBid {
  receipt: BidReceipt;
  integrity: "verified" | "broken";
  content: BidContent | null;
}

/**
 * The tender's bids, opened: only after opening, only for the authority's bid openers and the
 * tender's assigned evaluators (platform administrators included in the refusal). Refusals are
 * audited: 403 for those not authorised, 409 before opening.
 */
async function authoriseBidReading(
  ctx: BidsContext,
  p: Principal,
  authorityId: string,
  tenderId: string,
): Promise<Tender> {
  const tender = await tenderForTeam(ctx.db, authorityId, tenderId);
  const allowed = tender ? await mayReadBids(ctx.db, p, authorityId, tenderId) : false;
  if (!allowed) {
    const error = new ForbiddenError(
      "Only the authority's bid openers and the tender's assigned evaluators may read its bids.",
    );
    if (tender && tender.status !== "draft")
      await refuse(ctx, p, tender, "bids-read", error, "not authorised");
    if (!tender && hasRole(p, ["bid-opener", "evaluator"], authorityId)) throw new NotFoundError("tender");
    throw error;
  }
  if (!tender || tender.status === "draft") throw new NotFoundError("tender");
  // An evaluator sees the bids only once they have declared no conflict of interest (issue 6).
  if (
    !(await repo.holdsAuthorityRole(ctx.db, p.userId, "bid-opener", authorityId)) &&
    (await answerer(evaluatorDeclaration)(ctx.db, authorityId, tenderId, p.userId)) !== "none"
  )
    await refuse(
      ctx,
      p,
      tender,
      "bids-read",
      new ConflictError(
        "Declare any conflict of interest for this tender before seeing its bids.",
        "conflicts_not_declared",
      ),
      "conflicts not declared",
    );
  if (!tender.opened_at) {
    const state = stateOf(tender, ctx.clock.now());
    await refuse(
      ctx,
      p,
      tender,
      "bids-read",
      new ConflictError(
        state === "open"
          ? `Bids are sealed until the deadline, ${londonDateTime(tender.submission_deadline)}, and their opening by two bid openers.`
          : "Bids are sealed until two bid openers open them.",
        "bids_sealed",
      ),
      `sealed (${state})`,
    );
  }
  return tender;
}

/**
 * The tender's bids, opened: only after opening, only for the authority's bid openers and the
 * tender's assigned evaluators (platform administrators included in the refusal). Refusals are
 * audited: 403 for those not authorised, 409 before opening.
 */
export async function openedBids(
  ctx: BidsContext,
  principal: Principal | null,
  authorityId: string,
  tenderId: string,
): Promise<OpenedBid[]> {
  const p = requireSignedIn(principal);
  await authoriseBidReading(ctx, p, authorityId, tenderId);
  const privateKey = await unwrapDataKey(ctx, authorityId, tenderId);
  const bids = await repo.currentBids(ctx.db, authorityId, tenderId);
  const opened = bids.map((bid) => openOne(privateKey, bid));
  privateKey.fill(0);
  await transaction(ctx.db, (trx) =>
    recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorOf(p),
      action: "tender.bids-read",
      entity: { type: "tender", id: tenderId },
      changes: { bids: opened.length },
    }),
  );
  return opened;
}

/** One document of an opened bid, checked against the SHA-256 its bid's content gives. */
export async function openedBidDocument(
  ctx: BidsContext,
  principal: Principal | null,
  authorityId: string,
  tenderId: string,
  bidId: string,
  position: string,
): Promise<{ filename: string; mediaType: string; bytes: Buffer }> {
  const p = requireSignedIn(principal);
  await authoriseBidReading(ctx, p, authorityId, tenderId);
  const bid = isUuid(bidId) ? await repo.findBid(ctx.db, authorityId, tenderId, bidId) : undefined;
  const n = /^\d{1,3}$/.test(position) ? Number(position) : 0;
  const sealedDocument = bid && n > 0 ? await repo.bidDocument(ctx.db, authorityId, bid.id, n) : undefined;
  if (bid?.status !== "current" || !sealedDocument) throw new NotFoundError("bid document");
  const privateKey = await unwrapDataKey(ctx, authorityId, tenderId);
  try {
    const opened = openOne(privateKey, bid);
    const meta = opened.content?.documents?.find((d) => d.position === n);
    if (!meta) throw new NotFoundError("bid document");
    let bytes: Buffer;
    try {
      bytes = unseal(
        privateKey,
        `${binding(authorityId, tenderId)}/${bid.id}/documents/${n}`,
        sealedDocument.sealed,
      );
    } catch (error) {
      if (error instanceof SealBrokenError)
        throw new ConflictError(
          "This document failed its integrity check: it was altered after it was received.",
          "seal_broken",
        );
      throw error;
    }
    if (sha256Bytes(bytes) !== meta.sha256)
      throw new ConflictError(
        "This document does not match the SHA-256 its bid's receipt covers.",
        "seal_broken",
      );
    return { filename: meta.filename, mediaType: meta.mediaType, bytes };
  } finally {
    privateKey.fill(0);
  }
}

async function unwrapDataKey(ctx: Pick<BidsContext, "db" | "keys">, authorityId: string, tenderId: string) {
  const keys = await repo.keysOf(ctx.db, authorityId, tenderId);
  if (!keys) throw new Error(`Tender ${tenderId} has no keys`);
  return ctx.keys.unwrap(
    { keyId: keys.master_key_id, wrapped: keys.wrapped_data_key },
    `${binding(authorityId, tenderId)}/data`,
  );
}

function openOne(privateKey: Buffer, bid: Bid): OpenedBid {
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

export interface OpeningResult {
  state: "awaiting-second-opener" | "opened";
  firstConfirmedAt: Date;
  openedAt: Date | null;
  bidsOpened: number | null;
  broken: number;
}

/**
 * One bid opener's confirmation. The first, after the deadline, is recorded; the second, by a
 * different bid opener, unwraps the tender's private key and opens every bid, checking each
 * against its receipt (a broken seal is recorded and reported, A7). Both must be bid openers of the
 * authority (a platform administrator is not) and signed in with two-factor. Refusals are audited.
 */
export async function confirmOpening(
  ctx: BidsContext,
  principal: Principal | null,
  authorityId: string,
  tenderId: string,
): Promise<OpeningResult> {
  const p = requireSignedIn(principal);
  const tender = await tenderForTeam(ctx.db, authorityId, tenderId);
  const opener = await repo.holdsAuthorityRole(ctx.db, p.userId, "bid-opener", authorityId);
  if (!opener) {
    const error = new ForbiddenError("Only the authority's bid openers may open its tenders' bids.");
    if (tender && tender.status !== "draft")
      await refuse(ctx, p, tender, "opening", error, "not a bid opener");
    throw error;
  }
  if (!tender || tender.status === "draft") throw new NotFoundError("tender");
  if (!p.twoFactor || p.via !== "session")
    await refuse(
      ctx,
      p,
      tender,
      "opening",
      new ForbiddenError(
        "Opening bids needs a session signed in with two-factor: sign out, then sign in again with your code.",
      ),
      "no two-factor",
    );
  const state = stateOf(tender, ctx.clock.now());
  if (state === "cancelled")
    throw new ConflictError("This tender was cancelled: there is nothing to open.", "tender_cancelled");
  if (state === "opened")
    throw new ConflictError("The bids of this tender have already been opened.", "tender_opened");
  if (state === "open")
    await refuse(
      ctx,
      p,
      tender,
      "opening",
      new ConflictError(
        `Bids cannot be opened before the deadline, ${londonDateTime(tender.submission_deadline)}.`,
        "tender_not_closed",
      ),
      "before the deadline",
    );

  const outcome = await transaction(ctx.db, async (trx): Promise<OpeningResult | "alone"> => {
    const locked = await repo.lockTender(trx, authorityId, tenderId);
    if (!locked || locked.opened_at)
      throw new ConflictError("The bids of this tender have already been opened.", "tender_opened");
    const now = ctx.clock.now();
    const pending = await repo.lockOpening(trx, authorityId, tenderId);
    if (!pending) {
      await repo.insertOpening(trx, {
        authority_id: authorityId,
        tender_id: tenderId,
        first_opener_id: p.userId,
        first_confirmed_at: now,
      });
      await recordAudit(trx, ctx.clock, {
        authorityId,
        actor: actorOf(p),
        action: "tender.opening-confirmed",
        entity: { type: "tender", id: tenderId },
        changes: { confirmation: 1, by: personalRef("users", p.userId) },
      });
      return {
        state: "awaiting-second-opener",
        firstConfirmedAt: now,
        openedAt: null,
        bidsOpened: null,
        broken: 0,
      };
    }
    if (pending.first_opener_id === p.userId) return "alone";
    const privateKey = await unwrapDataKey({ db: trx, keys: ctx.keys }, authorityId, tenderId);
    const bids = await repo.currentBids(trx, authorityId, tenderId);
    let broken = 0;
    for (const bid of bids) {
      const opened = openOne(privateKey, bid);
      if (opened.integrity === "broken") broken += 1;
      const organisationId = opened.content?.bidder.organisationId ?? null;
      const exists = organisationId
        ? (await repo.organisationsByIds(trx, [organisationId])).length === 1
        : false;
      await repo.recordOpenedBid(trx, authorityId, bid.id, {
        organisation_id: exists ? organisationId : null,
        integrity: opened.integrity,
      });
      if (opened.integrity === "broken")
        await recordAudit(trx, ctx.clock, {
          authorityId,
          actor: SYSTEM("sealed-bids"),
          action: "bid.seal-broken",
          entity: { type: "tender", id: tenderId },
          changes: { bidId: bid.id, sha256: bid.content_sha256 },
        });
    }
    privateKey.fill(0);
    await repo.completeOpening(trx, authorityId, tenderId, {
      second_opener_id: p.userId,
      opened_at: now,
      bids_opened: bids.length,
    });
    await repo.updateTender(trx, authorityId, tenderId, { opened_at: now, updated_at: now });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorOf(p),
      action: "tender.opened",
      entity: { type: "tender", id: tenderId },
      changes: {
        confirmation: 2,
        firstOpener: personalRef("users", pending.first_opener_id),
        secondOpener: personalRef("users", p.userId),
        bidsOpened: bids.length,
        broken,
      },
    });
    if (broken > 0) {
      for (const userId of await repo.authorityRoleHolders(trx, "authority-admin", authorityId))
        await notify(
          trx,
          ctx.clock,
          {
            userId,
            authorityId,
            kind: "tender.seal-broken",
            subject: `${broken} bid(s) of “${tender.title}” failed their integrity check`.slice(0, 200),
            body: "At opening, the sealed content of one or more bids did not match its receipt. The bids are recorded as broken in the audit trail; look into it before evaluation.",
            link: `/api/v1/authorities/${authorityId}/tenders/${tenderId}/attempts`,
          },
          { email: ctx.email, actor: SYSTEM("sealed-bids") },
        );
    }
    return {
      state: "opened",
      firstConfirmedAt: pending.first_confirmed_at,
      openedAt: now,
      bidsOpened: bids.length,
      broken,
    };
  });
  if (outcome === "alone")
    await refuse(
      ctx,
      p,
      tender,
      "opening",
      new ForbiddenError(
        "You confirmed the opening already: a second, different bid opener must confirm it.",
      ),
      "same opener twice",
    );
  return outcome as OpeningResult;
}

/** The refused attempts on a tender (A7), for the authority's administrators. */
export async function refusedAttempts(
  db: Db,
  principal: Principal | null,
  authorityId: string,
  tenderId: string,
) {
  const p = requireSignedIn(principal);
  if (!hasRole(p, ["authority-admin", "platform-admin"], authorityId))
    throw new ForbiddenError("Only the authority's administrators see the attempts refused on its tenders.");
  if (!isUuid(tenderId) || !(await repo.findTender(db, authorityId, tenderId)))
    throw new NotFoundError("tender");
  return repo.tenderAuditEvents(db, authorityId, tenderId, [
    "tender.opening-refused",
    "tender.bids-read-refused",
    "bid.seal-broken",
  ]);
}

/** Assigns an evaluator (who must hold the authority's evaluator role) to a tender, audited. */
export async function assignEvaluator(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  authorityId: string,
  tenderId: string,
  userId: string,
  requireEditor: (trx: Trx, p: Principal | null, authorityId: string) => Promise<Principal>,
): Promise<void> {
  const p = await requireEditor(trx, principal, authorityId);
  const tender = isUuid(tenderId) ? await repo.findTender(trx, authorityId, tenderId) : undefined;
  if (!tender) throw new NotFoundError("tender");
  if (!isUuid(userId) || !(await repo.holdsAuthorityRole(trx, userId, "evaluator", authorityId)))
    throw new UnprocessableError("Choose one of the authority's evaluators", [
      { field: "userId", message: "Choose someone who holds the authority's evaluator role" },
    ]);
  const added = await repo.assignEvaluator(trx, {
    authority_id: authorityId,
    tender_id: tenderId,
    user_id: userId,
    assigned_at: clock.now(),
  });
  if (added)
    await recordAudit(trx, clock, {
      authorityId,
      actor: actorOf(p),
      action: "tender.evaluator-assigned",
      entity: { type: "tender", id: tenderId },
      changes: { evaluator: personalRef("users", userId) },
    });
}

/** The organisations this person may bid for (those they act for), with their names. */
export async function biddingOrganisations(
  db: Db,
  principal: Principal | null,
): Promise<{ id: string; name: string }[]> {
  if (!principal) return [];
  const ids = principal.grants
    .filter((g) => g.role === "organisation-admin" || g.role === "organisation-member")
    .map((g) => g.scopeId);
  const found = await repo.organisationsByIds(db, [...new Set(ids)]);
  return found.map((o) => ({ id: o.id, name: o.name })).sort((a, b) => a.name.localeCompare(b.name));
}

/** May this person read the opened bids (for showing the link)? */
export async function canReadBids(
  db: Db,
  principal: Principal | null,
  authorityId: string,
  tenderId: string,
) {
  return principal ? mayReadBids(db, principal, authorityId, tenderId) : false;
}
