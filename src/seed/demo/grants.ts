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
 * - the county's Westshire Community Grants (issue 21): two small grants to community groups, one
 *   with a condition, paid from the whole-place community budget; one end report submitted and
 *   accepted (`communityGrants`).
 *
 * Fixed ids, so that docs/grants.md and tests can link to them.
 */
import type { Trx } from "../../db/database.ts";
import { type Clock, fixedClock } from "../../lib/clock.ts";
import { addDays, addMonths, londonToday } from "../../lib/london-time.ts";
import { grantRole, type Principal } from "../../modules/access/access.service.ts";
import type { Ctx } from "../../modules/access/context.ts";
import { createAccount } from "../../modules/accounts/accounts.service.ts";
import { SYSTEM } from "../../modules/audit/audit.service.ts";
import { acceptAdvice, assignAdviser, setAdviserOffer } from "../../modules/grants/advisers.service.ts";
import { reviewEndReport, submitEndReport } from "../../modules/grants/end-reports.service.ts";
import { apply, createProgramme, decide, recordPayment } from "../../modules/grants/grants.service.ts";
import type { Seed } from "../seed.ts";
import { DEMO_AUTHORITY } from "./authorities.ts";
import { DEMO_CHARITY_USER } from "./consultations.ts";
import { DEMO_ORGANISATION as DEMO_ORGANISATION_OF } from "./organisations.ts";
import {
  DEMO_ORGANISATION,
  DEMO_PASSWORD,
  DEMO_PROVIDER_GREENWAY,
  DEMO_USERS,
  demoPrincipal,
} from "./users.ts";

const id = (n: number) => `019a0000-0000-7000-8000-0000000e${String(n).padStart(4, "0")}`;

export const DEMO_GRANTS = {
  programme: id(1),
  businessCase: id(11),
  adviser: id(12),
  workingCapital: id(13),
  /** The county's community grants programme (issue 21), paid from the whole-place pool. */
  communityProgramme: id(2),
  /** Its two small grants: Millbrook Carers' Trust's (with a condition) and Westshire Community Transport's. */
  carersCafe: id(21),
  transport: id(22),
} as const;

/** Westshire Community Transport's administrator (a demo account of this seed). */
export const DEMO_TRANSPORT_USER = {
  id: "019a0000-0000-7000-8000-0000000ef101",
  email: "community-transport@demo.openps.example",
  displayName: "Rhys Morgan",
} as const;
const COMMUNITY_TRANSPORT = "019a0000-0000-7000-8000-00000000b027";
const PRIYA = "019a0000-0000-7000-8000-00000000c004";

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
    "Demo grants: a Mutuals Support Programme with two awards and a refusal, and an adviser matched to a spin-out; the county's community grants",
  demo: true,
  async run({ trx, clock, ctx }) {
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
    await communityGrants(ctx, trx, clock);
  },
};

/**
 * The county's Community Grants (issue 21): small grants for community groups, paid from the
 * whole-place community budget (its spends naming them: src/seed/demo/community-budgets.ts). Open
 * from 150 days ago; Millbrook Carers' Trust (Sam Okoro) and Westshire Community Transport (Rhys
 * Morgan) apply 50 days ago; the county (Priya) awards both 45 days ago, the first with a condition
 * (their end reports due 12 months after); the trust submits its end report 10 days ago, and the
 * county accepts it 5 days ago.
 */
async function communityGrants(ctx: Ctx, trx: Trx, clock: Clock): Promise<void> {
  await createAccount(trx, clock, SYSTEM("seed"), {
    ...DEMO_TRANSPORT_USER,
    password: DEMO_PASSWORD,
    verified: true,
  });
  await grantRole(trx, clock, SYSTEM("seed"), {
    userId: DEMO_TRANSPORT_USER.id,
    role: "organisation-admin",
    scopeId: COMMUNITY_TRANSPORT,
  });
  const today = londonToday(ctx.clock);
  const now = ctx.clock.now().getTime();
  const acting = async (userId: string, daysAgo: number): Promise<Ctx> => ({
    ...ctx,
    clock: fixedClock(new Date(now - daysAgo * 86_400_000)) as Clock,
    principal: await demoPrincipal(ctx.db, userId),
  });
  const county = DEMO_AUTHORITY.county;
  await createProgramme(
    await acting(PRIYA, 150),
    { authorityId: county },
    {
      id: DEMO_GRANTS.communityProgramme,
      title: "Westshire Community Grants",
      description:
        "Small grants for community groups and charities that help older and disabled people in Westshire live well at home, paid from the Westshire Together community budget.",
      budget: "20000.00",
      opensOn: addDays(today, -150),
      closesOn: addDays(today, 200),
      matchedFunding: "0",
      supportKinds: ["grant"],
      eligibility: [{ kind: "sector-in", sectors: ["voluntary-community", "charity", "parish-council"] }],
    },
  );
  await apply(await acting(DEMO_CHARITY_USER.id, 50), DEMO_GRANTS.communityProgramme, {
    id: DEMO_GRANTS.carersCafe,
    organisationId: DEMO_ORGANISATION_OF.carersTrust,
    supportKind: "grant",
    purpose:
      "A year of the Millbrook carers' café: room hire, refreshments and a sitting service while carers attend.",
    amount: "4800.00",
    context: "Running since 2019, with 40 carers on its list",
  });
  await apply(await acting(DEMO_TRANSPORT_USER.id, 50), DEMO_GRANTS.communityProgramme, {
    id: DEMO_GRANTS.transport,
    organisationId: COMMUNITY_TRANSPORT,
    supportKind: "grant",
    purpose: "Volunteer drivers' expenses for taking people home from hospital in the Vale Cross villages.",
    amount: "2500.00",
  });
  const deciding = await acting(PRIYA, 45);
  await decide(deciding, DEMO_GRANTS.communityProgramme, DEMO_GRANTS.carersCafe, {
    decision: "award",
    amount: "4800.00",
    conditions: "Share the café's attendance figures with the county each quarter.",
  });
  await decide(deciding, DEMO_GRANTS.communityProgramme, DEMO_GRANTS.transport, {
    decision: "award",
    amount: "2500.00",
  });
  // The café's year is reported early: its end report submitted 10 days ago, accepted 5 days ago.
  await submitEndReport(
    await acting(DEMO_CHARITY_USER.id, 10),
    DEMO_GRANTS.communityProgramme,
    DEMO_GRANTS.carersCafe,
    {
      whatItDid:
        "The café met every Tuesday in Millbrook library: 46 carers came at least once, 28 of them regularly, and the sitting service gave 310 hours of cover so that they could.",
      spent: "4650.00",
      reached: 46,
      conditions: [{ met: true, note: "Attendance figures sent to the county each quarter." }],
      coversTo: addDays(today, -10),
    },
  );
  await reviewEndReport(await acting(PRIYA, 5), DEMO_GRANTS.communityProgramme, DEMO_GRANTS.carersCafe, {
    decision: "accept",
  });
}
