/**
 * Grants on the demo data (one seeded app for the file): the demo programme's awards against its
 * budget; applications refused for what they lack (eligibility named rule by rule, matched funding
 * to the penny, a programme not open); awards never beyond the budget, even two deciding at once;
 * payments written once per key and never beyond the award; and the 360Giving package validated
 * against the shipped schema and against the standard's own copy; a programme changed only while
 * nothing is awarded; advisers matched by stage and service area, assigned, accepted, and the
 * response times measured.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { createUser } from "../../../tests/support/auth.ts";
import { ctxFor, principalOf } from "../../../tests/support/principals.ts";
import { refused } from "../../../tests/support/refused.ts";
import { fixedClock } from "../../lib/clock.ts";
import { addDays, addMonths, londonDate, londonToday } from "../../lib/london-time.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_COMMUNITY_BUDGET } from "../../seed/demo/community-budgets.ts";
import { DEMO_GRANTS } from "../../seed/demo/grants.ts";
import { DEMO_ORGANISATION as DEMO_ORGS } from "../../seed/demo/organisations.ts";
import { DEMO_ORGANISATION, DEMO_PROVIDER_GREENWAY } from "../../seed/demo/users.ts";
import type { Ctx } from "../access/context.ts";
import {
  acceptAdvice,
  adviserMatches,
  adviserResponseTimes,
  assignAdviser,
  median,
  setAdviserOffer,
} from "./advisers.service.ts";
import { reviewEndReport, submitEndReport } from "./end-reports.service.ts";
import { compilePackageCheck, packageProblems, poundsOf } from "./giving360.ts";
import {
  applicationOf,
  apply,
  createProgramme,
  decide,
  givingPage,
  matchedFundingNeeded,
  programmeView,
  recordPayment,
  updateProgramme,
} from "./grants.service.ts";

const COUNTY = DEMO_AUTHORITY.county;
let t: TestApp;
const ctx: Record<string, Ctx> = {};

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  const make = async (key: string, role: string, scopeId: string) => {
    const user = await createUser(t.deps.db, {
      grants: [{ role: role as never, scopeId }],
      displayName: key,
    });
    ctx[key] = ctxFor(t.deps.db, t.deps.clock, await principalOf(t.deps.db, user.id));
  };
  await make("commissioner", "commissioner", COUNTY);
  await make("otherCommissioner", "commissioner", DEMO_AUTHORITY.district);
  await make("mutual", "organisation-admin", DEMO_ORGANISATION);
  await make("greenway", "organisation-admin", DEMO_PROVIDER_GREENWAY);
  await make("carers", "organisation-admin", DEMO_ORGS.carersTrust);
});

afterAll(async () => {
  await t?.close();
});

/** A small programme of the county's, open today, for one test. */
function countyProgramme(budget: string, matchedFunding = "25", supportKinds = ["grant"]) {
  return createProgramme(
    ctx.commissioner as Ctx,
    { authorityId: COUNTY },
    {
      title: "Test programme",
      description: "",
      budget,
      opensOn: "2026-11-01",
      closesOn: "2026-12-31",
      matchedFunding,
      supportKinds,
      eligibility: [{ kind: "sector-in", sectors: ["public-service-mutual"] }],
    },
  );
}

const asking = (amount: string, matched: string) => ({
  organisationId: DEMO_ORGANISATION,
  supportKind: "grant",
  purpose: "Legal advice on the spin-out's legal form.",
  amount,
  matched,
});

describe("the demo programme", () => {
  it("has two awards against its £500,000.00 budget and one refusal", async () => {
    const v = await programmeView(ctx.mutual as Ctx, DEMO_GRANTS.programme);
    expect([v.programme.budget_pence, v.programme.awarded_pence, v.leftPence]).toEqual([
      50_000_000n,
      7_250_000n,
      42_750_000n,
    ]);
    const refusal = await applicationOf(ctx.mutual as Ctx, DEMO_GRANTS.programme, DEMO_GRANTS.workingCapital);
    expect(refusal.application.status).toBe("refused");
    expect(refusal.application.reasons).toMatch(/not working capital/);
    const paid = await applicationOf(ctx.mutual as Ctx, DEMO_GRANTS.programme, DEMO_GRANTS.businessCase);
    expect([paid.application.awarded_pence, paid.paidPence]).toEqual([6_000_000n, 3_000_000n]);
  });

  it("is not shown to another organisation's people, nor decided by another authority", async () => {
    expect(
      (await refused(applicationOf(ctx.greenway as Ctx, DEMO_GRANTS.programme, DEMO_GRANTS.businessCase)))
        .name,
    ).toBe("NotFoundError");
    const e = await refused(
      decide(ctx.otherCommissioner as Ctx, DEMO_GRANTS.programme, DEMO_GRANTS.adviser, {
        decision: "refuse",
        reasons: "No.",
      }),
    );
    expect(e.name).toBe("ForbiddenError");
  });
});

describe("applying", () => {
  it("names each eligibility rule an organisation fails", async () => {
    const e = await refused(
      apply(ctx.greenway as Ctx, DEMO_GRANTS.programme, {
        ...asking("1000", "250"),
        organisationId: DEMO_PROVIDER_GREENWAY,
      }),
    );
    expect(e.name).toBe("UnprocessableError");
    expect(e.details.map((d) => d.message)).toEqual([
      "The programme is for organisations of these sectors only: public-service-mutual, co-operative, social-enterprise",
      "The organisation meets none of the programme's alternatives",
      "The programme is for organisations that began at most 15 years ago, and the directory does not know when this one began: record its spin-out date with its mutual evidence",
      "The programme asks that the organisation is still on its first contract, and this is not so",
    ]);
  });

  it("asks for matched funding of the programme's share, rounded up to the penny", async () => {
    expect(matchedFundingNeeded(10_001n, 2500)).toBe(2501n);
    expect(matchedFundingNeeded(10_000n, 2500)).toBe(2500n);
    expect(matchedFundingNeeded(1n, 1)).toBe(1n);
    const p = await countyProgramme("1000");
    const e = await refused(apply(ctx.mutual as Ctx, p.id, asking("100.01", "25.00")));
    expect([e.name, e.details[0]?.message]).toEqual([
      "UnprocessableError",
      "Offer at least £25.01 of matched funding: the programme asks applicants to fund 25% of the amount themselves",
    ]);
    expect((await apply(ctx.mutual as Ctx, p.id, asking("100.01", "25.01"))).matched_pence).toBe(2501n);
  });

  it("is refused by someone who does not administer the organisation, and outside the programme's dates", async () => {
    const p = await countyProgramme("1000");
    expect((await refused(apply(ctx.greenway as Ctx, p.id, asking("10", "5")))).name).toBe("ForbiddenError");
    const later = ctxFor(
      t.deps.db,
      { now: () => new Date("2027-01-01T12:00:00Z") },
      (ctx.mutual as Ctx).principal,
    );
    const e = await refused(apply(later, p.id, asking("10", "5")));
    expect([e.name, e.message]).toEqual([
      "ConflictError",
      "The programme takes applications from 2026-11-01 to 2026-12-31",
    ]);
  });
});

describe("awards against the budget", () => {
  it("never go beyond it, even when two are decided at once: the second is told what is left", async () => {
    const p = await countyProgramme("100", "0");
    const a = await apply(ctx.mutual as Ctx, p.id, asking("60", "0"));
    const b = await apply(ctx.mutual as Ctx, p.id, asking("60", "0"));
    const outcomes = await Promise.allSettled([
      decide(ctx.commissioner as Ctx, p.id, a.id, { decision: "award", amount: "60" }),
      decide(ctx.commissioner as Ctx, p.id, b.id, { decision: "award", amount: "60" }),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(["fulfilled", "rejected"]);
    const lost = outcomes.find((o) => o.status === "rejected") as PromiseRejectedResult;
    expect(lost.reason.message).toBe(
      "Award at most £40.00: that is what is left of the programme's budget of £100.00",
    );
    expect((await programmeView(ctx.commissioner as Ctx, p.id)).leftPence).toBe(4000n);
    const second = outcomes[0]?.status === "rejected" ? a : b;
    const awarded = await decide(ctx.commissioner as Ctx, p.id, second.id, {
      decision: "award",
      amount: "40",
    });
    expect(awarded.application.awarded_pence).toBe(4000n);
    expect((await programmeView(ctx.commissioner as Ctx, p.id)).leftPence).toBe(0n);
    const again = await refused(
      decide(ctx.commissioner as Ctx, p.id, second.id, { decision: "refuse", reasons: "x" }),
    );
    expect(again.name).toBe("ConflictError");
  });

  it("refuse an award whose applicant's matched funding falls short of it, and a refusal without reasons", async () => {
    const p = await countyProgramme("1000", "50");
    const a = await apply(ctx.mutual as Ctx, p.id, asking("100", "50"));
    expect(
      (await refused(decide(ctx.commissioner as Ctx, p.id, a.id, { decision: "refuse" }))).details,
    ).toEqual([{ field: "reasons", message: "Give the reasons for refusing, in up to 5,000 characters" }]);
    const e = await refused(
      decide(ctx.commissioner as Ctx, p.id, a.id, { decision: "award", amount: "150" }),
    );
    expect(e.message).toBe("Award at most the £100.00 asked for");
  });
});

describe("payments of an award", () => {
  it("are written once per key, and never add up to more than the award", async () => {
    const p = await countyProgramme("1000", "0");
    const a = await apply(ctx.mutual as Ctx, p.id, asking("100", "0"));
    await decide(ctx.commissioner as Ctx, p.id, a.id, { decision: "award", amount: "100" });
    const pay = (key: string, amount: string) =>
      recordPayment(ctx.commissioner as Ctx, p.id, a.id, key, { amount, paidOn: "2026-11-22" });
    const first = await pay("first-instalment", "60");
    expect(first.replayed).toBe(false);
    const again = await pay("first-instalment", "60");
    expect([again.replayed, again.payment.id]).toEqual([true, first.payment.id]);
    expect((await refused(pay("first-instalment", "61"))).name).toBe("ConflictError");
    expect((await refused(pay("second-instalment", "40.01"))).message).toBe(
      "Pay at most £40.00: that is what is left to pay of the £100.00 awarded",
    );
    await pay("second-instalment", "40");
    expect((await applicationOf(ctx.commissioner as Ctx, p.id, a.id)).paidPence).toBe(10_000n);
  });
});

describe("360Giving", () => {
  it("publishes awarded grants that validate against the shipped schema and the standard's own copy", async () => {
    const { package: pkg } = await givingPage(ctx.mutual as Ctx, { funderId: DEMO_AUTHORITY.department });
    expect(pkg.grants.map((g) => [g.id, g.amountAwarded])).toEqual([
      [`360G-openps-${DEMO_AUTHORITY.department}-${DEMO_GRANTS.businessCase}`, 60000],
      [`360G-openps-${DEMO_AUTHORITY.department}-${DEMO_GRANTS.adviser}`, 12500],
    ]);
    const first = pkg.grants[0] as Record<string, unknown>;
    expect(first.recipientOrganization).toEqual([
      { id: "GB-COH-08123456", name: "Westshire Community Health CIC", companyNumber: "08123456" },
    ]);
    expect(first.fundingOrganization).toEqual([
      { id: "GB-GOR-D9999", name: "Department for Work and Skills" },
    ]);
    expect(packageProblems(pkg)).toEqual([]);
    const standard = compilePackageCheck(path.resolve(import.meta.dirname, "../../../../shared/360giving"));
    expect(packageProblems(pkg, standard)).toEqual([]);
    // A grant without its amount is refused by the same check.
    const broken = { ...pkg, grants: [{ ...first, amountAwarded: "60000" }] };
    expect(packageProblems(broken, standard).map((p) => p.path)).toContain("/grants/0/amountAwarded");
  });

  it("publishes a grant paid from a community budget as from the pool: its partners as funders, the pool as a programme", async () => {
    const { package: pkg } = await givingPage(ctx.mutual as Ctx, {
      funderId: COUNTY,
      baseUrl: "https://openps.example/",
    });
    const cafe = pkg.grants.find((g) => String(g.id).endsWith(DEMO_GRANTS.carersCafe)) as Record<
      string,
      unknown
    >;
    // The programme's funder first, then the pool's other partners, each once (the county is both).
    expect((cafe.fundingOrganization as { name: string }[]).map((o) => o.name)).toEqual([
      "Westshire County Council",
      "NHS Westshire Integrated Care Board",
      "Millbrook District Council",
      "Department for Work and Skills",
    ]);
    expect(cafe.grantProgramme).toEqual([
      {
        code: `360G-openps-programme-${DEMO_GRANTS.communityProgramme}`,
        title: "Westshire Community Grants",
      },
      {
        code: `360G-openps-community-budget-${DEMO_COMMUNITY_BUDGET}`,
        title: "Westshire Together: living well at home",
        url: `https://openps.example/community-budgets/${DEMO_COMMUNITY_BUDGET}`,
      },
    ]);
    // £4,800 split 400:300:50:200 as the ledger split it: the pence left over to the largest remainders.
    const [funding] = cafe.poolFunding as { amount: number; shares: { name: string; amount: number }[] }[];
    expect(funding?.amount).toBe(4800);
    expect(funding?.shares.map((x) => [x.name, x.amount])).toEqual([
      ["Westshire County Council", 2021.05],
      ["NHS Westshire Integrated Care Board", 1515.79],
      ["Millbrook District Council", 252.63],
      ["Department for Work and Skills", 1010.53],
    ]);
    expect(packageProblems(pkg)).toEqual([]);
    const standard = compilePackageCheck(path.resolve(import.meta.dirname, "../../../../shared/360giving"));
    expect(packageProblems(pkg, standard)).toEqual([]);
  });

  it("writes pounds from pence exactly", () => {
    expect([poundsOf(123_456n), poundsOf(1n), poundsOf(10n), poundsOf(900_719_925_474_099n)]).toEqual([
      1234.56, 0.01, 0.1, 9_007_199_254_740.99,
    ]);
    expect(JSON.stringify(poundsOf(2_000_000_001n))).toBe("20000000.01");
  });
});

describe("end reports", () => {
  it("the demo's: the carers' café's accepted, the transport grant's due 12 months after its award", async () => {
    const cafe = await applicationOf(
      ctx.carers as Ctx,
      DEMO_GRANTS.communityProgramme,
      DEMO_GRANTS.carersCafe,
    );
    expect(cafe.endReportStanding).toBe("accepted");
    expect(cafe.endReports.map((r) => [r.seq, r.status, r.spent_pence, r.reached])).toEqual([
      [1, "accepted", 465_000n, 46],
    ]);
    expect(cafe.endReports[0]?.conditions).toEqual([
      { met: true, note: "Attendance figures sent to the county each quarter." },
    ]);
    const transport = await applicationOf(
      ctx.commissioner as Ctx,
      DEMO_GRANTS.communityProgramme,
      DEMO_GRANTS.transport,
    );
    const awardDay = londonDate(transport.application.decided_at as Date);
    expect(transport.application.end_report_due_on).toBe(addMonths(awardDay, 12));
    expect(transport.endReportStanding).toBe("due");
  });

  it("submitted by the recipient, returned with reasons, submitted again and accepted; each step audited and told", async () => {
    const today = londonToday(t.deps.clock);
    const p = await countyProgramme("1000", "0");
    const a = await apply(ctx.mutual as Ctx, p.id, asking("500", "0"));
    // A due day not after today is refused; the funder sets one a month away.
    expect(
      (
        await refused(
          decide(ctx.commissioner as Ctx, p.id, a.id, {
            decision: "award",
            amount: "500",
            endReportDue: today,
          }),
        )
      ).details,
    ).toEqual([{ field: "endReportDue", message: "Enter a day after today for the end report" }]);
    const due = addDays(today, 30);
    await decide(ctx.commissioner as Ctx, p.id, a.id, {
      decision: "award",
      amount: "500",
      conditions: "- Share the figures each quarter.\n- Name the county in publicity.",
      endReportDue: due,
    });
    const report = {
      whatItDid: "Four staff engagement events before the ballot.",
      spent: "480",
      reached: "120",
      conditions: [
        { met: "yes", note: "" },
        { met: "no", note: "" },
      ],
      coversTo: today,
    };
    // Each field to fix named: a condition not met needs a note; a day in the future is refused.
    const bad = await refused(
      submitEndReport(ctx.mutual as Ctx, p.id, a.id, {
        ...report,
        spent: "lots",
        coversTo: addDays(today, 1),
      }),
    );
    expect(bad.details.map((d) => d.field)).toEqual(["spent", "conditions.1.note", "coversTo"]);
    expect(bad.details[1]?.message).toBe("Say why this condition was not met: Name the county in publicity.");
    // Only the recipient's administrators submit; the funder's people review.
    expect((await refused(submitEndReport(ctx.commissioner as Ctx, p.id, a.id, report))).name).toBe(
      "ForbiddenError",
    );
    const withNote = {
      ...report,
      conditions: [{ met: "yes" }, { met: "no", note: "The leaflets were printed before the award." }],
    };
    const sent = await submitEndReport(ctx.mutual as Ctx, p.id, a.id, withNote);
    expect([sent.endReportStanding, sent.endReports.length]).toEqual(["submitted", 1]);
    expect((await refused(submitEndReport(ctx.mutual as Ctx, p.id, a.id, withNote))).code).toBe(
      "end_report_waiting",
    );
    expect(
      (await refused(reviewEndReport(ctx.otherCommissioner as Ctx, p.id, a.id, { decision: "accept" }))).name,
    ).toBe("ForbiddenError");
    expect(
      (await refused(reviewEndReport(ctx.commissioner as Ctx, p.id, a.id, { decision: "return" }))).details,
    ).toEqual([
      { field: "reviewReasons", message: "Say what to change in the end report, in up to 5,000 characters" },
    ]);
    const returned = await reviewEndReport(ctx.commissioner as Ctx, p.id, a.id, {
      decision: "return",
      reasons: "Say how many of the 120 came to more than one event.",
    });
    expect(returned.endReportStanding).toBe("due");
    const again = await submitEndReport(ctx.mutual as Ctx, p.id, a.id, {
      ...withNote,
      whatItDid: "Four events: 120 staff came, 70 of them to more than one.",
    });
    expect(again.endReports.map((r) => [r.seq, r.status])).toEqual([
      [1, "returned"],
      [2, "submitted"],
    ]);
    const accepted = await reviewEndReport(ctx.commissioner as Ctx, p.id, a.id, { decision: "accept" });
    expect(accepted.endReportStanding).toBe("accepted");
    expect(
      (await refused(reviewEndReport(ctx.commissioner as Ctx, p.id, a.id, { decision: "accept" }))).code,
    ).toBe("no_end_report_waiting");
    const audit = await t.deps.db
      .selectFrom("audit_events")
      .select("action")
      .where("entity_id", "=", a.id)
      .where("action", "like", "grants.end-report-%")
      .orderBy("seq")
      .execute();
    expect(audit.map((x) => x.action)).toEqual([
      "grants.end-report-submitted",
      "grants.end-report-returned",
      "grants.end-report-submitted",
      "grants.end-report-accepted",
    ]);
    const told = await t.deps.db
      .selectFrom("notifications")
      .select(["kind", "subject"])
      .where("link", "=", `/grants/${p.id}/applications/${a.id}`)
      .where("kind", "like", "grants.end-report-%")
      .orderBy("created_at")
      .execute();
    expect(told.map((n) => n.subject)).toContain("Changes asked to your end report: Test programme");
    expect(told.map((n) => n.subject)).toContain("End report accepted: Test programme");
    expect(told.map((n) => n.subject)).toContain(
      "End report to review: Westshire Community Health CIC, Test programme",
    );
  });

  it("is overdue once its due day has passed with none submitted", async () => {
    const today = londonToday(t.deps.clock);
    const p = await countyProgramme("1000", "0");
    const a = await apply(ctx.mutual as Ctx, p.id, asking("100", "0"));
    await decide(ctx.commissioner as Ctx, p.id, a.id, {
      decision: "award",
      amount: "100",
      endReportDue: addDays(today, 1),
    });
    const later = (days: number) =>
      ctxFor(
        t.deps.db,
        fixedClock(new Date(t.deps.clock.now().getTime() + days * 86_400_000)),
        ctx.mutual?.principal ?? null,
      );
    expect((await applicationOf(later(1), p.id, a.id)).endReportStanding).toBe("due");
    expect((await applicationOf(later(2), p.id, a.id)).endReportStanding).toBe("overdue");
  });
});

describe("changing a programme", () => {
  it("changes it while nothing is awarded, and refuses once something is", async () => {
    const p = await countyProgramme("1000", "0");
    const change = {
      title: "Test programme, widened",
      budget: "2000",
      opensOn: "2026-11-01",
      closesOn: "2027-01-31",
      matchedFunding: "10",
      supportKinds: ["grant", "adviser-time"],
      eligibility: [],
    };
    const changed = await updateProgramme(ctx.commissioner as Ctx, p.id, change);
    expect([changed.budget_pence, changed.closes_on, changed.matched_funding_bp]).toEqual([
      200_000n,
      "2027-01-31",
      1000,
    ]);
    expect((await refused(updateProgramme(ctx.otherCommissioner as Ctx, p.id, change))).name).toBe(
      "ForbiddenError",
    );
    const a = await apply(ctx.mutual as Ctx, p.id, asking("100", "10"));
    await decide(ctx.commissioner as Ctx, p.id, a.id, { decision: "award", amount: "100" });
    const e = await refused(updateProgramme(ctx.commissioner as Ctx, p.id, { ...change, budget: "50" }));
    expect([e.name, e.message]).toEqual([
      "ConflictError",
      "The programme has awarded support already: its budget, dates and rules stay as they were",
    ]);
  });
});

describe("advisers", () => {
  const at = (c: Ctx, iso: string): Ctx => ({ ...c, clock: fixedClock(new Date(iso)) });

  it("are matched by stage and service area, assigned, accepted, and their response times measured", async () => {
    // Greenway (the demo) offers TUPE and pensions, and the first contract, in community health and
    // care at home; the carers' trust offers the business case in community health: no match.
    await setAdviserOffer(ctx.carers as Ctx, DEMO_ORGS.carersTrust, {
      stages: ["business-case"],
      serviceAreas: ["community-health"],
    });
    expect(
      (await refused(setAdviserOffer(ctx.carers as Ctx, DEMO_ORGS.carersTrust, { stages: ["lunch"] })))
        .details,
    ).toEqual([
      { field: "stages", message: "Choose the stages of spinning out you advise on" },
      { field: "serviceAreas", message: "Choose the service areas you advise on" },
    ]);
    const p = await countyProgramme("1000", "0", ["adviser-time"]);
    const advice = { ...asking("100", "0"), supportKind: "adviser-time" };
    expect(
      (await refused(apply(ctx.mutual as Ctx, p.id, { ...advice, adviceStage: "lunch" }))).details,
    ).toEqual([
      { field: "adviceStage", message: "Choose the stage of spinning out the adviser is for" },
      { field: "adviceArea", message: "Choose the service area the adviser is for" },
    ]);
    const a = await apply(at(ctx.mutual as Ctx, "2026-11-23T09:00:00Z"), p.id, {
      ...advice,
      adviceStage: "tupe-pensions",
      adviceArea: "community-health",
    });
    expect(await adviserMatches(ctx.commissioner as Ctx, p.id, a.id)).toEqual([
      { id: DEMO_PROVIDER_GREENWAY, name: "Greenway Home Care Ltd" },
    ]);
    const assign = (c: Ctx, adviserOrganisationId: string) =>
      assignAdviser(c, p.id, a.id, { adviserOrganisationId });
    expect((await refused(assign(ctx.commissioner as Ctx, DEMO_PROVIDER_GREENWAY))).message).toBe(
      "Award the adviser time before assigning an adviser",
    );
    await decide(ctx.commissioner as Ctx, p.id, a.id, { decision: "award", amount: "100" });
    expect((await refused(assign(ctx.commissioner as Ctx, DEMO_ORGS.carersTrust))).message).toBe(
      "Choose one of the advisers offering this stage and service area",
    );
    await assign(at(ctx.commissioner as Ctx, "2026-11-25T09:00:00Z"), DEMO_PROVIDER_GREENWAY);
    expect((await refused(acceptAdvice(ctx.carers as Ctx, p.id, a.id))).name).toBe("ForbiddenError");
    await acceptAdvice(at(ctx.greenway as Ctx, "2026-11-26T09:00:00Z"), p.id, a.id);
    expect((await refused(acceptAdvice(ctx.greenway as Ctx, p.id, a.id))).name).toBe("ConflictError");
    const seen = await applicationOf(ctx.greenway as Ctx, p.id, a.id);
    expect([seen.adviser?.name, seen.adviser?.accepted_at]).toEqual([
      "Greenway Home Care Ltd",
      new Date("2026-11-26T09:00:00Z"),
    ]);
    expect(await adviserResponseTimes(ctx.mutual as Ctx, p.id)).toEqual({
      asked: 1,
      assigned: 1,
      accepted: 1,
      toAssignHours: 48,
      toAcceptHours: 24,
      totalHours: 72,
    });
    // The demo's request: assigned two days after its award, accepted two days later.
    const demo = await adviserResponseTimes(ctx.mutual as Ctx, DEMO_GRANTS.programme);
    expect([demo.asked, demo.accepted, demo.toAcceptHours]).toEqual([1, 1, 48]);
  });

  it("take the median of the middle two for an even count", () => {
    expect([median([]), median([5]), median([1, 9, 3, 4])]).toEqual([null, 5, 3.5]);
  });
});
