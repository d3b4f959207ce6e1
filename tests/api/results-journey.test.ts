/**
 * Issue 19's journey through the JSON API (/api/v1) only, each person with an API token of the
 * results scopes (results:read, results:write) — but money moves (approving, paying, correcting)
 * only in a session signed in with two factors, so those calls are made so, and a token refused — on one seeded app (demo mode), with outcome
 * contracts of its own (not the demo's): Westshire's commissioner (Priya Shah) sets up two outcome
 * contracts of one programme for an outcome fund, each with a tariff — A with the demo provider
 * (Olu Adeyemi's organisation), B with Greenway Home Care (Gwen Parry's) — and refers participants;
 * one of them was referred to B too and attached there first. Olu sends A's attachments; the
 * commissioner starts last month's run and asks for it to be computed (202: a queued job computes
 * it): three claims valid, the fourth refused as a duplicate participant. The run pays more than the
 * contract's amount, so it needs two people: the provider cannot approve (403), the commissioner
 * approves (then again, changing nothing), paying waits for the second, the authority administrator
 * (Alan Carter) approves and the commissioner pays. Computing and paying the paid run again change
 * nothing, and the paid run is not cancelled (409; the provider may not cancel: 403); a correction
 * retried with the same Idempotency-Key is written once. The provider reads its payment and
 * correction in the ledger; Greenway's people see nothing of A (404).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMonths, londonToday } from "../../src/lib/london-time.ts";
import type { ApiScope } from "../../src/modules/accounts/accounts.service.ts";
import { createApiToken } from "../../src/modules/accounts/api-tokens.service.ts";
import { resultsJobHandlers } from "../../src/modules/results/results.jobs.ts";
import { DEMO_AUTHORITY } from "../../src/seed/demo/authorities.ts";
import { DEMO_ORGANISATION, DEMO_PROVIDER_GREENWAY, DEMO_USERS } from "../../src/seed/demo/users.ts";
import { call } from "../support/api.ts";
import { createTestApp, type TestApp } from "../support/app.ts";
import { sessionFor, type TestSession } from "../support/auth.ts";
import { runDueJobs } from "../support/jobs.ts";
import { principalOf } from "../support/principals.ts";

const COUNTY = DEMO_AUTHORITY.county;
const api = `/api/v1/authorities/${COUNTY}/outcome-contracts`;
const PROGRAMME = "journey-into-work";
const demoUser = (name: string) => DEMO_USERS.find((u) => u.displayName === name)?.id as string;

/** A tariff of one group: £400 on attachment within 28 days of referral, then job outcomes. */
const TARIFF = {
  kind: "tariff",
  groups: [
    {
      code: "jsa-25-plus",
      name: "JSA 25+",
      attachment: { pence: 40000, rule: "Tariff schedule, row 2: attachment fee" },
      jobOutcome: { pence: 120000, weeks: 26, rule: "Tariff schedule, row 2: job outcome after 26 weeks" },
      sustainment: {
        pence: 21500,
        everyWeeks: 4,
        maxPayments: 13,
        rule: "Tariff schedule, row 2: sustainment",
      },
    },
  ],
  attachmentWithin: { days: 28, rule: "Clause 5.1: attachment within 28 days" },
  outcomeWithin: { days: 730, rule: "Clause 5.2: outcomes within two years of referral" },
};

let t: TestApp;
const tokens: Record<"priya" | "alan" | "olu" | "gwen", { token: string }> = {} as never;
/** Moving money (approving, paying, correcting) needs a session signed in with two factors, not a token. */
const signedIn: Record<"priya" | "alan", TestSession> = {} as never;
/** Last month (the one paid for), its days, and the two contracts' addresses. */
let month = "";
let day = (_n: number) => "";
let a = "";
let b = "";
let run = "";

/** An API token of the user's with the scopes given (a year: nothing here moves the clock). */
async function tokenOf(userId: string, scopes: ApiScope[]): Promise<{ token: string }> {
  const made = await createApiToken(
    {
      db: t.deps.db,
      clock: t.deps.clock,
      principal: await principalOf(t.deps.db, userId),
      secrets: t.app.accountSecrets,
      origin: { address: "127.0.0.1" },
    },
    { name: "Results journey", scopes, expiresInDays: 365 },
  );
  return { token: made.token };
}

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  const both: ApiScope[] = ["results:read", "results:write"];
  tokens.priya = await tokenOf(demoUser("Priya Shah"), both);
  tokens.alan = await tokenOf(demoUser("Alan Carter"), both);
  tokens.olu = await tokenOf(demoUser("Olu Adeyemi"), both);
  tokens.gwen = await tokenOf(demoUser("Gwen Parry"), both);
  signedIn.priya = await sessionFor(t.app, demoUser("Priya Shah"), { twoFactor: true });
  signedIn.alan = await sessionFor(t.app, demoUser("Alan Carter"), { twoFactor: true });
  const firstOfLast = addMonths(`${londonToday(t.deps.clock).slice(0, 7)}-01`, -1);
  month = firstOfLast.slice(0, 7);
  day = (n) => `${month}-${String(n).padStart(2, "0")}`;
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe("payment by results through the API", () => {
  it("the commissioner sets up two contracts of one programme with a tariff, and refers participants", async () => {
    const setUp = async (reference: string, organisationId: string) => {
      const made = await call(t.app, "POST", api, tokens.priya, {
        fund: "Life Chances Fund",
        organisationId,
        reference,
        title: `Into work, ${reference}`,
        programme: PROGRAMME,
        startsOn: addMonths(`${month}-01`, -6),
        endsOn: addMonths(`${month}-01`, 30),
        secondApprovalAbovePence: "100000",
      });
      expect(made.statusCode, reference).toBe(201);
      const id = made.json().id as string;
      const model = await call(t.app, "POST", `${api}/${id}/models`, tokens.priya, {
        kind: "tariff",
        definition: TARIFF,
        effectiveFrom: addMonths(`${month}-01`, -6),
      });
      expect(model.statusCode).toBe(201);
      return id;
    };
    a = await setUp("JRN-A", DEMO_ORGANISATION);
    b = await setUp("JRN-B", DEMO_PROVIDER_GREENWAY);
    const refer = (id: string, references: string[]) =>
      call(t.app, "POST", `${api}/${id}/participants`, tokens.priya, {
        participants: references.map((reference) => ({
          reference,
          paymentGroup: "jsa-25-plus",
          referredOn: day(2),
        })),
      });
    // The provider does not refer (403); the commissioner does.
    expect(
      (
        await call(t.app, "POST", `${api}/${a}/participants`, tokens.olu, {
          participants: [{ reference: "J-9", paymentGroup: "jsa-25-plus", referredOn: day(2) }],
        })
      ).statusCode,
    ).toBe(403);
    expect((await refer(a, ["J-1", "J-2", "J-3", "J-4"])).json()).toEqual({
      recorded: 4,
      alreadyRecorded: 0,
    });
    expect((await refer(b, ["J-4"])).json()).toEqual({ recorded: 1, alreadyRecorded: 0 });
    // Greenway attaches J-4 to B first.
    const attachedToB = await call(t.app, "POST", `${api}/${b}/events`, tokens.gwen, {
      events: [{ participant: "J-4", kind: "attachment", occurredOn: day(5), sourceRef: "gw-att-4" }],
    });
    expect(attachedToB.json()).toEqual({ recorded: 1, alreadyRecorded: 0 });
  });

  it("the provider sends its evidence; events sent again record nothing new; Greenway sees nothing of A", async () => {
    const events = {
      events: ["J-1", "J-2", "J-3", "J-4"].map((participant, i) => ({
        participant,
        kind: "attachment",
        occurredOn: day(9 + i),
        sourceRef: `att-${participant}`,
      })),
    };
    expect((await call(t.app, "POST", `${api}/${a}/events`, tokens.olu, events)).json()).toEqual({
      recorded: 4,
      alreadyRecorded: 0,
    });
    expect((await call(t.app, "POST", `${api}/${a}/events`, tokens.olu, events)).json()).toEqual({
      recorded: 0,
      alreadyRecorded: 4,
    });
    for (const url of [`${api}/${a}`, `${api}/${a}/participants`, `${api}/${a}/claims`])
      expect((await call(t.app, "GET", url, tokens.gwen)).statusCode, url).toBe(404);
    expect((await call(t.app, "POST", `${api}/${a}/events`, tokens.gwen, events)).statusCode).toBe(404);
  });

  it("the commissioner starts and computes last month's run: three claims valid, one refused as a duplicate", async () => {
    expect((await call(t.app, "POST", `${api}/${a}/runs`, tokens.olu, { month })).statusCode).toBe(403);
    const started = await call(t.app, "POST", `${api}/${a}/runs`, tokens.priya, { month });
    expect(started.statusCode).toBe(201);
    expect(started.json()).toMatchObject({ status: "computing", periodStart: `${month}-01` });
    run = `${api}/${a}/runs/${started.json().id}`;
    // Computing is a queued job: 202, and where to poll; the run is computed once the job has run.
    const asked = await call(t.app, "POST", `${run}/compute`, tokens.priya);
    expect(asked.statusCode).toBe(202);
    expect(asked.headers.location).toBe(run);
    expect(asked.json()).toMatchObject({ status: "computing", progress: { job: { status: "queued" } } });
    expect((await call(t.app, "GET", run, tokens.olu)).json().run.status).toBe("computing");
    expect(await runDueJobs(t.deps, resultsJobHandlers())).toMatchObject({ claimed: 1, done: 1 });
    const computed = await call(t.app, "GET", String(asked.headers.location), tokens.priya);
    expect(computed.statusCode).toBe(200);
    expect(computed.json().run).toMatchObject({
      status: "computed",
      claimsPence: "120000",
      claimCount: 3,
      refusedPence: "40000",
      refusedCount: 1,
      paymentPence: "120000",
      recoveredPence: "0",
      approvalsNeeded: 2,
      approvals: [],
    });
    // The provider reads its claims: the refused one names its problem; the valid ones their working.
    const refused = await call(t.app, "GET", `${run}?refused=true`, tokens.olu);
    expect(refused.statusCode).toBe(200);
    expect(refused.json().claims).toEqual([
      expect.objectContaining({
        reference: "J-4",
        rule: "attachment",
        amountPence: "40000",
        problems: ["duplicate-participant"],
      }),
    ]);
    const all = (await call(t.app, "GET", run, tokens.olu)).json().claims as {
      reference: string;
      problems: string[];
      eventIds: string[];
      modelVersion: number;
    }[];
    expect(all.filter((c) => c.problems.length === 0).map((c) => c.reference)).toEqual(["J-1", "J-2", "J-3"]);
    expect(all.every((c) => c.eventIds.length === 1 && c.modelVersion === 1)).toBe(true);
    expect((await call(t.app, "GET", run, tokens.gwen)).statusCode).toBe(404);
  });

  it("needs two different people to approve it: not the provider, not the same person twice", async () => {
    expect((await call(t.app, "POST", `${run}/approve`, tokens.olu)).statusCode).toBe(403);
    expect((await call(t.app, "POST", `${run}/approve`, tokens.gwen)).statusCode).toBe(404);
    // An API token never moves money: approving needs a session signed in with two factors.
    expect((await call(t.app, "POST", `${run}/approve`, tokens.priya)).statusCode).toBe(403);
    const first = await call(t.app, "POST", `${run}/approve`, signedIn.priya);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({
      status: "computed",
      approvals: [{ userId: demoUser("Priya Shah") }],
    });
    const again = await call(t.app, "POST", `${run}/approve`, signedIn.priya);
    expect(again.json()).toMatchObject({
      status: "computed",
      approvals: [{ userId: demoUser("Priya Shah") }],
    });
    expect(again.json().approvals).toHaveLength(1);
    const early = await call(t.app, "POST", `${run}/pay`, signedIn.priya);
    expect(early.statusCode).toBe(409);
    expect(early.json().error.message).toContain("two different people");
    const second = await call(t.app, "POST", `${run}/approve`, signedIn.alan);
    expect(second.json()).toMatchObject({ status: "approved" });
    expect(
      second
        .json()
        .approvals.map((x: { userId: string }) => x.userId)
        .sort(),
    ).toEqual([demoUser("Priya Shah"), demoUser("Alan Carter")].sort());
  });

  it("pays once: the provider is paid £1,200.00; computing and paying the paid run again change nothing", async () => {
    expect((await call(t.app, "POST", `${run}/pay`, tokens.olu)).statusCode).toBe(403);
    expect((await call(t.app, "POST", `${run}/pay`, tokens.priya)).statusCode).toBe(403);
    const paid = await call(t.app, "POST", `${run}/pay`, signedIn.priya);
    expect(paid.statusCode).toBe(200);
    expect(paid.json()).toMatchObject({ status: "paid", paymentPence: "120000" });
    const ledger = async () => (await call(t.app, "GET", `${api}/${a}/ledger`, tokens.olu)).json().entries;
    const before = await ledger();
    expect(before).toEqual([
      expect.objectContaining({ kind: "payment", amountPence: "120000", runId: paid.json().id }),
    ]);
    const detail = (await call(t.app, "GET", run, tokens.priya)).json();
    expect((await call(t.app, "POST", `${run}/compute`, tokens.priya)).json()).toEqual(detail.run);
    expect((await call(t.app, "POST", `${run}/pay`, signedIn.priya)).json()).toEqual(detail.run);
    expect((await call(t.app, "GET", run, tokens.priya)).json()).toEqual(detail);
    expect(await ledger()).toEqual(before);
    // A paid run is not cancelled (a correction is made instead); the provider cancels nothing.
    const reason = { reason: "Paid in error" };
    expect((await call(t.app, "POST", `${run}/cancel`, tokens.olu, reason)).statusCode).toBe(403);
    const cancelled = await call(t.app, "POST", `${run}/cancel`, tokens.priya, reason);
    expect([cancelled.statusCode, cancelled.json().error.code]).toEqual([409, "run_paid"]);
    // The month is paid: it is not started again (409, the next run is for the month after).
    expect((await call(t.app, "POST", `${api}/${a}/runs`, tokens.priya, { month })).statusCode).toBe(409);
  });

  it("writes a correction retried with the same Idempotency-Key once; the provider reads it, Greenway nothing", async () => {
    const correct = (key: string, amount: string) =>
      t.app.inject({
        method: "POST",
        url: `${api}/${a}/ledger/corrections`,
        headers: {
          cookie: signedIn.priya.cookie,
          "content-type": "application/json",
          "idempotency-key": key,
        },
        payload: JSON.stringify({
          amount,
          reason: "J-2's attachment was evidenced twice over; paid back",
          runId: run.split("/").at(-1),
        }),
      });
    const made = await correct("journey-correction-1", "-400.00");
    expect(made.statusCode).toBe(201);
    expect(made.json()).toMatchObject({ kind: "correction", amountPence: "-40000" });
    const retried = await correct("journey-correction-1", "-400.00");
    expect(retried.statusCode).toBe(201);
    expect(retried.headers["idempotent-replayed"]).toBe("true");
    expect(retried.json()).toEqual(made.json());
    expect((await correct("journey-correction-1", "-500.00")).statusCode).toBe(409);
    const entries = (await call(t.app, "GET", `${api}/${a}/ledger`, tokens.olu)).json().entries as {
      kind: string;
      amountPence: string;
    }[];
    expect(entries.map((e) => `${e.kind} ${e.amountPence}`).sort()).toEqual([
      "correction -40000",
      "payment 120000",
    ]);
    // The provider corrects nothing (403); Greenway reads nothing of A (404).
    const byOlu = await t.app.inject({
      method: "POST",
      url: `${api}/${a}/ledger/corrections`,
      headers: {
        authorization: `Bearer ${tokens.olu.token}`,
        "content-type": "application/json",
        "idempotency-key": "journey-correction-2",
      },
      payload: JSON.stringify({ amount: "1.00", reason: "More, please" }),
    });
    expect(byOlu.statusCode).toBe(403);
    expect((await call(t.app, "GET", `${api}/${a}/ledger`, tokens.gwen)).statusCode).toBe(404);
    expect((await call(t.app, "GET", `${api}/${a}/runs`, tokens.gwen)).statusCode).toBe(404);
    // Olu's organisation lists A, not B; Greenway's B, not A.
    const listed = async (org: string, who: "olu" | "gwen") =>
      (await call(t.app, "GET", `/api/v1/organisations/${org}/outcome-contracts`, tokens[who]))
        .json()
        .contracts.map((c: { reference: string }) => c.reference)
        .filter((r: string) => r.startsWith("JRN-"));
    expect(await listed(DEMO_ORGANISATION, "olu")).toEqual(["JRN-A"]);
    expect(await listed(DEMO_PROVIDER_GREENWAY, "gwen")).toEqual(["JRN-B"]);
  });
});
