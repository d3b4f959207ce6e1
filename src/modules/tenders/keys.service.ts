/**
 * Master key rotation for sealed bids: every tender's keys still wrapped under a previous master key
 * are unwrapped with it and wrapped again under the current one, tender by tender, each in its own
 * short transaction, audited. Run in the background from start (platform.ts); idempotent. Once it reports nothing left,
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
 * "key-rotation")`): each previous key's tenders a page at a time by key, so the work is linear in
 * what there is to rewrap and nothing at all when there is none (one index lookup). Returns how many
 * tenders were rewrapped and how many are under a master key the keyring does not hold. Stops between
 * tenders when `signal` is aborted (the platform shutting down); the rest is done at the next start.
 */
export async function rewrapTenderKeys(
  ctx: Ctx,
  keys: TenderKeyring,
  signal?: AbortSignal,
): Promise<{ rewrapped: number; unavailable: number }> {
  const { db } = ctx;
  const waiting = await repo.keysNotUnder(db, keys.currentKeyId);
  let rewrapped = 0;
  let unavailable = 0;
  for (const [keyId, count] of waiting) {
    if (!keys.keyIds.includes(keyId)) {
      unavailable += count;
      continue;
    }
    let after: { authority_id: string; tender_id: string } | null = null;
    for (;;) {
      const rows = await repo.keysUnder(db, keyId, after, PAGE);
      for (const row of rows) {
        if (signal?.aborted) return { rewrapped, unavailable };
        await rewrapOne(ctx, keys, row);
        rewrapped += 1;
      }
      if (rows.length < PAGE) break;
      after = rows[rows.length - 1] ?? null;
    }
  }
  return { rewrapped, unavailable };
}

async function rewrapOne(
  ctx: Ctx,
  keys: TenderKeyring,
  row: {
    authority_id: string;
    tender_id: string;
    master_key_id: string;
    wrapped_data_key: string;
    wrapped_index_key: string;
  },
): Promise<void> {
  const { db, clock } = ctx;
  const binding = `${row.authority_id}/${row.tender_id}`;
  const data = keys.unwrap({ keyId: row.master_key_id, wrapped: row.wrapped_data_key }, `${binding}/data`);
  const index = keys.unwrap({ keyId: row.master_key_id, wrapped: row.wrapped_index_key }, `${binding}/index`);
  const newData = keys.wrap(data, `${binding}/data`);
  const newIndex = keys.wrap(index, `${binding}/index`);
  data.fill(0);
  index.fill(0);
  await transaction(db, async (trx) => {
    // Only if still under the key read (a concurrent start may have rewrapped it already).
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
}
