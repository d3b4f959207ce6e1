/**
 * Demo tenders (issue 5) for Westshire County Council's home care project: one open for bids (with
 * two sealed bids), one closed and awaiting opening (three sealed bids), and one opened (three
 * bids, one from a consortium, opened by the demo bid opener and the demo authority administrator,
 * who is a bid opener too, as the demo commissioner is: src/seed/demo/users.ts). Everything goes through the
 * real rules, with the clock moved back for what happened in the past. Fictional data; fixed ids.
 *
 * The tenders' keys are wrapped under the deployment's master key, which the platform hands over
 * with `useDemoTenderKeys` before seeding (the seed context carries no keys). Without it — a test
 * that seeds without an app — a fixed, public demo key is used: such tenders cannot be opened by a
 * server holding another key.
 */
import { type Clock, fixedClock } from "../../lib/clock.ts";
import { NO_FILES } from "../../lib/file-store.ts";
import type { Principal } from "../../modules/access/access.service.ts";
import type { Ctx } from "../../modules/access/context.ts";
import { type BidDraft, submitBid } from "../../modules/tenders/bids.service.ts";
import { confirmOpening } from "../../modules/tenders/opening.service.ts";
import { recordPublication } from "../../modules/tenders/publication.service.ts";
import { answerQuestion, askQuestion, registerInterest } from "../../modules/tenders/questions.service.ts";
import { type TenderKeyring, tenderKeyringFromKeys } from "../../modules/tenders/sealing.ts";
import { checkTender, recordTender, type TenderDraft } from "../../modules/tenders/setup.service.ts";
import { type TendersCtx, tenderParts } from "../../modules/tenders/tenders.service.ts";
import type { Seed } from "../seed.ts";
import { DEMO_AUTHORITY } from "./authorities.ts";
import { DEMO_ORGANISATION } from "./organisations.ts";
import { DEMO_PROJECT } from "./projects.ts";

/** Fixed ids other seeds and tests refer to. */
export const DEMO_TENDER = {
  open: "019a0000-0000-7000-8000-00000000f001",
  closed: "019a0000-0000-7000-8000-00000000f002",
  opened: "019a0000-0000-7000-8000-00000000f003",
} as const;

const DEMO_BID_OPENER = "019a0000-0000-7000-8000-00000000c006";
const DEMO_AUTHORITY_ADMIN = "019a0000-0000-7000-8000-00000000c007";
const DEMO_ORG_ADMIN = "019a0000-0000-7000-8000-00000000c002";
const DAY = 24 * 60 * 60 * 1000;

let demoKeys: TenderKeyring | undefined;

/** The deployment's keyring, for sealing the demo tenders (called by the platform before seeding). */
export function useDemoTenderKeys(keys: TenderKeyring): void {
  demoKeys = keys;
}

/** The keyring demo tenders are sealed under: the deployment's, or the public demo key without one. */
export function demoTenderKeys(): TenderKeyring {
  return demoKeys ?? tenderKeyringFromKeys(Buffer.alloc(32, 0x5a));
}

function bidder(organisationId: string): Principal {
  return {
    userId: DEMO_ORG_ADMIN,
    displayName: "Demo bidder",
    grants: [{ role: "organisation-admin", scopeType: "organisation", scopeId: organisationId }],
    via: "session",
    twoFactor: true,
  };
}

const DEMO_COMMISSIONER_PRINCIPAL: Principal = {
  userId: "019a0000-0000-7000-8000-00000000c004",
  displayName: "Demo commissioner",
  grants: [{ role: "commissioner", scopeType: "authority", scopeId: DEMO_AUTHORITY.county }],
  via: "session",
  twoFactor: true,
};

function opener(userId: string): Principal {
  return {
    userId,
    displayName: "Demo bid opener",
    grants: [{ role: "bid-opener", scopeType: "authority", scopeId: DEMO_AUTHORITY.county }],
    via: "session",
    twoFactor: true,
  };
}

const criteria = [
  { kind: "quality", title: "Quality of care and continuity", weightBp: 5000 },
  { kind: "social-value", title: "Local jobs and the real living wage", weightBp: 2000 },
  { kind: "price", title: "Price", weightBp: 3000 },
];

function draft(title: string, description: string, deadline: Date): TenderDraft {
  return {
    projectId: DEMO_PROJECT.countyHomeCare,
    title,
    description,
    procedure: "open",
    pricingMode: "competitive",
    contractTermMonths: 48,
    tupe: {
      applies: true,
      staffCount: 34,
      annualCost: "£912,000",
      terms: "NJC terms; 37 hours a week; mileage at 45p.",
    },
    pensionTerms: "New Fair Deal: transferring staff keep access to the Local Government Pension Scheme.",
    vatTreatment: "exempt",
    vatNote: "Home care is exempt from VAT; give prices without VAT.",
    clarificationDeadline: new Date(deadline.getTime() - 7 * DAY).toISOString(),
    submissionDeadline: deadline.toISOString(),
    lots: [],
    conditions: [
      "Registered with the Care Quality Commission for personal care",
      "Employer's liability insurance of at least £5 million",
    ],
    criteria,
  };
}

/** The seed's context, with the clock moved to when each thing happened. */
function demoTime(ctx: Ctx) {
  const extras = {
    keys: demoTenderKeys(),
    email: false,
    maxDocumentBytes: 20 * 1024 * 1024,
    files: NO_FILES,
  };
  const now = ctx.clock.now().getTime();
  return {
    now,
    /** The clock `offsetDays` from now. */
    at: (offsetDays: number) => fixedClock(new Date(now + offsetDays * DAY)),
    /** The seed itself, at that time. */
    system: (clock: Clock): TendersCtx => ({ ...ctx, clock, ...extras }),
    /** Someone acting, at that time. */
    as: (principal: Principal, clock: Clock): TendersCtx => ({ db: ctx.db, clock, principal, ...extras }),
  };
}

type DemoTime = ReturnType<typeof demoTime>;

const DEMO_TENDERS = [
  {
    id: DEMO_TENDER.open,
    title: "Home care in Wesford: framework 2027",
    description: "Personal care at home for older people in Wesford and the surrounding villages.",
    published: -5,
    deadline: 40,
  },
  {
    id: DEMO_TENDER.closed,
    title: "Reablement at home after hospital",
    description:
      "Up to six weeks of reablement for people leaving hospital, to help them live independently.",
    published: -60,
    deadline: -3,
  },
  {
    id: DEMO_TENDER.opened,
    title: "Night-time home care",
    description: "Planned and responsive home care visits between 10pm and 7am across Westshire.",
    published: -120,
    deadline: -30,
  },
];

async function publishDemoTenders(d: DemoTime): Promise<void> {
  for (const t of DEMO_TENDERS) {
    const published = d.system(d.at(t.published));
    const deadline = new Date(d.now + t.deadline * DAY);
    const input = await checkTender(
      published,
      DEMO_AUTHORITY.county,
      draft(t.title, t.description, deadline),
    );
    await recordTender(published, DEMO_AUTHORITY.county, input, t.id);
    await recordPublication(published, DEMO_AUTHORITY.county, t.id, {
      minimumPeriodDays: 25,
      // The demo project's procurement start is the projects module's to show (its own tests record it).
      markProjectStarted: false,
    });
  }
}

/** Clarification on the open tender: one question answered (published without the asker's name), one waiting. */
async function askDemoQuestions(d: DemoTime): Promise<void> {
  const asked = await askQuestion(
    d.as(bidder(DEMO_ORGANISATION.communityHealthMutual), d.at(-4)),
    DEMO_AUTHORITY.county,
    DEMO_TENDER.open,
    {
      organisationId: DEMO_ORGANISATION.communityHealthMutual,
      question:
        "Will the transferring staff's mileage allowance be protected after transfer, and is it included in the annual cost given?",
    },
  );
  await answerQuestion(
    d.as(DEMO_COMMISSIONER_PRINCIPAL, d.at(-3)),
    DEMO_AUTHORITY.county,
    DEMO_TENDER.open,
    asked.id,
    {
      answer:
        "Yes. Mileage at 45p a mile is part of the transferring terms and is included in the £912,000 annual cost.",
    },
  );
  await askQuestion(
    d.as(bidder(DEMO_ORGANISATION.carersTrust), d.at(-1)),
    DEMO_AUTHORITY.county,
    DEMO_TENDER.open,
    {
      organisationId: DEMO_ORGANISATION.carersTrust,
      question: "Can a bid cover only the villages north of the river, or must it cover the whole area?",
    },
  );
}

/** An organisation's bid, `dayOffset` days from now, its interest registered a day before. */
async function demoBid(
  d: DemoTime,
  tenderId: string,
  dayOffset: number,
  organisationId: string,
  bid: Omit<BidDraft, "answers">,
): Promise<void> {
  const parts = await tenderParts(d.system(d.at(0)), DEMO_AUTHORITY.county, tenderId);
  const answers = parts.criteria
    .filter((c) => c.kind !== "price")
    .map((c) => ({
      criterionId: c.id,
      text: `How we meet “${c.title}”: a named team for each area, visits planned by postcode, and a monthly review with the people we support and their families.`,
    }));
  const who = bidder(organisationId);
  await registerInterest(d.as(who, d.at(dayOffset - 1)), DEMO_AUTHORITY.county, tenderId, organisationId);
  await submitBid(d.as(who, d.at(dayOffset)), DEMO_AUTHORITY.county, tenderId, {
    ...bid,
    organisationId,
    answers,
  });
}

const CONSORTIUM = {
  leadShareBp: 7000,
  members: [
    { organisationId: DEMO_ORGANISATION.millbrookHomes, role: "partner", shareBp: 2000 },
    {
      name: "Wesford Night Sitters",
      role: "subcontractor",
      sector: "voluntary-community",
      sizeBand: "micro",
      shareBp: 1000,
    },
  ],
};

async function placeDemoBids(d: DemoTime): Promise<void> {
  await demoBid(d, DEMO_TENDER.open, -2, DEMO_ORGANISATION.carersTrust, { price: "£2,350,000" });
  await demoBid(d, DEMO_TENDER.open, -1, DEMO_ORGANISATION.communityHealthMutual, { price: "£2,410,000" });
  for (const tenderId of [DEMO_TENDER.closed, DEMO_TENDER.opened]) {
    const day = tenderId === DEMO_TENDER.closed ? -10 : -40;
    await demoBid(d, tenderId, day, DEMO_ORGANISATION.carersTrust, { price: "£1,180,000" });
    await demoBid(d, tenderId, day, DEMO_ORGANISATION.communityHealthMutual, { price: "£1,240,000" });
    await demoBid(d, tenderId, day, DEMO_ORGANISATION.homesGroup, {
      price: "£1,095,000",
      consortium: CONSORTIUM,
    });
  }
}

export const demoTendersSeed: Seed = {
  name: "demo-tenders",
  description: "Demo tenders: one open, one closed awaiting opening, one opened, with sealed bids",
  demo: true,
  async run({ ctx }) {
    const d = demoTime(ctx);
    await publishDemoTenders(d);
    await askDemoQuestions(d);
    await placeDemoBids(d);
    const opening = d.at(-29);
    for (const userId of [DEMO_BID_OPENER, DEMO_AUTHORITY_ADMIN])
      await confirmOpening(d.as(opener(userId), opening), DEMO_AUTHORITY.county, DEMO_TENDER.opened);
  },
};
