/**
 * The public pages: what a member of the public or a provider sees, on the demo data (a seeded test
 * app). The Welsh test renders each in Welsh; the search engine test checks each one's head.
 */
import { DEMO_ORGANISATION } from "../../src/seed/demo/organisations.ts";
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
  "/open-data",
  "/accessibility",
  "/privacy",
  "/cookies",
];
