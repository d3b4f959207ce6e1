/**
 * The privacy scan (issue 17, item 10): as the public and as each role that must not see them — a
 * commissioner, another authority's care staff, a provider, a regulator, a consumer champion no one
 * has appointed, a platform administrator — fetch every page and dataset a person's data could reach
 * and find none of the demo people's names or dates of birth (`DEMO_CARE_PEOPLE`): the public pages,
 * every open dataset (page, CSV, JSON) and the catalogue, the OCDS endpoints, the market pages with
 * their CSV and JSON, the API lists those roles may call, their inbox and tasks, and the care and
 * budgets pages of the people's authority (refused). The public set is the same for everyone and is
 * fetched once, as the public; each role fetches its own set and a sample of public pages, signed in.
 * One check that the care staff's own page does show the people, so the scan can see a leak.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATASET_IDS } from "../../src/modules/datasets/catalogue.ts";
import { CHARTS } from "../../src/modules/market/charts.ts";
import { THEMES } from "../../src/modules/market/market.service.ts";
import { DEMO_AUTHORITY } from "../../src/seed/demo/authorities.ts";
import { DEMO_CARE_PEOPLE, DEMO_CARE_STAFF } from "../../src/seed/demo/care.ts";
import { DEMO_USERS } from "../../src/seed/demo/users.ts";
import { createTestApp, type TestApp } from "../support/app.ts";
import { createUser, sessionFor } from "../support/auth.ts";
import { PUBLIC_PAGES } from "../support/public-pages.ts";

const COUNTY = DEMO_AUTHORITY.county;
const SLUG = "westshire-county-council";

/** Each person's name and date of birth as written anywhere: ISO, and as pages show a date. */
const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const NEEDLES = DEMO_CARE_PEOPLE.flatMap((p) => {
  const [y, m, d] = p.dateOfBirth.split("-").map(Number) as [number, number, number];
  return [
    p.fullName,
    p.dateOfBirth,
    `${d} ${MONTHS[m - 1]} ${y}`,
    `${String(d).padStart(2, "0")}/${String(m).padStart(2, "0")}/${y}`,
  ];
});

/** What the public can fetch: every public page, dataset and the catalogue, OCDS, the market. */
const PUBLIC_SET = [
  ...PUBLIC_PAGES,
  "/open-data",
  ...DATASET_IDS.flatMap((id) => [`/open-data/${id}.csv`, `/open-data/${id}.json`]),
  "/data/ocds/releases",
  "/data/ocds/bulk",
  "/data/ocds/external/publishers",
  "/data/ocds/external/releases",
  ...THEMES.flatMap((theme) => [`/market/${theme}`, `/api/v1/market/${theme}`]),
  ...Object.keys(CHARTS).map((chart) => `/market/${chart}.csv`),
];

/** What a signed-in role fetches besides: its own lists, the people's authority's care pages (refused). */
const SIGNED_IN_SET = [
  "/inbox",
  "/tasks",
  "/api/v1/me/tasks",
  "/api/v1/me/care",
  `/authorities/${SLUG}/care`,
  `/authorities/${SLUG}/budgets`,
  `/api/v1/authorities/${COUNTY}/care/people`,
  `/api/v1/authorities/${COUNTY}/budgets`,
  `/api/v1/authorities/${COUNTY}/choice/lists`,
  `/authorities/${SLUG}/choice`,
  "/champions",
  "/market/personal-budgets",
  "/api/v1/market/personal-budgets",
  "/open-data",
  "/",
];

let t: TestApp;
const demoId = (role: string) => DEMO_USERS.find((u) => u.role === role)?.id as string;

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
});
afterAll(async () => {
  await t?.close();
});

async function fetched(url: string, cookie?: string) {
  const response = await t.app.inject({ url, ...(cookie ? { headers: { cookie } } : {}) });
  return { status: response.statusCode, body: response.body };
}

function leaks(body: string): string[] {
  return NEEDLES.filter((needle) => body.includes(needle));
}

describe("the privacy scan: no demo person's name or date of birth where it must not be", () => {
  it("shows them to the care staff of their authority (so the scan would see a leak)", async () => {
    const staff = await sessionFor(t.app, DEMO_CARE_STAFF, { twoFactor: true });
    const page = await fetched(`/authorities/${SLUG}/care`, staff.cookie);
    expect(page.status).toBe(200);
    for (const p of DEMO_CARE_PEOPLE) expect(page.body).toContain(p.fullName);
  });

  it("finds none in any public page, dataset, OCDS file or market figure, as the public", async () => {
    const found: string[] = [];
    let fetchedOk = 0;
    for (const url of PUBLIC_SET) {
      const { status, body } = await fetched(url);
      if (status === 200) fetchedOk += 1;
      for (const needle of leaks(body)) found.push(`${url}: ${needle}`);
    }
    expect(found).toEqual([]);
    expect(fetchedOk).toBeGreaterThan(PUBLIC_SET.length * 0.9);
  });

  it("finds none as a commissioner, another authority's care staff, a provider, a regulator, a champion no one appointed or a platform administrator", async () => {
    const other = await createUser(t.deps.db, {
      grants: [{ role: "care-staff", scopeId: DEMO_AUTHORITY.district }],
    });
    const roles = {
      commissioner: demoId("commissioner"),
      "other authority's care staff": other.id,
      provider: demoId("organisation-admin"),
      regulator: demoId("regulator-staff"),
      champion: demoId("consumer-champion"),
      "platform administrator": demoId("platform-admin"),
    };
    const found: string[] = [];
    for (const [role, userId] of Object.entries(roles)) {
      const { cookie } = await sessionFor(t.app, userId, { twoFactor: true });
      for (const url of SIGNED_IN_SET) {
        const { body } = await fetched(url, cookie);
        for (const needle of leaks(body)) found.push(`${role} ${url}: ${needle}`);
      }
    }
    expect(found).toEqual([]);
  });
});
