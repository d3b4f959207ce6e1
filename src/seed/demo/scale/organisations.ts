/**
 * Organisations of the demo scale-up: a national directory's mix of sectors and sizes, each with
 * its service categories, the areas it serves, an identifier in its register's scheme (Companies
 * House, the charity registers, the Mutuals Public Register), the evidence behind a public service
 * mutual's claim (most qualify, some do not), and the administrator who registered it — an
 * account that cannot sign in (no password), through whom it registers interest and bids.
 */
import type { Insertable } from "kysely";
import type { Database } from "../../../db/database.ts";
import { orgIdOf } from "../../../modules/organisations/identifiers.ts";
import type { Sector, SizeBand } from "../../../modules/organisations/organisations.service.ts";
import { DEMO_AUTHORITY } from "../authorities.ts";
import { scaleId } from "./ids.ts";
import { type Random, randomFor } from "./random.ts";
import { after, between, DAY, personName, pickPlace, postcodeIn, type ScaleRun, YEAR } from "./run.ts";
import {
  BRANDS,
  BUILDINGS,
  CARE_CATEGORIES,
  CATEGORY_WORDS,
  CAUSES,
  type Country,
  GROUPS,
  type Place,
  STREETS,
  SURNAMES,
  type Town,
  VILLAGES,
  WIDE_AREAS,
} from "./words.ts";

/** What later parts of the run need to know of an organisation (bidders, owners of locations). */
export interface OrganisationPlan {
  ordinal: number;
  id: string;
  name: string;
  sector: Sector;
  sizeBand: SizeBand;
  categories: string[];
  place: Place;
  town: Town;
  /** Its administrator. */
  userId: string;
  createdAt: Date;
}

export interface OrganisationRows {
  organisations: Insertable<Database["organisations"]>[];
  organisation_identifiers: Insertable<Database["organisation_identifiers"]>[];
  organisation_areas: Insertable<Database["organisation_areas"]>[];
  organisation_categories: Insertable<Database["organisation_categories"]>[];
  mutual_evidence: Insertable<Database["mutual_evidence"]>[];
  users: Insertable<Database["users"]>[];
  role_grants: Insertable<Database["role_grants"]>[];
}

const SECTOR_WEIGHTS: readonly (readonly [Sector, number])[] = [
  ["sme", 28],
  ["charity", 22],
  ["voluntary-community", 12],
  ["social-enterprise", 8],
  ["parish-council", 7],
  ["professional-partnership", 6],
  ["large-company", 5],
  ["public-body", 5],
  ["co-operative", 4],
  ["public-service-mutual", 3],
];

const SIZES: Readonly<Record<Sector, readonly (readonly [SizeBand, number])[]>> = {
  sme: [
    ["micro", 20],
    ["small", 45],
    ["medium", 35],
  ],
  "large-company": [["large", 1]],
  charity: [
    ["micro", 30],
    ["small", 35],
    ["medium", 25],
    ["large", 10],
  ],
  "voluntary-community": [
    ["micro", 70],
    ["small", 30],
  ],
  "social-enterprise": [
    ["micro", 35],
    ["small", 45],
    ["medium", 20],
  ],
  "co-operative": [
    ["micro", 30],
    ["small", 50],
    ["medium", 20],
  ],
  "public-service-mutual": [
    ["small", 30],
    ["medium", 50],
    ["large", 20],
  ],
  "parish-council": [
    ["micro", 80],
    ["small", 20],
  ],
  "public-body": [
    ["medium", 30],
    ["large", 70],
  ],
  "professional-partnership": [
    ["small", 60],
    ["medium", 40],
  ],
};

const HEADCOUNT: Readonly<Record<SizeBand, readonly [number, number]>> = {
  micro: [0, 9],
  small: [10, 49],
  medium: [50, 249],
  large: [250, 9000],
};

/** The categories each sector works in, by weight: its main one is drawn from these. */
const SECTOR_CATEGORIES: Readonly<Record<Sector, readonly (readonly [string, number])[]>> = {
  sme: [
    ["domiciliary-care", 18],
    ["residential-care", 10],
    ["adult-social-care", 8],
    ["learning-disability-support", 5],
    ["it-services", 8],
    ["parks", 6],
    ["send-transport", 6],
    ["highways-maintenance", 5],
    ["school-meals", 4],
    ["street-cleansing", 4],
    ["employment-support", 4],
    ["childrens-services", 4],
    ["waste-collection", 3],
    ["community-health", 3],
    ["mental-health", 3],
  ],
  "large-company": [
    ["waste-collection", 4],
    ["highways-maintenance", 3],
    ["residential-care", 4],
    ["domiciliary-care", 3],
    ["employment-support", 3],
    ["it-services", 3],
    ["leisure", 2],
    ["school-meals", 2],
    ["send-transport", 1],
  ],
  charity: [
    ["carers-support", 4],
    ["advice-services", 5],
    ["mental-health", 4],
    ["homelessness", 4],
    ["housing-support", 4],
    ["youth-services", 4],
    ["childrens-services", 3],
    ["drug-and-alcohol", 2],
    ["learning-disability-support", 3],
    ["adult-social-care", 3],
    ["residential-care", 2],
    ["domiciliary-care", 2],
  ],
  "voluntary-community": [
    ["youth-services", 4],
    ["community-transport", 3],
    ["advice-services", 3],
    ["carers-support", 2],
    ["parks", 3],
  ],
  "social-enterprise": [
    ["employment-support", 4],
    ["community-transport", 3],
    ["street-cleansing", 2],
    ["parks", 2],
    ["domiciliary-care", 3],
    ["school-meals", 2],
    ["probation", 2],
  ],
  "co-operative": [
    ["domiciliary-care", 3],
    ["housing-support", 3],
    ["waste-collection", 2],
    ["leisure", 1],
  ],
  "public-service-mutual": [
    ["community-health", 3],
    ["libraries", 2],
    ["leisure", 2],
    ["childrens-services", 2],
    ["adult-social-care", 2],
    ["mental-health", 2],
    ["domiciliary-care", 1],
  ],
  "parish-council": [
    ["parks", 3],
    ["leisure", 1],
  ],
  "public-body": [
    ["community-health", 3],
    ["mental-health", 2],
    ["employment-support", 2],
    ["youth-services", 1],
    ["libraries", 1],
  ],
  "professional-partnership": [
    ["advice-services", 2],
    ["public-health", 2],
    ["it-services", 1],
  ],
};

/** Categories that go together: an organisation in the first often offers the others too. */
const RELATED: Readonly<Record<string, readonly string[]>> = {
  "domiciliary-care": ["adult-social-care", "learning-disability-support"],
  "residential-care": ["adult-social-care"],
  "adult-social-care": ["domiciliary-care", "carers-support"],
  "learning-disability-support": ["adult-social-care", "domiciliary-care"],
  "mental-health": ["adult-social-care", "advice-services"],
  "community-health": ["public-health", "mental-health"],
  homelessness: ["housing-support", "advice-services"],
  "housing-support": ["homelessness"],
  "waste-collection": ["street-cleansing"],
  "street-cleansing": ["parks", "waste-collection"],
  parks: ["street-cleansing", "leisure"],
  "youth-services": ["childrens-services"],
  "childrens-services": ["youth-services"],
  "send-transport": ["community-transport"],
  "community-transport": ["send-transport"],
  "employment-support": ["advice-services"],
  "drug-and-alcohol": ["mental-health"],
};

const ADJECTIVES = [
  "Bright",
  "Caring",
  "Trusted",
  "Kind",
  "Swift",
  "Green",
  "Golden",
  "Willow",
  "Heritage",
  "Clear",
];
const PROFESSIONS = ["Consulting", "Solicitors", "Associates", "Research", "Partners"];
const LANDMARKS = ["Meadows", "Woods", "Park", "Library", "Common", "Village Hall"];

function nameOf(r: Random, sector: Sector, category: string, place: Place, town: Town): string {
  const word = r.pick(CATEGORY_WORDS[category]?.names ?? ["Services"]);
  const home = r.chance(0.6) ? town.name : r.pick(VILLAGES);
  switch (sector) {
    case "sme":
      return r.weighted([
        [`${r.pick(SURNAMES)} ${word} Ltd`, 3],
        [`${home} ${word} Ltd`, 3],
        [`${r.pick(ADJECTIVES)} ${word} Ltd`, 2],
      ]);
    case "large-company":
      return r.chance(0.5) ? `${r.pick(BRANDS)} ${word} plc` : `${r.pick(BRANDS)} ${word} Group plc`;
    case "charity":
      return r.weighted([
        [`${home} ${word} ${r.pick(CAUSES)}`, 3],
        [`${home} ${word}`, 2],
        [`${place.towns[0]?.name ?? home} ${r.pick(CAUSES)}`, 1],
      ]);
    case "voluntary-community":
      return r.chance(0.7)
        ? `${r.pick(VILLAGES)} ${r.pick(GROUPS)}`
        : `Friends of ${r.pick(VILLAGES)} ${r.pick(LANDMARKS)}`;
    case "social-enterprise":
      return `${home} ${word} CIC`;
    case "co-operative":
      return `${home} ${word} Co-operative`;
    case "public-service-mutual":
      return r.chance(0.5) ? `${home} ${word} Mutual` : `${town.name} Community ${word} CIC`;
    case "parish-council":
      return place.country === "england"
        ? `${r.pick(VILLAGES)} Parish Council`
        : `${r.pick(VILLAGES)} Community Council`;
    case "public-body":
      return category === "community-health" || category === "mental-health"
        ? `${town.name} ${word} NHS Trust`
        : category === "libraries"
          ? `${town.name} Libraries`
          : `${town.name} College`;
    case "professional-partnership":
      return r.chance(0.5)
        ? `${r.pick(SURNAMES)} & ${r.pick(SURNAMES)} LLP`
        : `${r.pick(SURNAMES)} ${r.pick(PROFESSIONS)} LLP`;
  }
}

const SECTOR_SENTENCES: Readonly<Record<Sector, readonly string[]>> = {
  sme: [
    "A local business employing staff from the area.",
    "Family-run since it was founded, with its own trained team.",
  ],
  "large-company": [
    "A national provider working for councils and the NHS across the UK.",
    "Part of a listed group with operations in every region.",
  ],
  charity: [
    "A registered charity run by a board of volunteer trustees.",
    "A local charity funded by grants, contracts and donations.",
  ],
  "voluntary-community": [
    "Run by volunteers, with a small paid team.",
    "A community group open to everyone in the area.",
  ],
  "social-enterprise": [
    "A community interest company reinvesting its profits in the community.",
    "A social enterprise employing people returning to work.",
  ],
  "co-operative": ["Owned and run by its members.", "A workers' co-operative: every member has a vote."],
  "public-service-mutual": [
    "Spun out of the public sector and owned by its staff.",
    "An employee-led mutual delivering public services.",
  ],
  "parish-council": [
    "The local council for the parish, elected by its residents.",
    "Runs the village hall, allotments and play areas.",
  ],
  "public-body": [
    "A public body accountable to its commissioners and the public.",
    "Part of the public sector, funded by government.",
  ],
  "professional-partnership": [
    "A limited liability partnership of qualified professionals.",
    "Advises councils, charities and the NHS.",
  ],
};

/** Its identifier in its register's scheme, if it has one; numbers above the demo seeds' and unique by ordinal. */
function identifierOf(
  r: Random,
  sector: Sector,
  country: Country,
  ordinal: number,
): { scheme: string; identifier: string } | null {
  const companies = 14_000_000 + ordinal;
  switch (sector) {
    case "sme":
    case "large-company":
    case "social-enterprise":
    case "professional-partnership":
      return companies <= 99_999_999
        ? { scheme: "GB-COH", identifier: String(companies).padStart(8, "0") }
        : null;
    case "charity":
    case "voluntary-community": {
      if (sector === "voluntary-community" && r.chance(0.5)) return null;
      if (country === "scotland")
        return ordinal < 900_000 ? { scheme: "GB-SC", identifier: `SC${String(100_000 + ordinal)}` } : null;
      if (country === "northern-ireland")
        return ordinal < 800_000 ? { scheme: "GB-NIC", identifier: String(200_000 + ordinal) } : null;
      return ordinal < 8_000_000 ? { scheme: "GB-CHC", identifier: String(2_000_000 + ordinal) } : null;
    }
    case "co-operative":
    case "public-service-mutual":
      return ordinal < 960_000
        ? { scheme: "GB-MPR", identifier: `${40_000 + ordinal}${country === "scotland" ? "RS" : "R"}` }
        : null;
    default:
      return null;
  }
}

const PARENT_AUTHORITY: Readonly<Record<Country, readonly string[]>> = {
  england: [DEMO_AUTHORITY.county, DEMO_AUTHORITY.district, DEMO_AUTHORITY.nhs],
  wales: [DEMO_AUTHORITY.welsh],
  scotland: [DEMO_AUTHORITY.scottish],
  "northern-ireland": [],
};

function evidenceOf(
  r: Random,
  plan: OrganisationPlan,
  recordedAt: Date,
): Insertable<Database["mutual_evidence"]> {
  // Most mutuals meet the s.33 test; some claim to but do not (the directory shows them unconfirmed).
  const qualifies = r.chance(0.85);
  const boardSeats = r.int(5, 12);
  const parents = PARENT_AUTHORITY[plan.place.country];
  return {
    organisation_id: plan.id,
    public_service_purpose:
      `${CATEGORY_WORDS[plan.categories[0] ?? ""]?.does ?? "Public services"} for the public sector in ${plan.town.name}.`.replace(
        /^./,
        (c) => c.toUpperCase(),
      ),
    light_touch_share_bp: qualifies ? r.int(60, 100) * 100 : r.int(20, 70) * 100,
    profit_model: qualifies
      ? r.pick(["not-for-profit", "members-only"])
      : r.pick(["other", "not-for-profit"]),
    employee_ownership_bp: qualifies ? r.int(50, 100) * 100 : r.int(5, 40) * 100,
    employee_board_seats: qualifies
      ? r.int(Math.ceil(boardSeats / 2), boardSeats)
      : r.int(0, Math.floor((boardSeats - 1) / 2)),
    board_seats: boardSeats,
    parent_organisation_id: null,
    parent_authority_id: parents.length > 0 && r.chance(0.7) ? r.pick(parents) : null,
    parent_body_name: null,
    spin_out_date: `${r.int(2011, 2022)}-${String(r.int(1, 12)).padStart(2, "0")}-01`,
    recorded_by: plan.userId,
    recorded_at: recordedAt,
  };
}

const slug = (name: string) =>
  name
    .toLowerCase()
    .replace(/&/g, "and")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");

/** The organisation at this ordinal: its plan and its rows. The same seed and ordinal, the same organisation. */
export function organisationAt(
  run: ScaleRun,
  ordinal: number,
): { plan: OrganisationPlan; rows: OrganisationRows } {
  const r = randomFor(run.seed, "organisation", ordinal);
  const sector = r.weighted(SECTOR_WEIGHTS);
  const sizeBand = r.weighted(SIZES[sector]);
  const [low, high] = HEADCOUNT[sizeBand];
  const main = r.weighted(SECTOR_CATEGORIES[sector]);
  const categories = [main];
  for (const other of r.sample(RELATED[main] ?? [], r.int(0, 2)))
    if (!categories.includes(other)) categories.push(other);
  const place = pickPlace(r);
  const town = r.pick(place.towns);
  const id = scaleId("organisation", ordinal);
  const userId = scaleId("organisationUser", ordinal);
  // Most registered before the five years of tenders began; some since.
  const createdAt = r.chance(0.85)
    ? between(r, after(run.now, -10 * YEAR), after(run.now, -5 * YEAR - 60 * DAY))
    : between(r, after(run.now, -5 * YEAR), after(run.now, -30 * DAY));
  const name = nameOf(r, sector, main, place, town);
  const plan: OrganisationPlan = {
    ordinal,
    id,
    name,
    sector,
    sizeBand,
    categories,
    place,
    town,
    userId,
    createdAt,
  };

  const identifier = identifierOf(r, sector, place.country, ordinal);
  const wide = sizeBand === "large" || sector === "large-company";
  const areas = [place.area];
  if (wide) areas.push(r.pick(WIDE_AREAS[place.country]));
  else if (r.chance(0.25)) {
    const neighbour = pickPlace(r).area;
    if (!areas.includes(neighbour)) areas.push(neighbour);
  }
  const does = CATEGORY_WORDS[main]?.does ?? "public services";
  const description = `${name} provides ${does} in ${town.name}${wide ? " and across the country" : " and the surrounding area"}. ${r.pick(SECTOR_SENTENCES[sector])}`;
  const person = personName(r);
  const rows: OrganisationRows = {
    organisations: [
      {
        id,
        name,
        sector,
        size_band: sizeBand,
        staff_headcount: r.int(low, high),
        primary_identifier: identifier ? orgIdOf(identifier.scheme, identifier.identifier) : null,
        postcode: postcodeIn(r, town),
        description,
        website: r.chance(0.6) ? `https://${slug(name).slice(0, 60)}.example.org.uk` : null,
        created_at: createdAt,
        updated_at: createdAt,
        address_line1: r.chance(0.3) ? r.pick(BUILDINGS) : `${r.int(1, 180)} ${r.pick(STREETS)}`,
        address_line2: null,
        town: town.name,
        registered_by: userId,
      },
    ],
    organisation_identifiers: identifier
      ? [{ organisation_id: id, ...identifier, is_primary: true, created_at: createdAt }]
      : [],
    organisation_areas: areas.map((area_code) => ({ organisation_id: id, area_code })),
    organisation_categories: categories.map((category_code) => ({ organisation_id: id, category_code })),
    mutual_evidence: sector === "public-service-mutual" ? [evidenceOf(r, plan, createdAt)] : [],
    users: [
      {
        id: userId,
        email: `organisation-${ordinal}@scale.demo.openps.example`,
        display_name: person,
        locale: place.country === "wales" && r.chance(0.3) ? "cy" : "en",
        created_at: createdAt,
        updated_at: createdAt,
        password_hash: null,
        email_verified_at: createdAt,
        status: "active",
        totp_secret: null,
        totp_enabled_at: null,
        totp_last_step: null,
      },
    ],
    role_grants: [
      {
        id: scaleId("organisationGrant", ordinal),
        user_id: userId,
        role: "organisation-admin",
        scope_type: "organisation",
        scope_id: id,
        granted_by: null,
        granted_at: createdAt,
      },
    ],
  };
  return { plan, rows };
}

/** Whether an organisation provides care the regulator registers (so it may run regulated locations). */
export function providesCare(plan: OrganisationPlan): boolean {
  return plan.categories.some((c) => (CARE_CATEGORIES as readonly string[]).includes(c));
}
