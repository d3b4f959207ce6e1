/**
 * Figures counted at most once a while: what would otherwise read a whole table on every page view
 * (the directory by sector, the counts beside its filters), or many rows for a popular search.
 * Kept by key — the database, so that each test app has its own — and, within it, by name (a
 * search's filters), with the time they were counted, which the page shows. Askers at the same
 * moment share one count; a failed count is not kept; the clock going back (the demo clock reset)
 * counts again. At most `names` names are kept per key: the one kept longest goes first.
 */
export interface Kept<T> {
  value: T;
  countedAt: Date;
}

export interface KeptFigures<Key extends object, T> {
  /**
   * The figures for `key` (and `name`): those kept, or counted now when there are none younger than
   * the limit.
   */
  get(key: Key, now: Date, count: () => Promise<T>, name?: string): Promise<Kept<T>>;
  /** Forgets the figures for `key`, every name: what changed them is committed, so they are counted again. */
  forget(key: Key): void;
}

interface Entry<T> {
  at: number;
  figures: Promise<Kept<T>>;
}

export function keptFor<Key extends object, T>(
  maxAgeMs: number,
  options: { names?: number } = {},
): KeptFigures<Key, T> {
  const names = options.names ?? 1;
  const kept = new WeakMap<Key, Map<string, Entry<T>>>();
  return {
    get(key, now, count, name = "") {
      let byName = kept.get(key);
      if (!byName) {
        byName = new Map();
        kept.set(key, byName);
      }
      const held = byName.get(name);
      const age = held ? now.getTime() - held.at : Number.POSITIVE_INFINITY;
      if (held && age >= 0 && age < maxAgeMs) return held.figures;
      const figures = count().then((value) => ({ value, countedAt: now }));
      const entry = { at: now.getTime(), figures };
      // Kept last in the map's order (the order they were counted in): the first goes when full.
      byName.delete(name);
      byName.set(name, entry);
      if (byName.size > names) byName.delete(byName.keys().next().value as string);
      const own = byName;
      figures.catch(() => {
        if (own.get(name) === entry) own.delete(name);
      });
      return figures;
    },
    forget(key) {
      kept.delete(key);
    },
  };
}
