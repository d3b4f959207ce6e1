/**
 * The integrity indicators' pages: every public body's counts with the catalogue of indicators
 * (/integrity), and one body's counts and flags (/authorities/:slug/integrity). Public.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { anyone, page } from "../../http/routes.ts";
import { ctxOf } from "../access/context.ts";
import { indicatorOf } from "./indicators.ts";
import { flagView, indicatorView } from "./integrity.presenters.ts";
import { authorityIntegrity, indicators, nationalIntegrity } from "./integrity.service.ts";

type ListRequest = FastifyRequest<{ Querystring: Record<string, unknown> }>;

/** A query field as one piece of text (a field given twice, or not at all: none). */
const field = (value: unknown) => (typeof value === "string" ? value : undefined);

/** A page link's query: the indicator listed, and the key of the page. */
function pageQuery(indicator: string | null, key: "after" | "before", value: string | null): string | null {
  if (!value) return null;
  const params = new URLSearchParams();
  if (indicator) params.set("indicator", indicator);
  params.set(key, value);
  return params.toString();
}

export function integrityPages(app: FastifyInstance): void {
  app.get("/integrity", page({ who: anyone }), async (request, reply) => {
    const view = await nationalIntegrity(ctxOf(request));
    await reply.page("integrity/views/national.njk", {
      rows: view.authorities,
      totals: view.totals,
      indicators: indicators().map((i) => indicatorView(i, request.locale)),
    });
  });

  app.get("/authorities/:slug/integrity", page({ who: anyone }), async (request: ListRequest, reply) => {
    const { query } = request;
    const view = await authorityIntegrity(ctxOf(request), request.authority, {
      indicator: field(query.indicator),
      after: field(query.after),
      before: field(query.before),
    });
    await reply.page("integrity/views/authority.njk", {
      authority: request.authority,
      counts: view.counts,
      fewerThanThree: view.fewerThanThree,
      indicators: indicators().map((i) => indicatorView(i, request.locale)),
      indicatorName: view.indicator ? indicatorOf(view.indicator).name[request.locale] : null,
      flags: view.flags.map((row) => flagView(row, request.locale)),
      next: pageQuery(view.indicator, "after", view.next),
      previous: pageQuery(view.indicator, "before", view.previous),
    });
  });
}
