/**
 * The service register's rules on the real database (PGlite, or PostgreSQL with DATABASE_URL):
 * field and combination checks, who may change a register, option appraisals (published ones
 * immutable, a later one supersedes), and the pipeline's 18-month window from the clock.
 */

import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../../../tests/support/auth.ts";
import { ctxFor, principalOf } from "../../../tests/support/principals.ts";
import { refused } from "../../../tests/support/refused.ts";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/test-db.ts";
import { transaction } from "../../db/transaction.ts";
import { settableClock } from "../../lib/clock.ts";
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  NotSignedInError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import { addMonths } from "../../lib/london-time.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_SERVICE } from "../../seed/demo/services.ts";
import type { Principal } from "../access/access.service.ts";
import { auditTrailFor, SYSTEM } from "../audit/audit.service.ts";
import { createAuthority } from "../authorities/authorities.service.ts";
import {
  appraisalsOf,
  createService,
  draftAppraisal,
  PIPELINE_WINDOW_MONTHS,
  pipeline,
  publishAppraisal,
  registerOf,
  serviceOf,
  updateService,
} from "./services.service.ts";

const clock = settableClock(new Date("2026-11-22T10:00:00Z"));
const MUTUAL = "019a0000-0000-7000-8000-00000000b001";
const UNVERIFIED = "019a0000-0000-7000-8000-0000000aa0ff";
let t: TestDatabase;
let commissioner: Principal;
let districtAdmin: Principal;
let unverifiedAdmin: Principal;

const contracted = {
  name: "Day centres",
  kind: "individual",
  categoryCode: "adult-social-care",
  providerType: "contracted",
  providerOrganisationId: MUTUAL,
  annualCost: "£1,234,567",
  contractEnd: "2027-05-31",
  status: "market-tested",
  description: "Four day centres.",
};

beforeAll(async () => {
  t = await createTestDatabase({ seededAt: clock.now() });
  await transaction(t.db, (trx) =>
    createAuthority(trx, clock, SYSTEM("test"), {
      id: UNVERIFIED,
      slug: "unverified-borough-council",
      name: "Unverified Borough Council",
      kind: "unitary",
      nation: "england-and-wales",
      verified: false,
    }),
  );
  commissioner = await principalOf(
    t.db,
    (await createUser(t.db, { grants: [{ role: "commissioner", scopeId: DEMO_AUTHORITY.county }] })).id,
  );
  districtAdmin = await principalOf(
    t.db,
    (await createUser(t.db, { grants: [{ role: "authority-admin", scopeId: DEMO_AUTHORITY.district }] })).id,
  );
  unverifiedAdmin = await principalOf(
    t.db,
    (await createUser(t.db, { grants: [{ role: "authority-admin", scopeId: UNVERIFIED }] })).id,
  );
}, 120_000);

afterAll(async () => {
  await t.destroy();
});

const as = (p: Principal | null, at = clock) => ctxFor(t.db, at, p);
const create = async (p: Principal | null, authorityId: string, draft: Record<string, unknown>) =>
  (await createService(as(p), authorityId, draft)).id;

describe("the service register", () => {
  it("adds a service with its cost in pence, audited on the authority's chain", async () => {
    const id = await create(commissioner, DEMO_AUTHORITY.county, contracted);
    const service = await serviceOf(as(null), DEMO_AUTHORITY.county, id);
    expect(service.annual_cost_pence).toBe(123_456_700n);
    expect(service.contract_end).toBe("2027-05-31");
    expect(service.provider_name).toBe("Westshire Community Health CIC");
    const trail = await auditTrailFor(t.db, DEMO_AUTHORITY.county, "service", id);
    expect(trail.map((e) => [e.action, e.authority_id])).toEqual([["service.added", DEMO_AUTHORITY.county]]);
  });

  it("names every field at fault (400), the money error included", async () => {
    const error = await refused(
      create(commissioner, DEMO_AUTHORITY.county, {
        name: "",
        kind: "other",
        categoryCode: "no-such-category",
        providerType: "someone",
        annualCost: "£1,23,4",
        contractEnd: "2027-02-30",
        status: "",
      }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.details.map((d) => d.field)).toEqual([
      "name",
      "kind",
      "categoryCode",
      "providerType",
      "annualCost",
      "contractEnd",
      "status",
    ]);
    expect(error.details.find((d) => d.field === "annualCost")?.message).toContain(
      "Put commas only between groups of 3 digits",
    );
    const tooPrecise = await refused(
      create(commissioner, DEMO_AUTHORITY.county, { ...contracted, annualCost: "12.345" }),
    );
    expect(tooPrecise.details).toEqual([
      {
        field: "annualCost",
        message: expect.stringContaining("no more than 2 digits after the decimal point"),
      },
    ]);
  });

  it("refuses combinations that do not fit together (422)", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ providerOrganisationId: null }, "providerOrganisationId"],
      [{ contractEnd: null }, "contractEnd"],
      [{ providerType: "in-house", status: "in-house" }, "providerOrganisationId"],
      [{ status: "mutualised" }, "status"],
    ];
    for (const [change, field] of cases) {
      const error = await refused(create(commissioner, DEMO_AUTHORITY.county, { ...contracted, ...change }));
      expect(error, field).toBeInstanceOf(UnprocessableError);
      expect(error.details.map((d) => d.field)).toEqual([field]);
    }
  });

  it("lets only the authority's own verified staff change its register", async () => {
    expect(await refused(create(null, DEMO_AUTHORITY.county, contracted))).toBeInstanceOf(NotSignedInError);
    expect(await refused(create(districtAdmin, DEMO_AUTHORITY.county, contracted))).toBeInstanceOf(
      ForbiddenError,
    );
    const unverified = await refused(create(unverifiedAdmin, UNVERIFIED, contracted));
    expect(unverified).toBeInstanceOf(ForbiddenError);
    expect(unverified.message).toContain("has not been verified");
    expect(await registerOf(as(null), UNVERIFIED)).toEqual([]);
    const id = await create(districtAdmin, DEMO_AUTHORITY.district, contracted);
    // Another authority's service is not found through this authority.
    expect(await refused(serviceOf(as(null), DEMO_AUTHORITY.county, id))).toBeInstanceOf(NotFoundError);
    expect(
      await refused(updateService(as(commissioner), DEMO_AUTHORITY.district, id, { name: "Taken over" })),
    ).toBeInstanceOf(ForbiddenError);
  });

  it("changes only what is given, checks the result whole and audits what changed", async () => {
    const id = await create(commissioner, DEMO_AUTHORITY.county, contracted);
    await updateService(as(commissioner), DEMO_AUTHORITY.county, id, { annualCost: "2,000,000.50" });
    const service = await serviceOf(as(null), DEMO_AUTHORITY.county, id);
    expect(service.annual_cost_pence).toBe(200_000_050n);
    expect(service.name).toBe("Day centres");
    const error = await refused(
      updateService(as(commissioner), DEMO_AUTHORITY.county, id, { providerType: "in-house" }),
    );
    expect(error).toBeInstanceOf(UnprocessableError);
    const trail = await auditTrailFor(t.db, DEMO_AUTHORITY.county, "service", id);
    expect(trail.map((e) => e.action)).toEqual(["service.added", "service.updated"]);
    expect(Object.keys(trail[1]?.changes ?? {})).toEqual(["annual_cost_pence"]);
  });
});

describe("option appraisals", () => {
  const appraisal = {
    options: ["retain-in-house", "commission-openly"],
    evidence: "Benchmarking against three similar councils.",
    decision: "commission-openly",
    reasons: "Better value with the same quality.",
  };

  it("needs at least two options and a decision among them", async () => {
    const id = DEMO_SERVICE.countyParks;
    const few = await refused(
      draftAppraisal(as(commissioner), DEMO_AUTHORITY.county, id, {
        ...appraisal,
        options: ["retain-in-house"],
        evidence: "",
      }),
    );
    expect(few).toBeInstanceOf(ValidationError);
    expect(few.details.map((d) => d.field)).toEqual(["options", "evidence"]);
    const outside = await refused(
      draftAppraisal(as(commissioner), DEMO_AUTHORITY.county, id, {
        ...appraisal,
        decision: "mutual-spin-out",
      }),
    );
    expect(outside).toBeInstanceOf(UnprocessableError);
  });

  it("drafts, publishes (then immutable), and a later one supersedes", async () => {
    const serviceId = DEMO_SERVICE.countyParks;
    const draft = (input = appraisal) =>
      draftAppraisal(as(commissioner), DEMO_AUTHORITY.county, serviceId, input);
    const publish = (id: string) => publishAppraisal(as(commissioner), DEMO_AUTHORITY.county, serviceId, id);
    const first = await draft();
    // Drafts are for the register's editors only.
    expect(await appraisalsOf(as(null), DEMO_AUTHORITY.county, serviceId)).toEqual([]);
    await publish(first);
    expect(await refused(publish(first))).toBeInstanceOf(ConflictError);
    await expect(
      sql`update service_appraisals set reasons = 'rewritten' where id = ${first}`.execute(t.db),
    ).rejects.toThrow(/cannot be changed/);
    clock.advance(60_000);
    const second = await draft({ ...appraisal, decision: "retain-in-house", reasons: "Costs rose." });
    await publish(second);
    const seen = await appraisalsOf(as(null), DEMO_AUTHORITY.county, serviceId);
    expect(seen.map((a) => [a.id, a.current, a.superseded])).toEqual([
      [second, true, false],
      [first, false, true],
    ]);
    const trail = await auditTrailFor(t.db, DEMO_AUTHORITY.county, "service-appraisal", first);
    expect(trail.map((e) => e.action)).toEqual(["appraisal.drafted", "appraisal.published"]);
  });
});

describe("the pipeline", () => {
  it("adds months, keeping to the end of a shorter month", () => {
    expect(addMonths("2026-11-22", 18)).toBe("2028-05-22");
    expect(addMonths("2026-08-31", 18)).toBe("2028-02-29");
    expect(addMonths("2027-08-31", 18)).toBe("2029-02-28");
  });

  it(`shows contracts ending within ${PIPELINE_WINDOW_MONTHS} months of the clock's today, soonest first`, async () => {
    const at = settableClock(new Date("2026-11-22T10:00:00Z"));
    const id = await create(commissioner, DEMO_AUTHORITY.county, {
      ...contracted,
      name: "Boundary",
      contractEnd: "2028-05-22",
    });
    const county = await pipeline(as(null, at), DEMO_AUTHORITY.county);
    expect(county.from).toBe("2026-11-22");
    expect(county.to).toBe("2028-05-22");
    const ends = county.rows.map((r) => r.contract_end);
    expect(ends).toEqual([...ends].sort());
    expect(county.rows.map((r) => r.id)).toContain(id);
    expect(county.rows.map((r) => r.id)).toContain(DEMO_SERVICE.countyHomeCare);
    // Ends 2029-03-31: outside the window.
    expect(county.rows.map((r) => r.id)).not.toContain(DEMO_SERVICE.countyLibraries);
    expect(county.rows.every((r) => r.authority_id === DEMO_AUTHORITY.county)).toBe(true);

    // A day later the boundary contract is still in; the window moves with the clock.
    at.set(new Date("2026-11-23T10:00:00Z"));
    expect((await pipeline(as(null, at), DEMO_AUTHORITY.county)).rows.map((r) => r.id)).toContain(id);
    // The day before, 2028-05-22 was one day beyond the window.
    at.set(new Date("2026-11-21T10:00:00Z"));
    expect((await pipeline(as(null, at), DEMO_AUTHORITY.county)).rows.map((r) => r.id)).not.toContain(id);
    // After the contract has ended it leaves the pipeline.
    at.set(new Date("2027-04-01T10:00:00Z"));
    expect((await pipeline(as(null, at), DEMO_AUTHORITY.county)).rows.map((r) => r.id)).not.toContain(
      DEMO_SERVICE.countyHomeCare,
    );

    const national = await pipeline(as(null, clock));
    expect(new Set(national.rows.map((r) => r.authority_id)).size).toBeGreaterThan(2);
  });

  it("counts today in Europe/London", async () => {
    // 23:30 UTC on 31 May 2026 is already 1 June in London (BST).
    const late = settableClock(new Date("2026-05-31T23:30:00Z"));
    expect((await pipeline(as(null, late))).from).toBe("2026-06-01");
  });
});
