/**
 * Care's rules on the seeded demo data, with a settable clock: who may act for a person
 * (`requirePersonAccess`: 404 for anyone unlinked and not the authority's care staff, 403 for a
 * representative without the grant), and the reviews in care staff's work at the clocks' edges — the
 * day before the window, the first day of it, the due day, the day after (overdue) — a concern making
 * a review due, and a review done clearing it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../../../tests/support/auth.ts";
import { ctxFor, principalOf } from "../../../tests/support/principals.ts";
import { refused } from "../../../tests/support/refused.ts";
import { createTestDatabase, DEMO_SEEDED_AT, type TestDatabase } from "../../../tests/support/test-db.ts";
import { settableClock } from "../../lib/clock.ts";
import { addDays, addMonths, londonToday } from "../../lib/london-time.ts";
import { isOverdue, type Task } from "../../lib/tasks.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_CARE_STAFF, DEMO_REPRESENTATIVE } from "../../seed/demo/care.ts";
import { DEMO_USERS } from "../../seed/demo/users.ts";
import {
  actingFor,
  createPlan,
  recordConcern,
  recordPerson,
  recordReview,
  requirePersonAccess,
} from "./care.service.ts";
import { tasksFor } from "./tasks.service.ts";

const COUNTY = DEMO_AUTHORITY.county;
const clock = settableClock(DEMO_SEEDED_AT);
let t: TestDatabase;
const demoId = (role: string) => DEMO_USERS.find((u) => u.role === role)?.id as string;
const as = async (userId: string) => ctxFor(t.db, clock, await principalOf(t.db, userId));
const personNamed = async (name: string) =>
  (
    await t.db
      .selectFrom("care_people")
      .select("id")
      .where("authority_id", "=", COUNTY)
      .where("full_name", "=", name)
      .executeTakeFirstOrThrow()
  ).id;
/** Noon in London on a day (GMT in winter, BST in summer: an hour either way stays on the day). */
const noonOn = (day: string) => new Date(`${day}T12:00:00Z`);

beforeAll(async () => {
  t = await createTestDatabase({ seededAt: DEMO_SEEDED_AT });
});
afterAll(async () => {
  await t?.destroy();
});

describe("who may act for a person", () => {
  it("care staff and the person may do anything; a representative only what they are granted; others nothing", async () => {
    const tomos = await personNamed("Tomos Rees");
    const staff = await requirePersonAccess(await as(DEMO_CARE_STAFF), COUNTY, tomos, "make-payments");
    expect(staff.how).toBe("care-staff");
    const family = await as(DEMO_REPRESENTATIVE.id);
    const feedback = await requirePersonAccess(family, COUNTY, tomos, "give-feedback");
    expect(feedback).toMatchObject({ how: "family", grants: ["see-plan", "give-feedback"] });
    expect(actingFor(feedback)).toEqual({ person: { ref: `care_people/${tomos}` }, as: "family" });
    expect((await refused(requirePersonAccess(family, COUNTY, tomos, "make-payments"))).code).toBe(
      "forbidden",
    );
    const other = await createUser(t.db, {
      grants: [{ role: "care-staff", scopeId: DEMO_AUTHORITY.district }],
    });
    for (const userId of [demoId("commissioner"), demoId("platform-admin"), other.id, demoId("citizen")])
      expect((await refused(requirePersonAccess(await as(userId), COUNTY, tomos, "see-plan"))).code).toBe(
        "not_found",
      );
  });
});

describe("reviews in care staff's work", () => {
  const work = async (userId = DEMO_CARE_STAFF) => (await tasksFor(await as(userId))).todo;
  const about = (tasks: readonly Task[], id: string) => tasks.filter((x) => x.about.id === id);

  it("list the demo plans due and overdue for the authority's care staff only", async () => {
    clock.set(DEMO_SEEDED_AT);
    const tasks = await work();
    const byName = new Map(tasks.map((x) => [x.about.title, x]));
    expect(isOverdue(byName.get("Arthur Pennington") as Task, clock.now())).toBe(true);
    // Reviewed once: both his clocks fall on the same day, within the month; the direct payment's is named.
    expect(byName.get("Tomos Rees")?.kind).toBe("review-direct-payment");
    expect(isOverdue(byName.get("Tomos Rees") as Task, clock.now())).toBe(false);
    expect(byName.has("Joan Whitfield")).toBe(false);
    expect(await work(demoId("commissioner"))).toEqual([]);
  });

  it("turn due 28 days before the day, stay due on it, and are overdue the day after", async () => {
    clock.set(DEMO_SEEDED_AT);
    const staff = await as(DEMO_CARE_STAFF);
    const person = await recordPerson(staff, COUNTY, {
      fullName: "Edge Case",
      dateOfBirth: "1960-05-05",
      areaCode: "E10000901",
    });
    const startsOn = londonToday(clock);
    const plan = await createPlan(staff, COUNTY, person.id, {
      regime: "adult-social-care",
      amount: "£100",
      period: "week",
      startsOn,
      parts: [{ delivery: "managed-by-authority", amount: "£100" }],
    });
    const due = addMonths(startsOn, 12);
    clock.set(noonOn(addDays(due, -29)));
    expect(about(await work(), plan.id)).toEqual([]);
    clock.set(noonOn(addDays(due, -28)));
    const [soon] = about(await work(), plan.id);
    expect(soon).toMatchObject({ kind: "review-care-plan", due: { day: due } });
    clock.set(noonOn(addDays(due, -1)));
    expect(isOverdue(about(await work(), plan.id)[0] as Task, clock.now())).toBe(false);
    clock.set(noonOn(due));
    expect(isOverdue(about(await work(), plan.id)[0] as Task, clock.now())).toBe(false);
    clock.set(noonOn(addDays(due, 1)));
    expect(isOverdue(about(await work(), plan.id)[0] as Task, clock.now())).toBe(true);

    // A review done starts the clocks again; a concern then makes one due within 28 days.
    await recordReview(await as(DEMO_CARE_STAFF), COUNTY, plan.id, {
      reviewedOn: addDays(due, 1),
      outcome: "no-change",
    });
    expect(about(await work(), plan.id)).toEqual([]);
    clock.advance(60_000);
    await recordConcern(await as(DEMO_CARE_STAFF), COUNTY, plan.id, {
      raisedOn: addDays(due, 1),
      description: "The family say the morning visits are being missed.",
    });
    expect(about(await work(), plan.id)[0]).toMatchObject({
      kind: "review-concern",
      due: { day: addDays(due, 29) },
    });
  });
});
