/**
 * The demo prize for public service innovation (issue 20, item 8), made through the module's
 * services as the people would, each step on a clock set to its moment; months counted back from
 * the month the demo is seeded in (M0), so the demo stands the same whatever day it is seeded.
 *
 * The Department for Work and Skills runs the prize (Ruth Okonkwo, its administrator, organises).
 * Last year's round (nominations M−14 to M−12, shortlist the 15th of M−11, winners M−10; two categories,
 * shortlists of 2) is decided: its panel — Amira Haddad (the department's evaluator) and Dev Malhotra
 * (its commissioner) — declared (Dev a conflict with Glanmor Care Co-operative, whose advisory board
 * he sat on) and scored; in "Spin-out of the year" two nominees tied in second place, so three were
 * shortlisted; the winners are Westshire
 * Libraries and Culture Mutual and Glanmor Care Co-operative. This year's round is open for
 * nominations (from the first day of M−1 to the last of M+1): three nominees, one nominated twice
 * (merged). Fixed ids: `…-000000580NNN`.
 */
import { type Clock, fixedClock } from "../../lib/clock.ts";
import { addDays, addMonths, londonToday } from "../../lib/london-time.ts";
import type { Principal } from "../../modules/access/access.service.ts";
import type { Ctx } from "../../modules/access/context.ts";
import {
  appointJudge,
  createRound,
  declareConflicts,
  nominate,
  publishShortlist,
  publishWinners,
  scoreNominee,
} from "../../modules/prize/prize.service.ts";
import type { Seed } from "../seed.ts";
import { DEMO_AUTHORITY } from "./authorities.ts";

const id = (n: number) => `019a0000-0000-7000-8000-000000580${String(n).padStart(3, "0")}`;

/** The demo's fixed ids. */
export const DEMO_PRIZE = {
  lastRound: id(1),
  lastSpinOut: id(2),
  lastCare: id(3),
  libraries: id(11),
  leisure: id(12),
  kinship: id(13),
  glanmor: id(14),
  dischargeTeam: id(15),
  thisRound: id(21),
  thisSpinOut: id(22),
  thisCare: id(23),
  thisTherapy: id(31),
  thisHomes: id(32),
  thisReablement: id(33),
} as const;

const ORG = (n: number) => `019a0000-0000-7000-8000-00000000b${String(n).padStart(3, "0")}`;
const LIBRARIES = ORG(8);
const LEISURE = ORG(9);
const KINSHIP = ORG(10);
const GLANMOR = ORG(11);
const THERAPY = ORG(13);
const NHS_TRUST = ORG(14);
const HOMES = ORG(15);
const COMMUNITY_HEALTH = ORG(1);
const RUTH = "019a0000-0000-7000-8000-00000000c021";
const DEV = "019a0000-0000-7000-8000-00000000c020";
const OLU = "019a0000-0000-7000-8000-00000000c002";
/** The demo judge's account (src/seed/demo/users.ts): the department's evaluator. */
const AMIRA = { id: "019a0000-0000-7000-8000-00000000c061", email: "evaluator-dws@demo.openps.example" };

const person = (userId: string, grants: Principal["grants"]): Principal => ({
  userId,
  displayName: "",
  grants,
  via: "session",
  twoFactor: true,
});

export const demoPrizeSeed: Seed = {
  name: "demo-prize",
  description: "Demo prize: last year's round decided, this year's open for nominations",
  demo: true,
  async run({ ctx }) {
    const now = ctx.clock.now();
    const today = londonToday(ctx.clock);
    const m0 = `${today.slice(0, 8)}01`;
    const monthOf = (back: number) => addMonths(m0, -back);
    const at = (day: string): Clock => {
      const moment = new Date(`${day}T09:00:00Z`);
      return fixedClock(moment < now ? moment : new Date(now.getTime() - 1000));
    };
    const acting = (principal: Principal | null, day: string): Ctx => ({ ...ctx, clock: at(day), principal });
    const dws = DEMO_AUTHORITY.department;
    const ruth = person(RUTH, [{ role: "authority-admin", scopeType: "authority", scopeId: dws }]);
    const dev = person(DEV, [{ role: "commissioner", scopeType: "authority", scopeId: dws }]);
    const amira = person(AMIRA.id, [{ role: "evaluator", scopeType: "authority", scopeId: dws }]);
    const olu = person(OLU, [
      { role: "organisation-admin", scopeType: "organisation", scopeId: COMMUNITY_HEALTH },
    ]);
    const year = Number(today.slice(0, 4));

    // Last year's round, decided.
    const open = monthOf(14);
    const close = addDays(monthOf(11), -1);
    const shortlistDay = addDays(monthOf(11), 14);
    await createRound(
      acting(ruth, open),
      {
        authorityId: dws,
        year: year - 1,
        title: `Public Service Innovation Prize ${year - 1}`,
        categories: ["Spin-out of the year", "Innovation in care"],
        nominationsOpenOn: open,
        nominationsCloseOn: close,
        shortlistOn: shortlistDay,
        winnersOn: monthOf(10),
        shortlistSize: 2,
      },
      { id: DEMO_PRIZE.lastRound, categoryIds: [DEMO_PRIZE.lastSpinOut, DEMO_PRIZE.lastCare] },
    );
    for (const judge of [AMIRA.email, "commissioner-dws@demo.openps.example"])
      await appointJudge(acting(ruth, open), DEMO_PRIZE.lastRound, { email: judge });
    const nominating = addDays(open, 10);
    const publicly = { name: "Sam Ellis", email: "sam.ellis@example.org" };
    const last: [string, string, object, string][] = [
      [
        DEMO_PRIZE.libraries,
        DEMO_PRIZE.lastSpinOut,
        { organisationId: LIBRARIES },
        "Took the county's libraries out as a staff-owned mutual, opened on Sundays and doubled children's borrowing in two years.",
      ],
      [
        DEMO_PRIZE.leisure,
        DEMO_PRIZE.lastSpinOut,
        { organisationId: LEISURE },
        "A leisure mutual that kept every centre open by sharing its buildings with GP surgeries.",
      ],
      [
        DEMO_PRIZE.kinship,
        DEMO_PRIZE.lastSpinOut,
        { organisationId: KINSHIP },
        "Kinship carers' support spun out of the council and now answering calls in the evenings and at weekends.",
      ],
      [
        DEMO_PRIZE.glanmor,
        DEMO_PRIZE.lastCare,
        { organisationId: GLANMOR },
        "A care co-operative owned by its care workers and the people they support, with half the staff turnover of the area.",
      ],
      [
        DEMO_PRIZE.dischargeTeam,
        DEMO_PRIZE.lastCare,
        { teamName: "Home First discharge team", teamOrganisationId: NHS_TRUST },
        "Patients home from hospital the day they are well enough, with care arranged before they leave the ward.",
      ],
    ];
    for (const [nominationId, categoryId, nominee, reasons] of last)
      await nominate(
        acting(null, nominating),
        DEMO_PRIZE.lastRound,
        { categoryId, ...nominee, reasons, ...publicly },
        { id: nominationId },
      );
    // A second nomination of the libraries mutual, sent by a member of an organisation for it: merged.
    await nominate(acting(olu, addDays(nominating, 3)), DEMO_PRIZE.lastRound, {
      categoryId: DEMO_PRIZE.lastSpinOut,
      organisationId: LIBRARIES,
      reasons: "Its Sunday openings showed the rest of the county what a mutual can do.",
      evidence: "https://westshire-libraries.example.org.uk/annual-report",
      onBehalfOf: COMMUNITY_HEALTH,
    });
    const judging = addDays(close, 2);
    await declareConflicts(acting(amira, judging), DEMO_PRIZE.lastRound, { conflicts: [] });
    await declareConflicts(acting(dev, judging), DEMO_PRIZE.lastRound, {
      conflicts: [
        {
          nominationId: DEMO_PRIZE.glanmor,
          description: "I sat on Glanmor Care Co-operative's advisory board in its first year.",
        },
      ],
    });
    const scores: [Principal, string, number][] = [
      [amira, DEMO_PRIZE.libraries, 9],
      [amira, DEMO_PRIZE.leisure, 7],
      [amira, DEMO_PRIZE.kinship, 8],
      [amira, DEMO_PRIZE.glanmor, 9],
      [amira, DEMO_PRIZE.dischargeTeam, 7],
      [dev, DEMO_PRIZE.libraries, 9],
      [dev, DEMO_PRIZE.leisure, 8],
      [dev, DEMO_PRIZE.kinship, 7],
      [dev, DEMO_PRIZE.dischargeTeam, 6],
    ];
    for (const [judge, nominationId, score] of scores)
      await scoreNominee(acting(judge, judging), DEMO_PRIZE.lastRound, nominationId, {
        score,
        comment:
          score >= 8 ? "Clear evidence of change for the people served." : "A good idea, less evidence yet.",
      });
    await publishShortlist(acting(ruth, shortlistDay), DEMO_PRIZE.lastRound);
    await publishWinners(acting(ruth, monthOf(10)), DEMO_PRIZE.lastRound, {
      winners: [
        {
          categoryId: DEMO_PRIZE.lastSpinOut,
          nominationId: DEMO_PRIZE.libraries,
          citation:
            "For showing that a staff-owned library service can open more, lend more and reach more children.",
        },
        {
          categoryId: DEMO_PRIZE.lastCare,
          nominationId: DEMO_PRIZE.glanmor,
          citation:
            "For care owned by those who give it and those who receive it, and the steadiness that brings.",
        },
      ],
    });

    // This year's round, open for nominations.
    const thisOpen = monthOf(1);
    await createRound(
      acting(ruth, thisOpen),
      {
        authorityId: dws,
        year,
        title: `Public Service Innovation Prize ${year}`,
        categories: ["Spin-out of the year", "Innovation in care"],
        nominationsOpenOn: thisOpen,
        nominationsCloseOn: addDays(addMonths(m0, 2), -1),
        shortlistOn: addDays(addMonths(m0, 2), 14),
        winnersOn: addMonths(m0, 3),
        shortlistSize: 3,
      },
      { id: DEMO_PRIZE.thisRound, categoryIds: [DEMO_PRIZE.thisSpinOut, DEMO_PRIZE.thisCare] },
    );
    await appointJudge(acting(ruth, thisOpen), DEMO_PRIZE.thisRound, {
      email: AMIRA.email,
    });
    const day = addDays(thisOpen, 5);
    await nominate(
      acting(null, day),
      DEMO_PRIZE.thisRound,
      {
        categoryId: DEMO_PRIZE.thisSpinOut,
        organisationId: THERAPY,
        reasons:
          "Therapists who spun out of the trust and cut waiting times for children's speech therapy by half.",
        ...publicly,
      },
      { id: DEMO_PRIZE.thisTherapy },
    );
    await nominate(
      acting(olu, day),
      DEMO_PRIZE.thisRound,
      {
        categoryId: DEMO_PRIZE.thisCare,
        organisationId: HOMES,
        reasons:
          "Tenants' repairs booked and done in one visit, with care staff told when a tenant needs a hand.",
        onBehalfOf: COMMUNITY_HEALTH,
      },
      { id: DEMO_PRIZE.thisHomes },
    );
    await nominate(
      acting(null, day),
      DEMO_PRIZE.thisRound,
      {
        categoryId: DEMO_PRIZE.thisCare,
        teamName: "Reablement at home team",
        teamAuthorityId: DEMO_AUTHORITY.county,
        reasons: "Six weeks of reablement that leave most people needing no care at all.",
        name: "Priya Shah",
        email: "priya.shah@example.org",
      },
      { id: DEMO_PRIZE.thisReablement },
    );
    await nominate(acting(null, addDays(day, 2)), DEMO_PRIZE.thisRound, {
      categoryId: DEMO_PRIZE.thisCare,
      teamName: "Reablement at Home Team",
      teamAuthorityId: DEMO_AUTHORITY.county,
      reasons: "My father walked again after a fall, thanks to them.",
      name: "Jo Bryant",
      email: "jo.bryant@example.org",
    });
  },
};
