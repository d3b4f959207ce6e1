/**
 * Master key rotation for sealed bids: every tender's keys still wrapped under a previous master key
 * are unwrapped with it and wrapped again under the current one, tender by tender, each in its own
 * short transaction, audited. Run at start (platform.ts); idempotent. Once it reports nothing left,
 * the previous key can be removed from configuration. See docs/tenders.md.
 */
import { transaction } from "../../db/transaction.ts";
import { actorIn, type Ctx } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import type { TenderKeyring } from "./sealing.ts";
import * as repo from "./tenders.repository.ts";

const PAGE = 100;

/**
 * Rewraps what the keyring can, acting as `actorIn(ctx)` (the system: `systemCtx(db, clock,
 * "key-rotation")`); returns how many tenders were rewrapped and how many it could not.
 */
export async function rewrapTenderKeys(
  ctx: Ctx,
  keys: TenderKeyring,
): Promise<{ rewrapped: number; unavailable: number }> {
  const { db, clock } = ctx;
  let rewrapped = 0;
  const skipped = new Set<string>();
  for (;;) {
    const rows = (await repo.keysNotUnder(db, keys.currentKeyId, PAGE + skipped.size)).filter(
      (r) => !skipped.has(`${r.authority_id}/${r.tender_id}`),
    );
    if (rows.length === 0) break;
    for (const row of rows) {
      const binding = `${row.authority_id}/${row.tender_id}`;
      if (!keys.keyIds.includes(row.master_key_id)) {
        skipped.add(binding);
        continue;
      }
      const data = keys.unwrap(
        { keyId: row.master_key_id, wrapped: row.wrapped_data_key },
        `${binding}/data`,
      );
      const index = keys.unwrap(
        { keyId: row.master_key_id, wrapped: row.wrapped_index_key },
        `${binding}/index`,
      );
      const newData = keys.wrap(data, `${binding}/data`);
      const newIndex = keys.wrap(index, `${binding}/index`);
      data.fill(0);
      index.fill(0);
      await transaction(db, async (trx) => {
        const done = await repo.rewrapKeys(trx, row.authority_id, row.tender_id, row.master_key_id, {
          master_key_id: newData.keyId,
          wrapped_data_key: newData.wrapped,
          wrapped_index_key: newIndex.wrapped,
          rewrapped_at: clock.now(),
        });
        if (done)
          await recordAudit(trx, clock, {
            authorityId: row.authority_id,
            actor: actorIn(ctx),
            action: "tender.keys-rewrapped",
            entity: { type: "tender", id: row.tender_id },
            changes: { from: row.master_key_id, to: newData.keyId },
          });
      });
      rewrapped += 1;
    }
  }
  return { rewrapped, unavailable: skipped.size };
}
