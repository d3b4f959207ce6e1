/**
 * The integrity indicators in the JSON API — the catalogue, an authority's counts and flags, a
 * process's flags — and their pages (integrity.pages.ts). Public: the flags are worked out from
 * what the public may see. See docs/integrity.md.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { anyone, api } from "../../http/routes.ts";
import { AuthorityParams } from "../../http/schemas.ts";
import { ctxOf } from "../access/context.ts";
import { integrityPages } from "./integrity.pages.ts";
import { flagJson, indicatorJson } from "./integrity.presenters.ts";
import {
  AuthorityIntegrityQuery,
  AuthorityIntegrityResponse,
  FlagsQuery,
  FlagsResponse,
  IndicatorsResponse,
  TAGS,
} from "./integrity.schemas.ts";
import {
  authorityIntegrity,
  flagsOfProcess,
  type IntegrityFlagRow,
  indicators,
} from "./integrity.service.ts";

/** What every answer with flags says of them. */
const NOTE = "Each flag is a reason to look, never a verdict: it says why it was raised.";

/** A flag with its page's address made absolute on the deployment's address. */
function flagOut(request: FastifyRequest, row: IntegrityFlagRow) {
  const flag = flagJson(row);
  const base = request.server.deps.config.baseUrl.replace(/\/+$/, "");
  return { ...flag, url: flag.url.startsWith("/") ? `${base}${flag.url}` : flag.url };
}

export async function integrityRoutes(app: FastifyInstance): Promise<void> {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();

  json.get(
    "/api/v1/integrity/indicators",
    api(
      { who: anyone },
      {
        operationId: "listIntegrityIndicators",
        tags: TAGS,
        summary: "The integrity indicators, with their thresholds and the reason for each",
        description:
          "Each indicator's code, name, meaning and what it does not show, its thresholds (value, unit and the rule or source behind it), the OCDS fields it reads and its sources, in English and Welsh.",
        response: { 200: IndicatorsResponse },
      },
    ),
    async () => ({ indicators: indicators().map(indicatorJson) }),
  );

  json.get(
    "/api/v1/authorities/:authorityId/integrity",
    api(
      { who: anyone },
      {
        operationId: "getAuthorityIntegrity",
        tags: TAGS,
        summary: "A public body's integrity flags: counts by indicator, and each flag with why",
        description:
          "Counts by indicator (exact up to 1,000), how many awards made with fewer than three bids were justified, and the flags raised, newest first, of one indicator when `indicator` is given; `next` and `previous` page by key.",
        params: AuthorityParams,
        querystring: AuthorityIntegrityQuery,
        response: { 200: AuthorityIntegrityResponse },
      },
    ),
    async (request) => {
      const { authority } = request;
      const view = await authorityIntegrity(ctxOf(request), authority, request.query);
      return {
        authority: { id: authority.id, name: authority.name, slug: authority.slug },
        note: NOTE,
        counts: view.counts,
        fewerThanThreeBids: view.fewerThanThree,
        indicator: view.indicator,
        flags: view.flags.map((row) => flagOut(request, row)),
        next: view.next,
        previous: view.previous,
      };
    },
  );

  json.get(
    "/api/v1/integrity/flags",
    api(
      { who: anyone },
      {
        operationId: "listProcessIntegrityFlags",
        tags: TAGS,
        summary: "The integrity flags raised on one contracting process",
        description:
          "By the process's ocid (as in its OCDS releases): each flag raised now, with the values it was raised on and why. None for a process with none, or an ocid OpenPS does not know.",
        querystring: FlagsQuery,
        response: { 200: FlagsResponse },
      },
    ),
    async (request) => {
      const { ocid } = request.query;
      const flags = await flagsOfProcess(ctxOf(request), ocid);
      return { ocid, note: NOTE, flags: flags.map((row) => flagOut(request, row)) };
    },
  );

  integrityPages(app);
}
