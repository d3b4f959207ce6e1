import type { RuleSet } from "../rules.ts";

export const evaluation: RuleSet = {
  rules: {},
};
