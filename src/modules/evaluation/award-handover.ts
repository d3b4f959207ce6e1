/**
 * From an award to a contract (issue 6, items 6–8): what the contracts module may ask of an award,
 * and how it marks the award contracted. Nothing can be contracted during standstill or while a
 * challenge is undecided. The contracts module depends on these signatures: keep them.
 */
import type { Db, Trx } from "../../db/database.ts";
import type { Clock } from "../../lib/clock.ts";
import { ConflictError, NotFoundError } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { type Actor, recordAudit } from "../audit/audit.service.ts";
import type { AwardConsortiumMember, TenderAward } from "./award.table.ts";

export interface AwardForContract {
  id: string;
  authorityId: string;
  tenderId: string;
  tenderTitle: string;
  projectId: string;
  bidId: string;
  /** The supplier: the winning bid's lead organisation. */
  organisationId: string;
  supplierName: string;
  leadShareBp: number;
  consortium: AwardConsortiumMember[];
  valuePence: bigint;
  regulatedActivity: string | null;
  decidedAt: Date;
  standstillEndsAt: Date;
}

type AwardRow = TenderAward & { tender_title: string; project_id: string; open_challenges: string | null };

function awards(db: Db) {
  return db
    .selectFrom("tender_awards as a")
    .innerJoin("tenders as t", (j) =>
      j.onRef("t.authority_id", "=", "a.authority_id").onRef("t.id", "=", "a.tender_id"),
    )
    .selectAll("a")
    .select(["t.title as tender_title", "t.project_id"])
    .select((eb) =>
      eb
        .selectFrom("award_challenges as c")
        .select((e) => e.fn.countAll<string>().as("n"))
        .whereRef("c.authority_id", "=", "a.authority_id")
        .whereRef("c.award_id", "=", "a.id")
        .where("c.decided_at", "is", null)
        .as("open_challenges"),
    );
}

function toHandover(row: AwardRow): AwardForContract {
  return {
    id: row.id,
    authorityId: row.authority_id,
    tenderId: row.tender_id,
    tenderTitle: row.tender_title,
    projectId: row.project_id,
    bidId: row.bid_id,
    organisationId: row.organisation_id,
    supplierName: row.supplier_name,
    leadShareBp: row.lead_share_bp,
    consortium: row.consortium,
    valuePence: row.value_pence,
    regulatedActivity: row.regulated_activity,
    decidedAt: row.decided_at,
    standstillEndsAt: row.standstill_ends_at,
  };
}

/** Why the award cannot be contracted now, or null when it can. */
function blocker(row: AwardRow, now: Date): ConflictError | null {
  if (row.status === "withdrawn") return new ConflictError("This award was withdrawn.", "award_withdrawn");
  if (row.status === "contracted")
    return new ConflictError("A contract has already been entered for this award.", "award_contracted");
  if (row.status === "suspended" || Number(row.open_challenges) > 0)
    return new ConflictError(
      "A challenge to this award is open: nothing can be contracted until its outcome is recorded.",
      "award_challenged",
    );
  if (now.getTime() < row.standstill_ends_at.getTime())
    return new ConflictError(
      `The standstill period has not ended: a contract can be entered from ${row.standstill_ends_at.toISOString()}.`,
      "award_in_standstill",
    );
  return null;
}

async function find(db: Db, authorityId: string, awardId: string): Promise<AwardRow> {
  const row = isUuid(awardId)
    ? ((await awards(db)
        .where("a.authority_id", "=", authorityId)
        .where("a.id", "=", awardId)
        .executeTakeFirst()) as AwardRow | undefined)
    : undefined;
  if (!row) throw new NotFoundError("award");
  return row;
}

/**
 * The award a contract is entered from: 404 unknown; 409 withdrawn, already contracted, challenged
 * (a challenge undecided), or still in standstill.
 */
export async function awardForContract(
  db: Db,
  clock: Clock,
  authorityId: string,
  awardId: string,
): Promise<AwardForContract> {
  const row = await find(db, authorityId, awardId);
  const problem = blocker(row, clock.now());
  if (problem) throw problem;
  return toHandover(row);
}

/** The authority's awards that a contract can be entered from now. */
export async function awardsReadyToContract(
  db: Db,
  clock: Clock,
  authorityId: string,
): Promise<AwardForContract[]> {
  const rows: AwardRow[] = await awards(db)
    .where("a.authority_id", "=", authorityId)
    .where("a.status", "=", "awarded")
    .orderBy("a.decided_at")
    .execute();
  const now = clock.now();
  return rows.filter((r) => blocker(r, now) === null).map(toHandover);
}

/**
 * Marks the award contracted, in the transaction that enters the contract: locks it and checks it
 * again (409 as `awardForContract`), audited on the authority's chain.
 */
export async function markAwardContracted(
  trx: Trx,
  clock: Clock,
  actor: Actor,
  authorityId: string,
  awardId: string,
  contractId: string,
): Promise<void> {
  const locked = isUuid(awardId)
    ? await trx
        .selectFrom("tender_awards")
        .select("id")
        .where("authority_id", "=", authorityId)
        .where("id", "=", awardId)
        .forUpdate()
        .executeTakeFirst()
    : undefined;
  if (!locked) throw new NotFoundError("award");
  const row = await find(trx, authorityId, awardId);
  const problem = blocker(row, clock.now());
  if (problem) throw problem;
  await trx
    .updateTable("tender_awards")
    .set({ status: "contracted", contract_id: contractId })
    .where("authority_id", "=", authorityId)
    .where("id", "=", awardId)
    .execute();
  await recordAudit(trx, clock, {
    authorityId,
    actor,
    action: "award.contracted",
    entity: { type: "tender", id: row.tender_id },
    changes: { awardId, contractId },
  });
}

/** Whether the tender has been awarded (any award, withdrawn ones too): the award notice exists. */
export async function hasAwardNotice(db: Db, authorityId: string, tenderId: string): Promise<boolean> {
  const row = await db
    .selectFrom("tender_awards")
    .select("id")
    .where("authority_id", "=", authorityId)
    .where("tender_id", "=", tenderId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
