import { Type } from "typebox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../tests/support/app.ts";
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  NotSignedInError,
  UnprocessableError,
  ValidationError,
} from "../lib/errors.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  const thrower = (error: Error) => async () => {
    throw error;
  };
  t.app.get(
    "/api/v1/test/validation",
    thrower(
      new ValidationError("Enter an amount", [{ field: "amount", message: "Enter an amount in pounds" }]),
    ),
  );
  t.app.get("/api/v1/test/signed-out", thrower(new NotSignedInError()));
  t.app.get("/api/v1/test/forbidden", thrower(new ForbiddenError()));
  t.app.get("/api/v1/test/missing", thrower(new NotFoundError("tender")));
  t.app.get(
    "/api/v1/test/conflict",
    thrower(new ConflictError("The deadline has passed", "deadline_passed")),
  );
  t.app.get("/api/v1/test/unprocessable", thrower(new UnprocessableError("Weights must add up to 100%")));
  t.app.get("/api/v1/test/crash", thrower(new Error("secret connection string postgres://admin:hunter2@db")));
  t.app.get("/test/crash", thrower(new Error("secret stack detail")));
  t.app.get("/test/signed-out", thrower(new NotSignedInError()));
  t.app.get("/test/forbidden", thrower(new ForbiddenError()));
  t.app.post(
    "/api/v1/test/schema",
    { schema: { body: Type.Object({ name: Type.String({ minLength: 1 }), amount: Type.Integer() }) } },
    async () => ({ ok: true }),
  );
});
afterAll(async () => {
  await t.close();
});

describe("errors, mapped in one place", () => {
  it.each([
    ["validation", 400, "validation_failed"],
    ["signed-out", 401, "not_signed_in"],
    ["forbidden", 403, "forbidden"],
    ["missing", 404, "not_found"],
    ["conflict", 409, "deadline_passed"],
    ["unprocessable", 422, "unprocessable"],
  ])("maps %s to %i with a code and a message saying what to do", async (path, status, code) => {
    const response = await t.app.inject({ url: `/api/v1/test/${path}` });
    expect(response.statusCode).toBe(status);
    const body = response.json();
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(10);
    expect(body.error.requestId).toBe(response.headers["x-request-id"]);
  });

  it("lists the fields of a validation error", async () => {
    const body = (await t.app.inject({ url: "/api/v1/test/validation" })).json();
    expect(body.error.details).toEqual([{ field: "amount", message: "Enter an amount in pounds" }]);
  });

  it("answers input that fails its schema with 400 and the fields at fault", async () => {
    const response = await t.app.inject({
      method: "POST",
      url: "/api/v1/test/schema",
      payload: { name: "" },
    });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.details.map((d: { field?: string }) => d.field).sort()).toEqual(["amount", "name"]);
  });

  it("hides internals of a 500 behind a reference, for JSON and pages alike", async () => {
    const json = await t.app.inject({ url: "/api/v1/test/crash" });
    expect(json.statusCode).toBe(500);
    expect(json.body).not.toContain("hunter2");
    expect(json.json().error.message).toContain(json.headers["x-request-id"]);
    const page = await t.app.inject({ url: "/test/crash" });
    expect(page.statusCode).toBe(500);
    expect(page.headers["content-type"]).toContain("text/html");
    expect(page.body).not.toContain("secret stack detail");
    expect(page.body).toContain(String(page.headers["x-request-id"]));
  });

  it("sends pages that need a signed-in user to sign in with 303", async () => {
    const response = await t.app.inject({ url: "/test/signed-out" });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe("/sign-in?returnTo=%2Ftest%2Fsigned-out");
  });

  it("renders 404 and 403 pages as HTML", async () => {
    const missing = await t.app.inject({ url: "/no-such-page" });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers["content-type"]).toContain("text/html");
    const forbidden = await t.app.inject({ url: "/test/forbidden" });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.headers["content-type"]).toContain("text/html");
  });

  it("answers unknown API paths with JSON", async () => {
    const response = await t.app.inject({ url: "/api/v1/no-such-thing" });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe("not_found");
  });

  it("keeps a well-formed incoming request id and makes one otherwise", async () => {
    const kept = await t.app.inject({ url: "/healthz", headers: { "x-request-id": "abc-123-def-456" } });
    expect(kept.headers["x-request-id"]).toBe("abc-123-def-456");
    const made = await t.app.inject({ url: "/healthz", headers: { "x-request-id": "<script>" } });
    expect(made.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });
});
