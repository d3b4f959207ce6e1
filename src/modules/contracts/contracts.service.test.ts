/**
 * Contracts on the real database (PGlite, or PostgreSQL with DATABASE_URL), entered from awards made
 * by the fixture (contracts.test-fixtures.ts): refusal during standstill and while a challenge is open (the
 * handover), the £5m / 3 KPIs rule at its boundary, dates, shares, the regulated-activity gate, the
 * documents; KPI periods due and overdue with a moved clock, reports, ratings and their publication;
 * amendments and termination; what the database itself refuses; the provider views and the
 * regulation module's hooks.
 */

import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../../../tests/support/auth.ts";
import { ctxFor, principalOf } from "../../../tests/support/principals.ts";
import { refused } from "../../../tests/support/refused.ts";
import { createTestDatabase, DEMO_SEEDED_AT, type TestDatabase } from "../../../tests/support/test-db.ts";
import * as contractsMigration from "../../db/migrations/2026-11-22-16-contracts.ts";
import * as contractRulesMigration from "../../db/migrations/2026-12-06-01-contract-rules.ts";
import * as choiceAwardListsMigration from "../../db/migrations/2026-12-15-16-choice-award-lists.ts";
import { migrations } from "../../db/migrations/index.ts";
import { settableClock } from "../../lib/clock.ts";
import { localFileStore } from "../../lib/file-store.ts";
import { addDays, endOfLondonDay } from "../../lib/london-time.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_CONTRACTS, demoContractsSeed, firstMonthAfter } from "../../seed/demo/contracts.ts";
import { DEMO_AWARD } from "../../seed/demo/evaluation.ts";
import { DEMO_ORGANISATION } from "../../seed/demo/organisations.ts";
import { runSeeds } from "../../seed/seed.ts";
import { seeds } from "../../seed/seeds.ts";
import type { Principal, Role } from "../access/access.service.ts";
import { verifyAuditChains } from "../audit/audit.service.ts";
import { hasCurrentRegistration } from "../regulation/regulation.service.ts";
import { amendContract, terminateContract } from "./contract-changes.service.ts";
import { type ContractDraft, enterContract, readyToContract } from "./contract-entry.service.ts";
import type { ContractsCtx } from "./contracts.context.ts";
import { contractOf, listContractViews } from "./contracts.service.ts";
import { type AwardFixture, insertAward } from "./contracts.test-fixtures.ts";
import { correctKpiReport, rateKpi, reportKpi } from "./kpi-reports.service.ts";
import { contractsHeldBy, contractsWithRatingsOf, providerContracts } from "./provider-contracts.service.ts";

const COUNTY = DEMO_AUTHORITY.county;
const DISTRICT = DEMO_AUTHORITY.district;
const MUTUAL = DEMO_ORGANISATION.communityHealthMutual;
const CARERS = DEMO_ORGANISATION.carersTrust;
/** London date 2027-03-01. */
const START = new Date("2027-03-01T10:00:00Z");
const DAY = 24 * 3600_000;
const clock = settableClock(START);
let t: TestDatabase;
let files: ContractsCtx["files"];
let filesRoot: string | undefined;
const people: Record<string, Principal> = {};
const as = (name: string) => people[name] as Principal;
/** What a service takes first: the database, the clock and who asks (by name; null: the public). */
const ctxOf = (name: string | null, db = t.db, at = clock) => ctxFor(db, at, name ? as(name) : null);
/** The same with the contracts module's file store, no email. */
const contractsCtx = (name: string): ContractsCtx => ({ ...ctxOf(name), files, email: false });

async function person(name: string, grants: { role: Role; scopeId?: string }[]) {
  const user = await createUser(t.db, { grants, displayName: name });
  people[name] = await principalOf(t.db, user.id);
}

const award = (over: Partial<AwardFixture> = {}) =>
  insertAward(t.db, {
    authorityId: COUNTY,
    organisationId: MUTUAL,
    standstillEndsAt: new Date(clock.now().getTime() - DAY),
    ...over,
  });

const kpi = (n: number, frequencyMonths = 3) => ({
  name: `KPI ${n}`,
  measure: `Measure ${n}`,
  target: `${90 + n}%`,
  frequencyMonths,
});

const draft = (awardId: string, over: Partial<ContractDraft> = {}): ContractDraft => ({
  awardId,
  title: "Night-time home care",
  description: "Visits between 10pm and 7am.",
  startsOn: "2027-01-01",
  endsOn: "2029-12-31",
  paymentMechanism: "fixed",
  kpis: [kpi(1, 1), kpi(2, 3)],
  ...over,
});

const enter = async (who: string, d: ContractDraft) =>
  (await enterContract(contractsCtx(who), COUNTY, d)).contract.id;

const count = async (
  table: "contracts" | "contract_kpis" | "kpi_reports" | "kpi_ratings" | "contract_amendments",
) =>
  Number(
    (
      await t.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<bigint>().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );

const PDF = Buffer.from("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n").toString("base64");

beforeAll(async () => {
  // The seeded database (every seed at START); the fixture makes the awards to contract.
  t = await createTestDatabase({ seededAt: DEMO_SEEDED_AT });
  filesRoot = mkdtempSync(path.join(os.tmpdir(), "openps-contracts-"));
  files = localFileStore({ root: filesRoot, maxBytes: 1024 * 1024 });
  await person("commissioner", [{ role: "commissioner", scopeId: COUNTY }]);
  await person("admin", [{ role: "authority-admin", scopeId: COUNTY }]);
  await person("evaluator", [{ role: "evaluator", scopeId: COUNTY }]);
  await person("districtCommissioner", [{ role: "commissioner", scopeId: DISTRICT }]);
  await person("platformAdmin", [{ role: "platform-admin" }]);
  await person("supplier", [{ role: "organisation-member", scopeId: MUTUAL }]);
  await person("supplierAdmin", [{ role: "organisation-admin", scopeId: MUTUAL }]);
  await person("otherSupplier", [{ role: "organisation-admin", scopeId: CARERS }]);
}, 180_000);

afterAll(async () => {
  await t?.destroy();
  if (filesRoot) rmSync(filesRoot, { recursive: true, force: true });
});

describe("entering a contract", () => {
  it("is refused during standstill and while a challenge is open (409), nothing written", async () => {
    const before = await count("contracts");
    const inStandstill = await award({ standstillEndsAt: new Date(START.getTime() + DAY) });
    const error = await refused(enter("commissioner", draft(inStandstill.awardId)));
    expect(error).toMatchObject({ code: "award_in_standstill" });
    const challenged = await award({ challenged: true });
    expect(await refused(enter("commissioner", draft(challenged.awardId)))).toMatchObject({
      code: "award_challenged",
    });
    const suspended = await award({ status: "suspended" });
    expect(await refused(enter("commissioner", draft(suspended.awardId)))).toMatchObject({
      code: "award_challenged",
    });
    expect(await count("contracts")).toBe(before);
    // Ready to contract lists none of them.
    const ready = await readyToContract(ctxOf("commissioner"), COUNTY);
    expect(ready.map((a) => a.id)).not.toContain(inStandstill.awardId);
    expect(ready.map((a) => a.id)).not.toContain(challenged.awardId);
    // Once standstill ends, the first can be contracted.
    clock.set(new Date(START.getTime() + 2 * DAY));
    try {
      expect((await readyToContract(ctxOf("commissioner"), COUNTY)).map((a) => a.id)).toContain(
        inStandstill.awardId,
      );
      expect(await enter("commissioner", draft(inStandstill.awardId))).toBeTruthy();
    } finally {
      clock.set(START);
    }
  });

  it("is for the authority's commissioners and administrators (403), of a known award (404)", async () => {
    const a = await award();
    for (const who of ["evaluator", "districtCommissioner", "supplier"])
      expect((await refused(enter(who, draft(a.awardId)))).code).toBe("forbidden");
    expect((await refused(enter("commissioner", draft("019a0000-0000-7000-8000-0000000fffff")))).code).toBe(
      "not_found",
    );
    // Another authority's award is not found.
    const districtAward = await refused(
      enterContract(contractsCtx("districtCommissioner"), DISTRICT, draft(a.awardId)),
    );
    expect(districtAward.code).toBe("not_found");
    expect(await enter("admin", draft(a.awardId))).toBeTruthy();
    // Once contracted, never again.
    expect((await refused(enter("commissioner", draft(a.awardId)))).code).toBe("award_contracted");
  });

  it("names each field at fault (400), nothing written", async () => {
    const a = await award();
    const before = await count("contracts");
    const error = await refused(
      enter(
        "commissioner",
        draft(a.awardId, {
          title: "",
          startsOn: "2027-02-30",
          endsOn: "",
          paymentMechanism: "cash",
          value: "£12.345",
          kpis: [{ name: "", measure: "", target: "", frequencyMonths: 2 }],
          documents: [{ filename: "", contentBase64: "not base64!" }],
        }),
      ),
    );
    expect(error.code).toBe("validation_failed");
    expect(error.details.map((d) => d.field).sort()).toEqual(
      [
        "title",
        "startsOn",
        "endsOn",
        "paymentMechanism",
        "value",
        "kpis.0.name",
        "kpis.0.measure",
        "kpis.0.target",
        "kpis.0.frequencyMonths",
        "documents.0.filename",
        "documents.0.contentBase64",
      ].sort(),
    );
    expect(await count("contracts")).toBe(before);
  });

  it("needs the end after the start, and not already past (422)", async () => {
    const a = await award();
    const sameDay = await refused(
      enter("commissioner", draft(a.awardId, { startsOn: "2027-04-01", endsOn: "2027-04-01" })),
    );
    expect(sameDay).toMatchObject({ code: "unprocessable", details: [{ field: "endsOn" }] });
    const past = await refused(
      enter("commissioner", draft(a.awardId, { startsOn: "2026-01-01", endsOn: "2027-02-28" })),
    );
    expect(past.details[0]?.message).toContain("has passed");
    // The last day may be today.
    expect(
      await enter("commissioner", draft(a.awardId, { startsOn: "2026-03-01", endsOn: "2027-03-01" })),
    ).toBeTruthy();
  });

  it("needs at least 3 KPIs over £5,000,000.00 — exactly £5m needs none more, a penny over does", async () => {
    const exactly = await award({ valuePence: 500_000_000n });
    const id = await enter("commissioner", draft(exactly.awardId, { kpis: [kpi(1)] }));
    expect((await contractOf(ctxOf(null), COUNTY, id)).contract.value_pence).toBe(500_000_000n);

    const over = await award({ valuePence: 500_000_001n });
    const before = await count("contracts");
    const error = await refused(enter("commissioner", draft(over.awardId, { kpis: [kpi(1), kpi(2)] })));
    expect(error).toMatchObject({ code: "unprocessable", details: [{ field: "kpis" }] });
    expect(error.details[0]?.message).toContain("at least 3 KPIs");
    expect(await count("contracts")).toBe(before);
    // The value given, not the award's, counts.
    const lowered = await refused(enter("commissioner", draft(exactly.awardId, { valuePence: "500000001" })));
    expect(lowered.code).toBe("award_contracted");
    const other = await award({ valuePence: 400_000_000n });
    expect(
      (await refused(enter("commissioner", draft(other.awardId, { value: "£5,000,000.01", kpis: [] })))).code,
    ).toBe("unprocessable");
    expect(await enter("commissioner", draft(over.awardId, { kpis: [kpi(1), kpi(2), kpi(3)] }))).toBeTruthy();
  });

  it("needs the supplier's and consortium's shares to add up to 100% (422)", async () => {
    const member = {
      organisationId: DEMO_ORGANISATION.millbrookHomes,
      name: "Millbrook Homes",
      role: "partner" as const,
      sector: "private",
      sizeBand: "small",
    };
    const bad = await award({ leadShareBp: 7000, consortium: [{ ...member, shareBp: 2000 }] });
    const error = await refused(enter("commissioner", draft(bad.awardId)));
    expect(error).toMatchObject({ code: "unprocessable", details: [{ field: "consortium" }] });
    expect(error.details[0]?.message).toContain("90%");
    const good = await award({ leadShareBp: 7000, consortium: [{ ...member, shareBp: 3000 }] });
    const id = await enter("commissioner", draft(good.awardId));
    const view = await contractOf(ctxOf(null), COUNTY, id);
    expect(view.contract.consortium).toEqual([{ ...member, shareBp: 3000 }]);
    // A consortium member holds it too.
    const held = await listContractViews(ctxOf(null), {
      organisationId: DEMO_ORGANISATION.millbrookHomes,
    });
    expect(held.map((v) => v.contract.id)).toContain(id);
  });

  it("goes to a provider needing a regulated activity only with a current registration (422)", async () => {
    expect(await hasCurrentRegistration(ctxOf(null), MUTUAL, "personal-care")).toBe(false);
    const a = await award({ regulatedActivity: "personal-care" });
    const error = await refused(enter("commissioner", draft(a.awardId)));
    expect(error).toMatchObject({ code: "unprocessable", details: [{ field: "awardId" }] });
    expect(error.details[0]?.message).toContain("no current registration");
  });

  it("publishes the notice with its documents, marks the award contracted, audits and tells the supplier", async () => {
    const a = await award();
    const id = await enter(
      "commissioner",
      draft(a.awardId, {
        documents: [{ title: "Signed contract", filename: "contract.pdf", contentBase64: PDF }],
      }),
    );
    const view = await contractOf(ctxOf(null), COUNTY, id);
    expect(view.contract).toMatchObject({
      title: "Night-time home care",
      value_pence: 109_500_000n,
      payment_mechanism: "fixed",
    });
    expect(view.documents).toMatchObject([
      { position: 1, title: "Signed contract", media_type: "application/pdf" },
    ]);
    const awardRow = await t.db
      .selectFrom("tender_awards")
      .select(["status", "contract_id"])
      .where("id", "=", a.awardId)
      .executeTakeFirstOrThrow();
    expect(awardRow).toEqual({ status: "contracted", contract_id: id });
    const events = await t.db
      .selectFrom("audit_events")
      .select("action")
      .where("entity_id", "=", id)
      .execute();
    expect(events.map((e) => e.action)).toContain("contract.entered");
    const inbox = await t.db
      .selectFrom("notifications")
      .select("kind")
      .where("user_id", "=", as("supplier").userId)
      .where("kind", "=", "contract.entered")
      .execute();
    expect(inbox.length).toBeGreaterThan(0);
    // A file that is not a document is refused from its content.
    const b = await award();
    const exe = await refused(
      enter(
        "commissioner",
        draft(b.awardId, {
          documents: [
            { filename: "x.pdf", contentBase64: Buffer.from("MZ\x90\x00binary").toString("base64") },
          ],
        }),
      ),
    );
    expect(exe.code).toMatch(/file_type_not_allowed|validation_failed/);
    expect((await verifyAuditChains(t.db)).every((chain) => chain.ok)).toBe(true);
  });
});

describe("KPI reports and ratings", () => {
  let contractId: string;
  beforeAll(async () => {
    clock.set(START);
    const a = await award();
    contractId = await enter("commissioner", draft(a.awardId));
  });
  const report = (who: string, position: number, period: number, value = "95%") =>
    reportKpi(contractsCtx(who), COUNTY, contractId, position, period, { value, commentary: "Steady." });
  const rate = (who: string, position: number, period: number, rating = "good") =>
    rateKpi(contractsCtx(who), COUNTY, contractId, position, period, { rating, comment: "On target." });

  it("derives periods from the start and each KPI's frequency, due at their end and overdue 30 days on", async () => {
    clock.set(START);
    let view = await contractOf(ctxOf("supplier"), COUNTY, contractId);
    const monthly = view.kpis[0]?.periods ?? [];
    expect(monthly).toHaveLength(36);
    expect(monthly[0]).toMatchObject({
      number: 1,
      startsOn: "2027-01-01",
      endsOn: "2027-01-31",
      state: "due",
      overdueAfter: "2027-03-02",
    });
    expect(monthly[1]).toMatchObject({ startsOn: "2027-02-01", endsOn: "2027-02-28", state: "due" });
    expect(monthly[2]?.state).toBe("upcoming");
    expect(view.kpis[1]?.periods).toHaveLength(12);
    expect(view.kpis[1]?.periods[11]).toMatchObject({ startsOn: "2029-10-01", endsOn: "2029-12-31" });
    expect(view.counts).toEqual({ due: 2, overdue: 0, awaitingRating: 0 });
    // 2 March is the last day before overdue; 3 March it is.
    clock.set(new Date("2027-03-02T23:30:00Z"));
    expect((await contractOf(ctxOf(null), COUNTY, contractId)).kpis[0]?.periods[0]?.state).toBe("due");
    clock.set(new Date("2027-03-03T00:30:00Z"));
    view = await contractOf(ctxOf(null), COUNTY, contractId);
    expect(view.kpis[0]?.periods[0]?.state).toBe("overdue");
    expect(view.counts).toEqual({ due: 1, overdue: 1, awaitingRating: 0 });
    // The supplier sees them, most overdue first.
    const mine = await providerContracts(ctxOf("supplier"), MUTUAL);
    const due = mine.due.filter((d) => d.contract.id === contractId);
    expect(due.map((d) => [d.period.number, d.period.state])).toEqual([
      [1, "overdue"],
      [2, "due"],
    ]);
  });

  it("is reported by the supplier's people only, from the period's last day, once", async () => {
    clock.set(new Date("2027-03-05T10:00:00Z"));
    for (const who of ["otherSupplier", "commissioner", "platformAdmin"])
      expect((await refused(report(who, 1, 1))).code).toBe("forbidden");
    expect((await refused(report("supplier", 2, 1))).code).toBe("period_not_ended");
    expect((await refused(report("supplier", 1, 99))).code).toBe("not_found");
    expect((await refused(report("supplier", 9, 1))).code).toBe("not_found");
    expect((await refused(report("supplier", 1, 1, ""))).details).toMatchObject([{ field: "value" }]);
    const before = await count("kpi_reports");
    await report("supplier", 1, 1, "93%");
    expect(await count("kpi_reports")).toBe(before + 1);
    expect((await refused(report("supplierAdmin", 1, 1))).code).toBe("already_reported");
    // On the quarter's last day it can be reported.
    clock.set(new Date("2027-03-31T09:00:00Z"));
    await report("supplierAdmin", 2, 1, "88%");
    // The commissioners are told.
    const told = await t.db
      .selectFrom("notifications")
      .select("link")
      .where("user_id", "=", as("commissioner").userId)
      .where("kind", "=", "contract.kpi-reported")
      .execute();
    expect(told.length).toBeGreaterThanOrEqual(2);
    // Before its rating, the public does not see the report; the authority and supplier do.
    const pub = await contractOf(ctxOf(null), COUNTY, contractId);
    expect(pub.kpis[0]?.periods[0]).toMatchObject({ state: "reported", report: null });
    const authority = await contractOf(ctxOf("commissioner"), COUNTY, contractId);
    expect(authority.kpis[0]?.periods[0]?.report?.value).toBe("93%");
  });

  it("is rated by the commissioner once reported, published at once", async () => {
    clock.set(new Date("2027-04-10T10:00:00Z"));
    expect((await refused(rate("commissioner", 1, 2))).code).toBe("not_reported");
    expect((await refused(rate("supplier", 1, 1))).code).toBe("forbidden");
    expect((await refused(rate("districtCommissioner", 1, 1))).code).toBe("forbidden");
    expect((await refused(rate("commissioner", 1, 1, "excellent"))).details).toMatchObject([
      { field: "rating" },
    ]);
    await rate("commissioner", 1, 1, "approaching-target");
    expect((await refused(rate("admin", 1, 1))).code).toBe("already_rated");
    await rate("admin", 2, 1, "requires-improvement");
    const pub = await contractOf(ctxOf(null), COUNTY, contractId);
    expect(pub.kpis[0]?.periods[0]).toMatchObject({
      state: "rated",
      report: { value: "93%" },
      rating: { rating: "approaching-target" },
    });
    expect(pub.publication).toMatchObject({ dueOn: "2028-04-10", overdue: false, final: false });
    const told = await t.db
      .selectFrom("notifications")
      .select("subject")
      .where("user_id", "=", as("supplier").userId)
      .where("kind", "=", "contract.kpi-rated")
      .execute();
    expect(told).toHaveLength(2);
    // Over 12 months without a publication: overdue, and listed as such.
    clock.set(new Date("2028-04-11T10:00:00Z"));
    const late = await contractOf(ctxOf(null), COUNTY, contractId);
    expect(late.publication.overdue).toBe(true);
    expect(
      (await listContractViews(ctxOf(null), { ratingsOverdue: true })).map((v) => v.contract.id),
    ).toContain(contractId);
    const ratings = await contractsWithRatingsOf(ctxOf(null), MUTUAL);
    const mine = ratings.find((r) => r.contractId === contractId);
    expect(mine?.kpis.map((k) => k.latest?.rating ?? null)).toEqual([
      "approaching-target",
      "requires-improvement",
    ]);
    expect(mine?.ratingsOverdue).toBe(true);
    clock.set(START);
  });

  it("cannot be changed in the database once published", async () => {
    await expect(
      sql`update kpi_ratings set rating = 'good' where contract_id = ${contractId}`.execute(t.db),
    ).rejects.toThrow(/cannot be changed/);
    await expect(
      sql`delete from kpi_reports where contract_id = ${contractId}`.execute(t.db),
    ).rejects.toThrow(/cannot be changed/);
    await expect(
      sql`update contracts set title = 'Other' where id = ${contractId}`.execute(t.db),
    ).rejects.toThrow(/cannot be changed/);
    await expect(
      sql`update contracts set value_pence = 1 where id = ${contractId}`.execute(t.db),
    ).rejects.toThrow(/recorded amendment/);
  });
});

describe("amendments and termination", () => {
  const amend = async (id: string, d: Parameters<typeof amendContract>[3], who = "commissioner") =>
    (await amendContract(contractsCtx(who), COUNTY, id, d)).number;
  const terminate = (id: string, d: Parameters<typeof terminateContract>[3]) =>
    terminateContract(contractsCtx("commissioner"), COUNTY, id, d);

  it("records value, date and scope changes with reasons, published before and after", async () => {
    clock.set(START);
    const id = await enter("commissioner", draft((await award()).awardId, { kpis: [kpi(1)] }));
    expect((await refused(amend(id, { reason: "Nothing" }))).code).toBe("unprocessable");
    expect((await refused(amend(id, { reason: "", scope: "x" }))).details).toMatchObject([
      { field: "reason" },
    ]);
    expect((await refused(amend(id, { reason: "Earlier", startsOn: "2027-02-01" }))).code).toBe(
      "contract_started",
    );
    expect((await refused(amend(id, { reason: "Back", endsOn: "2026-12-31" }))).details).toMatchObject([
      { field: "endsOn" },
    ]);
    expect(
      (await refused(amend(id, { reason: "Bigger", valuePence: "500000001" }))).details[0]?.message,
    ).toContain("at least 3 KPIs");
    expect((await refused(amend(id, { reason: "x", scope: "y" }, "supplier"))).code).toBe("forbidden");
    expect(
      await amend(id, {
        reason: "More visits in winter",
        valuePence: "120000000",
        endsOn: "2030-03-31",
        scope: "Adds weekend visits",
      }),
    ).toBe(1);
    expect(await amend(id, { reason: "Exactly £5m is allowed", valuePence: "500000000" })).toBe(2);
    const view = await contractOf(ctxOf(null), COUNTY, id);
    expect(view.contract).toMatchObject({
      value_pence: 500_000_000n,
      ends_on: "2030-03-31",
      original_value_pence: 109_500_000n,
      original_ends_on: "2029-12-31",
      amendment_count: 2,
    });
    expect(view.amendments[0]).toMatchObject({
      number: 1,
      value_before_pence: 109_500_000n,
      value_after_pence: 120_000_000n,
      ends_on_before: "2029-12-31",
      ends_on_after: "2030-03-31",
      scope_after: "Adds weekend visits",
      starts_on_before: null,
    });
    await expect(
      sql`delete from contract_amendments where contract_id = ${id}`.execute(t.db),
    ).rejects.toThrow(/cannot be changed/);
  });

  it("terminates with a reason and date: periods after it fall away, and nothing changes after", async () => {
    clock.set(new Date("2027-05-10T10:00:00Z"));
    const id = await enter("commissioner", draft((await award()).awardId));
    await reportKpi(contractsCtx("supplier"), COUNTY, id, 1, 3, { value: "97%", commentary: "" });
    expect((await refused(terminate(id, { reason: "", terminatedOn: "2027-06-30" }))).details).toMatchObject([
      { field: "reason" },
    ]);
    expect(
      (await refused(terminate(id, { reason: "Early", terminatedOn: "2027-03-15" }))).details[0]?.message,
    ).toContain("reported up to");
    expect((await refused(terminate(id, { reason: "Late", terminatedOn: "2030-01-01" }))).code).toBe(
      "unprocessable",
    );
    await terminate(id, { reason: "The provider's registration was cancelled.", terminatedOn: "2027-06-15" });
    const view = await contractOf(ctxOf(null), COUNTY, id);
    expect(view.state).toBe("terminated");
    expect(view.lastDay).toBe("2027-06-15");
    expect(view.kpis[0]?.periods.at(-1)).toMatchObject({
      number: 6,
      startsOn: "2027-06-01",
      endsOn: "2027-06-15",
    });
    expect(view.kpis[1]?.periods.map((p) => p.endsOn)).toEqual(["2027-03-31", "2027-06-15"]);
    expect((await refused(terminate(id, { reason: "Again", terminatedOn: "2027-06-15" }))).code).toBe(
      "contract_terminated",
    );
    expect((await refused(amend(id, { reason: "After", scope: "More" }))).code).toBe("contract_terminated");
    await expect(
      sql`update contracts set termination_reason = 'Other' where id = ${id}`.execute(t.db),
    ).rejects.toThrow(/terminated contract/);
    clock.set(START);
  });
});

describe("the rules at their edges (issue 14)", () => {
  const amend = async (id: string, d: Parameters<typeof amendContract>[3], who = "commissioner") =>
    (await amendContract(contractsCtx(who), COUNTY, id, d)).number;
  const actions = async (id: string) =>
    (
      await t.db
        .selectFrom("audit_events")
        .select(["action", "changes"])
        .where("entity_id", "=", id)
        .execute()
    ).map((e) => e.action);

  it("s.33: a contract reserved to mutuals is entered for 5 years at most — a day under, the last day, a day over", async () => {
    clock.set(START);
    const over = await award({ reserved: true });
    const before = await count("contracts");
    const error = await refused(
      enter("commissioner", draft(over.awardId, { startsOn: "2027-04-01", endsOn: "2032-04-01" })),
    );
    expect(error).toMatchObject({ code: "unprocessable", details: [{ field: "endsOn" }] });
    expect(error.details[0]?.message).toContain("s.33");
    expect(error.details[0]?.message).toContain("must end by 31 March 2032");
    // Ten years, as the finding had it: refused too.
    expect(
      (
        await refused(
          enter("commissioner", draft(over.awardId, { startsOn: "2027-04-01", endsOn: "2037-03-31" })),
        )
      ).details[0]?.field,
    ).toBe("endsOn");
    expect(await count("contracts")).toBe(before);
    expect(
      await enter("commissioner", draft(over.awardId, { startsOn: "2027-04-01", endsOn: "2032-03-31" })),
    ).toBeTruthy();
    const under = await award({ reserved: true });
    expect(
      await enter("commissioner", draft(under.awardId, { startsOn: "2027-04-01", endsOn: "2032-03-30" })),
    ).toBeTruthy();
    // Not reserved: ten years is the authority's choice.
    const open = await award();
    expect(
      await enter("commissioner", draft(open.awardId, { startsOn: "2027-04-01", endsOn: "2037-03-31" })),
    ).toBeTruthy();
  });

  it("s.33: every amendment that changes a reserved contract's term is held to 5 years, nothing written on refusal", async () => {
    clock.set(START);
    const id = await enter(
      "commissioner",
      draft((await award({ reserved: true })).awardId, { startsOn: "2027-04-01", endsOn: "2031-03-31" }),
    );
    const before = await count("contract_amendments");
    const longer = await refused(amend(id, { reason: "Extend", endsOn: "2032-04-01" }));
    expect(longer).toMatchObject({ code: "unprocessable", details: [{ field: "endsOn" }] });
    // Starting earlier with the same end makes it longer too (it has not started yet).
    expect(
      (await refused(amend(id, { reason: "Earlier", startsOn: "2027-03-15", endsOn: "2032-03-31" })))
        .details[0]?.message,
    ).toContain("must end by 14 March 2032");
    expect(await count("contract_amendments")).toBe(before);
    expect((await contractOf(ctxOf(null), COUNTY, id)).contract.ends_on).toBe("2031-03-31");
    expect(await amend(id, { reason: "Extend to the limit", endsOn: "2032-03-31" })).toBe(1);
    expect(await amend(id, { reason: "A little shorter", endsOn: "2032-03-30" })).toBe(2);
    // Starting later moves the limit with it; a change of scope alone is not a change of term.
    expect(await amend(id, { reason: "Later", startsOn: "2027-05-01", endsOn: "2032-04-30" })).toBe(3);
    expect(await amend(id, { reason: "More", scope: "Weekend visits" })).toBe(4);
  });

  it("needs a reason for a value below the award's — a penny under; at and over need none — recorded and audited", async () => {
    clock.set(START);
    const kpis = [kpi(1), kpi(2), kpi(3)];
    const under = await award({ valuePence: 600_000_000n });
    const before = await count("contracts");
    const error = await refused(
      enter("commissioner", draft(under.awardId, { valuePence: "599999999", kpis })),
    );
    expect(error).toMatchObject({ code: "unprocessable", details: [{ field: "valueReason" }] });
    expect(error.details[0]?.message).toContain("below the £6,000,000.00 awarded");
    expect(await count("contracts")).toBe(before);
    const reason = "Night visits in the north of the county are left to a later contract.";
    const id = await enter(
      "commissioner",
      draft(under.awardId, { valuePence: "599999999", valueReason: reason, kpis }),
    );
    expect((await contractOf(ctxOf(null), COUNTY, id)).contract).toMatchObject({
      value_pence: 599_999_999n,
      award_value_pence: 600_000_000n,
      value_reason: reason,
    });
    const entered = await t.db
      .selectFrom("audit_events")
      .select("changes")
      .where("entity_id", "=", id)
      .where("action", "=", "contract.entered")
      .executeTakeFirstOrThrow();
    expect(entered.changes).toMatchObject({ valueReason: reason });
    const at = await award({ valuePence: 600_000_000n });
    const same = await enter(
      "commissioner",
      draft(at.awardId, { valuePence: "600000000", valueReason: "x", kpis }),
    );
    expect((await contractOf(ctxOf(null), COUNTY, same)).contract.value_reason).toBe("");
    const over = await award({ valuePence: 600_000_000n });
    expect(await enter("commissioner", draft(over.awardId, { valuePence: "600000001", kpis }))).toBeTruthy();
    // The published notice keeps them.
    await expect(
      sql`update contracts set value_reason = 'Other' where id = ${id}`.execute(t.db),
    ).rejects.toThrow(/cannot be changed/);
  });

  it("counts the greater of the award's value and the contract's for the £5m / 3-KPI rule", async () => {
    clock.set(START);
    const reason = { valueReason: "Part of the service stays in house." };
    // The finding: a £6m award entered as a £5m contract with no KPIs.
    const six = await award({ valuePence: 600_000_000n });
    const before = await count("contracts");
    const error = await refused(
      enter("commissioner", draft(six.awardId, { valuePence: "500000000", kpis: [], ...reason })),
    );
    expect(error).toMatchObject({ code: "unprocessable", details: [{ field: "kpis" }] });
    expect(error.details[0]?.message).toContain("was awarded at £6,000,000.00 and has 0");
    // Awarded a penny over £5m: 2 KPIs are too few, 3 enough.
    const penny = await award({ valuePence: 500_000_001n });
    expect(
      (
        await refused(
          enter(
            "commissioner",
            draft(penny.awardId, { valuePence: "100000000", kpis: [kpi(1), kpi(2)], ...reason }),
          ),
        )
      ).details[0]?.field,
    ).toBe("kpis");
    expect(await count("contracts")).toBe(before);
    expect(
      await enter(
        "commissioner",
        draft(penny.awardId, { valuePence: "100000000", kpis: [kpi(1), kpi(2), kpi(3)], ...reason }),
      ),
    ).toBeTruthy();
    // Awarded exactly £5m: none needed.
    const five = await award({ valuePence: 500_000_000n });
    const id = await enter(
      "commissioner",
      draft(five.awardId, { valuePence: "400000000", kpis: [], ...reason }),
    );
    // An amendment is held to it too: over £5m with fewer than 3 KPIs is refused.
    expect((await refused(amend(id, { reason: "More", valuePence: "500000001" }))).details[0]?.field).toBe(
      "value",
    );
  });

  it("adds KPIs by amendment: reported from the day added, published with the amendment, audited", async () => {
    clock.set(START);
    const id = await enter("commissioner", draft((await award()).awardId, { kpis: [kpi(1, 1)] }));
    const kpisBefore = await count("contract_kpis");
    const amendmentsBefore = await count("contract_amendments");
    // Each field at fault (400), and — over £5m — fewer than 3 KPIs after the amendment (422): nothing written.
    const bad = await refused(
      amend(id, { reason: "KPIs", kpis: [{ name: "", measure: "m", target: "t", frequencyMonths: 2 }] }),
    );
    expect(bad.details.map((d) => d.field).sort()).toEqual(["kpis.0.frequencyMonths", "kpis.0.name"]);
    const tooFew = await refused(amend(id, { reason: "Bigger", valuePence: "500000001", kpis: [kpi(2, 3)] }));
    expect(tooFew).toMatchObject({ code: "unprocessable", details: [{ field: "kpis" }] });
    expect(await count("contract_kpis")).toBe(kpisBefore);
    expect(await count("contract_amendments")).toBe(amendmentsBefore);
    // Exactly 3 after it: done, in one amendment with the new value.
    const number = await amend(id, {
      reason: "More hours, and the KPIs a contract of this size needs",
      valuePence: "500000001",
      kpis: [kpi(2, 3), kpi(3, 12)],
    });
    expect(number).toBe(1);
    const view = await contractOf(ctxOf(null), COUNTY, id);
    expect(view.kpis.map((k) => [k.position, k.added_by_amendment, k.reportsFrom])).toEqual([
      [1, null, "2027-01-01"],
      [2, 1, "2027-03-01"],
      [3, 1, "2027-03-01"],
    ]);
    expect(view.kpis[1]?.periods[0]).toMatchObject({
      number: 1,
      startsOn: "2027-03-01",
      endsOn: "2027-05-31",
    });
    expect(view.kpis[1]?.publication).toMatchObject({ dueOn: "2028-03-01", overdue: false });
    expect(view.amendments[0]?.kpisAdded.map((k) => k.name)).toEqual(["KPI 2", "KPI 3"]);
    expect(view.amendments[0]).toMatchObject({ kpis_added: 2, value_after_pence: 500_000_001n });
    // Only KPIs: an amendment too.
    expect(await amend(id, { reason: "Complaints", kpis: [kpi(4, 1)] })).toBe(2);
    expect(await actions(id)).toEqual(expect.arrayContaining(["contract.amended"]));
    const audited = await t.db
      .selectFrom("audit_events")
      .select("changes")
      .where("entity_id", "=", id)
      .where("action", "=", "contract.amended")
      .orderBy("seq", "desc")
      .executeTakeFirstOrThrow();
    expect(audited.changes).toMatchObject({
      number: 2,
      kpisAdded: [{ position: 4, name: "KPI 4", reportsFrom: "2027-03-01" }],
    });
    const told = await t.db
      .selectFrom("notifications")
      .select("body")
      .where("user_id", "=", as("supplier").userId)
      .where("kind", "=", "contract.amended")
      .where("body", "like", "Amendment 2 %")
      .execute();
    expect(told.map((n) => n.body).join("\n")).toContain('adds a KPI to report against: "KPI 4"');
    // Before the contract starts, a KPI added runs from the start.
    const later = await enter(
      "commissioner",
      draft((await award()).awardId, { startsOn: "2027-06-01", endsOn: "2028-05-31", kpis: [] }),
    );
    await amend(later, { reason: "A KPI", kpis: [kpi(1, 1)] });
    expect((await contractOf(ctxOf(null), COUNTY, later)).kpis[0]).toMatchObject({
      reports_from: null,
      reportsFrom: "2027-06-01",
    });
  });

  it("adds up to 20 KPIs in all (422 over)", async () => {
    clock.set(START);
    const nineteen = Array.from({ length: 19 }, (_, i) => kpi(i + 1, 12));
    const id = await enter("commissioner", draft((await award()).awardId, { kpis: nineteen }));
    expect(
      (await refused(amend(id, { reason: "Two more", kpis: [kpi(20, 12), kpi(21, 12)] }))).details[0]?.field,
    ).toBe("kpis");
    expect(await amend(id, { reason: "The twentieth", kpis: [kpi(20, 12)] })).toBe(1);
    expect((await refused(amend(id, { reason: "One more", kpis: [kpi(21, 12)] }))).code).toBe(
      "unprocessable",
    );
  });

  it("has each KPI's ratings published at least every 12 months: rating one KPI does not cover another", async () => {
    clock.set(new Date("2027-03-05T10:00:00Z"));
    const id = await enter("commissioner", draft((await award()).awardId, { kpis: [kpi(1, 1), kpi(2, 3)] }));
    await reportKpi(contractsCtx("supplier"), COUNTY, id, 1, 1, { value: "95%", commentary: "" });
    await rateKpi(contractsCtx("commissioner"), COUNTY, id, 1, 1, { rating: "good", comment: "On target." });
    const at = async (instant: string) => {
      clock.set(new Date(instant));
      return contractOf(ctxOf(null), COUNTY, id);
    };
    // KPI 2 has never been rated: due 12 months after the start (1 January 2028), overdue the day after.
    let view = await at("2027-12-31T12:00:00Z");
    expect(view.kpis.map((k) => k.publication.dueOn)).toEqual(["2028-03-05", "2028-01-01"]);
    expect(view.publication).toMatchObject({ dueOn: "2028-01-01", overdue: false, overdueKpis: [] });
    view = await at("2028-01-01T12:00:00Z");
    expect(view.publication.overdue).toBe(false);
    view = await at("2028-01-02T12:00:00Z");
    expect(view.kpis.map((k) => k.publication.overdue)).toEqual([false, true]);
    expect(view.publication).toMatchObject({
      overdue: true,
      overdueKpis: [2],
      lastPublishedAt: expect.any(Date),
    });
    expect(
      (await listContractViews(ctxOf(null), { ratingsOverdue: true })).map((v) => v.contract.id),
    ).toContain(id);
    const profile = (await contractsWithRatingsOf(ctxOf(null), MUTUAL)).find((c) => c.contractId === id);
    expect(profile?.kpis.map((k) => k.ratingsOverdue)).toEqual([false, true]);
    clock.set(START);
  });

  it("lets the reporter correct a report until it is rated (403 anyone else, 409 unreported or rated), audited", async () => {
    clock.set(new Date("2027-03-05T10:00:00Z"));
    const id = await enter("commissioner", draft((await award()).awardId, { kpis: [kpi(1, 1)] }));
    const correct = (who: string, period: number, value: string, commentary = "") =>
      correctKpiReport(contractsCtx(who), COUNTY, id, 1, period, { value, commentary });
    const row = () =>
      t.db
        .selectFrom("kpi_reports")
        .selectAll()
        .where("contract_id", "=", id)
        .where("period_number", "=", 1)
        .executeTakeFirst();
    expect((await refused(correct("supplier", 1, "94%"))).code).toBe("not_reported");
    await reportKpi(contractsCtx("supplier"), COUNTY, id, 1, 1, { value: "93%", commentary: "Steady." });
    const sent = await row();
    expect((await refused(correct("supplierAdmin", 1, "94%"))).code).toBe("forbidden");
    expect((await refused(correct("commissioner", 1, "94%"))).code).toBe("forbidden");
    expect((await refused(correct("otherSupplier", 1, "94%"))).code).toBe("forbidden");
    expect((await refused(correct("supplier", 99, "94%"))).code).toBe("not_found");
    expect((await refused(correct("supplier", 1, ""))).details).toMatchObject([{ field: "value" }]);
    expect((await refused(correct("supplier", 1, "93%", "Steady."))).code).toBe("unprocessable");
    expect(await row()).toEqual(sent);
    clock.set(new Date("2027-03-06T10:00:00Z"));
    const corrected = await correct("supplier", 1, "95%", "The first count missed the weekend.");
    expect(corrected.kpis[0]?.periods[0]).toMatchObject({ state: "reported", correctable: true });
    // The public does not see it before the rating.
    expect((await contractOf(ctxOf(null), COUNTY, id)).kpis[0]?.periods[0]?.report).toBeNull();
    const authority = await contractOf(ctxOf("commissioner"), COUNTY, id);
    expect(authority.kpis[0]?.periods[0]?.report).toMatchObject({
      value: "95%",
      commentary: "The first count missed the weekend.",
      reported_at: sent?.reported_at,
      corrected_by: as("supplier").userId,
      corrected_at: new Date("2027-03-06T10:00:00Z"),
    });
    const audited = await t.db
      .selectFrom("audit_events")
      .select("changes")
      .where("entity_id", "=", id)
      .where("action", "=", "contract.kpi-report-corrected")
      .executeTakeFirstOrThrow();
    expect(audited.changes).toMatchObject({ before: { value: "93%" }, after: { value: "95%" } });
    const told = await t.db
      .selectFrom("notifications")
      .select("kind")
      .where("user_id", "=", as("commissioner").userId)
      .where("kind", "=", "contract.kpi-report-corrected")
      .execute();
    expect(told.length).toBeGreaterThan(0);
    // Rated: published as corrected, and no longer to be corrected.
    await rateKpi(contractsCtx("commissioner"), COUNTY, id, 1, 1, { rating: "good", comment: "On target." });
    expect((await contractOf(ctxOf(null), COUNTY, id)).kpis[0]?.periods[0]?.report?.value).toBe("95%");
    const rated = await row();
    expect((await refused(correct("supplier", 1, "96%"))).code).toBe("already_rated");
    expect(await row()).toEqual(rated);
    // The database holds to it too.
    await expect(
      sql`update kpi_reports set value = '99%', corrected_at = now() where contract_id = ${id}`.execute(t.db),
    ).rejects.toThrow(/rated/);
    await expect(sql`delete from kpi_reports where contract_id = ${id}`.execute(t.db)).rejects.toThrow(
      /cannot be changed/,
    );
    clock.set(START);
  });
});

describe("for the regulation module", () => {
  it("lists live contracts held for regulated activities, with the commissioners to tell", async () => {
    clock.set(START);
    // The gate passes for an organisation with a current registration for the activity.
    const registered = await t.db
      .selectFrom("registrations as r")
      .innerJoin("registration_activities as a", (j) =>
        j.onRef("a.regulator_id", "=", "r.regulator_id").onRef("a.registration_id", "=", "r.id"),
      )
      .select(["r.organisation_id", "a.activity_code"])
      .where("r.status", "=", "registered")
      .orderBy("r.id")
      .executeTakeFirstOrThrow();
    const a = await award({
      organisationId: registered.organisation_id,
      regulatedActivity: registered.activity_code,
    });
    const id = await enter("commissioner", draft(a.awardId));
    const held = await contractsHeldBy(ctxOf(null), {
      organisationId: registered.organisation_id,
      activities: [registered.activity_code],
    });
    const mine = held.find((h) => h.contractId === id);
    expect(mine).toMatchObject({
      authorityId: COUNTY,
      title: "Night-time home care",
      regulatedActivity: registered.activity_code,
    });
    expect(mine?.commissionerUserIds).toContain(as("commissioner").userId);
    expect(
      await contractsHeldBy(ctxOf(null), {
        organisationId: registered.organisation_id,
        activities: ["not-an-activity"],
      }),
    ).toEqual([]);
  });
});

describe("demo data and the migration", () => {
  // Seeding a fresh database takes a while: it is done before the test, with the hooks' time.
  let fresh: TestDatabase;
  let ready: { awardId: string };
  const seedClock = settableClock(new Date("2027-03-20T10:00:00Z"));
  beforeAll(async () => {
    fresh = await createTestDatabase();
    await runSeeds(
      fresh.db,
      seedClock,
      seeds.filter((s) => s.name !== "demo-contracts"),
      { demo: true },
    );
    ready = await insertAward(fresh.db, {
      authorityId: COUNTY,
      organisationId: MUTUAL,
      standstillEndsAt: new Date("2027-03-01T00:00:00Z"),
      valuePence: 600_000_000n,
    });
    await runSeeds(fresh.db, seedClock, [demoContractsSeed], { demo: true });
  }, 180_000);
  afterAll(async () => {
    await fresh?.destroy();
  });

  it("contracts every award ready to contract, from the month after its standstill, with periods reported, rated, due and overdue; once", async () => {
    const ctx = ctxOf(null, fresh.db, seedClock);
    const view = await contractOf(ctx, COUNTY, DEMO_CONTRACTS[0] as string);
    // The evaluation seed's award, made 240 days before: its standstill ended in early August 2026.
    expect(view.contract).toMatchObject({
      award_id: DEMO_AWARD.ready,
      starts_on: "2026-09-01",
      ends_on: "2029-08-31",
    });
    expect(view.kpis).toHaveLength(3);
    const states = view.kpis.flatMap((k) => k.periods.map((p) => p.state));
    for (const state of ["rated", "reported", "due", "overdue"]) expect(states).toContain(state);
    expect(view.publication.overdue).toBe(false);
    // The fixture's award, whose standstill ended at midnight at the start of 1 March 2027: from then.
    expect((await contractOf(ctx, COUNTY, DEMO_CONTRACTS[1] as string)).contract).toMatchObject({
      award_id: ready.awardId,
      starts_on: "2027-03-01",
    });
    // No demo contract starts before its award's standstill ended.
    const started = await fresh.db
      .selectFrom("contracts as c")
      .innerJoin("tender_awards as a", (j) =>
        j.onRef("a.authority_id", "=", "c.authority_id").onRef("a.id", "=", "c.award_id"),
      )
      .select(["c.starts_on", "a.standstill_ends_at"])
      .execute();
    expect(started.length).toBeGreaterThanOrEqual(2);
    for (const c of started)
      expect(endOfLondonDay(addDays(c.starts_on, -1)) >= c.standstill_ends_at).toBe(true);
    expect(firstMonthAfter(new Date("2027-03-01T00:00:00Z"))).toBe("2027-03-01");
    expect(firstMonthAfter(new Date("2027-03-01T00:00:00.001Z"))).toBe("2027-04-01");
    expect(firstMonthAfter(new Date("2027-03-31T23:00:00Z"))).toBe("2027-04-01");
    expect(firstMonthAfter(new Date("2027-04-01T09:00:00+01:00"))).toBe("2027-05-01");
    expect((await runSeeds(fresh.db, seedClock, [demoContractsSeed], { demo: true })).skipped).toEqual([
      "demo-contracts",
    ]);
  });

  it("goes down and up again", async () => {
    const fresh = await createTestDatabase();
    try {
      // This issue's migration first, then the contracts' own.
      await contractRulesMigration.down(fresh.db as never);
      await expect(sql`select award_value_pence from contracts`.execute(fresh.db)).rejects.toThrow();
      await contractRulesMigration.up(fresh.db as never);
      expect(
        (await sql`select award_value_pence, value_reason from contracts`.execute(fresh.db)).rows,
      ).toEqual([]);
      // Approved-provider lists from an award hold their members' contracts, and outcome contracts
      // (payment by results, with every migration after theirs) pay under them: they go first.
      const results = Object.entries(migrations)
        .filter(([name]) => name >= "2026-12-22-01-payment-by-results")
        .map(([, migration]) => migration);
      for (const migration of [...results].reverse()) await migration.down?.(fresh.db as never);
      await choiceAwardListsMigration.down(fresh.db as never);
      await contractsMigration.down(fresh.db as never);
      await expect(sql`select 1 from contracts`.execute(fresh.db)).rejects.toThrow();
      await contractsMigration.up(fresh.db as never);
      await choiceAwardListsMigration.up(fresh.db as never);
      for (const migration of results) await migration.up(fresh.db as never);
      expect((await sql`select count(*) as n from contracts`.execute(fresh.db)).rows).toHaveLength(1);
    } finally {
      await fresh.destroy();
    }
  });
});
