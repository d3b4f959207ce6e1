import { anyone, type RuleSet } from "../rules.ts";

export const platform: RuleSet = {
  rules: {
    // Platform and public pages
    "GET /healthz": anyone,
    "GET /readyz": anyone,
    "GET /api/v1/health": anyone,
    "GET /api/v1/version": anyone,
    "GET /api/openapi.json": anyone,
    "GET /api/docs": anyone,
    "GET /": anyone,
    "GET /accessibility": anyone,
    "GET /privacy": anyone,
    "GET /cookies": anyone,
    "GET /feedback": anyone,
    "GET /open-data": anyone,
    "GET /open-data/authorities.csv": anyone,
    "GET /open-data/organisations.csv": anyone,
    "GET /assets/:name": anyone,
    "GET /favicon.ico": anyone,
  },
};
