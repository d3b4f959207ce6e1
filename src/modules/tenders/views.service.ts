/**
 * What the tenders pages show, one function a page: each gathers from the module's services what
 * its page needs, as the person asking may see it.
 */
import { ConflictError, type FieldError, ValidationError } from "../../lib/errors.ts";
import { collect, type Panel } from "../../lib/ports.ts";
import { hasRole, isAuthorityEditor } from "../access/access.service.ts";
import type { Ctx } from "../access/context.ts";
import { searchDirectory } from "../organisations/organisations.service.ts";
import { amendmentsOf } from "./amendments.service.ts";
import {
  BID_LIMITS,
  type BidReceipt,
  biddingOrganisations,
  bidRefusals,
  directoryNames,
  findReceipt,
  type OwnBid,
  ownBid,
  ownCurrentBids,
  receiptsOf,
} from "./bids.service.ts";
import { canReadBids, type OpenedBid, openedBids } from "./opening.service.ts";
import { interestCount, interestOf, type QuestionView, questionsFor } from "./questions.service.ts";
import type { TendersCtx } from "./tenders.context.ts";
import { tenderPanels, tenderStage } from "./tenders.ports.ts";
import {
  isTenderTeam,
  NOT_DRAFT,
  type TenderState,
  type TenderView,
  tenderForEditor,
  tenderOf,
  tendersOf,
} from "./tenders.service.ts";
import type { TenderAmendment } from "./tenders.table.ts";

/**
 * The key of the label of a tender's stage: its state's, or — once opened — the stage a later
 * module says it has reached (`tenderStage`: awarded, in standstill, contracted).
 */
export async function stageOf(
  ctx: Ctx,
  authorityId: string,
  tenderId: string,
  state: TenderState,
): Promise<string> {
  if (state !== "opened") return `tenders.state.${state}`;
  const [stage] = await collect(tenderStage, ctx, { authorityId, tenderId });
  return stage ?? "tenders.state.opened";
}

/** The authority's tenders page: each tender with the key of its stage's label. */
export async function tenderList(ctx: Ctx, authorityId: string) {
  const tenders = await tendersOf(ctx, authorityId);
  return {
    tenders: await Promise.all(
      tenders.map(async (t) => ({ ...t, stage: await stageOf(ctx, authorityId, t.id, t.state) })),
    ),
    canEdit: isAuthorityEditor(ctx.principal, authorityId),
  };
}

export interface TenderPage {
  view: TenderView;
  /** The key of the label of its stage (see `stageOf`). */
  stage: string;
  /** The current bid of each organisation the viewer bids for ("you have a bid in"). */
  ownBids: { organisation: { id: string; name: string }; receipt: BidReceipt }[];
  /** The organisations the viewer bids for, and whether each has registered its interest. */
  organisations: { id: string; name: string; registered: boolean }[];
  interestCount: number | null;
  questions: QuestionView[];
  amendments: TenderAmendment[];
  /** What the viewer may do next. */
  may: {
    edit: boolean;
    cancel: boolean;
    bid: boolean;
    open: boolean;
    read: boolean;
    /** Ask a clarification question (the tender is open, its clarification deadline ahead). */
    ask: boolean;
    /** Sees the tender team's figures. */
    team: boolean;
  };
  panels: Panel[];
}

const CANCELLABLE: readonly TenderState[] = ["open", "closed", "opened"];

/** A tender's page: the tender, its conversation with the market, and what the viewer may do. */
export async function tenderPage(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
  base: string,
): Promise<TenderPage> {
  const view = await tenderOf(ctx, authorityId, tenderId);
  const id = view.tender.id;
  const { principal } = ctx;
  const [organisations, registered, count, questions, amendments, read, panels] = await Promise.all([
    biddingOrganisations(ctx),
    interestOf(ctx, authorityId, id),
    interestCount(ctx, authorityId, id),
    questionsFor(ctx, authorityId, id),
    amendmentsOf(ctx, authorityId, id),
    canReadBids(ctx, authorityId, id),
    collect(tenderPanels, ctx.db, { authorityId, tenderId: id, base }),
  ]);
  const editor = isAuthorityEditor(principal, authorityId);
  return {
    view,
    stage: await stageOf(ctx, authorityId, id, view.state),
    ownBids: organisations.length > 0 ? await ownCurrentBids(ctx, authorityId, id) : [],
    organisations: organisations.map((o) => ({ ...o, registered: registered.includes(o.id) })),
    interestCount: count,
    questions,
    amendments,
    may: {
      edit: editor,
      cancel: editor && CANCELLABLE.includes(view.state),
      bid: hasRole(principal, ["organisation-admin", "organisation-member"]),
      open:
        hasRole(principal, "bid-opener", authorityId) &&
        (principal?.grants.some((g) => g.role === "bid-opener" && g.scopeId === authorityId) ?? false),
      read,
      ask: view.state === "open" && ctx.clock.now().getTime() < view.tender.clarification_deadline.getTime(),
      team: isTenderTeam(principal, authorityId),
    },
    panels,
  };
}

/** A consortium member's block of the bid form as sent: a search of the directory, and the choice. */
export interface MemberChoice {
  /** What was typed to find it in the directory ("" when nothing). */
  find: string;
  /** The organisation chosen from the directory ("" when typed instead). */
  organisationId: string;
}

/** How many directory organisations a member's search offers. */
const MEMBER_MATCHES = 20;

export interface BidForm {
  view: TenderView;
  /** The organisations the bidder acts for that have registered interest and may bid. */
  organisations: { id: string; name: string }[];
  /** Those registered that cannot bid whatever they write (a reserved tender, not a mutual), and why. */
  refused: { id: string; name: string; reason: string }[];
  /** How many of the bidder's organisations have not registered interest. */
  unregistered: number;
  /** The organisation chosen (asked for, or the first that may bid). */
  organisationId: string;
  /** Its receipts for this tender, latest first. */
  receipts: BidReceipt[];
  /** For each member block: the directory's organisations it offers (its choice, then its search's matches). */
  memberOptions: { id: string; name: string }[][];
}

/**
 * The bid form: the tender, the organisations that may bid (registered interest, and not refused
 * whatever they write — said before anything is filled in), the chosen one's receipts, and the
 * directory's organisations each consortium member block offers (`members`: what each searched
 * for and chose).
 */
export async function bidForm(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
  organisationId: string,
  members: readonly MemberChoice[] = [],
): Promise<BidForm> {
  const view = await tenderOf(ctx, authorityId, tenderId);
  const all = await biddingOrganisations(ctx);
  const registered = new Set(await interestOf(ctx, authorityId, view.tender.id));
  // Bidding needs registered interest: only those organisations are offered.
  const interested = all.filter((o) => registered.has(o.id));
  const refusals = await bidRefusals(
    ctx,
    view.tender,
    interested.map((o) => o.id),
  );
  const organisations = interested.filter((o) => !refusals.has(o.id));
  const refused = interested
    .filter((o) => refusals.has(o.id))
    .map((o) => ({ ...o, reason: refusals.get(o.id) ?? "" }));
  const chosen = organisations.some((o) => o.id === organisationId)
    ? organisationId
    : (organisations[0]?.id ?? "");
  const receipts = chosen ? await receiptsOf(ctx, authorityId, view.tender.id, chosen) : [];
  return {
    view,
    organisations,
    refused,
    unregistered: all.length - interested.length,
    organisationId: chosen,
    receipts,
    memberOptions: await memberOptionsOf(ctx, members.slice(0, BID_LIMITS.members)),
  };
}

/** Each member block's choices: the organisation it chose, then its search's matches in the directory. */
async function memberOptionsOf(ctx: Ctx, members: readonly MemberChoice[]) {
  const chosen = new Map(
    (
      await directoryNames(
        ctx,
        members.map((m) => m.organisationId),
      )
    ).map((o) => [o.id, o]),
  );
  return Promise.all(
    members.map(async (m) => {
      const own = chosen.get(m.organisationId);
      const matches = m.find
        ? (await searchDirectory(ctx, { q: m.find, pageSize: MEMBER_MATCHES })).results.map((r) => ({
            id: r.id,
            name: r.name,
          }))
        : [];
      return [...(own ? [own] : []), ...matches.filter((r) => r.id !== own?.id)];
    }),
  );
}

/** The confirmation page of a bid: the tender, and the bid as its bidder sees it (see `ownBid`). */
export async function bidConfirmation(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
  bidId: string,
  copyKey: string,
): Promise<{ view: TenderView } & OwnBid> {
  const bid = await ownBid(ctx, authorityId, tenderId, bidId, copyKey);
  return { view: await tenderOf(ctx, authorityId, tenderId), ...bid };
}

/**
 * The public receipt check: the tender, and — when a SHA-256 is given — the receipt it matches, or
 * null; what is wrong with what was typed (not a SHA-256) as `problems`, for the search form.
 */
export async function receiptCheck(
  ctx: Ctx,
  authorityId: string,
  tenderId: string,
  sha256: string,
): Promise<{ view: TenderView; receipt: BidReceipt | null; problems: readonly FieldError[] }> {
  const view = await tenderOf(ctx, authorityId, tenderId);
  if (sha256 === "") return { view, receipt: null, problems: [] };
  try {
    return { view, receipt: await findReceipt(ctx, authorityId, tenderId, sha256), problems: [] };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return { view, receipt: null, problems: error.details };
  }
}

/** The edit page of a draft: the tender for its editors (401, 404, 403), refused once published (409). */
export async function draftForEditor(ctx: Ctx, authorityId: string, tenderId: string): Promise<TenderView> {
  const view = await tenderForEditor(ctx, authorityId, tenderId);
  if (view.state !== "draft") throw new ConflictError(NOT_DRAFT, "tender_published");
  return view;
}

/** The opened bids page: the tender as published, and its bids (see `openedBids`). */
export async function openedBidsPage(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
): Promise<{ view: TenderView; bids: OpenedBid[] }> {
  const bids = await openedBids(ctx, authorityId, tenderId);
  const view = await tenderOf({ ...ctx, principal: null }, authorityId, tenderId);
  return { view, bids };
}

/** The question form: the tender and the organisations the asker acts for. */
export async function questionForm(ctx: Ctx, authorityId: string, tenderId: string) {
  const view = await tenderOf(ctx, authorityId, tenderId);
  return { tender: view.tender, organisations: await biddingOrganisations(ctx) };
}
