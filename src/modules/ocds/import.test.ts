/**
 * `openps import ocds`, run in process on a test database (the command's own function, as the CLI
 * calls it): the project's real samples (Australia NSW, Canada BuyAndSell and Montreal, Colombia,
 * Nigeria) and the standard's fictional example import with the counts their files give, and a second
 * import skips every release; messy data is upgraded, coerced and refused as the standard and the
 * rules say; a large file imports in flat memory; the read API pages a publisher's releases and makes
 * a process's record, marked with its publisher.
 *
 * What the samples hold, read from their files (the counts asserted below):
 * - NSW: 10 release packages, OCDS 1.0.1, one release each, the buyer a whole organisation: 10
 *   releases, each upgraded (its buyer moved to parties).
 * - BuyAndSell: 11 records, each embedding 1 release, then 22 releases — each of the 11 twice (once
 *   as 1.0, once as 1.1), with the ocid and id of a record's release: 11 imported, 22 skipped.
 * - Montreal: 10 records embedding 1 release each (1.1, its tag the text "award"), then 20 releases:
 *   the 10 embedded (skipped) and 10 others in the 1.0 shape (no parties; upgraded): 20 imported.
 * - Colombia: 10 records embedding 1 release each (1.1), then 21 releases: those 10 (skipped) and 11
 *   in the 1.0 shape (upgraded): 21 imported.
 * - Nigeria: 11 records embedding 1 release each (1.1), then 12 releases: those 11 and one more.
 * So 74 imported (33 as they were; 41 with warnings: 31 upgraded, 10 tags coerced), 53 skipped.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import v8 from "node:v8";
import vm from "node:vm";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { runOcdsImport } from "../../cli/import-ocds.ts";
import { withholdContacts } from "./upgrade.ts";

const SAMPLES = path.resolve(import.meta.dirname, "../../../../shared/ocds/samples");
const REAL = path.join(SAMPLES, "real");
const FICTIONAL = path.join(SAMPLES, "fictional-example");

let t: TestApp;
let dir: string;

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "openps-ocds-import-test-"));
});
afterAll(async () => {
  await t?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function importing(target: string, options: { publisher?: string } = {}, stdin?: Readable) {
  const lines: string[] = [];
  const ok = await runOcdsImport(t.deps.db, t.deps.clock, target, options, {
    out: (line) => lines.push(line),
    ...(stdin ? { stdin } : {}),
  });
  return { ok, lines, text: lines.join("\n") };
}

const n = (count: number) => count.toLocaleString("en-GB").padStart(9);
const counts = (imported: number, warned: number, skipped: number, rejected: number) => [
  `  imported                   ${n(imported)}`,
  `  imported with warnings     ${n(warned)}`,
  `  skipped, already present   ${n(skipped)}`,
  `  rejected                   ${n(rejected)}`,
];

async function releaseOf(ocid: string, id?: string) {
  let query = t.deps.db.selectFrom("ocds_external_releases").selectAll().where("ocid", "=", ocid);
  if (id) query = query.where("release_id", "=", id);
  return query.executeTakeFirstOrThrow();
}

async function publisherNamed(name: string) {
  return t.deps.db
    .selectFrom("ocds_publishers")
    .selectAll()
    .where("name", "=", name)
    .executeTakeFirstOrThrow();
}

function write(name: string, content: unknown): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content, null, 2));
  return file;
}

describe("importing the samples", () => {
  it("imports every release of the real samples once, upgrading OCDS 1.0 and coercing what is clear", async () => {
    const { ok, lines } = await importing(REAL);
    expect(ok).toBe(true);
    expect(lines.slice(0, 5)).toEqual(["Read 127 file(s).", ...counts(33, 41, 53, 0)]);
    expect(lines).toContain(
      "Warnings say what was changed to read a release: 31 upgraded from OCDS 1.0, the others' shapes coerced (a value where a list belongs, a number as text).",
    );
    expect(lines).toEqual(
      expect.arrayContaining([
        "  NSW office of Procurement - eTendering: 10 imported, 0 skipped",
        "  Buyandsell.gc.ca - Achatsetventes.gc.ca: 11 imported, 22 skipped",
        "  Ville de Montréal: 20 imported, 10 skipped",
        "  Colombia Compra: 21 imported, 10 skipped",
        "  Public Bureau of Procurement: 12 imported, 11 skipped",
      ]),
    );

    // NSW's 1.0 buyer: moved to parties with its role, referred to by id and name.
    const nsw = await releaseOf("ocds-43qwtd-RFT-0B980BC7-FB94-5FC4-D587404FC31576A7");
    const buyer = nsw.release.buyer as { id: string; name: string };
    expect(Object.keys(buyer).sort()).toEqual(["id", "name"]);
    expect(buyer.name).toBe("Public Works Advisory - Hunter New England Region");
    expect(nsw.release.parties).toEqual([
      expect.objectContaining({ id: buyer.id, name: buyer.name, roles: ["buyer"] }),
    ]);
    expect(nsw.warnings).toEqual([
      {
        path: "/buyer",
        message: "An OCDS 1.0 organisation, moved to parties with the role buyer and referred to by its id",
      },
    ]);
    expect(nsw.source).toBe("australia/new-south-wales/sample/releases/0.json");
    expect((await publisherNamed("NSW office of Procurement - eTendering")).uri).toBe(
      "https://tenders.nsw.gov.au",
    );

    // Montreal's tag given as text: a list of one, with a warning; kept with its schema problems.
    const montreal = await releaseOf("ocds-a1234567-mt-063635891f001755a1637786dd047485f3dcfaf6");
    expect(montreal.tags).toEqual(["award"]);
    expect(montreal.warnings).toEqual([
      { path: "/tag", message: 'A list was expected: the text "award" was made a list of one' },
    ]);
    expect(montreal.problems.length).toBeGreaterThan(0);
    expect(montreal.problems.every((p) => typeof p.path === "string" && typeof p.message === "string")).toBe(
      true,
    );

    // Every imported release has an ocid, an id and a date, and is one of its publisher's.
    const perPublisher = await t.deps.db
      .selectFrom("ocds_external_releases as r")
      .innerJoin("ocds_publishers as p", "p.id", "r.publisher_id")
      .select(["p.name", (eb) => eb.fn.countAll<string>().as("n")])
      .groupBy("p.name")
      .orderBy("p.name")
      .execute();
    expect(perPublisher.map((r) => [r.name, Number(r.n)])).toEqual([
      ["Buyandsell.gc.ca - Achatsetventes.gc.ca", 11],
      ["Colombia Compra", 21],
      ["NSW office of Procurement - eTendering", 10],
      ["Public Bureau of Procurement", 12],
      ["Ville de Montréal", 20],
    ]);
  });

  it("imports the fictional example: its releases, and a record's compiled release when it only links to them", async () => {
    const { ok, lines } = await importing(FICTIONAL);
    expect(ok).toBe(true);
    // 6 packages of one release, then the package of all 6 (skipped), then two records of links:
    // the first's compiled release imported (with a warning), the second's skipped. README.md left out.
    expect(lines.slice(0, 5)).toEqual([
      "Read 9 file(s) (1 other file(s) left out: not .json, .jsonl, .ndjson or .jl).",
      ...counts(6, 1, 7, 0),
    ]);
    const compiled = await releaseOf("ocds-213czf-000-00001", "ocds-213czf-000-00001-2011-01-10T09:30:00Z");
    expect(compiled.tags).toEqual(["compiled"]);
    expect(compiled.warnings).toEqual([
      {
        path: "/tag",
        message:
          "The record gave only links to its releases: its compiled release was imported as one release, tagged compiled",
      },
    ]);
    expect(compiled.source).toBe(
      "record/ocds-213czf-000-00001-withversions.json (https://raw.githubusercontent.com/open-contracting/sample-data/main/fictional-example/1.1/record/ocds-213czf-000-00001-withversions.json)",
    );
    const publisher = await publisherNamed("Open Data Services Co-operative Limited");
    expect(publisher).toMatchObject({ scheme: "GB-COH", uid: "9506232.0", key: "scheme:GB-COH/9506232.0" });
  });

  it("skips every release when the same data is imported again, and audits each run", async () => {
    const real = await importing(REAL);
    expect(real.lines.slice(0, 5)).toEqual(["Read 127 file(s).", ...counts(0, 0, 127, 0)]);
    expect(real.ok).toBe(true);
    const fictional = await importing(FICTIONAL);
    expect(fictional.lines.slice(1, 5)).toEqual(counts(0, 0, 14, 0));
    const audits = await t.deps.db
      .selectFrom("audit_events")
      .select(["changes"])
      .where("action", "=", "ocds.imported")
      .orderBy("seq")
      .execute();
    expect(audits.map((a) => (a.changes as { imported: number }).imported)).toEqual([33, 6, 0, 0]);
    expect(audits[2]?.changes).toMatchObject({ skipped: 127, rejected: 0, target: REAL });
  });
});

describe("messy data", () => {
  it("upgrades an OCDS 1.0 release as ocdskit does: organisations to parties, amendment to amendments, transactions renamed", async () => {
    const file = write("v10/package.json", {
      version: "1.0",
      publisher: { name: "Old Publisher", uri: "https://old.example.org" },
      releases: [
        {
          ocid: "ocds-old-1",
          id: "1",
          date: "2015-03-01T10:00:00Z",
          tag: ["contract"],
          buyer: { name: "Old County", identifier: { scheme: "GB-LAC", id: "E1" } },
          tender: {
            id: "t",
            procuringEntity: { name: "Old County", identifier: { scheme: "GB-LAC", id: "E1" } },
            tenderers: [{ name: "Builder Ltd", identifier: { scheme: "GB-COH", id: "123" } }],
            amendment: { date: "2015-02-01T00:00:00Z", rationale: "More time" },
          },
          awards: [
            { id: "a", suppliers: [{ name: "Builder Ltd", identifier: { scheme: "GB-COH", id: "123" } }] },
          ],
          contracts: [
            {
              id: "c",
              awardID: "a",
              implementation: {
                transactions: [
                  {
                    id: "p1",
                    amount: { amount: 100, currency: "GBP" },
                    providerOrganization: { scheme: "GB-LAC", id: "E1", legalName: "Old County" },
                    receiverOrganization: { scheme: "GB-COH", id: "123", legalName: "Builder Ltd" },
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    const { lines } = await importing(file);
    expect(lines.slice(1, 5)).toEqual(counts(0, 1, 0, 0));
    const { release, warnings } = await releaseOf("ocds-old-1");
    const parties = release.parties as { id: string; name: string; roles: string[] }[];
    expect(parties.map((p) => [p.name, p.roles])).toEqual([
      ["Old County", ["buyer", "procuringEntity"]],
      ["Builder Ltd", ["tenderer", "supplier"]],
      ["Old County", ["payer"]],
      ["Builder Ltd", ["payee"]],
    ]);
    const [county, builder, payer, payee] = parties;
    expect(release.buyer).toEqual({ id: county?.id, name: "Old County" });
    const tender = release.tender as Record<string, unknown>;
    expect(tender.procuringEntity).toEqual({ id: county?.id, name: "Old County" });
    expect(tender.tenderers).toEqual([{ id: builder?.id, name: "Builder Ltd" }]);
    expect(tender.amendment).toBeUndefined();
    expect(tender.amendments).toEqual([{ date: "2015-02-01T00:00:00Z", rationale: "More time" }]);
    const transaction = (
      release.contracts as { implementation: { transactions: Record<string, unknown>[] } }[]
    )[0]?.implementation.transactions[0];
    expect(transaction).toEqual({
      id: "p1",
      value: { amount: 100, currency: "GBP" },
      payer: { id: payer?.id, name: "Old County" },
      payee: { id: payee?.id, name: "Builder Ltd" },
    });
    // An organisation's id is ocdskit's: the MD5 of its identifying fields.
    expect(county?.id).toMatch(/^[0-9a-f]{32}$/);
    expect(warnings.map((w) => w.path)).toEqual([
      "/buyer",
      "/tender/procuringEntity",
      "/tender/tenderers/0",
      "/awards/0/suppliers/0",
      "/tender/amendment",
      "/contracts/0/implementation/transactions/0/amount",
      "/contracts/0/implementation/transactions/0/providerOrganization",
      "/contracts/0/implementation/transactions/0/receiverOrganization",
    ]);
  });

  it("coerces clear shapes with a warning, refuses what cannot be understood with the reason, and keeps what came before broken JSON", async () => {
    const release = (ocid: string, extra: Record<string, unknown> = {}) =>
      JSON.stringify({
        ocid,
        id: `${ocid}-1`,
        date: "2024-05-01T09:00:00Z",
        tag: ["tender"],
        initiationType: "tender",
        parties: [],
        ...extra,
      });
    const file = write(
      "messy.jsonl",
      [
        release("ocds-messy-1", {
          tag: "tender",
          tender: {
            id: "t1",
            submissionMethod: "electronicSubmission",
            value: { amount: "1500.50", currency: "GBP" },
          },
        }),
        JSON.stringify({ id: "no-ocid", date: "2024-05-01T09:00:00Z" }),
        JSON.stringify({ ocid: "ocds-messy-3", date: "2024-05-01T09:00:00Z" }),
        JSON.stringify({ ocid: "ocds-messy-4", id: "4", date: "the first of May" }),
        "42",
        release("ocds-messy-6", { date: "2024-05-02" }),
        '{"ocid": "ocds-messy-7", "id": ',
        release("ocds-messy-8"),
      ].join("\n"),
    );
    const { ok, lines } = await importing(file, { publisher: "Messy Council" });
    expect(ok).toBe(true);
    expect(lines.slice(0, 5)).toEqual(["Read 1 file(s).", ...counts(1, 1, 0, 5)]);
    expect(lines).toContain(
      "Rejected: 1 no ocid, 1 no id, 1 no date that can be read, 1 not an object, 1 JSON that cannot be parsed.",
    );
    expect(lines.slice(-6)).toEqual([
      "The first 5:",
      `  ${file}:2: the release has no ocid`,
      `  ${file}:3: the release has no id`,
      `  ${file}:4: the release's date "the first of May" is not a date`,
      `  ${file}:5: a JSON value that is not an object`,
      // Line 7 breaks off; line 8 is read as the rest of its value, and the file ends there.
      `  ${file}:8: the JSON cannot be parsed (expected ','); reading stopped there`,
    ]);
    const coerced = await releaseOf("ocds-messy-1");
    expect(coerced.release.tag).toEqual(["tender"]);
    expect(coerced.release.tender).toEqual({
      id: "t1",
      submissionMethod: ["electronicSubmission"],
      value: { amount: 1500.5, currency: "GBP" },
    });
    expect(coerced.warnings).toEqual([
      { path: "/tag", message: 'A list was expected: the text "tender" was made a list of one' },
      {
        path: "/tender/submissionMethod",
        message: 'A list was expected: the text "electronicSubmission" was made a list of one',
      },
      {
        path: "/tender/value/amount",
        message: 'A number was expected: the text "1500.50" was read as 1500.5',
      },
    ]);
    // A date alone is read as midnight UTC; the schema's problem with it is kept.
    const dated = await releaseOf("ocds-messy-6");
    expect(dated.date.toISOString()).toBe("2024-05-02T00:00:00.000Z");
    expect(dated.problems).toEqual([
      {
        path: "/date",
        message:
          'date must be a date and time with a time zone (RFC 3339, like 2024-05-01T09:30:00Z), not "2024-05-02"',
      },
    ]);
    expect(coerced.problems).toEqual([]);
    expect(
      await t.deps.db
        .selectFrom("ocds_external_releases")
        .select("ocid")
        .where("ocid", "like", "ocds-messy-%")
        .execute(),
    ).toHaveLength(2);
    expect((await publisherNamed("Messy Council")).key).toBe("name:messy council");
  });

  it("says so when the path given is neither a file nor a directory", async () => {
    await expect(importing(path.join(dir, "no-such-file.json"))).rejects.toThrow(
      `Cannot read ${path.join(dir, "no-such-file.json")}: there is no such file or directory. Check the path.`,
    );
  });

  it("refuses data that names no publisher unless --publisher names one, and reads standard input", async () => {
    const stdin = () =>
      Readable.from([
        `${JSON.stringify({ ocid: "ocds-in-1", id: "1", date: "2024-01-01T00:00:00Z", parties: [] })}\n`,
      ]);
    const refused = await importing("-", {}, stdin());
    expect(refused.ok).toBe(false);
    expect(refused.lines.slice(1, 5)).toEqual(counts(0, 0, 0, 1));
    expect(refused.lines.at(-1)).toBe(
      '  standard input:1: the data names no publisher: name one with --publisher "<name>"',
    );
    const named = await importing("-", { publisher: "Piped Publisher" }, stdin());
    expect(named.ok).toBe(true);
    expect(named.lines.slice(1, 5)).toEqual(counts(1, 0, 0, 0));
    expect((await releaseOf("ocds-in-1")).source).toBe("standard input");
  });

  it("withholds contact points' personal details (an official's name, email, telephone, fax), keeping the organisation's url", async () => {
    const person = {
      name: "A. Official",
      email: "a.official@example.gov",
      telephone: "01234 567890",
      faxNumber: "01234 000999",
    };
    const release = {
      ocid: "ocds-contacts-1",
      id: "1",
      date: "2024-04-01T00:00:00Z",
      parties: [
        {
          id: "buyer",
          name: "A Council",
          roles: ["buyer"],
          contactPoint: { ...person, url: "https://example.gov/procurement" },
          additionalContactPoints: [{ ...person }],
        },
      ],
      buyer: { id: "buyer", name: "A Council" },
    };
    const { lines } = await importing(write("contacts.json", release), { publisher: "Contact Publisher" });
    expect(lines.slice(1, 5)).toEqual(counts(1, 0, 0, 0));
    const stored = await releaseOf("ocds-contacts-1");
    const text = JSON.stringify(stored.release);
    for (const value of Object.values(person)) expect(text).not.toContain(value);
    expect(stored.release.parties).toEqual([
      {
        id: "buyer",
        name: "A Council",
        roles: ["buyer"],
        contactPoint: { url: "https://example.gov/procurement" },
        additionalContactPoints: [{}],
      },
    ]);
    const publisher = await publisherNamed("Contact Publisher");
    const record = await call(
      t.app,
      "GET",
      `/data/ocds/external/records/ocds-contacts-1?publisher=${publisher.id}`,
    );
    expect(record.statusCode).toBe(200);
    expect(record.body).not.toContain("a.official");
    expect(record.body).toContain("contact points' personal details");
  });

  it("reads gzipped JSON lines, as OpenPS's own bulk files are", async () => {
    const lines = [1, 2, 3].map((i) =>
      JSON.stringify({ ocid: `ocds-gz-${i}`, id: "1", date: "2024-03-01T00:00:00Z", parties: [] }),
    );
    const file = path.join(dir, "bulk/releases.jsonl.gz");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, gzipSync(lines.join("\n")));
    const { lines: summary } = await importing(path.dirname(file), { publisher: "Gzip Publisher" });
    expect(summary.slice(0, 5)).toEqual(["Read 1 file(s).", ...counts(3, 0, 0, 0)]);
    expect((await releaseOf("ocds-gz-2")).source).toBe("releases.jsonl.gz");
  });

  it("holds a package's releases until its publisher is read, and stores none of a release the database refuses", async () => {
    // The publisher after the releases; the middle release holds text no database keeps (a lone surrogate).
    const file = path.join(dir, "late.json");
    fs.writeFileSync(
      file,
      `{"releases": [${[
        { ocid: "ocds-late-1", id: "1", date: "2024-01-01T00:00:00Z", parties: [] },
        { ocid: "ocds-late-2", id: "2", date: "2024-01-01T00:00:00Z", parties: [], description: "\ud800" },
        { ocid: "ocds-late-3", id: "3", date: "2024-01-01T00:00:00Z", parties: [] },
      ]
        .map((r) => JSON.stringify(r))
        .join(",")}], "publisher": {"name": "Late Publisher"}, "version": "1.1"}`,
    );
    const { lines } = await importing(file);
    expect(lines.slice(1, 5)).toEqual(counts(2, 0, 0, 1));
    expect(lines.at(-1)).toMatch(new RegExp(`^  ${file}:1 releases\\[1\\]: the database refused it \\(`));
    const stored = await t.deps.db
      .selectFrom("ocds_external_releases as r")
      .innerJoin("ocds_publishers as p", "p.id", "r.publisher_id")
      .select(["r.ocid", "p.name"])
      .where("r.ocid", "like", "ocds-late-%")
      .orderBy("r.ocid")
      .execute();
    expect(stored).toEqual([
      { ocid: "ocds-late-1", name: "Late Publisher" },
      { ocid: "ocds-late-3", name: "Late Publisher" },
    ]);
  });
});

describe("the read API", () => {
  it("lists the publishers with their processes and releases, marked as imported", async () => {
    const response = await call(t.app, "GET", "/data/ocds/external/publishers");
    expect(response.statusCode).toBe(200);
    const body = response.json() as {
      publishers: {
        id: string;
        name: string;
        processes: object;
        releases: object;
        links: { releases: string };
      }[];
    };
    const colombia = body.publishers.find((p) => p.name === "Colombia Compra");
    expect(colombia).toMatchObject({
      uri: "https://www.colombiacompra.gov.co/",
      processes: { count: 21, atLeast: false },
      releases: { count: 21, atLeast: false },
    });
    expect(colombia?.links.releases).toMatch(/\/data\/ocds\/external\/releases\?publisher=/);
    expect(body.publishers.map((p) => p.name)).toEqual([...body.publishers.map((p) => p.name)].sort());
  });

  it("pages a publisher's releases newest first, each with its problems and its source", async () => {
    const montreal = await publisherNamed("Ville de Montréal");
    const seen: string[] = [];
    let url: string | undefined = `/data/ocds/external/releases?publisher=${montreal.id}&pageSize=7`;
    let dates: string[] = [];
    while (url) {
      const response = await call(t.app, "GET", url.replace(/^https?:\/\/[^/]+/, ""));
      expect(response.statusCode).toBe(200);
      const body = response.json() as {
        source: { imported: boolean; publisher: { name: string }; note: string };
        releases: { id: string; date: string; problems: unknown[]; release: { tag: string[] } }[];
        links?: { next: string };
      };
      expect(body.source).toMatchObject({ imported: true, publisher: { name: "Ville de Montréal" } });
      expect(body.source.note).toContain("not by OpenPS");
      seen.push(...body.releases.map((r) => r.id));
      dates = [...dates, ...body.releases.map((r) => r.date)];
      expect(body.releases.every((r) => Array.isArray(r.problems) && Array.isArray(r.release.tag))).toBe(
        true,
      );
      url = body.links?.next;
    }
    expect(seen).toHaveLength(20);
    expect(new Set(seen).size).toBe(20);
    expect(dates).toEqual([...dates].sort().reverse());
    const missing = await call(t.app, "GET", "/data/ocds/external/releases");
    expect(missing.statusCode).toBe(400);
    const unknown = await call(
      t.app,
      "GET",
      "/data/ocds/external/releases?publisher=019a0000-0000-7000-8000-0000000fffff",
    );
    expect(unknown.statusCode).toBe(404);
  });

  it("makes a process's record by the standard's merge, leaving out a compiled release beside its releases", async () => {
    const publisher = await publisherNamed("Open Data Services Co-operative Limited");
    const response = await call(
      t.app,
      "GET",
      `/data/ocds/external/records/ocds-213czf-000-00001?publisher=${publisher.id}`,
    );
    expect(response.statusCode).toBe(200);
    const body = response.json() as {
      publisher: { name: string };
      source: { imported: boolean };
      records: { releases: unknown[]; compiledRelease: unknown; versionedRelease: unknown }[];
      problems: { release: string }[];
    };
    expect(body.publisher.name).toBe("Open Data Services Co-operative Limited");
    expect(body.source.imported).toBe(true);
    const expected = JSON.parse(
      fs.readFileSync(path.join(FICTIONAL, "record/ocds-213czf-000-00001.json"), "utf8"),
    ).records[0].compiledRelease;
    // The standard's merge gives the published record, but for the officials' contact details withheld.
    withholdContacts(expected);
    expect(body.records[0]?.compiledRelease).toStrictEqual(expected);
    expect(body.records[0]?.releases).toHaveLength(7);
    expect(body.problems).toHaveLength(7);
    const unknown = await call(
      t.app,
      "GET",
      `/data/ocds/external/records/ocds-none?publisher=${publisher.id}`,
    );
    expect(unknown.statusCode).toBe(404);
  });
});

describe("a large file", () => {
  // 20,000 releases of 1.4 kB: a 28 MB file. Holding its text would keep 28 MB, its releases parsed
  // 61 MB; streaming keeps a batch (a few MB), so the bound is 20 MB, under the file's size. Fewer, larger releases than a real file has: storing each costs
  // the database about the same whatever its size, and the test is kept to seconds.
  it("imports a 28 MB file in flat memory", async () => {
    const file = path.join(dir, "large.json");
    const out = fs.openSync(file, "w");
    fs.writeSync(
      out,
      '{"version":"1.1","publisher":{"name":"Large Publisher","uri":"https://large.example.org"},"releases":[\n',
    );
    const padding = "x".repeat(1300);
    for (let i = 0; i < 20_000; i++)
      fs.writeSync(
        out,
        `${i === 0 ? "" : ",\n"}${JSON.stringify({
          ocid: `ocds-large-${i}`,
          id: "1",
          date: "2024-01-01T00:00:00Z",
          tag: ["planning"],
          initiationType: "tender",
          parties: [],
          planning: { rationale: padding },
        })}`,
      );
    fs.writeSync(out, "\n]}\n");
    fs.closeSync(out);
    const bytes = fs.statSync(file).size;
    // What the import keeps, not the garbage it leaves for later: the heap sampled after a collection.
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as () => void;
    const retained = () => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    const before = retained();
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, retained());
    }, 1000);
    const started = Date.now();
    try {
      const { lines } = await importing(file);
      expect(lines.slice(1, 5)).toEqual(counts(20_000, 0, 0, 0));
    } finally {
      clearInterval(sampler);
    }
    const growth = peak - before;
    console.info(
      `large import: ${(bytes / 1e6).toFixed(0)} MB in ${Date.now() - started} ms, heap grew ${(growth / 1e6).toFixed(0)} MB at most`,
    );
    expect(bytes).toBeGreaterThan(25_000_000);
    expect(growth).toBeLessThan(20 * 1024 * 1024);
  }, 120_000);
});
