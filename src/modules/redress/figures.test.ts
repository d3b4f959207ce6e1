/**
 * Redress's open figures and published decisions (one seeded app for the file). Fixtures: twenty
 * complaints about a provider made, acknowledged and answered through the services (ten upheld, ten
 * not), and three ombudsman cases with remedies inserted as rows (the casework's services are built
 * beside this). What it proves: the provider's figures and their suppression (an authority with
 * few complaints shows none of its small counts), the panel on its profile and Find a service, the
 * area's figures, the open dataset; published decisions show no personal data and a withheld or
 * unconsented decision is 404; the regulator's view, and another regulator's staff see nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { createUser, sessionFor, type TestSession } from "../../../tests/support/auth.ts";
import { mainText } from "../../../tests/support/pages.ts";
import { ctxFor, principalOf } from "../../../tests/support/principals.ts";
import { transaction } from "../../db/transaction.ts";
import { newId } from "../../lib/ids.ts";
import { londonToday } from "../../lib/london-time.ts";
import { DEMO_AREA } from "../../seed/demo/areas.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_CHOICE_MEMBERS } from "../../seed/demo/choice.ts";
import { DEMO_USERS } from "../../seed/demo/users.ts";
import { SYSTEM } from "../audit/audit.service.ts";
import { createAuthority } from "../authorities/authorities.service.ts";
import { acknowledgeComplaint, makeComplaint, respondToComplaint } from "./redress.service.ts";

const COUNTY = DEMO_AUTHORITY.county;
const GREENWAY = DEMO_CHOICE_MEMBERS.greenway;
const REGULATOR = DEMO_AUTHORITY.regulator;
const OTHER_REGULATOR = "019a0000-0000-7000-8000-0000000af001";
const WHAT = "The carer from the agency shouted at my mother Dilys Pritchard-Owen on the landing.";
const CITIZEN = DEMO_USERS.find((u) => u.role === "citizen") as (typeof DEMO_USERS)[number];

let t: TestApp;
const sessions: Record<string, TestSession> = {};
const complaintIds: string[] = [];
const references: string[] = [];

/** Texts that must never reach a public page, the API or the dataset. */
function expectNoPersonalData(text: string): void {
  expect(text).not.toContain("Dilys");
  expect(text).not.toContain(CITIZEN.displayName);
  expect(text).not.toContain(CITIZEN.email);
  expect(text).not.toContain("shouted");
}

async function insertCase(
  complaintId: string,
  reference: string,
  publication: { publication: "publish" | "withhold"; consent: boolean },
): Promise<string> {
  const id = newId();
  const now = t.deps.clock.now();
  const today = londonToday(t.deps.clock);
  await t.deps.db
    .insertInto("ombudsman_cases")
    .values({
      authority_id: DEMO_AUTHORITY.ombudsman,
      id,
      reference,
      scheme: "lgsco",
      complaint_authority_id: COUNTY,
      complaint_id: complaintId,
      escalated_by: null,
      escalated_on: today,
      file_consent_at: now,
      early_reason: "",
      mp_referral: "",
      publication_consent: publication.consent,
      time_limit_ends_on: null,
      in_time: true,
      late_reason: "",
      status: "decided",
      assessed_on: today,
      assessed_by: null,
      decline_reason: "",
      investigator_id: null,
      draft_on: null,
      draft_text: "",
      comments_close_on: null,
      decided_on: today,
      decided_by: null,
      finding: "fault-injustice",
      decision_text: `The ombudsman found that ${WHAT}`,
      publication: publication.publication,
      withheld_reason: publication.publication === "withhold" ? "She could be identified." : "",
      published_summary:
        publication.publication === "publish"
          ? "A home care provider's staff were discourteous on a visit."
          : "",
      closed_on: null,
      next_due_on: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  const clock = t.deps.clock;
  await transaction(t.deps.db, (trx) =>
    createAuthority(trx, clock, SYSTEM("test"), {
      id: OTHER_REGULATOR,
      slug: "figures-other-regulator",
      name: "Other Inspectorate",
      kind: "regulator",
      nation: "england-and-wales",
      verified: true,
    }),
  );
  const make = async (role: string, scopeId: string) =>
    (await createUser(t.deps.db, { grants: [{ role: role as never, scopeId }] })).id;
  const greenwayAdmin = await make("organisation-admin", GREENWAY);
  const users = {
    inspector: await make("regulator-staff", REGULATOR),
    otherInspector: await make("regulator-staff", OTHER_REGULATOR),
  };
  for (const [who, id] of Object.entries(users)) sessions[who] = await sessionFor(t.app, id);

  // Twenty complaints about the provider, through the services: ten upheld, ten not.
  const citizen = ctxFor(t.deps.db, clock, await principalOf(t.deps.db, CITIZEN.id));
  const provider = ctxFor(t.deps.db, clock, await principalOf(t.deps.db, greenwayAdmin));
  for (let i = 0; i < 20; i++) {
    const c = await makeComplaint(citizen, {
      about: "organisation",
      organisationId: GREENWAY,
      authorityId: COUNTY,
      regime: "nhs-adult-social-care",
      actingAs: "self",
      whatHappened: WHAT,
      happenedOn: "2026-11-02",
      outcomeWanted: "An apology to Dilys.",
      consent: true,
    });
    complaintIds.push(c.id);
    references.push(c.reference);
    await acknowledgeComplaint(provider, COUNTY, c.id);
    await respondToComplaint(provider, COUNTY, c.id, {
      finding: i < 10 ? "upheld" : "not-upheld",
      response: "We have looked into what happened.",
    });
  }

  // The second tier, as rows: one decision published with consent, one withheld, one without consent.
  await t.deps.db
    .insertInto("second_tier_bodies")
    .values({
      authority_id: DEMO_AUTHORITY.ombudsman,
      scheme: "lgsco",
      service_area: "",
      created_at: clock.now(),
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const published = await insertCase(complaintIds[0] as string, "OC-FIG-PUB", {
    publication: "publish",
    consent: true,
  });
  await insertCase(complaintIds[1] as string, "OC-FIG-WHD", { publication: "withhold", consent: true });
  await insertCase(complaintIds[2] as string, "OC-FIG-NOC", { publication: "publish", consent: false });
  const today = londonToday(clock);
  const remedy = (seq: number, kind: "payment" | "apology", dueOn: string, confirmed: boolean) => ({
    authority_id: DEMO_AUTHORITY.ombudsman,
    case_id: published,
    seq,
    kind,
    description: `Pay Dilys Pritchard-Owen (remedy ${seq}).`,
    amount_pence: kind === "payment" ? 25_000n : null,
    due_on: dueOn,
    body_authority_id: COUNTY,
    body_organisation_id: GREENWAY,
    status: confirmed ? ("confirmed" as const) : ("due" as const),
    reported_on: confirmed ? today : null,
    reported_by: null,
    confirmed_by: null,
    returned_reason: "",
    evidence: confirmed ? "Receipt." : "",
    confirmed_on: confirmed ? today : null,
    created_at: clock.now(),
    updated_at: clock.now(),
  });
  await t.deps.db
    .insertInto("ombudsman_remedies")
    .values([remedy(1, "payment", today, true), remedy(2, "apology", "2026-01-05", false)])
    .execute();
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe("a body's open figures", () => {
  it("counts a provider's complaints per regime and stage, with the upheld rate, the second tier and no one named", async () => {
    const res = await call(t.app, "GET", `/api/v1/complaints/figures/organisations/${GREENWAY}`);
    expect(res.statusCode).toBe(200);
    const f = res.json();
    const nhs = f.stages.find((s: { regime: string; stage: number }) => s.regime === "nhs-adult-social-care");
    // The twenty, and the demo's complaint about Greenway (acknowledged, not answered): that one
    // not yet answered is hidden (1), and so the next smallest part beside it (the 20 on time).
    expect(nhs.received).toBe(21);
    expect(nhs.answered).toEqual({ onTime: null, late: 0, notYet: null });
    expect(nhs.upheld).toBe(10);
    expect(nhs.notUpheld).toBe(10);
    expect(nhs.upheldRate).toBe(5000);
    expect(f.headline).toMatchObject({ answered: 20, upheld: 10, upheldRate: 5000 });
    // Three cases, one overdue remedy: fewer than 10, suppressed.
    expect(f.secondTier).toMatchObject({
      escalated: null,
      decided: null,
      remediesOrdered: null,
      remediesOverdue: null,
    });
    expectNoPersonalData(res.body);
    const page = await call(t.app, "GET", `/complaints/figures/organisations/${GREENWAY}`);
    expect(page.statusCode).toBe(200);
    expect(mainText(page.body)).toContain("50% (10 of 20 answers)");
    expectNoPersonalData(page.body);
  });

  it("suppresses an authority's small counts, and is 404 for an unknown body", async () => {
    const res = await call(t.app, "GET", "/api/v1/complaints/figures/authorities/westshire-county-council");
    expect(res.statusCode).toBe(200);
    const f = res.json();
    // The county answers eleven of the demo's complaints (ten or more: shown), but in each regime and
    // stage fewer than 10: each count of 1 to 9 is null, never shown, and too few answers for a rate.
    expect(f.headline.received).toBe(11);
    expect(f.headline.upheldRate).toBeNull();
    expect(f.stages.length).toBeGreaterThan(1);
    for (const s of f.stages) expect(s.received, `${s.regime} ${s.stage}`).toBeNull();
    expect(
      mainText((await call(t.app, "GET", "/complaints/figures/authorities/westshire-county-council")).body),
    ).toContain("fewer than 10");
    expect((await call(t.app, "GET", "/complaints/figures/authorities/no-such-council")).statusCode).toBe(
      404,
    );
    expect((await call(t.app, "GET", `/complaints/figures/organisations/${newId()}`)).statusCode).toBe(404);
  });

  it("shows on the provider's profile, in Find a service, on its area's figures and in the open dataset", async () => {
    const profile = mainText((await call(t.app, "GET", `/organisations/${GREENWAY}`)).body);
    expect(profile).toContain("Complaints in the last 12 months");
    expect(profile).toContain("upheld in 10 of 20 answers in 12 months");
    expect(profile).toContain("Complain about this provider"); // how to complain stays
    const find = mainText(
      (await call(t.app, "GET", `/regulation/find?areaCode=${DEMO_AREA.westshire}`)).body,
    );
    expect(find).toContain("Complaints: upheld in 10 of 20 answers in 12 months");
    const area = mainText((await call(t.app, "GET", `/choice/areas/${DEMO_AREA.westshire}`)).body);
    expect(area).toContain("Complaints about providers in the area");
    expect(area).toContain("Greenway Home Care Ltd 21 20 10");
    const data = await call(t.app, "GET", "/open-data/complaint-figures.json");
    expect(data.statusCode).toBe(200);
    const rows = JSON.parse(data.body).rows ?? JSON.parse(data.body);
    const mine = (rows as Record<string, unknown>[]).filter((r) => r.body_id === GREENWAY);
    expect(mine).toContainEqual(
      expect.objectContaining({ regime: "nhs-adult-social-care", stage: 1, figure: "upheld", count: 10 }),
    );
    expect(mine).toContainEqual(
      expect.objectContaining({ figure: "escalated", count: null, suppressed: true }),
    );
    expectNoPersonalData(data.body);
  });
});

describe("published decisions", () => {
  it("lists and shows a decision published with consent: the body named, the remedies, no one who complained", async () => {
    const list = await call(t.app, "GET", "/complaints/decisions");
    expect(list.statusCode).toBe(200);
    expect(mainText(list.body)).toContain("OC-FIG-PUB");
    expect(mainText(list.body)).not.toContain("OC-FIG-WHD");
    expect(mainText(list.body)).not.toContain("OC-FIG-NOC");
    const page = await call(t.app, "GET", "/complaints/decisions/OC-FIG-PUB");
    expect(page.statusCode).toBe(200);
    const text = mainText(page.body);
    expect(text).toContain("Greenway Home Care");
    expect(text).toContain("Fault causing injustice");
    expect(text).toContain("A home care provider's staff were discourteous on a visit.");
    expect(text).toContain("£250.00");
    expect(text).toContain("Yes, on time");
    expect(text).toContain("Overdue");
    expectNoPersonalData(page.body);
    for (const r of references) expect(page.body).not.toContain(r);
    const welsh = mainText(
      (await t.app.inject({ url: "/complaints/decisions/OC-FIG-PUB", headers: { cookie: "lang=cy" } })).body,
    );
    expect(welsh).toContain("Bai a achosodd anghyfiawnder");
    expect(welsh).toContain("Yr Ombwdsmon Llywodraeth Leol a Gofal Cymdeithasol");
    expect(welsh).toContain("Do, yn brydlon");
    const api = await call(t.app, "GET", "/api/v1/complaints/decisions/OC-FIG-PUB");
    expect(api.json()).toMatchObject({
      finding: "fault-injustice",
      body: { organisation: { id: GREENWAY } },
      remedies: [
        { kind: "payment", amount: "25000", state: "complied-on-time" },
        { kind: "apology", amount: null, state: "overdue" },
      ],
    });
    expectNoPersonalData(api.body);
    const filtered = await call(t.app, "GET", "/api/v1/complaints/decisions?finding=no-fault");
    expect(filtered.json().decisions).toEqual([]);
    expect((await call(t.app, "GET", "/api/v1/complaints/decisions?finding=nonsense")).statusCode).toBe(400);
  });

  it("is 404 for a decision withheld, or published without the complainant's consent", async () => {
    for (const ref of ["OC-FIG-WHD", "OC-FIG-NOC"]) {
      expect((await call(t.app, "GET", `/complaints/decisions/${ref}`)).statusCode).toBe(404);
      expect((await call(t.app, "GET", `/api/v1/complaints/decisions/${ref}`)).statusCode).toBe(404);
    }
  });
});

describe("the regulator's view", () => {
  it("shows its staff the providers it registers and their complaints, never the complainant", async () => {
    const register = await call(t.app, "GET", `/regulators/${REGULATOR}`, sessions.inspector);
    expect(register.body).toContain(`href="/regulators/${REGULATOR}/complaints"`);
    const list = await call(t.app, "GET", `/regulators/${REGULATOR}/complaints`, sessions.inspector);
    expect(list.statusCode).toBe(200);
    expect(mainText(list.body)).toContain("Greenway Home Care");
    const one = await call(
      t.app,
      "GET",
      `/regulators/${REGULATOR}/complaints/${GREENWAY}`,
      sessions.inspector,
    );
    expect(one.statusCode).toBe(200);
    const text = mainText(one.body);
    expect(text).toContain(references[19] as string);
    expect(text).toContain("Not upheld");
    expectNoPersonalData(one.body);
  });

  it("shows another regulator's staff nothing", async () => {
    const other = sessions.otherInspector;
    expect((await call(t.app, "GET", `/regulators/${REGULATOR}/complaints`, other)).statusCode).toBe(403);
    expect(
      (await call(t.app, "GET", `/regulators/${REGULATOR}/complaints/${GREENWAY}`, other)).statusCode,
    ).toBe(403);
    expect(
      (await call(t.app, "GET", `/regulators/${OTHER_REGULATOR}/complaints/${GREENWAY}`, other)).statusCode,
    ).toBe(404);
    const own = await call(t.app, "GET", `/regulators/${OTHER_REGULATOR}/complaints`, other);
    expect(mainText(own.body)).not.toContain("Greenway");
    expect((await call(t.app, "GET", `/regulators/${REGULATOR}/complaints`)).statusCode).not.toBe(200);
  });
});
