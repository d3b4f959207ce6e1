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

/** What a higher module names for grants: stages advisers work at, and facts a rule may ask for. */
export interface SupportVocabulary {
  /**
   * The spin-out stages (their ids, in order) that advisers offer and adviser time is asked for;
   * their words are the owning module's (`mutuals.stage.<id>` in the locales).
   */
  stages?: readonly string[];
  /** The facts a programme's `fact` rules may ask for, each with its words (as a rule's label). */
  facts?: readonly { fact: string; label: string }[];
}

/** The mutuals module names the spin-out stages and its facts; read with `supportVocabularyOf`. */
export const supportVocabulary = port<() => SupportVocabulary>("grant support vocabulary");

/** Every handler's stages and facts, in the order plugged. */
export function supportVocabularyOf(): Required<SupportVocabulary> {
  const all = supportVocabulary.handlers.map((h) => h());
  return { stages: all.flatMap((v) => v.stages ?? []), facts: all.flatMap((v) => v.facts ?? []) };
}
