/**
 * The prize for public service innovation (one seeded app for the file): the demo's rounds in
 * public, with last year's winners, citations and tied places, and a winner's profile; nominations
 * by the public, whose name and email are never published, merged when repeated; refusals out of
 * time and for an unknown provider; a round judged from the start — conflicts declared before any
 * score, a conflicted or undeclared judge refused, a shortlist with a tie, the winners.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import {
  createUser,
  postForm,
  sessionFor,
  type TestSession,
  testBrowser,
} from "../../../tests/support/auth.ts";
import { mainText, summaryErrors } from "../../../tests/support/pages.ts";
import type { SettableClock } from "../../lib/clock.ts";
import { addDays, londonToday } from "../../lib/london-time.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_PRIZE } from "../../seed/demo/prize.ts";

const GREENWAY = "019a0000-0000-7000-8000-00000000b004";
const NATIONWIDE = "019a0000-0000-7000-8000-00000000b005";
const SECOND_CHANCE = "019a0000-0000-7000-8000-00000000b003";
const LIBRARIES = "019a0000-0000-7000-8000-00000000b008";
const DWS = DEMO_AUTHORITY.department;
const rounds = "/api/v1/prize/rounds";

let t: TestApp;
const sessions: Record<string, TestSession> = {};
const emails: Record<string, string> = {};
const userIds: Record<string, string> = {};
const as = (who: string) => sessions[who] as TestSession;
const clock = () => t.deps.clock as unknown as SettableClock;

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  const make = async (who: string, role?: string, scopeId?: string) => {
    const user = await createUser(t.deps.db, {
      grants: role ? [{ role: role as never, ...(scopeId ? { scopeId } : {}) }] : [],
      displayName: who,
    });
    emails[who] = user.email;
    userIds[who] = user.id;
    sessions[who] = await sessionFor(t.app, user.id, { twoFactor: true });
  };
  await make("dws", "commissioner", DWS);
  await make("county", "commissioner", DEMO_AUTHORITY.county);
  await make("judge1");
  await make("judge2");
});

/** Moves the clock, and signs everyone in again (a session lapses when the clock moves a day). */
async function moveTo(instant: Date): Promise<void> {
  clock().set(instant);
  for (const who of Object.keys(userIds))
    sessions[who] = await sessionFor(t.app, userIds[who] as string, { twoFactor: true });
}

afterAll(async () => {
  await t?.close();
});

describe("the demo's prize, in public", () => {
  it("lists last year's round decided and this year's open", async () => {
    const json = (await call(t.app, "GET", rounds)).json();
    expect(json.rounds.map((r: { id: string; state: string }) => [r.id, r.state])).toEqual([
      [DEMO_PRIZE.thisRound, "nominating"],
      [DEMO_PRIZE.lastRound, "decided"],
    ]);
    expect(mainText((await call(t.app, "GET", "/prize")).body)).toContain("Open for nominations");
    expect((await call(t.app, "GET", "/authorities")).body).toContain('href="/prize"');
  });

  it("shows last year's winners with their citations, the tie on the shortlist, and never who nominated", async () => {
    const page = await call(t.app, "GET", `/prize/${DEMO_PRIZE.lastRound}`);
    expect(page.statusCode).toBe(200);
    const text = mainText(page.body);
    expect(text).toContain("Winner Westshire Libraries and Culture Mutual");
    expect(text).toContain("For showing that a staff-owned library service");
    expect(text).toContain("tied in place 2");
    expect(text).toContain("Nominated by Westshire Community Health CIC.");
    expect(text).toContain("Members of the public: 1.");
    const json = (await call(t.app, "GET", `${rounds}/${DEMO_PRIZE.lastRound}`)).json();
    const spinOut = json.categories.find((c: { id: string }) => c.id === DEMO_PRIZE.lastSpinOut);
    expect(spinOut.shortlist.map((n: { name: string; rank: number }) => [n.name, n.rank])).toEqual([
      ["Westshire Libraries and Culture Mutual", 1],
      ["Kinship Futures Westshire", 2],
      ["Millbrook Leisure Mutual", 2],
    ]);
    for (const body of [page.body, JSON.stringify(json)]) {
      expect(body).not.toContain("Sam Ellis");
      expect(body).not.toContain("sam.ellis@example.org");
    }
  });

  it("publishes the shortlists and winners as open data, never who nominated nor the judges", async () => {
    const json = (await call(t.app, "GET", "/open-data/prize.json")).json();
    const spinOut = json.rows.filter(
      (r: { category_id: string }) => r.category_id === DEMO_PRIZE.lastSpinOut,
    );
    expect(
      spinOut.map((r: { nominee_name: string; shortlist_place: number; won: boolean }) => [
        r.nominee_name,
        r.shortlist_place,
        r.won,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ["Westshire Libraries and Culture Mutual", 1, true],
        ["Kinship Futures Westshire", 2, false],
        ["Millbrook Leisure Mutual", 2, false],
      ]),
    );
    expect(spinOut).toHaveLength(3);
    expect(spinOut.find((r: { won: boolean }) => r.won).citation).toContain(
      "For showing that a staff-owned library service",
    );
    // This year's round has no shortlist yet: none of its nominees is published.
    expect(json.rows.some((r: { round_id: string }) => r.round_id === DEMO_PRIZE.thisRound)).toBe(false);
    const csv = (await call(t.app, "GET", "/open-data/prize.csv")).body;
    for (const body of [csv, JSON.stringify(json)])
      for (const secret of [
        "Sam Ellis",
        "sam.ellis@example.org",
        "Olu Adeyemi",
        "Amira Haddad",
        "evaluator-dws@",
      ])
        expect(body).not.toContain(secret);
  });

  it("shows the win on the winner's profile, and is in Welsh", async () => {
    expect(mainText((await call(t.app, "GET", `/organisations/${LIBRARIES}`)).body)).toContain(
      "Westshire Libraries and Culture Mutual: winner, Spin-out of the year, Public Service Innovation Prize 2025",
    );
    const page = await t.app.inject({
      url: `/prize/${DEMO_PRIZE.lastRound}`,
      headers: { cookie: "lang=cy" },
    });
    expect(mainText(page.body)).toContain("Enillwyr wedi’u cyhoeddi");
  });
});

describe("nominating", () => {
  it("takes a nomination from the public on the form, merges a repeat, and never publishes the nominator", async () => {
    const browser = testBrowser(t.app);
    expect((await browser.get(`/prize/${DEMO_PRIZE.thisRound}/nominate`)).statusCode).toBe(200);
    const fields = {
      categoryId: DEMO_PRIZE.thisSpinOut,
      nomineeKind: "organisation",
      organisationId: GREENWAY,
      reasons: "Home care rotas planned with the people cared for.",
      name: "Alex Nominator",
      email: "alex.nominator@example.org",
    };
    const empty = await browser.post(`/prize/${DEMO_PRIZE.thisRound}/nominate`, {
      ...fields,
      reasons: "",
      email: "",
    });
    expect(empty.statusCode).toBe(400);
    expect(summaryErrors(empty.body).map(([, message]) => message)).toEqual([
      "Say what the innovation is and why it deserves the prize, in 3,000 characters or fewer",
      "Enter your email address",
    ]);
    const sent = await browser.post(`/prize/${DEMO_PRIZE.thisRound}/nominate`, fields);
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe(`/prize/${DEMO_PRIZE.thisRound}?notice=nominated`);
    const again = await call(t.app, "POST", `${rounds}/${DEMO_PRIZE.thisRound}/nominations`, undefined, {
      ...fields,
      name: "Bo Second",
      email: "bo.second@example.org",
    });
    expect(again.statusCode).toBe(201);
    expect(again.json()).toMatchObject({ merged: true, nominations: 2 });
    const page = await call(t.app, "GET", `/prize/${DEMO_PRIZE.thisRound}`);
    expect(mainText(page.body)).toContain("Nominees so far: 2."); // the demo's therapy partners and Greenway
    for (const body of [page.body, (await call(t.app, "GET", `${rounds}/${DEMO_PRIZE.thisRound}`)).body])
      expect(body).not.toMatch(/Alex Nominator|alex\.nominator|Bo Second/);
  });

  it("refuses an unknown provider and a round out of time, saying what to do", async () => {
    const unknown = await call(t.app, "POST", `${rounds}/${DEMO_PRIZE.thisRound}/nominations`, as("judge1"), {
      categoryId: DEMO_PRIZE.thisCare,
      nomineeKind: "organisation",
      organisationId: "019a0000-0000-7000-8000-0000000fffff",
      reasons: "Good work.",
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details[0]).toMatchObject({ field: "organisationId" });
    const late = await call(t.app, "POST", `${rounds}/${DEMO_PRIZE.lastRound}/nominations`, as("judge1"), {
      categoryId: DEMO_PRIZE.lastCare,
      nomineeKind: "organisation",
      organisationId: GREENWAY,
      reasons: "Good work.",
    });
    expect(late.statusCode).toBe(409);
    expect(late.json().error.message).toContain("this round takes no more");
  });
});

describe("opening a round on its page", () => {
  it("shows the organiser's errors, then opens the round", async () => {
    expect((await call(t.app, "GET", "/prize/new", as("judge1"))).statusCode).toBe(403);
    const form = await call(t.app, "GET", "/prize/new", as("dws"));
    expect(mainText(form.body)).toContain("Department for Work and Skills");
    const date = (name: string, d: string) => ({
      [`${name}-day`]: d.slice(8),
      [`${name}-month`]: d.slice(5, 7),
      [`${name}-year`]: d.slice(0, 4),
    });
    const fields = {
      authorityId: DWS,
      year: "2028",
      title: "Innovation Prize 2028",
      categories: "Spin-out of the year\nInnovation in care",
      shortlistSize: "3",
      ...date("nominationsOpenOn", "2028-03-01"),
      ...date("nominationsCloseOn", "2028-03-31"),
      ...date("shortlistOn", "2028-03-31"),
      ...date("winnersOn", "2028-06-01"),
    };
    const outOfOrder = await postForm(t.app, as("dws"), "/prize/new", fields);
    expect(outOfOrder.statusCode).toBe(422);
    expect(summaryErrors(outOfOrder.body)).toEqual([
      ["#shortlistOn", "The shortlist is announced after nominations close"],
    ]);
    const opened = await postForm(t.app, as("dws"), "/prize/new", {
      ...fields,
      ...date("shortlistOn", "2028-05-02"),
    });
    expect(opened.statusCode).toBe(303);
    const page = await call(t.app, "GET", opened.headers.location as string);
    expect(mainText(page.body)).toContain("Innovation in care");
  });
});

describe("judging a round", () => {
  it("declares before scoring, refuses the conflicted and the undeclared, shortlists a tie and announces the winner", async () => {
    const start = clock().now();
    const today = londonToday(clock());
    const roundBody = {
      authorityId: DWS,
      year: 2027,
      title: "Test prize",
      categories: ["Best idea"],
      nominationsOpenOn: today,
      nominationsCloseOn: today,
      shortlistOn: addDays(today, 2),
      winnersOn: addDays(today, 3),
      shortlistSize: 1,
    };
    expect((await call(t.app, "POST", rounds, as("county"), roundBody)).statusCode).toBe(403);
    const opened = await call(t.app, "POST", rounds, as("dws"), roundBody);
    expect(opened.statusCode).toBe(201);
    const roundId = opened.json().id;
    const categoryId = (await call(t.app, "GET", `${rounds}/${roundId}`)).json().categories[0].id;
    const ids: Record<string, string> = {};
    for (const [name, organisationId] of [
      ["greenway", GREENWAY],
      ["nationwide", NATIONWIDE],
      ["secondChance", SECOND_CHANCE],
    ] as const) {
      const sent = await call(t.app, "POST", `${rounds}/${roundId}/nominations`, undefined, {
        categoryId,
        nomineeKind: "organisation",
        organisationId,
        reasons: "An innovation.",
        name: "Pat Public",
        email: "pat.public@example.org",
      });
      ids[name] = sent.json().nominationId;
    }
    // Nominated again by someone signed in (merged): they will be told of the shortlist and the winners.
    const signedIn = await call(t.app, "POST", `${rounds}/${roundId}/nominations`, as("county"), {
      categoryId,
      nomineeKind: "organisation",
      organisationId: SECOND_CHANCE,
      reasons: "Kitchens that train people leaving prison.",
    });
    expect(signedIn.json()).toMatchObject({ merged: true });
    for (const judge of ["judge1", "judge2"])
      expect(
        (await call(t.app, "POST", `${rounds}/${roundId}/judges`, as("dws"), { email: emails[judge] }))
          .statusCode,
      ).toBe(200);
    // Each judge is told in their inbox, with a link to the judging page.
    const inbox = async (who: string) =>
      (await call(t.app, "GET", "/api/v1/inbox", as(who)))
        .json()
        .notices.filter((n: { link: string }) => n.link.startsWith(`/prize/${roundId}`)) as {
        subject: string;
        link: string;
      }[];
    expect(await inbox("judge2")).toEqual([
      expect.objectContaining({
        subject: "You are a judge of Test prize",
        link: `/prize/${roundId}/judging`,
      }),
    ]);
    expect(
      (await call(t.app, "POST", `${rounds}/${roundId}/judges`, as("judge1"), { email: emails.judge2 }))
        .statusCode,
    ).toBe(403);
    const declare = (who: string, conflicts: object[]) =>
      call(t.app, "POST", `${rounds}/${roundId}/declaration`, as(who), { conflicts });
    const score = (who: string, id: string | undefined, value: number) =>
      call(t.app, "PUT", `${rounds}/${roundId}/nominations/${id}/score`, as(who), {
        score: value,
        comment: "Why",
      });
    expect((await declare("judge1", [])).statusCode).toBe(409); // nominations still open

    await moveTo(new Date(start.getTime() + 86_400_000));
    const undeclared = await score("judge1", ids.nationwide, 8);
    expect(undeclared.statusCode).toBe(403);
    expect(undeclared.json().error.message).toContain("Declare your conflicts of interest");
    const judging = (await call(t.app, "GET", `${rounds}/${roundId}/judging`, as("judge1"))).json();
    expect(judging.nominees.every((n: { reasons: unknown[] }) => n.reasons.length === 0)).toBe(true);
    expect((await declare("judge1", [{ nominationId: ids.greenway, description: "" }])).statusCode).toBe(422);
    expect(
      (await declare("judge1", [{ nominationId: ids.greenway, description: "My sister manages it." }]))
        .statusCode,
    ).toBe(200);
    const conflicted = await score("judge1", ids.greenway, 9);
    expect(conflicted.statusCode).toBe(403);
    expect(conflicted.json().error.message).toContain(
      "You declared a conflict of interest with Greenway Home Care Ltd",
    );
    expect((await score("judge1", ids.nationwide, 8)).statusCode).toBe(200);
    expect((await score("judge1", ids.secondChance, 8)).statusCode).toBe(200);
    const before = mainText((await call(t.app, "GET", `/prize/${roundId}/judging`, as("judge2"))).body);
    expect(before).toContain("Nominees you have a conflict of interest with");
    expect(before).not.toContain("An innovation.");
    expect((await postForm(t.app, as("judge2"), `/prize/${roundId}/declaration`, {})).statusCode).toBe(303);
    const badScore = await postForm(
      t.app,
      as("judge2"),
      `/prize/${roundId}/nominations/${ids.greenway}/score`,
      {
        score: "11",
        comment: "Too good",
      },
    );
    expect(badScore.statusCode).toBe(400);
    expect(summaryErrors(badScore.body)).toEqual([
      ["#score", "Enter a score from 0 to 10, in whole numbers"],
    ]);
    for (const [id, value] of [
      [ids.greenway, 8],
      [ids.nationwide, 6],
      [ids.secondChance, 8],
    ] as const)
      expect((await score("judge2", id, value)).statusCode).toBe(200);
    const read = (await call(t.app, "GET", `${rounds}/${roundId}/judging`, as("judge2"))).json();
    expect(read.nominees[0].reasons[0].reasons).toBe("An innovation.");
    expect(JSON.stringify(read)).not.toContain("pat.public");

    const early = await call(t.app, "POST", `${rounds}/${roundId}/shortlist`, as("dws"));
    expect(early.statusCode).toBe(409);
    await moveTo(new Date(start.getTime() + 2 * 86_400_000));
    const shortlist = await call(t.app, "POST", `${rounds}/${roundId}/shortlist`, as("dws"));
    expect(shortlist.statusCode).toBe(200);
    expect(
      shortlist
        .json()
        .categories[0].shortlist.map((n: { name: string; rank: number; tied: boolean }) => [
          n.name,
          n.rank,
          n.tied,
        ]),
    ).toEqual([
      ["Greenway Home Care Ltd", 1, true],
      ["Second Chance Kitchens CIC", 1, true],
    ]);
    expect((await score("judge2", ids.nationwide, 9)).statusCode).toBe(409);
    expect((await inbox("county")).map((n) => n.subject)).toEqual([
      "The shortlist of Test prize is published",
    ]);

    await moveTo(new Date(start.getTime() + 3 * 86_400_000));
    const form = await call(t.app, "GET", `/prize/${roundId}/judging`, as("dws"));
    expect(mainText(form.body)).toContain("Announce the winners");
    const noCitation = await call(t.app, "POST", `${rounds}/${roundId}/winners`, as("dws"), {
      winners: [{ categoryId, nominationId: ids.greenway, citation: "" }],
    });
    expect(noCitation.statusCode).toBe(400);
    const notShortlisted = await call(t.app, "POST", `${rounds}/${roundId}/winners`, as("dws"), {
      winners: [{ categoryId, nominationId: ids.nationwide, citation: "Well done." }],
    });
    expect(notShortlisted.statusCode).toBe(400);
    const winners = await call(t.app, "POST", `${rounds}/${roundId}/winners`, as("dws"), {
      winners: [{ categoryId, nominationId: ids.secondChance, citation: "For kitchens that change lives." }],
    });
    expect(winners.statusCode).toBe(200);
    expect(winners.json().round.state).toBe("decided");
    expect((await inbox("county")).map((n) => [n.subject, n.link])).toEqual([
      ["The winners of Test prize are published", `/prize/${roundId}`],
      ["The shortlist of Test prize is published", `/prize/${roundId}`],
    ]);
    expect(mainText((await call(t.app, "GET", `/organisations/${SECOND_CHANCE}`)).body)).toContain(
      "Second Chance Kitchens CIC: winner, Best idea, Test prize",
    );
    await moveTo(start);
  });
});
