import type { RuleSet } from "../rules.ts";

export const contracts: RuleSet = {
  rules: {},
};
