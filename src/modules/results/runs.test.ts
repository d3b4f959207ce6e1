/**
 * Payment runs and the ledger (one seeded app for the file), on tariff attachment claims: the
 * lifecycle through the API (start, compute, approve by two different people above the contract's
 * amount, pay, pay again), who may do what, recoveries brought forward and carried forward, a
 * correction, a crash in the middle of paying and its restart, the pages, and a property test that
 * reruns change nothing and every run reconciles.
 */
import fc from "fast-check";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import {
  createUser,
  postForm,
  sessionFor,
  type TestSession,
  userWithRole,
} from "../../../tests/support/auth.ts";
import { runDueJobs } from "../../../tests/support/jobs.ts";
import { mainText } from "../../../tests/support/pages.ts";
import { ctxFor, principalOf } from "../../../tests/support/principals.ts";
import { encodeKey } from "../../db/paging.ts";
import type { SettableClock } from "../../lib/clock.ts";
import { newId } from "../../lib/ids.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_ORGANISATION } from "../../seed/demo/organisations.ts";
import type { Ctx } from "../access/context.ts";
import { type ComputeOptions, SimulatedCrash } from "./claims.service.ts";
import { insertEvent, insertOutcomeContract, insertParticipant } from "./claims.test-fixtures.ts";
import type { OutcomePricesDefinition, TariffDefinition } from "./models.ts";
import { latestOutcomesChange, OPEN_FIGURES_MAX_AGE_MS, outcomeFigureRows } from "./open-data.service.ts";
import { addModelVersion } from "./outcome-contracts.service.ts";
import { resultsJobHandlers } from "./results.jobs.ts";
import {
  approveRun,
  COMPUTE_RUN_QUEUE,
  cancelRun,
  computeRun,
  InjectedCrash,
  payRun,
  settle,
  startRun,
} from "./runs.service.ts";
import {
  attach,
  type FixtureContract,
  GROUPS,
  type Group,
  makeOutcomeContract,
  owe,
  TARIFF,
} from "./runs.test-fixtures.ts";
import { tasksFor } from "./tasks.service.ts";

const COUNTY = DEMO_AUTHORITY.county;
const PROVIDER = DEMO_ORGANISATION.carersTrust;

let t: TestApp;
const users: Record<string, string> = {};
const sessions: Record<string, TestSession> = {};
const as = (who: string) => sessions[who] as TestSession;
const ctxs: Record<string, Ctx> = {};
const now = () => t.deps.clock.now();
const db = () => t.deps.db;
const api = (c: FixtureContract) => `/api/v1/authorities/${c.authorityId}/outcome-contracts/${c.id}`;

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  const make = userWithRole.bind(null, t.deps.db);
  users.alice = await make("commissioner", COUNTY, "Alice Ashworth");
  users.bob = await make("authority-admin", COUNTY, "Bob Brennan");
  users.provider = await make("organisation-admin", PROVIDER);
  users.otherProvider = await make("organisation-admin", DEMO_ORGANISATION.communityHealthMutual);
  users.otherCommissioner = await make("commissioner", DEMO_AUTHORITY.district);
  for (const [who, id] of Object.entries(users)) {
    sessions[who] = await sessionFor(t.app, id, { twoFactor: true });
    ctxs[who] = ctxFor(t.deps.db, t.deps.clock, await principalOf(t.deps.db, id));
  }
});

afterAll(async () => {
  await t?.close();
});

const contract = (secondApprovalAbovePence?: bigint) =>
  makeOutcomeContract(db(), {
    authorityId: COUNTY,
    organisationId: PROVIDER,
    at: now(),
    ...(secondApprovalAbovePence !== undefined ? { secondApprovalAbovePence } : {}),
  });

/** The queue run once, with the results module's handlers (`compute`: the engine's test options). */
const runJobs = (compute?: ComputeOptions) =>
  runDueJobs(t.deps, resultsJobHandlers(compute ? { compute } : {}));

/** The jobs queued to compute a run, oldest first. */
function computeJobs(runId: string) {
  return db()
    .selectFrom("jobs")
    .select(["id", "status", "attempts", "last_error", "run_at"])
    .where("queue", "=", COMPUTE_RUN_QUEUE)
    .where(sql<boolean>`payload->>'runId' = ${runId}`)
    .orderBy("created_at")
    .execute();
}

async function ledgerOf(c: FixtureContract) {
  return db()
    .selectFrom("outcome_ledger")
    .select(["kind", "amount_pence", "idempotency_key", "run_id"])
    .where("authority_id", "=", c.authorityId)
    .where("contract_id", "=", c.id)
    .orderBy("idempotency_key")
    .execute();
}

describe("a run through the API", () => {
  it("starts, computes, is approved by two different people above the amount, pays once, and reruns change nothing", async () => {
    const c = await contract(50_000n);
    await attach(
      db(),
      c,
      [
        { group: "jsa-18-24", on: "2026-09-03" },
        { group: "jsa-25-plus", on: "2026-09-30" },
        { group: "jsa-25-plus", on: "2026-10-02" },
      ],
      now(),
    );
    // Anyone with no reason to see the contract: 404; the provider may read but not run payments: 403.
    expect(
      (await call(t.app, "POST", `${api(c)}/runs`, as("otherProvider"), { month: "2026-09" })).statusCode,
    ).toBe(404);
    expect(
      (await call(t.app, "POST", `${api(c)}/runs`, as("otherCommissioner"), { month: "2026-09" })).statusCode,
    ).toBe(404);
    expect(
      (await call(t.app, "POST", `${api(c)}/runs`, as("provider"), { month: "2026-09" })).statusCode,
    ).toBe(403);
    // A month not over yet, or outside the term: 422, saying what to choose.
    const notOver = await call(t.app, "POST", `${api(c)}/runs`, as("alice"), { month: "2026-11" });
    expect(notOver.statusCode).toBe(422);
    expect(notOver.json().error.message).toContain("ended before today");
    expect((await call(t.app, "POST", `${api(c)}/runs`, as("alice"), { month: "2025-12" })).statusCode).toBe(
      422,
    );

    const started = await call(t.app, "POST", `${api(c)}/runs`, as("alice"), { month: "2026-09" });
    expect(started.statusCode).toBe(201);
    const run = started.json();
    expect(run).toMatchObject({ status: "computing", periodStart: "2026-09-01", periodEnd: "2026-09-30" });
    // One open run at a time.
    const second = await call(t.app, "POST", `${api(c)}/runs`, as("alice"), { month: "2026-10" });
    expect(second.statusCode).toBe(409);
    expect(second.json().error.code).toBe("run_open");
    // Approving before computing: 409.
    expect((await call(t.app, "POST", `${api(c)}/runs/${run.id}/approve`, as("alice"))).statusCode).toBe(409);

    // Evidence recorded after the run started waits for the next run.
    await attach(db(), c, [{ group: "jsa-18-24", on: "2026-09-15" }], new Date(now().getTime() + 60_000));
    // Computing is a queued job: 202 with the run computing and where to poll; asking again while
    // it waits queues nothing more.
    const asked = await call(t.app, "POST", `${api(c)}/runs/${run.id}/compute`, as("alice"));
    expect(asked.statusCode).toBe(202);
    expect(asked.headers.location).toBe(`${api(c)}/runs/${run.id}`);
    expect(asked.json()).toMatchObject({ status: "computing", progress: { job: { status: "queued" } } });
    expect((await call(t.app, "POST", `${api(c)}/runs/${run.id}/compute`, as("alice"))).statusCode).toBe(202);
    expect(await computeJobs(run.id)).toHaveLength(1);
    expect(await runJobs()).toMatchObject({ claimed: 1, done: 1 });
    const computed = await call(t.app, "GET", String(asked.headers.location), as("alice"));
    expect(computed.statusCode).toBe(200);
    // September's two attachments: £400 + £450; October's is not in the period.
    expect(computed.json().run).toMatchObject({
      status: "computed",
      claimsPence: "85000",
      claimCount: 2,
      refusedCount: 0,
      recoveriesDuePence: "0",
      recoveredPence: "0",
      paymentPence: "85000",
      carriedForwardPence: "0",
      approvalsNeeded: 2,
      progress: null,
    });
    // A computed run is answered as it is (200), and no job is queued.
    const again = await call(t.app, "POST", `${api(c)}/runs/${run.id}/compute`, as("alice"));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(computed.json().run);
    expect(await computeJobs(run.id)).toHaveLength(1);

    // Two different people: Alice's second approval changes nothing; paying needs Bob's.
    expect((await call(t.app, "POST", `${api(c)}/runs/${run.id}/approve`, as("provider"))).statusCode).toBe(
      403,
    );
    const first = await call(t.app, "POST", `${api(c)}/runs/${run.id}/approve`, as("alice"));
    // Each approval names its approver (the authority's staff) beside their id.
    expect(first.json()).toMatchObject({
      status: "computed",
      approvals: [{ userId: users.alice, name: "Alice Ashworth" }],
    });
    expect((await call(t.app, "POST", `${api(c)}/runs/${run.id}/approve`, as("alice"))).json().status).toBe(
      "computed",
    );
    const early = await call(t.app, "POST", `${api(c)}/runs/${run.id}/pay`, as("alice"));
    expect(early.statusCode).toBe(409);
    expect(early.json().error.message).toContain("two different people");
    const approved = await call(t.app, "POST", `${api(c)}/runs/${run.id}/approve`, as("bob"));
    expect(approved.json().status).toBe("approved");

    const paid = await call(t.app, "POST", `${api(c)}/runs/${run.id}/pay`, as("bob"));
    expect(paid.statusCode).toBe(200);
    expect(paid.json()).toMatchObject({ status: "paid", paymentPence: "85000" });
    const ledger = await ledgerOf(c);
    expect(ledger).toEqual([
      { kind: "payment", amount_pence: 85_000n, idempotency_key: `run:${run.id}:payment`, run_id: run.id },
    ]);
    // Paying again: 200 with the same run; nothing written.
    const repaid = await call(t.app, "POST", `${api(c)}/runs/${run.id}/pay`, as("alice"));
    expect(repaid.statusCode).toBe(200);
    expect(repaid.json()).toEqual(paid.json());
    expect(await ledgerOf(c)).toEqual(ledger);
    expect((await call(t.app, "POST", `${api(c)}/runs/${run.id}/compute`, as("alice"))).json()).toEqual(
      paid.json(),
    );

    // The provider is told, and sees its payments and the run's claims (with the references only).
    const told = await db()
      .selectFrom("notifications")
      .select(["kind", "link"])
      .where("user_id", "=", users.provider as string)
      .where("kind", "=", "results.run-paid")
      .execute();
    expect(told).toEqual([
      {
        kind: "results.run-paid",
        link: `/authorities/westshire-county-council/outcome-contracts/${c.id}/payments`,
      },
    ]);
    const seen = await call(t.app, "GET", `${api(c)}/ledger`, as("provider"));
    expect(seen.json().entries).toMatchObject([{ kind: "payment", amountPence: "85000", runId: run.id }]);
    const detail = await call(t.app, "GET", `${api(c)}/runs/${run.id}?pageSize=1`, as("provider"));
    expect(detail.statusCode).toBe(200);
    expect(detail.json().claims).toHaveLength(1);
    expect(detail.json().claims[0]).toMatchObject({ rule: "attachment", problems: [] });
    const rest = await call(
      t.app,
      "GET",
      `${api(c)}/runs/${run.id}?after=${detail.json().next}`,
      as("provider"),
    );
    expect(rest.json().claims).toHaveLength(1);
    expect(rest.json().next).toBeNull();
    // Every step is on the authority's audit chain.
    const audited = await db()
      .selectFrom("audit_events")
      .select("action")
      .where("authority_id", "=", COUNTY)
      .where("entity_id", "=", run.id)
      .orderBy("seq")
      .execute();
    expect(audited.map((a) => a.action)).toEqual([
      "outcome-run.started",
      "outcome-run.compute-requested",
      "outcome-run.computed",
      "outcome-run.approval-recorded",
      "outcome-run.approved",
      "outcome-run.paid",
    ]);

    // Months in order: not August; October pays October's attachment and the late September one,
    // never September's again.
    const back = await call(t.app, "POST", `${api(c)}/runs`, as("alice"), { month: "2026-08" });
    expect(back.statusCode).toBe(409);
    expect(back.json().error.code).toBe("run_out_of_order");
    (t.deps.clock as SettableClock).advance(120_000);
    const oct = (await call(t.app, "POST", `${api(c)}/runs`, as("alice"), { month: "2026-10" })).json();
    const octComputed = await computeRun(ctxs.alice as Ctx, COUNTY, c.id, oct.id);
    expect(octComputed).toMatchObject({ claimsPence: "85000", claimCount: 2, approvalsNeeded: 2 });
    // The runs, the latest month first, a page at a time (the provider reads them too).
    const latest = await call(t.app, "GET", `${api(c)}/runs?pageSize=1`, as("provider"));
    expect(latest.json().runs.map((r: { periodStart: string }) => r.periodStart)).toEqual(["2026-10-01"]);
    const earlier = await call(
      t.app,
      "GET",
      `${api(c)}/runs?pageSize=1&after=${latest.json().next}`,
      as("provider"),
    );
    expect(earlier.json().runs[0]).toMatchObject({ periodStart: "2026-09-01", status: "paid" });
    expect(
      earlier
        .json()
        .runs[0].approvals.map((a: { userId: string }) => a.userId)
        .sort(),
    ).toEqual([users.alice, users.bob].sort());
    expect(earlier.json().next).toBeNull();
  });

  it("recovers what the provider owes from the claims, carries the rest forward, and records corrections once", async () => {
    const c = await contract();
    await attach(db(), c, [{ group: "jsa-18-24", on: "2026-08-10" }], now());
    await attach(db(), c, [{ group: "jsa-25-plus", on: "2026-09-10" }], now());
    await owe(db(), c, 100_000n, now());
    const aug = await startRun(ctxs.alice as Ctx, COUNTY, c.id, { month: "2026-08" });
    const augComputed = await computeRun(ctxs.alice as Ctx, COUNTY, c.id, aug.id);
    expect(augComputed).toMatchObject({
      claimsPence: "40000",
      recoveriesDuePence: "100000",
      recoveredPence: "40000",
      paymentPence: "0",
      carriedForwardPence: "60000",
      approvalsNeeded: 1,
    });
    await approveRun(ctxs.bob as Ctx, COUNTY, c.id, aug.id);
    await payRun(ctxs.bob as Ctx, COUNTY, c.id, aug.id);
    const sep = await startRun(ctxs.alice as Ctx, COUNTY, c.id, { month: "2026-09" });
    expect(await computeRun(ctxs.alice as Ctx, COUNTY, c.id, sep.id)).toMatchObject({
      claimsPence: "45000",
      recoveriesDuePence: "60000",
      recoveredPence: "45000",
      paymentPence: "0",
      carriedForwardPence: "15000",
    });
    await approveRun(ctxs.alice as Ctx, COUNTY, c.id, sep.id);
    await payRun(ctxs.alice as Ctx, COUNTY, c.id, sep.id);
    expect((await ledgerOf(c)).map((l) => [l.kind, l.amount_pence])).toEqual([
      ["recovery", 40_000n],
      ["recovery", 45_000n],
    ]);

    // A correction: a new signed row, once per key; the same key for another request is refused.
    const body = {
      amount: "-125.50",
      reason: "Attachment fee paid twice in March, agreed with the provider",
    };
    const post = (b: unknown, key: string, who = "alice") =>
      t.app.inject({
        method: "POST",
        url: `${api(c)}/ledger/corrections`,
        headers: { cookie: as(who).cookie, "content-type": "application/json", "idempotency-key": key },
        payload: JSON.stringify(b),
      });
    expect((await post(body, "correction-key-1", "provider")).statusCode).toBe(403);
    const made = await post(body, "correction-key-1");
    expect(made.statusCode).toBe(201);
    expect(made.json()).toMatchObject({ kind: "correction", amountPence: "-12550" });
    const retried = await post(body, "correction-key-1");
    expect(retried.headers["idempotent-replayed"]).toBe("true");
    expect(retried.json()).toEqual(made.json());
    expect((await post({ ...body, amount: "-1.00" }, "correction-key-1")).statusCode).toBe(409);
    const zero = await post({ ...body, amount: "0" }, "correction-key-2");
    expect(zero.statusCode).toBe(400);
    expect(zero.json().error.details[0].field).toBe("amount");
    expect((await ledgerOf(c)).filter((l) => l.kind === "correction")).toHaveLength(1);
  });
});

describe("a crash in the middle of paying", () => {
  it("writes nothing, and paying again gives the ledger a clean run gives", async () => {
    const twins = [await contract(), await contract()] as const;
    const runs: string[] = [];
    for (const c of twins) {
      await attach(
        db(),
        c,
        [
          { group: "jsa-25-plus", on: "2026-07-07" },
          { group: "jsa-18-24", on: "2026-07-20" },
        ],
        now(),
      );
      await owe(db(), c, 30_000n, now());
      const run = await startRun(ctxs.alice as Ctx, COUNTY, c.id, { month: "2026-07" });
      await computeRun(ctxs.alice as Ctx, COUNTY, c.id, run.id);
      await approveRun(ctxs.alice as Ctx, COUNTY, c.id, run.id);
      runs.push(run.id);
    }
    const [crashed, clean] = twins;
    await expect(
      payRun(ctxs.alice as Ctx, COUNTY, crashed.id, runs[0] as string, { crashAfterRows: 1 }),
    ).rejects.toBeInstanceOf(InjectedCrash);
    expect(await ledgerOf(crashed)).toEqual([]);
    // After both rows, before the run is marked paid: nothing either.
    await expect(
      payRun(ctxs.alice as Ctx, COUNTY, crashed.id, runs[0] as string, { crashAfterRows: 2 }),
    ).rejects.toBeInstanceOf(InjectedCrash);
    expect(await ledgerOf(crashed)).toEqual([]);
    const restarted = await payRun(ctxs.alice as Ctx, COUNTY, crashed.id, runs[0] as string);
    const once = await payRun(ctxs.alice as Ctx, COUNTY, clean.id, runs[1] as string);
    const shape = async (c: FixtureContract, runId: string) =>
      (await ledgerOf(c)).map((l) => ({
        ...l,
        idempotency_key: l.idempotency_key.replace(runId, "RUN"),
        run_id: "RUN",
      }));
    expect(await shape(crashed, runs[0] as string)).toEqual(await shape(clean, runs[1] as string));
    expect(await shape(crashed, runs[0] as string)).toEqual([
      { kind: "payment", amount_pence: 55_000n, idempotency_key: "run:RUN:payment", run_id: "RUN" },
      { kind: "recovery", amount_pence: 30_000n, idempotency_key: "run:RUN:recovery", run_id: "RUN" },
    ]);
    const {
      id: _a,
      paidAt: _p,
      startedAt: _s,
      computedAt: _c,
      contractId: _k,
      approvals: _v,
      ...figures
    } = restarted;
    const {
      id: _b,
      paidAt: _q,
      startedAt: _t,
      computedAt: _d,
      contractId: _l,
      approvals: _w,
      ...cleanFigures
    } = once;
    expect(figures).toEqual(cleanFigures);
  });
});

describe("Your work: runs to approve and to pay", () => {
  it("asks the commissioners to approve, then the others for the second approval, then to pay", async () => {
    const c = await contract(50_000n);
    await attach(
      db(),
      c,
      [
        { group: "jsa-18-24", on: "2026-05-04" },
        { group: "jsa-25-plus", on: "2026-05-11" },
      ],
      now(),
    );
    const run = await startRun(ctxs.alice as Ctx, COUNTY, c.id, { month: "2026-05" });
    const kindsOf = async (who: string) => {
      const tasks = await tasksFor(ctxs[who] as Ctx);
      const of = (list: { kind: string; about: { id: string } }[]) =>
        list.filter((x) => x.about.id === c.id).map((x) => x.kind);
      return { todo: of(tasks.todo), waiting: of(tasks.waiting) };
    };
    expect(await kindsOf("alice")).toEqual({ todo: [], waiting: [] });
    await computeRun(ctxs.alice as Ctx, COUNTY, c.id, run.id);
    expect(await kindsOf("alice")).toEqual({ todo: ["approve-outcome-run"], waiting: [] });
    const task = (await tasksFor(ctxs.bob as Ctx)).todo.find((x) => x.about.id === c.id);
    expect(task?.href).toBe(`/authorities/westshire-county-council/outcome-contracts/${c.id}/runs/${run.id}`);
    // £850 is above the contract's £500: once Alice approves, it is Bob's, and waits on him for her.
    await approveRun(ctxs.alice as Ctx, COUNTY, c.id, run.id);
    expect(await kindsOf("alice")).toEqual({ todo: [], waiting: ["outcome-run-awaiting-second"] });
    expect(await kindsOf("bob")).toEqual({ todo: ["second-approve-outcome-run"], waiting: [] });
    await approveRun(ctxs.bob as Ctx, COUNTY, c.id, run.id);
    expect(await kindsOf("alice")).toEqual({ todo: ["pay-outcome-run"], waiting: [] });
    // Not the provider's, nor another authority's commissioner's.
    expect(await kindsOf("provider")).toEqual({ todo: [], waiting: [] });
    expect(await kindsOf("otherCommissioner")).toEqual({ todo: [], waiting: [] });
    await payRun(ctxs.alice as Ctx, COUNTY, c.id, run.id);
    expect(await kindsOf("bob")).toEqual({ todo: [], waiting: [] });
  });
});

describe("a crash in the middle of computing", () => {
  it("leaves the run computing; computing again gives exactly what one clean compute gives", async () => {
    const twins = [await contract(), await contract()] as const;
    const people: { group: Group; on: string }[] = [
      { group: "jsa-25-plus", on: "2026-06-02" },
      { group: "jsa-18-24", on: "2026-06-09" },
      { group: "jsa-25-plus", on: "2026-06-16" },
      { group: "jsa-18-24", on: "2026-06-23" },
      { group: "jsa-18-24", on: "2026-06-30" },
    ];
    const runs: string[] = [];
    for (const c of twins) {
      await attach(db(), c, people, now());
      await owe(db(), c, 10_000n, now());
      runs.push((await startRun(ctxs.alice as Ctx, COUNTY, c.id, { month: "2026-06" })).id);
    }
    const [crashed, clean] = twins;
    const claimsOf = (c: FixtureContract) =>
      db()
        .selectFrom("outcome_claims")
        .select(["rule", "amount_pence", "problems"])
        .where("authority_id", "=", COUNTY)
        .where("contract_id", "=", c.id)
        .orderBy("amount_pence")
        .execute();
    // Two participants a chunk; the process dies after the first chunk has committed.
    await expect(
      computeRun(ctxs.alice as Ctx, COUNTY, crashed.id, runs[0] as string, {
        chunkSize: 2,
        crashAfterChunks: 1,
      }),
    ).rejects.toBeInstanceOf(SimulatedCrash);
    expect(await claimsOf(crashed)).toHaveLength(2);
    const midway = await db()
      .selectFrom("outcome_runs")
      .select(["status", "claim_count"])
      .where("authority_id", "=", COUNTY)
      .where("id", "=", runs[0] as string)
      .executeTakeFirstOrThrow();
    expect(midway).toEqual({ status: "computing", claim_count: 0 });

    const restarted = await computeRun(ctxs.alice as Ctx, COUNTY, crashed.id, runs[0] as string, {
      chunkSize: 2,
    });
    const once = await computeRun(ctxs.alice as Ctx, COUNTY, clean.id, runs[1] as string);
    expect(await claimsOf(crashed)).toEqual(await claimsOf(clean));
    const figures = ({ id: _i, startedAt: _s, computedAt: _c, contractId: _k, ...rest }: typeof once) => rest;
    expect(figures(restarted)).toEqual(figures(once));
    // 2 × £450 + 3 × £400 = £2,100; the £100 owed is recovered from it.
    expect(restarted).toMatchObject({
      status: "computed",
      claimCount: 5,
      claimsPence: "210000",
      recoveredPence: "10000",
      paymentPence: "200000",
    });
    // Computing it again changes nothing.
    expect(figures(await computeRun(ctxs.alice as Ctx, COUNTY, crashed.id, runs[0] as string))).toEqual(
      figures(restarted),
    );
  });
});

describe("reruns and the reconciliation identity (property)", () => {
  it("settles any claims against any owed: claims = payment + recovered, owed = recovered + carried", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        (claims, owed) => {
          const s = settle(claims, owed);
          expect(s.payment + s.recovered).toBe(claims);
          expect(s.recovered + s.carriedForward).toBe(owed);
          expect(s.payment >= 0n && s.recovered >= 0n && s.carriedForward >= 0n).toBe(true);
          expect(s.payment === 0n || s.carriedForward === 0n).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("months of attachments and recoveries: every run reconciles, reruns change nothing, the ledger adds up", async () => {
    const month = fc.record({
      people: fc.array(fc.constantFrom<Group>("jsa-18-24", "jsa-25-plus"), { maxLength: 3 }),
      owed: fc.constantFrom(0n, 25_000n, 90_000n),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(month, { minLength: 1, maxLength: 3 }), async (months) => {
        const c = await contract(60_000n);
        let claimed = 0n;
        let raised = 0n;
        let lastCarried = 0n;
        for (const [i, m] of months.entries()) {
          const ym = `2026-0${i + 1}`;
          await attach(
            db(),
            c,
            m.people.map((group) => ({ group, on: `${ym}-15` })),
            now(),
          );
          if (m.owed > 0n) await owe(db(), c, m.owed, now());
          raised += m.owed;
          const run = await startRun(ctxs.alice as Ctx, COUNTY, c.id, { month: ym });
          const computed = await computeRun(ctxs.alice as Ctx, COUNTY, c.id, run.id);
          const expected = m.people.reduce((s, g) => s + GROUPS[g], 0n);
          expect(BigInt(computed.claimsPence)).toBe(expected);
          claimed += expected;
          const [cl, pay, rec, due, carried] = [
            computed.claimsPence,
            computed.paymentPence,
            computed.recoveredPence,
            computed.recoveriesDuePence,
            computed.carriedForwardPence,
          ].map(BigInt) as [bigint, bigint, bigint, bigint, bigint];
          expect(cl).toBe(pay + rec);
          expect(due).toBe(rec + carried);
          expect(due).toBe(lastCarried + m.owed);
          lastCarried = carried;
          await approveRun(ctxs.alice as Ctx, COUNTY, c.id, run.id);
          if (computed.approvalsNeeded === 2) await approveRun(ctxs.bob as Ctx, COUNTY, c.id, run.id);
          const paid = await payRun(ctxs.alice as Ctx, COUNTY, c.id, run.id);
          const before = await ledgerOf(c);
          // Reruns: paying, computing, approving again change nothing.
          expect(await payRun(ctxs.bob as Ctx, COUNTY, c.id, run.id)).toEqual(paid);
          expect(await computeRun(ctxs.alice as Ctx, COUNTY, c.id, run.id)).toEqual(paid);
          expect(await approveRun(ctxs.alice as Ctx, COUNTY, c.id, run.id)).toEqual(paid);
          expect(await ledgerOf(c)).toEqual(before);
        }
        const ledger = await ledgerOf(c);
        const sum = (kind: string) =>
          ledger.filter((l) => l.kind === kind).reduce((s, l) => s + l.amount_pence, 0n);
        expect(sum("payment") + sum("recovery")).toBe(claimed);
        expect(raised - sum("recovery")).toBe(lastCarried);
      }),
      { numRuns: 6 },
    );
  });
});

describe("the pages", () => {
  it("start and compute a run, show its claims and reconciliation, approve and pay it; the provider sees the payments", async () => {
    const c = await contract();
    await attach(db(), c, [{ group: "jsa-18-24", on: "2026-06-11" }], now());
    const base = `/authorities/westshire-county-council/outcome-contracts/${c.id}`;
    const list = await t.app.inject({
      method: "GET",
      url: `${base}/runs`,
      headers: { cookie: as("alice").cookie },
    });
    expect(list.statusCode).toBe(200);
    expect(mainText(list.body)).toContain("No run has been started yet.");
    const bad = await postForm(t.app, as("alice"), `${base}/runs`, { month: "June" });
    expect(bad.statusCode).toBe(400);
    expect(mainText(bad.body)).toContain("Enter the month paid for as a year and month");
    const started = await postForm(t.app, as("alice"), `${base}/runs`, { month: "2026-06" });
    expect(started.statusCode).toBe(303);
    const runUrl = String(started.headers.location);
    // Its job is queued: the page says so, with a link to refresh it (nothing refreshes by itself).
    const waiting = await t.app.inject({
      method: "GET",
      url: runUrl,
      headers: { cookie: as("alice").cookie },
    });
    expect(mainText(waiting.body)).toContain("Waiting to be computed: asked for at");
    expect(waiting.body).toContain(`href="${runUrl}">Refresh this page to see how far it has got</a>`);
    expect(waiting.body).not.toContain('http-equiv="refresh"');
    expect(mainText(waiting.body)).not.toContain("Compute the claims");
    expect(await runJobs()).toMatchObject({ done: 1 });
    const shown = await t.app.inject({ method: "GET", url: runUrl, headers: { cookie: as("alice").cookie } });
    const text = mainText(shown.body);
    expect(text).toContain("Waiting for approval");
    expect(text).toContain("claims of £400.00 = £400.00 paid + £0.00 recovered");
    expect(text).toContain("Approve the run");
    expect((await postForm(t.app, as("alice"), `${runUrl}/approve`, {})).statusCode).toBe(303);
    const approvedPage = await t.app.inject({
      method: "GET",
      url: runUrl,
      headers: { cookie: as("provider").cookie },
    });
    expect(mainText(approvedPage.body)).toContain("Approved by Alice Ashworth at");
    expect(approvedPage.body).not.toContain(users.alice);
    expect((await postForm(t.app, as("provider"), `${runUrl}/pay`, {})).statusCode).toBe(403);
    expect((await postForm(t.app, as("alice"), `${runUrl}/pay`, {})).statusCode).toBe(303);
    const payments = await t.app.inject({
      method: "GET",
      url: `${base}/payments`,
      headers: { cookie: as("provider").cookie },
    });
    expect(payments.statusCode).toBe(200);
    expect(mainText(payments.body)).toContain("£400.00");
    expect(mainText(payments.body)).not.toContain("Record a correction");
    // A correction through the form: a new signed entry; a nought refused with the field named.
    const nought = await postForm(t.app, as("alice"), `${base}/payments`, {
      amount: "0",
      reason: "Nothing",
      idempotencyKey: "page-correction-0",
    });
    expect(nought.statusCode).toBe(400);
    expect(nought.body).toContain('href="#amount"');
    const corrected = await postForm(t.app, as("alice"), `${base}/payments`, {
      amount: "-10.00",
      reason: "Paid ten pounds too much in June",
      idempotencyKey: "page-correction-1",
    });
    expect(corrected.statusCode).toBe(303);
    const after = await t.app.inject({
      method: "GET",
      url: `${base}/payments`,
      headers: { cookie: as("alice").cookie },
    });
    expect(mainText(after.body)).toContain("Paid ten pounds too much in June");
    expect(mainText(after.body)).toContain("-£10.00");
    const other = await t.app.inject({
      method: "GET",
      url: `${base}/payments`,
      headers: { cookie: as("otherProvider").cookie },
    });
    expect(other.statusCode).toBe(404);
  });
});

describe("review fixes: who moves money, the run's model, page keys", () => {
  it("refuses approving and paying to platform administrators, to a provider's person who is also a commissioner, and without a two-factor session", async () => {
    const c = await contract();
    await attach(db(), c, [{ group: "jsa-18-24", on: "2026-09-03" }], now());
    const run = await startRun(ctxs.alice as Ctx, COUNTY, c.id, { month: "2026-09" });
    await computeRun(ctxs.alice as Ctx, COUNTY, c.id, run.id);
    const admin = (await createUser(db(), { grants: [{ role: "platform-admin" }] })).id;
    const both = (
      await createUser(db(), {
        grants: [
          { role: "commissioner", scopeId: COUNTY },
          { role: "organisation-member", scopeId: PROVIDER },
        ],
      })
    ).id;
    const approve = `${api(c)}/runs/${run.id}/approve`;
    for (const [who, twoFactor] of [
      [admin, true],
      [both, true],
      [users.alice as string, false],
    ] as const) {
      const session = await sessionFor(t.app, who, { twoFactor });
      const refused = await call(t.app, "POST", approve, session);
      expect(refused.statusCode).toBe(403);
      expect((await call(t.app, "POST", `${api(c)}/runs/${run.id}/pay`, session)).statusCode).toBe(403);
    }
    // The platform administrator still reads the run; the message says whom to ask.
    const adminSession = await sessionFor(t.app, admin, { twoFactor: true });
    expect((await call(t.app, "GET", `${api(c)}/runs/${run.id}`, adminSession)).statusCode).toBe(200);
    expect((await call(t.app, "POST", approve, adminSession)).json().error.message).toContain(
      "Platform administrators read payments",
    );
    // An API token has no second factor: refused in the service too.
    const token = ctxFor(db(), t.deps.clock, {
      ...(await principalOf(db(), users.alice as string)),
      via: "token",
    });
    await expect(approveRun(token, COUNTY, c.id, run.id)).rejects.toThrow(/two-factor/);
    expect((await call(t.app, "POST", approve, as("alice"))).json().status).toBe("approved");
  });

  it("fixes the model version when a run starts, and refuses a version taking effect in a month already run", async () => {
    const c = await contract();
    await attach(db(), c, [{ group: "jsa-18-24", on: "2026-09-03" }], now());
    const run = await startRun(ctxs.alice as Ctx, COUNTY, c.id, { month: "2026-09" });
    const draft = (effectiveFrom: string) => ({
      kind: "tariff",
      definition: TARIFF,
      effectiveFrom,
      reason: "Prices from the contract's variation",
    });
    // On or before the latest run's last day: 409, whichever day of the run's month.
    for (const day of ["2026-09-30", "2026-09-01", "2026-02-01"])
      await expect(addModelVersion(ctxs.alice as Ctx, COUNTY, c.id, draft(day))).rejects.toMatchObject({
        code: "model_after_runs",
      });
    expect(await addModelVersion(ctxs.alice as Ctx, COUNTY, c.id, draft("2026-10-01"))).toBe(2);
    // A version backdated into the running month by hand: the run still prices by its own.
    await db()
      .insertInto("outcome_models")
      .values({
        authority_id: COUNTY,
        contract_id: c.id,
        version: 3,
        kind: "tariff",
        definition: JSON.stringify(TARIFF),
        effective_from: "2026-09-15",
        created_at: now(),
      })
      .execute();
    await computeRun(ctxs.alice as Ctx, COUNTY, c.id, run.id);
    const versions = await db()
      .selectFrom("outcome_claims")
      .select("model_version")
      .where("authority_id", "=", COUNTY)
      .where("run_id", "=", run.id)
      .execute();
    expect(versions.map((v) => v.model_version)).toEqual([1]);
  });

  it("writes a correction above the second-approval amount only once a second person approves it", async () => {
    const c = await contract(50_000n);
    const post = (amount: string, key: string) =>
      t.app.inject({
        method: "POST",
        url: `${api(c)}/ledger/corrections`,
        headers: { cookie: as("alice").cookie, "content-type": "application/json", "idempotency-key": key },
        payload: JSON.stringify({ amount, reason: "Sustainment paid on a forged payslip" }),
      });
    // £500.00 paid back is within the amount: written at once. -£600.00 waits (either sign counts).
    expect((await post("-500.00", "big-correction-0")).statusCode).toBe(201);
    const asked = await post("-600.00", "big-correction-1");
    expect(asked.statusCode).toBe(202);
    expect(asked.json()).toMatchObject({ status: "pending", amountPence: "-60000", approvedBy: null });
    const again = await post("-600.00", "big-correction-1");
    expect([again.statusCode, again.headers["idempotent-replayed"]]).toEqual([202, "true"]);
    expect((await ledgerOf(c)).map((l) => l.amount_pence)).toEqual([-50_000n]);
    const ledger = await call(t.app, "GET", `${api(c)}/ledger`, as("provider"));
    expect(ledger.json().pending.map((p: { id: string }) => p.id)).toEqual([asked.json().id]);
    // Whoever asked may not approve it; another commissioner, by the payments page's button, does.
    const approve = `${api(c)}/ledger/corrections/${asked.json().id}/approve`;
    const own = await call(t.app, "POST", approve, as("alice"));
    expect([own.statusCode, own.json().error.code]).toEqual([409, "correction_needs_second_person"]);
    const base = `/authorities/westshire-county-council/outcome-contracts/${c.id}/payments`;
    const shown = await t.app.inject({ method: "GET", url: base, headers: { cookie: as("bob").cookie } });
    expect(mainText(shown.body)).toContain("Corrections waiting for a second approval");
    expect(mainText(shown.body)).toContain("Approve the correction");
    const pressed = await postForm(t.app, as("bob"), `${base}/corrections/${asked.json().id}/approve`, {});
    expect(pressed.statusCode).toBe(303);
    expect((await ledgerOf(c)).map((l) => l.amount_pence)).toEqual([-50_000n, -60_000n]);
    // Approving again, or replaying the request, writes nothing more.
    expect((await call(t.app, "POST", approve, as("bob"))).json()).toMatchObject({
      status: "approved",
      approvedBy: users.bob,
    });
    expect((await post("-600.00", "big-correction-1")).statusCode).toBe(202);
    expect(await ledgerOf(c)).toHaveLength(2);
    expect((await call(t.app, "GET", `${api(c)}/ledger`, as("alice"))).json().pending).toEqual([]);
  });

  it("answers 400 to a tampered page key of the runs and the ledger", async () => {
    const c = await contract();
    const bad = [
      `${api(c)}/runs?after=${encodeKey(["not-a-date"])}`,
      `${api(c)}/ledger?after=${encodeKey(["2026-13-45", newId()])}`,
      `${api(c)}/ledger?after=${encodeKey(["x'; --", newId()])}`,
      // A run's key is its month and its id (a cancelled run and its month's new one share a month).
      `${api(c)}/runs?after=${encodeKey(["2026-09-01"])}`,
      `${api(c)}/runs?after=${encodeKey(["2026-09-01", "not-an-id"])}`,
    ];
    for (const url of bad) expect((await call(t.app, "GET", url, as("alice"))).statusCode).toBe(400);
    const ok = await call(
      t.app,
      "GET",
      `${api(c)}/runs?after=${encodeKey(["2026-09-01", newId()])}`,
      as("alice"),
    );
    expect(ok.statusCode).toBe(200);
  });
});

describe("computing a run as a queued job", () => {
  const advance = (ms: number) => (t.deps.clock as SettableClock).advance(ms);
  const claimsOf = (c: FixtureContract) =>
    db()
      .selectFrom("outcome_claims")
      .select(["rule", "amount_pence", "problems"])
      .where("authority_id", "=", COUNTY)
      .where("contract_id", "=", c.id)
      .orderBy("amount_pence")
      .execute();
  const people: { group: Group; on: string }[] = [
    { group: "jsa-25-plus", on: "2026-04-02" },
    { group: "jsa-18-24", on: "2026-04-09" },
    { group: "jsa-25-plus", on: "2026-04-16" },
    { group: "jsa-18-24", on: "2026-04-23" },
    { group: "jsa-18-24", on: "2026-04-30" },
  ];

  it("a crash mid-compute shows its error on the run's page; the job's retry gives the claims of a clean compute", async () => {
    const [crashed, clean] = [await contract(), await contract()] as const;
    for (const c of [crashed, clean]) await attach(db(), c, people, now());
    const run = await startRun(
      ctxs.alice as Ctx,
      COUNTY,
      crashed.id,
      { month: "2026-04" },
      { compute: true },
    );
    const twin = await startRun(ctxs.alice as Ctx, COUNTY, clean.id, { month: "2026-04" });
    // Two participants a chunk; the worker dies after the first chunk has committed.
    expect(await runJobs({ chunkSize: 2, crashAfterChunks: 1 })).toMatchObject({ claimed: 1, retried: 1 });
    const [job] = await computeJobs(run.id);
    expect(job).toMatchObject({
      status: "pending",
      attempts: 1,
      last_error: "Simulated crash after 1 chunk(s)",
    });
    const seen = (await call(t.app, "GET", `${api(crashed)}/runs/${run.id}`, as("alice"))).json().run;
    expect(seen).toMatchObject({
      status: "computing",
      progress: {
        participantsDone: 2,
        participantsTotal: 5,
        chunksDone: 1,
        computingNow: false,
        job: { status: "retrying", error: "Simulated crash after 1 chunk(s)" },
      },
    });
    // The provider reads the progress, not the error.
    const theirs = (await call(t.app, "GET", `${api(crashed)}/runs/${run.id}`, as("provider"))).json().run;
    expect(theirs.progress.job).toMatchObject({ status: "retrying", error: null });
    const page = await t.app.inject({
      method: "GET",
      url: `/authorities/westshire-county-council/outcome-contracts/${crashed.id}/runs/${run.id}`,
      headers: { cookie: as("alice").cookie },
    });
    expect(mainText(page.body)).toContain("An attempt to compute it failed. It is tried again at");
    expect(mainText(page.body)).toContain("The error: Simulated crash after 1 chunk(s)");
    expect(mainText(page.body)).toContain("Refresh this page to see how far it has got");
    // Not due before its retry; then it finishes the work.
    expect(await runJobs({ chunkSize: 2 })).toMatchObject({ claimed: 0 });
    advance(31_000);
    expect(await runJobs({ chunkSize: 2 })).toMatchObject({ claimed: 1, done: 1 });
    const once = await computeRun(ctxs.alice as Ctx, COUNTY, clean.id, twin.id);
    expect(await claimsOf(crashed)).toEqual(await claimsOf(clean));
    const after = (await call(t.app, "GET", `${api(crashed)}/runs/${run.id}`, as("alice"))).json().run;
    const figures = ({ id: _i, startedAt: _s, computedAt: _c, contractId: _k, ...rest }: typeof once) => rest;
    expect(figures(after)).toEqual(figures(once));
    expect(after).toMatchObject({ status: "computed", claimCount: 5, progress: null });
  });

  it("refuses a second compute while one holds the run; the job queued meanwhile waits, then finds it computed", async () => {
    const c = await contract();
    await attach(db(), c, people.slice(0, 4), now());
    const run = await startRun(ctxs.alice as Ctx, COUNTY, c.id, { month: "2026-04" });
    let during: { direct?: unknown; progress?: unknown; queued?: unknown; jobs?: unknown } = {};
    const done = await computeRun(ctxs.alice as Ctx, COUNTY, c.id, run.id, {
      chunkSize: 2,
      afterChunk: async (chunks) => {
        if (chunks !== 1) return;
        const direct = await computeRun(ctxs.bob as Ctx, COUNTY, c.id, run.id).catch((e: unknown) => e);
        const seen = await call(t.app, "GET", `${api(c)}/runs/${run.id}`, as("bob"));
        const queued = await call(t.app, "POST", `${api(c)}/runs/${run.id}/compute`, as("bob"));
        during = {
          direct,
          progress: seen.json().run.progress,
          queued: queued.statusCode,
          jobs: await runJobs(),
        };
      },
    });
    expect(during.direct).toMatchObject({ code: "run_computing" });
    expect(during.progress).toMatchObject({ participantsDone: 2, participantsTotal: 4, computingNow: true });
    expect(during.queued).toBe(202);
    // The job's attempt found the run held: it waits and tries again.
    expect(during.jobs).toMatchObject({ claimed: 1, retried: 1 });
    expect((await computeJobs(run.id))[0]?.last_error).toContain("The run is being computed already");
    expect(done).toMatchObject({ status: "computed", claimCount: 4 });
    advance(31_000);
    expect(await runJobs()).toMatchObject({ claimed: 1, done: 1 });
    expect(await claimsOf(c)).toHaveLength(4);
  });

  it("a job failed for good is said on the page; computing again queues a new job that finishes the work", async () => {
    const c = await contract();
    await attach(db(), c, people.slice(0, 3), now());
    const base = `/authorities/westshire-county-council/outcome-contracts/${c.id}`;
    const started = await postForm(t.app, as("alice"), `${base}/runs`, { month: "2026-04" });
    const runUrl = String(started.headers.location);
    const runId = runUrl.split("/").at(-1) as string;
    for (let attempt = 1; attempt <= 5; attempt++) {
      await runJobs({ chunkSize: 1, crashAfterChunks: 1 });
      advance(5 * 60_000);
    }
    // Sessions idle for 30 minutes end: everyone signs in again.
    for (const [who, id] of Object.entries(users))
      sessions[who] = await sessionFor(t.app, id, { twoFactor: true });
    expect(await computeJobs(runId)).toMatchObject([{ status: "failed", attempts: 5 }]);
    const failed = await t.app.inject({
      method: "GET",
      url: runUrl,
      headers: { cookie: as("alice").cookie },
    });
    expect(mainText(failed.body)).toContain("Computing it failed. Ask for it to be computed again");
    expect(mainText(failed.body)).toContain("The error: Simulated crash after 1 chunk(s)");
    expect(mainText(failed.body)).not.toContain("Refresh this page");
    // The provider's people read that it waits on the authority, without the error nor the button.
    const theirs = mainText(
      (await t.app.inject({ method: "GET", url: runUrl, headers: { cookie: as("provider").cookie } })).body,
    );
    expect(theirs).toContain("It is not being computed at the moment: the authority will ask");
    expect(theirs).not.toContain("The error:");
    expect(theirs).not.toContain("Compute again");
    expect((await postForm(t.app, as("alice"), `${runUrl}/compute`, {})).statusCode).toBe(303);
    expect(await computeJobs(runId)).toMatchObject([{ status: "failed" }, { status: "pending" }]);
    expect(await runJobs()).toMatchObject({ claimed: 1, done: 1 });
    const computed = await t.app.inject({
      method: "GET",
      url: runUrl,
      headers: { cookie: as("alice").cookie },
    });
    expect(mainText(computed.body)).toContain("Waiting for approval");
    expect(await claimsOf(c)).toHaveLength(3);
  });
});

describe("cancelling a run", () => {
  const cancel = (
    c: FixtureContract,
    runId: string,
    who: string,
    reason = "Started before the evidence was in",
  ) => call(t.app, "POST", `${api(c)}/runs/${runId}/cancel`, as(who), { reason });
  const claimRows = (c: FixtureContract) =>
    db()
      .selectFrom("outcome_claims")
      .select(["run_id", "participant_id", "rule", "void", "problems"])
      .where("authority_id", "=", COUNTY)
      .where("contract_id", "=", c.id)
      .orderBy("run_id")
      .execute();

  it("by the authority's commissioners and administrators, with a reason, while it is not paid: its approvals void, the provider told", async () => {
    const c = await contract(50_000n);
    await attach(
      db(),
      c,
      [
        { group: "jsa-18-24", on: "2026-03-03" },
        { group: "jsa-25-plus", on: "2026-03-10" },
      ],
      now(),
    );
    const run = await startRun(ctxs.alice as Ctx, COUNTY, c.id, { month: "2026-03" });
    await computeRun(ctxs.alice as Ctx, COUNTY, c.id, run.id);
    await approveRun(ctxs.alice as Ctx, COUNTY, c.id, run.id);
    expect((await cancel(c, run.id, "provider")).statusCode).toBe(403);
    expect((await cancel(c, run.id, "otherCommissioner")).statusCode).toBe(404);
    expect((await cancel(c, run.id, "alice", "")).statusCode).toBe(400);
    const blank = await cancel(c, run.id, "alice", "   ");
    expect([blank.statusCode, blank.json().error.details[0].field]).toEqual([400, "reason"]);
    // Approved once (it needs two): Bob cancels it.
    const cancelled = await cancel(c, run.id, "bob");
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({
      status: "cancelled",
      cancelledBy: users.bob,
      cancelledByName: "Bob Brennan",
      cancelReason: "Started before the evidence was in",
    });
    expect((await cancel(c, run.id, "alice", "Again")).json()).toEqual(cancelled.json());
    // Its approval no longer counts: it is not approved, paid nor computed again.
    for (const step of ["approve", "pay", "compute"]) {
      const refused = await call(t.app, "POST", `${api(c)}/runs/${run.id}/${step}`, as("bob"));
      expect([step, refused.statusCode, refused.json().error.code]).toEqual([step, 409, "run_cancelled"]);
    }
    expect((await tasksFor(ctxs.bob as Ctx)).todo.filter((x) => x.about.id === c.id)).toEqual([]);
    // Its rows stay, void.
    expect((await claimRows(c)).map((r) => r.void)).toEqual([true, true]);
    const told = await db()
      .selectFrom("notifications")
      .select(["kind", "subject", "body", "link"])
      .where("user_id", "=", users.provider as string)
      .where("kind", "=", "results.run-cancelled")
      .where("link", "like", `%${run.id}`)
      .execute();
    expect(told).toEqual([
      expect.objectContaining({
        link: `/authorities/westshire-county-council/outcome-contracts/${c.id}/runs/${run.id}`,
      }),
    ]);
    expect(told[0]?.body).toContain("The reason given: Started before the evidence was in");
    const audited = await db()
      .selectFrom("audit_events")
      .select(["action", "changes"])
      .where("authority_id", "=", COUNTY)
      .where("entity_id", "=", run.id)
      .where("action", "=", "outcome-run.cancelled")
      .executeTakeFirstOrThrow();
    expect(audited.changes).toMatchObject({ from: "computed", claimsVoided: 2, approvalsVoided: 1 });

    // A computing run may be cancelled; a paid one may not.
    const d = await contract();
    await attach(db(), d, [{ group: "jsa-18-24", on: "2026-03-03" }], now());
    const computing = await startRun(ctxs.alice as Ctx, COUNTY, d.id, { month: "2026-03" });
    expect((await cancel(d, computing.id, "alice")).json().status).toBe("cancelled");
    const paid = await startRun(ctxs.alice as Ctx, COUNTY, d.id, { month: "2026-03" });
    await computeRun(ctxs.alice as Ctx, COUNTY, d.id, paid.id);
    await approveRun(ctxs.alice as Ctx, COUNTY, d.id, paid.id);
    await payRun(ctxs.alice as Ctx, COUNTY, d.id, paid.id);
    const refused = await cancel(d, paid.id, "alice");
    expect([refused.statusCode, refused.json().error.code]).toEqual([409, "run_paid"]);
  });

  it("frees its month: a new run makes its claims again, the paid-once index still refuses paying twice", async () => {
    const c = await contract();
    const [first] = await attach(
      db(),
      c,
      [
        { group: "jsa-18-24", on: "2026-02-03" },
        { group: "jsa-25-plus", on: "2026-02-10" },
      ],
      now(),
    );
    const mistaken = await startRun(ctxs.alice as Ctx, COUNTY, c.id, { month: "2026-02" });
    await computeRun(ctxs.alice as Ctx, COUNTY, c.id, mistaken.id);
    // The month's run is open: no other starts.
    expect((await call(t.app, "POST", `${api(c)}/runs`, as("alice"), { month: "2026-02" })).statusCode).toBe(
      409,
    );
    await cancelRun(ctxs.alice as Ctx, COUNTY, c.id, mistaken.id, { reason: "Wrong cut-off" });
    const again = await call(t.app, "POST", `${api(c)}/runs`, as("alice"), { month: "2026-02" });
    expect(again.statusCode).toBe(201);
    const redone = await computeRun(ctxs.alice as Ctx, COUNTY, c.id, again.json().id);
    expect(redone).toMatchObject({ claimCount: 2, claimsPence: "85000", paymentPence: "85000" });
    // Both runs of the month are listed, the new one first.
    const listed = (await call(t.app, "GET", `${api(c)}/runs?pageSize=1`, as("provider"))).json();
    expect(listed.runs.map((r: { status: string }) => r.status)).toEqual(["computed"]);
    const older = (await call(t.app, "GET", `${api(c)}/runs?after=${listed.next}`, as("provider"))).json();
    expect(older.runs.map((r: { id: string; status: string }) => [r.id, r.status])).toEqual([
      [mistaken.id, "cancelled"],
    ]);
    await approveRun(ctxs.alice as Ctx, COUNTY, c.id, redone.id);
    await payRun(ctxs.alice as Ctx, COUNTY, c.id, redone.id);
    // A claim paid is never valid twice: not even written by hand under another run of the month.
    const other = await db()
      .insertInto("outcome_runs")
      .values({
        authority_id: COUNTY,
        id: newId(),
        contract_id: c.id,
        period_start: "2026-02-01",
        period_end: "2026-02-28",
        status: "cancelled",
        started_at: now(),
        cancelled_at: now(),
        cancel_reason: "A test's",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await expect(
      db()
        .insertInto("outcome_claims")
        .values({
          authority_id: COUNTY,
          contract_id: c.id,
          run_id: other.id,
          participant_id: first as string,
          rule: "attachment",
          seq: 1,
          achieved_on: "2026-02-03",
          model_version: 1,
          amount_pence: 40_000n,
        })
        .execute(),
    ).rejects.toThrow(/outcome_claims_paid_once/);
    // Void rows stay void, and other rows are never changed.
    await expect(
      db().updateTable("outcome_claims").set({ void: false }).where("run_id", "=", mistaken.id).execute(),
    ).rejects.toThrow(/never changed/);
    await expect(
      db().updateTable("outcome_claims").set({ amount_pence: 1n }).where("run_id", "=", redone.id).execute(),
    ).rejects.toThrow(/never changed/);
    const rows = await claimRows(c);
    expect(rows.filter((r) => r.run_id === mistaken.id && r.void)).toHaveLength(2);
    expect(rows.filter((r) => r.run_id === redone.id && !r.void)).toHaveLength(2);
  });
});

describe("what a cancelled run made no longer counts", () => {
  const advance = (ms: number) => (t.deps.clock as SettableClock).advance(ms);
  let made = 0;
  const programme = () => `runs-cancel-${++made}-${process.pid}`;

  it("a run cancelled while it computes stops at its next chunk; nothing it wrote counts", async () => {
    const c = await contract();
    await attach(
      db(),
      c,
      [
        { group: "jsa-18-24", on: "2026-01-05" },
        { group: "jsa-18-24", on: "2026-01-12" },
        { group: "jsa-25-plus", on: "2026-01-19" },
      ],
      now(),
    );
    const run = await startRun(ctxs.alice as Ctx, COUNTY, c.id, { month: "2026-01" });
    const stopped = await computeRun(ctxs.alice as Ctx, COUNTY, c.id, run.id, {
      chunkSize: 1,
      afterChunk: async (chunks) => {
        if (chunks === 1) await cancelRun(ctxs.bob as Ctx, COUNTY, c.id, run.id, { reason: "Wrong month" });
      },
    });
    expect(stopped).toMatchObject({ status: "cancelled", claimCount: 0, computedAt: null });
    const rows = await db()
      .selectFrom("outcome_claims")
      .select("void")
      .where("authority_id", "=", COUNTY)
      .where("run_id", "=", run.id)
      .execute();
    expect(rows).toEqual([{ void: true }]);
  });

  it("a cancelled claim is not already claimed elsewhere for a twin on another contract of the programme", async () => {
    const p = programme();
    const [x, y] = [
      await insertOutcomeContract(db(), p, TARIFF as TariffDefinition),
      await insertOutcomeContract(db(), p, TARIFF as TariffDefinition),
    ];
    const early = new Date(now().getTime() - 60 * 60_000);
    const onX = await insertParticipant(db(), x.contractId, p, {
      reference: "TWIN-1",
      group: "jsa-18-24",
      referredOn: "2026-01-02",
      recordedAt: early,
    });
    await insertEvent(db(), x.contractId, onX, { kind: "attachment", day: "2026-01-20", recordedAt: early });
    const xRun = await startRun(ctxs.alice as Ctx, COUNTY, x.contractId, { month: "2026-01" });
    expect(await computeRun(ctxs.alice as Ctx, COUNTY, x.contractId, xRun.id)).toMatchObject({
      claimCount: 1,
    });
    // Y attached the same person earlier, but its evidence came after X's run started.
    advance(60_000);
    const onY = await insertParticipant(db(), y.contractId, p, {
      reference: "TWIN-1",
      group: "jsa-18-24",
      referredOn: "2026-01-02",
      recordedAt: now(),
    });
    await insertEvent(db(), y.contractId, onY, { kind: "attachment", day: "2026-01-05", recordedAt: now() });
    advance(60_000);
    const held = await startRun(ctxs.alice as Ctx, COUNTY, y.contractId, { month: "2026-01" });
    const refused = await computeRun(ctxs.alice as Ctx, COUNTY, y.contractId, held.id);
    expect(refused).toMatchObject({ claimCount: 0, refusedCount: 1 });
    // X's run cancelled: Y's attachment, made again by a new run, is no longer claimed elsewhere.
    await cancelRun(ctxs.alice as Ctx, COUNTY, x.contractId, xRun.id, {
      reason: "Evidence from the wrong contract",
    });
    await cancelRun(ctxs.alice as Ctx, COUNTY, y.contractId, held.id, {
      reason: "Computed before X was cancelled",
    });
    const again = await startRun(ctxs.alice as Ctx, COUNTY, y.contractId, { month: "2026-01" });
    expect(await computeRun(ctxs.alice as Ctx, COUNTY, y.contractId, again.id)).toMatchObject({
      claimCount: 1,
      claimsPence: "40000",
      refusedCount: 0,
    });
  });

  it("a cancelled claim takes nothing of the contract's cap", async () => {
    const p = programme();
    const model: OutcomePricesDefinition = {
      kind: "outcome-prices",
      metrics: [
        {
          code: "housed",
          name: "Housed 12 months",
          definition: "d",
          event: "outcome",
          price: { pence: 100_000, rule: "r" },
          maxPerPerson: 1,
        },
      ],
      capPerPerson: { pence: 100_000, rule: "r" },
      capPerContract: { pence: 100_000, rule: "The contract's cap: one outcome" },
      outcomeWithin: { days: 730, rule: "r" },
    };
    const { contractId } = await insertOutcomeContract(db(), p, model);
    const early = new Date(now().getTime() - 60 * 60_000);
    const first = await insertParticipant(db(), contractId, p, {
      reference: "CAP-1",
      group: "all",
      referredOn: "2026-01-02",
      recordedAt: early,
    });
    const housed = await insertEvent(db(), contractId, first, {
      kind: "outcome",
      metric: "housed",
      day: "2026-01-10",
      recordedAt: early,
    });
    const run = await startRun(ctxs.alice as Ctx, COUNTY, contractId, { month: "2026-01" });
    expect(await computeRun(ctxs.alice as Ctx, COUNTY, contractId, run.id)).toMatchObject({ claimCount: 1 });
    await cancelRun(ctxs.alice as Ctx, COUNTY, contractId, run.id, {
      reason: "The first outcome was sent in error",
    });
    // The first outcome withdrawn, another person's recorded: the cap has room for it.
    advance(60_000);
    await insertEvent(db(), contractId, first, {
      kind: "withdrawal",
      day: "2026-01-10",
      withdraws: housed,
      recordedAt: now(),
    });
    const second = await insertParticipant(db(), contractId, p, {
      reference: "CAP-2",
      group: "all",
      referredOn: "2026-01-03",
      recordedAt: now(),
    });
    await insertEvent(db(), contractId, second, {
      kind: "outcome",
      metric: "housed",
      day: "2026-01-20",
      recordedAt: now(),
    });
    advance(60_000);
    const again = await startRun(ctxs.alice as Ctx, COUNTY, contractId, { month: "2026-01" });
    expect(await computeRun(ctxs.alice as Ctx, COUNTY, contractId, again.id)).toMatchObject({
      claimCount: 1,
      claimsPence: "100000",
      refusedCount: 0,
    });
  });

  it("a cancelled run's claims leave the open outcomes dataset, dated by the cancellation", async () => {
    const c = await contract();
    await attach(
      db(),
      c,
      Array.from({ length: 10 }, (_, i) => ({ group: "jsa-18-24" as const, on: `2026-01-${10 + i}` })),
      now(),
    );
    const run = await startRun(ctxs.alice as Ctx, COUNTY, c.id, { month: "2026-01" });
    await computeRun(ctxs.alice as Ctx, COUNTY, c.id, run.id);
    const attached = async () => {
      const found: (number | null)[] = [];
      for await (const rows of outcomeFigureRows({ db: db(), clock: t.deps.clock }))
        for (const r of rows)
          if (r.outcomeContractId === c.id && r.figure === "attachment") found.push(r.participants);
      return found;
    };
    expect(await attached()).toEqual([10]);
    advance(60_000);
    await cancelRun(ctxs.alice as Ctx, COUNTY, c.id, run.id, { reason: "Wrong cut-off" });
    expect(await latestOutcomesChange({ db: db() })).toEqual(now());
    // The figures are kept ten minutes a page; counted again, the cancelled claims are gone.
    advance(OPEN_FIGURES_MAX_AGE_MS + 1000);
    expect(await attached()).toEqual([]);
  });

  it("the pages: a Cancel button on the run, the reason asked for on a page of its own, the run cancelled", async () => {
    const c = await contract();
    await attach(db(), c, [{ group: "jsa-18-24", on: "2026-01-07" }], now());
    const run = await startRun(ctxs.alice as Ctx, COUNTY, c.id, { month: "2026-01" });
    await computeRun(ctxs.alice as Ctx, COUNTY, c.id, run.id);
    const runUrl = `/authorities/westshire-county-council/outcome-contracts/${c.id}/runs/${run.id}`;
    const get = (url: string, who: string) =>
      t.app.inject({ method: "GET", url, headers: { cookie: as(who).cookie } });
    expect((await get(runUrl, "alice")).body).toContain(`href="${runUrl}/cancel"`);
    expect((await get(runUrl, "provider")).body).not.toContain(`${runUrl}/cancel`);
    expect((await get(`${runUrl}/cancel`, "provider")).statusCode).toBe(403);
    const asked = await get(`${runUrl}/cancel`, "alice");
    expect(asked.statusCode).toBe(200);
    expect(mainText(asked.body)).toContain("Why is the run cancelled?");
    const empty = await postForm(t.app, as("alice"), `${runUrl}/cancel`, { reason: "" });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('href="#reason"');
    expect(mainText(empty.body)).toContain("Say why the run is cancelled");
    const done = await postForm(t.app, as("alice"), `${runUrl}/cancel`, { reason: "Started a month early" });
    expect([done.statusCode, done.headers.location]).toEqual([303, runUrl]);
    const shown = mainText((await get(runUrl, "provider")).body);
    expect(shown).toContain("Cancelled by Alice Ashworth at");
    expect(shown).toContain("The reason given: Started a month early");
    expect(shown).toContain("Its claims no longer count");
    expect(mainText((await get(`${runUrl}/cancel`, "alice")).body)).toContain(
      "This run is cancelled already.",
    );
    // In Welsh too.
    const welsh = await t.app.inject({
      method: "GET",
      url: runUrl,
      headers: { cookie: `${as("alice").cookie}; lang=cy` },
    });
    expect(mainText(welsh.body)).toContain("Canslwyd gennych chi am");
  });
});
