/**
 * A person's work (issue 14, item 2): what is theirs to do, and what they started that waits for
 * someone else. Each module that gives people work says what of it is this person's with a
 * `tasksFor(ctx)` in its `tasks.service.ts`, returning this shape; the home module puts them
 * together on `/tasks` (the place everyone lands after signing in) and `GET /api/v1/me/tasks`. The
 * shape lives here, below every module, so that any module can give it.
 *
 * A task names what is to be done (`kind`: its text is the home module's `home.tasks.kinds.<kind>`),
 * what it concerns (a tender, a contract, an inspection report, an expression of interest), the page
 * where it is done, and its deadline as the module computes it (none when nothing sets one). Each
 * module reads a bounded number of rows (`TASK_ROWS`) and says how many more there were.
 */
import { endOfLondonDay } from "./london-time.ts";

/** The most rows a module reads for one kind of work; beyond them it counts (`more`). */
export const TASK_ROWS = 50;

/** When a task falls due. */
export interface TaskDue {
  /** The instant it falls due — for a day, the end of that day in London: orders tasks and marks the overdue. */
  at: Date;
  /** A deadline of a whole day (YYYY-MM-DD, London), shown as a date; null for an instant, shown with its time. */
  day: string | null;
}

/** What a task concerns: the record whose page it is done on. */
export interface TaskSubject {
  /** "tender", "contract", "inspection", "expression-of-interest", "award". */
  type: string;
  id: string;
  /** Its title (a tender's, a contract's), or its name (a location's, a service's). */
  title: string;
  /** Whose it is: the authority, regulator or provider. */
  body: string;
}

/** A value in a task's text: a name or a number, an instant (shown in London time), or a London day (YYYY-MM-DD). */
export type TaskDetail = string | number | Date | { day: string };

export interface Task {
  /** What is to be done, like "confirm-opening": one of the kinds the home module's catalogue names. */
  kind: string;
  about: TaskSubject;
  /** The page where it is done (a path on this site). */
  href: string;
  /** By when; null when nothing sets a deadline. */
  due: TaskDue | null;
  /** Values for the task's text, by the name of its placeholder. */
  details: Record<string, TaskDetail>;
}

/** A module's tasks for one person: theirs to do, and what waits for others; and how many more it left out. */
export interface Tasks {
  todo: Task[];
  waiting: Task[];
  more: { todo: number; waiting: number };
}

export function noTasks(): Tasks {
  return { todo: [], waiting: [], more: { todo: 0, waiting: 0 } };
}

/** Due at an instant. */
export function dueAt(at: Date): TaskDue {
  return { at, day: null };
}

/** Due on a London day (YYYY-MM-DD): by the end of it. */
export function dueOn(day: string): TaskDue {
  return { at: endOfLondonDay(day), day };
}

/** Whether the task's deadline has passed. */
export function isOverdue(task: Pick<Task, "due">, now: Date): boolean {
  return task.due !== null && now.getTime() > task.due.at.getTime();
}

/** Soonest first; those without a deadline last, in the order given. */
export function bySoonest(a: Pick<Task, "due">, b: Pick<Task, "due">): number {
  if (a.due === null || b.due === null) return (a.due === null ? 1 : 0) - (b.due === null ? 1 : 0);
  return a.due.at.getTime() - b.due.at.getTime();
}

/** How many more rows there were than those read, from a query's `count(*) over ()` (`total`). */
export function moreThan(rows: readonly { total: bigint | number | string }[]): number {
  const first = rows[0];
  return first ? Math.max(0, Number(first.total) - rows.length) : 0;
}

/** Several modules' tasks as one: each list soonest first, at most `shown` of each, the rest counted. */
export function mergeTasks(lists: readonly Tasks[], shown: number): Tasks {
  const cut = (tasks: Task[], more: number) => {
    const sorted = tasks.sort(bySoonest);
    return { tasks: sorted.slice(0, shown), more: more + Math.max(0, sorted.length - shown) };
  };
  const todo = cut(
    lists.flatMap((l) => l.todo),
    lists.reduce((n, l) => n + l.more.todo, 0),
  );
  const waiting = cut(
    lists.flatMap((l) => l.waiting),
    lists.reduce((n, l) => n + l.more.waiting, 0),
  );
  return { todo: todo.tasks, waiting: waiting.tasks, more: { todo: todo.more, waiting: waiting.more } };
}
