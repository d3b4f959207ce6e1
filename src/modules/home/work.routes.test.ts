/**
 * "Your work" (`/tasks`) and its API (`GET /api/v1/me/tasks`) on the demo data: sign-in required;
 * each task's text from the catalogue, linking to where it is done, its deadline in London time and
 * the overdue marked; the empty states; the evaluator's and the bidder's own sections only for
 * them; Welsh; the API's scopes (account:read, and bids:read for the bids). Which task reaches whom
 * is work.service.test.ts's.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { createUser, sessionFor, type TestSession } from "../../../tests/support/auth.ts";
import { mainText } from "../../../tests/support/pages.ts";
import { ctxFor, principalOf } from "../../../tests/support/principals.ts";
import type { ApiScope } from "../../http/api-scopes.ts";
import { londonDateTime } from "../../lib/london-time.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_AWARD_TENDER } from "../../seed/demo/evaluation.ts";
import { DEMO_TENDER } from "../../seed/demo/tenders.ts";
import { createApiToken } from "../accounts/api-tokens.service.ts";

const demo = (n: number) => `019a0000-0000-7000-8000-00000000c0${String(n).padStart(2, "0")}`;
const ORG_ADMIN = demo(2);
const ORG_MEMBER = demo(3);
const COMMISSIONER = demo(4);
const EVALUATOR = demo(5);

let t: TestApp;
const sessions = new Map<string, TestSession>();
const as = async (userId: string) => {
  let session = sessions.get(userId);
  if (!session) {
    session = await sessionFor(t.app, userId, { twoFactor: true });
    sessions.set(userId, session);
  }
  return session;
};
const page = async (userId: string, headers: Record<string, string> = {}) => {
  const session = await as(userId);
  return t.app.inject({ url: "/tasks", headers: { cookie: `${session.cookie}; ${headers.cookie ?? ""}` } });
};
const tokenFor = async (userId: string, scopes: ApiScope[]) => ({
  token: (
    await createApiToken(
      {
        ...ctxFor(t.deps.db, t.deps.clock, await principalOf(t.deps.db, userId)),
        secrets: t.app.accountSecrets,
        origin: { address: "127.0.0.1" },
      },
      { name: scopes.join(" ") || "none", scopes, expiresInDays: 30 },
    )
  ).token,
});
const sectionIds = (html: string) =>
  [...html.matchAll(/<h2 class="govuk-heading-m" id="([a-z]+)"/g)].map((m) => m[1]);

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
});

afterAll(async () => {
  await t?.close();
});

describe("the page of your work", () => {
  it("needs signing in, and comes back to it after", async () => {
    const response = await call(t.app, "GET", "/tasks");
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe("/sign-in?returnTo=%2Ftasks");
  });

  it("lists what is yours to do, each linking where it is done, with its deadline, the soonest first", async () => {
    const response = await page(COMMISSIONER);
    expect(response.statusCode).toBe(200);
    const text = mainText(response.body);
    expect(response.body).toContain("<title>Your work – OpenPS</title>");
    expect(sectionIds(response.body)).toEqual(["todo", "waiting", "places"]);
    // The closed tender's bids to open: no deadline sets when.
    const closed = `/authorities/westshire-county-council/tenders/${DEMO_TENDER.closed}`;
    expect(response.body).toContain(
      `<a class="govuk-link" href="${closed}">Confirm the opening of the bids: bids closed at`,
    );
    expect(text).toContain("Reablement at home after hospital Tender · Westshire County Council");
    expect(text).toContain("No deadline");
    // The standstill ending, at midnight London time.
    expect(text).toMatch(
      /Standstill ends on the award to Westshire Community Health CIC: the contract can be entered after it Home nursing care in Wesford Tender · Westshire County Council midnight on 1 December 2026/,
    );
    // A day's deadline as a date: a rating due by the KPI's next publication.
    expect(text).toMatch(
      /Rate Millbrook Carers' Trust’s report on “Missed visits” for 1 September 2026 to 30 September 2026 Sitting service for carers Contract · Westshire County Council \d{1,2} \w+ 20\d\d/,
    );
    // The soonest first: the standstill (1 December) before the question (bids close in January).
    expect(text.indexOf("Standstill ends")).toBeLessThan(text.indexOf("Answer a clarification question"));
    expect(text.indexOf("Answer a clarification question")).toBeLessThan(text.indexOf("Confirm the opening"));
    // What waits on others: the evaluators' scores.
    expect(text).toContain("The evaluators’ scores: 0 of 1 submitted");
  });

  it("marks what is overdue", async () => {
    const text = mainText((await page(ORG_ADMIN)).body);
    expect(text).toMatch(
      /Report on “Visits on time” for 1 September 2026 to 30 September 2026 Sitting service for carers Contract · Westshire County Council Overdue 30 October 2026/,
    );
    expect(text).not.toMatch(/Report on “Visits on time” for 1 October 2026 to 31 October 2026 [^O]*Overdue/);
  });

  it("shows evaluators the tenders assigned to them, and bidders their bids with receipts and outcomes", async () => {
    const evaluator = await page(EVALUATOR);
    expect(sectionIds(evaluator.body)).toEqual(["todo", "waiting", "places", "assigned"]);
    const evaluatorText = mainText(evaluator.body);
    const assigned = evaluatorText.slice(evaluatorText.indexOf("Assigned to me"));
    expect(assigned).toContain(
      "Night-time home care Westshire County Council Score the bids No due date set",
    );
    expect(assigned).toContain("Home nursing care in Wesford Westshire County Council Awarded");
    expect(evaluator.body).toContain(
      `href="/authorities/westshire-county-council/tenders/${DEMO_TENDER.opened}/evaluation">Night-time home care</a>`,
    );

    const bidder = await page(ORG_MEMBER);
    // An organisation's people have its places too: its arrangements and invoices.
    expect(sectionIds(bidder.body)).toEqual(["todo", "waiting", "places", "bids"]);
    const bids = bidder.body.slice(bidder.body.indexOf('id="bids"'));
    const bidderText = mainText(bidder.body);
    const bidsText = bidderText.slice(bidderText.indexOf("Your bids"));
    expect(bidsText).toContain(
      "Home nursing care in Wesford Westshire County Council Westshire Community Health CIC",
    );
    expect(bidsText).toContain("Awarded: in standstill Won Read the assessment summary");
    expect(bids).toMatch(
      new RegExp(
        `href="/authorities/westshire-county-council/tenders/${DEMO_AWARD_TENDER.standstill}/bid/[0-9a-f-]{36}">Your receipt`,
      ),
    );
    expect(bidsText).not.toContain("Millbrook Carers' Trust");
  });

  it("says what will appear when there is nothing, and offers no section a person has no part in", async () => {
    const nobody = await createUser(t.deps.db, { displayName: "New Person" });
    const response = await page(nobody.id);
    expect(response.statusCode).toBe(200);
    expect(sectionIds(response.body)).toEqual(["todo", "waiting", "places"]);
    const text = mainText(response.body);
    expect(text).toContain("You have nothing to do at the moment. When something is yours to do");
    expect(text).toContain("Nothing you started is waiting for anyone.");
    const evaluator = await createUser(t.deps.db, {
      grants: [{ role: "evaluator", scopeId: DEMO_AUTHORITY.district }],
    });
    expect(mainText((await page(evaluator.id)).body)).toContain(
      "You are not assigned to evaluate any tender. When a commissioner assigns you to one, it will appear here.",
    );
  });

  it("is in Welsh for those who read Welsh", async () => {
    const response = await page(COMMISSIONER, { cookie: "lang=cy" });
    const text = mainText(response.body);
    expect(text).toContain("Eich gwaith");
    expect(text).toContain("I’w wneud");
    expect(text).toContain("Cadarnhau agor y cynigion: daeth y cyfnod cynnig i ben am");
    expect(text).not.toContain("Confirm the opening of the bids");
  });

  it("is linked from the account page", async () => {
    const session = await as(COMMISSIONER);
    const account = await t.app.inject({ url: "/account", headers: { cookie: session.cookie } });
    expect(account.body).toContain(
      '<a class="govuk-link" href="/tasks">Your work: what is yours to do, and what you are waiting for</a>',
    );
  });
});

describe("GET /api/v1/me/tasks", () => {
  it("needs signing in", async () => {
    const response = await call(t.app, "GET", "/api/v1/me/tasks");
    expect(response.statusCode).toBe(401);
  });

  it("gives the page as data: each task's kind, words, subject, link and deadline", async () => {
    const response = await call(t.app, "GET", "/api/v1/me/tasks", await as(COMMISSIONER));
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ more: { todo: 0, waiting: 0 }, assigned: null, bids: null });
    const standstill = body.todo.find((x: { kind: string }) => x.kind === "standstill-ending");
    expect(standstill).toEqual({
      kind: "standstill-ending",
      text: "Standstill ends on the award to Westshire Community Health CIC: the contract can be entered after it",
      about: {
        type: "tender",
        id: DEMO_AWARD_TENDER.standstill,
        title: "Home nursing care in Wesford",
        body: "Westshire County Council",
      },
      href: `/authorities/westshire-county-council/tenders/${DEMO_AWARD_TENDER.standstill}/award`,
      due: { at: "2026-12-01T00:00:00.000Z", day: null },
      overdue: false,
      details: { supplier: "Westshire Community Health CIC" },
    });
    const opening = body.todo.find((x: { kind: string }) => x.kind === "confirm-opening");
    expect(opening.due).toBeNull();
    expect(opening.text).toBe(
      `Confirm the opening of the bids: bids closed at ${londonDateTime(new Date(opening.details.closed))}`,
    );
  });

  it("gives a token with account:read the tasks, and the bids only with bids:read too", async () => {
    const reader = await tokenFor(ORG_MEMBER, ["account:read"]);
    const withoutBids = await call(t.app, "GET", "/api/v1/me/tasks", reader);
    expect(withoutBids.statusCode).toBe(200);
    expect(withoutBids.json().bids).toBeNull();
    expect(withoutBids.json().todo.map((x: { kind: string }) => x.kind)).toContain("check-draft-report");

    const withBids = await call(
      t.app,
      "GET",
      "/api/v1/me/tasks",
      await tokenFor(ORG_MEMBER, ["account:read", "bids:read"]),
    );
    const bids = withBids.json().bids.bids;
    expect(bids.length).toBeGreaterThan(0);
    expect(
      bids.find((b: { tender: { id: string } }) => b.tender.id === DEMO_AWARD_TENDER.standstill),
    ).toMatchObject({
      tender: { stage: "Awarded: in standstill" },
      organisation: { name: "Westshire Community Health CIC" },
      receipt: { status: "current", sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
      outcome: { outcome: "won", rank: 1 },
    });

    const refused = await call(t.app, "GET", "/api/v1/me/tasks", await tokenFor(ORG_MEMBER, ["inbox:read"]));
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe("insufficient_scope");
  });

  it("is in the OpenAPI document", async () => {
    const document = (await call(t.app, "GET", "/api/openapi.json")).json();
    expect(document.paths["/api/v1/me/tasks"].get).toMatchObject({
      operationId: "listYourTasks",
      tags: ["account"],
    });
  });
});
