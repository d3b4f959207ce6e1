/**
 * Seeded pseudo-random numbers for the demo scale-up: the same words, the same numbers, on any
 * machine. Each generated thing has a stream of its own, seeded by the run's seed, its kind and
 * its ordinal (`randomFor(seed, "tender", 1234)`), so one thing's content never depends on how
 * many numbers another drew. sfc32 seeded by cyrb128 (both public domain): fast, and far more
 * than random enough for made-up data. Not for anything secret.
 */

export interface Random {
  /** A number in [0, 1). */
  next(): number;
  /** A whole number from `min` to `max`, both included. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  pick<T>(list: readonly T[]): T;
  /** A value chosen by weight: `[[value, weight], …]`. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T;
  /** `n` different items of `list` (all of them when it has no more), in the order drawn. */
  sample<T>(list: readonly T[], n: number): T[];
  /** 32 random bits, as 8 hex digits. */
  hex(): string;
}

/** cyrb128: four 32-bit hashes of a string. */
function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** sfc32 over four 32-bit words of state: 32 random bits a call. */
function sfc32(seed: [number, number, number, number]): () => number {
  let [a, b, c, d] = seed;
  const bits = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return t >>> 0;
  };
  // The first outputs are still close to the seed's hash: let them go.
  for (let i = 0; i < 12; i++) bits();
  return bits;
}

/** The stream of random numbers for these parts (a run's seed, a kind, an ordinal…). */
export function randomFor(...parts: readonly (string | number)[]): Random {
  const bits = sfc32(cyrb128(parts.join("\u001f")));
  const next = () => bits() / 4294967296;
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick<T>(list: readonly T[]): T {
      if (list.length === 0) throw new RangeError("Nothing to pick from");
      return list[Math.floor(next() * list.length)] as T;
    },
    weighted<T>(entries: readonly (readonly [T, number])[]): T {
      const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
      let at = next() * total;
      for (const [value, weight] of entries) {
        at -= weight;
        if (at < 0) return value;
      }
      return (entries[entries.length - 1] as readonly [T, number])[0];
    },
    sample<T>(list: readonly T[], n: number): T[] {
      // A few from many (bidders from a pool of thousands): draw indices, never copy the list.
      const want = Math.min(n, list.length);
      const chosen = new Set<number>();
      const out: T[] = [];
      while (out.length < want) {
        const index = Math.floor(next() * list.length);
        if (chosen.has(index)) continue;
        chosen.add(index);
        out.push(list[index] as T);
      }
      return out;
    },
    hex: () => bits().toString(16).padStart(8, "0"),
  };
}
