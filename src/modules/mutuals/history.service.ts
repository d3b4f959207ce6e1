/**
 * A mutual's history after spin-out: the panel on its organisation's profile (plugged into the
 * organisations module's `profilePanels` port in src/wiring.ts). Its parent body, spin-out date,
 * staff transferred (from the spin-out proposal), contracts won (contracts module), current ratings
 * (regulation), survival — trading, merged into a group, or closed, with its date — and the groups it
 * belongs to (organisations' `group-member` relationships). Nothing for an organisation that did not
 * spin out through the platform.
 */
import type { Db } from "../../db/database.ts";
import type { Clock } from "../../lib/clock.ts";
import type { Panel } from "../../lib/ports.ts";
import type { Ctx } from "../access/context.ts";
import { authorityById } from "../authorities/authorities.service.ts";
import { contractsWithRatingsOf } from "../contracts/provider-contracts.service.ts";
import { organisationProfile } from "../organisations/organisations.service.ts";
import { providerSummary } from "../regulation/find.service.ts";
import * as repo from "./mutuals.repository.ts";
import type { Survival } from "./mutuals.table.ts";

export interface MutualHistory {
  proposalUrl: string;
  parentBody: { id: string; name: string };
  spunOutOn: string;
  staffTransferred: number | null;
  contractsWon: number;
  ratings: { rating: string; count: number }[];
  survival: Survival;
  survivalOn: string | null;
  groups: { id: string; name: string }[];
}

/** The mutual's history, or undefined for an organisation that did not spin out through the platform. Public. */
export async function mutualHistory(
  db: Db,
  clock: Clock,
  organisationId: string,
): Promise<MutualHistory | undefined> {
  const p = await repo.spunOutAs(db, organisationId);
  if (!p || p.spun_out_on === null) return undefined;
  const ctx: Ctx = { db, clock, principal: null };
  const [authority, contracts, summary, profile] = await Promise.all([
    authorityById(db, p.authority_id),
    contractsWithRatingsOf(ctx, organisationId),
    providerSummary(ctx, organisationId),
    organisationProfile(ctx, organisationId),
  ]);
  return {
    proposalUrl: `/authorities/${authority.slug}/spin-outs/${p.id}`,
    parentBody: { id: authority.id, name: authority.name },
    spunOutOn: p.spun_out_on,
    staffTransferred: p.staff_transferred,
    contractsWon: contracts.length,
    ratings: Object.entries(summary?.ratingCounts ?? {})
      .filter(([rating, count]) => rating !== "unrated" && count > 0)
      .map(([rating, count]) => ({ rating, count })),
    survival: p.survival ?? "trading",
    survivalOn: p.survival_on,
    groups: profile.relationships.filter((r) => r.kind === "group-member").map((r) => r.other),
  };
}

/** The panel on the mutual's profile. */
export async function mutualHistoryPanel(
  db: Db,
  clock: Clock,
  organisationId: string,
): Promise<Panel | undefined> {
  const history = await mutualHistory(db, clock, organisationId);
  return history
    ? { template: "mutuals/views/partials/history.njk", context: { mutualHistory: history } }
    : undefined;
}
