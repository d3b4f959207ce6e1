/**
 * Assets of community value (issue 21, part 1): the list a council keeps, and the owners' notices
 * of intended sales and exempt disposals. The tables are in
 * `src/db/migrations/2026-12-24-05-community-assets.ts`. `Database` (src/db/database.ts) extends this.
 */
import type { ColumnType, Selectable } from "kysely";

/**
 * Where a nomination stands: awaiting the council's decision; listed; not listed (the list of
 * unsuccessful nominations); removed from the list on review or appeal (kept with the unsuccessful);
 * withdrawn by the nominating group before the decision (never public).
 */
export const ASSET_STATUSES = ["nominated", "listed", "unsuccessful", "removed", "withdrawn"] as const;
export type AssetStatus = (typeof ASSET_STATUSES)[number];

export const REVIEW_OUTCOMES = ["kept", "removed"] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

export const APPEAL_OUTCOMES = ["pending", "dismissed", "allowed"] as const;
export type AppealOutcome = (typeof APPEAL_OUTCOMES)[number];

export interface CommunityAssetsTable {
  /** The council that keeps the list. */
  authority_id: string;
  id: string;
  name: string;
  address: string;
  postcode: string;
  /** The ward, parish or town (the register's search). */
  area: string;
  description: string;
  latitude: number | null;
  longitude: number | null;
  nominator_organisation_id: string;
  nominated_by: string | null;
  reasons: string;
  local_connection: string;
  /** The owner: a person's name and contact are the council's only. */
  owner_name: string;
  owner_contact: string | null;
  /** The owner, when an organisation of the directory: its name is public. */
  owner_organisation_id: string | null;
  /** The owner is an organisation (a company, a trust…), in the directory or not: its name is public. */
  owner_is_organisation: boolean;
  /** The lawful occupier, when not the owner: told of the listing with the owner; the council's only. */
  occupier_name: string | null;
  occupier_contact: string | null;
  received_on: string;
  status: AssetStatus;
  decided_on: string | null;
  decision_reasons: string | null;
  owner_told_on: string | null;
  listed_on: string | null;
  review_requested_on: string | null;
  review_decided_on: string | null;
  review_outcome: ReviewOutcome | null;
  review_reasons: string | null;
  appeal_lodged_on: string | null;
  appeal_outcome: AppealOutcome | null;
  removed_on: string | null;
  /** The day the nominating group withdrew the nomination (before the decision), and its reason if given. */
  withdrawn_on: string | null;
  withdrawal_reasons: string | null;
  created_at: Date;
  updated_at: Date;
}

export const DISPOSAL_KINDS = ["notice", "exempt"] as const;
export type DisposalKind = (typeof DISPOSAL_KINDS)[number];

export interface CommunityAssetDisposalsTable {
  authority_id: string;
  id: string;
  asset_id: string;
  kind: DisposalKind;
  /** A notice: the day the council received it. */
  notice_on: string | null;
  bid_requested_on: string | null;
  bidder_organisation_id: string | null;
  /** An exempt disposal's ground (grounds.ts). */
  exempt_ground: string | null;
  /** The sale completed, or the exempt disposal made. */
  disposed_on: string | null;
  sold_to_community_group: boolean | null;
  /** A notice: the day the nominating group was reminded that the interim moratorium nears its end. */
  interim_reminded_on: ColumnType<string | null, string | null | undefined, string | null>;
  recorded_by: string | null;
  recorded_at: Date;
}

export type CommunityAsset = Selectable<CommunityAssetsTable>;
export type Disposal = Selectable<CommunityAssetDisposalsTable>;

export interface CommunityAssetsTables {
  community_assets: CommunityAssetsTable;
  community_asset_disposals: CommunityAssetDisposalsTable;
}

declare module "../../db/database.ts" {
  interface Database extends CommunityAssetsTables {}
}
