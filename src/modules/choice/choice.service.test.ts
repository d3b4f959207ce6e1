/**
 * Approved-provider lists' rules on the demo data (one seeded app for the file): drafts seen only by
 * the authority's editors, publishing and closing; any qualified provider — joining at once, or
 * refused with each condition's reason (no registration, rated Inadequate, s.33); leaving when the
 * regulator suspends the registration (regulation's port, in its transaction: audited, the authority
 * told) or by itself; offers; comparing 2 or 3 members.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { createUser } from "../../../tests/support/auth.ts";
import { ctxFor, principalOf } from "../../../tests/support/principals.ts";
import { refused } from "../../../tests/support/refused.ts";
import type { SettableClock } from "../../lib/clock.ts";
import { ConflictError, ForbiddenError, NotFoundError, UnprocessableError } from "../../lib/errors.ts";
import { londonToday } from "../../lib/london-time.ts";
import { dueOn, isOverdue } from "../../lib/tasks.ts";
import { DEMO_AREA } from "../../seed/demo/areas.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_REPRESENTATIVE } from "../../seed/demo/care.ts";
import { DEMO_CHOICE, DEMO_CHOICE_MEMBERS } from "../../seed/demo/choice.ts";
import { demoMutualEvidence } from "../../seed/demo/organisations.ts";
import { DEMO_LOCATION } from "../../seed/demo/regulation.ts";
import { DEMO_USERS } from "../../seed/demo/users.ts";
import type { Ctx } from "../access/context.ts";
import { listPeople, peopleActedFor } from "../care/care.service.ts";
import { recordMutualEvidence } from "../organisations/mutual-evidence.service.ts";
import { recordInspection, recordReportPublished } from "../regulation/inspections.service.ts";
import { aggregateRatings } from "../regulation/ratings.ts";
import { decideRegistration } from "../regulation/registration.service.ts";
import {
  answerArrangement,
  arrangeService,
  budgetFits,
  endArrangement,
  providerArrangements,
} from "./arrangements.service.ts";
import {
  arrangementFor,
  closeList,
  createList,
  listOf,
  liveArrangementsOf,
  publishList,
  searchLists,
  unavailableFigures,
} from "./choice.service.ts";
import { comparePage, listPage, providerLists } from "./compare.service.ts";
import { joinList, leaveList, updateOffer } from "./members.service.ts";
import { personChoice } from "./person-panel.ts";
import { tasksFor } from "./tasks.service.ts";
import { answerUnavailable, recordUnavailable, unavailableOf } from "./unavailable.service.ts";

const COUNTY = DEMO_AUTHORITY.county;
const REGULATOR = DEMO_AUTHORITY.regulator;
const LIST = DEMO_CHOICE.homeCareList;
const demoUser = (role: string) => {
  const found = DEMO_USERS.find((u) => u.role === role);
  if (!found) throw new Error(`No demo ${role}`);
  return found.id;
};
/** Carewell Homes: its Westshire home is rated Inadequate (special measures). */
const CAREWELL = "019a0000-0000-7000-8000-00000000b032";
/** Westshire Community Health CIC, a qualifying public service mutual registered for community health. */
const MUTUAL = "019a0000-0000-7000-8000-00000000b001";
/** Westshire Community NHS Trust: registered for community health, not a mutual. */
const NHS_TRUST = "019a0000-0000-7000-8000-00000000b014";
/** Millbrook Carers' Trust: no registration with a regulator. */
const CARERS_TRUST = "019a0000-0000-7000-8000-00000000b002";

let t: TestApp;
let clock: SettableClock;
const as = async (userId: string): Promise<Ctx> =>
  ctxFor(t.deps.db, clock, await principalOf(t.deps.db, userId, { twoFactor: true }));
const adminOf = async (organisationId: string): Promise<Ctx> =>
  as((await createUser(t.deps.db, { grants: [{ role: "organisation-admin", scopeId: organisationId }] })).id);
const publicCtx = (): Ctx => ctxFor(t.deps.db, clock, null);

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  clock = t.deps.clock as SettableClock;
});

afterAll(async () => {
  await t?.close();
});

describe("the demo list", () => {
  it("is public, with its members' ratings, prices against the tariff and capacity, cheapest first", async () => {
    const page = await listPage(publicCtx(), COUNTY, LIST, {});
    expect(page.list).toMatchObject({
      status: "open",
      tariff_pence: 2150n,
      tariff_unit: "hour",
      member_count: 3,
    });
    expect(page.members.map((m) => [m.name, m.priceText, m.priceAgainstTariff, m.capacity])).toEqual([
      ["Westshire Homes Support Ltd", "£21.00", "below", 60],
      ["Greenway Home Care Ltd", "£21.50", "tariff", 120],
      ["Kelderby Street Care CIC", "£22.40", "above", 35],
    ]);
    const greenway = page.members[1];
    // Its Millbrook location is dormant: only its registered one qualifies it.
    expect(greenway?.locations.map((l) => [l.name, l.rating])).toEqual([
      ["Greenway Home Care – Wesford", "good"],
    ]);
    expect(greenway?.feedback).toBeNull();
    const byCapacity = await listPage(publicCtx(), COUNTY, LIST, { sort: "capacity", pageSize: 2 });
    expect(byCapacity.members.map((m) => m.capacity)).toEqual([120, 60]);
    const rest = await listPage(publicCtx(), COUNTY, LIST, { sort: "capacity", after: byCapacity.next });
    expect(rest.members.map((m) => m.capacity)).toEqual([35]);
    expect(rest.next).toBeUndefined();
  });

  it("compares 2 or 3 members side by side, and says what is wrong with another choice", async () => {
    const two = await comparePage(publicCtx(), COUNTY, LIST, [
      DEMO_CHOICE_MEMBERS.greenway,
      DEMO_CHOICE_MEMBERS.kelderbyStreetCare,
    ]);
    expect(two.members.map((m) => m.name)).toEqual(["Greenway Home Care Ltd", "Kelderby Street Care CIC"]);
    const four = await comparePage(publicCtx(), COUNTY, LIST, [
      ...Object.values(DEMO_CHOICE_MEMBERS),
      CARERS_TRUST,
    ]);
    expect(four.problems[0]?.message).toBe("Tick 2 or 3 providers to compare");
    const notOn = await comparePage(publicCtx(), COUNTY, LIST, [DEMO_CHOICE_MEMBERS.greenway, CARERS_TRUST]);
    expect(notOn.problems[0]?.message).toContain("one of them is not on it");
  });
});

describe("joining", () => {
  it("refuses a provider with no registration for the service, with the reason", async () => {
    const error = await refused(joinList(await adminOf(CARERS_TRUST), COUNTY, LIST, CARERS_TRUST));
    expect(error).toMatchObject({ name: "UnprocessableError", code: "conditions_not_met" });
    expect(error.details?.[0]?.message).toBe(
      "Millbrook Carers' Trust has no current registration with a regulator for Domiciliary care (care at home) at a location in the list's areas: it must be registered first.",
    );
  });

  it("refuses a provider rated Inadequate where the list excludes it, and lets only its administrators ask", async () => {
    const commissioner = await as(demoUser("commissioner"));
    const list = await createList(commissioner, COUNTY, {
      title: "Care homes in Westshire",
      categoryCode: "residential-care",
      areaCodes: [DEMO_AREA.westshire],
      tariff: "£950",
      tariffUnit: "week",
      excludeInadequate: true,
    });
    // A draft is the authority's editors' only.
    expect(await refused(listOf(publicCtx(), COUNTY, list.id))).toBeInstanceOf(NotFoundError);
    expect(await refused(joinList(await adminOf(CAREWELL), COUNTY, list.id, CAREWELL))).toBeInstanceOf(
      NotFoundError,
    );
    await publishList(commissioner, COUNTY, list.id);
    expect(await refused(publishList(commissioner, COUNTY, list.id))).toBeInstanceOf(ConflictError);
    expect(await refused(joinList(await adminOf(CARERS_TRUST), COUNTY, list.id, CAREWELL))).toBeInstanceOf(
      ForbiddenError,
    );
    const error = await refused(joinList(await adminOf(CAREWELL), COUNTY, list.id, CAREWELL));
    expect(error).toBeInstanceOf(UnprocessableError);
    expect(error.details?.[0]?.message).toContain("is rated Inadequate");
    await closeList(commissioner, COUNTY, list.id, "Replaced by a framework.");
    expect(await refused(joinList(await adminOf(CAREWELL), COUNTY, list.id, CAREWELL))).toBeInstanceOf(
      ConflictError,
    );
  });

  it("keeps a reserved list to qualifying public service mutuals (s.33), for reservable services only", async () => {
    const commissioner = await as(demoUser("commissioner"));
    const draft = {
      title: "Community nursing by mutuals",
      categoryCode: "community-health",
      areaCodes: [DEMO_AREA.westshire],
      tariff: "48.00",
      tariffUnit: "hour",
      reserved: true,
    };
    const notReservable = await refused(
      createList(commissioner, COUNTY, { ...draft, categoryCode: "employment-support" }),
    );
    expect(notReservable).toMatchObject({ name: "UnprocessableError", code: "not_reservable" });
    const list = await publishList(commissioner, COUNTY, (await createList(commissioner, COUNTY, draft)).id);
    // The NHS trust's community hospital is registered for community health in Westshire, but the
    // trust is no mutual.
    const trust = await refused(joinList(await adminOf(NHS_TRUST), COUNTY, list.id, NHS_TRUST));
    expect(trust.details?.map((d) => d.message)).toEqual([
      "The list is reserved to public service mutuals (Procurement Act 2023, s.33), and the directory does not show Westshire Community NHS Trust as a qualifying public service mutual.",
    ]);
    const joined = await joinList(await adminOf(MUTUAL), COUNTY, list.id, MUTUAL);
    expect(joined.locations.map((l) => l.id).sort()).toEqual(
      [DEMO_LOCATION.communityHealthClinic, DEMO_LOCATION.communityHealthNursing].sort(),
    );
    expect(await refused(joinList(await adminOf(MUTUAL), COUNTY, list.id, MUTUAL))).toBeInstanceOf(
      ConflictError,
    );
    // Its evidence no longer qualifies (most of its turnover now outside the light touch services):
    // it leaves the reserved list in the same transaction, with the reason.
    const evidence = demoMutualEvidence.find((e) => e.organisationId === MUTUAL);
    if (!evidence) throw new Error("No demo evidence for the mutual");
    const assessed = await recordMutualEvidence(publicCtx(), MUTUAL, {
      ...evidence,
      lightTouchShareBp: 2000,
    });
    expect(assessed.qualifies).toBe(false);
    const left = (await providerLists(publicCtx(), MUTUAL)).memberships.find((m) => m.list.id === list.id);
    expect(left).toMatchObject({ status: "left" });
    expect(left?.leftReason).toContain("no longer shows it as a qualifying public service mutual");
    await recordMutualEvidence(publicCtx(), MUTUAL, evidence);
  });
});

describe("leaving", () => {
  it("takes a provider off when the regulator suspends its only qualifying registration, audited and told", async () => {
    const kelderby = DEMO_CHOICE_MEMBERS.kelderbyStreetCare;
    clock.advance(60_000);
    await decideRegistration(
      await as(demoUser("regulator-staff")),
      REGULATOR,
      DEMO_LOCATION.kelderbyStreetCare,
      {
        to: "suspended",
        reason: "Staffing below safe levels",
      },
    );
    const list = await listOf(publicCtx(), COUNTY, LIST);
    expect(list.member_count).toBe(2);
    const { memberships } = await providerLists(publicCtx(), kelderby);
    expect(memberships[0]).toMatchObject({ status: "left" });
    expect(memberships[0]?.leftReason).toContain(
      "A registration with the regulator is now suspended (Staffing below safe levels).",
    );
    const audit = await t.deps.db
      .selectFrom("audit_events")
      .select(["action", "changes"])
      .where("authority_id", "=", COUNTY)
      .where("action", "=", "choice-member.left")
      .execute();
    expect(audit.map((a) => (a.changes as { organisationId: string }).organisationId)).toContain(kelderby);
    const told = await t.deps.db
      .selectFrom("notifications")
      .select(["user_id", "link"])
      .where("kind", "=", "choice.member-left")
      .where("link", "=", `/authorities/westshire-county-council/choice/${LIST}`)
      .execute();
    expect(told.map((n) => n.user_id)).toContain(demoUser("commissioner"));
    // Greenway keeps its place: a suspension elsewhere does not touch it.
    expect((await listPage(publicCtx(), COUNTY, LIST, { sort: "name" })).members.map((m) => m.name)).toEqual([
      "Greenway Home Care Ltd",
      "Westshire Homes Support Ltd",
    ]);
  });

  it("lets a member publish its offer and leave by itself; then its offer is closed to it", async () => {
    const greenway = DEMO_CHOICE_MEMBERS.greenway;
    const admin = await adminOf(greenway);
    const wrong = await refused(updateOffer(admin, COUNTY, LIST, greenway, { capacity: "lots", price: "x" }));
    expect(wrong.details?.map((d) => d.field)).toEqual(["capacity", "price"]);
    await updateOffer(admin, COUNTY, LIST, greenway, {
      capacity: "80",
      capacityUnit: "hours-a-week",
      price: "23.10",
    });
    const shown = (await comparePage(publicCtx(), COUNTY, LIST, [greenway, DEMO_CHOICE_MEMBERS.homesSupport]))
      .members[0];
    expect(shown).toMatchObject({ capacity: 80, priceText: "£23.10", priceAgainstTariff: "above" });
    expect(await refused(leaveList(await adminOf(CARERS_TRUST), COUNTY, LIST, greenway))).toBeInstanceOf(
      ForbiddenError,
    );
    await leaveList(admin, COUNTY, LIST, greenway);
    expect(await refused(leaveList(admin, COUNTY, LIST, greenway))).toBeInstanceOf(ConflictError);
    expect(
      await refused(updateOffer(admin, COUNTY, LIST, greenway, { capacity: "10", capacityUnit: "places" })),
    ).toBeInstanceOf(ConflictError);
    const found = await searchLists(publicCtx(), { areaCode: DEMO_AREA.kelderby });
    expect(found.results.find((l) => l.id === LIST)?.member_count).toBe(1);
  });
});

describe("arrangements and choice not available", () => {
  const careStaff = () => as(demoUser("care-staff"));
  const personFor = async (ctx: Ctx, name: string) =>
    (await peopleActedFor(ctx)).find((p) => p.name === name)?.personId as string;

  it("keeps a yearly budget's check exact: cost × 365 against the amount × 7", () => {
    // £15,600 a year gives £299.17 a week (rounded down): that fits, a penny more does not.
    expect(budgetFits(1_560_000n, "year", 0n, 29_917n)).toMatchObject({
      fits: true,
      weeklyAllowancePence: 29_917n,
    });
    expect(budgetFits(1_560_000n, "year", 0n, 29_918n).fits).toBe(false);
    expect(budgetFits(35_200n, "week", 21_500n, 13_700n).fits).toBe(true);
    expect(budgetFits(35_200n, "week", 21_500n, 13_701n).fits).toBe(false);
  });

  it("arranges within the budget, refuses beyond it with the figures, and lets the provider accept or decline", async () => {
    const joan = await as(demoUser("citizen"));
    const joanId = await personFor(joan, "Joan Whitfield");
    // The demo: Joan's home care with Greenway, accepted, at the list's tariff (10 hours × £21.50).
    const mine = await personChoice(joan, COUNTY, joanId);
    const demo = mine.arrangements[0];
    expect(demo).toMatchObject({
      phase: "live",
      price_source: "tariff",
      weeklyCostText: "£215.00",
      organisation_name: "Greenway Home Care Ltd",
    });
    expect(
      (await liveArrangementsOf(t.deps.db, COUNTY, demo?.plan_id as string, "2026-11-22")).map((a) => a.id),
    ).toEqual([demo?.id]);
    expect((await arrangementFor(t.deps.db, COUNTY, demo?.id as string))?.status).toBe("accepted");

    const draft = {
      planId: demo?.plan_id as string,
      paidFrom: "direct-payment",
      organisationId: DEMO_CHOICE_MEMBERS.homesSupport,
      listId: LIST,
      description: "A sitting service on Saturday afternoons.",
      unitsPerWeek: "6",
      startsOn: "2026-11-30",
    };
    // £352 a week: £215 arranged, 6 hours at Westshire Homes Support's £21.00 makes £341.
    const fits = await arrangeService(joan, COUNTY, joanId, draft);
    expect(fits).toMatchObject({ status: "proposed", price_source: "offer", weeklyCostText: "£126.00" });
    const over = await refused(arrangeService(joan, COUNTY, joanId, { ...draft, unitsPerWeek: "1" }));
    expect(over).toBeInstanceOf(UnprocessableError);
    expect((over as UnprocessableError).details?.[0]?.message).toContain(
      "It costs £21.00 a week; £341.00 a week is already arranged from this part, which gives £352.00 a week.",
    );
    // Off a list: only a provider registered for the service in Joan's area.
    const unregistered = await refused(
      arrangeService(joan, COUNTY, joanId, {
        ...draft,
        listId: "",
        organisationId: CARERS_TRUST,
        categoryCode: "domiciliary-care",
        unit: "hour",
        agreedPrice: "5.00",
        unitsPerWeek: "1",
      }),
    );
    expect((unregistered as UnprocessableError).code).toBe("not_registered");

    // The provider's people answer; another provider's never see it.
    const provider = await adminOf(DEMO_CHOICE_MEMBERS.homesSupport);
    expect(
      (await providerArrangements(provider, DEMO_CHOICE_MEMBERS.homesSupport)).proposed.map((a) => a.id),
    ).toContain(fits.id);
    expect(
      await refused(answerArrangement(await adminOf(CARERS_TRUST), COUNTY, fits.id, { accept: true })),
    ).toBeInstanceOf(NotFoundError);
    expect(await refused(answerArrangement(joan, COUNTY, fits.id, { accept: true }))).toBeInstanceOf(
      ForbiddenError,
    );
    await refused(answerArrangement(provider, COUNTY, fits.id, { accept: false, reason: " " }));
    const declined = await answerArrangement(provider, COUNTY, fits.id, {
      accept: false,
      reason: "No carers free on Saturdays.",
    });
    expect(declined).toMatchObject({ phase: "declined", decline_reason: "No carers free on Saturdays." });
    expect(await refused(answerArrangement(provider, COUNTY, fits.id, { accept: true }))).toBeInstanceOf(
      ConflictError,
    );
    // Declined, it no longer counts: the hour fits now.
    const again = await arrangeService(joan, COUNTY, joanId, { ...draft, unitsPerWeek: "1" });
    await answerArrangement(provider, COUNTY, again.id, { accept: true });
    const ended = await endArrangement(joan, COUNTY, again.id, {
      endsOn: "2026-12-31",
      reason: "Her daughter visits on Saturdays now.",
    });
    expect(ended).toMatchObject({ ends_on: "2026-12-31", ended_by: "person", phase: "live" });
  });

  it("refuses a representative without arrange-services (403) and another authority's care staff (404)", async () => {
    const sian = await as(DEMO_REPRESENTATIVE.id);
    const tomosId = await personFor(sian, "Tomos Rees");
    // The demo: Tomos's home care with Greenway waits for Greenway's answer; Siân sees it.
    expect((await personChoice(sian, COUNTY, tomosId)).arrangements.map((a) => a.phase)).toEqual([
      "proposed",
    ]);
    const draft = {
      planId: "",
      paidFrom: "managed-account",
      organisationId: DEMO_CHOICE_MEMBERS.homesSupport,
      listId: LIST,
      description: "x",
      unitsPerWeek: "1",
      startsOn: "2026-12-01",
    };
    expect(await refused(arrangeService(sian, COUNTY, tomosId, draft))).toBeInstanceOf(ForbiddenError);
    expect(await refused(recordUnavailable(sian, COUNTY, tomosId, {}))).toBeInstanceOf(ForbiddenError);
    const elsewhere = await as(
      (await createUser(t.deps.db, { grants: [{ role: "care-staff", scopeId: DEMO_AUTHORITY.district }] }))
        .id,
    );
    expect(await refused(arrangeService(elsewhere, COUNTY, tomosId, draft))).toBeInstanceOf(NotFoundError);
    expect(await refused(personChoice(elsewhere, COUNTY, tomosId))).toBeInstanceOf(NotFoundError);
  });

  it("gives the authority 10 working days to answer choice not available: due to the day's end, then overdue, then answered", async () => {
    const staff = await careStaff();
    const arthurId = (await listPeople(staff, COUNTY, { text: "Arthur Pennington" })).people[0]?.id as string;
    const before = await unavailableFigures(t.deps.db, COUNTY, "2026-11-22");
    // Recorded on Sunday 22 November 2026: 10 working days later is Friday 4 December.
    const record = await recordUnavailable(staff, COUNTY, arthurId, {
      categoryCode: "domiciliary-care",
      areaCode: DEMO_AREA.westshire,
      tried: "Greenway: no night visits. Kelderby Street Care: not in his village.",
    });
    expect(record).toMatchObject({
      recorded_on: "2026-11-22",
      due_on: "2026-12-04",
      answer_working_days: 10,
      state: "due",
    });
    const task = (await tasksFor(staff)).todo.find((x) => x.about.id === record.id);
    expect(task).toMatchObject({ kind: "answer-choice-not-available", due: dueOn("2026-12-04") });
    const start = clock.now();
    try {
      clock.set(new Date("2026-12-04T23:59:00Z"));
      expect((await unavailableOf(staff, COUNTY, record.id)).record.state).toBe("due");
      expect(isOverdue(task as NonNullable<typeof task>, clock.now())).toBe(false);
      clock.set(new Date("2026-12-05T00:00:01Z"));
      expect((await unavailableOf(staff, COUNTY, record.id)).record.state).toBe("overdue");
      expect(isOverdue(task as NonNullable<typeof task>, clock.now())).toBe(true);
      await refused(answerUnavailable(staff, COUNTY, record.id, { outcome: "other", answer: "" }));
      const answered = await answerUnavailable(staff, COUNTY, record.id, {
        outcome: "budget-reviewed",
        answer: "We will review the budget so that a night visit can be bought at a higher price.",
      });
      expect(answered).toMatchObject({
        state: "answered-late",
        answered_on: "2026-12-05",
        answer_outcome: "budget-reviewed",
      });
      expect((await tasksFor(staff)).todo.some((x) => x.about.id === record.id)).toBe(false);
      expect(
        await refused(answerUnavailable(staff, COUNTY, record.id, { outcome: "other", answer: "Again." })),
      ).toBeInstanceOf(ConflictError);
      const after = await unavailableFigures(t.deps.db, COUNTY, "2026-12-05");
      const area = (rows: typeof after) => rows.find((r) => r.area_code === DEMO_AREA.westshire);
      expect(area(after)?.records).toBe((area(before)?.records ?? 0) + 1);
      expect(area(after)?.late).toBe((area(before)?.late ?? 0) + 1);
    } finally {
      clock.set(start);
    }
  });
});

// Last: it takes Westshire Homes Support off the demo list, which the tests above use.
describe("a new Inadequate rating", () => {
  it("takes a provider off when a report rating its only qualifying location Inadequate is published", async () => {
    const homes = DEMO_CHOICE_MEMBERS.homesSupport;
    clock.advance(60_000);
    const ratings = {
      safe: "inadequate",
      effective: "inadequate",
      caring: "requires-improvement",
      responsive: "requires-improvement",
      "well-led": "inadequate",
    } as const;
    const aggregation = aggregateRatings(ratings, false);
    const inspectionId = await recordInspection(publicCtx(), REGULATOR, DEMO_CHOICE.homesSupportHomeCare, {
      inspectedOn: londonToday(clock),
      inspectors: "A. Inspector",
      evidenceSummary: "Visits were missed and not followed up.",
      ratings,
      breach: false,
      breachDetails: "",
      aggregation,
      overall: aggregation.overall,
      departureReason: null,
    });
    expect(aggregation.overall).toBe("inadequate");
    // Still a member while the report is a draft; it leaves when the report is published
    expect((await providerLists(publicCtx(), homes)).memberships[0]).toMatchObject({ status: "member" });
    clock.advance(40 * 24 * 3600_000);
    await recordReportPublished(publicCtx(), REGULATOR, inspectionId);
    const { memberships } = await providerLists(publicCtx(), homes);
    expect(memberships[0]).toMatchObject({ status: "left" });
    expect(memberships[0]?.leftReason).toContain(
      "The regulator has published a report rating a location Inadequate overall.",
    );
    expect(
      (await listPage(publicCtx(), COUNTY, LIST, { sort: "name" })).members.map((m) => m.name),
    ).not.toContain("Westshire Homes Support Ltd");
  });
});
