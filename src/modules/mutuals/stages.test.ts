/**
 * The spin-out path's stages and its one transition rule, tried for every stage with everything
 * done, with each item missing in turn, and with nothing done; and the parent body's decision
 * period at its edges.
 */
import { describe, expect, it } from "vitest";
import { decisionDue, isDecisionOverdue } from "./decision-period.ts";
import { advance, checklistOf, FACT_ITEMS, type Facts, STAGE_IDS, STAGES, stageOfItem } from "./stages.ts";

const ALL_FACTS: Facts = { teamSize: 2, decision: "approved", staffTransferred: 10, mutualEvidenced: true };
const NO_FACTS: Facts = { teamSize: 1, decision: null, staffTransferred: null, mutualEvidenced: false };
const allTicks = new Set(
  STAGES.flatMap((s) => s.checklist.filter((c) => c.kind === "ticked").map((c) => c.id)),
);

/** The facts with one fact item not done. */
function factsWithout(item: string): Facts {
  switch (item) {
    case "team-of-two":
      return { ...ALL_FACTS, teamSize: 1 };
    case "body-approved":
      return { ...ALL_FACTS, decision: null };
    case "staff-counted":
      return { ...ALL_FACTS, staffTransferred: 0 };
    default:
      return { ...ALL_FACTS, mutualEvidenced: false };
  }
}

describe("the stages", () => {
  it("are the path of DOMAIN.md §7, in order, each item on one stage only", () => {
    expect(STAGE_IDS).toEqual([
      "idea",
      "business-case",
      "parent-body-approval",
      "staff-engagement",
      "tupe-pensions",
      "legal-form",
      "first-contract",
      "trading",
    ]);
    const items = STAGES.flatMap((s) => s.checklist.map((c) => c.id));
    expect(new Set(items).size).toBe(items.length);
    for (const f of FACT_ITEMS) expect(stageOfItem(f)?.item.kind).toBe("fact");
    expect(stageOfItem("new-fair-deal-confirmed")?.stage).toBe("tupe-pensions");
    expect(stageOfItem("no-such-item")).toBeNull();
  });

  for (const [i, stage] of STAGE_IDS.entries()) {
    const checklist = STAGES[i]?.checklist ?? [];
    if (stage === "trading") {
      it("trading is the last stage: nothing after it", () => {
        expect(advance(stage, allTicks, ALL_FACTS)).toEqual({ ok: false, reason: "last" });
      });
      continue;
    }
    describe(stage, () => {
      it("moves to the next stage when every item is done", () => {
        expect(advance(stage, allTicks, ALL_FACTS)).toEqual({ ok: true, to: STAGE_IDS[i + 1] });
      });
      for (const item of checklist)
        it(`stays, naming "${item.id}", when only it is missing`, () => {
          const ticks = new Set(allTicks);
          ticks.delete(item.id);
          const facts = item.kind === "fact" ? factsWithout(item.id) : ALL_FACTS;
          expect(advance(stage, ticks, facts)).toEqual({ ok: false, reason: "missing", missing: [item.id] });
        });
      it("names every item missing, in order, when nothing is done", () => {
        const step = advance(stage, new Set(), NO_FACTS);
        expect(step).toEqual({ ok: false, reason: "missing", missing: checklist.map((c) => c.id) });
        expect(checklistOf(stage, new Set(), NO_FACTS).every((c) => !c.done)).toBe(true);
      });
      it("ignores ticks of other stages' items", () => {
        const others = new Set([...allTicks].filter((t) => stageOfItem(t)?.stage !== stage));
        const step = advance(stage, others, ALL_FACTS);
        const ticked = checklist.filter((c) => c.kind === "ticked").map((c) => c.id);
        expect(step).toEqual(
          ticked.length
            ? { ok: false, reason: "missing", missing: ticked }
            : { ok: true, to: STAGE_IDS[i + 1] },
        );
      });
    });
  }

  it("keeps a refused proposal at parent body approval, whatever is ticked: its way on is an appeal", () => {
    expect(advance("parent-body-approval", allTicks, { ...ALL_FACTS, decision: "refused" })).toEqual({
      ok: false,
      reason: "refused",
    });
  });
});

describe("the decision period", () => {
  it("counts working days from the day asked, skipping weekends and bank holidays", () => {
    // Asked on Friday 18 December 2026: 5 working days skip the weekend, Christmas Day (Friday) and
    // the Boxing Day holiday moved to Monday 28th.
    expect(decisionDue("2026-12-18", 5, "england-and-wales")).toBe("2026-12-29");
    expect(decisionDue("2027-03-01", 30, "england-and-wales")).toBe("2027-04-14");
  });

  it("is overdue from the day after the last day, and never once decided", () => {
    expect(isDecisionOverdue("2027-04-14", false, "2027-04-14")).toBe(false);
    expect(isDecisionOverdue("2027-04-14", false, "2027-04-15")).toBe(true);
    expect(isDecisionOverdue("2027-04-14", true, "2027-05-01")).toBe(false);
    expect(isDecisionOverdue(null, false, "2027-05-01")).toBe(false);
  });
});
