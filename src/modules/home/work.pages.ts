/**
 * The page of a person's work (`/tasks`, "Your work"): where everyone lands after signing in. One
 * call to `workOf` (work.service.ts); here only how it reads: each task's text from the catalogue
 * (`home.tasks.kinds.<kind>`), its deadline in London time as the rest of the site shows times, and
 * the overdue marked.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { page } from "../../http/routes.ts";
import { londonDateTime, longDate } from "../../lib/london-time.ts";
import { isOverdue, type Task, type TaskDetail, type TaskDue } from "../../lib/tasks.ts";
import { signedIn } from "../access/policies.ts";
import { tendersCtxOf } from "../tenders/tenders.context.ts";
import { type Work, workOf } from "./work.service.ts";

export const WORK_PATH = "/tasks";

/** A value of a task's text as people read it: instants and days in London time, numbers as numbers. */
export function detailText(value: TaskDetail): string | number {
  if (value instanceof Date) return londonDateTime(value);
  if (typeof value === "object") return longDate(value.day);
  return value;
}

/** A deadline as the site shows it: a day as a date, an instant with its time. */
export function dueText(due: TaskDue | null): string | null {
  if (!due) return null;
  return due.day ? longDate(due.day) : londonDateTime(due.at);
}

/** A task's text, in the reader's language. */
export function taskText(t: FastifyRequest["t"], task: Task): string {
  const values = Object.fromEntries(Object.entries(task.details).map(([k, v]) => [k, detailText(v)]));
  return t(`home.tasks.kinds.${task.kind}`, values);
}

function shown(request: FastifyRequest, now: Date) {
  return (task: Task) => ({
    text: taskText(request.t, task),
    href: task.href,
    about: {
      title: task.about.title,
      type: request.t(`home.tasks.types.${task.about.type}`),
      body: task.about.body,
    },
    deadline: dueText(task.due),
    overdue: isOverdue(task, now),
  });
}

/** What the page shows of the person's work. */
export function workContext(request: FastifyRequest, work: Work, now: Date) {
  const t = request.t;
  return {
    todo: work.todo.map(shown(request, now)),
    waiting: work.waiting.map(shown(request, now)),
    more: work.more,
    places: work.places,
    assigned: work.assigned && {
      rows: work.assigned.assignments.map((a) => ({
        title: a.tender.title,
        authorityName: a.tender.authorityName,
        href: a.href,
        state: t(`home.tasks.assigned.states.${a.state}`),
        due: dueText(a.due),
      })),
      more: work.assigned.more,
    },
    bids: work.bids && {
      rows: work.bids.bids.map((b) => ({
        title: b.tender.title,
        authorityName: b.tender.authorityName,
        tenderHref: b.tender.href,
        organisation: b.organisation.name,
        received: londonDateTime(b.receipt.receivedAt),
        href: b.href,
        stage: t(b.tender.stage),
        outcome: b.outcome
          ? t(`home.tasks.bids.outcomes.${b.outcome.outcome}`, { rank: b.outcome.rank ?? "" })
          : null,
        assessmentHref: b.outcome?.href ?? null,
      })),
      more: work.bids.more,
    },
  };
}

export function workPages(app: FastifyInstance): void {
  app.get(WORK_PATH, page({ who: signedIn }), async (request, reply) => {
    const work = await workOf(tendersCtxOf(request));
    await reply.page("home/views/work.njk", workContext(request, work, request.server.deps.clock.now()));
  });
}
