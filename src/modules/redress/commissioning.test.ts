/**
 * The second tier's parts around the first (one seeded app for the file): platform administrators
 * say which authority is which ombudsman and adjudicator (and no one else may); a provider's
 * administrator complains for the organisation about a county tender it registered for — answered by
 * the county's complaints officer, followed by the organisation's members, with the adjudicator of
 * the tender's service area as the second tier; a consumer champion's people complain for a person
 * who appointed it; and the API for complaints without an account, by the link's token.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { sessionFor, type TestSession, userWithRole } from "../../../tests/support/auth.ts";
import { mainText } from "../../../tests/support/pages.ts";
import { ctxFor, principalOf } from "../../../tests/support/principals.ts";
import { transaction } from "../../db/transaction.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_ORGANISATION } from "../../seed/demo/organisations.ts";
import { DEMO_USERS } from "../../seed/demo/users.ts";
import { SYSTEM } from "../audit/audit.service.ts";
import { createAuthority } from "../authorities/authorities.service.ts";
import { peopleActedFor } from "../care/care.service.ts";
import { complaintToken } from "./redress.service.ts";
import { secondTierBodyFor } from "./second-tier.service.ts";

const MUTUAL = DEMO_ORGANISATION.communityHealthMutual;
const COUNTY = DEMO_AUTHORITY.county;
const ADJUDICATOR = "019a0000-0000-7000-8000-0000000ad001";
const WHAT = "The evaluation scored our social value answer against a criterion the tender never published.";

let t: TestApp;
const users: Record<string, string> = {};
const sessions: Record<string, TestSession> = {};
const as = (who: string) => sessions[who] as TestSession;

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  await transaction(t.deps.db, (trx) =>
    createAuthority(trx, t.deps.clock, SYSTEM("test"), {
      id: ADJUDICATOR,
      slug: "care-commissioning-adjudicator",
      name: "Care Commissioning Adjudicator",
      kind: "ombudsman",
      nation: "england-and-wales",
      verified: true,
    }),
  );
  const make = userWithRole.bind(null, t.deps.db);
  users.platformAdmin = await make("platform-admin");
  users.mutualAdmin = await make("organisation-admin", MUTUAL);
  users.mutualMember = await make("organisation-member", MUTUAL);
  users.otherAdmin = await make("organisation-admin", DEMO_ORGANISATION.carersTrust);
  users.officer = await make("complaints-officer", COUNTY);
  users.citizen = DEMO_USERS.find((u) => u.role === "citizen")?.id ?? "";
  users.champion = DEMO_USERS.find((u) => u.role === "consumer-champion")?.id ?? "";
  for (const [who, id] of Object.entries(users))
    sessions[who] = await sessionFor(t.app, id, { twoFactor: true });
});

afterAll(async () => {
  await t?.close();
});

describe("which authority is which second-tier body", () => {
  const admin = "/api/v1/admin/second-tier-bodies";

  it("is said by platform administrators only, for a verified ombudsman", async () => {
    expect(
      (
        await call(t.app, "PUT", `${admin}/lgsco`, as("mutualAdmin"), {
          authorityId: DEMO_AUTHORITY.ombudsman,
        })
      ).statusCode,
    ).toBe(403);
    const notOmbudsman = await call(t.app, "PUT", `${admin}/lgsco`, as("platformAdmin"), {
      authorityId: COUNTY,
    });
    expect(notOmbudsman.statusCode).toBe(422);
    expect(notOmbudsman.json().error.code).toBe("not_ombudsman");
    const named = await call(t.app, "PUT", `${admin}/lgsco`, as("platformAdmin"), {
      authorityId: DEMO_AUTHORITY.ombudsman,
    });
    expect(named.statusCode).toBe(200);
    expect(named.json()).toMatchObject({
      scheme: "lgsco",
      serviceArea: "",
      authority: { id: DEMO_AUTHORITY.ombudsman },
    });
    // An adjudicator needs a known service area; an authority is one ombudsman, or adjudicators only.
    const noArea = await call(t.app, "PUT", `${admin}/adjudicator`, as("platformAdmin"), {
      authorityId: ADJUDICATOR,
    });
    expect(noArea.json().error.details).toContainEqual(expect.objectContaining({ field: "serviceArea" }));
    const twice = await call(t.app, "PUT", `${admin}/adjudicator`, as("platformAdmin"), {
      authorityId: DEMO_AUTHORITY.ombudsman,
      serviceArea: "adult-social-care",
    });
    expect(twice.json().error.code).toBe("other_scheme");
    for (const area of ["adult-social-care", "domiciliary-care"])
      expect(
        (
          await call(t.app, "PUT", `${admin}/adjudicator`, as("platformAdmin"), {
            authorityId: ADJUDICATOR,
            serviceArea: area,
          })
        ).statusCode,
      ).toBe(200);
    expect((await secondTierBodyFor(t.deps.db, "adjudicator", "domiciliary-care"))?.authority_id).toBe(
      ADJUDICATOR,
    );
    expect((await secondTierBodyFor(t.deps.db, "lgsco"))?.authority_id).toBe(DEMO_AUTHORITY.ombudsman);
    const listed = (await call(t.app, "GET", admin, as("platformAdmin"))).json().bodies;
    // The two named here, and the demo's adjudicator for parks (its appeal of a refused spin-out).
    expect(listed.filter((b: { scheme: string }) => b.scheme === "adjudicator")).toHaveLength(3);
    // Removed once; then there is none to remove.
    const url = `${admin}/adjudicator?serviceArea=domiciliary-care`;
    expect((await call(t.app, "DELETE", url, as("platformAdmin"), {})).statusCode).toBe(204);
    expect((await call(t.app, "DELETE", url, as("platformAdmin"), {})).statusCode).toBe(404);
    const audit = await t.deps.db
      .selectFrom("audit_events")
      .select("action")
      .where("authority_id", "=", ADJUDICATOR)
      .execute();
    expect(audit.map((e) => e.action)).toEqual(
      expect.arrayContaining(["second-tier-body.named", "second-tier-body.removed"]),
    );
  });

  it("has a page for platform administrators", async () => {
    const page = await t.app.inject({
      url: "/admin/second-tier-bodies",
      headers: { cookie: as("platformAdmin").cookie },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Care Commissioning Adjudicator");
  });
});

describe("a provider's complaint about commissioning", () => {
  let id = "";
  let subject = "";
  const one = () => `/api/v1/authorities/${COUNTY}/complaints/${id}`;

  it("is made by the organisation's administrator about a tender it registered for", async () => {
    const subjects = await call(
      t.app,
      "GET",
      `/api/v1/organisations/${MUTUAL}/commissioning-subjects`,
      as("mutualAdmin"),
    );
    expect(subjects.statusCode).toBe(200);
    const tender = subjects
      .json()
      .subjects.find((s: { kind: string; authorityId: string }) => s.kind === "tender");
    expect(tender).toMatchObject({ authorityId: COUNTY });
    subject = tender.key;
    const body = {
      subject,
      whatHappened: WHAT,
      happenedOn: "2026-11-10",
      outcomeWanted: "The evaluation done again against the published criteria.",
      consent: true,
    };
    // A member cannot complain for the organisation; another provider cannot use this one's tender.
    const url = `/api/v1/organisations/${MUTUAL}/commissioning-complaints`;
    expect((await call(t.app, "POST", url, as("mutualMember"), body)).statusCode).toBe(403);
    const other = await call(
      t.app,
      "POST",
      `/api/v1/organisations/${DEMO_ORGANISATION.carersTrust}/commissioning-complaints`,
      as("otherAdmin"),
      { ...body, subject: `tender:${COUNTY}:${ADJUDICATOR}` },
    );
    expect(other.statusCode).toBe(400);
    expect(other.json().error.details).toEqual([expect.objectContaining({ field: "subject" })]);
    // Not through the person's form.
    const viaPersonForm = await call(t.app, "POST", "/api/v1/complaints", as("mutualAdmin"), {
      about: "authority",
      authorityId: COUNTY,
      regime: "commissioning",
      actingAs: "self",
      whatHappened: WHAT,
      happenedOn: "2026-11-10",
      outcomeWanted: "x",
      consent: true,
    });
    expect(viaPersonForm.json().error.details).toContainEqual(expect.objectContaining({ field: "regime" }));
    const made = await call(t.app, "POST", url, as("mutualAdmin"), body);
    expect(made.statusCode).toBe(201);
    const c = made.json();
    id = c.id;
    expect(c).toMatchObject({
      regime: "commissioning",
      actingAs: "organisation",
      answerer: "authority",
      authorityId: COUNTY,
      commissioning: { organisationId: MUTUAL, kind: "tender" },
      // One stage: its answer's time still running, the adjudicator of the service area after it.
      ombudsman: { route: "adjudicator", ombudsman: "adjudicator", readiness: "body-has-time" },
    });
    // Received Sunday 22 November 2026: acknowledged within 5 working days → Friday 27th.
    expect(c.stages[0].steps[0]).toMatchObject({ step: "acknowledge", dueOn: "2026-11-27" });
    expect(c.stages[0].steps[0].rule).toContain("OpenPS’s rule for complaints about commissioning");
  });

  it("is answered by the authority's complaints officer and followed by the organisation's people", async () => {
    expect((await call(t.app, "GET", one(), as("otherAdmin"))).statusCode).toBe(404);
    const member = await call(t.app, "GET", "/api/v1/me/complaints", as("mutualMember"));
    expect(member.json().complaints.map((x: { id: string }) => x.id)).toContain(id);
    const ack = await call(t.app, "POST", `${one()}/acknowledge`, as("officer"));
    expect(ack.statusCode).toBe(200);
    // Acknowledged Sunday 22nd: answered within 10 working days of it → Friday 4 December.
    expect(ack.json().stages[0].steps[1]).toMatchObject({ step: "respond", dueOn: "2026-12-04" });
    const notices = await t.deps.db
      .selectFrom("notifications")
      .select("user_id")
      .where("kind", "=", "complaint.progressed")
      .where("user_id", "in", [users.mutualMember as string, users.mutualAdmin as string])
      .execute();
    expect(new Set(notices.map((n) => n.user_id)).size).toBe(2);
    const answered = await call(t.app, "POST", `${one()}/respond`, as("officer"), {
      finding: "not-upheld",
      response: "The criterion was published in the tender's documents.",
    });
    // The one stage answered: the adjudicator of the tender's service area is next.
    expect(answered.json().ombudsman).toMatchObject({
      route: "adjudicator",
      ombudsman: "adjudicator",
      readiness: "ready",
    });
    expect(answered.json().ombudsman.serviceArea).toBe(answered.json().commissioning.serviceArea);
    const page = await t.app.inject({
      url: `/authorities/westshire-county-council/complaints/${id}`,
      headers: { cookie: as("mutualMember").cookie },
    });
    expect(page.body).toContain("independent adjudicator");
    const { name } = await t.deps.db
      .selectFrom("organisations")
      .select("name")
      .where("id", "=", MUTUAL)
      .executeTakeFirstOrThrow();
    expect(mainText(page.body)).toContain(name);
  });

  it("goes on to the adjudicator the platform administrators named for its service area", async () => {
    const area = (await call(t.app, "GET", one(), as("mutualMember"))).json().commissioning.serviceArea;
    await call(t.app, "PUT", "/api/v1/admin/second-tier-bodies/adjudicator", as("platformAdmin"), {
      authorityId: ADJUDICATOR,
      serviceArea: area,
    });
    // Its members follow it but act for nothing: only its administrators made it, and go on with it.
    for (const action of ["escalate", "accept", "next-stage"])
      expect(
        (await call(t.app, "POST", `${one()}/${action}`, as("mutualMember"), { fileConsent: true }))
          .statusCode,
      ).toBe(403);
    const escalated = await call(t.app, "POST", `${one()}/escalate`, as("mutualAdmin"), {
      fileConsent: true,
    });
    expect(escalated.statusCode).toBe(201);
    expect(escalated.json()).toMatchObject({
      scheme: "adjudicator",
      ombudsman: { id: ADJUDICATOR },
      inTime: true,
    });
  });

  it("keeps the complaint's words out of the audit trail", async () => {
    const events = await t.deps.db
      .selectFrom("audit_events")
      .select("changes")
      .where("entity_id", "=", id)
      .execute();
    expect(JSON.stringify(events)).toContain(MUTUAL);
    expect(JSON.stringify(events)).not.toContain(WHAT);
  });

  it("has a form for the organisation's administrators", async () => {
    const form = await t.app.inject({
      url: `/organisations/${MUTUAL}/complaints/commissioning/new`,
      headers: { cookie: as("mutualAdmin").cookie },
    });
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain(subject);
    const list = await t.app.inject({
      url: `/organisations/${MUTUAL}/complaints`,
      headers: { cookie: as("mutualAdmin").cookie },
    });
    expect(list.body).toContain(`/organisations/${MUTUAL}/complaints/commissioning/new`);
  });
});

describe("a consumer champion complaining for a person who appointed it", () => {
  it("is made by the champion's people with the person's complain grant, and seen by the person", async () => {
    const joan = (
      await peopleActedFor(
        ctxFor(t.deps.db, t.deps.clock, await principalOf(t.deps.db, users.citizen as string)),
      )
    ).find((p) => p.how === "self");
    expect(joan).toBeDefined();
    const made = await call(t.app, "POST", "/api/v1/complaints", as("champion"), {
      about: "authority",
      authorityId: COUNTY,
      regime: "nhs-adult-social-care",
      actingAs: "person",
      personId: joan?.personId,
      whatHappened: "Joan's care visits were cut to fifteen minutes without a review.",
      happenedOn: "2026-11-01",
      outcomeWanted: "A review of Joan's plan.",
      consent: true,
    });
    expect(made.statusCode).toBe(201);
    expect(made.json()).toMatchObject({ actingAs: "person", championId: DEMO_AUTHORITY.champion });
    const hers = await call(t.app, "GET", "/api/v1/me/complaints", as("citizen"));
    expect(hers.json().complaints.map((x: { id: string }) => x.id)).toContain(made.json().id);
    // Someone who is not linked to the person, nor her champion's: 404.
    const stranger = await call(t.app, "POST", "/api/v1/complaints", as("mutualMember"), {
      about: "authority",
      authorityId: COUNTY,
      regime: "council",
      actingAs: "person",
      personId: joan?.personId,
      whatHappened: "x",
      happenedOn: "2026-11-01",
      outcomeWanted: "x",
      consent: true,
    });
    expect(stranger.statusCode).toBe(404);
  });
});

describe("the API for complaints without an account", () => {
  it("makes, confirms and follows a complaint by its link's token, never in a path", async () => {
    const sent = await call(t.app, "POST", "/api/v1/complaints/without-account", undefined, {
      name: "Sam Example",
      email: "sam@example.org",
      about: "authority",
      authorityId: COUNTY,
      regime: "council",
      actingAs: "public",
      whatHappened: "The library's lift has been broken since October.",
      happenedOn: "2026-11-02",
      outcomeWanted: "The lift repaired.",
      consent: true,
    });
    expect(sent.statusCode).toBe(202);
    const row = await t.deps.db
      .selectFrom("complaints")
      .select("id")
      .where("contact_email", "=", "sam@example.org")
      .executeTakeFirstOrThrow();
    const token = complaintToken(t.app.accountSecrets, row.id);
    const track = `/api/v1/complaints/track?token=${encodeURIComponent(token)}`;
    expect((await call(t.app, "GET", track)).json()).toMatchObject({ status: "unverified", complaint: null });
    expect(
      (await call(t.app, "POST", "/api/v1/complaints/track/accept", undefined, { token })).statusCode,
    ).toBe(409);
    const confirmed = await call(t.app, "POST", "/api/v1/complaints/track/confirm", undefined, { token });
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json()).toMatchObject({ status: "open", receivedOn: "2026-11-22" });
    expect(
      (await call(t.app, "POST", `/api/v1/complaints/track/confirm?token=${encodeURIComponent(token)}`))
        .statusCode,
    ).toBe(409);
    expect((await call(t.app, "GET", track)).json().complaint).toMatchObject({ id: row.id, status: "open" });
    expect(
      (await call(t.app, "GET", "/api/v1/complaints/track?token=not-a-real-token-at-all")).statusCode,
    ).toBe(404);
    // The second tier by the token: escalated as the page does it (a reason while the body has time),
    // the case read, a comment refused while there is no draft.
    const tracked = (path: string) => `/api/v1/complaints/track/${path}?token=${encodeURIComponent(token)}`;
    expect((await call(t.app, "GET", tracked("case"))).statusCode).toBe(404);
    const early = await call(t.app, "POST", "/api/v1/complaints/track/escalate", undefined, {
      token,
      fileConsent: true,
    });
    expect(early.statusCode).toBe(422);
    const escalated = await call(t.app, "POST", "/api/v1/complaints/track/escalate", undefined, {
      token,
      fileConsent: true,
      earlyReason: "The lift is the only way into the library for me.",
    });
    expect(escalated.statusCode).toBe(201);
    const kase = await call(t.app, "GET", tracked("case"));
    expect(kase.json()).toMatchObject({ reference: escalated.json().reference, status: "assessment" });
    const comment = await call(t.app, "POST", tracked("case-comments"), undefined, { comment: "x" });
    expect(comment.json().error.code).toBe("no_draft");
    // The same checks as the page.
    const bad = await call(t.app, "POST", "/api/v1/complaints/without-account", undefined, {
      name: "",
      email: "not-an-address",
      about: "authority",
      authorityId: COUNTY,
      regime: "council",
      actingAs: "public",
      whatHappened: "x",
      happenedOn: "2026-11-02",
      outcomeWanted: "x",
      consent: false,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.map((d: { field: string }) => d.field)).toEqual(
      expect.arrayContaining(["name", "email", "consent"]),
    );
  });
});

describe("a consumer champion's list of complaints", () => {
  it("shows its people the complaints made for the people who appointed it, and links from its people", async () => {
    const list = await t.app.inject({
      url: `/champions/${DEMO_AUTHORITY.champion}/complaints`,
      headers: { cookie: as("champion").cookie },
    });
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain("/authorities/westshire-county-council/complaints/");
    const people = await t.app.inject({
      url: `/champions/${DEMO_AUTHORITY.champion}/people`,
      headers: { cookie: as("champion").cookie },
    });
    expect(people.body).toContain("/complaints/new?person=");
    const form = await t.app.inject({
      url: `/complaints/new?person=${/person=([0-9a-f-]{36})/.exec(people.body)?.[1]}`,
      headers: { cookie: as("champion").cookie },
    });
    expect(form.body).toContain("Joan Whitfield");
    expect(
      (
        await t.app.inject({
          url: `/champions/${DEMO_AUTHORITY.champion}/complaints`,
          headers: { cookie: as("platformAdmin").cookie },
        })
      ).statusCode,
    ).toBe(403);
  });
});
