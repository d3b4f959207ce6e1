/**
 * Figures counted at most once a while: what would otherwise read a whole table on every page view
 * (the directory by sector, the counts beside its filters). Kept by key — the database, so that
 * each test app has its own — with the time they were counted, which the page shows. Askers at the
 * same moment share one count; a failed count is not kept; the clock going back (the demo clock
 * reset) counts again.
 */
export interface Kept<T> {
  value: T;
  countedAt: Date;
}

export interface KeptFigures<Key extends object, T> {
  /** The figures for `key`: those kept, or counted now when there are none younger than the limit. */
  get(key: Key, now: Date, count: () => Promise<T>): Promise<Kept<T>>;
  /** Forgets the figures for `key`: what changed them is committed, so they are counted again. */
  forget(key: Key): void;
}

export function keptFor<Key extends object, T>(maxAgeMs: number): KeptFigures<Key, T> {
  const kept = new WeakMap<Key, { at: number; figures: Promise<Kept<T>> }>();
  return {
    get(key, now, count) {
      const held = kept.get(key);
      const age = held ? now.getTime() - held.at : Number.POSITIVE_INFINITY;
      if (held && age >= 0 && age < maxAgeMs) return held.figures;
      const figures = count().then((value) => ({ value, countedAt: now }));
      const entry = { at: now.getTime(), figures };
      kept.set(key, entry);
      figures.catch(() => {
        if (kept.get(key) === entry) kept.delete(key);
      });
      return figures;
    },
    forget(key) {
      kept.delete(key);
    },
  };
}
