/**
 * The person's side of choice (one seeded app for the file): everyone linked to a person who sees
 * or arranges their services is told of an arrangement and of "choice not available", with their
 * care staff where it falls to them; the provider an arrangement concerns sees the person's name and
 * contact on it while it runs, and no one else does; a person's download holds their arrangements
 * and records; a new budget version below what is arranged is recorded, told and shown, and ends
 * nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { createUser, sessionFor } from "../../../tests/support/auth.ts";
import { mainText } from "../../../tests/support/pages.ts";
import { ctxFor, principalOf } from "../../../tests/support/principals.ts";
import type { SettableClock } from "../../lib/clock.ts";
import { newId } from "../../lib/ids.ts";
import { DEMO_AREA } from "../../seed/demo/areas.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_REPRESENTATIVE } from "../../seed/demo/care.ts";
import { DEMO_CHOICE, DEMO_CHOICE_MEMBERS } from "../../seed/demo/choice.ts";
import { DEMO_PROVIDER_GREENWAY, DEMO_USERS } from "../../seed/demo/users.ts";
import type { Ctx } from "../access/context.ts";
import { changeBudget, endPlan, listPeople, type PersonGrant, peopleActedFor } from "../care/care.service.ts";
import { contactForProvider } from "../care/linked-accounts.service.ts";
import { downloadPersonData } from "../care/subject-access.service.ts";
import { answerArrangement, arrangeForm, arrangeService, endArrangement } from "./arrangements.service.ts";
import { personChoice } from "./person-panel.ts";
import { recordUnavailable } from "./unavailable.service.ts";

const COUNTY = DEMO_AUTHORITY.county;
const SLUG = "/authorities/westshire-county-council";
const demoUser = (role: string, scopeId?: string) =>
  DEMO_USERS.find((u) => u.role === role && (scopeId === undefined || u.scopeId === scopeId))?.id as string;
const NIA = demoUser("care-staff");
const GWEN = demoUser("organisation-admin", DEMO_PROVIDER_GREENWAY);
const JOAN = demoUser("citizen");
const SIAN = DEMO_REPRESENTATIVE.id;

let t: TestApp;
let clock: SettableClock;
let tomosId: string;
let joanId: string;
const as = async (userId: string): Promise<Ctx> =>
  ctxFor(t.deps.db, clock, await principalOf(t.deps.db, userId, { twoFactor: true }));
const page = async (url: string, userId: string) =>
  t.app.inject({
    method: "GET",
    url,
    headers: { cookie: (await sessionFor(t.app, userId, { twoFactor: true })).cookie },
  });
/** How many notices of a kind each of these users has. */
const notices = async (kind: string, ...userIds: string[]) => {
  const rows = await t.deps.db
    .selectFrom("notifications")
    .select("user_id")
    .where("kind", "=", kind)
    .where("user_id", "in", userIds)
    .execute();
  return userIds.map((u) => rows.filter((r) => r.user_id === u).length);
};

/** A new account linked to the person as their advocate, holding only these grants. */
const linked = async (personId: string, grants: string[]) => {
  const id = (await createUser(t.deps.db)).id;
  const now = clock.now();
  await t.deps.db
    .insertInto("care_links")
    .values({
      authority_id: COUNTY,
      id: newId(),
      person_id: personId,
      user_id: id,
      relationship: "advocate",
      grants: grants as PersonGrant[],
      created_at: now,
      updated_at: now,
      revoked_at: null,
      champion_id: null,
    })
    .execute();
  return id;
};
/** Whether the user's latest notice of a kind was emailed (queued or sent), or only in the service. */
const emailed = async (kind: string, userId: string) =>
  (
    await t.deps.db
      .selectFrom("notifications")
      .select("email_status")
      .where("kind", "=", kind)
      .where("user_id", "=", userId)
      .orderBy("created_at", "desc")
      .executeTakeFirstOrThrow()
  ).email_status !== "not-sent";

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  clock = t.deps.clock as SettableClock;
  const nia = await as(NIA);
  tomosId = (await listPeople(nia, COUNTY, { text: "Tomos Rees" })).people[0]?.id as string;
  joanId = (await peopleActedFor(await as(JOAN)))[0]?.personId as string;
});

afterAll(async () => {
  await t?.close();
});

describe("the provider learns whom it serves", () => {
  it("shows the person's name and contact to the provider's people on the arrangement only, while it runs", async () => {
    // The demo: the care staff arranged Tomos's home care with Greenway; it waits for Greenway.
    const [waiting] = (await personChoice(await as(NIA), COUNTY, tomosId)).arrangements;
    const url = `${SLUG}/arrangements/${waiting?.id}`;
    const gwen = mainText((await page(url, GWEN)).body);
    expect(gwen).toContain("The person you are asked to serve");
    expect(gwen).toContain("Tomos Rees");
    expect(gwen).not.toMatch(/1990|9 September/);
    // Never in the provider's list of its arrangements.
    const list = await page(`/organisations/${DEMO_PROVIDER_GREENWAY}/arrangements`, GWEN);
    expect(list.statusCode).toBe(200);
    expect(mainText(list.body)).not.toContain("Tomos Rees");

    // Who cannot: another provider, the council's commissioner, a platform administrator.
    const otherProvider = (
      await createUser(t.deps.db, {
        grants: [{ role: "organisation-admin", scopeId: DEMO_CHOICE_MEMBERS.homesSupport }],
      })
    ).id;
    for (const who of [otherProvider, demoUser("commissioner"), demoUser("platform-admin")]) {
      const refused = await page(url, who);
      expect(refused.statusCode).toBe(404);
      expect(refused.body).not.toContain("Tomos Rees");
    }
    const proof = {
      authorityId: COUNTY,
      personId: tomosId,
      organisationId: DEMO_PROVIDER_GREENWAY,
      status: "proposed" as const,
      endsOn: null,
    };
    expect(await contactForProvider(await as(demoUser("platform-admin")), proof)).toBeUndefined();
    expect(await contactForProvider(await as(otherProvider), proof)).toBeUndefined();
    expect(await contactForProvider(await as(GWEN), proof)).toMatchObject({ name: "Tomos Rees" });
    expect(await contactForProvider(await as(GWEN), { ...proof, endsOn: "2026-01-01" })).toBeUndefined();

    // Greenway declines: Siân (who sees Tomos's plan) and the care staff who arranged it are told,
    // not Gwen; and the name is gone from the page.
    const before = await notices("choice.arrangement-answered", SIAN, NIA, GWEN);
    await answerArrangement(await as(GWEN), COUNTY, waiting?.id as string, {
      accept: false,
      reason: "No carers free on those mornings.",
    });
    const after = await notices("choice.arrangement-answered", SIAN, NIA, GWEN);
    expect(after).toEqual([(before[0] ?? 0) + 1, (before[1] ?? 0) + 1, before[2]]);
    const declined = await page(url, GWEN);
    expect(declined.statusCode).toBe(200);
    expect(mainText(declined.body)).not.toContain("Tomos Rees");
  });
});

describe("everyone linked is told", () => {
  it("tells the person's side of an arrangement made and ended, and the care staff of choice not available", async () => {
    const nia = await as(NIA);
    const plan = (await personChoice(nia, COUNTY, tomosId)).arrangements[0]?.plan_id as string;
    const otherStaff = (await createUser(t.deps.db, { grants: [{ role: "care-staff", scopeId: COUNTY }] }))
      .id;
    const made = await notices("choice.arrangement-made", SIAN, NIA);
    const arranged = await arrangeService(nia, COUNTY, tomosId, {
      planId: plan,
      paidFrom: "managed-account",
      organisationId: DEMO_PROVIDER_GREENWAY,
      listId: DEMO_CHOICE.homeCareList,
      description: "A morning call on Sundays.",
      unitsPerWeek: "1",
      startsOn: "2026-12-06",
    });
    expect(await notices("choice.arrangement-made", SIAN, NIA)).toEqual([(made[0] ?? 0) + 1, made[1]]);
    // The provider ends it: the person's side and their care staff are told, not Gwen.
    await answerArrangement(await as(GWEN), COUNTY, arranged.id, { accept: true });
    const ended = await notices("choice.arrangement-ended", SIAN, NIA, GWEN);
    await endArrangement(await as(GWEN), COUNTY, arranged.id, {
      endsOn: "2026-12-31",
      reason: "The carer is leaving.",
    });
    expect(await notices("choice.arrangement-ended", SIAN, NIA, GWEN)).toEqual([
      (ended[0] ?? 0) + 1,
      (ended[1] ?? 0) + 1,
      ended[2],
    ]);
    // Nia arranged it: told by email too; the authority's other care staff in the service only.
    expect([
      await emailed("choice.arrangement-ended", SIAN),
      await emailed("choice.arrangement-ended", NIA),
      await emailed("choice.arrangement-ended", otherStaff),
    ]).toEqual([true, true, false]);

    // Joan records that choice was not available: her care staff, who answer it, are told; not Joan.
    const recorded = await notices("choice.not-available-recorded", NIA, JOAN);
    await recordUnavailable(await as(JOAN), COUNTY, joanId, {
      categoryCode: "domiciliary-care",
      areaCode: DEMO_AREA.westshire,
      tried: "No provider visits before 7 in the morning.",
    });
    expect(await notices("choice.not-available-recorded", NIA, JOAN)).toEqual([
      (recorded[0] ?? 0) + 1,
      recorded[1],
    ]);
    expect(await emailed("choice.not-available-recorded", NIA)).toBe(false);
  });
});

describe("the person's download", () => {
  it("holds their arrangements and records of choice not available, with the answers and reasons", async () => {
    const data = await downloadPersonData(await as(JOAN), COUNTY, joanId);
    const choice = data.sections.find((s) => s.section === "choice")?.data as {
      arrangements: Record<string, unknown>[];
      notAvailable: Record<string, unknown>[];
    };
    expect(choice.arrangements).toContainEqual(
      expect.objectContaining({
        provider: { id: DEMO_PROVIDER_GREENWAY, name: "Greenway Home Care Ltd" },
        pricePence: "2150",
        weeklyCostPence: "21500",
        status: "accepted",
        paidFrom: "direct-payment",
      }),
    );
    expect(choice.notAvailable).toContainEqual(
      expect.objectContaining({ tried: "No provider visits before 7 in the morning.", state: "due" }),
    );
    // The notices sent to her about them (Greenway accepted her home care in the demo).
    const notices = (choice as unknown as { notices: Record<string, unknown>[] }).notices;
    expect(notices).toContainEqual(
      expect.objectContaining({ to: "the person", kind: "choice.arrangement-answered" }),
    );
    expect(notices.every((n) => /\/(arrangements|choice-not-available)\//.test(n.link as string))).toBe(true);
  });
});

describe("a new budget version", () => {
  it("records, tells and shows where it no longer covers what is arranged, and ends nothing", async () => {
    const staff = (await createUser(t.deps.db, { grants: [{ role: "care-staff", scopeId: COUNTY }] })).id;
    const [demo] = (await personChoice(await as(JOAN), COUNTY, joanId)).arrangements.filter(
      (a) => a.status === "accepted",
    );
    // A representative who arranges her services but does not see her plan: no budget figures.
    const arranger = await linked(joanId, ["arrange-services"]);
    const before = await notices("choice.arrangements-over-budget", JOAN, NIA, staff);
    const budget = (amount: string) => ({
      amount,
      period: "week",
      startsOn: "2027-01-04",
      parts: [{ delivery: "direct-payment", amount }],
      reason: "Reviewed.",
    });
    await changeBudget(await as(staff), COUNTY, demo?.plan_id as string, budget("£200.00"));
    const events = await t.deps.db
      .selectFrom("audit_events")
      .select(["changes", "actor_id"])
      .where("action", "=", "choice-arrangement.over-budget")
      .execute();
    expect(events).toHaveLength(1);
    expect(events[0]?.changes).toMatchObject({
      parts: [{ paidFrom: "direct-payment", arrangedPence: "21500", allowancePence: "20000" }],
    });
    expect(await notices("choice.arrangements-over-budget", JOAN, NIA, staff, arranger)).toEqual([
      (before[0] ?? 0) + 1,
      (before[1] ?? 0) + 1,
      0,
      0,
    ]);
    expect([
      await emailed("choice.arrangements-over-budget", JOAN),
      await emailed("choice.arrangements-over-budget", NIA),
    ]).toEqual([true, false]);
    const mine = await page(`/care/people/${joanId}`, JOAN);
    expect(mainText(mine.body)).toContain("arranged £215.00 a week, the budget now gives £200.00 a week");
    const theirs = await personChoice(await as(arranger), COUNTY, joanId);
    expect(theirs.arrangements.length).toBeGreaterThan(0);
    expect(theirs.overBudget).toEqual([]);
    expect(mainText((await page(`/care/people/${joanId}`, arranger)).body)).not.toContain(
      "the budget now gives",
    );
    const api = await call(
      t.app,
      "GET",
      `/api/v1/authorities/${COUNTY}/people/${joanId}/choice`,
      await sessionFor(t.app, JOAN),
    );
    expect(api.json().overBudget).toEqual([
      {
        planId: demo?.plan_id,
        paidFrom: "direct-payment",
        arranged: { pence: "21500", text: "£215.00" },
        budgetGives: { pence: "20000", text: "£200.00" },
      },
    ]);
    expect((await personChoice(await as(JOAN), COUNTY, joanId)).arrangements).toContainEqual(
      expect.objectContaining({ id: demo?.id, status: "accepted", ends_on: null }),
    );
    // A version that covers them again: nothing recorded, and the warning is gone.
    await changeBudget(await as(staff), COUNTY, demo?.plan_id as string, budget("£400.00"));
    expect(
      await t.deps.db
        .selectFrom("audit_events")
        .select("seq")
        .where("action", "=", "choice-arrangement.over-budget")
        .execute(),
    ).toHaveLength(1);
    expect(mainText((await page(`/care/people/${joanId}`, JOAN)).body)).not.toContain("the budget now gives");
    expect((await personChoice(await as(JOAN), COUNTY, joanId)).overBudget).toEqual([]);
  });
});

describe("a representative who arranges without seeing the plan", () => {
  it("arranges from the person's current plan (no amounts shown); a link with neither grant gets 403; the plan's end ends what runs", async () => {
    const arranger = await linked(tomosId, ["arrange-services"]);
    const form = await arrangeForm(await as(arranger), COUNTY, tomosId, {});
    expect(form.plans.length).toBeGreaterThan(0);
    expect(form.plans[0]?.amountText).toBeNull();
    const planId = form.plans[0]?.id as string;
    const formPage = await page(`${SLUG}/people/${tomosId}/arrangements/new`, arranger);
    expect(formPage.statusCode).toBe(200);
    expect(mainText(formPage.body)).toContain("The plan from");
    const draft = {
      planId,
      paidFrom: "managed-account",
      organisationId: DEMO_PROVIDER_GREENWAY,
      listId: DEMO_CHOICE.homeCareList,
      description: "A call on Saturday mornings.",
      unitsPerWeek: "1",
    };
    const running = await arrangeService(await as(arranger), COUNTY, tomosId, {
      ...draft,
      startsOn: "2026-12-07",
    });
    const later = await arrangeService(await as(arranger), COUNTY, tomosId, {
      ...draft,
      startsOn: "2027-02-01",
    });
    expect(running.status).toBe("proposed");

    // A representative with neither grant (complaints only) is refused the arrangement: 403, as on the page.
    const complainer = await linked(tomosId, ["complain"]);
    expect((await page(`${SLUG}/arrangements/${running.id}`, complainer)).statusCode).toBe(403);
    expect((await page(`${SLUG}/arrangements/${running.id}`, demoUser("commissioner"))).statusCode).toBe(404);

    // The plan ends on 31 December: the one running ends then, the later one will not start; Greenway is told.
    const before = await notices("choice.arrangement-ended", GWEN, arranger);
    await endPlan(await as(NIA), COUNTY, planId, { endedOn: "2026-12-31", reason: "Moved away." });
    const after = (await personChoice(await as(NIA), COUNTY, tomosId)).arrangements;
    expect(after.find((a) => a.id === running.id)).toMatchObject({ ends_on: "2026-12-31" });
    expect(after.find((a) => a.id === later.id)).toMatchObject({ status: "declined" });
    expect(await notices("choice.arrangement-ended", GWEN, arranger)).toEqual([
      (before[0] ?? 0) + 2,
      (before[1] ?? 0) + 2,
    ]);
  });
});
