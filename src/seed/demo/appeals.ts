/**
 * A demo appeal to the independent adjudicator (issue 20, item 6), made and decided through the
 * services, each step on a clock counted back from the day the demo is seeded: the parks team's
 * Evan Hughes appeals Westshire's refusal of the Westshire Parks Trust spin-out (refused at the start
 * of M−2, demo mutuals) 50 days before; Marcus Webb, of the demo's Independent Commissioning
 * Adjudicator for Care — named here for parks too, so that the refusal reaches an adjudicator —
 * accepts it, sends a draft, and upholds it (fault causing injustice, the ground "did not follow its
 * published policy" found), ordering Westshire to take the decision again; Westshire's complaints
 * officer reports it done and Marcus confirms it: the case closes and the decision is published.
 */
import { type Clock, fixedClock } from "../../lib/clock.ts";
import { addDays, londonToday } from "../../lib/london-time.ts";
import { addWorkingDays } from "../../lib/working-days.ts";
import type { Ctx } from "../../modules/access/context.ts";
import { makeAppeal, subjectKey } from "../../modules/redress/appeals.service.ts";
import { assessCase, decideCase, draftDecision } from "../../modules/redress/ombudsman.service.ts";
import { confirmRemedy, reportCompliance } from "../../modules/redress/remedies.service.ts";
import { registerSecondTierBody } from "../../modules/redress/second-tier.service.ts";
import type { Seed } from "../seed.ts";
import { DEMO_AUTHORITY } from "./authorities.ts";
import { DEMO_SPINOUT } from "./mutuals.ts";
import { DEMO_USERS, demoPrincipal } from "./users.ts";

const userOf = (role: string, scopeId: string) =>
  DEMO_USERS.find((u) => u.role === role && u.scopeId === scopeId)?.id as string;

export const demoAppealsSeed: Seed = {
  name: "demo-appeals",
  description:
    "A demo appeal of a refused spin-out to the independent adjudicator: upheld, its remedy complied with",
  demo: true,
  async run({ trx, ctx }) {
    const today = londonToday(ctx.clock);
    const dayOf = (days: number) => addDays(today, -days);
    const person = (userId: string) => demoPrincipal(ctx.db, userId, "");
    const ago = (days: number, principal: Awaited<ReturnType<typeof person>>): Ctx => ({
      ...ctx,
      clock: fixedClock(new Date(`${dayOf(days)}T10:00:00Z`)) as Clock,
      principal,
    });
    const county = DEMO_AUTHORITY.county;
    const adjudicator = DEMO_AUTHORITY.adjudicator;
    await registerSecondTierBody(trx, ctx.clock.now(), {
      authorityId: adjudicator,
      scheme: "adjudicator",
      serviceArea: "parks",
    });
    const evan = await person(userOf("evaluator", county));
    const marcus = await person(userOf("ombudsman-staff", adjudicator));
    const hannah = await person(userOf("complaints-officer", county));
    const k = await makeAppeal(ago(50, evan), {
      subject: subjectKey({ kind: "spin-out", authorityId: county, id: DEMO_SPINOUT.parksRefused }),
      grounds: ["policy-not-followed", "unequal-treatment"],
      whatHappened:
        "The council's published spin-out policy says a proposal is judged on its business case. The refusal does not look at ours: it points to a joint management agreement with Millbrook that has a break clause for exactly this case.",
      outcomeWanted: "The proposal decided again on its business case, with the break clause considered.",
      consent: true,
      publicationConsent: true,
    });
    await assessCase(ago(45, marcus), adjudicator, k.id, { decision: "accept" });
    await draftDecision(ago(40, marcus), adjudicator, k.id, {
      draft:
        "Our draft finding is that the council did not follow its published policy: the business case was not considered.",
      commentsCloseOn: addWorkingDays(dayOf(40), 10, "england-and-wales"),
    });
    await decideCase(ago(20, marcus), adjudicator, k.id, {
      finding: "fault-injustice",
      groundsFound: ["policy-not-followed"],
      decision:
        "The council refused the proposal without considering its business case, as its published policy requires. It must decide again on the business case.",
      remedies: [
        {
          kind: "action",
          description: "Decide the proposal again on its business case, with reasons, and tell the team.",
          dueOn: dayOf(10),
        },
      ],
      publication: "publish",
      publishedSummary:
        "A county council refused a staff team's proposal to spin out its parks service without considering the business case its published policy asks for. We upheld the appeal: the council did not follow its published policy. It agreed to decide the proposal again.",
    });
    const remedy = { authorityId: adjudicator, caseId: k.id, seq: 1 };
    await reportCompliance(ago(12, hannah), remedy, {
      evidence:
        "The cabinet member's decision of the same day, on the business case, sent to the team with reasons.",
      doneOn: dayOf(12),
    });
    await confirmRemedy(ago(8, marcus), remedy);
  },
};
