/**
 * Consumer champions (issue 17, item 9): independent organisations — a local Healthwatch, an
 * advocacy charity — that speak for the people who use services and act as agitators for choice
 * (DOMAIN.md §1, §4). A champion is a public body of the kind `consumer-champion`: asked for at
 * `/public-bodies/new` and verified by a platform administrator exactly as authorities, regulators
 * and ombudsmen are (access' verification.service.ts); the person who asked becomes its first
 * `consumer-champion`, who invites its other people (access' invitations, scope `champion`). Here:
 * the areas each covers, the public index and each champion's page, and who acts for one.
 */
import { transaction } from "../../db/transaction.ts";
import { NotFoundError, ValidationError } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { msg } from "../../lib/messages.ts";
import type { Principal } from "../access/access.service.ts";
import { hasRole, requireRole, requireSignedIn } from "../access/access.service.ts";
import { actorIn, type Ctx } from "../access/context.ts";
import { requireScope } from "../accounts/accounts.service.ts";
import { recordAudit } from "../audit/audit.service.ts";
import {
  type Authority,
  assertBodyVerified,
  findPublicBody,
  listAuthorities,
} from "../authorities/authorities.service.ts";
import { findArea, listAreas } from "../vocabularies/vocabularies.service.ts";
import * as repo from "./voice.repository.ts";
import type { ChampionReport } from "./voice.table.ts";

/** The role of a champion's people. */
export const CHAMPION_ROLE = "consumer-champion";

/** An area a champion covers. */
export interface CoveredArea {
  code: string;
  name: string;
}

export interface Champion {
  body: Authority;
  areas: CoveredArea[];
}

function isChampion(body: Authority | undefined): body is Authority {
  return body !== undefined && body.kind === "consumer-champion";
}

/** A verified champion, or 404 (also for a malformed id, another kind of body, or one not yet verified). */
export async function championOf(ctx: Ctx, championId: string): Promise<Authority> {
  const body = isUuid(championId) ? await findPublicBody(ctx.db, championId) : undefined;
  if (!isChampion(body) || body.verified_at === null) throw new NotFoundError("consumer champion");
  return body;
}

/**
 * The champion's people (or a platform administrator), once it is verified: 401, then 404 for an
 * unknown champion, then 403 (one order of checks).
 */
export async function requireChampionStaff(ctx: Ctx, championId: string, what: string): Promise<Principal> {
  requireSignedIn(ctx.principal);
  const body = isUuid(championId) ? await findPublicBody(ctx.db, championId) : undefined;
  if (!isChampion(body)) throw new NotFoundError("consumer champion");
  const p = requireRole(ctx.principal, CHAMPION_ROLE, championId, what);
  await assertBodyVerified(ctx.db, championId, "champion");
  return p;
}

/** The same, for a write that an API token makes: its token needs `champions:write`. */
export async function requireChampionWriter(ctx: Ctx, championId: string, what: string): Promise<Principal> {
  requireScope(ctx.principal, "champions:write");
  return requireChampionStaff(ctx, championId, what);
}

/** Whether this person acts for the champion (its people, or a platform administrator). */
export function actsForChampion(principal: Principal | null, championId: string): boolean {
  return hasRole(principal, [CHAMPION_ROLE, "platform-admin"], championId);
}

async function areasByChampion(ctx: Ctx, ids: readonly string[]): Promise<Map<string, CoveredArea[]>> {
  const byChampion = new Map<string, CoveredArea[]>();
  for (const row of await repo.areasOf(ctx.db, ids)) {
    const list = byChampion.get(row.champion_id) ?? [];
    list.push({ code: row.area_code, name: row.area_name });
    byChampion.set(row.champion_id, list);
  }
  return byChampion;
}

/**
 * Every verified champion, by name, with the areas it covers. Public. Public bodies are a reference
 * table of a few hundred rows (the public bodies' index reads it whole too); the areas are read for
 * the champions listed, by their key.
 */
export async function championsIndex(ctx: Ctx): Promise<Champion[]> {
  const bodies = (await listAuthorities(ctx.db)).filter((b) => isChampion(b) && b.verified_at !== null);
  const areas = await areasByChampion(
    ctx,
    bodies.map((b) => b.id),
  );
  return bodies.map((body) => ({ body, areas: areas.get(body.id) ?? [] }));
}

/** One verified champion with its areas. Public. */
export async function champion(ctx: Ctx, championId: string): Promise<Champion> {
  const body = await championOf(ctx, championId);
  const areas = await areasByChampion(ctx, [body.id]);
  return { body, areas: areas.get(body.id) ?? [] };
}

/** How many drafts its people see on the champion's page. */
const DRAFTS_SHOWN = 50;

export interface ChampionPage extends Champion {
  /** Whether the person asking acts for it: they see its drafts and what they can do. */
  isStaff: boolean;
  /** Its drafts, newest first: for its people only (empty for anyone else). */
  drafts: ChampionReport[];
}

/** A champion's page: who it is, its areas, and for its people its drafts. Public. */
export async function championPage(ctx: Ctx, championId: string): Promise<ChampionPage> {
  const found = await champion(ctx, championId);
  const isStaff = actsForChampion(ctx.principal, found.body.id);
  const drafts = isStaff ? await repo.reportsInState(ctx.db, found.body.id, "draft", DRAFTS_SHOWN) : [];
  return { ...found, isStaff, drafts };
}

// The areas a champion covers

export interface AreasForm extends Champion {
  /** Every area, for choosing another. */
  choices: CoveredArea[];
}

/** The form of the areas a champion covers: its people only. */
export async function areasForm(ctx: Ctx, championId: string): Promise<AreasForm> {
  await requireChampionStaff(ctx, championId, "change the areas this champion covers");
  const [found, all] = await Promise.all([champion(ctx, championId), listAreas(ctx.db)]);
  const covered = new Set(found.areas.map((a) => a.code));
  return {
    ...found,
    choices: all.filter((a) => !covered.has(a.code)).map((a) => ({ code: a.code, name: a.name })),
  };
}

/**
 * Records that the champion covers an area, audited on its chain. `record…`: the caller has
 * checked who may (or the system acts: seeds).
 */
export async function recordChampionArea(ctx: Ctx, championId: string, areaCode: string): Promise<void> {
  const code = areaCode.trim();
  await transaction(ctx.db, async (trx) => {
    if (code === "" || !(await findArea(trx, code)))
      throw new ValidationError(msg`Choose the area the champion covers`, [
        { field: "areaCode", message: msg`Choose an area from the list` },
      ]);
    const actor = actorIn(ctx);
    const added = await repo.insertArea(trx, {
      champion_id: championId,
      area_code: code,
      added_by: actor.type === "user" ? (actor.id ?? null) : null,
      added_at: ctx.clock.now(),
    });
    if (added)
      await recordAudit(trx, ctx.clock, {
        authorityId: championId,
        actor,
        action: "champion.area-added",
        entity: { type: "champion", id: championId },
        changes: { areaCode: code },
      });
  });
}

/** Adds an area the champion covers: its people only. */
export async function addChampionArea(ctx: Ctx, championId: string, areaCode: string): Promise<void> {
  await requireChampionWriter(ctx, championId, "change the areas this champion covers");
  await recordChampionArea(ctx, championId, areaCode);
}

/**
 * Removes an area the champion covers: its people only. An area one of its reports is about stays
 * (the report says which area it is about).
 */
export async function removeChampionArea(ctx: Ctx, championId: string, areaCode: string): Promise<void> {
  await requireChampionWriter(ctx, championId, "change the areas this champion covers");
  const code = areaCode.trim();
  await transaction(ctx.db, async (trx) => {
    if (code === "" || !(await repo.coversArea(trx, championId, code)))
      throw new ValidationError(msg`Choose an area the champion covers`, [
        { field: "areaCode", message: msg`Choose an area from the list` },
      ]);
    if (await repo.hasReportsIn(trx, championId, code))
      throw new ValidationError(msg`This area has reports about it`, [
        {
          field: "areaCode",
          message: msg`The champion has reports about this area, so it stays among the areas it covers`,
        },
      ]);
    await repo.deleteArea(trx, championId, code);
    await recordAudit(trx, ctx.clock, {
      authorityId: championId,
      actor: actorIn(ctx),
      action: "champion.area-removed",
      entity: { type: "champion", id: championId },
      changes: { areaCode: code },
    });
  });
}
