import { describe, expect, it } from "vitest";
import { checkIdentifier, IDENTIFIER_SCHEMES, registerUrlOf, splitOrgId } from "./identifiers.ts";

/** [scheme, as typed, stored identifier] for identifiers each scheme accepts. */
const GOOD: [string, string, string][] = [
  ["GB-COH", "01234567", "01234567"],
  ["GB-COH", "sc123456", "SC123456"],
  ["GB-COH", "NI 012345", "NI012345"],
  ["GB-COH", "OC301234", "OC301234"],
  ["GB-COH", "1234567", "01234567"],
  ["GB-CHC", "1098765", "1098765"],
  ["GB-CHC", "219830", "219830"],
  ["GB-CHC", "1098765-1", "1098765-1"],
  ["GB-SC", "SC012345", "SC012345"],
  ["GB-SC", " sc012345 ", "SC012345"],
  ["GB-NIC", "100002", "100002"],
  ["GB-NIC", "NIC100002", "100002"],
  ["GB-MPR", "31234R", "31234R"],
  ["GB-MPR", "2345RS", "2345RS"],
  ["GB-MPR", "123c", "123C"],
  ["GB-LAE", "KEN", "KEN"],
  ["GB-LAE", "wot", "WOT"],
  ["GB-PLA", "CGN", "CGN"],
  ["GB-LAS", "FIF", "FIF"],
  ["GB-LANI", "BFS", "BFS"],
  ["GB-GOR", "PB1204", "PB1204"],
  ["GB-GOR", "D9", "D9"],
  ["GB-NHS", "RX1", "RX1"],
  ["GB-NHS", "8HA03", "8HA03"],
  ["GB-UKPRN", "10012345", "10012345"],
  ["GB-EDU", "108305", "108305"],
];

/** [scheme, identifier, a word the message must contain] for identifiers each scheme refuses. */
const BAD: [string, string, string][] = [
  ["GB-COH", "012345678", "8 digits"],
  ["GB-COH", "S1234567", "8 digits"],
  ["GB-COH", "ABC12345", "2 letters and 6 digits"],
  ["GB-CHC", "12345", "6 or 7 digits"],
  ["GB-CHC", "12345678", "6 or 7 digits"],
  ["GB-CHC", "1098765-", "linked charity"],
  ["GB-SC", "012345", "SC and 6 digits"],
  ["GB-SC", "SC12345", "SC and 6 digits"],
  ["GB-NIC", "NIC10002", "6 digits"],
  ["GB-MPR", "R31234", "digits then"],
  ["GB-MPR", "31234", "digits then"],
  ["GB-LAE", "KE", "3 or 4 letters"],
  ["GB-LAE", "K3N", "3 or 4 letters"],
  ["GB-PLA", "CARDIFF", "3 or 4 letters"],
  ["GB-GOR", "1204", "1 to 3 letters"],
  ["GB-NHS", "R-X1", "3 to 6 letters and digits"],
  ["GB-UKPRN", "20012345", "beginning with 1"],
  ["GB-UKPRN", "1001234", "8 digits"],
  ["GB-EDU", "10830", "6 digits"],
];

describe("identifier schemes", () => {
  it.each(GOOD)("%s accepts %j as %s", (scheme, raw, stored) => {
    expect(checkIdentifier(scheme, raw)).toEqual({
      ok: true,
      scheme,
      identifier: stored,
      orgId: `${scheme}-${stored}`,
    });
  });

  it.each(BAD)("%s refuses %j, naming the format (%s)", (scheme, raw, word) => {
    const check = checkIdentifier(scheme, raw);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.message).toContain(scheme);
    expect(check.message).toContain(word);
  });

  it("has a good and a bad example for every scheme, and its own example passes", () => {
    for (const scheme of IDENTIFIER_SCHEMES) {
      expect(
        GOOD.some(([code]) => code === scheme.code),
        scheme.code,
      ).toBe(true);
      expect(BAD.some(([code]) => code === scheme.code) || ["GB-LAS", "GB-LANI"].includes(scheme.code)).toBe(
        true,
      );
      expect(checkIdentifier(scheme.code, scheme.example).ok, scheme.code).toBe(true);
    }
  });

  it("refuses an unknown scheme, listing the known ones", () => {
    const check = checkIdentifier("GB-XYZ", "123");
    expect(check).toEqual({ ok: false, message: expect.stringContaining("GB-COH, GB-CHC, GB-SC") });
  });

  it("asks for the identifier when it is blank", () => {
    expect(checkIdentifier("GB-CHC", "  ")).toEqual({
      ok: false,
      message: "Enter the Charity Commission for England and Wales identifier",
    });
  });

  it("splits org-id form on the longest known scheme", () => {
    expect(splitOrgId("GB-COH-01234567")).toEqual({ scheme: "GB-COH", identifier: "01234567" });
    expect(splitOrgId("gb-lani-bfs")).toEqual({ scheme: "GB-LANI", identifier: "BFS" });
    expect(splitOrgId("GB-CHC-1098765-1")).toEqual({ scheme: "GB-CHC", identifier: "1098765-1" });
    expect(splitOrgId("XI-ABC-1")).toBeUndefined();
  });

  it("links to the public register where there is one", () => {
    expect(registerUrlOf("GB-COH", "01234567")).toBe(
      "https://find-and-update.company-information.service.gov.uk/company/01234567",
    );
    expect(registerUrlOf("GB-CHC", "1098765-1")).toMatch(/charity-details\/1098765$/);
    expect(registerUrlOf("GB-LAE", "KEN")).toBeUndefined();
  });
});
