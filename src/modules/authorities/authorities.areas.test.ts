/**
 * Authorities record their area by ONS GSS code: it must be a loaded area, and each change is audited.
 * Their country (England or Wales, where the nation is England and Wales) comes from what they say,
 * or their area.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/test-db.ts";
import { transaction } from "../../db/transaction.ts";
import { settableClock } from "../../lib/clock.ts";
import { NotFoundError, ValidationError } from "../../lib/errors.ts";
import { auditTrailFor, PLATFORM_CHAIN, SYSTEM } from "../audit/audit.service.ts";
import { loadAreas } from "../vocabularies/vocabularies.service.ts";
import { createAuthority, findAuthorityBySlug, setAuthorityArea } from "./authorities.service.ts";

const clock = settableClock(new Date("2026-11-22T10:00:00Z"));
const KENT = "019a0000-0000-7000-8000-0000000000a9";
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
  await loadAreas(
    t.db,
    clock,
    SYSTEM("test"),
    "code,name,type,nation\nE10000016,Kent,county,england\nE07000008,Cambridge,district,england\nW06000015,Cardiff,unitary,wales\n",
  );
});
afterAll(async () => {
  await t?.destroy();
});

describe("an authority's area", () => {
  it("is given when the authority is created, and must be a loaded area", async () => {
    const base = {
      slug: "kent-county-council",
      name: "Kent County Council",
      kind: "county",
      nation: "england-and-wales",
    } as const;
    const refused = await transaction(t.db, (trx) =>
      createAuthority(trx, clock, SYSTEM("test"), { ...base, areaCode: "E10000099" }),
    ).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).details).toEqual([
      { field: "areaCode", message: "Choose a known area: E10000099 is not a loaded GSS area code" },
    ]);
    expect(await findAuthorityBySlug(t.db, "kent-county-council")).toBeUndefined();
    const kent = await transaction(t.db, (trx) =>
      createAuthority(trx, clock, SYSTEM("test"), { ...base, id: KENT, areaCode: "E10000016" }),
    );
    expect(kent.area_code).toBe("E10000016");
  });

  it("changes, audited on the platform's chain and the authority's own", async () => {
    await setAuthorityArea(t.db, clock, SYSTEM("test"), KENT, "E07000008");
    expect((await findAuthorityBySlug(t.db, "kent-county-council"))?.area_code).toBe("E07000008");
    for (const chain of [PLATFORM_CHAIN, KENT]) {
      const trail = await auditTrailFor(t.db, chain, "authority", KENT);
      expect(trail.at(-1)).toMatchObject({
        action: "authority.area-set",
        changes: { areaCode: "E07000008", previous: "E10000016" },
      });
    }
  });

  it("refuses an unknown area or authority", async () => {
    await expect(setAuthorityArea(t.db, clock, SYSTEM("test"), KENT, "W06000999")).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(
      setAuthorityArea(t.db, clock, SYSTEM("test"), "019a0000-0000-7000-8000-0000000000ff", null),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect((await findAuthorityBySlug(t.db, "kent-county-council"))?.area_code).toBe("E07000008");
  });
});

describe("an authority's country", () => {
  const create = (slug: string, extra: Record<string, unknown>) =>
    transaction(t.db, (trx) =>
      createAuthority(trx, clock, SYSTEM("test"), {
        slug,
        name: slug,
        kind: "unitary",
        nation: "england-and-wales",
        ...extra,
      }),
    );

  it("is its nation's for Scotland and Northern Ireland, its area's or its own word for England and Wales", async () => {
    expect((await create("glasgow", { nation: "scotland" })).country).toBe("scotland");
    expect((await create("cardiff", { areaCode: "W06000015" })).country).toBe("wales");
    expect((await create("swansea", { country: "wales" })).country).toBe("wales");
    const unknown = await create("somewhere", {});
    expect(unknown.country).toBeNull();
    // An area recorded later tells it.
    await setAuthorityArea(t.db, clock, SYSTEM("test"), unknown.id, "E07000008");
    expect((await findAuthorityBySlug(t.db, "somewhere"))?.country).toBe("england");
  });

  it("must lie in its nation (400)", async () => {
    const refused = await create("belfast", { nation: "northern-ireland", country: "england" }).catch(
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).details.map((d) => d.field)).toEqual(["country"]);
    expect(await findAuthorityBySlug(t.db, "belfast")).toBeUndefined();
  });
});
