import { anyone, type RuleSet } from "../rules.ts";

export const home: RuleSet = {
  rules: {
    // An authority's hub: public, with what its people can start shown to them.
    "GET /authorities/:slug": anyone(200),
  },
};
