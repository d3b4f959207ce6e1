/**
 * Complaints' pages: making a complaint (/complaints/new), "Your complaints" (/complaints), a
 * complaint with every deadline and what the caller may do next
 * (/authorities/:slug/complaints/:complaintId), the body's forms (deciding on a late complaint,
 * extending, answering) and buttons (acknowledge; the complainant's accept and next stage), and the
 * body's lists (/authorities/:slug/complaints, /organisations/:id/complaints). A page that names a
 * complaint asks only for sign-in; the services decide (404, then 403, then 409).
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { buttonAction, dateField, field, formPage } from "../../http/forms.ts";
import { page } from "../../http/routes.ts";
import { type Ctx, ctxOf } from "../access/context.ts";
import { afterLookup, anyone, signedIn } from "../access/policies.ts";
import { accountsCtxOf } from "../accounts/authentication.ts";
import { organisationsByIds } from "../organisations/organisations.service.ts";
import { secondTierOf } from "./ombudsman.service.ts";
import { complaintsOfficers, providerPeople } from "./redress.policies.ts";
import {
  acceptResponse,
  acknowledgeComplaint,
  answererName,
  askNextStage,
  bodyComplaints,
  complaintByToken,
  complaintForm,
  complaintOf,
  complaintPath,
  confirmComplaint,
  decideLate,
  explainDelay,
  extendComplaint,
  makeComplaint,
  publicComplaintForm,
  respondToComplaint,
  startComplaintWithoutAccount,
  yourComplaints,
} from "./redress.service.ts";
import { FINDINGS } from "./redress.table.ts";
import { OMBUDSMEN, REGIMES } from "./regimes.ts";

const who = afterLookup(signedIn);
type ComplaintRequest = FastifyRequest<{ Params: { slug: string; complaintId: string } }>;

const NOTICES = [
  "made",
  "acknowledged",
  "extended",
  "responded",
  "accepted",
  "next-stage",
  "explained",
  "waived",
  "declined",
  "escalated",
  "commented",
];

function notice(request: FastifyRequest): string | null {
  const { notice: n } = (request.query ?? {}) as { notice?: string };
  return n && NOTICES.includes(n) ? n : null;
}

function url(slug: string, id: string, then?: string): string {
  return `${complaintPath({ authority_slug: slug, id })}${then ? `?notice=${then}` : ""}`;
}

/** The fields both complaint forms share; the signed-in form adds whom it is for, the other a name and an email. */
function blankComplaint(about: string, organisation: string | undefined) {
  return {
    about,
    organisationId: organisation ?? "",
    authorityId: "",
    bodyId: "",
    preferCommissioner: "",
    regime: "",
    actingAs: "",
    whatHappened: "",
    happenedOn: "",
    knewOn: "",
    outcomeWanted: "",
    phone: "",
    consent: "",
  };
}

function readComplaint(body: unknown) {
  return {
    about: field(body, "about"),
    organisationId: field(body, "organisationId"),
    authorityId: field(body, "authorityId"),
    bodyId: field(body, "bodyId"),
    preferCommissioner: field(body, "preferCommissioner"),
    regime: field(body, "regime"),
    actingAs: field(body, "actingAs"),
    whatHappened: field(body, "whatHappened"),
    happenedOn: dateField(body, "happenedOn"),
    knewOn: dateField(body, "knewOn"),
    outcomeWanted: field(body, "outcomeWanted"),
    phone: field(body, "phone"),
    consent: field(body, "consent"),
  };
}

/** What a complaint form sends the service: the body chosen is the authority when it is about one. */
function complaintInput<V extends ReturnType<typeof readComplaint>>(v: V) {
  return {
    ...v,
    authorityId: v.about === "authority" ? v.bodyId : v.authorityId,
    preferCommissioner: v.preferCommissioner === "yes",
    consent: v.consent === "yes",
  };
}

export function redressPages(app: FastifyInstance): void {
  formPage(app, "/complaints/new", {
    who: signedIn,
    template: "redress/views/complaint-new.njk",
    context: async (request) => {
      const { organisation } = (request.query ?? {}) as { organisation?: string };
      return {
        ...(await complaintForm(ctxOf(request), organisation)),
        regimes: REGIMES,
        organisation: organisation ?? "",
        noindex: true,
      };
    },
    values: (_request, { organisation, providers }) => ({
      ...blankComplaint(organisation || providers.length > 0 ? "organisation" : "", organisation),
      personId: "",
    }),
    read: (body) => ({ ...readComplaint(body), personId: field(body, "personId") }),
    submit: async (request, v) => {
      const c = await makeComplaint(ctxOf(request), complaintInput(v));
      return url(c.authority_slug, c.id, "made");
    },
    fieldOf: (f) =>
      f === "happenedOn" || f === "knewOn" ? `${f}-day` : f === "authorityId" ? "authorityId" : f,
  });

  app.get("/complaints", page({ who: signedIn }), async (request, reply) => {
    const { after } = (request.query ?? {}) as { after?: string };
    const page = await yourComplaints(ctxOf(request), {
      after: typeof after === "string" ? after : undefined,
    });
    await reply.page("redress/views/your-complaints.njk", {
      complaints: page.rows,
      next: page.next,
      noindex: true,
    });
  });

  app.get(
    "/authorities/:slug/complaints/:complaintId",
    page({ who }),
    async (request: ComplaintRequest, reply) => {
      const c = await complaintOf(ctxOf(request), request.authority.id, request.params.complaintId);
      await reply.page("redress/views/complaint.njk", {
        c,
        ...(await secondTierOf(ctxOf(request), c)),
        ombudsmen: OMBUDSMEN,
        notice: notice(request),
        noindex: true,
      });
    },
  );

  type Values = Record<string, string>;
  const forms: {
    path: string;
    template: string;
    values: () => Values;
    read: (body: unknown) => Values;
    act: (request: ComplaintRequest, v: Values) => Promise<string>;
  }[] = [
    {
      path: "late-decision",
      template: "redress/views/late-decision.njk",
      values: () => ({ decision: "", reason: "" }),
      read: (body: unknown) => ({ decision: field(body, "decision"), reason: field(body, "reason") }),
      act: async (request: ComplaintRequest, v: Values) => {
        const c = await decideLate(ctxOf(request), request.authority.id, request.params.complaintId, v);
        return url(c.authority_slug, c.id, c.late_decision ?? "waived");
      },
    },
    {
      path: "extend",
      template: "redress/views/extend.njk",
      values: () => ({ toOn: "", reason: "", agreedOn: "" }),
      read: (body: unknown) => ({
        toOn: dateField(body, "toOn"),
        reason: field(body, "reason"),
        agreedOn: dateField(body, "agreedOn"),
      }),
      act: async (request: ComplaintRequest, v: Values) => {
        const c = await extendComplaint(ctxOf(request), request.authority.id, request.params.complaintId, v);
        return url(c.authority_slug, c.id, "extended");
      },
    },
    {
      path: "explain",
      template: "redress/views/explain.njk",
      values: () => ({ explanation: "" }),
      read: (body: unknown) => ({ explanation: field(body, "explanation") }),
      act: async (request: ComplaintRequest, v: Values) => {
        const c = await explainDelay(ctxOf(request), request.authority.id, request.params.complaintId, v);
        return url(c.authority_slug, c.id, "explained");
      },
    },
    {
      path: "respond",
      template: "redress/views/respond.njk",
      values: () => ({ finding: "", response: "", remedy: "", explanation: "" }),
      read: (body: unknown) => ({
        finding: field(body, "finding"),
        response: field(body, "response"),
        remedy: field(body, "remedy"),
        explanation: field(body, "explanation"),
      }),
      act: async (request: ComplaintRequest, v: Values) => {
        const c = await respondToComplaint(
          ctxOf(request),
          request.authority.id,
          request.params.complaintId,
          v,
        );
        return url(c.authority_slug, c.id, "responded");
      },
    },
  ];
  for (const form of forms)
    formPage(app, `/authorities/:slug/complaints/:complaintId/${form.path}`, {
      who,
      template: form.template,
      context: async (request: ComplaintRequest) => {
        const c = await complaintOf(ctxOf(request), request.authority.id, request.params.complaintId);
        return { c, findings: FINDINGS, noindex: true };
      },
      values: form.values,
      read: form.read,
      submit: async (request, values) => form.act(request as ComplaintRequest, values),
      fieldOf: (f) => (f === "toOn" || f === "agreedOn" ? `${f}-day` : f),
    });

  const buttons = [
    {
      path: "acknowledge",
      act: (ctx: Ctx, authorityId: string, complaintId: string) =>
        acknowledgeComplaint(ctx, authorityId, complaintId),
      shown: "acknowledged",
    },
    {
      path: "accept",
      act: (ctx: Ctx, authorityId: string, complaintId: string) =>
        acceptResponse(ctx, { authorityId, complaintId }),
      shown: "accepted",
    },
    {
      path: "next-stage",
      act: (ctx: Ctx, authorityId: string, complaintId: string) =>
        askNextStage(ctx, { authorityId, complaintId }),
      shown: "next-stage",
    },
  ];
  for (const b of buttons)
    buttonAction<ComplaintRequest>(
      app,
      `/authorities/:slug/complaints/:complaintId/${b.path}`,
      { who },
      async (request) => {
        const c = await b.act(ctxOf(request), request.authority.id, request.params.complaintId);
        return url(c.authority_slug, c.id, b.shown);
      },
    );

  withoutAccountPages(app);

  app.get(
    "/authorities/:slug/complaints",
    page({ who: complaintsOfficers }),
    async (
      request: FastifyRequest<{ Params: { slug: string }; Querystring: { filter?: string; after?: string } }>,
      reply,
    ) => {
      const found = await bodyComplaints(
        ctxOf(request),
        { authorityId: request.authority.id },
        request.query ?? {},
      );
      await reply.page("redress/views/body-complaints.njk", {
        bodyName: request.authority.name,
        base: `/authorities/${request.authority.slug}/complaints`,
        filter: request.query?.filter ?? "all",
        ...found,
        noindex: true,
      });
    },
  );

  app.get(
    "/organisations/:id/complaints",
    page({ who: providerPeople }),
    async (
      request: FastifyRequest<{ Params: { id: string }; Querystring: { filter?: string; after?: string } }>,
      reply,
    ) => {
      const found = await bodyComplaints(
        ctxOf(request),
        { organisationId: request.params.id },
        request.query ?? {},
      );
      const organisation = (await organisationsByIds(ctxOf(request).db, [request.params.id])).get(
        request.params.id,
      );
      await reply.page("redress/views/body-complaints.njk", {
        bodyName: organisation?.name ?? "",
        base: `/organisations/${request.params.id}/complaints`,
        filter: request.query?.filter ?? "all",
        ...found,
        noindex: true,
      });
    },
  );
}

/** The link's token: in the query of the page (so that logs, which drop query values, never hold it), in the form's body of its buttons. */
export function tokenOf(request: FastifyRequest): string {
  const { token } = (request.query ?? {}) as { token?: string };
  return typeof token === "string" ? token : field(request.body, "token");
}

export function trackUrl(token: string, shown?: string): string {
  return `/complaints/track?token=${encodeURIComponent(token)}${shown ? `&notice=${shown}` : ""}`;
}

/**
 * Complaints without an account: the form (anyone), "check your email", and the page the emailed
 * link opens — to confirm and send the complaint, then to follow it, accept the answer or ask for
 * the next stage. The link is the only key: an unknown one is 404.
 */
function withoutAccountPages(app: FastifyInstance): void {
  formPage(app, "/complaints/without-account", {
    who: anyone,
    template: "redress/views/complaint-new.njk",
    context: async (request) => {
      const { organisation } = (request.query ?? {}) as { organisation?: string };
      return {
        ...(await publicComplaintForm(ctxOf(request), organisation)),
        regimes: REGIMES,
        organisation: organisation ?? "",
        withoutAccount: true,
        pageDescription: request.t("redress.new.withoutAccountIntro"),
      };
    },
    values: (_request, { organisation }) => ({
      ...blankComplaint(organisation ? "organisation" : "", organisation),
      name: "",
      email: "",
    }),
    read: (body) => ({ ...readComplaint(body), name: field(body, "name"), email: field(body, "email") }),
    submit: async (request, v) => {
      await startComplaintWithoutAccount(accountsCtxOf(request), complaintInput(v));
      return "/complaints/without-account/sent";
    },
    fieldOf: (f) => (f === "happenedOn" || f === "knewOn" ? `${f}-day` : f),
  });

  app.get("/complaints/without-account/sent", page({ who: anyone }), async (_request, reply) => {
    await reply.page("redress/views/sent.njk", { noindex: true });
  });

  app.get("/complaints/track", page({ who: anyone }), async (request, reply) => {
    const token = tokenOf(request);
    const { complaint, view } = await complaintByToken(ctxOf(request), token);
    if (!view) {
      await reply.page("redress/views/confirm.njk", {
        complaint,
        answerer: answererName(complaint),
        token,
        noindex: true,
      });
      return;
    }
    await reply.page("redress/views/complaint.njk", {
      c: view,
      ...(await secondTierOf(ctxOf(request), view)),
      ombudsmen: OMBUDSMEN,
      notice: notice(request),
      base: "/complaints/track",
      token,
      noindex: true,
    });
  });

  buttonAction(app, "/complaints/track/confirm", { who: anyone }, async (request) => {
    await confirmComplaint(ctxOf(request), tokenOf(request));
    return trackUrl(tokenOf(request), "made");
  });
  buttonAction(app, "/complaints/track/accept", { who: anyone }, async (request) => {
    await acceptResponse(ctxOf(request), { token: tokenOf(request) });
    return trackUrl(tokenOf(request), "accepted");
  });
  buttonAction(app, "/complaints/track/next-stage", { who: anyone }, async (request) => {
    await askNextStage(ctxOf(request), { token: tokenOf(request) });
    return trackUrl(tokenOf(request), "next-stage");
  });
}
