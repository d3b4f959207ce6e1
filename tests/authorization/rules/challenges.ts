import type { RuleSet } from "../rules.ts";

export const challenges: RuleSet = {
  rules: {},
};
