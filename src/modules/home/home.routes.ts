/**
 * Places to start: the public bodies' index at `/authorities` (public-bodies.service.ts); each
 * authority's hub at `/authorities/{slug}` (hub.service.ts), from which every step of its
 * commissioning is one link away; and each person's work at `/tasks` (work.pages.ts), where they
 * land after signing in, with its API, `GET /api/v1/me/tasks` (scope `account:read`).
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { anyone, api, page } from "../../http/routes.ts";
import { isOverdue, type Task, type TaskDue } from "../../lib/tasks.ts";
import { ctxOf } from "../access/context.ts";
import { signedIn } from "../access/policies.ts";
import { tendersCtxOf } from "../tenders/tenders.context.ts";
import { WorkResponse } from "./home.schemas.ts";
import { authorityHub } from "./hub.service.ts";
import { taskText, workPages } from "./work.pages.ts";
import { workOf } from "./work.service.ts";

const dueJson = (due: TaskDue | null) => due && { at: due.at.toISOString(), day: due.day };

import { publicBodiesIndex } from "./public-bodies.service.ts";

export async function homeRoutes(app: FastifyInstance): Promise<void> {
  app.get("/authorities", page({ who: anyone }), async (request, reply) => {
    await reply.page("home/views/public-bodies.njk", { index: await publicBodiesIndex(ctxOf(request)) });
  });

  app.get("/authorities/:slug", page({ who: anyone }), async (request, reply) => {
    await reply.page("home/views/hub.njk", { hub: await authorityHub(ctxOf(request), request.authority) });
  });

  workPages(app);

  app.withTypeProvider<TypeBoxTypeProvider>().get(
    "/api/v1/me/tasks",
    api(
      { who: signedIn, scope: "account:read" },
      {
        operationId: "listYourTasks",
        tags: ["account"],
        summary: "Your work: what is yours to do, and what you are waiting on",
        description:
          "What is yours to do, the soonest deadline first (bids to open, questions to answer, compliance checks, declarations and scores, moderation and awards, standstill challenges, standstill ending, contracts to enter, KPI reports and ratings due, expressions of interest to decide, draft inspection reports and factual-accuracy points), what you started that waits for someone else, the tenders you are assigned to evaluate and your organisations' bids: the page /tasks as data. Drawn from your own roles only. A token needs account:read; the bids are listed only with bids:read too.",
        response: { 200: WorkResponse },
      },
    ),
    async (request) => {
      const work = await workOf(tendersCtxOf(request));
      const now = request.server.deps.clock.now();
      const task = (t: Task) => ({
        kind: t.kind,
        text: taskText(request.t, t),
        about: t.about,
        href: t.href,
        due: dueJson(t.due),
        overdue: isOverdue(t, now),
        details: Object.fromEntries(
          Object.entries(t.details).map(([k, v]) => [
            k,
            v instanceof Date ? v.toISOString() : typeof v === "object" ? v.day : v,
          ]),
        ),
      });
      return {
        todo: work.todo.map(task),
        waiting: work.waiting.map(task),
        more: work.more,
        assigned: work.assigned && {
          assignments: work.assigned.assignments.map((a) => ({
            ...a,
            assignedAt: a.assignedAt.toISOString(),
            due: dueJson(a.due),
          })),
          more: work.assigned.more,
        },
        bids: work.bids && {
          bids: work.bids.bids.map((b) => ({
            tender: {
              ...b.tender,
              stage: request.t(b.tender.stage),
              submissionDeadline: b.tender.submissionDeadline.toISOString(),
            },
            organisation: b.organisation,
            receipt: { ...b.receipt, receivedAt: b.receipt.receivedAt.toISOString() },
            href: b.href,
            outcome: b.outcome,
          })),
          more: work.bids.more,
        },
      };
    },
  );
}
