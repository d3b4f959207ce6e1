/**
 * Delegation to neighbourhood councils (one seeded app for the file): who delegates, and what is
 * refused — bad input by field, another authority's service, a body not of a community sector, a
 * second active delegation for the same area; the review clock at its edges (due from 30 days
 * before the review date, in "Your work"; under review the day after it); the review, the end and
 * the body's reports with who is told; the open figures; who controls each service on the
 * register; the demo's delegation in the open data; and the pages, in English and Welsh.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { peopleWithRoles, postForm, type TestPeople, type TestSession } from "../../../tests/support/auth.ts";
import { mainText, summaryLinks } from "../../../tests/support/pages.ts";
import { ctxOnDay } from "../../../tests/support/principals.ts";
import { isOverdue } from "../../lib/tasks.ts";
import { DEMO_AREA } from "../../seed/demo/areas.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_DELEGATION, DEMO_TOWN_COUNCIL } from "../../seed/demo/delegations.ts";
import { DEMO_SERVICE } from "../../seed/demo/services.ts";
import type { Ctx } from "../access/context.ts";
import {
  delegate,
  delegationPage,
  endDelegation,
  reviewDelegation,
  shareInBasisPoints,
  submitReport,
} from "./delegations.service.ts";
import { tasksFor } from "./tasks.service.ts";

const COUNTY = DEMO_AUTHORITY.county;
const DISTRICT = DEMO_AUTHORITY.district;
/** Lower Ashby Parish Council and Westshire Community Health CIC (a mutual), of the demo directory. */
const PARISH = "019a0000-0000-7000-8000-00000000b006";
const MUTUAL = "019a0000-0000-7000-8000-00000000b001";
/** Millbrook's village green maintenance: a service of another authority's register. */
const DISTRICT_SERVICE = "019a0000-0000-7000-8000-00000000d007";

let t: TestApp;
let sessions: TestPeople["sessions"];
let principals: TestPeople["principals"];
let users: TestPeople["users"];
const as = (who: string) => sessions[who] as TestSession;
const db = () => t.deps.db;
/** A service call as `who` on a London day (noon). */
const on = (date: string, who: string | null): Ctx =>
  ctxOnDay(db(), date, who ? (principals[who] ?? null) : null);

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  ({ sessions, principals, users } = await peopleWithRoles(t.app, db(), {
    county: ["commissioner", COUNTY, "Cleo County"],
    district: ["commissioner", DISTRICT, "Dan District"],
    clerk: ["organisation-admin", PARISH, "Paula Parish"],
    citizen: ["citizen", undefined, "Cy Citizen"],
  }));
});

afterAll(async () => {
  await t?.close();
});

const libraries = {
  serviceId: DEMO_SERVICE.countyLibraries,
  areaCode: DEMO_AREA.millbrook,
  organisationId: PARISH,
  budget: "£120,000",
  standards: "The village library open 20 hours a week\nA books-on-wheels round every fortnight",
  startsOn: "2027-04-01",
  reviewOn: "2027-09-30",
};

async function actionsOf(id: string): Promise<string[]> {
  const rows = await db()
    .selectFrom("audit_events")
    .select("action")
    .where("entity_id", "=", id)
    .orderBy("seq")
    .execute();
  return rows.map((r) => r.action);
}

async function noticesOf(userId: string, kind: string) {
  return db()
    .selectFrom("notifications")
    .select(["subject", "link"])
    .where("user_id", "=", userId)
    .where("kind", "=", kind)
    .orderBy("created_at")
    .execute();
}

let delegationId = "";

describe("delegating a service", () => {
  it("names each bad field, and refuses another authority's service, a body not of a community sector and other people", async () => {
    await expect(
      delegate(on("2027-03-01", "county"), COUNTY, {
        ...libraries,
        areaCode: "Z99",
        organisationId: MUTUAL,
        budget: "0",
        standards: "  ",
        reviewOn: "2027-04-01",
      }),
    ).rejects.toMatchObject({
      code: "validation_failed",
      details: [
        { field: "areaCode" },
        {
          field: "organisationId",
          message: expect.stringContaining("delegated to a parish or town council or a community body"),
        },
        { field: "budget" },
        { field: "standards" },
        { field: "reviewOn", message: "The review date must be after the start date" },
      ],
    });
    await expect(
      delegate(on("2027-03-01", "county"), COUNTY, { ...libraries, serviceId: DISTRICT_SERVICE }),
    ).rejects.toMatchObject({ code: "not_found" });
    await expect(delegate(on("2027-03-01", "district"), COUNTY, libraries)).rejects.toMatchObject({
      code: "forbidden",
    });
    await expect(delegate(on("2027-03-01", "clerk"), COUNTY, libraries)).rejects.toMatchObject({
      code: "forbidden",
    });
  });

  it("delegates a part of a service to a parish council, tells its people, and refuses a second for the same area", async () => {
    const v = await delegate(on("2027-03-01", "county"), COUNTY, libraries);
    delegationId = v.delegation.id;
    expect(v).toMatchObject({
      serviceName: "Library service",
      organisationName: "Lower Ashby Parish Council",
      areaName: "Millbrook",
      status: "active",
      delegation: {
        budget_pence: 12_000_000n,
        standards: ["The village library open 20 hours a week", "A books-on-wheels round every fortnight"],
      },
    });
    await expect(delegate(on("2027-03-02", "county"), COUNTY, libraries)).rejects.toMatchObject({
      code: "conflict",
      message: "Library service is delegated in Millbrook already: end or review that delegation first.",
    });
    expect(await noticesOf(users.clerk as string, "delegation.progressed")).toEqual([
      {
        subject: "Westshire County Council delegates Library service to you",
        link: `/delegations/${delegationId}`,
      },
    ]);
    expect(await actionsOf(delegationId)).toEqual(["delegation.created"]);
  });
});

describe("the review clock", () => {
  // The review is due by 30 September 2027: from 31 August (30 days before, counted with it).
  const taskOn = async (date: string) =>
    (await tasksFor(on(date, "county"))).todo.find((task) => task.about.id === delegationId);

  it("puts the review in the authority's work from 30 days before the review date, overdue the day after it", async () => {
    expect(await taskOn("2027-08-30")).toBeUndefined();
    const first = await taskOn("2027-08-31");
    expect(first).toMatchObject({
      kind: "review-delegation",
      href: `/delegations/${delegationId}/review`,
      due: { day: "2027-09-30" },
      details: { body: "Lower Ashby Parish Council" },
    });
    const last = await taskOn("2027-09-30");
    expect(isOverdue(last as NonNullable<typeof last>, new Date("2027-09-30T22:59:59Z"))).toBe(false);
    expect(isOverdue(last as NonNullable<typeof last>, new Date("2027-09-30T23:00:01Z"))).toBe(true);
    // The district's commissioner, and the parish clerk, have no such work.
    expect((await tasksFor(on("2027-09-30", "district"))).todo).toEqual([]);
    expect((await tasksFor(on("2027-09-30", "clerk"))).todo).toEqual([]);
  });

  it("shows the delegation active to the review date, and under review the day after it", async () => {
    expect((await delegationPage(on("2027-08-30", null), delegationId)).standing).toBe("active");
    expect((await delegationPage(on("2027-08-31", null), delegationId)).standing).toBe("review-due");
    expect((await delegationPage(on("2027-09-30", null), delegationId)).status).toBe("active");
    expect((await delegationPage(on("2027-10-01", null), delegationId)).status).toBe("under-review");
  });
});

describe("reports, the review and the end", () => {
  it("takes the body's report against each standard and tells the authority's people", async () => {
    await expect(
      submitReport(on("2027-07-01", "clerk"), delegationId, {
        from: "2027-03-01",
        to: "2027-07-02",
        delivered: "",
        spent: "-5",
        ratings: ["met"],
      }),
    ).rejects.toMatchObject({
      details: [
        { field: "from" },
        { field: "to" },
        { field: "delivered" },
        { field: "spent" },
        { field: "rating-1" },
      ],
    });
    await expect(
      submitReport(on("2027-07-01", "county"), delegationId, {
        from: "2027-04-01",
        to: "2027-06-30",
        delivered: "Open as agreed.",
        spent: "20000",
        ratings: ["met", "met"],
      }),
    ).rejects.toMatchObject({ code: "forbidden" });
    const v = await submitReport(on("2027-07-01", "clerk"), delegationId, {
      from: "2027-04-01",
      to: "2027-06-30",
      delivered: "The library opened 20 hours a week with volunteers; the round ran every other Tuesday.",
      spent: "£29,500.50",
      ratings: ["met", "partly"],
      notes: ["", "Two rounds missed when the van was off the road."],
    });
    expect(v.reports).toHaveLength(1);
    expect(v.reports[0]).toMatchObject({
      spent_pence: 2_950_050n,
      against: [
        { standard: "The village library open 20 hours a week", rating: "met", note: "" },
        {
          standard: "A books-on-wheels round every fortnight",
          rating: "partly",
          note: "Two rounds missed when the van was off the road.",
        },
      ],
    });
    expect(await noticesOf(users.county as string, "delegation.report-submitted")).toEqual([
      {
        subject: "Lower Ashby Parish Council reports its delivery of Library service",
        link: `/delegations/${delegationId}`,
      },
    ]);
  });

  it("records a review with a changed budget, then the end with reasons; an ended delegation is not reviewed", async () => {
    await expect(
      reviewDelegation(on("2027-10-02", "clerk"), delegationId, { outcome: "continued", note: "Fine." }),
    ).rejects.toMatchObject({ code: "forbidden" });
    await expect(
      reviewDelegation(on("2027-10-02", "county"), delegationId, {
        outcome: "changed",
        note: "",
        nextReviewOn: "2027-10-02",
      }),
    ).rejects.toMatchObject({ details: [{ field: "note" }, { field: "nextReviewOn" }, { field: "budget" }] });
    const reviewed = await reviewDelegation(on("2027-10-02", "county"), delegationId, {
      outcome: "changed",
      note: "The round is used more than expected.",
      nextReviewOn: "2028-09-30",
      budget: "130000",
    });
    expect(reviewed).toMatchObject({
      status: "active",
      delegation: { budget_pence: 13_000_000n, review_on: "2028-09-30", last_reviewed_on: "2027-10-02" },
    });
    const ended = await endDelegation(on("2027-11-15", "county"), delegationId, {
      reasons: "The parish council asked to hand the library back.",
    });
    expect(ended).toMatchObject({ status: "ended", delegation: { ended_on: "2027-11-15" } });
    await expect(
      endDelegation(on("2027-11-16", "county"), delegationId, { reasons: "Again." }),
    ).rejects.toMatchObject({ code: "conflict" });
    expect(await actionsOf(delegationId)).toEqual([
      "delegation.created",
      "delegation.report-submitted",
      "delegation.reviewed",
      "delegation.ended",
    ]);
    expect((await noticesOf(users.clerk as string, "delegation.progressed")).map((n) => n.subject)).toEqual([
      "Westshire County Council delegates Library service to you",
      "Westshire County Council reviews its delegation of Library service",
      "Westshire County Council ends its delegation of Library service",
    ]);
    // Ended: the service may be delegated for the area again.
    const again = await delegate(on("2027-11-16", "county"), COUNTY, {
      ...libraries,
      startsOn: "2027-12-01",
      reviewOn: "2028-11-30",
    });
    expect(again.status).toBe("active");
  });
});

describe("the open figures and the register", () => {
  it("rounds the share delegated half up to a hundredth of a per cent", () => {
    // £85,000 of £35,600,000 is 0.2387…%: 0.24%.
    expect(shareInBasisPoints(8_500_000n, 3_560_000_000n)).toBe(24);
    // Half a basis point goes up; just under it, down.
    expect(shareInBasisPoints(1n, 20_000n)).toBe(1);
    expect(shareInBasisPoints(49_999n, 1_000_000_000n)).toBe(0);
    expect(shareInBasisPoints(5n, 0n)).toBeNull();
  });

  it("shows how much each authority, and all, decide at the lowest level", async () => {
    const res = await call(t.app, "GET", `/api/v1/delegations?authorityId=${COUNTY}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const county = body.byAuthority.find((a: { authorityId: string }) => a.authorityId === COUNTY);
    const cost = await db()
      .selectFrom("services")
      .select((eb) => eb.fn.sum<string>("annual_cost_pence").as("total"))
      .where("authority_id", "=", COUNTY)
      .executeTakeFirstOrThrow();
    // The demo's £85,000 in Kelderby and the libraries' £120,000 in Millbrook, not the ended one.
    expect(county).toMatchObject({
      registerCostPence: String(cost.total),
      delegatedPence: "20500000",
      services: 2,
      bodies: 2,
    });
    const exact = (20_500_000 / Number(cost.total)) * 100;
    expect(Number(county.sharePercent)).toBeCloseTo(exact, 2);
    expect(body.delegations.every((d: { authorityId: string }) => d.authorityId === COUNTY)).toBe(true);
    expect(body.overall.delegatedPence).toBe("20500000");
    const page = mainText((await call(t.app, "GET", "/delegations")).body);
    expect(page).toContain("How much is decided at the lowest level");
    expect(page).toContain(`Westshire County Council £205,000.00`);
    expect(page).toContain(`${county.sharePercent}%`);
    const welsh = await t.app.inject({ method: "GET", url: "/delegations", headers: { cookie: "lang=cy" } });
    expect(mainText(welsh.body)).toContain("Faint sy’n cael ei benderfynu ar y lefel isaf");
    expect((await call(t.app, "GET", `/api/v1/delegations?authorityId=not-an-id`)).statusCode).toBe(400);
  });

  it("shows who controls a service on its page and on the register's list", async () => {
    const servicePage = `/authorities/westshire-county-council/services/${DEMO_SERVICE.countyParks}`;
    const publicText = mainText((await call(t.app, "GET", servicePage)).body);
    expect(publicText).toContain("Who controls this service");
    expect(publicText).toContain("Kelderby Town Council, Kelderby: £85,000.00 a year, review by");
    expect(publicText).not.toContain("Delegate this service");
    const staff = await call(t.app, "GET", servicePage, as("county"));
    expect(staff.body).toContain(
      `href="/authorities/westshire-county-council/delegations/new?service=${DEMO_SERVICE.countyParks}"`,
    );
    const register = mainText(
      (await call(t.app, "GET", "/authorities/westshire-county-council/services")).body,
    );
    expect(register).toContain("Delegated to Kelderby Town Council (Kelderby)");
    const welsh = await t.app.inject({ method: "GET", url: servicePage, headers: { cookie: "lang=cy" } });
    expect(mainText(welsh.body)).toContain("Pwy sy’n rheoli’r gwasanaeth hwn");
  });

  it("publishes the demo's delegation in the open data, and its report on its page", async () => {
    const data = (await call(t.app, "GET", "/open-data/delegations.json")).json();
    expect(data.rows.find((r: { id: string }) => r.id === DEMO_DELEGATION)).toMatchObject({
      authority_name: "Westshire County Council",
      service_name: "Country parks",
      area_code: DEMO_AREA.kelderby,
      organisation_id: DEMO_TOWN_COUNCIL,
      organisation_name: "Kelderby Town Council",
      budget_pence: 8_500_000,
      status: "active",
    });
    const page = mainText((await call(t.app, "GET", `/delegations/${DEMO_DELEGATION}`)).body);
    expect(page).toContain("Kelderby Town Council");
    expect(page).toContain("Spent: £19,850.00");
    expect(page).toMatch(/Partly met\s*:\s*Two cuts were missed/);
  });
});

describe("the pages", () => {
  it("delegates through the form, errors linked to their fields; the body reports through its form", async () => {
    const url = "/authorities/westshire-county-council/delegations/new";
    expect((await call(t.app, "GET", url, as("district"))).statusCode).toBe(403);
    const bad = await postForm(t.app, as("county"), url, {
      serviceId: DEMO_SERVICE.countyHomeCare,
      organisationId: MUTUAL,
      budget: "lots",
      standards: "",
      "startsOn-day": "1",
      "startsOn-month": "5",
      "startsOn-year": "2027",
    });
    expect(bad.statusCode).toBe(400);
    expect(summaryLinks(bad.body)).toEqual(["#organisationId", "#budget", "#standards", "#reviewOn-day"]);
    const made = await postForm(t.app, as("county"), url, {
      serviceId: DEMO_SERVICE.countyHomeCare,
      organisationId: PARISH,
      budget: "40,000",
      standards: "Visits within two days of asking",
      "startsOn-day": "1",
      "startsOn-month": "5",
      "startsOn-year": "2027",
      "reviewOn-day": "30",
      "reviewOn-month": "4",
      "reviewOn-year": "2028",
    });
    expect(made.statusCode).toBe(303);
    const at = (made.headers.location as string).replace("?notice=created", "");
    const page = mainText((await call(t.app, "GET", made.headers.location as string)).body);
    expect(page).toContain("The service is delegated. The council or body has been told.");
    expect(page).toContain("The whole service");
    expect(page).toContain("£40,000.00 a year");
    // The parish clerk sees the report form; a report with a standard unrated links to it.
    expect((await call(t.app, "GET", at, as("clerk"))).body).toContain(`href="${at}/report"`);
    expect((await call(t.app, "GET", `${at}/report`, as("clerk"))).statusCode).toBe(200);
    expect((await call(t.app, "GET", `${at}/report`, as("citizen"))).statusCode).toBe(403);
    expect((await postForm(t.app, as("citizen"), `${at}/report`, {})).statusCode).toBe(403);
    const unrated = await postForm(t.app, as("clerk"), `${at}/report`, {
      "from-day": "1",
      "from-month": "5",
      "from-year": "2027",
      "to-day": "31",
      "to-month": "5",
      "to-year": "2027",
      delivered: "Visits made.",
      spent: "100",
    });
    expect(unrated.statusCode).toBe(400);
    // 31 May 2027 is after the app's day (the demo's): the period may not end after today.
    expect(summaryLinks(unrated.body)).toEqual(["#to-day", "#rating-0"]);
    const welsh = await t.app.inject({ method: "GET", url: at, headers: { cookie: "lang=cy" } });
    expect(mainText(welsh.body)).toContain("Y gwasanaeth cyfan");
    // The authority's review and end forms: errors linked to their fields, then ended with reasons.
    expect(mainText((await call(t.app, "GET", `${at}/review`, as("county"))).body)).toContain(
      "The delegation continues with a changed budget",
    );
    expect((await call(t.app, "GET", `${at}/review`, as("clerk"))).statusCode).toBe(403);
    const noReview = await postForm(t.app, as("county"), `${at}/review`, {});
    expect(noReview.statusCode).toBe(400);
    expect(summaryLinks(noReview.body)).toEqual(["#outcome", "#note", "#nextReviewOn-day"]);
    const ended = await postForm(t.app, as("county"), `${at}/end`, {
      reasons: "Home care stays with the county.",
    });
    expect(ended.statusCode).toBe(303);
    expect(ended.headers.location).toBe(`${at}?notice=ended`);
    const endedPage = mainText((await call(t.app, "GET", at, as("county"))).body);
    expect(endedPage).toContain("Home care stays with the county.");
    expect(endedPage).not.toContain("Record a review");
  });
});
