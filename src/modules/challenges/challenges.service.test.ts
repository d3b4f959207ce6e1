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
import { createTestDatabase, type TestDatabase } from "../../../tests/support/test-db.ts";
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
import { DEMO_CHALLENGE, DEMO_DISTRICT_SERVICE } from "../../seed/demo/challenges.ts";
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
import { isOverdue, relevantBodyKind } from "./challenges.service.ts";
import {
  addWrittenAgreement,
  agreeToModification,
  considerExpressionOfInterest,
  decideExpressionOfInterest,
  proposeModification,
} from "./decisions.service.ts";
import { draftChallenge, submitChallenge, updateDraft, withdrawChallenge } from "./expressions.service.ts";
import { checkPolicy, policyOf, publishPolicy } from "./policy.service.ts";
import { challengeOf, registerOf } from "./registers.service.ts";

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

  it("takes an EOI by two or more employees, flagged as a possible mutual, names not published", async () => {
    const { id } = await draftChallenge(as(evaluator), DEMO_AUTHORITY.county, {
      serviceId: DEMO_SERVICE.countyParks,
      applicant: { type: "employees", coSignatories: [] },
      content: complete,
    });
    const missing = await refused(submitChallenge(as(evaluator), DEMO_AUTHORITY.county, id));
    expect(missing.details.map((d) => d.field)).toEqual(["coSignatories"]);
    await updateDraft(as(evaluator), DEMO_AUTHORITY.county, id, {
      coSignatories: [{ name: "Rowan Ellis", jobTitle: "Ranger" }],
    });
    await submitChallenge(as(evaluator), DEMO_AUTHORITY.county, id);
    const c = await challengeOf(as(null), DEMO_AUTHORITY.county, id);
    expect(c.possibleMutual).toBe(true);
    expect(c.applicantName).toBe("Employees of Westshire County Council");
    const trail = await auditTrailFor(t.db, DEMO_AUTHORITY.county, "challenge", id);
    expect(JSON.stringify(trail.map((e) => e.changes))).not.toContain("Rowan Ellis");
    // A citizen is not an employee.
    const error = await refused(
      draftChallenge(as(citizen), DEMO_AUTHORITY.county, {
        serviceId: DEMO_SERVICE.countyParks,
        applicant: { type: "employees" },
      }),
    );
    expect(error).toBeInstanceOf(ForbiddenError);
    // The lead employee cannot consider their own EOI.
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
