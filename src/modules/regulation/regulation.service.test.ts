/**
 * Regulation's rules on the real database (PGlite, or PostgreSQL with DATABASE_URL), on a fixed
 * clock: regimes, the registration lifecycle, inspections and ratings (the aggregation, departures
 * with reasons), the factual-accuracy period and answers before publishing, special measures entered
 * and left, enforcement up to cancellation, the award gate, find and compare, and the failing view.
 * Every refusal leaves nothing written.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../../../tests/support/auth.ts";
import { ctxFor, principalOf } from "../../../tests/support/principals.ts";
import { refused } from "../../../tests/support/refused.ts";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/test-db.ts";
import type { Db } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import { settableClock } from "../../lib/clock.ts";
import type { DomainError } from "../../lib/errors.ts";
import { localFileStore } from "../../lib/file-store.ts";
import { DEMO_AREA } from "../../seed/demo/areas.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_INSPECTION, DEMO_LOCATION } from "../../seed/demo/regulation.ts";
import type { Principal } from "../access/access.service.ts";
import { auditTrailFor, SYSTEM } from "../audit/audit.service.ts";
import { createAuthority } from "../authorities/authorities.service.ts";
import { enterContract } from "../contracts/contract-entry.service.ts";
import { contractOf } from "../contracts/contracts.service.ts";
import { insertAward } from "../contracts/contracts.test-fixtures.ts";
import {
  cancelRegistration,
  failingLocations,
  issueEnforcement,
  resolveEnforcement,
} from "./enforcement.service.ts";
import { compareProviders, findServices, providerSummary } from "./find.service.ts";
import {
  answerChallenge,
  type CheckedInspection,
  type CorrectionDraft,
  challengeFact,
  checkInspection,
  correctDraftReport,
  factualAccuracyEnds,
  inspectLocation,
  publishReport,
  recordInspection,
} from "./inspections.service.ts";
import { locationView } from "./locations.service.ts";
import { regimeOf, setRegime } from "./regimes.service.ts";
import { applyForRegistration, decideRegistration } from "./registration.service.ts";
import { hasCurrentRegistration } from "./regulation.service.ts";

const clock = settableClock(new Date("2026-11-22T10:00:00Z"));
const REGULATOR = DEMO_AUTHORITY.regulator;
const OTHER_REGULATOR = "019a0000-0000-7000-8000-0000000aa0e1";
const GREENWAY = "019a0000-0000-7000-8000-00000000b004";
const CAREWELL = "019a0000-0000-7000-8000-00000000b032";
const MUTUAL = "019a0000-0000-7000-8000-00000000b001";
let t: TestDatabase;
let db: Db;
let inspector: Principal;
let otherInspector: Principal;
let greenwayAdmin: Principal;
let mutualAdmin: Principal;
let citizen: Principal;
let commissioner: Principal;

/** What a service takes first: the test database, the test clock and who is asking. */
const as = (p: Principal | null) => ctxFor(db, clock, p);

async function counts() {
  const n = async (
    table:
      | "registrations"
      | "inspections"
      | "accuracy_challenges"
      | "enforcement_actions"
      | "registration_events"
      | "inspection_corrections"
      | "audit_events",
  ) =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    registrations: await n("registrations"),
    inspections: await n("inspections"),
    challenges: await n("accuracy_challenges"),
    enforcement: await n("enforcement_actions"),
    events: await n("registration_events"),
    corrections: await n("inspection_corrections"),
    audit: await n("audit_events"),
  };
}

/** Runs `fn` and checks it was refused with `status`-class error and wrote nothing. */
async function refusedWithNothingWritten(fn: () => Promise<unknown>): Promise<DomainError> {
  const before = await counts();
  const error = await refused(fn());
  expect(await counts()).toEqual(before);
  return error;
}

const good = { safe: "good", effective: "good", caring: "good", responsive: "good", "well-led": "good" };

const application = (organisationId: string) => ({
  organisationId,
  name: "Greenway Supported Living – Kelderby",
  addressLine1: "3 Chapel Lane",
  town: "Kelderby",
  postcode: "ws8 2cl",
  areaCode: DEMO_AREA.kelderby,
  capacity: "24",
  capacityUnit: "people",
  registeredManager: "Dee Manager",
  serviceTypes: ["domiciliary-care"],
  activities: ["personal-care"],
});

const inspectionDraft = (overrides: Partial<CorrectionDraft> = {}): CorrectionDraft => ({
  inspectedOn: "2026-11-10",
  inspectors: "A. Inspector",
  evidenceSummary: "We observed care, read records and spoke to twelve people.",
  ratings: good,
  ...overrides,
});

async function newRegisteredLocation(): Promise<string> {
  const id = (await applyForRegistration(as(greenwayAdmin), REGULATOR, application(GREENWAY))).location.id;
  await decideRegistration(as(inspector), REGULATOR, id, {
    to: "registered",
    reason: "Meets the standards.",
  });
  return id;
}

beforeAll(async () => {
  t = await createTestDatabase({ seededAt: clock.now() });
  db = t.db;
  await transaction(db, (trx) =>
    createAuthority(trx, clock, SYSTEM("test"), {
      id: OTHER_REGULATOR,
      slug: "schools-inspectorate",
      name: "Schools Inspectorate",
      kind: "regulator",
      nation: "england-and-wales",
      verified: true,
    }),
  );
  const make = async (
    grants: {
      role: "regulator-staff" | "organisation-admin" | "citizen" | "commissioner";
      scopeId?: string;
    }[],
  ) => principalOf(db, (await createUser(db, { grants })).id);
  inspector = await make([{ role: "regulator-staff", scopeId: REGULATOR }]);
  otherInspector = await make([{ role: "regulator-staff", scopeId: OTHER_REGULATOR }]);
  greenwayAdmin = await make([{ role: "organisation-admin", scopeId: GREENWAY }]);
  mutualAdmin = await make([{ role: "organisation-admin", scopeId: MUTUAL }]);
  citizen = await make([{ role: "citizen" }]);
  commissioner = await make([{ role: "commissioner", scopeId: DEMO_AUTHORITY.county }]);
}, 120_000);

afterAll(async () => {
  await t.destroy();
});

describe("the demo register", () => {
  it("has a realistic spread of current ratings and one location in special measures", async () => {
    const rows = await db.selectFrom("registrations").select(["id", "status"]).execute();
    expect(rows.length).toBeGreaterThanOrEqual(10);
    const view = await locationView(as(null), REGULATOR, DEMO_LOCATION.carewellRiverside);
    expect(view.current?.overall).toBe("inadequate");
    expect(view.inForce.map((e) => e.kind).sort()).toEqual(["special-measures", "warning-notice"]);
    const nursing = await locationView(as(null), REGULATOR, DEMO_LOCATION.communityHealthNursing);
    expect(nursing.current).toMatchObject({
      id: DEMO_INSPECTION.nursingDeparture,
      calculated_overall: "good",
      overall: "requires-improvement",
    });
    expect(nursing.current?.departure_reason).toContain("Requires improvement overall");
  });

  it("hides the draft report from the public and shows it to the provider", async () => {
    const publicView = await locationView(as(null), REGULATOR, DEMO_LOCATION.communityHealthClinic);
    expect(publicView.inspections.map((i) => i.id)).toEqual([DEMO_INSPECTION.clinicOutstanding]);
    const providerView = await locationView(as(mutualAdmin), REGULATOR, DEMO_LOCATION.communityHealthClinic);
    const draft = providerView.inspections.find((i) => i.id === DEMO_INSPECTION.clinicDraft);
    expect(draft).toMatchObject({ status: "draft-report", challengeOpen: true, publishable: false });
    expect(draft?.challenges).toHaveLength(1);
    expect(providerView.current?.id).toBe(DEMO_INSPECTION.clinicOutstanding);
  });
});

describe("regimes", () => {
  it("lets the regulator's staff set their regime, and refuses anyone else", async () => {
    await setRegime(as(otherInspector), OTHER_REGULATOR, {
      serviceTypes: ["childrens-services"],
      activities: ["education-and-training", "childrens-social-care"],
      reinspectionMonths: "12",
      factualAccuracyWorkingDays: "15",
      representationDays: "28",
    });
    expect(await regimeOf(as(null), OTHER_REGULATOR)).toMatchObject({
      set: true,
      serviceTypes: ["childrens-services"],
      activities: ["childrens-social-care", "education-and-training"],
      reinspectionMonths: 12,
      factualAccuracyWorkingDays: 15,
    });
    const e = await refusedWithNothingWritten(() =>
      setRegime(as(inspector), OTHER_REGULATOR, { serviceTypes: ["parks"] }),
    );
    expect(e.name).toBe("ForbiddenError");
  });

  it("names every field at fault (400) and keeps what the register still uses (422)", async () => {
    const bad = await refused(
      setRegime(as(inspector), REGULATOR, {
        serviceTypes: [],
        activities: ["flying"],
        reinspectionMonths: "0",
      }),
    );
    expect(bad.name).toBe("ValidationError");
    expect(bad.details.map((d) => d.field)).toEqual([
      "serviceTypes",
      "activities",
      "reinspectionMonths",
      "factualAccuracyWorkingDays",
      "representationDays",
    ]);
    const inUse = await refused(
      setRegime(as(inspector), REGULATOR, {
        serviceTypes: ["community-health"],
        activities: ["treatment-of-disease"],
        reinspectionMonths: 6,
        factualAccuracyWorkingDays: 10,
        representationDays: 28,
      }),
    );
    expect(inUse.name).toBe("UnprocessableError");
    // Named as people read them, not by their codes.
    expect(inUse.details[0]?.message).toContain("Domiciliary care (care at home)");
    expect(inUse.details[0]?.message).not.toContain("domiciliary-care");
  });
});

describe("registration", () => {
  it("moves applied → registered with conditions → suspended → registered, each dated with its reason", async () => {
    const id = (await applyForRegistration(as(greenwayAdmin), REGULATOR, application(GREENWAY))).location.id;
    await decideRegistration(as(inspector), REGULATOR, id, {
      to: "registered",
      reason: "Meets the standards.",
      conditions: "No more than 24 people.",
    });
    clock.set(new Date("2026-11-23T10:00:00Z"));
    await decideRegistration(as(inspector), REGULATOR, id, {
      to: "suspended",
      reason: "Safeguarding concerns.",
    });
    await decideRegistration(as(inspector), REGULATOR, id, {
      to: "registered",
      reason: "Concerns resolved.",
    });
    clock.set(new Date("2026-11-22T10:00:00Z"));
    const view = await locationView(as(null), REGULATOR, id);
    expect(view.location).toMatchObject({ status: "registered", postcode: "WS8 2CL", conditions: "" });
    expect(view.events.map((e) => [e.from_status, e.to_status, e.reason])).toEqual([
      [null, "applied", "Application received"],
      ["applied", "registered", "Meets the standards."],
      ["registered", "suspended", "Safeguarding concerns."],
      ["suspended", "registered", "Concerns resolved."],
    ]);
    expect(view.events[1]?.conditions).toBe("No more than 24 people.");
    expect(view.events[2]?.at.toISOString()).toBe("2026-11-23T10:00:00.000Z");
  });

  it("refuses a move the lifecycle forbids (409), a missing reason (400) and cancelling without notice", async () => {
    const id = (await applyForRegistration(as(greenwayAdmin), REGULATOR, application(GREENWAY))).location.id;
    const e = await refusedWithNothingWritten(() =>
      decideRegistration(as(inspector), REGULATOR, id, {
        to: "dormant",
        reason: "Closed for winter.",
      }),
    );
    expect([e.name, e.message]).toEqual([
      "ConflictError",
      "A registration that is applied cannot become dormant.",
    ]);
    const noReason = await refusedWithNothingWritten(() =>
      decideRegistration(as(inspector), REGULATOR, id, { to: "registered" }),
    );
    expect(noReason.details.map((d) => d.field)).toEqual(["reason"]);
    const cancel = await refusedWithNothingWritten(() =>
      decideRegistration(as(inspector), REGULATOR, id, { to: "cancelled", reason: "x" }),
    );
    expect(cancel.name).toBe("ValidationError");
  });

  it("keeps a regulator inside its regime (422) and providers to their own organisation (403)", async () => {
    const outside = await refusedWithNothingWritten(() =>
      applyForRegistration(as(greenwayAdmin), REGULATOR, {
        ...application(GREENWAY),
        serviceTypes: ["libraries"],
        activities: ["education-and-training"],
      }),
    );
    expect(outside.name).toBe("UnprocessableError");
    expect(outside.details.map((d) => d.field)).toEqual(["serviceTypes", "activities"]);
    const other = await refusedWithNothingWritten(() =>
      applyForRegistration(as(greenwayAdmin), REGULATOR, application(CAREWELL)),
    );
    expect(other.name).toBe("ForbiddenError");
    const fields = await refusedWithNothingWritten(() =>
      applyForRegistration(as(greenwayAdmin), REGULATOR, {
        organisationId: GREENWAY,
        postcode: "nope",
      }),
    );
    expect(fields.details.map((d) => d.field)).toEqual([
      "name",
      "addressLine1",
      "town",
      "postcode",
      "areaCode",
      "capacity",
      "capacityUnit",
      "registeredManager",
      "serviceTypes",
      "activities",
    ]);
  });

  it("is the gate for awarding contracts: current registrations for the activity only", async () => {
    expect(await hasCurrentRegistration(as(null), GREENWAY, "personal-care")).toBe(true);
    expect(await hasCurrentRegistration(as(null), GREENWAY, "nursing-care")).toBe(false);
    expect(await hasCurrentRegistration(as(null), CAREWELL, "nursing-care")).toBe(true);
    // The Recovery Pathways unit has only applied.
    expect(
      await hasCurrentRegistration(
        as(null),
        "019a0000-0000-7000-8000-00000000b026",
        "substance-misuse-accommodation",
      ),
    ).toBe(false);
    expect(await hasCurrentRegistration(as(null), "not-an-id", "personal-care")).toBe(false);
  });
});

describe("inspections and ratings", () => {
  it("records the rules' rating and a factual-accuracy period of 10 working days", async () => {
    const id = await newRegisteredLocation();
    const inspectionId = (
      await inspectLocation(
        as(inspector),
        REGULATOR,
        id,
        inspectionDraft({ breach: true, breachDetails: "Regulation 17." }),
      )
    ).id;
    const row = await db
      .selectFrom("inspections")
      .selectAll()
      .where("id", "=", inspectionId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      calculated_overall: "requires-improvement",
      overall: "requires-improvement",
      departure_reason: null,
      status: "draft-report",
    });
    // Sent Sunday 22 November 2026: 10 working days later is Friday 4 December; the period ends at its midnight.
    expect(row.challenge_ends_at.toISOString()).toBe("2026-12-05T00:00:00.000Z");
    expect(factualAccuracyEnds(new Date("2026-12-18T12:00:00Z"), 10, "england-and-wales").toISOString()).toBe(
      "2027-01-07T00:00:00.000Z",
    );
    // Across the end of 2030 (holidays by rule for any year): sent Wed 18 December 2030, the 10th
    // working day is Mon 6 January 2031 (Christmas, Boxing Day, New Year's Day out); in Scotland,
    // where 2 January is a holiday too, Tue 7 January.
    expect(factualAccuracyEnds(new Date("2030-12-18T12:00:00Z"), 10, "england-and-wales").toISOString()).toBe(
      "2031-01-07T00:00:00.000Z",
    );
    expect(factualAccuracyEnds(new Date("2030-12-18T12:00:00Z"), 10, "scotland").toISOString()).toBe(
      "2031-01-08T00:00:00.000Z",
    );
  });

  it("refuses a rating off the scale (400), a departure without a reason (422) and a future date (422), writing nothing", async () => {
    const id = DEMO_LOCATION.therapyBrookHouse;
    const offScale = await refusedWithNothingWritten(() =>
      inspectLocation(
        as(inspector),
        REGULATOR,
        id,
        inspectionDraft({ ratings: { ...good, safe: "excellent" } }),
      ),
    );
    expect([offScale.name, offScale.details.map((d) => d.field)]).toEqual([
      "ValidationError",
      ["rating-safe"],
    ]);
    const noReason = await refusedWithNothingWritten(() =>
      inspectLocation(as(inspector), REGULATOR, id, inspectionDraft({ overall: "outstanding" })),
    );
    expect(noReason.name).toBe("UnprocessableError");
    expect(noReason.details[0]).toMatchObject({ field: "departureReason" });
    expect(noReason.details[0]?.message).toContain("The rules give Good");
    const future = await refusedWithNothingWritten(() =>
      inspectLocation(as(inspector), REGULATOR, id, inspectionDraft({ inspectedOn: "2026-12-01" })),
    );
    expect(future.details.map((d) => d.field)).toEqual(["inspectedOn"]);
  });

  it("records a departure with its reason", async () => {
    const id = await newRegisteredLocation();
    const inspectionId = (
      await inspectLocation(
        as(inspector),
        REGULATOR,
        id,
        inspectionDraft({ overall: "requires-improvement", departureReason: "Leadership concerns." }),
      )
    ).id;
    const row = await db
      .selectFrom("inspections")
      .selectAll()
      .where("id", "=", inspectionId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      calculated_overall: "good",
      overall: "requires-improvement",
      departure_reason: "Leadership concerns.",
    });
  });

  it("holds the breach cap whatever the departure: never above Requires improvement (422), at it or below with a reason", async () => {
    const id = DEMO_LOCATION.therapyBrookHouse;
    const breach = { breach: true, breachDetails: "Regulation 12: risks not assessed." };
    for (const overall of ["good", "outstanding"]) {
      const lifted = await refusedWithNothingWritten(() =>
        inspectLocation(
          as(inspector),
          REGULATOR,
          id,
          inspectionDraft({ ...breach, overall, departureReason: "The breach was put right on the day." }),
        ),
      );
      expect([lifted.name, lifted.details.map((d) => d.field)]).toEqual(["UnprocessableError", ["overall"]]);
      expect(lifted.details[0]?.message).toContain(
        "A breach of regulations caps the overall rating at Requires improvement",
      );
    }
    // At the cap: two Inadequate give Inadequate, and the inspector may depart up to Requires improvement.
    const atCap = checkInspection(
      as(inspector),
      inspectionDraft({
        ...breach,
        ratings: { ...good, safe: "inadequate", "well-led": "inadequate" },
        overall: "requires-improvement",
        departureReason: "Both failings were already being put right.",
      }),
    );
    expect([atCap.aggregation.overall, atCap.overall]).toEqual(["inadequate", "requires-improvement"]);
    // Without a breach, a departure to Good stands with its reason.
    const noBreach = checkInspection(
      as(inspector),
      inspectionDraft({
        ratings: { ...good, safe: "requires-improvement", caring: "requires-improvement" },
        overall: "good",
        departureReason: "Both were minor.",
      }),
    );
    expect([noBreach.aggregation.overall, noBreach.overall]).toEqual(["requires-improvement", "good"]);
    // The database holds the cap too, for a report recorded without the checks (as the seeds do).
    const unchecked: CheckedInspection = {
      ...checkInspection(as(inspector), inspectionDraft(breach)),
      overall: "good",
      departureReason: "Recorded without the checks.",
    };
    const before = await counts();
    await expect(recordInspection(as(inspector), REGULATOR, id, unchecked)).rejects.toThrow(
      /inspections_breach_cap/,
    );
    expect(await counts()).toEqual(before);
  });

  it("refuses an inspection of another regulator's location (404), of one not registered (409), and by the provider (403)", async () => {
    const elsewhere = await refusedWithNothingWritten(() =>
      inspectLocation(
        as(otherInspector),
        OTHER_REGULATOR,
        DEMO_LOCATION.therapyBrookHouse,
        inspectionDraft(),
      ),
    );
    expect(elsewhere.name).toBe("NotFoundError");
    const applied = await refusedWithNothingWritten(() =>
      inspectLocation(as(inspector), REGULATOR, DEMO_LOCATION.recoveryPathways, inspectionDraft()),
    );
    expect(applied.name).toBe("ConflictError");
    const own = await refusedWithNothingWritten(() =>
      inspectLocation(
        as(mutualAdmin),
        REGULATOR,
        DEMO_LOCATION.communityHealthClinic,
        inspectionDraft({
          ratings: {
            safe: "outstanding",
            effective: "outstanding",
            caring: "outstanding",
            responsive: "outstanding",
            "well-led": "outstanding",
          },
        }),
      ),
    );
    expect(own.name).toBe("ForbiddenError");
    const publishOwn = await refusedWithNothingWritten(() =>
      publishReport(as(mutualAdmin), REGULATOR, DEMO_INSPECTION.clinicDraft),
    );
    expect(publishOwn.name).toBe("ForbiddenError");
  });
});

describe("the factual-accuracy period and publishing", () => {
  it("publishes only after the period, once every point is answered and every accepted one reflected in a corrected draft", async () => {
    clock.set(new Date("2026-11-22T10:00:00Z"));
    const id = await newRegisteredLocation();
    const inspectionId = (await inspectLocation(as(inspector), REGULATOR, id, inspectionDraft())).id;
    const early = await refusedWithNothingWritten(() =>
      publishReport(as(inspector), REGULATOR, inspectionId),
    );
    expect([early.name, early.code]).toEqual(["ConflictError", "challenge_period_running"]);
    expect(early.message).toContain("until the end of 4 December 2026");
    const notProvider = await refusedWithNothingWritten(() =>
      challengeFact(as(mutualAdmin), REGULATOR, inspectionId, "Wrong."),
    );
    expect(notProvider.name).toBe("NotFoundError");
    const staffChallenge = await refusedWithNothingWritten(() =>
      challengeFact(as(inspector), REGULATOR, inspectionId, "Wrong."),
    );
    expect(staffChallenge.name).toBe("ForbiddenError");
    const challengeId = await challengeFact(
      as(greenwayAdmin),
      REGULATOR,
      inspectionId,
      "We have 26 staff, not 20.",
    );
    clock.set(new Date("2026-12-05T00:00:00Z"));
    const late = await refusedWithNothingWritten(() =>
      challengeFact(as(greenwayAdmin), REGULATOR, inspectionId, "Another point."),
    );
    expect(late.code).toBe("challenge_period_ended");
    const unanswered = await refusedWithNothingWritten(() =>
      publishReport(as(inspector), REGULATOR, inspectionId),
    );
    expect(unanswered.code).toBe("challenges_unanswered");
    await answerChallenge(as(inspector), REGULATOR, inspectionId, challengeId, {
      outcome: "accepted",
      response: "Corrected to 26 staff.",
    });
    const twice = await refused(
      answerChallenge(as(inspector), REGULATOR, inspectionId, challengeId, {
        outcome: "rejected",
        response: "No.",
      }),
    );
    expect(twice.code).toBe("challenge_answered");
    // An accepted point must be reflected in a corrected draft before the report is published.
    const uncorrected = await refusedWithNothingWritten(() =>
      publishReport(as(inspector), REGULATOR, inspectionId),
    );
    expect([uncorrected.code, uncorrected.message]).toEqual([
      "corrections_outstanding",
      "Correct the draft report before publishing: an accepted point is not yet reflected in a corrected draft.",
    ]);
    const corrected = inspectionDraft({
      evidenceSummary: "We observed care, read records and spoke to twelve people. The service has 26 staff.",
      corrections: "Staff numbers corrected from 20 to 26, as the provider showed.",
    });
    // 404 for someone who may not see the draft, 403 for the provider, 400 without saying what was corrected.
    expect(
      (
        await refusedWithNothingWritten(() =>
          correctDraftReport(as(mutualAdmin), REGULATOR, inspectionId, corrected),
        )
      ).name,
    ).toBe("NotFoundError");
    expect(
      (
        await refusedWithNothingWritten(() =>
          correctDraftReport(as(greenwayAdmin), REGULATOR, inspectionId, corrected),
        )
      ).name,
    ).toBe("ForbiddenError");
    const unsaid = await refusedWithNothingWritten(() =>
      correctDraftReport(as(inspector), REGULATOR, inspectionId, { ...corrected, corrections: " " }),
    );
    expect([unsaid.name, unsaid.details.map((d) => d.field)]).toEqual(["ValidationError", ["corrections"]]);
    // 422 for a "correction" that changes nothing, and for one that lifts a breached rating above the cap.
    const same = await refusedWithNothingWritten(() =>
      correctDraftReport(as(inspector), REGULATOR, inspectionId, {
        ...inspectionDraft(),
        corrections: "Nothing, really.",
      }),
    );
    expect([same.name, same.code]).toEqual(["UnprocessableError", "nothing_corrected"]);
    const lifted = await refusedWithNothingWritten(() =>
      correctDraftReport(as(inspector), REGULATOR, inspectionId, {
        ...corrected,
        breach: true,
        breachDetails: "Regulation 18.",
        overall: "good",
        departureReason: "Minor.",
      }),
    );
    expect(lifted.details.map((d) => d.field)).toEqual(["overall"]);
    const audited = (await counts()).audit;
    const draft = await correctDraftReport(as(inspector), REGULATOR, inspectionId, corrected);
    expect(draft).toMatchObject({
      status: "draft-report",
      version: 2,
      evidence_summary: corrected.evidenceSummary,
      awaitingCorrection: 0,
      publishable: true,
    });
    expect(draft.challenges[0]).toMatchObject({ id: challengeId, outcome: "accepted", corrected_in: 2 });
    expect(draft.corrections).toHaveLength(1);
    expect(draft.corrections[0]).toMatchObject({
      version: 2,
      summary: "Staff numbers corrected from 20 to 26, as the provider showed.",
      previous: { evidenceSummary: "We observed care, read records and spoke to twelve people." },
    });
    const trail = await auditTrailFor(db, REGULATOR, "inspection", inspectionId);
    const event = trail.find((e) => e.action === "inspection.corrected");
    expect(event?.changes).toMatchObject({
      version: 2,
      changed: ["evidenceSummary"],
      challengesReflected: [challengeId],
    });
    const told = await db
      .selectFrom("notifications")
      .select(["subject", "body"])
      .where("kind", "=", "regulation.draft-corrected")
      .where("link", "like", `%/inspections/${inspectionId}`)
      .execute();
    // Each of Greenway's administrators is told (the demo has one of its own too), all alike.
    expect([...new Set(told.map((n) => n.subject))]).toEqual([
      `Corrected draft inspection report for ${application(GREENWAY).name}`,
    ]);
    expect(told[0]?.body).toContain(
      "has been corrected (version 2). What was corrected: Staff numbers corrected",
    );
    expect((await counts()).audit).toBeGreaterThan(audited);
    await publishReport(as(inspector), REGULATOR, inspectionId);
    const view = await locationView(as(null), REGULATOR, id);
    expect(view.current).toMatchObject({ id: inspectionId, overall: "good", version: 2 });
    expect(view.current?.challenges[0]).toMatchObject({
      outcome: "accepted",
      response: "Corrected to 26 staff.",
      corrected_in: 2,
    });
    const again = await refused(publishReport(as(inspector), REGULATOR, inspectionId));
    expect(again.code).toBe("report_published");
    const afterwards = await refusedWithNothingWritten(() =>
      correctDraftReport(as(inspector), REGULATOR, inspectionId, {
        ...corrected,
        evidenceSummary: "Changed.",
      }),
    );
    expect([afterwards.name, afterwards.code]).toEqual(["ConflictError", "report_published"]);
    clock.set(new Date("2026-11-22T10:00:00Z"));
  });
});

describe("special measures", () => {
  async function inspectAndPublish(id: string, ratings: Record<string, string>): Promise<void> {
    const inspectedOn = clock.now().toISOString().slice(0, 10);
    const inspectionId = (
      await inspectLocation(as(inspector), REGULATOR, id, inspectionDraft({ ratings, inspectedOn }))
    ).id;
    const sent = clock.now();
    clock.set(new Date(sent.getTime() + 20 * 86_400_000));
    await publishReport(as(inspector), REGULATOR, inspectionId);
  }

  it("are entered on an overall Inadequate, kept while anything is Inadequate, and left when nothing is", async () => {
    clock.set(new Date("2027-01-04T10:00:00Z"));
    const id = await newRegisteredLocation();
    await inspectAndPublish(id, { ...good, safe: "inadequate", "well-led": "inadequate" });
    let view = await locationView(as(null), REGULATOR, id);
    expect(view.current?.overall).toBe("inadequate");
    expect(view.location.special_measures).toBe(true);
    expect(view.inForce.map((e) => e.kind)).toEqual(["special-measures"]);
    // Re-inspected: Requires improvement overall, but Safe still Inadequate — still in special measures.
    await inspectAndPublish(id, { ...good, safe: "inadequate" });
    view = await locationView(as(null), REGULATOR, id);
    expect(view.current?.overall).toBe("requires-improvement");
    expect(view.location.special_measures).toBe(true);
    // Re-inspected again: nothing Inadequate — out of special measures.
    await inspectAndPublish(id, good);
    view = await locationView(as(null), REGULATOR, id);
    expect(view.current?.overall).toBe("good");
    expect(view.location.special_measures).toBe(false);
    const ended = view.enforcement.find((e) => e.kind === "special-measures");
    expect(ended?.resolution).toContain("nothing rated Inadequate");
    expect(view.inspections).toHaveLength(3);
    const trail = await auditTrailFor(db, REGULATOR, "registration", id);
    expect(trail.map((e) => e.action)).toEqual([
      "registration.applied",
      "registration.registered",
      "enforcement.special-measures-entered",
      "enforcement.special-measures-left",
    ]);
    clock.set(new Date("2026-11-22T10:00:00Z"));
  });
});

describe("enforcement", () => {
  it("cancels only after a notice of proposal to cancel and its 28 days for representations", async () => {
    clock.set(new Date("2026-11-22T10:00:00Z"));
    const id = await newRegisteredLocation();
    const early = await refusedWithNothingWritten(() =>
      cancelRegistration(as(inspector), REGULATOR, id, "Persistent failure."),
    );
    expect(early.code).toBe("no_proposal_to_cancel");
    await issueEnforcement(as(inspector), REGULATOR, id, {
      kind: "warning-notice",
      details: "Improve medicines.",
    });
    await issueEnforcement(as(inspector), REGULATOR, id, {
      kind: "proposal-to-cancel",
      details: "No improvement.",
    });
    const view = await locationView(as(null), REGULATOR, id);
    expect(view.inForce.find((e) => e.kind === "proposal-to-cancel")?.representations_until).toBe(
      "2026-12-20",
    );
    const twice = await refusedWithNothingWritten(() =>
      issueEnforcement(as(inspector), REGULATOR, id, {
        kind: "proposal-to-cancel",
        details: "Again.",
      }),
    );
    expect(twice.code).toBe("proposal_in_force");
    clock.set(new Date("2026-12-20T23:00:00Z"));
    const during = await refusedWithNothingWritten(() =>
      cancelRegistration(as(inspector), REGULATOR, id, "Persistent failure."),
    );
    expect(during.message).toContain("until the end of 20 December 2026");
    clock.set(new Date("2026-12-21T09:00:00Z"));
    await cancelRegistration(as(inspector), REGULATOR, id, "Persistent failure.");
    const after = await locationView(as(null), REGULATOR, id);
    expect(after.location.status).toBe("cancelled");
    expect(after.inForce.map((e) => e.kind)).toEqual(["cancellation"]);
    expect(await hasCurrentRegistration(as(null), GREENWAY, "personal-care")).toBe(true);
    clock.set(new Date("2026-11-22T10:00:00Z"));
  });

  it("enters special measures only automatically (422), resolves notices with a reason, and appends conditions", async () => {
    const id = DEMO_LOCATION.therapyBrookHouse;
    const sm = await refusedWithNothingWritten(() =>
      issueEnforcement(as(inspector), REGULATOR, id, { kind: "special-measures", details: "x" }),
    );
    expect(sm.name).toBe("UnprocessableError");
    const issued = await issueEnforcement(as(inspector), REGULATOR, id, {
      kind: "conditions",
      details: "No new admissions.",
    });
    const actionId = issued.inForce.find((e) => e.details === "No new admissions.")?.id ?? "";
    expect((await locationView(as(null), REGULATOR, id)).location.conditions).toBe("No new admissions.");
    const noReason = await refusedWithNothingWritten(() =>
      resolveEnforcement(as(inspector), REGULATOR, actionId, ""),
    );
    expect(noReason.name).toBe("ValidationError");
    await resolveEnforcement(as(inspector), REGULATOR, actionId, "Complied.");
    const smAction = (await locationView(as(null), REGULATOR, DEMO_LOCATION.carewellRiverside)).inForce.find(
      (e) => e.kind === "special-measures",
    );
    const leave = await refusedWithNothingWritten(() =>
      resolveEnforcement(as(inspector), REGULATOR, smAction?.id ?? "", "Better now."),
    );
    expect(leave.code).toBe("enforcement_not_resolvable");
  });
});

describe("find, compare and the failing view", () => {
  it("finds registered locations sorted by rating, then name, filtered by type, area, district and rating", async () => {
    const all = (await findServices(as(null), {})).results;
    const ranks = all.map((l) =>
      ["outstanding", "good", "requires-improvement", "inadequate", null].indexOf(l.current_overall),
    );
    expect(ranks).toEqual([...ranks].sort((a, b) => (a === -1 ? 99 : a) - (b === -1 ? 99 : b)));
    expect(all[0]?.name).toBe("Riverside Community Clinic");
    expect(all.some((l) => l.status !== "registered")).toBe(false);
    const names = async (filter: Parameters<typeof findServices>[1]) =>
      (await findServices(as(null), filter)).results.map((l) => l.name);
    expect(await names({ serviceType: "residential-care" })).toEqual([
      "Carewell Oakfield",
      "Carewell Riverside Care Home",
    ]);
    expect(await names({ postcodeDistrict: "ws9 3rd" })).toEqual(["Carewell Riverside Care Home"]);
    expect(await names({ areaCode: DEMO_AREA.kelderby, rating: "good" })).toContain("Kelderby Street Care");
    const bad = await refused(findServices(as(null), { postcodeDistrict: "nowhere", rating: "great" }));
    expect(bad.details.map((d) => d.field)).toEqual(["postcodeDistrict", "rating"]);
  });

  it("pages the locations by key, forwards and back, in the same order as one long list", async () => {
    const all = await findServices(as(null), { pageSize: 100 });
    expect(all.total).toEqual({ count: all.results.length, atLeast: false });
    const pages: string[][] = [];
    let page = await findServices(as(null), { pageSize: 2 });
    expect(page.previous).toBeUndefined();
    for (;;) {
      pages.push(page.results.map((l) => l.id));
      if (!page.next) break;
      page = await findServices(as(null), { pageSize: 2, after: page.next });
    }
    expect(pages.flat()).toEqual(all.results.map((l) => l.id));
    const back = await findServices(as(null), { pageSize: 2, before: page.previous });
    expect(back.results.map((l) => l.id)).toEqual(pages[pages.length - 2]);
    await expect(findServices(as(null), { after: "broken" })).rejects.toMatchObject({
      code: "validation_failed",
    });
  });

  it("compares 2 to 5 providers", async () => {
    const [a, b] = await compareProviders(as(null), [CAREWELL, MUTUAL]);
    expect(a?.name).toBe("Carewell Homes Ltd");
    expect(a?.specialMeasures).toBe(1);
    expect(b?.ratingCounts.outstanding).toBe(1);
    expect((await refused(compareProviders(as(null), [CAREWELL]))).name).toBe("ValidationError");
    expect((await refused(compareProviders(as(null), [CAREWELL, CAREWELL]))).name).toBe("ValidationError");
    const six = Array.from({ length: 6 }, (_, i) => `019a0000-0000-7000-8000-00000000b00${i + 1}`);
    expect((await refused(compareProviders(as(null), six))).details[0]?.field).toBe("organisations");
    expect((await providerSummary(as(null), MUTUAL))?.locations.map((l) => l.current_overall)).toEqual([
      "outstanding",
      "requires-improvement",
    ]);
  });

  it("lists failing locations with their reasons and the contracts affected, for regulators and commissioners only", async () => {
    // Carewell holds a contract for nursing care, one of its failing location's activities.
    const { awardId } = await insertAward(db, {
      authorityId: DEMO_AUTHORITY.county,
      organisationId: CAREWELL,
      standstillEndsAt: new Date("2026-11-01T00:00:00Z"),
      regulatedActivity: "nursing-care",
    });
    const files = localFileStore({ root: fs.mkdtempSync(path.join(os.tmpdir(), "openps-")), maxBytes: 1024 });
    const contractId = (
      await enterContract({ ...as(commissioner), files, email: false }, DEMO_AUTHORITY.county, {
        awardId,
        title: "Nursing care beds at Riverside",
        startsOn: "2026-12-01",
        endsOn: "2028-11-30",
        paymentMechanism: "fee-per-service",
      })
    ).contract.id;
    const failing = await failingLocations(as(commissioner));
    const carewell = failing.find((f) => f.location.id === DEMO_LOCATION.carewellRiverside);
    expect(carewell?.reasons).toEqual([
      "special-measures",
      "inadequate-key-question",
      "reinspection-overdue",
      "unresolved-enforcement",
    ]);
    expect(carewell?.reinspectionDue).toBe("2026-10-02");
    expect(carewell?.contracts).toMatchObject([
      { contractId, title: "Nursing care beds at Riverside", regulatedActivity: "nursing-care" },
    ]);
    // Suspending its only registration for nursing care marks the contract: continuity to plan.
    expect((await contractOf(as(null), DEMO_AUTHORITY.county, contractId)).registrationLapsed).toBe(false);
    await decideRegistration(as(inspector), REGULATOR, DEMO_LOCATION.carewellRiverside, {
      to: "suspended",
      reason: "Unsafe staffing at night.",
    });
    expect((await contractOf(as(null), DEMO_AUTHORITY.county, contractId)).registrationLapsed).toBe(true);
    await decideRegistration(as(inspector), REGULATOR, DEMO_LOCATION.carewellRiverside, {
      to: "registered",
      reason: "Night staffing restored.",
    });
    expect(failing.find((f) => f.location.id === DEMO_LOCATION.kelderbyStreetCare)?.reasons).toEqual([
      "unresolved-enforcement",
    ]);
    expect(failing.some((f) => f.location.id === DEMO_LOCATION.greenwayWesford)).toBe(false);
    expect((await failingLocations(as(inspector))).length).toBeGreaterThan(0);
    expect((await refused(failingLocations(as(citizen)))).name).toBe("ForbiddenError");
    expect((await refused(failingLocations(as(null)))).name).toBe("NotSignedInError");
    // A year on, still in special measures: a candidate for cancellation.
    clock.set(new Date("2027-05-20T10:00:00Z"));
    const later = await failingLocations(as(inspector));
    expect(later.find((f) => f.location.id === DEMO_LOCATION.carewellRiverside)?.reasons).toContain(
      "special-measures-12-months",
    );
    expect(carewell?.reasons).not.toContain("special-measures-12-months");
    clock.set(new Date("2026-11-22T10:00:00Z"));
  });
});
