import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { createUser, postForm, sessionFor, type TestUser } from "../../../tests/support/auth.ts";
import { loadGrants } from "./access.service.ts";

const ORG = "019a0000-0000-7000-8000-00000000d001";
let t: TestApp;
let admin: TestUser;
let invitee: TestUser;
let stranger: TestUser;

beforeAll(async () => {
  t = await createTestApp({ env: { OPENPS_DEMO: "true" } });
  const now = new Date();
  await t.deps.db
    .insertInto("organisations")
    .values({
      id: ORG,
      name: "Riverside Care Mutual",
      sector: "public-service-mutual",
      size_band: "small",
      staff_headcount: 40,
      primary_identifier: null,
      postcode: null,
      description: "",
      website: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  admin = await createUser(t.deps.db, {
    displayName: "Ada Admin",
    grants: [{ role: "organisation-admin", scopeId: ORG }],
  });
  invitee = await createUser(t.deps.db, { displayName: "Ivy Invitee", email: "ivy@example.org" });
  stranger = await createUser(t.deps.db, { displayName: "Sam Stranger" });
});
afterAll(async () => {
  await t.close();
});

describe("the people of an organisation", () => {
  it("are listed for its administrators, refused to others and to the public", async () => {
    const page = await t.app.inject({
      url: `/organisations/${ORG}/people`,
      headers: { cookie: (await sessionFor(t.app, admin.id)).cookie },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Ada Admin");
    expect(page.body).toContain("Organisation administrator");
    const other = await t.app.inject({
      url: `/organisations/${ORG}/people`,
      headers: { cookie: (await sessionFor(t.app, stranger.id)).cookie },
    });
    expect(other.statusCode).toBe(403);
    const anonymous = await t.app.inject({ url: `/organisations/${ORG}/people` });
    expect(anonymous.statusCode).toBe(303);
  });

  it("re-renders the invitation form with every field at fault", async () => {
    const response = await postForm(
      t.app,
      await sessionFor(t.app, admin.id),
      `/organisations/${ORG}/people`,
      { email: "not an email" },
    );
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('href="#email"');
    expect(response.body).toContain('href="#role"');
    expect(response.body).toContain("Error: ");
  });

  it("invites someone who then accepts, signed in with the invited address", async () => {
    const sent = await postForm(t.app, await sessionFor(t.app, admin.id), `/organisations/${ORG}/people`, {
      email: "ivy@example.org",
      role: "organisation-member",
    });
    expect(sent.statusCode).toBe(303);
    const location = new URL(String(sent.headers.location), "http://x");
    const link = location.searchParams.get("link");
    expect(link).toMatch(/^\/invitations\/[\w-]+$/);

    const signedOut = await t.app.inject({ url: String(link) });
    expect(signedOut.statusCode).toBe(200);
    expect(signedOut.body).toContain("Invitation to act for Riverside Care Mutual");
    expect(signedOut.body).toContain("/sign-in?returnTo=");

    const strangerTry = await postForm(t.app, await sessionFor(t.app, stranger.id), `${link}/accept`, {});
    expect(strangerTry.statusCode).toBe(403);

    // Someone who signs up after being invited finds the invitation on their account page.
    const account = await t.app.inject({
      url: "/account",
      headers: { cookie: (await sessionFor(t.app, invitee.id)).cookie },
    });
    expect(account.body).toContain("Invitations for you");
    expect(account.body).toContain(`href="${link}">Act for Riverside Care Mutual as Organisation member</a>`);

    const accepted = await postForm(t.app, await sessionFor(t.app, invitee.id), `${link}/accept`, {});
    expect(accepted.statusCode).toBe(303);
    expect(accepted.headers.location).toBe(`/organisations/${ORG}?updated=joined`);
    expect(await loadGrants(t.deps.db, invitee.id)).toEqual([
      { role: "organisation-member", scopeType: "organisation", scopeId: ORG },
    ]);
  });

  it("shows on the account page what a person acts for, with links to its people", async () => {
    const page = await t.app.inject({
      url: "/account",
      headers: { cookie: (await sessionFor(t.app, admin.id)).cookie },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("What you act for");
    expect(page.body).toContain(`href="/organisations/${ORG}">Riverside Care Mutual</a>`);
    expect(page.body).toContain(`href="/organisations/${ORG}/people"`);
  });

  it("refuses a form posted without its CSRF token", async () => {
    const session = await sessionFor(t.app, admin.id);
    const response = await postForm(
      t.app,
      { ...session, csrfToken: "forged" },
      `/organisations/${ORG}/people`,
      {
        email: "x@example.org",
        role: "organisation-member",
      },
    );
    expect(response.statusCode).toBe(403);
  });
});
