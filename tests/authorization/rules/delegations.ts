import type { Rule, RuleSet } from "../rules.ts";
import { anyone, EMPTY_FORM, REGISTER_EDITOR, unknownTarget } from "../rules.ts";

/**
 * Delegation to neighbourhood councils (src/modules/delegations): anyone reads the open figures, the
 * list, an authority's delegations and a delegation (the matrix's unknown one: 404); the authority's
 * commissioners and administrators (and platform administrators) delegate — the matrix's body
 * delegates the demo's country parks in Kelderby to Kelderby Town Council again, which passes every
 * check of the fields and is refused because the demo has delegated it already (409); a platform
 * administrator naming another authority gets 404 (the service is not on its register). The review,
 * the end and a report, and their forms, name a delegation the service looks up first (404 to
 * everyone signed in).
 */
const api = "/api/v1/delegations";
const page = "/delegations";
const newForm = "/authorities/:slug/delegations/new";

const delegating: Rule = (who, tenant) => {
  if (who === "public") return "sign-in";
  if (who === "platform-admin") return tenant === "own" ? 409 : "invisible";
  return (who === "commissioner" || who === "authority-admin") && tenant === "own" ? 409 : "denied";
};

export const delegations: RuleSet = {
  rules: {
    [`GET ${api}`]: anyone(200),
    [`GET ${api}/:delegationId`]: () => "invisible",
    "POST /api/v1/authorities/:authorityId/delegations": delegating,
    [`POST ${api}/:delegationId/review`]: unknownTarget,
    [`POST ${api}/:delegationId/end`]: unknownTarget,
    [`POST ${api}/:delegationId/reports`]: unknownTarget,
    [`GET ${page}`]: anyone(200),
    [`GET ${page}/:delegationId`]: () => "invisible",
    "GET /authorities/:slug/delegations": anyone(200),
    [`GET ${newForm}`]: REGISTER_EDITOR(200),
    [`POST ${newForm}`]: REGISTER_EDITOR(EMPTY_FORM),
    ...Object.fromEntries(
      ["review", "end", "report"].flatMap((a) => [
        [`GET ${page}/:delegationId/${a}`, unknownTarget],
        [`POST ${page}/:delegationId/${a}`, unknownTarget],
      ]),
    ),
  },
  apiBodies: {
    "POST /api/v1/authorities/:authorityId/delegations": JSON.stringify({
      serviceId: "019a0000-0000-7000-8000-00000000d004",
      areaCode: "E07000903",
      organisationId: "019a0000-0000-7000-8000-00000000b029",
      budget: "85000",
      standards: ["Grass cut every two weeks"],
      startsOn: "2027-01-01",
      reviewOn: "2027-12-31",
    }),
    [`POST ${api}/:delegationId/review`]: JSON.stringify({
      outcome: "continued",
      note: "Going well.",
      nextReviewOn: "2030-01-01",
    }),
    [`POST ${api}/:delegationId/end`]: JSON.stringify({ reasons: "The council asked to hand it back." }),
    [`POST ${api}/:delegationId/reports`]: JSON.stringify({
      from: "2026-01-01",
      to: "2026-03-31",
      delivered: "Grass cut.",
      spent: "100",
      ratings: ["met"],
    }),
  },
};
