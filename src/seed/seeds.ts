/** Every seed, in the order they run. Add later issues' seeds after the ones they build on. */
import { demoAuthoritiesSeed } from "./demo/authorities.ts";
import { demoOrganisationsSeed } from "./demo/organisations.ts";
import type { Seed } from "./seed.ts";

export const seeds: readonly Seed[] = [demoAuthoritiesSeed, demoOrganisationsSeed];
