import { anyone, type RuleSet, signedIn } from "../rules.ts";

export const home: RuleSet = {
  rules: {
    // The public bodies' index: public, with "Ask for a public body to be added" for someone signed in.
    "GET /authorities": anyone(200),
    // An authority's hub: public, with what its people can start shown to them.
    "GET /authorities/:slug": anyone(200),
    // Each person's work: everyone signed in has it (drawn from their own roles), no one else.
    "GET /tasks": signedIn(200),
    "GET /api/v1/me/tasks": signedIn(200),
  },
};
