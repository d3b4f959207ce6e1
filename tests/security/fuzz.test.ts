/**
 * Fuzzing every JSON route that takes a body (fast-check): bodies built from the route's own schema
 * — valid values, edge values and wrong ones (NUL, lone surrogates, huge and negative numbers,
 * far dates, deep nesting, properties the schema does not name) — sent by someone who holds a role
 * for the demo authority and organisation, to the demo data's records. Nothing may answer 500,
 * and afterwards every audit chain is intact (nothing half-written).
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RegisteredRoute } from "../../src/http/routes.ts";
import { settableClock } from "../../src/lib/clock.ts";
import { verifyAuditChains } from "../../src/modules/audit/audit.service.ts";
import { DEMO_AUTHORITY } from "../../src/seed/demo/authorities.ts";
import { DEMO_ORGANISATION } from "../../src/seed/demo/organisations.ts";
import { DEMO_PROJECT } from "../../src/seed/demo/projects.ts";
import { DEMO_TENDER } from "../../src/seed/demo/tenders.ts";
import { call, type Method } from "../support/api.ts";
import { createTestApp, type TestApp } from "../support/app.ts";
import { createUser, sessionFor, type TestSession } from "../support/auth.ts";
import { DEMO_SEEDED_AT } from "../support/test-db.ts";

let t: TestApp;
let session: TestSession;

beforeAll(async () => {
  t = await createTestApp({ clock: settableClock(DEMO_SEEDED_AT), seeded: true });
  const user = await createUser(t.deps.db, {
    grants: [
      { role: "commissioner", scopeId: DEMO_AUTHORITY.county },
      { role: "authority-admin", scopeId: DEMO_AUTHORITY.county },
      { role: "organisation-admin", scopeId: DEMO_ORGANISATION.carersTrust },
    ],
  });
  session = await sessionFor(t.app, user.id, { twoFactor: true });
});

afterAll(async () => {
  await t?.close();
});

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  format?: string;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  required?: string[];
};

const edgeStrings = fc.constantFrom(
  "",
  " ",
  "a\u0000b",
  "\ud800",
  "x".repeat(10_000),
  "<script>",
  "' or 1=1 --",
  "9999-12-31T23:59:59Z",
  "2027-01-15T12:00:00Z",
  DEMO_TENDER.open,
  "ü🙂",
);
const edgeNumbers = fc.constantFrom(0, -1, 1, 2 ** 31, 2 ** 53, -(2 ** 53), 1.5, 10_000, 10_001, 1e308);

/** Values for a schema: mostly of its type (its enum, its format), sometimes anything at all. */
function arbitraryFor(schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  const wrong = fc.oneof(fc.jsonValue({ maxDepth: 2 }), edgeStrings, edgeNumbers);
  if (depth > 4) return wrong;
  const own = ((): fc.Arbitrary<unknown> => {
    if (schema.const !== undefined) return fc.constant(schema.const);
    if (schema.enum) return fc.constantFrom(...schema.enum);
    if (schema.anyOf) return fc.oneof(...schema.anyOf.map((s) => arbitraryFor(s, depth + 1)));
    const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
    switch (type) {
      case "string":
        return schema.format === "date-time"
          ? fc.oneof(
              fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
              edgeStrings,
            )
          : fc.oneof(fc.string({ maxLength: Math.min(schema.maxLength ?? 50, 200) }), edgeStrings);
      case "integer":
        return fc.oneof(
          fc.integer({ min: schema.minimum ?? -1000, max: Math.min(schema.maximum ?? 1e9, 1e9) }),
          edgeNumbers,
        );
      case "number":
        return fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), edgeNumbers);
      case "boolean":
        return fc.boolean();
      case "null":
        return fc.constant(null);
      case "array":
        return fc.array(arbitraryFor(schema.items ?? {}, depth + 1), { maxLength: 4 });
      case "object": {
        const properties = Object.entries(schema.properties ?? {});
        return fc.record(
          Object.fromEntries(properties.map(([name, sub]) => [name, arbitraryFor(sub, depth + 1)])),
          { requiredKeys: (schema.required ?? []).filter((name) => name in (schema.properties ?? {})) },
        );
      }
      default:
        return wrong;
    }
  })();
  return fc.oneof({ weight: 12, arbitrary: own }, { weight: 1, arbitrary: wrong });
}

const IDS: Record<string, string> = {
  authorityId: DEMO_AUTHORITY.county,
  tenderId: DEMO_TENDER.open,
  projectId: DEMO_PROJECT.countyHomeCare,
  id: DEMO_ORGANISATION.carersTrust,
  organisationId: DEMO_ORGANISATION.carersTrust,
};
const urlOf = (route: RegisteredRoute) =>
  route.url.replace(/:(\w+)/g, (_, name: string) => IDS[name] ?? "019a0000-0000-7000-8000-0000000000aa");

describe("every JSON route with a body, fuzzed", () => {
  it("answers without a 500, and leaves every audit chain intact", async () => {
    const routes = t.app.routeList.filter(
      (r) => r.url.startsWith("/api/v1/") && r.schema?.body && r.method !== "GET",
    );
    expect(routes.length).toBeGreaterThan(20);
    const failures: string[] = [];
    for (const route of routes) {
      await fc
        .assert(
          fc.asyncProperty(arbitraryFor(route.schema?.body as Schema), async (body) => {
            const response = await call(t.app, route.method as Method, urlOf(route), session, body);
            if (response.statusCode >= 500)
              failures.push(
                `${route.method} ${route.url} ${JSON.stringify(body).slice(0, 300)}: ${response.body.slice(0, 200)}`,
              );
            return response.statusCode < 500;
          }),
          { numRuns: 12, seed: 20261205, endOnFailure: true },
        )
        .catch(() => undefined);
    }
    expect(failures).toEqual([]);
    const chains = await verifyAuditChains(t.deps.db);
    expect(chains.filter((c) => !c.ok)).toEqual([]);
  });
});
