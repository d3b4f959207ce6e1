/**
 * The market's figures of imported processes without a database: the standard's fictional example
 * read from its compiled release (its tender's bids and dates, its award, its contract in pounds, its
 * supplier by identifier), CPV codes mapped to service categories, and a publisher's processes
 * counted — pounds only (another currency left out and said), a contract shared equally between its
 * award's suppliers, a supplier the directory holds counted in its sector and by its organisation.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  categoryOfCpv,
  cpvDigits,
  type ImportedFacts,
  importedFactsOf,
  importedFiguresOf,
} from "./imported.ts";

const RECORD = path.resolve(
  import.meta.dirname,
  "../../../../shared/ocds/samples/fictional-example/record/ocds-213czf-000-00001.json",
);

const CATEGORIES = [
  { code: "domiciliary-care", cpvCode: "85312000-9" },
  { code: "carers-support", cpvCode: "85312310-5" },
  { code: "adult-social-care", cpvCode: "85310000-5" },
  { code: "highways-maintenance", cpvCode: "45233141-9" },
  { code: "it-services", cpvCode: "72000000-5" },
];

describe("an imported process read from its compiled release", () => {
  it("reads the fictional example: two tenderers, its dates, its award and its contract in pounds", () => {
    const record = JSON.parse(fs.readFileSync(RECORD, "utf8")).records[0];
    const facts = importedFactsOf({
      ocid: record.ocid,
      compiled: record.compiledRelease,
      firstTenderAt: new Date("2010-03-01T09:00:00Z"),
    });
    expect(facts).toEqual({
      ocid: "ocds-213czf-000-00001",
      title: "Planned cycle lane improvements",
      cpv: "45233130",
      publishedAt: new Date("2010-03-01T09:00:00Z"),
      closedAt: new Date("2010-04-08T18:00:00Z"),
      bids: 2,
      awards: [new Date("2010-05-10T10:30:00Z")],
      contracts: [
        {
          at: new Date("2010-06-10T14:23:12Z"),
          valuePence: 1_100_000_000n,
          otherCurrency: null,
          // Its party's identifier ("11111111.0", read through a spreadsheet), the same as its id.
          suppliers: [{ orgIds: ["GB-COH-11111111"], name: "AnyCorp Cycle Provision" }],
        },
      ],
    });
  });

  it("takes the bids extension's statistic, an award's value and date without contracts, and a currency not pounds", () => {
    const facts = importedFactsOf({
      ocid: "ocds-x-1",
      compiled: {
        tender: { title: "Home care", tenderPeriod: { endDate: "2026-05-01T12:00:00Z" } },
        bids: {
          statistics: [
            { id: "1", measure: "bids", value: 7, relatedLot: "lot-1" },
            { id: "2", measure: "bids", value: 1 },
          ],
        },
        awards: [
          {
            id: "a1",
            status: "active",
            date: "2026-06-01T00:00:00Z",
            value: { amount: 10, currency: "EUR" },
          },
          {
            id: "a2",
            status: "cancelled",
            date: "2026-06-02T00:00:00Z",
            value: { amount: 5, currency: "GBP" },
          },
          { id: "a3", date: "2026-06-03T00:00:00Z", value: { amount: 12.34, currency: "gbp" } },
        ],
      },
      firstTenderAt: new Date("2026-04-01T00:00:00Z"),
    });
    expect(facts.bids).toBe(1);
    expect(facts.publishedAt).toEqual(new Date("2026-04-01T00:00:00Z"));
    expect(facts.closedAt).toEqual(new Date("2026-05-01T12:00:00Z"));
    expect(facts.awards).toEqual([new Date("2026-06-01T00:00:00Z"), new Date("2026-06-03T00:00:00Z")]);
    expect(facts.contracts.map((c) => [c.valuePence, c.otherCurrency])).toEqual([
      [null, "EUR"],
      [1234n, null],
    ]);
  });

  it("maps a CPV code to the service category with the same code, else the one whose code starts it", () => {
    const category = categoryOfCpv(CATEGORIES);
    expect(cpvDigits("45233130.0")).toBe("45233130");
    expect(cpvDigits("85312000-9")).toBe("85312000");
    expect(cpvDigits("853")).toBe("");
    expect(category("85312310")).toBe("carers-support");
    expect(category("85312300")).toBe("domiciliary-care");
    expect(category("85319000")).toBe("adult-social-care");
    expect(category("72212000")).toBe("it-services");
    expect(category("45233130")).toBe("");
    expect(category("")).toBe("");
  });
});

describe("a publisher's imported processes counted", () => {
  const at = (iso: string) => new Date(iso);
  const process = (over: Partial<ImportedFacts>): ImportedFacts => ({
    ocid: "ocds-x",
    title: "A process",
    cpv: "85312000",
    publishedAt: null,
    closedAt: null,
    bids: undefined,
    awards: [],
    contracts: [],
    ...over,
  });
  const context = {
    category: categoryOfCpv(CATEGORIES),
    normalise: (id: string) =>
      id.startsWith("GB-COH-") ? `GB-COH-${id.slice(7).padStart(8, "0")}` : undefined,
    organisationOf: (id: string) => (id === "GB-COH-01234567" ? "org-1" : undefined),
    organisations: new Map([["org-1", { sector: "charity", sizeBand: "medium" }]]),
  };

  it("counts contracts in pounds by sector and supplier, shared equally, leaving out another currency", () => {
    const figures = importedFiguresOf(
      [
        process({
          ocid: "ocds-a",
          contracts: [
            {
              at: at("2026-07-15T10:00:00Z"),
              valuePence: 5_000_001n,
              otherCurrency: null,
              suppliers: [
                { orgIds: ["GB-COH-1234567"], name: "Held by the directory" },
                { orgIds: [], name: "Only a Name Ltd" },
              ],
            },
            { at: at("2026-07-16T10:00:00Z"), valuePence: null, otherCurrency: "EUR", suppliers: [] },
          ],
        }),
      ],
      context,
    );
    expect(figures.otherCurrency).toBe(1);
    expect(figures.currencies).toEqual(["EUR"]);
    expect(figures.processes).toBe(1);
    const place = { category_code: "domiciliary-care", area_code: "", month: "2026-07-01" };
    expect(figures.contracts).toEqual([
      { ...place, sector: "charity", size_band: "medium", contracts_bp: 5000n, value_pence: 2_500_001n },
      { ...place, sector: "unknown", size_band: "unknown", contracts_bp: 5000n, value_pence: 2_500_000n },
    ]);
    expect(figures.suppliers).toEqual([
      { ...place, supplier: "org-1", sector: "charity", contracts_bp: 5000n, value_pence: 2_500_001n },
      {
        ...place,
        supplier: "name:only a name ltd",
        sector: "unknown",
        contracts_bp: 5000n,
        value_pence: 2_500_000n,
      },
    ]);
  });

  it("counts tenders by bids in the month they closed, lists those with fewer than three, and times awards", () => {
    const figures = importedFiguresOf(
      [
        process({
          ocid: "ocds-b",
          title: "Two bids",
          cpv: "",
          publishedAt: at("2026-03-01T09:00:00Z"),
          closedAt: at("2026-04-08T18:00:00Z"),
          bids: 2,
          awards: [at("2026-05-10T10:30:00Z")],
        }),
        // No count of bids given: not counted as a tender; its award still timed.
        process({
          ocid: "ocds-c",
          publishedAt: at("2026-01-01T00:00:00Z"),
          awards: [at("2026-12-01T00:00:00Z")],
        }),
      ],
      context,
    );
    expect(figures.tenders).toEqual([
      { category_code: "", area_code: "", month: "2026-04-01", bids: 2, tenders: 1 },
    ]);
    expect(figures.fewBids).toEqual([
      {
        category_code: "",
        area_code: "",
        month: "2026-04-01",
        ocid: "ocds-b",
        title: "Two bids",
        opened_at: at("2026-04-08T18:00:00Z"),
        bids: 2,
        awarded: true,
      },
    ]);
    expect(figures.awards).toEqual([
      { category_code: "", area_code: "", month: "2026-05-01", days_band: "61-to-90", awards: 1, days: 70n },
      {
        category_code: "domiciliary-care",
        area_code: "",
        month: "2026-12-01",
        days_band: "over-180",
        awards: 1,
        days: 334n,
      },
    ]);
  });
});
