/**
 * What the evaluation module asks of the modules above it (see src/lib/ports.ts); they are connected
 * in src/wiring.ts.
 */
import type { Db } from "../../db/database.ts";
import { port } from "../../lib/ports.ts";
import type { Ctx } from "../access/context.ts";

/**
 * A bidder's accreditation against a standard as it stood on a day (standards): whether it held one
 * then, and the working in a sentence (a message a page translates): "Nationwide Employment Services
 * plc was accredited by … against … until … on the bid's date, 3 March 2027". An `accreditation`
 * criterion's score is this, never an evaluator's.
 */
export interface AccreditationOnDay {
  accredited: boolean;
  working: string;
}

export const accreditationOnDay =
  port<
    (
      db: Db,
      question: { organisationId: string | null; organisationName: string; standardId: string; on: string },
    ) => Promise<AccreditationOnDay | undefined>
  >("accreditation on a day");

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
