/**
 * Demo consultations, for Westshire County Council and Millbrook District Council: for each, one
 * open (closing six weeks after the seed's now) and one closed, with responses from a charity, a
 * mutual and a citizen and a published "you said, we did" summary. Westshire's open one is the
 * market engagement for its home care project (DEMO_PROJECT.countyHomeCare). The closed ones are
 * run through the real rules with clocks set in the past (published, answered before closing,
 * then answered and summarised after), so every timestamp is before the seed's now. Adds one demo
 * account: an administrator of Millbrook Carers' Trust (a charity), to respond for it. Fictional
 * data; fixed ids.
 */

import { type Clock, fixedClock } from "../../lib/clock.ts";
import { londonInstant, londonParts } from "../../lib/london-time.ts";
import type { Principal } from "../../modules/access/access.service.ts";
import { grantRole } from "../../modules/access/access.service.ts";
import type { Ctx } from "../../modules/access/context.ts";
import { createAccount } from "../../modules/accounts/accounts.service.ts";
import { SYSTEM } from "../../modules/audit/audit.service.ts";
import { consultationOf } from "../../modules/consultations/consultations.service.ts";
import {
  type ConsultationInput,
  recordConsultation,
  recordConsultationPublished,
} from "../../modules/consultations/drafting.service.ts";
import {
  respond,
  responsesOf,
  type SectionResponseInput,
} from "../../modules/consultations/responses.service.ts";
import { answerPoints, recordSummaryPublished } from "../../modules/consultations/you-said-we-did.service.ts";
import type { Seed } from "../seed.ts";
import { DEMO_AUTHORITY } from "./authorities.ts";
import { DEMO_ORGANISATION } from "./organisations.ts";
import { DEMO_PROJECT } from "./projects.ts";
import { DEMO_PASSWORD, DEMO_USERS, demoPrincipal } from "./users.ts";

const id = (n: number) => `019a0000-0000-7000-8000-0000000cf${String(n).padStart(3, "0")}`;

/** Fixed ids other seeds and tests refer to. */
export const DEMO_CONSULTATION = {
  countyHomeCareEngagement: id(1),
  countyLibrariesClosed: id(2),
  districtParksOpen: id(3),
  districtLeisureClosed: id(4),
} as const;

/** The demo account that acts for Millbrook Carers' Trust (a charity). */
export const DEMO_CHARITY_USER = {
  id: "019a0000-0000-7000-8000-0000000cf101",
  email: "carers-trust@demo.openps.example",
  displayName: "Sam Okoro",
} as const;

const DAY = 86_400_000;
const userId = (role: string) => DEMO_USERS.find((u) => u.role === role)?.id ?? "";

/** A demo person, as the seed acts for them (they respond, and answer points, through the real rules). */
const personOf = demoPrincipal;

/** `hours` o'clock, London time, on the day `days` from `now`. */
function londonAt(now: Date, days: number, hours: number): Date {
  const { date } = londonParts(new Date(now.getTime() + days * DAY));
  return londonInstant(date, hours, 0) ?? new Date(now.getTime() + days * DAY);
}

/** 5pm London time on the day `days` from `now`. */
const fivePm = (now: Date, days: number) => londonAt(now, days, 17);

/** Sections as the respond API takes them, by heading, from simple text. */
function said(
  sections: { id: string; heading: string; questions: { id: string }[] }[],
  heading: string,
  content: Omit<SectionResponseInput, "sectionId" | "answers"> & { answers?: string[] },
): SectionResponseInput {
  const section = sections.find((s) => s.heading === heading);
  if (!section) throw new Error(`No demo section "${heading}"`);
  return {
    sectionId: section.id,
    ...content,
    answers: (content.answers ?? []).map((answer, i) => ({
      questionId: section.questions[i]?.id ?? "",
      answer,
    })),
  };
}

async function closedConsultation(
  ctx: Ctx,
  authorityId: string,
  consultationId: string,
  input: Omit<ConsultationInput, "closesAt">,
  responses: (sections: { id: string; heading: string; questions: { id: string }[] }[]) => {
    userId: string;
    organisationId: string | null;
    showName: boolean;
    sections: SectionResponseInput[];
  }[],
  weDid: (heading: string, index: number) => string,
  summaryText: string,
): Promise<void> {
  const now = ctx.clock.now();
  /** The system at another time, or a demo person (who acts for themselves) at that time. */
  const at = (clock: Clock, person?: Principal): Ctx =>
    person ? { db: ctx.db, clock, principal: person } : { ...ctx, clock };
  const opened = at(fixedClock(londonAt(now, -70, 9)));
  const closesAt = fivePm(now, -28);
  await recordConsultation(opened, authorityId, { ...input, closesAt }, consultationId);
  await recordConsultationPublished(opened, authorityId, consultationId);
  const { sections } = await consultationOf(opened, authorityId, consultationId);
  let day = -60;
  for (const r of responses(sections)) {
    const person = await personOf(ctx.db, r.userId);
    await respond(at(fixedClock(londonAt(now, day, 11)), person), authorityId, consultationId, {
      organisationId: r.organisationId,
      showName: r.showName,
      sections: r.sections,
    });
    day += 3;
  }
  const answered = at(fixedClock(londonAt(now, -21, 10)), await personOf(ctx.db, userId("platform-admin")));
  const shown = await responsesOf(answered, authorityId, consultationId);
  let i = 0;
  await answerPoints(
    answered,
    authorityId,
    consultationId,
    shown.responses.flatMap((r) =>
      r.sections.map((s) => ({ responseId: r.id, sectionId: s.sectionId, weDid: weDid(s.heading, i++) })),
    ),
  );
  await recordSummaryPublished(
    at(fixedClock(londonAt(now, -14, 12))),
    authorityId,
    consultationId,
    summaryText,
  );
}

/** Westshire: the market engagement for home care, open for six weeks. */
async function countyHomeCare(ctx: Ctx): Promise<void> {
  const now = ctx.clock.now();
  await recordConsultation(
    ctx,
    DEMO_AUTHORITY.county,
    {
      kind: "market-engagement",
      projectId: DEMO_PROJECT.countyHomeCare,
      title: "Home care for older people: shaping the new service",
      summary:
        "Westshire and Millbrook will re-commission home care from April 2027. Before we write the tender, tell us how the service should be shaped: the areas it covers, how it is paid for, and what outcomes matter.",
      audience:
        "Home care providers of every size and sector, people who use home care, their families and carers.",
      closesAt: fivePm(now, 42),
      sections: [
        {
          heading: "Geographic lots",
          body: "We propose four lots: Westshire north, Westshire south, Westshire rural and Millbrook. Each lot would have two to four providers.",
          questions: ["Are four lots the right number?", "Would you bid for one lot, several, or none? Why?"],
        },
        {
          heading: "Paying for outcomes",
          body: "We propose paying an hourly rate with 10% of the price linked to outcomes people say matter to them: continuity of carers, punctuality and independence.",
          questions: ["Which outcomes should the payment be linked to?"],
        },
        {
          heading: "Rural visits",
          body: "Visits in rural areas take longer to reach. We propose a rural travel supplement.",
          questions: [],
        },
      ],
    },
    DEMO_CONSULTATION.countyHomeCareEngagement,
  );
  await recordConsultationPublished(ctx, DEMO_AUTHORITY.county, DEMO_CONSULTATION.countyHomeCareEngagement);
}

/** Westshire: a closed policy consultation with its summary. */
async function countyLibraries(ctx: Ctx): Promise<void> {
  await closedConsultation(
    ctx,
    DEMO_AUTHORITY.county,
    DEMO_CONSULTATION.countyLibrariesClosed,
    {
      kind: "policy",
      projectId: null,
      title: "Libraries strategy 2027 to 2030",
      summary:
        "How Westshire's 22 libraries should change over the next three years, and who could run them.",
      audience: "Everyone who lives, works or studies in Westshire, and community groups and mutuals.",
      sections: [
        {
          heading: "Opening hours",
          body: "We propose longer evening opening in the eight largest libraries and self-service hours in the others.",
          questions: ["Which hours would you use?"],
        },
        {
          heading: "Community-run libraries",
          body: "We would support community groups and mutuals that want to run a library, with a grant and the building.",
          questions: ["Would your group consider running a library?"],
        },
      ],
    },
    (s) => [
      {
        userId: DEMO_CHARITY_USER.id,
        organisationId: DEMO_ORGANISATION.carersTrust,
        showName: true,
        sections: [
          said(s, "Opening hours", {
            answers: ["Saturday mornings: carers have time then."],
            comments: "Carers' groups meet in three libraries and need quiet rooms.",
          }),
          said(s, "Community-run libraries", {
            couldBeDifferent: true,
            couldDeliver: true,
            alternativeModel:
              "A carers' hub in Millbrook library run with volunteers, the council keeping the book stock.",
          }),
        ],
      },
      {
        userId: userId("citizen"),
        organisationId: null,
        showName: false,
        sections: [
          said(s, "Opening hours", {
            answers: ["Evenings after 6pm."],
            comments: "I work full time and can never get to my library.",
          }),
        ],
      },
      {
        userId: userId("organisation-admin"),
        organisationId: DEMO_ORGANISATION.communityHealthMutual,
        showName: false,
        sections: [
          said(s, "Community-run libraries", {
            answers: ["Not on our own, but with a partner."],
            couldDeliver: true,
          }),
        ],
      },
    ],
    (heading) =>
      heading === "Opening hours"
        ? "We will open the eight largest libraries until 8pm on weekdays and on Saturday mornings from April."
        : "We will offer a grant of up to £20,000 and the building to groups that want to run a library, starting with Millbrook.",
    "Thank you to everyone who responded. We heard most about opening hours and about community-run libraries; here is what we will do.",
  );
}

/** Millbrook: an open policy consultation. */
async function districtParks(ctx: Ctx): Promise<void> {
  const now = ctx.clock.now();
  await recordConsultation(
    ctx,
    DEMO_AUTHORITY.district,
    {
      kind: "policy",
      projectId: null,
      title: "Parks and open spaces: devolving to parish councils",
      summary:
        "Which parks and open spaces could be looked after by parish and town councils, and how we would support them.",
      audience: "Parish and town councils, community groups, and people who use Millbrook's parks.",
      closesAt: fivePm(now, 35),
      sections: [
        {
          heading: "Which spaces",
          body: "We list 14 small parks, play areas and greens that parish councils have asked about.",
          questions: ["Which of these spaces matter most to you?"],
        },
        {
          heading: "Support for parish councils",
          body: "We would transfer the budget for each space and offer grounds maintenance at cost for three years.",
          questions: ["Is three years of support enough?"],
        },
      ],
    },
    DEMO_CONSULTATION.districtParksOpen,
  );
  await recordConsultationPublished(ctx, DEMO_AUTHORITY.district, DEMO_CONSULTATION.districtParksOpen);
}

/** Millbrook: a closed policy consultation with its summary. */
async function districtLeisure(ctx: Ctx): Promise<void> {
  await closedConsultation(
    ctx,
    DEMO_AUTHORITY.district,
    DEMO_CONSULTATION.districtLeisureClosed,
    {
      kind: "policy",
      projectId: null,
      title: "The future of Millbrook's leisure centres",
      summary:
        "Whether the two leisure centres should stay with the council's mutual, be tendered, or be run by the community.",
      audience: "People who use the leisure centres, sports clubs, and providers of leisure services.",
      sections: [
        {
          heading: "Who runs the centres",
          body: "Millbrook Leisure Mutual runs both centres until 2028. We could extend, tender, or transfer one centre to the community.",
          questions: ["Which option do you prefer?"],
        },
        {
          heading: "Prices and concessions",
          body: "We propose keeping concessions for carers, children and people on low incomes.",
          questions: [],
        },
      ],
    },
    (s) => [
      {
        userId: DEMO_CHARITY_USER.id,
        organisationId: DEMO_ORGANISATION.carersTrust,
        showName: false,
        sections: [
          said(s, "Prices and concessions", {
            comments: "Keep the carers' concession: for many carers it is their only break.",
          }),
        ],
      },
      {
        userId: userId("citizen"),
        organisationId: null,
        showName: true,
        sections: [
          said(s, "Who runs the centres", {
            answers: ["Keep the mutual: the staff know us."],
          }),
          said(s, "Prices and concessions", {
            comments: "Children's swimming should be free in the holidays.",
          }),
        ],
      },
    ],
    (heading, i) =>
      heading === "Who runs the centres"
        ? "We will extend the mutual's contract by two years and review it with users in 2029."
        : i === 0
          ? "We will keep the carers' concession unchanged."
          : "We will trial free holiday swimming for children under 12 this summer.",
    "Most responses asked us to keep the leisure mutual and the concessions. We have done both.",
  );
}

export const demoConsultationsSeed: Seed = {
  name: "demo-consultations",
  description:
    'Demo consultations: an open market engagement for Westshire\'s home care project, open and closed policy consultations with responses and a published "you said, we did"',
  demo: true,
  async run({ trx, clock, ctx }) {
    const actor = SYSTEM("seed");
    await createAccount(trx, clock, actor, { ...DEMO_CHARITY_USER, password: DEMO_PASSWORD, verified: true });
    await grantRole(trx, clock, actor, {
      userId: DEMO_CHARITY_USER.id,
      role: "organisation-admin",
      scopeId: DEMO_ORGANISATION.carersTrust,
    });

    await countyHomeCare(ctx);
    await countyLibraries(ctx);
    await districtParks(ctx);
    await districtLeisure(ctx);
  },
};
