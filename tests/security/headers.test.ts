/**
 * Finding 8 of the security review: no security headers — no CSP or `frame-ancestors`, no
 * `X-Frame-Options`, `nosniff`, HSTS or `Permissions-Policy`, so the opening, invitation and
 * sign-out-everywhere forms could be framed. Now every response carries the OWASP set, with a CSP
 * that allows only the service's own assets (headers.ts says what is checked). The browser tests'
 * server checks every page they visit too (tests/support/browser.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app.ts";
import { createUser, sessionFor, type TestSession } from "../support/auth.ts";
import { headerProblems } from "../support/headers.ts";

let t: TestApp;
let session: TestSession;

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  session = await sessionFor(t.app, (await createUser(t.deps.db)).id);
});

afterAll(async () => {
  await t?.close();
});

describe("security headers", () => {
  it("are on every page without parameters, for the public and someone signed in, and on the API", async () => {
    const urls = t.app.routeList
      .filter((r) => r.method === "GET" && !r.url.includes(":") && !r.url.includes("*"))
      .map((r) => r.url);
    expect(urls.length).toBeGreaterThan(30);
    const wrong: string[] = [];
    for (const url of urls) {
      for (const cookie of [undefined, session.cookie]) {
        const response = await t.app.inject({ url, headers: cookie ? { cookie } : {} });
        const problems = headerProblems(response.headers, response.body);
        if (problems.length > 0) wrong.push(`${url}${cookie ? " (signed in)" : ""}: ${problems.join("; ")}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("give each page its own nonce for the template's one inline script", async () => {
    const [first, second] = [await t.app.inject({ url: "/" }), await t.app.inject({ url: "/" })];
    const nonceOf = (csp: unknown) => /'nonce-([^']+)'/.exec(String(csp))?.[1];
    const nonce = nonceOf(first.headers["content-security-policy"]);
    expect(nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(first.body).toContain(`<script nonce="${nonce}">`);
    expect(nonceOf(second.headers["content-security-policy"])).not.toBe(nonce);
  });

  it("refuse framing of the forms that matter: opening bids, invitations, signing out everywhere", async () => {
    for (const url of ["/sign-in", "/account", "/account/sessions"]) {
      const response = await t.app.inject({ url, headers: { cookie: session.cookie } });
      expect(response.headers["x-frame-options"], url).toBe("DENY");
      expect(String(response.headers["content-security-policy"]), url).toContain("frame-ancestors 'none'");
    }
  });

  it("add HSTS only where the site is served over https", async () => {
    expect((await t.app.inject({ url: "/" })).headers["strict-transport-security"]).toBeUndefined();
    const secure = await createTestApp({ env: { OPENPS_BASE_URL: "https://openps.example.org" } });
    try {
      const response = await secure.app.inject({ url: "/" });
      expect(response.headers["strict-transport-security"]).toBe("max-age=63072000; includeSubDomains");
      expect(String(response.headers["content-security-policy"])).toContain("upgrade-insecure-requests");
    } finally {
      await secure.close();
    }
  });
});
