/**
 * Consultations' rules on the real database (PGlite, or PostgreSQL with DATABASE_URL), with a clock
 * moved to test closing: drafting (fields 400, combinations 422, closing in the past refused),
 * who may draft and publish, drafts hidden, editing after publishing refused, responding (one per
 * person or organisation, changeable until closing, refused after with nothing written), names
 * shown only with consent, "you said, we did" (not before closing, every point answered, every
 * respondent told), the London closing time, and the demo data.
 */

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../../../tests/support/auth.ts";
import { ctxFor, principalOf } from "../../../tests/support/principals.ts";
import { refused } from "../../../tests/support/refused.ts";
import { createTestDatabase, rowCount, type TestDatabase } from "../../../tests/support/test-db.ts";
import { settableClock } from "../../lib/clock.ts";
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  NotSignedInError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import { londonDateTime, londonInstant, parseTime } from "../../lib/london-time.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_CONSULTATION } from "../../seed/demo/consultations.ts";
import { DEMO_ORGANISATION } from "../../seed/demo/organisations.ts";
import { DEMO_PROJECT } from "../../seed/demo/projects.ts";
import type { Principal } from "../access/access.service.ts";
import { auditTrailFor } from "../audit/audit.service.ts";
import { consultationOf, listConsultations, statusOf } from "./consultations.service.ts";
import {
  type ConsultationDraft,
  createConsultation,
  publishConsultation,
  updateConsultation,
} from "./drafting.service.ts";
import { type ResponseInput, respond, responsesOf } from "./responses.service.ts";
import { answerPoints, publishSummary, summaryOf } from "./you-said-we-did.service.ts";

const START = new Date("2026-11-22T10:00:00Z");
const clock = settableClock(START);
const DAY = 86_400_000;
const COUNTY: string = DEMO_AUTHORITY.county;
let t: TestDatabase;
let commissioner: Principal;
let districtAdmin: Principal;
let citizen: Principal;
let charity: Principal;
let mutualMember: Principal;

const draft: ConsultationDraft = {
  kind: "market-engagement",
  projectId: DEMO_PROJECT.countyHomeCare,
  title: "Day opportunities: shaping the service",
  summary: "How day opportunities should be shaped.",
  audience: "Providers and people who use day services.",
  closesAt: "2026-12-20T17:00:00Z",
  sections: [
    { heading: "Lots", body: "Two lots.", questions: ["Two lots or one?", "Would you bid?"] },
    { heading: "Transport", body: "Transport is included.", questions: [] },
  ],
};

const as = (p: Principal | null) => ctxFor(t.db, clock, p);
const create = async (p: Principal | null, d: ConsultationDraft, authorityId = COUNTY) =>
  (await createConsultation(as(p), authorityId, d)).id;
const publish = (p: Principal | null, id: string) => publishConsultation(as(p), COUNTY, id);
const send = (p: Principal | null, id: string, input: ResponseInput) => respond(as(p), COUNTY, id, input);
const count = (table: "consultations" | "consultation_responses") => rowCount(t.db, table);

beforeAll(async () => {
  t = await createTestDatabase({ seededAt: clock.now() });
  const user = async (
    grants: NonNullable<Parameters<typeof createUser>[1]>["grants"],
    displayName = "Test User",
  ) => principalOf(t.db, (await createUser(t.db, { grants, displayName })).id);
  commissioner = await user([{ role: "commissioner", scopeId: COUNTY }]);
  districtAdmin = await user([{ role: "authority-admin", scopeId: DEMO_AUTHORITY.district }]);
  citizen = await user([{ role: "citizen" }], "Chris Public");
  charity = await user(
    [{ role: "organisation-member", scopeId: DEMO_ORGANISATION.carersTrust }],
    "Ada Trustee",
  );
  mutualMember = await user(
    [{ role: "organisation-member", scopeId: DEMO_ORGANISATION.communityHealthMutual }],
    "Mo Mutual",
  );
}, 120_000);

afterAll(async () => {
  await t.destroy();
});

describe("drafting and publishing", () => {
  it("drafts a market engagement tied to a project, hidden from the public, audited", async () => {
    clock.set(START);
    const id = await create(commissioner, draft);
    const c = await consultationOf(as(commissioner), COUNTY, id);
    expect(c.state).toBe("draft");
    expect(c.project_id).toBe(DEMO_PROJECT.countyHomeCare);
    expect(c.project_ocid).toBe(`ocds-openps-${DEMO_PROJECT.countyHomeCare}`);
    expect(c.sections.map((s) => [s.position, s.heading, s.questions.map((q) => q.text)])).toEqual([
      [1, "Lots", ["Two lots or one?", "Would you bid?"]],
      [2, "Transport", []],
    ]);
    expect((await refused(consultationOf(as(null), COUNTY, id))).constructor).toBe(NotFoundError);
    expect((await refused(consultationOf(as(citizen), COUNTY, id))).constructor).toBe(NotFoundError);
    const publicList = await listConsultations(as(null), { authorityId: COUNTY });
    expect(publicList.map((x) => x.id)).not.toContain(id);
    const editorList = await listConsultations(as(commissioner), { authorityId: COUNTY });
    expect(editorList.map((x) => x.id)).toContain(id);
    const trail = await auditTrailFor(t.db, COUNTY, "consultation", id);
    expect(trail.map((e) => e.action)).toEqual(["consultation.drafted"]);
  });

  it("names every field at fault (400) and writes nothing", async () => {
    const before = await count("consultations");
    const error = await refused(
      create(commissioner, {
        kind: "survey",
        title: "",
        summary: "",
        audience: "x",
        closesOn: "2026-02-30",
        closesTime: "25:00",
        sections: [{ heading: "", body: "Text without a heading" }],
      }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.details.map((d) => d.field)).toEqual([
      "kind",
      "title",
      "summary",
      "closesAt",
      "closesTime",
      "sections.0.heading",
    ]);
    const noProject = await refused(create(commissioner, { ...draft, projectId: null }));
    expect(noProject.details).toEqual([
      { field: "projectId", message: "Choose the commissioning project the market engagement is for" },
    ]);
    const otherProject = await refused(create(districtAdmin, { ...draft }, DEMO_AUTHORITY.district));
    expect(otherProject.details.map((d) => d.field)).toEqual(["projectId"]);
    const noSections = await refused(create(commissioner, { ...draft, sections: [{ heading: " " }] }));
    expect(noSections.details.map((d) => d.message)).toEqual([
      "Add at least one section of the draft specification",
    ]);
    expect(await count("consultations")).toBe(before);
  });

  it("refuses a closing in the past and a project on a policy consultation (422), nothing written", async () => {
    const before = await count("consultations");
    const past = await refused(create(commissioner, { ...draft, closesAt: "2026-11-22T09:59:00Z" }));
    expect(past).toBeInstanceOf(UnprocessableError);
    expect(past.details[0]?.field).toBe("closesAt");
    expect(past.details[0]?.message).toContain("must be in the future");
    const policy = await refused(create(commissioner, { ...draft, kind: "policy" }));
    expect(policy).toBeInstanceOf(UnprocessableError);
    expect(policy.details.map((d) => d.field)).toEqual(["projectId"]);
    expect(await count("consultations")).toBe(before);
  });

  it("lets only the authority's editors draft (401 public, 403 another authority)", async () => {
    expect((await refused(create(null, draft))).constructor).toBe(NotSignedInError);
    expect((await refused(create(districtAdmin, draft))).constructor).toBe(ForbiddenError);
    expect((await refused(create(citizen, draft))).constructor).toBe(ForbiddenError);
  });

  it("changes a draft, publishes it once, and refuses changes after publishing (409)", async () => {
    clock.set(START);
    const id = await create(commissioner, draft);
    await updateConsultation(as(commissioner), COUNTY, id, { title: "Day opportunities 2027" });
    // A draft is not another authority's to see: not found, before any question of who may publish it.
    expect((await refused(publish(districtAdmin, id))).constructor).toBe(NotFoundError);
    await publish(commissioner, id);
    const c = await consultationOf(as(null), COUNTY, id);
    expect(c.title).toBe("Day opportunities 2027");
    expect(c.state).toBe("open");
    expect(c.published_at).toEqual(START);
    const again = await refused(publish(commissioner, id));
    expect(again).toBeInstanceOf(ConflictError);
    // Published, it is everyone's to see: another authority is refused (403) before the state (409).
    expect((await refused(publish(districtAdmin, id))).constructor).toBe(ForbiddenError);
    const edit = await refused(updateConsultation(as(commissioner), COUNTY, id, { title: "Late" }));
    expect(edit).toBeInstanceOf(ConflictError);
    expect((await consultationOf(as(null), COUNTY, id)).title).toBe("Day opportunities 2027");
    // The database refuses too: a published specification is fixed.
    await expect(
      t.db
        .updateTable("consultation_sections")
        .set({ heading: "Changed" })
        .where("consultation_id", "=", id)
        .execute(),
    ).rejects.toThrow(/cannot be changed/);
    const trail = await auditTrailFor(t.db, COUNTY, "consultation", id);
    expect(trail.map((e) => e.action)).toEqual([
      "consultation.drafted",
      "consultation.updated",
      "consultation.published",
    ]);
  });

  it("refuses to publish a draft whose closing has passed (422) and leaves it a draft", async () => {
    clock.set(START);
    const id = await create(commissioner, { ...draft, closesAt: "2026-11-23T10:00:00Z" });
    clock.set(new Date("2026-11-24T10:00:00Z"));
    const error = await refused(publish(commissioner, id));
    expect(error).toBeInstanceOf(UnprocessableError);
    expect(error.message).toContain("has passed");
    expect((await consultationOf(as(commissioner), COUNTY, id)).state).toBe("draft");
    clock.set(START);
  });
});

describe("responding", () => {
  let id: string;
  let lots: string;
  let transport: string;
  let q1: string;

  beforeAll(async () => {
    clock.set(START);
    id = await create(commissioner, draft);
    await publish(commissioner, id);
    const c = await consultationOf(as(null), COUNTY, id);
    lots = c.sections[0]?.id ?? "";
    transport = c.sections[1]?.id ?? "";
    q1 = c.sections[0]?.questions[0]?.id ?? "";
  });

  it("asks the public to sign in, and refuses an organisation the person does not act for (403)", async () => {
    const input = { showName: true, sections: [{ sectionId: lots, comments: "Yes" }] };
    expect((await refused(send(null, id, input))).constructor).toBe(NotSignedInError);
    const other = await refused(
      send(citizen, id, { ...input, organisationId: DEMO_ORGANISATION.carersTrust }),
    );
    expect(other).toBeInstanceOf(ForbiddenError);
  });

  it("names what is wrong (400) and what does not fit (422), writing nothing", async () => {
    const before = await count("consultation_responses");
    const empty = await refused(
      send(citizen, id, { showName: false, sections: [{ sectionId: lots, comments: " " }] }),
    );
    expect(empty).toBeInstanceOf(ValidationError);
    expect(empty.details[0]?.message).toContain("Your response is empty");
    const noConsent = await refused(send(citizen, id, { sections: [{ sectionId: lots, comments: "Hi" }] }));
    expect(noConsent.details.map((d) => d.field)).toEqual(["showName"]);
    const foreign = await refused(
      send(citizen, id, {
        showName: false,
        sections: [{ sectionId: transport, answers: [{ questionId: q1, answer: "x" }] }],
      }),
    );
    expect(foreign.details.map((d) => d.field)).toEqual(["sections.0.answers.0.questionId"]);
    const noModel = await refused(
      send(citizen, id, { showName: false, sections: [{ sectionId: lots, couldBeDifferent: true }] }),
    );
    expect(noModel).toBeInstanceOf(UnprocessableError);
    expect(noModel.details.map((d) => d.field)).toEqual(["sections.0.alternativeModel"]);
    expect(await count("consultation_responses")).toBe(before);
  });

  it("keeps one response per person and per organisation, changeable until closing", async () => {
    const first = await send(citizen, id, {
      showName: false,
      sections: [
        { sectionId: lots, answers: [{ questionId: q1, answer: "One lot" }], comments: "Keep it simple" },
      ],
    });
    expect(first.created).toBe(true);
    const changed = await send(citizen, id, {
      showName: false,
      sections: [{ sectionId: lots, answers: [{ questionId: q1, answer: "Two lots" }] }],
    });
    expect(changed).toEqual({ id: first.id, created: false });
    const forCharity = await send(charity, id, {
      organisationId: DEMO_ORGANISATION.carersTrust,
      showName: false,
      sections: [
        { sectionId: lots, couldDeliver: true },
        {
          sectionId: transport,
          couldBeDifferent: true,
          alternativeModel: "Community transport by volunteers.",
        },
      ],
    });
    expect(forCharity.created).toBe(true);
    const asThemselves = await send(charity, id, {
      showName: true,
      sections: [{ sectionId: transport, comments: "Me too" }],
    });
    expect(asThemselves.created).toBe(true);
    await send(mutualMember, id, {
      organisationId: DEMO_ORGANISATION.communityHealthMutual,
      showName: true,
      sections: [{ sectionId: transport, comments: "We run buses." }],
    });
    const editor = await responsesOf(as(commissioner), COUNTY, id);
    expect(editor.responses).toHaveLength(4);
    const mine = editor.responses.find((r) => r.id === first.id);
    expect(mine?.sentBy).toBe("Chris Public");
    expect(mine?.sections[0]?.answers).toEqual([
      { questionId: q1, question: "Two lots or one?", answer: "Two lots" },
    ]);
    expect(mine?.sections[0]?.comments).toBe("");
    const trail = await auditTrailFor(t.db, COUNTY, "consultation-response", first.id);
    expect(trail.map((e) => e.action)).toEqual(["consultation.responded", "consultation.response-changed"]);
    expect(JSON.stringify(trail.map((e) => e.changes))).not.toContain("Chris Public");
  });

  it("shows responses to the public only after closing, named only with consent", async () => {
    const early = await refused(responsesOf(as(citizen), COUNTY, id));
    expect(early).toBeInstanceOf(ConflictError);
    clock.set(new Date("2026-12-20T17:00:00Z"));
    const shown = await responsesOf(as(null), COUNTY, id);
    expect(shown.consultation.state).toBe("closed");
    expect(shown.responses.map((r) => r.label)).toEqual([
      "A member of the public",
      "A provider (charity)",
      "Ada Trustee",
      "Westshire Community Health CIC",
    ]);
    expect(JSON.stringify(shown.responses)).not.toContain("Chris Public");
    expect(shown.responses.every((r) => r.sentBy === undefined)).toBe(true);
  });

  it("refuses a response after closing (409) and changes nothing", async () => {
    clock.set(new Date("2026-12-20T17:00:00Z"));
    const before = await responsesOf(as(commissioner), COUNTY, id);
    const error = await refused(
      send(citizen, id, { showName: true, sections: [{ sectionId: lots, comments: "Late" }] }),
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toContain("5pm on 20 December 2026");
    const late = await refused(
      send(districtAdmin, id, { showName: true, sections: [{ sectionId: lots, comments: "New" }] }),
    );
    expect(late).toBeInstanceOf(ConflictError);
    expect(await responsesOf(as(commissioner), COUNTY, id)).toEqual(before);
  });

  it("answers each point only after closing, and publishes the summary only when all are answered", async () => {
    const answer = (
      p: Principal | null,
      answers: { responseId: string; sectionId: string; weDid: string }[],
    ) => answerPoints(as(p), COUNTY, id, answers);
    const summary = (p: Principal | null) => publishSummary(as(p), COUNTY, id, "Thank you.");
    clock.set(new Date("2026-12-20T16:59:00Z"));
    const { responses } = await responsesOf(as(commissioner), COUNTY, id);
    const points = responses.flatMap((r) =>
      r.sections.map((s) => ({ responseId: r.id, sectionId: s.sectionId })),
    );
    expect(points).toHaveLength(5);
    const early = await refused(
      answer(commissioner, [{ ...(points[0] as (typeof points)[0]), weDid: "Noted" }]),
    );
    expect(early).toBeInstanceOf(ConflictError);
    expect(early.message).toContain("still open");
    expect((await refused(summary(commissioner))).constructor).toBe(ConflictError);

    clock.set(new Date("2026-12-21T09:00:00Z"));
    expect((await refused(answer(districtAdmin, []))).constructor).toBe(ForbiddenError);
    const bogus = await refused(answer(commissioner, [{ responseId: id, sectionId: lots, weDid: "x" }]));
    expect(bogus).toBeInstanceOf(ValidationError);
    expect(
      await answer(
        commissioner,
        points.slice(0, 3).map((p) => ({ ...p, weDid: "We changed the lots." })),
      ),
    ).toBe(3);
    const missing = await refused(summary(commissioner));
    expect(missing).toBeInstanceOf(UnprocessableError);
    expect(missing.message).toContain("2 points are not answered");
    expect(missing.details).toHaveLength(2);
    expect(missing.details[0]?.field).toBe(`point.${points[3]?.responseId}.${points[3]?.sectionId}`);
    expect((await refused(summaryOf(as(null), COUNTY, id))).constructor).toBe(NotFoundError);

    await answer(
      commissioner,
      points.slice(3).map((p) => ({ ...p, weDid: "We will fund community transport." })),
    );
    await summary(commissioner);
    const published = await summaryOf(as(null), COUNTY, id);
    expect(published.consultation.state).toBe("summary-published");
    expect(published.consultation.summary_text).toBe("Thank you.");
    expect(published.responses.flatMap((r) => r.sections.map((s) => s.weDid)).every((w) => w)).toBe(true);
    const told = await t.db
      .selectFrom("notifications")
      .select("user_id")
      .where("kind", "=", "consultation.summary-published")
      .where("link", "like", `%${id}%`)
      .execute();
    expect(new Set(told.map((n) => n.user_id))).toEqual(
      new Set([citizen.userId, charity.userId, mutualMember.userId]),
    );
    expect((await refused(summary(commissioner))).constructor).toBe(ConflictError);
    await expect(
      t.db
        .updateTable("consultation_point_answers")
        .set({ we_did: "Changed" })
        .where("consultation_id", "=", id)
        .execute(),
    ).rejects.toThrow(/cannot be changed/);
    expect(
      (await refused(answer(commissioner, [{ ...(points[0] as (typeof points)[0]), weDid: "Later" }])))
        .constructor,
    ).toBe(ConflictError);
    const trail = await auditTrailFor(t.db, COUNTY, "consultation", id);
    expect(trail.map((e) => e.action).slice(-3)).toEqual([
      "consultation.points-answered",
      "consultation.points-answered",
      "consultation.summary-published",
    ]);
    clock.set(START);
  });
});

describe("closing time in London", () => {
  it("reads times as people type them", () => {
    expect(parseTime("17:00")).toEqual({ hours: 17, minutes: 0 });
    expect(parseTime("5pm")).toEqual({ hours: 17, minutes: 0 });
    expect(parseTime("5.30 pm")).toEqual({ hours: 17, minutes: 30 });
    expect(parseTime("12am")).toEqual({ hours: 0, minutes: 0 });
    expect(parseTime("midday")).toEqual({ hours: 12, minutes: 0 });
    expect(parseTime("25:00")).toBeNull();
    expect(parseTime("13pm")).toBeNull();
  });

  it("turns London wall-clock times into UTC in winter and summer, refusing the skipped hour", () => {
    expect(londonInstant("2027-01-31", 17, 0)?.toISOString()).toBe("2027-01-31T17:00:00.000Z");
    expect(londonInstant("2027-07-01", 17, 0)?.toISOString()).toBe("2027-07-01T16:00:00.000Z");
    expect(londonInstant("2027-03-28", 1, 30)).toBeNull();
    expect(londonDateTime(new Date("2027-07-01T16:30:00Z"))).toBe("5:30pm on 1 July 2027");
    expect(londonDateTime(new Date("2027-01-01T12:00:00Z"))).toBe("midday on 1 January 2027");
  });

  it("stores a closing entered as a London date and time in UTC", async () => {
    clock.set(START);
    const { closesAt: _closesAt, ...rest } = draft;
    const id = await create(commissioner, { ...rest, closesOn: "2027-06-30", closesTime: "5pm" });
    expect((await consultationOf(as(commissioner), COUNTY, id)).closes_at.toISOString()).toBe(
      "2027-06-30T16:00:00.000Z",
    );
    const gap = await refused(create(commissioner, { ...rest, closesOn: "2027-03-28", closesTime: "01:30" }));
    expect(gap.details.map((d) => d.field)).toEqual(["closesTime"]);
  });

  it("derives closed from the clock", () => {
    const c = { status: "open" as const, closes_at: new Date("2027-01-01T00:00:00Z") };
    expect(statusOf(c, new Date("2026-12-31T23:59:59Z"))).toBe("open");
    expect(statusOf(c, new Date("2027-01-01T00:00:00Z"))).toBe("closed");
  });
});

describe("the demo consultations", () => {
  it("has an open market engagement for home care and closed ones with summaries, without names unless agreed", async () => {
    clock.set(START);
    const engagement = await consultationOf(as(null), COUNTY, DEMO_CONSULTATION.countyHomeCareEngagement);
    expect(engagement.state).toBe("open");
    expect(engagement.project_id).toBe(DEMO_PROJECT.countyHomeCare);
    expect(engagement.closes_at.getTime()).toBeGreaterThan(START.getTime() + 28 * DAY);
    for (const [authorityId, closedId] of [
      [COUNTY, DEMO_CONSULTATION.countyLibrariesClosed],
      [DEMO_AUTHORITY.district, DEMO_CONSULTATION.districtLeisureClosed],
    ] as const) {
      const { consultation, responses } = await summaryOf(as(null), authorityId, closedId);
      expect(consultation.closes_at.getTime()).toBeLessThan(START.getTime());
      expect(responses.length).toBeGreaterThanOrEqual(2);
      expect(responses.some((r) => r.respondentKind === "individual")).toBe(true);
      expect(responses.some((r) => r.sector === "charity")).toBe(true);
    }
    const open = await listConsultations(as(null), { status: "open" });
    expect(open.map((c) => c.id)).toEqual(
      expect.arrayContaining([
        DEMO_CONSULTATION.countyHomeCareEngagement,
        DEMO_CONSULTATION.districtParksOpen,
      ]),
    );
    const libraries = await summaryOf(as(null), COUNTY, DEMO_CONSULTATION.countyLibrariesClosed);
    expect(libraries.responses.map((r) => r.label)).toEqual([
      "Millbrook Carers' Trust",
      "A member of the public",
      "A provider (public service mutual)",
    ]);
  });
});
