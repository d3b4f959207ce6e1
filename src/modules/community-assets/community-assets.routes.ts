/**
 * Assets of community value's JSON API — the register (/api/v1/community-assets), an entry with its
 * clocks, a nomination (/api/v1/authorities/{authorityId}/community-assets) and the council's actions
 * on an entry — and the pages (community-assets.pages.ts). Each route calls one service, which
 * decides who may.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { anyone, api, errorResponses } from "../../http/routes.ts";
import { AuthorityParams } from "../../http/schemas.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, signedIn } from "../access/policies.ts";
import { communityAssetPages } from "./community-assets.pages.ts";
import {
  AppealBody,
  AssetParams,
  AssetResponse,
  BidBody,
  DatedBody,
  DecisionBody,
  ExemptBody,
  NominateBody,
  RegisterQuery,
  RegisterResponse,
  ReviewDecisionBody,
  SaleBody,
  WithdrawalBody,
} from "./community-assets.schemas.ts";
import {
  type AssetView,
  assetView,
  decideNomination,
  decideReview,
  nominate,
  recordAppeal,
  recordExemptDisposal,
  recordNotice,
  recordReviewRequest,
  recordSale,
  requestToBid,
  searchRegister,
  withdrawNomination,
} from "./community-assets.service.ts";

const tags: [string] = ["community-assets"];

export function assetToApi(v: AssetView) {
  const a = v.asset;
  return {
    id: a.id,
    authorityId: a.authority_id,
    authorityName: v.authority.name,
    name: a.name,
    address: a.address,
    postcode: a.postcode,
    area: a.area,
    description: a.description,
    latitude: a.latitude,
    longitude: a.longitude,
    nominatorName: v.nominatorName,
    reasons: a.reasons,
    localConnection: a.local_connection,
    ownerName: v.ownerShown,
    ownerContact: v.ownerContact,
    occupierName: v.occupierName,
    occupierContact: v.occupierContact,
    status: a.status,
    receivedOn: a.received_on,
    decisionDue: v.decisionDue,
    decisionOverdue: v.decisionOverdue,
    decidedOn: a.decided_on,
    decidedLate: v.decidedLate,
    decisionReasons: a.decision_reasons,
    listedOn: a.listed_on,
    listingEnds: v.listingEnds,
    listingEnded: v.listingEnded,
    reviewRequestBy: v.reviewRequestBy,
    reviewRequestedOn: a.review_requested_on,
    reviewDecisionDue: v.reviewDecisionDue,
    reviewDecidedOn: a.review_decided_on,
    reviewOutcome: a.review_outcome,
    reviewReasons: a.review_reasons,
    appealBy: v.appealBy,
    appealLodgedOn: a.appeal_lodged_on,
    appealOutcome: a.appeal_outcome,
    removedOn: a.removed_on,
    withdrawnOn: a.withdrawn_on,
    sale: v.sale
      ? {
          ...v.sale.dates,
          bidRequestedOn: v.sale.bidRequestedOn,
          bidderName: v.sale.bidderName,
          standing: v.sale.standing,
          stageEnds: v.sale.stageEnds,
          daysLeft: v.sale.daysLeft,
          soldOn: v.sale.soldOn,
          soldToCommunityGroup: v.sale.soldToCommunityGroup,
        }
      : null,
    exemptDisposals: v.exempt,
    updatedAt: a.updated_at.toISOString(),
  };
}

const council = afterLookup({
  description:
    "The council's commissioners and administrators (others signed in get 403; an unknown entry 404)",
  signedIn: true,
  check() {},
});

export async function communityAssetsRoutes(app: FastifyInstance): Promise<void> {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();
  const register = "/api/v1/community-assets";
  const entry = `${register}/:assetId`;

  json.get(
    register,
    api(
      { who: anyone },
      {
        operationId: "listCommunityAssets",
        tags,
        summary:
          "The register of assets of community value: the listed, or the unsuccessful nominations; searchable",
        description: "20 to a page, by name. Owners who are people are never shown.",
        querystring: RegisterQuery,
        response: { 200: RegisterResponse },
      },
    ),
    async (request) => {
      const r = await searchRegister(ctxOf(request), request.query);
      return { entries: r.entries.map(assetToApi), total: r.total, page: r.page, pages: r.pages };
    },
  );

  json.post(
    "/api/v1/authorities/:authorityId/community-assets",
    api(
      { who: signedIn, scope: "community-assets:write" },
      {
        operationId: "nominateCommunityAsset",
        tags,
        summary: "Nominate a building or land to the council's list of assets of community value",
        description:
          "The people of a parish or town council or a community group of the directory (403 for anyone else). The council decides within 8 weeks. 400 naming each field to correct.",
        params: AuthorityParams,
        body: NominateBody,
        response: { 201: AssetResponse, ...errorResponses(400) },
      },
    ),
    async (request, reply) => {
      const v = await nominate(ctxOf(request), request.params.authorityId, request.body);
      return reply.status(201).send(assetToApi(v));
    },
  );

  json.get(
    entry,
    api(
      { who: anyone },
      {
        operationId: "getCommunityAsset",
        tags,
        summary: "An entry of the register with every clock: decision, listing, review, appeal, moratorium",
        description:
          "A nomination awaiting decision is seen by the council's people and the nominators only (404 to others).",
        params: AssetParams,
        response: { 200: AssetResponse },
      },
    ),
    async (request) => assetToApi(await assetView(ctxOf(request), request.params.assetId)),
  );

  const action = <B extends object>(
    path: string,
    operationId: string,
    summary: string,
    body: B,
    run: (request: { params: { assetId: string }; body: never }) => Promise<AssetView>,
    who = council,
  ) =>
    json.post(
      `${entry}/${path}`,
      api(
        { who, scope: "community-assets:write" },
        {
          operationId,
          tags,
          summary,
          params: AssetParams,
          body: body as never,
          response: { 200: AssetResponse, ...errorResponses(400, 409) },
        },
      ),
      async (request) => assetToApi(await run(request as never)),
    );

  action(
    "decision",
    "decideCommunityAssetNomination",
    "The council's decision: listed for 5 years, or not, with reasons",
    DecisionBody,
    (r) => decideNomination(ctxOf(r as never), r.params.assetId, r.body),
  );
  action(
    "review-request",
    "recordCommunityAssetReviewRequest",
    "The owner's request for a review (within 8 weeks of the notice of listing)",
    DatedBody,
    (r) => recordReviewRequest(ctxOf(r as never), r.params.assetId, r.body),
  );
  action(
    "review-decision",
    "decideCommunityAssetReview",
    "The council's review decision: the listing kept or removed",
    ReviewDecisionBody,
    (r) => decideReview(ctxOf(r as never), r.params.assetId, r.body),
  );
  action(
    "appeal",
    "recordCommunityAssetAppeal",
    "The owner's appeal (within 28 days of the review), and its outcome",
    AppealBody,
    (r) => recordAppeal(ctxOf(r as never), r.params.assetId, r.body),
  );
  action(
    "notice",
    "recordCommunityAssetNotice",
    "The owner's notice of an intended sale: the interim moratorium begins",
    DatedBody,
    (r) => recordNotice(ctxOf(r as never), r.params.assetId, r.body),
  );
  action(
    "exempt-disposal",
    "recordCommunityAssetExemptDisposal",
    "An exempt disposal, with its ground",
    ExemptBody,
    (r) => recordExemptDisposal(ctxOf(r as never), r.params.assetId, r.body),
  );
  action(
    "sale",
    "recordCommunityAssetSale",
    "A sale completed (only to a community group while a moratorium runs)",
    SaleBody,
    (r) => recordSale(ctxOf(r as never), r.params.assetId, r.body),
  );
  action(
    "bid-request",
    "requestToBidForCommunityAsset",
    "A community group's request to be treated as a bidder: within the interim moratorium, it starts the full one",
    BidBody,
    (r) => requestToBid(ctxOf(r as never), r.params.assetId, r.body),
    afterLookup({
      description: "The people of a community group (others signed in get 403; an unknown entry 404)",
      signedIn: true,
      check() {},
    }),
  );
  action(
    "withdrawal",
    "withdrawCommunityAssetNomination",
    "The nominating group withdraws its nomination before the council decides it",
    WithdrawalBody,
    (r) => withdrawNomination(ctxOf(r as never), r.params.assetId, r.body),
    afterLookup({
      description:
        "The people of the group that nominated it (others who see it get 403; an unknown entry 404; decided 409)",
      signedIn: true,
      check() {},
    }),
  );

  communityAssetPages(app);
}
