/**
 * Configuration: read from the environment once at start-up, validated, and passed on as a plain
 * object. `process.env` is read nowhere else (tests build a Config with `loadConfig({...})`).
 */
import path from "node:path";

export interface SmtpConfig {
  url: string;
  from: string;
}

export interface Config {
  nodeEnv: "development" | "production" | "test";
  host: string;
  port: number;
  /** Public base URL used in emails and absolute links. */
  baseUrl: string;
  /** Directory holding the embedded database, files, keys and the lock file. */
  dataDir: string;
  /** PostgreSQL server URL; absent means the embedded PGlite database under `dataDir`. */
  databaseUrl: string | undefined;
  /** Seed demo data on first start and offer demo conveniences. */
  demo: boolean;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  smtp: SmtpConfig | undefined;
  /** How often the job runner looks for due work, in milliseconds. */
  jobsPollMs: number;
  /** Largest upload accepted by the file store, in bytes. */
  maxUploadBytes: number;
  /**
   * Which reverse proxies to believe about the client's address (X-Forwarded-For): false (none),
   * true (any), a number of hops, or addresses/CIDR ranges. Per-address rate limits depend on it.
   */
  trustProxy: boolean | number | string[];
  /**
   * Sealed bids (issue 5): the master key that wraps each tender's data key, 32 random bytes in
   * base64 (OPENPS_TENDER_KEY). Never stored in the database. Absent: the key file
   * `<dataDir>/sealing/tenders.key` beside the database (not carried by backups) is used, made on first start.
   */
  tenderMasterKey: string | undefined;
  /** Earlier master keys, still able to unwrap until every data key is rewrapped (rotation). */
  tenderPreviousMasterKeys: string[];
  /**
   * `openps backup` puts the server's keys (`keys/`) in a backup only encrypted with this passphrase
   * (OPENPS_BACKUP_PASSPHRASE, at least 16 characters), and `openps restore` needs it to restore them.
   * Absent: backups leave the keys out.
   */
  backupPassphrase: string | undefined;
  /** The publisher named in the OCDS packages (OPENPS_OCDS_PUBLISHER): the body that runs this deployment. */
  ocdsPublisher: string;
  /** The OCDS ocid prefix the deployment registered (OPENPS_OCID_PREFIX): "ocds-" and six letters or digits. */
  ocidPrefix: string;
  /**
   * Whether the server publishes, in the background from start, a release for every contracting
   * process that has none (OPENPS_OCDS_PUBLISH_AT_START, true unless set false: then run
   * `openps ocds publish` at a quiet time — at national scale it takes hours on the embedded database).
   */
  ocdsPublishAtStart: boolean;
  /**
   * Whom to ask about the open data (OPENPS_OPEN_DATA_CONTACT), an email address: the catalogue's
   * contact point (/data.json). By default open-data@ the host of OPENPS_BASE_URL.
   */
  openDataContact: string;
  /** The shortest period from publishing a tender to its submission deadline, in days. */
  tenderMinimumPeriodDays: number;
  /** How far an amendment made after bids have arrived must move the submission deadline, in days. */
  tenderAmendmentExtensionDays: number;
}

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`OpenPS cannot start because of its settings:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const problems: string[] = [];
  const text = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === "" ? undefined : value;
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = text(name);
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (it is "${raw}")`);
      return fallback;
    }
    return Number(raw);
  };
  const boolean = (name: string, fallback: boolean): boolean => {
    const raw = text(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (["true", "1", "yes", "on"].includes(raw)) return true;
    if (["false", "0", "no", "off"].includes(raw)) return false;
    problems.push(`${name} must be true or false (it is "${raw}")`);
    return fallback;
  };

  const nodeEnvRaw = text("NODE_ENV") ?? "development";
  let nodeEnv: Config["nodeEnv"] = "development";
  if (nodeEnvRaw === "production" || nodeEnvRaw === "test" || nodeEnvRaw === "development")
    nodeEnv = nodeEnvRaw;
  else problems.push(`NODE_ENV must be development, production or test (it is "${nodeEnvRaw}")`);

  const port = integer("PORT", 3000, 1, 65535);
  const host = text("HOST") ?? "127.0.0.1";

  const baseUrl = (text("OPENPS_BASE_URL") ?? `http://localhost:${port}`).replace(/\/+$/, "");
  if (!/^https?:\/\/[^\s/]+/.test(baseUrl)) {
    problems.push(
      `OPENPS_BASE_URL must be an http or https address like https://openps.example.org (it is "${baseUrl}")`,
    );
  }

  const dataDir = path.resolve(cwd, text("OPENPS_DATA_DIR") ?? "data");

  const databaseUrl = text("DATABASE_URL");
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\/.+/.test(databaseUrl)) {
    problems.push("DATABASE_URL must be a PostgreSQL address like postgres://user:password@host:5432/openps");
  }

  const logLevelRaw = text("LOG_LEVEL") ?? (nodeEnv === "test" ? "silent" : "info");
  let logLevel: Config["logLevel"] = "info";
  if ((LOG_LEVELS as readonly string[]).includes(logLevelRaw)) logLevel = logLevelRaw as Config["logLevel"];
  else problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")} (it is "${logLevelRaw}")`);

  let smtp: SmtpConfig | undefined;
  const smtpUrl = text("SMTP_URL");
  if (smtpUrl !== undefined) {
    if (!/^smtps?:\/\/.+/.test(smtpUrl)) {
      problems.push("SMTP_URL must look like smtp://user:password@mail.example.org:587 or smtps://…:465");
    }
    const from = text("MAIL_FROM") ?? "OpenPS <no-reply@openps.localhost>";
    smtp = { url: smtpUrl, from };
  }

  let trustProxy: Config["trustProxy"] = false;
  const trustRaw = text("OPENPS_TRUST_PROXY");
  if (trustRaw !== undefined) {
    if (/^(true|false)$/i.test(trustRaw)) trustProxy = trustRaw.toLowerCase() === "true";
    else if (/^\d{1,2}$/.test(trustRaw)) trustProxy = Number(trustRaw);
    else {
      const list = trustRaw.split(",").map((part) => part.trim());
      if (list.every((part) => /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(part))) trustProxy = list;
      else {
        problems.push(
          `OPENPS_TRUST_PROXY must be true, false, a number of proxies, or addresses like 10.0.0.1,10.1.0.0/16 (it is "${trustRaw}")`,
        );
      }
    }
  }

  const masterKey = (name: string, raw: string): string => {
    if (Buffer.from(raw, "base64").length !== 32 || !/^[A-Za-z0-9+/]+={0,2}$/.test(raw))
      problems.push(`${name} must be 32 random bytes in base64, like the output of: openssl rand -base64 32`);
    return raw;
  };
  const tenderKeyRaw = text("OPENPS_TENDER_KEY");
  const tenderMasterKey =
    tenderKeyRaw === undefined ? undefined : masterKey("OPENPS_TENDER_KEY", tenderKeyRaw);
  const tenderPreviousMasterKeys = (text("OPENPS_TENDER_PREVIOUS_KEYS") ?? "")
    .split(",")
    .map((k) => k.trim())
    .filter((k) => k !== "")
    .map((k) => masterKey("OPENPS_TENDER_PREVIOUS_KEYS (each, comma-separated)", k));

  const ocidPrefix = text("OPENPS_OCID_PREFIX") ?? "ocds-openps";
  if (!/^ocds-[a-z0-9]{6}$/.test(ocidPrefix))
    problems.push(
      `OPENPS_OCID_PREFIX must be an OCDS prefix: "ocds-" and six lower-case letters or digits, as the Open Contracting Partnership registers them, like ocds-213czf (it is "${ocidPrefix}")`,
    );

  const backupPassphrase = text("OPENPS_BACKUP_PASSPHRASE");
  if (backupPassphrase !== undefined && backupPassphrase.length < 16)
    problems.push("OPENPS_BACKUP_PASSPHRASE must be at least 16 characters long");

  const openDataContact =
    text("OPENPS_OPEN_DATA_CONTACT") ??
    `open-data@${URL.canParse(baseUrl) ? new URL(baseUrl).hostname : "localhost"}`;
  if (!/^[^@\s]+@[^@\s]+$/.test(openDataContact))
    problems.push(
      `OPENPS_OPEN_DATA_CONTACT must be an email address like open-data@openps.example.org (it is "${openDataContact}")`,
    );

  const config: Config = {
    nodeEnv,
    host,
    port,
    baseUrl,
    dataDir,
    databaseUrl,
    // Only when asked for: `npm start` asks (--demo); a deployment never gets it by default.
    demo: boolean("OPENPS_DEMO", false),
    logLevel,
    smtp,
    jobsPollMs: integer("OPENPS_JOBS_POLL_MS", 1000, 10, 3_600_000),
    ocdsPublisher: text("OPENPS_OCDS_PUBLISHER") ?? "OpenPS",
    ocidPrefix,
    ocdsPublishAtStart: boolean("OPENPS_OCDS_PUBLISH_AT_START", true),
    openDataContact,
    maxUploadBytes: integer("OPENPS_MAX_UPLOAD_BYTES", 20 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    trustProxy,
    tenderMasterKey,
    tenderPreviousMasterKeys,
    backupPassphrase,
    tenderMinimumPeriodDays: integer("OPENPS_TENDER_MINIMUM_DAYS", 25, 1, 365),
    tenderAmendmentExtensionDays: integer("OPENPS_TENDER_AMENDMENT_DAYS", 10, 1, 365),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** The settings: the environment, with demo mode on when `--demo` is given and OPENPS_DEMO is not. */
export function serverEnvironment(args: readonly string[], env: Env): Env {
  for (const arg of args)
    if (arg !== "--demo") throw new ConfigError([`Unknown option ${arg}: the only option is --demo`]);
  return args.includes("--demo") && env.OPENPS_DEMO === undefined ? { ...env, OPENPS_DEMO: "true" } : env;
}
