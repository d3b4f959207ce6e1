/**
 * Demo saved searches (issue 5, item 3): the demo organisation administrator (Olu Adeyemi, of
 * Westshire Community Health CIC) follows home care in Westshire with email alerts on, and has
 * been alerted — in the inbox only, as seeds never email — of the open demo tender it matches.
 * Made through the real rules. Fictional data; fixed ids.
 */
import type { Principal } from "../../modules/access/access.service.ts";
import { alertSavedSearches } from "../../modules/opportunities/alerts.service.ts";
import { saveSearch } from "../../modules/opportunities/saved-searches.service.ts";
import type { Seed } from "../seed.ts";
import { DEMO_AREA } from "./areas.ts";
import { DEMO_AUTHORITY } from "./authorities.ts";
import { DEMO_TENDER } from "./tenders.ts";

/** Fixed ids other seeds and tests refer to. */
export const DEMO_SAVED_SEARCH = {
  homeCare: "019a0000-0000-7000-8000-000000005501",
} as const;

/** The demo organisation administrator (src/seed/demo/users.ts). */
export const DEMO_SEARCHER = "019a0000-0000-7000-8000-00000000c002";

export const demoOpportunitiesSeed: Seed = {
  name: "demo-opportunities",
  description: "Demo saved searches with alerts",
  demo: true,
  async run({ ctx }) {
    const searcher: Principal = {
      userId: DEMO_SEARCHER,
      displayName: "Olu Adeyemi",
      grants: [],
      via: "session",
      twoFactor: true,
    };
    await saveSearch(
      { db: ctx.db, clock: ctx.clock, principal: searcher },
      {
        name: "Home care in Westshire",
        alerts: true,
        criteria: { category: ["domiciliary-care"], area: [DEMO_AREA.westshire] },
      },
      { id: DEMO_SAVED_SEARCH.homeCare },
    );
    // The alert the open demo tender's job would send; the job then finds it sent and sends nothing.
    await alertSavedSearches(
      ctx,
      { authorityId: DEMO_AUTHORITY.county, tenderId: DEMO_TENDER.open },
      { email: false },
    );
  },
};
