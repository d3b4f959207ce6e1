/**
 * Who may call the award's routes besides those of evaluation (`moderators`, in
 * evaluation.policies.ts) and the access module's (`anyone`, `signedIn`). The services decide every
 * rule again.
 */
import { organisationRoles } from "../access/policies.ts";
import { BIDDER_ROLES } from "./award.service.ts";

/** The organisation's own people (its administrators and members): who see its assessment summaries. */
export const bidderPeople = organisationRoles(
  BIDDER_ROLES,
  "see this organisation's assessment summaries",
  "The organisation's own people",
);
