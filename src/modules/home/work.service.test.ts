/**
 * A person's work (issue 14, item 2) on the real database, from the demo data as seeded and then as
 * things move on through the real services: each kind of task reaches the person whose it is — by
 * their own roles, for their own authority, organisation or regulator — with the deadline its module
 * computes, and no one else; the soonest first; evaluators' assignments; bidders' own bids, never
 * another organisation's.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refused } from "../../../tests/support/refused.ts";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/test-db.ts";
import { settableClock } from "../../lib/clock.ts";
import { endOfLondonDay } from "../../lib/london-time.ts";
import { isOverdue, type Task } from "../../lib/tasks.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_CARE_STAFF } from "../../seed/demo/care.ts";
import { DEMO_CO_SIGNATORIES, DEMO_CHALLENGE as DEMO_EOI } from "../../seed/demo/challenges.ts";
import { DEMO_CONTRACTS } from "../../seed/demo/contracts.ts";
import { DEMO_AWARD, DEMO_AWARD_TENDER, DEMO_EVALUATOR } from "../../seed/demo/evaluation.ts";
import { DEMO_ORGANISATION } from "../../seed/demo/organisations.ts";
import { DEMO_INSPECTION } from "../../seed/demo/regulation.ts";
import { DEMO_SERVICE } from "../../seed/demo/services.ts";
import { DEMO_TENDER } from "../../seed/demo/tenders.ts";
import { awardTender } from "../award/award.service.ts";
import { considerExpressionOfInterest, proposeModification } from "../challenges/decisions.service.ts";
import { draftChallenge } from "../challenges/expressions.service.ts";
import { startEvaluation } from "../compliance/compliance.service.ts";
import { COUNTY, people, START } from "../compliance/compliance.test-fixtures.ts";
import { declareConflicts } from "../evaluation/declarations.service.ts";
import { coastTender, scoresOf } from "../evaluation/evaluation.test-fixtures.ts";
import { decideTie, moderateBid } from "../evaluation/moderation.service.ts";
import { recordScores, submitScores } from "../evaluation/scores.service.ts";
import { answerChallenge } from "../regulation/inspections.service.ts";
import { assignEvaluator } from "../tenders/evaluators.service.ts";
import { confirmOpening } from "../tenders/opening.service.ts";
import { findTender } from "../tenders/tenders.service.ts";
import { type Work, workOf } from "./work.service.ts";

const clock = settableClock(START);
let t: TestDatabase;
const p = people(() => t.db, clock);
const DISTRICT = DEMO_AUTHORITY.district;
const REGULATOR = DEMO_AUTHORITY.regulator;
const [ROWAN] = DEMO_CO_SIGNATORIES;

const OWN_ORG_ID = "019a0000-0000-7000-8000-00000000b001";
const OTHER_ORG_ID = "019a0000-0000-7000-8000-00000000b002";
const workAs = (name: string): Promise<Work> => workOf(p.ctx(name));
const kinds = (tasks: readonly Task[]) => tasks.map((x) => x.kind);
/** The tasks of a kind about one record. */
const about = (tasks: readonly Task[], kind: string, id?: string) =>
  tasks.filter((x) => x.kind === kind && (id === undefined || x.about.id === id));
const all = (w: Work) => [...w.todo, ...w.waiting];

beforeAll(async () => {
  t = await createTestDatabase({ seededAt: START });
  const demo = (n: number) => `019a0000-0000-7000-8000-00000000c0${String(n).padStart(2, "0")}`;
  await p.existing("citizen", demo(1));
  await p.existing("orgAdmin", demo(2));
  await p.existing("orgMember", demo(3));
  await p.existing("commissioner", demo(4));
  await p.existing("evaluator", DEMO_EVALUATOR);
  await p.existing("opener", demo(6));
  await p.existing("authorityAdmin", demo(7));
  await p.existing("regulator", demo(8));
  await p.existing("ombudsman", demo(9));
  await p.existing("platformAdmin", demo(11));
  await p.existing("careStaff", DEMO_CARE_STAFF);
  await p.existing("rowan", ROWAN.id);
  await p.existing("districtComplaints", demo(16));
  await p.add("districtCommissioner", [
    { role: "commissioner", scopeId: DISTRICT },
    { role: "bid-opener", scopeId: DISTRICT },
    { role: "evaluator", scopeId: DISTRICT },
  ]);
  // A commissioner of the county who may not read opened bids (no bid-opener role, not assigned).
  await p.add("commissionerOnly", [{ role: "commissioner", scopeId: COUNTY }]);
  await p.add("newEvaluator", [{ role: "evaluator", scopeId: COUNTY }]);
  await p.add("otherRegulator", [{ role: "regulator-staff", scopeId: DEMO_AUTHORITY.ombudsman }]);
  await p.add("homesAdmin", [{ role: "organisation-admin", scopeId: DEMO_ORGANISATION.homesGroup }]);
});

afterAll(async () => {
  await t?.destroy();
});

describe("on the demo data, as seeded", () => {
  it("asks the authority's bid openers to open a closed tender's bids, and no one else", async () => {
    for (const name of ["opener", "commissioner", "authorityAdmin"]) {
      const [task] = about((await workAs(name)).todo, "confirm-opening", DEMO_TENDER.closed);
      expect(task, name).toMatchObject({
        about: {
          type: "tender",
          title: "Reablement at home after hospital",
          body: "Westshire County Council",
        },
        href: `/authorities/westshire-county-council/tenders/${DEMO_TENDER.closed}`,
        due: null,
      });
      expect(task?.details.closed).toBeInstanceOf(Date);
    }
    // A bid opener of another authority, a commissioner who opens nothing, an evaluator, a bidder.
    for (const name of ["districtCommissioner", "commissionerOnly", "evaluator", "orgAdmin", "platformAdmin"])
      expect(kinds(all(await workAs(name))), name).not.toContain("confirm-opening");
  });

  it("gives each person their places: the people they act for, their organisations' arrangements, invoices, complaints and remedies, their body's complaints or cases", async () => {
    const citizen = (await workAs("citizen")).places;
    expect(citizen.people).toEqual([
      { name: "Joan Whitfield", href: expect.stringMatching(/^\/care\/people\//) },
    ]);
    expect(citizen.providers).toEqual([]);
    const orgAdmin = (await workAs("orgAdmin")).places;
    expect(orgAdmin.people).toEqual([]);
    // The demo organisation administrator acts for two organisations: a place each.
    expect(orgAdmin.providers.map((x) => x.arrangementsHref).sort()).toEqual([
      `/organisations/${OWN_ORG_ID}/arrangements`,
      `/organisations/${OTHER_ORG_ID}/arrangements`,
    ]);
    expect(orgAdmin.complaints.map((x) => x.href)).toContain(`/organisations/${OWN_ORG_ID}/complaints`);
    expect(orgAdmin.complaints.map((x) => x.href)).toContain(`/organisations/${OWN_ORG_ID}/remedies`);
    // Everyone has their own complaints; a commissioner nothing more.
    expect((await workAs("commissioner")).places).toEqual({
      people: [],
      providers: [],
      complaints: [{ kind: "own", name: "", href: "/complaints" }],
    });
    // An ombudsman's staff: its cases.
    expect((await workAs("ombudsman")).places.complaints.map((x) => x.kind)).toEqual(["own", "cases"]);
  });

  it("asks the authority's care staff to review the plans due or overdue, and no one else", async () => {
    const reviews = (await workAs("careStaff")).todo.filter((x) => x.about.type === "care-plan");
    // Arthur Pennington's annual review is overdue; Tomos Rees's direct payment is due within the month.
    expect(reviews.map((x) => [x.kind, x.about.title])).toEqual([
      ["review-care-plan", "Arthur Pennington"],
      ["review-direct-payment", "Tomos Rees"],
    ]);
    expect(isOverdue(reviews[0] as Task, clock.now())).toBe(true);
    expect(isOverdue(reviews[1] as Task, clock.now())).toBe(false);
    expect(reviews[0]?.href).toMatch(
      /^\/authorities\/westshire-county-council\/care\/people\/[0-9a-f-]{36}#plan-/,
    );
    for (const name of ["commissioner", "authorityAdmin", "platformAdmin", "citizen"])
      expect(
        all(await workAs(name)).filter((x) => x.about.type === "care-plan"),
        name,
      ).toEqual([]);
  });

  it("asks the authority's care staff to answer a record that choice was not available, by its day", async () => {
    // Arthur Pennington's record, made the day the demo was seeded: 10 working days to answer.
    const [task] = (await workAs("careStaff")).todo.filter((x) => x.kind === "answer-choice-not-available");
    expect(task?.due?.day).toBe("2026-12-04");
    expect(isOverdue(task as Task, clock.now())).toBe(false);
    expect(task?.href).toMatch(
      /^\/authorities\/westshire-county-council\/choice-not-available\/[0-9a-f-]{36}$/,
    );
    for (const name of ["commissioner", "citizen"])
      expect(kinds(all(await workAs(name))), name).not.toContain("answer-choice-not-available");
  });

  it("asks a body's complaints officers to acknowledge or answer its complaints, by the step's day", async () => {
    // Siân Rees asked for stage 2 of her housing complaint on 3 November: acknowledged within 5
    // working days (10 November), not yet done — overdue on Millbrook's work.
    const [task] = (await workAs("districtComplaints")).todo.filter((x) => x.kind === "answer-complaint");
    expect(task?.due?.day).toBe("2026-11-10");
    expect(isOverdue(task as Task, clock.now())).toBe(true);
    expect(task?.href).toMatch(/^\/authorities\/millbrook-district-council\/complaints\/[0-9a-f-]{36}$/);
    for (const name of ["careStaff", "authorityAdmin", "platformAdmin", "citizen"])
      expect(kinds(all(await workAs(name))), name).not.toContain("answer-complaint");
    // Joan's complaint about Greenway waits on the provider: her waiting work, by its 6 months; the
    // one Westshire Healthwatch made for her on the seeding day waits on Westshire's acknowledgement.
    const waiting = (await workAs("citizen")).waiting.filter((x) => x.kind === "complaint-waiting");
    expect(waiting.map((x) => [x.about.body, x.due?.day])).toEqual([
      ["Westshire County Council", "2026-11-25"],
      ["Greenway Home Care Ltd", "2027-05-15"],
    ]);
  });

  it("asks the commissioners to answer a question before bids close, and the asker waits for it", async () => {
    const open = await findTender(p.ctx(null), COUNTY, DEMO_TENDER.open);
    const [task] = about((await workAs("commissioner")).todo, "answer-question", DEMO_TENDER.open);
    expect(task?.href).toMatch(
      new RegExp(
        `^/authorities/westshire-county-council/tenders/${DEMO_TENDER.open}/questions/[0-9a-f-]{36}/answer$`,
      ),
    );
    expect(task?.due).toEqual({ at: open?.submission_deadline, day: null });
    expect(about((await workAs("authorityAdmin")).todo, "answer-question")).toHaveLength(1);
    // The demo organisation's administrator asked it; its member did not.
    expect(
      about((await workAs("orgAdmin")).waiting, "question-awaiting-answer", DEMO_TENDER.open),
    ).toHaveLength(1);
    expect(kinds(all(await workAs("orgMember")))).not.toContain("question-awaiting-answer");
    for (const name of ["districtCommissioner", "opener", "evaluator"])
      expect(kinds(all(await workAs(name))), name).not.toContain("answer-question");
  });

  it("gives evaluators the tenders assigned to them and what to do on each; others none", async () => {
    const evaluator = await workAs("evaluator");
    expect(evaluator.assigned?.assignments.map((a) => [a.tender.id, a.state])).toEqual(
      expect.arrayContaining([
        [DEMO_TENDER.opened, "score"],
        [DEMO_AWARD_TENDER.standstill, "awarded"],
      ]),
    );
    const [score] = about(evaluator.todo, "score-bids", DEMO_TENDER.opened);
    expect(score?.href).toBe(
      `/authorities/westshire-county-council/tenders/${DEMO_TENDER.opened}/evaluation`,
    );
    expect(score?.due).toBeNull();
    // Another of the county's evaluators, assigned nothing: an empty list, not someone else's.
    const other = await workAs("newEvaluator");
    expect(other.assigned).toEqual({ assignments: [], more: 0 });
    expect(kinds(other.todo)).not.toContain("score-bids");
    // Not an evaluator: no such list at all.
    expect((await workAs("commissioner")).assigned).toBeNull();
  });

  it("tells the commissioners what waits on evaluators, the challenge to decide and the standstill ending", async () => {
    const work = await workAs("commissioner");
    const [scores] = about(work.waiting, "awaiting-scores", DEMO_TENDER.opened);
    expect(scores?.details).toEqual({ submitted: 0, evaluators: 1 });
    expect(about(work.todo, "decide-challenge", DEMO_AWARD_TENDER.challenged)[0]).toMatchObject({
      href: expect.stringMatching(/\/award\/challenges\/[0-9a-f-]{36}$/),
      details: { organisation: "Westshire Community Health CIC" },
    });
    const standstill = await t.db
      .selectFrom("tender_awards")
      .select("standstill_ends_at")
      .where("id", "=", DEMO_AWARD.standstill)
      .executeTakeFirstOrThrow();
    expect(about(work.todo, "standstill-ending", DEMO_AWARD_TENDER.standstill)[0]).toMatchObject({
      href: `/authorities/westshire-county-council/tenders/${DEMO_AWARD_TENDER.standstill}/award`,
      due: { at: standstill.standstill_ends_at, day: null },
    });
    // Whose challenge it is waits for the decision: the person who lodged it.
    expect(
      about((await workAs("orgAdmin")).waiting, "challenge-awaiting-decision", DEMO_AWARD_TENDER.challenged),
    ).toHaveLength(1);
    for (const name of ["districtCommissioner", "opener", "orgMember"]) {
      const work = await workAs(name);
      for (const kind of [
        "awaiting-scores",
        "decide-challenge",
        "standstill-ending",
        "challenge-awaiting-decision",
      ])
        expect(kinds(all(work)), `${name}: ${kind}`).not.toContain(kind);
    }
  });

  it("asks the supplier for its KPI reports and the commissioners for their ratings, each waiting on the other", async () => {
    const contract = DEMO_CONTRACTS[0] as string;
    const supplier = await workAs("orgAdmin");
    const reports = about(supplier.todo, "report-kpi", contract);
    expect(reports.length).toBeGreaterThan(0);
    for (const r of reports) {
      expect(r.href).toMatch(/\/kpis\/\d+\/periods\/\d+\/report$/);
      expect(r.due?.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(r.due?.at).toEqual(endOfLondonDay(r.due?.day as string));
    }
    // The report of September's "Visits on time" was due by 30 October: overdue on 22 November.
    const september = reports.find((r) => (r.details.from as { day: string }).day === "2026-09-01");
    expect(september?.due?.day).toBe("2026-10-30");
    expect(isOverdue(september as Task, clock.now())).toBe(true);
    expect(about(supplier.waiting, "report-awaiting-rating", contract).length).toBeGreaterThan(0);

    const commissioner = await workAs("commissioner");
    const [rate] = about(commissioner.todo, "rate-kpi", contract);
    expect(rate?.href).toMatch(/\/kpis\/\d+\/periods\/\d+\/rating$/);
    expect(rate?.due?.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(about(commissioner.waiting, "report-awaiting-supplier", contract).length).toBe(reports.length);
    // The member acts only for the demo mutual, not for this contract's supplier; the district, not its authority.
    expect(kinds(all(await workAs("orgMember")))).not.toContain("report-kpi");
    expect(kinds(all(await workAs("districtCommissioner")))).not.toContain("rate-kpi");
    expect(kinds(all(await workAs("evaluator")))).not.toContain("rate-kpi");
  });

  it("asks the authority to decide expressions of interest by their decision date; the body waits", async () => {
    const county = await workAs("commissioner");
    const [employees] = about(county.todo, "decide-employees-eoi", DEMO_EOI.employees);
    expect(employees).toMatchObject({
      about: { type: "expression-of-interest", title: "Country parks" },
      href: `/authorities/westshire-county-council/right-to-challenge/${DEMO_EOI.employees}`,
    });
    expect(employees?.due?.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // Millbrook's undecided EOI, past its decision date, is its own commissioners' — overdue.
    const [overdue] = about((await workAs("districtCommissioner")).todo, "decide-eoi", DEMO_EOI.overdue);
    expect(overdue?.details).toEqual({ applicant: "Kelderby Town Council" });
    expect(isOverdue(overdue as Task, clock.now())).toBe(true);
    expect(kinds(county.todo)).not.toContain("decide-eoi");
    // The lead employee of the employees' EOI waits for the decision, and does not decide it.
    const lead = await workAs("evaluator");
    expect(about(lead.waiting, "eoi-awaiting-decision", DEMO_EOI.employees)).toHaveLength(1);
    expect(kinds(lead.todo)).not.toContain("decide-employees-eoi");
  });

  it("asks the provider to check its draft report in its period, and the regulator to answer and publish", async () => {
    const provider = await workAs("orgMember");
    const [check] = about(provider.todo, "check-draft-report", DEMO_INSPECTION.clinicDraft);
    expect(check).toMatchObject({
      about: { type: "inspection", title: "Riverside Community Clinic", body: expect.any(String) },
      href: expect.stringMatching(
        new RegExp(
          `^/regulators/${REGULATOR}/locations/[0-9a-f-]{36}/inspections/${DEMO_INSPECTION.clinicDraft}$`,
        ),
      ),
      due: { at: expect.any(Date), day: null },
    });
    expect(
      about(provider.waiting, "points-awaiting-answer", DEMO_INSPECTION.clinicDraft)[0]?.details,
    ).toMatchObject({
      count: 1,
    });

    const regulator = await workAs("regulator");
    expect(
      about(regulator.todo, "answer-accuracy-points", DEMO_INSPECTION.clinicDraft)[0]?.details,
    ).toMatchObject({
      count: 1,
    });
    expect(about(regulator.waiting, "draft-in-accuracy-period", DEMO_INSPECTION.clinicDraft)[0]?.due).toEqual(
      check?.due,
    );
    expect(about(regulator.todo, "publish-report", DEMO_INSPECTION.crisisHouseAwaiting)).toHaveLength(1);
    // Not the provider's to publish, nor the regulator's to check; no one else's at all.
    expect(kinds(provider.todo)).not.toContain("publish-report");
    expect(kinds(regulator.todo)).not.toContain("check-draft-report");
    for (const name of ["otherRegulator", "ombudsman", "platformAdmin", "homesAdmin"])
      expect(
        all(await workAs(name)).filter((x) => x.about.type === "inspection"),
        name,
      ).toEqual([]);
  });

  it("lists bidders' own bids with their receipts and outcomes, never another organisation's", async () => {
    const member = await workAs("orgMember");
    const bids = member.bids?.bids ?? [];
    expect(bids.length).toBeGreaterThan(0);
    expect(new Set(bids.map((b) => b.organisation.id))).toEqual(
      new Set([DEMO_ORGANISATION.communityHealthMutual]),
    );
    for (const b of bids) {
      expect(b.href).toBe(`${b.tender.href}/bid/${b.receipt.bidId}`);
      expect(b.receipt.status).toBe("current");
    }
    const won = bids.find((b) => b.tender.id === DEMO_AWARD_TENDER.standstill);
    expect(won).toMatchObject({
      tender: { stage: "award.stage.standstill" },
      outcome: {
        outcome: "won",
        rank: 1,
        href: `/organisations/${DEMO_ORGANISATION.communityHealthMutual}/assessments`,
      },
    });
    expect(bids.find((b) => b.tender.id === DEMO_TENDER.open)).toMatchObject({
      tender: { state: "open", stage: "tenders.state.open" },
      outcome: null,
    });
    // The administrator acts for the Carers' Trust too: its bids, and not the Homes Group's.
    const admin = (await workAs("orgAdmin")).bids?.bids ?? [];
    expect(new Set(admin.map((b) => b.organisation.id))).toEqual(
      new Set([DEMO_ORGANISATION.communityHealthMutual, DEMO_ORGANISATION.carersTrust]),
    );
    // The Homes Group bid on the same tenders: its people see its bids alone.
    const homes = (await workAs("homesAdmin")).bids?.bids ?? [];
    expect(homes.length).toBeGreaterThan(0);
    expect(homes.every((b) => b.organisation.id === DEMO_ORGANISATION.homesGroup)).toBe(true);
    expect(homes.map((b) => b.receipt.bidId)).not.toEqual(expect.arrayContaining([bids[0]?.receipt.bidId]));
    for (const name of ["citizen", "commissioner", "regulator", "platformAdmin"])
      expect((await workAs(name)).bids, name).toBeNull();
  });

  it("orders what is to do by its deadline, the soonest first, those without one last", async () => {
    const { todo } = await workAs("commissioner");
    const times = todo.map((x) => x.due?.at.getTime() ?? Number.POSITIVE_INFINITY);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(todo.at(-1)?.due).toBeNull();
    expect(todo[0]?.due).not.toBeNull();
  });

  it("has nothing for those with no work, the platform's administrators included; and no one for the public", async () => {
    // (The LGSCO's staff have the demo's cases to work on: one to assess, one in draft.)
    expect(kinds((await workAs("ombudsman")).todo)).toEqual(["work-case", "work-case"]);
    for (const name of ["citizen", "platformAdmin"])
      expect(await workAs(name), name).toEqual({
        todo: [],
        // The citizen waits only on the bodies answering her complaints (the demo's redress seed).
        waiting:
          name === "citizen"
            ? [
                expect.objectContaining({ kind: "complaint-waiting" }),
                expect.objectContaining({ kind: "complaint-waiting" }),
              ]
            : [],
        more: { todo: 0, waiting: 0 },
        assigned: null,
        bids: null,
        // The citizen is Joan herself: her care and support is a place of hers, not work.
        places: expect.any(Object),
      });
    expect((await refused(workOf(p.ctx(null)))).code).toBe("not_signed_in");
  });
});

describe("as things move on", () => {
  it("waits on a second bid opener once one confirms, asking the others to confirm as the second", async () => {
    await confirmOpening(p.ctx("opener"), COUNTY, DEMO_TENDER.closed);
    const first = await workAs("opener");
    expect(about(first.waiting, "awaiting-second-opener", DEMO_TENDER.closed)[0]?.details.confirmed).toEqual(
      clock.now(),
    );
    expect(kinds(first.todo)).not.toContain("confirm-opening");
    expect(about((await workAs("commissioner")).todo, "second-opening", DEMO_TENDER.closed)).toHaveLength(1);
    expect(kinds(all(await workAs("districtCommissioner")))).not.toContain("second-opening");
  });

  it("asks the commissioners who may read the opened bids to check their compliance", async () => {
    await confirmOpening(p.ctx("commissioner"), COUNTY, DEMO_TENDER.closed);
    for (const name of ["opener", "commissioner"])
      expect(kinds(all(await workAs(name))), name).not.toContain("second-opening");
    const [check] = about((await workAs("commissioner")).todo, "check-compliance", DEMO_TENDER.closed);
    expect(check?.href).toBe(
      `/authorities/westshire-county-council/tenders/${DEMO_TENDER.closed}/compliance`,
    );
    // Reading the bids would be refused (and recorded) for a commissioner who opens none; a bid
    // opener who is not a commissioner does not decide compliance.
    for (const name of ["commissionerOnly", "opener"])
      expect(kinds(all(await workAs(name))), name).not.toContain("check-compliance");
  });

  it("asks an evaluator newly assigned to declare any conflict before anything else", async () => {
    await assignEvaluator(p.ctx("commissioner"), COUNTY, DEMO_TENDER.opened, p.as("newEvaluator").userId);
    const work = await workAs("newEvaluator");
    expect(work.assigned?.assignments.map((a) => [a.tender.id, a.state])).toEqual([
      [DEMO_TENDER.opened, "declare"],
    ]);
    expect(about(work.todo, "declare-conflicts", DEMO_TENDER.opened)[0]?.href).toBe(
      `/authorities/westshire-county-council/tenders/${DEMO_TENDER.opened}/evaluation/declaration`,
    );
    expect(
      about((await workAs("commissioner")).waiting, "awaiting-scores", DEMO_TENDER.opened)[0]?.details,
    ).toEqual({ submitted: 0, evaluators: 2 });
  });

  it("asks the body to agree to a modification the authority proposes", async () => {
    await considerExpressionOfInterest(p.ctx("commissioner"), COUNTY, DEMO_EOI.employees, {
      consideredBy: "Director of Place",
      consideredOn: "2026-11-21",
      evidence: "The business plan and the parks' accounts.",
    });
    await proposeModification(p.ctx("commissioner"), COUNTY, DEMO_EOI.employees, {
      modification: "The mutual runs three of the four parks.",
      grounds: ["information-inadequate"],
    });
    const lead = await workAs("evaluator");
    expect(about(lead.todo, "agree-modification", DEMO_EOI.employees)).toHaveLength(1);
    expect(kinds(lead.waiting)).not.toContain("eoi-awaiting-decision");
    expect(kinds(all(await workAs("commissioner")))).not.toContain("agree-modification");
  });

  it("asks a colleague named as a co-signatory to confirm, and no one else", async () => {
    const draft = await draftChallenge(p.ctx("evaluator"), COUNTY, {
      serviceId: DEMO_SERVICE.countyLibraries,
      applicant: {
        type: "employees",
        coSignatories: [{ name: ROWAN.name, jobTitle: ROWAN.jobTitle, email: ROWAN.email }],
      },
      content: { serviceArea: "The county's libraries." },
    });
    expect(about((await workAs("rowan")).todo, "confirm-co-signature", draft.id)[0]?.href).toBe(
      `/authorities/westshire-county-council/right-to-challenge/${draft.id}`,
    );
    for (const name of ["evaluator", "commissioner", "orgAdmin"])
      expect(kinds(all(await workAs(name))), name).not.toContain("confirm-co-signature");
  });

  it("asks the regulator to correct the draft for a point it accepted; the provider no longer waits", async () => {
    const point = await t.db
      .selectFrom("accuracy_challenges")
      .select("id")
      .where("inspection_id", "=", DEMO_INSPECTION.clinicDraft)
      .where("outcome", "is", null)
      .executeTakeFirstOrThrow();
    await answerChallenge(p.ctx("regulator"), REGULATOR, DEMO_INSPECTION.clinicDraft, point.id, {
      outcome: "accepted",
      response: "The staffing figure is corrected.",
    });
    const regulator = await workAs("regulator");
    const [correct] = about(regulator.todo, "correct-draft-report", DEMO_INSPECTION.clinicDraft);
    expect(correct?.href).toMatch(/\/inspections\/[0-9a-f-]{36}\/correct$/);
    expect(correct?.details).toMatchObject({ count: 1 });
    expect(kinds(regulator.todo)).not.toContain("answer-accuracy-points");
    expect(kinds((await workAs("orgMember")).waiting)).not.toContain("points-awaiting-answer");
  });

  it("takes a tender from compliance to the award: evaluators to assign, scores awaited, moderation, the award", async () => {
    await p.add("checker", [
      { role: "commissioner", scopeId: COUNTY },
      { role: "bid-opener", scopeId: COUNTY },
    ]);
    for (const e of ["e1", "e2"]) await p.add(e, [{ role: "evaluator", scopeId: COUNTY }]);
    await p.add("charity", [{ role: "organisation-member", scopeId: DEMO_ORGANISATION.carersTrust }]);
    await p.add("mutual", [{ role: "organisation-admin", scopeId: DEMO_ORGANISATION.communityHealthMutual }]);
    await p.add("company", [{ role: "organisation-admin", scopeId: DEMO_ORGANISATION.homesGroup }]);
    // Published, bid for, opened (the clock now after its deadline) and every bid found compliant.
    const coast = await coastTender(
      p,
      clock,
      {
        charity: DEMO_ORGANISATION.carersTrust,
        mutual: DEMO_ORGANISATION.communityHealthMutual,
        company: DEMO_ORGANISATION.homesGroup,
      },
      [],
    );
    const { tenderId, bid, criteria } = coast;
    const checker = async () => workAs("checker");
    expect(about((await checker()).todo, "check-compliance", tenderId)).toHaveLength(1);

    await startEvaluation(p.ctx("checker"), COUNTY, tenderId, {});
    expect(kinds(about((await checker()).todo, "assign-evaluators", tenderId))).toEqual([
      "assign-evaluators",
    ]);
    expect(about((await checker()).todo, "check-compliance", tenderId)).toEqual([]);

    for (const e of ["e1", "e2"]) await assignEvaluator(p.ctx("checker"), COUNTY, tenderId, p.as(e).userId);
    expect(about((await workAs("e1")).todo, "declare-conflicts", tenderId)).toHaveLength(1);
    expect(about((await checker()).waiting, "awaiting-scores", tenderId)[0]?.details).toEqual({
      submitted: 0,
      evaluators: 2,
    });

    for (const e of ["e1", "e2"]) await declareConflicts(p.ctx(e), COUNTY, tenderId, { conflict: false });
    expect(about((await workAs("e1")).todo, "score-bids", tenderId)).toHaveLength(1);
    for (const e of ["e1", "e2"]) {
      for (const id of Object.values(bid))
        await recordScores(p.ctx(e), COUNTY, tenderId, id, scoresOf(criteria, 6));
      await submitScores(p.ctx(e), COUNTY, tenderId);
    }
    const e1 = await workAs("e1");
    expect(e1.assigned?.assignments.find((a) => a.tender.id === tenderId)?.state).toBe("submitted");
    expect(kinds(e1.todo)).not.toContain("score-bids");
    const [moderate] = about((await checker()).todo, "moderate", tenderId);
    expect(moderate).toMatchObject({
      href: `/authorities/westshire-county-council/tenders/${tenderId}/moderation`,
      details: { count: Object.keys(bid).length * criteria.length },
    });
    // A commissioner who may not read the bids is not asked to moderate them.
    expect(about((await workAs("commissionerOnly")).todo, "moderate", tenderId)).toEqual([]);

    for (const [who, score] of [
      ["charity", 7],
      ["mutual", 7],
      ["company", 5],
    ] as const)
      await moderateBid(
        p.ctx("checker"),
        COUNTY,
        tenderId,
        bid[who] as string,
        scoresOf(criteria, score, "Agreed"),
      );
    await decideTie(p.ctx("checker"), COUNTY, tenderId, {
      order: [bid.mutual as string, bid.charity as string],
      reason: "The mutual's staff retention plan is the more credible.",
    });
    expect(about((await checker()).todo, "decide-award", tenderId)[0]?.href).toBe(
      `/authorities/westshire-county-council/tenders/${tenderId}/ranking`,
    );

    const awarded = await awardTender(p.ctx("checker"), COUNTY, tenderId, {});
    const after = await checker();
    expect(kinds(about(after.todo, "decide-award", tenderId))).toEqual([]);
    expect(about(after.todo, "standstill-ending", tenderId)[0]?.due?.at).toEqual(awarded.standstillEndsAt);
    // The bidders' people see what their own organisation was told.
    const outcomeOf = async (name: string) =>
      (await workAs(name)).bids?.bids.find((b) => b.tender.id === tenderId)?.outcome?.outcome;
    expect(await outcomeOf("mutual")).toBe("won");
    expect(await outcomeOf("charity")).toBe("ranked");
    expect(await outcomeOf("company")).toBe("ranked");
  });

  it("asks the commissioners to enter a contract once an award's standstill is over", async () => {
    // The clock is past the demo award's standstill (it ended on 1 December 2026).
    const work = await workAs("commissioner");
    expect(about(work.todo, "standstill-ending", DEMO_AWARD_TENDER.standstill)).toEqual([]);
    const [enter] = work.todo.filter(
      (x) => x.kind === "enter-contract" && x.about.id === DEMO_AWARD.standstill,
    );
    expect(enter).toMatchObject({
      about: { type: "award", title: "Home nursing care in Wesford" },
      href: `/authorities/westshire-county-council/contracts/new?award=${DEMO_AWARD.standstill}`,
      details: { supplier: "Westshire Community Health CIC" },
    });
    expect(kinds(all(await workAs("districtCommissioner")))).not.toContain("enter-contract");
    expect(kinds(all(await workAs("orgAdmin")))).not.toContain("enter-contract");
  });
});
