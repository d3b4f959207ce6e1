/**
 * Demo areas: the fictional areas of the demo authorities (Westshire, Millbrook, Glanmor, Strathlorn
 * and their neighbours) with GSS-format codes in the 900s, and a few real areas, loaded from
 * `src/seed/data/areas-demo.csv` exactly as `openps areas load` loads a file; and the area of each
 * demo authority. Run by the demo organisations seed, which needs them.
 */
import { readFileSync } from "node:fs";
import type { Trx } from "../../db/database.ts";
import type { Clock } from "../../lib/clock.ts";
import { SYSTEM } from "../../modules/audit/audit.service.ts";
import { setAuthorityArea } from "../../modules/authorities/authorities.service.ts";
import { loadAreas } from "../../modules/vocabularies/vocabularies.service.ts";
import { DEMO_AUTHORITY } from "./authorities.ts";

export const DEMO_AREAS_CSV = new URL("../data/areas-demo.csv", import.meta.url);

/** GSS codes of the demo areas. */
export const DEMO_AREA = {
  westshire: "E10000901",
  millbrook: "E07000901",
  westshireVale: "E07000902",
  kelderby: "E07000903",
  glanmor: "W06000901",
  strathlorn: "S12000901",
  loughCarrig: "N09000901",
  england: "E92000001",
  unitedKingdom: "K02000001",
} as const;

const AUTHORITY_AREAS: Record<string, string> = {
  [DEMO_AUTHORITY.county]: DEMO_AREA.westshire,
  [DEMO_AUTHORITY.district]: DEMO_AREA.millbrook,
  [DEMO_AUTHORITY.nhs]: DEMO_AREA.westshire,
  [DEMO_AUTHORITY.department]: DEMO_AREA.unitedKingdom,
  [DEMO_AUTHORITY.welsh]: DEMO_AREA.glanmor,
  [DEMO_AUTHORITY.scottish]: DEMO_AREA.strathlorn,
  [DEMO_AUTHORITY.regulator]: DEMO_AREA.england,
  [DEMO_AUTHORITY.ombudsman]: DEMO_AREA.england,
  [DEMO_AUTHORITY.phso]: DEMO_AREA.england,
  [DEMO_AUTHORITY.housingOmbudsman]: DEMO_AREA.england,
};

export async function loadDemoAreas(trx: Trx, clock: Clock): Promise<void> {
  await loadAreas(trx, clock, SYSTEM("seed"), readFileSync(DEMO_AREAS_CSV, "utf8"));
}

/** Gives each demo authority its area (the demo authorities and areas must exist). */
export async function setDemoAuthorityAreas(trx: Trx, clock: Clock): Promise<void> {
  for (const [authorityId, areaCode] of Object.entries(AUTHORITY_AREAS)) {
    await setAuthorityArea(trx, clock, SYSTEM("seed"), authorityId, areaCode);
  }
}
