/**
 * Anchors of the audit chains outside the database (security finding 4: with database access,
 * deleting the tail of a chain and resetting its head, or rewriting an event and recomputing the
 * hashes after it, passed `openps audit verify`, since the chain only vouches for itself).
 *
 * An anchor is a chain's head — its authority, last sequence number and hash — at an instant,
 * signed with Ed25519 under a key kept beside the tender key (`sealing/audit-anchor.key` in the data
 * directory, never in the database or its backups), and appended to `audit-anchors.jsonl` in the
 * data directory (opened for appending only). The latest anchor of each chain is published as open
 * data (`GET /api/v1/audit/anchors`, with the public key), so anyone holding a published head can
 * prove a later truncation or rewrite. `openps audit verify` checks every anchor in the file: the
 * event it names must still be there with the same hash.
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import canonicalize from "canonicalize";
import type { Db } from "../../db/database.ts";
import * as repo from "./audit.repository.ts";

/** Beside the tender key, not in `keys/`: a backup never carries it. */
export const ANCHOR_KEY_FILE = path.join("sealing", "audit-anchor.key");
export const ANCHORS_FILE = "audit-anchors.jsonl";

/** A chain's head at an instant, as signed. */
export interface Anchor {
  authorityId: string;
  seq: string;
  hash: string;
  anchoredAt: string;
}

export interface SignedAnchor extends Anchor {
  /** Ed25519 over the anchor's canonical JSON (RFC 8785), base64url. */
  signature: string;
}

/** The anchoring key of a data directory: read, or made (0600) on first use. */
export function anchorKey(dataDir: string): KeyObject {
  const file = path.join(dataDir, ANCHOR_KEY_FILE);
  try {
    return createPrivateKey(fs.readFileSync(file, "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync("ed25519");
  try {
    fs.writeFileSync(file, privateKey.export({ type: "pkcs8", format: "pem" }), { flag: "wx", mode: 0o600 });
    return privateKey;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return createPrivateKey(fs.readFileSync(file, "utf8"));
  }
}

/** The public key anchors are checked with, SPKI DER in base64url. */
export function anchorPublicKey(key: KeyObject): string {
  return createPublicKey(key).export({ type: "spki", format: "der" }).toString("base64url");
}

const signed = (anchor: Anchor) =>
  Buffer.from(
    canonicalize({
      authorityId: anchor.authorityId,
      seq: anchor.seq,
      hash: anchor.hash,
      anchoredAt: anchor.anchoredAt,
    }) ?? "",
  );

/** The anchors written so far, oldest first, each with whether its signature holds. */
export function readAnchors(dataDir: string, key: KeyObject): { anchor: SignedAnchor; valid: boolean }[] {
  const file = path.join(dataDir, ANCHORS_FILE);
  if (!fs.existsSync(file)) return [];
  const publicKey = createPublicKey(key);
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      let anchor: SignedAnchor;
      try {
        anchor = JSON.parse(line) as SignedAnchor;
      } catch {
        return {
          anchor: { authorityId: "?", seq: "0", hash: "", anchoredAt: "", signature: "" },
          valid: false,
        };
      }
      const valid =
        typeof anchor.signature === "string" &&
        verify(null, signed(anchor), publicKey, Buffer.from(anchor.signature, "base64url"));
      return { anchor, valid };
    });
}

/** The latest anchor of each chain, for publishing. */
export function latestAnchors(dataDir: string, key: KeyObject): SignedAnchor[] {
  const latest = new Map<string, SignedAnchor>();
  for (const { anchor, valid } of readAnchors(dataDir, key))
    if (valid) latest.set(anchor.authorityId, anchor);
  return [...latest.values()].sort((a, b) => a.authorityId.localeCompare(b.authorityId));
}

/**
 * Anchors every chain whose head has moved since its last anchor: signs its head and appends it to
 * the anchors file. Returns how many were anchored.
 */
export async function anchorAuditChains(db: Db, dataDir: string, now: Date): Promise<number> {
  const key = anchorKey(dataDir);
  const last = new Map(latestAnchors(dataDir, key).map((a) => [a.authorityId, a.seq]));
  const lines: string[] = [];
  for (const head of await repo.listChainHeads(db)) {
    if (last.get(head.authority_id) === head.last_seq.toString()) continue;
    const anchor: Anchor = {
      authorityId: head.authority_id,
      seq: head.last_seq.toString(),
      hash: head.last_hash,
      anchoredAt: now.toISOString(),
    };
    const signature = sign(null, signed(anchor), key).toString("base64url");
    lines.push(JSON.stringify({ ...anchor, signature }));
  }
  if (lines.length > 0)
    fs.appendFileSync(path.join(dataDir, ANCHORS_FILE), `${lines.join("\n")}\n`, { flag: "a", mode: 0o600 });
  return lines.length;
}

/** What is wrong with the chains against their anchors: one line per problem, none when all hold. */
export async function checkAnchors(db: Db, dataDir: string): Promise<string[]> {
  const key = anchorKey(dataDir);
  const problems: string[] = [];
  for (const [index, { anchor, valid }] of readAnchors(dataDir, key).entries()) {
    if (!valid) {
      problems.push(
        `anchor ${index + 1} in ${ANCHORS_FILE}: its signature does not hold (the file was altered)`,
      );
      continue;
    }
    const event = await repo.eventAt(db, anchor.authorityId, BigInt(anchor.seq));
    if (!event)
      problems.push(
        `chain ${anchor.authorityId}: event ${anchor.seq}, anchored at ${anchor.anchoredAt}, is gone (the chain was cut short)`,
      );
    else if (event.hash !== anchor.hash)
      problems.push(
        `chain ${anchor.authorityId}: event ${anchor.seq} does not have the hash anchored at ${anchor.anchoredAt} (the chain was rewritten)`,
      );
  }
  return problems;
}
