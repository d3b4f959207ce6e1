/**
 * The spin-out path's stages, as data (DOMAIN.md §7), and the one rule that moves a proposal along
 * them: a pure function, tested for every stage and every item missing (stages.test.ts).
 *
 * Each stage has its checklist. Most items are ticked by a team member (`kind: "ticked"`); a few are
 * facts the platform knows (`kind: "fact"`) and cannot be ticked: the team has two or more people,
 * the parent body approved (its decision, with reasons), the staff transferred are counted, the
 * mutual is in the directory and its evidence passes the public service mutual test (s.33 limbs).
 * A proposal moves to the next stage only when every item of its current stage is done; each item
 * missing is named. Trading is the last stage: a proposal there has spun out.
 */

export const STAGE_IDS = [
  "idea",
  "business-case",
  "parent-body-approval",
  "staff-engagement",
  "tupe-pensions",
  "legal-form",
  "first-contract",
  "trading",
] as const;
export type StageId = (typeof STAGE_IDS)[number];

/** The items whose being done the platform knows (never ticked by hand). */
export const FACT_ITEMS = ["team-of-two", "body-approved", "staff-counted", "mutual-evidenced"] as const;
export type FactItem = (typeof FACT_ITEMS)[number];

export interface ChecklistItem {
  id: string;
  kind: "ticked" | "fact";
}

const ticked = (id: string): ChecklistItem => ({ id, kind: "ticked" });
const fact = (id: FactItem): ChecklistItem => ({ id, kind: "fact" });

/** Each stage's checklist, in order. Item ids are unique across stages; their words are in the locales. */
export const STAGES: readonly { id: StageId; checklist: readonly ChecklistItem[] }[] = [
  { id: "idea", checklist: [fact("team-of-two"), ticked("idea-described"), ticked("service-users-asked")] },
  {
    id: "business-case",
    checklist: [ticked("business-case-written"), ticked("finances-modelled"), ticked("options-compared")],
  },
  { id: "parent-body-approval", checklist: [ticked("case-sent-to-body"), fact("body-approved")] },
  {
    id: "staff-engagement",
    checklist: [ticked("staff-consulted"), ticked("ballot-held"), ticked("ballot-in-favour")],
  },
  {
    id: "tupe-pensions",
    checklist: [ticked("tupe-information-shared"), ticked("new-fair-deal-confirmed"), fact("staff-counted")],
  },
  {
    id: "legal-form",
    checklist: [ticked("legal-form-chosen"), ticked("governance-agreed"), fact("mutual-evidenced")],
  },
  { id: "first-contract", checklist: [ticked("first-contract-signed")] },
  { id: "trading", checklist: [] },
];

export function stageOf(id: StageId): { id: StageId; checklist: readonly ChecklistItem[] } {
  return STAGES.find((s) => s.id === id) as { id: StageId; checklist: readonly ChecklistItem[] };
}

export function isStageId(value: unknown): value is StageId {
  return typeof value === "string" && (STAGE_IDS as readonly string[]).includes(value);
}

/** The stage after `id`, or null after trading. */
export function nextStageOf(id: StageId): StageId | null {
  return STAGE_IDS[STAGE_IDS.indexOf(id) + 1] ?? null;
}

/** The stage an item is on, if it is one. */
export function stageOfItem(item: string): { stage: StageId; item: ChecklistItem } | null {
  for (const s of STAGES) {
    const found = s.checklist.find((c) => c.id === item);
    if (found) return { stage: s.id, item: found };
  }
  return null;
}

/** What the platform knows of a proposal, for its fact items. */
export interface Facts {
  teamSize: number;
  decision: "approved" | "refused" | null;
  staffTransferred: number | null;
  /** The mutual is an organisation in the directory whose evidence passes the mutual test. */
  mutualEvidenced: boolean;
}

export function factDone(item: FactItem, facts: Facts): boolean {
  switch (item) {
    case "team-of-two":
      return facts.teamSize >= 2;
    case "body-approved":
      return facts.decision === "approved";
    case "staff-counted":
      return facts.staffTransferred !== null && facts.staffTransferred > 0;
    case "mutual-evidenced":
      return facts.mutualEvidenced;
  }
}

/** Each item of a stage, done or not: ticked items by `ticks`, facts by `facts`. */
export function checklistOf(
  stage: StageId,
  ticks: ReadonlySet<string>,
  facts: Facts,
): { id: string; kind: "ticked" | "fact"; done: boolean }[] {
  return stageOf(stage).checklist.map((c) => ({
    ...c,
    done: c.kind === "fact" ? factDone(c.id as FactItem, facts) : ticks.has(c.id),
  }));
}

export type Advance =
  | { ok: true; to: StageId }
  | { ok: false; reason: "missing"; missing: string[] }
  | { ok: false; reason: "refused" }
  | { ok: false; reason: "last" };

/**
 * May a proposal at `stage` move on? To the next stage when every item of its stage is done;
 * otherwise each item missing, in order. A proposal the parent body refused stays where it is
 * (its way on is an appeal); trading is the last stage.
 */
export function advance(stage: StageId, ticks: ReadonlySet<string>, facts: Facts): Advance {
  const to = nextStageOf(stage);
  if (to === null) return { ok: false, reason: "last" };
  if (stage === "parent-body-approval" && facts.decision === "refused")
    return { ok: false, reason: "refused" };
  const missing = checklistOf(stage, ticks, facts)
    .filter((c) => !c.done)
    .map((c) => c.id);
  return missing.length > 0 ? { ok: false, reason: "missing", missing } : { ok: true, to };
}
