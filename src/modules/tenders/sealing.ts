/**
 * Sealing bids (issue 5; Directive 2014/24/EU Annex IV A2). See docs/tenders.md for the design.
 *
 * Each tender has two random 256-bit keys of its own: a data key that encrypts every part of every
 * bid (AES-256-GCM), and an index key that only makes the bidder's tag (an HMAC of the bidding
 * organisation's id, so a bidder can find, replace or withdraw its own bid without the database
 * naming it). Both are stored only wrapped — AES-256-GCM under a key derived with HKDF from the
 * master key, bound to the tender by the additional data — and the master key is never stored in
 * the database: it comes from configuration (OPENPS_TENDER_KEY) or, failing that, from the key file
 * `<dataDir>/sealing/tenders.key` beside the database, made on first start.
 *
 * The keyring holds the current master key and any previous ones (rotation): data keys are always
 * wrapped under the current one, and unwrapped with whichever key their `keyId` names; at start the
 * platform rewraps every data key still under a previous key (`rewrapTenderKeys`).
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  type DecipherGCM,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
  randomBytes,
} from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Config } from "../../config/config.ts";

/**
 * Beside the database, and not in `keys/`: `openps backup` can carry `keys/` (encrypted) with the
 * database, and a backup must not be able to open sealed bids. Back this file up separately.
 */
export const TENDER_KEY_FILE = path.join("sealing", "tenders.key");
const KEY_BYTES = 32;
const IV_BYTES = 12;
const VERSION = "v1";

/** A master key this server does not hold was asked for: a configuration fault, not a user error. */
export class MasterKeyUnavailableError extends Error {
  constructor(keyId: string) {
    super(
      `A tender data key is wrapped under master key ${keyId}, which this server does not hold. ` +
        "Give it the key as OPENPS_TENDER_KEY or in OPENPS_TENDER_PREVIOUS_KEYS (see docs/tenders.md).",
    );
    this.name = "MasterKeyUnavailableError";
  }
}

/** A ciphertext that fails authentication: altered, swapped between bids, or made with another key. */
export class SealBrokenError extends Error {
  constructor(what: string) {
    super(`The sealed ${what} failed its integrity check: it was altered or does not belong here.`);
    this.name = "SealBrokenError";
  }
}

export interface WrappedKey {
  keyId: string;
  wrapped: string;
}

export interface TenderKeyring {
  /** The fingerprint of the current master key (safe to store and show). */
  readonly currentKeyId: string;
  /** The fingerprints of every master key held, current first. */
  readonly keyIds: readonly string[];
  /** Wraps a tender's key under the current master key, bound to `binding` (the tender). */
  wrap(key: Buffer, binding: string): WrappedKey;
  /** Unwraps with the master key `keyId` names; throws when it is not held or the binding differs. */
  unwrap(wrapped: WrappedKey, binding: string): Buffer;
}

function fingerprint(master: Buffer): string {
  return createHash("sha256")
    .update("openps:tenders:key-id\n")
    .update(master)
    .digest("base64url")
    .slice(0, 12);
}

/** The key that wraps tenders' keys, as a key object: made once, not at every use. */
function wrappingKey(master: Buffer): KeyObject {
  return createSecretKey(
    Buffer.from(hkdfSync("sha256", master, Buffer.alloc(0), "openps:tenders:wrap", KEY_BYTES)),
  );
}

function encrypt(key: Buffer | KeyObject, aad: string, plaintext: Buffer): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [VERSION, iv, body, cipher.getAuthTag()]
    .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
    .join(".");
}

function decrypt(key: Buffer | KeyObject, aad: string, sealed: string, what: string): Buffer {
  const [version, iv, body, tag] = sealed.split(".");
  if (version !== VERSION || iv === undefined || body === undefined || tag === undefined)
    throw new SealBrokenError(what);
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
    decipher.setAAD(Buffer.from(aad, "utf8"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]);
  } catch {
    throw new SealBrokenError(what);
  }
}

/** A keyring from 32-byte master keys, the current one first. */
export function tenderKeyringFromKeys(current: Buffer, previous: readonly Buffer[] = []): TenderKeyring {
  for (const key of [current, ...previous])
    if (key.length !== KEY_BYTES) throw new RangeError(`A tender master key must be ${KEY_BYTES} bytes`);
  const keys = new Map<string, KeyObject>();
  for (const key of [current, ...previous]) {
    const id = fingerprint(key);
    if (!keys.has(id)) keys.set(id, wrappingKey(key));
  }
  const currentKeyId = fingerprint(current);
  return {
    currentKeyId,
    keyIds: [...keys.keys()],
    wrap(key, binding) {
      const wrapper = keys.get(currentKeyId) as KeyObject;
      return { keyId: currentKeyId, wrapped: encrypt(wrapper, `wrap:${binding}`, key) };
    },
    unwrap({ keyId, wrapped }, binding) {
      const wrapper = keys.get(keyId);
      if (!wrapper) throw new MasterKeyUnavailableError(keyId);
      return decrypt(wrapper, `wrap:${binding}`, wrapped, "tender key");
    },
  };
}

/** A new random 256-bit key (a tender's index key). */
export function newTenderKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/** A tender's sealing key pair: the public half seals bids, the private half (wrapped) opens them. */
export interface SealingKeyPair {
  /** X25519 public key, SPKI DER in base64url: stored as it is. */
  publicKey: string;
  /** X25519 private key, PKCS#8 DER: only ever stored wrapped. */
  privateKey: Buffer;
}

export function newSealingKeyPair(): SealingKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync("x25519");
  return {
    publicKey: publicKey.export({ type: "spki", format: "der" }).toString("base64url"),
    privateKey: privateKey.export({ type: "pkcs8", format: "der" }),
  };
}

function bidKey(shared: Buffer, ephemeral: string, recipient: string): Buffer {
  return Buffer.from(
    hkdfSync("sha256", shared, Buffer.from(`${ephemeral}.${recipient}`), "openps:tenders:bid", KEY_BYTES),
  );
}

/** The smallest size a sealed plaintext is padded to: every small bid looks the same. */
const MIN_PADDED_BYTES = 1024;
/** Seals made since padding began (security finding 15) say so: `2~…`. Earlier ones are not padded. */
const PADDED = "2";

/**
 * The size `length` bytes are padded to (Padmé, from "Reducing Metadata Leakage from Encrypted
 * Files and Communication with PURBs", Nikitin et al., 2019): at most 12% larger, and a size
 * reveals only O(log log length) bits of the length; never less than `MIN_PADDED_BYTES`.
 */
export function paddedSize(length: number): number {
  const size = Math.max(length, MIN_PADDED_BYTES);
  const e = Math.floor(Math.log2(size));
  const s = Math.floor(Math.log2(e)) + 1;
  const mask = 2 ** (e - s) - 1;
  return Math.ceil(size / (mask + 1)) * (mask + 1);
}

/** ISO/IEC 7816-4 padding: a 0x80 byte, then zeros up to the bucket. */
function pad(plaintext: Buffer): Buffer {
  const padded = Buffer.alloc(paddedSize(plaintext.length + 1));
  plaintext.copy(padded);
  padded[plaintext.length] = 0x80;
  return padded;
}

function unpad(padded: Buffer): Buffer {
  const end = padded.lastIndexOf(0x80);
  if (end < 0 || padded.subarray(end + 1).some((b) => b !== 0)) throw new SealBrokenError("bid");
  return padded.subarray(0, end);
}

/**
 * Seals `plaintext` to a tender's public key, bound to `binding` (the bid it belongs to): a fresh
 * X25519 key agreement, HKDF-SHA-256, then AES-256-GCM. Sealing needs no secret of the tender's,
 * so nothing that could open a bid is unwrapped before the opening. The plaintext is padded first
 * (`paddedSize`), so the size of a sealed bid or document says little of its own.
 */
export function seal(publicKey: string, binding: string, plaintext: Buffer | string): string {
  const { key, ephemeralPublic } = agreeToSeal(publicKey);
  const body = encrypt(
    key,
    `seal:${binding}`,
    pad(typeof plaintext === "string" ? Buffer.from(plaintext) : plaintext),
  );
  return `${PADDED}~${ephemeralPublic}~${body}`;
}

/**
 * Seals many plaintexts to one public key with one key agreement, each with its own IV and bound to
 * its own `binding`, padded as `seal` pads: for bulk demo data (`openps demo scale`, thousands of
 * bids a second), where an X25519 agreement per bid would take most of the time. `unseal` opens each
 * as it opens what `seal` made; the seals only share their ephemeral public key. A real bid is sealed
 * on its own (`seal`).
 */
export function bulkSealer(publicKey: string): (binding: string, plaintext: Buffer | string) => string {
  const { key, ephemeralPublic } = agreeToSeal(publicKey);
  const secret = createSecretKey(key);
  key.fill(0);
  return (binding, plaintext) =>
    `${PADDED}~${ephemeralPublic}~${encrypt(secret, `seal:${binding}`, pad(typeof plaintext === "string" ? Buffer.from(plaintext) : plaintext))}`;
}

/** Opens what `seal` made with the tender's private key; throws `SealBrokenError` if altered or moved. */
export function unseal(privateKey: Buffer, binding: string, sealed: string): Buffer {
  const parts = sealed.split("~");
  const padded = parts.length === 3 && parts[0] === PADDED;
  const [ephemeralPublic, body] = padded ? parts.slice(1) : parts;
  if (!ephemeralPublic || !body) throw new SealBrokenError("bid");
  const key = agreeToOpen(privateKey, ephemeralPublic);
  const plaintext = decrypt(key, `seal:${binding}`, body, "bid");
  return padded ? unpad(plaintext) : plaintext;
}

/** A fresh X25519 agreement with the tender's public key: the key to seal with, and what opens it. */
function agreeToSeal(publicKey: string): { key: Buffer; ephemeralPublic: string } {
  const recipient = createPublicKey({
    key: Buffer.from(publicKey, "base64url"),
    format: "der",
    type: "spki",
  });
  const ephemeral = generateKeyPairSync("x25519");
  const ephemeralPublic = ephemeral.publicKey.export({ type: "spki", format: "der" }).toString("base64url");
  const shared = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: recipient });
  return { key: bidKey(shared, ephemeralPublic, publicKey), ephemeralPublic };
}

/** The key a seal was made with, from the tender's private key and the seal's ephemeral public key. */
function agreeToOpen(privateKey: Buffer, ephemeralPublic: string): Buffer {
  try {
    const own = createPrivateKey({ key: privateKey, format: "der", type: "pkcs8" });
    const ownPublic = createPublicKey(own).export({ type: "spki", format: "der" }).toString("base64url");
    const other = createPublicKey({
      key: Buffer.from(ephemeralPublic, "base64url"),
      format: "der",
      type: "spki",
    });
    return bidKey(diffieHellman({ privateKey: own, publicKey: other }), ephemeralPublic, ownPublic);
  } catch {
    throw new SealBrokenError("bid");
  }
}

// Sealed streams: documents too large to hold, sealed and opened a chunk at a time

/** What a sealed stream begins with (and what `seal`'s text never does). */
const STREAM_MAGIC = Buffer.from("OPENPS-SEALED-3\n");
/** The plaintext's length, at the start of what is encrypted, so the padding can be told from it. */
const LENGTH_BYTES = 8;
const TAG_BYTES = 16;
const ZEROS = Buffer.alloc(64 * 1024);

/**
 * Seals `size` bytes from `plaintext` to a tender's public key, bound to `binding`, a chunk at a
 * time — as `seal` does for text, but for documents: X25519, HKDF-SHA-256, AES-256-GCM, padded to
 * `paddedSize` so the sealed size says little of the document's. The stream is: `STREAM_MAGIC`,
 * the ephemeral public key's length (2 bytes) and the key (SPKI DER), the 12-byte IV; then the
 * ciphertext of the length (8 bytes), the bytes and zeros to the padded size; then the 16-byte tag.
 * The header is authenticated with the binding. Throws if the plaintext is not `size` bytes.
 */
export async function* sealStream(
  publicKey: string,
  binding: string,
  plaintext: AsyncIterable<Uint8Array>,
  size: number,
): AsyncGenerator<Buffer> {
  const { key, ephemeralPublic } = agreeToSeal(publicKey);
  const ephemeral = Buffer.from(ephemeralPublic, "base64url");
  const width = Buffer.alloc(2);
  width.writeUInt16BE(ephemeral.length);
  const iv = randomBytes(IV_BYTES);
  const header = Buffer.concat([STREAM_MAGIC, width, ephemeral, iv]);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.concat([Buffer.from(`seal:${binding}\n`, "utf8"), header]));
  yield header;
  const length = Buffer.alloc(LENGTH_BYTES);
  length.writeBigUInt64BE(BigInt(size));
  yield cipher.update(length);
  let seen = 0;
  for await (const chunk of plaintext) {
    seen += chunk.length;
    if (seen > size) break;
    yield cipher.update(chunk);
  }
  if (seen !== size) throw new Error(`A document of ${size} bytes gave ${seen} bytes to seal`);
  for (let left = paddedSize(LENGTH_BYTES + size) - LENGTH_BYTES - size; left > 0; left -= ZEROS.length)
    yield cipher.update(ZEROS.subarray(0, Math.min(left, ZEROS.length)));
  yield cipher.final();
  yield cipher.getAuthTag();
}

/** How many bytes `sealStream` makes of `size` bytes. */
export function sealedStreamSize(size: number): number {
  const header = STREAM_MAGIC.length + 2 + 44 + IV_BYTES;
  return header + paddedSize(LENGTH_BYTES + size) + TAG_BYTES;
}

/**
 * Opens what `sealStream` made, a chunk at a time. The tag is checked only at the end: what comes
 * out before is unauthenticated, so a caller must not act on it until the stream has ended without
 * `SealBrokenError` (read it through once to check, then again to use).
 */
export async function* unsealStream(
  privateKey: Buffer,
  binding: string,
  sealed: AsyncIterable<Uint8Array>,
): AsyncGenerator<Buffer> {
  let pending = Buffer.alloc(0);
  let decipher: DecipherGCM | undefined;
  let length: bigint | undefined;
  let lengthBytes = Buffer.alloc(0);
  let left = 0n;
  const open = (clear: Buffer): Buffer | undefined => {
    let rest = clear;
    if (length === undefined) {
      lengthBytes = Buffer.concat([lengthBytes, rest]);
      if (lengthBytes.length < LENGTH_BYTES) return undefined;
      length = lengthBytes.readBigUInt64BE(0);
      left = length;
      rest = lengthBytes.subarray(LENGTH_BYTES);
    }
    const take = Number(left < BigInt(rest.length) ? left : BigInt(rest.length));
    left -= BigInt(take);
    if (rest.subarray(take).some((b) => b !== 0)) throw new SealBrokenError("document");
    return take > 0 ? rest.subarray(0, take) : undefined;
  };
  for await (const chunk of sealed) {
    pending = Buffer.concat([pending, chunk]);
    if (!decipher) {
      const fixed = STREAM_MAGIC.length + 2;
      if (pending.length < fixed) continue;
      if (!pending.subarray(0, STREAM_MAGIC.length).equals(STREAM_MAGIC))
        throw new SealBrokenError("document");
      const end = fixed + pending.readUInt16BE(STREAM_MAGIC.length) + IV_BYTES;
      if (pending.length < end) continue;
      const header = pending.subarray(0, end);
      const ephemeral = header.subarray(fixed, end - IV_BYTES).toString("base64url");
      decipher = createDecipheriv(
        "aes-256-gcm",
        agreeToOpen(privateKey, ephemeral),
        header.subarray(end - IV_BYTES),
      );
      decipher.setAAD(Buffer.concat([Buffer.from(`seal:${binding}\n`, "utf8"), header]));
      pending = pending.subarray(end);
    }
    // The last TAG_BYTES may be the tag: held back until the stream ends.
    if (pending.length > TAG_BYTES) {
      const clear = open(decipher.update(pending.subarray(0, pending.length - TAG_BYTES)));
      pending = pending.subarray(pending.length - TAG_BYTES);
      if (clear) yield clear;
    }
  }
  if (!decipher || pending.length !== TAG_BYTES) throw new SealBrokenError("document");
  try {
    decipher.setAuthTag(pending);
    decipher.final();
  } catch {
    throw new SealBrokenError("document");
  }
  if (length === undefined || left !== 0n) throw new SealBrokenError("document");
}

// A bidder's copy: what it submitted, locked under a key only its browser holds

/** A new random key for a bidder's copy (the server keeps none). */
export function newCopyKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/** Locks a bidder's copy of its bid under `key`, bound to the bid, padded as a sealed bid is. */
export function lockCopy(key: Buffer, binding: string, plaintext: string): string {
  return encrypt(key, `copy:${binding}`, pad(Buffer.from(plaintext, "utf8")));
}

/** Opens what `lockCopy` made; throws `SealBrokenError` for another key, bid or an altered copy. */
export function unlockCopy(key: Buffer, binding: string, locked: string): Buffer {
  if (key.length !== KEY_BYTES) throw new SealBrokenError("copy");
  return unpad(decrypt(key, `copy:${binding}`, locked, "copy"));
}

/** The bidder's tag for a tender: HMAC-SHA-256 of the organisation's id under the tender's index key. */
export function bidderTag(indexKey: Buffer | KeyObject, organisationId: string): string {
  return createHmac("sha256", indexKey).update(`bidder:${organisationId.toLowerCase()}`).digest("base64url");
}

function decodeKey(encoded: string, where: string): Buffer {
  const key = Buffer.from(encoded.trim(), "base64");
  if (key.length !== KEY_BYTES)
    throw new Error(`${where} must hold ${KEY_BYTES} random bytes in base64; it holds ${key.length} bytes`);
  return key;
}

/**
 * The key file's keys, current first: one base64 key a line (earlier keys on later lines, while
 * they are still needed). Made with one new key (mode 0600) if there is none; two processes
 * starting at once agree on one key (the file is created exclusively).
 */
export function readTenderKeyFile(dataDir: string): Buffer[] {
  const file = path.resolve(dataDir, TENDER_KEY_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    text = `${randomBytes(KEY_BYTES).toString("base64")}\n`;
    try {
      fs.writeFileSync(file, text, { flag: "wx", mode: 0o600 });
    } catch (writeError) {
      if ((writeError as NodeJS.ErrnoException).code !== "EEXIST") throw writeError;
      text = fs.readFileSync(file, "utf8");
    }
  }
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
  if (lines.length === 0) throw new Error(`${file} holds no key`);
  return lines.map((l, i) => decodeKey(l, `${file} line ${i + 1}`));
}

const loaded = new Map<string, TenderKeyring>();

/**
 * The deployment's keyring: OPENPS_TENDER_KEY (and OPENPS_TENDER_PREVIOUS_KEYS) when configured,
 * otherwise the key file beside the database.
 */
export function loadTenderKeyring(config: Config): TenderKeyring {
  const cacheKey = config.tenderMasterKey
    ? `config:${fingerprint(decodeKey(config.tenderMasterKey, "OPENPS_TENDER_KEY"))}:${config.tenderPreviousMasterKeys.join(",")}`
    : `file:${path.resolve(config.dataDir, TENDER_KEY_FILE)}`;
  const cached = loaded.get(cacheKey);
  if (cached) return cached;
  let keys: Buffer[];
  if (config.tenderMasterKey) {
    keys = [
      decodeKey(config.tenderMasterKey, "OPENPS_TENDER_KEY"),
      ...config.tenderPreviousMasterKeys.map((k) => decodeKey(k, "OPENPS_TENDER_PREVIOUS_KEYS")),
    ];
  } else {
    keys = [
      ...readTenderKeyFile(config.dataDir),
      ...config.tenderPreviousMasterKeys.map((k) => decodeKey(k, "OPENPS_TENDER_PREVIOUS_KEYS")),
    ];
  }
  const keyring = tenderKeyringFromKeys(keys[0] as Buffer, keys.slice(1));
  loaded.set(cacheKey, keyring);
  return keyring;
}

declare module "../../http/context.ts" {
  interface AppDeps {
    /**
     * The master keys that wrap tenders' sealing keys (never stored in the database). Absent: the
     * tenders module loads them from the configuration (`loadTenderKeyring`).
     */
    tenderKeys?: TenderKeyring;
  }
}
