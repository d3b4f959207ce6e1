/**
 * The OpenAPI document lints clean under the recommended rules of Redocly's linter: every
 * operation with an operationId (what client generators name the call), tags, a 4xx answer and
 * security stated, no ambiguous paths, every schema well formed.
 */
import { createConfig, lintFromString } from "@redocly/openapi-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app.ts";

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});

afterAll(async () => {
  await t.close();
});

describe("the OpenAPI document", () => {
  it("lints clean under Redocly's recommended rules", async () => {
    await t.app.ready();
    const config = await createConfig({ extends: ["recommended"] });
    const problems = await lintFromString({ source: JSON.stringify(t.app.swagger()), config });
    const found = problems.map(
      (p) => `${p.severity} ${p.ruleId}: ${p.message} (${p.location[0]?.pointer ?? ""})`,
    );
    expect(found).toEqual([]);
  });
});
