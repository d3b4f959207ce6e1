import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tests/support/test-db.ts";
import { matchesText } from "./text-search.ts";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.destroy();
});

/** Whether `text` finds a document holding `document`, as every search tests it. */
async function finds(document: string, text: string): Promise<boolean> {
  const doc = sql`to_tsvector('english', ${document})`;
  const row = await sql<{ found: boolean | null }>`select ${matchesText(doc, text)} as found`.execute(
    database.db,
  );
  return row.rows[0]?.found === true;
}

describe("matchesText", () => {
  it("finds each word typed as the start of a word, all of them required", async () => {
    expect(await finds("Reablement service for Westshire", "reabl")).toBe(true);
    expect(await finds("Riverside Care Home", "river car")).toBe(true);
    expect(await finds("Riverside Care Home", "river school")).toBe(false);
    expect(await finds("Riverside Care Home", "iverside")).toBe(false);
  });

  it("reads the web search's syntax as it means, without word starts", async () => {
    expect(await finds("home care and day centres", '"day centre"')).toBe(true);
    expect(await finds("home care and day centres", "care -day")).toBe(false);
    expect(await finds("home care", "resid or home")).toBe(true);
    // A minus means "not": its word start is not also looked for.
    expect(await finds("reablement", "reabl -home")).toBe(false);
  });

  it("takes any characters typed without error, and finds nothing in nothing", async () => {
    for (const text of ["care & (x | !y", "':* \\", "%_", "the", "", "   "]) {
      await expect(finds("care home", text)).resolves.toBeTypeOf("boolean");
    }
    expect(await finds("care home", "the")).toBe(false);
  });
});
