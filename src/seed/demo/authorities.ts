/**
 * Demo authorities: a county, a district, an NHS body, a department, a Welsh and a Scottish
 * council (so that bank holidays, the Welsh language and laws for England only have something to
 * show), a regulator and an ombudsman. Fictional data
 * modelled on real kinds of body; fixed ids so later seeds can refer to them.
 */
import { SYSTEM } from "../../modules/audit/audit.service.ts";
import { type CreateAuthorityInput, createAuthority } from "../../modules/authorities/authorities.service.ts";
import type { Seed } from "../seed.ts";

export const DEMO_AUTHORITY = {
  county: "019a0000-0000-7000-8000-00000000a001",
  district: "019a0000-0000-7000-8000-00000000a002",
  nhs: "019a0000-0000-7000-8000-00000000a003",
  department: "019a0000-0000-7000-8000-00000000a004",
  welsh: "019a0000-0000-7000-8000-00000000a005",
  scottish: "019a0000-0000-7000-8000-00000000a006",
  regulator: "019a0000-0000-7000-8000-00000000a007",
  ombudsman: "019a0000-0000-7000-8000-00000000a008",
  /** A consumer champion, Westshire Healthwatch: made by the demo champions seed (champions.ts). */
  champion: "019a0000-0000-7000-8000-00000000a009",
} as const;

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
    slug: "local-services-ombudsman",
    name: "Local Services and Care Ombudsman",
    kind: "ombudsman",
    nation: "england-and-wales",
    orgId: "GB-GOR-PB9002",
    website: "https://local-services-ombudsman.example.org.uk",
  },
];

export const demoAuthoritiesSeed: Seed = {
  name: "demo-authorities",
  description: "Demo authorities: county, district, NHS body, department, Welsh and Scottish councils",
  demo: true,
  async run({ trx, clock }) {
    for (const authority of demoAuthorities) {
      await createAuthority(trx, clock, SYSTEM("seed"), { ...authority, verified: true });
    }
  },
};
