/**
 * The second tier's pages: the complainant's request to the ombudsman (from the complaint's page,
 * signed in or by the link), comments on a draft decision (both sides, on the complaint's page), and
 * the ombudsman's casework for its staff — its cases (/authorities/:ombudsmanSlug/cases), a case with
 * the first-tier file, and the forms to assess, assign, draft and decide. The ombudsman's address
 * has its own parameter name (`:ombudsmanSlug`, not `:slug`): an ombudsman is not an authority that
 * the `/authorities/:slug` look-up answers (it 404s), so its pages look it up themselves.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { dateField, field, fieldList, formAction, formPage } from "../../http/forms.ts";
import { page } from "../../http/routes.ts";
import { ConflictError } from "../../lib/errors.ts";
import { londonToday } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, anyone, signedIn } from "../access/policies.ts";
import { displayNamesOf, userById } from "../accounts/accounts.service.ts";
import { ADJUDICATOR_GROUNDS, appealInfo, isAppeal } from "./appeals.ts";
import {
  assessCase,
  assignInvestigator,
  caseOf,
  commentOnDraft,
  decideCase,
  draftDecision,
  escalateComplaint,
  escalationOffer,
  MAX_REMEDIES,
  ombudsmanCases,
  ombudsmanOfSlug,
  secondTierOf,
  staffChoices,
} from "./ombudsman.service.ts";
import { tokenOf, trackUrl } from "./redress.pages.ts";
import { type ComplaintView, complaintByToken, complaintOf, complaintPath } from "./redress.service.ts";
import { REMEDY_KINDS } from "./redress.table.ts";
import { OMBUDSMEN, SECOND_TIER_RULES } from "./regimes.ts";

const who = afterLookup(signedIn);
type ComplaintRequest = FastifyRequest<{ Params: { slug: string; complaintId: string } }>;
type CaseRequest = FastifyRequest<{ Params: { ombudsmanSlug: string; caseId: string } }>;
type Values = Record<string, string>;

const ESCALATE = "redress/views/ombudsman/escalate.njk";

function escalateValues(): Values {
  return { fileConsent: "", publicationConsent: "", mpReferral: "", earlyReason: "" };
}

function readEscalation(body: unknown): Values {
  return {
    fileConsent: field(body, "fileConsent"),
    publicationConsent: field(body, "publicationConsent"),
    mpReferral: field(body, "mpReferral"),
    earlyReason: field(body, "earlyReason"),
  };
}

function escalationInput(v: Values) {
  return {
    fileConsent: v.fileConsent === "yes",
    publicationConsent: v.publicationConsent === "yes",
    mpReferral: v.mpReferral,
    earlyReason: v.earlyReason,
  };
}

async function escalateContext(request: FastifyRequest, c: ComplaintView, extra: Record<string, unknown>) {
  const ctx = ctxOf(request);
  const choice = await escalationOffer(ctx.db, c, londonToday(ctx.clock));
  return {
    c,
    choice,
    ombudsman: SECOND_TIER_RULES.find((o) => o.code === choice?.ombudsman) ?? null,
    noindex: true,
    ...extra,
  };
}

/** The complaint a link opens, sent (409 before it is). */
async function trackedComplaint(request: FastifyRequest): Promise<ComplaintView> {
  const { view } = await complaintByToken(ctxOf(request), tokenOf(request));
  if (!view)
    throw new ConflictError(
      msg`Confirm your email address first: follow the link we sent you.`,
      "unverified",
    );
  return view;
}

/** The complaint page's context again, for a comment refused (the page re-rendered with its errors). */
async function complaintPageContext(
  request: FastifyRequest,
  c: ComplaintView,
  extra: Record<string, unknown>,
) {
  return { c, ombudsmen: OMBUDSMEN, noindex: true, ...(await secondTierOf(ctxOf(request), c)), ...extra };
}

function complaintPages(app: FastifyInstance): void {
  formPage(app, "/authorities/:slug/complaints/:complaintId/escalate", {
    who,
    template: ESCALATE,
    context: async (request: ComplaintRequest) =>
      escalateContext(
        request,
        await complaintOf(ctxOf(request), request.authority.id, request.params.complaintId),
        {},
      ),
    values: escalateValues,
    read: readEscalation,
    submit: async (request, v) => {
      const r = request as ComplaintRequest;
      await escalateComplaint(
        ctxOf(request),
        { authorityId: r.authority.id, complaintId: r.params.complaintId },
        escalationInput(v),
      );
      return `${complaintPath({ authority_slug: r.authority.slug, id: r.params.complaintId })}?notice=escalated`;
    },
  });

  formPage(app, "/complaints/track/escalate", {
    who: anyone,
    template: ESCALATE,
    context: async (request) =>
      escalateContext(request, await trackedComplaint(request), {
        token: tokenOf(request),
        base: "/complaints/track",
      }),
    values: escalateValues,
    read: readEscalation,
    submit: async (request, v) => {
      await escalateComplaint(ctxOf(request), { token: tokenOf(request) }, escalationInput(v));
      return trackUrl(tokenOf(request), "escalated");
    },
  });

  formAction(app, "/authorities/:slug/complaints/:complaintId/case-comment", {
    who,
    template: "redress/views/complaint.njk",
    context: async (request: ComplaintRequest) =>
      complaintPageContext(
        request,
        await complaintOf(ctxOf(request), request.authority.id, request.params.complaintId),
        {},
      ),
    read: (body) => ({ comment: field(body, "comment") }),
    submit: async (request, v) => {
      const r = request as ComplaintRequest;
      await commentOnDraft(
        ctxOf(request),
        { authorityId: r.authority.id, complaintId: r.params.complaintId },
        v,
      );
      return `${complaintPath({ authority_slug: r.authority.slug, id: r.params.complaintId })}?notice=commented`;
    },
  });

  formAction(app, "/complaints/track/case-comment", {
    who: anyone,
    template: "redress/views/complaint.njk",
    context: async (request) =>
      complaintPageContext(request, await trackedComplaint(request), {
        token: tokenOf(request),
        base: "/complaints/track",
      }),
    read: (body) => ({ comment: field(body, "comment") }),
    submit: async (request, v) => {
      await commentOnDraft(ctxOf(request), { token: tokenOf(request) }, v);
      return trackUrl(tokenOf(request), "commented");
    },
  });
}

/** The case of the page, for its ombudsman's staff (404 for anyone else). */
async function caseOfRequest(request: CaseRequest) {
  const ctx = ctxOf(request);
  const ombudsman = await ombudsmanOfSlug(ctx.db, request.params.ombudsmanSlug);
  return { ombudsman, ...(await caseOf(ctx, ombudsman.id, request.params.caseId)) };
}

async function investigatorName(request: FastifyRequest, id: string | null): Promise<string> {
  return id ? ((await userById(ctxOf(request).db, id))?.display_name ?? "") : "";
}

function remedyValues(n: number): Values {
  const v: Values = {};
  for (let i = 1; i <= n; i++) {
    v[`remedy${i}Kind`] = "";
    v[`remedy${i}Description`] = "";
    v[`remedy${i}Amount`] = "";
    v[`remedy${i}DueOn`] = "";
  }
  return v;
}

/** The rows a decision form offers for remedies. */
const REMEDY_ROWS = Math.min(3, MAX_REMEDIES);

function casePages(app: FastifyInstance): void {
  app.get(
    "/authorities/:ombudsmanSlug/cases",
    page({ who: signedIn }),
    async (
      request: FastifyRequest<{
        Params: { ombudsmanSlug: string };
        Querystring: { filter?: string; after?: string };
      }>,
      reply,
    ) => {
      const ctx = ctxOf(request);
      const ombudsman = await ombudsmanOfSlug(ctx.db, request.params.ombudsmanSlug);
      const found = await ombudsmanCases(ctx, ombudsman.id, request.query ?? {});
      await reply.page("redress/views/ombudsman/cases.njk", {
        ombudsman,
        base: `/authorities/${ombudsman.slug}/cases`,
        ...found,
        noindex: true,
      });
    },
  );

  app.get("/authorities/:ombudsmanSlug/cases/:caseId", page({ who }), async (request: CaseRequest, reply) => {
    const found = await caseOfRequest(request);
    await reply.page("redress/views/ombudsman/case.njk", {
      ...found,
      investigator: await investigatorName(request, found.k.investigator_id),
      today: londonToday(ctxOf(request).clock),
      appeal: appealInfo(found.file, found.k, found.ombudsman.nation, londonToday(ctxOf(request).clock)),
      notice: ((request.query ?? {}) as { notice?: string }).notice ?? null,
      noindex: true,
    });
  });

  const forms: {
    path: string;
    values: () => Values;
    read: (body: unknown) => Values;
    act: (request: CaseRequest, ombudsmanId: string, v: Values) => Promise<unknown>;
  }[] = [
    {
      path: "assess",
      values: () => ({ decision: "", reason: "", lateReason: "" }),
      read: (body) => ({
        decision: field(body, "decision"),
        reason: field(body, "reason"),
        lateReason: field(body, "lateReason"),
      }),
      act: (request, id, v) => assessCase(ctxOf(request), id, request.params.caseId, v),
    },
    {
      path: "investigator",
      values: () => ({ investigatorId: "" }),
      read: (body) => ({ investigatorId: field(body, "investigatorId") }),
      act: (request, id, v) => assignInvestigator(ctxOf(request), id, request.params.caseId, v),
    },
    {
      path: "draft",
      values: () => ({ draft: "", commentsCloseOn: "" }),
      read: (body) => ({ draft: field(body, "draft"), commentsCloseOn: dateField(body, "commentsCloseOn") }),
      act: (request, id, v) => draftDecision(ctxOf(request), id, request.params.caseId, v),
    },
    {
      path: "decision",
      values: () => ({
        finding: "",
        decision: "",
        publication: "",
        withheldReason: "",
        publishedSummary: "",
        groundsFound: "",
        ...remedyValues(REMEDY_ROWS),
      }),
      read: (body) => {
        const v: Values = {
          finding: field(body, "finding"),
          decision: field(body, "decision"),
          publication: field(body, "publication"),
          withheldReason: field(body, "withheldReason"),
          publishedSummary: field(body, "publishedSummary"),
          // An appeal's grounds found, one checkbox each: kept joined, as the form's values are text.
          groundsFound: fieldList(body, "groundsFound").join(" "),
        };
        for (let i = 1; i <= REMEDY_ROWS; i++) {
          v[`remedy${i}Kind`] = field(body, `remedy${i}Kind`);
          v[`remedy${i}Description`] = field(body, `remedy${i}Description`);
          v[`remedy${i}Amount`] = field(body, `remedy${i}Amount`);
          v[`remedy${i}DueOn`] = dateField(body, `remedy${i}DueOn`);
        }
        return v;
      },
      act: (request, id, v) =>
        decideCase(ctxOf(request), id, request.params.caseId, {
          ...v,
          groundsFound: (v.groundsFound ?? "").split(" ").filter((g) => g !== ""),
          remedies: Array.from({ length: REMEDY_ROWS }, (_, i) => ({
            kind: v[`remedy${i + 1}Kind`],
            description: v[`remedy${i + 1}Description`],
            amount: v[`remedy${i + 1}Amount`],
            dueOn: v[`remedy${i + 1}DueOn`],
          })),
        }),
    },
  ];
  for (const form of forms)
    formPage(app, `/authorities/:ombudsmanSlug/cases/:caseId/${form.path}`, {
      who,
      template: `redress/views/ombudsman/${form.path}.njk`,
      context: async (request: CaseRequest) => {
        const found = await caseOfRequest(request);
        // The staff's names in one read, not one per member (r1 #18).
        const ids =
          form.path === "investigator" ? await staffChoices(ctxOf(request), found.ombudsman.id) : [];
        const names = await displayNamesOf(ctxOf(request).db, ids);
        const staff = ids.map((id) => ({ id, name: names.get(id) ?? "" }));
        return {
          ...found,
          staff,
          remedyRows: REMEDY_ROWS,
          remedyKinds: REMEDY_KINDS,
          // An appeal to the adjudicator: its decision names the published grounds found.
          grounds: isAppeal(found.file) ? ADJUDICATOR_GROUNDS : [],
          noindex: true,
        };
      },
      values: form.values,
      read: form.read,
      submit: async (request, v, context) => {
        await form.act(request as CaseRequest, context.ombudsman.id, v);
        return `${context.k.path}?notice=${form.path}`;
      },
      fieldOf: (f) => (f === "commentsCloseOn" || /^remedy\dDueOn$/.test(f ?? "") ? `${f}-day` : f),
    });
}

export function ombudsmanPages(app: FastifyInstance): void {
  complaintPages(app);
  casePages(app);
}
