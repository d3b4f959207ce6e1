/**
 * Finding 15 of the security review: sealed sizes leaked — the length of a ciphertext showed the
 * size of a bid and of each of its documents before opening. Now what is sealed is padded first
 * (Padmé: at most 12% larger, never under 1 KiB), so sizes fall into a few buckets; seals made
 * before padding still open.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { newSealingKeyPair, paddedSize, seal, unseal } from "../../src/modules/tenders/sealing.ts";

const keys = newSealingKeyPair();

describe("sealed sizes", () => {
  it("are the same for every bid up to a kilobyte, and a few buckets above", () => {
    const lengths = new Set(
      [0, 1, 200, 900, 1023].map((n) => seal(keys.publicKey, "b", randomBytes(n)).length),
    );
    expect(lengths.size).toBe(1);
    // 20,000 and 20,400 bytes (2% apart) seal to the same size.
    expect(seal(keys.publicKey, "b", randomBytes(20_000)).length).toBe(
      seal(keys.publicKey, "b", randomBytes(20_400)).length,
    );
  });

  it("cost at most 12% above a kilobyte, and reveal few bits of the size", () => {
    for (const n of [1024, 1500, 4096, 10_000, 123_457, 1_000_000, 20 * 1024 * 1024]) {
      expect(paddedSize(n)).toBeGreaterThanOrEqual(n);
      expect(paddedSize(n)).toBeLessThanOrEqual(Math.ceil(n * 1.12));
    }
    // Every size from 1 MiB to 2 MiB falls into one of 33 buckets.
    const buckets = new Set(Array.from({ length: 104_858 }, (_, i) => paddedSize(1024 * 1024 + i * 10)));
    expect(buckets.size).toBeLessThanOrEqual(33);
  });

  it("open to exactly what was sealed, whatever its last bytes", () => {
    for (const plaintext of [
      Buffer.alloc(0),
      Buffer.from([0x80]),
      Buffer.from([1, 0x80, 0, 0]),
      randomBytes(1023),
      randomBytes(5000),
    ]) {
      expect(unseal(keys.privateKey, "b", seal(keys.publicKey, "b", plaintext))).toEqual(plaintext);
    }
  });

  it("still open when sealed before padding began", () => {
    // A seal in the earlier form is the later one without its "2~" mark, its plaintext unpadded:
    // made here from a plaintext that is the padded one, so that opening it gives that back as it is.
    const sealed = seal(keys.publicKey, "b", "a bid");
    const earlier = sealed.replace(/^2~/, "");
    const opened = unseal(keys.privateKey, "b", earlier);
    expect(opened.length).toBe(paddedSize(6));
    expect(opened.subarray(0, 5).toString()).toBe("a bid");
    expect(() => unseal(keys.privateKey, "another bid", sealed)).toThrow(/integrity/);
  });
});
