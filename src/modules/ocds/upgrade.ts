/**
 * Other publishers' releases made readable as OCDS 1.1, each change noted where it was made:
 *
 * - An OCDS 1.0 release upgraded as the standard's changelog and ocdskit's `upgrade` do it
 *   (https://standard.open-contracting.org/1.1/en/schema/changelog/): each organisation where 1.0
 *   put it whole (buyer, procuring entity, tenderers, suppliers, a transaction's provider and
 *   receiver) moved to `parties` with its role, and referred to by id and name; an organisation
 *   without an id given the one ocdskit gives it (an MD5 of its identifying fields), so the same data
 *   upgraded by either gets the same ids; `amendment` moved into `amendments`; a transaction's
 *   `amount` renamed `value`, `providerOrganization` `payer` and `receiverOrganization` `payee`.
 *   Deprecated fields are kept. A release is taken to be 1.0 when its package says so, or — as
 *   ocdskit decides for a release alone — when it has no `parties`.
 * - Obviously wrong shapes whose meaning is clear, by the release schema: a single value where a list
 *   belongs becomes a list of one; a number written as text where a number belongs, a number; a
 *   number where text belongs, text; NUL characters (which no database keeps) removed.
 *
 * What cannot be understood is not guessed at: a release with no ocid, id or date that can be read is
 * refused by the import (`identify`).
 */
import { createHash } from "node:crypto";
import type { ExternalNote } from "./external.table.ts";
import { type Json, releaseSchema } from "./schema.ts";

type Obj = Record<string, unknown>;
type SchemaObject = { [key: string]: Json };

const isObject = (value: unknown): value is Obj =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const pointer = (parts: readonly (string | number)[]): string =>
  parts.map((p) => `/${String(p).replaceAll("~", "~0").replaceAll("/", "~1")}`).join("");

// The upgrade from OCDS 1.0

/** The fields that identify a 1.0 organisation, in ocdskit's order (its `organization_identification_1_0`). */
const IDENTIFYING: readonly [string | null, readonly string[]][] = [
  [null, ["name"]],
  ["identifier", ["scheme", "id", "legalName", "uri"]],
  ["address", ["streetAddress", "locality", "region", "postalCode", "countryName"]],
  ["contactPoint", ["name", "email", "telephone", "faxNumber", "url"]],
];

function text(value: unknown): string {
  return value === null || value === undefined || value === false || value === 0 || value === ""
    ? ""
    : String(value);
}

/** The id ocdskit gives an organisation without one. */
export function partyId(party: Obj): string {
  const parts: string[] = [];
  for (const [parent, fields] of IDENTIFYING) {
    const from = parent === null ? party : party[parent];
    if (parent !== null && !(parent in party)) continue;
    for (const field of fields) parts.push(isObject(from) ? text(from[field]) : "");
  }
  return createHash("md5").update(parts.join("-"), "utf8").digest("hex");
}

/** True when the release is to be read as OCDS 1.0. */
export function isOcds10(release: Obj, packageVersion: unknown): boolean {
  if (typeof packageVersion === "string") return packageVersion.trim().startsWith("1.0");
  return !("parties" in release);
}

class Parties {
  private readonly byId = new Map<string, Obj>();
  private readonly added: Obj[] = [];
  private readonly release: Obj;
  constructor(release: Obj) {
    this.release = release;
    if (Array.isArray(release.parties))
      for (const party of release.parties)
        if (isObject(party)) this.byId.set(typeof party.id === "string" ? party.id : partyId(party), party);
  }

  /** The organisation as a reference to its party, which is given the role. */
  reference(organisation: Obj, role: string): Obj {
    const party = structuredClone(organisation);
    if (!("id" in party) || party.id === null || party.id === "") party.id = partyId(party);
    const id = String(party.id);
    let kept = this.byId.get(id);
    if (!kept) {
      kept = party;
      this.byId.set(id, kept);
      this.added.push(kept);
    }
    const roles = Array.isArray(kept.roles) ? kept.roles : kept.roles === undefined ? [] : [kept.roles];
    if (!roles.includes(role)) roles.push(role);
    kept.roles = roles;
    return "name" in party ? { id: party.id, name: party.name } : { id: party.id };
  }

  /** Adds the new parties to the release's `parties`. */
  finish(): void {
    if (this.added.length === 0) return;
    const parties = Array.isArray(this.release.parties) ? this.release.parties : [];
    this.release.parties = [...parties, ...this.added];
  }
}

const ORGANISATION = "An OCDS 1.0 organisation, moved to parties";

/** Upgrades a 1.0 release to 1.1 in place; what was changed, each where it was. */
export function upgradeRelease(release: Obj): ExternalNote[] {
  const notes: ExternalNote[] = [];
  const parties = new Parties(release);
  const move = (holder: Obj, key: string, role: string, at: (string | number)[]) => {
    const organisation = holder[key];
    if (!isObject(organisation)) return;
    holder[key] = parties.reference(organisation, role);
    notes.push({
      path: pointer(at),
      message: `${ORGANISATION} with the role ${role} and referred to by its id`,
    });
  };
  const moveEach = (holder: Obj, key: string, role: string, at: (string | number)[]) => {
    const list = holder[key];
    if (isObject(list)) holder[key] = [list];
    if (!Array.isArray(holder[key])) return;
    (holder[key] as unknown[]).forEach((_, i) => {
      move(holder[key] as unknown as Obj, String(i), role, [...at, i]);
    });
  };
  move(release, "buyer", "buyer", ["buyer"]);
  const tender = release.tender;
  if (isObject(tender)) {
    move(tender, "procuringEntity", "procuringEntity", ["tender", "procuringEntity"]);
    moveEach(tender, "tenderers", "tenderer", ["tender", "tenderers"]);
  }
  forEachIn(release, "awards", (award, i) =>
    moveEach(award, "suppliers", "supplier", ["awards", i, "suppliers"]),
  );
  // amendment → amendments, under tender, each award and each contract.
  const amendments = (block: Obj, at: (string | number)[]) => {
    if (!("amendment" in block)) return;
    const list = Array.isArray(block.amendments) ? block.amendments : [];
    const same = list.some((a) => JSON.stringify(a) === JSON.stringify(block.amendment));
    block.amendments = same ? list : [...list, block.amendment];
    delete block.amendment;
    notes.push({
      path: pointer([...at, "amendment"]),
      message: "An OCDS 1.0 amendment, moved into amendments",
    });
  };
  if (isObject(tender)) amendments(tender, ["tender"]);
  forEachIn(release, "awards", (award, i) => amendments(award, ["awards", i]));
  forEachIn(release, "contracts", (contract, i) => {
    amendments(contract, ["contracts", i]);
    const implementation = contract.implementation;
    if (!isObject(implementation)) return;
    forEachIn(implementation, "transactions", (transaction, j) => {
      const at = ["contracts", i, "implementation", "transactions", j];
      if ("amount" in transaction && !("value" in transaction)) {
        transaction.value = transaction.amount;
        delete transaction.amount;
        notes.push({
          path: pointer([...at, "amount"]),
          message: "An OCDS 1.0 transaction amount, renamed value",
        });
      }
      for (const [old, role] of [
        ["providerOrganization", "payer"],
        ["receiverOrganization", "payee"],
      ] as const) {
        const identifier = transaction[old];
        if (!isObject(identifier) || role in transaction) continue;
        const party: Obj = { identifier };
        if ("legalName" in identifier) party.name = identifier.legalName;
        transaction[role] = parties.reference(party, role);
        delete transaction[old];
        notes.push({
          path: pointer([...at, old]),
          message: `An OCDS 1.0 ${old}, moved to parties with the role ${role} and referred to as the ${role}`,
        });
      }
    });
  });
  parties.finish();
  return notes;
}

function forEachIn(holder: Obj, key: string, fn: (item: Obj, index: number) => void): void {
  const list = holder[key];
  if (!Array.isArray(list)) return;
  list.forEach((item, i) => {
    if (isObject(item)) fn(item, i);
  });
}

// Shapes coerced by the schema

const NUMBER = /^\s*-?\d+(\.\d+)?([eE][+-]?\d+)?\s*$/;

function definitionOf(schema: SchemaObject, root: SchemaObject): SchemaObject {
  let current = schema;
  for (let hops = 0; typeof current.$ref === "string" && hops < 20; hops++) {
    const name = current.$ref.startsWith("#/definitions/") ? current.$ref.slice("#/definitions/".length) : "";
    const target = (root.definitions as SchemaObject | undefined)?.[name];
    if (!target || typeof target !== "object" || Array.isArray(target)) return {};
    current = target as SchemaObject;
  }
  return current;
}

function typesOf(schema: SchemaObject): string[] {
  const type = schema.type;
  if (typeof type === "string") return [type];
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === "string");
  return isObject(schema.properties) ? ["object"] : [];
}

function describe(value: unknown): string {
  if (typeof value === "string")
    return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value)}`;
  if (typeof value === "number") return `the number ${value}`;
  return "an object";
}

/** Coerces `value` to the shape its schema gives it, where the meaning is clear; notes each change. */
function coerce(
  value: unknown,
  schema: SchemaObject,
  root: SchemaObject,
  at: string,
  notes: ExternalNote[],
): unknown {
  if (value === null || value === undefined) return value;
  const resolved = definitionOf(schema, root);
  const types = typesOf(resolved);
  if (typeof value === "string" && value.includes("\u0000")) {
    value = value.replaceAll("\u0000", "");
    notes.push({ path: at, message: "NUL characters removed from the text" });
  }
  if (types.includes("array") && !Array.isArray(value) && isObject(resolved.items)) {
    const items = definitionOf(resolved.items as SchemaObject, root);
    const itemTypes = typesOf(items);
    const fits =
      (typeof value === "string" && itemTypes.includes("string")) ||
      (typeof value === "number" && (itemTypes.includes("number") || itemTypes.includes("integer"))) ||
      (isObject(value) && itemTypes.includes("object"));
    if (!fits) return value;
    notes.push({ path: at, message: `A list was expected: ${describe(value)} was made a list of one` });
    return [coerce(value, items, root, `${at}/0`, notes)];
  }
  if (Array.isArray(value)) {
    if (!types.includes("array") || !isObject(resolved.items)) return value;
    const items = resolved.items as SchemaObject;
    return value.map((item, i) => coerce(item, items, root, `${at}/${i}`, notes));
  }
  if (isObject(value)) {
    const properties = resolved.properties;
    if (!types.includes("object") || !isObject(properties)) return value;
    for (const [key, inner] of Object.entries(value)) {
      const property = properties[key];
      if (isObject(property))
        value[key] = coerce(inner, property as SchemaObject, root, `${at}${pointer([key])}`, notes);
    }
    return value;
  }
  const numeric = types.includes("number") || types.includes("integer");
  if (typeof value === "string" && numeric && !types.includes("string") && NUMBER.test(value)) {
    const number = Number(value);
    if (
      Number.isFinite(number) &&
      (!types.includes("integer") || types.includes("number") || Number.isInteger(number))
    ) {
      notes.push({ path: at, message: `A number was expected: ${describe(value)} was read as ${number}` });
      return number;
    }
  }
  if (typeof value === "number" && types.includes("string") && !numeric && Number.isFinite(value)) {
    notes.push({ path: at, message: `Text was expected: ${describe(value)} was read as "${value}"` });
    return String(value);
  }
  return value;
}

/** The release with its shapes coerced to the release schema (in place), and what was changed. */
export function coerceRelease(release: Obj): ExternalNote[] {
  const notes: ExternalNote[] = [];
  const root = releaseSchema();
  coerce(release, root, root, "", notes);
  return notes;
}

/** What a contact point says of a person: withheld from imported data (`withholdContacts`). */
export const PERSONAL_CONTACT_FIELDS = ["name", "email", "telephone", "faxNumber"] as const;

/**
 * The release with its contact points' personal fields taken out (in place), wherever they are
 * (`contactPoint`, the additional contact points extension's `additionalContactPoints`, in parties
 * or in OCDS 1.0 organisations): the name, email, telephone and fax of an official. OpenPS publishes
 * no official's personal contact details in its own releases and does not republish another
 * publisher's (data minimisation: neither the search nor the market figures need them; the
 * publisher's own data, linked from every imported process, keeps them). A contact point's `url`,
 * the organisation's, stays. The number of contact points changed.
 */
export function withholdContacts(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, item) => n + withholdContacts(item), 0);
  if (typeof value !== "object" || value === null) return 0;
  let withheld = 0;
  for (const [key, child] of Object.entries(value as Obj)) {
    const points =
      key === "contactPoint"
        ? [child]
        : key === "additionalContactPoints" && Array.isArray(child)
          ? child
          : null;
    if (points) {
      for (const point of points)
        if (typeof point === "object" && point !== null && !Array.isArray(point)) {
          const before = Object.keys(point).length;
          for (const field of PERSONAL_CONTACT_FIELDS) delete (point as Obj)[field];
          if (Object.keys(point).length < before) withheld++;
        }
    } else withheld += withholdContacts(child);
  }
  return withheld;
}

// What makes a release a release

/**
 * An instant from the text of an OCDS date: RFC 3339, or near it (a date alone, a space for the `T`,
 * no seconds, a zone without its colon); without a zone, UTC. Undefined when it is not a date.
 */
export function parseOcdsDate(value: unknown): Date | undefined {
  if (typeof value !== "string") return undefined;
  const match =
    /^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?\s*$/i.exec(
      value,
    );
  if (!match) return undefined;
  const [, y, mo, d, h = "00", mi = "00", s = "00", fraction = "", zone = "Z"] = match;
  const offset =
    zone.toUpperCase() === "Z" ? "Z" : `${zone.slice(0, 3)}:${zone.length > 3 ? zone.slice(-2) : "00"}`;
  const at = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${fraction.slice(0, 4)}${offset}`);
  if (Number.isNaN(at.getTime())) return undefined;
  // 2024-02-31 is not a date, whatever Date makes of it.
  const check = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d)) return undefined;
  return at;
}
