/**
 * Debian's Chromium (never a downloaded browser) driven by playwright-core, with the flags this
 * closed network needs. Used by the browser tests and by scripts/screenshot.ts.
 *
 * Its headless shell (package chromium-headless-shell, installed by scripts/ensure-chromium.mjs):
 * Chromium built for automation, without the browser's own windows — the same engine, about a
 * fifth less work per page than /usr/bin/chromium. CHROMIUM_PATH names another.
 */
import { type Browser, chromium } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || "/usr/bin/chromium-headless-shell";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}
