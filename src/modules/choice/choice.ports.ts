/**
 * What the choice module lets the modules above it take part in (see src/lib/ports.ts); they are
 * connected in src/wiring.ts.
 */
import { port } from "../../lib/ports.ts";
import type { Ctx } from "../access/context.ts";

/** Feedback from other users about a provider, as a list's page and its comparison show it. */
export interface FeedbackSummary {
  organisationId: string;
  /** How many published reviews. */
  reviews: number;
  /** Their average, in whole stars out of 5, or null when none. */
  averageStars: number | null;
  /** Where to read them: a path on this site. */
  link: string;
}

/**
 * Feedback from other users beside the regulator's ratings (issue 17, item 8): the voice module
 * plugs in here once it exists; until then nothing is plugged and the pages say there is no
 * feedback yet.
 */
export const memberFeedback = port<
  (ctx: Ctx, organisationIds: readonly string[]) => Promise<FeedbackSummary[]>
>("feedback from other users on providers");
