/**
 * Awarded grants as 360Giving data (the 360Giving Data Standard 1.4, JSON), checked against the
 * standard's schemas as the project ships them (`schema/`, with their licence): every package this
 * module publishes is validated before it is sent, so a grant the standard would refuse is a fault
 * of ours, not a file a user downloads.
 *
 * - `id`: the configured prefix (`GRANT_ID_PREFIX`, "360G-openps-"), the funder's id and the
 *   application's id: unique and stable.
 * - `amountAwarded` (and `amountAppliedFor`): pounds as a decimal number made from pence exactly —
 *   the text "1234.56" made from 123456n and read as a JSON number, which writes back as the same
 *   text (every amount below 2^53 pence does).
 * - `recipientOrganization` and `fundingOrganization`: the directory's org-id identifier when it
 *   has one (organisations/identifiers.ts; an authority's `orgId`), else the platform's own
 *   ("360G-openps-org-" or "360G-openps-authority-" and its id), with the name, and the company or
 *   charity number when the directory holds one.
 * - `awardDate` (the London date of the decision), `plannedDates` (when the recipient plans the
 *   work, when it said), `grantProgramme` (code and title), `beneficiaryLocation` (the recipient's
 *   areas of work, by GSS code, when the directory knows them), `currency` GBP.
 * - A grant paid (in whole or part) from a pool of a community budget (the `grantFunding` port):
 *   the pool's partners as further `fundingOrganization`s after the programme's funder (each once),
 *   the pool as a further `grantProgramme` ("360G-openps-community-budget-" and its id, its title
 *   and page), and the additional field `poolFunding`: per pool, what it paid and each partner's
 *   share, in pounds.
 */
import fs from "node:fs";
import path from "node:path";
import Ajv2020Module from "ajv/dist/2020.js";
import formatsModule from "ajv-formats";

// Both packages are CommonJS: under Node's ESM their default export is the `exports` object.
const Ajv2020 = Ajv2020Module.default;
const addFormats = formatsModule.default;

/** The prefix of every grant's identifier: 360Giving's registered form "360G-" and the platform's name. */
export const GRANT_ID_PREFIX = "360G-openps-";

const SCHEMA_DIR = path.join(import.meta.dirname, "schema");
/**
 * The package schema (1.4.3) names the grant schema by its 1.4.2 address; the grant schema shipped
 * is 1.4.3's (its own `$id`): it is registered under both.
 */
const GRANT_SCHEMA_URL_AS_NAMED =
  "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json";

/** The standard's own keywords: they name codelists and how a row rolls up, and validate nothing. */
const GIVING_KEYWORDS = ["codelist", "openCodelist", "rollUp"];

export interface GivingProblem {
  /** Where, as a JSON pointer into the package ("/grants/0/amountAwarded"). */
  path: string;
  message: string;
}

type Validate = ((data: unknown) => boolean) & {
  errors?: { instancePath: string; message?: string }[] | null;
};

let packageCheck: Validate | undefined;

/**
 * A schema of the standard, read from `dir`. Both name their dialect as
 * "http://json-schema.org/draft/2020-12/schema" (http, where the dialect's own address is https):
 * Ajv's 2020-12 class is that dialect, so the name is left out rather than fetched.
 */
function readSchema(dir: string, name: string): Record<string, unknown> {
  const { $schema: _dialect, ...schema } = JSON.parse(
    fs.readFileSync(path.join(dir, name), "utf8"),
  ) as Record<string, unknown>;
  return schema;
}

/** The package schema with the grant schema registered, from `dir` (the shipped copy unless a test says). */
export function compilePackageCheck(dir = SCHEMA_DIR): Validate {
  // Strict, but for two of its checks the standard's schema does not meet: a `oneOf` branch naming
  // required fields declared beside it (strictRequired), and a `format` without its `type` (strictTypes).
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    strictRequired: false,
    strictTypes: false,
    allowUnionTypes: true,
  });
  addFormats(ajv, ["date-time", "uri", "email"]);
  for (const keyword of GIVING_KEYWORDS) ajv.addKeyword({ keyword });
  const grant = readSchema(dir, "360-giving-schema.json");
  ajv.addSchema(grant);
  ajv.addSchema({ ...grant, $id: GRANT_SCHEMA_URL_AS_NAMED });
  return ajv.compile(readSchema(dir, "360-giving-package-schema.json")) as Validate;
}

/** What is wrong with a 360Giving package, against the shipped schemas; none when it is valid. */
export function packageProblems(pkg: unknown, check?: Validate): GivingProblem[] {
  if (!check && !packageCheck) packageCheck = compilePackageCheck();
  const validate = check ?? (packageCheck as Validate);
  if (validate(pkg)) return [];
  return (validate.errors ?? []).map((e) => ({ path: e.instancePath, message: e.message ?? "is not valid" }));
}

/** Pence as pounds, a decimal number made exactly from its text: 123456n → 1234.56. */
export function poundsOf(pence: bigint): number {
  const sign = pence < 0n ? "-" : "";
  const abs = pence < 0n ? -pence : pence;
  return Number(`${sign}${abs / 100n}.${String(abs % 100n).padStart(2, "0")}`);
}

export interface GivingOrganisation {
  id: string;
  name: string;
  charityNumber?: string;
  companyNumber?: string;
}

/** One awarded grant, as the module reads it, to be written as 360Giving. */
export interface AwardedGrant {
  applicationId: string;
  funderKey: string;
  title: string;
  purpose: string;
  amountAppliedForPence: bigint;
  amountAwardedPence: bigint;
  awardDate: string;
  plannedStart: string | null;
  plannedEnd: string | null;
  recipient: GivingOrganisation;
  funder: GivingOrganisation;
  programme: { id: string; title: string };
  /** The pools (community budgets) that paid the grant, in whole or in part, with their partners' shares. */
  pools: GivingPool[];
  locations: { code: string; name: string }[];
  modifiedAt: Date;
}

/** A pool that paid a grant: published as a further grant programme, its partners as further funders. */
export interface GivingPool {
  id: string;
  title: string;
  /** Its page, absolute (when the base address is known). */
  url: string | null;
  /** Each partner, as an organisation, and its share of what the pool paid of the grant. */
  funders: (GivingOrganisation & { pence: bigint })[];
}

/** A pool's code as a grant programme: "360G-openps-community-budget-" and its id. */
export const poolCode = (poolId: string) => `${GRANT_ID_PREFIX}community-budget-${poolId}`;

/** The programme's funder, then each pool's partners not named before (by identifier), in order. */
export function fundersOf(g: Pick<AwardedGrant, "funder" | "pools">): GivingOrganisation[] {
  const out: GivingOrganisation[] = [g.funder];
  for (const pool of g.pools)
    for (const { pence: _share, ...org } of pool.funders)
      if (!out.some((o) => o.id === org.id)) out.push(org);
  return out;
}

export function givingGrant(g: AwardedGrant): Record<string, unknown> {
  const planned =
    g.plannedStart !== null
      ? [{ startDate: g.plannedStart, ...(g.plannedEnd ? { endDate: g.plannedEnd } : {}) }]
      : undefined;
  return {
    id: `${GRANT_ID_PREFIX}${g.funderKey}-${g.applicationId}`,
    title: g.title,
    description: g.purpose,
    currency: "GBP",
    amountAppliedFor: poundsOf(g.amountAppliedForPence),
    amountAwarded: poundsOf(g.amountAwardedPence),
    awardDate: g.awardDate,
    ...(planned ? { plannedDates: planned } : {}),
    recipientOrganization: [g.recipient],
    fundingOrganization: fundersOf(g),
    grantProgramme: [
      { code: `${GRANT_ID_PREFIX}programme-${g.programme.id}`, title: g.programme.title },
      ...g.pools.map((p) => ({ code: poolCode(p.id), title: p.title, ...(p.url ? { url: p.url } : {}) })),
    ],
    ...(g.locations.length > 0
      ? {
          beneficiaryLocation: g.locations.map((l) => ({ name: l.name, countryCode: "GB", geoCode: l.code })),
        }
      : {}),
    dateModified: g.modifiedAt.toISOString(),
    // An additional field (the standard allows them): what each pool paid, and each partner's share.
    ...(g.pools.length > 0
      ? {
          poolFunding: g.pools.map((p) => ({
            grantProgrammeCode: poolCode(p.id),
            amount: poundsOf(p.funders.reduce((sum, f) => sum + f.pence, 0n)),
            shares: p.funders.map((f) => ({ organizationId: f.id, name: f.name, amount: poundsOf(f.pence) })),
          })),
        }
      : {}),
  };
}

/** A package of grants, as the standard's version 1.4 writes it. */
export function givingPackage(grants: readonly AwardedGrant[]): {
  version: string;
  grants: Record<string, unknown>[];
} {
  return { version: "1.4", grants: grants.map(givingGrant) };
}
