/**
 * What the tenders pages show, one function a page: each gathers from the module's services what
 * its page needs, as the person asking may see it.
 */
import { collect, type Panel } from "../../lib/ports.ts";
import { hasRole, isAuthorityEditor } from "../access/access.service.ts";
import type { Ctx } from "../access/context.ts";
import { amendmentsOf } from "./amendments.service.ts";
import { type BidReceipt, biddingOrganisations, receiptsOf } from "./bids.service.ts";
import { canReadBids, type OpenedBid, openedBids } from "./opening.service.ts";
import { interestCount, interestOf, type QuestionView, questionsFor } from "./questions.service.ts";
import type { TendersCtx } from "./tenders.context.ts";
import { tenderPanels } from "./tenders.ports.ts";
import { isTenderTeam, type TenderState, type TenderView, tenderOf, tendersOf } from "./tenders.service.ts";
import type { TenderAmendment } from "./tenders.table.ts";

/** The authority's tenders page. */
export async function tenderList(ctx: Ctx, authorityId: string) {
  return {
    tenders: await tendersOf(ctx, authorityId),
    canEdit: isAuthorityEditor(ctx.principal, authorityId),
  };
}

export interface TenderPage {
  view: TenderView;
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
  ctx: Ctx,
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

export interface BidForm {
  view: TenderView;
  /** The organisations the bidder acts for that have registered interest: only they may bid. */
  organisations: { id: string; name: string }[];
  /** How many of the bidder's organisations have not registered interest. */
  unregistered: number;
  /** The organisation chosen (asked for, or the first). */
  organisationId: string;
  /** Its receipts for this tender, latest first. */
  receipts: BidReceipt[];
}

/** The bid form: the tender, the organisations that may bid, and the chosen one's receipts. */
export async function bidForm(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
  organisationId: string,
): Promise<BidForm> {
  const view = await tenderOf(ctx, authorityId, tenderId);
  const all = await biddingOrganisations(ctx);
  const registered = new Set(await interestOf(ctx, authorityId, view.tender.id));
  // Bidding needs registered interest: only those organisations are offered.
  const organisations = all.filter((o) => registered.has(o.id));
  const chosen = organisationId || organisations[0]?.id || "";
  const receipts =
    chosen && organisations.some((o) => o.id === chosen)
      ? await receiptsOf(ctx, authorityId, view.tender.id, chosen)
      : [];
  return {
    view,
    organisations,
    unregistered: all.length - organisations.length,
    organisationId: chosen,
    receipts,
  };
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
