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

/** A partner of a pool that paid a grant, and its share of what the pool paid. */
export interface GrantFunder {
  /** The partner: an authority of the platform (its org-id identifier is read by its id). */
  authorityId: string;
  name: string;
  /** Its share of the pool's spends naming the grant, in pence (the ledger's split). */
  pence: bigint;
}

/**
 * A pool of money (a community budget) that paid a grant, in whole or in part: its id, title and
 * path (its page, "/community-budgets/{id}"), and each of its partners' shares of what it paid of
 * the grant, in the partners' order, every share more than nothing.
 */
export interface GrantFunding {
  id: string;
  title: string;
  path: string;
  funders: GrantFunder[];
}

/**
 * Who else funded awarded grants: for each grant (an application's id) among those asked, the pools
 * that paid it — the community-budgets module answers, from its spends naming a grant and its
 * ledger's lines (src/modules/community-budgets/grant-funding.ts), one query for all the grants
 * asked. A grant no pool paid is left out. 360Giving lists the pools' partners as further funders.
 */
export const grantFunding =
  port<(db: Db, grantIds: readonly string[]) => Promise<Map<string, GrantFunding[]>>>("grant funding");
