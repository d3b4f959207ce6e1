/**
 * The demo clock's page (/admin/demo-clock: move it forward, reset it), its API
 * (GET /api/v1/demo-clock, POST /api/v1/demo-clock/forward, POST /api/v1/demo-clock/reset) and the
 * banner every page shows while it is ahead. Registered in demo mode only: outside it none of these
 * routes exists (404) and no page shows the banner. The rules are in demo-clock.service.ts.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { buttonAction, field, formPage } from "../../http/forms.ts";
import { anyone, api } from "../../http/routes.ts";
import { addToLayout } from "../../http/views.ts";
import { londonTime } from "../../lib/london-time.ts";
import { ctxOf } from "../access/context.ts";
import { platformAdmins } from "../access/policies.ts";
import { DemoClockResponse, MoveBody } from "./demo-clock.schemas.ts";
import {
  DEMO_CLOCK_WRITE,
  type DemoClockState,
  demoClockAhead,
  demoClockState,
  MAX_DAYS_PER_MOVE,
  moveDemoClockForward,
  resetDemoClock,
} from "./demo-clock.service.ts";

const PAGE = "/admin/demo-clock";
const TEMPLATE = "demo-clock/views/demo-clock.njk";
const tags: ["demo"] = ["demo"];

function stateResponse(state: DemoClockState) {
  return { daysAhead: state.daysAhead, now: state.now.toISOString(), realNow: state.realNow.toISOString() };
}

/** The days as typed: a whole number (negative too, for the service to refuse as going back), or NaN. */
const daysOf = (typed: string): number => (/^[+-]?\d{1,9}$/.test(typed) ? Number(typed) : Number.NaN);

export async function demoClockRoutes(app: FastifyInstance): Promise<void> {
  if (!app.deps.config.demo) return;

  // The banner on every page while the clock is ahead (src/views/partials/demo-clock-banner.njk).
  addToLayout(app, (request) => {
    const ahead = demoClockAhead(ctxOf(request));
    if (!ahead) return {};
    return {
      demoClock: {
        days: ahead.daysAhead,
        now: ahead.now,
        time: londonTime(ahead.now),
        resetHref: ahead.mayReset ? PAGE : null,
      },
    };
  });

  formPage(app, PAGE, {
    who: platformAdmins,
    template: TEMPLATE,
    context: (request) => {
      const state = demoClockState(ctxOf(request));
      return {
        state,
        time: londonTime(state.now),
        realTime: londonTime(state.realNow),
        maxDays: MAX_DAYS_PER_MOVE,
      };
    },
    values: () => ({ days: "" }),
    read: (body) => ({ days: field(body, "days") }),
    submit: async (request, values) => {
      await moveDemoClockForward(ctxOf(request), daysOf(values.days));
      return PAGE;
    },
  });

  buttonAction(app, `${PAGE}/reset`, { who: platformAdmins }, async (request) => {
    await resetDemoClock(ctxOf(request));
    return PAGE;
  });

  const json = app.withTypeProvider<TypeBoxTypeProvider>();

  json.get(
    "/api/v1/demo-clock",
    api(
      { who: anyone },
      {
        operationId: "getDemoClock",
        tags,
        summary: "The demo clock: how far ahead of the real time the demo runs",
        description:
          "Demo mode only (404 outside it, where the clock is the real time): the time OpenPS takes it to be, the real time, and the whole days between.",
        response: { 200: DemoClockResponse },
      },
    ),
    async (request) => stateResponse(demoClockState(ctxOf(request))),
  );

  json.post(
    "/api/v1/demo-clock/forward",
    api(
      { who: platformAdmins, scope: DEMO_CLOCK_WRITE },
      {
        operationId: "moveDemoClockForward",
        tags,
        summary: "Move the demo clock forward by whole days",
        description:
          "Demo mode only (404 outside it). Everything that asks for the time — deadlines, standstill, factual-accuracy periods, the job runner — then sees the moved time, and every page says so. It never moves back: 400 for a number of days below 1 (time going backwards would put the audit trail out of order) or over 365. Audited.",
        body: MoveBody,
        response: { 200: DemoClockResponse },
      },
    ),
    async (request) => stateResponse(await moveDemoClockForward(ctxOf(request), request.body.days)),
  );

  json.post(
    "/api/v1/demo-clock/reset",
    api(
      { who: platformAdmins, scope: DEMO_CLOCK_WRITE },
      {
        operationId: "resetDemoClock",
        tags,
        summary: "Reset the demo clock to the real time",
        description:
          "Demo mode only (404 outside it). What was done while the clock was ahead keeps the times it was done at. Audited; at the real time already, nothing changes.",
        body: "none",
        response: { 200: DemoClockResponse },
      },
    ),
    async (request) => stateResponse(await resetDemoClock(ctxOf(request))),
  );
}
