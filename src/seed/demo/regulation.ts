/**
 * Demo data for regulation (issue 7): the Care Standards Inspectorate's regime and register — demo
 * providers' locations in Westshire and Millbrook with a realistic spread of published ratings
 * (mostly Good, some Outstanding, Requires improvement and Inadequate), rating history, one location
 * in special measures with a warning notice, one rating published with a departure reason, one
 * capped by a breach, a requirement notice and conditions in force, a draft report in its
 * factual-accuracy period with a challenge from the provider, one past its period awaiting
 * publication, a dormant location and an application
 * waiting for a decision. Fictional data; fixed ids. Each step runs on a clock set to its date, so
 * the history reads as it happened (the seed's own clock is "today", 22 November 2026 in the demo).
 */
import { type Clock, fixedClock } from "../../lib/clock.ts";
import type { Ctx } from "../../modules/access/context.ts";
import { recordEnforcement } from "../../modules/regulation/enforcement.service.ts";
import {
  type CheckedInspection,
  recordChallenge,
  recordInspection,
  recordReportPublished,
} from "../../modules/regulation/inspections.service.ts";
import { aggregateRatings } from "../../modules/regulation/ratings.ts";
import { recordRegime, regimeOf } from "../../modules/regulation/regimes.service.ts";
import {
  checkApplication,
  recordApplication,
  recordRegistrationMove,
} from "../../modules/regulation/registration.service.ts";
import type { Rating } from "../../modules/regulation/regulation.service.ts";
import type { Seed } from "../seed.ts";
import { DEMO_AREA } from "./areas.ts";
import { DEMO_AUTHORITY } from "./authorities.ts";

const org = (n: number) => `019a0000-0000-7000-8000-00000000b${String(n).padStart(3, "0")}`;
const id = (n: number) => `019a0000-0000-7000-8000-0000000e${String(n).padStart(4, "0")}`;

const REGULATOR = DEMO_AUTHORITY.regulator;

/** Fixed ids other seeds and tests refer to. */
export const DEMO_LOCATION = {
  greenwayWesford: id(1),
  greenwayMillbrook: id(2),
  carewellRiverside: id(3),
  communityHealthClinic: id(4),
  communityHealthNursing: id(5),
  therapyBrookHouse: id(6),
  nhsCommunityHospital: id(7),
  kelderbyStreetCare: id(8),
  mindCrisisHouse: id(9),
  carewellOakfield: id(10),
  recoveryPathways: id(11),
} as const;

export const DEMO_INSPECTION = {
  /** Outstanding at the Riverside Clinic (the Community Health CIC), published. */
  clinicOutstanding: id(101),
  /** The draft report at the Riverside Clinic, in its factual-accuracy period, challenged. */
  clinicDraft: id(102),
  /** Inadequate at Carewell Riverside: special measures. */
  carewellInadequate: id(103),
  /** Rated with a departure from the aggregated rating, with its reason. */
  nursingDeparture: id(104),
  /** The draft report at Westshire Mind Crisis House, its factual-accuracy period over, awaiting publication. */
  crisisHouseAwaiting: id(105),
} as const;

type R = Rating;
const O: R = "outstanding";
const G: R = "good";
const RI: R = "requires-improvement";
const I: R = "inadequate";

const clockAt = (iso: string): Clock => fixedClock(new Date(iso));

function inspection(
  inspectedOn: string,
  inspectors: string,
  evidenceSummary: string,
  [safe, effective, caring, responsive, wellLed]: [R, R, R, R, R],
  extra: { breach?: string; overall?: R; departureReason?: string } = {},
): CheckedInspection {
  const ratings = { safe, effective, caring, responsive, "well-led": wellLed };
  const aggregation = aggregateRatings(ratings, extra.breach !== undefined);
  return {
    inspectedOn,
    inspectors,
    evidenceSummary,
    ratings,
    breach: extra.breach !== undefined,
    breachDetails: extra.breach ?? "",
    aggregation,
    overall: extra.overall ?? aggregation.overall,
    departureReason:
      extra.overall && extra.overall !== aggregation.overall ? (extra.departureReason ?? "") : null,
  };
}

interface DemoLocation {
  id: string;
  organisationId: string;
  name: string;
  addressLine1: string;
  town: string;
  postcode: string;
  areaCode: string;
  capacity: number;
  capacityUnit: string;
  registeredManager: string;
  serviceTypes: string[];
  activities: string[];
  appliedAt: string;
  registeredAt?: string;
  conditions?: string;
}

const LOCATIONS: DemoLocation[] = [
  {
    id: DEMO_LOCATION.greenwayWesford,
    organisationId: org(4),
    name: "Greenway Home Care – Wesford",
    addressLine1: "Greenway House, 40 London Road",
    town: "Wesford",
    postcode: "WS2 9GH",
    areaCode: DEMO_AREA.westshire,
    capacity: 180,
    capacityUnit: "people",
    registeredManager: "Helen Marsh",
    serviceTypes: ["domiciliary-care"],
    activities: ["personal-care"],
    appliedAt: "2019-02-04T10:00:00Z",
    registeredAt: "2019-04-15T10:00:00Z",
  },
  {
    id: DEMO_LOCATION.greenwayMillbrook,
    organisationId: org(4),
    name: "Greenway Home Care – Millbrook",
    addressLine1: "14 Mill Street",
    town: "Millbrook",
    postcode: "MB1 9GH",
    areaCode: DEMO_AREA.millbrook,
    capacity: 95,
    capacityUnit: "people",
    registeredManager: "Tom Ellery",
    serviceTypes: ["domiciliary-care"],
    activities: ["personal-care"],
    appliedAt: "2020-06-01T10:00:00Z",
    registeredAt: "2020-08-03T10:00:00Z",
  },
  {
    id: DEMO_LOCATION.carewellRiverside,
    organisationId: org(32),
    name: "Carewell Riverside Care Home",
    addressLine1: "Riverside Drive",
    town: "Wesford",
    postcode: "WS9 3RD",
    areaCode: DEMO_AREA.westshire,
    capacity: 62,
    capacityUnit: "beds",
    registeredManager: "Grace Whitfield",
    serviceTypes: ["adult-social-care", "residential-care"],
    activities: ["accommodation-personal-care", "nursing-care"],
    appliedAt: "2017-01-09T10:00:00Z",
    registeredAt: "2017-03-20T10:00:00Z",
  },
  {
    id: DEMO_LOCATION.communityHealthClinic,
    organisationId: org(1),
    name: "Riverside Community Clinic",
    addressLine1: "Unit 4, Riverside Business Park",
    town: "Wesford",
    postcode: "WS1 2AB",
    areaCode: DEMO_AREA.westshire,
    capacity: 0,
    capacityUnit: "places",
    registeredManager: "Dr Sam Okoro",
    serviceTypes: ["community-health"],
    activities: ["diagnostic-and-screening", "treatment-of-disease"],
    appliedAt: "2013-04-01T09:00:00Z",
    registeredAt: "2013-05-01T09:00:00Z",
  },
  {
    id: DEMO_LOCATION.communityHealthNursing,
    organisationId: org(1),
    name: "Westshire District Nursing Hub",
    addressLine1: "Castle Street Health Centre",
    town: "Wesford",
    postcode: "WS1 4CS",
    areaCode: DEMO_AREA.westshire,
    capacity: 1400,
    capacityUnit: "people",
    registeredManager: "Anna Kowalski",
    serviceTypes: ["community-health"],
    activities: ["nursing-care", "treatment-of-disease"],
    appliedAt: "2013-04-01T09:00:00Z",
    registeredAt: "2013-05-01T09:00:00Z",
  },
  {
    id: DEMO_LOCATION.therapyBrookHouse,
    organisationId: org(13),
    name: "Brook House Therapy Centre",
    addressLine1: "Suite 2, Brook House",
    town: "Millbrook",
    postcode: "MB1 2TP",
    areaCode: DEMO_AREA.millbrook,
    capacity: 40,
    capacityUnit: "places",
    registeredManager: "Ravi Patel",
    serviceTypes: ["community-health"],
    activities: ["treatment-of-disease"],
    appliedAt: "2018-09-03T09:00:00Z",
    registeredAt: "2018-11-01T09:00:00Z",
  },
  {
    id: DEMO_LOCATION.nhsCommunityHospital,
    organisationId: org(14),
    name: "Wesford Community Hospital",
    addressLine1: "Hospital Road",
    town: "Wesford",
    postcode: "WS2 3HR",
    areaCode: DEMO_AREA.westshire,
    capacity: 48,
    capacityUnit: "beds",
    registeredManager: "Fiona Grant",
    serviceTypes: ["community-health"],
    activities: ["diagnostic-and-screening", "nursing-care", "treatment-of-disease"],
    appliedAt: "2012-10-01T09:00:00Z",
    registeredAt: "2012-12-01T09:00:00Z",
  },
  {
    id: DEMO_LOCATION.kelderbyStreetCare,
    organisationId: org(23),
    name: "Kelderby Street Care",
    addressLine1: "5 Bridge Street",
    town: "Kelderby",
    postcode: "WS8 1SC",
    areaCode: DEMO_AREA.kelderby,
    capacity: 60,
    capacityUnit: "people",
    registeredManager: "Jo Bright",
    serviceTypes: ["domiciliary-care"],
    activities: ["personal-care"],
    appliedAt: "2021-03-01T09:00:00Z",
    registeredAt: "2021-05-04T09:00:00Z",
    conditions: "Personal care may be provided to no more than 60 people at any one time.",
  },
  {
    id: DEMO_LOCATION.mindCrisisHouse,
    organisationId: org(25),
    name: "Westshire Mind Crisis House",
    addressLine1: "22 Elm Grove",
    town: "Wesford",
    postcode: "WS3 8EG",
    areaCode: DEMO_AREA.westshire,
    capacity: 8,
    capacityUnit: "beds",
    registeredManager: "Nia Roberts",
    serviceTypes: ["mental-health"],
    activities: ["accommodation-personal-care", "treatment-of-disease"],
    appliedAt: "2016-01-11T09:00:00Z",
    registeredAt: "2016-03-01T09:00:00Z",
  },
  {
    id: DEMO_LOCATION.carewellOakfield,
    organisationId: org(32),
    name: "Carewell Oakfield",
    addressLine1: "Oakfield Lane",
    town: "Millbrook",
    postcode: "MB6 2OL",
    areaCode: DEMO_AREA.millbrook,
    capacity: 30,
    capacityUnit: "beds",
    registeredManager: "Peter Lang",
    serviceTypes: ["adult-social-care", "residential-care"],
    activities: ["accommodation-personal-care"],
    appliedAt: "2015-05-05T09:00:00Z",
    registeredAt: "2015-07-01T09:00:00Z",
  },
  {
    id: DEMO_LOCATION.recoveryPathways,
    organisationId: org(26),
    name: "Recovery Pathways Residential Unit",
    addressLine1: "The Lodge, Vale Road",
    town: "Westshire Vale",
    postcode: "WS6 2VR",
    areaCode: DEMO_AREA.westshireVale,
    capacity: 12,
    capacityUnit: "beds",
    registeredManager: "Chris Doyle",
    serviceTypes: ["adult-social-care"],
    activities: ["substance-misuse-accommodation"],
    appliedAt: "2026-11-02T09:00:00Z",
  },
];

/** Published reports: [location, inspected on, sent, published, inspectors, summary, ratings, extra, id?]. */
type Published = [
  string,
  string,
  string,
  string,
  string,
  string,
  [R, R, R, R, R],
  Parameters<typeof inspection>[4]?,
  string?,
];

const PUBLISHED: Published[] = [
  [
    DEMO_LOCATION.greenwayWesford,
    "2023-05-10",
    "2023-06-01T09:00:00Z",
    "2023-06-20T09:00:00Z",
    "A. Inspector, B. Specialist adviser",
    "Care plans were not always up to date and medicines records had gaps; people said staff were kind.",
    [RI, G, G, G, RI],
  ],
  [
    DEMO_LOCATION.greenwayWesford,
    "2026-02-11",
    "2026-03-02T09:00:00Z",
    "2026-03-20T09:00:00Z",
    "A. Inspector",
    "Medicines management has improved; people receive calls on time and say staff know them well.",
    [G, G, G, G, G],
  ],
  [
    DEMO_LOCATION.greenwayMillbrook,
    "2026-01-20",
    "2026-02-09T09:00:00Z",
    "2026-02-27T09:00:00Z",
    "C. Inspector",
    "Good care overall, but staff recruitment checks were missing for three new carers, a breach of regulation 19.",
    [G, G, G, G, G],
    {
      breach: "Regulation 19 (fit and proper persons employed): recruitment checks missing for three staff.",
    },
  ],
  [
    DEMO_LOCATION.carewellRiverside,
    "2023-09-05",
    "2023-09-25T09:00:00Z",
    "2023-10-13T09:00:00Z",
    "D. Inspector",
    "Staffing levels were low at night and falls were not always reviewed.",
    [RI, RI, G, G, RI],
  ],
  [
    DEMO_LOCATION.carewellRiverside,
    "2026-04-02",
    "2026-04-20T09:00:00Z",
    "2026-05-08T09:00:00Z",
    "D. Inspector, E. Inspector, F. Pharmacist specialist",
    "People were at risk of harm: unsafe moving and handling, pressure care not delivered, and leaders unaware of the risks.",
    [I, RI, RI, G, I],
    undefined,
    DEMO_INSPECTION.carewellInadequate,
  ],
  [
    DEMO_LOCATION.communityHealthClinic,
    "2024-03-12",
    "2024-04-02T09:00:00Z",
    "2024-04-19T09:00:00Z",
    "G. Inspector",
    "Exceptional, person-centred care; innovative outreach clinics reduced waiting times by half.",
    [G, O, O, G, O],
    undefined,
    DEMO_INSPECTION.clinicOutstanding,
  ],
  [
    DEMO_LOCATION.communityHealthNursing,
    "2025-10-07",
    "2025-10-27T09:00:00Z",
    "2025-11-12T09:00:00Z",
    "G. Inspector",
    "Caring, effective nursing teams; governance of the staffing rota was weak across the service.",
    [G, G, O, G, RI],
    {
      overall: RI,
      departureReason:
        "The rules give Good, but the weaknesses in leadership we found affect the safety and responsiveness of every team, so we rated the service Requires improvement overall.",
    },
    DEMO_INSPECTION.nursingDeparture,
  ],
  [
    DEMO_LOCATION.therapyBrookHouse,
    "2025-06-17",
    "2025-07-07T09:00:00Z",
    "2025-07-24T09:00:00Z",
    "H. Inspector",
    "Well organised therapy with good outcomes; people praised the staff.",
    [G, G, G, G, G],
  ],
  [
    DEMO_LOCATION.nhsCommunityHospital,
    "2024-11-19",
    "2024-12-09T09:00:00Z",
    "2024-12-24T09:00:00Z",
    "I. Inspector, J. Inspector",
    "Safe, effective inpatient rehabilitation; discharge planning was outstanding.",
    [G, G, G, O, G],
  ],
  [
    DEMO_LOCATION.kelderbyStreetCare,
    "2025-09-09",
    "2025-09-29T09:00:00Z",
    "2025-10-15T09:00:00Z",
    "C. Inspector",
    "Kind, reliable care; records of risk assessments were incomplete.",
    [RI, G, G, G, G],
  ],
  [
    DEMO_LOCATION.mindCrisisHouse,
    "2025-02-04",
    "2025-02-24T09:00:00Z",
    "2025-03-13T09:00:00Z",
    "K. Inspector",
    "A calm, safe environment; people felt listened to and were involved in their care.",
    [G, G, O, O, G],
  ],
  [
    DEMO_LOCATION.carewellOakfield,
    "2026-06-16",
    "2026-07-06T09:00:00Z",
    "2026-07-23T09:00:00Z",
    "E. Inspector",
    "Improvements since the last inspection, but call bells were not always answered promptly and audits missed this.",
    [RI, G, G, RI, G],
  ],
];

/** The demo regulator's regime: what it covers and its periods (tests set it again as it is). */
export const DEMO_REGIME = {
  serviceTypes: [
    "adult-social-care",
    "community-health",
    "domiciliary-care",
    "learning-disability-support",
    "mental-health",
    "residential-care",
  ],
  activities: [
    "accommodation-personal-care",
    "diagnostic-and-screening",
    "nursing-care",
    "personal-care",
    "substance-misuse-accommodation",
    "treatment-of-disease",
  ],
  reinspectionMonths: 6,
  factualAccuracyWorkingDays: 10,
  representationDays: 28,
};

async function seedRegulation(ctx: Ctx): Promise<void> {
  /** The seed's context with the clock set to a step's date. */
  const at = (iso: string): Ctx => ({ ...ctx, clock: clockAt(iso) });
  await recordRegime(at("2012-06-01T09:00:00Z"), { regulatorId: REGULATOR, ...DEMO_REGIME });
  const regime = await regimeOf(ctx, REGULATOR);
  for (const l of LOCATIONS) {
    const application = await checkApplication(ctx, regime, { ...l });
    await recordApplication(at(l.appliedAt), REGULATOR, application, l.id);
    if (l.registeredAt)
      await recordRegistrationMove(
        at(l.registeredAt),
        REGULATOR,
        l.id,
        "registered",
        "The provider showed it can meet the fundamental standards.",
        l.conditions ?? "",
      );
  }
  for (const [location, on, sent, published, inspectors, summary, ratings, extra, fixedId] of PUBLISHED) {
    const inspectionId = await recordInspection(
      at(sent),
      REGULATOR,
      location,
      inspection(on, inspectors, summary, ratings, extra),
      fixedId,
    );
    await recordReportPublished(at(published), REGULATOR, inspectionId);
  }
  // Enforcement in force: a warning notice at the home in special measures; a requirement notice.
  await recordEnforcement(
    at("2026-05-15T09:00:00Z"),
    REGULATOR,
    DEMO_LOCATION.carewellRiverside,
    "warning-notice",
    "Moving and handling and pressure care must be made safe for every resident by 30 June 2026 (regulation 12).",
  );
  await recordEnforcement(
    at("2025-10-20T09:00:00Z"),
    REGULATOR,
    DEMO_LOCATION.kelderbyStreetCare,
    "requirement-notice",
    "Complete and review a risk assessment for every person receiving care (regulation 12).",
  );
  // Greenway Millbrook is dormant over the winter while it recruits.
  await recordRegistrationMove(
    at("2026-10-01T09:00:00Z"),
    REGULATOR,
    DEMO_LOCATION.greenwayMillbrook,
    "dormant",
    "The provider told us it is not providing care from this branch while it recruits new staff.",
  );
  // A draft report in its factual-accuracy period, with a challenge from the provider: sent four
  // working days before the demo's today, so the period is still running.
  const sentAt = new Date(ctx.clock.now().getTime() - 6 * 86_400_000);
  const draftId = await recordInspection(
    { ...ctx, clock: fixedClock(sentAt) },
    REGULATOR,
    DEMO_LOCATION.communityHealthClinic,
    inspection(
      new Date(sentAt.getTime() - 14 * 86_400_000).toISOString().slice(0, 10),
      "G. Inspector, L. Inspector",
      "Care remains person-centred; waiting times for the leg ulcer clinic have risen to nine weeks.",
      [G, O, O, RI, G],
    ),
    DEMO_INSPECTION.clinicDraft,
  );
  await recordChallenge(
    { ...ctx, clock: fixedClock(new Date(sentAt.getTime() + 2 * 86_400_000)) },
    REGULATOR,
    draftId,
    "The report says leg ulcer clinic waits are nine weeks; our published figures for October show five weeks.",
    null,
  );
  // A draft report whose factual-accuracy period is over, unchallenged: the regulator can publish it.
  const sentLongAgo = new Date(ctx.clock.now().getTime() - 30 * 86_400_000);
  await recordInspection(
    { ...ctx, clock: fixedClock(sentLongAgo) },
    REGULATOR,
    DEMO_LOCATION.mindCrisisHouse,
    inspection(
      new Date(sentLongAgo.getTime() - 14 * 86_400_000).toISOString().slice(0, 10),
      "K. Inspector",
      "Still a calm, safe house; care plans are reviewed with each person weekly.",
      [G, G, O, G, G],
    ),
    DEMO_INSPECTION.crisisHouseAwaiting,
  );
}

export const demoRegulationSeed: Seed = {
  name: "demo-regulation",
  description:
    "Demo regulation: a regulator's regime and register with ratings, special measures and enforcement",
  demo: true,
  async run({ ctx }) {
    await seedRegulation(ctx);
  },
};
