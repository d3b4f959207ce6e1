/**
 * What the evaluation module asks of the modules above it (see src/lib/ports.ts); they are connected
 * in src/wiring.ts.
 */
import { port } from "../../lib/ports.ts";
import type { Ctx } from "../access/context.ts";

/** A tender's award that stands (not withdrawn): evaluation is over while there is one. */
export interface LiveAward {
  id: string;
  /** When its standstill period ends. */
  standstillEndsAt: Date;
}

/**
 * The tender's live award, if any (award). With `lock`, the award is locked for update in the
 * caller's transaction (`ctx.db`), so that nothing in evaluation changes once a tender is awarded.
 */
export const liveAward =
  port<
    (
      ctx: Ctx,
      authorityId: string,
      tenderId: string,
      options?: { lock?: boolean },
    ) => Promise<LiveAward | undefined>
  >("tender's live award");
