/**
 * The pieces of the import's upgrade that need no database: an organisation's id as ocdskit makes
 * it, what counts as OCDS 1.0, the dates a release may carry, and shapes coerced by the schema.
 */
import { describe, expect, it } from "vitest";
import { coerceRelease, isOcds10, parseOcdsDate, partyId } from "./upgrade.ts";

describe("partyId", () => {
  it("is ocdskit's: the MD5 of the name and the identifier's, address's and contact point's fields, by '-'", () => {
    // md5("Old County-GB-LAC-E1--"): an address or contact point that is absent adds nothing.
    expect(partyId({ name: "Old County", identifier: { scheme: "GB-LAC", id: "E1" } })).toBe(
      "db718a1490a94a3cc289578a5988a2ed",
    );
  });
});

describe("isOcds10", () => {
  it("takes the package's word, else a release without parties", () => {
    expect(isOcds10({ parties: [] }, "1.0.1")).toBe(true);
    expect(isOcds10({}, "1.1")).toBe(false);
    expect(isOcds10({}, undefined)).toBe(true);
    expect(isOcds10({ parties: [] }, undefined)).toBe(false);
  });
});

describe("parseOcdsDate", () => {
  it("reads RFC 3339 and what is near it, without a zone as UTC", () => {
    expect(parseOcdsDate("2016-06-30T09:49:59.000000Z")?.toISOString()).toBe("2016-06-30T09:49:59.000Z");
    expect(parseOcdsDate("2017-05-27T00:00:00-04:00")?.toISOString()).toBe("2017-05-27T04:00:00.000Z");
    expect(parseOcdsDate("2017-05-27 10:30+0530")?.toISOString()).toBe("2017-05-27T05:00:00.000Z");
    expect(parseOcdsDate("2014-10-20")?.toISOString()).toBe("2014-10-20T00:00:00.000Z");
    expect(parseOcdsDate("2017-06-30T06:32:13.512560")?.toISOString()).toBe("2017-06-30T06:32:13.512Z");
  });

  it("refuses what is not a date", () => {
    for (const value of ["2024-02-31", "20/10/2014", "", "yesterday", 20141020, null, undefined])
      expect(parseOcdsDate(value), String(value)).toBeUndefined();
  });
});

describe("coerceRelease", () => {
  it("makes a value where a list belongs a list of one, text where a number belongs a number, a number where text belongs text", () => {
    const release: Record<string, unknown> = {
      ocid: "ocds-1",
      id: 7,
      tag: "award",
      parties: { id: "p", name: "One", roles: "buyer" },
      awards: [{ id: "a", value: { amount: "12.5", currency: "GBP" }, title: "\u0000Title" }],
    };
    const notes = coerceRelease(release);
    expect(release).toEqual({
      ocid: "ocds-1",
      id: "7",
      tag: ["award"],
      parties: [{ id: "p", name: "One", roles: ["buyer"] }],
      awards: [{ id: "a", value: { amount: 12.5, currency: "GBP" }, title: "Title" }],
    });
    expect(notes.map((n) => n.path)).toEqual([
      "/id",
      "/tag",
      "/parties",
      "/parties/0/roles",
      "/awards/0/value/amount",
      "/awards/0/title",
    ]);
  });

  it("leaves alone what has no clear meaning", () => {
    const release: Record<string, unknown> = { ocid: "ocds-1", tag: { stage: "award" }, awards: "the lot" };
    expect(coerceRelease(release)).toEqual([]);
    expect(release).toEqual({ ocid: "ocds-1", tag: { stage: "award" }, awards: "the lot" });
  });
});
