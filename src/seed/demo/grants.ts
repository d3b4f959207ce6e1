/**
 * Demo grants (issue 20): a Mutuals Support Programme of the Department for Work and Skills, made
 * through the module's services as its people would, each step on a clock set to its moment, the
 * months counted back from the month the demo is seeded in (M0):
 *
 * - the programme, open from M−6 to M+6: a budget of £500,000.00, matched funding of 25%, a grant or
 *   adviser time, for public service mutuals, co-operatives and social enterprises that spun out
 *   within 15 years or are still on their first contract (a fact the mutuals module will supply);
 * - Westshire Community Health CIC (its administrator, Olu Adeyemi) applies three times in M−4:
 *   £60,000.00 for a business case, awarded in M−3 with a condition and paid its first instalment of
 *   £30,000.00 in M−2; £12,500.00 of adviser time, awarded in full; and £150,000.00 of working
 *   capital, refused with reasons. Its people are told of each decision.
 * - an adviser: Greenway Home Care Ltd (its administrator, Gwen Parry) offers advice on TUPE transfer
 *   and pensions and on the first contract, in community health and care at home; the adviser-time
 *   application asks about TUPE and pensions in community health; the department assigns Greenway
 *   two days after the award and Greenway accepts two days later.
 *
 * Fixed ids, so that docs/grants.md and tests can link to them.
 */
import { type Clock, fixedClock } from "../../lib/clock.ts";
import { addDays, addMonths, londonToday } from "../../lib/london-time.ts";
import type { Principal } from "../../modules/access/access.service.ts";
import type { Ctx } from "../../modules/access/context.ts";
import { acceptAdvice, assignAdviser, setAdviserOffer } from "../../modules/grants/advisers.service.ts";
import { apply, createProgramme, decide, recordPayment } from "../../modules/grants/grants.service.ts";
import type { Seed } from "../seed.ts";
import { DEMO_AUTHORITY } from "./authorities.ts";
import { DEMO_ORGANISATION, DEMO_PROVIDER_GREENWAY, DEMO_USERS } from "./users.ts";

const id = (n: number) => `019a0000-0000-7000-8000-0000000e${String(n).padStart(4, "0")}`;

export const DEMO_GRANTS = {
  programme: id(1),
  businessCase: id(11),
  adviser: id(12),
  workingCapital: id(13),
} as const;

const userOf = (role: string, scopeId: string) =>
  DEMO_USERS.find((u) => u.role === role && u.scopeId === scopeId)?.id as string;

const as = (userId: string, grants: Principal["grants"]): Principal => ({
  userId,
  displayName: "",
  grants,
  via: "session",
  twoFactor: true,
});

export const demoGrantsSeed: Seed = {
  name: "demo-grants",
  description:
    "Demo grants: a Mutuals Support Programme with two awards and a refusal, and an adviser matched to a spin-out",
  demo: true,
  async run({ ctx }) {
    const now = ctx.clock.now();
    const m0 = `${londonToday(ctx.clock).slice(0, 8)}01`;
    const monthOf = (back: number) => addMonths(m0, -back);
    const at = (day: string): Clock => {
      const moment = new Date(Date.parse(`${day}T10:00:00Z`));
      return fixedClock(moment < now ? moment : new Date(now.getTime() - 1000)) as Clock;
    };
    const acting = (principal: Principal, clock: Clock): Ctx => ({ ...ctx, clock, principal });
    const dws = DEMO_AUTHORITY.department;
    const dev = as(userOf("commissioner", dws), [
      { role: "commissioner", scopeType: "authority", scopeId: dws },
    ]);
    const gwen = as(userOf("organisation-admin", DEMO_PROVIDER_GREENWAY), [
      { role: "organisation-admin", scopeType: "organisation", scopeId: DEMO_PROVIDER_GREENWAY },
    ]);
    await setAdviserOffer(acting(gwen, at(addDays(monthOf(6), -20))), DEMO_PROVIDER_GREENWAY, {
      stages: ["tupe-pensions", "first-contract"],
      serviceAreas: ["community-health", "domiciliary-care"],
    });
    const olu = as(userOf("organisation-admin", DEMO_ORGANISATION), [
      { role: "organisation-admin", scopeType: "organisation", scopeId: DEMO_ORGANISATION },
    ]);

    await createProgramme(
      acting(dev, at(addDays(monthOf(6), -14))),
      { authorityId: dws },
      {
        id: DEMO_GRANTS.programme,
        title: "Mutuals Support Programme",
        description:
          "Grants and adviser time for staff-led mutuals at any stage of spinning out or in their first years of trading: business cases, legal and financial advice, staff engagement and the first contract.",
        budget: "500000.00",
        opensOn: monthOf(6),
        closesOn: addDays(addMonths(m0, 7), -1),
        matchedFunding: "25",
        supportKinds: ["grant", "adviser-time"],
        eligibility: [
          { kind: "sector-in", sectors: ["public-service-mutual", "co-operative", "social-enterprise"] },
          {
            kind: "any-of",
            rules: [
              { kind: "age-at-most", years: 15 },
              {
                kind: "fact",
                fact: "mutuals.first-contract",
                label: "the organisation is still on its first contract",
              },
            ],
          },
        ],
      },
    );
    const applying = acting(olu, at(addDays(monthOf(4), 3)));
    const base = {
      organisationId: DEMO_ORGANISATION,
      context: "Trading: expanding into community dental care",
    };
    await apply(applying, DEMO_GRANTS.programme, {
      ...base,
      id: DEMO_GRANTS.businessCase,
      supportKind: "grant",
      purpose: "A business case and option appraisal for taking on the community dental service.",
      amount: "60000.00",
      matched: "20000.00",
      plannedStart: monthOf(3),
      plannedEnd: addDays(monthOf(0), 27),
    });
    await apply(applying, DEMO_GRANTS.programme, {
      ...base,
      id: DEMO_GRANTS.adviser,
      supportKind: "adviser-time",
      purpose: "Ten days of a pensions adviser's time on New Fair Deal access for transferring staff.",
      amount: "12500.00",
      matched: "3125.00",
      adviceStage: "tupe-pensions",
      adviceArea: "community-health",
    });
    await apply(applying, DEMO_GRANTS.programme, {
      ...base,
      id: DEMO_GRANTS.workingCapital,
      supportKind: "grant",
      purpose: "Working capital for the first six months of the dental service.",
      amount: "150000.00",
      matched: "50000.00",
    });
    const deciding = acting(dev, at(addDays(monthOf(3), 10)));
    await decide(deciding, DEMO_GRANTS.programme, DEMO_GRANTS.businessCase, {
      decision: "award",
      amount: "60000.00",
      conditions:
        "Paid in two instalments: the second once the draft business case is shared with the department.",
    });
    await decide(deciding, DEMO_GRANTS.programme, DEMO_GRANTS.adviser, {
      decision: "award",
      amount: "12500.00",
    });
    await decide(deciding, DEMO_GRANTS.programme, DEMO_GRANTS.workingCapital, {
      decision: "refuse",
      reasons:
        "The programme funds advice and the costs of setting up, not working capital: the department's social investment guidance lists lenders who do.",
    });
    await assignAdviser(
      acting(dev, at(addDays(monthOf(3), 12))),
      DEMO_GRANTS.programme,
      DEMO_GRANTS.adviser,
      {
        adviserOrganisationId: DEMO_PROVIDER_GREENWAY,
      },
    );
    await acceptAdvice(acting(gwen, at(addDays(monthOf(3), 14))), DEMO_GRANTS.programme, DEMO_GRANTS.adviser);
    await recordPayment(
      acting(dev, at(addDays(monthOf(2), 5))),
      DEMO_GRANTS.programme,
      DEMO_GRANTS.businessCase,
      "demo-grants-first-instalment",
      { amount: "30000.00", paidOn: addDays(monthOf(2), 5) },
    );
  },
};
