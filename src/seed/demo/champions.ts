/**
 * Demo consumer champions (issue 17, item 9): Westshire Healthwatch, a verified consumer champion
 * covering Westshire, Millbrook and Westshire Vale, with the demo consumer champion acting for it
 * (the demo users seed gives the role; given again here for a database seeded before champions
 * were scoped, whose platform-wide grant the migration removed) and one published report about home
 * care in Westshire. Fictional data.
 */

import type { Trx } from "../../db/database.ts";
import type { Clock } from "../../lib/clock.ts";
import type { Principal } from "../../modules/access/access.service.ts";
import { grantRole } from "../../modules/access/access.service.ts";
import { SYSTEM } from "../../modules/audit/audit.service.ts";
import { createAuthority } from "../../modules/authorities/authorities.service.ts";
import { peopleActedFor } from "../../modules/care/care.service.ts";
import { appointChampion } from "../../modules/care/champion-links.service.ts";
import { recordChampionArea } from "../../modules/voice/champions.service.ts";
import { publishReport, writeReport } from "../../modules/voice/reports.service.ts";
import type { Seed } from "../seed.ts";
import { DEMO_AREA } from "./areas.ts";
import { DEMO_AUTHORITY } from "./authorities.ts";
import { DEMO_USERS } from "./users.ts";

const CHAMPION_USER = DEMO_USERS.find((u) => u.role === "consumer-champion");

/** The demo champion's published report. */
export const DEMO_CHAMPION_REPORT = "019a0000-0000-7000-8000-0000000ca001";

/** The demo champion's areas. */
export const DEMO_CHAMPION_AREAS = [DEMO_AREA.westshire, DEMO_AREA.millbrook, DEMO_AREA.westshireVale];

export const demoChampionsSeed: Seed = {
  name: "demo-champions",
  description: "Demo consumer champion: Westshire Healthwatch, its areas, its person and a published report",
  demo: true,
  async run({ trx, clock, ctx }) {
    const actor = SYSTEM("seed");
    const championId = DEMO_AUTHORITY.champion;
    await createAuthority(trx, clock, actor, {
      id: championId,
      slug: "westshire-healthwatch",
      name: "Westshire Healthwatch",
      kind: "consumer-champion",
      nation: "england-and-wales",
      country: "england",
      areaCode: DEMO_AREA.westshire,
      website: "https://healthwatch-westshire.example.org.uk",
      verified: true,
    });
    for (const areaCode of DEMO_CHAMPION_AREAS) await recordChampionArea(ctx, championId, areaCode);
    if (!CHAMPION_USER) return;
    await grantRole(trx, clock, actor, {
      userId: CHAMPION_USER.id,
      role: "consumer-champion",
      scopeId: championId,
    });
    // The report is written and published by the demo consumer champion, as they would.
    const principal: Principal = {
      userId: CHAMPION_USER.id,
      displayName: CHAMPION_USER.displayName,
      grants: [{ role: "consumer-champion", scopeType: "champion", scopeId: championId }],
      via: "session",
      twoFactor: false,
    };
    const asChampion = { db: trx, clock, principal };
    const report = await writeReport(asChampion, championId, {
      id: DEMO_CHAMPION_REPORT,
      title: "Home care in Westshire: what people told us",
      summary:
        "We heard from people who receive care at home in Westshire. Most valued their carers, but many said visits were often late or cut short, and few knew they could choose another provider with a direct payment.",
      body: [
        "Over the autumn we spoke to people who receive care and support at home across Westshire, and to the families who help them.",
        "Most people told us their carers were kind and knew them well. The most common concern was time: visits that arrived late, or ended before everything was done.",
        "Few people knew that a direct payment would let them choose another provider, or employ a personal assistant. We ask Westshire County Council to tell everyone whose plan is reviewed what choices their personal budget gives them.",
        "We will look again in the spring at whether people have been told, and at how many records of choice not being available the council has answered.",
      ].join("\n\n"),
      areaCode: DEMO_AREA.westshire,
      serviceType: "domiciliary-care",
    });
    await publishReport(asChampion, championId, report.id);
    await appointDemoChampion(trx, clock, championId);
  },
};

/**
 * Joan Whitfield, as herself (the demo citizen's account is linked to her), appoints Westshire
 * Healthwatch to see her plan and complain for her: its people and she are told in their inboxes.
 */
async function appointDemoChampion(trx: Trx, clock: Clock, championId: string): Promise<void> {
  const citizen = DEMO_USERS.find((u) => u.role === "citizen");
  if (!citizen) return;
  const asJoan = {
    db: trx,
    clock,
    principal: {
      userId: citizen.id,
      displayName: citizen.displayName,
      grants: [],
      via: "session",
      twoFactor: false,
    } satisfies Principal,
  };
  const joan = (await peopleActedFor(asJoan)).find((p) => p.how === "self");
  if (!joan) return;
  await appointChampion(asJoan, joan.authorityId, joan.personId, {
    championId,
    grants: ["see-plan", "complain"],
  });
}
