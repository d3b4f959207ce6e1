/**
 * The public pages: home, the accessibility statement, privacy notice, cookies, feedback, the API
 * documentation and robots.txt (open data, with its downloads, is the datasets module's). Pages,
 * not JSON: none of these routes appears in the OpenAPI document.
 */
import type { FastifyInstance } from "fastify";
import { anyone, page } from "../../http/routes.ts";
import { londonTime } from "../../lib/london-time.ts";
import { ctxOf } from "../access/context.ts";
import {
  type ApiDescription,
  apiTagGroup,
  describeApi,
  homeSummary,
  type OpenApiDocument,
} from "./pages.service.ts";

const STATIC_PAGES = {
  "/accessibility": "pages/views/accessibility.njk",
  "/privacy": "pages/views/privacy.njk",
  "/cookies": "pages/views/cookies.njk",
  "/feedback": "pages/views/feedback.njk",
} as const;

/**
 * For search engines: every public page may be crawled; not the pages of someone's account, links
 * with tokens in them, or the JSON API (its data is in the open data and the API documentation).
 */
export const ROBOTS_TXT = [
  "User-agent: *",
  "Disallow: /account",
  "Disallow: /admin/",
  "Disallow: /inbox",
  "Disallow: /invitations/",
  "Disallow: /reset-password",
  "Disallow: /verify-email",
  "Disallow: /api/v1/",
  "",
].join("\n");

export async function pagesRoutes(app: FastifyInstance): Promise<void> {
  const hide = { schema: { hide: true } };

  app.get("/", page({ who: anyone }), async (request, reply) => {
    const summary = await homeSummary(ctxOf(request));
    await reply.page("pages/views/home.njk", {
      summary,
      countedAt: londonTime(summary.countedAt, request.locale),
    });
  });

  for (const [path, template] of Object.entries(STATIC_PAGES)) {
    app.get(path, page({ who: anyone }), async (_request, reply) => {
      await reply.page(template);
    });
  }

  app.get("/robots.txt", page({ who: anyone }), async (_request, reply) => {
    return reply
      .type("text/plain; charset=utf-8")
      .header("cache-control", "public, max-age=86400")
      .send(ROBOTS_TXT);
  });

  // The document is complete once the app is ready, and does not change while it runs. The
  // reference is split by tag: an index of the tags, then a light page for each.
  let api: ApiDescription | undefined;
  const described = () => (api ??= describeApi(app.swagger() as OpenApiDocument));
  app.get("/api/docs", hide, async (_request, reply) => {
    await reply.page("pages/views/api-docs.njk", { api: described() });
  });
  app.get<{ Params: { tag: string } }>("/api/docs/:tag", hide, async (request, reply) => {
    const group = apiTagGroup(described(), request.params.tag);
    await reply.page("pages/views/api-docs-tag.njk", { api: described(), group });
  });
}
