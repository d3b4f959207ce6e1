/**
 * A demo delegation (issue 21, item 6): Westshire County Council delegates the part of its country
 * parks in Kelderby to Kelderby Town Council, with a budget of £85,000 a year, three standards and a
 * review in 120 days; the town council's clerk, Tom Ashworth (an account made here, acting for the
 * town council), reports its delivery of the first quarter. Through the module's services on a clock
 * set to each day, counted back from the day the demo is seeded. Fixed ids (`…-0000000a1NNN`).
 */
import { type Clock, fixedClock } from "../../lib/clock.ts";
import { addDays, londonToday } from "../../lib/london-time.ts";
import type { Principal } from "../../modules/access/access.service.ts";
import { grantRole } from "../../modules/access/access.service.ts";
import type { Ctx } from "../../modules/access/context.ts";
import { createAccount } from "../../modules/accounts/accounts.service.ts";
import { SYSTEM } from "../../modules/audit/audit.service.ts";
import { delegate, submitReport } from "../../modules/delegations/delegations.service.ts";
import type { Seed } from "../seed.ts";
import { DEMO_AREA } from "./areas.ts";
import { DEMO_AUTHORITY } from "./authorities.ts";
import { DEMO_SERVICE } from "./services.ts";
import { DEMO_PASSWORD, demoPrincipal } from "./users.ts";

/** Kelderby Town Council, from the demo organisations (a parish council of the directory). */
export const DEMO_TOWN_COUNCIL = "019a0000-0000-7000-8000-00000000b029";

/** The demo's delegation (a fixed id). */
export const DEMO_DELEGATION = "019a0000-0000-7000-8000-0000000a1001";

/** The town council's clerk: an account acting for it. */
export const DEMO_TOWN_CLERK = {
  id: "019a0000-0000-7000-8000-0000000a1101",
  email: "kelderby-town-council@demo.openps.example",
  displayName: "Tom Ashworth",
} as const;

const PRIYA = "019a0000-0000-7000-8000-00000000c004";

export const demoDelegationsSeed: Seed = {
  name: "demo-delegations",
  description:
    "A demo delegation: Westshire's country parks in Kelderby, delegated to Kelderby Town Council, with a report",
  demo: true,
  async run({ trx, clock, ctx }) {
    const actor = SYSTEM("seed");
    await createAccount(trx, clock, actor, { ...DEMO_TOWN_CLERK, password: DEMO_PASSWORD, verified: true });
    await grantRole(trx, clock, actor, {
      userId: DEMO_TOWN_CLERK.id,
      role: "organisation-admin",
      scopeId: DEMO_TOWN_COUNCIL,
    });
    const now = ctx.clock.now().getTime();
    const today = londonToday(ctx.clock);
    const [priya, clerk] = await Promise.all([
      demoPrincipal(ctx.db, PRIYA),
      demoPrincipal(ctx.db, DEMO_TOWN_CLERK.id),
    ]);
    const acting = (principal: Principal, daysAgo: number): Ctx => ({
      ...ctx,
      clock: fixedClock(new Date(now - daysAgo * 86_400_000)) as Clock,
      principal,
    });
    const day = (daysAgo: number) => addDays(today, -daysAgo);
    await delegate(
      acting(priya, 130),
      DEMO_AUTHORITY.county,
      {
        serviceId: DEMO_SERVICE.countyParks,
        areaCode: DEMO_AREA.kelderby,
        organisationId: DEMO_TOWN_COUNCIL,
        budget: "85000",
        standards: [
          "Paths, benches and play areas inspected every week, and hazards made safe within 24 hours",
          "Grass cut every two weeks from April to September",
          "Litter bins emptied at least three times a week",
        ],
        startsOn: day(120),
        reviewOn: day(-120),
      },
      { id: DEMO_DELEGATION },
    );
    await submitReport(acting(clerk, 25), DEMO_DELEGATION, {
      from: day(120),
      to: day(30),
      delivered:
        "Weekly inspections of Kelderby Country Park and Mill Meadow, a new path surface by the lake, and two volunteer litter picks with the school.",
      spent: "19850.00",
      ratings: ["met", "partly", "met"],
      notes: ["", "Two cuts were missed in the wet weeks of June; the contractor caught up in July.", ""],
    });
  },
};
