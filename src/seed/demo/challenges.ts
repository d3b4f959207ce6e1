/**
 * Demo data for the Community Right to Challenge (issue 4, items 6–9): published policies for
 * Westshire County Council and Millbrook District Council; windows for Westshire's library service
 * (one open now, one later); and expressions of interest — one accepted (with its commissioning
 * project and procurement window), one rejected on statutory grounds with reasons, one undecided
 * and overdue, and one by employees (a possible mutual spin-out), whose two colleagues confirmed from
 * their work addresses on Westshire's staff email domain. Dates are relative to the seed's clock:
 * the history is written with the clock moved back, so every rule (windows, decision periods,
 * confirmations, the procurement window) applies as it would have. Fictional data; fixed ids.
 */
import { addDays, londonToday } from "../../lib/london-time.ts";
import type { Ctx } from "../../modules/access/context.ts";
import { createAccount, hashPassword } from "../../modules/accounts/accounts.service.ts";
import { SYSTEM } from "../../modules/audit/audit.service.ts";
import { recordConsideration, recordDecision } from "../../modules/challenges/decisions.service.ts";
import { recordConfirmation, recordStaffDomains } from "../../modules/challenges/employees.service.ts";
import { recordDraft, recordSubmission } from "../../modules/challenges/expressions.service.ts";
import { recordPolicy, recordWindow } from "../../modules/challenges/policy.service.ts";
import type { Seed } from "../seed.ts";
import { DEMO_AUTHORITY } from "./authorities.ts";
import { DEMO_SERVICE } from "./services.ts";
import { DEMO_PASSWORD } from "./users.ts";

const org = (n: number) => `019a0000-0000-7000-8000-00000000b${String(n).padStart(3, "0")}`;
const service = (n: number) => `019a0000-0000-7000-8000-00000000d${String(n).padStart(3, "0")}`;
const id = (n: number) => `019a0000-0000-7000-8000-00000000f${String(n).padStart(3, "0")}`;

/** Fixed ids other seeds and tests refer to. */
export const DEMO_CHALLENGE = {
  /** Lower Ashby Parish Council: Millbrook's village green maintenance, accepted. */
  accepted: id(1),
  /** Vale Cross Food Bank: Westshire's home care, rejected on statutory grounds. */
  rejected: id(2),
  /** Kelderby Town Council: Millbrook's waste collection, undecided past its decision date. */
  overdue: id(3),
  /** Employees of Westshire County Council: its country parks, a possible mutual. */
  employees: id(4),
  libraryWindowOpen: id(10),
  libraryWindowLater: id(11),
} as const;

/** Millbrook District Council's services, from the demo service registers. */
export const DEMO_DISTRICT_SERVICE = {
  wasteCollection: service(5),
  villageGreens: service(7),
} as const;

/** The demo evaluator of Westshire County Council (an employee), from the demo users. */
const EVALUATOR = "019a0000-0000-7000-8000-00000000c005";

/** Westshire County Council's staff email domain: its employees' work addresses end in it. */
export const WESTSHIRE_STAFF_DOMAIN = "westshire.example.gov.uk";

/**
 * Two employees of Westshire who co-sign the employees' EOI: accounts with their work addresses
 * (verified) and the demo password, and no role — a ranger needs none to confirm.
 */
export const DEMO_CO_SIGNATORIES = [
  {
    id: "019a0000-0000-7000-8000-00000000c101",
    name: "Rowan Ellis",
    jobTitle: "Head Ranger",
    email: `rowan.ellis@${WESTSHIRE_STAFF_DOMAIN}`,
  },
  {
    id: "019a0000-0000-7000-8000-00000000c102",
    name: "Sam Iqbal",
    jobTitle: "Visitor Services Manager",
    email: `sam.iqbal@${WESTSHIRE_STAFF_DOMAIN}`,
  },
] as const;
const DAY_MS = 86_400_000;

/** The seed acting `days` ago: the history is written with the clock moved back. */
function daysAgo(ctx: Ctx, days: number): Ctx {
  const at = ctx.clock.now().getTime() - days * DAY_MS;
  return { ...ctx, clock: { now: () => new Date(at) } };
}

export const demoChallengesSeed: Seed = {
  name: "demo-challenges",
  description:
    "Demo Right to Challenge: policies, windows, and expressions of interest accepted, rejected, overdue and by employees",
  demo: true,
  async run({ ctx, trx }) {
    const today = londonToday(ctx.clock);

    // Policies: published a year ago.
    const yearAgo = daysAgo(ctx, 365);
    await recordPolicy(yearAgo, DEMO_AUTHORITY.county, {
      decisionPeriodDays: 60,
      minProcurementDays: 90,
      maxProcurementDays: 365,
    });
    await recordPolicy(yearAgo, DEMO_AUTHORITY.district, {
      decisionPeriodDays: 56,
      minProcurementDays: 30,
      maxProcurementDays: 180,
    });

    // Windows for Westshire's library service: one open now, one next summer.
    await recordWindow(
      ctx,
      DEMO_AUTHORITY.county,
      { serviceId: DEMO_SERVICE.countyLibraries, opensOn: addDays(today, -21), closesOn: addDays(today, 40) },
      DEMO_CHALLENGE.libraryWindowOpen,
    );
    await recordWindow(
      ctx,
      DEMO_AUTHORITY.county,
      {
        serviceId: DEMO_SERVICE.countyLibraries,
        opensOn: addDays(today, 200),
        closesOn: addDays(today, 260),
      },
      DEMO_CHALLENGE.libraryWindowLater,
    );

    // Accepted: submitted 50 days ago, considered 30 days ago, accepted 10 days ago (in time: 56 days).
    await recordDraft(
      daysAgo(ctx, 55),
      {
        authorityId: DEMO_AUTHORITY.district,
        serviceId: DEMO_DISTRICT_SERVICE.villageGreens,
        applicantType: "organisation",
        organisationId: org(6),
        leadUserId: null,
        coSignatories: [],
        content: {
          financialResources:
            "Precept of £48,000 a year, reserves of £31,000 earmarked for open spaces, and a ride-on mower bought in 2025.",
          partners: "Lower Ashby Gardening Club (volunteers, no funds).",
          capabilityEvidence:
            "The parish council has maintained the churchyard and the play area since 2019 with a part-time groundsman and volunteers; its insurance covers grounds maintenance.",
          serviceArea:
            "Grass cutting, hedges and litter picking on the three village greens in Lower Ashby parish.",
          outcomes:
            "Greens cut to the village's own timetable for fêtes and markets; local jobs; wildflower margins for biodiversity.",
          userNeeds:
            "Villagers asked for more frequent cuts in summer and for the greens to be ready for events; the council's rounds come fortnightly.",
        },
      },
      DEMO_CHALLENGE.accepted,
    );
    await recordSubmission(daysAgo(ctx, 50), DEMO_AUTHORITY.district, DEMO_CHALLENGE.accepted);
    await recordConsideration(daysAgo(ctx, 30), DEMO_AUTHORITY.district, DEMO_CHALLENGE.accepted, {
      consideredBy: "Head of Environmental Services; Community Assets Panel",
      consideredOn: addDays(today, -30),
      evidence:
        "The parish council's accounts for 2024–25, its insurance schedule, two years of complaints about the greens and the cost of the current rounds.",
    });
    await recordDecision(daysAgo(ctx, 10), DEMO_AUTHORITY.district, DEMO_CHALLENGE.accepted, {
      decision: "accepted",
      reasons:
        "The parish council has shown the resources and experience to maintain the greens, and its proposal would improve the service for residents. A procurement exercise open to all will follow.",
    });

    // Rejected: submitted 50 days ago, considered and rejected 20 days ago.
    await recordDraft(
      daysAgo(ctx, 52),
      {
        authorityId: DEMO_AUTHORITY.county,
        serviceId: DEMO_SERVICE.countyHomeCare,
        applicantType: "organisation",
        organisationId: org(19),
        leadUserId: null,
        coSignatories: [],
        content: {
          financialResources:
            "Annual income of £85,000 from donations and grants; no reserves for a care workforce.",
          capabilityEvidence: "Volunteers deliver food parcels to 300 households a week.",
          serviceArea: "Home care for older people in Vale Cross and the surrounding villages.",
          outcomes: "Fewer isolated older people; local volunteering.",
          userNeeds: "Older people told us they want carers they know.",
        },
      },
      DEMO_CHALLENGE.rejected,
    );
    await recordSubmission(daysAgo(ctx, 50), DEMO_AUTHORITY.county, DEMO_CHALLENGE.rejected);
    await recordConsideration(daysAgo(ctx, 20), DEMO_AUTHORITY.county, DEMO_CHALLENGE.rejected, {
      consideredBy: "Director of Adult Social Care; Commissioning Board",
      consideredOn: addDays(today, -21),
      evidence:
        "The food bank's accounts, its registration status (it is not registered to provide personal care) and the published commissioning project for home care.",
    });
    await recordDecision(daysAgo(ctx, 20), DEMO_AUTHORITY.county, DEMO_CHALLENGE.rejected, {
      decision: "rejected",
      grounds: ["already-procured", "body-unsuitable"],
      reasons:
        "Home care is already being re-commissioned as an open framework (the pipeline notice was published before the expression of interest), and the food bank is not registered with the care regulator to provide personal care. We would welcome it as a partner of a registered provider in the framework.",
    });

    // Overdue: submitted 80 days ago to Millbrook (56-day decision period), not yet decided.
    await recordDraft(
      daysAgo(ctx, 82),
      {
        authorityId: DEMO_AUTHORITY.district,
        serviceId: DEMO_DISTRICT_SERVICE.wasteCollection,
        applicantType: "organisation",
        organisationId: org(29),
        leadUserId: null,
        coSignatories: [],
        content: {
          financialResources:
            "Precept of £210,000; £90,000 in reserves; a loan offer from the Public Works Loan Board.",
          partners: "Millbrook Community Recycling (co-operative): its depot and two vehicles.",
          capabilityEvidence:
            "The town council runs the market and the cemetery; its partner has collected recycling since 2016.",
          serviceArea: "Household waste and recycling collection in Kelderby town.",
          outcomes: "Higher recycling rates, local jobs, and profits reinvested in the town.",
          userNeeds: "Residents want missed collections fixed within a day and a say in the rounds.",
        },
      },
      DEMO_CHALLENGE.overdue,
    );
    await recordSubmission(daysAgo(ctx, 80), DEMO_AUTHORITY.district, DEMO_CHALLENGE.overdue);

    // By employees: drafted 6 days ago naming two colleagues, who confirmed from their work
    // addresses; submitted 5 days ago, a possible mutual spin-out.
    await recordStaffDomains(yearAgo, DEMO_AUTHORITY.county, [WESTSHIRE_STAFF_DOMAIN]);
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    for (const person of DEMO_CO_SIGNATORIES)
      await createAccount(trx, daysAgo(ctx, 30).clock, SYSTEM("seed"), {
        id: person.id,
        email: person.email,
        displayName: person.name,
        passwordHash,
        verified: true,
      });
    await recordDraft(
      daysAgo(ctx, 6),
      {
        authorityId: DEMO_AUTHORITY.county,
        serviceId: DEMO_SERVICE.countyParks,
        applicantType: "employees",
        organisationId: null,
        leadUserId: EVALUATOR,
        coSignatories: DEMO_CO_SIGNATORIES.map(({ name, jobTitle, email }) => ({ name, jobTitle, email })),
        content: {
          financialResources:
            "A business plan for a staff-owned community interest company with £1,150,000 a year from the council for five years, £240,000 of café and events income, and a start-up grant offer of £60,000.",
          capabilityEvidence: "The 34 staff who run the parks today would transfer to the mutual under TUPE.",
          serviceArea: "The four country parks, their visitor centres and ranger service, across Westshire.",
          outcomes:
            "More volunteering and school visits, better habitats, and income reinvested in the parks.",
          userNeeds:
            "Visitors asked for longer opening hours and better facilities; staff would shape the service with them.",
          employeeEngagement:
            "Open meetings at each park and visitor centre, a staff ballot before any transfer, and a staff council with the trade unions to shape the mutual's constitution.",
        },
      },
      DEMO_CHALLENGE.employees,
    );
    for (const person of DEMO_CO_SIGNATORIES)
      await recordConfirmation(daysAgo(ctx, 6), DEMO_AUTHORITY.county, DEMO_CHALLENGE.employees, person.id);
    await recordSubmission(daysAgo(ctx, 5), DEMO_AUTHORITY.county, DEMO_CHALLENGE.employees);
  },
};
