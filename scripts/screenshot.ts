/**
 * Takes the README's picture of the home page from a running OpenPS with the demo data:
 *   npm start &   then   node scripts/screenshot.ts [http://localhost:3000] [docs/images/home.png]
 */
import { launchBrowser } from "../tests/support/chromium.ts";

const base = process.argv[2] ?? "http://localhost:3000";
const file = process.argv[3] ?? "docs/images/home.png";
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(base);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`Saved ${file}`);
} finally {
  await browser.close();
}
