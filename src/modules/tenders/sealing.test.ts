/**
 * Sealing (unit): bids sealed to a tender's public key open only with its private key and only as
 * the bid they were sealed for; tender keys wrap under the current master key and unwrap under the
 * key they name; a missing master key is a clear configuration error; the configuration checks keys.
 */
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../config/config.ts";
import {
  bidderTag,
  MasterKeyUnavailableError,
  newSealingKeyPair,
  newTenderKey,
  SealBrokenError,
  seal,
  tenderKeyringFromKeys,
  unseal,
} from "./sealing.ts";

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
