/**
 * The merge routine against the standard's own fictional example — its six releases merged give
 * the record the standard publishes, compiled and versioned (made with ocdskit, i.e. the reference
 * implementation ocdsmerge) — and each merging rule on its own in small releases.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compileRelease, mergeRule, type OcdsRelease, versionRelease } from "./merge.ts";

const EXAMPLE = path.resolve(import.meta.dirname, "../../../../shared/ocds/samples/fictional-example");

function readJson(...parts: string[]): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(EXAMPLE, ...parts), "utf8")) as Record<string, unknown>;
}

function exampleReleases(): OcdsRelease[] {
  return fs
    .readdirSync(EXAMPLE)
    .filter((name) => /^ocds-213czf-000-00001-0\d-.+\.json$/.test(name))
    .sort()
    .flatMap((name) => readJson(name).releases as OcdsRelease[]);
}

function exampleRecord(name: string): Record<string, unknown> {
  return (readJson("record", name).records as Record<string, unknown>[])[0] as Record<string, unknown>;
}

const OCID = "ocds-213czf-1";

/** A release of the test process: `n` gives its id and its day in January 2024. */
function release(n: number, fields: Record<string, unknown>, tag = ["update"]): OcdsRelease {
  const day = String(n).padStart(2, "0");
  return { ocid: OCID, id: `${OCID}-${n}`, date: `2024-01-${day}T00:00:00Z`, tag, ...fields };
}

/** The versioned value a release `n` (made by `release`) gives a field. */
function versioned(n: number, value: unknown, tag = ["update"]) {
  const day = String(n).padStart(2, "0");
  return { releaseID: `${OCID}-${n}`, releaseDate: `2024-01-${day}T00:00:00Z`, releaseTag: tag, value };
}

describe("the standard's fictional example", () => {
  const releases = exampleReleases();

  it("has its six releases", () => {
    expect(releases.map((r) => r.tag[0])).toEqual([
      "planning",
      "tender",
      "tenderAmendment",
      "award",
      "contract",
      "implementation",
    ]);
  });

  it("compiles to the record's compiled release", () => {
    const record = exampleRecord("ocds-213czf-000-00001.json");
    // The sample's compiled release id is `{ocid}-{date of the latest release}`, as ocdsmerge (which
    // ocdskit uses) writes it and as the standard suggests; the release ids play no part.
    expect(record.compiledRelease).toMatchObject({ id: "ocds-213czf-000-00001-2011-01-10T09:30:00Z" });
    expect(compileRelease(releases)).toStrictEqual(record.compiledRelease);
  });

  it("versions to the record's versioned release", () => {
    const record = exampleRecord("ocds-213czf-000-00001-withversions.json");
    expect(versionRelease(releases)).toStrictEqual(record.versionedRelease);
    expect(compileRelease(releases)).toStrictEqual(record.compiledRelease);
  });

  it("gives the same whatever order the releases come in", () => {
    const shuffled = [releases[3], releases[0], releases[5], releases[1], releases[4], releases[2]];
    expect(compileRelease(shuffled as OcdsRelease[])).toStrictEqual(compileRelease(releases));
    expect(versionRelease(shuffled as OcdsRelease[])).toStrictEqual(versionRelease(releases));
  });

  it("leaves the releases as they were, and shares nothing with them", () => {
    const before = structuredClone(releases);
    const compiled = compileRelease(releases);
    ((compiled.tender as Record<string, unknown>).submissionMethod as string[]).push("changed");
    versionRelease(releases);
    expect(releases).toStrictEqual(before);
  });
});

describe("the merge rules from the release schema (with the bids and lots extensions)", () => {
  it("drops the release's own id, date and tag", () => {
    for (const field of ["id", "date", "tag"]) expect(mergeRule([field])?.omitWhenMerged).toBe(true);
    expect(mergeRule(["ocid"])?.omitWhenMerged).toBe(false);
  });

  it("merges arrays of objects with an id by id, through $refs and into the extensions", () => {
    for (const field of [["awards"], ["tender", "items"], ["tender", "lots"], ["bids", "details"]])
      expect(mergeRule(field)).toMatchObject({ identifierMerge: true, wholeListMerge: false });
  });

  it("takes wholeListMerge arrays and arrays of strings whole", () => {
    expect(mergeRule(["parties", "additionalIdentifiers"])?.wholeListMerge).toBe(true);
    expect(mergeRule(["tender", "items", "additionalClassifications"])?.wholeListMerge).toBe(true);
    expect(mergeRule(["parties", "roles"])?.wholeListMerge).toBe(true);
    expect(mergeRule(["awards", "relatedLots"])?.wholeListMerge).toBe(true);
  });

  it("reads versionId", () => {
    expect(mergeRule(["tender", "id"])?.versionId).toBe(true);
    expect(mergeRule(["tender", "items", "unit", "id"])?.versionId).toBe(true);
    expect(mergeRule(["awards", "id"])?.versionId).toBe(false);
  });

  it("knows nothing of fields outside the schema", () => {
    expect(mergeRule(["tender", "notAField"])).toBeUndefined();
  });
});

describe("compileRelease", () => {
  it("gives the compiled release its own tag, the latest date and an id of ocid and that date", () => {
    const compiled = compileRelease([release(1, { language: "en" }), release(2, {})]);
    expect(compiled).toStrictEqual({
      tag: ["compiled"],
      id: `${OCID}-2024-01-02T00:00:00Z`,
      date: "2024-01-02T00:00:00Z",
      ocid: OCID,
      language: "en",
    });
  });

  it("takes a field away when a later release sets it to null", () => {
    const compiled = compileRelease([
      release(1, { tender: { id: "T", title: "Roads", description: "Resurfacing" } }),
      release(2, { tender: { description: null } }),
    ]);
    expect(compiled.tender).toStrictEqual({ id: "T", title: "Roads" });
  });

  it("takes an object away when a later release sets it to null, and lets a later one give it again", () => {
    const releases = [
      release(1, { planning: { rationale: "Need", budget: { description: "Capital" } } }),
      release(2, { planning: null }),
    ];
    expect(compileRelease(releases)).not.toHaveProperty("planning");
    const again = compileRelease([...releases, release(3, { planning: { rationale: "Still needed" } })]);
    expect(again.planning).toStrictEqual({ rationale: "Still needed" });
  });

  it("merges objects in arrays by id: earlier ones kept, one with the same id updated, new ones added", () => {
    const compiled = compileRelease([
      release(1, {
        awards: [
          { id: "A1", title: "Lot 1", status: "pending" },
          { id: "A2", title: "Lot 2", status: "pending" },
        ],
      }),
      release(2, {
        awards: [
          { id: "A2", status: "active" },
          { id: "A3", title: "Lot 3" },
        ],
      }),
    ]);
    expect(compiled.awards).toStrictEqual([
      { id: "A1", title: "Lot 1", status: "pending" },
      { id: "A2", title: "Lot 2", status: "active" },
      { id: "A3", title: "Lot 3" },
    ]);
  });

  it("merges by id in nested arrays, and two objects with one id in one release into one (the later's fields win)", () => {
    const compiled = compileRelease([
      release(1, { tender: { id: "T", items: [{ id: "1", description: "Tarmac", quantity: 5 }] } }),
      release(2, {
        tender: {
          items: [
            { id: "1", quantity: 6 },
            { id: "1", quantity: 7, unit: { name: "tonne" } },
          ],
        },
      }),
    ]);
    expect((compiled.tender as Record<string, unknown>).items).toStrictEqual([
      { id: "1", description: "Tarmac", quantity: 7, unit: { name: "tonne" } },
    ]);
  });

  it("replaces a wholeListMerge array, even of objects with ids", () => {
    const compiled = compileRelease([
      release(1, {
        parties: [
          {
            id: "P",
            additionalIdentifiers: [
              { scheme: "GB-COH", id: "1" },
              { scheme: "GB-CHC", id: "2" },
            ],
          },
        ],
      }),
      release(2, { parties: [{ id: "P", additionalIdentifiers: [{ scheme: "GB-COH", id: "3" }] }] }),
    ]);
    expect(compiled.parties).toStrictEqual([
      { id: "P", additionalIdentifiers: [{ scheme: "GB-COH", id: "3" }] },
    ]);
  });

  it("replaces arrays of strings", () => {
    const compiled = compileRelease([
      release(1, { parties: [{ id: "P", roles: ["buyer", "procuringEntity"] }] }),
      release(2, { parties: [{ id: "P", roles: ["payer"] }] }),
    ]);
    expect(compiled.parties).toStrictEqual([{ id: "P", roles: ["payer"] }]);
  });

  it("replaces an array whose objects the schema gives no id (whole list merge)", () => {
    const compiled = compileRelease([
      release(1, { tender: { id: "T", amendment: { changes: [{ property: "a" }, { property: "b" }] } } }),
      release(2, { tender: { amendment: { changes: [{ property: "c" }] } } }),
    ]);
    expect(compiled.tender).toStrictEqual({ id: "T", amendment: { changes: [{ property: "c" }] } });
  });

  it("ignores empty objects and arrays of objects (and ones holding only those), but an empty whole list replaces", () => {
    const compiled = compileRelease([
      release(1, { tender: { id: "T", submissionMethod: ["electronicSubmission"] } }),
      release(2, { planning: {}, awards: [], contracts: [{}], tender: { items: [], submissionMethod: [] } }),
      release(3, { planning: { budget: {} }, awards: [{ documents: [] }] }),
    ]);
    expect(compiled).not.toHaveProperty("planning");
    expect(compiled).not.toHaveProperty("awards");
    expect(compiled).not.toHaveProperty("contracts");
    expect(compiled.tender).toStrictEqual({ id: "T", submissionMethod: [] });
  });

  it("merges releases given out of date order in date order, equal dates in the order given", () => {
    const first = release(1, { language: "en", initiationType: "tender" });
    const second = release(2, { language: "cy" });
    const sameDay = { ...release(2, { language: "fr" }), id: `${OCID}-2b` };
    const compiled = compileRelease([second, sameDay, first]);
    expect(compiled).toMatchObject({
      language: "fr",
      initiationType: "tender",
      date: "2024-01-02T00:00:00Z",
    });
    expect(compileRelease([sameDay, second, first]).language).toBe("cy");
  });

  it("refuses releases of different processes, and none", () => {
    const other = { ...release(2, {}), ocid: "ocds-213czf-2" };
    expect(() => compileRelease([release(1, {}), other])).toThrow(/different processes/);
    expect(() => versionRelease([release(1, {}), other])).toThrow(/different processes/);
    expect(() => compileRelease([])).toThrow(/no releases/);
    expect(() => versionRelease([])).toThrow(/no releases/);
  });

  it("refuses a field that is a value in one release and an object in another", () => {
    const releases = [release(1, { planning: "soon" }), release(2, { planning: { rationale: "Need" } })];
    expect(() => compileRelease(releases)).toThrow(/planning in release ocds-213czf-1-2/);
    expect(() => versionRelease(releases)).toThrow(/planning in release ocds-213czf-1-2/);
  });
});

describe("versionRelease", () => {
  it("lists each field's values with the release they came from, the ocid and the ids of merged objects as they are", () => {
    const tag = ["tender"];
    expect(
      versionRelease([release(1, { tender: { id: "T", items: [{ id: "1", quantity: 5 }] } }, tag)]),
    ).toStrictEqual({
      ocid: OCID,
      tender: { id: [versioned(1, "T", tag)], items: [{ id: "1", quantity: [versioned(1, 5, tag)] }] },
    });
  });

  it("adds a value only when a release changes it", () => {
    const result = versionRelease([
      release(1, { tender: { id: "T", title: "Roads" } }),
      release(2, { tender: { id: "T", title: "Roads" } }),
      release(3, { tender: { title: "Roads and paths" } }),
      release(4, { tender: { title: "Roads and paths" } }),
    ]);
    expect(result.tender).toStrictEqual({
      id: [versioned(1, "T")],
      title: [versioned(1, "Roads"), versioned(3, "Roads and paths")],
    });
  });

  it("versions a null as a value, and a whole list or list of strings as one value", () => {
    const result = versionRelease([
      release(1, { tender: { id: "T", description: "Resurfacing", submissionMethod: ["written"] } }),
      release(2, {
        tender: {
          description: null,
          submissionMethod: ["written"],
          amendment: { changes: [{ property: "a" }] },
        },
      }),
      release(3, { tender: { submissionMethod: ["written", "electronicSubmission"] } }),
    ]);
    expect(result.tender).toStrictEqual({
      id: [versioned(1, "T")],
      description: [versioned(1, "Resurfacing"), versioned(2, null)],
      submissionMethod: [versioned(1, ["written"]), versioned(3, ["written", "electronicSubmission"])],
      amendment: { changes: [versioned(2, [{ property: "a" }])] },
    });
  });

  it("merges objects in arrays by id, keeping earlier ones", () => {
    const result = versionRelease([
      release(1, { awards: [{ id: "A1", status: "pending" }] }),
      release(2, { awards: [{ id: "A2", status: "pending" }] }),
      release(3, { awards: [{ id: "A1", status: "active" }] }),
    ]);
    expect(result.awards).toStrictEqual([
      { id: "A1", status: [versioned(1, "pending"), versioned(3, "active")] },
      { id: "A2", status: [versioned(2, "pending")] },
    ]);
  });

  it("records an object set to null as each of its values becoming null", () => {
    const result = versionRelease([
      release(1, { planning: { rationale: "Need", budget: { description: "Capital" } } }),
      release(2, { planning: null }),
    ]);
    expect(result.planning).toStrictEqual({
      rationale: [versioned(1, "Need"), versioned(2, null)],
      budget: { description: [versioned(1, "Capital"), versioned(2, null)] },
    });
  });
});
