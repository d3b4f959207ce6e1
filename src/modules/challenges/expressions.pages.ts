/**
 * Expressions of interest, the body's pages: start one (choose the service and who challenges),
 * change the draft and submit it (the statutory items; co-signatories for employees), and withdraw
 * it.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { buttonAction, field, formPage } from "../../http/forms.ts";
import { ctxOf } from "../access/context.ts";
import { signedIn } from "../access/policies.ts";
import { display, displayWindow, pagesOf, queryField } from "./challenges.presenters.ts";
import type { ChallengeView } from "./challenges.service.ts";
import type { CoSignatory } from "./challenges.table.ts";
import {
  type ApplicantInput,
  draftChallenge,
  draftFormOf,
  startFormOf,
  updateDraft,
  withdrawChallenge,
} from "./expressions.service.ts";

/** How many co-signatory rows the EOI form offers. */
const CO_SIGNATORY_ROWS = 5;

/** The start form's choice of applicant: an organisation's id, "employees", or none. */
function applicantOf(choice: string): ApplicantInput | null {
  if (choice === "") return null;
  return choice === "employees"
    ? { type: "employees", coSignatories: [] }
    : { type: "organisation", organisationId: choice };
}

function contentOf(body: unknown) {
  return {
    financialResources: field(body, "financialResources"),
    partners: field(body, "partners"),
    capabilityEvidence: field(body, "capabilityEvidence"),
    serviceArea: field(body, "serviceArea"),
    outcomes: field(body, "outcomes"),
    userNeeds: field(body, "userNeeds"),
  };
}

function coSignatoriesOf(body: unknown): CoSignatory[] {
  return Array.from({ length: CO_SIGNATORY_ROWS }, (_, i) => ({
    name: field(body, `coSignatories.${i}.name`),
    jobTitle: field(body, `coSignatories.${i}.jobTitle`),
  }));
}

/** The draft's form values, from the draft itself. */
function valuesOfDraft(c: ChallengeView) {
  const rows = [...c.co_signatories];
  while (rows.length < CO_SIGNATORY_ROWS) rows.push({ name: "", jobTitle: "" });
  return {
    serviceId: c.service_id,
    financialResources: c.financial_resources,
    partners: c.partners,
    capabilityEvidence: c.capability_evidence,
    serviceArea: c.service_area,
    outcomes: c.outcomes,
    userNeeds: c.user_needs,
    coSignatories: rows,
  };
}

type ChallengeRequest = FastifyRequest<{ Params: { slug: string; challengeId: string } }>;

export function expressionsPages(app: FastifyInstance): void {
  formPage(app, "/authorities/:slug/right-to-challenge/new", {
    who: signedIn,
    template: "challenges/views/start.njk",
    context: async (request) => ({
      authority: request.authority,
      ...(await startFormOf(ctxOf(request), request.authority.id)),
    }),
    values: (request) => ({ serviceId: queryField(request, "serviceId"), applicant: "" }),
    read: (body) => ({ serviceId: field(body, "serviceId"), applicant: field(body, "applicant") }),
    submit: async (request, values, { authority }) => {
      const challenge = await draftChallenge(ctxOf(request), authority.id, {
        serviceId: values.serviceId,
        applicant: applicantOf(values.applicant),
      });
      return `${pagesOf(authority)}/${challenge.id}/edit`;
    },
  });

  formPage(app, "/authorities/:slug/right-to-challenge/:challengeId/edit", {
    who: signedIn,
    template: "challenges/views/edit.njk",
    context: async (request: ChallengeRequest) => {
      const form = await draftFormOf(ctxOf(request), request.authority.id, request.params.challengeId);
      return {
        authority: request.authority,
        challenge: display(form.challenge),
        services: form.services,
        windows: form.windows.map(displayWindow),
        policy: form.policy,
      };
    },
    values: (_request, { challenge }) => valuesOfDraft(challenge),
    read: (body) => ({
      serviceId: field(body, "serviceId"),
      ...contentOf(body),
      coSignatories: coSignatoriesOf(body),
    }),
    submit: async (request, values, { authority, challenge }) => {
      // Saving keeps what was typed; submitting saves and submits at once, or neither.
      const submit = field(request.body, "action") === "submit";
      const { serviceId, coSignatories, ...content } = values;
      await updateDraft(ctxOf(request), authority.id, challenge.id, {
        serviceId: serviceId || challenge.service_id,
        content,
        ...(challenge.applicant_type === "employees" ? { coSignatories } : {}),
        submit,
      });
      return `${pagesOf(authority)}/${challenge.id}?notice=${submit ? "submitted" : "saved"}`;
    },
  });

  buttonAction(
    app,
    "/authorities/:slug/right-to-challenge/:challengeId/withdraw",
    { who: signedIn },
    async (request: ChallengeRequest) => {
      const challenge = await withdrawChallenge(
        ctxOf(request),
        request.authority.id,
        request.params.challengeId,
      );
      return `${pagesOf(request.authority)}/${challenge.id}?notice=withdrawn`;
    },
  );
}
