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
import { DEMO_AREA } from "../../seed/demo/areas.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_CHOICE, DEMO_CHOICE_MEMBERS } from "../../seed/demo/choice.ts";
import { DEMO_LOCATION } from "../../seed/demo/regulation.ts";
import { DEMO_USERS } from "../../seed/demo/users.ts";
import type { Ctx } from "../access/context.ts";
import { decideRegistration } from "../regulation/registration.service.ts";
import { closeList, createList, listOf, publishList, searchLists } from "./choice.service.ts";
import { comparePage, listPage, providerLists } from "./compare.service.ts";
import { joinList, leaveList, updateOffer } from "./members.service.ts";

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
      .execute();
    expect(told.map((n) => n.user_id)).toContain(demoUser("commissioner"));
    expect(told[0]?.link).toBe(`/authorities/westshire-county-council/choice/${LIST}`);
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
