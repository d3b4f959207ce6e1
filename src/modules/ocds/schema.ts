/**
 * The OCDS 1.1 release schema OpenPS publishes to: the standard's schema (a copy in `schema/`, with
 * its licence) with the bids and lots extensions applied as the standard applies extensions — each
 * extension's `release-schema.json` is a JSON Merge Patch (RFC 7386) on the core schema. Read once
 * from the project's own copy; the standard's files are never needed at run time.
 */
import fs from "node:fs";
import path from "node:path";

const SCHEMA_DIR = path.join(import.meta.dirname, "schema");

/** The extensions applied, by folder under `schema/extensions`: their documentation pages are the publication's `extensions`. */
export const EXTENSIONS = ["bids", "lots"] as const;

/** Where each applied extension's metadata is published (the release package's `extensions`). */
export const EXTENSION_URLS: readonly string[] = [
  "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/master/extension.json",
  "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/master/extension.json",
];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function readJson(...parts: string[]): Json {
  return JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, ...parts), "utf8")) as Json;
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** RFC 7386: `patch` applied to `target` (a new value; neither is changed). */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const result: { [key: string]: Json } = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key] ?? null, value);
  }
  return result;
}

let patched: { [key: string]: Json } | undefined;

/** The release schema with the extensions applied (made once; callers must not change it). */
export function releaseSchema(): { [key: string]: Json } {
  if (!patched) {
    let schema = readJson("release-schema.json");
    for (const extension of EXTENSIONS)
      schema = mergePatch(schema, readJson("extensions", extension, "release-schema.json"));
    patched = schema as { [key: string]: Json };
  }
  return patched;
}

/** Another of the standard's schemas as shipped (the package and versioned-release schemas). */
export function standardSchema(
  name:
    | "release-package-schema.json"
    | "record-package-schema.json"
    | "versioned-release-validation-schema.json",
): { [key: string]: Json } {
  return readJson(name) as { [key: string]: Json };
}

export type { Json };
