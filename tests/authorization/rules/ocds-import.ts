import { anyone, type RuleSet } from "../rules.ts";

/**
 * Other publishers' OCDS data, imported by `openps import ocds`: public to everyone. The matrix
 * names no publisher, which a publisher's releases and a process's record need: refused as such.
 */
export const ocdsImport: RuleSet = {
  rules: {
    "GET /data/ocds/external/publishers": anyone(200),
    "GET /data/ocds/external/releases": anyone(400),
    "GET /data/ocds/external/records/:ocid": anyone(400),
  },
};
