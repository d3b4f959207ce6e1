/**
 * Finding 4 of the security review: the audit chain had no outside anchor — with database access,
 * deleting the tail of a chain and resetting its head, or rewriting an event and recomputing the
 * hashes after it, passed `openps audit verify` (the chain vouched only for itself). Now chain
 * heads are signed and appended to a file outside the database (and published), and
 * `openps audit verify` checks the chains against them.
 */
import { createPublicKey, verify } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import canonicalize from "canonicalize";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/connect.ts";
import { anchorAuditChains } from "../../src/modules/audit/anchors.ts";
import { eventHash, PLATFORM_CHAIN } from "../../src/modules/audit/audit.service.ts";
import { createTestApp } from "../support/app.ts";
import { runOpenps } from "../support/spawn.ts";
import { createTestDataDir, DEMO_SEEDED_AT } from "../support/test-db.ts";

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

async function anchoredDataDir(): Promise<string> {
  const dir = await createTestDataDir({ seededAt: DEMO_SEEDED_AT });
  made.push(dir);
  const anchored = await runOpenps(["audit", "anchor"], { OPENPS_DATA_DIR: dir });
  expect(anchored.stderr).toBe("");
  expect(anchored.stdout).toMatch(/Anchored \d+ chain head/);
  return dir;
}

/** Changes the platform chain as someone with the database could, leaving it consistent in itself. */
async function tamper(dir: string, change: "truncate" | "rewrite"): Promise<void> {
  const database = await openDatabase({ dataDir: dir, lock: true });
  const db = database.db;
  try {
    await sql`alter table audit_events disable trigger audit_events_append_only`.execute(db);
    const last = await db
      .selectFrom("audit_events")
      .selectAll()
      .where("authority_id", "=", PLATFORM_CHAIN)
      .orderBy("seq", "desc")
      .executeTakeFirstOrThrow();
    if (change === "truncate") {
      await db
        .deleteFrom("audit_events")
        .where("authority_id", "=", PLATFORM_CHAIN)
        .where("seq", "=", last.seq)
        .execute();
      await db
        .updateTable("audit_chains")
        .set({ last_seq: last.seq - 1n, last_hash: last.prev_hash })
        .where("authority_id", "=", PLATFORM_CHAIN)
        .execute();
    } else {
      const hash = eventHash(last.prev_hash, {
        authorityId: last.authority_id,
        seq: last.seq,
        occurredAt: last.occurred_at,
        actorType: last.actor_type,
        actorId: last.actor_id,
        action: "seed.rewritten",
        entityType: last.entity_type,
        entityId: last.entity_id,
        changes: last.changes,
        requestId: last.request_id,
      });
      await db
        .updateTable("audit_events")
        .set({ action: "seed.rewritten", hash })
        .where("authority_id", "=", PLATFORM_CHAIN)
        .where("seq", "=", last.seq)
        .execute();
      await db
        .updateTable("audit_chains")
        .set({ last_hash: hash })
        .where("authority_id", "=", PLATFORM_CHAIN)
        .execute();
    }
    await sql`alter table audit_events enable trigger audit_events_append_only`.execute(db);
  } finally {
    await database.close();
  }
}

describe("anchored audit chain heads", { timeout: 120_000 }, () => {
  it("show a chain cut short or rewritten, though it is consistent in itself, and an altered anchor", async () => {
    const dir = await anchoredDataDir();
    const env = { OPENPS_DATA_DIR: dir };
    expect(fs.existsSync(path.join(dir, "sealing", "audit-anchor.key"))).toBe(true);
    const file = path.join(dir, "audit-anchors.jsonl");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);

    // Cut short: the last event gone and the head set back.
    await tamper(dir, "truncate");
    const cut = await runOpenps(["audit", "verify"], env);
    // The chain itself is consistent: only the anchor shows what was done.
    expect(cut.stdout).toMatch(/All \d+ audit chains are intact/);
    expect(cut.stdout).toMatch(
      /chain 00000000-0000-0000-0000-000000000000: event \d+, anchored at .*, is gone/,
    );
    expect(cut.code).toBe(1);

    // Anchored again, then rewritten: an event changed and its hash made again.
    expect((await runOpenps(["audit", "anchor"], env)).stdout).toMatch(/Anchored 1 chain head/);
    await tamper(dir, "rewrite");
    const rewritten = await runOpenps(["audit", "verify"], env);
    expect(rewritten.stdout).toMatch(/All \d+ audit chains are intact/);
    expect(rewritten.stdout).toMatch(/does not have the hash anchored at .* \(the chain was rewritten\)/);
    expect(rewritten.code).toBe(1);

    // An anchor changed in the file no longer carries its signature.
    const lines = fs.readFileSync(file, "utf8").trim().split("\n");
    fs.writeFileSync(
      file,
      `${lines.map((l, i) => (i === 0 ? l.replace(/"seq":"\d+"/, '"seq":"1"') : l)).join("\n")}\n`,
    );
    const altered = await runOpenps(["audit", "verify"], env);
    expect(altered.stdout).toMatch(/anchor 1 in audit-anchors.jsonl: its signature does not hold/);
    expect(altered.code).toBe(1);
  });

  it("are published, signed, for anyone to keep", async () => {
    const t = await createTestApp({ seeded: true });
    try {
      const none = (await t.app.inject({ url: "/api/v1/audit/anchors" })).json();
      expect(none.anchors).toEqual([]);
      expect(await anchorAuditChains(t.deps.db, t.deps.config.dataDir, new Date())).toBeGreaterThan(0);
      // Nothing moved: nothing more to anchor.
      expect(await anchorAuditChains(t.deps.db, t.deps.config.dataDir, new Date())).toBe(0);
      const published = (await t.app.inject({ url: "/api/v1/audit/anchors" })).json() as {
        publicKey: string;
        anchors: { authorityId: string; seq: string; hash: string; anchoredAt: string; signature: string }[];
      };
      expect(published.anchors.length).toBeGreaterThan(0);
      const key = createPublicKey({
        key: Buffer.from(published.publicKey, "base64url"),
        format: "der",
        type: "spki",
      });
      for (const anchor of published.anchors) {
        const { signature, ...signedPart } = anchor;
        const message = Buffer.from(canonicalize(signedPart) ?? "");
        expect(verify(null, message, key, Buffer.from(signature, "base64url"))).toBe(true);
      }
    } finally {
      await t.close();
    }
  });
});
