/**
 * Accounts for tests: make a user with roles (`createUser`), sign in through the real form
 * (`signIn`), or get a session directly (`sessionFor`, also past the second factor), and post a
 * form with the session's cookie and CSRF token (`postForm`).
 *
 *   const ann = await createUser(db, { grants: [{ role: "organisation-admin", scopeId: ORG }] });
 *   const session = await sessionFor(app, ann.id);
 *   const response = await postForm(app, session, "/organisations/new", { name: "…" });
 */
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import type { Db } from "../../src/db/database.ts";
import { transaction } from "../../src/db/transaction.ts";
import { csrfTokenForSession } from "../../src/http/csrf.ts";
import { type Clock, systemClock } from "../../src/lib/clock.ts";
import { newId } from "../../src/lib/ids.ts";
import { randomToken, sha256 } from "../../src/lib/secrets.ts";
import { type GrantInput, grantRole, type Principal } from "../../src/modules/access/access.service.ts";
import {
  createAccount,
  hashPassword,
  SESSION_ABSOLUTE_MS,
  SESSION_COOKIE,
  SESSION_IDLE_MS,
} from "../../src/modules/accounts/accounts.service.ts";
import { SYSTEM } from "../../src/modules/audit/audit.service.ts";
import { principalOf } from "./principals.ts";

export const TEST_PASSWORD = "correct horse battery";

export interface CreateUserOptions {
  email?: string;
  displayName?: string;
  password?: string;
  /** The address is confirmed (default); false makes an account that cannot sign in yet. */
  verified?: boolean;
  /** Roles to grant; `userId` is filled in. */
  grants?: (Omit<GrantInput, "userId"> & { userId?: string })[];
  id?: string;
  clock?: Clock;
}

export interface TestUser {
  id: string;
  email: string;
  password: string;
}

let testHash: Promise<string> | undefined;

/** TEST_PASSWORD's hash, made once a process: most test users have it (tens of milliseconds a hash). */
function testPasswordHash(): Promise<string> {
  testHash ??= hashPassword(TEST_PASSWORD);
  return testHash;
}

/** A user with a password and roles, audited like a real account. */
export async function createUser(db: Db, options: CreateUserOptions = {}): Promise<TestUser> {
  const id = options.id ?? newId();
  const email = options.email ?? `user-${id.slice(-12)}@example.org`;
  const password = options.password ?? TEST_PASSWORD;
  const clock = options.clock ?? systemClock;
  await transaction(db, async (trx) => {
    await createAccount(trx, clock, SYSTEM("test"), {
      id,
      email,
      displayName: options.displayName ?? "Test User",
      ...(password === TEST_PASSWORD ? { passwordHash: await testPasswordHash() } : { password }),
      verified: options.verified ?? true,
    });
    for (const grant of options.grants ?? []) {
      await grantRole(trx, clock, SYSTEM("test"), { ...grant, userId: id });
    }
  });
  return { id, email, password };
}

/** A user holding one role (within `scopeId`, for a role with a scope): its id, for a test's cast of people. */
export async function userWithRole(
  db: Db,
  role: GrantInput["role"],
  scopeId?: string,
  displayName?: string,
): Promise<string> {
  const grant = { role, ...(scopeId ? { scopeId } : {}) };
  return (await createUser(db, { grants: [grant], ...(displayName ? { displayName } : {}) })).id;
}

/** People of a test file by a name of the test's own, each with one role: their ids, sessions and principals. */
export interface TestPeople {
  users: Record<string, string>;
  /** Signed in, past the second factor. */
  sessions: Record<string, TestSession>;
  /** As a service call takes them (grants read from the database). */
  principals: Record<string, Principal>;
}

/**
 * Makes each person (name → role, scope, display name), signed in past the second factor:
 *
 *   ({ users, sessions, principals } = await peopleWithRoles(t.app, db, {
 *     commissioner: ["commissioner", COUNTY, "Cleo Commissioner"],
 *     citizen: ["citizen", undefined, "Cy Citizen"],
 *   }));
 */
export async function peopleWithRoles(
  app: FastifyInstance,
  db: Db,
  people: Record<string, readonly [GrantInput["role"], string | undefined, string]>,
): Promise<TestPeople> {
  const found: TestPeople = { users: {}, sessions: {}, principals: {} };
  for (const [who, [role, scopeId, displayName]] of Object.entries(people)) {
    const id = await userWithRole(db, role, scopeId, displayName);
    found.users[who] = id;
    found.sessions[who] = await sessionFor(app, id, { twoFactor: true });
    found.principals[who] = await principalOf(db, id);
  }
  return found;
}

export interface TestSession {
  /** The Cookie header to send: `openps_session=…`. */
  cookie: string;
  /** The `_csrf` field for form posts in this session. */
  csrfToken: string;
  sessionId: string;
}

function cookieValue(response: LightMyRequestResponse, name: string): string | undefined {
  const found = response.cookies.find((c) => c.name === name);
  return found?.value;
}

/** The session of a session-cookie token, with the CSRF token its forms need. */
export function sessionOfToken(app: FastifyInstance, token: string): TestSession {
  const sessionId = sha256(token);
  return {
    cookie: `${SESSION_COOKIE}=${token}`,
    csrfToken: csrfTokenForSession(app.accountSecrets, sessionId),
    sessionId,
  };
}

/**
 * Signs in through the sign-in form, as a browser does. Fails for someone who needs a second factor:
 * use `sessionFor(app, id, { twoFactor: true })` for them.
 */
export async function signIn(
  app: FastifyInstance,
  credentials: { email: string; password: string },
): Promise<TestSession> {
  const page = await app.inject({ method: "GET", url: "/sign-in" });
  const browser = cookieValue(page, "openps_csrf");
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
  if (!browser || !csrf) throw new Error("The sign-in page gave no CSRF cookie and token");
  const response = await app.inject({
    method: "POST",
    url: "/sign-in",
    headers: { cookie: `openps_csrf=${browser}`, "content-type": "application/x-www-form-urlencoded" },
    payload: new URLSearchParams({ _csrf: csrf, ...credentials }).toString(),
  });
  const token = cookieValue(response, SESSION_COOKIE);
  if (response.statusCode !== 303 || !token) {
    throw new Error(`Signing in failed with ${response.statusCode}: ${response.body.slice(0, 500)}`);
  }
  const location = String(response.headers.location);
  if (location.startsWith("/sign-in/two-factor") || location.startsWith("/account/two-factor/setup")) {
    throw new Error(
      `Signing in needs a second factor (${location}); use sessionFor(app, id, { twoFactor: true })`,
    );
  }
  return sessionOfToken(app, token);
}

/**
 * A session made directly in the database (no form, no password), at the app's clock, optionally
 * having passed the second factor — what someone whose roles need it has after signing in.
 */
export async function sessionFor(
  app: FastifyInstance,
  userId: string,
  options: { twoFactor?: boolean } = {},
): Promise<TestSession> {
  const token = randomToken();
  const now = app.deps.clock.now();
  await app.deps.db
    .insertInto("sessions")
    .values({
      id: sha256(token),
      user_id: userId,
      created_at: now,
      last_seen_at: now,
      idle_expires_at: new Date(now.getTime() + SESSION_IDLE_MS),
      absolute_expires_at: new Date(now.getTime() + SESSION_ABSOLUTE_MS),
      two_factor: options.twoFactor ?? false,
      user_agent: "test",
    })
    .execute();
  return sessionOfToken(app, token);
}

/** Posts a form in a session (its cookie and CSRF token added), as a browser does. */
export function postForm(
  app: FastifyInstance,
  session: TestSession | null,
  url: string,
  fields: Record<string, string | string[]>,
): Promise<LightMyRequestResponse> {
  const body = new URLSearchParams();
  if (session) body.append("_csrf", session.csrfToken);
  for (const [name, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
  }
  return app.inject({
    method: "POST",
    url,
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      ...(session ? { cookie: session.cookie } : {}),
    },
    payload: body.toString(),
  });
}

/** A file for `postMultipart`: its name, type and bytes. */
export interface TestFile {
  filename: string;
  type: string;
  content: string | Uint8Array;
}

/**
 * Posts a multipart form (with files, as a browser does for `enctype="multipart/form-data"`, its
 * length said in Content-Length as browsers say it).
 */
export async function postMultipart(
  app: FastifyInstance,
  session: TestSession | null,
  url: string,
  fields: Record<string, string | string[] | TestFile | TestFile[]>,
): Promise<LightMyRequestResponse> {
  const form = new FormData();
  if (session) form.append("_csrf", session.csrfToken);
  for (const [name, value] of Object.entries(fields))
    for (const v of Array.isArray(value) ? value : [value])
      if (typeof v === "string") form.append(name, v);
      else form.append(name, new Blob([v.content as BlobPart], { type: v.type }), v.filename);
  const encoded = new Response(form);
  const body = Buffer.from(await encoded.arrayBuffer());
  return app.inject({
    method: "POST",
    url,
    headers: {
      ...(session ? { cookie: session.cookie } : {}),
      "content-type": encoded.headers.get("content-type") ?? "multipart/form-data",
      "content-length": String(body.length),
    },
    payload: body,
  });
}

export interface TestBrowser {
  /** GETs a page with the browser's cookies; remembers the page's CSRF token. */
  get(url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  /**
   * Posts a form with the browser's cookies and the CSRF token of the last page seen (as a browser
   * posting a form on that page would); `csrf: false` leaves it out, a string sends that instead.
   */
  post(
    url: string,
    fields?: Record<string, string | string[]>,
    options?: { csrf?: string | false },
  ): Promise<LightMyRequestResponse>;
  /** The value of one of the browser's cookies. */
  cookie(name: string): string | undefined;
  /** The browser's cookies, as a Cookie header. */
  cookieHeader(): string;
  /** The CSRF token of the last page seen. */
  readonly csrfToken: string | undefined;
}

/** A browser for `app.inject`: keeps cookies (set and cleared) and the last page's CSRF token. */
export function testBrowser(app: FastifyInstance): TestBrowser {
  const jar = new Map<string, string>();
  let csrf: string | undefined;
  const cookieHeader = () => [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
  async function send(
    method: "GET" | "POST",
    url: string,
    headers: Record<string, string>,
    payload?: string,
  ): Promise<LightMyRequestResponse> {
    const cookie = cookieHeader();
    const response = await app.inject({
      method,
      url,
      headers: { ...(cookie ? { cookie } : {}), ...headers },
      ...(payload === undefined ? {} : { payload }),
    });
    for (const c of response.cookies) {
      const expired =
        c.maxAge === 0 || (c.expires instanceof Date && c.expires.getTime() <= 0) || c.value === "";
      if (expired) jar.delete(c.name);
      else jar.set(c.name, c.value);
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1];
    if (token) csrf = token;
    return response;
  }
  return {
    get: (url, headers = {}) => send("GET", url, headers),
    post(url, fields = {}, options = {}) {
      const body = new URLSearchParams();
      const token = options.csrf === undefined ? csrf : options.csrf;
      if (token !== false && token !== undefined) body.append("_csrf", token);
      for (const [name, value] of Object.entries(fields)) {
        for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
      }
      return send("POST", url, { "content-type": "application/x-www-form-urlencoded" }, body.toString());
    },
    cookie: (name) => jar.get(name),
    cookieHeader,
    get csrfToken() {
      return csrf;
    },
  };
}
