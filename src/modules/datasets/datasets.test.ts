/**
 * Every open dataset on the demo data, through the routes: each downloads as CSV and as JSON with
 * the same rows, exactly the columns its page documents, stable identifiers, a licence and a date
 * of last change from the data; none holds a person's name or email, or any email address at all;
 * the index lists them all with the OCDS endpoints; /data.json catalogues them (Project Open Data
 * v1.1); the first downloads' addresses still answer. Over HTTP: an ETag and Last-Modified, 304 for a
 * copy still current, compressed as accepted; a row deleted moves its dataset's date, and a deadline
 * passing makes a copy from before it stale.
 */
import zlib from "node:zlib";
import { parse } from "csv-parse/sync";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { mainText } from "../../../tests/support/pages.ts";
import { ctxFor } from "../../../tests/support/principals.ts";
import { DEMO_SEEDED_AT } from "../../../tests/support/test-db.ts";
import { transaction } from "../../db/transaction.ts";
import type { SettableClock } from "../../lib/clock.ts";
import { spreadsheetSafe } from "../../lib/csv.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_CO_SIGNATORIES } from "../../seed/demo/challenges.ts";
import { DEMO_CHARITY_USER } from "../../seed/demo/consultations.ts";
import { DEMO_INSPECTION, DEMO_LOCATION } from "../../seed/demo/regulation.ts";
import { DEMO_USERS } from "../../seed/demo/users.ts";
import { recordAudit, SYSTEM } from "../audit/audit.service.ts";
import { insertOutcomePayments } from "../results/open-data.test-fixtures.ts";
import { DATASETS } from "./catalogue.ts";
import { lastChanged } from "./changes.service.ts";
import { csvValue, type DatasetMeta, LICENCE, type PodCatalog } from "./datasets.service.ts";

let t: TestApp;

interface Download {
  csv: string;
  header: string[];
  csvRows: string[][];
  json: DatasetMeta & { rows: Record<string, unknown>[] };
  jsonText: string;
}
const downloads = new Map<string, Download>();

async function get(url: string) {
  return t.app.inject({ method: "GET", url });
}

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  // Payment by results' outcomes and spend: a paid outcome contract (the demo data has none paid yet).
  await insertOutcomePayments(t.deps.db, t.deps.clock);
  for (const dataset of DATASETS) {
    const [csv, json] = await Promise.all([
      get(`/open-data/${dataset.id}.csv`),
      get(`/open-data/${dataset.id}.json`),
    ]);
    expect(csv.statusCode, dataset.id).toBe(200);
    expect(json.statusCode, dataset.id).toBe(200);
    const [header = [], ...csvRows] = parse(csv.body, { relax_column_count: false }) as string[][];
    downloads.set(dataset.id, { csv: csv.body, header, csvRows, json: json.json(), jsonText: json.body });
  }
});

afterAll(async () => {
  await t?.close();
});

function download(id: string): Download {
  const d = downloads.get(id);
  if (!d) throw new Error(`no download of ${id}`);
  return d;
}

describe("each dataset", () => {
  it.each(DATASETS.map((d) => d.id))("%s: CSV and JSON hold the same rows, in the same order", (id) => {
    const { csvRows, json } = download(id);
    const names = json.columns.map((c) => c.name);
    expect(json.rows.map((row) => names.map((n) => String(spreadsheetSafeValue(row[n]))))).toEqual(csvRows);
  });

  it.each(DATASETS)(
    "$id: has exactly the columns its page documents, in the CSV and the JSON",
    async (dataset) => {
      const documented = dataset.columns.map((c) => c.name);
      const { header, json } = download(dataset.id);
      expect(header).toEqual(documented);
      expect(json.columns.map((c) => c.name)).toEqual(documented);
      for (const row of json.rows) expect(Object.keys(row)).toEqual(documented);
      const page = await get(`/open-data/${dataset.id}`);
      expect(page.statusCode).toBe(200);
      const onPage = [...page.body.matchAll(/<tr class="govuk-table__row" data-column="([^"]+)">/g)].map(
        (m) => m[1],
      );
      expect(onPage).toEqual(documented);
      // Each column's meaning is written (not its catalogue key), in English and in Welsh.
      for (const column of json.columns) expect(column.description).not.toMatch(/^datasets\./);
      expect(page.body).not.toContain(`datasets.sets.${dataset.id}.`);
      const welsh = await t.app.inject({ url: `/open-data/${dataset.id}`, headers: { cookie: "lang=cy" } });
      expect(welsh.body).not.toContain(`datasets.sets.${dataset.id}.`);
      expect(welsh.body).not.toMatch(/<main[^>]*lang="en"/);
    },
  );

  it.each(DATASETS)(
    "$id: says its licence and when it last changed, from the data and its changes",
    async (dataset) => {
      const { json } = download(dataset.id);
      expect(json.licence).toEqual({
        name: "Open Government Licence v3.0",
        url: "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
      });
      expect(json.dataset).toBe(dataset.id);
      const [modified = null] = await lastChanged(ctxFor(t.deps.db, t.deps.clock, null), [dataset]);
      expect(json.modified).toBe(modified?.toISOString() ?? null);
      const page = (await get(`/open-data/${dataset.id}`)).body;
      expect(page).toContain(`data-modified="${modified?.toISOString() ?? ""}"`);
      expect(page).toContain(LICENCE.url);
      // A dataset whose rows carry their own change time is dated by the latest of them.
      if (json.rows.length > 0 && "updated_at" in (json.rows[0] ?? {})) {
        const latest = json.rows
          .map((r) => String(r.updated_at))
          .sort()
          .at(-1);
        expect(modified && modified.toISOString() >= (latest ?? "")).toBe(true);
      }
    },
  );

  it("are not empty on the demo data, and identify each row by the platform's ids", () => {
    for (const dataset of DATASETS) {
      const { json } = download(dataset.id);
      expect(json.rows.length, dataset.id).toBeGreaterThan(0);
      const first = dataset.columns[0];
      // National figures (diversity-figures) are of no one body: their rows are keyed by codes.
      expect(first?.type === "uuid" || dataset.id === "diversity-figures", dataset.id).toBe(true);
    }
    const keys = (id: string, ...names: string[]) =>
      download(id).json.rows.map((row) => names.map((n) => row[n]).join("/"));
    for (const [id, names] of [
      ["authorities", ["id"]],
      ["organisations", ["id"]],
      ["services", ["authority_id", "id"]],
      ["tenders", ["authority_id", "id"]],
      ["contract-kpis", ["authority_id", "contract_id", "position"]],
      ["kpi-ratings", ["authority_id", "contract_id", "kpi_position", "period_number"]],
      ["regulated-locations", ["regulator_id", "location_id"]],
    ] as const) {
      const list = keys(id, ...names);
      expect(new Set(list).size, id).toBe(list.length);
    }
  });

  it("follows the data: a change to a published tender moves its dataset's date", async () => {
    const before = download("tenders").json.modified;
    const later = new Date(Date.parse(before ?? "2026-01-01T00:00:00Z") + 60_000);
    const [tender] = await t.deps.db
      .selectFrom("tenders")
      .select(["authority_id", "id", "updated_at"])
      .where("status", "<>", "draft")
      .limit(1)
      .execute();
    if (!tender) throw new Error("no published tender in the demo data");
    await t.deps.db
      .updateTable("tenders")
      .set({ updated_at: later })
      .where("authority_id", "=", tender.authority_id)
      .where("id", "=", tender.id)
      .execute();
    try {
      expect(((await get("/open-data/tenders.json")).json() as DatasetMeta).modified).toBe(
        later.toISOString(),
      );
    } finally {
      await t.deps.db
        .updateTable("tenders")
        .set({ updated_at: tender.updated_at })
        .where("authority_id", "=", tender.authority_id)
        .where("id", "=", tender.id)
        .execute();
    }
  });
});

/** A JSON value as the CSV writes it (spreadsheet-safe text). */
function spreadsheetSafeValue(value: unknown): string {
  const written = csvValue((value ?? null) as Parameters<typeof csvValue>[0]);
  return typeof written === "string" ? spreadsheetSafe(written) : String(written);
}

describe("nothing personal", () => {
  it("no dataset holds a person's name or email, or any email address at all", async () => {
    const db = t.deps.db;
    const users = await db.selectFrom("users").select(["display_name", "email"]).execute();
    const coSignatories = await db.selectFrom("challenge_co_signatories").select(["name", "email"]).execute();
    const managers = await db.selectFrom("registrations").select("registered_manager").execute();
    const considered = await db.selectFrom("challenges").select("considered_by").execute();
    const personal = new Set<string>(
      [
        ...DEMO_USERS.flatMap((u) => [u.displayName, u.email]),
        DEMO_CHARITY_USER.displayName,
        DEMO_CHARITY_USER.email,
        ...DEMO_CO_SIGNATORIES.flatMap((s) => [s.name, s.email]),
        ...users.flatMap((u) => [u.display_name, u.email]),
        ...coSignatories.flatMap((s) => [s.name, s.email ?? ""]),
        ...managers.map((m) => m.registered_manager),
        ...considered.map((c) => c.considered_by ?? ""),
      ]
        .map((text) => text.trim().toLowerCase())
        .filter((text) => text.length > 3),
    );
    // The seeds that respond to consultations and co-sign challenges are among the users above.
    expect(personal.has(DEMO_CHARITY_USER.email)).toBe(true);
    expect(users.length).toBeGreaterThan(DEMO_USERS.length);
    const email = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+/g;
    const found: string[] = [];
    for (const dataset of DATASETS) {
      const { csv, jsonText } = download(dataset.id);
      for (const [format, text] of [
        ["csv", csv],
        ["json", jsonText],
      ] as const) {
        const lower = text.toLowerCase();
        for (const p of personal) if (lower.includes(p)) found.push(`${dataset.id}.${format}: ${p}`);
        for (const m of text.match(email) ?? []) found.push(`${dataset.id}.${format}: ${m}`);
      }
    }
    expect(found).toEqual([]);
  });

  it("publishes no draft, no sealed bid, no unpublished rating", async () => {
    const tenders = download("tenders").json.rows;
    expect(tenders.every((r) => r.status !== "draft")).toBe(true);
    const drafts = await t.deps.db.selectFrom("tenders").select("id").where("status", "=", "draft").execute();
    for (const d of drafts) expect(download("tenders").jsonText).not.toContain(d.id);
    const bids = await t.deps.db.selectFrom("bids").select(["id", "bidder_tag", "content_sha256"]).execute();
    expect(bids.length).toBeGreaterThan(0);
    const all = DATASETS.map((d) => download(d.id).jsonText).join("\n");
    for (const b of bids) {
      expect(all).not.toContain(b.id);
      expect(all).not.toContain(b.bidder_tag);
      expect(all).not.toContain(b.content_sha256);
    }
    const ratings = download("ratings").json.rows.map((r) => r.inspection_id);
    expect(ratings).toContain(DEMO_INSPECTION.carewellInadequate);
    expect(ratings).not.toContain(DEMO_INSPECTION.clinicDraft);
  });
});

describe("the first downloads' addresses", () => {
  it("still give the public bodies and the organisations as CSV, their first columns as before", async () => {
    const authorities = await get("/open-data/authorities.csv");
    expect(authorities.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(authorities.headers["content-disposition"]).toBe('attachment; filename="openps-authorities.csv"');
    expect(authorities.body.split("\n")[0]).toMatch(/^id,slug,name,welsh_name,kind,nation,org_id,website,/);
    expect(authorities.body).toContain(`${DEMO_AUTHORITY.county},westshire-county-council,`);
    const organisations = await get("/open-data/organisations.csv");
    expect(organisations.body.split("\n")[0]).toMatch(
      /^id,name,sector,size_band,staff_headcount,primary_identifier,postcode_district,description,website,/,
    );
    // Only the postcode district of an organisation, never its full postcode.
    const postcodes = await t.deps.db.selectFrom("organisations").select("postcode").execute();
    for (const { postcode } of postcodes)
      if (postcode && /\s\d[A-Z]{2}$/.test(postcode)) expect(organisations.body).not.toContain(postcode);
  });

  it("still give the regulated locations and their ratings, as CSV and JSON", async () => {
    const csv = await get("/open-data/regulated-locations.csv");
    const [header, ...rows] = csv.body.trim().split("\n");
    expect(header?.startsWith("location_id,location_name,regulator_id")).toBe(true);
    expect(
      rows.some((r) => r.startsWith(`${DEMO_LOCATION.carewellRiverside},Carewell Riverside Care Home`)),
    ).toBe(true);
    const json = (await get("/open-data/regulated-locations.json")).json() as {
      rows: { location_id: string }[];
    };
    expect(json.rows.map((l) => l.location_id)).toContain(DEMO_LOCATION.carewellRiverside);
    expect((await get("/open-data/ratings.csv")).body.split("\n")[0]).toContain("calculated_overall");
  });

  it("answer 404 for a dataset there is not", async () => {
    for (const url of [
      "/open-data/no-such-thing",
      "/open-data/no-such-thing.csv",
      "/open-data/no-such-thing.json",
    ])
      expect((await get(url)).statusCode, url).toBe(404);
  });
});

describe("the index", () => {
  it("lists every dataset with its page, downloads and last change, the OCDS endpoints and the catalogue", async () => {
    const response = await get("/open-data");
    expect(response.statusCode).toBe(200);
    const html = response.body;
    for (const dataset of DATASETS) {
      expect(html).toContain(`href="/open-data/${dataset.id}"`);
      expect(html).toContain(`href="/open-data/${dataset.id}.csv"`);
      expect(html).toContain(`href="/open-data/${dataset.id}.json"`);
    }
    expect(html).toContain('id="ocds"');
    for (const endpoint of ["/data/ocds/releases", "/data/ocds/records/{ocid}", "/data/ocds/bulk"])
      expect(html).toContain(`<code>${endpoint}</code>`);
    expect(html).toContain('href="/data.json"');
    expect(html).toContain(LICENCE.url);
    expect(mainText(html)).toContain("Open Contracting Data Standard (OCDS) 1.1");
    expect(
      mainText((await t.app.inject({ url: "/open-data", headers: { cookie: "lang=cy" } })).body),
    ).toContain("Llywodraeth Agored v3.0");
  });
});

describe("the catalogue (/data.json)", () => {
  let catalog: PodCatalog;
  beforeAll(async () => {
    const response = await get("/data.json");
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^application\/json/);
    catalog = response.json();
  });

  // The Project Open Data v1.1 schema is not published on the npm registry: its required fields
  // (catalog.json, dataset.json, distribution.json, organization.json and vcard.json, non-federal)
  // are checked here by hand.
  it("is a Project Open Data v1.1 catalog", () => {
    expect(catalog.conformsTo).toBe("https://project-open-data.cio.gov/v1.1/schema");
    expect(catalog["@type"]).toBe("dcat:Catalog");
    expect(catalog["@context"]).toBe("https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld");
    expect(Array.isArray(catalog.dataset)).toBe(true);
    const isoDate = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
    const mediaType = /^[-\w]+\/[-\w]+(\.[-\w]+)*([+][-\w]+)?$/;
    for (const d of catalog.dataset) {
      for (const field of ["title", "description", "identifier"] as const)
        expect(d[field], field).toMatch(/\S/);
      expect(d.keyword.length).toBeGreaterThan(0);
      for (const k of d.keyword) expect(k).toMatch(/\S/);
      expect(d.modified).toMatch(isoDate);
      expect(d.publisher["@type"]).toBe("org:Organization");
      expect(d.publisher.name).toMatch(/\S/);
      expect(d.contactPoint["@type"]).toBe("vcard:Contact");
      expect(d.contactPoint.fn).toMatch(/\S/);
      expect(d.contactPoint.hasEmail).toMatch(/^mailto:[\w.-]+@[\w.-]+$/);
      expect(["public", "restricted public", "non-public"]).toContain(d.accessLevel);
      expect(d.license).toBe(LICENCE.url);
      expect(new Set(d.distribution.map((x) => JSON.stringify(x))).size).toBe(d.distribution.length);
      for (const x of d.distribution) {
        expect(x["@type"]).toBe("dcat:Distribution");
        expect(x.downloadURL ?? x.accessURL).toMatch(/^https?:\/\//);
        expect(x.mediaType).toMatch(mediaType);
        expect(x.format).toMatch(/\S/);
      }
    }
  });

  it("lists every dataset with its CSV and JSON, and its date of last change", async () => {
    const base = t.deps.config.baseUrl;
    for (const dataset of DATASETS) {
      const entry = catalog.dataset.find((d) => d.identifier === `${base}/open-data/${dataset.id}`);
      expect(entry, dataset.id).toBeDefined();
      expect(entry?.distribution.map((x) => [x.format, x.mediaType, x.downloadURL])).toEqual([
        ["CSV", "text/csv", `${base}/open-data/${dataset.id}.csv`],
        ["JSON", "application/json", `${base}/open-data/${dataset.id}.json`],
      ]);
      expect(entry?.modified).toBe(download(dataset.id).json.modified);
    }
  });

  it("lists the contracting processes as OCDS, with its endpoints", () => {
    const base = t.deps.config.baseUrl;
    const ocds = catalog.dataset.find((d) => d.identifier === `${base}/data/ocds/releases`);
    expect(ocds?.conformsTo).toBe("https://standard.open-contracting.org/1.1/en/");
    expect(ocds?.distribution.map((x) => x.accessURL)).toEqual([
      `${base}/data/ocds/releases`,
      `${base}/open-data#ocds`,
      `${base}/data/ocds/bulk`,
    ]);
    expect(catalog.dataset).toHaveLength(DATASETS.length + 1);
  });
});

describe("the demo data's answers", () => {
  it("are read a page at a time: no row twice, in key order", async () => {
    const organisations = download("organisations").json.rows.map((r) => String(r.id));
    expect(organisations).toEqual([...organisations].sort());
    const count = await t.deps.db
      .selectFrom("organisations")
      .select(sql<string>`count(*)`.as("n"))
      .executeTakeFirstOrThrow();
    expect(organisations).toHaveLength(Number(count.n));
  });
});

describe("over HTTP", () => {
  const ask = (url: string, headers: Record<string, string>) => t.app.inject({ url, headers });
  const clock = () => t.deps.clock as SettableClock;

  it.each(["organisations", "tenders", "contracts"].flatMap((id) => [`${id}.csv`, `${id}.json`]))(
    "%s: sent with an ETag and Last-Modified, and 304 without content while the copy held is current",
    async (file) => {
      const url = `/open-data/${file}`;
      const first = await get(url);
      const etag = String(first.headers.etag);
      const lastModified = String(first.headers["last-modified"]);
      expect(etag).toMatch(/^W\/"[\w-]+"$/);
      expect(Date.parse(lastModified)).not.toBeNaN();
      expect(first.headers["cache-control"]).toBe("public, no-cache");
      const again = await ask(url, { "if-none-match": etag });
      expect(again.statusCode).toBe(304);
      expect(again.body).toBe("");
      expect(again.headers.etag).toBe(etag);
      // Its date no later: a download the clock changes is dated by its start until one sent whole
      // has taught when its rows' instants fall (freshness.ts).
      expect(Date.parse(String(again.headers["last-modified"]))).toBeLessThanOrEqual(
        Date.parse(lastModified),
      );
      expect(again.headers.vary).toMatch(/accept-encoding/i);
      // Compared weakly, in a list, or any copy at all.
      expect((await ask(url, { "if-none-match": `"other", ${etag.slice(2)}` })).statusCode).toBe(304);
      expect((await ask(url, { "if-none-match": "*" })).statusCode).toBe(304);
      expect((await ask(url, { "if-modified-since": lastModified })).statusCode).toBe(304);
      const known = String(again.headers["last-modified"]);
      expect((await ask(url, { "if-modified-since": known })).statusCode).toBe(304);
      const older = new Date(Date.parse(known) - 1000).toUTCString();
      expect((await ask(url, { "if-modified-since": older })).statusCode).toBe(200);
      // If-None-Match is asked first: another copy is sent the content, whatever its date.
      const other = await ask(url, { "if-none-match": 'W/"other"', "if-modified-since": lastModified });
      expect(other.statusCode).toBe(200);
      expect(other.body).toBe(first.body);
      // HEAD: the validators alone.
      const head = await t.app.inject({ method: "HEAD", url });
      expect(head.statusCode).toBe(200);
      expect(head.headers.etag).toBe(etag);
      expect(head.body).toBe("");
      expect(
        (await t.app.inject({ method: "HEAD", url, headers: { "if-none-match": etag } })).statusCode,
      ).toBe(304);
    },
  );

  it("is compressed as the client accepts it, gzip or brotli, the same content with the same ETag", async () => {
    const url = "/open-data/organisations.csv";
    const plain = await get(url);
    expect(plain.headers["content-encoding"]).toBeUndefined();
    for (const [encoding, decode] of [
      ["gzip", zlib.gunzipSync],
      ["br", zlib.brotliDecompressSync],
    ] as const) {
      const packed = await ask(url, { "accept-encoding": encoding });
      expect(packed.statusCode).toBe(200);
      expect(packed.headers["content-encoding"]).toBe(encoding);
      expect(packed.headers.vary).toMatch(/accept-encoding/i);
      expect(packed.headers.etag).toBe(plain.headers.etag);
      expect(decode(packed.rawPayload).toString("utf8")).toBe(plain.body);
      expect(packed.rawPayload.length).toBeLessThan(plain.rawPayload.length / 2);
    }
    expect((await ask(url, { "accept-encoding": "gzip, deflate, br" })).headers["content-encoding"]).toBe(
      "br",
    );
    expect((await ask(url, { "accept-encoding": "br;q=0.5, gzip" })).headers["content-encoding"]).toBe(
      "gzip",
    );
    expect((await ask(url, { "accept-encoding": "identity" })).headers["content-encoding"]).toBeUndefined();
    const json = await ask("/open-data/tenders.json", { "accept-encoding": "gzip" });
    expect(JSON.parse(zlib.gunzipSync(json.rawPayload).toString("utf8"))).toEqual(download("tenders").json);
  });

  it("dates a dataset by a row deleted, which leaves no time of its own: its date and validators move", async () => {
    const db = t.deps.db;
    const url = "/open-data/organisations.json";
    const before = await get(url);
    const { modified } = before.json() as DatasetMeta;
    const [area] = await db.selectFrom("organisation_areas").selectAll().limit(1).execute();
    if (!area || !modified) throw new Error("no organisation with an area in the demo data");
    const later = new Date(Date.parse(modified) + 3_600_000);
    clock().set(later);
    try {
      // An area of an organisation removed: the organisation's own time is not moved.
      await transaction(db, async (trx) => {
        await trx
          .deleteFrom("organisation_areas")
          .where("organisation_id", "=", area.organisation_id)
          .where("area_code", "=", area.area_code)
          .execute();
        await recordAudit(trx, clock(), {
          authorityId: null,
          actor: SYSTEM("test"),
          action: "organisation.updated",
          entity: { type: "organisation", id: area.organisation_id },
          changes: { areaRemoved: area.area_code },
        });
      });
      const after = await ask(url, { "if-none-match": String(before.headers.etag) });
      expect(after.statusCode).toBe(200);
      const json = after.json() as DatasetMeta & { rows: { id: string; area_codes: string[] }[] };
      expect(json.modified).toBe(later.toISOString());
      expect(json.rows.find((r) => r.id === area.organisation_id)?.area_codes).not.toContain(area.area_code);
      expect(after.headers.etag).not.toBe(before.headers.etag);
      expect(after.headers["last-modified"]).toBe(later.toUTCString());
      const since = { "if-modified-since": String(before.headers["last-modified"]) };
      expect((await ask(url, since)).statusCode).toBe(200);
      expect((await get("/open-data/organisations")).body).toContain(
        `data-modified="${later.toISOString()}"`,
      );
      // Datasets the action does not change keep their date.
      expect((await get("/open-data/tenders.json")).json().modified).toBe(download("tenders").json.modified);
    } finally {
      await db.insertInto("organisation_areas").values(area).execute();
      clock().set(DEMO_SEEDED_AT);
    }
  });

  it("makes a copy stale when a deadline passes: the tenders sent before it are not current after it", async () => {
    const url = "/open-data/tenders.json";
    const before = await get(url);
    const rows = (before.json() as { rows: { id: string; status: string; submission_deadline: string }[] })
      .rows;
    const next = rows
      .filter((r) => r.status === "open")
      .sort((a, b) => a.submission_deadline.localeCompare(b.submission_deadline))[0];
    if (!next) throw new Error("no open tender in the demo data");
    const deadline = Date.parse(next.submission_deadline);
    const held = { "if-none-match": String(before.headers.etag) };
    try {
      clock().set(new Date(deadline - 1000));
      expect((await ask(url, held)).statusCode).toBe(304);
      clock().set(new Date(deadline + 1000));
      const after = await ask(url, held);
      expect(after.statusCode).toBe(200);
      const closed = (after.json() as { rows: typeof rows }).rows.find((r) => r.id === next.id);
      expect(closed?.status).toBe("closed");
      expect(after.headers.etag).not.toBe(before.headers.etag);
      expect(Date.parse(String(after.headers["last-modified"]))).toBeGreaterThan(
        Date.parse(String(before.headers["last-modified"])),
      );
      // The copy sent after it is current until the next.
      expect((await ask(url, { "if-none-match": String(after.headers.etag) })).statusCode).toBe(304);
      const since = { "if-modified-since": String(after.headers["last-modified"]) };
      expect((await ask(url, since)).statusCode).toBe(304);
    } finally {
      clock().set(DEMO_SEEDED_AT);
    }
  });
});

describe("personal budgets' open figures", () => {
  it("give the market page's suppressed figures per public body and area: no count under 10, no money beside it", async () => {
    const { json } = download("personal-budgets");
    const county = json.rows.filter((r) => r.authority_id === DEMO_AUTHORITY.county);
    expect(county.length).toBeGreaterThan(0);
    // The demo's five people: every count is under 10, so none is given, nor its money.
    for (const row of county) expect(row).toMatchObject({ count: null, suppressed: true, value_pence: null });
    const area = county[0]?.area_code as string;
    const market = (
      await get(`/market/budgets-by-delivery.csv?authority=westshire-county-council&area=${area}`)
    ).body;
    const [, ...lines] = market.trim().split("\n");
    const delivery = county.filter((r) => r.figure === "people-by-delivery");
    expect(delivery.map((r) => `${r.key},<10,`)).toEqual(
      lines.map((l) => l.split(",").slice(0, 3).join(",")),
    );
  });
});
