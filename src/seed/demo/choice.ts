/**
 * Demo data for approved-provider lists (issue 17, items 3 and 7): Westshire County Council's open
 * list for home care (domiciliary care) in Westshire and its districts, with an hourly tariff, and
 * three members from the demo providers registered for it — Greenway Home Care, Kelderby Street Care
 * and Westshire Homes Support (whose home care service's location this seed registers with the demo
 * regulator first, as the regulation seed registers the others) — each with its offer. Each step
 * runs on a clock set to its date. Fictional data; fixed ids.
 */
import { type Clock, fixedClock } from "../../lib/clock.ts";
import { londonToday } from "../../lib/london-time.ts";
import type { Principal } from "../../modules/access/access.service.ts";
import type { Ctx } from "../../modules/access/context.ts";
import { listPeople, personView } from "../../modules/care/care.service.ts";
import { answerArrangement, arrangeService } from "../../modules/choice/arrangements.service.ts";
import { checkList, recordList, recordListPublished } from "../../modules/choice/choice.service.ts";
import { recordJoin, recordOffer } from "../../modules/choice/members.service.ts";
import { recordUnavailable } from "../../modules/choice/unavailable.service.ts";
import { regimeOf } from "../../modules/regulation/regimes.service.ts";
import {
  checkApplication,
  recordApplication,
  recordRegistrationMove,
} from "../../modules/regulation/registration.service.ts";
import type { Seed } from "../seed.ts";
import { DEMO_AREA } from "./areas.ts";
import { DEMO_AUTHORITY } from "./authorities.ts";
import { DEMO_PROVIDER_GREENWAY, DEMO_USERS } from "./users.ts";

const org = (n: number) => `019a0000-0000-7000-8000-00000000b${String(n).padStart(3, "0")}`;
const id = (n: number) => `019a0000-0000-7000-8000-0000000c${String(n).padStart(4, "0")}`;

/** Fixed ids other seeds and tests refer to. */
export const DEMO_CHOICE = {
  /** Westshire's open list for home care, with an hourly tariff of £21.50. */
  homeCareList: id(1),
  /** The home care service's location of Westshire Homes Support Ltd, registered for domiciliary care. */
  homesSupportHomeCare: "019a0000-0000-7000-8000-0000000f0c01",
} as const;

/** The members, and their offers. */
export const DEMO_CHOICE_MEMBERS = {
  greenway: org(4),
  kelderbyStreetCare: org(23),
  homesSupport: org(18),
} as const;

const clockAt = (iso: string): Clock => fixedClock(new Date(iso));

async function seedChoice(ctx: Ctx): Promise<void> {
  const at = (iso: string): Ctx => ({ ...ctx, clock: clockAt(iso) });
  const regulator = DEMO_AUTHORITY.regulator;
  const county = DEMO_AUTHORITY.county;
  const application = await checkApplication(ctx, await regimeOf(ctx, regulator), {
    organisationId: DEMO_CHOICE_MEMBERS.homesSupport,
    name: "Westshire Homes Support – Home Care",
    addressLine1: "Homes House, 1 Canal Street",
    town: "Wesford",
    postcode: "WS3 5HG",
    areaCode: DEMO_AREA.westshire,
    capacity: 45,
    capacityUnit: "people",
    registeredManager: "Priya Shah",
    serviceTypes: ["domiciliary-care"],
    activities: ["personal-care"],
  });
  await recordApplication(
    at("2026-06-01T09:00:00Z"),
    regulator,
    application,
    DEMO_CHOICE.homesSupportHomeCare,
  );
  await recordRegistrationMove(
    at("2026-07-20T09:00:00Z"),
    regulator,
    DEMO_CHOICE.homesSupportHomeCare,
    "registered",
    "The provider showed it can meet the fundamental standards.",
  );

  const list = await checkList(ctx, {
    title: "Home care in Westshire",
    categoryCode: "domiciliary-care",
    areaCodes: [DEMO_AREA.westshire, DEMO_AREA.millbrook, DEMO_AREA.westshireVale, DEMO_AREA.kelderby],
    tariff: "21.50",
    tariffUnit: "hour",
    conditions:
      "Visits of at least 30 minutes; carers paid the Real Living Wage and for their travel time; the same small team for each person wherever possible.",
    excludeInadequate: true,
  });
  await recordList(at("2026-09-28T10:00:00Z"), county, list, DEMO_CHOICE.homeCareList);
  await recordListPublished(at("2026-10-01T09:00:00Z"), county, DEMO_CHOICE.homeCareList);
  const members: [string, string, { capacity: number; pricePence: bigint | null }][] = [
    [DEMO_CHOICE_MEMBERS.greenway, "2026-10-02T11:00:00Z", { capacity: 120, pricePence: null }],
    [DEMO_CHOICE_MEMBERS.kelderbyStreetCare, "2026-10-06T14:30:00Z", { capacity: 35, pricePence: 2240n }],
    [DEMO_CHOICE_MEMBERS.homesSupport, "2026-10-09T09:15:00Z", { capacity: 60, pricePence: 2100n }],
  ];
  for (const [organisationId, joinedAt, offer] of members) {
    await recordJoin(at(joinedAt), county, DEMO_CHOICE.homeCareList, organisationId);
    await recordOffer(at("2026-11-16T09:00:00Z"), county, DEMO_CHOICE.homeCareList, organisationId, {
      capacity: offer.capacity,
      capacityUnit: "hours-a-week",
      pricePence: offer.pricePence,
    });
  }
}

export const demoChoiceSeed: Seed = {
  name: "demo-choice",
  description: "Demo approved-provider lists: Westshire's open list for home care with its members' offers",
  demo: true,
  async run({ ctx }) {
    await seedChoice(ctx);
    await seedArrangements(ctx);
  },
};

const signedInAs = (userId: string, grants: Principal["grants"]): Principal => ({
  userId,
  displayName: "",
  grants,
  via: "session",
  twoFactor: true,
});

/**
 * Arrangements and "choice not available" (issue 17, items 5 and 7), through the services as the
 * people would: Joan (as herself, the demo citizen) arranges 10 hours a week of home care with
 * Greenway Home Care at the list's tariff from her direct payment, and Greenway's administrator
 * accepts; the care staff arrange 6 hours a week with Greenway for Tomos from his managed account,
 * waiting for Greenway; and record for Arthur that choice was not available, waiting for the
 * authority's answer.
 */
async function seedArrangements(ctx: Ctx): Promise<void> {
  const county = DEMO_AUTHORITY.county;
  const userOf = (role: string, scopeId?: string) =>
    DEMO_USERS.find((u) => u.role === role && (scopeId === undefined || u.scopeId === scopeId))?.id as string;
  const staff = {
    ...ctx,
    principal: signedInAs(userOf("care-staff"), [
      { role: "care-staff", scopeType: "authority", scopeId: county },
    ]),
  };
  const citizen = { ...ctx, principal: signedInAs(userOf("citizen"), []) };
  const provider = {
    ...ctx,
    principal: signedInAs(userOf("organisation-admin", DEMO_PROVIDER_GREENWAY), [
      { role: "organisation-admin", scopeType: "organisation", scopeId: DEMO_PROVIDER_GREENWAY },
    ]),
  };
  const personOf = async (name: string) => {
    const found = (await listPeople(staff, county, { text: name })).people[0];
    if (!found) return undefined;
    return personView(staff, county, found.id);
  };
  const today = londonToday(ctx.clock);
  const homeCare = {
    organisationId: DEMO_CHOICE_MEMBERS.greenway,
    listId: DEMO_CHOICE.homeCareList,
    startsOn: today,
  };
  const joan = await personOf("Joan Whitfield");
  const joanPlan = joan?.plans[0]?.plan.id;
  if (joan && joanPlan) {
    const a = await arrangeService(citizen, county, joan.person.id, {
      ...homeCare,
      planId: joanPlan,
      paidFrom: "direct-payment",
      needId: joan.needs.find((n) => n.description.startsWith("Help to wash"))?.id ?? "",
      description: "Help to wash and dress each morning, an hour and a half on weekdays.",
      unitsPerWeek: "10",
    });
    await answerArrangement(provider, county, a.id, { accept: true });
  }
  const tomos = await personOf("Tomos Rees");
  const tomosPlan = tomos?.plans[0]?.plan.id;
  if (tomos && tomosPlan)
    await arrangeService(staff, county, tomos.person.id, {
      ...homeCare,
      planId: tomosPlan,
      paidFrom: "managed-account",
      description: "Support to get to his voluntary work, Tuesday and Thursday mornings.",
      unitsPerWeek: "6",
    });
  const arthur = await personOf("Arthur Pennington");
  if (arthur)
    await recordUnavailable(staff, county, arthur.person.id, {
      needId: arthur.needs[0]?.id ?? "",
      categoryCode: "domiciliary-care",
      areaCode: arthur.person.area_code,
      tried:
        "Greenway Home Care: no carers free for the night-time check he needs. Kelderby Street Care: does not visit his village. Westshire Homes Support: can only offer daytime visits.",
    });
}
