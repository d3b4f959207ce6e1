/**
 * The spin-out path's open figures (issue 20, item 9), read by the market's dashboard: proposals by
 * the stage they are at now (a refused one apart), the median days the stages took that are done,
 * and the survival of those that spun out. National: every authority's. Public.
 */
import type { Ctx } from "../access/context.ts";
import * as repo from "./mutuals.repository.ts";
import { SURVIVAL, type Survival } from "./mutuals.table.ts";
import { STAGES, type StageId } from "./stages.ts";

export interface StageFigure {
  /** A stage, or "refused" (at parent body approval, refused: its way on is an appeal). */
  stage: StageId | "refused";
  /** Proposals at it now. */
  proposals: number;
  /** Proposals that have moved on from it, and the median of the days each spent in it (null: none). */
  done: number;
  medianDays: number | null;
}

export interface SpinoutFigures {
  stages: StageFigure[];
  survival: { survival: Survival; mutuals: number }[];
}

/** Every authority's proposals by stage, the median days per stage done, and survival. Public. */
export async function spinoutFigures(ctx: Pick<Ctx, "db">): Promise<SpinoutFigures> {
  const [now, durations, survival] = [
    await repo.proposalsByStage(ctx.db),
    await repo.stageDurations(ctx.db),
    await repo.survivalCounts(ctx.db),
  ];
  const stages: StageFigure[] = [...STAGES.map((s) => s.id), "refused" as const].map((stage) => {
    const d = durations.find((r) => r.stage === stage);
    const median = d?.median_days;
    return {
      stage,
      proposals: now.find((r) => r.stage === stage)?.proposals ?? 0,
      done: d?.done ?? 0,
      // Half a day where the middle falls between two: rounded to the nearest whole day, halves up.
      medianDays: median === null || median === undefined ? null : Math.round(Number(median)),
    };
  });
  return {
    stages,
    survival: SURVIVAL.map((state) => ({
      survival: state,
      // Not recorded since it began trading: trading still (as its history panel shows it).
      mutuals: survival
        .filter((r) => (r.survival ?? "trading") === state)
        .reduce((sum, r) => sum + r.mutuals, 0),
    })),
  };
}
