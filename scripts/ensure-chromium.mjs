// Runs before `npm test`: the browser tests drive Debian's Chromium headless shell
// (/usr/bin/chromium-headless-shell, package chromium-headless-shell: Chromium built for automation,
// without the browser's own windows, about a fifth less work per page than /usr/bin/chromium).
// CHROMIUM_PATH names another. Without it: install it when we are root, otherwise stop with the
// exact command to run.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

const PACKAGE = "chromium-headless-shell";
const CHROMIUM = process.env.CHROMIUM_PATH || `/usr/bin/${PACKAGE}`;
if (!existsSync(CHROMIUM)) {
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (process.env.CHROMIUM_PATH || !isRoot) {
    console.error(
      `Chromium is needed for the browser tests and is not at ${CHROMIUM}.\n` +
        `Install it with:\n\n  sudo apt-get update && sudo apt-get install -y ${PACKAGE}\n`,
    );
    process.exit(1);
  }
  console.log(`Installing Debian's ${PACKAGE} for the browser tests…`);
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
  execFileSync("apt-get", ["install", "-y", "-qq", PACKAGE], {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
}
