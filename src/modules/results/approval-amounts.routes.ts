/**
 * The second-approval amounts' JSON API — the authority's ceiling
 * (/api/v1/authorities/{authorityId}/outcome-contracts/approval-ceiling) and a contract's amount
 * (…/outcome-contracts/{contractId}/second-approval, its raises confirmed or refused) — and their
 * pages (approval-amounts.pages.ts). Each route calls one service, which decides who may.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { api, errorResponses, type Who } from "../../http/routes.ts";
import { AuthorityParams } from "../../http/schemas.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, authorityEditors } from "../access/policies.ts";
import { approvalAmountPages } from "./approval-amounts.pages.ts";
import {
  AmountBody,
  AmountResponse,
  CeilingBody,
  CeilingResponse,
  ContractParams,
  RaiseParams,
  Raise as RaiseSchema,
  SecondApprovalResponse,
} from "./approval-amounts.schemas.ts";
import {
  approvalCeiling,
  type CeilingView,
  changeSecondApprovalAmount,
  confirmRaise,
  type RaiseView,
  refuseRaise,
  secondApprovalOf,
  setApprovalCeiling,
} from "./approval-amounts.service.ts";

const tags: [string] = ["results"];

const administrators: Who = {
  ...authorityEditors,
  description:
    "The authority's administrators, in a session signed in with two-factor (not its commissioners, nor platform administrators)",
};
const commissioners: Who = afterLookup({
  description:
    "The authority's commissioners and administrators (others who may see the outcome contract get 403; anyone else 404)",
  signedIn: true,
  check() {},
});

export function raiseToApi(r: RaiseView) {
  return {
    id: r.id,
    contractId: r.contractId,
    fromPence: r.fromPence.toString(),
    toPence: r.toPence.toString(),
    status: r.status,
    proposedBy: r.proposedBy,
    proposedByName: r.proposedByName,
    proposedAt: r.proposedAt.toISOString(),
    decidedBy: r.decidedBy,
    decidedByName: r.decidedByName,
    decidedAt: r.decidedAt?.toISOString() ?? null,
  };
}

function ceilingToApi(c: CeilingView) {
  return {
    ceilingPence: c.ceilingPence.toString(),
    isDefault: c.isDefault,
    setBy: c.setBy,
    setByName: c.setByName,
    setAt: c.setAt?.toISOString() ?? null,
    aboveCeiling: c.above.map((a) => ({
      id: a.id,
      reference: a.reference,
      title: a.title,
      secondApprovalAbovePence: a.amountPence.toString(),
    })),
  };
}

export async function approvalAmountsRoutes(app: FastifyInstance): Promise<void> {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();
  const ceiling = "/api/v1/authorities/:authorityId/outcome-contracts/approval-ceiling";
  const amount = "/api/v1/authorities/:authorityId/outcome-contracts/:contractId/second-approval";

  json.get(
    ceiling,
    api(
      { who: authorityEditors, scope: "results:read" },
      {
        operationId: "getOutcomeApprovalCeiling",
        tags,
        summary:
          "The authority's ceiling for its outcome contracts' second-approval amounts, and the contracts above it",
        params: AuthorityParams,
        response: { 200: CeilingResponse },
      },
    ),
    async (request) => ceilingToApi(await approvalCeiling(ctxOf(request), request.params.authorityId)),
  );

  json.put(
    ceiling,
    api(
      { who: administrators, scope: "results:write" },
      {
        operationId: "setOutcomeApprovalCeiling",
        tags,
        summary: "Set the authority's ceiling for its outcome contracts' second-approval amounts",
        description:
          "A contract's amount must be at or below it whenever the amount is set (at set-up, lowered, proposed or confirmed: 422 naming the ceiling). Lowering it changes no contract: the answer lists those above it. The authority's administrators only, in a session signed in with two-factor.",
        params: AuthorityParams,
        body: CeilingBody,
        response: { 200: CeilingResponse },
      },
    ),
    async (request) =>
      ceilingToApi(
        await setApprovalCeiling(ctxOf(request), request.params.authorityId, {
          ceiling: BigInt(request.body.ceilingPence),
        }),
      ),
  );

  json.get(
    amount,
    api(
      { who: commissioners, scope: "results:read" },
      {
        operationId: "getOutcomeSecondApprovalAmount",
        tags,
        summary:
          "A contract's second-approval amount, the authority's ceiling, and a raise waiting for a second person",
        params: ContractParams,
        response: { 200: SecondApprovalResponse },
      },
    ),
    async (request) => {
      const v = await secondApprovalOf(ctxOf(request), request.params.authorityId, request.params.contractId);
      return {
        secondApprovalAbovePence: v.amountPence.toString(),
        ceilingPence: v.ceilingPence.toString(),
        pendingRaise: v.pending ? raiseToApi(v.pending) : null,
      };
    },
  );

  json.post(
    amount,
    api(
      { who: commissioners, scope: "results:write" },
      {
        operationId: "changeOutcomeSecondApprovalAmount",
        tags,
        summary: "Change a contract's second-approval amount: lower at once, or propose a raise",
        description:
          "At most the authority's ceiling (422 naming it). Lower: in force at once (200), and a run approved by one person that now pays more goes back to waiting for a second approval. Higher: a raise proposed (202) that another commissioner or administrator confirms or refuses; the same raise sent again answers it as it is, another while one waits is 409.",
        params: ContractParams,
        body: AmountBody,
        response: { 200: AmountResponse, 202: AmountResponse, ...errorResponses(409, 422) },
      },
    ),
    async (request, reply) => {
      const done = await changeSecondApprovalAmount(
        ctxOf(request),
        request.params.authorityId,
        request.params.contractId,
        { amount: BigInt(request.body.secondApprovalAbovePence) },
      );
      return reply.status(done.outcome === "proposed" ? 202 : 200).send({
        outcome: done.outcome,
        secondApprovalAbovePence: done.amountPence.toString(),
        raise: done.raise ? raiseToApi(done.raise) : null,
      });
    },
  );

  json.post(
    `${amount}/raises/:raiseId/confirm`,
    api(
      { who: commissioners, scope: "results:write" },
      {
        operationId: "confirmOutcomeApprovalRaise",
        tags,
        summary: "Confirm a raise of the second-approval amount proposed by another person",
        description:
          "The amount becomes the one proposed. Needs a session signed in with two-factor. 409 for whoever proposed it, or a raise refused or superseded; 422 when it is now above the ceiling. Confirming again answers it as it is.",
        params: RaiseParams,
        body: "none",
        response: { 200: RaiseSchema, ...errorResponses(409, 422) },
      },
    ),
    async (request) => {
      const { authorityId, contractId, raiseId } = request.params;
      return raiseToApi(await confirmRaise(ctxOf(request), authorityId, contractId, raiseId));
    },
  );

  json.post(
    `${amount}/raises/:raiseId/refuse`,
    api(
      { who: commissioners, scope: "results:write" },
      {
        operationId: "refuseOutcomeApprovalRaise",
        tags,
        summary: "Refuse a raise of the second-approval amount (whoever proposed it withdraws it so)",
        description: "The amount stays as it is. 409 once the raise is confirmed.",
        params: RaiseParams,
        body: "none",
        response: { 200: RaiseSchema, ...errorResponses(409) },
      },
    ),
    async (request) => {
      const { authorityId, contractId, raiseId } = request.params;
      return raiseToApi(await refuseRaise(ctxOf(request), authorityId, contractId, raiseId));
    },
  );

  approvalAmountPages(app);
}
