/**
 * For the compliance, evaluation and award tests: the people of a test, their tenders context, and
 * tenders published, bid for and opened through the real services (the tenders module's), so that
 * each test starts from opened bids.
 */
import { createUser } from "../../../tests/support/auth.ts";
import { ctxFor, principalOf } from "../../../tests/support/principals.ts";
import { TEST_TENDER_KEY } from "../../../tests/support/test-db.ts";
import type { Db } from "../../db/database.ts";
import type { Clock } from "../../lib/clock.ts";
import { NO_FILES } from "../../lib/file-store.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_PROJECT } from "../../seed/demo/projects.ts";
import type { Principal, Role } from "../access/access.service.ts";
import { submitBid } from "../tenders/bids.service.ts";
import { confirmOpening } from "../tenders/opening.service.ts";
import { publishTender } from "../tenders/publication.service.ts";
import { registerInterest } from "../tenders/questions.service.ts";
import { type TenderKeyring, tenderKeyringFromKeys } from "../tenders/sealing.ts";
import { createTender, type TenderDraft } from "../tenders/setup.service.ts";
import type { TenderParts, TendersCtx } from "../tenders/tenders.service.ts";
import { tenderParts } from "../tenders/tenders.service.ts";

export const COUNTY = DEMO_AUTHORITY.county;
/** When tenders are drafted and published. */
export const START = new Date("2026-11-22T10:00:00Z");
/** The submission deadline of the tenders drafted here. */
export const DEADLINE = new Date("2027-01-15T12:00:00Z");
/** After the deadline, when bids are opened: Wednesday 20 January 2027 (London). */
export const AFTER = new Date("2027-01-20T10:00:00Z");

/** The keyring the seeded test databases' demo tenders are sealed under. */
export const testKeys = (): TenderKeyring => tenderKeyringFromKeys(Buffer.from(TEST_TENDER_KEY, "base64"));

/** The people of a test, by name, and each one's tenders context (null: the public). */
export interface People {
  add(name: string, grants: { role: Role; scopeId?: string }[]): Promise<Principal>;
  /** Someone already in the database (a demo user), by name. */
  existing(name: string, userId: string): Promise<Principal>;
  as(name: string): Principal;
  ctx(name: string | null): TendersCtx;
}

export function people(
  db: () => Db,
  clock: Clock,
  options: { keys?: TenderKeyring; email?: boolean; displayName?: (name: string) => string } = {},
): People {
  const known: Record<string, Principal> = {};
  const keys = options.keys ?? testKeys();
  const as = (name: string) => {
    const p = known[name];
    if (!p) throw new Error(`No one called ${name} in this test`);
    return p;
  };
  return {
    async add(name, grants) {
      const user = await createUser(db(), { grants, displayName: options.displayName?.(name) ?? name });
      known[name] = { ...(await principalOf(db(), user.id)), displayName: name };
      return known[name];
    },
    async existing(name, userId) {
      known[name] = { ...(await principalOf(db(), userId)), displayName: name };
      return known[name];
    },
    as,
    ctx: (name) => ({
      ...ctxFor(db(), clock, name === null ? null : as(name)),
      keys,
      email: options.email ?? false,
      maxDocumentBytes: 1024 * 1024,
      files: NO_FILES,
    }),
  };
}

/** A tender of the county's home care project, competitive, with one condition unless told otherwise. */
export function homeCare(over: Partial<TenderDraft> = {}): TenderDraft {
  return {
    projectId: DEMO_PROJECT.countyHomeCare,
    title: "Home care at night",
    description: "Night-time home care across Westshire.",
    procedure: "open",
    pricingMode: "competitive",
    contractTermMonths: 36,
    vatTreatment: "exempt",
    clarificationDeadline: "2027-01-08T12:00:00Z",
    submissionDeadline: DEADLINE.toISOString(),
    conditions: ["Registered with the Care Quality Commission"],
    criteria: [
      { kind: "quality", title: "Quality", weightBp: 7000 },
      { kind: "price", title: "Price", weightBp: 3000 },
    ],
    ...over,
  };
}

export interface Bidder {
  who: string;
  organisationId: string;
  price?: string;
}

/** An answer to each criterion but price and accreditation, as bidders give them unless told otherwise. */
export const answersTo = (parts: TenderParts, text: (title: string) => string = () => "How we meet it") =>
  parts.criteria
    .filter((c) => c.kind !== "price" && c.kind !== "accreditation")
    .map((c) => ({ criterionId: c.id, text: text(c.title) }));

/**
 * Drafts and publishes a tender (as `commissioner`), and each bidder registers interest and bids
 * (£1,000 unless told otherwise), all at START. Returns the tender and each bidder's bid id.
 */
export async function tenderWithBids(
  p: People,
  clock: Clock & { set(at: Date): void },
  draft: TenderDraft,
  bidders: readonly Bidder[],
  options: {
    commissioner?: string;
    answers?: (parts: TenderParts) => { criterionId: string; text: string }[];
  } = {},
): Promise<{ tenderId: string; parts: TenderParts; bids: Record<string, string> }> {
  clock.set(START);
  const commissioner = options.commissioner ?? "commissioner";
  const tenderId = (await createTender(p.ctx(commissioner), COUNTY, draft)).tender.id;
  await publishTender(p.ctx(commissioner), COUNTY, tenderId, { minimumPeriodDays: 25 });
  const parts = await tenderParts(p.ctx(null), COUNTY, tenderId);
  const answers = (options.answers ?? answersTo)(parts);
  const bids: Record<string, string> = {};
  for (const b of bidders) {
    await registerInterest(p.ctx(b.who), COUNTY, tenderId, b.organisationId);
    const submitted = await submitBid(p.ctx(b.who), COUNTY, tenderId, {
      organisationId: b.organisationId,
      answers,
      price: b.price ?? "£1,000",
    });
    bids[b.who] = submitted.receipt.bidId;
  }
  return { tenderId, parts, bids };
}

/** Two bid openers open the tender's bids, after the deadline (the clock moves to AFTER). */
export async function openBids(
  p: People,
  clock: Clock & { set(at: Date): void },
  tenderId: string,
  openers: readonly [string, string],
): Promise<void> {
  clock.set(AFTER);
  await confirmOpening(p.ctx(openers[0]), COUNTY, tenderId);
  await confirmOpening(p.ctx(openers[1]), COUNTY, tenderId);
}
