import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ctxFor } from "../../../tests/support/principals.ts";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/test-db.ts";
import { settableClock, systemClock } from "../../lib/clock.ts";
import { newId } from "../../lib/ids.ts";
import {
  DIRECTORY_FIGURES_MAX_AGE_MS,
  type NewOrganisation,
} from "../organisations/organisations.service.ts";
import { homeSummary } from "./pages.service.ts";

let database: TestDatabase;
const COUNT = 31;

beforeAll(async () => {
  database = await createTestDatabase();
  const rows: NewOrganisation[] = Array.from({ length: COUNT }, (_, i) =>
    organisationRow({
      name: `Organisation ${i}`,
      sector: i % 3 === 0 ? "charity" : "sme",
      staff_headcount: i,
    }),
  );
  await database.db.insertInto("organisations").values(rows).execute();
});

/** A directory row: a micro organisation in LL57 unless `fields` say otherwise. */
function organisationRow(fields: Partial<NewOrganisation>): NewOrganisation {
  const now = new Date();
  return {
    id: newId(),
    name: "Organisation",
    sector: "sme",
    size_band: "micro",
    staff_headcount: null,
    primary_identifier: null,
    postcode: "LL57 2DG",
    description: "",
    website: null,
    created_at: now,
    updated_at: now,
    ...fields,
  };
}

afterAll(async () => {
  await database?.destroy();
});

describe("homeSummary", () => {
  it("counts organisations in every sector, none included", async () => {
    const summary = await homeSummary(ctxFor(database.db, systemClock, null));
    expect(summary.organisationCount).toBe(COUNT);
    expect(summary.sectors.find((row) => row.sector === "charity")?.count).toBe(11);
    expect(summary.sectors.find((row) => row.sector === "sme")?.count).toBe(20);
    expect(summary.sectors.find((row) => row.sector === "co-operative")?.count).toBe(0);
    expect(summary.sectors).toHaveLength(10);
    expect(summary.authorities).toEqual([]);
  });

  it("keeps its figures for a minute, then counts again (and at once when the clock goes back)", async () => {
    const clock = settableClock(new Date("2031-01-06T10:00:00Z"));
    const ctx = ctxFor(database.db, clock, null);
    const first = await homeSummary(ctx);
    expect(first.countedAt).toEqual(clock.now());
    await database.db
      .insertInto("organisations")
      .values(organisationRow({ name: "Counted later", sector: "co-operative" }))
      .execute();
    clock.advance(DIRECTORY_FIGURES_MAX_AGE_MS - 1);
    expect((await homeSummary(ctx)).organisationCount).toBe(first.organisationCount);
    clock.advance(1);
    const second = await homeSummary(ctx);
    expect(second.organisationCount).toBe(first.organisationCount + 1);
    expect(second.countedAt).toEqual(clock.now());
    clock.set(new Date("2031-01-06T09:00:00Z"));
    expect((await homeSummary(ctx)).countedAt).toEqual(clock.now());
  });
});
