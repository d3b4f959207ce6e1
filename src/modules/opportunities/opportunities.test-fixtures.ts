/**
 * For this module's tests only: published (or draft, cancelled, opened) tenders with the project
 * facts the search reads, written straight to the tables, and people written straight to `users`.
 */
import type { Db } from "../../db/database.ts";
import { newId } from "../../lib/ids.ts";
import { DEMO_AREA } from "../../seed/demo/areas.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";

export const COUNTY = DEMO_AUTHORITY.county;
export const COUNTY_SLUG = "westshire-county-council";

export interface TenderFixture {
  title: string;
  description?: string;
  category: string;
  area: string;
  valuePence: bigint;
  deadline: Date;
  reserved?: boolean;
  status?: "draft" | "published" | "cancelled";
  opened?: boolean;
}

/** A tender of the county council on a project of its own with these facts; returns its id. */
export async function insertTender(db: Db, f: TenderFixture, now: Date): Promise<string> {
  const projectId = newId();
  const id = newId();
  await db
    .insertInto("projects")
    .values({
      authority_id: COUNTY,
      id: projectId,
      ocid: `ocds-test-${projectId}`,
      title: `Project: ${f.title}`,
      description: "",
      need: "A need.",
      category_code: f.category,
      area_code: f.area,
      estimated_value_pence: f.valuePence,
      market_engagement_date: "2026-01-01",
      tender_date: "2026-02-01",
      award_date: "2026-03-01",
      start_date: "2026-04-01",
      status: "published",
      created_at: now,
      updated_at: now,
      published_at: now,
    })
    .execute();
  const status = f.status ?? "published";
  await db
    .insertInto("tenders")
    .values({
      authority_id: COUNTY,
      id,
      project_id: projectId,
      title: f.title,
      description: f.description ?? "",
      procedure: "open",
      stages: "",
      pricing_mode: "competitive",
      fixed_price_pence: null,
      tariff: "",
      scoring_scale_max: 10,
      reserved: f.reserved ?? false,
      contract_term_months: 36,
      tupe_applies: false,
      tupe_staff_count: null,
      tupe_annual_cost_pence: null,
      tupe_terms: "",
      pension_terms: "",
      vat_treatment: "exempt",
      vat_note: "",
      clarification_deadline: new Date(f.deadline.getTime() - 7 * 86_400_000),
      submission_deadline: f.deadline,
      status,
      published_at: status === "draft" ? null : now,
      cancelled_at: status === "cancelled" ? now : null,
      cancel_reason: status === "cancelled" ? "Cancelled in a test" : null,
      opened_at: f.opened ? now : null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

/** A person (no password: never signed in through a form), straight into `users`. */
export async function insertPerson(db: Db, now: Date, name = "Test Person"): Promise<string> {
  const id = newId();
  await db
    .insertInto("users")
    .values({
      id,
      email: `person-${id.slice(-12)}@example.org`,
      display_name: name,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

/** "Now" for the fixtures: Monday 23 November 2026, 9am. */
export const NOW = new Date("2026-11-23T09:00:00Z");

/**
 * Deadlines: homeCare 15 January 2027 (GMT); youth 1 February 2027; carers 15 June 2027 at 23:30
 * UTC, which is 00:30 on 16 June in London (BST). closed and opened have passed.
 */
export const FIXTURES = {
  homeCare: {
    title: "Home care in Wesford",
    description: "Personal care at home for older people in Wesford and the villages.",
    category: "domiciliary-care",
    area: DEMO_AREA.westshire,
    valuePence: 4_800_000_000n,
    deadline: new Date("2027-01-15T12:00:00Z"),
  },
  carers: {
    title: "Carers' short breaks",
    description: "Short breaks for unpaid carers, run with local charities.",
    category: "carers-support",
    area: DEMO_AREA.millbrook,
    valuePence: 25_000_000n,
    deadline: new Date("2027-06-15T23:30:00Z"),
    reserved: true,
  },
  youth: {
    title: "Youth club sessions",
    description: "Evening youth work in Kelderby.",
    category: "youth-services",
    area: DEMO_AREA.kelderby,
    valuePence: 9_999_999n,
    deadline: new Date("2027-02-01T10:00:00Z"),
  },
  closed: {
    title: "Reablement at home",
    description: "Reablement after hospital.",
    category: "domiciliary-care",
    area: DEMO_AREA.westshire,
    valuePence: 100_000_000n,
    deadline: new Date("2026-11-01T12:00:00Z"),
  },
  opened: {
    title: "Night-time home care",
    description: "Visits between 10pm and 7am.",
    category: "domiciliary-care",
    area: DEMO_AREA.westshire,
    valuePence: 200_000_000n,
    deadline: new Date("2026-10-01T12:00:00Z"),
    opened: true,
  },
  cancelled: {
    title: "Cancelled home care",
    description: "Home care, cancelled.",
    category: "domiciliary-care",
    area: DEMO_AREA.westshire,
    valuePence: 300_000_000n,
    deadline: new Date("2027-03-01T12:00:00Z"),
    status: "cancelled",
  },
  draft: {
    title: "Draft home care",
    description: "Home care, not published.",
    category: "domiciliary-care",
    area: DEMO_AREA.westshire,
    valuePence: 300_000_000n,
    deadline: new Date("2027-03-01T12:00:00Z"),
    status: "draft",
  },
} satisfies Record<string, TenderFixture>;

export type FixtureName = keyof typeof FIXTURES;

export async function insertFixtures(db: Db, now: Date): Promise<Record<FixtureName, string>> {
  const ids = {} as Record<FixtureName, string>;
  for (const [name, f] of Object.entries(FIXTURES) as [FixtureName, TenderFixture][])
    ids[name] = await insertTender(db, f, now);
  return ids;
}
