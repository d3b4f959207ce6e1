/**
 * The authorisation matrix, the JSON API: every route × every role × own or another tenant, each
 * answered with exactly the status its rule names (rules.ts). A route added without a line in the
 * rules fails the first test: later issues extend the table. The pages are in `pages.test.ts`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkRuleSet, type Matrix, RULE_SETS, RULES, startMatrix } from "./matrix.ts";

let matrix: Matrix;

beforeAll(async () => {
  matrix = await startMatrix();
});

afterAll(async () => {
  await matrix?.close();
});

describe("the authorisation matrix", () => {
  it("has a rule for every route", () => {
    const keys = matrix.t.app.routeList.map((r) => `${r.method} ${r.url}`);
    const missing = keys.filter((k) => !(k in RULES));
    const stale = Object.keys(RULES).filter((k) => !keys.includes(k));
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
  });

  it.each(Object.keys(RULE_SETS))("answers the API of %s as the rules say", async (name) => {
    await checkRuleSet(matrix, RULE_SETS[name] as (typeof RULE_SETS)[string], "api");
  });
});
