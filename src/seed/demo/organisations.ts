/** Demo organisations, one or two of each kind of provider the White Paper wants in the market. */
import { SYSTEM } from "../../modules/audit/audit.service.ts";
import {
  type CreateOrganisationInput,
  createOrganisation,
} from "../../modules/organisations/organisations.service.ts";
import type { Seed } from "../seed.ts";

export const demoOrganisations: readonly CreateOrganisationInput[] = [
  {
    id: "019a0000-0000-7000-8000-00000000b001",
    name: "Westshire Community Health CIC",
    sector: "public-service-mutual",
    sizeBand: "large",
    staffHeadcount: 1100,
    primaryIdentifier: "GB-MPR-31234R",
    postcode: "WS1 2AB",
    description:
      "An employee-owned mutual spun out of the county's community health services in 2013, running district nursing and therapy services.",
  },
  {
    id: "019a0000-0000-7000-8000-00000000b002",
    name: "Millbrook Carers' Trust",
    sector: "charity",
    sizeBand: "small",
    staffHeadcount: 28,
    primaryIdentifier: "GB-CHC-1098765",
    postcode: "MB3 4CD",
    description: "A local charity supporting unpaid carers with breaks, advice and peer groups.",
  },
  {
    id: "019a0000-0000-7000-8000-00000000b003",
    name: "Second Chance Kitchens CIC",
    sector: "social-enterprise",
    sizeBand: "micro",
    staffHeadcount: 7,
    primaryIdentifier: "GB-COH-11223344",
    postcode: "WS4 7EF",
    description: "A community interest company training people leaving prison as chefs, and running a café.",
  },
  {
    id: "019a0000-0000-7000-8000-00000000b004",
    name: "Greenway Home Care Ltd",
    sector: "sme",
    sizeBand: "medium",
    staffHeadcount: 140,
    primaryIdentifier: "GB-COH-09876543",
    postcode: "MB1 9GH",
    description: "Domiciliary care across Westshire and Millbrook.",
  },
  {
    id: "019a0000-0000-7000-8000-00000000b005",
    name: "Nationwide Employment Services plc",
    sector: "large-company",
    sizeBand: "large",
    staffHeadcount: 5200,
    primaryIdentifier: "GB-COH-01234567",
    postcode: "EC1A 1BB",
    description: "A national provider of employment support programmes.",
  },
  {
    id: "019a0000-0000-7000-8000-00000000b006",
    name: "Lower Ashby Parish Council",
    sector: "parish-council",
    sizeBand: "micro",
    staffHeadcount: 2,
    primaryIdentifier: null,
    postcode: "MB8 2JK",
    description: "The parish council for Lower Ashby, running the village hall, allotments and play area.",
  },
  {
    id: "019a0000-0000-7000-8000-00000000b007",
    name: "Riverside Tenants' Co-operative",
    sector: "co-operative",
    sizeBand: "small",
    staffHeadcount: 12,
    primaryIdentifier: "GB-MPR-7654R",
    postcode: "WS9 3LM",
    description: "A tenant-managed housing co-operative.",
  },
];

export const demoOrganisationsSeed: Seed = {
  name: "demo-organisations",
  description: "Demo organisations of every sector",
  demo: true,
  async run({ trx, clock }) {
    for (const organisation of demoOrganisations)
      await createOrganisation(trx, clock, SYSTEM("seed"), organisation);
  },
};
