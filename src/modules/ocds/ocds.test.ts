/**
 * OCDS publication on the demo data: every change to a contracting process made its release as the
 * seeds ran through the services; each release, package and record validates against the OCDS 1.1
 * schema with the bids and lots extensions; nothing sealed reaches a release; releases never change;
 * the API pages, filters by date and refuses what it cannot read.
 */
import fs from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { createTestDatabase, DEMO_SEEDED_AT } from "../../../tests/support/test-db.ts";
import { transaction } from "../../db/transaction.ts";
import { settableClock } from "../../lib/clock.ts";
import { systemCtx } from "../access/context.ts";
import { SYSTEM } from "../audit/audit.service.ts";
import { BULK_QUEUE, buildBulkFiles } from "./bulk.service.ts";
import { importOcds } from "./import.service.ts";
import { compileRelease, type OcdsRelease } from "./merge.ts";
import { publishMissingReleases, recordOf, releasePackage } from "./ocds.service.ts";
import { published } from "./packages.ts";
import { type Process, snapshotOf, snapshotsOf } from "./process.service.ts";
import { buildRelease, type ProcessSnapshot, type ReleaseTag } from "./releases.ts";
import { recordPackageProblems, releasePackageProblems, releaseProblems } from "./validate.ts";

let t: TestApp;
const publication = { baseUrl: "https://openps.example.org", publisherName: "OpenPS test" };

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
});
afterAll(async () => {
  await t?.close();
});

const ctx = () => systemCtx(t.deps.db, t.deps.clock, "test");

async function allReleases() {
  return t.deps.db.selectFrom("ocds_releases").selectAll().orderBy("ocid").orderBy("seq").execute();
}

describe("OCDS releases of the demo data", () => {
  it("publishes releases for every published project and tender, each valid OCDS 1.1, dated in order", async () => {
    const rows = await allReleases();
    const tags = new Set(rows.flatMap((r) => r.tags));
    for (const tag of ["planning", "tender", "award", "contract", "implementation"])
      expect(tags).toContain(tag);
    const tenders = await t.deps.db
      .selectFrom("tenders")
      .select("id")
      .where("status", "<>", "draft")
      .execute();
    const inReleases = new Set(rows.map((r) => (r.release.tender as { id?: string } | undefined)?.id));
    for (const tender of tenders) expect(inReleases).toContain(tender.id);
    const projects = await t.deps.db
      .selectFrom("projects")
      .select("ocid")
      .where("status", "=", "published")
      .execute();
    for (const project of projects) expect(rows.map((r) => r.ocid)).toContain(project.ocid);
    for (const row of rows) {
      // As published: site-relative links made absolute.
      expect(releaseProblems(published(row.release, publication.baseUrl)), row.id).toEqual([]);
      const before = rows.find((r) => r.ocid === row.ocid && r.seq === row.seq - 1);
      if (before) expect(row.date.getTime()).toBeGreaterThanOrEqual(before.date.getTime());
      // A stage's own tag says what its update tag would.
      expect(
        row.tags.filter((tag) => row.tags.includes(tag.replace(/Update$/, "")) && tag.endsWith("Update")),
      ).toEqual([]);
    }
  });

  it("serves packages and records that validate, with links made absolute", async () => {
    const first = JSON.parse(await releasePackage(ctx(), publication, { pageSize: 50 })) as unknown;
    expect(releasePackageProblems(first)).toEqual([]);
    const ocids = [...new Set((await allReleases()).map((r) => r.ocid))];
    for (const ocid of ocids) {
      const record = JSON.parse(await recordOf(ctx(), publication, ocid)) as unknown;
      expect(recordPackageProblems(record), ocid).toEqual([]);
    }
    const urls = JSON.stringify(first).match(/"url":"[^"]*"/g) ?? [];
    expect(urls.length).toBeGreaterThan(0);
    expect(urls.every((u) => u.startsWith('"url":"https://openps.example.org/'))).toBe(true);
  });

  it("compiles a record to the latest release's state", async () => {
    const rows = await allReleases();
    const ocid = rows.find((r) => r.tags.includes("contract"))?.ocid as string;
    const own = rows.filter((r) => r.ocid === ocid);
    const compiled = compileRelease(own.map((r) => r.release as OcdsRelease)) as Record<
      string,
      Record<string, unknown>
    >;
    const latest = own[own.length - 1]?.release as Record<string, Record<string, unknown>>;
    const tender = latest.tender as Record<string, unknown>;
    expect(compiled.tender).toMatchObject({ id: tender.id, title: tender.title, status: tender.status });
    const status = (list: unknown) => (list as { id: string; status: string }[]).map((x) => [x.id, x.status]);
    expect(status(compiled.awards)).toEqual(status(latest.awards));
    expect(status(compiled.contracts)).toEqual(status(latest.contracts));
  });

  it("never publishes a sealed bid: before opening no bid count, and never a bid's tag or digest", async () => {
    const bids = await t.deps.db
      .selectFrom("bids as b")
      .innerJoin("tenders as t", (j) =>
        j.onRef("t.id", "=", "b.tender_id").onRef("t.authority_id", "=", "b.authority_id"),
      )
      .select(["t.id as tender_id", "t.opened_at", "b.bidder_tag", "b.content_sha256"])
      .execute();
    const sealed = bids.filter((b) => b.opened_at === null);
    expect(sealed.length).toBeGreaterThan(0);
    const rows = await allReleases();
    for (const { tender_id } of sealed) {
      const releases = rows.filter(
        (r) => (r.release.tender as { id?: string } | undefined)?.id === tender_id,
      );
      expect(releases.length).toBeGreaterThan(0);
      for (const r of releases) {
        expect(r.release.bids).toBeUndefined();
        expect((r.release.tender as Record<string, unknown>).numberOfTenderers).toBeUndefined();
        expect(r.release.awards).toBeUndefined();
      }
    }
    const text = JSON.stringify(rows.map((r) => r.release));
    for (const bid of bids) {
      expect(text).not.toContain(bid.bidder_tag);
      expect(text).not.toContain(bid.content_sha256);
    }
    // Opened: how many bids there were, and only that.
    const opened = rows.find((r) => r.release.bids !== undefined);
    expect(opened?.release.bids).toMatchObject({ statistics: [{ measure: "bids" }] });
  });

  it("keeps every release as published: a change or a deletion is refused by the database", async () => {
    const [row] = await allReleases();
    await expect(
      sql`update ocds_releases set tags = array['tenderUpdate'] where id = ${row?.id}`.execute(t.deps.db),
    ).rejects.toThrow(/never changed or deleted/);
    await expect(sql`delete from ocds_releases where id = ${row?.id}`.execute(t.deps.db)).rejects.toThrow(
      /never changed or deleted/,
    );
  });
});

describe("the OCDS API", () => {
  it("pages releases newest first by links.next, each exactly once", async () => {
    const total = (await allReleases()).length;
    const seen: string[] = [];
    let url: string | undefined = "/data/ocds/releases?pageSize=7";
    let dates: string[] = [];
    while (url) {
      const response = await t.app.inject({ url });
      expect(response.statusCode).toBe(200);
      const body = response.json() as { releases: { id: string; date: string }[]; links?: { next: string } };
      seen.push(...body.releases.map((r) => r.id));
      dates = [...dates, ...body.releases.map((r) => r.date)];
      url = body.links?.next.replace(/^https?:\/\/[^/]+/, "");
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    expect([...dates].sort().reverse()).toEqual(dates);
  });

  it("filters by date, answers one release and a record, and says what is wrong", async () => {
    const rows = await allReleases();
    const middle = [...rows].sort((a, b) => a.date.getTime() - b.date.getTime())[Math.floor(rows.length / 2)];
    const since = middle?.date.toISOString() as string;
    const after = (
      await t.app.inject({ url: `/data/ocds/releases?since=${since}&pageSize=1000` })
    ).json() as {
      releases: { date: string }[];
    };
    expect(after.releases.length).toBe(rows.filter((r) => r.date >= (middle?.date as Date)).length);
    const one = await t.app.inject({
      url: `/data/ocds/releases/${encodeURIComponent(middle?.id as string)}`,
    });
    expect(one.statusCode).toBe(200);
    expect(one.headers["cache-control"]).toContain("immutable");
    expect((one.json() as { releases: { id: string }[] }).releases[0]?.id).toBe(middle?.id);
    const record = await t.app.inject({
      url: `/data/ocds/records/${encodeURIComponent(middle?.ocid as string)}`,
    });
    expect(record.statusCode).toBe(200);
    expect(
      (record.json() as { records: { compiledRelease: { tag: string[] } }[] }).records[0]?.compiledRelease
        .tag,
    ).toEqual(["compiled"]);
    expect((await t.app.inject({ url: "/data/ocds/releases/nope" })).statusCode).toBe(404);
    expect((await t.app.inject({ url: "/data/ocds/records/nope" })).statusCode).toBe(404);
    const bad = await t.app.inject({ url: "/data/ocds/releases?since=yesterday" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { details: [{ field: "since" }] } });
    expect((await t.app.inject({ url: "/data/ocds/releases?after=cut" })).statusCode).toBe(400);
  });
});

describe("the OCDS bulk files", () => {
  it("are queued for rebuilding when releases are published, at most once a minute", async () => {
    const jobs = await t.deps.db
      .selectFrom("jobs")
      .select(["dedupe_key", "run_at"])
      .where("queue", "=", BULK_QUEUE)
      .execute();
    expect(jobs.length).toBeGreaterThan(0);
    for (const job of jobs) expect(job.run_at.getTime() % 60_000).toBe(0);
  });

  it("hold every release in JSON lines and in packages, each valid, served with an ETag", async () => {
    const rows = await allReleases();
    const index = await buildBulkFiles(t.deps.db, t.deps.clock, publication, t.deps.config.dataDir, {
      perPackage: 4,
    });
    expect(index.releases).toBe(rows.length);
    const served = (await t.app.inject({ url: "/data/ocds/bulk" })).json() as {
      files: { name: string; url: string; releases: number; sha256: string }[];
    };
    expect(served.files.map((f) => f.name)).toEqual(index.files.map((f) => f.name));
    const lines = served.files.find((f) => f.name === "releases.jsonl.gz");
    const response = await t.app.inject({ url: `/data/ocds/bulk/${lines?.name}` });
    expect(response.statusCode).toBe(200);
    expect(response.headers.etag).toBe(`"${lines?.sha256}"`);
    const releases = gunzipSync(response.rawPayload)
      .toString("utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { id: string });
    expect(releases.map((r) => r.id).sort()).toEqual(rows.map((r) => r.id).sort());
    for (const release of releases) expect(releaseProblems(release)).toEqual([]);
    // Packages of at most 4 here (250,000 on a deployment), every release in one of them.
    const packages = served.files.filter((f) => f.name.endsWith(".json.gz"));
    expect(packages.length).toBe(Math.ceil(rows.length / 4));
    let inPackages = 0;
    for (const file of packages) {
      const body = (await t.app.inject({ url: `/data/ocds/bulk/${file.name}` })).rawPayload;
      const pkg = JSON.parse(gunzipSync(body).toString("utf8")) as { releases: unknown[] };
      expect(releasePackageProblems(pkg), file.name).toEqual([]);
      expect(pkg.releases.length).toBe(file.releases);
      inPackages += pkg.releases.length;
    }
    expect(inPackages).toBe(rows.length);
    const again = await t.app.inject({
      url: `/data/ocds/bulk/${lines?.name}`,
      headers: { "if-none-match": `"${lines?.sha256}"` },
    });
    expect(again.statusCode).toBe(304);
    expect((await t.app.inject({ url: "/data/ocds/bulk/releases-9999.json.gz" })).statusCode).toBe(404);
    expect((await t.app.inject({ url: "/data/ocds/bulk/..%2Fkeys" })).statusCode).toBe(400);
  });
});

describe("gathering processes a page at a time", () => {
  it("gathers each as it is gathered alone, and makes the release each change published", async () => {
    const held = await t.deps.db.selectFrom("ocds_processes").selectAll().orderBy("ocid").execute();
    const processes: Process[] = held.map((p) => ({
      authorityId: p.authority_id,
      ocid: p.ocid,
      projectId: p.project_id,
      tenderId: p.tender_id,
    }));
    const page = await snapshotsOf(ctx(), processes);
    // Every stage is in the page: joint planning, tenders with their parts, opened bids, awards,
    // rated contracts (lots, documents and amendments: the next test).
    expect(page.some((s) => (s.planning?.participants.length ?? 0) > 0)).toBe(true);
    expect(page.some((s) => (s.tender?.criteria.length ?? 0) > 0)).toBe(true);
    expect(page.some((s) => s.tender?.bidsOpened)).toBe(true);
    expect(page.some((s) => s.award?.supplier.orgId)).toBe(true);
    expect(page.some((s) => (s.contract?.ratings.length ?? 0) > 0)).toBe(true);
    const latest = new Map((await allReleases()).map((r) => [r.ocid, r]));
    for (const [i, process] of processes.entries()) {
      const snapshot = page[i] as ProcessSnapshot;
      // Alone (a change's own process) or in a page, the same, byte for byte.
      const alone = await snapshotOf(ctx(), process);
      expect(snapshot, process.ocid).toEqual(alone);
      const stored = latest.get(process.ocid);
      if (!stored) continue;
      const at = { id: stored.id, date: stored.date, tags: stored.tags as ReleaseTag[] };
      expect(JSON.stringify(buildRelease(snapshot, at))).toBe(JSON.stringify(buildRelease(alone, at)));
      // And what the seeds' changes, each in its transaction, published last (JSONB keeps its own key order).
      expect(buildRelease(snapshot, at), process.ocid).toEqual(stored.release);
    }
  });

  it("keeps each tender's and contract's own parts apart when a page gathers many", async () => {
    // The demo has no lots, tender documents or amendments, nor a contract's documents or
    // amendments: written here for each tender (a different number each), then rolled back.
    const rolledBack = new Error("rolled back");
    const outcome = transaction(t.deps.db, async (trx) => {
      const { id: userId } = await trx.selectFrom("users").select("id").executeTakeFirstOrThrow();
      const tenders = await trx
        .selectFrom("tenders")
        .selectAll()
        .where("status", "<>", "draft")
        .orderBy("id")
        .execute();
      const at = DEMO_SEEDED_AT;
      for (const [n, tender] of tenders.entries()) {
        const of = { authority_id: tender.authority_id, tender_id: tender.id };
        for (let position = 1; position <= (n % 3) + 1; position++) {
          await trx
            .insertInto("tender_lots")
            .values({
              ...of,
              id: crypto.randomUUID(),
              position,
              title: `Lot ${position} of tender ${n}`,
              description: "",
              estimated_value_pence: BigInt(n * 1000 + position),
            })
            .execute();
          await trx
            .insertInto("tender_documents")
            .values({
              ...of,
              id: crypto.randomUUID(),
              position,
              title: `Document ${position} of tender ${n}`,
              filename: "spec.pdf",
              media_type: "application/pdf",
              size_bytes: 10,
              sha256: "0".repeat(64),
              file_key: `test/${n}/${position}`,
              uploaded_at: at,
            })
            .execute();
        }
        if (n % 2 === 0)
          await trx
            .insertInto("tender_amendments")
            .values({
              ...of,
              id: crypto.randomUUID(),
              number: 1,
              reason: `Amendment of tender ${n}`,
              changed: ["description"],
              previous_submission_deadline: tender.submission_deadline,
              submission_deadline: tender.submission_deadline,
              previous_clarification_deadline: tender.clarification_deadline,
              clarification_deadline: tender.clarification_deadline,
              bids_received: false,
              made_by: userId,
              made_at: at,
            })
            .execute();
      }
      for (const contract of await trx.selectFrom("contracts").select(["authority_id", "id"]).execute()) {
        const of = { authority_id: contract.authority_id, contract_id: contract.id };
        await trx
          .insertInto("contract_documents")
          .values({
            ...of,
            position: 1,
            title: "The contract",
            filename: "contract.pdf",
            media_type: "application/pdf",
            size_bytes: 10,
            sha256: "0".repeat(64),
            file_key: `test/${contract.id}`,
            uploaded_at: at,
          })
          .execute();
        await trx
          .insertInto("contract_amendments")
          .values({
            ...of,
            number: 1,
            reason: "Scope widened",
            value_before_pence: null,
            value_after_pence: null,
            starts_on_before: null,
            starts_on_after: null,
            ends_on_before: null,
            ends_on_after: null,
            scope_before: "a",
            scope_after: "b",
            kpis_added: 0,
            amended_by: userId,
            amended_at: at,
          })
          .execute();
      }
      const inTrx = systemCtx(trx, t.deps.clock, "test");
      const processes: Process[] = (await trx.selectFrom("ocds_processes").selectAll().execute()).map(
        (p) => ({
          authorityId: p.authority_id,
          ocid: p.ocid,
          projectId: p.project_id,
          tenderId: p.tender_id,
        }),
      );
      const page = await snapshotsOf(inTrx, processes);
      expect(page.filter((s) => (s.tender?.lots.length ?? 0) > 1).length).toBeGreaterThan(1);
      expect(page.filter((s) => (s.tender?.amendments.length ?? 0) > 0).length).toBeGreaterThan(1);
      expect(page.some((s) => (s.contract?.amendments.length ?? 0) > 0)).toBe(true);
      for (const [i, process] of processes.entries())
        expect(page[i], process.ocid).toEqual(await snapshotOf(inTrx, process));
      throw rolledBack;
    });
    await expect(outcome).rejects.toBe(rolledBack);
  });
});

describe("publishing what was never published", () => {
  it("gives each process without releases one release of every stage it has reached, once", async () => {
    const database = await createTestDatabase({ seededAt: DEMO_SEEDED_AT });
    try {
      const db = database.db;
      const before = await db
        .selectFrom("ocds_releases")
        .select(["ocid", "release"])
        .orderBy("seq")
        .execute();
      const ocids = [...new Set(before.map((r) => r.ocid))];
      // The integrity flags the seeds' changes raised, one process at a time (when each was raised aside).
      const integrity = async () => ({
        flags: await db
          .selectFrom("integrity_flags")
          .select(["authority_id", "ocid", "code", "reason", "title", "url", "tender_id"])
          .orderBy("authority_id")
          .orderBy("ocid")
          .orderBy("code")
          .execute(),
        counts: await db
          .selectFrom("integrity_counts")
          .selectAll()
          .where("flags", ">", 0n)
          .orderBy("authority_id")
          .orderBy("code")
          .execute(),
        markets: await db
          .selectFrom("integrity_market_awards")
          .selectAll()
          .orderBy("ocid")
          .orderBy("award_id")
          .execute(),
      });
      const raised = await integrity();
      expect(raised.flags.length).toBeGreaterThan(0);
      // As if the processes had been written before publication began.
      await sql`alter table ocds_releases disable trigger ocds_releases_immutable`.execute(db);
      await sql`delete from ocds_releases`.execute(db);
      await sql`alter table ocds_releases enable trigger ocds_releases_immutable`.execute(db);
      await sql`delete from integrity_flags where code <> 'right-to-challenge-unprocured'`.execute(db);
      await sql`delete from integrity_counts`.execute(db);
      await sql`delete from integrity_market_awards`.execute(db);
      const ctx = systemCtx(db, settableClock(DEMO_SEEDED_AT), "test");
      expect(await publishMissingReleases(ctx)).toBe(ocids.length);
      const after = await db.selectFrom("ocds_releases").selectAll().execute();
      expect(after.map((r) => r.ocid).sort()).toEqual([...ocids].sort());
      for (const row of after) {
        expect(row.seq).toBe(1);
        expect(releaseProblems(published(row.release, publication.baseUrl)), row.id).toEqual([]);
        // Every stage the process has reached, in the codelist's order.
        const release = row.release as { tender?: unknown; awards?: unknown; contracts?: unknown };
        if (release.tender) expect(row.tags).toContain("tender");
        if (release.awards) expect(row.tags.some((t) => t.startsWith("award"))).toBe(true);
        if (release.contracts) expect(row.tags).toContain("contract");
      }
      // On the audit trail: one event a project, naming the processes it published.
      const audited = await db
        .selectFrom("audit_events")
        .select("changes")
        .where("action", "=", "ocds.releases-published")
        .execute();
      expect(audited.flatMap((e) => (e.changes as { ocids: string[] }).ocids).sort()).toEqual(
        [...ocids].sort(),
      );
      // The flags worked out for the whole page at once: those each change raised.
      expect(await integrity()).toEqual(raised);
      expect(await publishMissingReleases(ctx)).toBe(0);
    } finally {
      await database.destroy();
    }
  });
});

describe("searching the processes, OpenPS's and imported", () => {
  const FICTIONAL = path.resolve(import.meta.dirname, "../../../../shared/ocds/samples/fictional-example");

  it("finds each by its tender's words, newest first, marked with its source, a page at a time", async () => {
    const file = path.join(FICTIONAL, "ocds-213czf-000-00001-02-tender.json");
    await importOcds(
      t.deps.db,
      t.deps.clock,
      [{ name: "tender.json", open: () => fs.createReadStream(file) }],
      {
        actor: SYSTEM("test"),
        target: file,
      },
    );
    type Found = {
      results: {
        ocid: string;
        title: string;
        source: { imported: boolean; publisher?: { name: string } };
        record: string;
      }[];
      next?: string;
    };
    const search = async (url: string) => (await t.app.inject({ url })).json() as Found;
    const imported = await search("/data/ocds/search?q=cycle+lanes");
    expect(imported.results).toHaveLength(1);
    expect(imported.results[0]).toMatchObject({
      ocid: "ocds-213czf-000-00001",
      title: "Planned cycle lane improvements",
      source: { imported: true, publisher: { name: expect.any(String) } },
    });
    expect(imported.results[0]?.record).toMatch(
      /\/data\/ocds\/external\/records\/ocds-213czf-000-00001\?publisher=/,
    );
    // OpenPS's own: the demo's home care tenders, each process once, page by page.
    const ocids: string[] = [];
    let url: string | undefined = "/data/ocds/search?q=care&pageSize=2";
    while (url) {
      const page = await search(url);
      for (const r of page.results) expect(r.source.imported).toBe(false);
      ocids.push(...page.results.map((r) => r.ocid));
      url = page.next?.replace(/^https?:\/\/[^/]+/, "");
    }
    expect(ocids.length).toBeGreaterThan(2);
    const bad = await t.app.inject({ url: "/data/ocds/search?q=%20" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { details: [{ field: "q" }] } });
  });
});
