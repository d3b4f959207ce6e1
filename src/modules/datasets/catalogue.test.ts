/**
 * The catalogue's own rules, without a database: every column documented in both languages (and no
 * description of a column there is not), each with a known type and an example; the postcode
 * district published in place of a full postcode.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { COLUMN_TYPES, DATASETS, postcodeDistrict } from "./catalogue.ts";

type Sets = Record<
  string,
  { title: string; description: string; keywords: string; columns: Record<string, string> }
>;

const catalogue = (locale: string) =>
  (
    JSON.parse(readFileSync(path.join(import.meta.dirname, "locales", `${locale}.json`), "utf8")) as {
      datasets: { sets: Sets; types: Record<string, { name: string; meaning: string }> };
    }
  ).datasets;

describe("the datasets", () => {
  it.each(["en", "cy"])("are each described in %s, every column and no other", (locale) => {
    const { sets, types } = catalogue(locale);
    expect(Object.keys(sets).sort()).toEqual(DATASETS.map((d) => d.id).sort());
    for (const dataset of DATASETS) {
      const set = sets[dataset.id];
      expect(set?.title, dataset.id).toMatch(/\S/);
      expect(set?.description, dataset.id).toMatch(/\S/);
      expect(set?.keywords, dataset.id).toMatch(/\S/);
      expect(Object.keys(set?.columns ?? {}), dataset.id).toEqual(dataset.columns.map((c) => c.name));
    }
    expect(Object.keys(types).sort()).toEqual([...COLUMN_TYPES].sort());
  });

  it("have unique ids and columns, each with a type and an example", () => {
    expect(new Set(DATASETS.map((d) => d.id)).size).toBe(DATASETS.length);
    for (const dataset of DATASETS) {
      const names = dataset.columns.map((c) => c.name);
      expect(new Set(names).size, dataset.id).toBe(names.length);
      for (const column of dataset.columns) {
        expect(COLUMN_TYPES, `${dataset.id}.${column.name}`).toContain(column.type);
        expect(column.example, `${dataset.id}.${column.name}`).toMatch(/\S/);
        expect(column.example).not.toMatch(/@/);
      }
    }
  });
});

describe("postcodeDistrict", () => {
  it("keeps only the outward code of a valid postcode", () => {
    expect(postcodeDistrict("SW1A 1AA")).toBe("SW1A");
    expect(postcodeDistrict("sy23 1ab")).toBe("SY23");
    expect(postcodeDistrict("M1 1AE")).toBe("M1");
    expect(postcodeDistrict("CF101AA")).toBe("CF10");
  });

  it("publishes nothing for a missing or malformed postcode", () => {
    expect(postcodeDistrict(null)).toBe("");
    expect(postcodeDistrict("not a postcode")).toBe("");
    expect(postcodeDistrict("12 Acacia Avenue")).toBe("");
  });
});
