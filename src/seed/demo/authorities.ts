/**
 * Demo authorities: a county, a district, an NHS body, a department, a Welsh and a Scottish
 * council (so that bank holidays, the Welsh language and laws for England only have something to
 * show), a regulator, the three public service ombudsmen (each registered as its scheme's second-tier
 * body: docs/redress.md), a fictional independent adjudicator of complaints about commissioning (the
 * second tier for home care's service area) and a consumer champion. Fictional data modelled on real kinds of body (the
 * ombudsmen are the real three, with example addresses); fixed ids so later seeds can refer to them.
 */
import { SYSTEM } from "../../modules/audit/audit.service.ts";
import { type CreateAuthorityInput, createAuthority } from "../../modules/authorities/authorities.service.ts";
import { registerSecondTierBody } from "../../modules/redress/second-tier.service.ts";
import type { Seed } from "../seed.ts";

export const DEMO_AUTHORITY = {
  county: "019a0000-0000-7000-8000-00000000a001",
  district: "019a0000-0000-7000-8000-00000000a002",
  nhs: "019a0000-0000-7000-8000-00000000a003",
  department: "019a0000-0000-7000-8000-00000000a004",
  welsh: "019a0000-0000-7000-8000-00000000a005",
  scottish: "019a0000-0000-7000-8000-00000000a006",
  regulator: "019a0000-0000-7000-8000-00000000a007",
  /** The Local Government and Social Care Ombudsman. */
  ombudsman: "019a0000-0000-7000-8000-00000000a008",
  /** A consumer champion, Westshire Healthwatch: made by the demo champions seed (champions.ts). */
  champion: "019a0000-0000-7000-8000-00000000a009",
  /** The Parliamentary and Health Service Ombudsman. */
  phso: "019a0000-0000-7000-8000-00000000a010",
  /** The Housing Ombudsman. */
  housingOmbudsman: "019a0000-0000-7000-8000-00000000a011",
  /** The independent adjudicator of complaints about commissioning, for home care (fictional). */
  adjudicator: "019a0000-0000-7000-8000-00000000a012",
} as const;

/** The service area the demo adjudicator is named for: the demo home care tenders' category. */
export const DEMO_ADJUDICATOR_AREA = "domiciliary-care";

export const demoAuthorities: readonly CreateAuthorityInput[] = [
  {
    id: DEMO_AUTHORITY.county,
    slug: "westshire-county-council",
    name: "Westshire County Council",
    kind: "county",
    nation: "england-and-wales",
    country: "england",
    orgId: "GB-LAE-WSH",
    website: "https://westshire.example.gov.uk",
  },
  {
    id: DEMO_AUTHORITY.district,
    slug: "millbrook-district-council",
    name: "Millbrook District Council",
    kind: "district",
    nation: "england-and-wales",
    country: "england",
    orgId: "GB-LAE-MBK",
    website: "https://millbrook.example.gov.uk",
  },
  {
    id: DEMO_AUTHORITY.nhs,
    slug: "westshire-integrated-care-board",
    name: "NHS Westshire Integrated Care Board",
    kind: "nhs-body",
    nation: "england-and-wales",
    country: "england",
    orgId: "GB-NHS-QWS",
    website: "https://westshire.icb.example.nhs.uk",
  },
  {
    id: DEMO_AUTHORITY.department,
    slug: "department-for-work-and-skills",
    name: "Department for Work and Skills",
    kind: "department",
    nation: "england-and-wales",
    orgId: "GB-GOR-D9999",
    website: "https://dws.example.gov.uk",
  },
  {
    id: DEMO_AUTHORITY.welsh,
    slug: "cyngor-sir-glanmor",
    name: "Glanmor County Council",
    welshName: "Cyngor Sir Glanmor",
    kind: "unitary",
    nation: "england-and-wales",
    country: "wales",
    orgId: "GB-WLG-GLM",
    website: "https://glanmor.example.gov.wales",
  },
  {
    id: DEMO_AUTHORITY.scottish,
    slug: "strathlorn-council",
    name: "Strathlorn Council",
    kind: "unitary",
    nation: "scotland",
    orgId: "GB-SLG-STL",
    website: "https://strathlorn.example.gov.scot",
  },
  {
    id: DEMO_AUTHORITY.regulator,
    slug: "care-standards-inspectorate",
    name: "Care Standards Inspectorate",
    kind: "regulator",
    nation: "england-and-wales",
    orgId: "GB-GOR-PB9001",
    website: "https://care-standards.example.org.uk",
  },
  {
    id: DEMO_AUTHORITY.ombudsman,
    slug: "local-government-and-social-care-ombudsman",
    name: "Local Government and Social Care Ombudsman",
    kind: "ombudsman",
    nation: "england-and-wales",
    orgId: "GB-GOR-PB9002",
    website: "https://lgsco.example.org.uk",
  },
  {
    id: DEMO_AUTHORITY.phso,
    slug: "parliamentary-and-health-service-ombudsman",
    name: "Parliamentary and Health Service Ombudsman",
    kind: "ombudsman",
    nation: "england-and-wales",
    orgId: "GB-GOR-PB9003",
    website: "https://phso.example.org.uk",
  },
  {
    id: DEMO_AUTHORITY.housingOmbudsman,
    slug: "housing-ombudsman",
    name: "Housing Ombudsman",
    kind: "ombudsman",
    nation: "england-and-wales",
    orgId: "GB-GOR-PB9004",
    website: "https://housing-ombudsman.example.org.uk",
  },
  {
    id: DEMO_AUTHORITY.adjudicator,
    slug: "independent-commissioning-adjudicator-for-care",
    name: "Independent Commissioning Adjudicator for Care",
    kind: "ombudsman",
    nation: "england-and-wales",
    orgId: "GB-GOR-PB9005",
    website: "https://commissioning-adjudicator.example.org.uk",
  },
];

/** Which demo ombudsman is which scheme's second-tier body. */
export const DEMO_SECOND_TIER = [
  { authorityId: DEMO_AUTHORITY.ombudsman, scheme: "lgsco" },
  { authorityId: DEMO_AUTHORITY.phso, scheme: "phso" },
  { authorityId: DEMO_AUTHORITY.housingOmbudsman, scheme: "housing-ombudsman" },
  { authorityId: DEMO_AUTHORITY.adjudicator, scheme: "adjudicator", serviceArea: DEMO_ADJUDICATOR_AREA },
] as const;

export const demoAuthoritiesSeed: Seed = {
  name: "demo-authorities",
  description: "Demo authorities: county, district, NHS body, department, Welsh and Scottish councils",
  demo: true,
  async run({ trx, clock }) {
    for (const authority of demoAuthorities) {
      await createAuthority(trx, clock, SYSTEM("seed"), { ...authority, verified: true });
    }
    for (const body of DEMO_SECOND_TIER) await registerSecondTierBody(trx, clock.now(), body);
  },
};
