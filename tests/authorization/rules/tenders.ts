import type { RuleSet } from "../rules.ts";

export const tenders: RuleSet = {
  rules: {},
};
