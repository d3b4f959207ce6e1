/**
 * The downloads read a dataset a page at a time (moved here with the open data page from the pages
 * module): every row once, in key order, across pages; text a spreadsheet would run is defused; an
 * empty dataset is its header (CSV) or no rows (JSON).
 */
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ctxFor } from "../../../tests/support/principals.ts";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/test-db.ts";
import { systemClock } from "../../lib/clock.ts";
import { newId } from "../../lib/ids.ts";
import type { NewOrganisation } from "../organisations/organisations.service.ts";
import { PAGE_SIZE } from "./catalogue.ts";
import { datasetCsv, datasetJson } from "./datasets.service.ts";

let database: TestDatabase;
/** The organisations as CSV, read once. */
let organisations: { text: string; chunks: number };
const COUNT = 2 * PAGE_SIZE + 201; // more than two pages

beforeAll(async () => {
  database = await createTestDatabase();
  const now = new Date();
  const rows: NewOrganisation[] = Array.from({ length: COUNT }, (_, i) => ({
    id: newId(),
    name: i === 0 ? '=HYPERLINK("http://evil.example")' : `Organisation ${i}`,
    sector: i % 3 === 0 ? "charity" : "sme",
    size_band: "micro",
    staff_headcount: i,
    primary_identifier: null,
    postcode: "LL57 2DG",
    description: i === 1 ? 'Says "hello", then\nmore' : "",
    website: null,
    created_at: now,
    updated_at: now,
  }));
  await database.db.insertInto("organisations").values(rows).execute();
  organisations = await text(datasetCsv(ctx(), "organisations"));
});

afterAll(async () => {
  await database?.destroy();
});

const ctx = () => ctxFor(database.db, systemClock, null);
const publisher = {
  baseUrl: "https://openps.example.org",
  name: "OpenPS",
  contact: "open-data@openps.example.org",
};

async function text(chunks: AsyncIterable<string>): Promise<{ text: string; chunks: number }> {
  let all = "";
  let count = 0;
  for await (const chunk of chunks) {
    all += chunk;
    count++;
  }
  return { text: all, chunks: count };
}

describe("the downloads, page by page", () => {
  it("read every organisation once, in id order, a chunk per page", async () => {
    const { text: csv, chunks } = organisations;
    expect(chunks).toBe(1 + 3); // the header, then three pages
    const [, ...rows] = parse(csv) as string[][];
    const ids = rows.map((row) => row[0]);
    expect(ids).toHaveLength(COUNT);
    expect(new Set(ids).size).toBe(COUNT);
    expect(ids).toEqual([...ids].sort());
    expect(csv).toContain(",LL57,");
    expect(csv).not.toContain("2DG");
    const json = JSON.parse((await text(await datasetJson(ctx(), "organisations", publisher))).text) as {
      rows: { id: string }[];
    };
    expect(json.rows.map((row) => row.id)).toEqual(ids);
  });

  it("quote commas, quotes and new lines, and defuse formulas", async () => {
    const { text: csv } = organisations;
    expect(csv).toContain('"Says ""hello"", then\nmore"');
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
  });

  it("give a header row, or no rows, when there is nothing to publish", async () => {
    expect((await text(datasetCsv(ctx(), "authorities"))).text).toBe(
      "id,slug,name,welsh_name,kind,nation,org_id,website,country,area_code,verified,updated_at\n",
    );
    const json = JSON.parse((await text(await datasetJson(ctx(), "authorities", publisher))).text) as {
      rows: unknown[];
      modified: string | null;
      url: string;
    };
    expect(json.rows).toEqual([]);
    expect(json.modified).toBeNull();
    expect(json.url).toBe("https://openps.example.org/open-data/authorities");
  });
});
