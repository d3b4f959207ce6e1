/**
 * The area figures of choice (issue 17, item 9): the public page `/choice/areas/{areaCode}` and
 * `GET /api/v1/choice/areas/{areaCode}/figures`. Under `/choice` beside the approved-provider lists
 * (the figures are of choice, read by anyone), served by this module because it is the one above
 * both choice and users' feedback. Each route calls one service.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { anyone, api, page } from "../../http/routes.ts";
import { longMonth } from "../../lib/london-time.ts";
import { formatMoney, type Pence } from "../../lib/money.ts";
import { collect, panelsContext } from "../../lib/ports.ts";
import { ctxOf } from "../access/context.ts";
import { AreaFiguresResponse, AreaParams } from "./champion-figures.schemas.ts";
import { AREA_FIGURES_MAX_AGE_MS, type AreaFigures, areaFigures } from "./champion-figures.service.ts";
import { areaPanels } from "./voice.ports.ts";

const money = (pence: Pence | null) => (pence === null ? null : formatMoney(pence));

function figuresToApi(f: AreaFigures) {
  return {
    area: f.area,
    countedAt: f.countedAt.toISOString(),
    serviceTypes: f.serviceTypes.map((s) => ({
      code: s.code,
      name: s.name,
      lists: s.lists.map((l) => ({
        authority: { id: l.authority_id, name: l.authority_name, slug: l.authority_slug },
        id: l.id,
        title: l.title,
        tariff: l.tariff_pence.toString(),
        tariffUnit: l.tariff_unit,
        members: l.member_count,
        pageUrl: `/authorities/${l.authority_slug}/choice/${l.id}`,
      })),
      providers: s.providers,
      capacity: s.capacity,
      prices: s.prices.map((p) => ({
        ...p,
        tariffLowest: p.tariffLowest.toString(),
        tariffHighest: p.tariffHighest.toString(),
        priceLowest: p.priceLowest?.toString() ?? null,
        priceHighest: p.priceHighest?.toString() ?? null,
      })),
    })),
    listsCapped: f.listsCapped,
    choiceNotAvailable: f.unavailable.map((u) => ({
      month: u.month,
      records: u.records,
      answeredOnTime: u.onTime,
      answeredLate: u.late,
      waiting: u.waiting,
      overdue: u.overdue,
    })),
    feedback: f.feedback,
  };
}

export function championFiguresRoutes(app: FastifyInstance): void {
  app.get(
    "/choice/areas/:areaCode",
    page({ who: anyone }),
    async (request: FastifyRequest<{ Params: { areaCode: string } }>, reply) => {
      const ctx = ctxOf(request);
      const figures = await areaFigures(ctx, request.params.areaCode);
      const panels = await collect(areaPanels, ctx.db, ctx.clock, figures.area.code);
      const monthName = (m: string) => longMonth(m, request.locale);
      await reply.page("voice/views/area-figures.njk", {
        ...panelsContext(panels),
        ...figures,
        keptMinutes: AREA_FIGURES_MAX_AGE_MS / 60_000,
        serviceTypes: figures.serviceTypes.map((s) => ({
          ...s,
          prices: s.prices.map((p) => ({
            ...p,
            tariffLowestText: money(p.tariffLowest),
            tariffHighestText: money(p.tariffHighest),
            priceLowestText: money(p.priceLowest),
            priceHighestText: money(p.priceHighest),
          })),
        })),
        unavailable: figures.unavailable.map((u) => ({ ...u, monthName: monthName(u.month) })),
        feedback: figures.feedback.map((r) => ({ ...r, monthName: monthName(r.month) })),
      });
    },
  );

  app.withTypeProvider<TypeBoxTypeProvider>().get(
    "/api/v1/choice/areas/:areaCode/figures",
    api(
      { who: anyone },
      {
        operationId: "getAreaFiguresOfChoice",
        tags: ["champions"],
        summary: "An area's open figures of choice",
        description:
          "For an area (ONS GSS code): per service type, the open approved-provider lists covering it, their providers, the capacity offered and prices against the tariff; per month for the last 12, records that choice was not available by or for people in the area and how they were answered, and the published reviews of people in the area with their average rating. Counts of 1 to 9 are suppressed (null). Counted at most every 10 minutes (`countedAt`).",
        params: AreaParams,
        response: { 200: AreaFiguresResponse },
      },
    ),
    async (request) => figuresToApi(await areaFigures(ctxOf(request), request.params.areaCode)),
  );
}
