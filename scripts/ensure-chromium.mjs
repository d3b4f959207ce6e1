// Runs before `npm test`: the browser tests drive Debian's Chromium at /usr/bin/chromium.
// Without it: install it when we are root, otherwise stop with the exact command to run.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
if (!existsSync(CHROMIUM)) {
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!isRoot) {
    console.error(
      `Chromium is needed for the browser tests and is not at ${CHROMIUM}.\n` +
        "Install it with:\n\n  sudo apt-get update && sudo apt-get install -y chromium\n",
    );
    process.exit(1);
  }
  console.log("Installing Debian's chromium for the browser tests…");
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
  execFileSync("apt-get", ["install", "-y", "-qq", "chromium"], {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
}
