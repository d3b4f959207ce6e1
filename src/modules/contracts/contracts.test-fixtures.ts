/**
 * For tests only: awards to contract, made without the award decision (the evaluation module's). A
 * tender allows one live award, so each award gets its own copy of the opened demo tender
 * (`DEMO_TENDER.opened`, reserved to mutuals if asked) and of one of its opened bids, then a
 * `tender_awards` row as the award decision would write it, with its standstill end and, if asked,
 * an open challenge.
 */
import { sql } from "kysely";
import type { Db } from "../../db/database.ts";
import { newId } from "../../lib/ids.ts";
import type { ContractConsortiumMember } from "./contracts.table.ts";

/** The opened demo tender (src/seed/demo/tenders.ts). */
const OPENED_TENDER = "019a0000-0000-7000-8000-00000000f003";
/** The demo commissioner, who decides the awards. */
const COMMISSIONER = "019a0000-0000-7000-8000-00000000c004";

export interface AwardFixture {
  authorityId: string;
  organisationId: string;
  standstillEndsAt: Date;
  valuePence?: bigint;
  leadShareBp?: number;
  consortium?: ContractConsortiumMember[];
  regulatedActivity?: string | null;
  /** An undecided challenge (the award stays "awarded", as lodging one may leave it). */
  challenged?: boolean;
  status?: "awarded" | "suspended";
  /** Its tender reserved to public service mutuals (s.33: the contract runs 5 years at most). */
  reserved?: boolean;
}

export async function insertAward(db: Db, f: AwardFixture): Promise<{ awardId: string; tenderId: string }> {
  const tenderId = newId();
  const awardId = newId();
  // A copy of the opened demo tender: every column but the generated ones (its stored full text).
  const { rows: columns } = await sql<{ name: string }>`
    select column_name as name from information_schema.columns
     where table_schema = current_schema() and table_name = 'tenders' and is_generated = 'NEVER'
     order by ordinal_position`.execute(db);
  await sql`
    insert into tenders (${sql.join(columns.map((c) => sql.ref(c.name)))})
    select ${sql.join(columns.map((c) => sql.ref(`copy.${c.name}`)))}
    from tenders t, jsonb_populate_record(null::tenders,
      to_jsonb(t) || jsonb_build_object('id', ${tenderId}::uuid, 'title', 'Night-time home care, lot ' || ${tenderId.slice(-4)}::text,
        'reserved', ${f.reserved ?? false}::boolean)) copy
    where t.authority_id = ${f.authorityId}::uuid and t.id = ${OPENED_TENDER}::uuid`.execute(db);
  const bid = await db
    .selectFrom("bids")
    .selectAll()
    .where("authority_id", "=", f.authorityId)
    .where("tender_id", "=", OPENED_TENDER)
    .where("status", "=", "current")
    .orderBy("id")
    .executeTakeFirstOrThrow();
  const bidId = newId();
  await db
    .insertInto("bids")
    .values({ ...bid, id: bidId, tender_id: tenderId, organisation_id: f.organisationId })
    .execute();
  const decidedAt = new Date(f.standstillEndsAt.getTime() - 12 * 24 * 3600_000);
  await db
    .insertInto("tender_awards")
    .values({
      authority_id: f.authorityId,
      id: awardId,
      tender_id: tenderId,
      bid_id: bidId,
      organisation_id: f.organisationId,
      supplier_name: (
        await db
          .selectFrom("organisations")
          .select("name")
          .where("id", "=", f.organisationId)
          .executeTakeFirstOrThrow()
      ).name,
      lead_share_bp: f.leadShareBp ?? 10_000,
      consortium: JSON.stringify(f.consortium ?? []) as unknown as ContractConsortiumMember[],
      value_pence: f.valuePence ?? 109_500_000n,
      regulated_activity: f.regulatedActivity ?? null,
      three_bid_justification: null,
      status: f.status ?? "awarded",
      decided_by: COMMISSIONER,
      decided_at: decidedAt,
      notice_published_at: decidedAt,
      standstill_ends_at: f.standstillEndsAt,
      contract_id: null,
      withdrawn_at: null,
      withdrawn_reason: null,
    })
    .execute();
  if (f.challenged)
    await db
      .insertInto("award_challenges")
      .values({
        authority_id: f.authorityId,
        id: newId(),
        award_id: awardId,
        tender_id: tenderId,
        organisation_id: f.organisationId,
        lodged_by: COMMISSIONER,
        lodged_at: new Date(decidedAt.getTime() + 24 * 3600_000),
        grounds: "The scoring of quality was inconsistent.",
        outcome: null,
        outcome_reason: null,
        decided_by: null,
        decided_at: null,
      })
      .execute();
  return { awardId, tenderId };
}
