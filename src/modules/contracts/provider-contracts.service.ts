/**
 * Contracts as providers see them (issue 6, item 9): an organisation's contracts (as the lead or a
 * consortium member) and the KPI reports it has due; its public profile's panel of contracts with
 * their latest ratings; and, for the regulation module (its `contractsAffected` port), the live
 * contracts that need one of a failing location's regulated activities.
 */
import type { Db } from "../../db/database.ts";
import type { Clock } from "../../lib/clock.ts";
import { NotFoundError } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { londonToday } from "../../lib/london-time.ts";
import type { Panel } from "../../lib/ports.ts";
import { requireRole, requireSignedIn } from "../access/access.service.ts";
import type { Ctx } from "../access/context.ts";
import * as repo from "./contracts.repository.ts";
import {
  type ContractState,
  type ContractView,
  type PeriodView,
  pageUrl,
  SUPPLIER_ROLES,
  viewsOf,
} from "./contracts.service.ts";
import type { ContractKpi, KpiRating } from "./contracts.table.ts";

export interface DueReport {
  contract: repo.ContractRow;
  kpi: ContractKpi;
  period: PeriodView;
}

export interface ProviderContracts {
  organisation: { id: string; name: string };
  held: (ContractView & { role: "lead" | "partner" | "subcontractor" })[];
  due: DueReport[];
}

/** Reports due or overdue in these contracts, most overdue first. */
export function dueReports(views: readonly ContractView[]): DueReport[] {
  const due: DueReport[] = [];
  for (const v of views)
    for (const kpi of v.kpis)
      for (const period of kpi.periods)
        if (period.state === "due" || period.state === "overdue")
          due.push({ contract: v.contract, kpi, period });
  return due.sort((a, b) =>
    a.period.endsOn < b.period.endsOn ? -1 : a.period.endsOn > b.period.endsOn ? 1 : 0,
  );
}

/**
 * An organisation's contracts (as the lead or a consortium member) and the KPI reports it has due
 * or overdue as the lead: for its administrators and members (and platform administrators).
 */
export async function providerContracts(ctx: Ctx, organisationId: string): Promise<ProviderContracts> {
  requireSignedIn(ctx.principal);
  const name = isUuid(organisationId) ? await repo.organisationName(ctx.db, organisationId) : undefined;
  if (name === undefined) throw new NotFoundError("organisation");
  requireRole(ctx.principal, SUPPLIER_ROLES, organisationId, "see this organisation's contracts");
  const rows = await repo.listContracts(ctx.db, { organisationId });
  const views = await viewsOf(ctx, rows);
  const held = views.map((v) => ({
    ...v,
    role:
      v.contract.organisation_id === organisationId
        ? ("lead" as const)
        : (v.contract.consortium.find((m) => m.organisationId === organisationId)?.role ?? "partner"),
  }));
  return {
    organisation: { id: organisationId, name },
    held,
    due: dueReports(held.filter((h) => h.role === "lead")),
  };
}

// For the regulation module

export interface HeldContract {
  authorityId: string;
  contractId: string;
  title: string;
  /** The authority's commissioners and whoever entered the contract: those to tell. */
  commissionerUserIds: string[];
  regulatedActivity: string | null;
}

/**
 * The live contracts (not ended, not terminated) an organisation holds as the lead that need one of
 * these regulated activities: for the regulation module (failing providers, cancellation), through
 * its `contractsAffected` port (src/wiring.ts). In the caller's transaction when `ctx.db` is one.
 */
export async function contractsHeldBy(
  ctx: Ctx,
  location: { organisationId: string; activities: readonly string[] },
): Promise<HeldContract[]> {
  const { organisationId, activities } = location;
  if (!isUuid(organisationId) || activities.length === 0) return [];
  const rows = (
    await repo.listContracts(ctx.db, { leadOrganisationId: organisationId, liveOn: londonToday(ctx.clock) })
  ).filter((r) => r.regulated_activity !== null && activities.includes(r.regulated_activity));
  const result: HeldContract[] = [];
  for (const r of rows) {
    const commissioners = await repo.holders(ctx.db, r.authority_id, ["commissioner"]);
    result.push({
      authorityId: r.authority_id,
      contractId: r.id,
      title: r.title,
      commissionerUserIds: [...new Set([...commissioners, r.entered_by])],
      regulatedActivity: r.regulated_activity,
    });
  }
  return result;
}

// The provider's public profile

export interface ContractWithRatings {
  authority: { id: string; name: string; slug: string };
  contractId: string;
  title: string;
  state: ContractState;
  startsOn: string;
  endsOn: string;
  url: string;
  kpis: {
    name: string;
    target: string;
    latest: { periodStartsOn: string; periodEndsOn: string; rating: KpiRating; ratedAt: Date } | null;
    /** This KPI's ratings are overdue (not published for 12 months, or at the end). */
    ratingsOverdue: boolean;
  }[];
  /** Any KPI's ratings are overdue. */
  ratingsOverdue: boolean;
}

/** The contracts an organisation holds as the lead, with the latest published rating of each KPI. Public. */
export async function contractsWithRatingsOf(
  ctx: Ctx,
  organisationId: string,
): Promise<ContractWithRatings[]> {
  if (!isUuid(organisationId)) return [];
  const rows = await repo.listContracts(ctx.db, { leadOrganisationId: organisationId });
  const views = await viewsOf({ ...ctx, principal: null }, rows);
  return views.map((v) => ({
    authority: {
      id: v.contract.authority_id,
      name: v.contract.authority_name,
      slug: v.contract.authority_slug,
    },
    contractId: v.contract.id,
    title: v.contract.title,
    state: v.state,
    startsOn: v.contract.starts_on,
    endsOn: v.lastDay,
    url: pageUrl(v.contract),
    kpis: v.kpis.map((k) => {
      const period = [...k.periods].reverse().find((p) => p.rating);
      return {
        name: k.name,
        target: k.target,
        latest: period?.rating
          ? {
              periodStartsOn: period.startsOn,
              periodEndsOn: period.endsOn,
              rating: period.rating.rating,
              ratedAt: period.rating.rated_at,
            }
          : null,
        ratingsOverdue: k.publication.overdue,
      };
    }),
    ratingsOverdue: v.publication.overdue,
  }));
}

/**
 * The contracts an organisation holds as the lead, with their KPI ratings: the panel on its profile
 * (plugged into the organisations module's `profilePanels` port, whose shape it takes).
 */
export async function providerContractsPanel(db: Db, clock: Clock, organisationId: string): Promise<Panel> {
  return {
    template: "contracts/views/partials/provider-contracts.njk",
    context: { contracts: await contractsWithRatingsOf({ db, clock, principal: null }, organisationId) },
  };
}
