/**
 * Finding opportunities: the public page `/opportunities` (search and filters), saved searches,
 * and their API. Thin: parse, call the service, render.
 */
import type { FastifyInstance } from "fastify";
import { londonDateTime } from "../../lib/london-time.ts";
import { formatMoney, type Pence } from "../../lib/money.ts";
import { opportunities } from "../tenders/tenders.service.ts";

const hide = { schema: { hide: true } };

export async function opportunitiesRoutes(app: FastifyInstance): Promise<void> {
  const { db, clock } = app.deps;
  app.get("/opportunities", hide, async (_request, reply) => {
    const found = await opportunities(db, clock);
    await reply.page("opportunities/views/opportunities.njk", {
      tenders: found.map(({ tender, state }) => ({
        href: `/authorities/${tender.authority_slug}/tenders/${tender.id}`,
        title: tender.title,
        deadline: londonDateTime(tender.submission_deadline),
        state,
        reserved: tender.reserved,
        procedure: tender.procedure,
        authorityName: tender.authority_name,
        estimatedValue:
          tender.estimated_value_pence === null
            ? ""
            : formatMoney(tender.estimated_value_pence as Pence, { pence: false }),
      })),
    });
  });
}
