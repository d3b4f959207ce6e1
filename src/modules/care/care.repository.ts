/** Care's SQL: the only place that reads and writes the care tables. Takes the database or a transaction first. */
import type { Db } from "../../db/database.ts";
import type { CareBudgetPart, CarePlan, CarePlanVersion } from "./care.table.ts";

export async function findPlan(db: Db, authorityId: string, planId: string): Promise<CarePlan | undefined> {
  return db
    .selectFrom("care_plans")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("id", "=", planId)
    .executeTakeFirst();
}

export async function findPlanVersion(
  db: Db,
  authorityId: string,
  planId: string,
  version: number,
): Promise<CarePlanVersion | undefined> {
  return db
    .selectFrom("care_plan_versions")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("plan_id", "=", planId)
    .where("version", "=", version)
    .executeTakeFirst();
}

export async function budgetParts(
  db: Db,
  authorityId: string,
  planId: string,
  version: number,
): Promise<CareBudgetPart[]> {
  return db
    .selectFrom("care_budget_parts")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("plan_id", "=", planId)
    .where("version", "=", version)
    .orderBy("part")
    .execute();
}
