/**
 * The authorisation matrix, the pages: every route × every role × own or another tenant, each
 * answered with exactly the status its rule names (rules.ts): the API's half is in `matrix.test.ts`,
 * which also fails on a route without a rule.
 */
import { afterAll, beforeAll, describe, it } from "vitest";
import { checkRuleSet, type Matrix, RULE_SETS, startMatrix } from "./matrix.ts";

let matrix: Matrix;

beforeAll(async () => {
  matrix = await startMatrix();
});

afterAll(async () => {
  await matrix?.close();
});

describe("the authorisation matrix", () => {
  it.each(Object.keys(RULE_SETS))("answers the pages of %s as the rules say", async (name) => {
    await checkRuleSet(matrix, RULE_SETS[name] as (typeof RULE_SETS)[string], "pages");
  });
});
