/**
 * What the ocds module lets the modules above it take part in (see src/lib/ports.ts); they are
 * connected in src/wiring.ts.
 */
import type { Trx } from "../../db/database.ts";
import type { Clock } from "../../lib/clock.ts";
import { port } from "../../lib/ports.ts";

/**
 * Other publishers' OCDS data was imported (`openps import ocds`): the publishers that have new
 * releases, in the transaction that records the run (market: their figures are recomputed).
 */
export const publishersImported =
  port<(trx: Trx, clock: Clock, publisherIds: readonly string[]) => Promise<void>>("publishers imported");
