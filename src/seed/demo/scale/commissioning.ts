/**
 * Who commissions the demo scale-up's tenders: the six demo authorities that buy services, each with
 * the kinds of service it buys and its areas, the staff who run its procurements (a commissioner who
 * is also a bid opener, a second bid opener and an evaluator: accounts with no password, made once
 * and kept for every run), and a service on its register for each kind of service it buys, which
 * its projects cover.
 */
import type { Insertable } from "kysely";
import type { Database } from "../../../db/database.ts";
import type { Nation } from "../../../lib/working-days.ts";
import type { Role } from "../../../modules/access/access.service.ts";
import { SERVICE_CATEGORIES } from "../../../modules/vocabularies/service-categories.ts";
import { DEMO_AREA } from "../areas.ts";
import { DEMO_AUTHORITY } from "../authorities.ts";
import { scaleId } from "./ids.ts";
import type { OrganisationPlan } from "./organisations.ts";
import { randomFor } from "./random.ts";
import { after, DAY, pounds, type ScaleRun, YEAR } from "./run.ts";

export interface Commissioner {
  id: string;
  slug: string;
  nation: Nation;
  /** Its share of the tenders, against the others. */
  weight: number;
  /** The areas its projects are for. */
  areas: readonly string[];
  /** The service categories it buys. */
  categories: readonly string[];
  staff: { commissioner: string; opener: string; evaluator: string };
}

const COUNTY_LIKE = [
  "adult-social-care",
  "domiciliary-care",
  "residential-care",
  "learning-disability-support",
  "childrens-services",
  "youth-services",
  "send-transport",
  "carers-support",
  "libraries",
  "school-meals",
  "highways-maintenance",
  "public-health",
  "drug-and-alcohol",
  "it-services",
  "community-transport",
] as const;

const staffOf = (index: number) => ({
  commissioner: scaleId("staffUser", index * 4),
  opener: scaleId("staffUser", index * 4 + 1),
  evaluator: scaleId("staffUser", index * 4 + 2),
});

export const COMMISSIONERS: readonly Commissioner[] = [
  {
    id: DEMO_AUTHORITY.county,
    slug: "westshire-county-council",
    nation: "england-and-wales",
    weight: 30,
    areas: [DEMO_AREA.westshire, DEMO_AREA.westshire, DEMO_AREA.westshireVale, DEMO_AREA.kelderby],
    categories: COUNTY_LIKE,
    staff: staffOf(0),
  },
  {
    id: DEMO_AUTHORITY.district,
    slug: "millbrook-district-council",
    nation: "england-and-wales",
    weight: 15,
    areas: [DEMO_AREA.millbrook],
    categories: [
      "waste-collection",
      "street-cleansing",
      "parks",
      "leisure",
      "housing-support",
      "homelessness",
      "advice-services",
      "community-transport",
    ],
    staff: staffOf(1),
  },
  {
    id: DEMO_AUTHORITY.nhs,
    slug: "westshire-integrated-care-board",
    nation: "england-and-wales",
    weight: 18,
    areas: [DEMO_AREA.westshire],
    categories: [
      "community-health",
      "mental-health",
      "drug-and-alcohol",
      "public-health",
      "residential-care",
      "domiciliary-care",
      "learning-disability-support",
    ],
    staff: staffOf(2),
  },
  {
    id: DEMO_AUTHORITY.department,
    slug: "department-for-work-and-skills",
    nation: "england-and-wales",
    weight: 10,
    areas: [DEMO_AREA.unitedKingdom, DEMO_AREA.england, "E12000009"],
    categories: ["employment-support", "probation", "it-services", "advice-services"],
    staff: staffOf(3),
  },
  {
    id: DEMO_AUTHORITY.welsh,
    slug: "cyngor-sir-glanmor",
    nation: "england-and-wales",
    weight: 13,
    areas: [DEMO_AREA.glanmor],
    categories: [...COUNTY_LIKE, "waste-collection", "parks", "leisure"],
    staff: staffOf(4),
  },
  {
    id: DEMO_AUTHORITY.scottish,
    slug: "strathlorn-council",
    nation: "scotland",
    weight: 14,
    areas: [DEMO_AREA.strathlorn],
    categories: [...COUNTY_LIKE, "waste-collection", "parks", "leisure", "homelessness"],
    staff: staffOf(5),
  },
];

export interface CommissioningRows {
  users: Insertable<Database["users"]>[];
  role_grants: Insertable<Database["role_grants"]>[];
  services: Insertable<Database["services"]>[];
}

const STAFF_ROLES: readonly { key: keyof Commissioner["staff"]; title: string; roles: readonly Role[] }[] = [
  { key: "commissioner", title: "Commissioning lead", roles: ["commissioner", "bid-opener"] },
  { key: "opener", title: "Bid opener", roles: ["bid-opener"] },
  { key: "evaluator", title: "Evaluator", roles: ["evaluator"] },
];

/** The staff accounts and their roles: the same for every run (added once). */
export function staffRows(since: Date): Pick<CommissioningRows, "users" | "role_grants"> {
  const users: CommissioningRows["users"] = [];
  const grants: CommissioningRows["role_grants"] = [];
  COMMISSIONERS.forEach((authority, index) => {
    for (const [n, staff] of STAFF_ROLES.entries()) {
      const userId = authority.staff[staff.key];
      users.push({
        id: userId,
        email: `${staff.key}.${authority.slug}@scale.demo.openps.example`,
        display_name: `${staff.title} (${authority.slug})`,
        locale: "en",
        created_at: since,
        updated_at: since,
        password_hash: null,
        email_verified_at: since,
        status: "active",
        totp_secret: null,
        totp_enabled_at: null,
        totp_last_step: null,
      });
      for (const [m, role] of staff.roles.entries())
        grants.push({
          id: scaleId("staffGrant", index * 8 + n * 2 + m),
          user_id: userId,
          role,
          scope_type: "authority",
          scope_id: authority.id,
          granted_by: null,
          granted_at: since,
        });
    }
  });
  return { users, role_grants: grants };
}

const NEIGHBOURHOOD = new Set([
  "parks",
  "libraries",
  "leisure",
  "waste-collection",
  "street-cleansing",
  "highways-maintenance",
  "community-transport",
]);
const COMMISSIONED = new Set(["employment-support", "probation", "it-services"]);

/** The service on an authority's register that its projects in a category cover. */
export function serviceIdOf(authorityId: string, category: string): string {
  const a = COMMISSIONERS.findIndex((c) => c.id === authorityId);
  const c = SERVICE_CATEGORIES.findIndex((s) => s.code === category);
  if (a < 0 || c < 0) throw new Error(`No scale-up service for ${authorityId}, ${category}`);
  return scaleId("service", a * 64 + c);
}

export function categoryName(code: string): string {
  return SERVICE_CATEGORIES.find((c) => c.code === code)?.name ?? code;
}

/**
 * The services on each authority's register, one a category it buys, provided under contract by one
 * of the run's organisations (added once: a later run keeps the first's).
 */
export function serviceRows(
  run: ScaleRun,
  organisations: readonly OrganisationPlan[],
): CommissioningRows["services"] {
  const rows: CommissioningRows["services"] = [];
  for (const authority of COMMISSIONERS)
    for (const category of new Set(authority.categories)) {
      const r = randomFor(run.seed, "service", authority.id, category);
      const providers = organisations.filter((o) => o.categories.includes(category));
      const provider = r.pick(providers.length > 0 ? providers : organisations);
      const since = after(run.now, -5 * YEAR - 90 * DAY);
      rows.push({
        authority_id: authority.id,
        id: serviceIdOf(authority.id, category),
        name: categoryName(category),
        kind: NEIGHBOURHOOD.has(category)
          ? "neighbourhood"
          : COMMISSIONED.has(category)
            ? "commissioned"
            : "individual",
        category_code: category,
        provider_type: "contracted",
        provider_organisation_id: provider.id,
        annual_cost_pence: pounds(10 ** (5.5 + r.next() * 2.2), 1000),
        contract_end: after(run.now, r.int(90, 1100) * DAY)
          .toISOString()
          .slice(0, 10),
        status: "market-tested",
        description: `${categoryName(category)}, bought from providers under contracts tendered on OpenPS.`,
        created_at: since,
        updated_at: since,
      });
    }
  return rows;
}
