import type { RuleSet } from "../rules.ts";

export const regulation: RuleSet = {
  rules: {},
};
