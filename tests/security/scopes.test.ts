/**
 * Finding 1 of the security review: API token scopes were checked only in accounts, organisations
 * and saved searches, so a token with only `account:read` withdrew a sealed bid, created a tender
 * and amended a deadline. Now every signed-in API route names its scope, and a token is held to it
 * for every route in one place (deny by default): these tests read the route list, so a route added
 * later is covered without being named here.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_SCOPES, type ApiScope } from "../../src/http/api-scopes.ts";
import type { RegisteredRoute } from "../../src/http/routes.ts";
import { createApiToken } from "../../src/modules/accounts/api-tokens.service.ts";
import { call, type Method } from "../support/api.ts";
import { createTestApp, type TestApp } from "../support/app.ts";
import { createUser } from "../support/auth.ts";
import { ctxFor, principalOf } from "../support/principals.ts";

let t: TestApp;
let tokenOf: (scopes: ApiScope[]) => Promise<string>;

beforeAll(async () => {
  t = await createTestApp();
  const user = await createUser(t.deps.db, { displayName: "Token Holder" });
  const principal = await principalOf(t.deps.db, user.id, { twoFactor: false });
  tokenOf = async (scopes) =>
    (
      await createApiToken(
        {
          ...ctxFor(t.deps.db, t.deps.clock, principal),
          secrets: t.app.accountSecrets,
          origin: { address: "127.0.0.1" },
        },
        { name: scopes.join(" ").slice(0, 90) || "none", scopes, expiresInDays: 30 },
      )
    ).token;
});

afterAll(async () => {
  await t?.close();
});

const UNKNOWN = "019a0000-0000-7000-8000-0000000000aa";
const apiRoutes = () => t.app.routeList.filter((r) => r.url.startsWith("/api/v1/"));
const urlOf = (route: RegisteredRoute) => route.url.replace(/:(\w+)/g, UNKNOWN);
const send = (route: RegisteredRoute, token: string) =>
  call(
    t.app,
    route.method as Method,
    urlOf(route),
    { token },
    route.method === "GET" || route.method === "DELETE" || route.takesNoBody ? undefined : {},
  );

describe("API token scopes", () => {
  it("are named by every API route that needs someone signed in, from the one list", () => {
    const unnamed = apiRoutes()
      .filter((r) => r.rules?.who.signedIn && !r.rules.scope)
      .map((r) => `${r.method} ${r.url}`);
    expect(unnamed).toEqual([]);
    const unknown = apiRoutes()
      .filter((r) => r.rules?.scope && !(API_SCOPES as readonly string[]).includes(r.rules.scope))
      .map((r) => `${r.method} ${r.url}: ${r.rules?.scope}`);
    expect(unknown).toEqual([]);
  });

  it("refuse a token on every route whose scope it lacks, before anything else is looked at", async () => {
    const token = await tokenOf(["account:read"]);
    const wrong: string[] = [];
    for (const route of apiRoutes()) {
      if (!route.rules?.scope || route.rules.scope === "account:read") continue;
      const response = await send(route, token);
      const code = response.json()?.error?.code;
      if (response.statusCode !== 403 || code !== "insufficient_scope")
        wrong.push(`${route.method} ${route.url}: ${response.statusCode} ${code}`);
    }
    expect(wrong).toEqual([]);
  });

  it("let a token with the route's scope through to the route's own rules", async () => {
    const token = await tokenOf([...API_SCOPES]);
    const wrong: string[] = [];
    for (const route of apiRoutes()) {
      if (!route.rules?.scope) continue;
      const response = await send(route, token);
      if (response.json()?.error?.code === "insufficient_scope") wrong.push(`${route.method} ${route.url}`);
    }
    expect(wrong).toEqual([]);
  });

  it("say which scope is missing: withdrawing a bid, creating a tender and amending a deadline", async () => {
    const token = await tokenOf(["account:read"]);
    const base = `/api/v1/authorities/${UNKNOWN}/tenders`;
    for (const [method, url, scope] of [
      ["POST", `${base}/${UNKNOWN}/bids/withdraw`, "bids:write"],
      ["POST", base, "tenders:write"],
      ["POST", `${base}/${UNKNOWN}/amendments`, "tenders:write"],
    ] as const) {
      const response = await call(t.app, method, url, { token }, {});
      expect(response.statusCode, url).toBe(403);
      expect(response.json().error.message).toBe(
        `This API token does not have the ${scope} scope. Make a token with it on your account page.`,
      );
    }
  });

  it("are for the API only: a token on a page is refused", async () => {
    const token = await tokenOf([...API_SCOPES]);
    for (const url of ["/account", "/organisations/new"]) {
      const response = await t.app.inject({ url, headers: { authorization: `Bearer ${token}` } });
      expect(response.statusCode, url).toBe(403);
    }
  });

  it("give a token on a public route that names no scope what the public gets", async () => {
    const token = await tokenOf(["account:read"]);
    const publicRoute = apiRoutes().find(
      (r) => r.method === "GET" && !r.rules?.who.signedIn && !r.url.includes(":"),
    );
    expect(publicRoute).toBeDefined();
    const route = publicRoute as RegisteredRoute;
    const asToken = await send(route, token);
    const asPublic = await call(t.app, "GET", route.url);
    expect(asToken.statusCode).toBe(asPublic.statusCode);
  });

  it("are stated in the OpenAPI document for every operation that needs someone signed in", async () => {
    const document = (await t.app.inject({ url: "/api/openapi.json" })).json() as {
      paths: Record<string, Record<string, { operationId: string; security?: Record<string, string[]>[] }>>;
    };
    const wrong: string[] = [];
    for (const route of apiRoutes()) {
      if (!route.rules?.who.signedIn) continue;
      const path = route.url.replace(/:(\w+)/g, "{$1}");
      const operation = document.paths[path]?.[route.method.toLowerCase()];
      const bearer = operation?.security?.find((s) => "bearerAuth" in s)?.bearerAuth;
      if (!bearer?.includes(route.rules.scope ?? "(none)"))
        wrong.push(`${route.method} ${route.url}: ${bearer}`);
    }
    expect(wrong).toEqual([]);
  });
});
