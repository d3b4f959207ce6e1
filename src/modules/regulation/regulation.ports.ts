/**
 * What the regulation module lets the modules above it take part in (see src/lib/ports.ts); they
 * are connected in src/wiring.ts.
 */
import { port } from "../../lib/ports.ts";
import type { Ctx } from "../access/context.ts";

export interface AffectedContract {
  authorityId: string;
  contractId: string;
  title: string;
  commissionerUserIds: string[];
}

/**
 * The live contracts an organisation holds that need one of a location's regulated activities
 * (contracts): shown in the failing-providers view, and told of when a registration is cancelled.
 * Runs in the caller's transaction when `ctx.db` is one.
 */
export const contractsAffected = port<
  (
    ctx: Ctx,
    location: { organisationId: string; activities: readonly string[] },
  ) => Promise<AffectedContract[]>
>("contracts affected by a location");
