/**
 * Community budgets' answer to grants' `grantFunding` port (src/modules/grants/grants.ports.ts):
 * for each awarded grant asked, the pools whose spends named it, and each partner's share of what
 * the pool paid of it — the ledger's `spent` lines, so the shares are the spends' own split, in
 * whole pence, adding up to what the pool paid. One query for all the grants asked, and one for the
 * partners' names. Plugged in src/wiring.ts; 360Giving lists the partners as further funders.
 */
import type { Db } from "../../db/database.ts";
import { authoritiesByIds } from "../authorities/authorities.service.ts";
import type { GrantFunding } from "../grants/grants.ports.ts";
import * as repo from "./community-budgets.repository.ts";

export async function poolsFundingGrants(
  db: Db,
  grantIds: readonly string[],
): Promise<Map<string, GrantFunding[]>> {
  const rows = await repo.grantShares(db, [...new Set(grantIds)]);
  const names = await authoritiesByIds(db, [...new Set(rows.map((r) => r.partner_authority_id))]);
  const out = new Map<string, GrantFunding[]>();
  for (const r of rows) {
    if (r.pence <= 0n) continue;
    const pools = out.get(r.grant_id) ?? [];
    let pool = pools.find((p) => p.id === r.pool_id);
    if (!pool) {
      pool = { id: r.pool_id, title: r.pool_name, path: `/community-budgets/${r.pool_id}`, funders: [] };
      pools.push(pool);
    }
    pool.funders.push({
      authorityId: r.partner_authority_id,
      name: names.get(r.partner_authority_id)?.name ?? "",
      pence: r.pence,
    });
    out.set(r.grant_id, pools);
  }
  return out;
}
