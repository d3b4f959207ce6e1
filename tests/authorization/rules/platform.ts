import { anyone, type RuleSet } from "../rules.ts";

export const platform: RuleSet = {
  rules: {
    // Platform and public pages
    "GET /healthz": anyone(200),
    "GET /readyz": anyone(200),
    "GET /api/v1/health": anyone(200),
    "GET /api/v1/version": anyone(200),
    "GET /api/v1/audit/anchors": anyone(200),
    "GET /api/openapi.json": anyone(200),
    "GET /api/docs": anyone(200),
    "GET /api/docs/:tag": anyone(200),
    "GET /": anyone(200),
    "GET /accessibility": anyone(200),
    "GET /privacy": anyone(200),
    "GET /cookies": anyone(200),
    "GET /feedback": anyone(200),
    "GET /assets/:name": anyone(200),
    "GET /favicon.ico": anyone(200),
    "GET /robots.txt": anyone(200),
  },
};
