import { describe, expect, it } from "vitest";
import {
  escalationReadiness,
  extensionRefusal,
  isInTime,
  latestExtensionOn,
  ombudsmanRoute,
  ombudsmanTimeLimitEnds,
  stepDueOn,
  stepState,
  timeLimitEnds,
  workingDaysLate,
} from "./clocks.ts";
import { REGIMES, type RegimeCode, regimeOf, type StepCode, stageOf, stepOf } from "./regimes.ts";

function rule(regime: RegimeCode, stage: number, step: StepCode) {
  const found = stepOf(stageOf(regimeOf(regime), stage), step);
  if (!found) throw new Error(`no ${step} at ${regime} stage ${stage}`);
  return found;
}

const E = "england-and-wales" as const;
const S = "scotland" as const;
const NI = "northern-ireland" as const;

describe("the regimes as data", () => {
  it("names a rule, in English and Welsh, for every step and time limit", () => {
    for (const regime of REGIMES) {
      expect(regime.stages.map((s) => s.stage)).toEqual(regime.stages.map((_, i) => i + 1));
      for (const text of [regime.name, regime.covers, regime.source, regime.timeLimit.source]) {
        expect(text.en).not.toBe("");
        expect(text.cy).not.toBe("");
      }
      for (const stage of regime.stages) {
        expect(stage.steps.length).toBeGreaterThan(0);
        for (const step of stage.steps) expect(step.source.cy).not.toBe("");
      }
    }
  });

  it("gives housing exactly two stages, the second considered by a different person", () => {
    const housing = regimeOf("housing");
    expect(housing.stages).toHaveLength(2);
    expect(stageOf(housing, 2).differentPerson).toBe(true);
    expect(rule("housing", 1, "respond").extension).toEqual({ upToWorkingDays: 10 });
    expect(rule("housing", 2, "respond").extension).toEqual({ upToWorkingDays: 20 });
  });

  it("gives children's social care three stages: 10 (max 20), 25 (max 65), a panel within 30", () => {
    expect(rule("children-social-care", 1, "respond")).toMatchObject({
      within: { workingDays: 10 },
      extension: { upToWorkingDays: 10 },
    });
    expect(rule("children-social-care", 2, "respond")).toMatchObject({
      within: { workingDays: 25 },
      extension: { upToWorkingDays: 40 },
    });
    expect(rule("children-social-care", 3, "panel")).toMatchObject({
      within: { workingDays: 30 },
      extension: null,
    });
  });
});

describe("working-day deadlines on the body's nation calendar", () => {
  it("counts over Christmas: received Wednesday 23 December 2026, acknowledged within 3 working days", () => {
    // Christmas Day Friday 25th; Boxing Day Saturday 26th, its substitute Monday 28th.
    for (const nation of [E, S, NI]) {
      expect(stepDueOn(rule("nhs-adult-social-care", 1, "acknowledge"), "2026-12-23", nation)).toBe(
        "2026-12-30",
      );
    }
  });

  it("counts Scotland's 2 January (a Saturday in 2027, so Monday 4th) where England works", () => {
    const ack = rule("nhs-adult-social-care", 1, "acknowledge");
    expect(stepDueOn(ack, "2026-12-31", E)).toBe("2027-01-06");
    expect(stepDueOn(ack, "2026-12-31", S)).toBe("2027-01-07");
  });

  it("counts over Easter 2027: Good Friday everywhere, Easter Monday not in Scotland", () => {
    const ack = rule("housing", 1, "acknowledge");
    expect(stepDueOn(ack, "2027-03-24", E)).toBe("2027-04-02");
    expect(stepDueOn(ack, "2027-03-24", NI)).toBe("2027-04-02");
    expect(stepDueOn(ack, "2027-03-24", S)).toBe("2027-04-01");
  });

  it("gives three nations three deadlines in March 2027", () => {
    const respond = rule("children-social-care", 1, "respond");
    // Monday 15 March 2027 + 10 working days: Good Friday (26th) everywhere, Easter Monday (29th)
    // but not in Scotland, St Patrick's Day (Wednesday 17th) only in Northern Ireland.
    expect(stepDueOn(respond, "2027-03-15", E)).toBe("2027-03-31");
    expect(stepDueOn(respond, "2027-03-15", S)).toBe("2027-03-30");
    expect(stepDueOn(respond, "2027-03-15", NI)).toBe("2027-04-01");
  });

  it("counts a response from the day of acknowledgement, not of receipt", () => {
    expect(stepDueOn(rule("housing", 1, "respond"), "2027-04-02", E)).toBe("2027-04-16");
    expect(stepDueOn(rule("housing", 2, "respond"), "2027-04-02", E)).toBe("2027-04-30");
    // Monday 3 May 2027 is the early May bank holiday.
    expect(stepDueOn(rule("housing", 2, "respond"), "2027-04-09", E)).toBe("2027-05-10");
  });
});

describe("periods of months", () => {
  const respond = rule("nhs-adult-social-care", 1, "respond");
  it("ends the day before the same date six months on", () => {
    expect(stepDueOn(respond, "2027-01-10", E)).toBe("2027-07-09");
    expect(stepDueOn(respond, "2027-03-01", E)).toBe("2027-08-31");
  });
  it("ends on the month's last day when it has no such date", () => {
    expect(stepDueOn(respond, "2026-08-31", E)).toBe("2027-02-28");
    expect(stepDueOn(respond, "2027-08-31", E)).toBe("2028-02-29");
  });
});

describe("extensions", () => {
  const respond = rule("housing", 1, "respond");
  const firstDueOn = "2027-04-16";

  it("moves a deadline by up to the rule's working days in all", () => {
    expect(latestExtensionOn(respond, firstDueOn, E)).toBe("2027-04-30");
    const ask = (toOn: string, currentDueOn = firstDueOn) =>
      extensionRefusal(respond, { firstDueOn, currentDueOn, toOn, today: "2027-04-10" }, E);
    expect(ask("2027-04-30")).toBeNull();
    expect(ask("2027-04-23")).toBeNull();
    // Monday 3 May 2027 is the early May bank holiday: the 10th working day after the 16th is 30 April.
    expect(ask("2027-05-04")).toEqual({ code: "too-long", latestOn: "2027-04-30", upToWorkingDays: 10 });
    expect(ask("2027-04-16")).toEqual({ code: "not-later" });
    // A second extension counts from the first deadline: 23rd → 30th is still within the 10.
    expect(ask("2027-04-30", "2027-04-23")).toBeNull();
    expect(ask("2027-05-04", "2027-04-23")).toMatchObject({ code: "too-long" });
  });

  it("refuses to move a deadline that has passed: a late step stays late", () => {
    expect(
      extensionRefusal(
        respond,
        { firstDueOn, currentDueOn: firstDueOn, toOn: "2027-04-23", today: "2027-04-16" },
        E,
      ),
    ).toBeNull();
    expect(
      extensionRefusal(
        respond,
        { firstDueOn, currentDueOn: firstDueOn, toOn: "2027-04-23", today: "2027-04-19" },
        E,
      ),
    ).toEqual({ code: "deadline-passed", dueOn: firstDueOn });
  });

  it("refuses to move a step whose rule gives no extension", () => {
    const ack = rule("housing", 1, "acknowledge");
    expect(
      extensionRefusal(
        ack,
        { firstDueOn: "2027-04-02", currentDueOn: "2027-04-02", toOn: "2027-04-09", today: "2027-03-30" },
        E,
      ),
    ).toEqual({ code: "not-extendable" });
  });

  it("lets an NHS response period be agreed longer only before it ends", () => {
    const nhs = rule("nhs-adult-social-care", 1, "respond");
    const dates = { firstDueOn: "2027-07-09", currentDueOn: "2027-07-09", toOn: "2027-10-09" };
    expect(latestExtensionOn(nhs, "2027-07-09", E)).toBeNull();
    expect(extensionRefusal(nhs, { ...dates, today: "2027-07-09" }, E)).toBeNull();
    expect(extensionRefusal(nhs, { ...dates, today: "2027-07-10" }, E)).toEqual({
      code: "period-ended",
      endedOn: "2027-07-09",
    });
  });
});

describe("where a step stands", () => {
  const ack = rule("housing", 1, "acknowledge");
  const nhs = rule("nhs-adult-social-care", 1, "respond");
  it("is waiting, due today, then overdue — or owes an explanation where the rule says so", () => {
    expect(stepState(ack, { dueOn: "2027-04-02", doneOn: null, today: "2027-04-01" })).toBe("waiting");
    expect(stepState(ack, { dueOn: "2027-04-02", doneOn: null, today: "2027-04-02" })).toBe("due-today");
    expect(stepState(ack, { dueOn: "2027-04-02", doneOn: null, today: "2027-04-03" })).toBe("overdue");
    expect(stepState(nhs, { dueOn: "2027-07-09", doneOn: null, today: "2027-07-10" })).toBe(
      "explanation-owed",
    );
  });
  it("is done on time on its last day, and late the day after", () => {
    expect(stepState(ack, { dueOn: "2027-04-02", doneOn: "2027-04-02", today: "2027-05-01" })).toBe(
      "done-on-time",
    );
    expect(stepState(ack, { dueOn: "2027-04-02", doneOn: "2027-04-05", today: "2027-05-01" })).toBe(
      "done-late",
    );
    expect(workingDaysLate("2027-04-02", "2027-04-05", E)).toBe(1);
    expect(workingDaysLate("2027-04-02", "2027-04-02", E)).toBe(0);
  });
});

describe("the time limit for complaining", () => {
  const nhs = regimeOf("nhs-adult-social-care").timeLimit;
  const children = regimeOf("children-social-care").timeLimit;
  it("counts 12 months from knowing, when later than the event (NHS and adult social care)", () => {
    const facts = { happenedOn: "2026-01-15", knewOn: "2026-03-01" };
    expect(timeLimitEnds(nhs, facts)).toBe("2027-03-01");
    expect(isInTime(nhs, { ...facts, receivedOn: "2027-03-01" })).toBe(true);
    expect(isInTime(nhs, { ...facts, receivedOn: "2027-03-02" })).toBe(false);
    expect(timeLimitEnds(nhs, { happenedOn: "2026-01-15", knewOn: null })).toBe("2027-01-15");
  });
  it("counts from the event where the rule does (children's social care)", () => {
    expect(timeLimitEnds(children, { happenedOn: "2026-01-15", knewOn: "2026-03-01" })).toBe("2027-01-15");
  });
  it("ends on 28 February for an event on 29 February", () => {
    expect(timeLimitEnds(nhs, { happenedOn: "2028-02-29", knewOn: null })).toBe("2029-02-28");
  });
});

describe("the way to an ombudsman", () => {
  it("routes the NHS to the PHSO and adult social care, self-funded included, to the LGSCO", () => {
    expect(ombudsmanRoute("nhs-adult-social-care", "nhs-body", { mpReferral: false })).toEqual({
      code: "route",
      ombudsman: "phso",
    });
    expect(ombudsmanRoute("nhs-adult-social-care", "care-provider", { mpReferral: false })).toEqual({
      code: "route",
      ombudsman: "lgsco",
    });
    expect(ombudsmanRoute("nhs-adult-social-care", "council", { mpReferral: false })).toEqual({
      code: "route",
      ombudsman: "lgsco",
    });
  });
  it("routes social housing, a council as landlord included, to the Housing Ombudsman", () => {
    expect(ombudsmanRoute("housing", "social-landlord", { mpReferral: false })).toEqual({
      code: "route",
      ombudsman: "housing-ombudsman",
    });
    expect(ombudsmanRoute("housing", "council", { mpReferral: false })).toEqual({
      code: "route",
      ombudsman: "housing-ombudsman",
    });
    expect(ombudsmanRoute("housing", "care-provider", { mpReferral: false })).toEqual({
      code: "no-ombudsman",
    });
  });
  it("routes children's social care and other council services to the LGSCO", () => {
    expect(ombudsmanRoute("children-social-care", "council", { mpReferral: false })).toEqual({
      code: "route",
      ombudsman: "lgsco",
    });
    expect(ombudsmanRoute("council", "other-provider", { mpReferral: false })).toEqual({
      code: "route",
      ombudsman: "lgsco",
    });
  });
  it("routes fire and combined authorities to the LGSCO, and none of the three takes the police, a parish or a devolved body", () => {
    expect(ombudsmanRoute("council", "fire", { mpReferral: false })).toEqual({
      code: "route",
      ombudsman: "lgsco",
    });
    expect(ombudsmanRoute("council", "combined-authority", { mpReferral: false })).toEqual({
      code: "route",
      ombudsman: "lgsco",
    });
    for (const body of ["police", "parish", "devolved"] as const)
      expect(ombudsmanRoute("council", body, { mpReferral: false })).toEqual({ code: "no-ombudsman" });
  });

  it("lets a government department's complaint reach the PHSO only through an MP", () => {
    expect(ombudsmanRoute("council", "government-department", { mpReferral: false })).toEqual({
      code: "mp-referral-needed",
      ombudsman: "phso",
    });
    expect(ombudsmanRoute("council", "government-department", { mpReferral: true })).toEqual({
      code: "route",
      ombudsman: "phso",
    });
  });

  it("waits until the body has had its chance", () => {
    const housing = regimeOf("housing");
    expect(
      escalationReadiness(housing, { stage: 1, answered: true, dueOn: "2027-04-16" }, "2027-04-20"),
    ).toEqual({ code: "next-stage-first", nextStage: 2 });
    expect(
      escalationReadiness(housing, { stage: 2, answered: true, dueOn: "2027-05-04" }, "2027-05-01"),
    ).toEqual({ code: "ready" });
    expect(
      escalationReadiness(housing, { stage: 2, answered: false, dueOn: "2027-05-04" }, "2027-05-04"),
    ).toEqual({ code: "body-has-time", stage: 2, dueOn: "2027-05-04" });
    expect(
      escalationReadiness(housing, { stage: 2, answered: false, dueOn: "2027-05-04" }, "2027-05-05"),
    ).toEqual({ code: "body-late", dueOn: "2027-05-04" });
  });

  it("lets an answered stage go to the ombudsman once the time to ask for the next has passed", () => {
    const children = regimeOf("children-social-care");
    const at = { stage: 1, answered: true, dueOn: "2027-01-15", nextStageBy: "2027-02-12" };
    expect(escalationReadiness(children, at, "2027-02-12")).toEqual({
      code: "next-stage-first",
      nextStage: 2,
    });
    expect(escalationReadiness(children, at, "2027-02-13")).toEqual({
      code: "next-stage-time-passed",
      dueOn: "2027-02-12",
    });
  });

  it("counts the ombudsman's 12 months from knowing, or from the landlord's final response", () => {
    expect(ombudsmanTimeLimitEnds("lgsco", { knewOn: "2027-02-01", finalResponseOn: null })).toBe(
      "2028-02-01",
    );
    expect(
      ombudsmanTimeLimitEnds("housing-ombudsman", { knewOn: "2027-02-01", finalResponseOn: null }),
    ).toBeNull();
    expect(
      ombudsmanTimeLimitEnds("housing-ombudsman", { knewOn: "2027-02-01", finalResponseOn: "2027-06-10" }),
    ).toBe("2028-06-10");
  });
});

describe("complaints about commissioning (OpenPS's rule, modelled on the LGSCO's code)", () => {
  const ack = rule("commissioning", 1, "acknowledge");
  const respond = rule("commissioning", 1, "respond");

  it("is one local stage: acknowledged in 5 working days, answered in 10 of the acknowledgement, up to 10 more", () => {
    expect(regimeOf("commissioning").stages).toHaveLength(1);
    expect(regimeOf("commissioning").source.en).toContain("no statute sets one");
    // Received Wednesday 23 December 2026: Christmas Day, Boxing Day's substitute (28th) and New
    // Year's Day are not counted → Monday 4 January 2027.
    expect(stepDueOn(ack, "2026-12-23", E)).toBe("2027-01-04");
    expect(respond.from).toBe("acknowledged");
    // Acknowledged Monday 15 March 2027: Easter Monday (29th) counts in Scotland, not in England and Wales.
    expect(stepDueOn(respond, "2027-03-15", E)).toBe("2027-03-31");
    expect(stepDueOn(respond, "2027-03-15", S)).toBe("2027-03-30");
    expect(latestExtensionOn(respond, "2027-03-31", E)).toBe("2027-04-14");
    expect(
      extensionRefusal(
        respond,
        { firstDueOn: "2027-03-31", currentDueOn: "2027-03-31", toOn: "2027-04-15", today: "2027-03-30" },
        E,
      ),
    ).toEqual({ code: "too-long", latestOn: "2027-04-14", upToWorkingDays: 10 });
    expect(
      extensionRefusal(
        ack,
        { firstDueOn: "2027-01-04", currentDueOn: "2027-01-04", toOn: "2027-01-05", today: "2026-12-30" },
        E,
      ),
    ).toEqual({
      code: "not-extendable",
    });
  });

  it("counts its time limit from knowing, and may be waived", () => {
    const limit = regimeOf("commissioning").timeLimit;
    expect(limit.waivable).toBe(true);
    expect(timeLimitEnds(limit, { happenedOn: "2026-01-10", knewOn: "2026-03-01" })).toBe("2027-03-01");
    expect(
      isInTime(limit, { happenedOn: "2026-01-10", knewOn: "2026-03-01", receivedOn: "2027-03-02" }),
    ).toBe(false);
  });

  it("goes to the adjudicator of its service area, whatever the authority (no MP filter)", () => {
    for (const body of ["council", "nhs-body", "government-department", "police"] as const)
      expect(
        ombudsmanRoute("commissioning", body, { mpReferral: false, serviceArea: "domiciliary-care" }),
      ).toEqual({
        code: "adjudicator",
        serviceArea: "domiciliary-care",
      });
    // The other regimes' routes are unchanged by a service area.
    expect(
      ombudsmanRoute("council", "council", { mpReferral: false, serviceArea: "domiciliary-care" }),
    ).toEqual({
      code: "route",
      ombudsman: "lgsco",
    });
  });
});
