/**
 * The `openps` command line: operations on a stopped server's database (the embedded database is
 * locked while the server runs) or on a PostgreSQL server. Each command is a small function in
 * `src/cli/commands.ts`; this file only parses arguments and maps errors to exit codes.
 */

import { Command, CommanderError } from "commander";
import { ConfigError, loadConfig } from "../config/config.ts";
import { BackupError } from "../db/backup.ts";
import { DatabaseLockedError } from "../db/lock.ts";
import { DomainError } from "../lib/errors.ts";
import { keepFilesPrivate } from "../lib/private-files.ts";
import { useOcidPrefix } from "../modules/projects/projects.service.ts";
import { DEFAULT_SEED, ScaleRefusedError } from "../seed/demo/scale/scale.ts";
import { DemoModeRefusedError } from "../seed/seed.ts";
import { APP_VERSION } from "../version.ts";
import * as commands from "./commands.ts";
import { ImportTargetError, importOcdsCommand } from "./import-ocds.ts";

// What the commands write (the database, backups) is for the account that runs OpenPS alone.
keepFilesPrivate();

const program = new Command()
  .name("openps")
  .description(
    "OpenPS operations. Settings come from the same environment variables as the server (see README).",
  )
  .version(APP_VERSION)
  .showHelpAfterError()
  .exitOverride();

/** The settings, read once a command; the ocid prefix in force for any project it drafts (seeds). */
const config = () => {
  const settings = loadConfig();
  useOcidPrefix(settings.ocidPrefix);
  return settings;
};

program
  .command("migrate")
  .description("apply any pending database migrations")
  .action(async () => commands.migrate(config()));

program
  .command("seed")
  .description("run seeds not yet applied (demo seeds only in demo mode, OPENPS_DEMO=true)")
  .action(async () => commands.seed(config()));

const audit = program.command("audit").description("the audit trail");
audit
  .command("verify")
  .description(
    "check every audit chain, naming the first broken link of each, and the heads anchored outside the database",
  )
  .action(async () => {
    process.exitCode = (await commands.auditVerify(config())) ? 0 : 1;
  });

audit
  .command("anchor")
  .description("sign every chain's head and append it to audit-anchors.jsonl (the server does this hourly)")
  .action(async () => commands.auditAnchor(config()));

program
  .command("backup")
  .argument("<file>", "where to write the backup (a .tar.gz of the embedded database)")
  .description("back up the embedded database (stop the server first; for PostgreSQL use pg_dump)")
  .action(async (file: string) => commands.backup(config(), file));

program
  .command("restore")
  .argument("<file>", "a backup made by `openps backup`")
  .description("restore the embedded database from a backup; the current data is kept aside")
  .action(async (file: string) => commands.restore(config(), file));

const jobs = program.command("jobs").description("the queue of work to be done later (emails, due dates)");
jobs
  .command("status")
  .description("count jobs by status and list the failed ones with their errors")
  .action(async () => commands.jobsStatus(config()));
jobs
  .command("retry")
  .argument("<id>", "the id of a failed job")
  .description("run a failed job again")
  .action(async (id: string) => commands.jobsRetry(config(), id));

const demo = program.command("demo").description("the demonstration's data (demo mode: OPENPS_DEMO=true)");
demo
  .command("scale")
  .description(
    "grow the demo data to national size: factor 1 adds 1,000 organisations, 250 regulated locations and 4,500 tenders with their bids, awards and contracts (100: a country's worth); the same factor and seed add the same data, once; checks the invariants at the end",
  )
  .requiredOption(
    "--factor <n>",
    "how much to add: 0.001 to 1000, in thousandths (1 = 4,500 tenders)",
    Number,
  )
  .option("--seed <text>", "the seed the made-up data comes from: the same seed, the same data", DEFAULT_SEED)
  .action(async (options: { factor: number; seed: string }) => {
    process.exitCode = (await commands.demoScale(config(), options)) ? 0 : 1;
  });

const ocds = program.command("ocds").description("open contracting data (OCDS 1.1; docs/open-data.md)");
ocds
  .command("publish")
  .description(
    "publish a release for every contracting process that has none (the server also does it at start)",
  )
  .action(async () => commands.ocdsPublish(config()));
const market = program.command("market").description("the market dashboards' figures (/market)");
market
  .command("rebuild")
  .description(
    "compute the market figures of every public body again (the server keeps them up to date as data changes)",
  )
  .action(async () => commands.marketRebuild(config()));

const areas = program.command("areas").description("the areas organisations serve, by ONS GSS code");
areas
  .command("load")
  .argument("<file>", "a CSV with the header code,name,type,nation (see docs/vocabularies.md)")
  .description("load areas from a CSV: all of them, or none if any line is wrong (each is named)")
  .action(async (file: string) => commands.areasLoad(config(), file));

const imports = program.command("import").description("other publishers' open data");
imports
  .command("ocds")
  .argument(
    "<source>",
    "a file, a directory (every .json, .jsonl, .ndjson or .jl file under it) or - for standard input",
  )
  .description(
    "import OCDS release packages, record packages, releases or JSON lines as external, read-only records of their publishers (upgraded to OCDS 1.1, each kept with its schema problems); importing again skips what is already there",
  )
  .option("--publisher <name>", "the publisher of data that names none (a bare release, JSON lines)")
  .action(async (source: string, options: { publisher?: string }) => {
    process.exitCode = (await importOcdsCommand(config(), source, options)) ? 0 : 1;
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode;
  } else if (
    error instanceof ConfigError ||
    error instanceof DatabaseLockedError ||
    error instanceof BackupError ||
    error instanceof DemoModeRefusedError ||
    error instanceof ScaleRefusedError ||
    error instanceof DomainError ||
    error instanceof commands.CliError ||
    error instanceof ImportTargetError
  ) {
    console.error(error.message);
    process.exitCode = 1;
  } else {
    console.error(`openps: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
