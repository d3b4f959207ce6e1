/**
 * Opening sealed bids (issue 5, items 5–6; Annex IV A4–A7). See docs/tenders.md.
 *
 * - Opening needs two distinct bid openers of the authority, both signed in with two-factor, after
 *   the deadline; the second confirmation unwraps the tender's private key and opens every bid,
 *   checking each against its receipt (a broken seal is recorded and reported).
 * - Opened bids are shown only to the authority's bid openers and the tender's assigned evaluators
 *   who have declared no conflict of interest.
 * - Every refused attempt to read bids early or to open alone is recorded on the authority's audit
 *   chain (in a transaction of its own, as the refused action's is rolled back); the first of a
 *   person's attempts on a tender in an hour is put in the inbox of the authority's administrators,
 *   and after `REFUSALS_PER_HOUR` in an hour further attempts are answered 429 unrecorded (security
 *   finding 10: 50 refused reads in 0.7 s made 50 events, each a notice and an email to every
 *   administrator).
 */
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import type { Db, Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import {
  ConflictError,
  type DomainError,
  ForbiddenError,
  NotFoundError,
  TooManyRequestsError,
} from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { londonDateTime } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { answerer } from "../../lib/ports.ts";
import type { Principal } from "../access/access.service.ts";
import { actorOf, hasRole, requireSignedIn } from "../access/access.service.ts";
import type { Ctx } from "../access/context.ts";
import { countRecentEvents, personalRef, recordAudit, SYSTEM } from "../audit/audit.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import { binding, type OpenedBid, openOne, unwrapDataKey } from "./bids.service.ts";
import { SealBrokenError, unseal, unsealStream } from "./sealing.ts";
import type { TendersCtx } from "./tenders.context.ts";
import { evaluatorDeclaration } from "./tenders.ports.ts";
import * as repo from "./tenders.repository.ts";
import { stateOf, tenderPath, visibleTender } from "./tenders.service.ts";
import type { Tender } from "./tenders.table.ts";

export type { OpenedBid } from "./bids.service.ts";

// Refused attempts (A7)

type Attempt = "bids-read" | "opening";

/** Refused attempts by one person on one tender recorded in an hour; after these, 429 unrecorded. */
export const REFUSALS_PER_HOUR = 10;
const HOUR_MS = 60 * 60 * 1000;
const REFUSED_ACTIONS = ["tender.opening-refused", "tender.bids-read-refused"];

/**
 * Records a refused attempt on the authority's chain, in a transaction of its own (the refused
 * action's is rolled back), and tells the authority's administrators of the first in an hour by
 * the same person on the same tender. Then rethrows — or, over `REFUSALS_PER_HOUR`, throws
 * `TooManyRequestsError` without recording. The tender's row is locked first, so that attempts
 * sent at once are counted one after another.
 */
async function refuse(
  ctx: TendersCtx,
  principal: Principal,
  tender: Tender,
  attempt: Attempt,
  error: DomainError,
  reason: string,
): Promise<never> {
  const since = new Date(ctx.clock.now().getTime() - HOUR_MS);
  const limited = await transaction(ctx.db, async (trx) => {
    await repo.lockTender(trx, tender.authority_id, tender.id);
    const earlier = await countRecentEvents(trx, {
      authorityId: tender.authority_id,
      entityType: "tender",
      entityId: tender.id,
      actions: REFUSED_ACTIONS,
      actorId: actorOf(principal).id ?? "",
      since,
    });
    if (earlier >= REFUSALS_PER_HOUR) return true;
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
    // The administrators hear of the first attempt in an hour; the rest are on the audit trail.
    if (earlier > 0) return false;
    const admins = await repo.authorityRoleHolders(trx, "authority-admin", tender.authority_id);
    const what = attempt === "opening" ? "open the bids" : "read the bids";
    const link = await tenderPageOf(trx, tender);
    for (const userId of admins)
      await notify(
        trx,
        ctx.clock,
        {
          userId,
          authorityId: tender.authority_id,
          kind: "tender.attempt-refused",
          subject: `Refused: an attempt to ${what} of “${tender.title}”`.slice(0, 200),
          body: `At ${londonDateTime(ctx.clock.now())} someone tried to ${what} of the tender “${tender.title}” and was refused (${reason}). The attempt is recorded in the authority's audit trail (the API lists a tender's refused attempts: ${attemptsPath(tender)}). If it was not expected, look into it.`,
          link,
        },
        { email: ctx.email, actor: SYSTEM("sealed-bids") },
      );
    return false;
  });
  if (limited)
    throw new TooManyRequestsError(
      msg`You have been refused too many times on this tender. Wait an hour before trying again.`,
      60 * 60,
    );
  throw error;
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

/** May the person asking read the opened bids (for showing the link)? */
export async function canReadBids(ctx: Ctx, authorityId: string, tenderId: string): Promise<boolean> {
  return ctx.principal ? mayReadBids(ctx.db, ctx.principal, authorityId, tenderId) : false;
}

/**
 * Refuses (and records) a reading by anyone but the tender's bid openers and assigned evaluators,
 * once the tender has been found (`visibleTender`: 404 first, so that a refusal is about a tender
 * that exists). A draft has no bids: not found for those who may read bids, refused unrecorded for
 * the rest.
 */
async function requireBidReader(ctx: TendersCtx, p: Principal, tender: Tender): Promise<void> {
  if (!(await mayReadBids(ctx.db, p, tender.authority_id, tender.id))) {
    const error = new ForbiddenError(
      msg`Only the authority's bid openers and the tender's assigned evaluators may read its bids.`,
    );
    if (tender.status !== "draft") await refuse(ctx, p, tender, "bids-read", error, "not authorised");
    throw error;
  }
  if (tender.status === "draft") throw new NotFoundError("tender");
}

/**
 * Who may read the tender's bids, and when: only after opening, only the authority's bid openers
 * and the tender's assigned evaluators (platform administrators included in the refusal), an
 * evaluator once they have declared no conflict. 404 first for a tender the caller may not see;
 * then refusals, audited: 403 for those not authorised, 409 before opening or before the declaration.
 */
async function authoriseBidReading(ctx: TendersCtx, p: Principal, tender: Tender): Promise<Tender> {
  const { authority_id: authorityId, id: tenderId } = tender;
  await requireBidReader(ctx, p, tender);
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
        msg`Declare any conflict of interest for this tender before seeing its bids.`,
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
          ? msg`Bids are sealed until the deadline, ${londonDateTime(tender.submission_deadline)}, and their opening by two bid openers.`
          : msg`Bids are sealed until two bid openers open them.`,
        "bids_sealed",
      ),
      `sealed (${state})`,
    );
  }
  return tender;
}

/**
 * The tender's bids, opened: only after opening, only for the authority's bid openers and the
 * tender's assigned evaluators (see `authoriseBidReading`). Every reading is audited.
 */
export async function openedBids(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
): Promise<OpenedBid[]> {
  const p = requireSignedIn(ctx.principal);
  await authoriseBidReading(ctx, p, await visibleTender(ctx, authorityId, tenderId));
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

/** An opened bid's document, checked, to be sent a chunk at a time. */
export interface OpenedBidDocument {
  filename: string;
  mediaType: string;
  size: number;
  content: Readable;
}

/**
 * One document of an opened bid, checked against the SHA-256 its bid's content gives. The tender is
 * found first (404), then who may read its bids and when (as `openedBids`: a refusal is recorded
 * whatever bid it names, A7), then the bid and its document (404). A document sealed into the file
 * store is opened twice as a stream — once to check its tag and SHA-256, once to send — so neither
 * the whole document nor an unchecked byte of it is ever held or sent.
 */
export async function openedBidDocument(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
  bidId: string,
  position: string,
): Promise<OpenedBidDocument> {
  const p = requireSignedIn(ctx.principal);
  await authoriseBidReading(ctx, p, await visibleTender(ctx, authorityId, tenderId));
  const bid = isUuid(bidId) ? await repo.findBid(ctx.db, authorityId, tenderId, bidId) : undefined;
  const n = /^\d{1,3}$/.test(position) ? Number(position) : 0;
  const sealedDocument = bid && n > 0 ? await repo.bidDocument(ctx.db, authorityId, bid.id, n) : undefined;
  if (bid?.status !== "current" || !sealedDocument) throw new NotFoundError("bid document");
  const privateKey = await unwrapDataKey(ctx, authorityId, tenderId);
  try {
    const meta = openOne(privateKey, bid).content?.documents?.find((d) => d.position === n);
    if (!meta) throw new NotFoundError("bid document");
    const at = `${binding(authorityId, tenderId)}/${bid.id}/documents/${n}`;
    const { sealed_file: file, sealed } = sealedDocument;
    // Documents sealed before they were streamed are text in the database.
    const open = async (key: Buffer) =>
      file ? unsealStream(key, at, await ctx.files.stream(file)) : [unseal(key, at, sealed ?? "")];
    const size = await checkedSize(await open(privateKey).catch(brokenSeal), meta.sha256);
    // Opened again to send: with a copy of the key, as this one is wiped once this returns.
    const key = Buffer.from(privateKey);
    const content = Readable.from(
      (async function* () {
        try {
          yield* await open(key);
        } finally {
          key.fill(0);
        }
      })(),
    );
    return { filename: meta.filename, mediaType: meta.mediaType, size, content };
  } finally {
    privateKey.fill(0);
  }
}

/** A broken seal as the reader is told it: 409 `seal_broken`. */
function brokenSeal(error: unknown): never {
  if (error instanceof SealBrokenError)
    throw new ConflictError(
      msg`This document failed its integrity check: it was altered after it was received.`,
      "seal_broken",
    );
  throw error;
}

/** Reads an opened document through, checking its seal and its SHA-256 (409 if either fails); its size. */
async function checkedSize(
  chunks: Iterable<Buffer> | AsyncIterable<Buffer>,
  sha256: string,
): Promise<number> {
  const hash = createHash("sha256");
  let size = 0;
  try {
    for await (const chunk of chunks) {
      hash.update(chunk);
      size += chunk.length;
    }
  } catch (error) {
    brokenSeal(error);
  }
  if (hash.digest("hex") !== sha256)
    throw new ConflictError(
      msg`This document does not match the SHA-256 its bid's receipt covers.`,
      "seal_broken",
    );
  return size;
}

// Opening

export interface OpeningResult {
  state: "awaiting-second-opener" | "opened";
  /** The first opener confirmed again: nothing changed, still waiting for a second opener. */
  alreadyConfirmed: boolean;
  firstConfirmedAt: Date;
  openedAt: Date | null;
  bidsOpened: number | null;
  broken: number;
}

/**
 * Refuses (and records) an opening by anyone but a bid opener with two-factor, at the wrong time,
 * once the tender has been found (`visibleTender`: 404 first).
 */
async function requireOpener(ctx: TendersCtx, p: Principal, tender: Tender) {
  const opener = await repo.holdsAuthorityRole(ctx.db, p.userId, "bid-opener", tender.authority_id);
  if (!opener) {
    const error = new ForbiddenError(msg`Only the authority's bid openers may open its tenders' bids.`);
    if (tender.status !== "draft") await refuse(ctx, p, tender, "opening", error, "not a bid opener");
    throw error;
  }
  if (tender.status === "draft") throw new NotFoundError("tender");
  if (!p.twoFactor || p.via !== "session")
    await refuse(
      ctx,
      p,
      tender,
      "opening",
      new ForbiddenError(
        msg`Opening bids needs a session signed in with two-factor: sign out, then sign in again with your code.`,
      ),
      "no two-factor",
    );
  const state = stateOf(tender, ctx.clock.now());
  if (state === "cancelled")
    throw new ConflictError(msg`This tender was cancelled: there is nothing to open.`, "tender_cancelled");
  if (state === "opened")
    throw new ConflictError(msg`The bids of this tender have already been opened.`, "tender_opened");
  if (state === "open")
    await refuse(
      ctx,
      p,
      tender,
      "opening",
      new ConflictError(
        msg`Bids cannot be opened before the deadline, ${londonDateTime(tender.submission_deadline)}.`,
        "tender_not_closed",
      ),
      "before the deadline",
    );
  return tender;
}

/** Opens every current bid, recording who bid and whether each matches its receipt; the number broken. */
async function openEveryBid(ctx: TendersCtx & { db: Trx }, authorityId: string, tenderId: string) {
  const { db: trx } = ctx;
  const privateKey = await unwrapDataKey(ctx, authorityId, tenderId);
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
  return { bidsOpened: bids.length, broken };
}

/** The tender's page, which its notices link to. */
async function tenderPageOf(db: Db, tender: Tender): Promise<string> {
  const row = await repo.findTender(db, tender.authority_id, tender.id);
  if (!row) throw new NotFoundError("tender");
  return tenderPath(row);
}

/** The API's list of a tender's refused attempts and broken seals (there is no page of them). */
const attemptsPath = (tender: Tender) =>
  `/api/v1/authorities/${tender.authority_id}/tenders/${tender.id}/attempts`;

/** Tells the authority's administrators that bids failed their integrity check at opening. */
async function reportBrokenSeals(ctx: TendersCtx & { db: Trx }, tender: Tender, broken: number) {
  const link = await tenderPageOf(ctx.db, tender);
  for (const userId of await repo.authorityRoleHolders(ctx.db, "authority-admin", tender.authority_id))
    await notify(
      ctx.db,
      ctx.clock,
      {
        userId,
        authorityId: tender.authority_id,
        kind: "tender.seal-broken",
        subject: `${broken} bid(s) of “${tender.title}” failed their integrity check`.slice(0, 200),
        body: `At opening, the sealed content of one or more bids did not match its receipt. The bids are recorded as broken in the audit trail (the API lists them: ${attemptsPath(tender)}); look into it before evaluation.`,
        link,
      },
      { email: ctx.email, actor: SYSTEM("sealed-bids") },
    );
}

/** The second confirmation: opens the bids, audited. */
async function completeOpening(
  ctx: TendersCtx & { db: Trx },
  p: Principal,
  tender: Tender,
  pending: { first_opener_id: string; first_confirmed_at: Date },
): Promise<OpeningResult> {
  const { db: trx } = ctx;
  const { authority_id: authorityId, id: tenderId } = tender;
  const now = ctx.clock.now();
  const { bidsOpened, broken } = await openEveryBid(ctx, authorityId, tenderId);
  // The bidders' copies served until the bids could speak for themselves.
  await repo.deleteBidCopies(trx, authorityId, tenderId);
  await repo.completeOpening(trx, authorityId, tenderId, {
    second_opener_id: p.userId,
    opened_at: now,
    bids_opened: bidsOpened,
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
      bidsOpened,
      broken,
    },
  });
  if (broken > 0) await reportBrokenSeals(ctx, tender, broken);
  return {
    state: "opened",
    alreadyConfirmed: false,
    firstConfirmedAt: pending.first_confirmed_at,
    openedAt: now,
    bidsOpened,
    broken,
  };
}

/**
 * One bid opener's confirmation. The first, after the deadline, is recorded; the second, by a
 * different bid opener, unwraps the tender's private key and opens every bid, checking each
 * against its receipt (a broken seal is recorded and reported, A7). Both must be bid openers of the
 * authority (a platform administrator is not) and signed in with two-factor. Refusals are audited.
 * The first opener confirming again is no attempt to open alone — it opens nothing and is told it is
 * still waiting for a second opener (`alreadyConfirmed`) — so it is neither refused nor reported.
 */
export async function confirmOpening(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
): Promise<OpeningResult> {
  const p = requireSignedIn(ctx.principal);
  const tender = await requireOpener(ctx, p, await visibleTender(ctx, authorityId, tenderId));
  return transaction(ctx.db, async (trx): Promise<OpeningResult> => {
    const locked = await repo.lockTender(trx, authorityId, tenderId);
    if (!locked || locked.opened_at)
      throw new ConflictError(msg`The bids of this tender have already been opened.`, "tender_opened");
    const now = ctx.clock.now();
    const pending = await repo.lockOpening(trx, authorityId, tenderId);
    if (pending?.first_opener_id === p.userId)
      return {
        state: "awaiting-second-opener",
        alreadyConfirmed: true,
        firstConfirmedAt: pending.first_confirmed_at,
        openedAt: null,
        bidsOpened: null,
        broken: 0,
      };
    if (pending) return completeOpening({ ...ctx, db: trx }, p, tender, pending);
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
      alreadyConfirmed: false,
      firstConfirmedAt: now,
      openedAt: null,
      bidsOpened: null,
      broken: 0,
    };
  });
}

/**
 * Signed in, a tender they may see (404), and one of the authority's administrators (403; platform
 * administrators too): who sees the attempts refused on a tender.
 */
export async function requireAttemptsReader(ctx: Ctx, authorityId: string, tenderId: string): Promise<void> {
  const p = requireSignedIn(ctx.principal);
  await visibleTender(ctx, authorityId, tenderId);
  if (!hasRole(p, ["authority-admin", "platform-admin"], authorityId))
    throw new ForbiddenError(
      msg`Only the authority's administrators see the attempts refused on its tenders.`,
    );
}

/** The refused attempts on a tender (A7), for the authority's administrators. */
export async function refusedAttempts(ctx: Ctx, authorityId: string, tenderId: string) {
  await requireAttemptsReader(ctx, authorityId, tenderId);
  return repo.tenderAuditEvents(ctx.db, authorityId, tenderId, [
    "tender.opening-refused",
    "tender.bids-read-refused",
    "bid.seal-broken",
  ]);
}
