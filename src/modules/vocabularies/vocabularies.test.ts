import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/test-db.ts";
import { settableClock } from "../../lib/clock.ts";
import { ValidationError } from "../../lib/errors.ts";
import { DEMO_AREAS_CSV } from "../../seed/demo/areas.ts";
import { auditTrailFor, PLATFORM_CHAIN, SYSTEM } from "../audit/audit.service.ts";
import { areaProblems, csvRecords, parseAreasCsv } from "./areas-csv.ts";
import { SERVICE_CATEGORIES } from "./service-categories.ts";
import {
  listAreas,
  listServiceCategories,
  loadAreas,
  loadServiceCategories,
} from "./vocabularies.service.ts";

const clock = settableClock(new Date("2026-11-22T10:00:00Z"));

describe("the areas CSV", () => {
  it("reads quoted fields, CRLF line ends, comments and blank lines, keeping line numbers", () => {
    const records = csvRecords(
      '# a comment\r\ncode,name,type,nation\r\n\r\n"E06000001","Hartlepool, the town",unitary,england\n',
    );
    expect(records).toEqual([
      { line: 2, fields: ["code", "name", "type", "nation"] },
      { line: 4, fields: ["E06000001", "Hartlepool, the town", "unitary", "england"] },
    ]);
    expect(csvRecords('code\n"Say ""hi""\nthere",x\nlast')).toEqual([
      { line: 1, fields: ["code"] },
      { line: 2, fields: ['Say "hi"\nthere', "x"] },
      { line: 4, fields: ["last"] },
    ]);
  });

  it("accepts GSS codes of the kinds it knows, with the type and nation their code says", () => {
    expect(areaProblems("E06000001", "Hartlepool", "unitary", "england")).toEqual([]);
    expect(areaProblems("E07000008", "Cambridge", "district", "england")).toEqual([]);
    expect(areaProblems("E10000016", "Kent", "county", "england")).toEqual([]);
    expect(areaProblems("W06000008", "Ceredigion", "unitary", "wales")).toEqual([]);
    expect(areaProblems("S12000047", "Fife", "unitary", "scotland")).toEqual([]);
    expect(areaProblems("N09000003", "Belfast", "district", "northern-ireland")).toEqual([]);
  });

  it("names what is wrong with an area", () => {
    expect(areaProblems("E6000001", "X", "unitary", "england")[0]).toMatch(/not a GSS code/);
    expect(areaProblems("E99000001", "X", "unitary", "england")[0]).toMatch(
      /kind OpenPS does not list \(E99\)/,
    );
    expect(areaProblems("E10000016", "Kent", "district", "england")).toEqual([
      "a E10 code is a county of England, so its type is county, not district",
    ]);
    expect(areaProblems("W06000008", "Ceredigion", "unitary", "england")).toEqual([
      "a W06 code is in wales, not england",
    ]);
    expect(areaProblems("S12000047", "", "town", "alba")).toEqual([
      "the name is missing",
      expect.stringContaining('the type "town" is not one of'),
      expect.stringContaining('the nation "alba" is not one of'),
    ]);
  });

  it("reports every bad line with its number, and loads none of them", () => {
    const csv = [
      "code,name,type,nation",
      "E06000001,Hartlepool,unitary,england",
      "E6000001,Nowhere,unitary,england",
      "W06000008,Ceredigion,unitary,wales",
      "W06000008,Ceredigion again,unitary,wales",
      "S12000047,Fife,unitary",
    ].join("\n");
    const { areas, problems } = parseAreasCsv(csv);
    expect(areas.map((a) => a.code)).toEqual(["E06000001", "W06000008"]);
    expect(problems.map((p) => p.line)).toEqual([3, 5, 6]);
    expect(problems[1]?.message).toBe("the code W06000008 is already on line 4");
    expect(problems[2]?.message).toBe("expected 4 fields (code,name,type,nation), found 3");
  });

  it("needs the header, and some areas", () => {
    expect(parseAreasCsv("").problems).toEqual([
      { line: 1, message: expect.stringContaining("the file is empty") },
    ]);
    expect(parseAreasCsv("gss,name,type,nation\nE06000001,Hartlepool,unitary,england").problems).toEqual([
      { line: 1, message: "the header must be code,name,type,nation (it is gss,name,type,nation)" },
    ]);
    expect(parseAreasCsv("code,name,type,nation\n").problems).toEqual([
      { line: 1, message: "there are no areas after the header" },
    ]);
  });

  it("has a clean demo file, marked as demo data", () => {
    const csv = readFileSync(DEMO_AREAS_CSV, "utf8");
    expect(parseAreasCsv(csv).problems).toEqual([]);
    expect(csv).toMatch(/^# .*\n#\n# DEMO DATA\./m);
    expect(parseAreasCsv(csv).areas.map((a) => a.code)).toContain("E10000901");
  });
});

describe("loading areas", () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase();
  });
  afterEach(async () => {
    await t.destroy();
  });

  it("loads all, then updates names on a second load, audited on the platform chain", async () => {
    const first = await loadAreas(
      t.db,
      clock,
      SYSTEM("test"),
      "code,name,type,nation\nE06000001,Hartlepool,unitary,england\nW06000008,Ceredigion,unitary,wales\n",
    );
    expect(first).toEqual({ total: 2, added: 2, updated: 0 });
    const second = await loadAreas(
      t.db,
      clock,
      SYSTEM("test"),
      "code,name,type,nation\nW06000008,Sir Ceredigion,unitary,wales\nS12000047,Fife,unitary,scotland\n",
    );
    expect(second).toEqual({ total: 2, added: 1, updated: 1 });
    expect((await listAreas(t.db)).map((a) => [a.code, a.name])).toEqual([
      ["S12000047", "Fife"],
      ["E06000001", "Hartlepool"],
      ["W06000008", "Sir Ceredigion"],
    ]);
    const trail = await auditTrailFor(t.db, PLATFORM_CHAIN, "vocabulary", "areas");
    expect(trail.map((e) => e.action)).toEqual(["areas.loaded", "areas.loaded"]);
    expect(trail[1]?.changes).toMatchObject({ total: 2, added: 1, updated: 1 });
  });

  it("stores nothing when any line is bad, naming each bad line", async () => {
    const csv =
      "code,name,type,nation\nE06000001,Hartlepool,unitary,england\nX1,Bad,unitary,england\nE10000016,Kent,unitary,england\n";
    const error = await loadAreas(t.db, clock, SYSTEM("test"), csv).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toMatch(/2 problems.*Nothing was loaded/);
    expect((error as ValidationError).details.map((d) => d.field)).toEqual(["line 3", "line 4"]);
    expect(await listAreas(t.db)).toEqual([]);
    expect(await auditTrailFor(t.db, PLATFORM_CHAIN, "vocabulary", "areas")).toEqual([]);
  });
});

describe("service categories", () => {
  it("are about 25, each with a well-formed CPV code, reservable only if light touch", () => {
    expect(SERVICE_CATEGORIES.length).toBeGreaterThanOrEqual(25);
    const codes = new Set(SERVICE_CATEGORIES.map((c) => c.code));
    expect(codes.size).toBe(SERVICE_CATEGORIES.length);
    for (const c of SERVICE_CATEGORIES) {
      expect(c.cpvCode, c.code).toMatch(/^\d{8}-\d$/);
      if (c.reservable) expect(c.lightTouch, c.code).toBe(true);
    }
  });

  it("flags health and social work (85…) as light touch and reservable, waste and IT as neither", () => {
    const byCode = new Map(SERVICE_CATEGORIES.map((c) => [c.code, c]));
    for (const c of SERVICE_CATEGORIES.filter((c) => c.cpvCode.startsWith("85"))) {
      expect([c.code, c.lightTouch, c.reservable]).toEqual([c.code, true, true]);
    }
    expect(byCode.get("employment-support")).toMatchObject({
      cpvCode: "79611000-0",
      lightTouch: true,
      reservable: false,
    });
    expect(byCode.get("libraries")).toMatchObject({ cpvCode: "92511000-6", lightTouch: true });
    expect(byCode.get("waste-collection")).toMatchObject({ cpvCode: "90511000-2", lightTouch: false });
    expect(byCode.get("it-services")).toMatchObject({ lightTouch: false, reservable: false });
  });

  it("load into the database in their order, and load again without duplicates", async () => {
    const t = await createTestDatabase();
    try {
      await loadServiceCategories(t.db, clock, SYSTEM("test"));
      await loadServiceCategories(t.db, clock, SYSTEM("test"));
      const rows = await listServiceCategories(t.db);
      expect(rows.map((r) => r.code)).toEqual(SERVICE_CATEGORIES.map((c) => c.code));
      expect(rows[0]).toMatchObject({ code: "adult-social-care", cpv_code: "85310000-5", light_touch: true });
    } finally {
      await t.destroy();
    }
  });
});
