/**
 * The Community Right to Challenge's rules on the real database (PGlite, or PostgreSQL with
 * DATABASE_URL): who is a relevant body, the policy and windows (the clock moved through them),
 * statutory content, decision periods and overdue EOIs, consideration before decision, the closed
 * list of grounds, modification only with agreement, accepted EOIs creating projects with their
 * procurement window (missed when the clock passes it), and tenants kept apart. Refusals change
 * nothing.
 */

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CreateUserOptions, createUser } from "../../../tests/support/auth.ts";
import { ctxFor, principalOf } from "../../../tests/support/principals.ts";
import { refused } from "../../../tests/support/refused.ts";
import { createTestDatabase, rowCount, type TestDatabase } from "../../../tests/support/test-db.ts";
import { settableClock } from "../../lib/clock.ts";
import {
  ConflictError,
  type DomainError,
  ForbiddenError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import { addDays, longDate } from "../../lib/london-time.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import {
  DEMO_CHALLENGE,
  DEMO_CO_SIGNATORIES,
  DEMO_DISTRICT_SERVICE,
  WESTSHIRE_STAFF_DOMAIN,
} from "../../seed/demo/challenges.ts";
import { DEMO_SERVICE } from "../../seed/demo/services.ts";
import type { Principal } from "../access/access.service.ts";
import { systemCtx } from "../access/context.ts";
import { auditTrailFor } from "../audit/audit.service.ts";
import {
  markProcurementStarted,
  procurementWindow,
  projectOf,
  recordProcurementStarted,
} from "../projects/projects.service.ts";
import {
  isOverdue,
  RELEVANT_AUTHORITY_KINDS,
  relevantBodyKind,
  rightToChallengeApplies,
} from "./challenges.service.ts";
import { REJECTION_GROUNDS } from "./challenges.table.ts";
import {
  addWrittenAgreement,
  agreeToModification,
  considerExpressionOfInterest,
  decideExpressionOfInterest,
  proposeModification,
} from "./decisions.service.ts";
import { confirmCoSignature, setStaffDomains, staffDomainsOf } from "./employees.service.ts";
import { draftChallenge, submitChallenge, updateDraft, withdrawChallenge } from "./expressions.service.ts";
import { checkPolicy, policyOf, publishPolicy } from "./policy.service.ts";
import { challengeOf, challengePageOf, registerOf } from "./registers.service.ts";

const START = new Date("2026-11-22T10:00:00Z");
const clock = settableClock(START);
const DAY = 86_400_000;
const org = (n: number) => `019a0000-0000-7000-8000-00000000b${String(n).padStart(3, "0")}`;
const PARISH = org(6);
const SME = org(4);
const CHARITY = org(25);

let t: TestDatabase;
let commissioner: Principal;
let districtCommissioner: Principal;
let parishMember: Principal;
let parishAdmin: Principal;
let smeMember: Principal;
let charityMember: Principal;
let evaluator: Principal;
let citizen: Principal;
let countyAdmin: Principal;
let nhsCommissioner: Principal;
/** Westshire employees by their work address alone (no role), and one with the same name elsewhere. */
let ranger: Principal;
let warden: Principal;
let outsider: Principal;

const complete = {
  financialResources: "£48,000 precept and £31,000 reserves.",
  capabilityEvidence: "We have run the play area since 2019.",
  serviceArea: "The country parks nearest the parish.",
  outcomes: "More volunteering and wildlife.",
  userNeeds: "Visitors asked for longer opening hours.",
};

/** What the services take first: the test database, the clock, and who asks (null: the public). */
const as = (p: Principal | null) => ctxFor(t.db, clock, p);

async function draft(
  p: Principal,
  content: Record<string, string> = complete,
  serviceId = DEMO_SERVICE.countyParks,
) {
  const challenge = await draftChallenge(as(p), DEMO_AUTHORITY.county, {
    serviceId,
    applicant: { type: "organisation", organisationId: PARISH },
    content,
  });
  return challenge.id;
}

async function submitted(p: Principal = parishMember) {
  const id = await draft(p);
  await submitChallenge(as(p), DEMO_AUTHORITY.county, id);
  return id;
}

async function considered(p: Principal = parishMember) {
  const id = await submitted(p);
  await considerExpressionOfInterest(as(commissioner), DEMO_AUTHORITY.county, id, {
    consideredBy: "Head of Parks",
    consideredOn: "2026-11-22",
    evidence: "The parish accounts and the parks budget.",
  });
  return id;
}

async function statusOf(id: string, authorityId: string = DEMO_AUTHORITY.county) {
  const row = await t.db
    .selectFrom("challenges")
    .select(["status", "updated_at"])
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  return row.status;
}

beforeAll(async () => {
  t = await createTestDatabase({ seededAt: clock.now() });
  const user = async (options: CreateUserOptions) => principalOf(t.db, (await createUser(t.db, options)).id);
  commissioner = await user({ grants: [{ role: "commissioner", scopeId: DEMO_AUTHORITY.county }] });
  districtCommissioner = await user({ grants: [{ role: "commissioner", scopeId: DEMO_AUTHORITY.district }] });
  parishMember = await user({ grants: [{ role: "organisation-member", scopeId: PARISH }] });
  parishAdmin = await user({ grants: [{ role: "organisation-admin", scopeId: PARISH }] });
  smeMember = await user({ grants: [{ role: "organisation-member", scopeId: SME }] });
  charityMember = await user({ grants: [{ role: "organisation-member", scopeId: CHARITY }] });
  evaluator = await user({ grants: [{ role: "evaluator", scopeId: DEMO_AUTHORITY.county }] });
  citizen = await user({ grants: [{ role: "citizen" }] });
  countyAdmin = await user({ grants: [{ role: "authority-admin", scopeId: DEMO_AUTHORITY.county }] });
  nhsCommissioner = await user({ grants: [{ role: "commissioner", scopeId: DEMO_AUTHORITY.nhs }] });
  ranger = await user({ email: `jo.ranger@${WESTSHIRE_STAFF_DOMAIN}` });
  warden = await user({ email: `Kit.Warden@${WESTSHIRE_STAFF_DOMAIN}` });
  outsider = await user({ email: "jo.ranger@westshire.example.org" });
}, 120_000);

afterAll(async () => {
  await t.destroy();
});

describe("relevant bodies (Localism Act 2011 s.81(6))", () => {
  const body = (sector: string, extra: Record<string, unknown> = {}) =>
    relevantBodyKind({
      id: "x",
      name: "X",
      sector,
      mutual_qualifies: null,
      profit_model: null,
      ...extra,
    } as never);

  it("counts voluntary and community bodies, charities, parish councils, CICs and co-operatives", () => {
    expect(body("voluntary-community")).toBe("voluntary-or-community-body");
    expect(body("charity")).toBe("charitable-trust");
    expect(body("parish-council")).toBe("parish-council");
    expect(body("social-enterprise")).toBe("community-body");
    expect(body("co-operative")).toBe("community-body");
  });

  it("refuses companies trading for profit and public bodies", () => {
    for (const sector of ["sme", "large-company", "public-body", "professional-partnership"])
      expect(body(sector)).toBeNull();
  });

  it("counts a public service mutual only with qualifying, not-for-profit evidence", () => {
    expect(body("public-service-mutual")).toBeNull();
    expect(
      body("public-service-mutual", { mutual_qualifies: true, profit_model: "members-only" }),
    ).toBeNull();
    expect(body("public-service-mutual", { mutual_qualifies: true, profit_model: "not-for-profit" })).toBe(
      "voluntary-body",
    );
  });
});

describe("the policy", () => {
  it("checks each period (400) and their order (422)", () => {
    const bad = (() => {
      try {
        checkPolicy({ decisionPeriodDays: "0", minProcurementDays: "x", maxProcurementDays: 99999 });
      } catch (error) {
        return error as DomainError;
      }
    })();
    expect(bad).toBeInstanceOf(ValidationError);
    expect(bad?.details.map((d) => d.field)).toEqual([
      "decisionPeriodDays",
      "minProcurementDays",
      "maxProcurementDays",
    ]);
    expect(() =>
      checkPolicy({ decisionPeriodDays: 30, minProcurementDays: 200, maxProcurementDays: 100 }),
    ).toThrow(UnprocessableError);
  });

  it("is published by the authority's editors only, audited; the platform defaults apply until then", async () => {
    expect((await policyOf(as(null), DEMO_AUTHORITY.nhs)).published).toBe(false);
    expect((await policyOf(as(null), DEMO_AUTHORITY.nhs)).decisionPeriodDays).toBe(90);
    const denied = await refused(
      publishPolicy(as(districtCommissioner), DEMO_AUTHORITY.county, {
        decisionPeriodDays: 1,
        minProcurementDays: 1,
        maxProcurementDays: 1,
      }),
    );
    expect(denied).toBeInstanceOf(ForbiddenError);
    expect((await policyOf(as(null), DEMO_AUTHORITY.county)).decisionPeriodDays).toBe(60);
    const trail = await auditTrailFor(t.db, DEMO_AUTHORITY.county, "challenge-policy", DEMO_AUTHORITY.county);
    expect(trail.map((e) => e.action)).toEqual(["challenge-policy.published"]);
  });
});

describe("drafting and submitting an expression of interest", () => {
  it("lets a member of a relevant body draft an incomplete EOI, private to the body", async () => {
    const id = await draft(parishMember, { financialResources: "Some" });
    expect(await statusOf(id)).toBe("draft");
    expect((await challengeOf(as(parishAdmin), DEMO_AUTHORITY.county, id)).status).toBe("draft");
    expect(await refused(challengeOf(as(null), DEMO_AUTHORITY.county, id))).toBeInstanceOf(NotFoundError);
    expect(await refused(challengeOf(as(commissioner), DEMO_AUTHORITY.county, id))).toBeInstanceOf(
      NotFoundError,
    );
    const trail = await auditTrailFor(t.db, DEMO_AUTHORITY.county, "challenge", id);
    expect(trail.map((e) => e.action)).toEqual(["challenge.drafted"]);
  });

  it("refuses someone who is not a member of the organisation (403), nothing written", async () => {
    const before = await t.db
      .selectFrom("challenges")
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirst();
    const error = await refused(
      draftChallenge(as(citizen), DEMO_AUTHORITY.county, {
        serviceId: DEMO_SERVICE.countyParks,
        applicant: { type: "organisation", organisationId: PARISH },
      }),
    );
    expect(error).toBeInstanceOf(ForbiddenError);
    const after = await t.db
      .selectFrom("challenges")
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirst();
    expect(after).toEqual(before);
  });

  it("refuses a body that is not a relevant body (422)", async () => {
    const error = await refused(
      draftChallenge(as(smeMember), DEMO_AUTHORITY.county, {
        serviceId: DEMO_SERVICE.countyParks,
        applicant: { type: "organisation", organisationId: SME },
      }),
    );
    expect(error).toBeInstanceOf(UnprocessableError);
    expect(error.code).toBe("not_relevant_body");
    expect(error.details[0]?.field).toBe("organisationId");
  });

  it("refuses a service not on the authority's register, or another authority's (422)", async () => {
    for (const serviceId of [DEMO_DISTRICT_SERVICE.villageGreens, "019a0000-0000-7000-8000-0000000fffff"]) {
      const error = await refused(
        draftChallenge(as(parishMember), DEMO_AUTHORITY.county, {
          serviceId,
          applicant: { type: "organisation", organisationId: PARISH },
        }),
      );
      expect(error).toBeInstanceOf(UnprocessableError);
      expect(error.code).toBe("service_not_on_register");
    }
  });

  it("refuses to submit with statutory content missing (422 listing each item), nothing submitted", async () => {
    const id = await draft(parishMember, { financialResources: "£48,000", outcomes: "  " });
    const error = await refused(submitChallenge(as(parishMember), DEMO_AUTHORITY.county, id));
    expect(error).toBeInstanceOf(UnprocessableError);
    expect(error.code).toBe("statutory_content_missing");
    expect(error.details.map((d) => d.field)).toEqual([
      "capabilityEvidence",
      "serviceArea",
      "outcomes",
      "userNeeds",
    ]);
    expect(await statusOf(id)).toBe("draft");
    await updateDraft(as(parishMember), DEMO_AUTHORITY.county, id, { content: complete });
    await submitChallenge(as(parishMember), DEMO_AUTHORITY.county, id);
    expect(await statusOf(id)).toBe("submitted");
  });

  it("sets the decision date from the policy, and shows it overdue from the next day (the clock moved)", async () => {
    const id = await submitted();
    const c = await challengeOf(as(null), DEMO_AUTHORITY.county, id);
    expect(c.decision_due).toBe("2027-01-21"); // 22 November 2026 + 60 days
    expect(c.overdue).toBe(false);
    const told = await t.db
      .selectFrom("notifications")
      .select("user_id")
      .where("kind", "=", "challenge.submitted")
      .where("link", "like", `%${id}`)
      .execute();
    expect(told.map((n) => n.user_id)).toContain(commissioner.userId);
    expect(isOverdue(c, "2027-01-21")).toBe(false);
    expect(isOverdue(c, "2027-01-22")).toBe(true);
    clock.set(new Date("2027-01-22T09:00:00Z"));
    try {
      expect((await challengeOf(as(null), DEMO_AUTHORITY.county, id)).overdue).toBe(true);
      const register = await registerOf(as(null), DEMO_AUTHORITY.county);
      expect(register.challenges.find((r) => r.id === id)?.overdue).toBe(true);
      expect(Number(register.counts.overdue)).toBeGreaterThanOrEqual(1);
    } finally {
      clock.set(START);
    }
  });

  it("refuses changes once submitted (409)", async () => {
    const id = await submitted();
    const error = await refused(
      updateDraft(as(parishMember), DEMO_AUTHORITY.county, id, { content: { outcomes: "x" } }),
    );
    expect(error).toBeInstanceOf(ConflictError);
  });

  it("takes EOIs for a service with windows only inside one (409 outside, nothing written)", async () => {
    // The seed's library windows: from 21 days ago to 40 days ahead, and from 200 to 260 days ahead.
    const id = await draft(parishMember, complete, DEMO_SERVICE.countyLibraries);
    clock.set(new Date(START.getTime() + 100 * DAY));
    try {
      const error = await refused(submitChallenge(as(parishMember), DEMO_AUTHORITY.county, id));
      expect(error).toBeInstanceOf(ConflictError);
      expect(error.code).toBe("outside_window");
      expect(error.message).toContain(longDate(addDays("2026-11-22", 200)));
      expect(await statusOf(id)).toBe("draft");
      const trail = await auditTrailFor(t.db, DEMO_AUTHORITY.county, "challenge", id);
      expect(trail.map((e) => e.action)).toEqual(["challenge.drafted"]);
      clock.set(new Date(START.getTime() + 210 * DAY));
      await submitChallenge(as(parishMember), DEMO_AUTHORITY.county, id);
      expect(await statusOf(id)).toBe("submitted");
    } finally {
      clock.set(START);
    }
  });

  it("lets the body withdraw before the decision", async () => {
    const id = await submitted();
    await withdrawChallenge(as(parishAdmin), DEMO_AUTHORITY.county, id);
    expect(await statusOf(id)).toBe("withdrawn");
    const told = await t.db
      .selectFrom("notifications")
      .select("user_id")
      .where("kind", "=", "challenge.withdrawn")
      .where("link", "like", `%${id}`)
      .execute();
    expect(told.map((n) => n.user_id)).toContain(commissioner.userId);
    const error = await refused(withdrawChallenge(as(parishAdmin), DEMO_AUTHORITY.county, id));
    expect(error).toBeInstanceOf(ConflictError);
  });
});

describe("considering and deciding", () => {
  it("refuses a decision before the consideration is recorded (409), nothing changed", async () => {
    const id = await submitted();
    const error = await refused(
      decideExpressionOfInterest(as(commissioner), DEMO_AUTHORITY.county, id, {
        decision: "accepted",
        reasons: "Good.",
      }),
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.code).toBe("not_considered");
    expect(await statusOf(id)).toBe("submitted");
  });

  it("checks the consideration: every field (400), the date between submission and today (422), once (409)", async () => {
    const id = await submitted();
    const consider = (input: { consideredBy: string; consideredOn: string; evidence: string }) =>
      considerExpressionOfInterest(as(commissioner), DEMO_AUTHORITY.county, id, input);
    const empty = await refused(consider({ consideredBy: "", consideredOn: "2026-02-30", evidence: "" }));
    expect(empty).toBeInstanceOf(ValidationError);
    expect(empty.details.map((d) => d.field)).toEqual(["consideredBy", "consideredOn", "evidence"]);
    const future = await refused(
      consider({ consideredBy: "Panel", consideredOn: "2026-11-23", evidence: "Accounts." }),
    );
    expect(future).toBeInstanceOf(UnprocessableError);
    await consider({ consideredBy: "Panel", consideredOn: "2026-11-22", evidence: "Accounts." });
    expect(await statusOf(id)).toBe("considered");
    expect(
      await refused(consider({ consideredBy: "Panel", consideredOn: "2026-11-22", evidence: "Again." })),
    ).toBeInstanceOf(ConflictError);
  });

  it("rejects only on statutory grounds, with reasons (422 otherwise), and tells every member of the body", async () => {
    const id = await considered();
    const reject = (grounds: string[], reasons: string) =>
      decideExpressionOfInterest(as(commissioner), DEMO_AUTHORITY.county, id, {
        decision: "rejected",
        grounds,
        reasons,
      });
    const unknown = await refused(reject(["we-do-not-like-it"], "Because."));
    expect(unknown).toBeInstanceOf(UnprocessableError);
    expect(unknown.details[0]?.message).toContain("we-do-not-like-it");
    expect(await refused(reject([], "Because."))).toBeInstanceOf(UnprocessableError);
    const noReasons = await refused(reject(["not-compliant"], "   "));
    expect(noReasons).toBeInstanceOf(UnprocessableError);
    expect(noReasons.details.map((d) => d.field)).toEqual(["reasons"]);
    expect(await statusOf(id)).toBe("considered");
    await reject(["information-inadequate", "not-compliant"], "The accounts were missing.");
    const c = await challengeOf(as(null), DEMO_AUTHORITY.county, id);
    expect(c.status).toBe("rejected");
    expect(c.rejection_grounds).toEqual(["not-compliant", "information-inadequate"]);
    const inbox = await t.db
      .selectFrom("notifications")
      .select(["user_id", "kind"])
      .where("kind", "=", "challenge.decided")
      .where("link", "like", `%${id}`)
      .execute();
    expect(inbox.map((n) => n.user_id).sort()).toEqual([parishMember.userId, parishAdmin.userId].sort());
    const again = await refused(
      decideExpressionOfInterest(as(commissioner), DEMO_AUTHORITY.county, id, {
        decision: "accepted",
        reasons: "Oops.",
      }),
    );
    expect(again).toBeInstanceOf(ConflictError);
    const register = await registerOf(as(null));
    expect(
      register.byGround.find((g) => g.ground === "information-inadequate")?.count,
    ).toBeGreaterThanOrEqual(1n);
  });

  it("modifies only with a proposal naming the grounds and the body's agreement", async () => {
    const id = await considered();
    const modify = () =>
      decideExpressionOfInterest(as(commissioner), DEMO_AUTHORITY.county, id, {
        decision: "modified",
        reasons: "Smaller.",
      });
    expect((await refused(modify())).code).toBe("modification_not_agreed");
    const noGround = await refused(
      proposeModification(as(commissioner), DEMO_AUTHORITY.county, id, {
        modification: "One park.",
        grounds: [],
      }),
    );
    expect(noGround).toBeInstanceOf(UnprocessableError);
    await proposeModification(as(commissioner), DEMO_AUTHORITY.county, id, {
      modification: "Only Ashby Country Park.",
      grounds: ["body-unsuitable"],
    });
    expect((await refused(modify())).code).toBe("modification_not_agreed");
    // Someone outside the body cannot agree for it.
    expect(await refused(agreeToModification(as(charityMember), DEMO_AUTHORITY.county, id))).toBeInstanceOf(
      ForbiddenError,
    );
    await agreeToModification(as(parishMember), DEMO_AUTHORITY.county, id);
    await modify();
    const c = await challengeOf(as(null), DEMO_AUTHORITY.county, id);
    expect(c.status).toBe("modified");
    expect(c.agreement_kind).toBe("platform");
    expect(c.project_id).not.toBeNull();
  });

  it("records the body's written agreement with its date and evidence", async () => {
    const id = await considered();
    const noProposal = await refused(
      addWrittenAgreement(as(commissioner), DEMO_AUTHORITY.county, id, {
        agreedOn: "2026-11-22",
        evidence: "Letter",
      }),
    );
    expect(noProposal).toBeInstanceOf(ConflictError);
    await proposeModification(as(commissioner), DEMO_AUTHORITY.county, id, {
      modification: "Weekends only.",
      grounds: ["information-inadequate"],
    });
    await addWrittenAgreement(as(commissioner), DEMO_AUTHORITY.county, id, {
      agreedOn: "2026-11-22",
      evidence: "Letter from the parish clerk of 22 November 2026.",
    });
    const c = await challengeOf(as(null), DEMO_AUTHORITY.county, id);
    expect(c.agreement_kind).toBe("written");
    expect(c.agreed_on).toBe("2026-11-22");
  });

  it("accepts: a draft project with the procurement window, shown missed once the latest start passes", async () => {
    const id = await considered();
    const { project_id: projectId } = await decideExpressionOfInterest(
      as(commissioner),
      DEMO_AUTHORITY.county,
      id,
      {
        decision: "accepted",
        reasons: "A strong bid.",
      },
    );
    expect(projectId).not.toBeNull();
    const project = await projectOf(as(commissioner), DEMO_AUTHORITY.county, projectId as string);
    expect(project.status).toBe("draft");
    expect(project.challenge_id).toBe(id);
    // The county's policy: 90 to 365 days after acceptance on 22 November 2026.
    expect(project.procurement_earliest).toBe("2027-02-20");
    expect(project.procurement_latest).toBe("2027-11-22");
    expect(procurementWindow(project, clock)?.state).toBe("not-yet");
    clock.set(new Date("2027-03-01T12:00:00Z"));
    expect(procurementWindow(project, clock)?.state).toBe("open");
    clock.set(new Date("2027-11-23T12:00:00Z"));
    expect(procurementWindow(project, clock)?.state).toBe("missed");
    try {
      await recordProcurementStarted(
        systemCtx(t.db, clock, "tenders"),
        DEMO_AUTHORITY.county,
        project.id,
        "2027-11-23",
      );
      const started = await projectOf(as(commissioner), DEMO_AUTHORITY.county, project.id);
      expect(procurementWindow(started, clock)?.state).toBe("started-late");
      const twice = await refused(
        markProcurementStarted(as(commissioner), DEMO_AUTHORITY.county, project.id, "2027-11-23"),
      );
      expect(twice).toBeInstanceOf(ConflictError);
      const trail = await auditTrailFor(t.db, DEMO_AUTHORITY.county, "project", project.id);
      expect(trail.map((e) => e.action)).toEqual(["project.drafted", "project.procurement-started"]);
    } finally {
      clock.set(START);
    }
    const audit = await auditTrailFor(t.db, DEMO_AUTHORITY.county, "challenge", id);
    expect(audit.map((e) => e.action)).toEqual([
      "challenge.drafted",
      "challenge.submitted",
      "challenge.considered",
      "challenge.decided",
    ]);
  });

  it("keeps authorities apart: another authority's editor is refused (403); an EOI under the wrong authority is not found (404)", async () => {
    const id = await submitted();
    const consider = (p: Principal, authorityId: string) =>
      considerExpressionOfInterest(as(p), authorityId, id, {
        consideredBy: "Panel",
        consideredOn: "2026-11-22",
        evidence: "Accounts.",
      });
    expect(await refused(consider(districtCommissioner, DEMO_AUTHORITY.county))).toBeInstanceOf(
      ForbiddenError,
    );
    expect(await refused(consider(districtCommissioner, DEMO_AUTHORITY.district))).toBeInstanceOf(
      NotFoundError,
    );
    expect(await refused(consider(parishMember, DEMO_AUTHORITY.county))).toBeInstanceOf(ForbiddenError);
    expect(await statusOf(id)).toBe("submitted");
  });
});

describe("the register", () => {
  it("counts the demo EOIs by outcome and ground, and flags the overdue one", async () => {
    const district = await registerOf(as(null), DEMO_AUTHORITY.district);
    expect(Number(district.counts.accepted)).toBe(1);
    expect(Number(district.counts.overdue)).toBe(1);
    expect(district.challenges.find((c) => c.id === DEMO_CHALLENGE.overdue)?.overdue).toBe(true);
    const accepted = district.challenges.find((c) => c.id === DEMO_CHALLENGE.accepted);
    expect(accepted?.project_id).not.toBeNull();
    const national = await registerOf(as(null));
    const rejected = national.challenges.find((c) => c.id === DEMO_CHALLENGE.rejected);
    expect(rejected?.rejection_grounds).toEqual(["body-unsuitable", "already-procured"]);
    expect(national.challenges.find((c) => c.id === DEMO_CHALLENGE.employees)?.applicantName).toBe(
      "Employees of Westshire County Council",
    );
  });
});

describe("where the Right to Challenge applies (s.81(2); SI 2012/1647 reg. 3)", () => {
  const body = (kind: string, country: string | null) =>
    rightToChallengeApplies({ name: "X", kind, country } as never).applies;

  it("applies to councils and fire and rescue authorities in England only", () => {
    for (const kind of RELEVANT_AUTHORITY_KINDS) {
      expect(body(kind, "england"), kind).toBe(true);
      expect(body(kind, "wales"), kind).toBe(false);
      expect(body(kind, "scotland"), kind).toBe(false);
      expect(body(kind, "northern-ireland"), kind).toBe(false);
      expect(body(kind, null), `${kind}, country not recorded`).toBe(false);
    }
    for (const kind of ["nhs-body", "department", "devolved", "combined", "police", "parish"])
      expect(body(kind, "england"), kind).toBe(false);
  });

  it("refuses an EOI to an NHS body, a Welsh or a Scottish council (422), writing nothing", async () => {
    const before = await rowCount(t.db, "challenges");
    const policies = await rowCount(t.db, "challenge_policies");
    const cases = [
      [DEMO_AUTHORITY.nhs, "019a0000-0000-7000-8000-00000000d008", "NHS bodies"],
      [DEMO_AUTHORITY.welsh, "019a0000-0000-7000-8000-00000000d010", "which is in Wales"],
      [DEMO_AUTHORITY.scottish, "019a0000-0000-7000-8000-00000000d011", "which is in Scotland"],
    ] as const;
    for (const [authorityId, serviceId, why] of cases) {
      const error = await refused(
        draftChallenge(as(parishMember), authorityId, {
          serviceId,
          applicant: { type: "organisation", organisationId: PARISH },
          content: complete,
          submit: true,
        }),
      );
      expect(error, authorityId).toBeInstanceOf(UnprocessableError);
      expect(error.code).toBe("not_relevant_authority");
      expect(error.message).toContain(why);
    }
    // Its own staff cannot challenge it as employees either, nor publish a policy for it.
    const employees = await refused(
      draftChallenge(as(nhsCommissioner), DEMO_AUTHORITY.nhs, {
        serviceId: "019a0000-0000-7000-8000-00000000d008",
        applicant: { type: "employees" },
      }),
    );
    expect(employees.code).toBe("not_relevant_authority");
    const policy = await refused(
      publishPolicy(as(nhsCommissioner), DEMO_AUTHORITY.nhs, {
        decisionPeriodDays: 30,
        minProcurementDays: 30,
        maxProcurementDays: 60,
      }),
    );
    expect(policy.code).toBe("not_relevant_authority");
    expect(await rowCount(t.db, "challenges")).toBe(before);
    expect(await rowCount(t.db, "challenge_policies")).toBe(policies);
  });

  it("refuses to submit a draft to an authority found not to be in England (422), the draft kept", async () => {
    const id = await draft(parishMember);
    await t.db
      .updateTable("authorities")
      .set({ country: null })
      .where("id", "=", DEMO_AUTHORITY.county)
      .execute();
    try {
      const error = await refused(submitChallenge(as(parishMember), DEMO_AUTHORITY.county, id));
      expect(error.code).toBe("not_relevant_authority");
      expect(error.message).toContain("does not know whether Westshire County Council is in England");
      expect(await statusOf(id)).toBe("draft");
    } finally {
      await t.db
        .updateTable("authorities")
        .set({ country: "england" })
        .where("id", "=", DEMO_AUTHORITY.county)
        .execute();
    }
    await submitChallenge(as(parishMember), DEMO_AUTHORITY.county, id);
    expect(await statusOf(id)).toBe("submitted");
  });
});

describe("the statutory grounds of rejection (SI 2012/1647, Schedule)", () => {
  it("are the ten paragraphs, in order, the NHS-integration ground (para. 5) among them", () => {
    expect(REJECTION_GROUNDS).toEqual([
      "not-compliant",
      "information-inadequate",
      "body-unsuitable",
      "service-to-stop",
      "nhs-integration",
      "already-procured",
      "in-negotiation",
      "mutual-intention-published",
      "frivolous-or-vexatious",
      "breaks-the-law",
    ]);
  });

  it("rejects on the NHS-integration and negotiation grounds, counted by ground", async () => {
    const id = await considered();
    await decideExpressionOfInterest(as(commissioner), DEMO_AUTHORITY.county, id, {
      decision: "rejected",
      grounds: ["in-negotiation", "nhs-integration"],
      reasons: "The parks' health walks are run with the NHS trust for patients after strokes.",
    });
    const c = await challengeOf(as(null), DEMO_AUTHORITY.county, id);
    expect(c.rejection_grounds).toEqual(["nhs-integration", "in-negotiation"]);
    const register = await registerOf(as(null), DEMO_AUTHORITY.county);
    expect(register.byGround.find((g) => g.ground === "nhs-integration")?.count).toBe(1n);
  });
});

describe("an EOI by two or more employees (s.81(6)(d); SI 2012/1313, Schedule 1)", () => {
  const colleague = (email: string, name = "Jo Ranger") => ({ name, jobTitle: "Ranger", email });
  const withEngagement = { ...complete, employeeEngagement: "Team meetings in each park, and the unions." };

  /** A draft by the evaluator naming the ranger (and whoever else). */
  async function employeesDraft(coSignatories = [colleague(`jo.ranger@${WESTSHIRE_STAFF_DOMAIN}`)]) {
    const { id } = await draftChallenge(as(evaluator), DEMO_AUTHORITY.county, {
      serviceId: DEMO_SERVICE.countyParks,
      applicant: { type: "employees", coSignatories },
      content: withEngagement,
    });
    return id;
  }

  it("sets the staff email domains: the authority's administrators only, never a public mail domain", async () => {
    expect(await staffDomainsOf(as(null), DEMO_AUTHORITY.county)).toEqual([WESTSHIRE_STAFF_DOMAIN]);
    expect(
      await refused(setStaffDomains(as(commissioner), DEMO_AUTHORITY.county, "westshire.gov.uk")),
    ).toBeInstanceOf(ForbiddenError);
    const bad = await refused(setStaffDomains(as(countyAdmin), DEMO_AUTHORITY.county, "not a domain"));
    expect(bad).toBeInstanceOf(ValidationError);
    const open = await refused(
      setStaffDomains(as(countyAdmin), DEMO_AUTHORITY.county, `${WESTSHIRE_STAFF_DOMAIN}\ngmail.com`),
    );
    expect(open).toBeInstanceOf(UnprocessableError);
    expect(open.details[0]?.message).toContain("gmail.com");
    expect(await staffDomainsOf(as(null), DEMO_AUTHORITY.county)).toEqual([WESTSHIRE_STAFF_DOMAIN]);
    expect(
      await setStaffDomains(
        as(countyAdmin),
        DEMO_AUTHORITY.county,
        `@${WESTSHIRE_STAFF_DOMAIN.toUpperCase()}, schools.example.gov.uk`,
      ),
    ).toEqual(["schools.example.gov.uk", WESTSHIRE_STAFF_DOMAIN]);
    const trail = await auditTrailFor(
      t.db,
      DEMO_AUTHORITY.county,
      "challenge-staff-domains",
      DEMO_AUTHORITY.county,
    );
    expect(trail.at(-1)?.changes).toMatchObject({ added: ["schools.example.gov.uk"], removed: [] });
    await setStaffDomains(as(countyAdmin), DEMO_AUTHORITY.county, [WESTSHIRE_STAFF_DOMAIN]);
  });

  it("takes colleagues only by a work address on a staff domain, each once, never the lead's own (422)", async () => {
    const before = await rowCount(t.db, "challenges");
    const name = async (coSignatories: { name: string; jobTitle: string; email: string }[]) =>
      refused(employeesDraft(coSignatories));
    const elsewhere = await name([colleague("jo.ranger@westshire.example.org")]);
    expect(elsewhere.code).toBe("co_signatories_invalid");
    expect(elsewhere.details).toEqual([
      { field: "coSignatories.0.email", message: expect.stringContaining(`@${WESTSHIRE_STAFF_DOMAIN}`) },
    ]);
    // A subdomain is not the domain.
    expect((await name([colleague(`jo@parks.${WESTSHIRE_STAFF_DOMAIN}`)])).code).toBe(
      "co_signatories_invalid",
    );
    const twice = await name([
      colleague(`jo.ranger@${WESTSHIRE_STAFF_DOMAIN}`),
      colleague(`JO.RANGER@${WESTSHIRE_STAFF_DOMAIN}`),
    ]);
    expect(twice.details.map((d) => d.field)).toEqual(["coSignatories.1.email"]);
    const noAddress = await name([{ name: "Jo Ranger", jobTitle: "Ranger", email: "" }]);
    expect(noAddress).toBeInstanceOf(ValidationError);
    expect(noAddress.details.map((d) => d.field)).toEqual(["coSignatories.0.email"]);
    // The lead may be an employee by their work address alone; they cannot name themselves.
    const own = await refused(
      draftChallenge(as(ranger), DEMO_AUTHORITY.county, {
        serviceId: DEMO_SERVICE.countyParks,
        applicant: { type: "employees", coSignatories: [colleague(`Jo.Ranger@${WESTSHIRE_STAFF_DOMAIN}`)] },
      }),
    );
    expect(own.details[0]?.message).toContain("your own email address");
    // Someone with neither a staff role nor a staff address is not an employee (403).
    const notEmployee = await refused(
      draftChallenge(as(outsider), DEMO_AUTHORITY.county, {
        serviceId: DEMO_SERVICE.countyParks,
        applicant: { type: "employees" },
      }),
    );
    expect(notEmployee).toBeInstanceOf(ForbiddenError);
    expect(await rowCount(t.db, "challenges")).toBe(before);
  });

  it("needs how the other employees affected will be engaged (Schedule 1), only from employees", async () => {
    const { id } = await draftChallenge(as(evaluator), DEMO_AUTHORITY.county, {
      serviceId: DEMO_SERVICE.countyParks,
      applicant: { type: "employees", coSignatories: [] },
      content: complete,
    });
    const missing = await refused(submitChallenge(as(evaluator), DEMO_AUTHORITY.county, id));
    expect(missing.code).toBe("statutory_content_missing");
    expect(missing.details.map((d) => d.field)).toEqual(["employeeEngagement", "coSignatories"]);
    const fromBody = await refused(
      draftChallenge(as(parishMember), DEMO_AUTHORITY.county, {
        serviceId: DEMO_SERVICE.countyParks,
        applicant: { type: "organisation", organisationId: PARISH },
        content: { employeeEngagement: "Staff meetings." },
      }),
    );
    expect(fromBody).toBeInstanceOf(ValidationError);
    expect(fromBody.details.map((d) => d.field)).toEqual(["employeeEngagement"]);
  });

  it("counts as from employees once every colleague named confirms from their verified work address", async () => {
    const id = await employeesDraft([
      colleague(`jo.ranger@${WESTSHIRE_STAFF_DOMAIN}`),
      colleague(`kit.warden@${WESTSHIRE_STAFF_DOMAIN}`, "Kit Warden"),
    ]);
    // The colleagues named with an account were asked; the draft is theirs to read, nobody else's.
    const asked = await t.db
      .selectFrom("notifications")
      .select("user_id")
      .where("kind", "=", "challenge.co-signatory-named")
      .where("link", "like", `%${id}`)
      .execute();
    expect(asked.map((n) => n.user_id).sort()).toEqual([ranger.userId, warden.userId].sort());
    expect((await challengeOf(as(ranger), DEMO_AUTHORITY.county, id)).status).toBe("draft");
    expect((await challengePageOf(as(ranger), DEMO_AUTHORITY.county, id)).mayConfirm).toBe(true);
    expect(await refused(challengeOf(as(outsider), DEMO_AUTHORITY.county, id))).toBeInstanceOf(NotFoundError);
    expect(await refused(confirmCoSignature(as(outsider), DEMO_AUTHORITY.county, id))).toBeInstanceOf(
      NotFoundError,
    );
    // A colleague reads it but cannot change or submit it (403).
    expect(await refused(submitChallenge(as(ranger), DEMO_AUTHORITY.county, id))).toBeInstanceOf(
      ForbiddenError,
    );

    // Not yet: nobody has confirmed (422, each colleague listed), nothing submitted.
    const none = await refused(submitChallenge(as(evaluator), DEMO_AUTHORITY.county, id));
    expect(none.code).toBe("co_signatories_unconfirmed");
    expect(none.details.map((d) => d.field)).toEqual(["coSignatories.0.email", "coSignatories.1.email"]);
    await confirmCoSignature(as(ranger), DEMO_AUTHORITY.county, id);
    expect(await refused(confirmCoSignature(as(ranger), DEMO_AUTHORITY.county, id))).toBeInstanceOf(
      ConflictError,
    );
    // One of two is not enough: every colleague named confirms.
    const one = await refused(submitChallenge(as(evaluator), DEMO_AUTHORITY.county, id));
    expect(one.details.map((d) => d.field)).toEqual(["coSignatories.1.email"]);
    expect(await statusOf(id)).toBe("draft");
    await confirmCoSignature(as(warden), DEMO_AUTHORITY.county, id);
    const c = await submitChallenge(as(evaluator), DEMO_AUTHORITY.county, id);
    expect(c.status).toBe("submitted");
    expect(c.employeeCount).toBe(3);
    expect(await refused(confirmCoSignature(as(warden), DEMO_AUTHORITY.county, id))).toBeInstanceOf(
      ConflictError,
    );

    // The public sees how many, never who; names and addresses never reach the audit trail.
    const publicView = await challengeOf(as(null), DEMO_AUTHORITY.county, id);
    expect(publicView.employeeCount).toBe(3);
    expect(publicView.coSignatories).toEqual([]);
    expect((await challengeOf(as(commissioner), DEMO_AUTHORITY.county, id)).coSignatories).toHaveLength(2);
    const trail = await auditTrailFor(t.db, DEMO_AUTHORITY.county, "challenge", id);
    expect(trail.map((e) => e.action)).toEqual([
      "challenge.drafted",
      "challenge.co-signatory-confirmed",
      "challenge.co-signatory-confirmed",
      "challenge.submitted",
    ]);
    const written = JSON.stringify(trail.map((e) => e.changes));
    expect(written).not.toContain("Ranger");
    expect(written).not.toContain(WESTSHIRE_STAFF_DOMAIN);
    // Someone not named cannot confirm a submitted one (403).
    expect(await refused(confirmCoSignature(as(outsider), DEMO_AUTHORITY.county, id))).toBeInstanceOf(
      ForbiddenError,
    );
  });

  it("clears the confirmations when the content changes; a colleague off the staff domains cannot confirm (403)", async () => {
    const id = await employeesDraft();
    await confirmCoSignature(as(ranger), DEMO_AUTHORITY.county, id);
    // Renaming the colleague keeps their confirmation; changing what they confirmed clears it.
    await updateDraft(as(evaluator), DEMO_AUTHORITY.county, id, {
      coSignatories: [colleague(`jo.ranger@${WESTSHIRE_STAFF_DOMAIN}`, "Jo Ranger-Smith")],
    });
    expect((await challengeOf(as(evaluator), DEMO_AUTHORITY.county, id)).employeeCount).toBe(2);
    await updateDraft(as(evaluator), DEMO_AUTHORITY.county, id, {
      content: { outcomes: "More volunteers." },
    });
    expect((await challengeOf(as(evaluator), DEMO_AUTHORITY.county, id)).employeeCount).toBe(1);
    const again = await t.db
      .selectFrom("notifications")
      .select("user_id")
      .where("kind", "=", "challenge.co-signatory-reconfirm")
      .where("link", "like", `%${id}`)
      .execute();
    expect(again.map((n) => n.user_id)).toEqual([ranger.userId]);
    expect((await refused(submitChallenge(as(evaluator), DEMO_AUTHORITY.county, id))).code).toBe(
      "co_signatories_unconfirmed",
    );
    // The domain is withdrawn: the ranger can no longer confirm as an employee.
    await setStaffDomains(as(countyAdmin), DEMO_AUTHORITY.county, ["schools.example.gov.uk"]);
    try {
      expect(await refused(confirmCoSignature(as(ranger), DEMO_AUTHORITY.county, id))).toBeInstanceOf(
        ForbiddenError,
      );
    } finally {
      await setStaffDomains(as(countyAdmin), DEMO_AUTHORITY.county, [WESTSHIRE_STAFF_DOMAIN]);
    }
    await confirmCoSignature(as(ranger), DEMO_AUTHORITY.county, id);
    await submitChallenge(as(evaluator), DEMO_AUTHORITY.county, id);
    expect(await statusOf(id)).toBe("submitted");
  });

  it("keeps the lead from considering their own EOI; the demo's colleagues confirmed", async () => {
    const demo = await challengeOf(as(commissioner), DEMO_AUTHORITY.county, DEMO_CHALLENGE.employees);
    expect(demo.coSignatories.map((s) => [s.email, s.confirmed])).toEqual(
      DEMO_CO_SIGNATORIES.map((s) => [s.email, true]),
    );
    expect(demo.employeeCount).toBe(3);
    const id = await employeesDraft();
    await confirmCoSignature(as(ranger), DEMO_AUTHORITY.county, id);
    await submitChallenge(as(evaluator), DEMO_AUTHORITY.county, id);
    const own = await principalOf(t.db, evaluator.userId);
    own.grants = [
      ...own.grants,
      { role: "commissioner", scopeType: "authority", scopeId: DEMO_AUTHORITY.county },
    ];
    const conflict = await refused(
      considerExpressionOfInterest(as(own), DEMO_AUTHORITY.county, id, {
        consideredBy: "Me",
        consideredOn: "2026-11-22",
        evidence: "Mine.",
      }),
    );
    expect(conflict).toBeInstanceOf(ForbiddenError);
    expect(await statusOf(id)).toBe("submitted");
  });
});
