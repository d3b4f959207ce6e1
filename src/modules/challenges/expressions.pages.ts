/**
 * Expressions of interest, the body's pages: start one (choose the service and who challenges),
 * change the draft and submit it (the statutory items; for employees, how they will engage the
 * other employees affected and the co-signatories with their work addresses), and withdraw it.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { buttonAction, field, formPage } from "../../http/forms.ts";
import { ctxOf } from "../access/context.ts";
import { signedIn } from "../access/policies.ts";
import { display, displayWindow, pagesOf, queryField } from "./challenges.presenters.ts";
import { type ChallengeView, MAX_CO_SIGNATORIES } from "./challenges.service.ts";
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
    employeeEngagement: field(body, "employeeEngagement"),
  };
}

/** The co-signatories' rows as sent: one more empty row than were named, and at least five. */
function coSignatoriesOf(body: unknown): CoSignatory[] {
  const rows: CoSignatory[] = [];
  for (let i = 0; i < MAX_CO_SIGNATORIES; i++) {
    const row = {
      name: field(body, `coSignatories.${i}.name`),
      jobTitle: field(body, `coSignatories.${i}.jobTitle`),
      email: field(body, `coSignatories.${i}.email`),
    };
    const sent = ["name", "jobTitle", "email"].some(
      (part) => (body as Record<string, unknown> | null)?.[`coSignatories.${i}.${part}`] !== undefined,
    );
    if (!sent && i >= CO_SIGNATORY_ROWS) break;
    rows.push(row);
  }
  return rows;
}

/** The draft's form values, from the draft itself: its co-signatories, and room for more. */
function valuesOfDraft(c: ChallengeView) {
  const rows: (CoSignatory & { confirmed?: boolean })[] = c.coSignatories.map((s) => ({
    name: s.name,
    jobTitle: s.jobTitle,
    email: s.email ?? "",
    confirmed: s.confirmed,
  }));
  const room = Math.max(CO_SIGNATORY_ROWS, rows.length + 1);
  while (rows.length < Math.min(room, MAX_CO_SIGNATORIES)) rows.push({ name: "", jobTitle: "", email: "" });
  return {
    serviceId: c.service_id,
    financialResources: c.financial_resources,
    partners: c.partners,
    capabilityEvidence: c.capability_evidence,
    serviceArea: c.service_area,
    outcomes: c.outcomes,
    userNeeds: c.user_needs,
    employeeEngagement: c.employee_engagement,
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
      ...(await startFormOf(ctxOf(request), request.authority)),
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
        challenge: display(form.challenge, request.locale),
        services: form.services,
        windows: form.windows.map((item) => displayWindow(item, request.locale)),
        policy: form.policy,
        staffDomains: form.staffDomains,
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
