/**
 * What the tenders module lets the modules above it take part in (see src/lib/ports.ts); they are
 * connected in src/wiring.ts.
 */
import type { Db, Trx } from "../../db/database.ts";
import type { Clock } from "../../lib/clock.ts";
import { type Panel, port } from "../../lib/ports.ts";
import type { Ctx } from "../access/context.ts";

/** A tender was published, in the publishing transaction (opportunities: alerts for saved searches). */
export const tenderPublished =
  port<(trx: Trx, clock: Clock, tender: { authorityId: string; tenderId: string }) => Promise<void>>(
    "tender published",
  );

/**
 * An assigned evaluator's declaration of conflicts for a tender — "none", "conflict", or null when
 * none is recorded yet (evaluation). The bids service refuses opened bids to an evaluator who has not
 * declared "none".
 */
export const evaluatorDeclaration = port<
  (db: Db, authorityId: string, tenderId: string, userId: string) => Promise<string | null>
>("evaluator's declaration of conflicts");

/**
 * Why an organisation may not bid for a tender whatever it writes, from a module above (standards:
 * the tender requires an accreditation the organisation does not hold today), or undefined. A bid
 * is refused with each reason (422), and the bid form says so before anything is filled in.
 */
export const bidderRefusals =
  port<
    (
      db: Db,
      clock: Clock,
      tender: { authorityId: string; tenderId: string },
      organisation: { id: string; name: string },
    ) => Promise<string | undefined>
  >("refusals of a bidder");

/** A standard an award criterion may score (standards): its title and the body that publishes it. */
export interface ScorableStandard {
  id: string;
  title: string;
  bodyName: string;
}

/**
 * The standards an `accreditation` award criterion may score (standards): offered by the set-up form
 * and checked when a tender is set up. Empty while nothing is plugged in.
 */
export const scorableStandards = port<(db: Db) => Promise<ScorableStandard[]>>("scorable standards");

/** Links and notices on a tender's page from later stages (award: the award notice). */
export const tenderPanels =
  port<
    (db: Db, tender: { authorityId: string; tenderId: string; base: string }) => Promise<Panel | undefined>
  >("tender page panels");

/**
 * The stage an opened tender has reached since (award: awarded and in standstill, challenged,
 * contracted), as the key of its label in the message catalogue: shown in place of "Bids opened".
 * Undefined when it has reached none.
 */
export const tenderStage =
  port<(ctx: Ctx, tender: { authorityId: string; tenderId: string }) => Promise<string | undefined>>(
    "tender stage",
  );

/**
 * Sections of the tender set-up form (a new tender, or a draft changed), for the authority's editors
 * setting it up (barriers: the authority's open barriers of the kinds it can fix).
 */
export const tenderSetupPanels =
  port<(ctx: Ctx, setup: { authorityId: string }) => Promise<Panel | undefined>>("tender set-up panels");
