/**
 * The directory's rules on the real database (PGlite, or PostgreSQL with DATABASE_URL): registering,
 * changing, identifiers, relationships, mutual evidence, and the search with its filter counts.
 * Every refused change stores nothing.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../../../tests/support/auth.ts";
import { ctxFor, principalOf } from "../../../tests/support/principals.ts";
import { refused as errorOf } from "../../../tests/support/refused.ts";
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
import { DEMO_AREAS_CSV } from "../../seed/demo/areas.ts";
import type { Principal } from "../access/access.service.ts";
import { type Ctx, systemCtx } from "../access/context.ts";
import { auditTrailFor, PLATFORM_CHAIN, SYSTEM } from "../audit/audit.service.ts";
import { loadAreas, loadServiceCategories } from "../vocabularies/vocabularies.service.ts";
import { submitMutualEvidence } from "./mutual-evidence.service.ts";
import {
  countOrganisationsByEffectiveSector,
  mutualSummary,
  organisationProfile,
  searchDirectory,
} from "./organisations.service.ts";
import {
  IdentifierTakenError,
  type OrganisationDetails,
  recordOrganisation,
  registerOrganisation,
  setIdentifiers,
  updateOrganisation,
} from "./registration.service.ts";
import { addRelationship, removeRelationship } from "./relationships.service.ts";

const clock = settableClock(new Date("2026-11-22T10:00:00Z"));
let t: TestDatabase;
let ann: Principal;
let ben: Principal;
let admin: Principal;

/** Someone signed in, or calling with an API token with these scopes. */
async function principal(userId: string, token?: readonly string[]): Promise<Principal> {
  const p = await principalOf(t.db, userId, { twoFactor: false });
  return token ? { ...p, via: "token", tokenScopes: token } : p;
}

/** The principal again, with the roles granted since. */
const refresh = (p: Principal) => principal(p.userId);

/** A service's context: `p` asking (null: the public). */
const as = (p: Principal | null, db = t.db): Ctx => ctxFor(db, clock, p);

const VALID: OrganisationDetails = {
  name: "Brookside Care Co-operative",
  sector: "co-operative",
  sizeBand: "small",
  staffHeadcount: 32,
  addressLine1: "4 Mill Lane",
  town: "Millbrook",
  postcode: "mb1 2ab",
  description: "Care at home run by its care workers.",
  website: "https://brookside.example.org.uk",
  areas: ["E07000901"],
  categories: ["domiciliary-care"],
  identifiers: [{ scheme: "GB-MPR", identifier: "40001R" }],
};

async function organisationCount(): Promise<number> {
  const row = await t.db
    .selectFrom("organisations")
    .select((eb) => eb.fn.countAll<bigint>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

beforeAll(async () => {
  t = await createTestDatabase();
  await loadServiceCategories(t.db, clock, SYSTEM("test"));
  await loadAreas(t.db, clock, SYSTEM("test"), readFileSync(DEMO_AREAS_CSV, "utf8"));
  const users = await Promise.all([
    createUser(t.db, { clock }),
    createUser(t.db, { clock }),
    createUser(t.db, { clock, grants: [{ role: "platform-admin" }] }),
  ]);
  const [a, b, c] = users;
  if (!a || !b || !c) throw new Error("Three users were made");
  [ann, ben, admin] = [await principal(a.id), await principal(b.id), await principal(c.id)];
});

afterAll(async () => {
  await t?.destroy();
});

describe("registering an organisation", () => {
  it("records it, normalised, and makes the registrant its administrator, audited", async () => {
    const organisation = await registerOrganisation(as(ann), VALID);
    expect(organisation).toMatchObject({
      name: "Brookside Care Co-operative",
      sector: "co-operative",
      postcode: "MB1 2AB",
      primary_identifier: "GB-MPR-40001R",
      registered_by: ann.userId,
    });
    ann = await refresh(ann);
    expect(ann.grants).toContainEqual({
      role: "organisation-admin",
      scopeType: "organisation",
      scopeId: organisation.id,
    });
    const profile = await organisationProfile(as(null), organisation.id);
    expect(profile.areas.map((a) => a.name)).toEqual(["Millbrook"]);
    expect(profile.categories.map((c) => c.cpv_code)).toEqual(["85312000-9"]);
    expect(profile.identifiers).toEqual([
      expect.objectContaining({
        orgId: "GB-MPR-40001R",
        primary: true,
        schemeName: "Mutuals Public Register (FCA)",
      }),
    ]);
    const trail = await auditTrailFor(t.db, PLATFORM_CHAIN, "organisation", organisation.id);
    expect(trail.map((e) => e.action)).toEqual(["organisation.registered", "role.granted"]);
    expect(trail[0]?.actor_id).toBe(ann.userId);
  });

  it("needs someone signed in, and an API token with the organisations:write scope", async () => {
    const before = await organisationCount();
    expect(await errorOf(registerOrganisation(as(null), { ...VALID, identifiers: [] }))).toBeInstanceOf(
      NotSignedInError,
    );
    const readOnly = await principal(ben.userId, ["organisations:read"]);
    const refused = await errorOf(registerOrganisation(as(readOnly), { ...VALID, identifiers: [] }));
    expect(refused).toBeInstanceOf(ForbiddenError);
    expect(refused.message).toContain("organisations:write");
    expect(await organisationCount()).toBe(before);
    const writer = await principal(ben.userId, ["organisations:write"]);
    const made = await registerOrganisation(as(writer), {
      ...VALID,
      name: "Token Made Ltd",
      identifiers: [],
    });
    expect(made.registered_by).toBe(ben.userId);
  });

  it("names every bad field at once, and stores nothing", async () => {
    const before = await organisationCount();
    const error = await errorOf(
      registerOrganisation(as(ann), {
        name: "  ",
        sector: "pirate-ship",
        sizeBand: "huge",
        staffHeadcount: 1.5,
        addressLine1: "x".repeat(201),
        town: "y".repeat(101),
        postcode: "NOT A POSTCODE",
        description: "z".repeat(5001),
        website: "javascript:alert(1)",
        areas: ["E99999999"],
        categories: ["space-travel"],
        identifiers: [
          { scheme: "GB-COH", identifier: "123456789" },
          { scheme: "GB-XX", identifier: "1" },
        ],
      }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.details.map((d) => d.field)).toEqual([
      "name",
      "sector",
      "sizeBand",
      "staffHeadcount",
      "addressLine1",
      "town",
      "postcode",
      "description",
      "website",
      "identifiers.0.identifier",
      "identifiers.1.scheme",
      "areas",
      "categories",
    ]);
    expect(error.details.find((d) => d.field === "identifiers.0.identifier")?.message).toContain(
      "Companies House identifier (GB-COH) in the right format: 8 characters",
    );
    expect(error.details.find((d) => d.field === "areas")?.message).toContain("E99999999");
    expect(await organisationCount()).toBe(before);
  });

  it("refuses two primary identifiers and the same identifier twice", async () => {
    const twice = await errorOf(
      registerOrganisation(as(ann), {
        ...VALID,
        identifiers: [
          { scheme: "GB-CHC", identifier: "1111111" },
          { scheme: "gb-chc", identifier: " 1111111 " },
        ],
      }),
    );
    expect(twice.details).toEqual([
      { field: "identifiers.1.identifier", message: "GB-CHC-1111111 is given twice" },
    ]);
    const primaries = await errorOf(
      registerOrganisation(as(ann), {
        ...VALID,
        identifiers: [
          { scheme: "GB-CHC", identifier: "1111111", primary: true },
          { scheme: "GB-COH", identifier: "01111111", primary: true },
        ],
      }),
    );
    expect(primaries.details).toEqual([
      { field: "identifiers", message: "Choose one primary identifier, not several" },
    ]);
  });

  it("refuses an identifier another organisation holds (409), naming only that organisation", async () => {
    const before = await organisationCount();
    const error = await errorOf(
      registerOrganisation(as(ben), {
        ...VALID,
        name: "Copycat Ltd",
        identifiers: [
          { scheme: "GB-CHC", identifier: "1222222" },
          { scheme: "GB-MPR", identifier: "40001r" },
        ],
      }),
    );
    expect(error).toBeInstanceOf(IdentifierTakenError);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toContain("GB-MPR-40001R (Brookside Care Co-operative)");
    expect(error.message).not.toContain(ann.userId);
    expect(error.details).toEqual([
      {
        field: "identifiers.1.identifier",
        message: "GB-MPR-40001R is already the identifier of Brookside Care Co-operative",
      },
    ]);
    expect(await organisationCount()).toBe(before);
  });

  it("accepts a seed's primary identifier in org-id form", async () => {
    const made = await recordOrganisation(systemCtx(t.db, clock, "test"), {
      name: "Legacy Charity",
      sector: "charity",
      sizeBand: "micro",
      primaryIdentifier: "GB-NIC-NIC104444",
    });
    expect(made.primary_identifier).toBe("GB-NIC-104444");
    const bad = await errorOf(
      recordOrganisation(systemCtx(t.db, clock, "test"), {
        name: "Legacy 2",
        sector: "charity",
        sizeBand: "micro",
        primaryIdentifier: "GB-WHAT-1",
      }),
    );
    expect(bad.details).toEqual([
      { field: "primaryIdentifier", message: "Enter the identifier in org-id form, like GB-COH-01234567" },
    ]);
  });
});

describe("changing an organisation", () => {
  let orgId: string;
  beforeAll(async () => {
    orgId = (
      await registerOrganisation(as(ann), {
        ...VALID,
        name: "Changeable Trust",
        sector: "charity",
        identifiers: [{ scheme: "GB-CHC", identifier: "1333333" }],
      })
    ).id;
    ann = await refresh(ann);
  });

  it("lets its administrator change the fields given, auditing only what changed", async () => {
    clock.advance(60_000);
    const updated = await updateOrganisation(as(ann), orgId, {
      name: "Changeable Trust",
      staffHeadcount: 40,
      town: "Kelderby",
      areas: ["E07000903", "E10000901"],
    });
    expect(updated).toMatchObject({ staff_headcount: 40, town: "Kelderby", sector: "charity" });
    const trail = await auditTrailFor(t.db, PLATFORM_CHAIN, "organisation", orgId);
    expect(trail.at(-1)?.action).toBe("organisation.updated");
    expect(trail.at(-1)?.changes).toEqual({
      staffHeadcount: 40,
      town: "Kelderby",
      areas: ["E07000903", "E10000901"],
    });
  });

  it("refuses someone acting for another organisation (403) and the public (401), changing nothing", async () => {
    expect(await errorOf(updateOrganisation(as(ben), orgId, { name: "Taken over" }))).toBeInstanceOf(
      ForbiddenError,
    );
    expect(await errorOf(updateOrganisation(as(null), orgId, { name: "Taken over" }))).toBeInstanceOf(
      NotSignedInError,
    );
    expect((await organisationProfile(as(null), orgId)).organisation.name).toBe("Changeable Trust");
  });

  it("lets a platform administrator change it, and says 404 for an unknown organisation", async () => {
    await updateOrganisation(as(admin), orgId, { description: "Checked by the platform." });
    expect((await organisationProfile(as(null), orgId)).organisation.description).toBe(
      "Checked by the platform.",
    );
    expect(
      await errorOf(updateOrganisation(as(admin), "019a0000-0000-7000-8000-00000000ffff", { name: "X" })),
    ).toBeInstanceOf(NotFoundError);
    expect(await errorOf(updateOrganisation(as(admin), "not-a-uuid", { name: "X" }))).toBeInstanceOf(
      NotFoundError,
    );
  });

  it("stores nothing when one field is bad", async () => {
    const error = await errorOf(
      updateOrganisation(as(ann), orgId, {
        name: "Renamed",
        postcode: "12345",
        categories: ["libraries"],
      }),
    );
    expect(error.details).toEqual([{ field: "postcode", message: "Enter a real postcode, like WS1 2AB" }]);
    const profile = await organisationProfile(as(null), orgId);
    expect(profile.organisation.name).toBe("Changeable Trust");
    expect(profile.categories.map((c) => c.code)).toEqual(["domiciliary-care"]);
  });

  it("replaces the identifiers, keeping the primary in org-id form on the organisation", async () => {
    const updated = await setIdentifiers(as(ann), orgId, [
      { scheme: "GB-COH", identifier: "05555555" },
      { scheme: "GB-CHC", identifier: "1333333", primary: true },
    ]);
    expect(updated.primary_identifier).toBe("GB-CHC-1333333");
    const profile = await organisationProfile(as(null), orgId);
    expect(profile.identifiers.map((i) => [i.orgId, i.primary])).toEqual([
      ["GB-CHC-1333333", true],
      ["GB-COH-05555555", false],
    ]);
    const cleared = await setIdentifiers(as(ann), orgId, []);
    expect(cleared.primary_identifier).toBeNull();
  });
});

describe("relationships", () => {
  let group: string;
  let member: string;
  let other: string;
  beforeAll(async () => {
    const base = { sector: "charity", sizeBand: "medium", identifiers: [] } as const;
    group = (await registerOrganisation(as(ben), { ...base, name: "Riverside Housing Group" })).id;
    member = (await registerOrganisation(as(ann), { ...base, name: "Riverside Homes" })).id;
    other = (await registerOrganisation(as(ann), { ...base, name: "Unrelated Charity" })).id;
    ann = await refresh(ann);
    ben = await refresh(ben);
  });

  it("are recorded by the 'from' organisation's admin and shown on both profiles", async () => {
    const id = await addRelationship(as(ann), { from: member, to: group, kind: "group-member" });
    expect((await organisationProfile(as(null), member)).relationships).toEqual([
      { id, kind: "group-member", side: "from", other: { id: group, name: "Riverside Housing Group" } },
    ]);
    expect((await organisationProfile(as(null), group)).relationships).toEqual([
      { id, kind: "group-member", side: "to", other: { id: member, name: "Riverside Homes" } },
    ]);
    const trail = await auditTrailFor(t.db, PLATFORM_CHAIN, "organisation", member);
    expect(trail.at(-1)).toMatchObject({
      action: "organisation.relationship-added",
      changes: { kind: "group-member", to: group },
    });
  });

  it("refuses the other organisation's admin (403), duplicates (409), itself and the reverse (422)", async () => {
    expect(
      await errorOf(addRelationship(as(ben), { from: member, to: other, kind: "joint-venture" })),
    ).toBeInstanceOf(ForbiddenError);
    expect(
      await errorOf(addRelationship(as(ann), { from: member, to: group, kind: "group-member" })),
    ).toBeInstanceOf(ConflictError);
    expect(
      await errorOf(addRelationship(as(ann), { from: member, to: member, kind: "subsidiary" })),
    ).toBeInstanceOf(UnprocessableError);
    expect(
      await errorOf(addRelationship(as(ben), { from: group, to: member, kind: "group-member" })),
    ).toBeInstanceOf(UnprocessableError);
    const bad = await errorOf(addRelationship(as(ann), { from: member, to: "nobody", kind: "cousin" }));
    expect(bad.details.map((d) => d.field)).toEqual(["kind", "to"]);
    expect((await organisationProfile(as(null), member)).relationships).toHaveLength(1);
  });

  it("are removed only by the 'from' organisation's admin", async () => {
    const id = await addRelationship(as(ann), { from: other, to: group, kind: "joint-venture" });
    expect(await errorOf(removeRelationship(as(ben), group, id))).toBeInstanceOf(NotFoundError);
    expect(await errorOf(removeRelationship(as(ben), other, id))).toBeInstanceOf(ForbiddenError);
    await removeRelationship(as(ann), other, id);
    expect((await organisationProfile(as(null), other)).relationships).toEqual([]);
  });
});

describe("public service mutuals", () => {
  let mutual: string;
  const evidence = {
    publicServicePurpose: "Community nursing and therapy for the NHS",
    lightTouchShareBp: 9500,
    profitModel: "not-for-profit",
    employeeOwnershipBp: 10000,
    employeeBoardSeats: 4,
    boardSeats: 7,
    parentBodyName: "Riverside Primary Care Trust",
    spinOutDate: "2012-04-01",
  };

  beforeAll(async () => {
    mutual = (
      await registerOrganisation(as(ann), {
        name: "Riverside Community Health",
        sector: "public-service-mutual",
        sizeBand: "large",
        staffHeadcount: 700,
        identifiers: [],
      })
    ).id;
    ann = await refresh(ann);
  });

  it("is not shown or counted as a mutual until the evidence qualifies", async () => {
    expect((await organisationProfile(as(null), mutual)).sector).toBe("unconfirmed");
    const counts = await countOrganisationsByEffectiveSector(as(null));
    expect(counts.find((c) => c.sector === "public-service-mutual")).toBeUndefined();
    expect(await mutualSummary(as(null))).toEqual({ organisations: 0, staff: 0 });
    const search = await searchDirectory(as(null), { sectors: ["public-service-mutual"] });
    expect(search.total.count).toBe(0);
  });

  it("is shown and counted, with its staff, once the admin records qualifying evidence", async () => {
    expect(await errorOf(submitMutualEvidence(as(ben), mutual, evidence))).toBeInstanceOf(ForbiddenError);
    const assessment = await submitMutualEvidence(as(ann), mutual, evidence);
    expect(assessment).toEqual({ qualifies: true, unmet: [] });
    const profile = await organisationProfile(as(null), mutual);
    expect(profile.sector).toBe("public-service-mutual");
    expect(profile.evidence).toMatchObject({
      qualifies: true,
      parent: { kind: "named", id: null, name: "Riverside Primary Care Trust" },
      spinOutDate: "2012-04-01",
    });
    expect(await mutualSummary(as(null))).toEqual({ organisations: 1, staff: 700 });
    expect(
      (await searchDirectory(as(null), { sectors: ["public-service-mutual"] })).results.map((r) => r.name),
    ).toEqual(["Riverside Community Health"]);
    const trail = await auditTrailFor(t.db, PLATFORM_CHAIN, "organisation", mutual);
    expect(trail.at(-1)).toMatchObject({
      action: "organisation.mutual-evidence-recorded",
      changes: { qualifies: true },
    });
  });

  it("stops counting when new evidence fails the test", async () => {
    await submitMutualEvidence(as(ann), mutual, {
      ...evidence,
      employeeOwnershipBp: 2000,
      employeeBoardSeats: 3,
    });
    expect((await organisationProfile(as(null), mutual)).evidence).toMatchObject({
      qualifies: false,
      unmet: ["employee-control"],
    });
    expect(await mutualSummary(as(null))).toEqual({ organisations: 0, staff: 0 });
  });

  it("names every bad evidence field, storing nothing", async () => {
    const error = await errorOf(
      submitMutualEvidence(as(ann), mutual, {
        publicServicePurpose: "",
        lightTouchShareBp: 10001,
        profitModel: "dividends",
        employeeOwnershipBp: -1,
        employeeBoardSeats: 9,
        boardSeats: 7,
        parentAuthorityId: "019a0000-0000-7000-8000-00000000aaaa",
        spinOutDate: "2031-02-30",
      }),
    );
    expect(error.details.map((d) => d.field)).toEqual([
      "publicServicePurpose",
      "lightTouchShareBp",
      "profitModel",
      "employeeOwnershipBp",
      "employeeBoardSeats",
      "spinOutDate",
      "parentAuthorityId",
    ]);
    expect((await organisationProfile(as(null), mutual)).evidence?.employeeOwnershipBp).toBe(2000);
  });

  it("refuses a spin-out date in the future (Europe/London)", async () => {
    const error = await errorOf(
      submitMutualEvidence(as(ann), mutual, { ...evidence, spinOutDate: "2026-11-23" }),
    );
    expect(error.details).toEqual([
      { field: "spinOutDate", message: "The spin-out date must be today or in the past" },
    ]);
  });
});

describe("searching the directory", () => {
  let s: TestDatabase;
  const seed = SYSTEM("test");
  beforeAll(async () => {
    s = await createTestDatabase();
    await loadServiceCategories(s.db, clock, seed);
    await loadAreas(s.db, clock, seed, readFileSync(DEMO_AREAS_CSV, "utf8"));
    const make = (
      name: string,
      sector: string,
      sizeBand: string,
      description: string,
      areas: string[],
      categories: string[],
    ) =>
      recordOrganisation(systemCtx(s.db, clock, "test"), {
        name,
        sector,
        sizeBand,
        description,
        areas,
        categories,
      });
    await make(
      "Millbrook Care",
      "sme",
      "small",
      "Domiciliary care at home.",
      ["E07000901"],
      ["domiciliary-care"],
    );
    await make(
      "Greenfield Nursing Homes",
      "large-company",
      "large",
      "Residential care and nursing.",
      ["E10000901"],
      ["residential-care"],
    );
    await make(
      "Westshire Carers Centre",
      "charity",
      "small",
      "Breaks for carers, and care advice.",
      ["E10000901", "E07000901"],
      ["carers-support", "advice-services"],
    );
    await make(
      "Kelderby Leisure",
      "charity",
      "medium",
      "Swimming pools and gyms.",
      ["E07000903"],
      ["leisure"],
    );
    await make(
      "Millstone Advice",
      "voluntary-community",
      "micro",
      "Benefits advice.",
      ["E07000901"],
      ["advice-services"],
    );
    for (let i = 1; i <= 25; i++) {
      await make(`Paging Test ${String(i).padStart(2, "0")}`, "sme", "micro", "", [], []);
    }
  });
  afterAll(async () => {
    await s?.destroy();
  });

  it("finds the stemmed words in names and descriptions, in name order", async () => {
    const result = await searchDirectory(as(null, s.db), { q: "care" });
    expect(result.results.map((r) => r.name)).toEqual([
      "Greenfield Nursing Homes",
      "Millbrook Care",
      "Westshire Carers Centre",
    ]);
    expect(result.total).toEqual({ count: 3, atLeast: false });
    expect((await searchDirectory(as(null, s.db), { q: "nurse" })).results.map((r) => r.name)).toEqual([
      "Greenfield Nursing Homes",
    ]);
  });

  it("understands web search syntax: quotes and minus", async () => {
    expect(
      (await searchDirectory(as(null, s.db), { q: "care -nursing" })).results.map((r) => r.name),
    ).toEqual(["Millbrook Care", "Westshire Carers Centre"]);
    expect(
      (await searchDirectory(as(null, s.db), { q: '"care advice"' })).results.map((r) => r.name),
    ).toEqual(["Westshire Carers Centre"]);
  });

  it("matches the start of a name or of a word in it", async () => {
    expect((await searchDirectory(as(null, s.db), { q: "Mill" })).results.map((r) => r.name)).toEqual([
      "Millbrook Care",
      "Millstone Advice",
    ]);
    expect((await searchDirectory(as(null, s.db), { q: "leis" })).results.map((r) => r.name)).toEqual([
      "Kelderby Leisure",
    ]);
    expect((await searchDirectory(as(null, s.db), { q: "100%_" })).total.count).toBe(0);
  });

  it("filters: any of the values within a filter, all of the filters together", async () => {
    const result = await searchDirectory(as(null, s.db), {
      sectors: ["charity", "sme"],
      areas: ["E07000901"],
    });
    expect(result.results.map((r) => r.name)).toEqual(["Millbrook Care", "Westshire Carers Centre"]);
    const both = await searchDirectory(as(null, s.db), {
      categories: ["advice-services"],
      sizeBands: ["micro"],
    });
    expect(both.results.map((r) => r.name)).toEqual(["Millstone Advice"]);
  });

  it("counts each filter's values under the other filters and the search", async () => {
    const result = await searchDirectory(as(null, s.db), { q: "care", sectors: ["charity"] });
    expect(result.total).toEqual({ count: 1, atLeast: false });
    const counts = (facet: keyof typeof result.facets) =>
      Object.fromEntries((result.facets[facet] ?? []).map((row) => [row.value, row.count]));
    // The sector counts ignore the sector filter, so the other sectors stay choosable.
    expect(counts("sector")).toEqual({ sme: 1, "large-company": 1, charity: 1 });
    expect(counts("sizeBand")).toEqual({ small: 1 });
    expect(counts("area")).toEqual({ E10000901: 1, E07000901: 1 });
    expect(counts("category")).toEqual({ "carers-support": 1, "advice-services": 1 });
  });

  it("pages the results by key, 20 to a page, forwards and back", async () => {
    const first = await searchDirectory(as(null, s.db), { q: "paging" });
    expect([first.total, first.results.length, first.previous]).toEqual([
      { count: 25, atLeast: false },
      20,
      undefined,
    ]);
    const second = await searchDirectory(as(null, s.db), { q: "paging", after: first.next });
    expect(second.results.map((r) => r.name)).toEqual([
      "Paging Test 21",
      "Paging Test 22",
      "Paging Test 23",
      "Paging Test 24",
      "Paging Test 25",
    ]);
    expect(second.next).toBeUndefined();
    const back = await searchDirectory(as(null, s.db), { q: "paging", before: second.previous });
    expect(back.results.map((r) => r.id)).toEqual(first.results.map((r) => r.id));
    expect([back.previous, back.next]).toEqual([undefined, first.next]);
  });

  it("refuses a page link that is not complete, saying what to do", async () => {
    for (const after of ["nonsense", Buffer.from('["a"]').toString("base64url")]) {
      await expect(searchDirectory(as(null, s.db), { q: "paging", after })).rejects.toMatchObject({
        code: "validation_failed",
        details: [{ field: "after", message: expect.stringContaining("first page of results") }],
      });
    }
  });

  it("keeps a search's counts a minute, and counts again at once when an organisation joins", async () => {
    const first = await searchDirectory(as(null, s.db), { q: "kelderby" });
    expect(first.total).toEqual({ count: 1, atLeast: false });
    // A row the platform did not write (a restore, say): not counted until the minute is up.
    const now = clock.now();
    await s.db
      .insertInto("organisations")
      .values({
        id: "01950000-0000-7000-8000-00000000c0de",
        name: "Kelderby Swim",
        sector: "charity",
        size_band: "micro",
        staff_headcount: null,
        primary_identifier: null,
        postcode: null,
        description: "",
        website: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    clock.set(new Date(clock.now().getTime() + 30_000));
    const kept = await searchDirectory(as(null, s.db), { q: "kelderby" });
    expect(kept.total.count).toBe(1);
    expect(kept.countedAt).toEqual(first.countedAt);
    clock.set(new Date(clock.now().getTime() + 30_000));
    expect((await searchDirectory(as(null, s.db), { q: "kelderby" })).total.count).toBe(2);
    // An organisation joining through the platform: counted at once.
    await recordOrganisation(systemCtx(s.db, clock, "test"), {
      name: "Kelderby Gym",
      sector: "sme",
      sizeBand: "micro",
      description: "",
      areas: [],
      categories: [],
    });
    expect((await searchDirectory(as(null, s.db), { q: "kelderby" })).total.count).toBe(3);
  });

  it("counts up to 1,000 matches and says 'more than' beyond; facets are not counted then", async () => {
    const counted = await searchDirectory(as(null, s.db), { q: "paging", pageSize: 5 });
    expect(counted.facets.sector).toBeDefined();
    const { countOrganisations } = await import("./organisations.repository.ts");
    expect(await countOrganisations(s.db, { q: "paging" }, 10)).toEqual({ count: 10, atLeast: true });
    expect(await countOrganisations(s.db, { q: "paging" }, 25)).toEqual({ count: 25, atLeast: false });
  });
});
