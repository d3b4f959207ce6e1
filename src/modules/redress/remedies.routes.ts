/**
 * Remedies' JSON API, and their pages (remedies.pages.ts): the body's lists, a remedy (to the body
 * that must comply and the ombudsman's staff), reporting it done, confirming or returning it, and
 * the published list of overdue remedies. A route that names a remedy asks only for sign-in: the
 * service decides — 404 for what the caller may not see, then 403, then 409. Reads need
 * `complaints:read`, writes `complaints:write`.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { anyone, api, errorResponses } from "../../http/routes.ts";
import { AuthorityParams } from "../../http/schemas.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, signedIn } from "../access/policies.ts";
import { ombudsmanStaff } from "./ombudsman.routes.ts";
import { OmbudsmanParams } from "./ombudsman.schemas.ts";
import { complaintsOfficers, providerPeople } from "./redress.policies.ts";
import { OrganisationParams } from "./redress.schemas.ts";
import { remediesPages } from "./remedies.pages.ts";
import {
  PublicOverdueList,
  PublicOverdueQuery,
  Remedy,
  RemedyList,
  RemedyListQuery,
  RemedyParams,
  ReportBody,
  ReturnBody,
} from "./remedies.schemas.ts";
import {
  type BodyRemedyPage,
  bodyRemedies,
  confirmRemedy,
  ombudsmanOverdueRemedies,
  publicOverdueRemedies,
  type RemedyView,
  remedyOf,
  reportCompliance,
  returnRemedy,
} from "./remedies.service.ts";

const tags: [string] = ["redress"];
const who = afterLookup(signedIn);

export function remedyRecord(r: RemedyView) {
  return {
    ombudsmanId: r.authority_id,
    caseId: r.case_id,
    seq: r.seq,
    caseReference: r.case_reference,
    ombudsman: r.ombudsman_name,
    body: r.bodyName,
    bodyAuthorityId: r.body_authority_id,
    bodyOrganisationId: r.body_organisation_id,
    kind: r.kind,
    description: r.description,
    amountPence: r.amount_pence === null ? null : r.amount_pence.toString(),
    dueOn: r.due_on,
    status: r.status,
    state: r.state,
    daysOverdue: r.daysOverdue,
    reportedOn: r.reported_on,
    doneOn: r.done_on,
    evidence: r.evidence,
    paidPence: r.paid_pence === null ? null : r.paid_pence.toString(),
    amountNote: r.amount_note,
    returnedReason: r.returned_reason,
    confirmedOn: r.confirmed_on,
    pageUrl: r.side === "ombudsman" ? r.ombudsmanPath : r.bodyPath,
  };
}

function listRecord(page: Pick<BodyRemedyPage, "rows" | "next">) {
  return { remedies: page.rows.map(remedyRecord), next: page.next };
}

export async function remediesRoutes(app: FastifyInstance): Promise<void> {
  remediesPages(app);
  const json = app.withTypeProvider<TypeBoxTypeProvider>();
  const one = "/api/v1/ombudsmen/:ombudsmanId/cases/:caseId/remedies/:seq";
  const keyOf = (p: { ombudsmanId: string; caseId: string; seq: string }) => ({
    authorityId: p.ombudsmanId,
    caseId: p.caseId,
    seq: p.seq,
  });

  json.get(
    "/api/v1/complaints/overdue-remedies",
    api(
      { who: anyone },
      {
        operationId: "listOverdueRemedies",
        tags,
        summary: "Remedies ombudsmen ordered that are overdue, oldest due first, a page at a time",
        description:
          "Each remedy still due after its day: the body that must comply, the ombudsman, the case's reference, the kind, the due day and how many days overdue. Never the remedy's description or anything of the complainant's; a payment's amount only where the ombudsman publishes the decision.",
        querystring: PublicOverdueQuery,
        response: { 200: PublicOverdueList },
      },
    ),
    async (request) => {
      const page = await publicOverdueRemedies(ctxOf(request), request.query);
      return {
        today: page.today,
        remedies: page.rows.map((r) => ({
          ...r,
          amountPence: r.amountPence === null ? null : r.amountPence.toString(),
        })),
        next: page.next,
      };
    },
  );

  json.get(
    "/api/v1/ombudsmen/:ombudsmanId/overdue-remedies",
    api(
      { who: ombudsmanStaff, scope: "complaints:read" },
      {
        operationId: "listOmbudsmanOverdueRemedies",
        tags,
        summary:
          "An ombudsman's overdue remedies (never reported, or returned), oldest due first, a page at a time",
        params: OmbudsmanParams,
        querystring: PublicOverdueQuery,
        response: { 200: RemedyList },
      },
    ),
    async (request) =>
      listRecord(await ombudsmanOverdueRemedies(ctxOf(request), request.params.ombudsmanId, request.query)),
  );

  json.get(
    "/api/v1/authorities/:authorityId/remedies",
    api(
      { who: complaintsOfficers, scope: "complaints:read" },
      {
        operationId: "listAuthorityRemedies",
        tags,
        summary: "The remedies ombudsmen ordered an authority to do, soonest due first, a page at a time",
        params: AuthorityParams,
        querystring: RemedyListQuery,
        response: { 200: RemedyList },
      },
    ),
    async (request) =>
      listRecord(await bodyRemedies(ctxOf(request), { authorityId: request.authority.id }, request.query)),
  );

  json.get(
    "/api/v1/organisations/:id/remedies",
    api(
      { who: providerPeople, scope: "complaints:read" },
      {
        operationId: "listProviderRemedies",
        tags,
        summary: "The remedies ombudsmen ordered a provider to do, soonest due first, a page at a time",
        params: OrganisationParams,
        querystring: RemedyListQuery,
        response: { 200: RemedyList },
      },
    ),
    async (request) =>
      listRecord(await bodyRemedies(ctxOf(request), { organisationId: request.params.id }, request.query)),
  );

  json.get(
    one,
    api(
      { who, scope: "complaints:read" },
      {
        operationId: "getRemedy",
        tags,
        summary: "A remedy an ombudsman ordered, with its report",
        description: "The people of the body that must comply, and the ombudsman's staff, only.",
        params: RemedyParams,
        response: { 200: Remedy },
      },
    ),
    async (request) => remedyRecord(await remedyOf(ctxOf(request), keyOf(request.params))),
  );

  json.post(
    `${one}/report`,
    api(
      { who, scope: "complaints:write" },
      {
        operationId: "reportRemedyDone",
        tags,
        summary: "The body reports a remedy done, with its evidence",
        description:
          "The day it was done (not in the future). A payment: the day paid and the amount paid, which must equal the amount ordered unless amountNote says why it differs (422 amount_differs). 409 once reported or confirmed.",
        params: RemedyParams,
        body: ReportBody,
        response: { 200: Remedy, ...errorResponses(409, 422) },
      },
    ),
    async (request) =>
      remedyRecord(await reportCompliance(ctxOf(request), keyOf(request.params), request.body)),
  );

  json.post(
    `${one}/confirm`,
    api(
      { who, scope: "complaints:write" },
      {
        operationId: "confirmRemedy",
        tags,
        summary: "The ombudsman confirms a remedy reported done; the case's last one closes the case",
        params: RemedyParams,
        body: "none",
        response: { 200: Remedy, ...errorResponses(409) },
      },
    ),
    async (request) => remedyRecord(await confirmRemedy(ctxOf(request), keyOf(request.params))),
  );

  json.post(
    `${one}/return`,
    api(
      { who, scope: "complaints:write" },
      {
        operationId: "returnRemedy",
        tags,
        summary: "The ombudsman returns a remedy reported done, saying what is missing: it is due again",
        params: RemedyParams,
        body: ReturnBody,
        response: { 200: Remedy, ...errorResponses(409) },
      },
    ),
    async (request) => remedyRecord(await returnRemedy(ctxOf(request), keyOf(request.params), request.body)),
  );
}
