/** Authorities record their area by ONS GSS code: it must be a loaded area, and each change is audited. */
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
    "code,name,type,nation\nE10000016,Kent,county,england\nE07000008,Cambridge,district,england\n",
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
