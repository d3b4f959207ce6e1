/**
 * Tenders and sealed bids through HTTP (app.inject): drafting and publishing for the authority's
 * editors only (401 before the body, 403 for another authority, 409 once published, 422 for
 * weights not adding up), bids with receipts the public can check, 409 at the deadline instant
 * with nothing written, two-person opening with two-factor sessions, and opened bids for openers
 * only. Every refusal leaves the tables as they were (refused attempts aside, which are audited).
 */
import fs from "node:fs";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { createUser, sessionFor, type TestSession } from "../../../tests/support/auth.ts";
import { settableClock } from "../../lib/clock.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_ORGANISATION } from "../../seed/demo/organisations.ts";
import { DEMO_PROJECT } from "../../seed/demo/projects.ts";
import type { Role } from "../access/access.service.ts";
import { sha256Hex } from "./bids.service.ts";
import { seal } from "./sealing.ts";

const clock = settableClock(new Date("2026-11-22T10:00:00Z"));
const base = `/api/v1/authorities/${DEMO_AUTHORITY.county}/tenders`;
const DEADLINE = "2027-01-15T12:00:00.000Z";
let t: TestApp;
const s: Record<string, TestSession> = {};
const users: Record<string, { id: string; twoFactor: boolean }> = {};

/** Moves the clock, and signs everyone in again (sessions idle out over weeks). */
async function moveClockTo(at: Date) {
  clock.set(at);
  for (const [name, user] of Object.entries(users))
    s[name] = await sessionFor(t.app, user.id, { twoFactor: user.twoFactor });
}

const tender = {
  projectId: DEMO_PROJECT.countyHomeCare,
  title: "Home care framework",
  description: "Home care across Westshire.",
  procedure: "open",
  pricingMode: "competitive",
  contractTermMonths: 48,
  vatTreatment: "exempt",
  clarificationDeadline: "2027-01-08T12:00:00Z",
  submissionDeadline: DEADLINE,
  conditions: ["Registered with the Care Quality Commission"],
  criteria: [
    { kind: "quality", title: "Quality", weightBp: 7000 },
    { kind: "price", title: "Price", weightBp: 3000 },
  ],
};

async function rowCounts() {
  const counts: Record<string, number> = {};
  for (const table of ["tenders", "bids", "tender_keys", "tender_openings"] as const)
    counts[table] = Number(
      (
        await t.deps.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<bigint>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return counts;
}

beforeAll(async () => {
  t = await createTestApp({ clock, seeded: true });
  const make = async (name: string, role: Role, scopeId?: string, twoFactor = true) => {
    const user = await createUser(t.deps.db, { grants: [{ role, scopeId }] });
    users[name] = { id: user.id, twoFactor };
    s[name] = await sessionFor(t.app, user.id, { twoFactor });
  };
  await make("commissioner", "commissioner", DEMO_AUTHORITY.county);
  await make("districtAdmin", "authority-admin", DEMO_AUTHORITY.district);
  await make("opener1", "bid-opener", DEMO_AUTHORITY.county);
  await make("opener2", "bid-opener", DEMO_AUTHORITY.county);
  await make("platformAdmin", "platform-admin");
  await make("charity", "organisation-admin", DEMO_ORGANISATION.carersTrust);
}, 120_000);

afterAll(async () => {
  await t.close();
});

describe("the tenders API", () => {
  let id: string;
  let receipt: { sha256: string; receivedAt: string; bidId: string };

  it("drafts for the authority's editors only, with 422 for weights not adding up, nothing written on refusal", async () => {
    const before = await rowCounts();
    expect((await call(t.app, "POST", base, undefined, tender)).statusCode).toBe(401);
    expect((await call(t.app, "POST", base, s.districtAdmin, tender)).statusCode).toBe(403);
    expect((await call(t.app, "POST", base, s.charity, tender)).statusCode).toBe(403);
    expect((await call(t.app, "POST", base, s.commissioner, { ...tender, title: "" })).statusCode).toBe(400);
    const weights = await call(t.app, "POST", base, s.commissioner, {
      ...tender,
      criteria: [{ kind: "quality", title: "Quality", weightBp: 10 }],
    });
    expect(weights.statusCode).toBe(422);
    expect(weights.json().error.details[0].field).toBe("criteria");
    expect(await rowCounts()).toEqual(before);
    const created = await call(t.app, "POST", base, s.commissioner, tender);
    expect(created.statusCode).toBe(201);
    id = created.json().id;
    expect(created.json()).toMatchObject({ state: "draft", bidCount: null });
    const spec = Buffer.from("Specification: visits of at least 30 minutes.\n");
    const upload = (body: unknown, session = s.commissioner) =>
      call(t.app, "POST", `${base}/${id}/documents`, session, body);
    expect(
      (await upload({ title: "Specification", filename: "spec.txt", contentBase64: "%%%" })).statusCode,
    ).toBe(400);
    expect(
      (
        await upload(
          { title: "Specification", filename: "spec.txt", contentBase64: spec.toString("base64") },
          s.districtAdmin,
        )
      ).statusCode,
    ).toBe(404); // Another authority's draft is not theirs to see.
    const added = await upload({
      title: "Specification",
      filename: "spec.txt",
      contentBase64: spec.toString("base64"),
    });
    expect(added.statusCode).toBe(201);
    expect(added.json().documents).toMatchObject([
      { title: "Specification", mediaType: "text/plain", size: spec.length },
    ]);
    expect((await call(t.app, "GET", `${base}/${id}`)).statusCode).toBe(404);
  });

  it("publishes it as an opportunity everyone can read; the terms are then fixed", async () => {
    const published = await call(t.app, "POST", `${base}/${id}/publish`, s.commissioner);
    expect(published.statusCode).toBe(200);
    expect(published.json()).toMatchObject({ state: "open", bidCount: 0 });
    const pub = await call(t.app, "GET", `${base}/${id}`);
    expect(pub.json()).toMatchObject({ state: "open", bidCount: null, title: "Home care framework" });
    expect(
      (await call(t.app, "PATCH", `${base}/${id}`, s.commissioner, { title: "Changed" })).statusCode,
    ).toBe(409);
    expect((await call(t.app, "POST", `${base}/${id}/publish`, s.commissioner)).statusCode).toBe(409);
    const document = pub.json().documents[0];
    const download = await call(t.app, "GET", document.url);
    expect(download.statusCode).toBe(200);
    expect(download.body).toBe("Specification: visits of at least 30 minutes.\n");
    const late = await call(t.app, "POST", `${base}/${id}/documents`, s.commissioner, {
      title: "Late",
      filename: "late.txt",
      contentBase64: Buffer.from("late").toString("base64"),
    });
    expect(late.statusCode).toBe(409);
  });

  it("answers clarification questions publicly without the asker's name, and publishes amendments", async () => {
    // Bidding needs registered interest.
    const uninterested = await call(t.app, "POST", `${base}/${id}/bids`, s.charity, {
      organisationId: DEMO_ORGANISATION.carersTrust,
      answers: [],
    });
    expect(uninterested.statusCode).toBe(409);
    expect(uninterested.json().error.code).toBe("interest_required");
    const interest = { organisationId: DEMO_ORGANISATION.carersTrust };
    expect((await call(t.app, "POST", `${base}/${id}/interest`, s.commissioner, interest)).statusCode).toBe(
      403,
    );
    expect((await call(t.app, "POST", `${base}/${id}/interest`, s.charity, interest)).json()).toEqual({
      registered: true,
    });
    expect((await call(t.app, "POST", `${base}/${id}/interest`, s.charity, interest)).json()).toEqual({
      registered: false,
    });
    const ask = {
      organisationId: DEMO_ORGANISATION.carersTrust,
      question: "Is the Eastfield estate included?",
    };
    expect((await call(t.app, "POST", `${base}/${id}/questions`, undefined, ask)).statusCode).toBe(401);
    expect((await call(t.app, "POST", `${base}/${id}/questions`, s.commissioner, ask)).statusCode).toBe(403);
    expect(
      (await call(t.app, "POST", `${base}/${id}/questions`, s.charity, { ...ask, question: "" })).statusCode,
    ).toBe(400);
    const asked = await call(t.app, "POST", `${base}/${id}/questions`, s.charity, ask);
    expect(asked.statusCode).toBe(201);
    expect(asked.json()).toMatchObject({ number: null, mine: true, askedBy: null });
    const questionId = asked.json().id;
    expect((await call(t.app, "GET", `${base}/${id}/questions`)).json()).toEqual({ questions: [] });
    expect(
      (await call(t.app, "GET", `${base}/${id}/questions`, s.commissioner)).json().questions[0].askedBy,
    ).toBe("Millbrook Carers' Trust");
    const answer = `${base}/${id}/questions/${questionId}/answer`;
    expect((await call(t.app, "POST", answer, s.charity, { answer: "Yes" })).statusCode).toBe(403);
    // An unanswered question is for the authority's editors and the asker: to anyone else, not found.
    expect((await call(t.app, "POST", answer, s.districtAdmin, { answer: "Yes" })).statusCode).toBe(404);
    const answered = await call(t.app, "POST", answer, s.commissioner, {
      answer: "Yes, from April 2027.",
      publishedQuestion: "Is the new Eastfield estate included?",
    });
    expect(answered.statusCode).toBe(200);
    expect((await call(t.app, "POST", answer, s.commissioner, { answer: "Again" })).statusCode).toBe(409);
    // Answered, it is published: another authority's administrator is refused (403), not 409.
    expect((await call(t.app, "POST", answer, s.districtAdmin, { answer: "Again" })).statusCode).toBe(403);
    const published = (await call(t.app, "GET", `${base}/${id}/questions`)).json();
    expect(published.questions).toEqual([
      expect.objectContaining({
        number: 1,
        question: "Is the new Eastfield estate included?",
        answer: "Yes, from April 2027.",
        askedBy: null,
      }),
    ]);
    expect(JSON.stringify(published)).not.toContain("Carers");
    // Amendments: never bringing the deadline forward (422, nothing written); published with the reason.
    const amendments = `${base}/${id}/amendments`;
    const before = await rowCounts();
    const earlier = await call(t.app, "POST", amendments, s.commissioner, {
      reason: "Sooner",
      changes: { submissionDeadline: "2027-01-14T12:00:00Z" },
    });
    expect(earlier.statusCode).toBe(422);
    expect((await call(t.app, "GET", amendments)).json()).toEqual({ amendments: [] });
    expect(await rowCounts()).toEqual(before);
    expect(
      (await call(t.app, "POST", amendments, s.charity, { reason: "x", changes: { title: "x" } })).statusCode,
    ).toBe(403);
    const made = await call(t.app, "POST", amendments, s.commissioner, {
      reason: "The Eastfield estate is included from April 2027.",
      changes: { description: "Home care across Westshire, including the Eastfield estate from April 2027." },
    });
    expect(made.statusCode).toBe(201);
    expect(made.json()).toMatchObject({ number: 1, changed: ["description"], bidsReceived: false });
    expect((await call(t.app, "GET", amendments)).json().amendments).toHaveLength(1);
    expect((await call(t.app, "GET", `${base}/${id}`)).json().description).toContain("Eastfield");
  });

  it("takes a bid with a receipt the bidder can check, and anyone can look up by its hash", async () => {
    const view = (await call(t.app, "GET", `${base}/${id}`)).json();
    const quality = view.criteria.find((c: { kind: string }) => c.kind === "quality");
    const body = {
      organisationId: DEMO_ORGANISATION.carersTrust,
      answers: [{ criterionId: quality.id, text: "We are local." }],
      price: "£250,000",
      documents: [
        {
          filename: "method.txt",
          contentBase64: Buffer.from("Our method statement: rota by postcode.").toString("base64"),
        },
      ],
    };
    expect((await call(t.app, "POST", `${base}/${id}/bids`, undefined, body)).statusCode).toBe(401);
    expect((await call(t.app, "POST", `${base}/${id}/bids`, s.commissioner, body)).statusCode).toBe(403);
    const submitted = await call(t.app, "POST", `${base}/${id}/bids`, s.charity, body);
    expect(submitted.statusCode).toBe(201);
    const json = submitted.json();
    expect(sha256Hex(json.content)).toBe(json.receipt.sha256);
    expect(json.receipt.receivedAt).toBe("2026-11-22T10:00:00.000Z");
    receipt = json.receipt;
    const checked = await call(t.app, "GET", `${base}/${id}/receipts/${receipt.sha256}`);
    expect(checked.statusCode).toBe(200);
    expect(checked.json()).toMatchObject({ receivedAt: receipt.receivedAt, status: "current" });
    expect(JSON.stringify(checked.json())).not.toContain(DEMO_ORGANISATION.carersTrust);
    const mine = await call(
      t.app,
      "GET",
      `${base}/${id}/bids/mine?organisationId=${DEMO_ORGANISATION.carersTrust}`,
      s.charity,
    );
    expect(mine.json().receipts).toHaveLength(1);
    expect((await call(t.app, "GET", `${base}/${id}`, s.commissioner)).json().bidCount).toBe(1);
    // Nothing readable in the files beside the database either (files, keys).
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true }))
        if (entry.isDirectory()) walk(path.join(dir, entry.name));
        else files.push(fs.readFileSync(path.join(dir, entry.name), "latin1"));
    };
    walk(t.deps.config.dataDir);
    expect(files.length).toBeGreaterThan(0);
    for (const content of files) {
      expect(content).not.toContain("We are local.");
      expect(content).not.toContain("25000000");
      expect(content).not.toContain("rota by postcode");
    }
    const documents = JSON.stringify(await t.deps.db.selectFrom("bid_documents").selectAll().execute());
    expect(documents).not.toContain("rota by postcode");
    expect(documents).not.toContain("method.txt");
    expect(json.content).toContain("method.txt");
    // Sealed: nobody reads it before opening (409 for an opener, 403 for anyone else).
    expect((await call(t.app, "GET", `${base}/${id}/bids`, s.opener1)).statusCode).toBe(409);
    expect((await call(t.app, "GET", `${base}/${id}/bids`, s.platformAdmin)).statusCode).toBe(403);
    expect((await call(t.app, "GET", `${base}/${id}/bids`, s.commissioner)).statusCode).toBe(403);
    expect(
      (await call(t.app, "GET", `${base}/${id}/bids/${json.receipt.bidId}/documents/1`, s.opener1))
        .statusCode,
    ).toBe(409);
    // Bad shares: 422, nothing written.
    const before = await rowCounts();
    const shares = await call(t.app, "POST", `${base}/${id}/bids`, s.charity, {
      ...body,
      consortium: {
        leadShareBp: 5000,
        members: [{ name: "Partner", role: "partner", sector: "charity", sizeBand: "small", shareBp: 4000 }],
      },
    });
    expect(shares.statusCode).toBe(422);
    expect(await rowCounts()).toEqual(before);
    // At the deadline instant: 409, nothing written — not even its document, sealed before the
    // time of receipt was read.
    const storedFiles = () => fs.readdirSync(path.join(t.deps.config.dataDir, "files"), { recursive: true });
    const filesBefore = storedFiles();
    await moveClockTo(new Date(DEADLINE));
    const late = await call(t.app, "POST", `${base}/${id}/bids`, s.charity, body);
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe("tender_closed");
    expect(await rowCounts()).toEqual(before);
    expect(storedFiles()).toEqual(filesBefore);
  });

  it("opens only with two distinct bid openers signed in with two-factor; then shows the bids to them", async () => {
    const before = await rowCounts();
    expect((await call(t.app, "POST", `${base}/${id}/opening`)).statusCode).toBe(401);
    expect((await call(t.app, "POST", `${base}/${id}/opening`, s.platformAdmin)).statusCode).toBe(403);
    expect((await call(t.app, "POST", `${base}/${id}/opening`, s.commissioner)).statusCode).toBe(403);
    expect(await rowCounts()).toEqual(before);
    const first = await call(t.app, "POST", `${base}/${id}/opening`, s.opener1);
    expect(first.json()).toMatchObject({ state: "awaiting-second-opener", alreadyConfirmed: false });
    // The first opener again: still waiting for a second, different opener (200, nothing changed).
    const again = await call(t.app, "POST", `${base}/${id}/opening`, s.opener1);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ state: "awaiting-second-opener", alreadyConfirmed: true });
    const second = await call(t.app, "POST", `${base}/${id}/opening`, s.opener2);
    expect(second.json()).toMatchObject({ state: "opened", bidsOpened: 1, broken: 0 });
    const bids = await call(t.app, "GET", `${base}/${id}/bids`, s.opener1);
    expect(bids.statusCode).toBe(200);
    expect(bids.json().bids[0]).toMatchObject({
      integrity: "verified",
      receipt: { sha256: receipt.sha256 },
      content: { pricePence: "25000000", bidder: { organisationId: DEMO_ORGANISATION.carersTrust } },
    });
    expect((await call(t.app, "GET", `${base}/${id}`)).json().state).toBe("opened");
    const bidId = bids.json().bids[0].receipt.bidId;
    const doc = await call(t.app, "GET", `${base}/${id}/bids/${bidId}/documents/1`, s.opener2);
    expect(doc.statusCode).toBe(200);
    expect(doc.body).toBe("Our method statement: rota by postcode.");
    expect(
      (await call(t.app, "GET", `${base}/${id}/bids/${bidId}/documents/1`, s.platformAdmin)).statusCode,
    ).toBe(403);
    expect((await call(t.app, "GET", `${base}/${id}/bids/${bidId}/documents/2`, s.opener2)).statusCode).toBe(
      404,
    );
    // The document is sealed in the file store: one byte changed there and it is refused (409).
    const row = await t.deps.db
      .selectFrom("bid_documents")
      .selectAll()
      .where("bid_id", "=", bidId)
      .executeTakeFirstOrThrow();
    const sealedPath = path.join(t.deps.config.dataDir, "files", row.sealed_file as string);
    const original = fs.readFileSync(sealedPath);
    const altered = Buffer.from(original);
    altered[100] = (altered[100] ?? 0) ^ 1;
    fs.writeFileSync(sealedPath, altered);
    const broken = await call(t.app, "GET", `${base}/${id}/bids/${bidId}/documents/1`, s.opener2);
    expect(broken.statusCode).toBe(409);
    expect(broken.json().error.code).toBe("seal_broken");
    expect(broken.body).not.toContain("rota by postcode");
    fs.writeFileSync(sealedPath, original);
    // A document sealed before documents were streamed (text in the database) still opens.
    const keys = await t.deps.db
      .selectFrom("tender_keys")
      .select("public_key")
      .where("tender_id", "=", id)
      .executeTakeFirstOrThrow();
    const legacy = seal(
      keys.public_key,
      `${row.authority_id}/${id}/${bidId}/documents/1`,
      "Our method statement: rota by postcode.",
    );
    await sql`alter table bid_documents disable trigger bid_documents_immutable`.execute(t.deps.db);
    await t.deps.db
      .updateTable("bid_documents")
      .set({ sealed: legacy, sealed_file: null })
      .where("bid_id", "=", bidId)
      .execute();
    await sql`alter table bid_documents enable trigger bid_documents_immutable`.execute(t.deps.db);
    const fromText = await call(t.app, "GET", `${base}/${id}/bids/${bidId}/documents/1`, s.opener2);
    expect(fromText.body).toBe("Our method statement: rota by postcode.");
    // Cancelling, with a published reason: for the authority's editors only.
    expect((await call(t.app, "POST", `${base}/${id}/cancel`, s.opener1, { reason: "No" })).statusCode).toBe(
      403,
    );
    const cancelled = await call(t.app, "POST", `${base}/${id}/cancel`, s.commissioner, {
      reason: "Funding withdrawn.",
    });
    expect(cancelled.statusCode).toBe(200);
    expect((await call(t.app, "GET", `${base}/${id}`)).json()).toMatchObject({
      state: "cancelled",
      cancelReason: "Funding withdrawn.",
    });
    expect(
      (await call(t.app, "POST", `${base}/${id}/cancel`, s.commissioner, { reason: "Again." })).statusCode,
    ).toBe(409);
    const attempts = await call(t.app, "GET", `${base}/${id}/attempts`, s.platformAdmin);
    expect(attempts.json().attempts.map((a: { action: string }) => a.action)).toContain(
      "tender.opening-refused",
    );
  });
});
