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

/**
 * Changes chains as someone with the database could, leaving each consistent in itself: the last
 * event of `cut` deleted and its head set back; the last event of `rewritten` changed, its hash
 * made again and its head moved to it.
 */
async function tamper(dir: string, chains: { cut: string; rewritten: string }): Promise<void> {
  const database = await openDatabase({ dataDir: dir, lock: true });
  const db = database.db;
  const lastOf = (chain: string) =>
    db
      .selectFrom("audit_events")
      .selectAll()
      .where("authority_id", "=", chain)
      .orderBy("seq", "desc")
      .executeTakeFirstOrThrow();
  try {
    await sql`alter table audit_events disable trigger audit_events_append_only`.execute(db);
    const cut = await lastOf(chains.cut);
    await db
      .deleteFrom("audit_events")
      .where("authority_id", "=", chains.cut)
      .where("seq", "=", cut.seq)
      .execute();
    await db
      .updateTable("audit_chains")
      .set({ last_seq: cut.seq - 1n, last_hash: cut.prev_hash })
      .where("authority_id", "=", chains.cut)
      .execute();
    const last = await lastOf(chains.rewritten);
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
      .where("authority_id", "=", chains.rewritten)
      .where("seq", "=", last.seq)
      .execute();
    await db
      .updateTable("audit_chains")
      .set({ last_hash: hash })
      .where("authority_id", "=", chains.rewritten)
      .execute();
    await sql`alter table audit_events enable trigger audit_events_append_only`.execute(db);
  } finally {
    await database.close();
  }
}

describe("anchored audit chain heads", { timeout: 120_000 }, () => {
  it("show a chain cut short or rewritten, though each is consistent in itself, and an altered anchor", async () => {
    const dir = await anchoredDataDir();
    expect(fs.existsSync(path.join(dir, "sealing", "audit-anchor.key"))).toBe(true);
    const file = path.join(dir, "audit-anchors.jsonl");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    // Three chains, each anchored: one is cut short, one rewritten, and the anchor of the third altered.
    const lines = fs.readFileSync(file, "utf8").trim().split("\n");
    const chains = lines.map((line) => (JSON.parse(line) as { authorityId: string }).authorityId);
    const cut = PLATFORM_CHAIN;
    const [rewritten, altered] = chains.filter((chain) => chain !== cut);
    if (!rewritten || !altered) throw new Error(`The demo data has too few chains: ${chains.join(", ")}`);

    await tamper(dir, { cut, rewritten });
    const alteredLine = chains.indexOf(altered);
    fs.writeFileSync(
      file,
      `${lines.map((l, i) => (i === alteredLine ? l.replace(/"seq":"\d+"/, '"seq":"1"') : l)).join("\n")}\n`,
    );
    const verified = await runOpenps(["audit", "verify"], { OPENPS_DATA_DIR: dir });
    // The chains themselves are consistent: only the anchors show what was done.
    expect(verified.stdout).toMatch(/All \d+ audit chains are intact/);
    expect(verified.stdout).toMatch(new RegExp(`chain ${cut}: event \\d+, anchored at .*, is gone`));
    expect(verified.stdout).toMatch(
      new RegExp(
        `chain ${rewritten}: event \\d+ does not have the hash anchored at .* \\(the chain was rewritten\\)`,
      ),
    );
    expect(verified.stdout).toContain(
      `anchor ${alteredLine + 1} in audit-anchors.jsonl: its signature does not hold`,
    );
    expect(verified.code).toBe(1);

    // Anchored again, what is wrong stays wrong: a new anchor does not hide an old one.
    expect((await runOpenps(["audit", "anchor"], { OPENPS_DATA_DIR: dir })).stdout).toMatch(
      /Anchored \d+ chain head/,
    );
    const again = await runOpenps(["audit", "verify"], { OPENPS_DATA_DIR: dir });
    expect(again.stdout).toMatch(new RegExp(`chain ${cut}: event \\d+, anchored at .*, is gone`));
    expect(again.code).toBe(1);
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
