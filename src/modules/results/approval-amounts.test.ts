/**
 * The second-approval amount (one seeded app for the file): the authority's ceiling, set by its
 * administrators only and binding every contract's amount; a contract's amount lowered at once or
 * raised only once a different person confirms it; and what a change does to a run between its
 * approvals and its payment — a lowering calls for a second approval, a raise never takes one away.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { postForm, sessionFor, type TestSession, userWithRole } from "../../../tests/support/auth.ts";
import { mainText, summaryErrors } from "../../../tests/support/pages.ts";
import { ctxFor, principalOf } from "../../../tests/support/principals.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_ORGANISATION } from "../../seed/demo/organisations.ts";
import type { Ctx } from "../access/context.ts";
import { approveRun, computeRun, startRun } from "./runs.service.ts";
import { attach, type FixtureContract, makeOutcomeContract } from "./runs.test-fixtures.ts";
import { tasksFor } from "./tasks.service.ts";

const COUNTY = DEMO_AUTHORITY.county;
const SLUG = "westshire-county-council";
const PROVIDER = DEMO_ORGANISATION.carersTrust;
const contracts = `/api/v1/authorities/${COUNTY}/outcome-contracts`;
const ceilingApi = `${contracts}/approval-ceiling`;
const ceilingPage = `/authorities/${SLUG}/outcome-contracts/approval-ceiling`;

let t: TestApp;
const users: Record<string, string> = {};
const sessions: Record<string, TestSession> = {};
const as = (who: string) => sessions[who] as TestSession;
const ctxs: Record<string, Ctx> = {};
const db = () => t.deps.db;
const amountApi = (c: FixtureContract) => `${contracts}/${c.id}/second-approval`;
const amountPage = (c: FixtureContract) => `/authorities/${SLUG}/outcome-contracts/${c.id}/second-approval`;
const runApi = (c: FixtureContract, runId: string) => `${contracts}/${c.id}/runs/${runId}`;

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  const make = userWithRole.bind(null, t.deps.db);
  users.alice = await make("commissioner", COUNTY, "Alice Ashworth");
  users.bob = await make("authority-admin", COUNTY, "Bob Brennan");
  users.carol = await make("commissioner", COUNTY, "Carol Cheung");
  users.provider = await make("organisation-admin", PROVIDER, "Pat Provider");
  users.platform = await make("platform-admin", undefined, "Pip Platform");
  users.otherAdmin = await make("authority-admin", DEMO_AUTHORITY.district, "Dee District");
  for (const [who, id] of Object.entries(users)) {
    sessions[who] = await sessionFor(t.app, id, { twoFactor: true });
    ctxs[who] = ctxFor(t.deps.db, t.deps.clock, await principalOf(t.deps.db, id));
  }
});

afterAll(async () => {
  await t?.close();
});

const contract = (secondApprovalAbovePence: bigint) =>
  makeOutcomeContract(db(), {
    authorityId: COUNTY,
    organisationId: PROVIDER,
    at: t.deps.clock.now(),
    secondApprovalAbovePence,
  });

const setCeiling = (who: string, pence: string) =>
  call(t.app, "PUT", ceilingApi, as(who), { ceilingPence: pence });
const change = (who: string, c: FixtureContract, pence: string) =>
  call(t.app, "POST", amountApi(c), as(who), { secondApprovalAbovePence: pence });
const amountOf = async (c: FixtureContract) =>
  (await call(t.app, "GET", `${contracts}/${c.id}`, as("alice"))).json().contract.secondApprovalAbovePence;

async function actions(entityId: string): Promise<string[]> {
  const rows = await db()
    .selectFrom("audit_events")
    .select("action")
    .where("authority_id", "=", COUNTY)
    .where("entity_id", "=", entityId)
    .orderBy("seq")
    .execute();
  return rows.map((r) => r.action);
}

describe("the authority's ceiling", () => {
  it("is set by the authority's administrators only, audited, and bounds every contract's amount", async () => {
    const shown = await call(t.app, "GET", ceilingApi, as("alice"));
    expect(shown.json()).toMatchObject({ ceilingPence: "2500000", isDefault: true, setBy: null });
    // Not the commissioners, not platform administrators, not another authority's administrator.
    expect((await call(t.app, "PUT", ceilingApi, undefined, { ceilingPence: "1" })).statusCode).toBe(401);
    for (const who of ["alice", "platform", "provider", "otherAdmin"])
      expect((await setCeiling(who, "1000000")).statusCode, who).toBe(403);
    expect((await setCeiling("platform", "1000000")).json().error.message).toContain(
      "Platform administrators do not set",
    );
    // An administrator without a session signed in with two-factor: refused, saying how.
    const noSecondFactor = await sessionFor(t.app, users.bob as string, { twoFactor: false });
    const refused = await call(t.app, "PUT", ceilingApi, noSecondFactor, { ceilingPence: "1000000" });
    expect([refused.statusCode, refused.json().error.message]).toEqual([
      403,
      expect.stringContaining("two-factor"),
    ]);
    const set = await setCeiling("bob", "1000000");
    expect(set.statusCode).toBe(200);
    expect(set.json()).toMatchObject({ ceilingPence: "1000000", isDefault: false, setByName: "Bob Brennan" });
    expect(await actions(COUNTY)).toContain("results.approval-ceiling-set");

    // A contract is set up at or below it, with a clear error naming it; by default at most it.
    const fund = (reference: string, pence?: string) => ({
      fund: "Life Chances Fund",
      organisationId: PROVIDER,
      reference,
      title: `Into work ${reference}`,
      programme: "ceiling-test",
      startsOn: "2026-01-01",
      endsOn: "2027-12-31",
      ...(pence ? { secondApprovalAbovePence: pence } : {}),
    });
    const above = await call(t.app, "POST", contracts, as("alice"), fund("CEIL-1", "1000001"));
    expect(above.statusCode).toBe(422);
    expect(above.json().error.details).toEqual([
      { field: "secondApprovalAbove", message: expect.stringContaining("at most £10,000.00") },
    ]);
    const atDefault = await call(t.app, "POST", contracts, as("alice"), fund("CEIL-2"));
    expect(atDefault.statusCode).toBe(201);
    const made = await call(t.app, "GET", `${contracts}/${atDefault.json().id}`, as("alice"));
    expect(made.json().contract.secondApprovalAbovePence).toBe("1000000");
    const form = await t.app.inject({
      url: `/authorities/${SLUG}/outcome-contracts/new`,
      headers: { cookie: as("alice").cookie },
    });
    expect(mainText(form.body)).toContain(
      "at most the authority's ceiling, £10,000.00. £10,000.00 if left empty",
    );

    // Contracts above it (set before it was lowered) are listed on its page, to lower.
    const older = await contract(2_500_000n);
    const listed = (await call(t.app, "GET", ceilingApi, as("alice"))).json().aboveCeiling;
    expect(listed.map((c: { id: string }) => c.id)).toContain(older.id);
    await setCeiling("bob", "2500000");
  });

  it("has a page its commissioners read and its administrators set it on", async () => {
    const read = await t.app.inject({ url: ceilingPage, headers: { cookie: as("alice").cookie } });
    expect(read.statusCode).toBe(200);
    expect(mainText(read.body)).toContain("£25,000.00");
    expect(mainText(read.body)).toContain("Only the authority's administrators set the ceiling.");
    expect((await postForm(t.app, as("alice"), ceilingPage, { ceiling: "£1" })).statusCode).toBe(403);
    const list = await t.app.inject({
      url: `/authorities/${SLUG}/outcome-contracts`,
      headers: { cookie: as("alice").cookie },
    });
    expect(mainText(list.body)).toContain("Ceiling for second approvals: £25,000.00");
    const wrong = await postForm(t.app, as("bob"), ceilingPage, { ceiling: "twenty pounds" });
    expect(wrong.statusCode).toBe(400);
    expect(summaryErrors(wrong.body)).toEqual([
      ["#ceiling", "Enter an amount in pounds and pence using numbers only, like £1,234.56"],
    ]);
    const done = await postForm(t.app, as("bob"), ceilingPage, { ceiling: "£30,000" });
    expect([done.statusCode, done.headers.location]).toEqual([303, `${ceilingPage}?notice=set`]);
    const after = await t.app.inject({
      url: done.headers.location as string,
      headers: { cookie: as("bob").cookie },
    });
    expect(mainText(after.body)).toContain("The ceiling is set.");
    expect(mainText(after.body)).toContain("£30,000.00");
    expect(mainText(after.body)).toContain("Bob Brennan");
    // In Welsh too.
    const welsh = await t.app.inject({
      url: ceilingPage,
      headers: { cookie: `${as("alice").cookie}; lang=cy` },
    });
    expect(mainText(welsh.body)).toContain("Nenfwd ar gyfer ail gymeradwyaeth");
    await setCeiling("bob", "2500000");
  });
});

describe("a contract's amount", () => {
  it("is lowered at once by one person, and raised only once a different person confirms it", async () => {
    const c = await contract(2_500_000n);
    // Who: the provider's people, platform administrators 403; another authority's people 404.
    for (const who of ["provider", "platform"])
      expect((await change(who, c, "1000000")).statusCode, who).toBe(403);
    expect((await change("otherAdmin", c, "1000000")).statusCode).toBe(404);
    expect((await change("alice", c, "2500001")).json().error).toMatchObject({
      code: "above_ceiling",
      details: [{ field: "amount", message: expect.stringContaining("at most £25,000.00") }],
    });

    const lowered = await change("alice", c, "1000000");
    expect([lowered.statusCode, lowered.json()]).toEqual([
      200,
      { outcome: "lowered", secondApprovalAbovePence: "1000000", raise: null },
    ]);
    expect(await amountOf(c)).toBe("1000000");

    const proposed = await change("alice", c, "2000000");
    expect(proposed.statusCode).toBe(202);
    const raise = proposed.json().raise;
    expect(raise).toMatchObject({ status: "pending", fromPence: "1000000", toPence: "2000000" });
    expect(raise.proposedByName).toBe("Alice Ashworth");
    expect(await amountOf(c)).toBe("1000000");
    // Sent again: the same raise; another while it waits: 409.
    expect((await change("carol", c, "2000000")).json().raise.id).toBe(raise.id);
    expect((await change("carol", c, "2200000")).json().error.code).toBe("raise_pending");
    // Shown on the contract's page and API with who proposed it; not to the provider.
    const page = await t.app.inject({
      url: `/authorities/${SLUG}/outcome-contracts/${c.id}`,
      headers: { cookie: as("bob").cookie },
    });
    expect(mainText(page.body)).toContain(
      "A raise of this amount to £20,000.00, proposed by Alice Ashworth, is waiting for another commissioner or administrator to confirm it.",
    );
    expect((await call(t.app, "GET", `${contracts}/${c.id}`, as("provider"))).json().pendingRaise).toBeNull();
    expect((await call(t.app, "GET", `${contracts}/${c.id}`, as("bob"))).json().pendingRaise.id).toBe(
      raise.id,
    );

    // "Your work": the others' to confirm, and waiting on them for the one who proposed it.
    const work = async (who: string) => {
      const tasks = await tasksFor(ctxs[who] as Ctx);
      const of = (list: typeof tasks.todo) => list.filter((x) => x.about.id === c.id);
      return { todo: of(tasks.todo), waiting: of(tasks.waiting) };
    };
    const bobs = await work("bob");
    expect(bobs.todo.map((x) => [x.kind, x.href, x.details.amount])).toEqual([
      ["confirm-outcome-raise", amountPage(c), "£20,000.00"],
    ]);
    expect((await work("alice")).waiting.map((x) => x.kind)).toEqual(["outcome-raise-awaiting-second"]);
    expect((await work("alice")).todo).toEqual([]);

    // Not by whoever proposed it; not without a second factor; by another, on the page's button.
    const confirm = `${amountApi(c)}/raises/${raise.id}/confirm`;
    const own = await call(t.app, "POST", confirm, as("alice"));
    expect([own.statusCode, own.json().error.code]).toEqual([409, "raise_needs_second_person"]);
    const noSecondFactor = await sessionFor(t.app, users.bob as string, { twoFactor: false });
    expect((await call(t.app, "POST", confirm, noSecondFactor)).statusCode).toBe(403);
    expect((await call(t.app, "POST", confirm, as("platform"))).statusCode).toBe(403);
    const shown = await t.app.inject({ url: amountPage(c), headers: { cookie: as("bob").cookie } });
    expect(mainText(shown.body)).toContain("Confirm the raise to £20,000.00");
    const pressed = await postForm(t.app, as("bob"), `${amountPage(c)}/raises/${raise.id}/confirm`, {});
    expect([pressed.statusCode, pressed.headers.location]).toEqual([
      303,
      `${amountPage(c)}?notice=confirmed`,
    ]);
    expect(await amountOf(c)).toBe("2000000");
    const again = await call(t.app, "POST", confirm, as("bob"));
    expect(again.json()).toMatchObject({
      status: "confirmed",
      decidedBy: users.bob,
      decidedByName: "Bob Brennan",
    });
    expect(await actions(c.id)).toEqual([
      "results.approval-amount-lowered",
      "results.approval-raise-proposed",
      "results.approval-raise-confirmed",
    ]);
    expect((await work("bob")).todo).toEqual([]);
  });

  it("refuses a raise, lets its proposer withdraw it, and a lowering supersedes one waiting", async () => {
    const c = await contract(1_000_000n);
    const propose = async (pence: string) => (await change("alice", c, pence)).json().raise.id as string;
    const decide = (who: string, id: string, what: "confirm" | "refuse") =>
      call(t.app, "POST", `${amountApi(c)}/raises/${id}/${what}`, as(who));
    // Refused by another: the amount stays; a refused raise cannot then be confirmed.
    const first = await propose("1500000");
    expect((await decide("carol", first, "refuse")).json()).toMatchObject({
      status: "refused",
      decidedByName: "Carol Cheung",
    });
    expect((await decide("bob", first, "confirm")).json().error.code).toBe("raise_closed");
    // Withdrawn by whoever proposed it, on the page's button.
    const second = await propose("1500000");
    const page = await t.app.inject({ url: amountPage(c), headers: { cookie: as("alice").cookie } });
    expect(mainText(page.body)).toContain("You proposed it on");
    expect(mainText(page.body)).toContain("Withdraw the raise");
    expect(mainText(page.body)).not.toContain("Confirm the raise");
    expect(
      (await postForm(t.app, as("alice"), `${amountPage(c)}/raises/${second}/refuse`, {})).statusCode,
    ).toBe(303);
    // A lowering while one waits takes effect and supersedes it.
    const third = await propose("2000000");
    expect((await change("bob", c, "800000")).json().outcome).toBe("lowered");
    expect((await decide("carol", third, "confirm")).json().error.code).toBe("raise_closed");
    expect(await amountOf(c)).toBe("800000");
    // The ceiling lowered between the proposal and its confirmation: refused, naming the ceiling.
    const fourth = await propose("2000000");
    expect((await setCeiling("bob", "1500000")).statusCode).toBe(200);
    const late = await decide("carol", fourth, "confirm");
    expect([late.statusCode, late.json().error.message]).toEqual([
      422,
      expect.stringContaining("£15,000.00"),
    ]);
    await setCeiling("bob", "2500000");
    // The form on the page: a bad amount re-rendered with its error; the same amount changes nothing.
    const bad = await postForm(t.app, as("alice"), amountPage(c), { amount: "lots" });
    expect(bad.statusCode).toBe(400);
    expect(summaryErrors(bad.body).map(([href]) => href)).toEqual(["#amount"]);
    const same = await postForm(t.app, as("alice"), amountPage(c), { amount: "£8,000" });
    expect(same.headers.location).toBe(`${amountPage(c)}?notice=unchanged`);
    const lower = await postForm(t.app, as("alice"), amountPage(c), { amount: "£7,000" });
    expect(lower.headers.location).toBe(`${amountPage(c)}?notice=lowered`);
    expect(await amountOf(c)).toBe("700000");
  });
});

describe("a change of the amount between a run's approvals and its payment", () => {
  /** A contract whose September run pays £400 (one attachment), computed. */
  async function computedRun(amountPence: bigint) {
    const c = await contract(amountPence);
    await attach(db(), c, [{ group: "jsa-18-24", on: "2026-09-03" }], t.deps.clock.now());
    const run = await startRun(ctxs.alice as Ctx, COUNTY, c.id, { month: "2026-09" });
    await computeRun(ctxs.alice as Ctx, COUNTY, c.id, run.id);
    return { c, runId: run.id };
  }
  const pay = (who: string, c: FixtureContract, runId: string) =>
    call(t.app, "POST", `${runApi(c, runId)}/pay`, as(who));
  const runOf = async (c: FixtureContract, runId: string) =>
    (await call(t.app, "GET", runApi(c, runId), as("alice"))).json().run;
  const kinds = async (who: string, c: FixtureContract) =>
    (await tasksFor(ctxs[who] as Ctx)).todo.filter((x) => x.about.id === c.id).map((x) => x.kind);

  it("a lowering sends a run approved by one person back for a second approval", async () => {
    // £400 is within £500: Alice's approval is enough, until the amount is lowered to £300.
    const { c, runId } = await computedRun(50_000n);
    expect((await approveRun(ctxs.alice as Ctx, COUNTY, c.id, runId)).status).toBe("approved");
    expect((await change("alice", c, "30000")).json().outcome).toBe("lowered");
    expect(await runOf(c, runId)).toMatchObject({ status: "computed", approvalsNeeded: 2 });
    const early = await pay("alice", c, runId);
    expect([early.statusCode, early.json().error.code]).toEqual([409, "run_not_approved"]);
    expect(await kinds("bob", c)).toEqual(["second-approve-outcome-run"]);
    expect(await actions(runId)).toContain("outcome-run.second-approval-needed");
    // Alice again changes nothing; Bob's second approval lets it be paid.
    expect((await call(t.app, "POST", `${runApi(c, runId)}/approve`, as("alice"))).json().status).toBe(
      "computed",
    );
    expect((await call(t.app, "POST", `${runApi(c, runId)}/approve`, as("bob"))).json().status).toBe(
      "approved",
    );
    expect((await pay("alice", c, runId)).json().status).toBe("paid");
  });

  it("a raise confirmed between the approvals never lets a run through with one", async () => {
    // £400 is above £300: two people. Alice approves; a raise to £500 is confirmed meanwhile.
    const { c, runId } = await computedRun(30_000n);
    expect((await approveRun(ctxs.alice as Ctx, COUNTY, c.id, runId)).status).toBe("computed");
    const raise = (await change("alice", c, "50000")).json().raise;
    await call(t.app, "POST", `${amountApi(c)}/raises/${raise.id}/confirm`, as("bob"));
    expect(await amountOf(c)).toBe("50000");
    // Still two: paying is refused, Alice approving again changes nothing, the page says why.
    expect((await pay("alice", c, runId)).json().error.code).toBe("run_not_approved");
    expect((await call(t.app, "POST", `${runApi(c, runId)}/approve`, as("alice"))).json()).toMatchObject({
      status: "computed",
      approvalsNeeded: 2,
    });
    const page = await t.app.inject({
      url: `/authorities/${SLUG}/outcome-contracts/${c.id}/runs/${runId}`,
      headers: { cookie: as("alice").cookie },
    });
    expect(mainText(page.body)).toContain(
      "a raise of the amount since (now £500.00) does not take a second approval away",
    );
    expect(await kinds("carol", c)).toEqual(["second-approve-outcome-run"]);
    expect((await call(t.app, "POST", `${runApi(c, runId)}/approve`, as("carol"))).json().status).toBe(
      "approved",
    );
    expect((await pay("alice", c, runId)).json().status).toBe("paid");
    // Lowered after it was paid: its page says one person approved it before.
    await change("alice", c, "10000");
    const paid = await t.app.inject({
      url: `/authorities/${SLUG}/outcome-contracts/${c.id}/runs/${runId}`,
      headers: { cookie: as("alice").cookie },
    });
    expect(mainText(paid.body)).toContain("Two different people approve this run");
  });

  it("a run paid on one approval says so once the amount is lowered below its payment", async () => {
    const { c, runId } = await computedRun(50_000n);
    await approveRun(ctxs.alice as Ctx, COUNTY, c.id, runId);
    expect((await pay("alice", c, runId)).json().status).toBe("paid");
    await change("alice", c, "30000");
    expect(await runOf(c, runId)).toMatchObject({ status: "paid", approvalsNeeded: 1 });
    const page = await t.app.inject({
      url: `/authorities/${SLUG}/outcome-contracts/${c.id}/runs/${runId}`,
      headers: { cookie: as("alice").cookie },
    });
    expect(mainText(page.body)).toContain(
      "One person approved this run, which was paid before the contract's amount was lowered to £300.00.",
    );
  });
});
