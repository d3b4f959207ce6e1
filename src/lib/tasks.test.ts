/** A person's tasks put together: the soonest first, those without a deadline last, at most so many, the rest counted. */
import { describe, expect, it } from "vitest";
import {
  bySoonest,
  dueAt,
  dueOn,
  isOverdue,
  mergeTasks,
  moreThan,
  noTasks,
  type Task,
  type Tasks,
} from "./tasks.ts";

const task = (kind: string, due: Task["due"]): Task => ({
  kind,
  about: { type: "tender", id: kind, title: kind, body: "Westshire County Council" },
  href: `/${kind}`,
  due,
  details: {},
});

describe("deadlines", () => {
  it("end a London day at its midnight, in summer time and in winter", () => {
    expect(dueOn("2026-07-31")).toEqual({ at: new Date("2026-07-31T23:00:00Z"), day: "2026-07-31" });
    expect(dueOn("2026-12-01")).toEqual({ at: new Date("2026-12-02T00:00:00Z"), day: "2026-12-01" });
  });

  it("are overdue once passed, not at the instant itself", () => {
    const at = new Date("2026-12-02T00:00:00Z");
    expect(isOverdue(task("a", dueAt(at)), at)).toBe(false);
    expect(isOverdue(task("a", dueAt(at)), new Date(at.getTime() + 1))).toBe(true);
    expect(isOverdue(task("a", null), new Date("2099-01-01T00:00:00Z"))).toBe(false);
  });
});

describe("putting modules' tasks together", () => {
  const soon = task("soon", dueOn("2026-12-01"));
  const later = task("later", dueAt(new Date("2027-01-15T12:00:00Z")));
  const never = task("never", null);
  const alsoNever = task("also-never", null);

  it("orders the soonest first and those without a deadline last, keeping their order", () => {
    expect([never, later, alsoNever, soon].sort(bySoonest).map((x) => x.kind)).toEqual([
      "soon",
      "later",
      "never",
      "also-never",
    ]);
  });

  it("shows at most so many of each list and counts the rest, with what each module left out", () => {
    const a: Tasks = { todo: [never, later], waiting: [soon], more: { todo: 2, waiting: 0 } };
    const b: Tasks = { todo: [soon, alsoNever], waiting: [], more: { todo: 0, waiting: 5 } };
    const merged = mergeTasks([a, b, noTasks()], 3);
    expect(merged.todo.map((x) => x.kind)).toEqual(["soon", "later", "never"]);
    expect(merged.waiting.map((x) => x.kind)).toEqual(["soon"]);
    expect(merged.more).toEqual({ todo: 2 + 1, waiting: 5 });
  });

  it("counts the rows a bounded query left out from its total", () => {
    expect(moreThan([])).toBe(0);
    expect(moreThan([{ total: 7n }, { total: 7n }])).toBe(5);
    expect(moreThan([{ total: "2" }, { total: "2" }])).toBe(0);
  });
});
