/**
 * Serves OpenPS: `node src/server.ts` for a deployment, `npm start` (which adds `--demo`) for the
 * demonstration with its demo data. Only listening and shutdown live here; see platform.ts and app.ts.
 */
import { ConfigError, loadConfig, serverEnvironment } from "./config/config.ts";
import { DatabaseLockedError } from "./db/lock.ts";
import { keepFilesPrivate } from "./lib/private-files.ts";
import { startPlatform } from "./platform.ts";
import { DemoModeRefusedError } from "./seed/seed.ts";

async function main(): Promise<void> {
  keepFilesPrivate();
  const config = loadConfig(serverEnvironment(process.argv.slice(2), process.env));
  const platform = await startPlatform(config);
  const { app } = platform;
  if (platform.seeded.applied.length > 0) app.log.info({ seeds: platform.seeded.applied }, "seeded");

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, "shutting down: finishing requests in progress");
    const force = setTimeout(() => {
      app.log.error("shutdown took longer than 15 seconds; exiting");
      process.exit(1);
    }, 15_000);
    force.unref();
    try {
      await platform.close();
      process.exit(0);
    } catch (error) {
      app.log.error({ err: error }, "error while shutting down");
      process.exit(1);
    }
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));

  await app.listen({ port: config.port, host: config.host });
  const where = config.host === "127.0.0.1" || config.host === "0.0.0.0" ? "localhost" : config.host;
  app.log.info(
    `OpenPS is running at http://${where}:${config.port} on ${platform.database.kind === "pglite" ? `the embedded database in ${config.dataDir}` : "PostgreSQL"}`,
  );
}

main().catch((error: unknown) => {
  if (
    error instanceof ConfigError ||
    error instanceof DatabaseLockedError ||
    error instanceof DemoModeRefusedError
  ) {
    console.error(error.message);
  } else {
    console.error("OpenPS could not start:", error instanceof Error ? error.message : error);
  }
  process.exit(1);
});
