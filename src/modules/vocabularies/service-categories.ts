/**
 * The curated list of public-service categories, each mapped to a Common Procurement Vocabulary code
 * (Regulation (EC) No 2195/2002, still the UK's classification under the Procurement Act 2023) so
 * that open data carries the classification.
 *
 * `lightTouch`: the CPV code is a light touch service (Procurement Regulations 2024, Schedule 1,
 * Table 1 — health, social, education and related services: 85000000-9 to 85323000-9, 79611000-0,
 * 75231240-8, 92000000-1 to 92700000-8, 55520000-1 to 55524000-9, 98133110-8…).
 * `reservable`: also marked "R" there, so a contract for it may be reserved to public service mutuals
 * (s.33): 85000000-9 to 85323000-9, 92500000-6, 92600000-7, 98133000-4, 98133110-8 and a few others.
 * Waste, street cleansing, grounds and road maintenance, transport and IT are ordinary services.
 * See docs/vocabularies.md. The names are in English, and in Welsh in the message catalogue (`msg`):
 * pages show them with the layout's `message(name)`.
 */
import { msg } from "../../lib/messages.ts";

export interface ServiceCategoryDefinition {
  code: string;
  name: string;
  cpvCode: string;
  cpvDescription: string;
  lightTouch: boolean;
  reservable: boolean;
}

export const SERVICE_CATEGORIES: readonly ServiceCategoryDefinition[] = [
  {
    code: "adult-social-care",
    name: msg`Adult social care`,
    cpvCode: "85310000-5",
    cpvDescription: "Social work services",
    lightTouch: true,
    reservable: true,
  },
  {
    code: "domiciliary-care",
    name: msg`Domiciliary care (care at home)`,
    cpvCode: "85312000-9",
    cpvDescription: "Social work services without accommodation",
    lightTouch: true,
    reservable: true,
  },
  {
    code: "residential-care",
    name: msg`Residential and nursing care`,
    cpvCode: "85311000-2",
    cpvDescription: "Social work services with accommodation",
    lightTouch: true,
    reservable: true,
  },
  {
    code: "learning-disability-support",
    name: msg`Support for disabled people`,
    cpvCode: "85311200-4",
    cpvDescription: "Welfare services for the handicapped",
    lightTouch: true,
    reservable: true,
  },
  {
    code: "childrens-services",
    name: msg`Children's services`,
    cpvCode: "85311300-5",
    cpvDescription: "Welfare services for children and young people",
    lightTouch: true,
    reservable: true,
  },
  {
    code: "youth-services",
    name: msg`Youth services`,
    cpvCode: "98133110-8",
    cpvDescription: "Services rendered by youth associations",
    lightTouch: true,
    reservable: true,
  },
  {
    code: "send-transport",
    name: msg`Home to school transport for children with SEND`,
    cpvCode: "60130000-8",
    cpvDescription: "Special-purpose road passenger-transport services",
    lightTouch: false,
    reservable: false,
  },
  {
    code: "community-transport",
    name: msg`Community transport`,
    cpvCode: "60112000-6",
    cpvDescription: "Public road transport services",
    lightTouch: false,
    reservable: false,
  },
  {
    code: "employment-support",
    name: msg`Employment support`,
    cpvCode: "79611000-0",
    cpvDescription: "Job search services",
    lightTouch: true,
    reservable: false,
  },
  {
    code: "probation",
    name: msg`Probation and rehabilitation of offenders`,
    cpvCode: "75231240-8",
    cpvDescription: "Probation services",
    lightTouch: true,
    reservable: false,
  },
  {
    code: "community-health",
    name: msg`Community health services`,
    cpvCode: "85323000-9",
    cpvDescription: "Community health services",
    lightTouch: true,
    reservable: true,
  },
  {
    code: "mental-health",
    name: msg`Mental health services`,
    cpvCode: "85121270-6",
    cpvDescription: "Psychiatrist or psychologist services",
    lightTouch: true,
    reservable: true,
  },
  {
    code: "drug-and-alcohol",
    name: msg`Drug and alcohol services`,
    cpvCode: "85312500-4",
    cpvDescription: "Rehabilitation services",
    lightTouch: true,
    reservable: true,
  },
  {
    code: "public-health",
    name: msg`Public health`,
    cpvCode: "85100000-0",
    cpvDescription: "Health services",
    lightTouch: true,
    reservable: true,
  },
  {
    code: "housing-support",
    name: msg`Housing-related support`,
    cpvCode: "85312400-3",
    cpvDescription: "Welfare services not delivered through residential institutions",
    lightTouch: true,
    reservable: true,
  },
  {
    code: "homelessness",
    name: msg`Homelessness services`,
    cpvCode: "85320000-8",
    cpvDescription: "Social services",
    lightTouch: true,
    reservable: true,
  },
  {
    code: "carers-support",
    name: msg`Support for unpaid carers`,
    cpvCode: "85312100-0",
    cpvDescription: "Day-care services",
    lightTouch: true,
    reservable: true,
  },
  {
    code: "advice-services",
    name: msg`Advice and guidance`,
    cpvCode: "85312310-5",
    cpvDescription: "Guidance services",
    lightTouch: true,
    reservable: true,
  },
  {
    code: "libraries",
    name: msg`Libraries`,
    cpvCode: "92511000-6",
    cpvDescription: "Library services",
    lightTouch: true,
    reservable: true,
  },
  {
    code: "leisure",
    name: msg`Leisure and sport facilities`,
    cpvCode: "92610000-0",
    cpvDescription: "Sports facilities operation services",
    lightTouch: true,
    reservable: true,
  },
  {
    code: "school-meals",
    name: msg`School meals`,
    cpvCode: "55524000-9",
    cpvDescription: "School catering services",
    lightTouch: true,
    reservable: false,
  },
  {
    code: "parks",
    name: msg`Parks and green spaces`,
    cpvCode: "77313000-7",
    cpvDescription: "Parks maintenance services",
    lightTouch: false,
    reservable: false,
  },
  {
    code: "waste-collection",
    name: msg`Waste and recycling collection`,
    cpvCode: "90511000-2",
    cpvDescription: "Refuse collection services",
    lightTouch: false,
    reservable: false,
  },
  {
    code: "street-cleansing",
    name: msg`Street cleansing`,
    cpvCode: "90610000-6",
    cpvDescription: "Street-cleaning and sweeping services",
    lightTouch: false,
    reservable: false,
  },
  {
    code: "highways-maintenance",
    name: msg`Highways maintenance`,
    cpvCode: "45233141-9",
    cpvDescription: "Road-maintenance works",
    lightTouch: false,
    reservable: false,
  },
  {
    code: "it-services",
    name: msg`IT services`,
    cpvCode: "72000000-5",
    cpvDescription: "IT services: consulting, software development, Internet and support",
    lightTouch: false,
    reservable: false,
  },
];
