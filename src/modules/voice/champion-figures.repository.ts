/**
 * The area figures' feedback trends (champion-figures.service.ts): the published reviews of the
 * people in an area per month of their service, with their stars summed — one grouped read of the
 * index `feedback_reviews_by_area` (the area, then the month; the stars included). Takes the
 * database or a transaction first.
 */
import { sql } from "kysely";
import type { Db } from "../../db/database.ts";

export interface FeedbackMonthRow {
  /** YYYY-MM: the month of the service reviewed. */
  month: string;
  reviews: number;
  stars: number;
}

/** Published reviews by people in the area for services from `fromMonth` (YYYY-MM) on, per month. */
export async function feedbackByMonth(
  db: Db,
  areaCode: string,
  fromMonth: string,
): Promise<FeedbackMonthRow[]> {
  const rows = await db
    .selectFrom("feedback_reviews")
    .select([
      "service_month as month",
      sql<string>`count(*)`.as("reviews"),
      sql<string>`sum(stars)`.as("stars"),
    ])
    .where("area_code", "=", areaCode)
    .where("state", "=", "published")
    .where("service_month", ">=", fromMonth)
    .groupBy("service_month")
    .orderBy("service_month")
    .execute();
  return rows.map((r) => ({ month: r.month, reviews: Number(r.reviews), stars: Number(r.stars) }));
}
