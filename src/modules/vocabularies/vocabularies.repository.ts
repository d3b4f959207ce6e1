/** SQL for the vocabularies: areas by GSS code and service categories. */
import type { Db, Trx } from "../../db/database.ts";
import type { Area, NewArea, NewServiceCategory, ServiceCategory } from "./vocabularies.table.ts";

const CHUNK = 500;

export async function existingAreaCodes(db: Db, codes: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < codes.length; i += CHUNK) {
    const chunk = codes.slice(i, i + CHUNK);
    if (chunk.length === 0) continue;
    const rows = await db.selectFrom("areas").select("code").where("code", "in", chunk).execute();
    for (const row of rows) found.add(row.code);
  }
  return found;
}

/** Inserts new areas and updates the name, type and nation of existing ones. */
export async function upsertAreas(trx: Trx, areas: readonly NewArea[]): Promise<void> {
  for (let i = 0; i < areas.length; i += CHUNK) {
    await trx
      .insertInto("areas")
      .values(areas.slice(i, i + CHUNK))
      .onConflict((oc) =>
        oc.column("code").doUpdateSet((eb) => ({
          name: eb.ref("excluded.name"),
          type: eb.ref("excluded.type"),
          nation: eb.ref("excluded.nation"),
          updated_at: eb.ref("excluded.updated_at"),
        })),
      )
      .execute();
  }
}

export function listAreas(db: Db): Promise<Area[]> {
  return db.selectFrom("areas").selectAll().orderBy("name").orderBy("code").execute();
}

export function findArea(db: Db, code: string): Promise<Area | undefined> {
  return db.selectFrom("areas").selectAll().where("code", "=", code).executeTakeFirst();
}

export async function upsertServiceCategories(
  trx: Trx,
  categories: readonly NewServiceCategory[],
): Promise<void> {
  if (categories.length === 0) return;
  await trx
    .insertInto("service_categories")
    .values([...categories])
    .onConflict((oc) =>
      oc.column("code").doUpdateSet((eb) => ({
        name: eb.ref("excluded.name"),
        cpv_code: eb.ref("excluded.cpv_code"),
        cpv_description: eb.ref("excluded.cpv_description"),
        light_touch: eb.ref("excluded.light_touch"),
        reservable: eb.ref("excluded.reservable"),
        position: eb.ref("excluded.position"),
      })),
    )
    .execute();
}

export function listServiceCategories(db: Db): Promise<ServiceCategory[]> {
  return db.selectFrom("service_categories").selectAll().orderBy("position").orderBy("code").execute();
}

export async function existingCategoryCodes(db: Db, codes: readonly string[]): Promise<Set<string>> {
  if (codes.length === 0) return new Set();
  const rows = await db.selectFrom("service_categories").select("code").where("code", "in", codes).execute();
  return new Set(rows.map((row) => row.code));
}
