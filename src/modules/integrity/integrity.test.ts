/**
 * Integrity indicators on a seeded app: the flags the demo data raises (one supplier's share of
 * Westshire's home care market); a change through a service raises (and, changed again, clears) a
 * flag in its own transaction, with the authority's counts kept; the Right to Challenge flag shown
 * once the clock passes the window; the pages, the panel on a tender's page and the API.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { mainText } from "../../../tests/support/pages.ts";
import { ctxFor, principalOf } from "../../../tests/support/principals.ts";
import { DEMO_SEEDED_AT } from "../../../tests/support/test-db.ts";
import { transaction } from "../../db/transaction.ts";
import { type SettableClock, settableClock } from "../../lib/clock.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_CHALLENGE } from "../../seed/demo/challenges.ts";
import { DEMO_AWARD_TENDER } from "../../seed/demo/evaluation.ts";
import { DEMO_PROJECT } from "../../seed/demo/projects.ts";
import { systemCtx, within } from "../access/context.ts";
import { amendTender } from "../tenders/amendments.service.ts";
import { publishTender } from "../tenders/publication.service.ts";
import { createTender } from "../tenders/setup.service.ts";
import { tendersCtx } from "../tenders/tenders.context.ts";
import type { IndicatorCode } from "./indicators.ts";
import { recomputeProcess } from "./integrity.service.ts";

const COUNTY = DEMO_AUTHORITY.county;
const DISTRICT = DEMO_AUTHORITY.district;
const COMMISSIONER = "019a0000-0000-7000-8000-00000000c004";
const DAY = 86_400_000;

let t: TestApp;
let clock: SettableClock;

beforeAll(async () => {
  clock = settableClock(DEMO_SEEDED_AT);
  t = await createTestApp({ clock, seeded: true });
});
afterAll(async () => {
  await t?.close();
});

const flagsOf = (authorityId: string) =>
  t.deps.db
    .selectFrom("integrity_flags")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .orderBy("ocid")
    .orderBy("code")
    .execute();
const countOf = async (authorityId: string, code: IndicatorCode) =>
  (
    await t.deps.db
      .selectFrom("integrity_counts")
      .select("flags")
      .where("authority_id", "=", authorityId)
      .where("code", "=", code)
      .executeTakeFirst()
  )?.flags ?? 0n;

describe("the demo data's flags", () => {
  it("raises one supplier's share of Westshire's home care awards this financial year, and nothing else", async () => {
    const flags = await flagsOf(COUNTY);
    expect(flags.map((f) => [f.code, f.tender_id])).toEqual([
      ["supplier-concentration", DEMO_AWARD_TENDER.standstill],
    ]);
    // 2026–27: the mutual's £890,000 of £1,980,000 (the awards 3, 4 and 21 days before the seeding;
    // the one 240 days before is in 2025–26, alone in its year).
    expect(flags[0]?.reason).toMatchObject({
      supplierName: "Westshire Community Health CIC",
      financialYear: 2026,
      shareBp: 4494,
      supplierPence: 89_000_000,
      marketPence: 198_000_000,
      supplierAwards: 1,
      marketAwards: 3,
    });
    expect(await countOf(COUNTY, "supplier-concentration")).toBe(1n);
    // Every demo tender opened had three bids and no justification, a period of 40 days or more,
    // and no amendment; only the open tender's process has an estimate, and no award.
    for (const code of [
      "single-bid",
      "fewer-than-three-bids",
      "short-submission-period",
      "late-amendment",
    ] as const)
      expect(await countOf(COUNTY, code)).toBe(0n);
  });

  it("shows the Right to Challenge never procured once the clock passes the window's latest start", async () => {
    // Millbrook accepted the parish council's EOI 10 days before the seeding: procurement 30 to 180 days after.
    const [held] = await flagsOf(DISTRICT);
    expect(held).toMatchObject({ code: "right-to-challenge-unprocured", tender_id: null });
    const page = () => t.app.inject({ url: "/authorities/millbrook-district-council/integrity" });
    expect(mainText((await page()).body)).not.toContain("has not started");
    clock.set(new Date(held?.raised_at.getTime() ?? 0));
    try {
      const text = mainText((await page()).body);
      expect(text).toContain("Right to Challenge accepted but never procured");
      expect(text).toContain("The procurement exercise had to start between");
      expect((await page()).body).toContain(`/right-to-challenge/${DEMO_CHALLENGE.accepted}`);
      const national = mainText((await t.app.inject({ url: "/integrity" })).body);
      expect(national).toContain("Millbrook District Council");
    } finally {
      clock.set(DEMO_SEEDED_AT);
    }
  });
});

describe("flags raised as the data changes", () => {
  const commissioner = async () =>
    tendersCtx(ctxFor(t.deps.db, clock, await principalOf(t.deps.db, COMMISSIONER)), t.deps);
  const draft = (deadline: Date) => ({
    projectId: DEMO_PROJECT.countyHomeCare,
    title: "Home care in Kelderby: a short tender",
    description: "Personal care at home in Kelderby.",
    procedure: "open",
    pricingMode: "competitive",
    contractTermMonths: 24,
    vatTreatment: "exempt",
    vatNote: "Exempt.",
    clarificationDeadline: new Date(deadline.getTime() - 7 * DAY).toISOString(),
    submissionDeadline: deadline.toISOString(),
    lots: [],
    conditions: ["Registered with the Care Quality Commission"],
    criteria: [
      { kind: "quality", title: "Quality", weightBp: 7000 },
      { kind: "price", title: "Price", weightBp: 3000 },
    ],
  });

  it("raises a period at the minimum and a late amendment in the change's transaction, and clears them when the deadline moves", async () => {
    const ctx = await commissioner();
    const deadline = new Date(DEMO_SEEDED_AT.getTime() + 26 * DAY);
    const tender = await createTender(ctx, COUNTY, draft(deadline));
    const id = tender.tender.id;
    const before = await countOf(COUNTY, "short-submission-period");

    // Published and then rolled back with its transaction: no release, no flag.
    await expect(
      transaction(t.deps.db, async (trx) => {
        await publishTender({ ...ctx, db: trx }, COUNTY, id, { minimumPeriodDays: 25 });
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect((await flagsOf(COUNTY)).filter((f) => f.tender_id === id)).toEqual([]);

    // Published: 26 days, within 3 of the minimum — raised as it commits, no job run.
    await publishTender(ctx, COUNTY, id, { minimumPeriodDays: 25 });
    const published = (await flagsOf(COUNTY)).filter((f) => f.tender_id === id);
    expect(published.map((f) => f.code)).toEqual(["short-submission-period"]);
    expect(published[0]?.reason).toMatchObject({ days: 26, legalMinimumDays: 25 });
    expect(await countOf(COUNTY, "short-submission-period")).toBe(before + 1n);

    // Amended 20 days later, 6 days before the deadline, with no bid in: late.
    clock.set(new Date(DEMO_SEEDED_AT.getTime() + 20 * DAY));
    try {
      await amendTender(
        await commissioner(),
        COUNTY,
        id,
        { description: "Personal care at home in Kelderby and Ashby." },
        "Ashby added to the area.",
        { extensionDays: 10 },
      );
      const amended = (await flagsOf(COUNTY)).filter((f) => f.tender_id === id);
      expect(amended.map((f) => f.code)).toEqual(["late-amendment", "short-submission-period"]);
      expect(amended[0]?.reason).toMatchObject({ amendment: "1", lateAmendments: 1, daysBeforeDeadline: 10 });
      expect(await countOf(COUNTY, "late-amendment")).toBe(1n);

      // The panel on the tender's page says why, in English and in Welsh.
      const url = `/authorities/westshire-county-council/tenders/${id}`;
      const english = mainText((await t.app.inject({ url })).body);
      expect(english).toContain("Integrity indicators");
      expect(english).toContain("a reason to look, never a verdict");
      expect(english).toMatch(
        /Amendment 1 was made at .+, less than 10 days before the deadline for bids at/,
      );
      const welsh = mainText((await t.app.inject({ url, headers: { cookie: "lang=cy" } })).body);
      expect(welsh).toContain("Dangosyddion uniondeb");
      expect(welsh).toContain("Gwnaed diwygiad 1 am");

      // The deadline moved 30 days: 56 days in all, and 36 days' notice of the amendment.
      await amendTender(
        await commissioner(),
        COUNTY,
        id,
        {
          submissionDeadline: new Date(deadline.getTime() + 30 * DAY).toISOString(),
          clarificationDeadline: new Date(deadline.getTime() + 23 * DAY).toISOString(),
        },
        "More time for the larger area.",
        { extensionDays: 10 },
      );
      expect((await flagsOf(COUNTY)).filter((f) => f.tender_id === id)).toEqual([]);
      expect(await countOf(COUNTY, "late-amendment")).toBe(0n);
      expect(await countOf(COUNTY, "short-submission-period")).toBe(before);
    } finally {
      clock.set(DEMO_SEEDED_AT);
    }
  });
});

describe("one supplier's share, kept as awards come and go", () => {
  /** A release of a made-up process of Millbrook's, with one award (or none) in market 98000000. */
  async function release(
    n: number,
    seq: number,
    award: { id?: string; supplier: string; pounds: number; status: string },
  ) {
    const ocid = `ocds-integrity-test-${n}`;
    await t.deps.db
      .insertInto("ocds_releases")
      .values({
        authority_id: DISTRICT,
        id: `${ocid}-${seq}`,
        ocid,
        seq,
        date: new Date(DEMO_SEEDED_AT.getTime() + seq * 1000),
        tags: ["award"],
        release: JSON.stringify({
          ocid,
          id: `${ocid}-${seq}`,
          date: new Date(DEMO_SEEDED_AT.getTime() + seq * 1000).toISOString(),
          tag: ["award"],
          buyer: { id: "GB-LAE-MIL", name: "Millbrook District Council" },
          tender: {
            id: `tender-${n}`,
            title: `Grounds ${n}`,
            procurementMethod: "open",
            items: [
              { id: "1", classification: { scheme: "CPV", id: "98000000", description: "Other services" } },
            ],
            documents: [{ id: "n", documentType: "tenderNotice", url: `/grounds/${n}` }],
          },
          awards: [
            {
              id: award.id ?? `award-${n}`,
              status: award.status,
              date: "2026-10-01T12:00:00Z",
              value: { amount: award.pounds, currency: "GBP" },
              suppliers: [{ id: award.supplier, name: `Supplier ${award.supplier}` }],
            },
          ],
        }),
      })
      .execute();
    await transaction(t.deps.db, (trx) =>
      recomputeProcess(within(systemCtx(trx, clock, "test"), trx), DISTRICT, ocid),
    );
  }
  const raised = async () =>
    (await flagsOf(DISTRICT)).filter((f) => f.code === "supplier-concentration").map((f) => f.ocid);

  it("raises it when a third award makes the market, and clears it when the award is withdrawn", async () => {
    await release(1, 1, { supplier: "A", pounds: 50, status: "pending" });
    await release(2, 1, { supplier: "B", pounds: 30, status: "pending" });
    expect(await raised()).toEqual([]);
    await release(3, 1, { supplier: "C", pounds: 20, status: "active" });
    expect(await raised()).toEqual(["ocds-integrity-test-1"]);
    expect(await countOf(DISTRICT, "supplier-concentration")).toBe(1n);
    // A's award withdrawn: two awards left, too few to say anything.
    await release(1, 2, { supplier: "A", pounds: 50, status: "cancelled" });
    expect(await raised()).toEqual([]);
    expect(await countOf(DISTRICT, "supplier-concentration")).toBe(0n);
    // Awarded again (a new award), to B: 60 of 100 over three awards.
    await release(1, 3, { id: "award-1-again", supplier: "B", pounds: 30, status: "pending" });
    expect(await raised()).toEqual(["ocds-integrity-test-1", "ocds-integrity-test-2"]);
    expect(await countOf(DISTRICT, "supplier-concentration")).toBe(2n);
  });
});

describe("the pages and the API", () => {
  it("shows every public body's counts and the indicators with their thresholds and reasons", async () => {
    const page = await t.app.inject({ url: "/integrity" });
    expect(page.statusCode).toBe(200);
    const text = mainText(page.body);
    expect(text).toContain("a reason to look, never a verdict");
    expect(text).toContain("Westshire County Council");
    expect(text).toContain("25 days");
    expect(text).toContain("40%");
    expect(text).toContain("Competition law takes dominance to be unlikely");
    const welsh = mainText((await t.app.inject({ url: "/integrity", headers: { cookie: "lang=cy" } })).body);
    expect(welsh).toContain("Cyfran un cyflenwr o ddyfarniadau awdurdod mewn marchnad");
  });

  it("lists an authority's flags with why, by indicator, and the flag on its tender's page", async () => {
    const page = await t.app.inject({ url: "/authorities/westshire-county-council/integrity" });
    expect(page.statusCode).toBe(200);
    const text = mainText(page.body);
    expect(text).toContain("Home nursing care in Wesford");
    expect(text).toMatch(
      /Westshire Community Health CIC won 44\.94% of the value this public body awarded in the market CPV [\d-]+ \(.+\) in the financial year 2026–27: £890,000 of £1,980,000, 1 of 3 awards\./,
    );
    expect(text).toContain("No award has been made with fewer than three bids.");
    const other = await t.app.inject({
      url: "/authorities/westshire-county-council/integrity?indicator=single-bid",
    });
    expect(mainText(other.body)).toContain("No flag is raised");
    const bad = await t.app.inject({ url: "/authorities/westshire-county-council/integrity?after=cut" });
    expect(bad.statusCode).toBe(400);
    const tender = await t.app.inject({
      url: `/authorities/westshire-county-council/tenders/${DEMO_AWARD_TENDER.standstill}`,
    });
    expect(mainText(tender.body)).toContain("One supplier’s share of an authority’s awards in a market");
  });

  it("answers the indicators, an authority's flags and a process's in JSON", async () => {
    const indicators = (await t.app.inject({ url: "/api/v1/integrity/indicators" })).json();
    expect(indicators.indicators).toHaveLength(7);
    expect(indicators.indicators[2].thresholds[0]).toMatchObject({
      name: "legalMinimum",
      value: 25,
      unit: "days",
    });
    const authority = (await t.app.inject({ url: `/api/v1/authorities/${COUNTY}/integrity` })).json();
    expect(authority.counts["supplier-concentration"]).toEqual({ count: 1, atLeast: false });
    const [flag] = authority.flags;
    expect(flag).toMatchObject({ code: "supplier-concentration", values: { shareBp: 4494 } });
    expect(flag.url).toMatch(/^https?:\/\/.+\/tenders\//);
    expect(flag.why.cy).toContain("Enillodd Westshire Community Health CIC");
    const byOcid = (
      await t.app.inject({ url: `/api/v1/integrity/flags?ocid=${encodeURIComponent(flag.ocid)}` })
    ).json();
    expect(byOcid.flags.map((f: { code: string }) => f.code)).toEqual(["supplier-concentration"]);
    expect((await t.app.inject({ url: "/api/v1/integrity/flags?ocid=unknown" })).json().flags).toEqual([]);
    expect((await t.app.inject({ url: "/api/v1/integrity/flags" })).statusCode).toBe(400);
  });
});
