/**
 * The spin-out path's pages: the authority's proposals (/authorities/:slug/spin-outs, public), a
 * proposal (/authorities/:slug/spin-outs/:proposalId, public: its stages, checklist, the parent
 * body's decision with reasons, overdue, the appeal open after a refusal; the team ticks items and
 * moves on with its buttons), and the parent body's decision form (…/:proposalId/decision).
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { buttonAction, field, formPage } from "../../http/forms.ts";
import { anyone, page } from "../../http/routes.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup } from "../access/policies.ts";
import { advanceProposal, decideProposal, proposalOf, proposalsOf, tickItem } from "./mutuals.service.ts";

type SlugRequest = FastifyRequest<{ Params: { slug: string } }>;
type ProposalRequest = FastifyRequest<{
  Params: { slug: string; proposalId: string };
  Querystring: { notice?: string };
}>;
type ItemRequest = FastifyRequest<{ Params: { slug: string; proposalId: string; item: string } }>;

const VIEWS = "mutuals/views";
const NOTICES = ["ticked", "unticked", "advanced", "decided"];
const team = afterLookup({ description: "The proposal's team", signedIn: true, check() {} });
const administrators = afterLookup({
  description: "The authority's administrators who are not on the proposal's team",
  signedIn: true,
  check() {},
});

export function mutualsPages(app: FastifyInstance): void {
  const list = "/authorities/:slug/spin-outs";
  const one = `${list}/:proposalId`;

  app.get(list, page({ who: anyone }), async (request: SlugRequest, reply) => {
    const r = await proposalsOf(ctxOf(request), request.authority.id);
    await reply.page(`${VIEWS}/proposals.njk`, {
      authority: request.authority,
      periodWorkingDays: r.periodWorkingDays,
      proposals: r.proposals.map((p) => ({
        ...p,
        url: `/authorities/${request.authority.slug}/spin-outs/${p.id}`,
      })),
    });
  });

  app.get(one, page({ who: anyone }), async (request: ProposalRequest, reply) => {
    const v = await proposalOf(ctxOf(request), request.authority.id, request.params.proposalId);
    const notice = NOTICES.includes(request.query.notice ?? "") ? request.query.notice : undefined;
    await reply.page(`${VIEWS}/proposal.njk`, {
      authority: request.authority,
      v,
      pageUrl: `/authorities/${request.authority.slug}/spin-outs/${v.proposal.id}`,
      notice,
    });
  });

  buttonAction(app, `${one}/checklist/:item`, { who: team }, async (request: ItemRequest) => {
    const { proposalId, item } = request.params;
    const done = field(request.body, "done") === "yes";
    await tickItem(ctxOf(request), request.authority.id, proposalId, item, done);
    return `/authorities/${request.authority.slug}/spin-outs/${proposalId}?notice=${done ? "ticked" : "unticked"}`;
  });

  buttonAction(app, `${one}/advance`, { who: team }, async (request: ProposalRequest) => {
    await advanceProposal(ctxOf(request), request.authority.id, request.params.proposalId);
    return `/authorities/${request.authority.slug}/spin-outs/${request.params.proposalId}?notice=advanced`;
  });

  formPage(app, `${one}/decision`, {
    who: administrators,
    template: `${VIEWS}/decision.njk`,
    context: async (request: ProposalRequest) => {
      const v = await proposalOf(ctxOf(request), request.authority.id, request.params.proposalId);
      return {
        authority: request.authority,
        v,
        pageUrl: `/authorities/${request.authority.slug}/spin-outs/${v.proposal.id}`,
        noindex: true,
      };
    },
    values: () => ({ decision: "", reasons: "" }),
    read: (body) => ({ decision: field(body, "decision"), reasons: field(body, "reasons") }),
    submit: async (request: ProposalRequest, values, context) => {
      await decideProposal(ctxOf(request), request.authority.id, request.params.proposalId, values);
      return `${context.pageUrl}?notice=decided`;
    },
  });
}
