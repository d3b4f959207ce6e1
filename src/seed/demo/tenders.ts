/**
 * Demo tenders (issue 5) for Westshire County Council's home care project: one open for bids (with
 * two sealed bids), one closed and awaiting opening (three sealed bids), and one opened (three
 * bids, one from a consortium, opened by the demo bid opener and the demo authority administrator,
 * who is also given the bid-opener role so that two people can open). Everything goes through the
 * real rules, with the clock moved back for what happened in the past. Fictional data; fixed ids.
 *
 * The tenders' keys are wrapped under the deployment's master key, which the platform hands over
 * with `useDemoTenderKeys` before seeding (the seed context carries no keys). Without it — a test
 * that seeds without an app — a fixed, public demo key is used: such tenders cannot be opened by a
 * server holding another key.
 */
import { fixedClock } from "../../lib/clock.ts";
import type { Principal } from "../../modules/access/access.service.ts";
import { grantRole } from "../../modules/access/access.service.ts";
import { SYSTEM } from "../../modules/audit/audit.service.ts";
import {
  type BidDraft,
  type BidsContext,
  confirmOpening,
  submitBid,
} from "../../modules/tenders/bids.service.ts";
import { answerQuestion, askQuestion, registerInterest } from "../../modules/tenders/questions.service.ts";
import { type TenderKeyring, tenderKeyringFromKeys } from "../../modules/tenders/sealing.ts";
import * as repo from "../../modules/tenders/tenders.service.ts";
import {
  checkTender,
  publishTenderAs,
  recordTender,
  type TenderDraft,
} from "../../modules/tenders/tenders.service.ts";
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

export const demoTendersSeed: Seed = {
  name: "demo-tenders",
  description: "Demo tenders: one open, one closed awaiting opening, one opened, with sealed bids",
  demo: true,
  async run({ trx, clock }) {
    const keys = demoTenderKeys();
    const actor = SYSTEM("seed");
    const now = clock.now().getTime();
    const at = (offsetDays: number) => fixedClock(new Date(now + offsetDays * DAY));
    const tenders = [
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
    for (const t of tenders) {
      const published = at(t.published);
      const deadline = new Date(now + t.deadline * DAY);
      const input = await checkTender(
        trx,
        null,
        DEMO_AUTHORITY.county,
        draft(t.title, t.description, deadline),
      );
      await recordTender(trx, published, actor, DEMO_AUTHORITY.county, input, t.id);
      await publishTenderAs(trx, published, actor, null, DEMO_AUTHORITY.county, t.id, {
        keys,
        minimumPeriodDays: 25,
        // The demo project's procurement start is the projects module's to show (its own tests record it).
        markProjectStarted: false,
      });
    }

    const answersFor = async (tenderId: string, who: string) => {
      const parts = await repo.tenderParts(trx, DEMO_AUTHORITY.county, tenderId);
      return parts.criteria
        .filter((c) => c.kind !== "price")
        .map((c) => ({ criterionId: c.id, text: `${who}: how we meet “${c.title}”.` }));
    };
    const bid = async (
      tenderId: string,
      dayOffset: number,
      organisationId: string,
      d: Omit<BidDraft, "answers">,
    ) => {
      const ctx: BidsContext = {
        db: trx,
        clock: at(dayOffset),
        keys,
        email: false,
        maxDocumentBytes: 20 * 1024 * 1024,
      };
      // Bidding needs registered interest, registered a day before.
      await registerInterest(
        trx,
        at(dayOffset - 1),
        bidder(organisationId),
        DEMO_AUTHORITY.county,
        tenderId,
        organisationId,
      );
      await submitBid(trx, ctx, bidder(organisationId), DEMO_AUTHORITY.county, tenderId, {
        ...d,
        organisationId,
        answers: await answersFor(tenderId, organisationId),
      });
    };
    const consortium = {
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
    // Clarification on the open tender: one question answered (published without the asker's
    // name), one waiting for the commissioner.
    const questionId = await askQuestion(
      trx,
      at(-4),
      bidder(DEMO_ORGANISATION.communityHealthMutual),
      DEMO_AUTHORITY.county,
      DEMO_TENDER.open,
      {
        organisationId: DEMO_ORGANISATION.communityHealthMutual,
        question:
          "Will the transferring staff's mileage allowance be protected after transfer, and is it included in the annual cost given?",
      },
      { email: false },
    );
    await answerQuestion(
      trx,
      at(-3),
      DEMO_COMMISSIONER_PRINCIPAL,
      DEMO_AUTHORITY.county,
      DEMO_TENDER.open,
      questionId,
      {
        answer:
          "Yes. Mileage at 45p a mile is part of the transferring terms and is included in the £912,000 annual cost.",
      },
      { email: false },
    );
    await askQuestion(
      trx,
      at(-1),
      bidder(DEMO_ORGANISATION.carersTrust),
      DEMO_AUTHORITY.county,
      DEMO_TENDER.open,
      {
        organisationId: DEMO_ORGANISATION.carersTrust,
        question: "Can a bid cover only the villages north of the river, or must it cover the whole area?",
      },
      { email: false },
    );
    await bid(DEMO_TENDER.open, -2, DEMO_ORGANISATION.carersTrust, { price: "£2,350,000" });
    await bid(DEMO_TENDER.open, -1, DEMO_ORGANISATION.communityHealthMutual, { price: "£2,410,000" });
    for (const tenderId of [DEMO_TENDER.closed, DEMO_TENDER.opened]) {
      const day = tenderId === DEMO_TENDER.closed ? -10 : -40;
      await bid(tenderId, day, DEMO_ORGANISATION.carersTrust, { price: "£1,180,000" });
      await bid(tenderId, day, DEMO_ORGANISATION.communityHealthMutual, { price: "£1,240,000" });
      await bid(tenderId, day, DEMO_ORGANISATION.homesGroup, { price: "£1,095,000", consortium });
    }

    await grantRole(trx, clock, actor, {
      userId: DEMO_AUTHORITY_ADMIN,
      role: "bid-opener",
      scopeId: DEMO_AUTHORITY.county,
    });
    const opening: BidsContext = {
      db: trx,
      clock: at(-29),
      keys,
      email: false,
      maxDocumentBytes: 20 * 1024 * 1024,
    };
    await confirmOpening(opening, opener(DEMO_BID_OPENER), DEMO_AUTHORITY.county, DEMO_TENDER.opened);
    await confirmOpening(opening, opener(DEMO_AUTHORITY_ADMIN), DEMO_AUTHORITY.county, DEMO_TENDER.opened);
  },
};
