/**
 * Every JSON route under /api/v1 declares what it takes and what it answers, read from the routes
 * as registered (so a route missing from the OpenAPI document is caught too): its path parameters
 * when the path has any, a body when it writes (POST, PUT, PATCH) unless its definition says it takes
 * none (`body: "none"`, an action such as publish), and a response for its success.
 * Fastify validates input and serialises output from these schemas, and the OpenAPI document and
 * the API reference are generated from them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app.ts";

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});

afterAll(async () => {
  await t?.close();
});

const WRITES = new Set(["POST", "PUT", "PATCH"]);

/** The names of a schema's properties (a TypeBox or JSON Schema object). */
function propertiesOf(schema: unknown): string[] {
  const properties = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return properties ? Object.keys(properties) : [];
}

/** What a route leaves undeclared: nothing when its schemas are complete. */
function missingFrom(route: (typeof t.app.routeList)[number]): string[] {
  const schema = route.schema ?? {};
  const missing: string[] = [];
  const names = [...route.url.matchAll(/:(\w+)/g)].map((match) => match[1] as string);
  if (names.length > 0) {
    const declared = propertiesOf(schema.params);
    const undeclared = names.filter((name) => !declared.includes(name));
    if (!schema.params) missing.push("params");
    else if (undeclared.length > 0) missing.push(`params ${undeclared.join(", ")}`);
  }
  if (WRITES.has(route.method) && !schema.body && !route.takesNoBody) missing.push("body");
  const statuses = Object.keys((schema.response as Record<string, unknown> | undefined) ?? {});
  if (!statuses.some((status) => /^2\d\d$/.test(status))) missing.push("success response");
  return missing;
}

describe("the API's schemas", () => {
  it("are declared by every /api/v1 route: params, a body for writes, a success response", () => {
    const routes = t.app.routeList.filter((route) => route.url.startsWith("/api/v1/"));
    expect(routes.length).toBeGreaterThan(50);
    const incomplete = routes
      .map((route) => ({ route: `${route.method} ${route.url}`, missing: missingFrom(route) }))
      .filter((entry) => entry.missing.length > 0)
      .map((entry) => `${entry.route}: no ${entry.missing.join(", no ")}`);
    expect(incomplete).toEqual([]);
  });

  it("fails a route that leaves something out", () => {
    expect(
      missingFrom({
        method: "POST",
        url: "/api/v1/things/:thingId",
        schema: undefined,
        rules: undefined,
        takesNoBody: false,
      }),
    ).toEqual(["params", "body", "success response"]);
    expect(
      missingFrom({
        method: "PATCH",
        url: "/api/v1/things/:thingId/parts/:partId",
        rules: undefined,
        takesNoBody: false,
        schema: {
          params: { type: "object", properties: { thingId: { type: "string" } } },
          body: { type: "object" },
          response: { 400: {}, 404: {} },
        },
      }),
    ).toEqual(["params partId", "success response"]);
    expect(
      missingFrom({
        method: "GET",
        url: "/api/v1/things",
        rules: undefined,
        takesNoBody: false,
        schema: { response: { 200: { type: "array" } } },
      }),
    ).toEqual([]);
    expect(
      missingFrom({
        method: "POST",
        url: "/api/v1/things/publish",
        rules: undefined,
        takesNoBody: true,
        schema: { response: { 200: { type: "object" } } },
      }),
    ).toEqual([]);
  });
});
