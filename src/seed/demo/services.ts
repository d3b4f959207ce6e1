import {
  checkService,
  recordAppraisal,
  recordAppraisalPublished,
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
  {
    id: id(12),
    authorityId: DEMO_AUTHORITY.nhs,
    name: "Continuing healthcare assessments",
    kind: "individual",
    categoryCode: "community-health",
    providerType: "in-house",
    providerOrganisationId: null,
    annualCost: "£1,900,000",
    contractEnd: null,
    status: "in-house",
    description: "Assessments of eligibility for NHS continuing healthcare, by the board's own nurses.",
  },
  {
    id: id(13),
    authorityId: DEMO_AUTHORITY.department,
    name: "Work coach service",
    kind: "individual",
    categoryCode: "employment-support",
    providerType: "in-house",
    providerOrganisationId: null,
    annualCost: "£95,000,000",
    contractEnd: null,
    status: "in-house",
    description: "Work coaches in jobcentres, run by the department's own staff.",
  },
  {
    id: id(14),
    authorityId: DEMO_AUTHORITY.welsh,
    name: "Home care for adults",
    kind: "individual",
    categoryCode: "domiciliary-care",
    providerType: "contracted",
    providerOrganisationId: org(11),
    annualCost: "£6,300,000",
    contractEnd: "2027-09-30",
    status: "open-to-choice",
    description: "Home care chosen with direct payments or arranged by the council.",
  },
  {
    id: id(15),
    authorityId: DEMO_AUTHORITY.scottish,
    name: "Carers support",
    kind: "individual",
    categoryCode: "carers-support",
    providerType: "in-house",
    providerOrganisationId: null,
    annualCost: "£800,000",
    contractEnd: null,
    status: "in-house",
    description: "Support and short breaks for unpaid carers.",
  },
];

/** One published option appraisal per demo authority. */
const demoAppraisals = [
  {
    authorityId: DEMO_AUTHORITY.county,
    serviceId: DEMO_SERVICE.countyCommunityHealth,
    appraisalId: DEMO_SERVICE.appraisal,
    options: ["retain-in-house", "commission-openly", "mutual-spin-out"],
    evidence:
      "Staff survey (78% in favour of an employee-led mutual), a market sounding with four providers, and the cost and quality of the service over the last three years.",
    decision: "mutual-spin-out",
    reasons:
      "A mutual keeps the experienced workforce together, gives staff a stake in improving the service and is expected to save 4% a year, with the contract reserved under s.33 of the Procurement Act 2023.",
  },
  {
    authorityId: DEMO_AUTHORITY.district,
    serviceId: id(5),
    appraisalId: id(101),
    options: ["retain-in-house", "commission-openly", "share-with-authority"],
    evidence:
      "Costs per household benchmarked against twelve similar councils, the state of the vehicle fleet, and an offer from a neighbouring council to share a depot.",
    decision: "share-with-authority",
    reasons:
      "Sharing the depot and rounds with the neighbouring council saves £310,000 a year and keeps the service in public hands while the fleet is renewed.",
  },
  {
    authorityId: DEMO_AUTHORITY.nhs,
    serviceId: id(12),
    appraisalId: id(102),
    options: ["retain-in-house", "commission-openly"],
    evidence: "Assessment times over two years, complaints, and two providers' answers to a market sounding.",
    decision: "retain-in-house",
    reasons:
      "Assessments decide eligibility for NHS funding; keeping them in-house avoids a conflict of interest with providers of the care assessed.",
  },
  {
    authorityId: DEMO_AUTHORITY.department,
    serviceId: id(9),
    appraisalId: id(103),
    options: ["retain-in-house", "commission-openly", "mutual-spin-out"],
    evidence:
      "Results of the current payment-by-results contracts, and interest from eleven providers of all sectors.",
    decision: "commission-openly",
    reasons:
      "An open competition with payment by results reached more people into sustained work per pound than the in-house pilot; smaller providers can bid for lots.",
  },
  {
    authorityId: DEMO_AUTHORITY.welsh,
    serviceId: id(10),
    appraisalId: id(104),
    options: ["retain-in-house", "devolve-to-neighbourhood", "mutual-spin-out"],
    evidence: "A consultation with young people and town councils, and the use of each youth club.",
    decision: "devolve-to-neighbourhood",
    reasons:
      "Town councils and youth groups asked to run the clubs in their areas; the council keeps the detached youth work.",
  },
  {
    authorityId: DEMO_AUTHORITY.scottish,
    serviceId: id(11),
    appraisalId: id(105),
    options: ["retain-in-house", "commission-openly", "mutual-spin-out"],
    evidence: "Visits, costs and condition surveys of the three centres, and a staff ballot.",
    decision: "commission-openly",
    reasons:
      "The leisure contract ends in 2030; the council will test the market, open to a staff-led mutual.",
  },
] as const;

export const demoServicesSeed: Seed = {
  name: "demo-services",
  description: "Demo service registers, a pipeline of contracts ending soon and published option appraisals",
  demo: true,
  async run({ trx, ctx }) {
    for (const { id: serviceId, authorityId, ...draft } of demoServices) {
      const input = await checkService(trx, draft);
      await recordService(ctx, authorityId, input, serviceId);
    }
    for (const appraisal of demoAppraisals) {
      const { authorityId, serviceId, appraisalId, ...input } = appraisal;
      await recordAppraisal(ctx, authorityId, serviceId, input, appraisalId);
      await recordAppraisalPublished(ctx, authorityId, serviceId, appraisalId);
    }
  },
};
