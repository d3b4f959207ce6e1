import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { createUser, postForm, sessionFor } from "../../../tests/support/auth.ts";
import { mainText } from "../../../tests/support/pages.ts";
import { transaction } from "../../db/transaction.ts";
import { systemClock } from "../../lib/clock.ts";
import { SYSTEM } from "../audit/audit.service.ts";
import { createAuthority, findAuthorityBySlug } from "../authorities/authorities.service.ts";

let t: TestApp;
let verifiedId: string;
let pendingId: string;
beforeAll(async () => {
  t = await createTestApp();
  await transaction(t.deps.db, async (trx) => {
    verifiedId = (
      await createAuthority(trx, systemClock, SYSTEM("test"), {
        slug: "verified-council",
        name: "Verified Council",
        kind: "district",
        nation: "england-and-wales",
        verified: true,
      })
    ).id;
    pendingId = (
      await createAuthority(trx, systemClock, SYSTEM("test"), {
        slug: "pending-council",
        name: "Pending Council",
        kind: "district",
        nation: "england-and-wales",
      })
    ).id;
  });
});
afterAll(async () => {
  await t.close();
});

describe("public bodies, seen by the public", () => {
  it("shows a verified body", async () => {
    const response = await t.app.inject({ url: `/public-bodies/${verifiedId}` });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain("Verified Council");
    expect(response.body).toMatch(/Verified on \d+ \w+ \d{4}/);
  });

  it("does not show a body waiting to be verified", async () => {
    expect((await t.app.inject({ url: `/public-bodies/${pendingId}` })).statusCode).toBe(404);
    expect((await t.app.inject({ url: "/public-bodies/not-an-id" })).statusCode).toBe(404);
  });

  it("sends the public to sign in before asking for a body or seeing the verification queue", async () => {
    for (const url of ["/public-bodies/new", "/admin/public-bodies"]) {
      const response = await t.app.inject({ url });
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe(`/sign-in?returnTo=${encodeURIComponent(url)}`);
    }
  });

  it("answers an unknown invitation with 404", async () => {
    expect((await t.app.inject({ url: "/invitations/no-such-token" })).statusCode).toBe(404);
  });
});

describe("asking for a public body", () => {
  it("records which country a body in England and Wales is in, and shows its kind and nation by name", async () => {
    const clerk = await sessionFor(t.app, (await createUser(t.deps.db)).id);
    const form = await t.app.inject({ url: "/public-bodies/new", headers: { cookie: clerk.cookie } });
    expect(mainText(form.body)).toContain("District council");
    expect(mainText(form.body)).toContain("England and Wales");
    const asked = await postForm(t.app, clerk, "/public-bodies", {
      name: "Bro Morgannwg Council",
      slug: "bro-morgannwg-council",
      kind: "unitary",
      nation: "england-and-wales",
      country: "wales",
    });
    expect(asked.statusCode).toBe(303);
    const body = await findAuthorityBySlug(t.deps.db, "bro-morgannwg-council");
    expect(body?.country).toBe("wales");
    const page = await t.app.inject({
      url: String(asked.headers.location),
      headers: { cookie: clerk.cookie },
    });
    expect(mainText(page.body)).toContain("Unitary authority");
    expect(mainText(page.body)).toContain("Wales");
  });
});
