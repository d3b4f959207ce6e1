/**
 * Who may call contracts' routes (`Who`, src/http/routes.ts) beyond the access module's policies:
 * the supplier's own people, who report against a contract's KPIs. The services called decide every
 * rule again (that the person acts for this contract's supplier, for one).
 */
import type { Who } from "../../http/routes.ts";
import { requireSupplierPerson } from "./kpi-reports.service.ts";

/** An organisation's administrators and members (not platform administrators). */
export const supplierPeople: Who = {
  description: "The supplier's own people: its organisation's administrators and members",
  signedIn: true,
  check(request) {
    requireSupplierPerson(request.principal);
  },
};
