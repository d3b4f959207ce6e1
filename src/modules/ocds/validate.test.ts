/**
 * OCDS validation: the standard's fictional example passes as it is; broken data is caught with a
 * pointer to the field and a sentence saying what is wrong, in releases, in release packages and in
 * record packages, the bids and lots extensions included; fields the standard does not define are
 * allowed; and each closed codelist is enforced by an enum holding exactly its codes.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type Json, releaseSchema, standardSchema } from "./schema.ts";
import { recordPackageProblems, releasePackageProblems, releaseProblems } from "./validate.ts";

const SHARED_OCDS = path.resolve(import.meta.dirname, "../../../../shared/ocds");
const EXAMPLE = path.join(SHARED_OCDS, "samples/fictional-example");

type JsonObject = { [key: string]: Json };

function readJson(file: string): JsonObject {
  return JSON.parse(fs.readFileSync(file, "utf8")) as JsonObject;
}

const releasePackageFiles = fs
  .readdirSync(EXAMPLE)
  .filter((name) => name.endsWith(".json"))
  .sort();
const recordPackageFiles = [
  "record/ocds-213czf-000-00001.json",
  "record/ocds-213czf-000-00001-withversions.json",
];

/** The example's full package: its six releases, planning to implementation. */
function examplePackage(): JsonObject {
  return readJson(path.join(EXAMPLE, "ocds-213czf-000-00001.json"));
}

function releasesOf(pkg: JsonObject): JsonObject[] {
  return pkg.releases as JsonObject[];
}

/** The example's tender release: a tender with a value, items and documents. */
function tenderRelease(): JsonObject {
  const release = releasesOf(examplePackage()).find((r) => r.id === "ocds-213czf-000-00001-02-tender");
  if (!release) throw new Error("the example has no tender release");
  return release;
}

function tenderOf(release: JsonObject): JsonObject {
  return release.tender as JsonObject;
}

describe("the standard's fictional example", () => {
  it("has its release packages", () => {
    expect(releasePackageFiles).toHaveLength(7);
  });

  it.each(releasePackageFiles)(
    "%s is a valid release package, and each release in it a valid release",
    (name) => {
      const pkg = readJson(path.join(EXAMPLE, name));
      expect(releasePackageProblems(pkg)).toEqual([]);
      expect(releasesOf(pkg).length).toBeGreaterThan(0);
      for (const release of releasesOf(pkg)) expect(releaseProblems(release)).toEqual([]);
    },
  );

  it.each(recordPackageFiles)("%s is a valid record package", (name) => {
    expect(recordPackageProblems(readJson(path.join(EXAMPLE, name)))).toEqual([]);
  });

  it("is also valid as a record package that embeds its releases rather than linking to them", () => {
    const pkg = readJson(path.join(EXAMPLE, recordPackageFiles[0] as string));
    const [record] = pkg.records as JsonObject[];
    if (!record) throw new Error("the example record package has no record");
    record.releases = releasesOf(examplePackage());
    expect(recordPackageProblems(pkg)).toEqual([]);
  });
});

describe("a release", () => {
  it("without an ocid is refused, the path pointing at the missing field", () => {
    const release = tenderRelease();
    delete release.ocid;
    expect(releaseProblems(release)).toEqual([
      { path: "/ocid", message: "The release has no ocid, which is required" },
    ]);
  });

  it("with a tender value amount written as a string is refused", () => {
    const release = tenderRelease();
    (tenderOf(release).value as JsonObject).amount = "120000";
    expect(releaseProblems(release)).toEqual([
      { path: "/tender/value/amount", message: 'amount must be a number or null, not a string ("120000")' },
    ]);
  });

  it("with a tag outside the closed releaseTag codelist is refused, naming the codelist", () => {
    const release = tenderRelease();
    release.tag = ["tender", "tenderPublished"];
    const problems = releaseProblems(release);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBe("/tag/1");
    expect(problems[0]?.message).toMatch(
      /^tag\[1\] must be a code from the closed releaseTag codelist, not "tenderPublished" \(its codes: planning, planningUpdate, tender, /,
    );
  });

  it("with a code outside a closed codelist of many codes is refused without listing them all", () => {
    const release = tenderRelease();
    (tenderOf(release).value as JsonObject).currency = "GBX";
    expect(releaseProblems(release)).toEqual([
      {
        path: "/tender/value/currency",
        message: 'currency must be a code from the closed currency codelist, not "GBX"',
      },
    ]);
  });

  it("with a date without a time zone is refused", () => {
    const release = tenderRelease();
    release.date = "2010-03-01T09:00:00";
    expect(releaseProblems(release)).toEqual([
      {
        path: "/date",
        message:
          'date must be a date and time with a time zone (RFC 3339, like 2024-05-01T09:30:00Z), not "2010-03-01T09:00:00"',
      },
    ]);
  });

  it("that is not an object is refused as a whole", () => {
    expect(releaseProblems("a release")).toEqual([
      { path: "", message: 'The release must be an object, not a string ("a release")' },
    ]);
    expect(releaseProblems(null)).toEqual([{ path: "", message: "The release must be an object, not null" }]);
  });

  it("with fields the standard does not define is valid: OCDS allows additional fields", () => {
    // No object in the release schema (nor in the package schemas) says `additionalProperties`, so
    // JSON Schema allows any other field, as OCDS means it to (publishers add their own).
    for (const schema of [
      releaseSchema(),
      standardSchema("release-package-schema.json"),
      standardSchema("record-package-schema.json"),
      standardSchema("versioned-release-validation-schema.json"),
    ])
      expect(JSON.stringify(schema)).not.toContain("additionalProperties");
    const release = tenderRelease();
    release.openpsServiceArea = { code: "E09000033", name: "Westminster" };
    tenderOf(release).localNote = "Any field of our own";
    expect(releaseProblems(release)).toEqual([]);
  });

  it("is checked with the bids extension: a bid statistic's value must be a number", () => {
    const release = tenderRelease();
    release.bids = { statistics: [{ id: "1", measure: "bids", value: "three" }] };
    expect(releaseProblems(release)).toEqual([
      { path: "/bids/statistics/0/value", message: 'value must be a number, not a string ("three")' },
    ]);
    release.bids = { statistics: [{ id: "1", measure: "bids", value: 3 }] };
    expect(releaseProblems(release)).toEqual([]);
  });

  it("is checked with the lots extension: a lot's status is from the closed tenderStatus codelist", () => {
    const release = tenderRelease();
    tenderOf(release).lots = [{ id: "1", title: "North", status: "open" }];
    expect(releaseProblems(release)).toEqual([
      {
        path: "/tender/lots/0/status",
        message:
          'status must be a code from the closed tenderStatus codelist, not "open" (its codes: planning, planned, active, cancelled, unsuccessful, complete, withdrawn)',
      },
    ]);
  });

  it("with a lot that has no id is refused", () => {
    const release = tenderRelease();
    tenderOf(release).lots = [{ id: "1", title: "North" }, { title: "South" }];
    expect(releaseProblems(release)).toEqual([
      { path: "/tender/lots/1/id", message: "lots[1] has no id, which is required" },
    ]);
  });

  it("needs the lot's id checked by validate.ts: the lots extension as shipped leaves it optional", () => {
    // When the shipped extension is updated to a version that requires it, LOT_NEEDS_ID in
    // validate.ts can go.
    const lot = (releaseSchema().definitions as JsonObject).Lot as JsonObject;
    expect(lot.required).toBeUndefined();
  });

  it("reports every problem at once", () => {
    const release = tenderRelease();
    delete release.id;
    release.initiationType = "auction";
    (tenderOf(release).value as JsonObject).amount = "lots";
    expect(releaseProblems(release).map((problem) => problem.path)).toEqual([
      "/id",
      "/initiationType",
      "/tender/value/amount",
    ]);
  });
});

describe("a release package", () => {
  it("has its releases checked against the extended release schema, with paths from the package", () => {
    const pkg = examplePackage();
    const [planning, tender] = releasesOf(pkg);
    if (!planning || !tender) throw new Error("the example package has fewer than two releases");
    delete planning.ocid;
    (tenderOf(tender).value as JsonObject).amount = "120000";
    tender.bids = { statistics: [{ id: "1", measure: "bids", value: "three" }] };
    tenderOf(tender).lots = [{ title: "South" }];
    expect(releasePackageProblems(pkg)).toEqual([
      { path: "/releases/0/ocid", message: "releases[0] has no ocid, which is required" },
      {
        path: "/releases/1/tender/value/amount",
        message: 'amount must be a number or null, not a string ("120000")',
      },
      { path: "/releases/1/tender/lots/0/id", message: "lots[0] has no id, which is required" },
      {
        path: "/releases/1/bids/statistics/0/value",
        message: 'value must be a number, not a string ("three")',
      },
    ]);
  });

  it("is refused without its metadata, or with the same release twice", () => {
    const pkg = examplePackage();
    delete pkg.publisher;
    pkg.version = "1";
    pkg.uri = "ocds-213czf-000-00001.json";
    pkg.releases = [tenderRelease(), tenderRelease()];
    expect(releasePackageProblems(pkg)).toEqual([
      { path: "/publisher", message: "The release package has no publisher, which is required" },
      {
        path: "/uri",
        message:
          'uri must be an absolute URI (like https://example.org/notices/1), not "ocds-213czf-000-00001.json"',
      },
      { path: "/version", message: 'version must be a major.minor version number, like 1.1, not "1"' },
      { path: "/releases", message: "releases has the same item twice (0 and 1): each must be different" },
    ]);
  });
});

describe("a record package", () => {
  function recordPackage(): { pkg: JsonObject; record: JsonObject } {
    const pkg = readJson(path.join(EXAMPLE, recordPackageFiles[0] as string));
    const [record] = pkg.records as JsonObject[];
    if (!record) throw new Error("the example record package has no record");
    return { pkg, record };
  }

  it("with embedded releases reports their problems, not that they are not links", () => {
    const { pkg, record } = recordPackage();
    const releases = releasesOf(examplePackage());
    record.releases = releases;
    delete releases[0]?.ocid;
    const tender = releases[1];
    if (!tender) throw new Error("the example package has fewer than two releases");
    tenderOf(tender).lots = [{ title: "South" }];
    expect(recordPackageProblems(pkg)).toEqual([
      { path: "/records/0/releases/0/ocid", message: "releases[0] has no ocid, which is required" },
      { path: "/records/0/releases/1/tender/lots/0/id", message: "lots[0] has no id, which is required" },
    ]);
  });

  it("with linked releases reports their problems, not that they are not releases", () => {
    const { pkg, record } = recordPackage();
    const [first, second] = record.releases as JsonObject[];
    if (!first || !second) throw new Error("the example record has fewer than two releases");
    first.date = "15 March 2010";
    delete second.url;
    expect(recordPackageProblems(pkg)).toEqual([
      {
        path: "/records/0/releases/0/date",
        message:
          'date must be a date and time with a time zone (RFC 3339, like 2024-05-01T09:30:00Z), not "15 March 2010"',
      },
      { path: "/records/0/releases/1/url", message: "releases[1] has no url, which is required" },
    ]);
  });

  it("has its compiled release checked against the extended release schema", () => {
    const { pkg, record } = recordPackage();
    const compiled = record.compiledRelease as JsonObject;
    compiled.tag = ["compiled", "final"];
    compiled.bids = { statistics: [{ id: "1", measure: "bids", value: "three" }] };
    expect(recordPackageProblems(pkg)).toEqual([
      {
        path: "/records/0/compiledRelease/tag/1",
        message: expect.stringMatching(
          /^tag\[1\] must be a code from the closed releaseTag codelist, not "final"/,
        ),
      },
      {
        path: "/records/0/compiledRelease/bids/statistics/0/value",
        message: 'value must be a number, not a string ("three")',
      },
    ]);
  });
});

describe("closed codelists", () => {
  /** The codes of a codelist CSV: the standard's core codelists, or an extension's shipped in the project. */
  function csvCodes(name: string): string[] {
    const extensions = path.join(import.meta.dirname, "schema/extensions");
    const candidates = [
      path.join(SHARED_OCDS, "1.1/codelists", name),
      ...fs.readdirSync(extensions).map((extension) => path.join(extensions, extension, "codelists", name)),
    ];
    const file = candidates.find((candidate) => fs.existsSync(candidate));
    if (!file) throw new Error(`no codelist ${name}`);
    const [header, ...rows] = csvRows(fs.readFileSync(file, "utf8"));
    const column = header?.indexOf("Code") ?? -1;
    return rows.map((row) => row[column] ?? "");
  }

  /** RFC 4180: quoted fields may hold commas, quotes ("") and line breaks. */
  function csvRows(text: string): string[][] {
    const rows: string[][] = [];
    let row: string[] = [];
    let field = "";
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (quoted) {
        if (c !== '"') field += c;
        else if (text[i + 1] === '"') field += text[++i];
        else quoted = false;
      } else if (c === '"') quoted = true;
      else if (c === ",") {
        row.push(field);
        field = "";
      } else if (c === "\n") {
        rows.push([...row, field.replace(/\r$/, "")]);
        row = [];
        field = "";
      } else field += c;
    }
    if (field !== "" || row.length > 0) rows.push([...row, field]);
    return rows;
  }

  /** Each field with `"openCodelist": false`, with the codes its enum (or its items' enum) allows. */
  function closedCodelistFields(
    schema: Json,
    at = "",
  ): { at: string; codelist: string; codes: Json | undefined }[] {
    if (schema === null || typeof schema !== "object") return [];
    const entries = Array.isArray(schema)
      ? schema.map((value, i) => [String(i), value] as const)
      : Object.entries(schema);
    const found = entries.flatMap(([key, value]) => closedCodelistFields(value, `${at}/${key}`));
    if (!Array.isArray(schema) && schema.openCodelist === false) {
      const items = schema.items;
      const codes =
        schema.enum ?? (items && typeof items === "object" && !Array.isArray(items) ? items.enum : undefined);
      found.push({ at, codelist: String(schema.codelist), codes });
    }
    return found;
  }

  const schemas: [string, Json][] = [
    ["release schema (with extensions)", releaseSchema()],
    ["release package schema", standardSchema("release-package-schema.json")],
    ["record package schema", standardSchema("record-package-schema.json")],
    ["versioned release schema", standardSchema("versioned-release-validation-schema.json")],
  ];

  it.each(schemas)(
    "are each enforced in the %s by an enum of exactly the codelist's codes",
    (_name, schema) => {
      for (const { at, codelist, codes } of closedCodelistFields(schema)) {
        expect(Array.isArray(codes), `${at} (${codelist}) has an enum`).toBe(true);
        const allowed = (codes as Json[]).filter((code) => code !== null);
        expect(new Set(allowed), `${at} (${codelist})`).toEqual(new Set(csvCodes(codelist)));
      }
    },
  );

  it("are found where expected: the release schema has twelve fields with one", () => {
    expect(closedCodelistFields(releaseSchema()).map((field) => field.codelist)).toEqual([
      "releaseTag.csv",
      "initiationType.csv",
      "tenderStatus.csv",
      "method.csv",
      "procurementCategory.csv",
      "awardStatus.csv",
      "contractStatus.csv",
      "milestoneStatus.csv",
      "currency.csv",
      "currency.csv",
      "bidStatus.csv",
      "tenderStatus.csv",
    ]);
  });
});

describe("speed", () => {
  it("checks a typical release in well under a millisecond once compiled", () => {
    const release = tenderRelease();
    releaseProblems(release);
    const runs = 500;
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      releaseProblems(release);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const median = times[runs / 2] ?? Number.POSITIVE_INFINITY;
    expect(median, `median ${median.toFixed(4)} ms`).toBeLessThan(0.5);
  });
});
