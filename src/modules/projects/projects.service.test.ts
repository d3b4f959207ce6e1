/**
 * Commissioning projects' rules on the real database (PGlite, or PostgreSQL with DATABASE_URL):
 * field and combination checks (dates in order, services on the lead's own register), who may draft
 * and publish, drafts hidden from the public, publishing issuing an immutable pipeline notice, and
 * the pipeline showing the published project as the service's planned procurement.
 */

import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../../../tests/support/auth.ts";
import { ctxFor, principalOf } from "../../../tests/support/principals.ts";
import { refused } from "../../../tests/support/refused.ts";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/test-db.ts";
import { settableClock } from "../../lib/clock.ts";
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  NotSignedInError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import { DEMO_AREA } from "../../seed/demo/areas.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_PROJECT } from "../../seed/demo/projects.ts";
import { DEMO_SERVICE } from "../../seed/demo/services.ts";
import type { Principal } from "../access/access.service.ts";
import { auditTrailFor } from "../audit/audit.service.ts";
import { pipeline } from "../services/services.service.ts";
import {
  createProject,
  DEFAULT_OCID_PREFIX,
  markProcurementStarted,
  procurementWindow,
  projectOf,
  projectsOf,
  publishProject,
  updateProject,
  useOcidPrefix,
} from "./projects.service.ts";

const clock = settableClock(new Date("2026-11-22T10:00:00Z"));
let t: TestDatabase;
let commissioner: Principal;
let districtAdmin: Principal;

const draft = {
  title: "Day opportunities",
  description: "Day opportunities for adults with learning disabilities.",
  need: "People want more choice of what to do in the day.",
  categoryCode: "adult-social-care",
  areaCode: DEMO_AREA.westshire,
  estimatedValue: "£2,500,000.50",
  marketEngagementDate: "2027-01-10",
  tenderDate: "2027-03-01",
  awardDate: "2027-05-01",
  startDate: "2027-07-01",
  serviceIds: [DEMO_SERVICE.countyCommunityHealth],
  participantIds: [DEMO_AUTHORITY.district],
};

const as = (p: Principal | null) => ctxFor(t.db, clock, p);
const create = async (p: Principal | null, authorityId: string, d: Record<string, unknown>) =>
  (await createProject(as(p), authorityId, d)).id;

beforeAll(async () => {
  t = await createTestDatabase({ seededAt: clock.now() });
  commissioner = await principalOf(
    t.db,
    (await createUser(t.db, { grants: [{ role: "commissioner", scopeId: DEMO_AUTHORITY.county }] })).id,
    { twoFactor: false },
  );
  districtAdmin = await principalOf(
    t.db,
    (await createUser(t.db, { grants: [{ role: "authority-admin", scopeId: DEMO_AUTHORITY.district }] })).id,
    { twoFactor: false },
  );
}, 120_000);

afterAll(async () => {
  await t.destroy();
});

describe("commissioning projects", () => {
  it("drafts a joint project in pence, audited on the lead's chain, hidden from the public", async () => {
    const id = await create(commissioner, DEMO_AUTHORITY.county, draft);
    const project = await projectOf(as(commissioner), DEMO_AUTHORITY.county, id);
    expect(project.estimated_value_pence).toBe(250000050n);
    expect(project.ocid).toBe(`ocds-openps-${id}`);
    // A deployment's registered prefix: projects drafted from then on carry it.
    useOcidPrefix("ocds-213czf");
    try {
      const later = await create(commissioner, DEMO_AUTHORITY.county, draft);
      expect((await projectOf(as(commissioner), DEMO_AUTHORITY.county, later)).ocid).toBe(
        `ocds-213czf-${later}`,
      );
    } finally {
      useOcidPrefix(DEFAULT_OCID_PREFIX);
    }
    expect(project.participants.map((p) => p.id)).toEqual([DEMO_AUTHORITY.district]);
    expect(project.services.map((s) => s.id)).toEqual([DEMO_SERVICE.countyCommunityHealth]);
    expect((await refused(projectOf(as(null), DEMO_AUTHORITY.county, id))).constructor).toBe(NotFoundError);
    expect((await projectsOf(as(null), DEMO_AUTHORITY.county)).map((p) => p.id)).not.toContain(id);
    const trail = await auditTrailFor(t.db, DEMO_AUTHORITY.county, "project", id);
    expect(trail.map((e) => e.action)).toEqual(["project.drafted"]);
  });

  it("names every field at fault (400)", async () => {
    const error = await refused(
      create(commissioner, DEMO_AUTHORITY.county, {
        ...draft,
        title: "",
        areaCode: "X99",
        estimatedValue: "£1,23",
        tenderDate: "2027-02-30",
        serviceIds: [],
      }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.details.map((d) => d.field)).toEqual([
      "title",
      "areaCode",
      "estimatedValue",
      "tenderDate",
      "serviceIds",
    ]);
  });

  it("refuses dates out of order, another register's service and the lead as participant (422)", async () => {
    const dates = await refused(
      create(commissioner, DEMO_AUTHORITY.county, {
        ...draft,
        awardDate: "2027-02-01",
        startDate: "2027-01-01",
      }),
    );
    expect(dates).toBeInstanceOf(UnprocessableError);
    expect(dates.details.map((d) => d.field)).toEqual(["awardDate", "startDate"]);
    const other = await refused(
      create(commissioner, DEMO_AUTHORITY.county, {
        ...draft,
        serviceIds: ["019a0000-0000-7000-8000-00000000d005"], // Millbrook's waste collection.
        participantIds: [DEMO_AUTHORITY.county],
      }),
    );
    expect(other).toBeInstanceOf(UnprocessableError);
    expect(other.details.map((d) => d.field)).toEqual(["serviceIds", "participantIds"]);
  });

  it("lets only the lead's editors draft and publish (a draft is not found by others; a published one refused)", async () => {
    expect(await refused(create(null, DEMO_AUTHORITY.county, draft))).toBeInstanceOf(NotSignedInError);
    expect(await refused(create(districtAdmin, DEMO_AUTHORITY.county, draft))).toBeInstanceOf(ForbiddenError);
    const publish = (p: Principal | null, id: string) => publishProject(as(p), DEMO_AUTHORITY.county, id);
    expect(await refused(publish(districtAdmin, DEMO_PROJECT.countyParksDraft))).toBeInstanceOf(
      NotFoundError,
    );
    expect(await refused(publish(districtAdmin, DEMO_PROJECT.countyHomeCare))).toBeInstanceOf(ForbiddenError);
  });

  it("publishes once, issuing an immutable pipeline notice; a published project cannot change (409)", async () => {
    const id = await create(commissioner, DEMO_AUTHORITY.county, draft);
    await updateProject(as(commissioner), DEMO_AUTHORITY.county, id, { estimatedValue: "£3,000,000" });
    clock.set(new Date("2026-11-23T09:30:00Z"));
    await publishProject(as(commissioner), DEMO_AUTHORITY.county, id);
    const project = await projectOf(as(null), DEMO_AUTHORITY.county, id);
    expect(project.status).toBe("published");
    expect(project.notice?.published_at.toISOString()).toBe("2026-11-23T09:30:00.000Z");
    expect(project.notice?.content).toMatchObject({
      ocid: project.ocid,
      tag: ["planning"],
      estimatedValuePence: "300000000",
      participants: [{ id: DEMO_AUTHORITY.district }],
    });
    const again = await refused(publishProject(as(commissioner), DEMO_AUTHORITY.county, id));
    expect(again).toBeInstanceOf(ConflictError);
    const change = await refused(
      updateProject(as(commissioner), DEMO_AUTHORITY.county, id, { title: "Changed" }),
    );
    expect(change).toBeInstanceOf(ConflictError);
    await expect(sql`update project_notices set published_at = now()`.execute(t.db)).rejects.toThrow(
      /cannot be changed/,
    );
    const trail = await auditTrailFor(t.db, DEMO_AUTHORITY.county, "project", id);
    expect(trail.map((e) => e.action)).toEqual(["project.drafted", "project.updated", "project.published"]);
    clock.set(new Date("2026-11-22T10:00:00Z"));
  });

  it("shows a service's published project as its planned procurement in the pipeline", async () => {
    const result = await pipeline(as(null), DEMO_AUTHORITY.county);
    const homeCare = result.rows.find((r) => r.id === DEMO_SERVICE.countyHomeCare);
    expect(homeCare?.planned_project_id).toBe(DEMO_PROJECT.countyHomeCare);
    expect(homeCare?.planned_project_title).toBe("Home care for older people 2027");
  });
});

describe("the procurement window and its start", () => {
  const started = (p: Principal | null, projectId: string, on: string) =>
    markProcurementStarted(as(p), DEMO_AUTHORITY.county, projectId, on);

  it("has no window for a project not created by a Right to Challenge", async () => {
    const project = await projectOf(as(commissioner), DEMO_AUTHORITY.county, DEMO_PROJECT.countyHomeCare);
    expect(procurementWindow(project, clock)).toBeNull();
  });

  it("records the start for the lead's editors only: a real date, not in the future, once, audited", async () => {
    const id = await create(commissioner, DEMO_AUTHORITY.county, { ...draft, participantIds: [] });
    expect(await refused(started(null, id, "2026-11-20"))).toBeInstanceOf(NotSignedInError);
    // A draft is not another authority's to see.
    expect(await refused(started(districtAdmin, id, "2026-11-20"))).toBeInstanceOf(NotFoundError);
    expect(
      await refused(started(commissioner, "019a0000-0000-7000-8000-0000000fffff", "2026-11-20")),
    ).toBeInstanceOf(NotFoundError);
    expect(await refused(started(commissioner, id, "2026-02-30"))).toBeInstanceOf(ValidationError);
    expect(await refused(started(commissioner, id, "2026-11-23"))).toBeInstanceOf(UnprocessableError);
    await started(commissioner, id, "2026-11-20");
    expect((await projectOf(as(commissioner), DEMO_AUTHORITY.county, id)).procurement_started_on).toBe(
      "2026-11-20",
    );
    expect(await refused(started(commissioner, id, "2026-11-21"))).toBeInstanceOf(ConflictError);
    expect(await refused(started(districtAdmin, id, "2026-11-21"))).toBeInstanceOf(NotFoundError);
    const trail = await auditTrailFor(t.db, DEMO_AUTHORITY.county, "project", id);
    expect(trail.map((e) => e.action)).toEqual(["project.drafted", "project.procurement-started"]);
  });
});
