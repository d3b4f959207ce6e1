/**
 * Arrangements' and "choice not available" pages: arranging a service for a person (from their
 * page, or from a list's comparison with the provider chosen), an arrangement's page with the
 * provider's accept and decline and either side's ending, a provider's arrangements
 * (/organisations/:id/arrangements), recording that choice was not available, its page, and the
 * authority's answer. Each asks only for sign-in; the services decide (404, then 403, then 409).
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { buttonAction, dateField, field, formPage } from "../../http/forms.ts";
import { page, type Who } from "../../http/routes.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, signedIn } from "../access/policies.ts";
import { organisationsByIds } from "../organisations/organisations.service.ts";
import { listAreas, listServiceCategories } from "../vocabularies/vocabularies.service.ts";
import {
  answerArrangement,
  arrangeForm,
  arrangementOf,
  arrangementPageOf,
  arrangeService,
  endArrangement,
  isCareStaff,
  providerArrangements,
  requireProvider,
} from "./arrangements.service.ts";
import { PAID_FROM, TARIFF_UNITS, UNAVAILABLE_OUTCOMES } from "./choice.table.ts";
import {
  ANSWER_CLOCK,
  answerUnavailable,
  recordUnavailable,
  unavailableForm,
  unavailableOf,
  unavailableToAnswer,
} from "./unavailable.service.ts";

const who = afterLookup(signedIn);

/** A provider's own arrangements: its administrators and members (403 for anyone else signed in). */
export const providerPeople: Who = {
  description: "The provider's administrators and members",
  signedIn: true,
  check(request) {
    requireProvider(request.principal, (request.params as { id: string }).id);
  },
};
type PersonRequest = FastifyRequest<{ Params: { slug: string; personId: string } }>;
type ArrangementRequest = FastifyRequest<{ Params: { slug: string; arrangementId: string } }>;
type RecordRequest = FastifyRequest<{ Params: { slug: string; recordId: string } }>;

const NOTICES = ["arranged", "accepted", "declined", "ended", "recorded", "answered"];

function notice(request: FastifyRequest): string | null {
  const { notice: n } = (request.query ?? {}) as { notice?: string };
  return n && NOTICES.includes(n) ? n : null;
}

function arrangementUrl(slug: string, id: string): string {
  return `/authorities/${slug}/arrangements/${id}`;
}

/** The person's page for whoever acts: care staff's under the authority, the person's own otherwise. */
function personUrl(request: FastifyRequest, slug: string, personId: string): string {
  return isCareStaff(request.principal, request.authority.id)
    ? `/authorities/${slug}/care/people/${personId}`
    : `/care/people/${personId}`;
}

export function arrangementPages(app: FastifyInstance): void {
  formPage(app, "/authorities/:slug/people/:personId/arrangements/new", {
    who,
    template: "choice/views/arrange.njk",
    context: async (request: PersonRequest) => {
      const { list, organisation } = (request.query ?? {}) as { list?: string; organisation?: string };
      const form = await arrangeForm(ctxOf(request), request.authority.id, request.params.personId, {
        listId: list,
        organisationId: organisation,
      });
      const query = form.fromList
        ? `?list=${form.fromList.listId}&organisation=${form.fromList.organisationId}`
        : "";
      return {
        authority: request.authority,
        personId: request.params.personId,
        back: personUrl(request, request.authority.slug, request.params.personId),
        action: `/authorities/${request.authority.slug}/people/${request.params.personId}/arrangements/new${query}`,
        paidFromChoices: PAID_FROM,
        units: TARIFF_UNITS,
        noindex: true,
        ...form,
      };
    },
    values: (_request, { plans }) => ({
      planId: plans.length === 1 ? (plans[0]?.id ?? "") : "",
      paidFrom: "",
      needId: "",
      organisationId: "",
      categoryCode: "",
      unit: "",
      agreedPrice: "",
      description: "",
      unitsPerWeek: "",
      startsOn: "",
      endsOn: "",
    }),
    read: (body) => ({
      planId: field(body, "planId"),
      paidFrom: field(body, "paidFrom"),
      needId: field(body, "needId"),
      organisationId: field(body, "organisationId"),
      categoryCode: field(body, "categoryCode"),
      unit: field(body, "unit"),
      agreedPrice: field(body, "agreedPrice"),
      description: field(body, "description"),
      unitsPerWeek: field(body, "unitsPerWeek"),
      startsOn: dateField(body, "startsOn"),
      endsOn: dateField(body, "endsOn"),
      "startsOn-day": field(body, "startsOn-day"),
      "startsOn-month": field(body, "startsOn-month"),
      "startsOn-year": field(body, "startsOn-year"),
      "endsOn-day": field(body, "endsOn-day"),
      "endsOn-month": field(body, "endsOn-month"),
      "endsOn-year": field(body, "endsOn-year"),
    }),
    submit: async (request, values, { authority, personId, fromList }) => {
      const a = await arrangeService(ctxOf(request), authority.id, personId, {
        ...values,
        ...(fromList ? { listId: fromList.listId, organisationId: fromList.organisationId } : {}),
      });
      return `${arrangementUrl(authority.slug, a.id)}?notice=arranged`;
    },
  });

  app.get(
    "/authorities/:slug/arrangements/:arrangementId",
    page({ who }),
    async (request: ArrangementRequest, reply) => {
      const { arrangement, access, person } = await arrangementPageOf(
        ctxOf(request),
        request.authority.id,
        request.params.arrangementId,
      );
      const provider = access.side === "provider";
      const running = arrangement.phase === "proposed" || arrangement.phase === "live";
      await reply.page("choice/views/arrangement.njk", {
        authority: request.authority,
        a: arrangement,
        person,
        provider,
        mayAnswer: provider && arrangement.status === "proposed",
        mayEnd: running && (provider || (access.person?.grants.includes("arrange-services") ?? false)),
        back: provider
          ? `/organisations/${arrangement.organisation_id}/arrangements`
          : personUrl(request, request.authority.slug, arrangement.person_id),
        notice: notice(request),
        noindex: true,
      });
    },
  );

  buttonAction(
    app,
    "/authorities/:slug/arrangements/:arrangementId/accept",
    { who },
    async (request: ArrangementRequest) => {
      await answerArrangement(ctxOf(request), request.authority.id, request.params.arrangementId, {
        accept: true,
      });
      return `${arrangementUrl(request.authority.slug, request.params.arrangementId)}?notice=accepted`;
    },
  );

  formPage(app, "/authorities/:slug/arrangements/:arrangementId/decline", {
    who,
    template: "choice/views/arrangement-decline.njk",
    context: async (request: ArrangementRequest) => {
      const { arrangement, access } = await arrangementOf(
        ctxOf(request),
        request.authority.id,
        request.params.arrangementId,
      );
      return {
        authority: request.authority,
        a: arrangement,
        provider: access.side === "provider",
        noindex: true,
      };
    },
    values: () => ({ reason: "" }),
    read: (body) => ({ reason: field(body, "reason") }),
    submit: async (request, values, { authority, a }) => {
      await answerArrangement(ctxOf(request), authority.id, a.id, { accept: false, reason: values.reason });
      return `${arrangementUrl(authority.slug, a.id)}?notice=declined`;
    },
  });

  formPage(app, "/authorities/:slug/arrangements/:arrangementId/end", {
    who,
    template: "choice/views/arrangement-end.njk",
    context: async (request: ArrangementRequest) => {
      const { arrangement } = await arrangementOf(
        ctxOf(request),
        request.authority.id,
        request.params.arrangementId,
      );
      return { authority: request.authority, a: arrangement, noindex: true };
    },
    values: () => ({ reason: "", "endsOn-day": "", "endsOn-month": "", "endsOn-year": "" }),
    read: (body) => ({
      reason: field(body, "reason"),
      endsOn: dateField(body, "endsOn"),
      "endsOn-day": field(body, "endsOn-day"),
      "endsOn-month": field(body, "endsOn-month"),
      "endsOn-year": field(body, "endsOn-year"),
    }),
    submit: async (request, values, { authority, a }) => {
      await endArrangement(ctxOf(request), authority.id, a.id, values);
      return `${arrangementUrl(authority.slug, a.id)}?notice=ended`;
    },
  });

  app.get(
    "/organisations/:id/arrangements",
    page({ who: providerPeople }),
    async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
      const found = await providerArrangements(ctxOf(request), request.params.id);
      const organisation = (await organisationsByIds(ctxOf(request).db, [request.params.id])).get(
        request.params.id,
      );
      await reply.page("choice/views/provider-arrangements.njk", { organisation, ...found, noindex: true });
    },
  );

  formPage(app, "/authorities/:slug/people/:personId/choice-not-available/new", {
    who,
    template: "choice/views/unavailable-new.njk",
    context: async (request: PersonRequest) => {
      const ctx = ctxOf(request);
      const form = await unavailableForm(ctx, request.authority.id, request.params.personId);
      const [categories, areas] = await Promise.all([listServiceCategories(ctx.db), listAreas(ctx.db)]);
      return {
        authority: request.authority,
        personId: request.params.personId,
        ...form,
        categories,
        areas,
        workingDays: ANSWER_CLOCK.workingDays,
        back: personUrl(request, request.authority.slug, request.params.personId),
        noindex: true,
      };
    },
    values: (_request, { personArea }) => ({ needId: "", categoryCode: "", areaCode: personArea, tried: "" }),
    read: (body) => ({
      needId: field(body, "needId"),
      categoryCode: field(body, "categoryCode"),
      areaCode: field(body, "areaCode"),
      tried: field(body, "tried"),
    }),
    submit: async (request, values, { authority, personId }) => {
      const u = await recordUnavailable(ctxOf(request), authority.id, personId, values);
      return `/authorities/${authority.slug}/choice-not-available/${u.id}?notice=recorded`;
    },
  });

  app.get(
    "/authorities/:slug/choice-not-available/:recordId",
    page({ who }),
    async (request: RecordRequest, reply) => {
      const { record, access } = await unavailableOf(
        ctxOf(request),
        request.authority.id,
        request.params.recordId,
      );
      await reply.page("choice/views/unavailable.njk", {
        authority: request.authority,
        u: record,
        mayAnswer: access.how === "care-staff" && record.answered_on === null,
        back: personUrl(request, request.authority.slug, record.person_id),
        notice: notice(request),
        noindex: true,
      });
    },
  );

  formPage(app, "/authorities/:slug/choice-not-available/:recordId/answer", {
    who,
    template: "choice/views/unavailable-answer.njk",
    context: async (request: RecordRequest) => ({
      authority: request.authority,
      u: await unavailableToAnswer(ctxOf(request), request.authority.id, request.params.recordId),
      outcomes: UNAVAILABLE_OUTCOMES,
      noindex: true,
    }),
    values: () => ({ outcome: "", answer: "" }),
    read: (body) => ({ outcome: field(body, "outcome"), answer: field(body, "answer") }),
    submit: async (request, values, { authority, u }) => {
      await answerUnavailable(ctxOf(request), authority.id, u.id, values);
      return `/authorities/${authority.slug}/choice-not-available/${u.id}?notice=answered`;
    },
  });
}
