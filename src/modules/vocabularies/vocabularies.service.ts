/**
 * Vocabularies the directory and open data share: areas by ONS GSS code (loaded from a CSV, all or
 * nothing) and service categories with their CPV codes (a curated list, see service-categories.ts).
 * National reference data, audited on the platform chain.
 */
import { createHash } from "node:crypto";
import type { Db } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import type { Clock } from "../../lib/clock.ts";
import { ValidationError } from "../../lib/errors.ts";
import { type Actor, recordAudit } from "../audit/audit.service.ts";
import { parseAreasCsv } from "./areas-csv.ts";
import { SERVICE_CATEGORIES, type ServiceCategoryDefinition } from "./service-categories.ts";
import * as repo from "./vocabularies.repository.ts";

export interface AreasLoaded {
  /** Areas in the file. */
  total: number;
  added: number;
  updated: number;
}

/**
 * Loads areas from a CSV in one transaction: every line is checked first, and one bad line means
 * nothing is loaded (a `ValidationError` naming each bad line by its number, as `line N`).
 */
export async function loadAreas(db: Db, clock: Clock, actor: Actor, csv: string): Promise<AreasLoaded> {
  const { areas, problems } = parseAreasCsv(csv);
  if (problems.length > 0) {
    throw new ValidationError(
      `The areas file has ${problems.length === 1 ? "a problem" : `${problems.length} problems`}: fix ${problems.length === 1 ? "it" : "them"} and load it again. Nothing was loaded.`,
      problems.map((p) => ({ field: `line ${p.line}`, message: p.message })),
      "areas_file_invalid",
    );
  }
  return transaction(db, async (trx) => {
    const existing = await repo.existingAreaCodes(
      trx,
      areas.map((area) => area.code),
    );
    const now = clock.now();
    await repo.upsertAreas(
      trx,
      areas.map((area) => ({ ...area, created_at: now, updated_at: now })),
    );
    const result = { total: areas.length, added: areas.length - existing.size, updated: existing.size };
    await recordAudit(trx, clock, {
      authorityId: null,
      actor,
      action: "areas.loaded",
      entity: { type: "vocabulary", id: "areas" },
      changes: { ...result, fileSha256: createHash("sha256").update(csv).digest("hex") },
    });
    return result;
  });
}

/**
 * Puts the curated service categories in the database (new ones added, changed ones updated).
 * Returns false, changing and auditing nothing, when the database already holds exactly these.
 */
export async function loadServiceCategories(
  db: Db,
  clock: Clock,
  actor: Actor,
  categories: readonly ServiceCategoryDefinition[] = SERVICE_CATEGORIES,
): Promise<boolean> {
  return transaction(db, async (trx) => {
    const rows = categories.map((c, position) => ({
      code: c.code,
      name: c.name,
      cpv_code: c.cpvCode,
      cpv_description: c.cpvDescription,
      light_touch: c.lightTouch,
      reservable: c.reservable,
      position,
    }));
    const existing = new Map((await repo.listServiceCategories(trx)).map((row) => [row.code, row]));
    const same = rows.every((row) => {
      const had = existing.get(row.code);
      return (
        had !== undefined &&
        Object.entries(row).every(([key, value]) => had[key as keyof typeof row] === value)
      );
    });
    if (same) return false;
    await repo.upsertServiceCategories(trx, rows);
    await recordAudit(trx, clock, {
      authorityId: null,
      actor,
      action: "service-categories.loaded",
      entity: { type: "vocabulary", id: "service-categories" },
      changes: { codes: categories.map((c) => `${c.code} ${c.cpvCode}`) },
    });
    return true;
  });
}

export const listAreas = repo.listAreas;
export const findArea = repo.findArea;
export const listServiceCategories = repo.listServiceCategories;
export const existingAreaCodes = repo.existingAreaCodes;
export const existingCategoryCodes = repo.existingCategoryCodes;
