/**
 * Finding opportunities on the real repositories (PGlite, or PostgreSQL with DATABASE_URL): each
 * filter (keywords, category, area, value in pence, London deadline dates, reserved, closed), the
 * order and paging, the refusals naming each field, and saved searches — only their owner's, at
 * most 25, audited without the search itself.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ctxFor } from "../../../tests/support/principals.ts";
import { refused } from "../../../tests/support/refused.ts";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/test-db.ts";
import { settableClock } from "../../lib/clock.ts";
import { ConflictError, ForbiddenError, NotFoundError, NotSignedInError } from "../../lib/errors.ts";
import type { Pence } from "../../lib/money.ts";
import { DEMO_AREA } from "../../seed/demo/areas.ts";
import { demoAuthoritiesSeed } from "../../seed/demo/authorities.ts";
import { demoOrganisationsSeed } from "../../seed/demo/organisations.ts";
import { runSeeds } from "../../seed/seed.ts";
import type { Principal } from "../access/access.service.ts";
import {
  ANY,
  type Criteria,
  type CriteriaDraft,
  checkCriteria,
  criteriaQuery,
  draftOfQuery,
  opportunityCounts,
  searchOpportunities,
} from "./opportunities.service.ts";
import { type FixtureName, insertFixtures, insertPerson, NOW } from "./opportunities.test-fixtures.ts";
import {
  changeSavedSearch,
  deleteSavedSearch,
  SAVED_SEARCH_LIMITS,
  type SavedSearchDraft,
  savedSearchesOf,
  savedSearchOf,
  saveSearch,
} from "./saved-searches.service.ts";

const clock = settableClock(NOW);
let t: TestDatabase;
let ids: Record<FixtureName, string>;
let names: Map<string, FixtureName>;

beforeAll(async () => {
  t = await createTestDatabase();
  await runSeeds(t.db, clock, [demoAuthoritiesSeed, demoOrganisationsSeed], { demo: true });
  ids = await insertFixtures(t.db, NOW);
  names = new Map(Object.entries(ids).map(([name, id]) => [id, name as FixtureName]));
}, 120_000);

afterAll(async () => {
  await t.destroy();
});

/** The context of someone asking (the public by default). */
const as = (principal: Principal | null = null) => ctxFor(t.db, clock, principal);

async function criteria(draft: CriteriaDraft): Promise<Criteria> {
  return checkCriteria(as(), draft);
}

/** The fixtures a search finds, by name, in order. */
async function found(draft: CriteriaDraft, options: { page?: number; pageSize?: number } = {}) {
  const result = await searchOpportunities(as(), await criteria(draft), options);
  return result.opportunities.map((o) => names.get(o.id) ?? o.id);
}

function person(userId: string, via: "session" | "token" = "session", tokenScopes?: string[]): Principal {
  return { userId, displayName: "Test", grants: [], via, twoFactor: via === "session", tokenScopes };
}

describe(`finding opportunities on ${process.env.DATABASE_URL ? "PostgreSQL" : "PGlite"}`, () => {
  it("finds open tenders by default, soonest deadline first; never drafts or cancelled ones", async () => {
    expect(await found({})).toEqual(["homeCare", "youth", "carers"]);
    const result = await searchOpportunities(as(), ANY);
    expect(result.total).toBe(3);
    expect(result.opportunities.map((o) => o.state)).toEqual(["open", "open", "open"]);
  });

  it("includes closed and opened tenders when asked, after the open ones, latest deadline first", async () => {
    expect(await found({ includeClosed: "true" })).toEqual([
      "homeCare",
      "youth",
      "carers",
      "closed",
      "opened",
    ]);
    const result = await searchOpportunities(as(), await criteria({ includeClosed: true }));
    expect(result.opportunities.map((o) => o.state)).toEqual(["open", "open", "open", "closed", "opened"]);
  });

  it("pages across the open and the closed ones in the same order as one long list", async () => {
    const all = await found({ includeClosed: "true" });
    for (const pageSize of [1, 2, 3, 4]) {
      const pages: string[] = [];
      for (let page = 1; page <= Math.ceil(all.length / pageSize); page++)
        pages.push(...(await found({ includeClosed: "true" }, { page, pageSize })));
      expect(pages).toEqual(all);
    }
  });

  it("follows the clock: a tender whose deadline passes leaves the default search", async () => {
    clock.set(new Date("2027-01-15T12:00:00Z"));
    try {
      expect(await found({})).toEqual(["youth", "carers"]);
    } finally {
      clock.set(NOW);
    }
  });

  it("matches keywords in the title and description, by English word forms and as typed in the title", async () => {
    expect(await found({ keywords: "home care" })).toEqual(["homeCare"]);
    expect(await found({ keywords: "HOME   care", includeClosed: true })).toEqual(["homeCare", "opened"]);
    // "carer" finds "carers'" (stemmed); words in the description count.
    expect(await found({ keywords: "carer" })).toEqual(["carers"]);
    expect(await found({ keywords: "Kelderby" })).toEqual(["youth"]);
    // Part of a word in the title.
    expect(await found({ keywords: "reabl", includeClosed: true })).toEqual(["closed"]);
    // A phrase, and leaving a word out.
    expect(await found({ keywords: '"older people"' })).toEqual(["homeCare"]);
    expect(await found({ keywords: "care -older", includeClosed: true })).toEqual(["opened"]);
    expect(await found({ keywords: "youth or carers" })).toEqual(["youth", "carers"]);
    // Search syntax characters are just text, never an error.
    expect(await found({ keywords: "care & (home | ! :* '" })).toEqual(expect.any(Array));
  });

  it("filters by service category and area (any of those chosen)", async () => {
    expect(await found({ category: ["domiciliary-care"] })).toEqual(["homeCare"]);
    expect(await found({ category: ["domiciliary-care", "youth-services"] })).toEqual(["homeCare", "youth"]);
    expect(await found({ area: [DEMO_AREA.millbrook] })).toEqual(["carers"]);
    expect(await found({ area: [DEMO_AREA.millbrook, DEMO_AREA.kelderby] })).toEqual(["youth", "carers"]);
    expect(await found({ category: ["domiciliary-care"], area: [DEMO_AREA.millbrook] })).toEqual([]);
  });

  it("filters by estimated value in pounds, inclusive to the penny", async () => {
    expect(await found({ minValue: "250,000" })).toEqual(["homeCare", "carers"]);
    expect(await found({ minValue: "£250,000.01" })).toEqual(["homeCare"]);
    expect(await found({ maxValue: "99,999.99" })).toEqual(["youth"]);
    expect(await found({ maxValue: "99999.98" })).toEqual([]);
    expect(await found({ minValue: "£99,999.99", maxValue: "£250,000" })).toEqual(["youth", "carers"]);
    expect(await found({ minValue: "0" })).toEqual(["homeCare", "youth", "carers"]);
  });

  it("filters by deadline between UK dates, each a whole London day", async () => {
    // The carers' deadline is 23:30 UTC on 15 June 2027: 00:30 on 16 June in London.
    expect(await found({ deadlineTo: "2027-06-15" })).toEqual(["homeCare", "youth"]);
    expect(await found({ deadlineFrom: "2027-06-16" })).toEqual(["carers"]);
    expect(await found({ deadlineFrom: "2027-06-16", deadlineTo: "2027-06-16" })).toEqual(["carers"]);
    expect(await found({ deadlineFrom: "2027-01-15", deadlineTo: "2027-01-15" })).toEqual(["homeCare"]);
    expect(await found({ deadlineFrom: "2027-01-16", deadlineTo: "2027-01-31" })).toEqual([]);
    expect(await found({ deadlineTo: "2026-11-01", includeClosed: true })).toEqual(["closed", "opened"]);
  });

  it("shows only tenders reserved for public service mutuals when asked", async () => {
    expect(await found({ reserved: true })).toEqual(["carers"]);
    expect(await found({ reserved: "true", category: ["domiciliary-care"] })).toEqual([]);
  });

  it("pages the results, keeping the order; a page past the end shows the last", async () => {
    expect(await found({}, { pageSize: 2 })).toEqual(["homeCare", "youth"]);
    expect(await found({}, { pageSize: 2, page: 2 })).toEqual(["carers"]);
    const last = await searchOpportunities(as(), ANY, { pageSize: 2, page: 99 });
    expect(last).toMatchObject({ page: 2, pageCount: 2, total: 3, pageSize: 2 });
  });

  it("counts each category and area with the other filters kept", async () => {
    const counts = await opportunityCounts(as(), await criteria({ category: ["youth-services"] }));
    expect(Object.fromEntries(counts.category ?? [])).toEqual({
      "domiciliary-care": 1,
      "carers-support": 1,
      "youth-services": 1,
    });
    expect(Object.fromEntries(counts.area ?? [])).toEqual({ [DEMO_AREA.kelderby]: 1 });
  });

  it("refuses bad filters with 400 naming each field, and ranges the wrong way round with 422", async () => {
    const error = await refused(
      checkCriteria(as(), {
        keywords: "x".repeat(201),
        category: ["not-a-category"],
        area: ["E99999999"],
        minValue: "lots",
        maxValue: "-£5",
        deadlineFrom: "2027-02-30",
        deadlineTo: "not-a-date",
        reserved: "maybe",
        includeClosed: "perhaps",
      }),
    );
    expect(error.code).toBe("validation_failed");
    expect(error.details.map((d) => d.field)).toEqual([
      "keywords",
      "category",
      "area",
      "minValue",
      "maxValue",
      "deadlineFrom",
      "deadlineTo",
      "reserved",
      "includeClosed",
    ]);
    expect(error.details.find((d) => d.field === "maxValue")?.message).toBe(
      "The maximum value must be £0 or more",
    );
    expect(error.details.find((d) => d.field === "minValue")?.message).toBe(
      "Enter the minimum value in pounds using numbers only, like £250,000",
    );
    const ranges = await refused(
      checkCriteria(as(), {
        minValue: "£500",
        maxValue: "£400",
        deadlineFrom: "2027-03-01",
        deadlineTo: "2027-02-28",
      }),
    );
    expect(ranges.code).toBe("unprocessable");
    expect(ranges.details).toEqual([
      {
        field: "maxValue",
        message: "The maximum value must be the same as or more than the minimum value, £500",
      },
      {
        field: "deadlineTo",
        message: "The latest deadline must be the same as or after the earliest deadline",
      },
    ]);
  });

  it("writes a search as an address and reads it back unchanged", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          keywords: fc.string({ maxLength: 30 }).map((s) => s.trim().replace(/\s+/g, " ")),
          minValue: fc.option(fc.bigInt({ min: 0n, max: 10n ** 15n })),
          maxValue: fc.option(fc.bigInt({ min: 10n ** 15n, max: 10n ** 16n })),
          reservedOnly: fc.boolean(),
          includeClosed: fc.boolean(),
          categories: fc.subarray(["domiciliary-care", "carers-support", "youth-services"]),
          deadlineFrom: fc.option(fc.constantFrom("2027-01-01", "2027-03-31")),
        }),
        async (r) => {
          const c: Criteria = {
            ...ANY,
            ...r,
            minValue: r.minValue as Pence | null,
            maxValue: r.maxValue as Pence | null,
            areas: [DEMO_AREA.westshire],
          };
          expect(await checkCriteria(as(), draftOfQuery(criteriaQuery(c)))).toEqual(c);
        },
      ),
      { numRuns: 40 },
    );
    expect(criteriaQuery(ANY)).toBe("");
    expect(criteriaQuery({ ...ANY, minValue: 12_345_06n as Pence, keywords: "home care" })).toBe(
      "keywords=home+care&minValue=12345.06",
    );
  });
});

describe("saved searches", () => {
  const homeCare: SavedSearchDraft = {
    name: "  Home   care in Westshire ",
    criteria: { category: ["domiciliary-care"], area: [DEMO_AREA.westshire], minValue: "£100,000" },
  };
  const save = (userId: string, draft: SavedSearchDraft, principal = person(userId)) =>
    saveSearch(as(principal), draft).then((view) => view.search);
  const rowsOf = (userId: string) =>
    t.db.selectFrom("saved_searches").selectAll().where("user_id", "=", userId).execute();
  const auditOf = (id: string) =>
    t.db
      .selectFrom("audit_events")
      .select(["action", "changes", "actor_type", "actor_id", "authority_id"])
      .where("entity_type", "=", "saved-search")
      .where("entity_id", "=", id)
      .orderBy("seq")
      .execute();

  it("saves a search for its owner, with alerts on by default, audited without the search itself", async () => {
    const ann = await insertPerson(t.db, NOW);
    const saved = await save(ann, homeCare);
    expect(saved).toMatchObject({
      user_id: ann,
      name: "Home care in Westshire",
      category_codes: ["domiciliary-care"],
      area_codes: [DEMO_AREA.westshire],
      min_value_pence: 10_000_000n,
      max_value_pence: null,
      alerts: true,
      created_at: NOW,
    });
    const views = await savedSearchesOf(as(person(ann)));
    expect(views.map((v) => v.search.id)).toEqual([saved.id]);
    expect(views[0]?.criteria).toMatchObject({ categories: ["domiciliary-care"], minValue: 10_000_000n });
    const audit = await auditOf(saved.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: "saved-search.created",
      actor_type: "user",
      actor_id: ann,
      authority_id: "00000000-0000-0000-0000-000000000000",
    });
    // What the person looks for stays theirs: not in the audit trail.
    expect(JSON.stringify(audit[0]?.changes)).not.toMatch(/care|Westshire|domiciliary|10000000/i);
  });

  it("refuses a bad saved search with 400 naming each field, writing nothing", async () => {
    const ann = await insertPerson(t.db, NOW);
    const error = await refused(
      save(ann, {
        name: "   ",
        alerts: "sometimes",
        criteria: { minValue: "lots", category: ["nope"] },
      }),
    );
    expect(error.code).toBe("validation_failed");
    expect(error.details.map((d) => d.field)).toEqual([
      "name",
      "alerts",
      "criteria.category",
      "criteria.minValue",
    ]);
    const long = await refused(save(ann, { name: "n".repeat(SAVED_SEARCH_LIMITS.name + 1) }));
    expect(long.details).toEqual([{ field: "name", message: "Enter a name of 100 characters or fewer" }]);
    const ranges = await refused(
      save(ann, { name: "Backwards", criteria: { minValue: "9", maxValue: "1" } }),
    );
    expect(ranges.details.map((d) => d.field)).toEqual(["criteria.maxValue"]);
    expect(await rowsOf(ann)).toEqual([]);
  });

  it("keeps names unique for each person, ignoring case", async () => {
    const ann = await insertPerson(t.db, NOW);
    const bob = await insertPerson(t.db, NOW);
    await save(ann, homeCare);
    const twice = await refused(save(ann, { name: "HOME CARE IN WESTSHIRE" }));
    expect(twice.details).toEqual([
      {
        field: "name",
        message: "You already have a saved search called “HOME CARE IN WESTSHIRE”: choose another name",
      },
    ]);
    await save(bob, homeCare);
    expect(await rowsOf(ann)).toHaveLength(1);
  });

  it(`keeps at most ${SAVED_SEARCH_LIMITS.perUser} for each person (409 beyond)`, async () => {
    const ann = await insertPerson(t.db, NOW);
    for (let i = 1; i <= SAVED_SEARCH_LIMITS.perUser; i++) await save(ann, { name: `Search ${i}` });
    const error = await refused(save(ann, { name: "One too many" }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toContain("Delete one you no longer use first");
    expect(await rowsOf(ann)).toHaveLength(SAVED_SEARCH_LIMITS.perUser);
  });

  it("shows and changes only the owner's: another's is not found, and unchanged", async () => {
    const ann = await insertPerson(t.db, NOW);
    const bob = await insertPerson(t.db, NOW);
    const saved = await save(ann, homeCare);
    expect(await savedSearchesOf(as(person(bob)))).toEqual([]);
    expect(await refused(savedSearchOf(as(person(bob)), saved.id))).toBeInstanceOf(NotFoundError);
    expect(await refused(changeSavedSearch(as(person(bob)), saved.id, { alerts: false }))).toBeInstanceOf(
      NotFoundError,
    );
    expect(await refused(deleteSavedSearch(as(person(bob)), saved.id))).toBeInstanceOf(NotFoundError);
    expect(await refused(deleteSavedSearch(as(person(bob)), "not-an-id"))).toBeInstanceOf(NotFoundError);
    expect(await rowsOf(ann)).toMatchObject([{ id: saved.id, alerts: true }]);
    expect(await auditOf(saved.id)).toHaveLength(1);
  });

  it("refuses the public, and API tokens without the scope", async () => {
    const ann = await insertPerson(t.db, NOW);
    expect(await refused(save(ann, homeCare, null as unknown as Principal))).toBeInstanceOf(NotSignedInError);
    expect(await refused(savedSearchesOf(as(null)))).toBeInstanceOf(NotSignedInError);
    expect(await refused(savedSearchesOf(as(person(ann, "token", []))))).toBeInstanceOf(ForbiddenError);
    expect(await savedSearchesOf(as(person(ann, "token", ["account:read"])))).toEqual([]);
    const write = await refused(save(ann, homeCare, person(ann, "token", ["account:read"])));
    expect(write).toBeInstanceOf(ForbiddenError);
    expect(write.message).toContain("saved-searches:write");
    const saved = await save(ann, homeCare, person(ann, "token", ["saved-searches:write"]));
    expect((await auditOf(saved.id))[0]).toMatchObject({ actor_type: "token", actor_id: ann });
  });

  it("turns alerts off and on and renames, audited; no change writes nothing", async () => {
    const ann = await insertPerson(t.db, NOW);
    const saved = await save(ann, homeCare);
    const change = (changes: { name?: string; alerts?: boolean | string }) =>
      changeSavedSearch(as(person(ann)), saved.id, changes).then((view) => view.search);
    clock.advance(60_000);
    try {
      expect(await change({ alerts: false })).toMatchObject({ alerts: false, updated_at: clock.now() });
      expect(await change({ alerts: false })).toMatchObject({ alerts: false });
      expect(await change({ name: "Home care" })).toMatchObject({ name: "Home care", alerts: false });
      expect((await refused(change({ name: "" }))).details.map((d) => d.field)).toEqual(["name"]);
    } finally {
      clock.set(NOW);
    }
    const audit = await auditOf(saved.id);
    expect(audit.map((a) => [a.action, a.changes])).toEqual([
      ["saved-search.created", expect.anything()],
      ["saved-search.changed", { owner: { ref: `users/${ann}` }, renamed: false, alerts: false }],
      ["saved-search.changed", { owner: { ref: `users/${ann}` }, renamed: true }],
    ]);
  });

  it("deletes the owner's saved search, audited", async () => {
    const ann = await insertPerson(t.db, NOW);
    const saved = await save(ann, homeCare);
    await deleteSavedSearch(as(person(ann)), saved.id);
    expect(await rowsOf(ann)).toEqual([]);
    expect((await auditOf(saved.id)).map((a) => a.action)).toEqual([
      "saved-search.created",
      "saved-search.deleted",
    ]);
  });
});
