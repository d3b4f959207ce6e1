/**
 * Demo commissioning projects: Westshire County Council's re-commissioning of home care, led jointly
 * for Millbrook District Council and published (so the pipeline shows it as the planned procurement),
 * and a draft for its country parks. Fictional data; fixed ids.
 */
import {
  checkProject,
  recordProject,
  recordProjectPublished,
} from "../../modules/projects/projects.service.ts";
import type { Seed } from "../seed.ts";
import { DEMO_AREA } from "./areas.ts";
import { DEMO_AUTHORITY } from "./authorities.ts";
import { DEMO_SERVICE } from "./services.ts";

/** Fixed ids other seeds and tests refer to. */
export const DEMO_PROJECT = {
  countyHomeCare: "019a0000-0000-7000-8000-00000000e001",
  countyParksDraft: "019a0000-0000-7000-8000-00000000e002",
} as const;

export const demoProjectsSeed: Seed = {
  name: "demo-projects",
  description: "Demo commissioning projects: a published joint project with its pipeline notice, and a draft",
  demo: true,
  async run({ ctx }) {
    const homeCare = await checkProject(ctx, DEMO_AUTHORITY.county, {
      title: "Home care for older people 2027",
      description: "Re-commissioning home care across Westshire and Millbrook as an open framework.",
      need: "More older people want care at home; the current framework ends on 31 March 2027.",
      categoryCode: "domiciliary-care",
      areaCode: DEMO_AREA.westshire,
      estimatedValue: "£48,000,000",
      marketEngagementDate: "2026-12-01",
      tenderDate: "2027-01-15",
      awardDate: "2027-03-01",
      startDate: "2027-04-01",
      serviceIds: [DEMO_SERVICE.countyHomeCare],
      participantIds: [DEMO_AUTHORITY.district],
    });
    await recordProject(ctx, DEMO_AUTHORITY.county, homeCare, DEMO_PROJECT.countyHomeCare);
    await recordProjectPublished(ctx, DEMO_AUTHORITY.county, DEMO_PROJECT.countyHomeCare);
    const parks = await checkProject(ctx, DEMO_AUTHORITY.county, {
      title: "Country parks cafés and events",
      description: "Concessions for cafés and events in the four country parks.",
      need: "Visitors ask for better facilities; the parks team wants community partners.",
      categoryCode: "parks",
      areaCode: DEMO_AREA.westshire,
      estimatedValue: "£600,000",
      marketEngagementDate: "2027-02-01",
      tenderDate: "2027-05-01",
      awardDate: "2027-07-01",
      startDate: "2027-09-01",
      serviceIds: [DEMO_SERVICE.countyParks],
      participantIds: [],
    });
    await recordProject(ctx, DEMO_AUTHORITY.county, parks, DEMO_PROJECT.countyParksDraft);
  },
};
