/**
 * Makes the run's migrated template (global-setup.ts starts it as a process of its own, so that it
 * migrates while the test workers start): an in-memory embedded database, migrated and dumped to
 * the file given (or a copy of the one an earlier run made: template-cache.ts). Written beside it and renamed, so nobody reads half of it; on failure, the error
 * is written to `<file>.failed` for the workers waiting on it (test-db.ts).
 *   node tests/support/make-template.ts <file>
 */
import fs from "node:fs";
import { openDatabase } from "../../src/db/connect.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import { fromCache, templateDigest } from "./template-cache.ts";

const file = process.argv[2];
if (!file) throw new Error("Usage: node tests/support/make-template.ts <file>");
const partial = `${file}.${process.pid}.partial`;
try {
  await fromCache(`migrated-${templateDigest("migrated")}.tar`, partial, async (target) => {
    const handle = await openDatabase({});
    try {
      await migrateToLatest(handle.db);
      const dump = await handle.embedded?.dumpDataDir("none");
      if (!dump) throw new Error("PGlite did not dump its data directory");
      fs.writeFileSync(target, new Uint8Array(await dump.arrayBuffer()));
    } finally {
      await handle.close();
    }
  });
  fs.renameSync(partial, file);
} catch (error) {
  fs.writeFileSync(`${file}.failed`, error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
}
