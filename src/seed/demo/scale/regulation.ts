/**
 * Regulated locations of the demo scale-up, on the demo regulator's register (the Care Standards
 * Inspectorate, within its regime: src/seed/demo/regulation.ts): care homes, home care agencies,
 * supported living, mental health and community health services run by the run's care providers,
 * in England. Each applied and was registered years ago, and has one to three published inspection
 * reports, each rated by the aggregation rules (ratings.ts) with the breach cap, its factual-accuracy
 * period (10 working days) over before it was published; a location rated Inadequate overall went
 * into special measures at publication and left them at a re-inspection with nothing Inadequate,
 * as `recordReportPublished` does. A few have since gone dormant.
 */
import type { Insertable } from "kysely";
import type { Database } from "../../../db/database.ts";
import { londonDate } from "../../../lib/london-time.ts";
import { factualAccuracyEnds } from "../../../modules/regulation/inspections.service.ts";
import {
  aggregateRatings,
  anyInadequate,
  type KeyQuestionRatings,
} from "../../../modules/regulation/ratings.ts";
import type { Rating } from "../../../modules/regulation/regulation.service.ts";
import { DEMO_AUTHORITY } from "../authorities.ts";
import { DEMO_REGIME } from "../regulation.ts";
import { STRIDE, scaleId } from "./ids.ts";
import type { OrganisationPlan } from "./organisations.ts";
import { type Random, randomFor } from "./random.ts";
import { after, between, DAY, HOUR, personName, pickPlace, postcodeIn, type ScaleRun } from "./run.ts";
import { INSPECTORS, PLACES, STREETS, VILLAGES } from "./words.ts";

export const SCALE_REGULATOR = DEMO_AUTHORITY.regulator;
const REGULATOR_NATION = "england-and-wales";

/** What the tenders need to know of a location: who runs it and what it is registered for. */
export interface LocationPlan {
  organisationId: string;
  activities: string[];
  registeredAt: Date;
  /** Registered now (not dormant): what the award gate asks of a provider. */
  registeredNow: boolean;
}

export interface LocationRows {
  registrations: Insertable<Database["registrations"]>[];
  registration_service_types: Insertable<Database["registration_service_types"]>[];
  registration_activities: Insertable<Database["registration_activities"]>[];
  registration_events: Insertable<Database["registration_events"]>[];
  inspections: Insertable<Database["inspections"]>[];
  enforcement_actions: Insertable<Database["enforcement_actions"]>[];
}

interface Kind {
  serviceTypes: (r: Random) => string[];
  activities: (r: Random) => string[];
  unit: "beds" | "places" | "people";
  capacity: [number, number];
  name: (r: Random, owner: OrganisationPlan, town: string) => string;
  weight: number;
}

const HOME_WORDS = ["House", "Lodge", "Court", "Manor", "Grange", "View", "Gardens"];

const KINDS: readonly Kind[] = [
  {
    serviceTypes: (r) => (r.chance(0.3) ? ["domiciliary-care", "adult-social-care"] : ["domiciliary-care"]),
    activities: () => ["personal-care"],
    unit: "people",
    capacity: [20, 400],
    name: (r, owner, town) =>
      r.chance(0.6) ? `${owner.name.replace(/ (Ltd|plc|CIC|LLP)$/, "")} – ${town}` : `${town} Home Care`,
    weight: 40,
  },
  {
    serviceTypes: () => ["residential-care", "adult-social-care"],
    activities: (r) =>
      r.chance(0.4) ? ["accommodation-personal-care", "nursing-care"] : ["accommodation-personal-care"],
    unit: "beds",
    capacity: [10, 120],
    name: (r) => `${r.pick(VILLAGES)} ${r.pick(HOME_WORDS)}${r.chance(0.5) ? " Care Home" : ""}`,
    weight: 35,
  },
  {
    serviceTypes: () => ["learning-disability-support"],
    activities: (r) => (r.chance(0.5) ? ["personal-care"] : ["accommodation-personal-care"]),
    unit: "people",
    capacity: [3, 30],
    name: (r) => `${r.pick(STREETS)} Supported Living`,
    weight: 10,
  },
  {
    serviceTypes: () => ["mental-health"],
    activities: (r) =>
      r.chance(0.5) ? ["treatment-of-disease", "accommodation-personal-care"] : ["treatment-of-disease"],
    unit: "beds",
    capacity: [6, 40],
    name: (r, _owner, town) =>
      r.chance(0.5) ? `${town} Crisis House` : `${r.pick(VILLAGES)} Recovery Centre`,
    weight: 8,
  },
  {
    serviceTypes: () => ["community-health"],
    activities: (r) =>
      r.chance(0.5)
        ? ["treatment-of-disease", "diagnostic-and-screening"]
        : ["nursing-care", "treatment-of-disease"],
    unit: "places",
    capacity: [20, 2000],
    name: (r, _owner, town) =>
      `${town} ${r.pick(["Community Clinic", "Health Centre", "Therapy Centre", "Nursing Hub"])}`,
    weight: 7,
  },
];

/** The regulator covers England: its locations are in the English demo areas. */
const ENGLISH_PLACES = PLACES.filter((p) => p.country === "england");

const R = {
  outstanding: "outstanding",
  good: "good",
  ri: "requires-improvement",
  inadequate: "inadequate",
} as const satisfies Record<string, Rating>;

/** Five key-question ratings that aggregate to (about) the rating wanted. */
function ratingsFor(r: Random, wanted: Rating): KeyQuestionRatings {
  const all = (rating: Rating): Rating[] => [rating, rating, rating, rating, rating];
  let ratings: Rating[];
  switch (wanted) {
    case "outstanding":
      ratings = all(R.good);
      for (const i of r.sample([0, 1, 2, 3, 4], r.int(2, 4))) ratings[i] = R.outstanding;
      break;
    case "good":
      ratings = all(R.good);
      if (r.chance(0.3)) ratings[r.int(0, 4)] = R.outstanding;
      if (r.chance(0.3)) ratings[r.int(0, 4)] = R.ri;
      break;
    case "requires-improvement":
      ratings = all(R.good);
      for (const i of r.sample([0, 1, 2, 3, 4], r.int(2, 3))) ratings[i] = R.ri;
      break;
    default:
      ratings = all(R.ri);
      for (const i of r.sample([0, 1, 2, 3, 4], r.int(2, 3))) ratings[i] = R.inadequate;
  }
  const [safe, effective, caring, responsive, wellLed] = ratings as [Rating, Rating, Rating, Rating, Rating];
  return { safe, effective, caring, responsive, "well-led": wellLed };
}

const SUMMARIES: Readonly<Record<Rating, readonly string[]>> = {
  outstanding: [
    "Exceptional, person-centred care; people and families described staff as going far beyond what was expected.",
    "Leaders have built an open culture; innovative work with local health services reduced hospital admissions.",
  ],
  good: [
    "People were safe and well cared for; staff knew them well and care plans were reviewed regularly.",
    "Medicines were managed safely and people said staff were kind and respected their choices.",
    "Care was planned with people and their families; the service learned from complaints.",
  ],
  "requires-improvement": [
    "Care plans were not always up to date and audits had not found the gaps; people said staff were kind.",
    "Staffing levels were low at times and risks were not always reviewed after incidents.",
  ],
  inadequate: [
    "People were at risk of harm: risks were not assessed, medicines were unsafe and leaders were unaware.",
    "Not enough staff were deployed to meet people's needs, and safeguarding concerns were not reported.",
  ],
};

/** The location at this ordinal, run by one of `owners` (the run's care providers). */
export function locationAt(
  run: ScaleRun,
  ordinal: number,
  owners: readonly OrganisationPlan[],
): { plan: LocationPlan; rows: LocationRows } {
  const r = randomFor(run.seed, "location", ordinal);
  const owner = r.pick(owners);
  const kind = r.weighted(KINDS.map((k) => [k, k.weight] as const));
  const place =
    owner.place.country === "england" && r.chance(0.7) ? owner.place : pickPlace(r, ENGLISH_PLACES);
  const town = r.pick(place.towns);
  const id = scaleId("location", ordinal);
  const serviceTypes = kind.serviceTypes(r).filter((c) => DEMO_REGIME.serviceTypes.includes(c));
  const activities = kind.activities(r).filter((a) => DEMO_REGIME.activities.includes(a));
  // Applied after the owner was registered in the directory (owners are chosen among those old
  // enough), and long enough before the run's instant for an inspection report to be published.
  const latest = run.now.getTime() - 600 * DAY;
  const earliest = new Date(
    Math.min(Math.max(owner.createdAt.getTime(), run.now.getTime() - 4500 * DAY), latest),
  );
  const appliedAt = between(r, earliest, new Date(latest));
  const registeredAt = after(appliedAt, r.int(30, 120) * DAY);
  const conditions =
    kind.unit === "people" && r.chance(0.08)
      ? `Personal care may be provided to no more than ${r.int(20, 60)} people at any one time.`
      : "";
  const registered = "The provider showed it can meet the fundamental standards.";
  const events: Insertable<Database["registration_events"]>[] = [
    {
      regulator_id: SCALE_REGULATOR,
      id: scaleId("registrationEvent", ordinal * STRIDE.registrationEvent),
      registration_id: id,
      from_status: null,
      to_status: "applied",
      reason: "Application received",
      conditions: "",
      at: appliedAt,
      actor_id: null,
    },
    {
      regulator_id: SCALE_REGULATOR,
      id: scaleId("registrationEvent", ordinal * STRIDE.registrationEvent + 1),
      registration_id: id,
      from_status: "applied",
      to_status: "registered",
      reason: registered,
      conditions,
      at: registeredAt,
      actor_id: null,
    },
  ];

  // Inspections: the first some months after registration, then every one to three years; each
  // published once its factual-accuracy period is over, before the run's instant.
  const inspections: Insertable<Database["inspections"]>[] = [];
  const enforcement: Insertable<Database["enforcement_actions"]>[] = [];
  let inspectedOn = after(registeredAt, r.int(150, 400) * DAY);
  let specialMeasures: Insertable<Database["enforcement_actions"]> | undefined;
  for (let n = 0; n < STRIDE.inspection; n++) {
    const sent = after(inspectedOn, r.int(14, 28) * DAY);
    const challengeEnds = factualAccuracyEnds(sent, DEMO_REGIME.factualAccuracyWorkingDays, REGULATOR_NATION);
    const published = after(challengeEnds, r.int(1, 10) * DAY + 9 * HOUR);
    if (published.getTime() > run.now.getTime() - HOUR) break;
    const latest = r.weighted<Rating>([
      [R.outstanding, 4],
      [R.good, 70],
      [R.ri, 21],
      [R.inadequate, 5],
    ]);
    const ratings = ratingsFor(r, latest);
    const breach = r.chance(0.05);
    const aggregation = aggregateRatings(ratings, breach);
    const inspectionId = scaleId("inspection", ordinal * STRIDE.inspection + n);
    inspections.push({
      regulator_id: SCALE_REGULATOR,
      id: inspectionId,
      registration_id: id,
      inspected_on: londonDate(inspectedOn),
      inspectors: r.sample(INSPECTORS, r.int(1, 2)).join(", "),
      evidence_summary: r.pick(SUMMARIES[aggregation.overall]),
      safe: ratings.safe,
      effective: ratings.effective,
      caring: ratings.caring,
      responsive: ratings.responsive,
      well_led: ratings["well-led"],
      breach,
      breach_details: breach
        ? "Regulation 12 (safe care and treatment): risk assessments were not completed for every person."
        : "",
      calculated_overall: aggregation.overall,
      overall: aggregation.overall,
      departure_reason: null,
      status: "published",
      draft_sent_at: sent,
      challenge_ends_at: challengeEnds,
      published_at: published,
      created_at: sent,
      version: 1,
    });
    // Special measures, as publishing a report applies them (inspections.service.ts).
    if (aggregation.overall === R.inadequate && !specialMeasures) {
      specialMeasures = {
        regulator_id: SCALE_REGULATOR,
        id: scaleId("enforcement", ordinal * STRIDE.inspection + n),
        registration_id: id,
        kind: "special-measures",
        details: `Entered automatically: rated Inadequate overall at the inspection on ${londonDate(inspectedOn)}.`,
        issued_at: published,
        representations_until: null,
        inspection_id: inspectionId,
        resolved_at: null,
        resolution: null,
      };
      enforcement.push(specialMeasures);
    } else if (specialMeasures && !anyInadequate(ratings, aggregation.overall)) {
      specialMeasures.resolved_at = published;
      specialMeasures.resolution = `Left special measures: nothing rated Inadequate at the re-inspection on ${londonDate(inspectedOn)}.`;
      specialMeasures = undefined;
    }
    // Inadequate or in special measures: re-inspected within months; otherwise in a year or three.
    inspectedOn = after(
      inspectedOn,
      (aggregation.overall === R.inadequate ? r.int(120, 240) : r.int(365, 1000)) * DAY,
    );
  }

  let status: "registered" | "dormant" = "registered";
  let lastEvent = events[1] as Insertable<Database["registration_events"]>;
  const lastPublished = inspections.at(-1)?.published_at as Date | undefined;
  if (lastPublished && r.chance(0.03)) {
    const at = after(lastPublished, r.int(10, 200) * DAY);
    if (at.getTime() < run.now.getTime()) {
      status = "dormant";
      lastEvent = {
        regulator_id: SCALE_REGULATOR,
        id: scaleId("registrationEvent", ordinal * STRIDE.registrationEvent + 2),
        registration_id: id,
        from_status: "registered",
        to_status: "dormant",
        reason: "The provider told us it is not providing care from this location for now.",
        conditions,
        at,
        actor_id: null,
      };
      events.push(lastEvent);
    }
  }

  const [low, high] = kind.capacity;
  const rows: LocationRows = {
    registrations: [
      {
        regulator_id: SCALE_REGULATOR,
        id,
        organisation_id: owner.id,
        name: kind.name(r, owner, town.name).slice(0, 200),
        address_line1: `${r.int(1, 120)} ${r.pick(STREETS)}`,
        town: town.name,
        postcode: postcodeIn(r, town),
        area_code: place.area,
        capacity: r.int(low, high),
        capacity_unit: kind.unit,
        registered_manager: personName(r),
        status,
        conditions,
        status_reason: lastEvent.reason,
        status_changed_at: lastEvent.at,
        applied_at: appliedAt,
        created_at: appliedAt,
        updated_at: lastEvent.at,
      },
    ],
    registration_service_types: serviceTypes.map((category_code) => ({
      regulator_id: SCALE_REGULATOR,
      registration_id: id,
      category_code,
    })),
    registration_activities: activities.map((activity_code) => ({
      regulator_id: SCALE_REGULATOR,
      registration_id: id,
      activity_code,
    })),
    registration_events: events,
    inspections,
    enforcement_actions: enforcement,
  };
  return {
    plan: { organisationId: owner.id, activities, registeredAt, registeredNow: status === "registered" },
    rows,
  };
}
