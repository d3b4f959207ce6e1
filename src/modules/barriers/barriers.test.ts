/**
 * The barriers register (one seeded app for the file): who logs and who answers, the answers' rules
 * and their audit and notice, anonymity, the demo's barriers on their clocks, the national figures
 * with small numbers suppressed (API, page and CSV), and the tender set-up panel.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import {
  peopleWithRoles,
  postForm,
  postMultipart,
  type TestPeople,
  type TestSession,
} from "../../../tests/support/auth.ts";
import { mainText, summaryErrors } from "../../../tests/support/pages.ts";
import { ctxFor } from "../../../tests/support/principals.ts";
import { fixedClock } from "../../lib/clock.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_BARRIERS } from "../../seed/demo/barriers.ts";
import { DEMO_TENDER } from "../../seed/demo/tenders.ts";
import { DEMO_ORGANISATION } from "../../seed/demo/users.ts";
import type { Ctx } from "../access/context.ts";
import { answerBarrier, logBarrier } from "./barriers.service.ts";
import { barrierFigures, figuresCsvRows } from "./figures.service.ts";
import { sweepBarrierClocks } from "./reminders.service.ts";

const COUNTY = DEMO_AUTHORITY.county;
const DISTRICT = DEMO_AUTHORITY.district;
const SLUG = "westshire-county-council";
const api = (authorityId: string = COUNTY) => `/api/v1/authorities/${authorityId}/barriers`;

let t: TestApp;
let users: TestPeople["users"];
let sessions: TestPeople["sessions"];
let principals: TestPeople["principals"];
const as = (who: string) => sessions[who] as TestSession;
const db = () => t.deps.db;

/** The actions the audit trail records of an entity, in alphabetical order. */
async function auditActionsOf(entityId: string): Promise<string[]> {
  const rows = await db()
    .selectFrom("audit_events")
    .select("action")
    .where("entity_id", "=", entityId)
    .execute();
  return rows.map((a) => a.action).sort();
}

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  ({ users, sessions, principals } = await peopleWithRoles(t.app, db(), {
    provider: ["organisation-admin", DEMO_ORGANISATION, "Pat Provider"],
    commissioner: ["commissioner", COUNTY, "Cleo Commissioner"],
    admin: ["authority-admin", COUNTY, "Ade Admin"],
    evaluator: ["evaluator", COUNTY, "Eve Evaluator"],
    districtCommissioner: ["commissioner", DISTRICT, "Dan District"],
    welshCommissioner: ["commissioner", DEMO_AUTHORITY.welsh, "Wyn Welsh"],
    citizen: ["citizen", undefined, "Cy Citizen"],
    platform: ["platform-admin", undefined, "Pip Platform"],
  }));
});

afterAll(async () => {
  await t?.close();
});

const log = (who: string, body: Record<string, unknown>, authorityId: string = COUNTY) =>
  call(t.app, "POST", api(authorityId), as(who), body);
const answer = (who: string, barrierId: string, kind: string, text = "We will change it.") =>
  call(t.app, "POST", `${api()}/${barrierId}/answers`, as(who), { kind, text });
const paymentTerms = {
  kind: "payment-terms",
  subject: "authority",
  description: "Paid 60 days after the month's end.",
};

describe("logging a barrier", () => {
  it("a provider's people log one: open, due 20 working days on, audited", async () => {
    const res = await log("provider", paymentTerms);
    expect(res.statusCode).toBe(201);
    const b = res.json();
    expect(b).toMatchObject({ status: "open", standing: "open", loggerSector: expect.any(String) });
    // Seeded on Sunday 22 November 2026: 20 working days on is Friday 18 December.
    expect(b.answerDueOn).toBe("2026-12-18");
    const audit = await db()
      .selectFrom("audit_events")
      .select("action")
      .where("entity_id", "=", b.id)
      .execute();
    expect(audit.map((a) => a.action)).toEqual(["barrier.logged"]);
  });

  it("a public body's people log one as a public body; citizens and platform administrators do not", async () => {
    const res = await log("evaluator", { ...paymentTerms, kind: "parent-body-opposition" });
    expect(res.statusCode).toBe(201);
    expect(res.json().loggerSector).toBe("public-body");
    expect((await log("citizen", paymentTerms)).statusCode).toBe(403);
    expect((await log("platform", paymentTerms)).statusCode).toBe(403);
    expect((await call(t.app, "POST", api(), undefined, paymentTerms)).statusCode).toBe(401);
  });

  it("says which fields to correct", async () => {
    const res = await log("provider", { kind: "tax", subject: "policy", description: "" });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.map((d: { field: string }) => d.field)).toEqual([
      "kind",
      "policy",
      "description",
    ]);
    // A tender of another authority is not one of this authority's.
    const other = await log(
      "provider",
      { ...paymentTerms, subject: "tender", tenderId: DEMO_TENDER.open },
      DISTRICT,
    );
    expect(other.statusCode).toBe(400);
    expect(other.json().error.details[0].field).toBe("tenderId");
  });

  it("anonymous to the public, not to the authority's people nor to whoever logged it", async () => {
    const b = (await log("provider", { ...paymentTerms, anonymous: true })).json();
    const seen = async (who?: string) =>
      (await call(t.app, "GET", `${api()}/${b.id}`, who ? as(who) : undefined)).json().organisationName;
    expect(await seen()).toBeNull();
    expect(await seen("districtCommissioner")).toBeNull();
    expect(await seen("commissioner")).toEqual(expect.any(String));
    expect(await seen("provider")).toEqual(expect.any(String));
  });
});

describe("answering a barrier", () => {
  it("the authority's commissioners and administrators answer; the logger is told; each answer audited", async () => {
    const b = (await log("provider", paymentTerms)).json();
    expect((await answer("provider", b.id, "resolved")).statusCode).toBe(403);
    expect((await answer("districtCommissioner", b.id, "accepted")).statusCode).toBe(403);
    expect((await answer("platform", b.id, "accepted")).statusCode).toBe(403);
    expect(
      (await answer("commissioner", "019a0000-0000-7000-8000-0000000fffff", "accepted")).statusCode,
    ).toBe(404);

    const ack = await answer("commissioner", b.id, "acknowledged", "Received.");
    expect(ack.json()).toMatchObject({ status: "acknowledged", firstAnsweredAt: null, standing: "open" });
    // An acknowledgement is given once, before anything else.
    expect((await answer("admin", b.id, "acknowledged")).statusCode).toBe(409);
    const accepted = (await answer("admin", b.id, "accepted", "Paid within 15 days from April.")).json();
    expect(accepted).toMatchObject({ status: "accepted", standing: "answered", answeredLate: false });
    expect(accepted.firstAnsweredAt).not.toBeNull();
    const resolved = (await answer("commissioner", b.id, "resolved", "The terms are changed.")).json();
    expect(resolved.standing).toBe("resolved");
    expect(resolved.answers.map((a: { kind: string }) => a.kind)).toEqual([
      "acknowledged",
      "accepted",
      "resolved",
    ]);
    expect((await answer("commissioner", b.id, "disputed")).statusCode).toBe(409);

    const notices = await db()
      .selectFrom("notifications")
      .select(["kind", "link"])
      .where("user_id", "=", users.provider as string)
      .where("kind", "=", "barrier.answered")
      .execute();
    expect(notices).toHaveLength(3);
    expect(notices[0]?.link).toBe(`/authorities/${SLUG}/barriers/${b.id}`);
    expect(await auditActionsOf(b.id)).toEqual([
      "barrier.answered",
      "barrier.answered",
      "barrier.answered",
      "barrier.logged",
    ]);
  });

  it("without the text, says what to write", async () => {
    const b = (await log("provider", paymentTerms)).json();
    const res = await call(t.app, "POST", `${api()}/${b.id}/answers`, as("commissioner"), {
      kind: "no",
      text: "",
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.map((d: { field: string }) => d.field)).toEqual(["kind", "text"]);
  });
});

describe("the demo's barriers", () => {
  it("stand where their answers and clocks put them", async () => {
    const list = (await call(t.app, "GET", api())).json().barriers as { id: string; standing: string }[];
    const standing = (id: string) => list.find((b) => b.id === id)?.standing;
    expect(standing(DEMO_BARRIERS.paymentTerms)).toBe("answered");
    expect(standing(DEMO_BARRIERS.tupe)).toBe("resolved");
    expect(standing(DEMO_BARRIERS.workingCapital)).toBe("overdue");
    expect(standing(DEMO_BARRIERS.contractSize)).toBe("open");
  });

  it("the barrier's page shows the answers, and the answer form to the authority's people only", async () => {
    const url = `/authorities/${SLUG}/barriers/${DEMO_BARRIERS.paymentTerms}`;
    const publicPage = mainText((await call(t.app, "GET", url)).body);
    expect(publicPage).toContain("Payment terms");
    expect(publicPage).toContain("We accept this.");
    expect(publicPage).not.toContain("Answer this barrier");
    expect(mainText((await call(t.app, "GET", url, as("commissioner"))).body)).toContain(
      "Answer this barrier",
    );
  });
});

describe("the way there", () => {
  it("the authority's hub links to its barriers, and its barriers to the national view", async () => {
    const hub = await call(t.app, "GET", `/authorities/${SLUG}`);
    expect(hub.body).toContain(`href="/authorities/${SLUG}/barriers"`);
    expect((await call(t.app, "GET", `/authorities/${SLUG}/barriers`)).body).toContain('href="/barriers"');
  });
});

describe("the pages' forms", () => {
  it("logging re-renders with its errors, then goes to the barrier", async () => {
    const url = `/authorities/${SLUG}/barriers/new`;
    const empty = await postForm(t.app, as("provider"), url, {});
    expect(empty.statusCode).toBe(400);
    expect(summaryErrors(empty.body).map(([href]) => href)).toEqual(["#kind", "#subject", "#description"]);
    const done = await postForm(t.app, as("provider"), url, {
      kind: "contract-size",
      subject: "tender",
      tenderId: DEMO_TENDER.open,
      description: "One lot for the whole county.",
    });
    expect(done.statusCode).toBe(303);
    const page = await call(t.app, "GET", done.headers.location as string, as("provider"));
    expect(mainText(page.body)).toContain("The barrier is logged");
  });

  it("answering on the barrier's page", async () => {
    const b = (await log("provider", paymentTerms)).json();
    const url = `/authorities/${SLUG}/barriers/${b.id}`;
    expect((await postForm(t.app, as("commissioner"), url, { kind: "disputed" })).statusCode).toBe(400);
    const done = await postForm(t.app, as("commissioner"), url, {
      kind: "disputed",
      text: "Our terms are 30 days.",
    });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe(`${url}?notice=answered`);
  });
});

describe("evidence", () => {
  const terms = "Payment 60 days after the month's end, clause 14.";
  const base64 = (text: string) => Buffer.from(text).toString("base64");

  it("documents logged with the barrier: the logger, its organisation and the authority download them; the public sees only that they exist", async () => {
    const res = await log("provider", {
      ...paymentTerms,
      evidence: [{ filename: "terms.txt", contentBase64: base64(terms) }],
    });
    expect(res.statusCode).toBe(201);
    const b = res.json();
    const read = async (who?: string) =>
      (await call(t.app, "GET", `${api()}/${b.id}`, who ? as(who) : undefined)).json().evidence;
    const [own] = await read("provider");
    expect(own).toMatchObject({ filename: "terms.txt", mediaType: "text/plain", public: false });
    const download = (who?: string) => call(t.app, "GET", own.url, who ? as(who) : undefined);
    expect((await download("commissioner")).body).toBe(terms);
    expect((await download("provider")).statusCode).toBe(200);
    // The public, and another authority's commissioner, see that it exists, not what it is.
    expect(await read()).toEqual([expect.objectContaining({ filename: null, url: null, public: false })]);
    expect((await download()).statusCode).toBe(403);
    expect((await download("districtCommissioner")).statusCode).toBe(403);
    const page = mainText((await call(t.app, "GET", `/authorities/${SLUG}/barriers/${b.id}`)).body);
    expect(page).toContain("A document not made public");
    expect(page).not.toContain("terms.txt");
    const audit = await db()
      .selectFrom("audit_events")
      .select("changes")
      .where("entity_id", "=", b.id)
      .where("action", "=", "barrier.logged")
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(audit.changes)).not.toContain("terms.txt");
    expect(audit.changes).toMatchObject({ evidence: [{ mediaType: "text/plain", public: false }] });
  });

  it("added afterwards on the barrier's page by whoever logged it, public if they say so; audited", async () => {
    const b = (await log("provider", paymentTerms)).json();
    const url = `/authorities/${SLUG}/barriers/${b.id}/evidence`;
    const file = {
      filename: "invoice-dates.csv",
      type: "text/csv",
      content: "invoice,paid\n2026-09-30,2026-11-29\n",
    };
    const none = await postMultipart(t.app, as("provider"), url, { public: "yes" });
    expect(none.statusCode).toBe(400);
    expect(summaryErrors(none.body).map(([href]) => href)).toEqual(["#evidence"]);
    const refused = await postMultipart(t.app, as("commissioner"), url, { evidence: file });
    expect(refused.statusCode).toBe(403);
    const done = await postMultipart(t.app, as("provider"), url, { evidence: file, public: "yes" });
    expect(done.statusCode).toBe(303);
    const page = await call(t.app, "GET", `/authorities/${SLUG}/barriers/${b.id}`);
    expect(mainText(page.body)).toContain("invoice-dates.csv");
    const [doc] = (await call(t.app, "GET", `${api()}/${b.id}`)).json().evidence;
    expect(doc).toMatchObject({ filename: "invoice-dates.csv", mediaType: "text/csv", public: true });
    expect((await call(t.app, "GET", doc.url)).statusCode).toBe(200);
    expect(await auditActionsOf(b.id)).toEqual(["barrier.evidence-added", "barrier.logged"]);
  });

  it("a file of a type not taken is refused, naming it", async () => {
    const res = await log("provider", {
      ...paymentTerms,
      evidence: [
        {
          filename: "run.exe",
          contentBase64: Buffer.from([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0, 4, 0]).toString("base64"),
        },
      ],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].field).toBe("evidence");
  });
});

describe("the authority told", () => {
  it("its commissioners and administrators are told when a barrier is logged with it, and find it in their work", async () => {
    const b = (await log("provider", { ...paymentTerms, kind: "contract-size" })).json();
    const link = `/authorities/${SLUG}/barriers/${b.id}`;
    const told = await db()
      .selectFrom("notifications")
      .select(["user_id", "link"])
      .where("kind", "=", "barrier.logged")
      .where("link", "=", link)
      .execute();
    const ids = told.map((n) => n.user_id);
    expect(ids).toEqual(expect.arrayContaining([users.commissioner, users.admin]));
    expect(ids).not.toContain(users.evaluator);
    expect(ids).not.toContain(users.districtCommissioner);
    // … and it is in their work until answered in substance.
    const work = async (who: string) =>
      (
        (await call(t.app, "GET", "/api/v1/me/tasks", as(who))).json().todo as {
          kind: string;
          href: string;
        }[]
      )
        .filter((task) => task.kind === "answer-barrier")
        .map((task) => task.href);
    expect(await work("admin")).toContain(link);
    expect(await work("evaluator")).toEqual([]);
    await answer("commissioner", b.id, "accepted");
    expect(await work("admin")).not.toContain(link);
  });
});

describe("the daily sweep", () => {
  it("reminds the authority 5 days before the last day, then tells it once it has passed; each once, audited", async () => {
    // Logged on Sunday 22 November 2026: the last day is Friday 18 December.
    const b = (await log("provider", { ...paymentTerms, kind: "working-capital" })).json();
    const link = `/authorities/${SLUG}/barriers/${b.id}`;
    const toldOn = async () =>
      (
        await db()
          .selectFrom("notifications")
          .select("subject")
          .where("kind", "=", "barrier.reminder")
          .where("link", "=", link)
          .where("user_id", "=", users.commissioner as string)
          .orderBy("created_at")
          .execute()
      ).map((n) => n.subject);
    const sweepOn = (day: string) => sweepBarrierClocks(db(), fixedClock(new Date(`${day}T06:00:00Z`)));
    await sweepOn("2026-12-12");
    expect(await toldOn()).toEqual([]);
    await sweepOn("2026-12-13");
    await sweepOn("2026-12-14");
    expect(await toldOn()).toEqual([
      "A barrier logged with Westshire County Council is to be answered by 18 December 2026",
    ]);
    await sweepOn("2026-12-19");
    await sweepOn("2026-12-20");
    expect((await toldOn())[1]).toBe("A barrier logged with Westshire County Council is overdue");
    expect(await toldOn()).toHaveLength(2);
    expect(await auditActionsOf(b.id)).toEqual(["barrier.logged", "barrier.overdue", "barrier.reminded"]);
  });
});

describe("the national figures", () => {
  // Barriers logged on 1 March 2021 with the district, counted the next day (none is overdue yet).
  const on = fixedClock(new Date("2021-03-01T10:00:00Z"));
  const counted = fixedClock(new Date("2021-03-02T10:00:00Z"));
  let figuresCtx: Ctx;

  beforeAll(async () => {
    const provider = ctxFor(db(), on, principals.provider ?? null);
    const district = ctxFor(db(), on, principals.districtCommissioner ?? null);
    const skills = { kind: "skills", subject: "authority", description: "No one to write bids." };
    for (let i = 0; i < 20; i++) {
      const v = await logBarrier(provider, DISTRICT, skills);
      if (i < 10)
        await answerBarrier(district, DISTRICT, v.barrier.id, { kind: "accepted", text: "Help offered." });
    }
    for (let i = 0; i < 3; i++) await logBarrier(provider, DISTRICT, { ...skills, kind: "pensions" });
    figuresCtx = ctxFor(db(), counted, null);
  });

  it("counts by kind and where each stands, hiding 1 to 9 and what would give them away", async () => {
    const f = await barrierFigures(figuresCtx, 2021);
    const byKind = f.tables.find((tb) => tb.dimension === "kind");
    const row = (key: string) => byKind?.rows.find((r) => r.key === key);
    // Pensions: 3 open, hidden with its total.
    expect(row("pensions")).toMatchObject({ counts: { open: null }, total: null });
    // Skills' 10 open would give the pensions' 3 away (13 open in all): hidden, and so its 10
    // answered (20 less them); its total of 20 too (23 in all less 20 is the pensions' 3).
    expect(row("skills")).toMatchObject({ counts: { open: null, answered: null, resolved: 0 }, total: null });
    expect(byKind?.all.total).toBe(23);
    const byAuthority = f.tables.find((tb) => tb.dimension === "authority");
    expect(byAuthority?.rows).toHaveLength(1);
    expect(byAuthority?.rows[0]).toMatchObject({
      name: "Millbrook District Council",
      counts: { open: 13, answered: 10 },
    });
  });

  it("a year to come is refused, naming the field; the page and CSV say the same", async () => {
    const res = await call(t.app, "GET", "/api/v1/barriers/figures?year=2099");
    expect(res.statusCode).toBe(400);
    const page = await call(t.app, "GET", "/barriers?year=2099");
    expect(page.statusCode).toBe(400);
    expect(summaryErrors(page.body)[0]?.[0]).toBe("#year");
    const csvRows = figuresCsvRows(await barrierFigures(figuresCtx, 2021));
    expect(csvRows.find((r) => r.dimension === "kind" && r.key === "pensions")).toMatchObject({
      open: "",
      total: "",
    });
    const csv = await call(t.app, "GET", "/barriers/figures.csv?year=2026");
    expect(csv.headers["content-type"]).toContain("text/csv");
    expect(csv.body.split("\n")[0]).toBe(
      "year,dimension,key,name,open,answered,disputed,resolved,overdue,total",
    );
  });

  it("the page shows the demo year's tables, small numbers marked", async () => {
    const page = await call(t.app, "GET", "/barriers");
    expect(page.statusCode).toBe(200);
    const text = mainText(page.body);
    expect(text).toContain("Barriers logged in 2026 by kind");
    expect(text).toContain("Barriers logged in 2026 by the logger's sector");
    expect(text).toContain("–");
  });
});

describe("the tender set-up panel", () => {
  it("shows the authority's editors its open barriers of the kinds it can fix", async () => {
    const text = mainText(
      (await call(t.app, "GET", `/authorities/${SLUG}/tenders/new`, as("commissioner"))).body,
    );
    expect(text).toContain("Open barriers you can fix");
    expect(text).toContain("Contract size");
    expect(text).toContain("Working capital");
    // Resolved (TUPE), or not the authority's to fix (skills, VAT): not shown.
    expect(text).not.toContain("TUPE liabilities not disclosed");
    expect(text).not.toContain("VAT treatment");
  });

  it("shows nothing where the authority has none open it can fix (Glanmor's one is about skills)", async () => {
    const text = mainText(
      (await call(t.app, "GET", "/authorities/cyngor-sir-glanmor/tenders/new", as("welshCommissioner"))).body,
    );
    expect(text).not.toContain("Open barriers you can fix");
  });
});
