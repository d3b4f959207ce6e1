/**
 * Care staff's pages under an authority (/authorities/:slug/care/…): the people it supports, recording
 * a person, a need, a plan with its personal budget, a new budget version, the end of a plan, reviews
 * and concerns, and inviting an account to a person. Each page states who may see it and calls one
 * service; forms follow the one form pattern (src/http/forms.ts).
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { buttonAction, dateField, field, fieldList, formPage } from "../../http/forms.ts";
import { page } from "../../http/routes.ts";
import { NotFoundError } from "../../lib/errors.ts";
import { formatPence } from "../../lib/money.ts";
import { ctxOf } from "../access/context.ts";
import { careStaff } from "./care.policies.ts";
import {
  type BudgetInput,
  changeBudget,
  changePerson,
  createPlan,
  endPlan,
  listPeople,
  NEED_OUTCOMES,
  organisationChoices,
  type PartInput,
  PERSON_CHANGE_REASONS,
  PERSON_GRANTS,
  personToChange,
  planToChange,
  REGIMES,
  RELATIONSHIPS,
  REVIEW_OUTCOMES,
  recordConcern,
  recordNeed,
  recordPerson,
  recordReview,
} from "./care.service.ts";
import { showPerson } from "./person.pages.ts";
import { inviteToPerson, revokeLink, withdrawInvitation } from "./representatives.service.ts";

type Values = Record<string, string | string[]>;

/** Every field of a form as sent (text), so that the form shows them again as typed. */
function valuesOf(body: unknown, names: readonly string[]): Values {
  const out: Values = {};
  for (const name of names) out[name] = field(body, name);
  return out;
}

const dateParts = (name: string) => [`${name}-day`, `${name}-month`, `${name}-year`];

/** A service's field → the form's: a date links to its day; a part to the parts' fieldset. */
function fieldOf(dates: readonly string[]) {
  return (f: string | undefined): string | undefined => {
    if (f === undefined) return undefined;
    if (dates.includes(f)) return `${f}-day`;
    if (/^parts\.\d+\.organisationId$/.test(f)) return "organisationId";
    if (f.startsWith("parts")) return "parts";
    return f;
  };
}

const BUDGET_FIELDS = [
  "amount",
  "period",
  "surplusLevel",
  "directPayment",
  "managedByAuthority",
  "managedByOrganisation",
  "organisationId",
  ...dateParts("startsOn"),
];

/** The budget the form describes: a part for each way of delivery given an amount. */
function budgetOf(body: Values): BudgetInput {
  const v = (name: string) => String(body[name] ?? "");
  const parts: PartInput[] = [];
  if (v("directPayment")) parts.push({ delivery: "direct-payment", amount: v("directPayment") });
  if (v("managedByAuthority"))
    parts.push({ delivery: "managed-by-authority", amount: v("managedByAuthority") });
  if (v("managedByOrganisation") || v("organisationId"))
    parts.push({
      delivery: "managed-by-organisation",
      amount: v("managedByOrganisation"),
      organisationId: v("organisationId"),
    });
  return {
    amount: v("amount"),
    period: v("period"),
    startsOn: dateField(body, "startsOn"),
    surplusLevel: v("surplusLevel"),
    parts,
  };
}

/** The plan form's search of the directory (`?q=`), kept on the form's address. */
/** The directory search of the plan form: `q` of the form sent (its "find" button), or of the address. */
const queryOf = (request: FastifyRequest) => {
  const sent = (request.body as { q?: unknown } | undefined)?.q;
  const q = typeof sent === "string" ? sent : (request.query as { q?: unknown } | undefined)?.q;
  return { q: typeof q === "string" ? q : undefined };
};
/** The plan form's "find" button was pressed: show the form again with what was found, saving nothing. */
const finding = (request: FastifyRequest) =>
  (request.body as { find?: unknown } | undefined)?.find !== undefined;

type PersonRequest = FastifyRequest<{ Params: { slug: string; personId: string } }>;
type PlanRequest = FastifyRequest<{ Params: { slug: string; planId: string } }>;

export function carePages(app: FastifyInstance): void {
  const base = (slug: string) => `/authorities/${slug}/care`;
  const personUrl = (slug: string, personId: string) => `${base(slug)}/people/${personId}`;

  app.get("/authorities/:slug/care", page({ who: careStaff }), async (request, reply) => {
    const { authority } = request;
    const query = (request.query ?? {}) as { q?: string; after?: string };
    const result = await listPeople(ctxOf(request), authority.id, {
      ...(query.q !== undefined ? { text: String(query.q) } : {}),
      ...(query.after !== undefined ? { after: String(query.after) } : {}),
    });
    await reply.page("care/views/people.njk", { authority, result, noindex: true });
  });

  formPage(app, "/authorities/:slug/care/people/new", {
    who: careStaff,
    template: "care/views/person-form.njk",
    context: (request) => ({ authority: request.authority }),
    values: (request) => ({ areaCode: request.authority.area_code ?? "" }) as Values,
    read: (body) =>
      valuesOf(body, ["fullName", "email", "phone", "address", "areaCode", ...dateParts("dateOfBirth")]),
    fieldOf: fieldOf(["dateOfBirth"]),
    submit: async (request, values) => {
      const person = await recordPerson(ctxOf(request), request.authority.id, {
        fullName: String(values.fullName),
        dateOfBirth: dateField(values, "dateOfBirth"),
        email: String(values.email),
        phone: String(values.phone),
        address: String(values.address),
        areaCode: String(values.areaCode),
      });
      return `${personUrl(request.authority.slug, person.id)}?done=person`;
    },
  });

  formPage(app, "/authorities/:slug/care/people/:personId/edit", {
    who: careStaff,
    template: "care/views/person-form.njk",
    context: async (request: PersonRequest) => ({
      authority: request.authority,
      person: await personToChange(ctxOf(request), request.authority.id, request.params.personId),
      reasons: PERSON_CHANGE_REASONS,
    }),
    values: (_request, { person }) => {
      const [year, month, day] = person.date_of_birth.split("-");
      return {
        fullName: person.full_name,
        "dateOfBirth-day": String(Number(day)),
        "dateOfBirth-month": String(Number(month)),
        "dateOfBirth-year": year ?? "",
        email: person.email ?? "",
        phone: person.phone ?? "",
        address: person.address,
        areaCode: person.area_code,
        reason: "",
      } as Values;
    },
    read: (body) =>
      valuesOf(body, [
        "fullName",
        "email",
        "phone",
        "address",
        "areaCode",
        "reason",
        ...dateParts("dateOfBirth"),
      ]),
    fieldOf: fieldOf(["dateOfBirth"]),
    submit: async (request, values, { authority, person }) => {
      const email = request.server.deps.mailer !== undefined;
      const { told } = await changePerson({ ...ctxOf(request), email }, authority.id, person.id, {
        fullName: String(values.fullName),
        dateOfBirth: dateField(values, "dateOfBirth"),
        email: String(values.email),
        phone: String(values.phone),
        address: String(values.address),
        areaCode: String(values.areaCode),
        reason: String(values.reason),
      });
      return `${personUrl(authority.slug, person.id)}?done=${told > 0 ? "person-changed" : "person-changed-untold"}`;
    },
  });

  app.get(
    "/authorities/:slug/care/people/:personId",
    page({ who: careStaff }),
    async (request: PersonRequest, reply) => {
      await showPerson(request, reply, request.authority.id, request.params.personId);
    },
  );

  formPage(app, "/authorities/:slug/care/people/:personId/needs/new", {
    who: careStaff,
    template: "care/views/need-form.njk",
    context: async (request: PersonRequest) => ({
      authority: request.authority,
      person: await personToChange(ctxOf(request), request.authority.id, request.params.personId),
      outcomes: NEED_OUTCOMES,
      regimes: REGIMES,
    }),
    read: (body) => valuesOf(body, ["outcome", "description", ...dateParts("assessedOn")]),
    fieldOf: fieldOf(["assessedOn"]),
    submit: async (request, values, { authority, person }) => {
      await recordNeed(ctxOf(request), authority.id, person.id, {
        outcome: String(values.outcome),
        description: String(values.description),
        assessedOn: dateField(values, "assessedOn"),
      });
      return `${personUrl(authority.slug, person.id)}?done=need`;
    },
  });

  formPage(app, "/authorities/:slug/care/people/:personId/plans/new", {
    who: careStaff,
    template: "care/views/plan-form.njk",
    context: async (request: PersonRequest) => ({
      authority: request.authority,
      person: await personToChange(ctxOf(request), request.authority.id, request.params.personId),
      regimes: REGIMES,
      mode: "new",
      orgs: await organisationChoices(ctxOf(request), request.authority.id, queryOf(request)),
    }),
    values: () => ({ period: "week" }) as Values,
    read: (body) => valuesOf(body, ["regime", ...BUDGET_FIELDS]),
    fieldOf: fieldOf(["startsOn"]),
    submit: async (request, values, { authority, person }) => {
      if (finding(request)) return null;
      const plan = await createPlan(ctxOf(request), authority.id, person.id, {
        regime: String(values.regime),
        ...budgetOf(values),
      });
      return `${personUrl(authority.slug, person.id)}?done=plan#plan-${plan.id}`;
    },
  });

  formPage(app, "/authorities/:slug/care/plans/:planId/budget", {
    who: careStaff,
    template: "care/views/plan-form.njk",
    context: async (request: PlanRequest) => {
      const budget = await planToChange(ctxOf(request), request.authority.id, request.params.planId);
      const orgs = await organisationChoices(ctxOf(request), request.authority.id, queryOf(request));
      return { authority: request.authority, person: budget.person, budget, mode: "change", orgs };
    },
    values: (_request, { budget }) => {
      const amountOf = (delivery: string) => {
        const total = budget.parts
          .filter((p) => p.delivery === delivery)
          .reduce((s, p) => s + p.amount_pence, 0n);
        return total > 0n ? formatPence(total) : "";
      };
      return {
        amount: formatPence(budget.version.amount_pence),
        period: budget.version.period,
        surplusLevel:
          budget.version.surplus_level_pence === null ? "" : formatPence(budget.version.surplus_level_pence),
        directPayment: amountOf("direct-payment"),
        managedByAuthority: amountOf("managed-by-authority"),
        managedByOrganisation: amountOf("managed-by-organisation"),
        organisationId: budget.parts.find((p) => p.organisation_id)?.organisation_id ?? "",
        reason: "",
      } as Values;
    },
    read: (body) => valuesOf(body, ["reason", ...BUDGET_FIELDS]),
    fieldOf: fieldOf(["startsOn"]),
    submit: async (request, values, { authority, budget }) => {
      if (finding(request)) return null;
      const email = request.server.deps.mailer !== undefined;
      const { told } = await changeBudget({ ...ctxOf(request), email }, authority.id, budget.plan.id, {
        ...budgetOf(values),
        reason: String(values.reason),
      });
      return `${personUrl(authority.slug, budget.plan.person_id)}?done=${told > 0 ? "budget" : "budget-untold"}#plan-${budget.plan.id}`;
    },
  });

  /** A review done, a concern raised, or the end of a plan: one form each, on one page. */
  const PLAN_ACTIONS = {
    review: ["outcome", "notes", ...dateParts("reviewedOn")],
    concern: ["description", ...dateParts("raisedOn")],
    end: ["reason", ...dateParts("endedOn")],
  } as const;
  type PlanAction = keyof typeof PLAN_ACTIONS;

  formPage(app, "/authorities/:slug/care/plans/:planId/record/:action", {
    who: careStaff,
    template: "care/views/plan-action.njk",
    context: async (
      request: FastifyRequest<{ Params: { slug: string; planId: string; action: string } }>,
    ) => {
      const budget = await planToChange(ctxOf(request), request.authority.id, request.params.planId);
      const action = request.params.action;
      if (!Object.hasOwn(PLAN_ACTIONS, action)) throw new NotFoundError("page");
      return {
        authority: request.authority,
        person: budget.person,
        budget,
        action: action as PlanAction,
        outcomes: REVIEW_OUTCOMES,
      };
    },
    read: (body, _request, { action }) => valuesOf(body, PLAN_ACTIONS[action]),
    fieldOf: fieldOf(["reviewedOn", "raisedOn", "endedOn"]),
    submit: async (request, values, { authority, budget, action }) => {
      const ctx = ctxOf(request);
      const planId = budget.plan.id;
      if (action === "review")
        await recordReview(ctx, authority.id, planId, {
          reviewedOn: dateField(values, "reviewedOn"),
          outcome: String(values.outcome),
          notes: String(values.notes),
        });
      else if (action === "concern")
        await recordConcern(ctx, authority.id, planId, {
          raisedOn: dateField(values, "raisedOn"),
          description: String(values.description),
        });
      else
        await endPlan(ctx, authority.id, planId, {
          endedOn: dateField(values, "endedOn"),
          reason: String(values.reason),
        });
      const done = action === "end" ? "ended" : action;
      return `${personUrl(authority.slug, budget.plan.person_id)}?done=${done}#plan-${planId}`;
    },
  });

  formPage(app, "/authorities/:slug/care/people/:personId/invite", {
    who: careStaff,
    template: "care/views/invite-form.njk",
    context: async (request: PersonRequest) => ({
      authority: request.authority,
      person: await personToChange(ctxOf(request), request.authority.id, request.params.personId),
      relationships: RELATIONSHIPS,
      grants: PERSON_GRANTS,
    }),
    values: () => ({ grants: [] as string[] }) as Values,
    read: (body) => ({ ...valuesOf(body, ["email", "relationship"]), grants: fieldList(body, "grants") }),
    submit: async (request, values, { authority, person }) => {
      const { token } = await inviteToPerson(
        { ...ctxOf(request), secrets: request.server.accountSecrets },
        authority.id,
        person.id,
        {
          email: String(values.email),
          relationship: String(values.relationship),
          grants: values.grants as string[],
        },
      );
      // In demo mode no email carries the link: the page shows it.
      const link = app.deps.config.demo ? `&link=${encodeURIComponent(`/care/invitations/${token}`)}` : "";
      return `${personUrl(authority.slug, person.id)}?done=invited${link}#representatives`;
    },
  });

  buttonAction(
    app,
    "/authorities/:slug/care/people/:personId/invitations/:invitationId/withdraw",
    { who: careStaff },
    async (request: FastifyRequest<{ Params: { slug: string; personId: string; invitationId: string } }>) => {
      const { authority } = request;
      const { personId, invitationId } = request.params;
      const { told } = await withdrawInvitation(ctxOf(request), authority.id, personId, invitationId);
      return `${personUrl(authority.slug, personId)}?done=${told ? "withdrawn-told" : "withdrawn"}#representatives`;
    },
  );

  buttonAction(
    app,
    "/authorities/:slug/care/people/:personId/links/:linkId/revoke",
    { who: careStaff },
    async (request: FastifyRequest<{ Params: { slug: string; personId: string; linkId: string } }>) => {
      const { authority } = request;
      await revokeLink(ctxOf(request), authority.id, request.params.personId, request.params.linkId);
      return `${personUrl(authority.slug, request.params.personId)}?done=unlinked#representatives`;
    },
  );
}
