import type { RuleSet } from "../rules.ts";
import { anyone, EMPTY_FORM, INCOMPLETE_BODY, platformAdmin, UNKNOWN, unknownTarget } from "../rules.ts";

/**
 * Accreditation bodies and standards (src/modules/standards): the list, a body and a standard are
 * public (an unknown one is 404 to everyone); platform administrators register bodies; the routes
 * naming a body, a standard, an accreditation or a tender ask only for sign-in, and the service
 * looks the record up first (the matrix's unknown one: 404 to everyone signed in) before asking
 * whether the caller acts for the body (or edits the tender).
 */
const std = "/api/v1/standards/:standardId";
const tender = "/authorities/:slug/tenders/:tenderId/accreditation";
const requirements = "/api/v1/authorities/:authorityId/tenders/:tenderId/accreditation-requirements";
const invisible = () => "invisible" as const;

export const standards: RuleSet = {
  rules: {
    "GET /api/v1/accreditation-bodies": anyone(200),
    // The matrix sends no organisation nor public body: the service asks for one.
    "POST /api/v1/accreditation-bodies": platformAdmin(INCOMPLETE_BODY),
    "POST /api/v1/accreditation-bodies/:bodyId/standards": unknownTarget,
    [`GET ${std}`]: invisible,
    [`POST ${std}/versions`]: unknownTarget,
    [`POST ${std}/accreditations`]: unknownTarget,
    "POST /api/v1/accreditations/:accreditationId/suspend": unknownTarget,
    "POST /api/v1/accreditations/:accreditationId/withdraw": unknownTarget,
    [`GET ${requirements}`]: unknownTarget,
    [`POST ${requirements}`]: unknownTarget,
    "GET /standards": anyone(200),
    "GET /standards/bodies/new": platformAdmin(200),
    "POST /standards/bodies/new": platformAdmin(EMPTY_FORM),
    "GET /standards/bodies/:bodyId": invisible,
    "GET /standards/bodies/:bodyId/new-standard": unknownTarget,
    "POST /standards/bodies/:bodyId/new-standard": unknownTarget,
    "GET /standards/:standardId": invisible,
    "POST /standards/:standardId": unknownTarget,
    "GET /standards/:standardId/new-version": unknownTarget,
    "POST /standards/:standardId/new-version": unknownTarget,
    "GET /standards/:standardId/accreditations/:accreditationId/suspend": unknownTarget,
    "POST /standards/:standardId/accreditations/:accreditationId/suspend": unknownTarget,
    "GET /standards/:standardId/accreditations/:accreditationId/withdraw": unknownTarget,
    "POST /standards/:standardId/accreditations/:accreditationId/withdraw": unknownTarget,
    [`GET ${tender}`]: unknownTarget,
    [`POST ${tender}`]: unknownTarget,
    [`POST ${tender}/:standardId/drop`]: unknownTarget,
  },
  apiBodies: {
    "POST /api/v1/accreditation-bodies/:bodyId/standards": JSON.stringify({
      title: "A standard",
      serviceCategory: "employment-support",
      criteria: "What a provider does",
      effectiveOn: "2027-04-01",
    }),
    [`POST ${std}/versions`]: JSON.stringify({ criteria: "What a provider does", effectiveOn: "2027-04-01" }),
    [`POST ${std}/accreditations`]: JSON.stringify({ organisationId: UNKNOWN, expiresOn: "2027-04-01" }),
    "POST /api/v1/accreditations/:accreditationId/suspend": JSON.stringify({ reason: "A reason" }),
    "POST /api/v1/accreditations/:accreditationId/withdraw": JSON.stringify({ reason: "A reason" }),
    [`POST ${requirements}`]: JSON.stringify({ standardId: UNKNOWN }),
  },
};
