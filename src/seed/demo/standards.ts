/**
 * Demo accreditation bodies and standards (issue 20, item 7), made through the module's services as
 * the people would, each step on a clock set to its moment; months counted back from the month the
 * demo is seeded in (M0), so the demo stands the same whatever day it is seeded.
 *
 * The Department for Work and Skills, registered as an accreditation body by Pat Morgan (platform
 * administrator) in M−14, publishes (Dev Malhotra, its commissioner) two standards effective from
 * M−14: the Employment Support Quality Standard (employment support; a version 2 effective from M−2)
 * and the Rehabilitation Services Standard (probation). Accredited: Nationwide Employment Services
 * plc and Second Chance Kitchens CIC against the first, until M+22; Second Chance Kitchens against
 * the second, until M+10; and Westmill College against the first from M−14 until the last day of
 * M−2 — expired since. Fixed ids: `…-000000570NNN`.
 */
import { type Clock, fixedClock } from "../../lib/clock.ts";
import { addDays, addMonths, londonToday } from "../../lib/london-time.ts";
import type { Principal } from "../../modules/access/access.service.ts";
import type { Ctx } from "../../modules/access/context.ts";
import {
  accredit,
  publishStandard,
  publishVersion,
  registerBody,
} from "../../modules/standards/standards.service.ts";
import type { Seed } from "../seed.ts";
import { DEMO_AUTHORITY } from "./authorities.ts";

const id = (n: number) => `019a0000-0000-7000-8000-000000570${String(n).padStart(3, "0")}`;

/** The demo's fixed ids. */
export const DEMO_STANDARDS = {
  body: id(1),
  employmentSupport: id(11),
  rehabilitation: id(12),
  nationwide: id(21),
  secondChance: id(22),
  secondChanceRehabilitation: id(23),
  westmillExpired: id(24),
} as const;

const NATIONWIDE = "019a0000-0000-7000-8000-00000000b005";
const SECOND_CHANCE = "019a0000-0000-7000-8000-00000000b003";
const WESTMILL = "019a0000-0000-7000-8000-00000000b040";
const PAT_MORGAN = "019a0000-0000-7000-8000-00000000c011";
const DEV_MALHOTRA = "019a0000-0000-7000-8000-00000000c020";

const person = (userId: string, grants: Principal["grants"]): Principal => ({
  userId,
  displayName: "",
  grants,
  via: "session",
  twoFactor: true,
});

export const demoStandardsSeed: Seed = {
  name: "demo-standards",
  description: "Demo accreditation: a body, two standards, three accredited providers and one expired",
  demo: true,
  async run({ ctx }) {
    const now = ctx.clock.now();
    const m0 = `${londonToday(ctx.clock).slice(0, 8)}01`;
    const monthOf = (back: number) => addMonths(m0, -back);
    const at = (day: string): Clock => {
      const moment = new Date(`${day}T09:00:00Z`);
      return fixedClock(moment < now ? moment : new Date(now.getTime() - 1000));
    };
    const acting = (principal: Principal, clock: Clock): Ctx => ({ ...ctx, clock, principal });
    const pat = person(PAT_MORGAN, [
      { role: "platform-admin", scopeType: "platform", scopeId: "00000000-0000-0000-0000-000000000000" },
    ]);
    const dws = DEMO_AUTHORITY.department;
    const dev = person(DEV_MALHOTRA, [{ role: "commissioner", scopeType: "authority", scopeId: dws }]);
    const start = monthOf(14);
    await registerBody(
      acting(pat, at(start)),
      {
        publicBodyId: dws,
        about:
          "The department's standards for the employment and rehabilitation services it commissions, on the model of NICE: published openly, with guidance, and providers accredited against them.",
        website: "https://dws.example.gov.uk/standards",
      },
      { id: DEMO_STANDARDS.body },
    );
    const asDev = acting(dev, at(start));
    await publishStandard(
      asDev,
      DEMO_STANDARDS.body,
      {
        title: "Employment Support Quality Standard",
        serviceCategory: "employment-support",
        criteria:
          "1. Each participant has a named adviser and an action plan agreed within 10 working days.\n2. Job outcomes are evidenced by the employer or by tax records.\n3. The provider publishes its referral, start and outcome figures each quarter.",
        guidanceUrl: "https://dws.example.gov.uk/standards/employment-support/guidance",
        effectiveOn: start,
      },
      { id: DEMO_STANDARDS.employmentSupport },
    );
    await publishStandard(
      asDev,
      DEMO_STANDARDS.body,
      {
        title: "Rehabilitation Services Standard",
        serviceCategory: "probation",
        criteria:
          "1. Every person supported has a risk and needs assessment reviewed at least every 3 months.\n2. Staff working with people on licence hold the relevant qualification.\n3. Reoffending is measured against a comparison group.",
        effectiveOn: start,
      },
      { id: DEMO_STANDARDS.rehabilitation },
    );
    await accredit(
      asDev,
      DEMO_STANDARDS.employmentSupport,
      { organisationId: WESTMILL, expiresOn: addDays(monthOf(1), -1) },
      { id: DEMO_STANDARDS.westmillExpired },
    );
    const later = acting(dev, at(monthOf(2)));
    await publishVersion(later, DEMO_STANDARDS.employmentSupport, {
      criteria:
        "1. Each participant has a named adviser and an action plan agreed within 10 working days.\n2. Job outcomes are evidenced by the employer or by tax records.\n3. The provider publishes its referral, start and outcome figures each quarter.\n4. Participants' feedback is gathered at each review and published with the figures.",
      guidanceUrl: "https://dws.example.gov.uk/standards/employment-support/guidance",
      effectiveOn: monthOf(2),
    });
    await accredit(
      later,
      DEMO_STANDARDS.employmentSupport,
      { organisationId: NATIONWIDE, expiresOn: addDays(addMonths(m0, 23), -1) },
      { id: DEMO_STANDARDS.nationwide },
    );
    await accredit(
      later,
      DEMO_STANDARDS.employmentSupport,
      { organisationId: SECOND_CHANCE, expiresOn: addDays(addMonths(m0, 23), -1) },
      { id: DEMO_STANDARDS.secondChance },
    );
    await accredit(
      later,
      DEMO_STANDARDS.rehabilitation,
      { organisationId: SECOND_CHANCE, expiresOn: addDays(addMonths(m0, 11), -1) },
      { id: DEMO_STANDARDS.secondChanceRehabilitation },
    );
  },
};
