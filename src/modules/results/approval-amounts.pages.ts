/**
 * The pages of the second-approval amounts: the authority's ceiling
 * (/authorities/:slug/outcome-contracts/approval-ceiling: its commissioners and administrators read
 * it, its administrators set it) and a contract's amount
 * (/authorities/:slug/outcome-contracts/:contractId/second-approval: lowered at once, or a raise
 * proposed; a raise waiting confirmed or refused by its buttons). Each form re-renders with its errors.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { buttonAction, field, formPage } from "../../http/forms.ts";
import { formatPence } from "../../lib/money.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, authorityEditors } from "../access/policies.ts";
import {
  approvalCeiling,
  changeSecondApprovalAmount,
  confirmRaise,
  type RaiseView,
  refuseRaise,
  secondApprovalOf,
  setApprovalCeiling,
} from "./approval-amounts.service.ts";

type SlugRequest = FastifyRequest<{ Params: { slug: string }; Querystring: { notice?: string } }>;
type ContractRequest = FastifyRequest<{
  Params: { slug: string; contractId: string };
  Querystring: { notice?: string };
}>;
type RaiseRequest = FastifyRequest<{ Params: { slug: string; contractId: string; raiseId: string } }>;

const VIEWS = "results/views/approvals";

/** The notices a page shows after a change, by the `notice` its redirect names. */
const CEILING_NOTICES = ["set"];
const AMOUNT_NOTICES = ["lowered", "proposed", "unchanged", "confirmed", "refused"];

const contractPeople = afterLookup({
  description: "The authority's commissioners and administrators",
  signedIn: true,
  check() {},
});

const noticeOf = (request: { query: { notice?: string } }, known: readonly string[]) =>
  known.includes(request.query.notice ?? "") ? request.query.notice : undefined;

function shownRaise(raise: RaiseView | null, userId: string | undefined) {
  if (!raise) return null;
  return {
    id: raise.id,
    to: formatPence(raise.toPence),
    from: formatPence(raise.fromPence),
    by: raise.proposedByName,
    at: raise.proposedAt,
    yours: raise.proposedBy === userId,
  };
}

export function approvalAmountPages(app: FastifyInstance): void {
  const list = "/authorities/:slug/outcome-contracts";
  const one = `${list}/:contractId/second-approval`;

  formPage(app, `${list}/approval-ceiling`, {
    who: authorityEditors,
    template: `${VIEWS}/ceiling.njk`,
    context: async (request: SlugRequest) => {
      const c = await approvalCeiling(ctxOf(request), request.authority.id);
      return {
        authority: request.authority,
        listUrl: `/authorities/${request.authority.slug}/outcome-contracts`,
        notice: noticeOf(request, CEILING_NOTICES),
        ceiling: {
          amount: formatPence(c.ceilingPence),
          isDefault: c.isDefault,
          by: c.setByName,
          at: c.setAt,
          canSet: c.canSet,
          above: c.above.map((a) => ({
            url: `/authorities/${request.authority.slug}/outcome-contracts/${a.id}/second-approval`,
            reference: a.reference,
            title: a.title,
            amount: formatPence(a.amountPence),
          })),
        },
        noindex: true,
      };
    },
    values: (_request, context) => ({ ceiling: context.ceiling.amount }),
    read: (body) => ({ ceiling: field(body, "ceiling") }),
    submit: async (request: SlugRequest, v) => {
      await setApprovalCeiling(ctxOf(request), request.authority.id, v);
      return `/authorities/${request.authority.slug}/outcome-contracts/approval-ceiling?notice=set`;
    },
  });

  formPage(app, one, {
    who: contractPeople,
    template: `${VIEWS}/amount.njk`,
    context: async (request: ContractRequest) => {
      const v = await secondApprovalOf(ctxOf(request), request.authority.id, request.params.contractId);
      const { contract } = v.standing;
      const url = `/authorities/${request.authority.slug}/outcome-contracts/${contract.id}`;
      return {
        authority: request.authority,
        contract: { url, reference: contract.reference, title: contract.title },
        pageUrl: `${url}/second-approval`,
        ceilingUrl: `/authorities/${request.authority.slug}/outcome-contracts/approval-ceiling`,
        notice: noticeOf(request, AMOUNT_NOTICES),
        amount: formatPence(v.amountPence),
        ceiling: formatPence(v.ceilingPence),
        payer: v.standing.payer,
        pending: shownRaise(v.pending, request.principal?.userId),
        noindex: true,
      };
    },
    values: (_request, context) => ({ amount: context.amount }),
    read: (body) => ({ amount: field(body, "amount") }),
    submit: async (request: ContractRequest, v, context) => {
      const done = await changeSecondApprovalAmount(
        ctxOf(request),
        request.authority.id,
        request.params.contractId,
        v,
      );
      return `${context.pageUrl}?notice=${done.outcome}`;
    },
  });

  const decide = (act: typeof confirmRaise, notice: string) => async (request: RaiseRequest) => {
    const { contractId, raiseId } = request.params;
    await act(ctxOf(request), request.authority.id, contractId, raiseId);
    return `/authorities/${request.authority.slug}/outcome-contracts/${contractId}/second-approval?notice=${notice}`;
  };
  buttonAction(
    app,
    `${one}/raises/:raiseId/confirm`,
    { who: contractPeople },
    decide(confirmRaise, "confirmed"),
  );
  buttonAction(app, `${one}/raises/:raiseId/refuse`, { who: contractPeople }, decide(refuseRaise, "refused"));
}
