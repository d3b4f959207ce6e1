/**
 * The catalogue's own rules, without a database: every column documented in both languages (and no
 * description of a column there is not), each with a known type and an example; each dated by
 * actions the audit trail records; the postcode district published in place of a full postcode.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { COLUMN_TYPES, DATASETS, postcodeDistrict } from "./catalogue.ts";
import { datasetsChangedBy } from "./changes.service.ts";

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

describe("the actions that date each dataset", () => {
  const modules = path.join(import.meta.dirname, "..");
  // What every other module records on the audit trail: its services' source.
  const sources = readdirSync(modules, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts") && !file.startsWith("datasets"))
    .map((file) => readFileSync(path.join(modules, file), "utf8"))
    .join("\n");

  it("are each recorded by a module (an action, or a subject's every action)", () => {
    for (const dataset of DATASETS) {
      if (dataset.computed) {
        // Figures a job recomputes: dated by when it last did.
        expect(dataset.changedBy, dataset.id).toEqual([]);
        continue;
      }
      expect(dataset.changedBy.length, dataset.id).toBeGreaterThan(0);
      for (const action of dataset.changedBy) {
        const recorded = action.endsWith(".")
          ? sources.includes(`action: \`${action}`) || sources.includes(`action: "${action}`)
          : sources.includes(`action: "${action}"`);
        expect(recorded, `${dataset.id}: ${action}`).toBe(true);
      }
    }
  });

  it("are found by the action recorded", () => {
    expect(datasetsChangedBy("registration.cancelled").sort()).toEqual([
      "diversity-figures",
      "regulated-locations",
    ]);
    expect(datasetsChangedBy("mutuals.proposal-approved")).toEqual(["diversity-figures"]);
    expect(datasetsChangedBy("organisation.updated").sort()).toEqual([
      "accreditations",
      "delegations",
      "diversity-figures",
      "grants",
      "organisations",
      "prize",
      "regulated-locations",
      "right-to-challenge",
    ]);
    expect(datasetsChangedBy("tender.published")).toEqual(["tenders"]);
    // A draft's change is not the open data's.
    expect(datasetsChangedBy("tender.drafted")).toEqual([]);
    expect(datasetsChangedBy("project.updated")).toEqual([]);
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
