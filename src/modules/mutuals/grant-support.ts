/**
 * What the mutuals module tells the grants module (plugged into its ports in src/wiring.ts): the
 * facts a support programme's eligibility rules ask about a mutual (`eligibilityFacts`), and the
 * spin-out stages and facts the programme form and adviser matching offer (`supportVocabulary`).
 *
 * The Mutuals Support Programme's rule "within 5 years of spin-out or still on its first contract":
 * - `mutuals.spun-out-within-5-years`: the organisation spun out through the platform (its proposal
 *   reached trading) at most 5 years before today, to the day — the fifth anniversary still counts,
 *   the day after does not. Not answered for an organisation that did not spin out here (the
 *   directory's `age-at-most` rule reads its evidence's spin-out date instead);
 * - `mutuals.first-contract`: the organisation leads exactly one contract, and it has not ended
 *   (not started yet, or active). None, or a second one, is "no"; one that ended is "no".
 */
import type { Db } from "../../db/database.ts";
import type { Clock } from "../../lib/clock.ts";
import { londonToday } from "../../lib/london-time.ts";
import { contractsWithRatingsOf } from "../contracts/provider-contracts.service.ts";
import { wholeYearsBetween } from "../grants/eligibility.ts";
import type { SupportVocabulary } from "../grants/grants.ports.ts";
import * as repo from "./mutuals.repository.ts";
import { STAGE_IDS } from "./stages.ts";

export const FIRST_CONTRACT = "mutuals.first-contract";
export const WITHIN_FIVE_YEARS = "mutuals.spun-out-within-5-years";

/** Whether `on` is at most `years` whole years after `from`, the anniversary itself counting. */
export function withinYearsOf(from: string, on: string, years: number): boolean {
  const whole = wholeYearsBetween(from, on);
  return whole < years || (whole === years && on.slice(5) === from.slice(5));
}

/** Whether an organisation is still on its first contract: it leads exactly one, not ended. */
export function stillOnFirstContract(contracts: readonly { state: string }[]): boolean {
  return contracts.length === 1 && ["not-started", "active"].includes(contracts[0]?.state ?? "");
}

/** The grants `eligibilityFacts` handler: the facts above that were asked, as far as known. */
export async function mutualsEligibilityFacts(
  db: Db,
  clock: Clock,
  organisationId: string,
  asked: readonly string[],
): Promise<Record<string, boolean> | undefined> {
  const facts: Record<string, boolean> = {};
  if (asked.includes(FIRST_CONTRACT)) {
    const contracts = await contractsWithRatingsOf({ db, clock, principal: null }, organisationId);
    facts[FIRST_CONTRACT] = stillOnFirstContract(contracts);
  }
  if (asked.includes(WITHIN_FIVE_YEARS)) {
    const proposal = await repo.spunOutAs(db, organisationId);
    if (proposal?.spun_out_on)
      facts[WITHIN_FIVE_YEARS] = withinYearsOf(proposal.spun_out_on, londonToday(clock), 5);
  }
  return Object.keys(facts).length > 0 ? facts : undefined;
}

/** The grants `supportVocabulary` handler: the spin-out stages, and the facts answered above. */
export function mutualsSupportVocabulary(): SupportVocabulary {
  return {
    stages: STAGE_IDS,
    facts: [
      { fact: WITHIN_FIVE_YEARS, label: "the organisation spun out through the platform within 5 years" },
      { fact: FIRST_CONTRACT, label: "the organisation is still on its first contract" },
    ],
  };
}
