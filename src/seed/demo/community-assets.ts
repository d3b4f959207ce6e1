/**
 * Demo assets of community value (issue 21, part 1): Westshire County Council's list, one entry at
 * each stage of the moratorium — listed with no notice of sale (the Red Lion), in the interim
 * moratorium (the old library), in the full one because Millbrook Carers' Trust asked to bid (the
 * Kings Arms), in the protected period (the community centre), past it (the village shop) — one
 * unsuccessful nomination (the car park) and one nomination awaiting the council's decision (the
 * bowling green). Nominated by Sam Okoro for Millbrook Carers' Trust and decided by Priya, each
 * through the module's services on a clock set to its day: days counted back from the day the demo
 * is seeded, so it stands the same whatever day that is. With coordinates for the register's map.
 * Fixed ids (`…-0000000dNNNN`) so docs/neighbourhoods.md can link to them.
 */
import { type Clock, fixedClock } from "../../lib/clock.ts";
import { addDays, londonToday } from "../../lib/london-time.ts";
import type { Principal } from "../../modules/access/access.service.ts";
import type { Ctx } from "../../modules/access/context.ts";
import {
  decideNomination,
  type NominateInput,
  nominate,
  recordNotice,
  requestToBid,
} from "../../modules/community-assets/community-assets.service.ts";
import type { Seed } from "../seed.ts";
import { DEMO_AUTHORITY } from "./authorities.ts";
import { DEMO_CHARITY_USER } from "./consultations.ts";
import { DEMO_ORGANISATION } from "./organisations.ts";
import { DEMO_USERS, demoPrincipal } from "./users.ts";

const id = (n: number) => `019a0000-0000-7000-8000-0000000d${String(n).padStart(4, "0")}`;

/** The demo's entries (fixed ids). */
export const DEMO_COMMUNITY_ASSETS = {
  /** Listed; no notice of sale. */
  redLion: id(1),
  /** Listed; notice 10 days ago: the interim moratorium. */
  library: id(2),
  /** Listed; notice 60 days ago and a request to bid in time: the full moratorium. */
  kingsArms: id(3),
  /** Listed; notice 100 days ago, no request to bid: the protected period. */
  communityCentre: id(4),
  /** Listed; notice 600 days ago: the protected period has ended. */
  villageShop: id(5),
  /** Not listed: on the list of unsuccessful nominations. */
  carPark: id(6),
  /** Awaiting the council's decision. */
  bowlingGreen: id(7),
} as const;

interface DemoAsset {
  n: number;
  input: NominateInput;
  nominatedDaysAgo: number;
  decided?: { daysAgo: number; outcome: "listed" | "unsuccessful"; reasons: string };
  noticeDaysAgo?: number;
  bidDaysAgo?: number;
}

const place = (latitude: number, longitude: number) => ({ latitude, longitude });
const listed = (daysAgo: number, reasons: string) => ({ daysAgo, outcome: "listed" as const, reasons });

const ASSETS: DemoAsset[] = [
  {
    n: 1,
    input: {
      name: "The Red Lion",
      address: "1 High Street, Wesford",
      postcode: "WS1 2AB",
      area: "Wesford Central",
      description: "A public house with a beer garden and a function room.",
      reasons: "The only pub in the old town: the darts league, the folk club and the quiz meet there.",
      localConnection: "Our members live in Wesford and we run our carers' café in the function room.",
      ownerName: "Bryn Hollis",
      ownerContact: "The Red Lion, 1 High Street, Wesford",
      occupierName: "Kay Morgan",
      occupierContact: "The tenant landlord, at the pub",
      ...place(52.208, -2.012),
    },
    nominatedDaysAgo: 120,
    decided: listed(
      90,
      "The pub furthers the social wellbeing of Wesford: its clubs and the café meet nowhere else.",
    ),
  },
  {
    n: 2,
    input: {
      name: "Old Wesford Library",
      address: "Church Lane, Wesford",
      postcode: "WS1 4LT",
      area: "Wesford Central",
      description: "The Carnegie library building and its garden, closed as a library in 2025.",
      reasons: "Used by the carers' group, a toddlers' group and the local history society every week.",
      localConnection: "Our carers' group has met in the building every Tuesday for eleven years.",
      ownerName: "Westshire Homes Group",
      ownerOrganisationId: DEMO_ORGANISATION.homesGroup,
      ...place(52.214, -2.003),
    },
    nominatedDaysAgo: 200,
    decided: listed(160, "Its rooms are used by community groups every day of the week."),
    noticeDaysAgo: 10,
  },
  {
    n: 3,
    input: {
      name: "The Kings Arms",
      address: "Market Square, Ashby Magna",
      postcode: "WS4 1KA",
      area: "Ashby Magna",
      description: "A village pub with a skittle alley.",
      reasons:
        "The last pub in the village and home of the skittles league and the Christmas lunch for older people.",
      localConnection: "We run the Christmas lunch for older carers in Ashby Magna.",
      ownerName: "Maple Taverns plc",
      ownerIsOrganisation: true,
      ...place(52.251, -2.081),
    },
    nominatedDaysAgo: 340,
    decided: listed(300, "The village's last pub: its use furthers the social interests of Ashby Magna."),
    noticeDaysAgo: 60,
    bidDaysAgo: 50,
  },
  {
    n: 4,
    input: {
      name: "Millbrook Road Community Centre",
      address: "44 Millbrook Road, Wesford",
      postcode: "WS2 8MR",
      area: "Wesford East",
      description: "A single-storey hall with a kitchen and a car park.",
      reasons: "Youth clubs, a food bank and the residents' association meet here.",
      localConnection: "Our members live on the estate the centre serves.",
      ownerName: "Ruth Amberley",
      ...place(52.196, -1.975),
    },
    nominatedDaysAgo: 440,
    decided: listed(400, "The only community hall on the estate."),
    noticeDaysAgo: 100,
  },
  {
    n: 5,
    input: {
      name: "Lower Ashby Village Shop",
      address: "The Green, Lower Ashby",
      postcode: "WS4 6VS",
      area: "Lower Ashby",
      description: "The village shop and post office counter.",
      reasons: "The only shop within five miles; older people without cars depend on it.",
      localConnection: "Our carers shop there for the people they look after.",
      ownerName: "Tom Pryce",
      ...place(52.272, -2.118),
    },
    nominatedDaysAgo: 840,
    decided: listed(800, "The village's only shop and post office counter."),
    noticeDaysAgo: 600,
  },
  {
    n: 6,
    input: {
      name: "Station Road Car Park",
      address: "Station Road, Wesford",
      postcode: "WS1 9SR",
      area: "Wesford Central",
      description: "A surfaced car park of 60 spaces.",
      reasons: "People park here for the Saturday market.",
      localConnection: "Our members use the market.",
      ownerName: "Westshire Rail Properties",
      ownerIsOrganisation: true,
      ...place(52.204, -2.024),
    },
    nominatedDaysAgo: 70,
    decided: {
      daysAgo: 30,
      outcome: "unsuccessful",
      reasons:
        "Parking is an ancillary use: it does not itself further the community's social wellbeing or interests.",
    },
  },
  {
    n: 7,
    input: {
      name: "Wesford Bowling Green",
      address: "Park Road, Wesford",
      postcode: "WS2 3PR",
      area: "Wesford East",
      description: "A bowling green and its pavilion.",
      reasons: "The bowls club has played here since 1923; the pavilion hosts a lunch club.",
      localConnection: "Our carers' lunch club meets in the pavilion.",
      ownerName: "Greenacre Leisure Ltd",
      ownerIsOrganisation: true,
      ...place(52.199, -1.99),
    },
    nominatedDaysAgo: 20,
  },
];

const priyaId = DEMO_USERS.find((u) => u.role === "commissioner" && u.scopeId === DEMO_AUTHORITY.county)
  ?.id as string;

export const demoCommunityAssetsSeed: Seed = {
  name: "demo-community-assets",
  description: "Demo assets of community value: Westshire's list, one at each stage of the moratorium",
  demo: true,
  async run({ ctx }) {
    const now = ctx.clock.now().getTime();
    const today = londonToday(ctx.clock);
    const at = (daysAgo: number): Clock => fixedClock(new Date(now - daysAgo * 86_400_000)) as Clock;
    const person = (userId: string) => demoPrincipal(ctx.db, userId);
    const sam = await person(DEMO_CHARITY_USER.id);
    const priya = await person(priyaId);
    const acting = (principal: Principal, daysAgo: number): Ctx => ({
      ...ctx,
      clock: at(daysAgo),
      principal,
    });
    for (const a of ASSETS) {
      const assetId = id(a.n);
      await nominate(acting(sam, a.nominatedDaysAgo), DEMO_AUTHORITY.county, a.input, { id: assetId });
      if (a.decided)
        await decideNomination(acting(priya, a.decided.daysAgo), assetId, {
          outcome: a.decided.outcome,
          reasons: a.decided.reasons,
        });
      if (a.noticeDaysAgo !== undefined)
        await recordNotice(acting(priya, a.noticeDaysAgo), assetId, { on: addDays(today, -a.noticeDaysAgo) });
      if (a.bidDaysAgo !== undefined) await requestToBid(acting(sam, a.bidDaysAgo), assetId);
    }
  },
};
