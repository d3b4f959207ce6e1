/**
 * From an award to a contract (issue 6, items 6–8): what the contracts module may ask of an award,
 * and how it marks the award contracted. Nothing can be contracted during standstill or while a
 * challenge is undecided. The contracts module depends on these signatures: keep them.
 */
import type { Db, Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import { ConflictError, NotFoundError } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { msg } from "../../lib/messages.ts";
import type { Panel } from "../../lib/ports.ts";
import { standstillEndText } from "../../lib/working-days.ts";
import { actorIn, type Ctx } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import * as repo from "./award.repository.ts";
import type { AwardConsortiumMember } from "./award.table.ts";

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

function toHandover(row: repo.HandoverRow): AwardForContract {
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
function blocker(row: repo.HandoverRow, now: Date): ConflictError | null {
  if (row.status === "withdrawn") return new ConflictError(msg`This award was withdrawn.`, "award_withdrawn");
  if (row.status === "contracted")
    return new ConflictError(msg`A contract has already been entered for this award.`, "award_contracted");
  if (row.status === "suspended" || Number(row.open_challenges) > 0)
    return new ConflictError(
      msg`A challenge to this award is open: nothing can be contracted until its outcome is recorded.`,
      "award_challenged",
    );
  if (now.getTime() < row.standstill_ends_at.getTime())
    return new ConflictError(
      msg`The standstill period has not ended: a contract can be entered after ${standstillEndText(row.standstill_ends_at)}.`,
      "award_in_standstill",
    );
  return null;
}

async function find(db: Db, authorityId: string, awardId: string): Promise<repo.HandoverRow> {
  const row = isUuid(awardId) ? await repo.handoverOf(db, authorityId, awardId) : undefined;
  if (!row) throw new NotFoundError("award");
  return row;
}

/**
 * The award a contract is entered from: 404 unknown; 409 withdrawn, already contracted, challenged
 * (a challenge undecided), or still in standstill. Checks no one: the contracts service has.
 */
export async function awardForContract(
  ctx: Ctx,
  authorityId: string,
  awardId: string,
): Promise<AwardForContract> {
  const row = await find(ctx.db, authorityId, awardId);
  const problem = blocker(row, ctx.clock.now());
  if (problem) throw problem;
  return toHandover(row);
}

/** The authority's awards that a contract can be entered from now. Checks no one: the contracts service has. */
export async function awardsReadyToContract(ctx: Ctx, authorityId: string): Promise<AwardForContract[]> {
  const now = ctx.clock.now();
  return (await repo.standingAwards(ctx.db, authorityId))
    .filter((r) => blocker(r, now) === null)
    .map(toHandover);
}

/**
 * Marks the award contracted, in the transaction that enters the contract (`ctx.db`, joined): locks
 * it and checks it again (409 as `awardForContract`), audited on the authority's chain as
 * `actorIn(ctx)`. Checks no one: the contracts service has.
 */
export async function markAwardContracted(
  ctx: Ctx,
  authorityId: string,
  awardId: string,
  contractId: string,
): Promise<void> {
  await transaction(ctx.db, async (trx: Trx) => {
    const locked = isUuid(awardId) ? await repo.lockAward(trx, authorityId, awardId) : undefined;
    if (!locked) throw new NotFoundError("award");
    const row = await find(trx, authorityId, awardId);
    const problem = blocker(row, ctx.clock.now());
    if (problem) throw problem;
    await repo.markContracted(trx, authorityId, awardId, contractId);
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "award.contracted",
      entity: { type: "tender", id: row.tender_id },
      changes: { awardId, contractId },
    });
  });
}

/** Whether the tender has been awarded (any award, withdrawn ones too): the award notice exists. */
export async function hasAwardNotice(db: Db, authorityId: string, tenderId: string): Promise<boolean> {
  return repo.hasAward(db, authorityId, tenderId);
}

/** The link to the award notice on a tender's page, once it has one (the tenders module's `tenderPanels`). */
export async function awardNoticePanel(
  db: Db,
  tender: { authorityId: string; tenderId: string },
): Promise<Panel | undefined> {
  return (await hasAwardNotice(db, tender.authorityId, tender.tenderId))
    ? { template: "award/views/partials/award-link.njk", context: {} }
    : undefined;
}
