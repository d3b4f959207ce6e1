/**
 * What the audit module lets the modules above it take part in (see src/lib/ports.ts); they are
 * connected in src/wiring.ts.
 */
import type { Trx } from "../../db/database.ts";
import type { Clock } from "../../lib/clock.ts";
import { port } from "../../lib/ports.ts";

/** A change of state as the audit trail recorded it. */
export interface RecordedChange {
  /** The authority whose chain holds it; null on the platform chain. */
  authorityId: string | null;
  action: string;
  entity: { type: string; id: string };
  occurredAt: Date;
}

/**
 * A change was recorded on the audit trail, in the transaction that makes it (ocds: an open-data
 * release of the contracting process it changed). Every change of state passes here, so a handler
 * must decide quickly whether the change concerns it.
 */
export const changeRecorded = port<(trx: Trx, clock: Clock, change: RecordedChange) => Promise<void>>(
  "change recorded on the audit trail",
);
