/**
 * The grants pages and API on the demo data (one seeded app for the file): the public programme
 * pages, in English and Welsh; applying through the form (errors beside their fields, then the
 * application); the funder deciding through the page and the applicant told; a payment through the
 * API, written once per Idempotency-Key; and the 360Giving package, paged.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { createUser, postForm, sessionFor, type TestSession } from "../../../tests/support/auth.ts";
import { mainText, summaryErrors } from "../../../tests/support/pages.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_GRANTS } from "../../seed/demo/grants.ts";
import { DEMO_ORGANISATION } from "../../seed/demo/users.ts";

const P = DEMO_GRANTS.programme;
let t: TestApp;
const s: Record<string, TestSession> = {};

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  const make = async (key: string, role: string, scopeId: string) => {
    const user = await createUser(t.deps.db, {
      grants: [{ role: role as never, scopeId }],
      displayName: key,
    });
    s[key] = await sessionFor(t.app, user.id, { twoFactor: true });
  };
  await make("funder", "commissioner", DEMO_AUTHORITY.department);
  await make("mutual", "organisation-admin", DEMO_ORGANISATION);
});

afterAll(async () => {
  await t?.close();
});

describe("the programme pages", () => {
  it("show the programme, what is left of its budget and who may apply, in English and Welsh", async () => {
    const list = await t.app.inject({ url: "/grants" });
    expect(list.statusCode).toBe(200);
    expect(mainText(list.body)).toContain("Department for Work and Skills: £427,500.00 left of £500,000.00");
    const page = await t.app.inject({ url: `/grants/${P}` });
    const text = mainText(page.body);
    expect(text).toContain("Left to award £427,500.00");
    expect(text).toContain("The applicant funds 25% of the award itself");
    expect(text).toContain("Organisations that began (spun out) at most 15 years ago");
    expect(text).toContain("Organisations of these sectors: Public service mutual (employee-led spin-out)");
    const welsh = await t.app.inject({ url: `/grants/${P}`, headers: { cookie: "lang=cy" } });
    expect(mainText(welsh.body)).toContain("Ar ôl i’w ddyfarnu £427,500.00");
  });
});

describe("applying and deciding through the pages", () => {
  it("shows each error beside its field, then the application; the funder awards it and the applicant is told", async () => {
    const form = await t.app.inject({
      url: `/grants/${P}/apply`,
      headers: { cookie: s.mutual?.cookie ?? "" },
    });
    expect(form.statusCode).toBe(200);
    const wrong = await postForm(t.app, s.mutual as TestSession, `/grants/${P}/apply`, {
      organisationId: DEMO_ORGANISATION,
      supportKind: "grant",
      purpose: "",
      amount: "1,000",
      matched: "",
    });
    expect(wrong.statusCode).toBe(400);
    expect(summaryErrors(wrong.body)).toEqual([
      ["#purpose", "Say what the support is for, in up to 5,000 characters"],
    ]);
    const short = await postForm(t.app, s.mutual as TestSession, `/grants/${P}/apply`, {
      organisationId: DEMO_ORGANISATION,
      supportKind: "grant",
      purpose: "Staff engagement events before the ballot.",
      amount: "1,000",
      matched: "100",
    });
    expect(short.statusCode).toBe(422);
    expect(summaryErrors(short.body)[0]?.[0]).toBe("#matched");
    const sent = await postForm(t.app, s.mutual as TestSession, `/grants/${P}/apply`, {
      organisationId: DEMO_ORGANISATION,
      supportKind: "grant",
      purpose: "Staff engagement events before the ballot.",
      amount: "1,000",
      matched: "250",
    });
    expect(sent.statusCode).toBe(303);
    const url = String(sent.headers.location).split("?")[0] as string;
    const decided = await postForm(t.app, s.funder as TestSession, url, { decision: "award", amount: "800" });
    expect(decided.statusCode).toBe(303);
    const seen = await t.app.inject({ url, headers: { cookie: s.mutual?.cookie ?? "" } });
    expect(mainText(seen.body)).toContain("Amount awarded £800.00");
    const inbox = await call(t.app, "GET", "/api/v1/inbox", s.mutual);
    expect(inbox.body).toContain(`Grant awarded: £800.00 from Mutuals Support Programme`);
    const list = await t.app.inject({
      url: `/grants/${P}/applications`,
      headers: { cookie: s.funder?.cookie ?? "" },
    });
    expect(mainText(list.body)).toContain("£426,700.00 is left of the budget of £500,000.00");
  });
});

describe("the API", () => {
  it("records a payment once per Idempotency-Key", async () => {
    const url = `/api/v1/grants/programmes/${P}/applications/${DEMO_GRANTS.adviser}/payments`;
    const pay = () =>
      t.app.inject({
        method: "POST",
        url,
        headers: {
          cookie: s.funder?.cookie ?? "",
          "content-type": "application/json",
          "idempotency-key": "adviser-days-1-to-5",
        },
        payload: JSON.stringify({ amount: "6250.00", paidOn: "2026-11-20" }),
      });
    const first = await pay();
    expect(first.statusCode).toBe(201);
    const again = await pay();
    expect([again.statusCode, again.headers["idempotent-replayed"], again.json().id]).toEqual([
      201,
      "true",
      first.json().id,
    ]);
    const read = await call(
      t.app,
      "GET",
      `/api/v1/grants/programmes/${P}/applications/${DEMO_GRANTS.adviser}`,
      s.mutual,
    );
    expect(read.json().paidPence).toBe("625000");
  });

  it("publishes the awarded grants as 360Giving, a page at a time", async () => {
    const first = await call(t.app, "GET", "/api/v1/grants/360giving?pageSize=1");
    expect(first.statusCode).toBe(200);
    expect(first.json().grants[0].amountAwarded).toBe(60000);
    const next = await call(
      t.app,
      "GET",
      `/api/v1/grants/360giving?pageSize=1&after=${encodeURIComponent(first.json().next)}`,
    );
    expect(next.json().grants[0].amountAwarded).toBe(12500);
    const none = await call(t.app, "GET", `/api/v1/grants/360giving?funderId=${DEMO_AUTHORITY.district}`);
    expect(none.statusCode).toBe(404);
  });
});
