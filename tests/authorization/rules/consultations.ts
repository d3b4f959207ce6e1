import type { RuleSet } from "../rules.ts";

export const consultations: RuleSet = {
  rules: {},
};
