/**
 * The spin-out path's pages: the authority's proposals (/authorities/:slug/spin-outs, public), the
 * propose form (…/spin-outs/new: its staff, choosing a service of the register and colleagues by
 * name), a proposal (/authorities/:slug/spin-outs/:proposalId, public: its stages, checklist, the
 * parent body's decision with reasons, overdue, the appeal open after a refusal; the team ticks items
 * and moves on with its buttons), the team's forms (…/stages/:stage: a stage's owner and target;
 * …/facts: the staff transferred and the mutual's organisation), the parent body's decision form
 * (…/:proposalId/decision), and the mutual's administrators' survival form (…/survival).
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { buttonAction, dateField, field, fieldList, formPage } from "../../http/forms.ts";
import { anyone, page } from "../../http/routes.ts";
import { filesOf } from "../../http/uploads.ts";
import { NotFoundError } from "../../lib/errors.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup } from "../access/policies.ts";
import {
  addDocument,
  advanceProposal,
  decideProposal,
  decisionPeriodFormOf,
  documentFormOf,
  documentOf,
  factsFormOf,
  mayPropose,
  mayPublishPeriod,
  proposalOf,
  proposalsOf,
  proposeFormOf,
  proposeSpinout,
  recordSurvival,
  setDecisionPeriod,
  setSpinoutFacts,
  setStagePlan,
  tickItem,
} from "./mutuals.service.ts";
import { SURVIVAL } from "./mutuals.table.ts";
import { isStageId } from "./stages.ts";

type SlugRequest = FastifyRequest<{
  Params: { slug: string };
  Querystring: { service?: string; notice?: string };
}>;
type DocumentRequest = FastifyRequest<{ Params: { slug: string; proposalId: string; documentId: string } }>;
type StageRequest = FastifyRequest<{ Params: { slug: string; proposalId: string; stage: string } }>;
type ProposalRequest = FastifyRequest<{
  Params: { slug: string; proposalId: string };
  Querystring: { notice?: string };
}>;
type ItemRequest = FastifyRequest<{ Params: { slug: string; proposalId: string; item: string } }>;

const VIEWS = "mutuals/views";
const NOTICES = [
  "document",
  "proposed",
  "ticked",
  "unticked",
  "advanced",
  "decided",
  "planned",
  "facts",
  "survival",
];
const staff = afterLookup({
  description:
    "The authority's staff (holders of its commissioner, evaluator, bid-opener or administrator roles)",
  signedIn: true,
  check() {},
});
const periodAdmins = afterLookup({
  description: "The authority's administrators",
  signedIn: true,
  check() {},
});
const documentReaders = afterLookup({
  description: "The proposal's team and the authority's administrators",
  signedIn: true,
  check() {},
});
const filesCtx = (request: FastifyRequest) => ({ ...ctxOf(request), files: request.server.deps.files });
const mutualAdmins = afterLookup({ description: "The mutual's administrators", signedIn: true, check() {} });

/** A date input's parts (`name-day`, `-month`, `-year`) from a YYYY-MM-DD date, or empty. */
function dateParts(name: string, iso: string | null): Record<string, string> {
  const [year, month, day] = iso ? iso.split("-") : ["", "", ""];
  return {
    [`${name}-day`]: day ? String(Number(day)) : "",
    [`${name}-month`]: month ? String(Number(month)) : "",
    [`${name}-year`]: year ?? "",
  };
}
const readParts = (body: unknown, name: string) => ({
  [`${name}-day`]: field(body, `${name}-day`),
  [`${name}-month`]: field(body, `${name}-month`),
  [`${name}-year`]: field(body, `${name}-year`),
});
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
      mayPropose: mayPropose(ctxOf(request), request.authority.id),
      mayPublishPeriod: mayPublishPeriod(ctxOf(request), request.authority.id),
      notice: request.query.notice === "period" ? "period" : undefined,
      periodWorkingDays: r.periodWorkingDays,
      proposals: r.proposals.map((p) => ({
        ...p,
        url: `/authorities/${request.authority.slug}/spin-outs/${p.id}`,
      })),
    });
  });

  formPage(app, `${list}/decision-period`, {
    who: periodAdmins,
    template: `${VIEWS}/period.njk`,
    context: async (request: SlugRequest) => ({
      authority: request.authority,
      ...(await decisionPeriodFormOf(ctxOf(request), request.authority.id)),
      noindex: true,
    }),
    values: (_request, context) => ({ workingDays: String(context.workingDays) }),
    read: (body) => ({ workingDays: field(body, "workingDays") }),
    submit: async (request: SlugRequest, values) => {
      const n = values.workingDays;
      await setDecisionPeriod(ctxOf(request), request.authority.id, {
        workingDays: /^\d{1,3}$/.test(n) ? Number(n) : n,
      });
      return `/authorities/${request.authority.slug}/spin-outs?notice=period`;
    },
  });

  formPage(app, `${list}/new`, {
    who: staff,
    template: `${VIEWS}/propose.njk`,
    context: async (request: SlugRequest) => ({
      authority: request.authority,
      ...(await proposeFormOf(ctxOf(request), request.authority.id)),
      noindex: true,
    }),
    values: (request: SlugRequest) => ({
      serviceId: request.query.service ?? "",
      title: "",
      summary: "",
      memberIds: [] as string[],
    }),
    read: (body) => ({
      serviceId: field(body, "serviceId"),
      title: field(body, "title"),
      summary: field(body, "summary"),
      memberIds: fieldList(body, "memberIds"),
    }),
    submit: async (request: SlugRequest, values) => {
      const id = await proposeSpinout(ctxOf(request), request.authority.id, values);
      return `/authorities/${request.authority.slug}/spin-outs/${id}?notice=proposed`;
    },
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

  formPage(app, `${one}/stages/:stage`, {
    who: team,
    template: `${VIEWS}/plan.njk`,
    context: async (request: StageRequest) => {
      const v = await proposalOf(ctxOf(request), request.authority.id, request.params.proposalId);
      const stage = v.stages.find((s) => s.id === request.params.stage);
      if (!isStageId(request.params.stage) || !stage) throw new NotFoundError("stage");
      return {
        authority: request.authority,
        v,
        stage,
        pageUrl: `/authorities/${request.authority.slug}/spin-outs/${v.proposal.id}`,
        noindex: true,
      };
    },
    values: (_request, context) => ({
      ownerId: context.stage.ownerId ?? "",
      ...dateParts("targetOn", context.stage.targetOn),
    }),
    read: (body) => ({ ownerId: field(body, "ownerId"), ...readParts(body, "targetOn") }),
    fieldOf: (f) => (f === "targetOn" ? "targetOn-day" : f),
    submit: async (request: StageRequest, values, context) => {
      const targetOn = dateField(values, "targetOn");
      await setStagePlan(
        ctxOf(request),
        request.authority.id,
        request.params.proposalId,
        request.params.stage,
        {
          ownerId: values.ownerId === "" ? null : values.ownerId,
          targetOn: targetOn === "" ? null : targetOn,
        },
      );
      return `${context.pageUrl}?notice=planned`;
    },
  });

  formPage(app, `${one}/facts`, {
    who: team,
    template: `${VIEWS}/facts.njk`,
    context: async (request: ProposalRequest) => {
      const ctx = ctxOf(request);
      const { organisations } = await factsFormOf(ctx, request.authority.id, request.params.proposalId);
      const v = await proposalOf(ctx, request.authority.id, request.params.proposalId);
      return {
        authority: request.authority,
        v,
        organisations,
        pageUrl: `/authorities/${request.authority.slug}/spin-outs/${v.proposal.id}`,
        noindex: true,
      };
    },
    values: (_request, context) => ({
      staffTransferred: context.v.proposal.staff_transferred?.toString() ?? "",
      organisationId: context.v.proposal.organisation_id ?? "",
    }),
    read: (body) => ({
      staffTransferred: field(body, "staffTransferred"),
      organisationId: field(body, "organisationId"),
    }),
    submit: async (request: ProposalRequest, values, context) => {
      const n = values.staffTransferred;
      await setSpinoutFacts(ctxOf(request), request.authority.id, request.params.proposalId, {
        staffTransferred:
          n === "" ? null : /^\d{1,7}$/.test(n.replaceAll(",", "")) ? Number(n.replaceAll(",", "")) : n,
        organisationId: values.organisationId === "" ? null : values.organisationId,
      });
      return `${context.pageUrl}?notice=facts`;
    },
  });

  formPage(app, `${one}/survival`, {
    who: mutualAdmins,
    template: `${VIEWS}/survival.njk`,
    context: async (request: ProposalRequest) => {
      const v = await proposalOf(ctxOf(request), request.authority.id, request.params.proposalId);
      return {
        authority: request.authority,
        v,
        survivals: SURVIVAL,
        pageUrl: `/authorities/${request.authority.slug}/spin-outs/${v.proposal.id}`,
        noindex: true,
      };
    },
    values: (_request, context) => ({
      survival: context.v.proposal.survival ?? "",
      ...dateParts("on", null),
    }),
    read: (body) => ({ survival: field(body, "survival"), ...readParts(body, "on") }),
    fieldOf: (f) => (f === "on" ? "on-day" : f),
    submit: async (request: ProposalRequest, values, context) => {
      await recordSurvival(ctxOf(request), request.authority.id, request.params.proposalId, {
        survival: values.survival,
        on: dateField(values, "on"),
      });
      return `${context.pageUrl}?notice=survival`;
    },
  });

  formPage(app, `${one}/documents`, {
    who: team,
    uploads: true,
    template: `${VIEWS}/document.njk`,
    context: async (request: ProposalRequest) => {
      const v = await documentFormOf(ctxOf(request), request.authority.id, request.params.proposalId);
      return {
        authority: request.authority,
        v,
        pageUrl: `/authorities/${request.authority.slug}/spin-outs/${v.proposal.id}`,
        noindex: true,
      };
    },
    read: () => ({}),
    fieldOf: (f) => (f?.startsWith("document") ? "document" : f),
    submit: async (request: ProposalRequest, _values, context) => {
      const file = filesOf(request.body, "document")[0];
      await addDocument(
        filesCtx(request),
        request.authority.id,
        request.params.proposalId,
        file ? { filename: file.filename, content: file } : null,
      );
      return `${context.pageUrl}?notice=document#documents`;
    },
  });

  app.get(
    `${one}/documents/:documentId`,
    page({ who: documentReaders }),
    async (request: DocumentRequest, reply) => {
      const { proposalId, documentId } = request.params;
      const { document, bytes } = await documentOf(
        filesCtx(request),
        request.authority.id,
        proposalId,
        documentId,
      );
      await reply
        .header("content-type", document.media_type)
        .header(
          "content-disposition",
          `attachment; filename="${document.filename.replace(/[^\w.-]+/g, "_")}"`,
        )
        .header("cache-control", "private, no-store")
        .send(Buffer.from(bytes));
    },
  );
}
