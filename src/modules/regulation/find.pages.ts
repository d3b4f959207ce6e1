/**
 * Pages for everyone — Find a service, compare providers — and the
 * failing-providers view for regulators' staff and commissioners. Find and compare are searches
 * (GET): the fields at fault are shown in the error summary with status 400, and nothing is found.
 */
import type { FastifyInstance } from "fastify";
import { searchPage } from "../../http/forms.ts";
import { anyone, page } from "../../http/routes.ts";
import { ctxOf } from "../access/context.ts";
import { FAILING_REASONS, failingLocations } from "./enforcement.service.ts";
import { comparePage, findPage } from "./find.service.ts";
import { PAGE_COMMON, queryText } from "./regulation.pages.ts";
import { failingViewers } from "./regulation.policies.ts";

export function findPages(app: FastifyInstance): void {
  app.get("/regulation/find", page({ who: anyone }), async (request, reply) => {
    const filter = {
      serviceType: queryText(request, "serviceType"),
      areaCode: queryText(request, "areaCode"),
      postcodeDistrict: queryText(request, "postcodeDistrict"),
      rating: queryText(request, "rating"),
    };
    const { problems, ...found } = await findPage(ctxOf(request), {
      ...filter,
      after: queryText(request, "after") || undefined,
      before: queryText(request, "before") || undefined,
    });
    const href = (key: { after?: string; before?: string }) => {
      const search = new URLSearchParams(Object.entries({ ...filter, ...key }).filter(([, v]) => v));
      return `/regulation/find?${search.toString()}`;
    };
    const pagination =
      found.previous || found.next
        ? {
            previous: found.previous ? { href: href({ before: found.previous }) } : undefined,
            next: found.next ? { href: href({ after: found.next }) } : undefined,
          }
        : undefined;
    await searchPage(
      reply,
      "regulation/views/find.njk",
      { filter, ...PAGE_COMMON, ...found, pagination },
      problems,
    );
  });

  app.get("/regulation/compare", page({ who: anyone }), async (request, reply) => {
    const raw = ((request.query ?? {}) as Record<string, unknown>).organisations;
    const selected = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String);
    const { problems, ...compared } = await comparePage(ctxOf(request), selected);
    await searchPage(
      reply,
      "regulation/views/compare.njk",
      { ...PAGE_COMMON, selected, ...compared },
      problems,
    );
  });

  app.get("/regulation/failing", page({ who: failingViewers }), async (request, reply) => {
    const rows = await failingLocations(ctxOf(request));
    await reply.page("regulation/views/failing.njk", { rows, reasons: FAILING_REASONS, ...PAGE_COMMON });
  });
}
