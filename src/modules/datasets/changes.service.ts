/**
 * When each open dataset last changed (docs/open-data.md, "Datasets"): the latest of its rows' own
 * change times (`modified` in catalogue.ts, each an index's end) and of the changes the audit trail
 * recorded of an action it lists (`changedBy`). Those are kept here, for the change's authority, in
 * the change's own transaction (plugged into the audit trail's `changeRecorded` port, src/wiring.ts):
 * a row withdrawn or deleted leaves no time of its own in the data, but its change is recorded.
 */
import type { Trx } from "../../db/database.ts";
import { beforeCommit } from "../../db/transaction.ts";
import type { Clock } from "../../lib/clock.ts";
import type { Ctx } from "../access/context.ts";
import type { RecordedChange } from "../audit/audit.ports.ts";
import { PLATFORM_CHAIN } from "../audit/audit.service.ts";
import { DATASETS, type Dataset } from "./catalogue.ts";
import * as repo from "./datasets.repository.ts";
import type { DatasetChangesTable } from "./datasets.table.ts";

/** The datasets each action changes: by the action itself, or by its subject ("registration."). */
const BY_ACTION = new Map<string, string[]>();
const BY_SUBJECT = new Map<string, string[]>();
for (const dataset of DATASETS)
  for (const action of dataset.changedBy) {
    const index = action.endsWith(".") ? BY_SUBJECT : BY_ACTION;
    index.set(action, [...(index.get(action) ?? []), dataset.id]);
  }

/** The ids of the datasets an audited action changes. */
export function datasetsChangedBy(action: string): string[] {
  const subject = action.slice(0, action.indexOf(".") + 1);
  return [...(BY_ACTION.get(action) ?? []), ...(subject ? (BY_SUBJECT.get(subject) ?? []) : [])];
}

/** The changes noted in each open transaction, by authority and dataset: written just before it commits. */
const pending = new WeakMap<Trx, Map<string, DatasetChangesTable>>();

/**
 * Plugged into the audit trail's `changeRecorded` port (src/wiring.ts): a change of an action a
 * dataset lists dates it, for the change's authority (the platform's chain for none), at the time it
 * was recorded — written once a transaction, just before it commits. The authority's row is only
 * ever written by a transaction holding its audit chain, so no two authorities' changes wait on each other.
 */
export async function noteDatasetChange(trx: Trx, _clock: Clock, change: RecordedChange): Promise<void> {
  const datasets = datasetsChangedBy(change.action);
  if (datasets.length === 0) return;
  let held = pending.get(trx);
  if (!held) {
    const own = new Map<string, DatasetChangesTable>();
    pending.set(trx, own);
    beforeCommit(trx, "dataset changes", async () => {
      pending.delete(trx);
      await repo.noteChanges(trx, [...own.values()]);
    });
    held = own;
  }
  const authorityId = change.authorityId ?? PLATFORM_CHAIN;
  for (const dataset of datasets) {
    const key = `${authorityId}/${dataset}`;
    const noted = held.get(key);
    if (!noted || noted.changed_at < change.occurredAt)
      held.set(key, { authority_id: authorityId, dataset, changed_at: change.occurredAt });
  }
}

/** The latest of some dates, or null when there is none. */
function latest(...dates: (Date | null | undefined)[]): Date | null {
  return dates.reduce<Date | null>((max, d) => (d && (!max || d > max) ? d : max), null);
}

/**
 * When each of these datasets last changed (null while one has neither rows nor changes): the
 * latest of its rows' times and of its recorded changes. A few one-row reads each, never a scan.
 */
export async function lastChanged(ctx: Ctx, datasets: readonly Dataset[]): Promise<(Date | null)[]> {
  const [rows, recorded] = await Promise.all([
    Promise.all(datasets.map((d) => d.modified(ctx))),
    repo.lastChanges(
      ctx.db,
      datasets.map((d) => d.id),
    ),
  ]);
  return datasets.map((d, i) => latest(rows[i], recorded.get(d.id)));
}
