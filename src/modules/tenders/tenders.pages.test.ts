/**
 * Tenders' pages through HTTP (app.inject): the set-up form (400 and 422 re-rendered with an error
 * summary linking each error to its field, 303 after saving), publishing, the public opportunity,
 * the bid form with its receipts, a late bid refused, two-person opening and the opened bids page.
 * Deadlines are typed in UK time and shown in Europe/London.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import {
  createUser,
  postForm,
  postMultipart,
  sessionFor,
  type TestSession,
} from "../../../tests/support/auth.ts";
import { mainText } from "../../../tests/support/pages.ts";
import { rowCount } from "../../../tests/support/test-db.ts";
import { settableClock } from "../../lib/clock.ts";
import { parseLondonInstant } from "../../lib/london-time.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_ORGANISATION } from "../../seed/demo/organisations.ts";
import { DEMO_PROJECT } from "../../seed/demo/projects.ts";
import type { Role } from "../access/access.service.ts";

const clock = settableClock(new Date("2026-11-22T10:00:00Z"));
const COUNTY = "/authorities/westshire-county-council";
let t: TestApp;
const s: Record<string, TestSession> = {};
const users: Record<string, string> = {};

async function signInAll() {
  for (const [name, id] of Object.entries(users)) s[name] = await sessionFor(t.app, id, { twoFactor: true });
}

const get = (url: string, session?: TestSession) => call(t.app, "GET", url, session);

const form = {
  projectId: DEMO_PROJECT.countyHomeCare,
  title: "Home care: Millbrook lot",
  description: "Home care in Millbrook.",
  procedure: "open",
  contractTermMonths: "36",
  pricingMode: "competitive",
  vatTreatment: "exempt",
  "tupe.applies": "no",
  "clarificationDeadline-day": "8",
  "clarificationDeadline-month": "1",
  "clarificationDeadline-year": "2027",
  "clarificationDeadline-time": "12:00",
  "submissionDeadline-day": "15",
  "submissionDeadline-month": "6",
  "submissionDeadline-year": "2027",
  "submissionDeadline-time": "12:00",
  "conditions.0": "Registered with the Care Quality Commission",
  "criteria.0.kind": "quality",
  "criteria.0.title": "Quality of care",
  "criteria.0.weightBp": "65",
  "criteria.1.kind": "social-value",
  "criteria.1.title": "Local jobs",
  "criteria.1.weightBp": "10",
  "criteria.2.kind": "price",
  "criteria.2.title": "Price",
  "criteria.2.weightBp": "25",
};

beforeAll(async () => {
  t = await createTestApp({ clock, seeded: true });
  const make = async (name: string, role: Role, scopeId?: string) => {
    users[name] = (await createUser(t.deps.db, { grants: [{ role, scopeId }] })).id;
  };
  await make("commissioner", "commissioner", DEMO_AUTHORITY.county);
  await make("opener1", "bid-opener", DEMO_AUTHORITY.county);
  await make("opener2", "bid-opener", DEMO_AUTHORITY.county);
  await make("charity", "organisation-admin", DEMO_ORGANISATION.carersTrust);
  await signInAll();
}, 120_000);

afterAll(async () => {
  await t.close();
});

describe("tender pages", () => {
  let base: string;

  it("turns UK times into instants across the clock change", () => {
    expect(parseLondonInstant("2027-01-15", "12:00")?.toISOString()).toBe("2027-01-15T12:00:00.000Z");
    expect(parseLondonInstant("2027-06-15", "12:00")?.toISOString()).toBe("2027-06-15T11:00:00.000Z");
    expect(parseLondonInstant("2027-02-30", "12:00")).toBeNull();
    expect(parseLondonInstant("2027-06-15", "25:00")).toBeNull();
  });

  it("re-renders the set-up form with errors linked to their fields (400, 422), then saves (303)", async () => {
    const blank = await postForm(t.app, s.commissioner as TestSession, `${COUNTY}/tenders/new`, {});
    expect(blank.statusCode).toBe(400);
    expect(blank.body).toContain('href="#title"');
    expect(blank.body).toContain('href="#procedure"');
    const weights = await postForm(t.app, s.commissioner as TestSession, `${COUNTY}/tenders/new`, {
      ...form,
      "criteria.2.weightBp": "20",
    });
    expect(weights.statusCode).toBe(422);
    expect(mainText(weights.body)).toContain("add up to 95%");
    expect(weights.body).toContain('value="Home care: Millbrook lot"');
    // Sub-criteria whose weights do not add up to their criterion's: 422, linked to them.
    const subs = await postForm(t.app, s.commissioner as TestSession, `${COUNTY}/tenders/new`, {
      ...form,
      "criteria.0.subCriteria.0.title": "Continuity of care",
      "criteria.0.subCriteria.0.weightBp": "40",
      "criteria.0.subCriteria.1.title": "Safeguarding",
      "criteria.0.subCriteria.1.weightBp": "20",
    });
    expect(subs.statusCode).toBe(422);
    expect(subs.body).toContain('href="#criteria.0.subCriteria"');
    const saved = await postForm(t.app, s.commissioner as TestSession, `${COUNTY}/tenders/new`, {
      ...form,
      "criteria.0.subCriteria.0.title": "Continuity of care",
      "criteria.0.subCriteria.0.weightBp": "40",
      "criteria.0.subCriteria.1.title": "Safeguarding",
      "criteria.0.subCriteria.1.weightBp": "25",
    });
    expect(saved.statusCode).toBe(303);
    base = String(saved.headers.location);
    expect((await get(base)).statusCode).toBe(404);
    const draft = mainText((await get(base, s.commissioner)).body);
    expect(draft).toContain("Draft");
    expect(draft).toContain("midday on 15 June 2027");
    expect(draft).toContain("65%");
    expect(draft).toMatch(/– Continuity of care Quality 40%/);
  });

  it("adds documents to the draft's tender pack by upload, refusing a file that is not a document", async () => {
    const page = mainText((await get(`${base}/documents/new`, s.commissioner)).body);
    expect(page).toContain("Add a document to the tender pack");
    const none = await postMultipart(t.app, s.commissioner as TestSession, `${base}/documents/new`, {
      title: "Specification",
      file: { filename: "", type: "application/octet-stream", content: "" },
    });
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('href="#file"');
    const pdf = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
    const added = await postMultipart(t.app, s.commissioner as TestSession, `${base}/documents/new`, {
      title: "Specification",
      file: { filename: "specification.pdf", type: "application/pdf", content: pdf },
    });
    expect(added.statusCode).toBe(303);
    const tender = await get(base, s.commissioner);
    expect(mainText(tender.body)).toContain("Specification (specification.pdf");
    const link = /href="(\/api\/v1\/authorities\/[^"]+\/documents\/[0-9a-f-]+)"/.exec(
      tender.body,
    )?.[1] as string;
    expect((await get(link, s.commissioner)).body).toBe(pdf);
  });

  it("publishes it as a public opportunity", async () => {
    const published = await postForm(t.app, s.commissioner as TestSession, `${base}/publish`, {});
    expect(published.statusCode).toBe(303);
    const page = mainText((await get(base)).body);
    expect(page).toContain("Open for bids");
    expect(page).not.toContain("Bids received");
    expect(mainText((await get("/opportunities")).body)).toContain("Home care: Millbrook lot");
    expect(mainText((await get(base, s.commissioner)).body)).toContain("Bids received 0");
  });

  it("reveals consortium members one at a time without JavaScript, each found in the directory or typed", async () => {
    expect(mainText((await get(`${base}/bid`, s.charity)).body)).toContain(
      "Register your organisation's interest",
    );
    const interest = await postForm(t.app, s.charity as TestSession, `${base}/interest`, {
      organisationId: DEMO_ORGANISATION.carersTrust,
    });
    expect(interest.statusCode).toBe(303);
    expect(mainText((await get(base, s.charity)).body)).toContain("is registered as interested");
    const bidsBefore = await rowCount(t.deps.db, "bids");
    const first = (await get(`${base}/bid`, s.charity)).body;
    expect(first).toContain('name="consortium.members.0.name"');
    expect(first).not.toContain('name="consortium.members.1.name"');
    // "Add another member" shows the form again with one more block, keeping what was typed.
    const more = await postMultipart(t.app, s.charity as TestSession, `${base}/bid`, {
      organisationId: DEMO_ORGANISATION.carersTrust,
      memberCount: "1",
      "consortium.members.0.name": "Millbrook Minibus",
      add: "member",
    });
    expect(more.statusCode).toBe(200);
    expect(more.body).toContain('name="consortium.members.1.name"');
    expect(more.body).not.toContain('name="consortium.members.2.name"');
    expect(more.body).toContain('value="Millbrook Minibus"');
    expect(mainText(more.body)).toContain("Your bid has not been submitted yet");
    // "Find" offers the directory's matches to choose from; nothing is submitted either way.
    const found = await postMultipart(t.app, s.charity as TestSession, `${base}/bid`, {
      organisationId: DEMO_ORGANISATION.carersTrust,
      memberCount: "2",
      "consortium.members.1.find": "Millbrook Homes",
      find: "1",
    });
    expect(found.statusCode).toBe(200);
    expect(found.body).toMatch(
      new RegExp(
        `name="consortium\\.members\\.1\\.organisationId"[^]*value="${DEMO_ORGANISATION.millbrookHomes}"`,
      ),
    );
    expect(found.body).not.toContain('name="consortium.members.0.organisationId"');
    const none = await postMultipart(t.app, s.charity as TestSession, `${base}/bid`, {
      organisationId: DEMO_ORGANISATION.carersTrust,
      "consortium.members.0.find": "Zzyzx Nowhere Ltd",
      find: "0",
    });
    expect(mainText(none.body)).toContain("No organisation in the directory matches “Zzyzx Nowhere Ltd”");
    expect(await rowCount(t.deps.db, "bids")).toBe(bidsBefore);
  });

  it("takes a sealed bid through the form, confirms it with the receipt and a copy whose SHA-256 is the receipt's", async () => {
    const page = await get(`${base}/bid`, s.charity);
    expect(page.statusCode).toBe(200);
    const ids = [...page.body.matchAll(/name="(answers\.[0-9a-f-]+)"/g)].map((m) => m[1] as string);
    // Each sub-criterion is answered, and the social value criterion: not price.
    expect(ids).toHaveLength(3);
    const missing = await postForm(t.app, s.charity as TestSession, `${base}/bid`, {
      organisationId: DEMO_ORGANISATION.carersTrust,
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain(`href="#${ids[0]}"`);
    const fields = Object.fromEntries(ids.map((id) => [id, "Our answer"]));
    const consortium = {
      consortium: "yes",
      memberCount: "2",
      "consortium.members.0.name": "Millbrook Minibus",
      "consortium.members.0.role": "subcontractor",
      "consortium.members.0.sector": "voluntary-community",
      "consortium.members.0.sizeBand": "micro",
      "consortium.members.0.shareBp": "10",
      // Chosen from the directory: its name, sector and size are the directory's.
      "consortium.members.1.organisationId": DEMO_ORGANISATION.millbrookHomes,
      "consortium.members.1.role": "partner",
      "consortium.members.1.shareBp": "5",
    };
    const shares = await postForm(t.app, s.charity as TestSession, `${base}/bid`, {
      organisationId: DEMO_ORGANISATION.carersTrust,
      ...fields,
      price: "£1,000,000",
      ...consortium,
      "consortium.leadShareBp": "80",
    });
    expect(shares.statusCode).toBe(422);
    expect(mainText(shares.body)).toContain("add up to 95%");
    const ok = await postMultipart(t.app, s.charity as TestSession, `${base}/bid`, {
      organisationId: DEMO_ORGANISATION.carersTrust,
      ...fields,
      documents: [
        { filename: "method.txt", type: "text/plain", content: "Our method: visits by postcode." },
        { filename: "cv.txt", type: "text/plain", content: "Our manager's CV." },
      ],
      price: "£1,000,000",
      ...consortium,
      "consortium.leadShareBp": "85",
    });
    expect(ok.statusCode).toBe(303);
    const confirmation = String(ok.headers.location);
    expect(confirmation).toMatch(new RegExp(`^${base}/bid/[0-9a-f-]{36}$`));
    // The key of the copy is in the bidder's browser only: a cookie for the tender's bid pages.
    const copyCookie = ok.cookies.find((c) => c.name === "openps_bid_copy");
    expect(copyCookie).toMatchObject({ httpOnly: true, path: `${base}/bid`, maxAge: 24 * 60 * 60 });
    const browser = {
      ...(s.charity as TestSession),
      cookie: `${s.charity?.cookie}; openps_bid_copy=${copyCookie?.value}`,
    };
    const shown = await get(confirmation, browser);
    const text = mainText(shown.body);
    expect(text).toContain("Bid received at 10am on 22 November 2026");
    const sha256 = /[0-9a-f]{64}/.exec(text)?.[0] as string;
    const copyUrl = `${confirmation}/copy`;
    expect(shown.body).toContain(`href="${copyUrl}"`);
    const copy = await get(copyUrl, browser);
    expect(copy.statusCode).toBe(200);
    expect(copy.headers["content-type"]).toMatch(/^application\/json/);
    expect(copy.headers["content-disposition"]).toBe(
      `attachment; filename="bid-${sha256.slice(0, 12)}.json"`,
    );
    expect(createHash("sha256").update(copy.rawPayload).digest("hex")).toBe(sha256);
    const content = JSON.parse(copy.body);
    expect(content.bidder.organisationId).toBe(DEMO_ORGANISATION.carersTrust);
    expect(content.consortium.members[1]).toMatchObject({ name: "Millbrook Homes", sector: "charity" });
    // Without the key (another browser), or with another's, no copy; never for anyone else's bid.
    const elsewhere = mainText((await get(confirmation, s.charity)).body);
    expect(elsewhere).toContain(sha256);
    expect(elsewhere).toContain("can be downloaded only in the browser that submitted it");
    expect((await get(copyUrl, s.charity)).statusCode).toBe(404);
    const wrongKey = {
      ...browser,
      cookie: browser.cookie.replace(/\.[^.;]+$/, ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
    };
    expect((await get(copyUrl, wrongKey)).statusCode).toBe(404);
    expect((await get(confirmation, s.commissioner)).statusCode).toBe(404);
    expect((await get(confirmation)).statusCode).toBe(303);
    // The tender page says the organisation has a bid in, with its time; others see nothing of it.
    expect(mainText((await get(base, s.charity)).body)).toContain(
      "Millbrook Carers' Trust has a bid in, received at 10am on 22 November 2026. See its receipt",
    );
    expect(mainText((await get(base, s.commissioner)).body)).not.toContain("has a bid in");
    const form = mainText((await get(`${base}/bid`, s.charity)).body);
    expect(form).toMatch(/[0-9a-f]{64} Counts/);
    // Anyone can check the receipt on a page; what is not a SHA-256 is refused (400) beside its field.
    const checked = mainText((await get(`${base}/receipts?sha256=${sha256.toUpperCase()}`)).body);
    expect(checked).toContain("A bid with this receipt was received Received 10am on 22 November 2026");
    expect(checked).toContain("It counts");
    expect(checked).not.toContain("Carers");
    const unknown = await get(`${base}/receipts?sha256=${"0".repeat(64)}`);
    expect(unknown.statusCode).toBe(200);
    expect(mainText(unknown.body)).toContain("No bid for this tender has this receipt.");
    const malformed = await get(`${base}/receipts?sha256=not-a-hash`);
    expect(malformed.statusCode).toBe(400);
    expect(malformed.body).toContain('href="#sha256"');
  });

  it("edits a draft with the set-up form filled in, for its editors while it is a draft; a reserved tender tells a non-mutual first", async () => {
    const saved = await postForm(t.app, s.commissioner as TestSession, `${COUNTY}/tenders/new`, {
      ...form,
      title: "Reserved home care: Millbrook",
      reserved: "yes",
    });
    expect(saved.statusCode).toBe(303);
    const draft = String(saved.headers.location);
    expect((await get(draft, s.commissioner)).body).toContain(`href="${draft}/edit"`);
    const edit = await get(`${draft}/edit`, s.commissioner);
    expect(edit.statusCode).toBe(200);
    expect(mainText(edit.body)).toContain("Edit the draft tender");
    expect(edit.body).toContain('value="Reserved home care: Millbrook"');
    expect(edit.body).toContain('value="65"');
    expect(edit.body).toMatch(/name="reserved" type="checkbox" value="yes" checked/);
    // Only its editors; to the authority's other people a draft is not found.
    expect((await get(`${draft}/edit`, s.opener1)).statusCode).toBe(404);
    expect((await get(`${draft}/edit`, s.charity)).statusCode).toBe(404);
    const refused = await postForm(t.app, s.commissioner as TestSession, `${draft}/edit`, {
      ...form,
      reserved: "yes",
      title: "",
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('href="#title"');
    const changed = await postForm(t.app, s.commissioner as TestSession, `${draft}/edit`, {
      ...form,
      reserved: "yes",
      title: "Reserved home care: Millbrook villages",
    });
    expect(changed.statusCode).toBe(303);
    expect(changed.headers.location).toBe(`${draft}?notice=saved`);
    const page = mainText((await get(String(changed.headers.location), s.commissioner)).body);
    expect(page).toContain("The draft has been saved.");
    expect(page).toContain("Reserved home care: Millbrook villages");
    expect((await postForm(t.app, s.commissioner as TestSession, `${draft}/publish`, {})).statusCode).toBe(
      303,
    );
    // Published: its terms change only by an amendment.
    expect((await get(`${draft}/edit`, s.commissioner)).statusCode).toBe(409);
    expect((await get(draft, s.commissioner)).body).not.toContain(`href="${draft}/edit"`);
    // A charity is told before filling anything in that it cannot bid for a tender reserved to mutuals.
    await postForm(t.app, s.charity as TestSession, `${draft}/interest`, {
      organisationId: DEMO_ORGANISATION.carersTrust,
    });
    const bidForm = mainText((await get(`${draft}/bid`, s.charity)).body);
    expect(bidForm).toContain(
      "Millbrook Carers' Trust cannot bid for this tender. This tender is reserved to public service mutuals (Procurement Act 2023, s.33)",
    );
    expect(bidForm).not.toContain("Submit sealed bid");
    expect(bidForm).not.toContain("Register your organisation's interest");
  });

  it("asks and answers a clarification question, and refuses an amendment that does not extend the deadline", async () => {
    const askPage = mainText((await get(`${base}/questions/new`, s.charity)).body);
    expect(askPage).toContain("Asking for Millbrook Carers' Trust.");
    const empty = await postForm(t.app, s.charity as TestSession, `${base}/questions/new`, {
      organisationId: DEMO_ORGANISATION.carersTrust,
      question: "",
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('href="#question"');
    const asked = await postForm(t.app, s.charity as TestSession, `${base}/questions/new`, {
      organisationId: DEMO_ORGANISATION.carersTrust,
      question: "Are weekend visits included?",
    });
    expect(asked.statusCode).toBe(303);
    const team = await get(base, s.commissioner);
    expect(mainText(team.body)).toMatch(
      /Waiting for an answer Millbrook Carers' Trust ?: Are weekend visits included\?/,
    );
    const link = /href="([^"]+\/questions\/[0-9a-f-]+\/answer)"/.exec(team.body)?.[1] as string;
    expect(mainText((await get(link, s.commissioner)).body)).toContain("The question as published");
    const answered = await postForm(t.app, s.commissioner as TestSession, link, {
      publishedQuestion: "Are weekend visits included?",
      answer: "Yes, every day of the year.",
    });
    expect(answered.statusCode).toBe(303);
    const publicPage = mainText((await get(base)).body);
    expect(publicPage).toContain(
      "Question 1 Are weekend visits included? Answer: Yes, every day of the year. Answered at 10am on 22 November 2026",
    );
    expect(publicPage).not.toContain("Carers");
    // Bids have arrived: an amendment keeping the deadline is refused (422), the form shown again.
    const amendPage = mainText((await get(`${base}/amend`, s.commissioner)).body);
    expect(amendPage).toContain("Why are the terms changing?");
    const refused = await postForm(t.app, s.commissioner as TestSession, `${base}/amend`, {
      ...form,
      reason: "Weekend visits made explicit.",
      description: "Home care in Millbrook, every day of the year.",
    });
    expect(refused.statusCode).toBe(422);
    expect(mainText(refused.body)).toContain(
      "Bids have arrived, so an amendment must extend the deadline for bids by at least 10 days",
    );
    expect(mainText((await get(base)).body)).not.toContain("Amendment 1");
  });

  it("refuses a bid at the deadline, and opens with two bid openers", async () => {
    clock.set(new Date("2027-06-15T11:00:00Z"));
    await signInAll();
    const late = await postForm(t.app, s.charity as TestSession, `${base}/bid`, {
      organisationId: DEMO_ORGANISATION.carersTrust,
    });
    expect(late.statusCode).toBe(409);
    const closedForm = mainText((await get(`${base}/bid`, s.charity)).body);
    expect(closedForm).toContain("This tender takes no more bids (Closed, awaiting opening)");
    expect(closedForm).not.toContain("Submit sealed bid");
    expect(mainText((await get(base)).body)).toContain("Closed, awaiting opening");
    expect((await get(`${base}/bids`, s.opener1)).statusCode).toBe(409);
    expect((await postForm(t.app, s.opener1 as TestSession, `${base}/opening`, {})).statusCode).toBe(303);
    expect(mainText((await get(`${base}?notice=awaiting`, s.opener1)).body)).toContain(
      "A second, different bid opener",
    );
    // The first opener again: told it is still waiting for a second opener (no refusal, no alert).
    const again = await postForm(t.app, s.opener1 as TestSession, `${base}/opening`, {});
    expect(again.statusCode).toBe(303);
    expect(mainText((await get(String(again.headers.location), s.opener1)).body)).toContain(
      "You have already confirmed the opening. It is waiting for a second, different bid opener",
    );
    const copies = () =>
      t.deps.db
        .selectFrom("bid_copies")
        .select("bid_id")
        .where("tender_id", "=", base.split("/").pop() as string)
        .execute();
    expect(await copies()).toHaveLength(1);
    expect((await postForm(t.app, s.opener2 as TestSession, `${base}/opening`, {})).statusCode).toBe(303);
    // The bidders' copies go at opening: the opened bids speak for themselves.
    expect(await copies()).toEqual([]);
    const opened = mainText((await get(`${base}/bids`, s.opener2)).body);
    expect(opened).toContain("Carers");
    expect(opened).toContain(
      "85% lead; Millbrook Minibus (Subcontractor, Voluntary or community group, Micro, 10%); Millbrook Homes (Partner, Charity, Medium, 5%)",
    );
    expect(opened).toContain("£1,000,000");
    expect(opened).toContain("Matches its receipt");
    // The bid's uploaded documents, sealed with it, are now readable by the openers.
    expect(opened).toContain("Documents (optional) method.txt (31 bytes) cv.txt");
    const openedPage = (await get(`${base}/bids`, s.opener2)).body;
    const doc = /href="(\/api\/v1\/[^"]+\/bids\/[0-9a-f-]+\/documents\/1)"/.exec(openedPage)?.[1] as string;
    expect((await get(doc, s.opener2)).body).toBe("Our method: visits by postcode.");
    expect((await get(`${base}/bids`, s.commissioner)).statusCode).toBe(403);
  });

  it("cancels with a reason published on the tender, refusing an empty reason (400)", async () => {
    expect((await get(`${base}/cancel`, s.charity)).statusCode).toBe(403);
    const form = await get(`${base}/cancel`, s.commissioner);
    expect(form.statusCode).toBe(200);
    const empty = await postForm(t.app, s.commissioner as TestSession, `${base}/cancel`, { reason: "" });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('href="#reason"');
    const done = await postForm(t.app, s.commissioner as TestSession, `${base}/cancel`, {
      reason: "The service will be delivered in-house after the council's review.",
    });
    expect(done.statusCode).toBe(303);
    const page = mainText((await get(base)).body);
    expect(page).toContain("Cancelled at midday on 15 June 2027.");
    expect(page).toContain("The service will be delivered in-house after the council's review.");
    expect(
      (await postForm(t.app, s.commissioner as TestSession, `${base}/cancel`, { reason: "Again" }))
        .statusCode,
    ).toBe(409);
    expect(mainText((await get("/opportunities")).body)).not.toContain("Home care: Millbrook lot");
  });
});
