/**
 * Assets of community value's pages: the public register (/community-assets: listed and unsuccessful
 * nominations, searched by name, area or postcode, paged, with a map drawn on the server from the
 * entries' coordinates and the list as its alternative), an entry with every clock
 * (/community-assets/:assetId), nominating (/authorities/:slug/community-assets/nominate), the
 * council's nominations to decide (/authorities/:slug/community-assets), the council's forms on an
 * entry (…/:assetId/<action>), a community group's request to bid (…/:assetId/bid-request) and the
 * nominating group's withdrawal of its nomination (…/:assetId/withdrawal).
 * Every form re-renders with its errors (the one form pattern, src/http/forms.ts); nothing needs
 * JavaScript.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { dateField, field, formPage } from "../../http/forms.ts";
import { anyone, page } from "../../http/routes.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, signedIn } from "../access/policies.ts";
import {
  ASSET_ACTIONS,
  type AssetAction,
  type AssetView,
  assetView,
  decideNomination,
  decideReview,
  myCommunityGroups,
  nominate,
  nominationFormFor,
  nominationsToDecide,
  recordAppeal,
  recordExemptDisposal,
  recordNotice,
  recordReviewRequest,
  recordSale,
  requestToBid,
  searchRegister,
  withdrawNomination,
} from "./community-assets.service.ts";
import { EXEMPT_GROUNDS } from "./grounds.ts";

type SlugRequest = FastifyRequest<{ Params: { slug: string } }>;
type AssetRequest = FastifyRequest<{ Params: { assetId: string }; Querystring: { notice?: string } }>;

const VIEWS = "community-assets/views";
const entryUrl = (id: string) => `/community-assets/${id}`;

/** A field of one of the council's forms: how the generic form (action.njk) shows it. */
interface FormField {
  name: string;
  type: "date" | "radios" | "textarea" | "select" | "checkbox";
  options?: readonly string[];
}

const FORMS: Record<AssetAction, FormField[]> = {
  decision: [
    { name: "outcome", type: "radios", options: ["listed", "unsuccessful"] },
    { name: "reasons", type: "textarea" },
  ],
  "review-request": [{ name: "on", type: "date" }],
  "review-decision": [
    { name: "outcome", type: "radios", options: ["kept", "removed"] },
    { name: "reasons", type: "textarea" },
  ],
  appeal: [
    { name: "lodgedOn", type: "date" },
    { name: "outcome", type: "radios", options: ["pending", "dismissed", "allowed"] },
  ],
  notice: [{ name: "on", type: "date" }],
  "exempt-disposal": [
    { name: "ground", type: "select", options: EXEMPT_GROUNDS },
    { name: "on", type: "date" },
  ],
  sale: [
    { name: "on", type: "date" },
    { name: "toCommunityGroup", type: "checkbox" },
  ],
};

const DATE_FIELDS = new Set(["on", "lodgedOn"]);

/** The map: the entries with coordinates placed in a box of 600 by 400, north up. */
export function mapOf(entries: readonly AssetView[]) {
  const placed = entries.filter((e) => e.asset.latitude !== null && e.asset.longitude !== null);
  if (placed.length === 0) return null;
  const lats = placed.map((e) => e.asset.latitude as number);
  const lons = placed.map((e) => e.asset.longitude as number);
  const midLat = (Math.min(...lats) + Math.max(...lats)) / 2;
  const scaleX = Math.cos((midLat * Math.PI) / 180);
  const minX = Math.min(...lons) * scaleX;
  const maxX = Math.max(...lons) * scaleX;
  const minY = Math.min(...lats);
  const maxY = Math.max(...lats);
  const span = Math.max(maxX - minX, (maxY - minY) * 1.5, 0.01);
  const width = 600;
  const height = 400;
  const pad = 30;
  const scale = (width - 2 * pad) / span;
  const offX = (width - (maxX - minX) * scale) / 2;
  const offY = (height - (maxY - minY) * scale) / 2;
  return {
    width,
    height,
    points: placed.map((e, i) => ({
      n: i + 1,
      href: entryUrl(e.asset.id),
      name: e.asset.name,
      x: Math.round((offX + ((e.asset.longitude as number) * scaleX - minX) * scale) * 10) / 10,
      y: Math.round((height - offY - ((e.asset.latitude as number) - minY) * scale) * 10) / 10,
      standing: e.sale?.standing ?? null,
    })),
  };
}

/** An entry as the pages show it. */
function shown(v: AssetView) {
  return { ...v, href: entryUrl(v.asset.id) };
}

export function communityAssetPages(app: FastifyInstance): void {
  // The public register: anyone.
  app.get("/community-assets", page({ who: anyone }), async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const r = await searchRegister(ctxOf(request), {
      q: field(query, "q"),
      list: field(query, "list"),
      page: field(query, "page"),
    });
    const link = (p: number) =>
      `/community-assets?${new URLSearchParams({ ...(r.q ? { q: r.q } : {}), list: r.list, page: String(p) })}`;
    await reply.page(`${VIEWS}/register.njk`, {
      register: { ...r, entries: r.entries.map(shown) },
      map: mapOf(r.entries),
      values: { q: r.q, list: r.list },
      pagination: {
        ...(r.page > 1 ? { previous: { href: link(r.page - 1) } } : {}),
        ...(r.page < r.pages ? { next: { href: link(r.page + 1) } } : {}),
      },
      listedUrl: `/community-assets?list=listed${r.q ? `&q=${encodeURIComponent(r.q)}` : ""}`,
      unsuccessfulUrl: `/community-assets?list=unsuccessful${r.q ? `&q=${encodeURIComponent(r.q)}` : ""}`,
    });
  });

  // An entry with its clocks: anyone (a nomination awaiting decision: the council's people and the nominators).
  app.get("/community-assets/:assetId", page({ who: anyone }), async (request: AssetRequest, reply) => {
    const v = await assetView(ctxOf(request), request.params.assetId);
    const notice = request.query?.notice;
    await reply.page(`${VIEWS}/entry.njk`, {
      entry: shown(v),
      notice: notice && /^[a-z-]{1,30}$/.test(notice) ? notice : undefined,
    });
  });

  // The council's nominations to decide: its people.
  app.get(
    "/authorities/:slug/community-assets",
    page({ who: signedIn }),
    async (request: SlugRequest, reply) => {
      const { authority } = request;
      const awaiting = await nominationsToDecide(ctxOf(request), authority.id);
      await reply.page(`${VIEWS}/council.njk`, { authority, awaiting: awaiting.map(shown) });
    },
  );

  // Nominating: signed in; the service decides who may (a parish council's or community group's people).
  formPage(app, "/authorities/:slug/community-assets/nominate", {
    who: signedIn,
    template: `${VIEWS}/nominate.njk`,
    context: async (request: SlugRequest) => ({
      authority: request.authority,
      ...(await nominationFormFor(ctxOf(request), request.authority.id)),
    }),
    read: (body) =>
      Object.fromEntries(
        [
          "organisationId",
          "name",
          "address",
          "postcode",
          "area",
          "description",
          "reasons",
          "localConnection",
          "ownerName",
          "ownerContact",
          "ownerIsOrganisation",
          "occupierName",
          "occupierContact",
          "latitude",
          "longitude",
        ].map((n) => [n, field(body, n)]),
      ) as Record<string, string>,
    submit: async (request: SlugRequest, v) => {
      const done = await nominate(ctxOf(request), request.authority.id, v);
      return `${entryUrl(done.asset.id)}?notice=nominated`;
    },
  });

  // The council's forms on an entry: its commissioners and administrators.
  const council = afterLookup({
    description:
      "The council's commissioners and administrators (others signed in get 403; an unknown entry 404)",
    signedIn: true,
    check() {},
  });
  for (const action of ASSET_ACTIONS) {
    const fields = FORMS[action];
    formPage(app, `/community-assets/:assetId/${action}`, {
      who: council,
      template: `${VIEWS}/action.njk`,
      context: async (request: AssetRequest) => {
        const v = await assetView(ctxOf(request), request.params.assetId);
        return { entry: shown(v), action, fields, allowed: v.actions.includes(action) };
      },
      read: (body) =>
        Object.fromEntries(
          fields.flatMap((f) =>
            f.type === "date"
              ? [
                  [f.name, dateField(body, f.name)],
                  ...["day", "month", "year"].map((p) => [`${f.name}-${p}`, field(body, `${f.name}-${p}`)]),
                ]
              : [[f.name, field(body, f.name)]],
          ),
        ) as Record<string, string>,
      fieldOf: (f) => (f && DATE_FIELDS.has(f) ? `${f}-day` : f),
      submit: async (request: AssetRequest, v) => {
        const ctx = ctxOf(request);
        const id = request.params.assetId;
        switch (action) {
          case "decision":
            await decideNomination(ctx, id, v);
            break;
          case "review-request":
            await recordReviewRequest(ctx, id, v);
            break;
          case "review-decision":
            await decideReview(ctx, id, v);
            break;
          case "appeal":
            await recordAppeal(ctx, id, { lodgedOn: v.lodgedOn || undefined, outcome: v.outcome });
            break;
          case "notice":
            await recordNotice(ctx, id, v);
            break;
          case "exempt-disposal":
            await recordExemptDisposal(ctx, id, v);
            break;
          case "sale":
            await recordSale(ctx, id, { on: v.on, toCommunityGroup: v.toCommunityGroup === "yes" });
            break;
        }
        return `${entryUrl(id)}?notice=${action}`;
      },
    });
  }

  // A community group's request to be treated as a bidder: its people.
  formPage(app, "/community-assets/:assetId/bid-request", {
    who: afterLookup({
      description: "The people of a community group (others signed in get 403; an unknown entry 404)",
      signedIn: true,
      check() {},
    }),
    template: `${VIEWS}/bid.njk`,
    context: async (request: AssetRequest) => {
      const ctx = ctxOf(request);
      const [v, groups] = await Promise.all([assetView(ctx, request.params.assetId), myCommunityGroups(ctx)]);
      return { entry: shown(v), groups };
    },
    read: (body) => ({ organisationId: field(body, "organisationId") }),
    submit: async (request: AssetRequest, v) => {
      await requestToBid(ctxOf(request), request.params.assetId, v);
      return `${entryUrl(request.params.assetId)}?notice=bid-request`;
    },
  });

  // The nominating group withdraws its nomination before the decision: its people.
  formPage(app, "/community-assets/:assetId/withdrawal", {
    who: afterLookup({
      description:
        "The people of the group that nominated it (others who see it get 403; an unknown entry 404)",
      signedIn: true,
      check() {},
    }),
    template: `${VIEWS}/withdraw.njk`,
    context: async (request: AssetRequest) => ({
      entry: shown(await assetView(ctxOf(request), request.params.assetId)),
    }),
    read: (body) => ({ reasons: field(body, "reasons") }),
    submit: async (request: AssetRequest, v) => {
      await withdrawNomination(ctxOf(request), request.params.assetId, v);
      return `${entryUrl(request.params.assetId)}?notice=withdrawal`;
    },
  });
}
