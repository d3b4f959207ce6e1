/**
 * Who may call the Right to Challenge's routes, besides the platform's policies
 * (src/modules/access/policies.ts). The services decide every rule again.
 */
import type { Who } from "../../http/routes.ts";
import { requireStaffDomainsEditor } from "./employees.service.ts";

/**
 * The authority's administrators (platform administrators too), once it is verified: who sets its
 * staff email domains. 404 for an unknown authority before 403.
 */
export const authorityAdmins: Who = {
  description: "The authority's administrators, once it is verified",
  signedIn: true,
  async check(request) {
    const params = (request.params ?? {}) as { authorityId?: string };
    await requireStaffDomainsEditor(
      request.server.deps.db,
      request.principal,
      request.authority?.id ?? params.authorityId ?? "",
    );
  },
};
