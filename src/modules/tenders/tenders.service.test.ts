/**
 * Tenders and sealed bids on the real database (PGlite, or PostgreSQL with DATABASE_URL): the set-up
 * rules (weights, pricing modes, s.33 reservation, deadlines, minimum period), publication, and the
 * Annex IV guarantees A1–A7 each as its own test — receipts, no plaintext in the database or files,
 * deadlines and amendment rights, two-person opening after the deadline, visibility after opening,
 * refused attempts recorded — with consortium shares and the reserved-tender rules.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../../../tests/support/auth.ts";
import { ctxFor, principalOf } from "../../../tests/support/principals.ts";
import { refused } from "../../../tests/support/refused.ts";
import { createTestDatabase, TEST_TENDER_KEY, type TestDatabase } from "../../../tests/support/test-db.ts";
import { statusFor } from "../../http/errors.ts";
import { settableClock } from "../../lib/clock.ts";
import { NO_FILES } from "../../lib/file-store.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_ORGANISATION } from "../../seed/demo/organisations.ts";
import { DEMO_PROJECT } from "../../seed/demo/projects.ts";
import { DEMO_TENDER } from "../../seed/demo/tenders.ts";
import type { Principal, Role } from "../access/access.service.ts";
import { systemCtx } from "../access/context.ts";
import { verifyAuditChains } from "../audit/audit.service.ts";
import { declareConflicts } from "../evaluation/declarations.service.ts";
import { cancelTender } from "./amendments.service.ts";
import {
  type BidDraft,
  bidRefusals,
  COPY_HOURS,
  checkReceipt,
  ownBid,
  ownCurrentBids,
  receiptsOf,
  sha256Hex,
  submitBid,
  withdrawBid,
} from "./bids.service.ts";
import { assignEvaluator } from "./evaluators.service.ts";
import { rewrapTenderKeys } from "./keys.service.ts";
import { confirmOpening, openedBids, refusedAttempts } from "./opening.service.ts";
import { publishTender } from "./publication.service.ts";
import { registerInterest } from "./questions.service.ts";
import { readTenderKeyFile, TENDER_KEY_FILE, tenderKeyringFromKeys } from "./sealing.ts";
import { createTender, type TenderDraft, updateTender } from "./setup.service.ts";
import type { TendersCtx } from "./tenders.context.ts";
import { tenderOf } from "./tenders.service.ts";

const COUNTY = DEMO_AUTHORITY.county;
const clock = settableClock(new Date("2026-11-22T10:00:00Z"));
const DEADLINE = new Date("2027-01-15T12:00:00Z");
/** The key the seeded database's demo tenders are sealed under. */
const oldKey = Buffer.from(TEST_TENDER_KEY, "base64");
let keys = tenderKeyringFromKeys(oldKey);
let t: TestDatabase;
const people: Record<string, Principal> = {};

async function person(name: string, grants: { role: Role; scopeId?: string }[], twoFactor = true) {
  const user = await createUser(t.db, { grants });
  people[name] = await principalOf(t.db, user.id, { twoFactor });
  return people[name] as Principal;
}
const as = (name: string) => people[name] as Principal;
/** The tenders context of someone (null: the public), with the current keyring. */
const ctx = (who: string | null): TendersCtx => ({
  ...ctxFor(t.db, clock, who ? as(who) : null),
  keys,
  email: false,
  maxDocumentBytes: 20 * 1024 * 1024,
  files: NO_FILES,
});

const criteria = [
  {
    kind: "quality",
    title: "Quality of care",
    weightBp: 6000,
    subCriteria: [
      { title: "Staffing and continuity", weightBp: 3500 },
      { title: "Safeguarding", weightBp: 2500 },
    ],
  },
  { kind: "social-value", title: "Local employment", weightBp: 1000 },
  { kind: "price", title: "Price", weightBp: 3000 },
];

const tenderDraft = (over: Partial<TenderDraft> = {}): TenderDraft => ({
  projectId: DEMO_PROJECT.countyHomeCare,
  title: "Home care for older people: framework 2027",
  description: "An open framework for home care across Westshire and Millbrook.",
  procedure: "open",
  pricingMode: "competitive",
  contractTermMonths: 48,
  tupe: { applies: true, staffCount: 120, annualCost: "£3,100,000", terms: "NJC terms, 37 hours" },
  pensionTerms: "New Fair Deal: continued access to the Local Government Pension Scheme.",
  vatTreatment: "exempt",
  clarificationDeadline: "2027-01-08T12:00:00Z",
  submissionDeadline: DEADLINE.toISOString(),
  lots: [
    { title: "Westshire", estimatedValue: "£30,000,000" },
    { title: "Millbrook", estimatedValue: "£18,000,000" },
  ],
  conditions: ["Registered with the Care Quality Commission", "Employer's liability insurance of £5m"],
  criteria,
  ...over,
});

const create = async (who: string, d: TenderDraft) => (await createTender(ctx(who), COUNTY, d)).tender.id;
const publish = (who: string, id: string, minimumPeriodDays = 25) =>
  publishTender(ctx(who), COUNTY, id, { minimumPeriodDays });
/** Registers the organisation's interest (when it may: refusals are the bid's to give), then bids. */
const bid = async (who: string, tenderId: string, d: BidDraft) => {
  await registerInterest(ctx(who), COUNTY, tenderId, d.organisationId).catch(() => undefined);
  return submitBid(ctx(who), COUNTY, tenderId, d);
};

let tenderId: string;
let answerIds: string[];
let lotIds: string[];

function answers(prefix: string) {
  return answerIds.map((criterionId, i) => ({ criterionId, text: `${prefix} answer ${i + 1}` }));
}

const countBids = async () =>
  Number(
    (
      await t.db
        .selectFrom("bids")
        .select((eb) => eb.fn.countAll<bigint>().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );

beforeAll(async () => {
  t = await createTestDatabase({ seededAt: clock.now() });
  await person("commissioner", [{ role: "commissioner", scopeId: COUNTY }]);
  await person("districtCommissioner", [{ role: "commissioner", scopeId: DEMO_AUTHORITY.district }]);
  await person("admin", [{ role: "authority-admin", scopeId: COUNTY }]);
  await person("opener1", [{ role: "bid-opener", scopeId: COUNTY }]);
  await person("opener2", [{ role: "bid-opener", scopeId: COUNTY }]);
  await person("opener3", [{ role: "bid-opener", scopeId: COUNTY }], false);
  await person("evaluator", [{ role: "evaluator", scopeId: COUNTY }]);
  await person("otherEvaluator", [{ role: "evaluator", scopeId: COUNTY }]);
  await person("platformAdmin", [{ role: "platform-admin" }]);
  await person("mutual", [{ role: "organisation-admin", scopeId: DEMO_ORGANISATION.communityHealthMutual }]);
  await person("charity", [{ role: "organisation-member", scopeId: DEMO_ORGANISATION.carersTrust }]);
  await person("company", [{ role: "organisation-admin", scopeId: DEMO_ORGANISATION.homesGroup }]);
}, 120_000);

afterAll(async () => {
  await t.destroy();
});

describe("demo data", () => {
  it("has tenders open, closed awaiting opening, and opened", async () => {
    const state = async (id: string) => (await tenderOf(ctx("opener1"), COUNTY, id)).state;
    expect(await state(DEMO_TENDER.open)).toBe("open");
    expect(await state(DEMO_TENDER.closed)).toBe("closed");
    expect(await state(DEMO_TENDER.opened)).toBe("opened");
    expect((await tenderOf(ctx("opener1"), COUNTY, DEMO_TENDER.closed)).bidCount).toBe(3);
    const opened = await openedBids(ctx("opener1"), COUNTY, DEMO_TENDER.opened);
    expect(opened.map((b) => b.integrity)).toEqual(["verified", "verified", "verified"]);
    expect(opened.some((b) => b.content?.consortium?.members.length === 2)).toBe(true);
  });
});

describe("tender set-up", () => {
  it("refuses bad fields (400) naming each, and other authorities' commissioners (403)", async () => {
    const e = await refused(
      create("commissioner", tenderDraft({ title: "", procedure: "auction", criteria: [] })),
    );
    expect(statusFor(e)).toBe(400);
    expect(e.details.map((d) => d.field)).toEqual(expect.arrayContaining(["title", "procedure", "criteria"]));
    expect(statusFor(await refused(create("districtCommissioner", tenderDraft())))).toBe(403);
    expect(statusFor(await refused(create("opener1", tenderDraft())))).toBe(403);
  });

  it("needs award criteria weights adding up to 10,000 basis points, sub-criteria to their parent's", async () => {
    const e = await refused(
      create(
        "commissioner",
        tenderDraft({
          criteria: [
            { kind: "quality", title: "Q", weightBp: 7000 },
            { kind: "price", title: "P", weightBp: 2000 },
          ],
        }),
      ),
    );
    expect(statusFor(e)).toBe(422);
    expect(e.details[0]?.message).toMatch(/add up to 90% .*100% \(10,000 basis points\)/);
    const sub = await refused(
      create(
        "commissioner",
        tenderDraft({
          criteria: [
            { kind: "quality", title: "Q", weightBp: 7000, subCriteria: [{ title: "a", weightBp: 5000 }] },
            { kind: "price", title: "P", weightBp: 3000 },
          ],
        }),
      ),
    );
    expect(statusFor(sub)).toBe(422);
    expect(sub.details[0]?.field).toBe("criteria.0.subCriteria");
  });

  it("lets a fixed price or tariff compete on quality alone: price weight 0, and competitive pricing needs a price weight", async () => {
    const quality = [
      { kind: "quality", title: "Quality", weightBp: 9000 },
      { kind: "social-value", title: "Social value", weightBp: 1000 },
    ];
    const fixed = await create(
      "commissioner",
      tenderDraft({ pricingMode: "fixed-price", fixedPrice: "£19.50", criteria: quality }),
    );
    const view = await tenderOf(ctx("commissioner"), COUNTY, fixed);
    expect(view.tender.fixed_price_pence).toBe(1950n);
    expect(view.state).toBe("draft");
    const withPrice = await refused(
      create("commissioner", tenderDraft({ pricingMode: "fixed-price", fixedPrice: "£19.50" })),
    );
    expect(statusFor(withPrice)).toBe(422);
    expect(withPrice.details[0]?.message).toMatch(/give price a weight of 0/);
    const noPrice = await refused(create("commissioner", tenderDraft({ criteria: quality })));
    expect(statusFor(noPrice)).toBe(422);
    expect(noPrice.details[0]?.message).toMatch(/add a price criterion/);
    expect(
      statusFor(
        await refused(create("commissioner", tenderDraft({ pricingMode: "tariff", criteria: quality }))),
      ),
    ).toBe(400);
  });

  it("reserves to public service mutuals (s.33) only reservable light touch services for at most 5 years", async () => {
    expect(
      await create("commissioner", tenderDraft({ reserved: true, contractTermMonths: 60 })),
    ).toBeTruthy();
    const long = await refused(
      create("commissioner", tenderDraft({ reserved: true, contractTermMonths: 61 })),
    );
    expect(statusFor(long)).toBe(422);
    expect(long.details[0]).toMatchObject({ field: "contractTermMonths" });
    const parks = await refused(
      create(
        "commissioner",
        tenderDraft({ projectId: DEMO_PROJECT.countyParksDraft, reserved: true, tupe: { applies: false } }),
      ),
    );
    expect(statusFor(parks)).toBe(422);
    expect(parks.details[0]).toMatchObject({ field: "reserved" });
  });

  it("needs TUPE details when staff transfer, and the clarification deadline before the bids deadline", async () => {
    const tupe = await refused(
      create("commissioner", tenderDraft({ tupe: { applies: true }, pensionTerms: "" })),
    );
    expect(tupe.details.map((d) => d.field)).toEqual(
      expect.arrayContaining(["tupe.staffCount", "tupe.annualCost", "tupe.terms", "pensionTerms"]),
    );
    const order = await refused(
      create("commissioner", tenderDraft({ clarificationDeadline: "2027-01-16T12:00:00Z" })),
    );
    expect(statusFor(order)).toBe(422);
  });

  it("publishes only with the configured minimum period before the deadline; then the terms are fixed (A3)", async () => {
    tenderId = await create("commissioner", tenderDraft());
    const early = await refused(publish("commissioner", tenderId, 60));
    expect(statusFor(early)).toBe(422);
    expect(early.details[0]?.message).toMatch(/at least 60 days/);
    // A draft is its editors' alone: the authority's other people do not find it (404).
    expect(statusFor(await refused(publish("opener1", tenderId)))).toBe(404);
    const moved = await refused(
      updateTender(ctx("evaluator"), COUNTY, tenderId, { submissionDeadline: "2027-02-01T12:00:00Z" }),
    );
    expect(statusFor(moved)).toBe(404);
    await publish("commissioner", tenderId);
    // Only the authority's editors set the deadline (A3): anyone else is refused (403), before the
    // state (409, its editors are told below).
    const movedLater = await refused(
      updateTender(ctx("evaluator"), COUNTY, tenderId, { submissionDeadline: "2027-02-01T12:00:00Z" }),
    );
    expect(statusFor(movedLater)).toBe(403);
    const view = await tenderOf(ctx(null), COUNTY, tenderId);
    expect(view.state).toBe("open");
    expect(view.bidCount).toBeNull();
    const change = await refused(
      updateTender(ctx("commissioner"), COUNTY, tenderId, { submissionDeadline: "2027-02-01T12:00:00Z" }),
    );
    expect(statusFor(change)).toBe(409);
    expect(statusFor(await refused(publish("commissioner", tenderId)))).toBe(409);
    const project = await t.db
      .selectFrom("projects")
      .selectAll()
      .where("id", "=", DEMO_PROJECT.countyHomeCare)
      .executeTakeFirstOrThrow();
    expect((project as Record<string, unknown>).procurement_started_on).toBe("2026-11-22");
    const criteriaRows = view.parts.criteria;
    answerIds = criteriaRows
      .filter((c) => c.kind !== "price" && !criteriaRows.some((s) => s.parent_id === c.id))
      .map((c) => c.id);
    expect(answerIds).toHaveLength(3);
    lotIds = view.parts.lots.map((l) => l.id);
  });
});

describe("bids", () => {
  it("A1: each bid gets a receipt — server time of receipt and the SHA-256 of its canonical content — the bidder can check", async () => {
    clock.set(new Date("2026-12-01T09:30:00Z"));
    const submitted = await bid("charity", tenderId, {
      organisationId: DEMO_ORGANISATION.carersTrust,
      lotIds: [lotIds[1] as string],
      answers: answers("Carers"),
      price: "£1,234,567.89",
    });
    expect(submitted.receipt.receivedAt.toISOString()).toBe("2026-12-01T09:30:00.000Z");
    expect(sha256Hex(submitted.content)).toBe(submitted.receipt.sha256);
    expect(JSON.parse(submitted.content)).toMatchObject({
      pricePence: "123456789",
      bidder: { organisationId: DEMO_ORGANISATION.carersTrust },
    });
    const checked = await checkReceipt(ctx(null), COUNTY, tenderId, submitted.receipt.sha256);
    expect(checked).toMatchObject({ receivedAt: submitted.receipt.receivedAt, status: "current" });
    const mine = await receiptsOf(ctx("charity"), COUNTY, tenderId, DEMO_ORGANISATION.carersTrust);
    expect(mine.map((r) => r.sha256)).toEqual([submitted.receipt.sha256]);
    expect(
      statusFor(await refused(receiptsOf(ctx("company"), COUNTY, tenderId, DEMO_ORGANISATION.carersTrust))),
    ).toBe(403);
  });

  it("checks bids: every answer, a price in pence, known lots; the bidder's own organisation only", async () => {
    const e = await refused(
      bid("charity", tenderId, { organisationId: DEMO_ORGANISATION.carersTrust, answers: [] }),
    );
    expect(statusFor(e)).toBe(400);
    expect(e.details.length).toBeGreaterThanOrEqual(4);
    expect(
      statusFor(
        await refused(
          bid("charity", tenderId, { organisationId: DEMO_ORGANISATION.homesGroup, answers: answers("x") }),
        ),
      ),
    ).toBe(403);
    expect(
      statusFor(
        await refused(
          bid("platformAdmin", tenderId, {
            organisationId: DEMO_ORGANISATION.homesGroup,
            answers: answers("x"),
          }),
        ),
      ),
    ).toBe(403);
  });

  it("consortium shares of the value must add up to 100%", async () => {
    const consortium = (leadShareBp: number) => ({
      organisationId: DEMO_ORGANISATION.homesGroup,
      lotIds: [lotIds[0] as string],
      answers: answers("Homes consortium"),
      price: "£2,000,000",
      consortium: {
        leadShareBp,
        members: [
          { organisationId: DEMO_ORGANISATION.millbrookHomes, role: "partner", shareBp: 2500 },
          {
            name: "Wesford Handyvan",
            role: "subcontractor",
            sector: "voluntary-community",
            sizeBand: "micro",
            shareBp: 500,
          },
        ],
      },
    });
    const before = await countBids();
    const e = await refused(bid("company", tenderId, consortium(6000)));
    expect(statusFor(e)).toBe(422);
    expect(e.details[0]?.message).toMatch(/add up to 90%/);
    expect(await countBids()).toBe(before);
    const ok = await bid("company", tenderId, consortium(7000));
    const content = JSON.parse(ok.content);
    expect(content.consortium.members[0]).toMatchObject({
      name: expect.any(String),
      sector: expect.any(String),
      shareBp: 2500,
    });
    expect(content.consortium.members[1]).toMatchObject({ name: "Wesford Handyvan", sizeBand: "micro" });
  });

  it("a bid may be replaced or withdrawn while the tender is open; the latest one counts", async () => {
    const first = await bid("mutual", tenderId, {
      organisationId: DEMO_ORGANISATION.communityHealthMutual,
      lotIds,
      answers: answers("Mutual first"),
      price: "£900,000",
    });
    const second = await bid("mutual", tenderId, {
      organisationId: DEMO_ORGANISATION.communityHealthMutual,
      lotIds,
      answers: answers("Mutual second"),
      price: "£950,000",
    });
    expect(second.replaced).toBe(first.receipt.bidId);
    expect((await checkReceipt(ctx(null), COUNTY, tenderId, first.receipt.sha256)).status).toBe("replaced");
    const view = await tenderOf(ctx("commissioner"), COUNTY, tenderId);
    expect(view.bidCount).toBe(3);
    const withdrawn = await withdrawBid(
      ctx("mutual"),
      COUNTY,
      tenderId,
      DEMO_ORGANISATION.communityHealthMutual,
    );
    expect(withdrawn.status).toBe("withdrawn");
    expect((await tenderOf(ctx("commissioner"), COUNTY, tenderId)).bidCount).toBe(2);
    const again = await bid("mutual", tenderId, {
      organisationId: DEMO_ORGANISATION.communityHealthMutual,
      lotIds,
      answers: answers("Mutual final"),
      price: "£975,000.01",
    });
    expect(again.replaced).toBeNull();
    expect((await tenderOf(ctx("commissioner"), COUNTY, tenderId)).bidCount).toBe(3);
  });

  it("A2: nobody can read a bid before opening — not in the tables, the files, nor through the platform", async () => {
    const dump = JSON.stringify(
      await Promise.all(
        ["bids", "bid_copies", "tender_keys", "tender_openings", "audit_events", "notifications", "jobs"].map(
          (table) => sql`select * from ${sql.table(table)}`.execute(t.db).then((r) => r.rows),
        ),
      ),
      (_k, v) => (typeof v === "bigint" ? v.toString() : v),
    );
    // Bids not yet opened (the demo's opened tender aside).
    const bidsDump = JSON.stringify(
      (await sql`select * from bids where integrity is null`.execute(t.db)).rows,
      (_k, v) => (typeof v === "bigint" ? v.toString() : v),
    );
    for (const secret of [
      "Carers answer",
      "Mutual final",
      "Wesford Handyvan",
      "123456789",
      "97500001",
      "Homes consortium",
    ])
      expect(dump).not.toContain(secret);
    // Not even who bid: no organisation or submitting user in the bid rows.
    for (const secret of [
      DEMO_ORGANISATION.carersTrust,
      DEMO_ORGANISATION.homesGroup,
      as("charity").userId,
      as("mutual").userId,
    ])
      expect(bidsDump).not.toContain(secret);
    const audit = JSON.stringify(
      (await sql`select actor_id, changes from audit_events where action like 'bid.%'`.execute(t.db)).rows,
    );
    expect(audit).not.toContain(as("charity").userId);
    expect(audit).not.toContain(DEMO_ORGANISATION.carersTrust);
    // The master key is not in the database.
    expect(dump).not.toContain(oldKey.toString("base64"));
    // Through the platform: only the number of bids, to the authority's tender team.
    for (const who of ["opener1", "commissioner", "admin", "evaluator", "platformAdmin"]) {
      const e = await refused(openedBids(ctx(who), COUNTY, tenderId));
      expect([403, 409]).toContain(statusFor(e));
    }
    expect(statusFor(await refused(openedBids(ctx("opener1"), COUNTY, tenderId)))).toBe(409);
    expect(statusFor(await refused(openedBids(ctx("platformAdmin"), COUNTY, tenderId)))).toBe(403);
  });

  it("the master key lives in a key file beside the database, made on first start", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "openps-keys-"));
    try {
      const made = readTenderKeyFile(dir);
      expect(made).toHaveLength(1);
      expect(fs.statSync(path.join(dir, TENDER_KEY_FILE)).mode & 0o777).toBe(0o600);
      // Not where `openps backup` looks (files/ and keys/ travel with the database).
      expect(TENDER_KEY_FILE.split(path.sep)[0]).not.toMatch(/^(keys|files|pgdata)$/);
      expect(readTenderKeyFile(dir)[0]?.equals(made[0] as Buffer)).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reserved tenders disregard bidders that are not qualifying public service mutuals", async () => {
    clock.set(new Date("2026-11-22T10:00:00Z"));
    const reserved = await create("commissioner", tenderDraft({ reserved: true, contractTermMonths: 36 }));
    await publish("commissioner", reserved);
    const view = await tenderOf(ctx("commissioner"), COUNTY, reserved);
    const ids = view.parts.criteria
      .filter((c) => c.kind !== "price" && !view.parts.criteria.some((s) => s.parent_id === c.id))
      .map((c) => ({ criterionId: c.id, text: "An answer" }));
    const lots = view.parts.lots.map((l) => l.id);
    const e = await refused(
      bid("charity", reserved, {
        organisationId: DEMO_ORGANISATION.carersTrust,
        lotIds: lots,
        answers: ids,
        price: "£1",
      }),
    );
    expect(statusFor(e)).toBe(422);
    expect(e.details[0]?.message).toMatch(/reserved to public service mutuals/);
    const ok = await bid("mutual", reserved, {
      organisationId: DEMO_ORGANISATION.communityHealthMutual,
      lotIds: lots,
      answers: ids,
      price: "£1",
    });
    expect(ok.receipt.status).toBe("current");
  });

  it("a reserved tender's refusal of a non-mutual is known before a bid is written (the bid form's first view)", async () => {
    const reserved = { reserved: true };
    const refusals = await bidRefusals(ctx("charity"), reserved, [
      DEMO_ORGANISATION.carersTrust,
      DEMO_ORGANISATION.communityHealthMutual,
    ]);
    expect([...refusals.keys()]).toEqual([DEMO_ORGANISATION.carersTrust]);
    expect(refusals.get(DEMO_ORGANISATION.carersTrust)).toMatch(/reserved to public service mutuals/);
    expect(
      (await bidRefusals(ctx("charity"), { reserved: false }, [DEMO_ORGANISATION.carersTrust])).size,
    ).toBe(0);
  });

  it("keeps the bidder a copy of what it submitted, locked under a key only it holds, for a day", async () => {
    const before = clock.now();
    clock.set(new Date("2026-11-22T10:00:00Z"));
    const id = await create("commissioner", tenderDraft());
    await publish("commissioner", id);
    const view = await tenderOf(ctx("commissioner"), COUNTY, id);
    const draft = {
      organisationId: DEMO_ORGANISATION.carersTrust,
      lotIds: view.parts.lots.map((l) => l.id),
      answers: view.parts.criteria
        .filter((c) => c.kind !== "price" && !view.parts.criteria.some((x) => x.parent_id === c.id))
        .map((c) => ({ criterionId: c.id, text: "Copy answer, sealed" })),
      price: "£2",
    };
    await registerInterest(ctx("charity"), COUNTY, id, DEMO_ORGANISATION.carersTrust);
    expect((await submitBid(ctx("charity"), COUNTY, id, draft)).copyKey).toBeNull();
    const submitted = await submitBid(ctx("charity"), COUNTY, id, draft, { keepCopy: true });
    const key = submitted.copyKey as string;
    const { bidId } = submitted.receipt;
    expect(await ownBid(ctx("charity"), COUNTY, id, bidId, key)).toMatchObject({
      organisation: { id: DEMO_ORGANISATION.carersTrust, name: "Millbrook Carers' Trust" },
      receipt: { sha256: submitted.receipt.sha256, status: "current" },
      copy: submitted.content,
    });
    // The database holds it locked: not one answer or the price in the clear.
    const locked = JSON.stringify(
      await t.db.selectFrom("bid_copies").selectAll().where("bid_id", "=", bidId).execute(),
    );
    expect(locked).not.toContain("Copy answer");
    expect(locked).not.toContain(DEMO_ORGANISATION.carersTrust);
    // Another key opens nothing; another organisation's people do not find the bid (404).
    const other = Buffer.alloc(32, 7).toString("base64url");
    expect((await ownBid(ctx("charity"), COUNTY, id, bidId, other)).copy).toBeNull();
    expect((await ownBid(ctx("charity"), COUNTY, id, bidId)).copy).toBeNull();
    expect(statusFor(await refused(ownBid(ctx("company"), COUNTY, id, bidId, key)))).toBe(404);
    expect(statusFor(await refused(ownBid(ctx(null), COUNTY, id, bidId, key)))).toBe(401);
    // "You have a bid in": the bidder's own, found by its tag; nobody else's.
    expect((await ownCurrentBids(ctx("charity"), COUNTY, id)).map((b) => b.receipt.bidId)).toEqual([bidId]);
    expect(await ownCurrentBids(ctx("company"), COUNTY, id)).toEqual([]);
    expect(await ownCurrentBids(ctx("commissioner"), COUNTY, id)).toEqual([]);
    // A day: the last millisecond it is there, then gone.
    const hours = COPY_HOURS * 60 * 60 * 1000;
    clock.set(new Date(submitted.receipt.receivedAt.getTime() + hours - 1));
    expect((await ownBid(ctx("charity"), COUNTY, id, bidId, key)).copy).toBe(submitted.content);
    clock.set(new Date(submitted.receipt.receivedAt.getTime() + hours));
    expect((await ownBid(ctx("charity"), COUNTY, id, bidId, key)).copy).toBeNull();
    clock.set(before);
  });

  it("a bid at the deadline instant is refused (409) and nothing is written; the tender is then closed", async () => {
    clock.set(new Date(DEADLINE.getTime() - 1));
    const late = {
      organisationId: DEMO_ORGANISATION.carersTrust,
      lotIds: [lotIds[1] as string],
      answers: answers("Carers late"),
      price: "£1,000,000",
    };
    const inTime = await bid("charity", tenderId, late);
    expect(inTime.receipt.receivedAt.getTime()).toBe(DEADLINE.getTime() - 1);
    clock.set(DEADLINE);
    const before = await countBids();
    const e = await refused(bid("charity", tenderId, late));
    expect(statusFor(e)).toBe(409);
    expect(e.message).toMatch(/deadline for bids passed/);
    expect(await countBids()).toBe(before);
    expect(
      statusFor(await refused(withdrawBid(ctx("charity"), COUNTY, tenderId, DEMO_ORGANISATION.carersTrust))),
    ).toBe(409);
    expect((await tenderOf(ctx(null), COUNTY, tenderId)).state).toBe("closed");
  });
});

describe("cancellation", () => {
  it("cancels a published tender with a published reason; then it takes no bids and is not opened", async () => {
    clock.set(new Date("2026-11-22T10:00:00Z"));
    const draftId = await create("commissioner", tenderDraft({ lots: [] }));
    const cancel = (who: string, id: string, reason: string) => cancelTender(ctx(who), COUNTY, id, reason);
    expect(statusFor(await refused(cancel("commissioner", draftId, "Not needed")))).toBe(409);
    await publish("commissioner", draftId);
    expect(statusFor(await refused(cancel("opener1", draftId, "Not needed")))).toBe(403);
    expect(statusFor(await refused(cancel("commissioner", draftId, "  ")))).toBe(400);
    await cancel("commissioner", draftId, "The council will run the service in-house.");
    const view = await tenderOf(ctx(null), COUNTY, draftId);
    expect(view.state).toBe("cancelled");
    expect(view.tender.cancel_reason).toBe("The council will run the service in-house.");
    const e = await refused(
      bid("charity", draftId, { organisationId: DEMO_ORGANISATION.carersTrust, answers: [] }),
    );
    expect(statusFor(e)).toBe(409);
    expect(e.message).toMatch(/cancelled/);
    expect(statusFor(await refused(cancel("commissioner", draftId, "Again")))).toBe(409);
  });
});

describe("opening", () => {
  it("A4: only after the deadline — an early attempt is refused and recorded", async () => {
    clock.set(new Date("2026-12-10T10:00:00Z"));
    const e = await refused(confirmOpening(ctx("opener1"), COUNTY, tenderId));
    expect(statusFor(e)).toBe(409);
    const attempts = await refusedAttempts(ctx("admin"), COUNTY, tenderId);
    expect(attempts.map((a) => a.action)).toContain("tender.opening-refused");
    expect(
      await t.db.selectFrom("tender_openings").selectAll().where("tender_id", "=", tenderId).execute(),
    ).toHaveLength(0);
    clock.set(new Date(DEADLINE.getTime() + 60_000));
  });

  it("A5: two distinct bid openers, both signed in with two-factor; anyone else refused and recorded, the first again told to wait", async () => {
    expect(statusFor(await refused(confirmOpening(ctx("opener3"), COUNTY, tenderId)))).toBe(403);
    expect(statusFor(await refused(confirmOpening(ctx("platformAdmin"), COUNTY, tenderId)))).toBe(403);
    expect(statusFor(await refused(confirmOpening(ctx("commissioner"), COUNTY, tenderId)))).toBe(403);
    const first = await confirmOpening(ctx("opener1"), COUNTY, tenderId);
    expect(first.state).toBe("awaiting-second-opener");
    // The first opener confirming again opens nothing: still waiting, not refused, nobody alerted.
    const refusedBefore = (await refusedAttempts(ctx("admin"), COUNTY, tenderId)).length;
    const again = await confirmOpening(ctx("opener1"), COUNTY, tenderId);
    expect(again).toMatchObject({
      state: "awaiting-second-opener",
      alreadyConfirmed: true,
      firstConfirmedAt: first.firstConfirmedAt,
    });
    expect(first.alreadyConfirmed).toBe(false);
    expect(await refusedAttempts(ctx("admin"), COUNTY, tenderId)).toHaveLength(refusedBefore);
    expect(statusFor(await refused(openedBids(ctx("opener1"), COUNTY, tenderId)))).toBe(409);
    const second = await confirmOpening(ctx("opener2"), COUNTY, tenderId);
    expect(second).toMatchObject({ state: "opened", bidsOpened: 3, broken: 0 });
    expect(statusFor(await refused(confirmOpening(ctx("opener2"), COUNTY, tenderId)))).toBe(409);
    const reasons = (await refusedAttempts(ctx("admin"), COUNTY, tenderId)).map(
      (a) => (a.changes as { reason: string }).reason,
    );
    expect(reasons).toEqual(
      expect.arrayContaining(["no two-factor", "not a bid opener", "before the deadline"]),
    );
    expect(reasons).not.toContain("same opener twice");
    const inbox = await t.db
      .selectFrom("notifications")
      .select("kind")
      .where("user_id", "=", as("admin").userId)
      .where("kind", "=", "tender.attempt-refused")
      .execute();
    expect(inbox.length).toBeGreaterThanOrEqual(4);
  });

  it("A6: opened bids are visible only to the authority's bid openers and the tender's assigned evaluators", async () => {
    const opened = await openedBids(ctx("opener2"), COUNTY, tenderId);
    expect(opened).toHaveLength(3);
    expect(opened.every((b) => b.integrity === "verified")).toBe(true);
    const mutual = opened.find(
      (b) => b.content?.bidder.organisationId === DEMO_ORGANISATION.communityHealthMutual,
    );
    expect(mutual?.content?.pricePence).toBe("97500001");
    expect(mutual?.content?.answers[0]?.text).toBe("Mutual final answer 1");
    expect(statusFor(await refused(openedBids(ctx("evaluator"), COUNTY, tenderId)))).toBe(403);
    await assignEvaluator(ctx("commissioner"), COUNTY, tenderId, as("evaluator").userId);
    // Only once they have declared no conflict of interest.
    expect(statusFor(await refused(openedBids(ctx("evaluator"), COUNTY, tenderId)))).toBe(409);
    await declareConflicts(ctx("evaluator"), COUNTY, tenderId, { conflict: false });
    expect(await openedBids(ctx("evaluator"), COUNTY, tenderId)).toHaveLength(3);
    for (const who of ["otherEvaluator", "commissioner", "admin", "platformAdmin", "charity"])
      expect(statusFor(await refused(openedBids(ctx(who), COUNTY, tenderId)))).toBe(403);
    const organisations = await t.db
      .selectFrom("bids")
      .select("organisation_id")
      .where("tender_id", "=", tenderId)
      .where("status", "=", "current")
      .execute();
    expect(organisations.map((o) => o.organisation_id).sort()).toEqual(
      [
        DEMO_ORGANISATION.carersTrust,
        DEMO_ORGANISATION.homesGroup,
        DEMO_ORGANISATION.communityHealthMutual,
      ].sort(),
    );
  });

  it("A7: a received bid cannot be changed or deleted in the database; every attempt is on the audit chain, which verifies", async () => {
    await expect(
      sql`update bids set sealed = 'x' where tender_id = ${tenderId}`.execute(t.db),
    ).rejects.toThrow(/cannot be changed/);
    await expect(sql`delete from bids where tender_id = ${tenderId}`.execute(t.db)).rejects.toThrow(
      /cannot be deleted/,
    );
    const reports = await verifyAuditChains(t.db);
    expect(reports.every((r) => r.ok)).toBe(true);
    const actions = (
      await t.db.selectFrom("audit_events").select("action").where("entity_id", "=", tenderId).execute()
    ).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        "tender.published",
        "bid.received",
        "bid.replaced",
        "bid.withdrawn",
        "tender.opening-refused",
        "tender.bids-read-refused",
        "tender.opening-confirmed",
        "tender.opened",
      ]),
    );
  });

  it("A7: sealed content swapped by someone holding the database is detected at opening, recorded and reported", async () => {
    clock.set(new Date("2026-11-22T10:00:00Z"));
    const id = await create("commissioner", tenderDraft({ lots: [] }));
    await publish("commissioner", id);
    const view = await tenderOf(ctx("commissioner"), COUNTY, id);
    const own = view.parts.criteria
      .filter((c) => c.kind !== "price" && !view.parts.criteria.some((s) => s.parent_id === c.id))
      .map((c) => ({ criterionId: c.id, text: "Tampered answer" }));
    await bid("charity", id, { organisationId: DEMO_ORGANISATION.carersTrust, answers: own, price: "£10" });
    await bid("company", id, { organisationId: DEMO_ORGANISATION.homesGroup, answers: own, price: "£20" });
    // Someone with the database alone swaps the two sealed bids (bypassing the trigger).
    await sql`alter table bids disable trigger bids_sealed_immutable`.execute(t.db);
    await sql`
      update bids b set sealed = o.sealed from bids o
      where b.tender_id = ${id} and o.tender_id = ${id} and b.id <> o.id`.execute(t.db);
    await sql`alter table bids enable trigger bids_sealed_immutable`.execute(t.db);
    clock.set(new Date(DEADLINE.getTime() + 60_000));
    await confirmOpening(ctx("opener1"), COUNTY, id);
    expect(await confirmOpening(ctx("opener2"), COUNTY, id)).toMatchObject({ bidsOpened: 2, broken: 2 });
    const opened = await openedBids(ctx("opener1"), COUNTY, id);
    expect(opened.map((b) => b.integrity)).toEqual(["broken", "broken"]);
    expect(opened.every((b) => b.content === null)).toBe(true);
    const attempts = await refusedAttempts(ctx("admin"), COUNTY, id);
    expect(attempts.filter((a) => a.action === "bid.seal-broken")).toHaveLength(2);
    const inbox = await t.db
      .selectFrom("notifications")
      .select("kind")
      .where("user_id", "=", as("admin").userId)
      .where("kind", "=", "tender.seal-broken")
      .execute();
    expect(inbox).toHaveLength(1);
  });

  it("rotating the master key rewraps every tender's keys; bids still open under the new key", async () => {
    const newKey = Buffer.alloc(32, 2);
    const rotated = tenderKeyringFromKeys(newKey, [oldKey]);
    const result = await rewrapTenderKeys(systemCtx(t.db, clock, "key-rotation"), rotated);
    const published = await t.db.selectFrom("tender_keys").select("tender_id").execute();
    expect(result).toEqual({ rewrapped: published.length, unavailable: 0 });
    expect(published.length).toBeGreaterThanOrEqual(10);
    const rows = await t.db.selectFrom("tender_keys").select("master_key_id").execute();
    expect(rows.every((r) => r.master_key_id === rotated.currentKeyId)).toBe(true);
    keys = tenderKeyringFromKeys(newKey);
    expect(await openedBids(ctx("opener1"), COUNTY, tenderId)).toHaveLength(3);
    expect(await rewrapTenderKeys(systemCtx(t.db, clock, "key-rotation"), rotated)).toEqual({
      rewrapped: 0,
      unavailable: 0,
    });
  });

  it("a rewrap stops when aborted, goes on at the next start, and counts keys under a master key it lacks", async () => {
    const newKey = Buffer.alloc(32, 3);
    const rotated = tenderKeyringFromKeys(newKey, [Buffer.alloc(32, 2)]);
    const total = (await t.db.selectFrom("tender_keys").select("tender_id").execute()).length;
    const stop = new AbortController();
    stop.abort();
    expect(await rewrapTenderKeys(systemCtx(t.db, clock, "key-rotation"), rotated, stop.signal)).toEqual({
      rewrapped: 0,
      unavailable: 0,
    });
    // One tender's keys under a key no configuration holds (a database from another deployment).
    const stray = await t.db
      .selectFrom("tender_keys")
      .select(["authority_id", "tender_id"])
      .executeTakeFirstOrThrow();
    await t.db
      .updateTable("tender_keys")
      .set({ master_key_id: "unknown-key" })
      .where("authority_id", "=", stray.authority_id)
      .where("tender_id", "=", stray.tender_id)
      .execute();
    expect(await rewrapTenderKeys(systemCtx(t.db, clock, "key-rotation"), rotated)).toEqual({
      rewrapped: total - 1,
      unavailable: 1,
    });
    const under = await t.db
      .selectFrom("tender_keys")
      .select("master_key_id")
      .distinct()
      .orderBy("master_key_id")
      .execute();
    expect(under.map((r) => r.master_key_id).sort()).toEqual([rotated.currentKeyId, "unknown-key"].sort());
  });
});
