/**
 * A demo community budget (issue 21, item 4): Westshire's whole-place budget for living well at
 * home, held by Westshire County Council with four partners — the county, NHS Westshire Integrated
 * Care Board, Millbrook District Council and the Department for Work and Skills — each contributing,
 * and five spends: a commissioned reablement service, a grant to Millbrook Carers' Trust (a
 * community group), a delegated budget, and the two grants of the county's Westshire Community
 * Grants programme (src/seed/demo/grants.ts), each spend naming its grant. Recorded through the module's services on a clock set to
 * each day, counted back from the day the demo is seeded. Fixed ids (`…-0000000bNNNN`).
 */
import { type Clock, fixedClock } from "../../lib/clock.ts";
import { addDays, londonToday } from "../../lib/london-time.ts";
import type { Principal } from "../../modules/access/access.service.ts";
import type { Ctx } from "../../modules/access/context.ts";
import {
  addPartner,
  createPool,
  recordContribution,
  recordSpend,
} from "../../modules/community-budgets/community-budgets.service.ts";
import type { Seed } from "../seed.ts";
import { DEMO_AREA } from "./areas.ts";
import { DEMO_AUTHORITY } from "./authorities.ts";
import { DEMO_GRANTS } from "./grants.ts";
import { demoPrincipal } from "./users.ts";

/** The demo's pool (a fixed id). */
export const DEMO_COMMUNITY_BUDGET = "019a0000-0000-7000-8000-0000000b0001";

const PRIYA = "019a0000-0000-7000-8000-00000000c004";
const PAT = "019a0000-0000-7000-8000-00000000c011";
const DEPARTMENT_COMMISSIONER = "019a0000-0000-7000-8000-00000000c020";

export const demoCommunityBudgetsSeed: Seed = {
  name: "demo-community-budgets",
  description:
    "A demo whole-place community budget: four partners, their contributions and five spends, two paying community grants",
  demo: true,
  async run({ ctx }) {
    const now = ctx.clock.now().getTime();
    const today = londonToday(ctx.clock);
    const person = (userId: string) => demoPrincipal(ctx.db, userId);
    const [priya, pat, dws] = await Promise.all([
      person(PRIYA),
      person(PAT),
      person(DEPARTMENT_COMMISSIONER),
    ]);
    const acting = (principal: Principal, daysAgo: number): Ctx => ({
      ...ctx,
      clock: fixedClock(new Date(now - daysAgo * 86_400_000)) as Clock,
      principal,
    });
    const day = (daysAgo: number) => addDays(today, -daysAgo);
    const pool = DEMO_COMMUNITY_BUDGET;
    await createPool(
      acting(priya, 120),
      DEMO_AUTHORITY.county,
      {
        name: "Westshire Together: living well at home",
        areaCode: DEMO_AREA.westshire,
        purpose:
          "A whole-place budget for helping older and disabled people in Westshire live well at home: reablement after hospital, carers' support and neighbourhood schemes that keep people out of crisis.",
      },
      { id: pool },
    );
    for (const [authorityId, agreed] of [
      [DEMO_AUTHORITY.county, "400000"],
      [DEMO_AUTHORITY.nhs, "300000"],
      [DEMO_AUTHORITY.district, "100000"],
      [DEMO_AUTHORITY.department, "200000"],
    ] as const)
      await addPartner(acting(priya, 120), pool, { authorityId, agreed });
    await recordContribution(acting(priya, 110), pool, {
      partnerAuthorityId: DEMO_AUTHORITY.county,
      amount: "400000",
      on: day(110),
      reference: "WCC-PO-88120",
    });
    await recordContribution(acting(pat, 105), pool, {
      partnerAuthorityId: DEMO_AUTHORITY.nhs,
      amount: "300000",
      on: day(105),
      reference: "ICB-S75-2026-04",
    });
    await recordContribution(acting(pat, 100), pool, {
      partnerAuthorityId: DEMO_AUTHORITY.district,
      amount: "50000",
      on: day(100),
      reference: "MDC-PO-5512",
    });
    await recordContribution(acting(dws, 95), pool, {
      partnerAuthorityId: DEMO_AUTHORITY.department,
      amount: "200000",
      on: day(95),
      reference: "DWS-GRANT-7731",
    });
    await recordSpend(acting(priya, 80), pool, {
      kind: "commissioned",
      payee: "Westshire Community Health CIC",
      payeeIsPerson: false,
      amount: "180000",
      on: day(80),
      description:
        "Reablement at home for six weeks after a hospital stay: the first quarter of the contract.",
    });
    await recordSpend(acting(priya, 60), pool, {
      kind: "grant",
      payee: "Millbrook Carers' Trust",
      payeeIsPerson: false,
      amount: "25000",
      on: day(60),
      description: "A grant for carers' cafés and a sitting service in the Millbrook villages.",
    });
    await recordSpend(acting(priya, 30), pool, {
      kind: "delegated",
      payee: "Kelderby Town Council",
      payeeIsPerson: false,
      amount: "12345.67",
      on: day(30),
      description:
        "A delegated budget for the town's good-neighbour scheme, beside the country parks it runs for the county.",
    });
    // The county's community grants (src/seed/demo/grants.ts), paid from the pool: spends naming them.
    await recordSpend(acting(priya, 20), pool, {
      kind: "grant",
      payee: "Millbrook Carers' Trust",
      payeeIsPerson: false,
      amount: "4800",
      on: day(20),
      description: "Westshire Community Grants: a year of the Millbrook carers' café.",
      grantProgrammeId: DEMO_GRANTS.communityProgramme,
      grantId: DEMO_GRANTS.carersCafe,
    });
    await recordSpend(acting(priya, 15), pool, {
      kind: "grant",
      payee: "Westshire Community Transport",
      payeeIsPerson: false,
      amount: "2500",
      on: day(15),
      description: "Westshire Community Grants: volunteer drivers' expenses for hospital discharge.",
      grantProgrammeId: DEMO_GRANTS.communityProgramme,
      grantId: DEMO_GRANTS.transport,
    });
  },
};
