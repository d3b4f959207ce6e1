import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { accountSecretsFromKey, KEY_FILE, loadAccountSecrets, SecretKeyMismatchError } from "./secrets.ts";

const secrets = accountSecretsFromKey(Buffer.alloc(32, 7));
const other = accountSecretsFromKey(Buffer.alloc(32, 8));
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe("the accounts key", () => {
  it("encrypts so that only the same key and purpose decrypt, and any change is detected", () => {
    const sealed = secrets.encrypt("JBSWY3DPEHPK3PXP", "totp");
    expect(sealed).not.toContain("JBSWY3DPEHPK3PXP");
    expect(secrets.encrypt("JBSWY3DPEHPK3PXP", "totp")).not.toBe(sealed);
    expect(secrets.decrypt(sealed, "totp")).toBe("JBSWY3DPEHPK3PXP");
    expect(() => secrets.decrypt(sealed, "flash")).toThrow();
    expect(() => other.decrypt(sealed, "totp")).toThrow(SecretKeyMismatchError);
    const parts = sealed.split(".");
    parts[3] = Buffer.from("tampered-ciphertext").toString("base64url");
    expect(() => secrets.decrypt(parts.join("."), "totp")).toThrow();
  });

  it("keys its HMACs by purpose", () => {
    expect(secrets.hmac("csrf", "x")).toBe(secrets.hmac("csrf", "x"));
    expect(secrets.hmac("csrf", "x")).not.toBe(secrets.hmac("rate-limit:address", "x"));
    expect(secrets.hmac("csrf", "x")).not.toBe(other.hmac("csrf", "x"));
  });

  it("is made once in the data directory, readable only by its owner, and read back after", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "openps-keys-"));
    dirs.push(dir);
    const first = loadAccountSecrets(dir);
    const file = path.join(dir, KEY_FILE);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const sealed = first.encrypt("secret", "totp");
    // Another process (no cache) reads the same key.
    const key = Buffer.from(fs.readFileSync(file, "utf8").trim(), "base64");
    expect(accountSecretsFromKey(key).decrypt(sealed, "totp")).toBe("secret");
    expect(loadAccountSecrets(dir)).toBe(first);
  });
});
