import type { RuleSet } from "../rules.ts";
import { anyone } from "../rules.ts";

export const opportunities: RuleSet = {
  rules: {
    "GET /opportunities": anyone,
  },
};
