/**
 * The server's own key, and what is derived from it: for accounts, CSRF tokens and invitation links.
 *
 * One random 256-bit key in `<dataDir>/keys/accounts.key` (made on first start, mode 0600; keep it
 * with backups of the database, and give every server of one deployment the same file). Separate
 * keys are derived from it with HKDF for each use, so no two uses share a key:
 * - `encrypt`/`decrypt`: AES-256-GCM for the TOTP secrets and session flash messages, which must be
 *   read back; a copy of the database alone does not reveal them;
 * - `hmac(purpose, value)`: keyed hashes for rate-limit keys (email addresses and IP addresses are
 *   never stored as they are), CSRF tokens, and email-link tokens (derived from the row's id, so
 *   the database never holds a usable link).
 *
 * Losing the key signs nobody out (sessions and API tokens are plain SHA-256), but two-factor
 * secrets can no longer be read: their holders sign in with a recovery code and set up again.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export const KEY_FILE = path.join("keys", "accounts.key");
const KEY_BYTES = 32;
const IV_BYTES = 12;
const CIPHER_VERSION = "v1";

export interface AccountSecrets {
  /** A short, public fingerprint of the key, stored with ciphertexts to name the key they need. */
  readonly keyId: string;
  /** HMAC-SHA-256 under the key derived for `purpose`, as base64url. */
  hmac(purpose: string, value: string): string;
  /** AES-256-GCM: `v1.<keyId>.<iv>.<ciphertext>.<tag>`, each part base64url. */
  encrypt(plaintext: string, purpose: string): string;
  /** The plaintext, or throws when the ciphertext was altered or made with another key. */
  decrypt(ciphertext: string, purpose: string): string;
}

export class SecretKeyMismatchError extends Error {
  constructor(expected: string, found: string) {
    super(
      `A secret was encrypted with the accounts key ${found}, but this server has key ${expected}. ` +
        `Give every server the same ${KEY_FILE} from its data directory.`,
    );
    this.name = "SecretKeyMismatchError";
  }
}

function derive(master: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync("sha256", master, Buffer.alloc(0), `openps:accounts:${info}`, KEY_BYTES));
}

/** The secrets for a given 32-byte key (tests use a fixed key; the server reads its key file). */
export function accountSecretsFromKey(master: Buffer): AccountSecrets {
  if (master.length !== KEY_BYTES) throw new RangeError(`The accounts key must be ${KEY_BYTES} bytes`);
  const keyId = createHash("sha256").update(master).digest("base64url").slice(0, 8);
  const macKeys = new Map<string, Buffer>();
  const macKey = (purpose: string): Buffer => {
    let key = macKeys.get(purpose);
    if (!key) {
      key = derive(master, `hmac:${purpose}`);
      macKeys.set(purpose, key);
    }
    return key;
  };
  return {
    keyId,
    hmac(purpose, value) {
      return createHmac("sha256", macKey(purpose)).update(value, "utf8").digest("base64url");
    },
    encrypt(plaintext, purpose) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", derive(master, `aead:${purpose}`), iv);
      cipher.setAAD(Buffer.from(purpose, "utf8"));
      const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      const parts = [iv, body, cipher.getAuthTag()].map((b) => b.toString("base64url"));
      return [CIPHER_VERSION, keyId, ...parts].join(".");
    },
    decrypt(ciphertext, purpose) {
      const [version, foundKeyId, iv, body, tag] = ciphertext.split(".");
      if (version !== CIPHER_VERSION || iv === undefined || body === undefined || tag === undefined) {
        throw new Error("The encrypted value is not in a form this version of OpenPS reads");
      }
      if (foundKeyId !== keyId) throw new SecretKeyMismatchError(keyId, foundKeyId ?? "");
      const decipher = createDecipheriv(
        "aes-256-gcm",
        derive(master, `aead:${purpose}`),
        Buffer.from(iv, "base64url"),
      );
      decipher.setAAD(Buffer.from(purpose, "utf8"));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString(
        "utf8",
      );
    },
  };
}

const loaded = new Map<string, AccountSecrets>();

/**
 * The secrets of the deployment whose data directory this is: its key file is read, or made (mode
 * 0600) if there is none. Two processes starting at once agree on one key (the file is created
 * exclusively).
 */
export function loadAccountSecrets(dataDir: string): AccountSecrets {
  const file = path.resolve(dataDir, KEY_FILE);
  const cached = loaded.get(file);
  if (cached) return cached;
  let encoded: string;
  try {
    encoded = fs.readFileSync(file, "utf8").trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    encoded = randomBytes(KEY_BYTES).toString("base64");
    try {
      fs.writeFileSync(file, `${encoded}\n`, { flag: "wx", mode: 0o600 });
    } catch (writeError) {
      if ((writeError as NodeJS.ErrnoException).code !== "EEXIST") throw writeError;
      encoded = fs.readFileSync(file, "utf8").trim();
    }
  }
  const key = Buffer.from(encoded, "base64");
  if (key.length !== KEY_BYTES) {
    throw new Error(`${file} must hold ${KEY_BYTES} random bytes in base64; it holds ${key.length} bytes`);
  }
  const secrets = accountSecretsFromKey(key);
  loaded.set(file, secrets);
  return secrets;
}

/** SHA-256 (hex) of a high-entropy token: how session, email-link, API and recovery tokens are stored. */
export function sha256(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}

/** A new random token of `bytes` random bytes, base64url. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/** Constant-time comparison of two strings (false when their lengths differ). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}
