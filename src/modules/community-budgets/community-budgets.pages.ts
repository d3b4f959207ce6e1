/**
 * Community budgets' pages: the pools (/community-budgets), a pool's page with its summary — totals
 * per partner and per kind of spend — and its entries (/community-budgets/:poolId), a partner's
 * report, "what your money did" (/community-budgets/:poolId/partners/:authorityId), and the forms
 * for a partner's contribution (…/contribution) and a spend (…/spend). Every form re-renders with its
 * errors (the one form pattern, src/http/forms.ts); nothing needs JavaScript. Money is formatted here,
 * at the edge.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { dateField, field, formPage } from "../../http/forms.ts";
import { anyone, page } from "../../http/routes.ts";
import { formatPence } from "../../lib/money.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, signedIn } from "../access/policies.ts";
import {
  addPartner,
  createPool,
  type EntryView,
  listPools,
  type PartnerSummary,
  type PoolView,
  partnerFormFor,
  partnerReport,
  poolFormFor,
  poolView,
  recordContribution,
  recordSpend,
  reversalFormFor,
  reverseEntry,
} from "./community-budgets.service.ts";
import { SPEND_KINDS } from "./community-budgets.table.ts";

type PoolRequest = FastifyRequest<{ Params: { poolId: string }; Querystring: { notice?: string } }>;
type SlugRequest = FastifyRequest<{ Params: { slug: string } }>;
type ReportRequest = FastifyRequest<{ Params: { poolId: string; authorityId: string } }>;
type EntryRequest = FastifyRequest<{ Params: { poolId: string; journalId: string } }>;

const VIEWS = "community-budgets/views";
const poolUrl = (id: string) => `/community-budgets/${id}`;

const partnerShown = (poolId: string, x: PartnerSummary) => ({
  ...x,
  href: `${poolUrl(poolId)}/partners/${x.partnerId}`,
  agreedText: x.agreed === null ? null : formatPence(x.agreed),
  contributedText: formatPence(x.contributed),
  spentText: formatPence(x.spent),
  balanceText: formatPence(x.balance),
});

const entryShown = (e: EntryView) => ({ ...e, amountText: formatPence(e.amount) });

/** A pool as the pages show it. */
function shown(v: PoolView) {
  return {
    ...v,
    href: poolUrl(v.pool.id),
    partners: v.partners.map((x) => partnerShown(v.pool.id, x)),
    totalsText: {
      contributed: formatPence(v.totals.contributed),
      spent: formatPence(v.totals.spent),
      cash: formatPence(v.totals.cash),
    },
    byKind: v.byKind.map((k) => ({ ...k, spentText: formatPence(k.spent) })),
    entries: v.entries.map(entryShown),
  };
}

const poolPeople = afterLookup({
  description:
    "The accountable authority's commissioners and administrators (a contribution: a partner's); others signed in get 403, an unknown pool 404",
  signedIn: true,
  check() {},
});

export function communityBudgetPages(app: FastifyInstance): void {
  app.get("/community-budgets", page({ who: anyone }), async (request, reply) => {
    const pools = await listPools(ctxOf(request));
    await reply.page(`${VIEWS}/pools.njk`, { pools: pools.map(shown) });
  });

  app.get("/community-budgets/:poolId", page({ who: anyone }), async (request: PoolRequest, reply) => {
    const v = await poolView(ctxOf(request), request.params.poolId);
    const notice = request.query?.notice;
    await reply.page(`${VIEWS}/pool.njk`, {
      budget: shown(v),
      notice:
        notice === "contribution" || notice === "spend" || notice === "partner" || notice === "reversal"
          ? notice
          : undefined,
    });
  });

  app.get(
    "/community-budgets/:poolId/partners/:authorityId",
    page({ who: anyone }),
    async (request: ReportRequest, reply) => {
      const r = await partnerReport(ctxOf(request), request.params.poolId, request.params.authorityId);
      await reply.page(`${VIEWS}/report.njk`, {
        budget: shown(r.view),
        partner: partnerShown(r.view.pool.id, r.partner),
        contributions: r.contributions.map(entryShown),
        spends: r.spends.map((s) => ({ ...entryShown(s), shareText: formatPence(s.share) })),
      });
    },
  );

  const dated = (body: unknown, names: readonly string[]) =>
    Object.fromEntries([
      ...names.map((n) => [n, field(body, n)]),
      ["on", dateField(body, "on")],
      ...["day", "month", "year"].map((p) => [`on-${p}`, field(body, `on-${p}`)]),
    ]) as Record<string, string>;
  const fieldOf = (f: string | undefined) => (f === "on" ? "on-day" : f);

  // A new pool: the authority's commissioners and administrators.
  formPage(app, "/authorities/:slug/community-budgets/new", {
    who: signedIn,
    template: `${VIEWS}/new.njk`,
    context: async (request: SlugRequest) => ({
      authority: request.authority,
      ...(await poolFormFor(ctxOf(request), request.authority.id)),
    }),
    read: (body) => ({
      name: field(body, "name"),
      areaCode: field(body, "areaCode"),
      purpose: field(body, "purpose"),
    }),
    submit: async (request: SlugRequest, v) => {
      const done = await createPool(ctxOf(request), request.authority.id, v);
      return poolUrl(done.pool.id);
    },
  });

  // A new partner: the accountable authority's commissioners and administrators.
  formPage(app, "/community-budgets/:poolId/partner", {
    who: poolPeople,
    template: `${VIEWS}/partner.njk`,
    context: async (request: PoolRequest) => {
      const f = await partnerFormFor(ctxOf(request), request.params.poolId);
      return { budget: shown(f.view), authorities: f.authorities };
    },
    read: (body) => ({ authorityId: field(body, "authorityId"), agreed: field(body, "agreed") }),
    submit: async (request: PoolRequest, v) => {
      await addPartner(ctxOf(request), request.params.poolId, v);
      return `${poolUrl(request.params.poolId)}?notice=partner`;
    },
  });

  // A partner's contribution: the partner's commissioners and administrators.
  formPage(app, "/community-budgets/:poolId/contribution", {
    who: poolPeople,
    template: `${VIEWS}/contribution.njk`,
    context: async (request: PoolRequest) => {
      const v = shown(await poolView(ctxOf(request), request.params.poolId));
      return { budget: v, mine: v.partners.filter((x) => v.contributesFor.includes(x.partnerId)) };
    },
    read: (body) => dated(body, ["partnerAuthorityId", "amount", "reference"]),
    fieldOf,
    submit: async (request: PoolRequest, v) => {
      await recordContribution(ctxOf(request), request.params.poolId, v);
      return `${poolUrl(request.params.poolId)}?notice=contribution`;
    },
  });

  // A spend from the pool: the accountable authority's commissioners and administrators.
  formPage(app, "/community-budgets/:poolId/spend", {
    who: poolPeople,
    template: `${VIEWS}/spend.njk`,
    context: async (request: PoolRequest) => ({
      budget: shown(await poolView(ctxOf(request), request.params.poolId)),
      kinds: SPEND_KINDS,
    }),
    read: (body) => dated(body, ["kind", "payee", "payeeIsPerson", "amount", "description"]),
    fieldOf,
    submit: async (request: PoolRequest, v) => {
      await recordSpend(ctxOf(request), request.params.poolId, v);
      return `${poolUrl(request.params.poolId)}?notice=spend`;
    },
  });

  // Reversing an entry made in error: the accountable authority's commissioners and administrators.
  formPage(app, "/community-budgets/:poolId/entries/:journalId/reversal", {
    who: poolPeople,
    template: `${VIEWS}/reversal.njk`,
    context: async (request: EntryRequest) => {
      const r = await reversalFormFor(ctxOf(request), request.params.poolId, request.params.journalId);
      return { budget: shown(r.view), entry: entryShown(r.entry) };
    },
    read: (body) => ({ reasons: field(body, "reasons") }),
    submit: async (request: EntryRequest, v) => {
      await reverseEntry(ctxOf(request), request.params.poolId, request.params.journalId, v);
      return `${poolUrl(request.params.poolId)}?notice=reversal`;
    },
  });
}
