/**
 * Request and response schemas of the second-approval amounts: the authority's ceiling
 * (/api/v1/authorities/:authorityId/outcome-contracts/approval-ceiling) and a contract's amount, its
 * raises confirmed or refused (…/outcome-contracts/:contractId/second-approval). Pence as digits.
 */
import { Type } from "typebox";
import { Instant, Nullable, PenceText, Strings, Uuid } from "../../http/schemas.ts";
import { RAISE_STATUSES } from "./results.table.ts";

export const ContractParams = Type.Object({ authorityId: Uuid, contractId: Uuid });
export const RaiseParams = Type.Object({ authorityId: Uuid, contractId: Uuid, raiseId: Uuid });

export const CeilingBody = Type.Object({
  ceilingPence: Type.String({
    pattern: "^[0-9]{1,18}$",
    description:
      "The most any of the authority's contracts may set as its second-approval amount, whole pence",
  }),
});

export const CeilingResponse = Type.Object({
  ceilingPence: PenceText,
  isDefault: Type.Boolean({ description: "True until the authority's administrators set one (£25,000.00)" }),
  setBy: Nullable(Uuid),
  setByName: Nullable(Type.String({ description: "The administrator's display name" })),
  setAt: Nullable(Instant),
  aboveCeiling: Type.Array(
    Type.Object({
      id: Uuid,
      reference: Type.String(),
      title: Type.String(),
      secondApprovalAbovePence: PenceText,
    }),
    { description: "Contracts whose amount is above the ceiling (set before it was lowered), at most 50" },
  ),
});

export const AmountBody = Type.Object({
  secondApprovalAbovePence: Type.String({
    pattern: "^[0-9]{1,18}$",
    description:
      "The new amount, whole pence: lower takes effect at once; higher waits for another person to confirm it",
  }),
});

export const Raise = Type.Object({
  id: Uuid,
  contractId: Uuid,
  fromPence: PenceText,
  toPence: PenceText,
  status: Strings(RAISE_STATUSES),
  proposedBy: Uuid,
  proposedByName: Nullable(Type.String({ description: "The authority's staff: a display name" })),
  proposedAt: Instant,
  decidedBy: Nullable(Uuid),
  decidedByName: Nullable(Type.String()),
  decidedAt: Nullable(Instant),
});

export const SecondApprovalResponse = Type.Object({
  secondApprovalAbovePence: PenceText,
  ceilingPence: PenceText,
  pendingRaise: Nullable(Raise),
});

export const AmountResponse = Type.Object({
  outcome: Strings(["lowered", "proposed", "unchanged"] as const),
  secondApprovalAbovePence: Type.String({
    pattern: "^[0-9]{1,18}$",
    description: "The amount in force now (a raise proposed is not, until confirmed)",
  }),
  raise: Nullable(Raise),
});
