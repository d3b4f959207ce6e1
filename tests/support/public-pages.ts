/**
 * The public pages: what a member of the public or a provider sees, on the demo data (a seeded test
 * app). The Welsh test renders each in Welsh; the search engine test checks each one's head.
 */

import { DATASET_IDS } from "../../src/modules/datasets/catalogue.ts";
import { DEMO_AUTHORITY } from "../../src/seed/demo/authorities.ts";
import { DEMO_CHALLENGE } from "../../src/seed/demo/challenges.ts";
import { DEMO_CHAMPION_REPORT } from "../../src/seed/demo/champions.ts";
import { DEMO_CHOICE, DEMO_CHOICE_MEMBERS } from "../../src/seed/demo/choice.ts";
import { DEMO_COMMUNITY_ASSETS } from "../../src/seed/demo/community-assets.ts";
import { DEMO_COMMUNITY_BUDGET } from "../../src/seed/demo/community-budgets.ts";
import { DEMO_CONSULTATION } from "../../src/seed/demo/consultations.ts";
import { DEMO_CONTRACTS } from "../../src/seed/demo/contracts.ts";
import { DEMO_GRANTS } from "../../src/seed/demo/grants.ts";
import { DEMO_ORGANISATION } from "../../src/seed/demo/organisations.ts";
import { DEMO_PRIZE } from "../../src/seed/demo/prize.ts";
import { DEMO_STANDARDS } from "../../src/seed/demo/standards.ts";
import { DEMO_TENDER } from "../../src/seed/demo/tenders.ts";

export const PUBLIC_PAGES: readonly string[] = [
  "/",
  "/sign-in",
  "/sign-up",
  "/organisations",
  `/organisations/${DEMO_ORGANISATION.carersTrust}`,
  "/regulation/find",
  "/regulation/find?q=care",
  "/regulators",
  "/opportunities",
  "/consultations",
  "/right-to-challenge",
  "/contracts",
  "/pipeline",
  "/authorities",
  "/authorities/westshire-county-council",
  "/authorities/westshire-county-council/services",
  "/authorities/westshire-county-council/pipeline",
  "/authorities/westshire-county-council/projects",
  "/authorities/westshire-county-council/consultations",
  "/authorities/westshire-county-council/right-to-challenge",
  "/authorities/westshire-county-council/tenders",
  `/authorities/westshire-county-council/tenders/${DEMO_TENDER.open}`,
  "/authorities/westshire-county-council/contracts",
  `/authorities/westshire-county-council/contracts/${DEMO_CONTRACTS[0]}`,
  `/authorities/westshire-county-council/consultations/${DEMO_CONSULTATION.countyHomeCareEngagement}`,
  `/authorities/westshire-county-council/consultations/${DEMO_CONSULTATION.countyLibrariesClosed}`,
  `/authorities/westshire-county-council/consultations/${DEMO_CONSULTATION.countyLibrariesClosed}/responses`,
  `/authorities/westshire-county-council/consultations/${DEMO_CONSULTATION.countyLibrariesClosed}/summary`,
  `/authorities/millbrook-district-council/right-to-challenge/${DEMO_CHALLENGE.accepted}`,
  "/open-data",
  // Each open dataset's page.
  ...DATASET_IDS.map((id) => `/open-data/${id}`),
  "/market",
  "/market/diversity",
  "/market/mutuals",
  "/market/competition",
  "/market/concentration",
  "/market/quality",
  "/market/personal-budgets",
  "/integrity",
  "/authorities/westshire-county-council/integrity",
  "/authorities/millbrook-district-council/integrity",
  "/reports?period=2026-Q3",
  "/authorities/westshire-county-council/reports?period=2026-27",
  // Approved-provider lists (issue 17): the index, an authority's lists, a list (a comparison is
  // not indexed: one page per choice of providers).
  "/choice",
  "/authorities/westshire-county-council/choice",
  `/authorities/westshire-county-council/choice/${DEMO_CHOICE.homeCareList}`,
  "/accessibility",
  "/privacy",
  "/cookies",
  // Consumer champions (the voice module): the index, a champion, the reports and one report.
  "/champions",
  `/champions/${DEMO_AUTHORITY.champion}`,
  "/champions/reports",
  `/champions/${DEMO_AUTHORITY.champion}/reports/${DEMO_CHAMPION_REPORT}`,
  // Users' feedback (the voice module): the moderation policy, a provider's reviews.
  "/feedback/policy",
  `/organisations/${DEMO_ORGANISATION.communityHealthMutual}/feedback`,
  // An area's open figures of choice (the voice module, issue 17 item 9).
  "/choice/areas/E10000901",
  // Grants (issue 20): the programmes, and the demo's Mutuals Support Programme.
  "/grants",
  `/grants/${DEMO_GRANTS.programme}`,
  // Redress: making a complaint without an account.
  "/complaints/without-account",
  // Redress's open figures (a public body's, a provider's) and the published decisions.
  "/complaints/figures/authorities/westshire-county-council",
  `/complaints/figures/organisations/${DEMO_CHOICE_MEMBERS.greenway}`,
  "/complaints/decisions",
  // Redress: the remedies ombudsmen ordered that are overdue, published.
  "/complaints/overdue-remedies",
  // Accreditation bodies and standards (issue 20, item 7): the list, the demo body, a standard.
  "/standards",
  `/standards/bodies/${DEMO_STANDARDS.body}`,
  `/standards/${DEMO_STANDARDS.employmentSupport}`,
  // The prize for public service innovation (issue 20, item 8): the rounds, last year's decided, this year's open.
  "/prize",
  `/prize/${DEMO_PRIZE.lastRound}`,
  `/prize/${DEMO_PRIZE.thisRound}`,
  `/prize/${DEMO_PRIZE.thisRound}/nominate`,
  // Assets of community value (issue 21): the register and an entry in its full moratorium.
  "/community-assets",
  `/community-assets/${DEMO_COMMUNITY_ASSETS.kingsArms}`,
  // Community budgets (issue 21): the demo's whole-place budget and what the NHS body's money did.
  `/community-budgets/${DEMO_COMMUNITY_BUDGET}`,
  `/community-budgets/${DEMO_COMMUNITY_BUDGET}/partners/${DEMO_AUTHORITY.nhs}`,
];
