/**
 * An authority's hub: each step of its commissioning linked in order, with the counts its own
 * pages would show the reader; what its people can start only for them; 404 for an unknown
 * authority; the kind and nation by their names. And the next step shown where the one before is:
 * a project's tenders on its page (setting one up for it chooses it in the form), a service's projects,
 * tenders and contracts on the service's. The public bodies' index links every authority's hub, and
 * each of an authority's lists leads back to its hub.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { createUser, sessionFor, type TestSession } from "../../../tests/support/auth.ts";
import { mainText } from "../../../tests/support/pages.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_PROJECT } from "../../seed/demo/projects.ts";
import { DEMO_SERVICE } from "../../seed/demo/services.ts";
import { DEMO_TENDER } from "../../seed/demo/tenders.ts";

const HUB = "/authorities/westshire-county-council";
let t: TestApp;
let commissioner: TestSession;
let admin: TestSession;
let other: TestSession;
let careStaff: TestSession;

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  const make = async (role: "commissioner" | "authority-admin" | "care-staff", scopeId: string) =>
    sessionFor(t.app, (await createUser(t.deps.db, { grants: [{ role, scopeId }] })).id, { twoFactor: true });
  commissioner = await make("commissioner", DEMO_AUTHORITY.county);
  admin = await make("authority-admin", DEMO_AUTHORITY.county);
  other = await make("commissioner", DEMO_AUTHORITY.district);
  careStaff = await make("care-staff", DEMO_AUTHORITY.county);
});

afterAll(async () => {
  await t?.close();
});

const links = (html: string) => [...html.matchAll(/<a class="govuk-link" href="([^"]+)"/g)].map((m) => m[1]);

describe("an authority's hub", () => {
  it("links each step of its commissioning in order, with what each holds", async () => {
    const page = await call(t.app, "GET", HUB);
    expect(page.statusCode).toBe(200);
    const text = mainText(page.body);
    expect(text).toContain("Westshire County Council");
    expect(text).toContain("County council · England and Wales");
    // Beside the steps, links to the barriers to entry logged with it and to nominating an asset of
    // community value (not steps).
    const beside = [`${HUB}/barriers`, `${HUB}/community-assets/nominate`];
    expect(links(page.body)).toEqual(expect.arrayContaining(beside));
    const steps = links(page.body).filter((href) => href?.startsWith(`${HUB}/`) && !beside.includes(href));
    expect(steps).toEqual(
      ["services", "pipeline", "projects", "consultations", "right-to-challenge", "tenders", "contracts"].map(
        (s) => `${HUB}/${s}`,
      ),
    );
    // The counts are the lists' own: the tenders page lists as many as the hub counts.
    const tenders = (await call(t.app, "GET", `/api/v1/authorities/${DEMO_AUTHORITY.county}/tenders`)).json();
    const count = (tenders.tenders ?? tenders.items ?? tenders).length;
    expect(text).toContain(`${count} tender${count === 1 ? "" : "s"} ·`);
    expect(text).not.toContain("Start something");
  });

  it("offers what to start only to the people who act for the authority", async () => {
    const own = await call(t.app, "GET", HUB, commissioner);
    expect(mainText(own.body)).toContain("Start something");
    expect(links(own.body)).toContain(`${HUB}/tenders/new`);
    expect(links(own.body)).toContain(`${HUB}/community-assets`);
    expect(links(own.body)).toContain(`${HUB}/community-budgets/new`);
    expect(links((await call(t.app, "GET", HUB)).body)).not.toContain(`${HUB}/community-assets`);
    expect(links(own.body)).not.toContain(`/public-bodies/${DEMO_AUTHORITY.county}/people`);
    expect(links((await call(t.app, "GET", HUB, admin)).body)).toContain(
      `/public-bodies/${DEMO_AUTHORITY.county}/people`,
    );
    expect(mainText((await call(t.app, "GET", HUB, other)).body)).not.toContain("Start something");
    // The people it supports: its care staff's alone.
    expect(links(own.body)).not.toContain(`${HUB}/care`);
    expect(links((await call(t.app, "GET", HUB, careStaff)).body)).toContain(`${HUB}/care`);
  });

  it("is 404 for an authority that does not exist", async () => {
    expect((await call(t.app, "GET", "/authorities/no-such-council")).statusCode).toBe(404);
  });

  it("names the authority's kind and nation, not message keys, here and on its public body page", async () => {
    for (const url of [HUB, `/public-bodies/${DEMO_AUTHORITY.county}`]) {
      const html = (await call(t.app, "GET", url)).body;
      expect(html).not.toMatch(/pages\.(authorityKind|nation)\.|labels\.(authorityKind|nation)\./);
    }
  });
});

describe("the public bodies", () => {
  it("lists the verified authorities, each linked to its hub, and the lists across all of them", async () => {
    const page = await call(t.app, "GET", "/authorities");
    expect(page.statusCode).toBe(200);
    const hrefs = links(page.body);
    expect(hrefs).toContain(HUB);
    expect(hrefs).toContain("/authorities/millbrook-district-council");
    for (const list of [
      "/opportunities",
      "/pipeline",
      "/consultations",
      "/right-to-challenge",
      "/contracts",
      "/regulators",
    ])
      expect(hrefs).toContain(list);
    const text = mainText(page.body);
    expect(text).toContain("Westshire County Council County council England and Wales");
    // Regulators and ombudsmen are apart, linked to their public body pages, not to a hub.
    expect(text).toContain("Care Standards Inspectorate (Regulator)");
    expect(hrefs.filter((href) => href?.startsWith("/authorities/care-standards"))).toEqual([]);
    expect(hrefs).not.toContain("/public-bodies/new");
    expect(links((await call(t.app, "GET", "/authorities", commissioner)).body)).toContain(
      "/public-bodies/new",
    );
  });

  it("shows an authority's Welsh name in Welsh", async () => {
    const page = await t.app.inject({ url: "/authorities", headers: { cookie: "lang=cy" } });
    expect(mainText(page.body)).toContain("Cyngor Sir Glanmor");
  });

  it("leads back from each of an authority's lists to its hub, and from the hub to the public bodies", async () => {
    const crumbs = (html: string) =>
      [...html.matchAll(/<a class="govuk-breadcrumbs__link" href="([^"]+)"/g)].map((m) => m[1]);
    for (const list of [
      "services",
      "pipeline",
      "projects",
      "consultations",
      "right-to-challenge",
      "tenders",
      "contracts",
      "reserved-awards",
    ]) {
      const page = await call(t.app, "GET", `${HUB}/${list}`);
      expect(page.statusCode, list).toBe(200);
      expect(crumbs(page.body), list).toEqual(["/", "/authorities", HUB]);
    }
    expect(crumbs((await call(t.app, "GET", HUB)).body)).toEqual(["/", "/authorities"]);
    for (const list of ["/pipeline", "/consultations", "/right-to-challenge", "/contracts"])
      expect(crumbs((await call(t.app, "GET", list)).body), list).toEqual(["/", "/authorities"]);
  });
});

describe("the next step where the one before is", () => {
  const project = `${HUB}/projects/${DEMO_PROJECT.countyHomeCare}`;

  it("lists a project's tenders on its page, and offers its editors to set one up for it", async () => {
    const page = await call(t.app, "GET", project);
    expect(links(page.body)).toContain(`${HUB}/tenders/${DEMO_TENDER.open}`);
    expect(mainText(page.body)).toContain("Open for bids");
    expect(mainText(page.body)).not.toContain("Set up a tender for this project");
    const own = await call(t.app, "GET", project, commissioner);
    const setUp = `${HUB}/tenders/new?projectId=${DEMO_PROJECT.countyHomeCare}`;
    expect(own.body).toContain(`href="${setUp}"`);
    // The set-up form it leads to has that project chosen already; another value chooses none.
    const selected = (html: string) =>
      [...html.matchAll(/<option value="([^"]*)" selected>/g)].map((m) => m[1]).filter((v) => v !== "");
    const form = await call(t.app, "GET", setUp, commissioner);
    expect(form.statusCode).toBe(200);
    expect(selected(form.body)).toContain(DEMO_PROJECT.countyHomeCare);
    const plain = await call(t.app, "GET", `${HUB}/tenders/new`, commissioner);
    expect(selected(plain.body)).not.toContain(DEMO_PROJECT.countyHomeCare);
    const unknown = await call(t.app, "GET", `${HUB}/tenders/new?projectId=not-a-project`, commissioner);
    expect(unknown.statusCode).toBe(200);
    expect(selected(unknown.body)).not.toContain("not-a-project");
  });

  it("shows on a service's page the published projects that include it, with their tenders", async () => {
    const page = await call(t.app, "GET", `${HUB}/services/${DEMO_SERVICE.countyHomeCare}`);
    expect(links(page.body)).toContain(project);
    expect(links(page.body)).toContain(`${HUB}/tenders/${DEMO_TENDER.open}`);
    // A draft project is not shown to the public.
    const parks = await call(t.app, "GET", `${HUB}/services/${DEMO_SERVICE.countyParks}`);
    expect(links(parks.body)).not.toContain(`${HUB}/projects/${DEMO_PROJECT.countyParksDraft}`);
  });
});
