/**
 * Demo complaints (issue 18), one for each state a visitor should be able to see, in every regime
 * and at each of the ombudsmen's stages, made and answered through the services as the people
 * would, each step on a clock set to its day.
 * The days are counted back from the day the demo is seeded (as the challenges and compliance seeds
 * write their history), so every complaint stands where this says on that day, whatever day it is:
 * the margins are wider than any run of weekends and bank holidays. Seeded on DEMO_SEEDED_AT
 * (22 November 2026, as the tests do), the first four keep the days they have always had.
 *
 * Joan (the demo citizen) and Siân Rees (the demo representative):
 * - NHS and adult social care: Joan about Greenway Home Care's late visits; acknowledged by the
 *   provider, its response due within 6 months.
 * - Other council services: Joan about Westshire's missed bin collections; answered (partly
 *   upheld); she may accept it or ask for stage 2.
 * - Social housing: Siân about a repair by Millbrook District Council as her landlord; stage 1
 *   answered, stage 2 asked for and not acknowledged in its 5 working days: overdue.
 * - Children's social care: Siân about Westshire's children's services; stage 1 waiting.
 * Three more demo complainants with accounts (Derek Holt, Amira Khan, Bill Turner), and one without
 * (Kath Morris):
 * - received, waiting to be acknowledged (Derek about Westshire Mind);
 * - the response period agreed longer with the complainant (Amira about Westshire's adult social
 *   care), and a housing stage 1 extended by 10 working days with its reason (Amira, Millbrook);
 * - the NHS and adult social care's 6 months passed unanswered: an explanation owed (Bill about
 *   Westshire Mind);
 * - an answer overdue (Derek about Westshire's highways);
 * - answered and accepted (Bill about Millbrook's parking permits);
 * - late complaints: one considered anyway (waived), one declined (Derek, Amira about Westshire);
 * - children's social care at stage 2, and at stage 3 waiting for the review panel (Bill, Amira);
 * - made without an account and sent by its emailed link (Kath Morris about Millbrook).
 * The second tier, a case at each status across the three ombudsmen: the LGSCO assessing one
 * (Westshire Mind), having declined one (Westshire) and with a draft decision both sides commented on
 * (Westshire Mind); the PHSO investigating the integrated care board, which never answered in its 6
 * months; the Housing Ombudsman with a decision of maladministration whose four remedies are
 * confirmed, reported, overdue and due (Millbrook), and a case closed once its remedy was confirmed,
 * both decisions published without names.
 * Commissioning: Westshire Community Health's administrator (Olu Adeyemi) about Westshire's night-time
 * home care tender it registered interest in, answered by Westshire's complaints officer, then taken
 * to the independent adjudicator for home care, which is investigating it. And a consumer champion
 * complaining for a person: Westshire Healthwatch's Chloe Brooks for Joan, who appointed it with
 * `complain`, about Westshire's adult social care; received today.
 * Greenway keeps only Joan's complaint, and the remedies are Millbrook's, so that other tests' counts
 * of Greenway's are left alone; Westshire answers eleven, its counts by regime each fewer than 10.
 * People made here: the three complainants, Sam Reid (Westshire Mind's administrator) and two more
 * complaints officers (Rashid Mir at Westshire, Ellen Shaw at Millbrook) for the later stages, which
 * someone who considered the stage before may not answer.
 * Fictional people and text; the complainants' words stay in the complaint tables.
 */
import { randomBytes } from "node:crypto";
import type { Trx } from "../../db/database.ts";
import { type Clock, fixedClock } from "../../lib/clock.ts";
import { addDays, addMonths, londonToday } from "../../lib/london-time.ts";
import { accountSecretsFromKey } from "../../lib/secrets.ts";
import { addWorkingDays } from "../../lib/working-days.ts";
import { grantRole, type Principal } from "../../modules/access/access.service.ts";
import type { Ctx } from "../../modules/access/context.ts";
import { createAccount, hashPassword, userById } from "../../modules/accounts/accounts.service.ts";
import { SYSTEM } from "../../modules/audit/audit.service.ts";
import { peopleActedFor } from "../../modules/care/care.service.ts";
import {
  assessCase,
  assignInvestigator,
  commentOnDraft,
  decideCase,
  draftDecision,
  escalateComplaint,
} from "../../modules/redress/ombudsman.service.ts";
import {
  acceptResponse,
  acknowledgeComplaint,
  askNextStage,
  type ComplaintDraft,
  type ComplaintView,
  confirmComplaint,
  decideLate,
  extendComplaint,
  makeCommissioningComplaint,
  makeComplaint,
  respondToComplaint,
  startComplaintWithoutAccount,
} from "../../modules/redress/redress.service.ts";
import { confirmRemedy, reportCompliance } from "../../modules/redress/remedies.service.ts";
import type { Seed } from "../seed.ts";
import { DEMO_AUTHORITY } from "./authorities.ts";
import { DEMO_REPRESENTATIVE } from "./care.ts";
import { DEMO_TENDER } from "./tenders.ts";
import { DEMO_ORGANISATION, DEMO_PASSWORD, DEMO_PROVIDER_GREENWAY, DEMO_USERS } from "./users.ts";

const userOf = (role: string, scopeId?: string) =>
  DEMO_USERS.find((u) => u.role === role && (scopeId === undefined || u.scopeId === scopeId))?.id as string;

const as = (userId: string, grants: Principal["grants"] = []): Principal => ({
  userId,
  displayName: "",
  grants,
  via: "session",
  twoFactor: true,
});

/** The demo's complainants and officers made here (fixed ids; they sign in with the demo password). */
export const DEMO_REDRESS_PEOPLE = {
  derek: {
    id: "019a0000-0000-7000-8000-00000000c201",
    name: "Derek Holt",
    email: "derek.holt@demo.openps.example",
  },
  amira: {
    id: "019a0000-0000-7000-8000-00000000c202",
    name: "Amira Khan",
    email: "amira.khan@demo.openps.example",
  },
  bill: {
    id: "019a0000-0000-7000-8000-00000000c203",
    name: "Bill Turner",
    email: "bill.turner@demo.openps.example",
  },
  /** A second complaints officer at Westshire County Council, for the later stages. */
  rashid: {
    id: "019a0000-0000-7000-8000-00000000c204",
    name: "Rashid Mir",
    email: "complaints-officer-2@demo.openps.example",
  },
  /** The administrator of Westshire Mind, a provider of mental health support, who answers its complaints. */
  sam: {
    id: "019a0000-0000-7000-8000-00000000c206",
    name: "Sam Reid",
    email: "westshire-mind@demo.openps.example",
  },
  /** A second complaints officer at Millbrook District Council, for stage 2. */
  ellen: {
    id: "019a0000-0000-7000-8000-00000000c205",
    name: "Ellen Shaw",
    email: "complaints-officer-millbrook-2@demo.openps.example",
  },
} as const;

/** Westshire Mind (a demo organisation): the provider of the demo's other complaints about care. */
export const DEMO_PROVIDER_MIND = "019a0000-0000-7000-8000-00000000b025";

/** The complainant without an account: only the complaint holds her name and address. */
const KATH = { name: "Kath Morris", email: "kath.morris@demo.openps.example" };

async function makePeople(trx: Trx, clock: Clock): Promise<void> {
  const actor = SYSTEM("seed");
  // The demo password's hash, as the demo users have it (hashing again costs a tenth of a second).
  const demoUser = await userById(trx, DEMO_USERS[0]?.id ?? "");
  const passwordHash = demoUser?.password_hash ?? (await hashPassword(DEMO_PASSWORD));
  const officers: Record<string, string> = {
    rashid: DEMO_AUTHORITY.county,
    ellen: DEMO_AUTHORITY.district,
  };
  const providers: Record<string, string> = { sam: DEMO_PROVIDER_MIND };
  for (const [key, person] of Object.entries(DEMO_REDRESS_PEOPLE)) {
    await createAccount(trx, clock, actor, {
      id: person.id,
      email: person.email,
      displayName: person.name,
      passwordHash,
      verified: true,
    });
    const officerOf = officers[key];
    const providerOf = providers[key];
    await grantRole(trx, clock, actor, {
      userId: person.id,
      ...(officerOf
        ? { role: "complaints-officer", scopeId: officerOf }
        : providerOf
          ? { role: "organisation-admin", scopeId: providerOf }
          : { role: "citizen" }),
    });
  }
}

export const demoRedressSeed: Seed = {
  name: "demo-redress",
  description: "Demo complaints: every regime, at every stage a visitor should see",
  demo: true,
  async run({ trx, ctx }) {
    /** The seed's day, and a context acting `days` before it (10:00 UTC: the same day in London). */
    const today = londonToday(ctx.clock);
    const dayOf = (days: number) => addDays(today, -days);
    const ago = (days: number, principal: Principal | null): Ctx => ({
      ...ctx,
      clock: fixedClock(new Date(`${dayOf(days)}T10:00:00Z`)) as Clock,
      principal,
    });
    const county = DEMO_AUTHORITY.county;
    const district = DEMO_AUTHORITY.district;
    await makePeople(trx, ago(210, as(userOf("platform-admin"))).clock);
    const joan = as(userOf("citizen"));
    const sian = as(DEMO_REPRESENTATIVE.id);
    const derek = as(DEMO_REDRESS_PEOPLE.derek.id);
    const amira = as(DEMO_REDRESS_PEOPLE.amira.id);
    const bill = as(DEMO_REDRESS_PEOPLE.bill.id);
    const greenway = as(userOf("organisation-admin", DEMO_PROVIDER_GREENWAY), [
      { role: "organisation-admin", scopeType: "organisation", scopeId: DEMO_PROVIDER_GREENWAY },
    ]);
    const mind = as(DEMO_REDRESS_PEOPLE.sam.id, [
      { role: "organisation-admin", scopeType: "organisation", scopeId: DEMO_PROVIDER_MIND },
    ]);
    const officer = (userId: string, authorityId: string) =>
      as(userId, [{ role: "complaints-officer", scopeType: "authority", scopeId: authorityId }]);
    const countyOfficer = officer(userOf("complaints-officer", county), county);
    const countyOfficer2 = officer(DEMO_REDRESS_PEOPLE.rashid.id, county);
    const districtOfficer = officer(userOf("complaints-officer", district), district);
    const self = { actingAs: "self", consent: true } satisfies Partial<ComplaintDraft>;
    const aboutProvider = (organisationId: string) =>
      ({
        ...self,
        about: "organisation",
        organisationId,
        authorityId: county,
        regime: "nhs-adult-social-care",
      }) satisfies Partial<ComplaintDraft>;
    const aboutGreenway = aboutProvider(DEMO_PROVIDER_GREENWAY);
    const aboutMind = aboutProvider(DEMO_PROVIDER_MIND);
    const aboutCouncil = (authorityId: string, regime: string) =>
      ({ ...self, about: "authority", authorityId, regime }) satisfies Partial<ComplaintDraft>;
    const respond = (days: number, who: Principal, c: ComplaintView, response: string, finding = "upheld") =>
      respondToComplaint(ago(days, who), c.authority_id, c.id, { finding, response });
    /** The answer's deadline of the complaint's current stage, moved by `workingDays` more. */
    const later = (c: ComplaintView, workingDays: number) =>
      addWorkingDays(c.current.answer_due_on ?? today, workingDays, c.nation);

    // Joan's and Siân's, as the demo has always had them.
    const care = await makeComplaint(ago(6, joan), {
      ...aboutGreenway,
      whatHappened:
        "My morning visits came more than two hours late three times in the first week of November, so I missed my breakfast and my tablets.",
      happenedOn: dayOf(16),
      outcomeWanted: "Visits at the agreed time, and a call when a carer is running late.",
    });
    await acknowledgeComplaint(ago(4, greenway), care.authority_id, care.id);

    const bins = await makeComplaint(ago(20, joan), {
      ...aboutCouncil(county, "council"),
      whatHappened: "The assisted bin collection at my address was missed four weeks running in October.",
      happenedOn: dayOf(27),
      knewOn: dayOf(26),
      outcomeWanted: "Collections restored, and the assisted collection kept on the crew's list.",
    });
    await acknowledgeComplaint(ago(18, countyOfficer), county, bins.id);
    await respondToComplaint(ago(9, countyOfficer), county, bins.id, {
      finding: "partly-upheld",
      response:
        "The assisted collection dropped off the new round's list in October. It is back on the list, and the crew has been briefed. Two of the four weeks were missed because of the vehicle breakdown we announced.",
      remedy: "An apology, and a check of every assisted collection on the new rounds.",
    });

    const repair = await makeComplaint(ago(41, sian), {
      ...aboutCouncil(district, "housing"),
      whatHappened:
        "The damp in the back bedroom of my flat was reported in August and no one has come to repair it.",
      happenedOn: dayOf(94),
      outcomeWanted: "The damp treated, and the bedroom redecorated.",
    });
    await acknowledgeComplaint(ago(39, districtOfficer), district, repair.id);
    await respondToComplaint(ago(26, districtOfficer), district, repair.id, {
      finding: "upheld",
      response:
        "The repair was not booked after the survey. A contractor will treat the damp within four weeks.",
      remedy: "An apology and £150 for the time the room could not be used.",
    });
    await askNextStage(ago(19, sian), { authorityId: district, complaintId: repair.id });

    await makeComplaint(ago(3, sian), {
      ...aboutCouncil(county, "children-social-care"),
      whatHappened:
        "My nephew's review meeting was cancelled twice without notice, and no new date has been given.",
      happenedOn: dayOf(10),
      outcomeWanted: "A date for the review, and notice when a meeting has to move.",
    });

    // Received yesterday: waiting for Westshire Mind's acknowledgement (3 working days).
    await makeComplaint(ago(1, derek), {
      ...aboutMind,
      whatHappened: "The support worker who visits my brother left the front door unlocked twice this week.",
      happenedOn: dayOf(4),
      outcomeWanted: "The door checked and locked at every visit, and an apology.",
    });

    // NHS and adult social care: the response period agreed longer with the complainant, before it ended.
    const agreed = await makeComplaint(ago(160, amira), {
      ...aboutCouncil(county, "nhs-adult-social-care"),
      whatHappened:
        "My father's care needs assessment took five months, and the care it found he needed has still not started.",
      happenedOn: dayOf(175),
      outcomeWanted: "The care in place, and the assessment's delays explained.",
    });
    const agreedAcked = await acknowledgeComplaint(ago(158, countyOfficer), county, agreed.id);
    await extendComplaint(ago(5, countyOfficer), county, agreed.id, {
      toOn: addMonths(agreedAcked.current.answer_due_on ?? today, 2),
      reason:
        "The care provider's records of the visits are needed for the response; they have been asked for.",
      agreedOn: dayOf(6),
    });

    // NHS and adult social care: the 6 months passed without a response, so an explanation is owed.
    const owed = await makeComplaint(ago(200, bill), {
      ...aboutMind,
      whatHappened: "My wife's support workers were changed every week for two months without telling us.",
      happenedOn: dayOf(210),
      outcomeWanted: "The same small team of support workers, and notice of any change.",
    });
    await acknowledgeComplaint(ago(199, mind), owed.authority_id, owed.id);

    // Other council services: acknowledged, then not answered within its 10 working days.
    const overdue = await makeComplaint(ago(30, derek), {
      ...aboutCouncil(county, "council"),
      whatHappened:
        "The pothole outside the school on Station Road was reported three times and has damaged two cars.",
      happenedOn: dayOf(40),
      outcomeWanted: "The pothole repaired, and the claim for my tyre paid.",
    });
    await acknowledgeComplaint(ago(29, countyOfficer), county, overdue.id);

    // Social housing, stage 1: the answer extended by 10 working days, with the reason the resident is told.
    const extended = await makeComplaint(ago(16, amira), {
      ...aboutCouncil(district, "housing"),
      whatHappened:
        "The communal heating in my block failed twice in October and took a week to fix each time.",
      happenedOn: dayOf(30),
      outcomeWanted: "The boiler replaced, and a rent refund for the days without heating.",
    });
    const acked = await acknowledgeComplaint(ago(15, districtOfficer), district, extended.id);
    await extendComplaint(ago(5, districtOfficer), district, extended.id, {
      toOn: later(acked, 10),
      reason: "The heating engineer's report on the boiler is due next week, and the answer depends on it.",
    });

    // Other council services: answered and accepted.
    const accepted = await makeComplaint(ago(45, bill), {
      ...aboutCouncil(district, "council"),
      whatHappened: "My resident's parking permit was renewed for the wrong street.",
      happenedOn: dayOf(50),
      outcomeWanted: "A permit for my own street, and the fine it caused cancelled.",
    });
    await acknowledgeComplaint(ago(44, districtOfficer), district, accepted.id);
    await respondToComplaint(ago(35, districtOfficer), district, accepted.id, {
      finding: "upheld",
      response:
        "The permit was issued for the wrong street by mistake. A new one is enclosed and the fine is cancelled.",
      remedy: "An apology, the right permit and the fine cancelled.",
    });
    await acceptResponse(ago(33, bill), { authorityId: district, complaintId: accepted.id });

    // Late complaints (more than 12 months after): one considered anyway, one declined.
    const waived = await makeComplaint(ago(12, derek), {
      ...aboutCouncil(county, "council"),
      whatHappened:
        "The council's contractor damaged my garden wall while cutting the verge, and no one answered my letters.",
      happenedOn: dayOf(430),
      outcomeWanted: "The wall repaired.",
    });
    await decideLate(ago(10, countyOfficer), county, waived.id, {
      decision: "waived",
      reason:
        "Mr Holt wrote to us at the time; the letters were not logged, so we will consider the complaint.",
    });
    await acknowledgeComplaint(ago(10, countyOfficer), county, waived.id);
    const declined = await makeComplaint(ago(14, amira), {
      ...aboutCouncil(county, "council"),
      whatHappened: "A library fine from two years ago was sent to a debt collector.",
      happenedOn: dayOf(500),
      outcomeWanted: "The fine cancelled.",
    });
    await decideLate(ago(11, countyOfficer), county, declined.id, {
      decision: "declined",
      reason:
        "The fine was settled in full at the time and nothing has happened since that could not have been raised then.",
    });

    // Children's social care at stage 2: stage 1 answered, stage 2 asked for within its 20 working days.
    const stage2 = await makeComplaint(ago(50, bill), {
      ...aboutCouncil(county, "children-social-care"),
      whatHappened: "My granddaughter's contact visits with us were stopped without a meeting or a reason.",
      happenedOn: dayOf(55),
      outcomeWanted: "The visits restored, or a written reason and a meeting.",
    });
    await respond(
      40,
      countyOfficer,
      stage2,
      "The visits were paused after a concern that has since been looked into. We will meet you to plan them again.",
      "partly-upheld",
    );
    await askNextStage(ago(25, bill), { authorityId: county, complaintId: stage2.id });

    // Children's social care at stage 3: the review panel asked for, to meet within 30 working days.
    const stage3 = await makeComplaint(ago(75, amira), {
      ...aboutCouncil(county, "children-social-care"),
      whatHappened:
        "My son's move to a new foster home was made without asking him, and his school was changed mid-term.",
      happenedOn: dayOf(80),
      outcomeWanted: "My son's wishes heard, and his school place kept.",
    });
    await respond(
      65,
      countyOfficer,
      stage3,
      "The move was urgent; we accept your son was not asked and have reminded the team.",
      "partly-upheld",
    );
    await askNextStage(ago(60, amira), { authorityId: county, complaintId: stage3.id });
    await respond(
      25,
      countyOfficer2,
      stage3,
      "The independent investigation found the school move could have waited until the end of term.",
      "partly-upheld",
    );
    await askNextStage(ago(10, amira), { authorityId: county, complaintId: stage3.id });

    // Made without an account, and sent by following the emailed link (verified): with Millbrook.
    let link = "";
    const key = accountSecretsFromKey(randomBytes(32));
    const secrets = {
      ...key,
      // The seed follows the link itself; the key is thrown away, so no one else can.
      hmac(purpose: string, value: string) {
        const made = key.hmac(purpose, value);
        if (purpose === "complaint-link") link = made;
        return made;
      },
    };
    const kathOn = ago(2, null);
    await startComplaintWithoutAccount(
      { ...kathOn, secrets, origin: { address: "192.0.2.1" } },
      {
        ...aboutCouncil(district, "council"),
        name: KATH.name,
        email: KATH.email,
        whatHappened:
          "The bulky waste collection I paid for did not come, and the sofa is still on my drive.",
        happenedOn: dayOf(6),
        outcomeWanted: "The sofa collected this week, or my money back.",
      },
    );
    await confirmComplaint(kathOn, link);

    // The second tier: complaints escalated to the three ombudsmen, a case at each status.
    const ombudsmen = {
      lgsco: DEMO_AUTHORITY.ombudsman,
      phso: DEMO_AUTHORITY.phso,
      housing: DEMO_AUTHORITY.housingOmbudsman,
    };
    const staff = (authorityId: string) =>
      as(userOf("ombudsman-staff", authorityId), [
        { role: "ombudsman-staff", scopeType: "ombudsman", scopeId: authorityId },
      ]);
    const omar = staff(ombudsmen.lgsco);
    const priya = staff(ombudsmen.phso);
    const huw = staff(ombudsmen.housing);
    const districtOfficer2 = officer(DEMO_REDRESS_PEOPLE.ellen.id, district);
    const keyOf = (c: ComplaintView) => ({ authorityId: c.authority_id, complaintId: c.id });
    const escalate = (days: number, who: Principal, c: ComplaintView, publicationConsent = false) =>
      escalateComplaint(ago(days, who), keyOf(c), { fileConsent: true, publicationConsent });
    type CaseKey = { authority_id: string; id: string };
    const accept = (days: number, who: Principal, k: CaseKey) =>
      assessCase(ago(days, who), k.authority_id, k.id, { decision: "accept" });
    const draft = (days: number, who: Principal, k: CaseKey, text: string) =>
      draftDecision(ago(days, who), k.authority_id, k.id, {
        draft: text,
        commentsCloseOn: addWorkingDays(dayOf(days), 10, "england-and-wales"),
      });
    const remedyOf = (k: CaseKey, seq: number) => ({ authorityId: k.authority_id, caseId: k.id, seq });
    /** A complaint about Westshire Mind (NHS and adult social care), acknowledged and answered by Sam. */
    const answeredByMind = async (
      who: Principal,
      days: { made: number; answered: number },
      text: { whatHappened: string; outcomeWanted: string; response: string },
    ) => {
      const c = await makeComplaint(ago(days.made, who), {
        ...aboutMind,
        whatHappened: text.whatHappened,
        happenedOn: dayOf(days.made + 10),
        outcomeWanted: text.outcomeWanted,
      });
      await acknowledgeComplaint(ago(days.made - 1, mind), c.authority_id, c.id);
      return respondToComplaint(ago(days.answered, mind), c.authority_id, c.id, {
        finding: "not-upheld",
        response: text.response,
      });
    };
    /** A housing complaint to Millbrook through both stages: Tom at stage 1, Ellen at stage 2. */
    const bothStagesAtMillbrook = async (
      who: Principal,
      made: number,
      text: { whatHappened: string; outcomeWanted: string; stage1: string; stage2: string },
    ) => {
      const c = await makeComplaint(ago(made, who), {
        ...aboutCouncil(district, "housing"),
        whatHappened: text.whatHappened,
        happenedOn: dayOf(made + 20),
        outcomeWanted: text.outcomeWanted,
      });
      await acknowledgeComplaint(ago(made - 1, districtOfficer), district, c.id);
      await respond(made - 10, districtOfficer, c, text.stage1, "not-upheld");
      await askNextStage(ago(made - 15, who), keyOf(c));
      await acknowledgeComplaint(ago(made - 16, districtOfficer2), district, c.id);
      return respond(made - 30, districtOfficer2, c, text.stage2, "not-upheld");
    };

    // The LGSCO, assessment: escalated three days ago.
    const assessing = await answeredByMind(
      derek,
      { made: 40, answered: 30 },
      {
        whatHappened: "My brother's support worker did not remind him of his medication, as his plan says.",
        outcomeWanted: "The reminders given, and the support plan followed.",
        response: "The support plan did not list the reminders; the worker followed the plan.",
      },
    );
    await escalate(3, derek, assessing);

    // The LGSCO, declined with its reason.
    const charges = await makeComplaint(ago(70, amira), {
      ...aboutCouncil(county, "nhs-adult-social-care"),
      whatHappened: "The council's charge for my day centre place went up without notice.",
      happenedOn: dayOf(80),
      outcomeWanted: "The old charge until I was told.",
    });
    await acknowledgeComplaint(ago(69, countyOfficer), county, charges.id);
    await respond(
      50,
      countyOfficer,
      charges,
      "The new charges were published in the council's budget and a letter went to every household in March.",
      "not-upheld",
    );
    const chargesCase = await escalate(45, amira, charges);
    await assessCase(ago(30, omar), chargesCase.authority_id, chargesCase.id, {
      decision: "decline",
      reason:
        "The council consulted on and published the new charges, and told Ms Khan in writing; we could not achieve anything more for her.",
    });

    // The LGSCO, a draft decision both sides have commented on; comments still open.
    const rota = await answeredByMind(
      bill,
      { made: 90, answered: 75 },
      {
        whatHappened: "For six weeks no one came to my Sunday evening support session, and no one told me.",
        outcomeWanted: "The Sunday sessions every week, and an apology.",
        response: "Sunday sessions were covered by volunteers; we do not accept that any were missed.",
      },
    );
    const rotaCase = await escalate(70, bill, rota, true);
    await accept(55, omar, rotaCase);
    await draft(
      5,
      omar,
      rotaCase,
      "Our draft finding is fault causing injustice: the rota shows no Sunday evening sessions for six weeks. We intend to ask Westshire Mind to apologise and pay £300.",
    );
    await commentOnDraft(ago(3, bill), keyOf(rota), {
      comment: "I agree with the draft; the Sundays alone were the worst of it.",
    });
    await commentOnDraft(ago(2, mind), keyOf(rota), {
      comment: "The volunteers' own records are attached to our file; we accept the finding.",
    });

    // The PHSO, investigation: the integrated care board never answered, and its 6 months passed.
    const funding = await makeComplaint(ago(215, bill), {
      ...aboutCouncil(DEMO_AUTHORITY.nhs, "nhs-adult-social-care"),
      whatHappened: "My continuing healthcare funding was stopped without a review meeting.",
      happenedOn: dayOf(225),
      outcomeWanted: "The funding restored until a proper review.",
    });
    const fundingCase = await escalate(20, bill, funding, true);
    await accept(12, priya, fundingCase);
    await assignInvestigator(ago(12, priya), fundingCase.authority_id, fundingCase.id, {
      investigatorId: priya.userId,
    });

    // The Housing Ombudsman, decided: maladministration, four remedies — confirmed, reported, overdue, due.
    const mould = await bothStagesAtMillbrook(amira, 160, {
      whatHappened: "Black mould came back in my son's bedroom three times after being painted over.",
      outcomeWanted: "The cause of the damp found and fixed, and my son's bedding replaced.",
      stage1: "The mould was treated each time it was reported.",
      stage2: "Stage 2 confirms the treatment was appropriate.",
    });
    const mouldCase = await escalate(125, amira, mould, true);
    await accept(110, huw, mouldCase);
    await draft(
      70,
      huw,
      mouldCase,
      "Our draft finding is maladministration: the landlord treated the mould three times without looking for its cause.",
    );
    await commentOnDraft(ago(65, amira), keyOf(mould), {
      comment: "The bedding and my son's clothes were ruined too.",
    });
    await commentOnDraft(ago(62, districtOfficer), keyOf(mould), {
      comment: "We accept the finding; a survey of the block can be booked.",
    });
    await decideCase(ago(45, huw), mouldCase.authority_id, mouldCase.id, {
      finding: "maladministration",
      decision:
        "Millbrook District Council, as landlord, treated black mould in a child's bedroom three times without finding its cause.",
      remedies: [
        { kind: "apology", description: "A written apology to Ms Khan.", dueOn: dayOf(30) },
        {
          kind: "payment",
          description: "£400 for the distress, and the bedding and clothes ruined.",
          amount: "£400.00",
          dueOn: dayOf(-10),
        },
        { kind: "action", description: "A survey of the damp in the whole block.", dueOn: dayOf(10) },
        {
          kind: "service-improvement",
          description: "A check for the cause at every second report of damp or mould.",
          dueOn: dayOf(-60),
        },
      ],
      publication: "publish",
      publishedSummary:
        "A council landlord painted over black mould in a child's bedroom three times without finding its cause. We found maladministration and ordered an apology, £400, a survey of the block and a change to how it handles damp.",
    });
    await reportCompliance(ago(35, districtOfficer), remedyOf(mouldCase, 1), {
      evidence: "The letter of apology, sent by post and email.",
      doneOn: dayOf(36),
    });
    await confirmRemedy(ago(33, huw), remedyOf(mouldCase, 1));
    await reportCompliance(ago(4, districtOfficer), remedyOf(mouldCase, 2), {
      evidence: "The bank transfer's confirmation.",
      doneOn: dayOf(4),
      paid: "£400.00",
    });

    // The Housing Ombudsman, closed: its one remedy confirmed; the decision published without names.
    const leak = await bothStagesAtMillbrook(derek, 180, {
      whatHappened:
        "A leak from the flat above came through my kitchen ceiling for a month before anyone came.",
      outcomeWanted: "The leak fixed and the ceiling repaired.",
      stage1: "The leak was fixed when the contractor could get into the flat above.",
      stage2: "Stage 2 finds the repair was done as soon as access was given.",
    });
    const leakCase = await escalate(140, derek, leak, true);
    await accept(125, huw, leakCase);
    await draft(
      95,
      huw,
      leakCase,
      "Our draft finding is service failure: no one chased access to the flat above.",
    );
    await decideCase(ago(68, huw), leakCase.authority_id, leakCase.id, {
      finding: "service-failure",
      decision: "The landlord waited a month for access to the flat above without chasing it.",
      remedies: [{ kind: "apology", description: "A written apology.", dueOn: dayOf(50) }],
      publication: "publish",
      publishedSummary:
        "A council landlord took a month to stop a leak into a tenant's kitchen because no one chased access to the flat above. We found service failure; the landlord apologised.",
    });
    await reportCompliance(ago(60, districtOfficer), remedyOf(leakCase, 1), {
      evidence: "The letter of apology.",
      doneOn: dayOf(61),
    });
    await confirmRemedy(ago(58, huw), remedyOf(leakCase, 1));

    // Commissioning: a provider's administrator about a tender it registered interest in, answered by
    // Westshire, then taken to the independent adjudicator for home care, which investigates it.
    const olu = as(userOf("organisation-admin", DEMO_ORGANISATION), [
      { role: "organisation-admin", scopeType: "organisation", scopeId: DEMO_ORGANISATION },
    ]);
    const tender = await makeCommissioningComplaint(ago(35, olu), DEMO_ORGANISATION, {
      subject: `tender:${county}:${DEMO_TENDER.opened}`,
      whatHappened:
        "The night-time home care tender asked for a 30-minute response to calls across the whole county, which only a provider with a base in each town could meet; it was not in the notice of the market engagement, and our questions about it were not answered before the deadline.",
      happenedOn: dayOf(40),
      outcomeWanted: "The response time explained, and set by area in the next tender.",
      consent: true,
    });
    await acknowledgeComplaint(ago(34, countyOfficer), county, tender.id);
    await respond(
      26,
      countyOfficer,
      tender,
      "The response time follows the service's safety review and was in the published specification; the questions came after the clarification deadline.",
      "not-upheld",
    );
    const marcus = staff(DEMO_AUTHORITY.adjudicator);
    const tenderCase = await escalate(12, olu, tender);
    await accept(4, marcus, tenderCase);
    await assignInvestigator(ago(4, marcus), tenderCase.authority_id, tenderCase.id, {
      investigatorId: marcus.userId,
    });

    // A consumer champion's people, for a person who appointed it with `complain`: Westshire
    // Healthwatch for Joan, about Westshire's adult social care. Today (the appointment is today's).
    const chloe = as(userOf("consumer-champion", DEMO_AUTHORITY.champion), [
      { role: "consumer-champion", scopeType: "champion", scopeId: DEMO_AUTHORITY.champion },
    ]);
    const joanPerson = (await peopleActedFor({ ...ctx, principal: joan })).find((p) => p.how === "self");
    if (joanPerson)
      await makeComplaint(
        { ...ctx, principal: chloe },
        {
          ...aboutCouncil(county, "nhs-adult-social-care"),
          actingAs: "person",
          personId: joanPerson.personId,
          whatHappened:
            "At Mrs Whitfield's plan review no one told her that a direct payment would let her choose another home care provider, though her visits have been late for months.",
          happenedOn: dayOf(20),
          outcomeWanted: "Her choices under her personal budget explained to her in writing.",
        },
      );
  },
};
