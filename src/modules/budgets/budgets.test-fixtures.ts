/**
 * For tests only: a care plan with a personal budget, written straight into the care tables (the
 * care module records people and plans; its demo seed comes later). Raw inserts, as a migration of
 * the care tables would leave them: a person (made-up name), a plan, its version and budget parts.
 * The budgets module itself reads plans only through the care module's `planBudget`.
 */
import { sql } from "kysely";
import type { Db } from "../../db/database.ts";
import { newId } from "../../lib/ids.ts";

export interface PlanFixture {
  authorityId: string;
  parts: {
    delivery: "direct-payment" | "managed-by-authority" | "managed-by-organisation";
    amountPence: bigint;
    organisationId?: string;
  }[];
  per?: "week" | "year";
  surplusLevelPence?: bigint | null;
  startedOn?: string;
  endedOn?: string | null;
}

export async function insertCarePlan(db: Db, f: PlanFixture): Promise<string> {
  const personId = newId();
  const planId = newId();
  const now = new Date("2026-12-01T12:00:00Z");
  const startedOn = f.startedOn ?? "2026-04-01";
  const amount = f.parts.reduce((s, p) => s + p.amountPence, 0n);
  await sql`
    insert into care_people (authority_id, id, full_name, date_of_birth, area_code, created_at, updated_at)
    values (${f.authorityId}, ${personId}, 'Test Person', '1950-01-01',
      (select code from areas order by code limit 1), ${now}, ${now})`.execute(db);
  await sql`
    insert into care_plans (authority_id, id, person_id, regime, status, current_version, started_on, ended_on,
      created_at, updated_at)
    values (${f.authorityId}, ${planId}, ${personId}, 'adult-social-care', ${f.endedOn ? "ended" : "active"}, 1,
      ${startedOn}, ${f.endedOn ?? null}, ${now}, ${now})`.execute(db);
  await sql`
    insert into care_plan_versions (authority_id, plan_id, version, amount_pence, period, starts_on, reason,
      surplus_level_pence, created_at)
    values (${f.authorityId}, ${planId}, 1, ${amount}, ${f.per ?? "week"}, ${startedOn}, 'Assessed needs',
      ${f.surplusLevelPence ?? null}, ${now})`.execute(db);
  let part = 0;
  for (const p of f.parts)
    await sql`
      insert into care_budget_parts (authority_id, plan_id, version, part, delivery, amount_pence, organisation_id)
      values (${f.authorityId}, ${planId}, 1, ${++part}, ${p.delivery}, ${p.amountPence}, ${p.organisationId ?? null})`.execute(
      db,
    );
  return planId;
}

/** Ends a plan (as the care module will when a plan ends). */
export async function endCarePlan(
  db: Db,
  authorityId: string,
  planId: string,
  endedOn: string,
): Promise<void> {
  await sql`
    update care_plans set status = 'ended', ended_on = ${endedOn}
    where authority_id = ${authorityId} and id = ${planId}`.execute(db);
}
