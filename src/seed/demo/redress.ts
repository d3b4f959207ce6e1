/**
 * Demo complaints (issue 18, first tier), one per regime at different stages, made and answered
 * through the services as the people would, each step on a clock set to its day:
 * - NHS and adult social care: Joan (the demo citizen) about Greenway Home Care's late visits,
 *   answered by the provider; acknowledged, its response due within 6 months.
 * - Other council services: Joan about Westshire's missed bin collections; acknowledged and
 *   answered (partly upheld) by its complaints officer; she may accept it or ask for stage 2.
 * - Social housing: Siân Rees about a repair by Millbrook District Council as her landlord; stage 1
 *   answered, stage 2 asked for and not yet acknowledged (overdue on Millbrook's work).
 * - Children's social care: Siân about Westshire's children's services; stage 1 waiting.
 * Fictional people and text; the complainants' words stay in the complaint tables.
 */
import { type Clock, fixedClock } from "../../lib/clock.ts";
import type { Principal } from "../../modules/access/access.service.ts";
import type { Ctx } from "../../modules/access/context.ts";
import {
  acknowledgeComplaint,
  askNextStage,
  type ComplaintDraft,
  makeComplaint,
  respondToComplaint,
} from "../../modules/redress/redress.service.ts";
import type { Seed } from "../seed.ts";
import { DEMO_AUTHORITY } from "./authorities.ts";
import { DEMO_REPRESENTATIVE } from "./care.ts";
import { DEMO_PROVIDER_GREENWAY, DEMO_USERS } from "./users.ts";

const userOf = (role: string, scopeId?: string) =>
  DEMO_USERS.find((u) => u.role === role && (scopeId === undefined || u.scopeId === scopeId))?.id as string;

const as = (userId: string, grants: Principal["grants"] = []): Principal => ({
  userId,
  displayName: "",
  grants,
  via: "session",
  twoFactor: true,
});

export const demoRedressSeed: Seed = {
  name: "demo-redress",
  description: "Demo complaints: one per regime, at different stages",
  demo: true,
  async run({ ctx }) {
    const on = (day: string, principal: Principal): Ctx => ({
      ...ctx,
      clock: fixedClock(new Date(`${day}T10:00:00Z`)) as Clock,
      principal,
    });
    const county = DEMO_AUTHORITY.county;
    const district = DEMO_AUTHORITY.district;
    const joan = as(userOf("citizen"));
    const sian = as(DEMO_REPRESENTATIVE.id);
    const greenway = as(userOf("organisation-admin", DEMO_PROVIDER_GREENWAY), [
      { role: "organisation-admin", scopeType: "organisation", scopeId: DEMO_PROVIDER_GREENWAY },
    ]);
    const countyOfficer = as(userOf("complaints-officer", county), [
      { role: "complaints-officer", scopeType: "authority", scopeId: county },
    ]);
    const districtOfficer = as(userOf("complaints-officer", district), [
      { role: "complaints-officer", scopeType: "authority", scopeId: district },
    ]);
    const self = { actingAs: "self", consent: true } satisfies Partial<ComplaintDraft>;

    const care = await makeComplaint(on("2026-11-16", joan), {
      ...self,
      about: "organisation",
      organisationId: DEMO_PROVIDER_GREENWAY,
      authorityId: county,
      regime: "nhs-adult-social-care",
      whatHappened:
        "My morning visits came more than two hours late three times in the first week of November, so I missed my breakfast and my tablets.",
      happenedOn: "2026-11-06",
      outcomeWanted: "Visits at the agreed time, and a call when a carer is running late.",
    });
    await acknowledgeComplaint(on("2026-11-18", greenway), care.authority_id, care.id);

    const bins = await makeComplaint(on("2026-11-02", joan), {
      ...self,
      about: "authority",
      authorityId: county,
      regime: "council",
      whatHappened: "The assisted bin collection at my address was missed four weeks running in October.",
      happenedOn: "2026-10-26",
      knewOn: "2026-10-27",
      outcomeWanted: "Collections restored, and the assisted collection kept on the crew's list.",
    });
    await acknowledgeComplaint(on("2026-11-04", countyOfficer), county, bins.id);
    await respondToComplaint(on("2026-11-13", countyOfficer), county, bins.id, {
      finding: "partly-upheld",
      response:
        "The assisted collection dropped off the new round's list in October. It is back on the list, and the crew has been briefed. Two of the four weeks were missed because of the vehicle breakdown we announced.",
      remedy: "An apology, and a check of every assisted collection on the new rounds.",
    });

    const repair = await makeComplaint(on("2026-10-12", sian), {
      ...self,
      about: "authority",
      authorityId: district,
      regime: "housing",
      whatHappened:
        "The damp in the back bedroom of my flat was reported in August and no one has come to repair it.",
      happenedOn: "2026-08-20",
      outcomeWanted: "The damp treated, and the bedroom redecorated.",
    });
    await acknowledgeComplaint(on("2026-10-14", districtOfficer), district, repair.id);
    await respondToComplaint(on("2026-10-27", districtOfficer), district, repair.id, {
      finding: "upheld",
      response:
        "The repair was not booked after the survey. A contractor will treat the damp within four weeks.",
      remedy: "An apology and £150 for the time the room could not be used.",
    });
    await askNextStage(on("2026-11-03", sian), { authorityId: district, complaintId: repair.id });

    await makeComplaint(on("2026-11-19", sian), {
      ...self,
      about: "authority",
      authorityId: county,
      regime: "children-social-care",
      whatHappened:
        "My nephew's review meeting was cancelled twice without notice, and no new date has been given.",
      happenedOn: "2026-11-12",
      outcomeWanted: "A date for the review, and notice when a meeting has to move.",
    });
  },
};
