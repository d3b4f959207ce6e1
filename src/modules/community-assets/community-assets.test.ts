/**
 * Assets of community value (one seeded app for the file): who nominates, decides and records; what
 * the public sees of an owner; the moratorium's rules at their edges (a request to bid on the last day
 * of the interim moratorium and the day after; a sale during a moratorium and in the protected
 * period); the review's and the appeal's deadlines; and the register's pages, search and map.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { peopleWithRoles, postForm, type TestPeople, type TestSession } from "../../../tests/support/auth.ts";
import { mainText, summaryLinks } from "../../../tests/support/pages.ts";
import { ctxOnDay } from "../../../tests/support/principals.ts";
import { fixedClock } from "../../lib/clock.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_COMMUNITY_ASSETS } from "../../seed/demo/community-assets.ts";
import { DEMO_ORGANISATION as DEMO_ORGS } from "../../seed/demo/organisations.ts";
import { DEMO_ORGANISATION } from "../../seed/demo/users.ts";
import type { Ctx } from "../access/context.ts";
import {
  assetView,
  decideNomination,
  decideReview,
  nominate,
  nominationsToDecide,
  recordAppeal,
  recordNotice,
  recordReviewRequest,
  recordSale,
  requestToBid,
} from "./community-assets.service.ts";
import { remindInterimEnding } from "./reminders.service.ts";

const COUNTY = DEMO_AUTHORITY.county;
const DISTRICT = DEMO_AUTHORITY.district;
const GROUP = DEMO_ORGS.carersTrust;

let t: TestApp;
let users: TestPeople["users"];
let sessions: TestPeople["sessions"];
let principals: TestPeople["principals"];
const as = (who: string) => sessions[who] as TestSession;
const db = () => t.deps.db;
/** A service call as `who` on a London day (noon). */
const on = (date: string, who: string | null): Ctx =>
  ctxOnDay(db(), date, who ? (principals[who] ?? null) : null);

const pub = {
  name: "The Rose and Crown",
  address: "1 High Street, Wesford",
  postcode: "ws1 2ab",
  area: "Wesford Central",
  description: "A public house with a garden and a function room.",
  reasons: "The only pub in the village; clubs and the quiz meet there.",
  localConnection: "Our members live in Wesford and our work is in the council's area.",
  ownerName: "Jo Bloggs",
  ownerContact: "jo@example.org",
  latitude: "52.1",
  longitude: "-1.9",
};

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  ({ users, sessions, principals } = await peopleWithRoles(t.app, db(), {
    group: ["organisation-member", GROUP, "Gill Group"],
    mutual: ["organisation-admin", DEMO_ORGANISATION, "Mo Mutual"],
    commissioner: ["commissioner", COUNTY, "Cleo Commissioner"],
    district: ["commissioner", DISTRICT, "Dan District"],
    citizen: ["citizen", undefined, "Cy Citizen"],
  }));
});

afterAll(async () => {
  await t?.close();
});

/** A pub nominated on `receivedOn` and listed on `listedOn`. */
async function listedPub(receivedOn: string, listedOn: string, name = pub.name) {
  const v = await nominate(on(receivedOn, "group"), COUNTY, { ...pub, name });
  await decideNomination(on(listedOn, "commissioner"), v.asset.id, {
    outcome: "listed",
    reasons: "Its use furthers the community's social wellbeing.",
  });
  return v.asset.id;
}

describe("nominating and deciding", () => {
  it("a community group's people nominate; the council decides within 8 weeks, overdue after", async () => {
    const v = await nominate(on("2027-03-01", "group"), COUNTY, pub);
    expect(v.asset).toMatchObject({ status: "nominated", postcode: "WS1 2AB", received_on: "2027-03-01" });
    expect(v.decisionDue).toBe("2027-04-25");
    expect((await assetView(on("2027-04-25", "commissioner"), v.asset.id)).decisionOverdue).toBe(false);
    expect((await assetView(on("2027-04-26", "commissioner"), v.asset.id)).decisionOverdue).toBe(true);
    // Awaiting decision: not on the public register, not for another council's people.
    await expect(assetView(on("2027-03-02", null), v.asset.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(
      decideNomination(on("2027-03-02", "district"), v.asset.id, { outcome: "listed", reasons: "Yes." }),
    ).rejects.toMatchObject({ code: "not_found" });
    const decided = await decideNomination(on("2027-04-26", "commissioner"), v.asset.id, {
      outcome: "listed",
      reasons: "A hub of village life.",
    });
    expect(decided).toMatchObject({
      decidedLate: true,
      listingEnds: "2032-04-25",
      reviewRequestBy: "2027-06-20",
    });
    const audit = await db()
      .selectFrom("audit_events")
      .select("action")
      .where("entity_id", "=", v.asset.id)
      .execute();
    expect(audit.map((a) => a.action)).toEqual(["community-asset.nominated", "community-asset.decided"]);
  });

  it("the same building nominated or listed already at the same council is refused, saying where it stands", async () => {
    const first = await nominate(on("2027-03-01", "group"), COUNTY, { ...pub, name: "The Old Forge" });
    await expect(
      nominate(on("2027-03-02", "group"), COUNTY, { ...pub, name: "the old forge", postcode: "WS12AB" }),
    ).rejects.toMatchObject({
      code: "already_nominated",
      message:
        "The Old Forge at WS1 2AB is already nominated to Westshire County Council, received on 1 March 2027: the council decides it by 25 April 2027.",
    });
    await decideNomination(on("2027-03-10", "commissioner"), first.asset.id, {
      outcome: "listed",
      reasons: "Yes.",
    });
    await expect(
      nominate(on("2032-03-09", "group"), COUNTY, { ...pub, name: "The Old Forge" }),
    ).rejects.toMatchObject({
      code: "already_nominated",
      message:
        "The Old Forge at WS1 2AB is already on Westshire County Council's list, until 9 March 2032: it can be nominated again when the listing ends.",
    });
    // The day after the listing ends it may be nominated again; another building of that name at once.
    expect(
      (await nominate(on("2032-03-10", "group"), COUNTY, { ...pub, name: "The Old Forge" })).asset.status,
    ).toBe("nominated");
    const elsewhere = { ...pub, name: "The Old Forge", postcode: "WS9 9ZZ" };
    expect((await nominate(on("2027-03-02", "group"), COUNTY, elsewhere)).asset.status).toBe("nominated");
  });

  it("the nominating group withdraws before the decision: the council is told, the entry leaves its list and is never public", async () => {
    const v = await nominate(on("2027-03-01", "group"), COUNTY, { ...pub, name: "The Nag's Head" });
    const href = `/community-assets/${v.asset.id}`;
    // Another group's people, the council's people: 403; the group's page offers the withdrawal.
    expect((await call(t.app, "POST", `/api/v1${href}/withdrawal`, as("commissioner"), {})).statusCode).toBe(
      403,
    );
    expect((await call(t.app, "GET", href, as("group"))).body).toContain(`href="${href}/withdrawal"`);
    const done = await postForm(t.app, as("group"), `${href}/withdrawal`, {
      reasons: "The pub has a new owner who will keep it open.",
    });
    expect(done.statusCode).toBe(303);
    const entry = await call(t.app, "GET", `/api/v1${href}`, as("group"));
    expect(entry.json()).toMatchObject({ status: "withdrawn", withdrawnOn: expect.any(String) });
    expect((await call(t.app, "GET", `/api/v1${href}`)).statusCode).toBe(404);
    expect(
      (await nominationsToDecide(on("2027-03-02", "commissioner"), COUNTY)).map((a) => a.asset.id),
    ).not.toContain(v.asset.id);
    const told = await db()
      .selectFrom("notifications")
      .select(["subject", "body"])
      .where("user_id", "=", users.commissioner as string)
      .where("link", "=", href)
      .where("subject", "like", "%withdrawn")
      .execute();
    expect(told).toHaveLength(1);
    expect(told[0]?.body).toContain("Its reason: The pub has a new owner who will keep it open.");
    // Once withdrawn (or decided) it cannot be withdrawn again; it may be nominated anew.
    expect((await call(t.app, "POST", `/api/v1${href}/withdrawal`, as("group"), {})).statusCode).toBe(409);
    expect(
      (await nominate(on("2027-03-05", "group"), COUNTY, { ...pub, name: "The Nag's Head" })).asset.status,
    ).toBe("nominated");
  });

  it("others may not nominate: a mutual's people, a citizen; bad input names each field", async () => {
    const body = { ...pub, latitude: 52.1, longitude: -1.9 };
    expect(
      (await call(t.app, "POST", `/api/v1/authorities/${COUNTY}/community-assets`, as("mutual"), body))
        .statusCode,
    ).toBe(403);
    expect(
      (await call(t.app, "POST", `/api/v1/authorities/${COUNTY}/community-assets`, as("citizen"), body))
        .statusCode,
    ).toBe(403);
    const res = await postForm(
      t.app,
      as("group"),
      "/authorities/westshire-county-council/community-assets/nominate",
      {
        ...pub,
        postcode: "nowhere",
        reasons: "",
        latitude: "52",
        longitude: "",
      },
    );
    expect(res.statusCode).toBe(400);
    expect(summaryLinks(res.body)).toEqual(["#postcode", "#reasons", "#longitude"]);
  });

  it("a council outside England keeps no list: nominating to it is refused, and its page offers none", async () => {
    const body = { ...pub, latitude: 52.1, longitude: -1.9 };
    const welsh = DEMO_AUTHORITY.welsh;
    const refused = await call(
      t.app,
      "POST",
      `/api/v1/authorities/${welsh}/community-assets`,
      as("group"),
      body,
    );
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error).toMatchObject({ code: "not_in_england" });
    expect(refused.json().error.message).toBe(
      "Glanmor County Council keeps no list of assets of community value: the Localism Act 2011's community right to bid applies in England only.",
    );
    // Permission first: someone who may not nominate anywhere is told that, not where the Act runs.
    expect(
      (await call(t.app, "POST", `/api/v1/authorities/${welsh}/community-assets`, as("mutual"), body))
        .statusCode,
    ).toBe(403);
    const form = await call(
      t.app,
      "GET",
      "/authorities/cyngor-sir-glanmor/community-assets/nominate",
      as("group"),
    );
    expect(form.statusCode).toBe(422);
    expect(mainText(form.body)).toContain(
      "the Localism Act 2011's community right to bid applies in England only",
    );
    expect((await call(t.app, "GET", "/authorities/cyngor-sir-glanmor")).body).not.toContain(
      "/community-assets/nominate",
    );
    expect((await call(t.app, "GET", "/authorities/westshire-county-council")).body).toContain(
      "/authorities/westshire-county-council/community-assets/nominate",
    );
  });

  it("the public sees a private owner's name nowhere; the council's people see it and the contact", async () => {
    const id = await listedPub("2027-03-01", "2027-03-10", "The Plough");
    const seen = await call(t.app, "GET", `/api/v1/community-assets/${id}`);
    expect(seen.json()).toMatchObject({ ownerName: null, ownerContact: null, status: "listed" });
    expect(seen.body).not.toContain("Jo Bloggs");
    const staff = await call(t.app, "GET", `/api/v1/community-assets/${id}`, as("commissioner"));
    expect(staff.json()).toMatchObject({ ownerName: "Jo Bloggs", ownerContact: "jo@example.org" });
    expect((await call(t.app, "GET", `/community-assets/${id}`)).body).not.toContain("Jo Bloggs");
  });

  it("an owner that is an organisation is named publicly; an occupier only to the council's people", async () => {
    const v = await nominate(on("2027-03-01", "group"), COUNTY, {
      ...pub,
      name: "The Crown and Anchor",
      ownerName: "Crown Pub Holdings Ltd",
      ownerIsOrganisation: "yes",
      occupierName: "Pat Tenant",
      occupierContact: "At the pub",
    });
    await decideNomination(on("2027-03-10", "commissioner"), v.asset.id, {
      outcome: "listed",
      reasons: "Yes.",
    });
    const seen = await call(t.app, "GET", `/api/v1/community-assets/${v.asset.id}`);
    expect(seen.json()).toMatchObject({
      ownerName: "Crown Pub Holdings Ltd",
      occupierName: null,
      occupierContact: null,
    });
    expect(seen.body).not.toContain("Pat Tenant");
    const page = await call(t.app, "GET", `/community-assets/${v.asset.id}`);
    expect(mainText(page.body)).toContain("Crown Pub Holdings Ltd");
    expect(page.body).not.toContain("Pat Tenant");
    const staff = await call(t.app, "GET", `/community-assets/${v.asset.id}`, as("commissioner"));
    expect(mainText(staff.body)).toContain("Pat Tenant – At the pub");
    // An occupier's contact without their name is refused, named by its field.
    const bad = await call(t.app, "POST", `/api/v1/authorities/${COUNTY}/community-assets`, as("group"), {
      ...pub,
      latitude: 52.1,
      longitude: -1.9,
      occupierContact: "At the pub",
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.map((e: { field: string }) => e.field)).toEqual(["occupierContact"]);
  });
});

describe("who is told", () => {
  it("the council's people of a nomination; the group's people of the decision and of a notice of sale, with the dates", async () => {
    const noticesOf = (userId: string, kind: string) =>
      db()
        .selectFrom("notifications")
        .select(["subject", "body", "link"])
        .where("user_id", "=", userId)
        .where("kind", "=", kind)
        .orderBy("created_at")
        .execute();
    const v = await nominate(on("2027-03-01", "group"), COUNTY, { ...pub, name: "The Told Inn" });
    const link = `/community-assets/${v.asset.id}`;
    expect(await noticesOf(users.commissioner as string, "community-asset.nominated")).toContainEqual({
      subject: "Nomination of The Told Inn as an asset of community value",
      body: "A nomination of The Told Inn was received on 1 March 2027. The council's decision is due by 25 April 2027.",
      link,
    });
    // Not the district's commissioner, nor the nominator herself.
    expect(await noticesOf(users.district as string, "community-asset.nominated")).toEqual([]);
    expect(await noticesOf(users.group as string, "community-asset.nominated")).toEqual([]);

    await decideNomination(on("2027-04-26", "commissioner"), v.asset.id, {
      outcome: "listed",
      reasons: "The village's only pub.",
    });
    await recordNotice(on("2027-06-01", "commissioner"), v.asset.id, { on: "2027-05-31" });
    const told = (await noticesOf(users.group as string, "community-asset.progressed")).filter(
      (n) => n.link === link,
    );
    expect(told.map((n) => n.subject)).toEqual([
      "The Told Inn is listed as an asset of community value",
      "Notice of an intended sale of The Told Inn",
    ]);
    expect(told[0]?.body).toBe(
      "The council listed The Told Inn on 26 April 2027, for 5 years: until 25 April 2032. Its reasons: The village's only pub.",
    );
    expect(told[1]?.body).toContain("until 11 July 2027, the end of the interim moratorium");
    expect(told[1]?.body).toContain("may not sell before 29 November 2027");
    // The owner is a person: their name is in no notice.
    for (const n of told) expect(n.body).not.toContain(pub.ownerName);
  });

  it("a nomination waiting for the council is in its people's work, due on the decision's last day, until decided", async () => {
    const work = async (who: string) =>
      (
        (await call(t.app, "GET", "/api/v1/me/tasks", as(who))).json().todo as {
          kind: string;
          href: string;
          due: { day: string } | null;
        }[]
      ).filter((task) => task.kind === "decide-nomination");
    const v = await nominate(on("2027-03-01", "group"), COUNTY, { ...pub, name: "The Waiting Arms" });
    const href = `/community-assets/${v.asset.id}`;
    expect((await work("commissioner")).find((task) => task.href === href)?.due?.day).toBe("2027-04-25");
    expect(await work("district")).toEqual([]);
    await decideNomination(on("2027-03-10", "commissioner"), v.asset.id, {
      outcome: "unsuccessful",
      reasons: "Not used by the community now.",
    });
    expect((await work("commissioner")).map((task) => task.href)).not.toContain(href);
  });
});

describe("review and appeal", () => {
  it("a review asked for on the last day of 8 weeks is recorded, the day after refused; an appeal within 28 days", async () => {
    const late = await listedPub("2027-03-01", "2027-03-10", "The Crown");
    await expect(
      recordReviewRequest(on("2027-05-05", "commissioner"), late, { on: "2027-05-05" }),
    ).rejects.toMatchObject({
      code: "conflict",
    });
    const id = await listedPub("2027-03-01", "2027-03-10", "The Bell");
    const asked = await recordReviewRequest(on("2027-05-05", "commissioner"), id, { on: "2027-05-04" });
    expect(asked.reviewDecisionDue).toBe("2027-06-28");
    const kept = await decideReview(on("2027-05-20", "commissioner"), id, {
      outcome: "kept",
      reasons: "Still a hub.",
    });
    expect(kept.appealBy).toBe("2027-06-17");
    await expect(
      recordAppeal(on("2027-06-20", "commissioner"), id, { lodgedOn: "2027-06-18" }),
    ).rejects.toMatchObject({
      code: "conflict",
    });
    const appealed = await recordAppeal(on("2027-06-20", "commissioner"), id, { lodgedOn: "2027-06-17" });
    expect(appealed.asset).toMatchObject({ appeal_outcome: "pending", status: "listed" });
    const allowed = await recordAppeal(on("2027-09-01", "commissioner"), id, { outcome: "allowed" });
    expect(allowed.asset).toMatchObject({ status: "removed", removed_on: "2027-09-01" });
  });
});

describe("the moratorium", () => {
  it("a request to bid on the interim's last day starts the full moratorium; the day after is refused", async () => {
    const id = await listedPub("2027-01-04", "2027-01-20", "The Swan");
    const noticed = await recordNotice(on("2027-03-01", "commissioner"), id, { on: "2027-03-01" });
    expect(noticed.sale).toMatchObject({
      standing: "interim",
      dates: { interimEnds: "2027-04-11", fullEnds: "2027-08-31", protectedEnds: "2028-08-31" },
      daysLeft: 42,
    });
    await expect(requestToBid(on("2027-04-12", "group"), id)).rejects.toMatchObject({ code: "conflict" });
    await expect(requestToBid(on("2027-04-11", "mutual"), id)).rejects.toMatchObject({ code: "forbidden" });
    const bid = await requestToBid(on("2027-04-11", "group"), id);
    expect(bid.sale).toMatchObject({ bidRequestedOn: "2027-04-11", bidderName: expect.any(String) });
    expect((await assetView(on("2027-08-31", null), id)).sale).toMatchObject({
      standing: "full",
      daysLeft: 1,
    });
    expect((await assetView(on("2027-09-01", null), id)).sale?.standing).toBe("protected");
    // No new moratorium during the protected period.
    await expect(
      recordNotice(on("2028-08-31", "commissioner"), id, { on: "2028-08-31" }),
    ).rejects.toMatchObject({
      code: "conflict",
    });
  });

  it("a sale during a moratorium only to a community group; in the protected period to anyone", async () => {
    const id = await listedPub("2027-01-04", "2027-01-20", "The Anchor");
    await expect(
      recordSale(on("2027-03-05", "commissioner"), id, { on: "2027-03-05" }),
    ).rejects.toMatchObject({
      code: "conflict",
    });
    await recordNotice(on("2027-03-01", "commissioner"), id, { on: "2027-03-01" });
    await expect(
      recordSale(on("2027-04-11", "commissioner"), id, { on: "2027-04-11" }),
    ).rejects.toMatchObject({
      code: "conflict",
    });
    const sold = await recordSale(on("2027-04-12", "commissioner"), id, { on: "2027-04-12" });
    expect(sold.sale).toMatchObject({ soldOn: "2027-04-12", soldToCommunityGroup: false });
    // The council's people only.
    await expect(recordNotice(on("2027-05-01", "district"), id, { on: "2027-05-01" })).rejects.toMatchObject({
      code: "forbidden",
    });
  });
});

describe("the interim moratorium's reminder", () => {
  it("tells the nominating group once, from 7 days before its end, unless a group has asked to bid", async () => {
    const quiet = await listedPub("2027-01-04", "2027-01-20", "The Wheatsheaf");
    const asked = await listedPub("2027-01-04", "2027-01-20", "The Bell");
    for (const id of [quiet, asked])
      await recordNotice(on("2027-05-03", "commissioner"), id, { on: "2027-05-03" });
    await requestToBid(on("2027-05-10", "group"), asked);
    const sweep = (day: string) => remindInterimEnding(db(), fixedClock(new Date(`${day}T06:00:00Z`)));
    const reminders = () =>
      db()
        .selectFrom("notifications")
        .select(["subject", "body", "link"])
        .where("user_id", "=", users.group as string)
        .where("subject", "like", "%ask to bid by%")
        .where("link", "in", [`/community-assets/${quiet}`, `/community-assets/${asked}`])
        .execute();
    expect(await sweep("2027-06-05")).toBe(0);
    expect(await sweep("2027-06-06")).toBe(1);
    expect(await sweep("2027-06-07")).toBe(0);
    expect(await reminders()).toEqual([
      {
        subject: "The Wheatsheaf: ask to bid by 13 June 2027",
        body: "The owner of The Wheatsheaf gave notice of an intended sale on 3 May 2027, and no community group has asked to be treated as a potential bidder. A group that asks by 13 June 2027 stops the sale until 2 November 2027; after that day the owner may sell to anyone.",
        link: `/community-assets/${quiet}`,
      },
    ]);
    const audit = await db()
      .selectFrom("audit_events")
      .select(["action", "actor_type"])
      .where("entity_id", "=", quiet)
      .where("action", "=", "community-asset.interim-reminded")
      .execute();
    expect(audit).toEqual([{ action: "community-asset.interim-reminded", actor_type: "system" }]);
  });
});

describe("the demo's list", () => {
  it("has an entry at each stage of the moratorium, one unsuccessful and one awaiting decision", async () => {
    const get = async (id: string) => (await call(t.app, "GET", `/api/v1/community-assets/${id}`)).json();
    const d = DEMO_COMMUNITY_ASSETS;
    expect((await get(d.redLion)).sale).toBeNull();
    expect((await get(d.library)).sale.standing).toBe("interim");
    expect((await get(d.kingsArms)).sale).toMatchObject({
      standing: "full",
      bidderName: "Millbrook Carers' Trust",
    });
    expect((await get(d.communityCentre)).sale.standing).toBe("protected");
    expect((await get(d.villageShop)).sale.standing).toBe("ended");
    expect((await get(d.carPark)).status).toBe("unsuccessful");
    expect((await call(t.app, "GET", `/api/v1/community-assets/${d.bowlingGreen}`)).statusCode).toBe(404);
    // A private owner is never published; an owner of the directory is.
    expect((await get(d.redLion)).ownerName).toBeNull();
    expect((await get(d.library)).ownerName).toBe("Westshire Homes Group");
    expect((await get(d.kingsArms)).ownerName).toBe("Maple Taverns plc");
  });
});

describe("the register's pages", () => {
  it("lists the listed and the unsuccessful, searched by postcode, with a map whose points link to the entries", async () => {
    const page = await call(t.app, "GET", "/community-assets?q=ws12ab");
    expect(page.statusCode).toBe(200);
    expect(mainText(page.body)).toContain("The Plough");
    expect(page.body).toContain("<svg");
    expect(page.body).toMatch(/<a href="\/community-assets\/[0-9a-f-]+" aria-label="1\. /);
    const none = await call(t.app, "GET", "/community-assets?q=zz99");
    expect(mainText(none.body)).toContain("No entries match your search.");
    const welsh = await t.app.inject({
      method: "GET",
      url: "/community-assets",
      headers: { cookie: "lang=cy" },
    });
    expect(mainText(welsh.body)).toContain("Asedau rhestredig");
  });

  it("the council's people record a notice through its form; the entry shows the moratorium's dates", async () => {
    const id = await listedPub("2026-11-02", "2026-11-10", "The Fleece");
    const bad = await postForm(t.app, as("commissioner"), `/community-assets/${id}/notice`, {});
    expect(bad.statusCode).toBe(400);
    expect(summaryLinks(bad.body)).toEqual(["#on-day"]);
    const res = await postForm(t.app, as("commissioner"), `/community-assets/${id}/notice`, {
      "on-day": "20",
      "on-month": "11",
      "on-year": "2026",
    });
    expect(res.statusCode).toBe(303);
    const entry = mainText((await call(t.app, "GET", `/community-assets/${id}`)).body);
    expect(entry).toContain("Interim moratorium");
    expect(entry).toContain("31 December 2026");
    expect((await postForm(t.app, as("district"), `/community-assets/${id}/notice`, {})).statusCode).toBe(
      403,
    );
  });
});
