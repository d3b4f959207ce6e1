import { anyone, type RuleSet } from "../rules.ts";

/** Open contracting data: public to everyone; an unknown release or record is 404 to everyone. */
export const openData: RuleSet = {
  rules: {
    "GET /data/ocds/releases": anyone(200),
    "GET /data/ocds/releases/:id": () => "invisible",
    "GET /data/ocds/records/:ocid": () => "invisible",
    "GET /data/ocds/bulk": anyone(200),
    // A search without its words: refused, saying what to enter.
    "GET /data/ocds/search": anyone(400),
    // Not a bulk file's name: refused as such.
    "GET /data/ocds/bulk/:name": anyone(400),
  },
};
