/**
 * What the organisations module lets the modules above it take part in (see src/lib/ports.ts);
 * they are connected in src/wiring.ts.
 */
import type { Db, Trx } from "../../db/database.ts";
import type { Clock } from "../../lib/clock.ts";
import { type Panel, port } from "../../lib/ports.ts";
import type { Ctx } from "../access/context.ts";

/**
 * Sections of an organisation's public profile from other modules, in the order they are plugged
 * (regulation: registered locations and ratings; contracts: contracts held with their KPI ratings).
 */
export const profilePanels =
  port<(db: Db, clock: Clock, organisationId: string) => Promise<Panel | undefined>>("profile panels");

/**
 * An organisation stopped being shown as a qualifying public service mutual (its evidence, recorded
 * again, no longer qualifies: the directory shows a mutual by its evidence alone), in the change's transaction (`ctx.db` is it): choice takes it
 * off the lists reserved to mutuals.
 */
export const mutualStatusLost =
  port<(ctx: Ctx & { db: Trx }, organisationId: string) => Promise<void>>("a mutual's status lost");
