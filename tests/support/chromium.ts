/**
 * Debian's Chromium (never a downloaded browser) driven by playwright-core, with the flags this
 * closed network needs. Used by the browser tests and by scripts/screenshot.ts.
 *
 * Its headless shell (package chromium-headless-shell, installed by scripts/ensure-chromium.mjs):
 * Chromium built for automation, without the browser's own windows — the same engine, about a
 * fifth less work per page than /usr/bin/chromium. CHROMIUM_PATH names another.
 *
 * Its JavaScript is compiled by V8's baseline compiler only (`--max-opt=1`, as `--liftoff-only`
 * does for the embedded database's WebAssembly in bin/openps): the code a test runs in a page —
 * axe-core above all, half a megabyte run once or twice per page and thrown away with it — never
 * gets hot enough for the optimising compilers' work to pay back. The same scripts give the same
 * answers, with about a fifth less CPU: the browser tests took 240 CPU-seconds, and 190 with it.
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
  "--js-flags=--max-opt=1",
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}
