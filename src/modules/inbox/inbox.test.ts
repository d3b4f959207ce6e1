/**
 * The inbox on the demo data (one seeded app for the file): a person's own notices, newest first,
 * a page at a time, with the time, the authority or organisation and a link; opened and marked
 * read; none of anyone else's; the unread count in the header; the API and its scopes; the email
 * choices. Then every kind of notice the code can send, driven from the one list of kinds: each
 * reaches its recipient's inbox, and its link opens for them — a new kind without a scenario here,
 * or a link its recipient cannot open, fails.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { createUser, postForm, sessionFor, type TestSession } from "../../../tests/support/auth.ts";
import { mainText } from "../../../tests/support/pages.ts";
import { ctxFor, principalOf } from "../../../tests/support/principals.ts";
import { transaction } from "../../db/transaction.ts";
import { fixedClock, type SettableClock } from "../../lib/clock.ts";
import { addDays, londonDateTime, londonToday } from "../../lib/london-time.ts";
import { DEMO_AREA } from "../../seed/demo/areas.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_CARE_STAFF } from "../../seed/demo/care.ts";
import { DEMO_CO_SIGNATORIES, DEMO_CHALLENGE as DEMO_EOI } from "../../seed/demo/challenges.ts";
import { DEMO_CONTRACTS } from "../../seed/demo/contracts.ts";
import { DEMO_CHALLENGE as DEMO_AWARD_CHALLENGE, DEMO_AWARD_TENDER } from "../../seed/demo/evaluation.ts";
import { DEMO_INSPECTION, DEMO_LOCATION } from "../../seed/demo/regulation.ts";
import { DEMO_SERVICE } from "../../seed/demo/services.ts";
import { DEMO_STANDARDS } from "../../seed/demo/standards.ts";
import { DEMO_TENDER } from "../../seed/demo/tenders.ts";
import { DEMO_ORGANISATION, DEMO_PROVIDER_GREENWAY, DEMO_USERS } from "../../seed/demo/users.ts";
import { type Ctx, systemCtx } from "../access/context.ts";
import {
  acceptInvitation,
  approveInvitation,
  invitationToken,
  invite,
} from "../access/invitations.service.ts";
import { rejectPublicBody, requestPublicBody, verifyPublicBody } from "../access/verification.service.ts";
import { createApiToken } from "../accounts/api-tokens.service.ts";
import { decideStandstillChallenge } from "../award/challenges.service.ts";
import { rejectInvoice } from "../budgets/payments.service.ts";
import { submitProviderInvoice } from "../budgets/provider-invoices.service.ts";
import { waiveSurplus } from "../budgets/surplus.service.ts";
import { changeBudget, changePerson, peopleActedFor } from "../care/care.service.ts";
import { endAppointment } from "../care/champion-links.service.ts";
import {
  agreeToModification,
  considerExpressionOfInterest,
  decideExpressionOfInterest,
  proposeModification,
} from "../challenges/decisions.service.ts";
import { confirmCoSignature, recordConfirmation } from "../challenges/employees.service.ts";
import {
  draftChallenge,
  recordDraft,
  recordSubmission,
  updateDraft,
  withdrawChallenge,
} from "../challenges/expressions.service.ts";
import { endArrangement } from "../choice/arrangements.service.ts";
import { setContractedPrice } from "../choice/members.service.ts";
import { answerUnavailable, recordUnavailable } from "../choice/unavailable.service.ts";
import { amendContract, terminateContract } from "../contracts/contract-changes.service.ts";
import { contractsCtx } from "../contracts/contracts.context.ts";
import { correctKpiReport } from "../contracts/kpi-reports.service.ts";
import { declareConflicts } from "../evaluation/declarations.service.ts";
import {
  NOTICE_KIND_LIST,
  type NoticeKind,
  type NotifyInput,
  notify,
} from "../notifications/notifications.service.ts";
import { makeComplaint } from "../redress/redress.service.ts";
import { confirmRemedy } from "../redress/remedies.service.ts";
import { decidedCase } from "../redress/remedies.test-fixtures.ts";
import {
  cancelRegistration,
  issueEnforcement,
  recordEnforcement,
} from "../regulation/enforcement.service.ts";
import { correctDraftReport } from "../regulation/inspections.service.ts";
import { decideRegistration } from "../regulation/registration.service.ts";
import { concludeAudit, recordFinding, startAudit } from "../results/audits.service.ts";
import { paidPeriod } from "../results/audits.test-fixtures.ts";
import { shiftMarketShare } from "../results/performance.service.ts";
import { approveRun, cancelRun, computeRun, payRun, startRun } from "../results/runs.service.ts";
import { attach, makeOutcomeContract } from "../results/runs.test-fixtures.ts";
import { accredit, remindExpiring } from "../standards/standards.service.ts";
import { amendTender, cancelTender } from "../tenders/amendments.service.ts";
import { assignEvaluator } from "../tenders/evaluators.service.ts";
import { confirmOpening } from "../tenders/opening.service.ts";
import { tendersCtx } from "../tenders/tenders.context.ts";

const COUNTY = DEMO_AUTHORITY.county;
const REGULATOR = DEMO_AUTHORITY.regulator;
const user = (role: string) => {
  const found = DEMO_USERS.find((u) => u.role === role);
  if (!found) throw new Error(`No demo ${role}`);
  return found.id;
};
const COMMISSIONER = user("commissioner");
const EVALUATOR = user("evaluator");
const BID_OPENER = user("bid-opener");
const AUTHORITY_ADMIN = user("authority-admin");
const REGULATOR_STAFF = user("regulator-staff");
const PLATFORM_ADMIN = user("platform-admin");
const DAY = 86_400_000;
/** Westshire's two demo employees who co-sign (verified work addresses on its staff email domain). */
const [ROWAN, SAM] = DEMO_CO_SIGNATORIES;
const coSignatory = (person: (typeof DEMO_CO_SIGNATORIES)[number]) => ({
  name: person.name,
  jobTitle: person.jobTitle,
  email: person.email,
});
/** An employees' expression of interest in Westshire's libraries (whose window is open), complete. */
const LIBRARIES_EOI = {
  financialResources: "A staff mutual's business plan.",
  capabilityEvidence: "The library staff run the service today.",
  serviceArea: "The county's libraries.",
  outcomes: "Longer opening hours.",
  userNeeds: "Readers asked for evening opening.",
  employeeEngagement: "A meeting at each library and a staff ballot.",
};
/** Greenway Home Care, a provider with a location registered for personal care. */
const GREENWAY = "019a0000-0000-7000-8000-00000000b004";

let t: TestApp;
let clock: SettableClock;

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  clock = t.deps.clock as SettableClock;
});

afterAll(async () => {
  await t?.close();
});

const db = () => t.deps.db;
const as = async (userId: string): Promise<Ctx> =>
  ctxFor(db(), clock, await principalOf(db(), userId, { twoFactor: true }));
const session = (userId: string) => sessionFor(t.app, userId, { twoFactor: true });
const get = (url: string, s?: TestSession) =>
  t.app.inject({ method: "GET", url, ...(s ? { headers: { cookie: s.cookie } } : {}) });

/** Notices sent straight to someone, as a service does. */
async function tell(userId: string, input: Partial<NotifyInput> = {}) {
  return transaction(db(), (trx) =>
    notify(
      trx,
      clock,
      {
        userId,
        authorityId: COUNTY,
        kind: "tender.amended",
        subject: "A tender you follow was amended",
        body: "The deadline moved.\nCheck your bid.",
        link: `/authorities/westshire-county-council/tenders/${DEMO_TENDER.open}`,
        ...input,
      },
      { email: false },
    ),
  );
}

/** The address a link leads to for this person, following the site's own redirects. */
async function follow(link: string, s: TestSession): Promise<{ status: number; url: string }> {
  let url = link.split("#", 1)[0] as string;
  for (let hops = 0; hops < 3; hops++) {
    const response = await get(url, s);
    const location = response.headers.location;
    if (response.statusCode !== 303 && response.statusCode !== 302)
      return { status: response.statusCode, url };
    if (typeof location !== "string" || !location.startsWith("/") || location.startsWith("/sign-in"))
      return { status: response.statusCode, url: String(location) };
    url = location;
  }
  return { status: 0, url };
}

describe("the inbox", () => {
  it("lists a person's own notices, newest first, 20 a page, with their time, authority or organisation, and unread", async () => {
    const ann = (await createUser(db(), { displayName: "Ann Inbox", clock })).id;
    const s = await session(ann);
    expect(mainText((await get("/inbox", s)).body)).toContain("You have no notices yet.");
    const sent = [];
    for (let i = 1; i <= 21; i++) {
      sent.push(
        await tell(ann, {
          subject: `Notice ${i}`,
          ...(i === 21 ? { organisationId: DEMO_ORGANISATION } : {}),
        }),
      );
      clock.advance(60_000);
    }
    await tell(user("citizen"), { subject: "Someone else's notice" });

    const first = await get("/inbox", s);
    expect(first.statusCode).toBe(200);
    const text = mainText(first.body);
    expect(text).toContain("You have 21 unread notices.");
    expect(text.indexOf("Notice 21")).toBeLessThan(text.indexOf("Notice 20"));
    expect(text).toContain("Notice 2 ");
    expect(text).not.toContain("Notice 1 ");
    expect(text).not.toContain("Someone else's notice");
    // Its time as the site shows times; whom it is from, and for.
    expect(text).toContain(londonDateTime(sent[20]?.created_at as Date));
    expect(text).toContain("Westshire County Council");
    expect(text).toContain("For Westshire Community Health CIC");
    expect(first.body).toContain(`href="/inbox/${sent[20]?.id}"`);
    expect(first.body).toContain('href="/inbox?page=2"');

    const second = mainText((await get("/inbox?page=2", s)).body);
    expect(second).toContain("Notice 1 ");
    expect(second).not.toContain("Notice 2 ");
    expect(mainText((await get("/inbox?page=3", s)).body)).toContain("There are no notices on this page.");

    // The header counts the unread: a link whose name says how many.
    expect(first.body).toMatch(
      /<a class="openps-header__account-link" href="\/inbox" aria-current="page">Inbox <strong class="openps-unread-count">21 unread<\/strong>/,
    );
  });

  it("opens a notice, marking it read, with a link to what it is about; anyone else's is not found", async () => {
    const ben = (await createUser(db(), { clock })).id;
    const other = (await createUser(db(), { clock })).id;
    const notice = await tell(ben, { subject: "Read me" });
    await tell(ben, { subject: "Leave me unread" });
    const s = await session(ben);
    expect((await get("/inbox", s)).body).toContain("2 unread");

    // Another person: not found, on the page and in the API, and it stays unread.
    const theirs = await session(other);
    expect((await get(`/inbox/${notice.id}`, theirs)).statusCode).toBe(404);
    expect((await call(t.app, "GET", `/api/v1/inbox/${notice.id}`, theirs)).statusCode).toBe(404);
    expect((await call(t.app, "POST", `/api/v1/inbox/${notice.id}/read`, theirs)).statusCode).toBe(404);
    expect((await get("/inbox/not-a-notice", s)).statusCode).toBe(404);
    // Nobody signed in: to sign in.
    expect((await get(`/inbox/${notice.id}`)).headers.location).toMatch(/^\/sign-in/);

    clock.advance(60_000);
    const opened = await get(`/inbox/${notice.id}`, s);
    expect(opened.statusCode).toBe(200);
    const text = mainText(opened.body);
    expect(text).toContain("Read me");
    expect(text).toContain("The deadline moved.");
    expect(text).toContain("Check your bid.");
    expect(opened.body).toContain(`href="/authorities/westshire-county-council/tenders/${DEMO_TENDER.open}"`);
    expect(opened.body).toContain("1 unread");
    const api = (await call(t.app, "GET", `/api/v1/inbox/${notice.id}`, s)).json();
    expect(api).toMatchObject({ subject: "Read me", readAt: clock.now().toISOString() });
    expect(api.authority).toEqual({ id: COUNTY, name: "Westshire County Council" });

    // Marking all read: one form, and the count goes.
    const all = await postForm(t.app, s, "/inbox/mark-all-read", {});
    expect(all.statusCode).toBe(303);
    expect(all.headers.location).toBe("/inbox?notice=all-read");
    const after = await get("/inbox?notice=all-read", s);
    expect(mainText(after.body)).toContain("Every notice in your inbox is marked as read.");
    expect(mainText(after.body)).toContain("You have no unread notices.");
    expect(after.body).not.toContain("openps-unread-count");
  });

  it("answers the API with the caller's own notices, and holds API tokens to inbox:read and inbox:write", async () => {
    const cy = (await createUser(db(), { clock })).id;
    const notices = [await tell(cy, { subject: "First" })];
    clock.advance(1000);
    notices.push(await tell(cy, { subject: "Second", authorityId: null, link: "/account" }));
    const token = async (scopes: ("inbox:read" | "inbox:write")[]) => ({
      token: (
        await createApiToken(
          { ...(await as(cy)), secrets: t.app.accountSecrets, origin: { address: "127.0.0.1" } },
          { name: scopes.join(" "), scopes, expiresInDays: 30 },
        )
      ).token,
    });
    const reader = await token(["inbox:read"]);
    const list = await call(t.app, "GET", "/api/v1/inbox", reader);
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({ page: 1, pageSize: 20, total: 2, totalPages: 1, unread: 2 });
    expect(list.json().notices.map((n: { subject: string }) => n.subject)).toEqual(["Second", "First"]);
    expect(list.json().notices[0]).toMatchObject({ authority: null, organisation: null, link: "/account" });
    expect((await call(t.app, "GET", "/api/v1/inbox?page=0", reader)).statusCode).toBe(400);
    // Reading is not marking read, and a reader may not mark.
    const refused = await call(t.app, "POST", "/api/v1/inbox/read-all", reader);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe("insufficient_scope");
    const writer = await token(["inbox:write"]);
    expect((await call(t.app, "GET", "/api/v1/inbox", writer)).statusCode).toBe(403);
    const read = await call(t.app, "POST", `/api/v1/inbox/${notices[0]?.id}/read`, writer);
    expect(read.statusCode).toBe(200);
    expect(read.json().readAt).toBe(clock.now().toISOString());
    expect((await call(t.app, "POST", "/api/v1/inbox/read-all", writer)).json()).toEqual({ marked: 1 });
    expect((await call(t.app, "GET", "/api/v1/inbox", reader)).json().unread).toBe(0);
    expect((await call(t.app, "GET", "/api/v1/inbox")).statusCode).toBe(401);
  });

  it("lets a person choose which kinds of notice also come by email, all by default, security ones always", async () => {
    const dee = (await createUser(db(), { clock })).id;
    const s = await session(dee);
    const page = await get("/account/email-notices", s);
    expect(page.statusCode).toBe(200);
    const text = mainText(page.body);
    expect(text).toContain("This site does not send email at the moment");
    expect(text).toContain("A tender you are registered for is amended");
    expect(page.body).toMatch(/value="tender.amended" checked/);
    expect(page.body).not.toMatch(/value="tender.seal-broken"/);
    expect(text).toContain("Always by email");
    expect(text).toContain("Bids fail their integrity check when they are opened");

    const all = [...page.body.matchAll(/name="emailed" type="checkbox" value="([^"]+)"/g)].map(
      (m) => m[1] as string,
    );
    expect(all.length).toBeGreaterThan(20);
    const saved = await postForm(t.app, s, "/account/email-notices", {
      emailed: all.filter((k) => k !== "tender.amended" && k !== "opportunity.matched"),
    });
    expect(saved.statusCode).toBe(303);
    const again = await get(saved.headers.location as string, s);
    expect(mainText(again.body)).toContain("Your choices are saved.");
    expect(again.body).toMatch(/value="tender.amended">/);
    expect(again.body).toMatch(/value="tender.cancelled" checked/);
    expect(
      (
        await db()
          .selectFrom("notification_email_opt_outs")
          .select("kind")
          .where("user_id", "=", dee)
          .execute()
      )
        .map((r) => r.kind)
        .sort(),
    ).toEqual(["opportunity.matched", "tender.amended"]);

    // A kind that cannot be chosen (a security one, or none at all): 400, nothing changed.
    const bad = await postForm(t.app, s, "/account/email-notices", { emailed: ["tender.seal-broken"] });
    expect(bad.statusCode).toBe(400);
    expect(mainText(bad.body)).toContain("Choose only from the kinds of notice listed");
    expect(
      await db()
        .selectFrom("notification_email_opt_outs")
        .select("kind")
        .where("user_id", "=", dee)
        .execute(),
    ).toHaveLength(2);
    // The account page leads to the inbox and the choices.
    const account = await get("/account", s);
    expect(account.body).toContain('href="/account/email-notices"');
    expect(account.body).toContain('href="/inbox"');
  });
});

/**
 * What makes each kind of notice, on the demo data: "demo" when the demo data has made it already
 * (each demo seed goes through the real services); otherwise the action, as the person who takes it.
 */
const SCENARIOS: Record<NoticeKind, "demo" | (() => Promise<unknown>)> = {
  "tender.question-asked": "demo",
  // The demo mutuals seed: Westshire refuses the parks spin-out, and approves the libraries' (the teams are told).
  "mutuals.decision": "demo",
  // The demo community assets seed: Sam's charity nominates Westshire's assets (its commissioners are
  // told), and Westshire decides them and records owners' notices of sale (Sam is told).
  "community-asset.nominated": "demo",
  "community-asset.progressed": "demo",
  // The demo delegations seed: Westshire delegates its country parks in Kelderby to Kelderby Town
  // Council (its clerk is told), and the town council reports its delivery (Westshire's people are told).
  "delegation.progressed": "demo",
  "delegation.report-submitted": "demo",
  // The demo community budgets seed: Priya records the pool's spends (each partner's people are told).
  "community-budget.spent": "demo",
  // The demo prize seed: the Department for Work and Skills appoints its judges (each is told), and
  // publishes last year's shortlist and winners (Olu Adeyemi, who nominated signed in, is told).
  "prize.judge-appointed": "demo",
  "prize.published": "demo",
  "tender.question-answered": "demo",
  // The demo care seed changes the demo citizen's own budget once: she is told.
  "care.budget-changed": "demo",
  // The demo seed: Joan appoints Westshire Healthwatch (its person and she are told).
  "care.champion-appointed": "demo",
  // The demo feedback seed: Joan's review is moderated (she is told) and published (Greenway is told).
  "feedback.review-moderated": "demo",
  "feedback.review-published": "demo",
  // The demo redress seed: each complaint's body acknowledges, extends or answers; the complainant is told.
  "complaint.progressed": "demo",
  // The demo redress seed makes each complaint through the service: the body's people are told.
  "complaint.to-answer": "demo",
  "remedy.progressed": async () => {
    // An ombudsman confirms a remedy Westshire reported done, on a case decided about a complaint the
    // demo citizen makes (the remedies' test fixture): Westshire's complaints officers are told.
    const c = await makeComplaint(await as(user("citizen")), {
      about: "authority",
      authorityId: COUNTY,
      regime: "council",
      actingAs: "self",
      whatHappened: "The library's lift has been broken for three months.",
      happenedOn: "2026-11-02",
      outcomeWanted: "Mend the lift.",
      consent: true,
    });
    const decided = await decidedCase(db(), clock, {
      complaint: { authorityId: c.authority_id, complaintId: c.id },
      ombudsmanId: DEMO_AUTHORITY.ombudsman,
      remedies: [{ kind: "apology", dueOn: "2027-01-29", reported: true }],
    });
    await confirmRemedy(await as(user("ombudsman-staff")), {
      authorityId: DEMO_AUTHORITY.ombudsman,
      caseId: decided.caseId,
      seq: 1,
    });
  },
  "care.champion-ended": async () => {
    // The champion's person ends Joan's appointment: she (the demo citizen) is told, and they are.
    const link = await db()
      .selectFrom("care_links")
      .select("id")
      .where("champion_id", "=", DEMO_AUTHORITY.champion)
      .where("revoked_at", "is", null)
      .executeTakeFirstOrThrow();
    await endAppointment(await as(user("consumer-champion")), DEMO_AUTHORITY.champion, link.id);
  },
  "care.details-changed": async () => {
    // Joan's care staff correct her phone number: she (the demo citizen) is told.
    const joan = await db()
      .selectFrom("care_people")
      .selectAll()
      .where("full_name", "=", "Joan Whitfield")
      .executeTakeFirstOrThrow();
    await changePerson(await as(DEMO_CARE_STAFF), joan.authority_id, joan.id, {
      fullName: joan.full_name,
      dateOfBirth: joan.date_of_birth,
      email: joan.email,
      phone: "01632 960 123",
      address: joan.address,
      areaCode: joan.area_code,
      reason: "correction",
    });
  },
  "tender.amended": async () => {
    // Bids have arrived: an amendment moves the deadline at least a week on.
    const { submission_deadline } = await db()
      .selectFrom("tenders")
      .select("submission_deadline")
      .where("id", "=", DEMO_TENDER.open)
      .executeTakeFirstOrThrow();
    await amendTender(
      tendersCtx(await as(COMMISSIONER), t.deps),
      COUNTY,
      DEMO_TENDER.open,
      { submissionDeadline: new Date(submission_deadline.getTime() + 14 * DAY).toISOString() },
      "More time for bidders to price the new villages",
      { extensionDays: 7 },
    );
  },
  "tender.cancelled": async () =>
    cancelTender(
      tendersCtx(await as(COMMISSIONER), t.deps),
      COUNTY,
      DEMO_TENDER.open,
      "The service is to be brought in-house",
    ),
  "tender.evaluator-assigned": "demo",
  "evaluation.conflict-declared": async () => {
    const newcomer = (await createUser(db(), { grants: [{ role: "evaluator", scopeId: COUNTY }], clock })).id;
    await assignEvaluator(await as(COMMISSIONER), COUNTY, DEMO_TENDER.opened, newcomer);
    await declareConflicts(tendersCtx(await as(newcomer), t.deps), COUNTY, DEMO_TENDER.opened, {
      conflict: true,
      description: "My sister manages one of the bidders.",
    });
  },
  "evaluation.ready-to-moderate": "demo",
  "award.assessment-summary": "demo",
  "award.challenged": "demo",
  "award.challenge-decided": async () =>
    decideStandstillChallenge(
      tendersCtx(await as(COMMISSIONER), t.deps),
      COUNTY,
      DEMO_AWARD_TENDER.challenged,
      DEMO_AWARD_CHALLENGE,
      { outcome: "dismissed", reason: "The scores were moderated as the published criteria say." },
    ),
  "contract.entered": "demo",
  "contract.amended": async () =>
    amendContract(contractsCtx(await as(COMMISSIONER), t.deps), COUNTY, DEMO_CONTRACTS[0] as string, {
      reason: "Two more villages added to the area",
      scope: "Home care across Wesford and the villages of Ashby and Kelderby.",
    }),
  "contract.terminated": async () =>
    terminateContract(contractsCtx(await as(COMMISSIONER), t.deps), COUNTY, DEMO_CONTRACTS[0] as string, {
      reason: "The provider asked to end the contract early.",
      terminatedOn: new Date(clock.now().getTime() + 30 * DAY).toISOString().slice(0, 10),
    }),
  "contract.kpi-reported": "demo",
  "contract.kpi-report-corrected": async () => {
    // The demo report awaiting a rating: the person who sent it corrects it.
    const report = await db()
      .selectFrom("kpi_reports as r")
      .selectAll("r")
      .where("r.authority_id", "=", COUNTY)
      .where("r.contract_id", "=", DEMO_CONTRACTS[0] as string)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom("kpi_ratings as k")
              .select("k.period_number")
              .whereRef("k.authority_id", "=", "r.authority_id")
              .whereRef("k.contract_id", "=", "r.contract_id")
              .whereRef("k.kpi_position", "=", "r.kpi_position")
              .whereRef("k.period_number", "=", "r.period_number"),
          ),
        ),
      )
      .executeTakeFirstOrThrow();
    await correctKpiReport(
      contractsCtx(await as(report.reported_by), t.deps),
      COUNTY,
      report.contract_id,
      report.kpi_position,
      report.period_number,
      {
        value: "1.7 per 1,000",
        commentary: "Corrected: two visits logged as missed were cancelled by the person.",
      },
    );
  },
  "contract.kpi-rated": "demo",
  "opportunity.matched": "demo",
  "consultation.summary-published": "demo",
  "challenge.submitted": "demo",
  "challenge.withdrawn": async () => {
    const system = systemCtx(db(), clock, "test");
    const id = await recordDraft(system, {
      authorityId: COUNTY,
      serviceId: DEMO_SERVICE.countyLibraries,
      applicantType: "employees",
      organisationId: null,
      leadUserId: EVALUATOR,
      coSignatories: [coSignatory(ROWAN)],
      content: LIBRARIES_EOI,
    });
    await recordConfirmation(system, COUNTY, id, ROWAN.id);
    await recordSubmission(system, COUNTY, id);
    await withdrawChallenge(await as(EVALUATOR), COUNTY, id);
  },
  "challenge.modification-proposed": async () => {
    await considerExpressionOfInterest(await as(COMMISSIONER), COUNTY, DEMO_EOI.employees, {
      consideredBy: "Director of Place; Cabinet member for the environment",
      consideredOn: new Date(clock.now().getTime() - DAY).toISOString().slice(0, 10),
      evidence: "The business plan, the parks' accounts and the staff survey.",
    });
    await proposeModification(await as(COMMISSIONER), COUNTY, DEMO_EOI.employees, {
      modification: "The mutual runs three of the four parks; the council keeps the fourth.",
      grounds: ["information-inadequate"],
    });
  },
  "challenge.modification-agreed": async () =>
    agreeToModification(await as(EVALUATOR), COUNTY, DEMO_EOI.employees),
  "challenge.decided": async () =>
    decideExpressionOfInterest(await as(COMMISSIONER), COUNTY, DEMO_EOI.employees, {
      decision: "modified",
      reasons: "The staff have shown they can run three parks well; a procurement exercise will follow.",
    }),
  // The lead employee names colleagues by their work addresses: those with an account are asked.
  "challenge.co-signatory-named": async () =>
    draftChallenge(await as(EVALUATOR), COUNTY, {
      serviceId: DEMO_SERVICE.countyLibraries,
      applicant: { type: "employees", coSignatories: [coSignatory(ROWAN), coSignatory(SAM)] },
      content: LIBRARIES_EOI,
    }),
  // A colleague confirmed; the lead then changes the content, which clears it: asked again.
  "challenge.co-signatory-reconfirm": async () => {
    const draft = await draftChallenge(await as(EVALUATOR), COUNTY, {
      serviceId: DEMO_SERVICE.countyLibraries,
      applicant: { type: "employees", coSignatories: [coSignatory(SAM)] },
      content: LIBRARIES_EOI,
    });
    await confirmCoSignature(await as(SAM.id), COUNTY, draft.id);
    await updateDraft(await as(EVALUATOR), COUNTY, draft.id, {
      content: { outcomes: "Longer opening hours, and a mobile library for the villages." },
    });
  },
  // The demo's employees' EOI: its two colleagues confirmed through the service, the lead told.
  "challenge.co-signatory-confirmed": "demo",
  "regulation.registration-changed": "demo",
  "regulation.enforcement": async () =>
    issueEnforcement(await as(REGULATOR_STAFF), REGULATOR, await providerLocation(), {
      kind: "warning-notice",
      details: "Medicines were not recorded as given on three days in October.",
    }),
  "regulation.draft-report": "demo",
  "regulation.draft-corrected": async () => {
    // The demo's draft at the Riverside Clinic, corrected as the provider's challenge showed.
    const draft = await db()
      .selectFrom("inspections")
      .selectAll()
      .where("regulator_id", "=", REGULATOR)
      .where("id", "=", DEMO_INSPECTION.clinicDraft)
      .executeTakeFirstOrThrow();
    await correctDraftReport(await as(REGULATOR_STAFF), REGULATOR, DEMO_INSPECTION.clinicDraft, {
      inspectedOn: draft.inspected_on,
      inspectors: draft.inspectors,
      evidenceSummary: draft.evidence_summary.replace("nine weeks", "five weeks"),
      ratings: {
        safe: draft.safe,
        effective: draft.effective,
        caring: draft.caring,
        responsive: draft.responsive,
        "well-led": draft.well_led,
      },
      breach: draft.breach,
      breachDetails: draft.breach_details,
      overall: draft.overall === draft.calculated_overall ? "" : draft.overall,
      departureReason: draft.departure_reason ?? "",
      corrections: "Leg ulcer clinic waits corrected from nine weeks to five, as the provider showed.",
    });
  },
  "regulation.report-published": "demo",
  "regulation.registration-cancelled": async () => {
    // The demo's one contract (home care) requires no regulated activity, and its supplier has no
    // location: here it is made Greenway's (bypassing the trigger that keeps a published contract
    // as published), whose Wesford location is registered for personal care.
    await sql`alter table contracts disable trigger contracts_published`.execute(db());
    await db()
      .updateTable("contracts")
      .set({ regulated_activity: "personal-care", organisation_id: GREENWAY })
      .where("id", "=", DEMO_CONTRACTS[0] as string)
      .execute();
    await sql`alter table contracts enable trigger contracts_published`.execute(db());
    const location = DEMO_LOCATION.greenwayWesford;
    // A notice of proposal to cancel issued long enough ago that its representations period is over.
    await recordEnforcement(
      systemCtx(db(), fixedClock(new Date(clock.now().getTime() - 120 * DAY)), "test"),
      REGULATOR,
      location,
      "proposal-to-cancel",
      "Repeated failures to keep people safe.",
    );
    await cancelRegistration(
      await as(REGULATOR_STAFF),
      REGULATOR,
      location,
      "No improvement after the notice.",
    );
  },
  "authority.verified": async () => {
    const body = await requestPublicBody(await as(user("citizen")), {
      slug: "ashby-parish-council",
      name: "Ashby Parish Council",
      kind: "parish",
      nation: "england-and-wales",
    });
    await verifyPublicBody(await as(PLATFORM_ADMIN), body.id);
  },
  "choice.member-left": async () => {
    // The regulator suspends Kelderby Street Care's one location: it leaves Westshire's home care list.
    await decideRegistration(await as(REGULATOR_STAFF), REGULATOR, DEMO_LOCATION.kelderbyStreetCare, {
      to: "suspended",
      reason: "Staffing below safe levels.",
    });
  },
  // The demo choice seed arranges Tomos's home care with Greenway (its administrator is told) and
  // Joan's, which Greenway accepts (Joan, the demo citizen, is told).
  "choice.arrangement-proposed": "demo",
  "choice.arrangement-answered": "demo",
  "choice.arrangement-ended": async () => {
    // Joan, as herself, ends her accepted home care: Greenway's people are told.
    const a = await db()
      .selectFrom("choice_arrangements")
      .select("id")
      .where("status", "=", "accepted")
      .executeTakeFirstOrThrow();
    await endArrangement(await as(user("citizen")), COUNTY, a.id, {
      endsOn: "2027-01-31",
      reason: "Moving to live with her daughter.",
    });
  },
  // The care staff arrange Tomos's home care (demo): Siân, his representative who sees his plan, is told.
  "choice.arrangement-made": "demo",
  "choice.not-available-recorded": async () => {
    // Joan, as herself, records that choice was not available: her care staff are told.
    const joan = await as(user("citizen"));
    const [me] = await peopleActedFor(joan);
    await recordUnavailable(joan, COUNTY, me?.personId as string, {
      categoryCode: "domiciliary-care",
      areaCode: DEMO_AREA.westshire,
      tried: "No provider visits before 7 in the morning.",
    });
  },
  "choice.arrangements-over-budget": async () => {
    // Tomos's budget falls to £100 a week, managed by the council, below his £129 of home care: Siân
    // and the demo care staff are told (another of the council's care staff changes it).
    const staff = (await createUser(db(), { grants: [{ role: "care-staff", scopeId: COUNTY }], clock })).id;
    const plan = await db()
      .selectFrom("choice_arrangements")
      .select("plan_id")
      .where("paid_from", "=", "managed-account")
      .where("status", "=", "proposed")
      .executeTakeFirstOrThrow();
    await changeBudget(await as(staff), COUNTY, plan.plan_id, {
      amount: "£100.00",
      period: "week",
      startsOn: "2027-01-04",
      parts: [{ delivery: "managed-by-authority", amount: "£100.00" }],
      reason: "Fewer hours are needed after the review.",
    });
  },
  "choice.contracted-price-set": async () => {
    // A member of an open list of Westshire's, the list taken for the moment as drafted from its
    // award, gets its contracted price from the commissioner: the member's administrator is told.
    const member = await db()
      .selectFrom("choice_members as m")
      .innerJoin("choice_lists as l", (j) =>
        j.onRef("l.authority_id", "=", "m.authority_id").onRef("l.id", "=", "m.list_id"),
      )
      .select(["m.list_id", "m.organisation_id"])
      .where("m.authority_id", "=", COUNTY)
      .where("m.status", "=", "member")
      .where("l.status", "=", "open")
      .orderBy("m.list_id")
      .executeTakeFirstOrThrow();
    await createUser(db(), {
      grants: [{ role: "organisation-admin", scopeId: member.organisation_id }],
      clock,
    });
    const award = await db()
      .selectFrom("tender_awards")
      .select(["id", "tender_id"])
      .where("authority_id", "=", COUNTY)
      .orderBy("id")
      .executeTakeFirstOrThrow();
    const source = (tender: string | null, awardId: string | null) =>
      sql`update choice_lists set source_tender_id = ${tender}, source_award_id = ${awardId}
        where authority_id = ${COUNTY} and id = ${member.list_id}`.execute(db());
    await source(award.tender_id, award.id);
    await setContractedPrice(
      await as(user("commissioner")),
      COUNTY,
      member.list_id,
      member.organisation_id,
      "21.50",
    );
    await source(null, null);
  },
  "choice.not-available-answered": async () => {
    // Another of the council's care staff answers Arthur's record that choice was not available (the
    // demo care staff recorded it for him, and are told).
    const r = await db()
      .selectFrom("choice_unavailable")
      .select("id")
      .where("recorded_by", "=", user("care-staff"))
      .executeTakeFirstOrThrow();
    const other = (await createUser(db(), { grants: [{ role: "care-staff", scopeId: COUNTY }], clock })).id;
    await answerUnavailable(await as(other), COUNTY, r.id, {
      outcome: "provider-found",
      answer: "Westshire Homes Support will add a night-time visit from next Monday.",
    });
  },
  "authority.rejected": async () => {
    const body = await requestPublicBody(await as(user("citizen")), {
      slug: "not-a-real-council",
      name: "Not A Real Council",
      kind: "parish",
      nation: "england-and-wales",
    });
    await rejectPublicBody(
      await as(PLATFORM_ADMIN),
      body.id,
      "No such council exists in the register of parishes.",
    );
  },
  // The demo direct payment of the demo citizen (Joan) is paid in above its agreed £800 as the demo
  // is seeded: her care staff and she are told.
  "budget.surplus-flagged": "demo",
  // Greenway Home Care invoices Joan's arrangement (she is told) and she pays it (Greenway is told).
  "budget.invoice-submitted": "demo",
  "budget.invoice-paid": "demo",
  "budget.invoice-rejected": async () => {
    // Greenway invoices Joan's arrangement again; her care staff reject it, and Greenway is told why.
    const a = await db()
      .selectFrom("choice_arrangements")
      .selectAll()
      .where("authority_id", "=", COUNTY)
      .where("organisation_id", "=", DEMO_PROVIDER_GREENWAY)
      .where("status", "=", "accepted")
      .executeTakeFirstOrThrow();
    const gwen = DEMO_USERS.find(
      (u) => u.role === "organisation-admin" && u.scopeId === DEMO_PROVIDER_GREENWAY,
    );
    const { result } = await submitProviderInvoice(
      await as(gwen?.id as string),
      DEMO_PROVIDER_GREENWAY,
      "inbox-invoice-rejected",
      {
        authorityId: COUNTY,
        arrangementId: a.id,
        periodStartsOn: a.starts_on,
        periodEndsOn: a.starts_on,
        units: "1",
        amount: (Number(a.price_pence) / 100).toFixed(2),
        reference: "GHC-INBOX-1",
      },
    );
    const staff = (await createUser(db(), { grants: [{ role: "care-staff", scopeId: COUNTY }], clock })).id;
    await rejectInvoice(await as(staff), COUNTY, a.plan_id, result.invoice?.id as string, "inbox-reject-1", {
      reason: "The first morning is invoiced already as GHC-0001.",
    });
  },
  "results.run-paid": async () => {
    // Westshire's commissioner pays a payment run of an outcome contract with Greenway Home Care (the
    // runs' test fixture: one participant attached in October): Greenway's people are told.
    const c = await makeOutcomeContract(db(), {
      authorityId: COUNTY,
      organisationId: DEMO_PROVIDER_GREENWAY,
      at: clock.now(),
    });
    await attach(db(), c, [{ group: "jsa-18-24", on: "2026-10-05" }], clock.now());
    const ctx = await as(COMMISSIONER);
    const run = await startRun(ctx, COUNTY, c.id, { month: "2026-10" });
    await computeRun(ctx, COUNTY, c.id, run.id);
    await approveRun(ctx, COUNTY, c.id, run.id);
    await payRun(ctx, COUNTY, c.id, run.id);
  },
  "results.run-cancelled": async () => {
    // Westshire's commissioner cancels a payment run of an outcome contract with Greenway Home Care
    // started by mistake: Greenway's people are told, with the reason, and follow the link to the run.
    const c = await makeOutcomeContract(db(), {
      authorityId: COUNTY,
      organisationId: DEMO_PROVIDER_GREENWAY,
      at: clock.now(),
    });
    const ctx = await as(COMMISSIONER);
    const run = await startRun(ctx, COUNTY, c.id, { month: "2026-10" });
    await cancelRun(ctx, COUNTY, c.id, run.id, { reason: "Started before October's evidence was in." });
  },
  "results.share-shifted": async () => {
    // Westshire's commissioner moves 5% of a programme's referrals from one outcome contract with
    // Greenway Home Care to another organisation's (a model whose rule moves share from any contract).
    const opts = { authorityId: COUNTY, at: clock.now(), marketShare: true };
    const from = await makeOutcomeContract(db(), { ...opts, organisationId: DEMO_PROVIDER_GREENWAY });
    const to = await makeOutcomeContract(db(), {
      ...opts,
      organisationId: DEMO_ORGANISATION,
      referralShareBp: 0,
    });
    await shiftMarketShare(await as(COMMISSIONER), COUNTY, from.id, {
      toContractId: to.id,
      share: "5",
      effectiveFrom: "2026-12-01",
      reason: "Referrals rebalanced between the programme's providers.",
    });
  },
  // The demo seed: the Department for Work and Skills' commissioner starts the audit of WP-CPA-07's
  // July run; its provider, Westshire Community Health (Olu Adeyemi), is told.
  "results.audit-started": "demo",
  // The demo seed: the Department for Work and Skills awards two grants of its Mutuals Support
  // Programme and refuses one; the applicants' people are told.
  "grants.decided": "demo",
  // The demo seed: Millbrook Carers' Trust submits the end report of its Westshire Community Grant;
  // the county's people are told, and the trust's when the county accepts it.
  "grants.end-report-submitted": "demo",
  "grants.end-report-reviewed": "demo",
  // The demo seed: Westshire's commissioner answers the payment-terms barrier Olu Adeyemi logged.
  "barrier.answered": "demo",
  // The demo seed: each barrier logged is told to its authority's commissioners and administrators,
  // and the daily sweep run at its end tells Westshire that Greenway's working capital is overdue.
  "barrier.logged": "demo",
  "barrier.reminder": "demo",
  // The demo seed: Evan Hughes appeals the refusal of the parks spin-out; Westshire and his team are
  // told, and his team again when the adjudicator decides it.
  "appeal.progressed": "demo",
  "accreditation.changed": async () => {
    // The Department for Work and Skills' commissioner accredits Greenway against its rehabilitation
    // standard: Greenway's people are told.
    await accredit(await as("019a0000-0000-7000-8000-00000000c020"), DEMO_STANDARDS.rehabilitation, {
      organisationId: DEMO_PROVIDER_GREENWAY,
      expiresOn: "2028-03-31",
    });
  },
  "accreditation.expiring": async () => {
    // Greenway is accredited against the employment support standard until 50 days from today; the
    // daily sweep reminds its people that it ends.
    const ctx = await as("019a0000-0000-7000-8000-00000000c020");
    await accredit(ctx, DEMO_STANDARDS.employmentSupport, {
      organisationId: DEMO_PROVIDER_GREENWAY,
      expiresOn: addDays(londonToday(clock), 50),
    });
    await remindExpiring(db(), clock);
  },
  "results.audit-concluded": async () => {
    // Westshire's commissioner audits a sample of a month's paid claims of an outcome contract with
    // Greenway Home Care (the audits' fixture), finds one over-paid and concludes: Greenway is told.
    const fx = await paidPeriod(db(), {
      authorityId: COUNTY,
      organisationId: DEMO_PROVIDER_GREENWAY,
      period: "2026-10",
      participants: 4,
      seed: "inbox",
      sampleSize: 4,
      amounts: () => 100_000n,
    });
    const ctx = await as(COMMISSIONER);
    const audit = await startAudit(ctx, COUNTY, fx.contractId, {
      period: "2026-10",
      sampleSize: 4,
      seed: "inbox",
    });
    for (const [i, c] of fx.claims.entries())
      await recordFinding(ctx, COUNTY, fx.contractId, audit.id, {
        participantId: c.participantId,
        rule: c.rule,
        metric: c.metric,
        seq: c.seq,
        found: i === 0 ? "0" : "1000.00",
        note: i === 0 ? "No job start evidenced." : "As paid.",
      });
    await concludeAudit(ctx, COUNTY, fx.contractId, audit.id);
  },
  "budget.surplus-resolved": async () => {
    // Her care staff agree that she keeps the demo surplus: she is told.
    const staff = (await createUser(db(), { grants: [{ role: "care-staff", scopeId: COUNTY }], clock })).id;
    const open = await db()
      .selectFrom("budget_surpluses")
      .select("plan_id")
      .where("authority_id", "=", COUNTY)
      .where("status", "=", "open")
      .executeTakeFirstOrThrow();
    await waiveSurplus(await as(staff), COUNTY, open.plan_id, "inbox-surplus-waiver", {
      reason: "Saving for a new wheelchair, as agreed at the review.",
    });
  },
  "tender.attempt-refused": async () => {
    // Someone who is not a bid opener (the demo commissioner is one too) tries to open the bids.
    await expect(
      confirmOpening(tendersCtx(await as(EVALUATOR), t.deps), COUNTY, DEMO_TENDER.closed),
    ).rejects.toThrow();
  },
  "tender.seal-broken": async () => {
    // Someone with the database alone swaps two sealed bids (bypassing the trigger).
    await sql`alter table bids disable trigger bids_sealed_immutable`.execute(db());
    await sql`
      update bids b set sealed = o.sealed from bids o
      where b.tender_id = ${DEMO_TENDER.closed} and o.tender_id = ${DEMO_TENDER.closed} and b.id <> o.id`.execute(
      db(),
    );
    await sql`alter table bids enable trigger bids_sealed_immutable`.execute(db());
    for (const opener of [BID_OPENER, AUTHORITY_ADMIN])
      await confirmOpening(tendersCtx(await as(opener), t.deps), COUNTY, DEMO_TENDER.closed);
  },
  "invitation.approval-needed": async () => {
    await createUser(db(), { grants: [{ role: "authority-admin", scopeId: COUNTY }], clock });
    await inviteOpener();
  },
  "role.bid-opener-added": async () => {
    const { invitationId, email } = await inviteOpener();
    const second = (
      await db()
        .selectFrom("role_grants")
        .select("user_id")
        .where("role", "=", "authority-admin")
        .where("scope_id", "=", COUNTY)
        .where("user_id", "<>", AUTHORITY_ADMIN)
        .executeTakeFirstOrThrow()
    ).user_id;
    const secrets = { secrets: t.app.accountSecrets };
    await approveInvitation(
      { ...(await as(second)), ...secrets },
      { kind: "public-bodies", id: COUNTY },
      invitationId,
    );
    const invitee = (await createUser(db(), { email, clock })).id;
    await acceptInvitation(
      { ...(await as(invitee)), ...secrets },
      invitationToken(t.app.accountSecrets, invitationId),
    );
  },
};

let invited = 0;
/** The demo authority's administrator invites a new bid opener (a second administrator must approve it). */
async function inviteOpener(): Promise<{ invitationId: string; email: string }> {
  const email = `new.opener.${++invited}@westshire.example.gov.uk`;
  const { invitation } = await invite(
    { ...(await as(AUTHORITY_ADMIN)), secrets: t.app.accountSecrets },
    { scopeType: "authority", scopeId: COUNTY, email, role: "bid-opener" },
  );
  return { invitationId: invitation.id, email };
}

/** A registered location of the demo organisation whose administrator is a demo user. */
async function providerLocation(): Promise<string> {
  const row = await db()
    .selectFrom("registrations")
    .select("id")
    .where("regulator_id", "=", REGULATOR)
    .where("organisation_id", "=", DEMO_ORGANISATION)
    .where("status", "=", "registered")
    .orderBy("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

describe("every kind of notice the code can send", () => {
  it.each(NOTICE_KIND_LIST)("%s reaches its recipient's inbox, and its link opens for them", async (kind) => {
    const scenario = SCENARIOS[kind];
    expect(scenario, `add a scenario for ${kind} to SCENARIOS`).toBeDefined();
    const ofKind = () =>
      db()
        .selectFrom("notifications")
        .selectAll()
        .where("kind", "=", kind)
        .orderBy("created_at")
        .orderBy("id")
        .execute();
    const before = new Set((await ofKind()).map((n) => n.id));
    if (scenario !== "demo") {
      clock.advance(60_000);
      await scenario();
    }
    const fresh = (await ofKind()).filter((n) => scenario === "demo" || !before.has(n.id));
    expect(fresh.length, `no ${kind} notice was sent`).toBeGreaterThan(0);

    // The first recipient finds it in their inbox, opens it, and follows its link.
    const [notice] = fresh;
    if (!notice) return;
    const s = await session(notice.user_id);
    const api = await call(t.app, "GET", `/api/v1/inbox/${notice.id}`, s);
    expect(api.statusCode).toBe(200);
    expect(api.json()).toMatchObject({ kind, link: notice.link });
    const opened = await get(`/inbox/${notice.id}`, s);
    expect(opened.statusCode).toBe(200);
    expect(opened.body).toContain(`href="${notice.link.replaceAll("&", "&amp;")}"`);

    // Every recipient's link opens for them (one check for each person and link).
    const checked = new Set<string>();
    const broken: string[] = [];
    for (const n of fresh) {
      const key = `${n.user_id} ${n.link}`;
      if (checked.has(key)) continue;
      checked.add(key);
      const reached = await follow(n.link, await session(n.user_id));
      if (reached.status !== 200)
        broken.push(`${n.link} for ${n.user_id} → ${reached.status} ${reached.url}`);
    }
    expect(broken).toEqual([]);
  });
});
