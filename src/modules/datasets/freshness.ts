/**
 * A download's validators (docs/open-data.md, "HTTP caching and compression"): a weak ETag and
 * Last-Modified, from when the dataset last changed (changes.service.ts) and, for a dataset the clock
 * changes on its own (catalogue.ts, `clock`), from the last such turn that has passed:
 *
 * - "day": the start of today in London (a contract's state, the pipeline's window);
 * - instants its rows name (a tender's deadline): learnt while a download is sent — the latest that
 *   has passed and the next to come — and kept in memory for each database, so that a later request
 *   knows without reading a row whether the copy it asks about is still current, until the next
 *   instant comes or the dataset changes. Until a download has been sent whole, a download is dated
 *   by the moment it starts (its ETag too), and that download teaches the next.
 *
 * The ETag says the version of OpenPS (a release may write the same rows otherwise), the format and
 * what else goes into the download (the JSON's publisher): equal ETags, equal content.
 */
import { createHash } from "node:crypto";
import { londonDate, londonInstant } from "../../lib/london-time.ts";
import { APP_VERSION } from "../../version.ts";
import type { Dataset, Row } from "./catalogue.ts";

export interface Freshness {
  /** A weak ETag (`W/"…"`): the same content, whatever its encoding. */
  etag: string;
  /** When its content last changed; null for a dataset with neither rows nor changes. */
  lastModified: Date | null;
  /** Each row sent, in order (the instants it names are learnt). */
  sent(row: Row): void;
  /** The download was sent whole: what was learnt is kept. */
  finished(): void;
}

/** What a whole download taught of a dataset's clock (in one format): until when a copy of it holds. */
interface Learnt {
  /** When the dataset had last changed (ms; null for never). */
  modified: number | null;
  /** The instant that dated that download: its ETag's. */
  epoch: number;
  /** The latest instant its rows named that had passed, and the next to come. */
  from: number;
  until: number;
}

/** By database, then by dataset and format. */
const learnt = new WeakMap<object, Map<string, Learnt>>();

const noWatch = { sent: () => undefined, finished: () => undefined };

function etagOf(parts: readonly unknown[]): string {
  const hash = createHash("sha256")
    .update(JSON.stringify([APP_VERSION, ...parts]))
    .digest("base64url");
  return `W/"${hash.slice(0, 27)}"`;
}

const later = (a: Date | null, b: number): Date => (a && a.getTime() >= b ? a : new Date(b));

/** The start of a London day, as an instant (midnight always happens in London). */
function startOfDay(now: Date): number {
  return londonInstant(londonDate(now), 0, 0)?.getTime() ?? now.getTime();
}

/**
 * The validators of a download of `dataset` made now (`key`: the database, whose learnt instants
 * these are; `variant`: the format and anything else the download holds), which last changed at
 * `modified`.
 */
export function freshnessOf(
  key: object,
  dataset: Dataset,
  modified: Date | null,
  now: Date,
  variant: readonly unknown[],
): Freshness {
  const base = modified ? modified.getTime() : null;
  const tag = (epoch: number | null) => etagOf([dataset.id, ...variant, base, epoch]);
  const name = JSON.stringify([dataset.id, ...variant]);
  const { clock } = dataset;
  if (!clock) return { etag: tag(null), lastModified: modified, ...noWatch };
  if (clock === "day") {
    const day = startOfDay(now);
    return { etag: tag(day), lastModified: later(modified, day), ...noWatch };
  }
  const t = now.getTime();
  const known = learnt.get(key)?.get(name);
  if (known && known.modified === base && known.from <= t && t < known.until)
    return {
      etag: tag(known.epoch),
      lastModified: Number.isFinite(known.from) ? later(modified, known.from) : modified,
      ...noWatch,
    };
  // Not known yet: dated now, and what this download names is learnt as it is sent.
  let from = Number.NEGATIVE_INFINITY;
  let until = Number.POSITIVE_INFINITY;
  return {
    etag: tag(t),
    lastModified: later(modified, t),
    sent(row) {
      for (const value of clock(row)) {
        const at = typeof value === "string" ? Date.parse(value) : Number.NaN;
        if (Number.isNaN(at)) continue;
        if (at <= t) from = Math.max(from, at);
        else until = Math.min(until, at);
      }
    },
    finished() {
      let byDataset = learnt.get(key);
      if (!byDataset) {
        byDataset = new Map();
        learnt.set(key, byDataset);
      }
      byDataset.set(name, { modified: base, epoch: t, from, until });
    },
  };
}
