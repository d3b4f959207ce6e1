/**
 * Reference data every deployment needs: the service categories with their CPV codes
 * (src/modules/vocabularies/service-categories.ts). Not demo data: it runs everywhere.
 */
import { SYSTEM } from "../../modules/audit/audit.service.ts";
import { loadServiceCategories } from "../../modules/vocabularies/vocabularies.service.ts";
import type { Seed } from "../seed.ts";

export const serviceCategoriesSeed: Seed = {
  name: "reference-service-categories",
  description: "Service categories, each with its CPV code and light touch flags",
  demo: false,
  async run({ trx, clock }) {
    await loadServiceCategories(trx, clock, SYSTEM("seed"));
  },
};
