/**
 * The OCDS 1.1 merge routine (https://standard.open-contracting.org/1.1/en/schema/merging/): a
 * contracting process's releases, oldest first, folded into a record's compiled release (each
 * field's latest value) or versioned release (each field's values over time, with the release each
 * came from). The rules for each field come from the release schema with the extensions applied,
 * read once. Where the standard's text is loose, this does what its reference implementation,
 * ocdsmerge (open-contracting/ocds-merge), does, as the standard asks of re-implementations; the
 * standard's fictional example, whose record ocdskit made with ocdsmerge, is the test.
 */
import { type Json, releaseSchema } from "./schema.ts";

export type OcdsRelease = { ocid: string; id: string; date: string; tag: string[]; [field: string]: unknown };

/** How the merge treats one field, from the release schema; `fields` are its object's (or its array items') fields. */
export type MergeRule = {
  /** `omitWhenMerged`: dropped from merged output (the release's own `id`, `date` and `tag`). */
  omitWhenMerged: boolean;
  /** The array is merged as one value: `wholeListMerge`, items that are not objects, or objects without an `id`. */
  wholeListMerge: boolean;
  /** An array of objects with an `id`: its objects are merged by `id` across releases (identifier merge). */
  identifierMerge: boolean;
  /**
   * `versionId`: an `id` versioned like any other value. Informative only: the standard versions every
   * `id` but that of an object in an identifier-merged array, which stays the object's key whatever
   * this says, so the merge never needs to read it.
   */
  versionId: boolean;
  fields: ReadonlyMap<string, MergeRule>;
};

type SchemaObject = { [key: string]: Json };

const NO_FIELDS: ReadonlyMap<string, MergeRule> = new Map();

function isSchemaObject(value: Json | undefined): value is SchemaObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The schema a `$ref` (to `#/definitions/...`) points at, followed to the end, with the definition names passed. */
function dereference(schema: SchemaObject, root: SchemaObject): { schema: SchemaObject; refs: string[] } {
  const refs: string[] = [];
  let current = schema;
  while (typeof current.$ref === "string") {
    const ref = current.$ref;
    const name = ref.startsWith("#/definitions/") ? ref.slice("#/definitions/".length) : undefined;
    const definitions = root.definitions;
    const target = name !== undefined && isSchemaObject(definitions) ? definitions[name] : undefined;
    if (name === undefined || !isSchemaObject(target) || refs.includes(name))
      throw new Error(`The release schema's $ref ${ref} cannot be followed`);
    refs.push(name);
    current = target;
  }
  return { schema: current, refs };
}

function typesOf(schema: SchemaObject): string[] {
  const type = schema.type;
  if (typeof type === "string") return [type];
  return Array.isArray(type) ? type.filter((t): t is string => typeof t === "string") : [];
}

/**
 * The rules for each property of an object schema. Precedence as in the standard: `omitWhenMerged`
 * over everything; `wholeListMerge` over whatever the items hold; an array of objects is merged by
 * identifier only when its items declare an `id` and nothing but objects.
 */
function rulesOf(properties: Json | undefined, root: SchemaObject, stack: readonly string[]) {
  const rules = new Map<string, MergeRule>();
  if (!isSchemaObject(properties)) return rules;
  for (const [name, property] of Object.entries(properties)) {
    if (!isSchemaObject(property)) continue;
    const { schema, refs } = dereference(property, root);
    // A definition that contains itself would recurse for ever; OCDS 1.1 has none, but an extension might.
    if (refs.some((ref) => stack.includes(ref))) continue;
    const inner = [...stack, ...refs];
    const types = typesOf(schema);
    const rule: MergeRule = {
      omitWhenMerged: schema.omitWhenMerged === true,
      wholeListMerge: false,
      identifierMerge: false,
      versionId: schema.versionId === true,
      fields: NO_FIELDS,
    };
    if (rule.omitWhenMerged) {
      // Nothing beneath a dropped field matters.
    } else if (types.includes("array") && schema.wholeListMerge === true) {
      rule.wholeListMerge = true;
    } else if (types.includes("object") && isSchemaObject(schema.properties)) {
      rule.fields = rulesOf(schema.properties, root, inner);
    } else if (types.includes("array") && isSchemaObject(schema.items)) {
      const items = dereference(schema.items, root);
      const itemTypes = typesOf(items.schema);
      if (itemTypes.some((type) => type !== "object")) rule.wholeListMerge = true;
      else if (itemTypes.includes("object") && isSchemaObject(items.schema.properties)) {
        if (!("id" in items.schema.properties)) rule.wholeListMerge = true;
        else {
          rule.identifierMerge = true;
          rule.fields = rulesOf(items.schema.properties, root, [...inner, ...items.refs]);
        }
      }
    }
    rules.set(name, rule);
  }
  return rules;
}

let rootRules: ReadonlyMap<string, MergeRule> | undefined;

function mergeRules(): ReadonlyMap<string, MergeRule> {
  if (!rootRules) {
    const schema = releaseSchema();
    rootRules = rulesOf(schema.properties, schema, []);
  }
  return rootRules;
}

/** The merge rule for a field, by its path without array positions (`["tender", "items", "unit"]`); undefined if the schema lacks it. */
export function mergeRule(path: readonly string[]): MergeRule | undefined {
  let fields = mergeRules();
  let rule: MergeRule | undefined;
  for (const name of path) {
    rule = fields.get(name);
    if (!rule) return undefined;
    fields = rule.fields;
  }
  return rule;
}

type JsonObject = Record<string, unknown>;

function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** JSON equality: objects compared by their fields whatever their order, as ocdsmerge (Python `==`) compares. */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => key in b && jsonEqual(a[key], b[key]));
}

/** A copy of a value taken whole, so the merged release never shares a list or object with a release. */
function copy(value: unknown): unknown {
  return typeof value === "object" && value !== null ? structuredClone(value) : value;
}

/**
 * How an input value merges. `literal`: taken whole — anything neither an object nor an array, a
 * `wholeListMerge` field, or an array holding anything but objects. `object` and `identified`: merged
 * field by field, or object by object by `id`. `nothing`: an empty object or array of objects, which
 * the standard says to ignore (ocdsmerge: an empty object adds no field).
 */
function kindOf(
  value: unknown,
  rule: MergeRule | undefined,
): "literal" | "object" | "identified" | "nothing" {
  if (rule?.wholeListMerge) return "literal";
  if (Array.isArray(value)) {
    if (!value.every(isPlainObject)) return "literal";
    return value.length === 0 ? "nothing" : "identified";
  }
  if (isPlainObject(value)) return Object.keys(value).length === 0 ? "nothing" : "object";
  return "literal";
}

/** The key an object is matched by in an identifier-merged array; undefined when it has no `id`. */
function idKey(item: JsonObject): string | undefined {
  const id = item.id;
  if (id === undefined || id === null) return undefined;
  // ocdsmerge keys objects by the `id` as a string, so 1 and "1" are the same object.
  return typeof id === "string" || typeof id === "number" ? String(id) : JSON.stringify(id);
}

function conflict(path: string, release: OcdsRelease): Error {
  return new Error(
    `OCDS merge: /${path} in release ${release.id} is an object or a list of objects where an earlier release has a value, or the reverse; the releases of ${release.ocid} disagree about what it holds`,
  );
}

const NO_SKIP: ReadonlySet<string> = new Set();
const ID: ReadonlySet<string> = new Set(["id"]);
/**
 * The `ocid` is the process's, set on the merged release apart (and not versioned). The release's
 * `id`, `date` and `tag` are left out because the schema marks them `omitWhenMerged`.
 */
const OCID: ReadonlySet<string> = new Set(["ocid"]);

/**
 * One merge of one process's releases, into a compiled or a versioned release. It keeps the lists
 * and objects it built (as opposed to values taken whole), each identifier-merged list with its
 * objects by `id`: only these are merged into; anything else in the output is a value.
 */
abstract class Merge {
  private readonly objects = new WeakSet<JsonObject>();
  private readonly lists = new WeakMap<unknown[], Map<string, JsonObject>>();
  /** The release being merged. */
  protected release: OcdsRelease;

  constructor(first: OcdsRelease) {
    this.release = first;
  }

  /** Sets a value taken whole (a literal or whole list) on the output, or takes the field away for `null`. */
  protected abstract mergeValue(out: JsonObject, key: string, value: unknown, path: string): void;

  /** Whether an output field may be replaced by an object or list of objects (it is absent, or held nothing). */
  protected abstract isVacant(existing: unknown): boolean;

  /** Merges one release's fields into the output. */
  add(out: JsonObject, release: OcdsRelease): void {
    this.release = release;
    this.mergeObject(out, release, mergeRules(), "", OCID);
  }

  protected isBuilt(value: unknown): boolean {
    return (
      (isPlainObject(value) && this.objects.has(value)) || (Array.isArray(value) && this.lists.has(value))
    );
  }

  /** Merges an input object into an output object; true if it held any value (ocdsmerge adds no object that held none). */
  private mergeObject(
    out: JsonObject,
    input: JsonObject,
    rules: ReadonlyMap<string, MergeRule>,
    path: string,
    skip: ReadonlySet<string>,
  ): boolean {
    let touched = false;
    for (const [key, value] of Object.entries(input)) {
      const rule = rules.get(key);
      if (skip.has(key) || rule?.omitWhenMerged) continue;
      if (this.mergeField(out, key, value, rule, `${path}${key}`)) touched = true;
    }
    return touched;
  }

  private mergeField(
    out: JsonObject,
    key: string,
    value: unknown,
    rule: MergeRule | undefined,
    path: string,
  ): boolean {
    const existing = out[key];
    const kind = kindOf(value, rule);
    if (kind === "nothing") return false;
    if (kind === "literal") {
      this.mergeValue(out, key, value, path);
      return true;
    }
    const vacant = this.isVacant(existing);
    const fields = rule?.fields ?? NO_FIELDS;
    if (kind === "object") {
      if (vacant) {
        const object: JsonObject = {};
        this.objects.add(object);
        if (!this.mergeObject(object, value as JsonObject, fields, `${path}/`, NO_SKIP)) return false;
        out[key] = object;
        return true;
      }
      if (!isPlainObject(existing) || !this.objects.has(existing)) throw conflict(path, this.release);
      return this.mergeObject(existing, value as JsonObject, fields, `${path}/`, NO_SKIP);
    }
    let list: JsonObject[];
    if (vacant) {
      list = [];
      this.lists.set(list, new Map());
    } else if (Array.isArray(existing) && this.lists.has(existing)) list = existing as JsonObject[];
    else throw conflict(path, this.release);
    const byKey = this.lists.get(list) as Map<string, JsonObject>;
    let touched = false;
    for (const item of value as JsonObject[]) {
      const itemKey = idKey(item);
      const itemPath = `${path}/${itemKey ?? ""}/`;
      const found = itemKey === undefined ? undefined : byKey.get(itemKey);
      if (found) {
        this.mergeObject(found, item, fields, itemPath, ID);
        touched = true;
        continue;
      }
      const created: JsonObject = {};
      this.objects.add(created);
      // The `id` is the object's key, never versioned; the first release's spelling of it is kept.
      if (itemKey !== undefined) created.id = copy(item.id);
      // As in ocdsmerge, an object enters the list if it holds any value, its `id` included.
      if (this.mergeObject(created, item, fields, itemPath, ID) || "id" in item) {
        list.push(created);
        if (itemKey !== undefined) byKey.set(itemKey, created);
        touched = true;
      }
    }
    if (touched && vacant) out[key] = list;
    return touched;
  }
}

/** The compiled release: each field's latest value, `null` taking a field away. */
class Compiler extends Merge {
  protected mergeValue(out: JsonObject, key: string, value: unknown, path: string): void {
    if (value === null) delete out[key];
    else if (this.isBuilt(out[key])) throw conflict(path, this.release);
    else out[key] = copy(value);
  }

  protected isVacant(existing: unknown): boolean {
    return existing === undefined;
  }
}

/** One field's value in one release, as the versioned release lists it. */
type VersionedValue = { releaseID: string; releaseDate: string; releaseTag: unknown; value: unknown };

/** The versioned release: each field's values, with a new entry each time a release changes it. */
class Versioner extends Merge {
  private readonly histories = new WeakSet<VersionedValue[]>();
  private releaseTag: unknown;

  override add(out: JsonObject, release: OcdsRelease): void {
    this.releaseTag = copy(release.tag);
    super.add(out, release);
  }

  protected mergeValue(out: JsonObject, key: string, value: unknown, path: string): void {
    const existing = out[key];
    if (existing === undefined) {
      const history = [this.entry(value)];
      this.histories.add(history);
      out[key] = history;
    } else if (this.isHistory(existing)) {
      if (!jsonEqual(existing.at(-1)?.value, value)) existing.push(this.entry(value));
    } else if (value === null) this.clear(existing);
    else throw conflict(path, this.release);
  }

  /** A field whose every value was null held nothing, so an object or list of objects may take its place. */
  protected isVacant(existing: unknown): boolean {
    return (
      existing === undefined || (this.isHistory(existing) && existing.every((entry) => entry.value === null))
    );
  }

  private entry(value: unknown): VersionedValue {
    const { id, date } = this.release;
    return { releaseID: id, releaseDate: date, releaseTag: this.releaseTag, value: copy(value) };
  }

  private isHistory(value: unknown): value is VersionedValue[] {
    return Array.isArray(value) && this.histories.has(value as VersionedValue[]);
  }

  /**
   * A release set an object or list of objects to `null`: every value beneath it becomes null in
   * this release. (ocdsmerge has no consistent answer; this keeps the versioned release saying what
   * the compiled release says, that the values are gone. An object's `id` in a list is its key, and stays.)
   */
  private clear(node: unknown): void {
    if (this.isHistory(node)) {
      if (node.at(-1)?.value !== null) node.push(this.entry(null));
    } else if (this.isBuilt(node)) {
      for (const child of Object.values(node as JsonObject | unknown[])) this.clear(child);
    }
  }
}

/** The releases in date order (a stable sort: equal dates keep their given order), after checking they are one process's. */
function inDateOrder(releases: readonly OcdsRelease[]): OcdsRelease[] {
  const first = releases[0];
  if (!first) throw new Error("OCDS merge: no releases to merge");
  for (const release of releases) {
    if (release.ocid !== first.ocid)
      throw new Error(
        `OCDS merge: releases of different processes (ocid ${first.ocid} and ${release.ocid}); merge each process's releases on their own`,
      );
    if (typeof release.date !== "string")
      throw new Error(
        `OCDS merge: release ${release.id} of ${release.ocid} has no date, so cannot be put in order`,
      );
  }
  // Dates compared as strings, as ocdsmerge does: OCDS dates are ISO 8601, which sort as text in one offset.
  return [...releases].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

/** The compiled release of a process's releases (all of one ocid), by the OCDS merge rules. */
export function compileRelease(releases: readonly OcdsRelease[]): Record<string, unknown> {
  const ordered = inDateOrder(releases);
  const last = ordered.at(-1) as OcdsRelease;
  // The standard leaves a compiled release's own id, date and tag open (issues #330, #834); these are
  // its suggestion and what ocdsmerge writes: tag "compiled", the latest release's date, id `{ocid}-{date}`.
  const compiled: JsonObject = {
    tag: ["compiled"],
    id: `${last.ocid}-${last.date}`,
    date: last.date,
    ocid: last.ocid,
  };
  const compiler = new Compiler(last);
  for (const release of ordered) compiler.add(compiled, release);
  return compiled;
}

/** The versioned release of a process's releases. */
export function versionRelease(releases: readonly OcdsRelease[]): Record<string, unknown> {
  const ordered = inDateOrder(releases);
  // The ocid is the process's, the same in every release, so it is not versioned.
  const versioned: JsonObject = { ocid: ordered[0]?.ocid };
  const versioner = new Versioner(ordered[0] as OcdsRelease);
  for (const release of ordered) versioner.add(versioned, release);
  return versioned;
}
