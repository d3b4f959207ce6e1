/**
 * Demo spin-out proposals of Westshire County Council (issue 20), made through the module's services
 * as the people would, each step on a clock set to its moment, counted back from the month the demo
 * is seeded in (M0):
 * 1. Home care (Priya Shah, Evan Hughes): past the idea, writing its business case.
 * 2. Parks (Evan Hughes, Bea Okafor): refused by Alan Carter in M−2, with reasons — shown publicly;
 *    the team told in their inboxes (Evan's appeal to the adjudicator: src/seed/demo/appeals.ts).
 * 3. Community health (Priya Shah, Evan Hughes): waiting for the parent body's decision since M−3,
 *    past the 30 working days: overdue.
 * 4. Libraries (Priya Shah, Bea Okafor): every stage from M−14, approved in M−11, trading since
 *    M−6 as Westshire Libraries and Culture Mutual (85 staff transferred), and a member of the
 *    Millbrook Leisure Mutual group since: its history is on its profile.
 * And one at each stage after the parent body's approval, so that every stage has a proposal at it:
 * 5. Work coaches (Department for Work and Skills: Dev Malhotra, Amira Haddad): approved by Ruth Okonkwo in
 *    M−2, balloting its staff (staff consulted).
 * 6. Employment support (the department): approved in M−5, ballot in favour in M−3, at TUPE transfer
 *    and pensions (TUPE information shared; New Fair Deal access not yet confirmed).
 * 7. Jobcentre outreach (the department, on its work coach service): approved in M−8, 120 staff
 *    transferred in M−4, choosing its legal form (legal form chosen; governance not yet agreed).
 * 8. Community therapy (Westshire, Priya Shah, Bea Okafor): approved in M−10, 40 staff transferred,
 *    Westshire Community Health CIC (whose evidence qualifies) named as its organisation in M−5,
 *    waiting for its first contract since M−4.
 * 9. Reablement (Westshire, Bea Okafor, Evan Hughes): proposed in M−1, at the idea.
 * Fixed ids (`DEMO_SPINOUT`) so that every seeding makes the same ones.
 */
import { type Clock, fixedClock } from "../../lib/clock.ts";
import { addMonths, londonToday } from "../../lib/london-time.ts";
import type { Ctx } from "../../modules/access/context.ts";
import {
  advanceProposal,
  decideProposal,
  proposeSpinout,
  setSpinoutFacts,
  tickItem,
} from "../../modules/mutuals/mutuals.service.ts";
import { type StageId, stageOf } from "../../modules/mutuals/stages.ts";
import { recordRelationship } from "../../modules/organisations/relationships.service.ts";
import type { Seed } from "../seed.ts";
import { DEMO_AUTHORITY } from "./authorities.ts";
import { DEMO_ORGANISATION } from "./organisations.ts";
import { DEMO_SERVICE } from "./services.ts";
import { DEMO_USERS, demoPrincipal } from "./users.ts";

const id = (n: number) => `019a0000-0000-7000-8000-0000000e2${String(n).padStart(3, "0")}`;

export const DEMO_SPINOUT = {
  homeCare: id(1),
  parksRefused: id(2),
  healthOverdue: id(3),
  librariesTrading: id(4),
  workCoachesBallot: id(5),
  employmentTupe: id(6),
  outreachLegalForm: id(7),
  therapyFirstContract: id(8),
  reablementIdea: id(9),
} as const;

const COUNTY = DEMO_AUTHORITY.county;
const DEPARTMENT = DEMO_AUTHORITY.department;
const userOf = (role: string, scopeId: string = COUNTY) =>
  DEMO_USERS.find((u) => u.role === role && u.scopeId === scopeId)?.id as string;
const EMPLOYMENT_SUPPORT = "019a0000-0000-7000-8000-00000000d009";
const WORK_COACHES = "019a0000-0000-7000-8000-00000000d013";
const LEISURE_MUTUAL = "019a0000-0000-7000-8000-00000000b009";

export const demoMutualsSeed: Seed = {
  name: "demo-mutuals",
  description: "Demo spin-out proposals at every stage: one refused with reasons, one trading in a group",
  demo: true,
  async run({ ctx }) {
    const now = ctx.clock.now();
    const m0 = `${londonToday(ctx.clock).slice(0, 8)}01`;
    /** A moment `back` months before M0 (plus `days`), never later than the seed's own moment. */
    const at = (back: number, days = 0): Clock => {
      const moment = new Date(Date.parse(`${addMonths(m0, -back)}T09:00:00Z`) + days * 86_400_000);
      return fixedClock(moment < now ? moment : new Date(now.getTime() - 1000)) as Clock;
    };
    const person = (userId: string) => demoPrincipal(ctx.db, userId, "");
    const priya = await person(userOf("commissioner"));
    const evan = await person(userOf("evaluator"));
    const bea = await person(userOf("bid-opener"));
    const alan = await person(userOf("authority-admin"));
    const acting = (principal: Awaited<ReturnType<typeof person>>, clock: Clock): Ctx => ({
      ...ctx,
      clock,
      principal,
    });

    /** Ticks every item of the stage the proposal is at, then moves it on. */
    const finish = async (who: Ctx, proposalId: string, stage: StageId) => {
      for (const item of stageOf(stage).checklist)
        if (item.kind === "ticked") await tickItem(who, COUNTY, proposalId, item.id, true);
      await advanceProposal(who, COUNTY, proposalId);
    };

    // 1. Home care: writing its business case.
    const p1 = DEMO_SPINOUT.homeCare;
    await proposeSpinout(
      acting(priya, at(2)),
      COUNTY,
      {
        serviceId: DEMO_SERVICE.countyHomeCare,
        title: "Westshire Home Care as an employee-owned mutual",
        summary: "The home care team proposes to run the county's home care as a mutual owned by its carers.",
        memberIds: [evan.userId],
      },
      { id: p1 },
    );
    await finish(acting(priya, at(2, 7)), p1, "idea");
    await tickItem(acting(evan, at(1)), COUNTY, p1, "business-case-written", true);

    // 2. Parks: refused, with reasons.
    const p2 = DEMO_SPINOUT.parksRefused;
    await proposeSpinout(
      acting(evan, at(5)),
      COUNTY,
      {
        serviceId: DEMO_SERVICE.countyParks,
        title: "Westshire Parks Trust",
        summary: "The parks and countryside team proposes a staff-led trust running the county's parks.",
        memberIds: [bea.userId],
      },
      { id: p2 },
    );
    await finish(acting(evan, at(5, 3)), p2, "idea");
    await finish(acting(evan, at(4)), p2, "business-case");
    await tickItem(acting(bea, at(4, 2)), COUNTY, p2, "case-sent-to-body", true);
    await decideProposal(acting(alan, at(2)), COUNTY, p2, {
      decision: "refused",
      reasons:
        "The parks are in the middle of a five-year joint management agreement with Millbrook District Council that runs until 2028; the council will look again at a spin-out when it ends.",
    });

    // 3. Community health: waiting for the decision, past the period.
    const p3 = DEMO_SPINOUT.healthOverdue;
    await proposeSpinout(
      acting(evan, at(6)),
      COUNTY,
      {
        serviceId: DEMO_SERVICE.countyCommunityHealth,
        title: "Westshire Community Health Visiting",
        summary:
          "The health visiting team proposes to leave the council as a mutual delivering public health nursing.",
        memberIds: [priya.userId],
      },
      { id: p3 },
    );
    await finish(acting(evan, at(6, 3)), p3, "idea");
    await finish(acting(evan, at(3)), p3, "business-case");
    await tickItem(acting(priya, at(3, 1)), COUNTY, p3, "case-sent-to-body", true);

    // 4. Libraries: all the way to trading, then in a group.
    const p4 = DEMO_SPINOUT.librariesTrading;
    await proposeSpinout(
      acting(priya, at(14)),
      COUNTY,
      {
        serviceId: DEMO_SERVICE.countyLibraries,
        title: "Westshire Libraries and Culture Mutual",
        summary:
          "The libraries team proposes a community benefit society owned by its staff and library users.",
        memberIds: [bea.userId],
      },
      { id: p4 },
    );
    await finish(acting(priya, at(14, 5)), p4, "idea");
    await finish(acting(priya, at(13)), p4, "business-case");
    await tickItem(acting(bea, at(12)), COUNTY, p4, "case-sent-to-body", true);
    await decideProposal(acting(alan, at(11)), COUNTY, p4, {
      decision: "approved",
      reasons:
        "The business case shows the service kept whole, with the libraries open as many hours, at a lower cost.",
    });
    await advanceProposal(acting(priya, at(11, 1)), COUNTY, p4);
    await finish(acting(bea, at(10)), p4, "staff-engagement");
    await setSpinoutFacts(acting(priya, at(9)), COUNTY, p4, {
      staffTransferred: 85,
      organisationId: DEMO_ORGANISATION.librariesMutual,
    });
    await finish(acting(priya, at(9, 1)), p4, "tupe-pensions");
    await finish(acting(priya, at(8)), p4, "legal-form");
    await finish(acting(bea, at(6)), p4, "first-contract");
    await recordRelationship(
      { ...ctx, clock: at(1) },
      { from: DEMO_ORGANISATION.librariesMutual, to: LEISURE_MUTUAL, kind: "group-member" },
    );

    // 5–8: one at each later stage, each approved by its body and moved on stage by stage.
    const dev = await person(userOf("commissioner", DEPARTMENT));
    const amira = await person(userOf("evaluator", DEPARTMENT));
    const ruth = await person(userOf("authority-admin", DEPARTMENT));
    /** Proposed `back` months ago, the idea and business case done, approved `approvedBack` ago. */
    const approved = async (
      authorityId: string,
      proposalId: string,
      team: [typeof dev, typeof dev],
      decider: typeof dev,
      input: { serviceId: string; title: string; summary: string; reasons: string },
      back: number,
      approvedBack: number,
    ) => {
      const [lead, colleague] = team;
      await proposeSpinout(
        acting(lead, at(back)),
        authorityId,
        {
          serviceId: input.serviceId,
          title: input.title,
          summary: input.summary,
          memberIds: [colleague.userId],
        },
        { id: proposalId },
      );
      const finishIn = async (who: Ctx, stage: StageId) => {
        for (const item of stageOf(stage).checklist)
          if (item.kind === "ticked") await tickItem(who, authorityId, proposalId, item.id, true);
        await advanceProposal(who, authorityId, proposalId);
      };
      await finishIn(acting(lead, at(back, 4)), "idea");
      await finishIn(acting(lead, at(back - 1)), "business-case");
      await tickItem(acting(colleague, at(back - 1, 2)), authorityId, proposalId, "case-sent-to-body", true);
      await decideProposal(acting(decider, at(approvedBack)), authorityId, proposalId, {
        decision: "approved",
        reasons: input.reasons,
      });
      await advanceProposal(acting(lead, at(approvedBack, 1)), authorityId, proposalId);
      return finishIn;
    };

    // 5. Work coaches: balloting its staff.
    const p5 = DEMO_SPINOUT.workCoachesBallot;
    await approved(
      DEPARTMENT,
      p5,
      [dev, amira],
      ruth,
      {
        serviceId: WORK_COACHES,
        title: "Westshire Work Coaches Mutual",
        summary: "The Westshire work coaches propose an employee-owned mutual coaching people into work.",
        reasons:
          "The coaches' case keeps every appointment free at the point of use and the same offices open.",
      },
      5,
      2,
    );
    await tickItem(acting(amira, at(1)), DEPARTMENT, p5, "staff-consulted", true);

    // 6. Employment support: at TUPE transfer and pensions.
    const p6 = DEMO_SPINOUT.employmentTupe;
    const finish6 = await approved(
      DEPARTMENT,
      p6,
      [dev, amira],
      ruth,
      {
        serviceId: EMPLOYMENT_SUPPORT,
        title: "Employment Support Partnership",
        summary:
          "The employment support team proposes a staff-owned mutual running the programme's casework.",
        reasons: "The case shows the programme's results kept with a smaller central cost.",
      },
      8,
      5,
    );
    await finish6(acting(amira, at(3)), "staff-engagement");
    await tickItem(acting(dev, at(2)), DEPARTMENT, p6, "tupe-information-shared", true);

    // 7. Jobcentre outreach: choosing its legal form.
    const p7 = DEMO_SPINOUT.outreachLegalForm;
    const finish7 = await approved(
      DEPARTMENT,
      p7,
      [amira, dev],
      ruth,
      {
        serviceId: WORK_COACHES,
        title: "Jobcentre Outreach Co-operative",
        summary:
          "The outreach coaches propose a co-operative taking work coaching to villages without a jobcentre.",
        reasons: "The outreach case reaches more people in rural areas for the same cost.",
      },
      11,
      8,
    );
    await finish7(acting(amira, at(7)), "staff-engagement");
    await setSpinoutFacts(acting(amira, at(5)), DEPARTMENT, p7, { staffTransferred: 120 });
    await finish7(acting(amira, at(4)), "tupe-pensions");
    await tickItem(acting(dev, at(3)), DEPARTMENT, p7, "legal-form-chosen", true);

    // 8. Community therapy: waiting for its first contract.
    const p8 = DEMO_SPINOUT.therapyFirstContract;
    const finish8 = await approved(
      COUNTY,
      p8,
      [priya, bea],
      alan,
      {
        serviceId: DEMO_SERVICE.countyCommunityHealth,
        title: "Westshire Community Therapy",
        summary: "The community therapists propose joining the county's community health mutual.",
        reasons: "Therapy and nursing kept together under one provider, as the people who use them asked.",
      },
      13,
      10,
    );
    await finish8(acting(bea, at(9)), "staff-engagement");
    await setSpinoutFacts(acting(priya, at(5)), COUNTY, p8, {
      staffTransferred: 40,
      organisationId: DEMO_ORGANISATION.communityHealthMutual,
    });
    await finish8(acting(priya, at(5, 1)), "tupe-pensions");
    await finish8(acting(priya, at(4)), "legal-form");

    // 9. Reablement: an idea, just proposed.
    await proposeSpinout(
      acting(bea, at(1, 3)),
      COUNTY,
      {
        serviceId: DEMO_SERVICE.countyHomeCare,
        title: "Westshire Reablement Team",
        summary:
          "The reablement team proposes a mutual giving short-term care at home after a stay in hospital.",
        memberIds: [evan.userId],
      },
      { id: DEMO_SPINOUT.reablementIdea },
    );
  },
};
