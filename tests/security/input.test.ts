/**
 * Input, findings 12 and 14 of the security review.
 *
 * 12: NUL characters and lone surrogates gave 500 (`?q=%00` on the directory and contracts; titles
 * and names with `\u0000` or `\ud800`), because PostgreSQL cannot store them. Now they are refused
 * where they arrive, on every route, with 400 naming the field, and nothing is stored.
 *
 * 14 (its validation half): `"24"` and numeric prices were coerced, unknown properties dropped
 * silently, and a 9999-12-31 deadline accepted. Now a JSON body is validated strictly — no
 * coercion, no property its schema does not name — and deadlines are in this century. (The order of
 * checks — 401, then 404, then 403, then 409 — is its other half: order-*.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closedObjects } from "../../src/http/schema-compilers.ts";
import { isUnstorable, unstorableField } from "../../src/http/text-input.ts";
import { parseInstant } from "../../src/modules/tenders/setup.service.ts";
import { call } from "../support/api.ts";
import { createTestApp, type TestApp } from "../support/app.ts";
import { createUser, postForm, sessionFor, type TestSession } from "../support/auth.ts";
import { rowCount } from "../support/test-db.ts";

let t: TestApp;
let session: TestSession;

beforeAll(async () => {
  t = await createTestApp();
  session = await sessionFor(t.app, (await createUser(t.deps.db)).id);
});

afterAll(async () => {
  await t?.close();
});

const organisationCount = () => rowCount(t.deps.db, "organisations");

describe("text the database cannot store", () => {
  it("is told apart from text it can: NUL and lone surrogates, not pairs or other controls", () => {
    expect(isUnstorable("a\u0000b")).toBe(true);
    expect(isUnstorable("\ud800")).toBe(true);
    expect(isUnstorable("x\udc00")).toBe(true);
    expect(isUnstorable("\ud83d\ude00 and \u00e9 and tab\t")).toBe(false);
    expect(unstorableField({ a: [{ b: "ok" }, { c: "\u0000" }] }, "")).toBe("a[1].c");
    expect(unstorableField({ name: { value: "\ud800" } }, "")).toBe("name");
  });

  it("in a search of the directory or the contracts is refused with 400, not 500", async () => {
    for (const url of ["/organisations?q=%00", "/contracts?q=%00", "/api/v1/organisations?q=%00"]) {
      const response = await t.app.inject({ url });
      expect(response.statusCode, url).toBe(400);
    }
  });

  it("in a JSON body is refused with 400 naming the field, storing nothing", async () => {
    const before = await organisationCount();
    for (const name of ["Care\u0000Trust", "Care \ud800 Trust"]) {
      const response = await call(t.app, "POST", "/api/v1/organisations", session, {
        name,
        sector: "charity",
        sizeBand: "small",
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.details).toEqual([
        { field: "name", message: expect.stringMatching(/^Remove/) },
      ]);
    }
    expect(await organisationCount()).toBe(before);
  });

  it("in a form is refused with 400 and an error page, storing nothing", async () => {
    const before = await organisationCount();
    const response = await postForm(t.app, session, "/organisations/new", {
      name: "Care\u0000Trust",
      sector: "charity",
      sizeBand: "small",
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers["content-type"]).toMatch(/text\/html/);
    expect(await organisationCount()).toBe(before);
  });
});

const organisation = { name: "Strict Care Trust", sector: "charity", sizeBand: "small" };
const register = (body: unknown) => call(t.app, "POST", "/api/v1/organisations", session, body);

describe("JSON bodies", () => {
  it("are not coerced: a number sent as text is refused, naming the field", async () => {
    const response = await register({ ...organisation, staffHeadcount: "24" });
    expect(response.statusCode).toBe(400);
    expect(JSON.stringify(response.json().error.details)).toContain("staffHeadcount");
    expect((await register({ ...organisation, staffHeadcount: 24 })).statusCode).toBe(201);
  });

  it("with a property their schema does not name are refused, not silently cut short", async () => {
    const response = await register({ ...organisation, name: "Another Trust", isVerified: true });
    expect(response.statusCode).toBe(400);
    expect(JSON.stringify(response.json().error.details)).toContain("isVerified");
  });

  it("close every object that lists its properties, unless it says what else it takes", () => {
    expect(
      closedObjects({
        type: "object",
        properties: { a: { type: "object", properties: { b: { type: "string" } } } },
        required: ["a"],
      }),
    ).toEqual({
      type: "object",
      properties: {
        a: { type: "object", properties: { b: { type: "string" } }, additionalProperties: false },
      },
      required: ["a"],
      additionalProperties: false,
    });
    expect(closedObjects({ type: "object", properties: {}, additionalProperties: true })).toEqual({
      type: "object",
      properties: {},
      additionalProperties: true,
    });
  });
});

describe("deadlines", () => {
  it("are in this century", () => {
    expect(parseInstant("9999-12-31T23:59:59Z")).toBeNull();
    expect(parseInstant("1970-01-01T00:00:00Z")).toBeNull();
    expect(parseInstant("2027-01-15T12:00:00Z")).toEqual(new Date("2027-01-15T12:00:00Z"));
  });
});
