/**
 * Demo service registers: each demo authority's services, in-house and contracted (providers from
 * the demo organisations), with some contracts ending within 18 months of 22 November 2026 so the
 * pipeline has something to show, and one published option appraisal. Fictional data; fixed ids.
 */
import { SYSTEM } from "../../modules/audit/audit.service.ts";
import {
  checkService,
  publishAppraisalAs,
  recordAppraisal,
  recordService,
  type ServiceDraft,
} from "../../modules/services/services.service.ts";
import type { Seed } from "../seed.ts";
import { DEMO_AUTHORITY } from "./authorities.ts";

const org = (n: number) => `019a0000-0000-7000-8000-00000000b${String(n).padStart(3, "0")}`;
const id = (n: number) => `019a0000-0000-7000-8000-00000000d${String(n).padStart(3, "0")}`;

/** Fixed ids other seeds and tests refer to. */
export const DEMO_SERVICE = {
  countyCommunityHealth: id(1),
  countyLibraries: id(2),
  countyHomeCare: id(3),
  countyParks: id(4),
  appraisal: id(100),
} as const;

type DemoService = ServiceDraft & { id: string; authorityId: string; status: string; description: string };

export const demoServices: readonly DemoService[] = [
  {
    id: DEMO_SERVICE.countyCommunityHealth,
    authorityId: DEMO_AUTHORITY.county,
    name: "Community nursing and therapy",
    kind: "individual",
    categoryCode: "community-health",
    providerType: "mutual",
    providerOrganisationId: org(1),
    annualCost: "£18,400,000",
    contractEnd: "2027-09-30",
    status: "mutualised",
    description: "District nursing, community physiotherapy and occupational therapy across Westshire.",
  },
  {
    id: DEMO_SERVICE.countyLibraries,
    authorityId: DEMO_AUTHORITY.county,
    name: "Library service",
    kind: "neighbourhood",
    categoryCode: "libraries",
    providerType: "mutual",
    providerOrganisationId: org(8),
    annualCost: "£6,250,000",
    contractEnd: "2029-03-31",
    status: "mutualised",
    description: "Twenty-two branch libraries, the mobile library and the home library service.",
  },
  {
    id: DEMO_SERVICE.countyHomeCare,
    authorityId: DEMO_AUTHORITY.county,
    name: "Home care for older people",
    kind: "individual",
    categoryCode: "domiciliary-care",
    providerType: "contracted",
    providerOrganisationId: org(4),
    annualCost: "£9,800,000",
    contractEnd: "2027-03-31",
    status: "open-to-choice",
    description: "Home care bought with personal budgets from a framework of approved providers.",
  },
  {
    id: DEMO_SERVICE.countyParks,
    authorityId: DEMO_AUTHORITY.county,
    name: "Country parks",
    kind: "neighbourhood",
    categoryCode: "parks",
    providerType: "in-house",
    providerOrganisationId: null,
    annualCost: "£1,150,000",
    contractEnd: null,
    status: "in-house",
    description: "Four country parks run by the council's countryside team.",
  },
  {
    id: id(5),
    authorityId: DEMO_AUTHORITY.district,
    name: "Waste collection",
    kind: "neighbourhood",
    categoryCode: "waste-collection",
    providerType: "in-house",
    providerOrganisationId: null,
    annualCost: "£4,300,000",
    contractEnd: null,
    status: "in-house",
    description: "Weekly food waste and fortnightly recycling and refuse collections.",
  },
  {
    id: id(6),
    authorityId: DEMO_AUTHORITY.district,
    name: "Homelessness prevention",
    kind: "individual",
    categoryCode: "homelessness",
    providerType: "contracted",
    providerOrganisationId: org(18),
    annualCost: "£780,000",
    contractEnd: "2028-01-31",
    status: "market-tested",
    description: "Advice, tenancy sustainment and emergency accommodation.",
  },
  {
    id: id(7),
    authorityId: DEMO_AUTHORITY.district,
    name: "Village green maintenance",
    kind: "neighbourhood",
    categoryCode: "parks",
    providerType: "community",
    providerOrganisationId: org(6),
    annualCost: "£45,000",
    contractEnd: "2027-06-30",
    status: "devolved",
    description: "Grass cutting and upkeep of village greens, devolved to the parish council.",
  },
  {
    id: id(8),
    authorityId: DEMO_AUTHORITY.nhs,
    name: "Community mental health support",
    kind: "individual",
    categoryCode: "mental-health",
    providerType: "contracted",
    providerOrganisationId: org(14),
    annualCost: "£12,600,000",
    contractEnd: "2027-12-31",
    status: "market-tested",
    description: "Community mental health teams for adults.",
  },
  {
    id: id(9),
    authorityId: DEMO_AUTHORITY.department,
    name: "Employment support programme",
    kind: "commissioned",
    categoryCode: "employment-support",
    providerType: "contracted",
    providerOrganisationId: org(5),
    annualCost: "£42,000,000",
    contractEnd: "2028-06-30",
    status: "market-tested",
    description: "Payment-by-results support into work for people out of work for a year or more.",
  },
  {
    id: id(10),
    authorityId: DEMO_AUTHORITY.welsh,
    name: "Youth service",
    kind: "neighbourhood",
    categoryCode: "youth-services",
    providerType: "in-house",
    providerOrganisationId: null,
    annualCost: "£2,100,000",
    contractEnd: null,
    status: "in-house",
    description: "Youth clubs and detached youth work.",
  },
  {
    id: id(11),
    authorityId: DEMO_AUTHORITY.scottish,
    name: "Leisure centres",
    kind: "neighbourhood",
    categoryCode: "leisure",
    providerType: "contracted",
    providerOrganisationId: org(3),
    annualCost: "£3,400,000",
    contractEnd: "2030-03-31",
    status: "market-tested",
    description: "Three leisure centres and two swimming pools.",
  },
];

export const demoServicesSeed: Seed = {
  name: "demo-services",
  description: "Demo service registers, a pipeline of contracts ending soon and a published option appraisal",
  demo: true,
  async run({ trx, clock }) {
    const actor = SYSTEM("seed");
    for (const { id: serviceId, authorityId, ...draft } of demoServices) {
      const input = await checkService(trx, draft);
      await recordService(trx, clock, actor, authorityId, input, serviceId);
    }
    await recordAppraisal(
      trx,
      clock,
      actor,
      DEMO_AUTHORITY.county,
      DEMO_SERVICE.countyCommunityHealth,
      {
        options: ["retain-in-house", "commission-openly", "mutual-spin-out"],
        evidence:
          "Staff survey (78% in favour of an employee-led mutual), a market sounding with four providers, and the cost and quality of the service over the last three years.",
        decision: "mutual-spin-out",
        reasons:
          "A mutual keeps the experienced workforce together, gives staff a stake in improving the service and is expected to save 4% a year, with the contract reserved under s.33 of the Procurement Act 2023.",
      },
      DEMO_SERVICE.appraisal,
    );
    await publishAppraisalAs(
      trx,
      clock,
      actor,
      DEMO_AUTHORITY.county,
      DEMO_SERVICE.countyCommunityHealth,
      DEMO_SERVICE.appraisal,
    );
  },
};
