/**
 * What the grants module lets the modules above it take part in (see src/lib/ports.ts); they are
 * connected in src/wiring.ts.
 */
import type { Db } from "../../db/database.ts";
import type { Clock } from "../../lib/clock.ts";
import { port } from "../../lib/ports.ts";

/**
 * Yes-or-no facts about an organisation that a programme's `fact` rules ask for (eligibility.ts),
 * from the modules that know them: the mutuals module answers "mutuals.first-contract" (still on its
 * first contract), say. Each handler answers the facts it knows among those asked (leaving out the
 * others), or undefined; the first answer given for a fact is the one used.
 */
export const eligibilityFacts =
  port<
    (
      db: Db,
      clock: Clock,
      organisationId: string,
      asked: readonly string[],
    ) => Promise<Record<string, boolean> | undefined>
  >("grant eligibility facts");
