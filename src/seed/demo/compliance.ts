/**
 * Demo compliance check of the opened demo tender's bids (issue 5, item 7): the demo authority
 * administrator (also a bid opener, so a reader of the opened bids) finds all three bids compliant —
 * each meets both conditions of participation — and starts evaluation, from which issue 6's demo
 * goes on. And one reserved contract on Westshire County Council's register, awarded before OpenPS
 * to a demo mutual. Through the real services, with the clock moved back. Fictional data; fixed ids.
 */
import { fixedClock } from "../../lib/clock.ts";
import { NO_FILES } from "../../lib/file-store.ts";
import { addMonths, londonDate } from "../../lib/london-time.ts";
import type { Principal } from "../../modules/access/access.service.ts";
import { recordDecision, startEvaluation } from "../../modules/compliance/compliance.service.ts";
import { recordReservedAward } from "../../modules/compliance/reserved-awards.service.ts";
import { tenderKeyringFromKeys } from "../../modules/tenders/sealing.ts";
import { currentBids, type TendersCtx, tenderParts } from "../../modules/tenders/tenders.service.ts";
import type { Seed } from "../seed.ts";
import { DEMO_AUTHORITY } from "./authorities.ts";
import { DEMO_ORGANISATION } from "./organisations.ts";
import { DEMO_TENDER } from "./tenders.ts";

const DEMO_AUTHORITY_ADMIN = "019a0000-0000-7000-8000-00000000c007";
const DAY = 24 * 60 * 60 * 1000;

/** Fixed ids other seeds and tests refer to. */
export const DEMO_RESERVED_AWARD = "019a0000-0000-7000-8000-00000000f101";

const checker: Principal = {
  userId: DEMO_AUTHORITY_ADMIN,
  displayName: "Demo authority administrator",
  grants: [
    { role: "authority-admin", scopeType: "authority", scopeId: DEMO_AUTHORITY.county },
    { role: "bid-opener", scopeType: "authority", scopeId: DEMO_AUTHORITY.county },
  ],
  via: "session",
  twoFactor: true,
};

export const demoComplianceSeed: Seed = {
  name: "demo-compliance",
  description:
    "Demo compliance check of opened bids, evaluation started, and a reserved contract on the register",
  demo: true,
  async run({ ctx }) {
    const now = ctx.clock.now().getTime();
    // The administrator checks, days ago. Only the checks are made: no bid is read, so no key is
    // needed (a placeholder keyring).
    const as = (offsetDays: number): TendersCtx => ({
      db: ctx.db,
      clock: fixedClock(new Date(now + offsetDays * DAY)),
      principal: checker,
      keys: tenderKeyringFromKeys(Buffer.alloc(32, 0x5a)),
      email: false,
      maxDocumentBytes: 20 * 1024 * 1024,
      files: NO_FILES,
    });
    const bids = await currentBids(ctx, DEMO_AUTHORITY.county, DEMO_TENDER.opened);
    const parts = await tenderParts(ctx, DEMO_AUTHORITY.county, DEMO_TENDER.opened);
    for (const bid of bids)
      await recordDecision(as(-28), DEMO_AUTHORITY.county, DEMO_TENDER.opened, bid.id, {
        conditions: parts.conditions.map((_, i) => ({ position: i + 1, met: true })),
        outcome: "compliant",
      });
    await startEvaluation(as(-27), DEMO_AUTHORITY.county, DEMO_TENDER.opened, {});

    const awardedOn = addMonths(londonDate(ctx.clock.now()), -18);
    await recordReservedAward(
      ctx,
      { authorityId: DEMO_AUTHORITY.county, source: "recorded", recordedBy: null },
      {
        organisationId: DEMO_ORGANISATION.communityHealthMutual,
        categoryCode: "community-health",
        awardedOn,
        title: "District nursing and community therapy",
        reference: "WCC-CH-0142",
      },
      DEMO_RESERVED_AWARD,
    );
  },
};
