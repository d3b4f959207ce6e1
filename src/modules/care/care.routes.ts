/**
 * The care API (/api/v1/authorities/:authorityId/care/…, /api/v1/me/care) and its pages
 * (care.pages.ts, person.pages.ts). Each route states who may call it and calls one service; the
 * service decides every rule. A person's details are personal data: only their authority's care
 * staff and the accounts linked to them read them here, and nothing of them is logged.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { api, errorResponses } from "../../http/routes.ts";
import { ctxOf } from "../access/context.ts";
import { signedIn } from "../access/policies.ts";
import { appointmentRoutes } from "./appointments.routes.ts";
import { carePages } from "./care.pages.ts";
import { careStaff, personAccess } from "./care.policies.ts";
import {
  ActedForResponse,
  AuthorityParams,
  BudgetBody,
  BudgetChangedResponse,
  ChangePersonBody,
  ConcernBody,
  CreatedResponse,
  CreatePersonBody,
  EndPlanBody,
  NeedBody,
  PeopleQuery,
  PeopleResponse,
  PersonChangedResponse,
  PersonParams,
  PersonResponse,
  PlanBody,
  PlanParams,
  ReviewBody,
} from "./care.schemas.ts";
import {
  changeBudget,
  changePerson,
  createPlan,
  endPlan,
  listPeople,
  type PersonView,
  type PlanView,
  peopleActedFor,
  personView,
  recordConcern,
  recordNeed,
  recordPerson,
  recordReview,
} from "./care.service.ts";
import { linkRoutes } from "./links.routes.ts";
import { personPages } from "./person.pages.ts";

const TAGS: ["care"] = ["care"];

function versionJson(v: PlanView["current"]) {
  return {
    version: v.version,
    amountPence: v.amount_pence.toString(),
    period: v.period,
    startsOn: v.starts_on,
    reason: v.reason,
    reasonCode: v.reason_code,
    surplusLevelPence: v.surplus_level_pence === null ? null : v.surplus_level_pence.toString(),
    delivery: v.delivery,
    parts: v.parts.map((p) => ({
      part: p.part,
      delivery: p.delivery,
      amountPence: p.amount_pence.toString(),
      organisation: p.organisation_id ? { id: p.organisation_id, name: p.organisationName } : null,
    })),
    createdAt: v.created_at.toISOString(),
  };
}

function personJson(view: PersonView) {
  const { person } = view;
  return {
    id: person.id,
    authorityId: person.authority_id,
    name: person.full_name,
    dateOfBirth: person.date_of_birth,
    email: person.email,
    phone: person.phone,
    address: person.address,
    areaCode: person.area_code,
    needs: view.needs.map((n) => ({
      id: n.id,
      outcome: n.outcome,
      description: n.description,
      assessedOn: n.assessed_on,
      metOn: n.met_on,
    })),
    plans: view.plans.map((p) => ({
      id: p.plan.id,
      personId: p.plan.person_id,
      regime: p.plan.regime,
      status: p.plan.status,
      startedOn: p.plan.started_on,
      endedOn: p.plan.ended_on,
      budget: versionJson(p.current),
      versions: p.versions.map(versionJson),
      nextReview: p.review,
      reviews: p.reviews.map((r) => ({
        id: r.id,
        reviewedOn: r.reviewed_on,
        outcome: r.outcome,
        notes: r.notes,
      })),
      concerns: p.concerns.map((c) => ({ id: c.id, raisedOn: c.raised_on, description: c.description })),
    })),
    representatives: view.links.map((l) => ({
      id: l.id,
      name: l.holder_name,
      relationship: l.relationship,
      grants: l.grants,
    })),
    you: { how: view.access.how, grants: [...view.access.grants] },
  };
}

export async function careRoutes(app: FastifyInstance): Promise<void> {
  carePages(app);
  personPages(app);
  appointmentRoutes(app);
  linkRoutes(app);
  const json = app.withTypeProvider<TypeBoxTypeProvider>();
  const base = "/api/v1/authorities/:authorityId/care";

  json.get(
    `${base}/people`,
    api(
      { who: careStaff, scope: "care:read" },
      {
        operationId: "listCarePeople",
        tags: TAGS,
        summary: "The people an authority supports, by name",
        description:
          "A page of 25 at a time by name, searchable by words of the name. Care staff of the authority only.",
        params: AuthorityParams,
        querystring: PeopleQuery,
        response: { 200: PeopleResponse },
      },
    ),
    async (request) => {
      const { authority } = request;
      const page = await listPeople(ctxOf(request), authority.id, {
        ...(request.query.q !== undefined ? { text: request.query.q } : {}),
        ...(request.query.after !== undefined ? { after: request.query.after } : {}),
      });
      return {
        people: page.people.map((p) => ({
          id: p.id,
          name: p.full_name,
          dateOfBirth: p.date_of_birth,
          areaCode: p.area_code,
          pageUrl: `/authorities/${authority.slug}/care/people/${p.id}`,
        })),
        next: page.next,
      };
    },
  );

  json.post(
    `${base}/people`,
    api(
      { who: careStaff, scope: "care:write" },
      {
        operationId: "recordCarePerson",
        tags: TAGS,
        summary: "Record a person the authority supports",
        description: "Only what is needed: name, date of birth, contact and area.",
        params: AuthorityParams,
        body: CreatePersonBody,
        response: { 201: CreatedResponse },
      },
    ),
    async (request, reply) => {
      const person = await recordPerson(ctxOf(request), request.authority.id, request.body);
      return reply
        .status(201)
        .header("location", `${base.replace(":authorityId", request.authority.id)}/people/${person.id}`)
        .send({ id: person.id });
    },
  );

  json.get(
    `${base}/people/:personId`,
    api(
      { who: personAccess, scope: "care:read" },
      {
        operationId: "getCarePerson",
        tags: TAGS,
        summary:
          "A person's record: needs, plans with their budgets in versions, reviews and representatives",
        description:
          "Care staff, the person, and representatives holding any grant (404, then 403 for a link with none). Plans only with see-plan, needs with see-plan or arrange-services: otherwise empty.",
        params: PersonParams,
        response: { 200: PersonResponse },
      },
    ),
    async (request) =>
      personJson(await personView(ctxOf(request), request.authority.id, request.params.personId)),
  );

  json.put(
    `${base}/people/:personId`,
    api(
      { who: careStaff, scope: "care:write" },
      {
        operationId: "changeCarePerson",
        tags: TAGS,
        summary: "Change a person's details (name, date of birth, contact, area), with the reason",
        description:
          "Every detail is sent, as it is to be. The person is told in their inbox which details changed and why; told is how many accounts (0: tell them another way). 422 when nothing would change. The audit event names the fields changed, never their values.",
        params: PersonParams,
        body: ChangePersonBody,
        response: { 200: PersonChangedResponse, ...errorResponses(422) },
      },
    ),
    async (request) => {
      const email = request.server.deps.mailer !== undefined;
      return changePerson(
        { ...ctxOf(request), email },
        request.authority.id,
        request.params.personId,
        request.body,
      );
    },
  );

  json.post(
    `${base}/people/:personId/needs`,
    api(
      { who: careStaff, scope: "care:write" },
      {
        operationId: "recordCareNeed",
        tags: TAGS,
        summary: "Record an assessed eligible need",
        params: PersonParams,
        body: NeedBody,
        response: { 201: CreatedResponse },
      },
    ),
    async (request, reply) => {
      const need = await recordNeed(
        ctxOf(request),
        request.authority.id,
        request.params.personId,
        request.body,
      );
      return reply.status(201).send({ id: need.id });
    },
  );

  json.post(
    `${base}/people/:personId/plans`,
    api(
      { who: careStaff, scope: "care:write" },
      {
        operationId: "createCarePlan",
        tags: TAGS,
        summary: "Make a care and support plan with its personal budget",
        description: "422 when the parts do not add up to the amount.",
        params: PersonParams,
        body: PlanBody,
        response: { 201: CreatedResponse, ...errorResponses(422) },
      },
    ),
    async (request, reply) => {
      const plan = await createPlan(
        ctxOf(request),
        request.authority.id,
        request.params.personId,
        request.body,
      );
      return reply.status(201).send({ id: plan.id });
    },
  );

  json.post(
    `${base}/plans/:planId/versions`,
    api(
      { who: careStaff, scope: "care:write" },
      {
        operationId: "changeCareBudget",
        tags: TAGS,
        summary: "A new version of a plan's personal budget, with its reason",
        description:
          "The person and the representatives allowed to see the plan are told in their inboxes; told is how many (0: tell the person another way). 409 once the plan has ended; 422 when the parts do not add up.",
        params: PlanParams,
        body: BudgetBody,
        response: { 201: BudgetChangedResponse, ...errorResponses(409, 422) },
      },
    ),
    async (request, reply) => {
      const email = request.server.deps.mailer !== undefined;
      const changed = await changeBudget(
        { ...ctxOf(request), email },
        request.authority.id,
        request.params.planId,
        request.body,
      );
      return reply.status(201).send(changed);
    },
  );

  json.post(
    `${base}/plans/:planId/end`,
    api(
      { who: careStaff, scope: "care:write" },
      {
        operationId: "endCarePlan",
        tags: TAGS,
        summary: "End a plan",
        params: PlanParams,
        body: EndPlanBody,
        response: { 204: { type: "null", description: "Ended" }, ...errorResponses(409, 422) },
      },
    ),
    async (request, reply) => {
      await endPlan(ctxOf(request), request.authority.id, request.params.planId, request.body);
      return reply.status(204).send();
    },
  );

  json.post(
    `${base}/plans/:planId/concerns`,
    api(
      { who: careStaff, scope: "care:write" },
      {
        operationId: "recordCareConcern",
        tags: TAGS,
        summary: "Record a concern about a plan: a review falls due within 28 days",
        params: PlanParams,
        body: ConcernBody,
        response: { 201: CreatedResponse, ...errorResponses(409) },
      },
    ),
    async (request, reply) => {
      const concern = await recordConcern(
        ctxOf(request),
        request.authority.id,
        request.params.planId,
        request.body,
      );
      return reply.status(201).send({ id: concern.id });
    },
  );

  json.post(
    `${base}/plans/:planId/reviews`,
    api(
      { who: careStaff, scope: "care:write" },
      {
        operationId: "recordCareReview",
        tags: TAGS,
        summary: "Record a review done: the clocks start again from it",
        params: PlanParams,
        body: ReviewBody,
        response: { 201: CreatedResponse, ...errorResponses(409, 422) },
      },
    ),
    async (request, reply) => {
      const review = await recordReview(
        ctxOf(request),
        request.authority.id,
        request.params.planId,
        request.body,
      );
      return reply.status(201).send({ id: review.id });
    },
  );

  json.get(
    "/api/v1/me/care",
    api(
      { who: signedIn, scope: "care:read" },
      {
        operationId: "listPeopleYouActFor",
        tags: TAGS,
        summary: "The people your account is linked to: yourself, or those you represent",
        response: { 200: ActedForResponse },
      },
    ),
    async (request) => ({
      people: (await peopleActedFor(ctxOf(request))).map((p) => ({
        authorityId: p.authorityId,
        personId: p.personId,
        name: p.name,
        relationship: p.how,
        grants: [...p.grants],
        pageUrl: `/care/people/${p.personId}`,
      })),
    }),
  );
}
