/**
 * What the regulation module lets the modules above it take part in (see src/lib/ports.ts); they
 * are connected in src/wiring.ts.
 */
import type { Trx } from "../../db/database.ts";
import { type Panel, port } from "../../lib/ports.ts";
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

/** A registration's status changed: what a module above needs to know of it. */
export interface RegistrationChange {
  regulatorId: string;
  registrationId: string;
  organisationId: string;
  from: string;
  to: string;
  reason: string;
}

/**
 * A registration's status changed (registered, dormant, suspended, cancelled, …), in the change's
 * transaction (`ctx.db` is it): choice takes a provider off the approved-provider lists it no
 * longer qualifies for.
 */
export const registrationChanged = port<
  (ctx: Ctx & { db: Trx }, change: RegistrationChange) => Promise<void>
>("a registration's status changed");

/** A report was published: the location's new overall rating. */
export interface RatingPublished {
  regulatorId: string;
  registrationId: string;
  organisationId: string;
  inspectionId: string;
  overall: string;
}

/**
 * An inspection report was published, in its transaction (`ctx.db` is it): choice takes a provider
 * off the lists that exclude providers rated Inadequate when it no longer meets their conditions.
 */
export const ratingPublished = port<(ctx: Ctx & { db: Trx }, published: RatingPublished) => Promise<void>>(
  "an inspection report was published",
);

/** Something a module above shows beside a provider's regulated locations: its panel, for one provider. */
export interface ProviderExtra extends Panel {
  organisationId: string;
}

/**
 * Sections beside the regulator's rating in Find a service's results and on a location's page, from
 * the modules above (voice: users' own feedback on the provider). Asked once for a page's providers
 * together, so a handler reads them in one query; the template reads its context as `extra`.
 */
export const providerExtras = port<
  (ctx: Pick<Ctx, "db" | "clock">, organisationIds: readonly string[]) => Promise<ProviderExtra[]>
>("beside a provider's locations");
