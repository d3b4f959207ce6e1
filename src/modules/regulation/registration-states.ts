/**
 * The registration lifecycle (DOMAIN.md §3, issue 7 item 2): applied → registered (optionally with
 * conditions) or refused; registered ↔ dormant, registered ↔ suspended; registered, dormant or
 * suspended → cancelled. Cancelled and refused are final. Pure: the service applies it.
 */
import type { RegistrationStatus } from "./regulation.table.ts";

export const TRANSITIONS: Readonly<Record<RegistrationStatus, readonly RegistrationStatus[]>> = {
  applied: ["registered", "refused"],
  registered: ["dormant", "suspended", "cancelled"],
  dormant: ["registered", "cancelled"],
  suspended: ["registered", "cancelled"],
  cancelled: [],
  refused: [],
};

export function canMove(from: RegistrationStatus, to: RegistrationStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** A registration that lets the provider carry on its regulated activities now. */
export function isCurrent(status: RegistrationStatus): boolean {
  return status === "registered";
}

/** A location the regulator may inspect: one on its register that has not ended. */
export function isInspectable(status: RegistrationStatus): boolean {
  return status === "registered" || status === "dormant" || status === "suspended";
}
