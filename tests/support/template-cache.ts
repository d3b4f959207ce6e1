/**
 * Templates kept from one run to the next (in the system's temp directory), by a digest of what
 * makes them: the migrated dump by the migrations and PGlite's version, a seeded dump by the
 * application's source, the lock file and the test kit that seeds it. A second run — `.ci/run`'s
 * on PostgreSQL, whose command tests still use the embedded database, or the next run while working
 * — copies them rather than migrate and seed again. Files a week old are removed.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { projectRoot } from "./spawn.ts";

const CACHE_DIR = path.join(os.tmpdir(), "openps-test-templates");
const WEEK_MS = 7 * 24 * 3600_000;

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(path.join(projectRoot, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(projectRoot, path.join(entry.parentPath, entry.name)))
    .sort();
}

function digestOf(files: readonly string[]): string {
  const hash = createHash("sha256");
  for (const file of files)
    hash
      .update(file)
      .update("\0")
      .update(fs.readFileSync(path.join(projectRoot, file)));
  return hash.digest("hex").slice(0, 24);
}

const digests = new Map<string, string>();

/** The digest of what makes the migrated template, or ("seeded") a seeded one. */
export function templateDigest(kind: "migrated" | "seeded"): string {
  let digest = digests.get(kind);
  if (!digest) {
    digest =
      kind === "migrated"
        ? digestOf([
            ...filesUnder("src/db"),
            "node_modules/@electric-sql/pglite/package.json",
            "tests/support/make-template.ts",
          ])
        : digestOf([...filesUnder("src"), "package-lock.json", "tests/support/test-db.ts"]);
    digests.set(kind, digest);
  }
  return digest;
}

/**
 * Puts the template `name` at `target`: copied from the cache when a run has made it, else made
 * (`make` writes it at the path it is given) and kept in the cache for the next run.
 */
export async function fromCache(
  name: string,
  target: string,
  make: (file: string) => Promise<void>,
): Promise<void> {
  const cached = path.join(CACHE_DIR, name);
  try {
    fs.copyFileSync(cached, target);
    const now = new Date();
    fs.utimesSync(cached, now, now);
    return;
  } catch {
    // Not made yet (or removed as old meanwhile): make it.
  }
  await make(target);
  fs.mkdirSync(CACHE_DIR, { recursive: true, mode: 0o700 });
  const partial = `${cached}.${process.pid}.partial`;
  fs.copyFileSync(target, partial);
  fs.renameSync(partial, cached);
}

/** Removes cached templates not used for a week (another checkout's, or older code's). */
export function pruneTemplateCache(now = Date.now()): void {
  if (!fs.existsSync(CACHE_DIR)) return;
  for (const name of fs.readdirSync(CACHE_DIR)) {
    const file = path.join(CACHE_DIR, name);
    if (now - fs.statSync(file).mtimeMs > WEEK_MS) fs.rmSync(file, { force: true });
  }
}
