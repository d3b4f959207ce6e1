/**
 * Consumer champions' rules on the real database, on the demo data (seeded at the instant most
 * seeded tests share): a champion asked for and verified as any public body, its asker then acting
 * for it alone (scope `champion`); the role's old platform-wide grant refused; the areas it covers;
 * its reports — drafts seen by its people only, publishing once, corrections as versions with a note
 * (every version kept, and frozen in the database), withdrawal with a reason.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../../../tests/support/auth.ts";
import { ctxFor, principalOf } from "../../../tests/support/principals.ts";
import { refused } from "../../../tests/support/refused.ts";
import { createTestDatabase, DEMO_SEEDED_AT, type TestDatabase } from "../../../tests/support/test-db.ts";
import type { Db } from "../../db/database.ts";
import { settableClock } from "../../lib/clock.ts";
import { newId } from "../../lib/ids.ts";
import { DEMO_AREA } from "../../seed/demo/areas.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_CHAMPION_REPORT } from "../../seed/demo/champions.ts";
import { DEMO_USERS } from "../../seed/demo/users.ts";
import type { Principal } from "../access/access.service.ts";
import { requestPublicBody, verifyPublicBody } from "../access/verification.service.ts";
import { addChampionArea, championsIndex, removeChampionArea } from "./champions.service.ts";
import {
  correctReport,
  editDraft,
  listReports,
  publishReport,
  reportView,
  withdrawReport,
  writeReport,
} from "./reports.service.ts";

const clock = settableClock(DEMO_SEEDED_AT);
const CHAMPION = DEMO_AUTHORITY.champion;
const DEMO_CHAMPION_USER = DEMO_USERS.find((u) => u.role === "consumer-champion")?.id ?? "";
const PLATFORM_ADMIN = DEMO_USERS.find((u) => u.role === "platform-admin")?.id ?? "";

let t: TestDatabase;
let db: Db;
let staff: Principal;
let admin: Principal;
let asker: Principal;
let newChampion: string;

const as = (p: Principal | null) => ctxFor(db, clock, p);
const draft = {
  title: "Respite care in Millbrook",
  summary: "What carers told us about short breaks.",
  body: "Carers told us that short breaks are hard to find.\n\nWe ask for more.",
  areaCode: DEMO_AREA.millbrook,
  serviceType: "residential-care",
};

beforeAll(async () => {
  t = await createTestDatabase({ seededAt: DEMO_SEEDED_AT });
  db = t.db;
  staff = await principalOf(db, DEMO_CHAMPION_USER);
  admin = await principalOf(db, PLATFORM_ADMIN);
  const user = await createUser(db, { displayName: "Asks for a champion" });
  const body = await requestPublicBody(as(await principalOf(db, user.id)), {
    name: "Kelderby Carers Voice",
    slug: "kelderby-carers-voice",
    kind: "consumer-champion",
    nation: "england-and-wales",
  });
  newChampion = body.id;
  await verifyPublicBody(as(admin), newChampion);
  asker = await principalOf(db, user.id);
});

afterAll(async () => {
  await t?.destroy();
});

describe("champions, verified as public bodies", () => {
  it("makes the person who asked its first consumer champion, acting for it alone", async () => {
    expect(asker.grants).toEqual([
      { role: "consumer-champion", scopeType: "champion", scopeId: newChampion },
    ]);
    expect(staff.grants).toEqual([{ role: "consumer-champion", scopeType: "champion", scopeId: CHAMPION }]);
    await addChampionArea(as(asker), newChampion, DEMO_AREA.kelderby);
    const index = await championsIndex(as(null));
    expect(index.map((c) => [c.body.name, c.areas.map((a) => a.code)])).toEqual([
      ["Kelderby Carers Voice", [DEMO_AREA.kelderby]],
      ["Westshire Healthwatch", [DEMO_AREA.millbrook, DEMO_AREA.westshire, DEMO_AREA.westshireVale]],
    ]);
  });

  it("refuses the consumer champion role for the whole platform", async () => {
    await expect(
      db
        .insertInto("role_grants")
        .values({
          id: newId(),
          user_id: DEMO_CHAMPION_USER,
          role: "consumer-champion",
          scope_type: "platform",
          scope_id: "00000000-0000-0000-0000-000000000000",
          granted_by: null,
          granted_at: clock.now(),
        })
        .execute(),
    ).rejects.toThrow(/role_grants_champion_scope/);
  });

  it("lets a champion's people act for it and no other", async () => {
    expect((await refused(writeReport(as(asker), CHAMPION, draft))).name).toBe("ForbiddenError");
    expect((await refused(addChampionArea(as(staff), newChampion, DEMO_AREA.westshire))).name).toBe(
      "ForbiddenError",
    );
    expect((await refused(writeReport(as(null), CHAMPION, draft))).name).toBe("NotSignedInError");
    // An area it does not cover is refused.
    const elsewhere = await refused(
      writeReport(as(staff), CHAMPION, { ...draft, areaCode: DEMO_AREA.kelderby }),
    );
    expect(elsewhere.details.map((d) => d.field)).toEqual(["areaCode"]);
  });
});

describe("a champion's reports", () => {
  let reportId: string;

  it("keeps a draft to the champion's people, even from another champion's", async () => {
    const report = await writeReport(as(staff), CHAMPION, draft);
    reportId = report.id;
    expect(report.state).toBe("draft");
    for (const who of [null, asker]) {
      expect((await refused(reportView(as(who), CHAMPION, reportId))).name).toBe("NotFoundError");
      expect((await refused(publishReport(as(who), CHAMPION, reportId))).name).toBe(
        who ? "NotFoundError" : "NotSignedInError",
      );
    }
    await editDraft(as(staff), CHAMPION, reportId, { ...draft, title: "Short breaks in Millbrook" });
    expect((await reportView(as(staff), CHAMPION, reportId)).report.title).toBe("Short breaks in Millbrook");
  });

  it("publishes once: public then, and never changed but by a correction with its note", async () => {
    await publishReport(as(staff), CHAMPION, reportId);
    const view = await reportView(as(null), CHAMPION, reportId);
    expect([view.report.state, view.report.version, view.versions.length]).toEqual(["published", 1, 1]);
    expect((await refused(publishReport(as(staff), CHAMPION, reportId))).name).toBe("ConflictError");
    expect((await refused(editDraft(as(staff), CHAMPION, reportId, draft))).name).toBe("ConflictError");
    const noNote = await refused(correctReport(as(staff), CHAMPION, reportId, { ...draft, note: " " }));
    expect(noNote.details.map((d) => d.field)).toEqual(["note"]);
    await correctReport(as(staff), CHAMPION, reportId, {
      ...draft,
      title: "Short breaks in Millbrook",
      body: "Carers told us that short breaks are very hard to find.",
      note: "The second paragraph repeated the first.",
    });
    const corrected = await reportView(as(null), CHAMPION, reportId);
    expect(corrected.report.version).toBe(2);
    expect(corrected.versions.map((v) => [v.version, v.body.length > 0, v.note])).toEqual([
      [1, true, null],
      [2, true, "The second paragraph repeated the first."],
    ]);
    expect(corrected.versions[0]?.body).toBe(draft.body);
    // A published version is frozen in the database itself.
    await expect(
      db
        .updateTable("champion_report_versions")
        .set({ body: "Changed behind the service's back" })
        .where("report_id", "=", reportId)
        .execute(),
    ).rejects.toThrow(/never changed/);
  });

  it("lists published reports newest first, by champion and by area, a page at a time", async () => {
    const all = await listReports(as(null), { pageSize: 1 });
    expect(all.reports.map((r) => r.id)).toEqual([reportId]);
    expect(all.total).toEqual({ count: 2, atLeast: false });
    const next = await listReports(as(null), { pageSize: 1, after: all.next ?? "" });
    expect([next.reports.map((r) => r.id), next.next, next.previous !== null]).toEqual([
      [DEMO_CHAMPION_REPORT],
      null,
      true,
    ]);
    expect((await listReports(as(null), { area: DEMO_AREA.westshire })).reports.map((r) => r.id)).toEqual([
      DEMO_CHAMPION_REPORT,
    ]);
    expect((await listReports(as(null), { champion: newChampion })).reports).toEqual([]);
    expect((await refused(listReports(as(null), { after: "cut-short" }))).name).toBe("ValidationError");
  });

  it("keeps an area a report is about among those the champion covers", async () => {
    const kept = await refused(removeChampionArea(as(staff), CHAMPION, DEMO_AREA.millbrook));
    expect(kept.details.map((d) => d.field)).toEqual(["areaCode"]);
  });

  it("withdraws a published report with its reason, once, and corrects it no more", async () => {
    const short = await refused(withdrawReport(as(staff), CHAMPION, reportId, "Wrong"));
    expect(short.details.map((d) => d.field)).toEqual(["reason"]);
    expect((await refused(withdrawReport(as(asker), CHAMPION, reportId, "Not ours to withdraw"))).name).toBe(
      "ForbiddenError",
    );
    await withdrawReport(as(staff), CHAMPION, reportId, "The figures came from the wrong year.");
    const view = await reportView(as(null), CHAMPION, reportId);
    expect([view.report.state, view.report.withdrawal_reason]).toEqual([
      "withdrawn",
      "The figures came from the wrong year.",
    ]);
    expect(
      (await refused(withdrawReport(as(staff), CHAMPION, reportId, "Withdrawn again, twice"))).name,
    ).toBe("ConflictError");
    expect(
      (await refused(correctReport(as(staff), CHAMPION, reportId, { ...draft, note: "Too late" }))).name,
    ).toBe("ConflictError");
    expect((await listReports(as(null), {})).reports.map((r) => r.id)).toEqual([DEMO_CHAMPION_REPORT]);
  });
});
