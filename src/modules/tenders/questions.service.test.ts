/**
 * After publication: registering interest (bidding needs it), clarification questions answered and
 * published without the asker's name, and amendments — the deadline never brought forward, moved by
 * at least the minimum once bids have arrived, everyone registered told (bidders among them), and
 * bidders free to withdraw and bid again. Cancellation tells them too.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../../../tests/support/auth.ts";
import { ctxFor, principalOf } from "../../../tests/support/principals.ts";
import { refused } from "../../../tests/support/refused.ts";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/test-db.ts";
import { settableClock } from "../../lib/clock.ts";
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import { NO_FILES } from "../../lib/file-store.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_ORGANISATION } from "../../seed/demo/organisations.ts";
import { DEMO_PROJECT } from "../../seed/demo/projects.ts";
import type { Principal, Role } from "../access/access.service.ts";
import { verifyAuditChains } from "../audit/audit.service.ts";
import { amendmentsOf, amendTender, cancelTender } from "./amendments.service.ts";
import { receiptsOf, submitBid, withdrawBid } from "./bids.service.ts";
import { publishTender } from "./publication.service.ts";
import {
  answerQuestion,
  askQuestion,
  interestCount,
  questionsFor,
  registerInterest,
} from "./questions.service.ts";
import { tenderKeyringFromKeys } from "./sealing.ts";
import { createTender, type TenderDraft } from "./setup.service.ts";
import type { TendersCtx } from "./tenders.context.ts";
import { tenderOf } from "./tenders.service.ts";

const COUNTY = DEMO_AUTHORITY.county;
const DAY = 24 * 60 * 60 * 1000;
const START = new Date("2026-11-22T10:00:00Z");
const clock = settableClock(START);
const DEADLINE = new Date("2027-01-15T12:00:00Z");
const keys = tenderKeyringFromKeys(Buffer.alloc(32, 3));
const EXTENSION = 10;
let t: TestDatabase;
const people: Record<string, Principal> = {};
const as = (name: string) => people[name] as Principal;
/** The tenders context of someone (null: the public). */
const ctx = (who: string | null): TendersCtx => ({
  ...ctxFor(t.db, clock, who ? as(who) : null),
  keys,
  email: false,
  maxDocumentBytes: 1024 * 1024,
  files: NO_FILES,
});

async function person(name: string, grants: { role: Role; scopeId?: string }[]) {
  const user = await createUser(t.db, { grants });
  people[name] = await principalOf(t.db, user.id);
}

const draft: TenderDraft = {
  projectId: DEMO_PROJECT.countyHomeCare,
  title: "Home care: clarification test",
  description: "Home care across Westshire.",
  procedure: "open",
  pricingMode: "competitive",
  contractTermMonths: 36,
  tupe: { applies: false, staffCount: null, annualCost: null, terms: "" },
  pensionTerms: "",
  vatTreatment: "exempt",
  clarificationDeadline: "2027-01-08T12:00:00Z",
  submissionDeadline: DEADLINE.toISOString(),
  lots: [],
  conditions: ["Registered with the Care Quality Commission"],
  criteria: [
    { kind: "quality", title: "Quality of care", weightBp: 7000 },
    { kind: "price", title: "Price", weightBp: 3000 },
  ],
};

async function openTender(): Promise<string> {
  const { tender } = await createTender(ctx("commissioner"), COUNTY, draft);
  await publishTender(ctx("commissioner"), COUNTY, tender.id, { minimumPeriodDays: 25 });
  return tender.id;
}

const interest = (who: string, tenderId: string, organisationId: string) =>
  registerInterest(ctx(who), COUNTY, tenderId, organisationId);
const ask = async (who: string, tenderId: string, organisationId: string, question: string) =>
  (await askQuestion(ctx(who), COUNTY, tenderId, { organisationId, question })).id;
const answer = async (
  who: string,
  tenderId: string,
  questionId: string,
  text: string,
  publishedQuestion?: string,
) =>
  (await answerQuestion(ctx(who), COUNTY, tenderId, questionId, { answer: text, publishedQuestion })).number;
const amend = (who: string, tenderId: string, changes: TenderDraft, reason: string | undefined) =>
  amendTender(ctx(who), COUNTY, tenderId, changes, reason, { extensionDays: EXTENSION });
async function bid(who: string, tenderId: string, organisationId: string) {
  const view = await tenderOf(ctx(null), COUNTY, tenderId);
  const quality = view.parts.criteria.find((c) => c.kind === "quality");
  return submitBid(ctx(who), COUNTY, tenderId, {
    organisationId,
    answers: [{ criterionId: quality?.id as string, text: "Our approach" }],
    price: "£100,000",
  });
}
const inbox = async (who: string) =>
  t.db
    .selectFrom("notifications")
    .select(["kind", "subject", "body"])
    .where("user_id", "=", as(who).userId)
    .orderBy("created_at")
    .execute();

beforeAll(async () => {
  t = await createTestDatabase({ seededAt: clock.now() });
  await person("commissioner", [{ role: "commissioner", scopeId: COUNTY }]);
  await person("districtCommissioner", [{ role: "commissioner", scopeId: DEMO_AUTHORITY.district }]);
  await person("charity", [{ role: "organisation-member", scopeId: DEMO_ORGANISATION.carersTrust }]);
  await person("mutual", [{ role: "organisation-admin", scopeId: DEMO_ORGANISATION.communityHealthMutual }]);
  await person("company", [{ role: "organisation-admin", scopeId: DEMO_ORGANISATION.homesGroup }]);
  await person("platformAdmin", [{ role: "platform-admin" }]);
}, 120_000);

afterAll(async () => {
  await t.destroy();
});

describe("registering interest", () => {
  it("is needed to bid, is for an organisation one acts for, and only while the tender is open", async () => {
    clock.set(START);
    const id = await openTender();
    expect(await refused(bid("charity", id, DEMO_ORGANISATION.carersTrust))).toBeInstanceOf(ConflictError);
    expect(await refused(interest("charity", id, DEMO_ORGANISATION.homesGroup))).toBeInstanceOf(
      ForbiddenError,
    );
    expect(await refused(interest("platformAdmin", id, DEMO_ORGANISATION.carersTrust))).toBeInstanceOf(
      ForbiddenError,
    );
    expect(await interest("charity", id, DEMO_ORGANISATION.carersTrust)).toEqual({ registered: true });
    expect(await interest("charity", id, DEMO_ORGANISATION.carersTrust)).toEqual({ registered: false });
    expect((await bid("charity", id, DEMO_ORGANISATION.carersTrust)).receipt.status).toBe("current");
    // The team sees how many, nobody else.
    expect(await interestCount(ctx("commissioner"), COUNTY, id)).toBe(1);
    expect(await interestCount(ctx("charity"), COUNTY, id)).toBeNull();
    clock.set(DEADLINE);
    expect(await refused(interest("mutual", id, DEMO_ORGANISATION.communityHealthMutual))).toBeInstanceOf(
      ConflictError,
    );
    clock.set(START);
  });
});

describe("clarification questions", () => {
  it("are answered and published to everyone without the asker's name, and everyone registered is told", async () => {
    clock.set(START);
    const id = await openTender();
    await interest("company", id, DEMO_ORGANISATION.homesGroup);
    const question = "Does Millbrook Carers' Trust's current rota count as evidence of continuity?";
    expect(await refused(ask("charity", id, DEMO_ORGANISATION.carersTrust, "  "))).toBeInstanceOf(
      ValidationError,
    );
    const questionId = await ask("charity", id, DEMO_ORGANISATION.carersTrust, question);
    // The commissioner is told, and sees who asked; the public sees nothing yet; the asker sees its own.
    expect((await inbox("commissioner")).map((n) => n.kind)).toContain("tender.question-asked");
    const forTeam = await questionsFor(ctx("commissioner"), COUNTY, id);
    expect(forTeam).toMatchObject([{ id: questionId, number: null, askedBy: "Millbrook Carers' Trust" }]);
    expect(await questionsFor(ctx(null), COUNTY, id)).toEqual([]);
    expect(await questionsFor(ctx("company"), COUNTY, id)).toEqual([]);
    expect(await questionsFor(ctx("charity"), COUNTY, id)).toMatchObject([{ mine: true, askedBy: null }]);
    // Only the authority's editors answer; the answer is needed. The asker sees its question, so is
    // refused (403); to another authority's commissioner an unanswered question is not to be seen (404).
    expect(await refused(answer("charity", id, questionId, "Yes"))).toBeInstanceOf(ForbiddenError);
    expect(await refused(answer("districtCommissioner", id, questionId, "Yes"))).toBeInstanceOf(
      NotFoundError,
    );
    expect(await refused(answer("commissioner", id, questionId, ""))).toBeInstanceOf(ValidationError);
    const neutral = "Does a provider's current rota count as evidence of continuity?";
    expect(
      await answer("commissioner", id, questionId, "Yes, if it covers the last 12 months.", neutral),
    ).toBe(1);
    expect(await refused(answer("commissioner", id, questionId, "Again"))).toBeInstanceOf(ConflictError);
    // Answered, it is everyone's to see: another authority's commissioner is refused (403), not told it
    // was answered already (409).
    expect(await refused(answer("districtCommissioner", id, questionId, "Again"))).toBeInstanceOf(
      ForbiddenError,
    );
    const published = await questionsFor(ctx(null), COUNTY, id);
    expect(published).toEqual([
      expect.objectContaining({
        number: 1,
        question: neutral,
        answer: "Yes, if it covers the last 12 months.",
      }),
    ]);
    expect(JSON.stringify(published)).not.toContain("Carers' Trust");
    // Everyone registered is told: the asker and the other interested organisation.
    for (const who of ["charity", "company"]) {
      const told = (await inbox(who)).filter((n) => n.kind === "tender.question-answered");
      expect(told.at(-1)?.body).toContain(neutral);
    }
    // A published answer is fixed, even in the database.
    await expect(
      t.db.updateTable("tender_questions").set({ answer: "Changed" }).where("id", "=", questionId).execute(),
    ).rejects.toThrow(/cannot be changed/);
  });

  it("are refused after the clarification deadline", async () => {
    clock.set(START);
    const id = await openTender();
    clock.set(new Date("2027-01-08T12:00:00Z"));
    expect(await refused(ask("charity", id, DEMO_ORGANISATION.carersTrust, "Late?"))).toMatchObject({
      message: expect.stringContaining("The deadline for clarification questions passed"),
    });
    clock.set(START);
  });
});

describe("amendments", () => {
  it("without bids: any change with a reason, the deadline never brought forward", async () => {
    clock.set(START);
    const id = await openTender();
    expect(await refused(amend("commissioner", id, { description: "New words" }, ""))).toBeInstanceOf(
      ValidationError,
    );
    expect(
      await refused(amend("commissioner", id, { description: draft.description }, "No change")),
    ).toBeInstanceOf(UnprocessableError);
    const earlier = await refused(
      amend("commissioner", id, { submissionDeadline: "2027-01-14T12:00:00Z" }, "Shorter"),
    );
    expect(earlier.details[0]?.message).toContain("cannot bring the deadline for bids forward");
    expect(
      await refused(
        amend("commissioner", id, { projectId: DEMO_PROJECT.countyHomeCare.replace(/.$/, "0") }, "Move"),
      ),
    ).toBeInstanceOf(UnprocessableError);
    expect(await refused(amend("charity", id, { description: "x" }, "x"))).toBeInstanceOf(ForbiddenError);
    const amendment = await amend(
      "commissioner",
      id,
      { description: "Home care across Westshire, including the new Eastfield estate." },
      "The Eastfield estate is added.",
    );
    expect(amendment).toMatchObject({ number: 1, changed: ["description"], bids_received: false });
    expect((await tenderOf(ctx(null), COUNTY, id)).tender.description).toContain("Eastfield");
  });

  it("after bids: the deadline must move by the minimum; criteria keep their ids; bidders are told and may bid again", async () => {
    clock.set(START);
    const id = await openTender();
    const before = (await tenderOf(ctx(null), COUNTY, id)).parts.criteria.map((c) => c.id);
    await interest("charity", id, DEMO_ORGANISATION.carersTrust);
    await interest("company", id, DEMO_ORGANISATION.homesGroup);
    await bid("charity", id, DEMO_ORGANISATION.carersTrust);
    clock.set(new Date(START.getTime() + 3 * DAY));
    const tooShort = await refused(
      amend(
        "commissioner",
        id,
        {
          conditions: ["Registered with the CQC", "Insurance of £5m"],
          submissionDeadline: "2027-01-20T12:00:00Z",
        },
        "Insurance added",
      ),
    );
    expect(tooShort).toBeInstanceOf(UnprocessableError);
    expect(tooShort.details[0]?.message).toBe(
      "Bids have arrived, so an amendment must extend the deadline for bids by at least 10 days: move it to midday on 25 January 2027 or later",
    );
    expect(await amendmentsOf(ctx(null), COUNTY, id)).toEqual([]);
    const amendment = await amend(
      "commissioner",
      id,
      {
        conditions: ["Registered with the CQC", "Insurance of £5m"],
        criteria: [
          { kind: "quality", title: "Quality of care and continuity", weightBp: 6000 },
          { kind: "price", title: "Price", weightBp: 4000 },
        ],
        submissionDeadline: "2027-01-25T12:00:00Z",
      },
      "Insurance is added, and price weighs more.",
    );
    expect(amendment).toMatchObject({
      number: 1,
      bids_received: true,
      changed: ["submissionDeadline", "conditions", "criteria"],
    });
    const after = await tenderOf(ctx(null), COUNTY, id);
    expect(after.parts.criteria.map((c) => c.id)).toEqual(before);
    expect(after.tender.submission_deadline.toISOString()).toBe("2027-01-25T12:00:00.000Z");
    // Everyone registered is told — the bidder and the organisation that has not bid alike.
    for (const who of ["charity", "company"]) {
      const told = (await inbox(who)).find((n) => n.kind === "tender.amended");
      expect(told?.subject).toBe("Amendment 1 to the tender: Home care: clarification test");
      expect(told?.body).toContain(
        "The deadline for bids moves from midday on 15 January 2027 to midday on 25 January 2027",
      );
    }
    // The bidder may withdraw and bid again, up to the new deadline.
    await withdrawBid(ctx("charity"), COUNTY, id, DEMO_ORGANISATION.carersTrust);
    clock.set(new Date("2027-01-20T12:00:00Z"));
    expect((await bid("charity", id, DEMO_ORGANISATION.carersTrust)).receipt.status).toBe("current");
    const receipts = await receiptsOf(ctx("charity"), COUNTY, id, DEMO_ORGANISATION.carersTrust);
    expect(receipts.map((r) => r.status)).toEqual(["current", "withdrawn"]);
    // Published amendments are fixed; after the deadline nothing can be amended.
    await expect(
      t.db.deleteFrom("tender_amendments").where("id", "=", amendment.id).execute(),
    ).rejects.toThrow(/cannot be changed/);
    clock.set(new Date("2027-01-25T12:00:00Z"));
    expect(await refused(amend("commissioner", id, { description: "Late" }, "Late"))).toBeInstanceOf(
      ConflictError,
    );
    clock.set(START);
  });

  it("cancellation tells everyone registered, with the reason", async () => {
    clock.set(START);
    const id = await openTender();
    await interest("mutual", id, DEMO_ORGANISATION.communityHealthMutual);
    await cancelTender(ctx("commissioner"), COUNTY, id, "The service is being brought in-house.");
    const told = (await inbox("mutual")).find((n) => n.kind === "tender.cancelled");
    expect(told?.body).toContain("Why: The service is being brought in-house.");
    expect((await verifyAuditChains(t.db)).every((c) => c.ok)).toBe(true);
  });
});
