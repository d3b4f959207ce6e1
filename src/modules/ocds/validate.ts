/**
 * OCDS 1.1 data checked against the standard's schemas as the project ships them (`schema/`): a
 * release against the release schema with the bids and lots extensions applied, release and record
 * packages against the package schemas. The package schemas name the release schema by its URL; the
 * extended schema is registered under that URL, so their releases are checked with the extensions in
 * force and nothing is ever fetched. Each problem is a JSON pointer and a sentence a publisher can act on.
 *
 * Closed codelists need no check of their own: every field of these schemas with
 * `"openCodelist": false` carries an `enum` of exactly its codelist's codes (the tests compare each
 * with its CSV), so the schema refuses any other code.
 */
import AjvModule, { type AnySchemaObject, type ErrorObject, type ValidateFunction } from "ajv-draft-04";
import formatsModule from "ajv-formats";
import { type Json, mergePatch, releaseSchema, standardSchema } from "./schema.ts";

// Both packages are CommonJS: under Node's ESM their default export is the `exports` object, on
// which the class and the plugin are `default`.
const Ajv = AjvModule.default;
const addFormats = formatsModule.default;

/** A way in which OCDS data does not follow the schema. */
export interface OcdsProblem {
  /** Where, as a JSON pointer into the data checked ("" for the whole), e.g. "/releases/0/tender/value/amount". */
  path: string;
  /** What is wrong, in plain English, naming the field. */
  message: string;
}

/** The URL by which the package schemas refer to the release schema (their `$ref`s). */
const RELEASE_SCHEMA_URL = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json";
const RELEASE_PACKAGE_SCHEMA_URL =
  "https://standard.open-contracting.org/schema/1__1__5/release-package-schema.json";
const RECORD_PACKAGE_SCHEMA_URL =
  "https://standard.open-contracting.org/schema/1__1__5/record-package-schema.json";

/**
 * A lot must have an `id`. The lots extension as shipped (an older version than the one published
 * today) leaves it optional; its current version requires it, as the core schema does for the
 * documents, items, milestones, awards and contracts in a release's lists: releases are merged into a
 * record item by item, matched by `id`, and items, documents, milestones and awards name their lots by it.
 */
const LOT_NEEDS_ID: Json = { definitions: { Lot: { required: ["id"] } } };

/**
 * The standard's own keywords, with the shape of their values: they say which codelist a field
 * uses and how releases are merged, and validate nothing. Registered so that Ajv's strict mode still
 * refuses any other keyword it does not know (a misspelt `reqiured` would otherwise be ignored).
 */
const OCDS_KEYWORDS: Readonly<Record<string, AnySchemaObject>> = {
  codelist: { type: "string" },
  openCodelist: { type: "boolean" },
  mergeStrategy: { type: "string" },
  omitWhenMerged: { type: "boolean" },
  wholeListMerge: { type: "boolean" },
  versionId: { type: "boolean" },
  deprecated: { type: "object" },
};

interface Checker {
  ajv: InstanceType<typeof Ajv>;
  /** A closed codelist's name by its codes (as JSON), to name it when a value is not one of them. */
  codelists: Map<string, string>;
}

let checker: Checker | undefined;

/** Ajv with the four schemas registered, made on first use (compiling them takes a few hundred ms). */
function ocdsChecker(): Checker {
  if (checker) return checker;
  const ajv = new Ajv({
    allErrors: true,
    // Every strict check, so that a schema or extension this code does not understand (an unknown
    // keyword or format, a type it contradicts) fails when compiled, in the tests, rather than
    // quietly validating less than it seems to.
    strict: true,
    // OCDS's optional fields may be null: "type": ["string", "null"].
    allowUnionTypes: true,
  });
  addFormats(ajv, ["date-time", "uri", "email"]);
  for (const [keyword, metaSchema] of Object.entries(OCDS_KEYWORDS)) ajv.addKeyword({ keyword, metaSchema });
  const schemas = [
    mergePatch(releaseSchema(), LOT_NEEDS_ID),
    standardSchema("versioned-release-validation-schema.json"),
    standardSchema("release-package-schema.json"),
    standardSchema("record-package-schema.json"),
  ];
  const [release, ...others] = schemas;
  ajv.addSchema(release as object, RELEASE_SCHEMA_URL);
  for (const schema of others) ajv.addSchema(schema as object);
  const codelists = new Map<string, string>();
  for (const schema of schemas) collectCodelists(schema, codelists);
  checker = { ajv, codelists };
  return checker;
}

/** Every closed codelist's codes in `schema`, in the enum of the field or of its items. */
function collectCodelists(schema: Json, into: Map<string, string>): void {
  if (Array.isArray(schema)) {
    for (const item of schema) collectCodelists(item, into);
    return;
  }
  if (schema === null || typeof schema !== "object") return;
  const items = schema.items;
  const codes = schema.enum ?? (isObject(items) ? items.enum : undefined);
  if (typeof schema.codelist === "string" && schema.openCodelist === false && codes !== undefined)
    into.set(JSON.stringify(codes), schema.codelist.replace(/\.csv$/, ""));
  for (const value of Object.values(schema)) collectCodelists(value, into);
}

function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The compiled check for a registered schema (Ajv compiles it when first asked, and keeps it). */
function validator(url: string): ValidateFunction {
  const validate = ocdsChecker().ajv.getSchema(url);
  if (!validate) throw new Error(`OCDS schema ${url} is not registered`);
  return validate;
}

/** What is wrong with an OCDS release (the extended release schema); none when it is valid. */
export function releaseProblems(release: unknown): OcdsProblem[] {
  return problems(validator(RELEASE_SCHEMA_URL), release, "The release");
}

/** What is wrong with an OCDS release package, its releases included; none when it is valid. */
export function releasePackageProblems(pkg: unknown): OcdsProblem[] {
  return problems(validator(RELEASE_PACKAGE_SCHEMA_URL), pkg, "The release package");
}

/**
 * What is wrong with an OCDS record package, its records' releases, compiled releases and
 * versioned releases included; none when it is valid. Versioned releases are checked against the
 * standard's versioned-release schema, which knows no extension: their bids and lots are not checked.
 */
export function recordPackageProblems(pkg: unknown): OcdsProblem[] {
  return problems(validator(RECORD_PACKAGE_SCHEMA_URL), pkg, "The record package");
}

function problems(validate: ValidateFunction, data: unknown, whole: string): OcdsProblem[] {
  if (validate(data)) return [];
  const errors = oneBranchEach(validate.errors ?? []);
  // A value of the wrong type is reported once, not again for each rule that then fails on it.
  const mistyped = new Set(errors.filter((e) => e.keyword === "type").map((e) => e.instancePath));
  const { codelists } = ocdsChecker();
  return errors
    .filter((e) => e.keyword === "type" || !mistyped.has(e.instancePath))
    .map((e) => problem(e, data, whole, codelists));
}

/**
 * A `oneOf` that no branch matched comes with every branch's errors, just before it. The OCDS
 * schemas have one — a record's `releases` are links to releases or the releases themselves — and a
 * publisher meant one of the two: the errors of the branch with fewest are kept, as the one meant.
 * An error from inside a `$ref` has a schema path in the schema referred to, which names no branch:
 * those are counted together, as the branch that refers (there is one: the embedded releases).
 */
function oneBranchEach(errors: readonly ErrorObject[]): ErrorObject[] {
  const kept: ErrorObject[] = [];
  for (const error of errors) {
    const params: Record<string, unknown> = error.params;
    if (error.keyword !== "oneOf" || params.passingSchemas !== null) {
      kept.push(error);
      continue;
    }
    const byBranch = new Map<string, ErrorObject[]>();
    for (let last = kept.at(-1); last && within(last.instancePath, error.instancePath); last = kept.at(-1)) {
      kept.pop();
      const branch = last.schemaPath.startsWith(`${error.schemaPath}/`)
        ? (last.schemaPath.slice(error.schemaPath.length + 1).split("/")[0] ?? "")
        : "$ref";
      byBranch.set(branch, [last, ...(byBranch.get(branch) ?? [])]);
    }
    const fewest = [...byBranch.values()].sort((a, b) => a.length - b.length)[0];
    kept.push(...(fewest ?? [error]));
  }
  return kept;
}

function within(pointer: string, ancestor: string): boolean {
  return pointer === ancestor || pointer.startsWith(`${ancestor}/`);
}

function problem(
  error: ErrorObject,
  data: unknown,
  whole: string,
  codelists: Map<string, string>,
): OcdsProblem {
  const params: Record<string, unknown> = error.params;
  const path = error.instancePath;
  const field = fieldName(path, whole);
  const value = valueAt(data, path);
  switch (error.keyword) {
    case "required": {
      const missing = String(params.missingProperty);
      return {
        path: `${path}/${missing.replaceAll("~", "~0").replaceAll("/", "~1")}`,
        message: `${field} has no ${missing}, which is required`,
      };
    }
    case "type": {
      const types = Array.isArray(params.type) ? params.type.map(String) : String(params.type).split(",");
      return { path, message: `${field} must be ${oneOf(types.map(typeName))}, not ${kindOf(value)}` };
    }
    case "enum": {
      const allowed = Array.isArray(params.allowedValues) ? params.allowedValues : [];
      const codes = allowed.filter((code) => code !== null).map(String);
      const codelist = codelists.get(JSON.stringify(allowed));
      const listed = codes.length <= 20 ? `: ${codes.join(", ")}` : "";
      return {
        path,
        message: codelist
          ? `${field} must be a code from the closed ${codelist} codelist, not ${quoted(value)}${listed && ` (its codes${listed})`}`
          : `${field} must be one of the allowed values, not ${quoted(value)}${listed && ` (allowed${listed})`}`,
      };
    }
    case "format": {
      const format = String(params.format);
      return {
        path,
        message: `${field} must be ${FORMATS[format] ?? `in the ${format} format`}, not ${quoted(value)}`,
      };
    }
    case "minLength":
      return {
        path,
        message:
          params.limit === 1
            ? `${field} must not be empty`
            : `${field} must be at least ${params.limit} characters long`,
      };
    case "minItems":
      return {
        path,
        message:
          params.limit === 1
            ? `${field} must not be an empty list`
            : `${field} must have at least ${params.limit} items`,
      };
    case "uniqueItems":
      return {
        path,
        message: `${field} has the same item twice (${params.j} and ${params.i}): each must be different`,
      };
    case "pattern": {
      const pattern = String(params.pattern);
      return {
        path,
        message: `${field} must be ${PATTERNS[pattern] ?? `text matching ${pattern}`}, not ${quoted(value)}`,
      };
    }
    case "oneOf":
      return { path, message: `${field} must take exactly one of the forms allowed, but matches several` };
    default:
      return { path, message: `${field} ${error.message ?? `fails the schema's ${error.keyword} rule`}` };
  }
}

const FORMATS: Readonly<Record<string, string>> = {
  "date-time": "a date and time with a time zone (RFC 3339, like 2024-05-01T09:30:00Z)",
  uri: "an absolute URI (like https://example.org/notices/1)",
  email: "an email address",
};

/** The patterns in the OCDS schemas, said in words: a package's OCDS version. */
const PATTERNS: Readonly<Record<string, string>> = {
  "^(\\d+\\.)(\\d+)$": "a major.minor version number, like 1.1",
};

/** The field a pointer ends at, with the list positions after it: "/tender/lots/0" → "lots[0]". */
function fieldName(pointer: string, whole: string): string {
  const parts = pointer === "" ? [] : pointer.slice(1).split("/").map(unescapePointer);
  let end = parts.length;
  while (end > 0 && /^\d+$/.test(parts[end - 1] ?? "")) end--;
  const name = end === 0 ? whole : (parts[end - 1] ?? whole);
  return (
    name +
    parts
      .slice(end)
      .map((index) => `[${index}]`)
      .join("")
  );
}

function unescapePointer(token: string): string {
  return token.replaceAll("~1", "/").replaceAll("~0", "~");
}

function valueAt(data: unknown, pointer: string): unknown {
  if (pointer === "") return data;
  let value = data;
  for (const token of pointer.slice(1).split("/").map(unescapePointer)) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string, unknown>)[token];
  }
  return value;
}

function typeName(type: string): string {
  const names: Record<string, string> = {
    string: "a string",
    number: "a number",
    integer: "a whole number",
    boolean: "true or false",
    null: "null",
    array: "a list",
    object: "an object",
  };
  return names[type] ?? type;
}

function oneOf(options: readonly string[]): string {
  if (options.length <= 1) return options.join("");
  return `${options.slice(0, -1).join(", ")} or ${options.at(-1)}`;
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return `a string (${quoted(value)})`;
  if (typeof value === "number") return `a number (${value})`;
  if (typeof value === "boolean") return `${value}`;
  if (typeof value === "object") return "an object";
  return typeof value;
}

function quoted(value: unknown): string {
  if (typeof value === "string")
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return kindOf(value);
}
