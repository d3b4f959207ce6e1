/**
 * Sealing (unit): bids sealed to a tender's public key open only with its private key and only as
 * the bid they were sealed for; tender keys wrap under the current master key and unwrap under the
 * key they name; a missing master key is a clear configuration error; the configuration checks keys.
 */
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../config/config.ts";
import {
  bidderTag,
  bulkSealer,
  MasterKeyUnavailableError,
  newSealingKeyPair,
  newTenderKey,
  SealBrokenError,
  seal,
  sealedStreamSize,
  sealStream,
  tenderKeyringFromKeys,
  unseal,
  unsealStream,
} from "./sealing.ts";

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const all: Buffer[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return Buffer.concat(all);
}

/** `bytes` as a stream of chunks of `size`. */
async function* inChunks(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

describe("sealing documents as streams", () => {
  const pair = newSealingKeyPair();

  it("open to exactly what was sealed, however the chunks fall, padded to the size's bucket", async () => {
    for (const size of [0, 1, 1000, 70_000, 300_001]) {
      const document = Buffer.alloc(size);
      for (let i = 0; i < size; i++) document[i] = (i * 31) % 251;
      const sealed = await collect(
        sealStream(pair.publicKey, "a/t/b/documents/1", inChunks(document, 4096), size),
      );
      expect(sealed.length).toBe(sealedStreamSize(size));
      for (const chunk of size <= 1000 ? [1, 7, 16, 17] : [16, 17, 65_536])
        expect(
          (await collect(unsealStream(pair.privateKey, "a/t/b/documents/1", inChunks(sealed, chunk)))).equals(
            document,
          ),
        ).toBe(true);
    }
    // Sizes in one bucket seal to one size.
    expect(sealedStreamSize(100_001)).toBe(sealedStreamSize(100_002));
  });

  it("refuse to open when altered anywhere, cut short, moved to another bid or opened with another key", async () => {
    const document = Buffer.from("method statement ".repeat(200));
    const sealed = await collect(
      sealStream(pair.publicKey, "a/t/b/documents/1", inChunks(document, 100), document.length),
    );
    const opens = (bytes: Buffer, binding = "a/t/b/documents/1", key = pair.privateKey) =>
      collect(unsealStream(key, binding, inChunks(bytes, 1000)));
    for (const at of [0, 20, 70, 100, sealed.length - 20, sealed.length - 1]) {
      const altered = Buffer.from(sealed);
      altered[at] = (altered[at] ?? 0) ^ 1;
      await expect(opens(altered)).rejects.toBeInstanceOf(SealBrokenError);
    }
    await expect(opens(sealed.subarray(0, sealed.length - 1))).rejects.toBeInstanceOf(SealBrokenError);
    await expect(opens(sealed.subarray(0, 30))).rejects.toBeInstanceOf(SealBrokenError);
    await expect(opens(sealed, "a/t/b/documents/2")).rejects.toBeInstanceOf(SealBrokenError);
    await expect(opens(sealed, undefined, newSealingKeyPair().privateKey)).rejects.toBeInstanceOf(
      SealBrokenError,
    );
    expect(sealed.includes(Buffer.from("method statement"))).toBe(false);
  });

  it("refuse a document that is not the size it was said to be", async () => {
    const seal3 = (said: number) =>
      collect(sealStream(pair.publicKey, "b", inChunks(Buffer.from("abc"), 1), said));
    await expect(seal3(2)).rejects.toThrow(/3 bytes|gave/);
    await expect(seal3(4)).rejects.toThrow(/gave 3 bytes/);
  });
});

describe("sealing bids", () => {
  it("opens only with the tender's private key, and only as the bid it was sealed for", () => {
    const pair = newSealingKeyPair();
    const other = newSealingKeyPair();
    const sealed = seal(pair.publicKey, "a/t/b1", "price 123456");
    expect(sealed).not.toContain("123456");
    expect(unseal(pair.privateKey, "a/t/b1", sealed).toString()).toBe("price 123456");
    expect(() => unseal(pair.privateKey, "a/t/b2", sealed)).toThrow(SealBrokenError);
    expect(() => unseal(other.privateKey, "a/t/b1", sealed)).toThrow(SealBrokenError);
    const flipped = sealed.slice(0, -3) + (sealed.endsWith("A") ? "BBB" : "AAA");
    expect(() => unseal(pair.privateKey, "a/t/b1", flipped)).toThrow(SealBrokenError);
    // Each sealing is fresh: the same content never seals the same way twice.
    expect(seal(pair.publicKey, "a/t/b1", "price 123456")).not.toBe(sealed);
  });

  it("seals in bulk what unseal opens, each seal bound to its own bid and padded as one sealed alone", () => {
    const pair = newSealingKeyPair();
    const sealer = bulkSealer(pair.publicKey);
    const first = sealer("a/t/b1", "price 123456");
    const second = sealer("a/t/b2", "price 123456");
    expect(first).not.toContain("123456");
    expect(first).not.toBe(second);
    expect(first.length).toBe(seal(pair.publicKey, "a/t/b1", "price 123456").length);
    expect(unseal(pair.privateKey, "a/t/b1", first).toString()).toBe("price 123456");
    expect(unseal(pair.privateKey, "a/t/b2", second).toString()).toBe("price 123456");
    expect(() => unseal(pair.privateKey, "a/t/b2", first)).toThrow(SealBrokenError);
    expect(() => unseal(newSealingKeyPair().privateKey, "a/t/b1", first)).toThrow(SealBrokenError);
  });

  it("wraps tender keys under the current master key and unwraps with the one they name", () => {
    const old = tenderKeyringFromKeys(Buffer.alloc(32, 1));
    const rotated = tenderKeyringFromKeys(Buffer.alloc(32, 2), [Buffer.alloc(32, 1)]);
    const key = newTenderKey();
    const wrapped = old.wrap(key, "a/t/data");
    expect(wrapped.keyId).toBe(old.currentKeyId);
    expect(wrapped.wrapped).not.toContain(key.toString("base64url"));
    expect(rotated.unwrap(wrapped, "a/t/data").equals(key)).toBe(true);
    expect(rotated.wrap(key, "a/t/data").keyId).toBe(rotated.currentKeyId);
    expect(() => old.unwrap(wrapped, "a/other/data")).toThrow(SealBrokenError);
    const newer = tenderKeyringFromKeys(Buffer.alloc(32, 3));
    expect(() => newer.unwrap(wrapped, "a/t/data")).toThrow(MasterKeyUnavailableError);
  });

  it("tags a bidder per tender without naming it", () => {
    const [k1, k2] = [newTenderKey(), newTenderKey()];
    const org = "019a0000-0000-7000-8000-000000000001";
    expect(bidderTag(k1, org)).toBe(bidderTag(k1, org.toUpperCase()));
    expect(bidderTag(k1, org)).not.toBe(bidderTag(k2, org));
    expect(bidderTag(k1, org)).not.toContain(org);
  });

  it("reads the master key, earlier keys and the minimum period from configuration, checking them", () => {
    const key = Buffer.alloc(32, 9).toString("base64");
    const config = loadConfig({
      OPENPS_TENDER_KEY: key,
      OPENPS_TENDER_PREVIOUS_KEYS: `${key}, ${key}`,
      OPENPS_TENDER_MINIMUM_DAYS: "30",
    });
    expect(config).toMatchObject({ tenderMasterKey: key, tenderMinimumPeriodDays: 30 });
    expect(config.tenderPreviousMasterKeys).toHaveLength(2);
    expect(loadConfig({})).toMatchObject({
      tenderMasterKey: undefined,
      tenderPreviousMasterKeys: [],
      tenderMinimumPeriodDays: 25,
    });
    let error: unknown;
    try {
      loadConfig({ OPENPS_TENDER_KEY: "short", OPENPS_TENDER_MINIMUM_DAYS: "0" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.join("\n")).toMatch(
      /OPENPS_TENDER_KEY must be 32 random bytes in base64/,
    );
    expect((error as ConfigError).problems.join("\n")).toMatch(
      /OPENPS_TENDER_MINIMUM_DAYS must be a whole number from 1 to 365/,
    );
  });
});
