/**
 * The Community Right to Challenge (issue 4, items 6–9): the public register of expressions of
 * interest (EOIs) and decisions, per authority and nationally; an EOI's page; the forms to publish
 * the policy and windows, draft and submit an EOI, record its consideration, propose a modification
 * and agree to it, and decide — and the JSON API. Thin: parse, call the service, render or
 * serialise. Who may do what is decided in challenges.service.ts from `request.principal`.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { transaction } from "../../db/transaction.ts";
import { dateField, field, fieldList, submitForm } from "../../http/forms.ts";
import type { Clock } from "../../lib/clock.ts";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../../lib/errors.ts";
import { londonToday, longDate } from "../../lib/london-time.ts";
import {
  isAuthorityEditor,
  type Principal,
  requireAuthorityEditor,
  requireSignedIn,
} from "../access/access.service.ts";
import { editorsFirst } from "../access/policies.ts";
import type { Authority } from "../authorities/authorities.service.ts";
import { authorityById, authorityBySlug } from "../authorities/authorities.service.ts";
import { registerOf as servicesOf } from "../services/services.service.ts";
import {
  AuthorityParams,
  ChallengeParams,
  type ChallengeResponse,
  ChallengeResponse as ChallengeResponseSchema,
  ConsiderationBody,
  DecisionBody,
  DraftBody,
  ErrorResponse,
  ModificationBody,
  PolicyBody,
  PolicyResponse,
  RegisterResponse,
  UpdateDraftBody,
  WindowBody,
  WindowParams,
  WindowResponse,
  WrittenAgreementBody,
} from "./challenges.schemas.ts";
import {
  addWindow,
  agreeToModification,
  applicantChoices,
  type ChallengeView,
  challengeOf,
  DEFAULT_POLICY,
  decideChallenge,
  draftChallenge,
  draftsOf,
  type EffectivePolicy,
  GROUND_TEXT,
  isApplicant,
  isEmployee,
  MISSING_ITEM_MESSAGES,
  mayReadCoSignatories,
  missingItems,
  policyOf,
  proposeModification,
  publishPolicy,
  type Register,
  recordConsideration,
  recordWrittenAgreement,
  registerOf,
  removeWindow,
  STATUTORY_ITEMS,
  submitChallenge,
  updateDraft,
  type WindowView,
  windowsOf,
  withdrawChallenge,
} from "./challenges.service.ts";
import { type CoSignatory, DECISIONS, REJECTION_GROUNDS } from "./challenges.table.ts";

const hide = { schema: { hide: true } };
/** How many co-signatory rows the EOI form offers. */
const CO_SIGNATORY_ROWS = 5;

function dateParts(body: unknown, name: string) {
  return {
    day: field(body, `${name}-day`),
    month: field(body, `${name}-month`),
    year: field(body, `${name}-year`),
  };
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

function policyJson(policy: EffectivePolicy) {
  return {
    decisionPeriodDays: policy.decisionPeriodDays,
    minProcurementDays: policy.minProcurementDays,
    maxProcurementDays: policy.maxProcurementDays,
    published: policy.published,
    publishedAt: policy.publishedAt ? policy.publishedAt.toISOString() : null,
    updatedAt: policy.updatedAt ? policy.updatedAt.toISOString() : null,
  };
}

function windowJson(w: WindowView) {
  return {
    id: w.id,
    service: { id: w.service_id, name: w.service_name },
    opensOn: w.opens_on,
    closesOn: w.closes_on,
    state: w.state,
  };
}

export function toApi(c: ChallengeView, principal: Principal | null): ChallengeResponse {
  return {
    id: c.id,
    authority: { id: c.authority_id, name: c.authority_name, slug: c.authority_slug },
    service: { id: c.service_id, name: c.service_name },
    applicant: {
      type: c.applicant_type,
      name: c.applicantName,
      organisationId: c.organisation_id,
      ...(c.applicant_type === "employees" && mayReadCoSignatories(principal, c)
        ? { coSignatories: c.co_signatories }
        : {}),
    },
    possibleMutual: c.possibleMutual,
    status: c.status,
    content: {
      financialResources: c.financial_resources,
      partners: c.partners,
      capabilityEvidence: c.capability_evidence,
      serviceArea: c.service_area,
      outcomes: c.outcomes,
      userNeeds: c.user_needs,
    },
    submittedAt: c.submitted_at ? c.submitted_at.toISOString() : null,
    decisionDue: c.decision_due,
    overdue: c.overdue,
    consideration:
      c.considered_on && c.considered_by && c.evidence_weighed
        ? { consideredBy: c.considered_by, consideredOn: c.considered_on, evidence: c.evidence_weighed }
        : null,
    modification: c.modification
      ? {
          modification: c.modification,
          grounds: c.modification_grounds ?? [],
          agreement:
            c.agreement_kind && c.agreed_on
              ? { kind: c.agreement_kind, agreedOn: c.agreed_on, evidence: c.agreement_evidence }
              : null,
        }
      : null,
    decision:
      c.decision && c.decided_at
        ? {
            outcome: c.decision,
            grounds: c.rejection_grounds ?? [],
            reasons: c.reasons ?? "",
            decidedAt: c.decided_at.toISOString(),
          }
        : null,
    projectId: c.project_id,
    pageUrl: `/authorities/${c.authority_slug}/right-to-challenge/${c.id}`,
  };
}

function countsJson(register: Register) {
  const n = (v: bigint) => Number(v);
  return {
    total: n(register.counts.total),
    byOutcome: {
      undecided: n(register.counts.undecided),
      accepted: n(register.counts.accepted),
      modified: n(register.counts.modified),
      rejected: n(register.counts.rejected),
      withdrawn: n(register.counts.withdrawn),
    },
    overdue: n(register.counts.overdue),
    possibleMutuals: n(register.counts.possibleMutuals),
    rejectionsByGround: Object.fromEntries(register.byGround.map((g) => [g.ground, n(g.count)])),
  };
}

/** An EOI as the pages show it. */
function display(c: ChallengeView) {
  return {
    ...c,
    submittedText: c.submitted_at ? longDate(londonToday({ now: () => c.submitted_at as Date })) : "",
    decisionDueText: longDate(c.decision_due),
    consideredOnText: longDate(c.considered_on),
    agreedOnText: longDate(c.agreed_on),
    decidedText: c.decided_at ? longDate(londonToday({ now: () => c.decided_at as Date })) : "",
  };
}

function displayWindow(w: WindowView) {
  return { ...w, opensText: longDate(w.opens_on), closesText: longDate(w.closes_on) };
}

/** Refuses the public before a body is validated (401, not 400), for API writes by applicants. */
function signedInFirst() {
  return async (request: FastifyRequest) => {
    requireSignedIn(request.principal);
  };
}

export async function challengesRoutes(app: FastifyInstance): Promise<void> {
  const { db, clock } = app.deps;
  type Slug = { Params: { slug: string } };
  type SlugChallenge = { Params: { slug: string; challengeId: string } };
  const base = (authority: Authority) => `/authorities/${authority.slug}/right-to-challenge`;

  async function registerPage(authority: Authority | null, principal: Principal | null, query: unknown) {
    const register = await registerOf(db, clock, authority?.id);
    const q = (query ?? {}) as Record<string, string>;
    const notice = ["policy", "window", "window-removed", "withdrawn"].includes(q.notice ?? "")
      ? q.notice
      : undefined;
    return {
      authority,
      register,
      counts: countsJson(register),
      challenges: register.challenges.map(display),
      grounds: REJECTION_GROUNDS,
      notice,
      ...(authority
        ? {
            policy: await policyOf(db, authority.id),
            windows: (await windowsOf(db, clock, authority.id)).map(displayWindow),
            drafts: (await draftsOf(db, clock, principal, authority.id)).map(display),
            canEdit: isAuthorityEditor(principal, authority.id),
          }
        : {}),
      defaults: DEFAULT_POLICY,
    };
  }

  // The public register

  app.get("/right-to-challenge", hide, async (request, reply) => {
    await reply.page(
      "challenges/views/register.njk",
      await registerPage(null, request.principal, request.query),
    );
  });

  app.get<Slug>("/authorities/:slug/right-to-challenge", hide, async (request, reply) => {
    const authority = await authorityBySlug(db, request.params.slug);
    await reply.page(
      "challenges/views/register.njk",
      await registerPage(authority, request.principal, request.query),
    );
  });

  // The policy

  async function policyContext(authority: Authority, values?: Record<string, string>) {
    const policy = await policyOf(db, authority.id);
    return {
      authority,
      policy,
      values: values ?? {
        decisionPeriodDays: String(policy.decisionPeriodDays),
        minProcurementDays: String(policy.minProcurementDays),
        maxProcurementDays: String(policy.maxProcurementDays),
      },
    };
  }

  app.get<Slug>("/authorities/:slug/right-to-challenge/policy", hide, async (request, reply) => {
    const authority = await authorityBySlug(db, request.params.slug);
    await requireAuthorityEditor(db, request.principal, authority.id);
    await reply.page("challenges/views/policy.njk", await policyContext(authority));
  });

  app.post<Slug>("/authorities/:slug/right-to-challenge/policy", hide, async (request, reply) => {
    const authority = await authorityBySlug(db, request.params.slug);
    await requireAuthorityEditor(db, request.principal, authority.id);
    const values = {
      decisionPeriodDays: field(request.body, "decisionPeriodDays"),
      minProcurementDays: field(request.body, "minProcurementDays"),
      maxProcurementDays: field(request.body, "maxProcurementDays"),
    };
    await submitForm(
      reply,
      "challenges/views/policy.njk",
      await policyContext(authority, values),
      async () => {
        await transaction(db, (trx) => publishPolicy(trx, clock, request.principal, authority.id, values));
        return `${base(authority)}?notice=policy`;
      },
    );
  });

  // Windows

  async function windowContext(authority: Authority, body: unknown, serviceId = "") {
    return {
      authority,
      services: await servicesOf({ db, clock, principal: null }, authority.id),
      values: {
        serviceId: field(body, "serviceId") || serviceId,
        opensOn: dateParts(body, "opensOn"),
        closesOn: dateParts(body, "closesOn"),
      },
    };
  }

  app.get<Slug>("/authorities/:slug/right-to-challenge/windows/new", hide, async (request, reply) => {
    const authority = await authorityBySlug(db, request.params.slug);
    await requireAuthorityEditor(db, request.principal, authority.id);
    const serviceId = String((request.query as Record<string, unknown> | undefined)?.serviceId ?? "");
    await reply.page("challenges/views/window.njk", await windowContext(authority, {}, serviceId));
  });

  app.post<Slug>("/authorities/:slug/right-to-challenge/windows/new", hide, async (request, reply) => {
    const authority = await authorityBySlug(db, request.params.slug);
    await requireAuthorityEditor(db, request.principal, authority.id);
    await submitForm(
      reply,
      "challenges/views/window.njk",
      await windowContext(authority, request.body),
      async () => {
        await transaction(db, (trx) =>
          addWindow(trx, clock, request.principal, authority.id, {
            serviceId: field(request.body, "serviceId"),
            opensOn: dateField(request.body, "opensOn"),
            closesOn: dateField(request.body, "closesOn"),
          }),
        );
        return `${base(authority)}?notice=window#windows`;
      },
    );
  });

  app.post<{ Params: { slug: string; windowId: string } }>(
    "/authorities/:slug/right-to-challenge/windows/:windowId/remove",
    hide,
    async (request, reply) => {
      const authority = await authorityBySlug(db, request.params.slug);
      await transaction(db, (trx) =>
        removeWindow(trx, clock, request.principal, authority.id, request.params.windowId),
      );
      await reply.redirect(`${base(authority)}?notice=window-removed#windows`, 303);
    },
  );

  // Starting an EOI

  async function startContext(
    authority: Authority,
    principal: Principal | null,
    body: unknown,
    serviceId = "",
  ) {
    const [services, organisations] = await Promise.all([
      servicesOf({ db, clock, principal: null }, authority.id),
      applicantChoices(db, principal),
    ]);
    return {
      authority,
      services,
      organisations,
      employee: isEmployee(principal, authority.id),
      values: { serviceId: field(body, "serviceId") || serviceId, applicant: field(body, "applicant") },
    };
  }

  app.get<Slug>("/authorities/:slug/right-to-challenge/new", hide, async (request, reply) => {
    const authority = await authorityBySlug(db, request.params.slug);
    requireSignedIn(request.principal);
    const serviceId = String((request.query as Record<string, unknown> | undefined)?.serviceId ?? "");
    await reply.page(
      "challenges/views/start.njk",
      await startContext(authority, request.principal, {}, serviceId),
    );
  });

  app.post<Slug>("/authorities/:slug/right-to-challenge/new", hide, async (request, reply) => {
    const authority = await authorityBySlug(db, request.params.slug);
    requireSignedIn(request.principal);
    const context = await startContext(authority, request.principal, request.body);
    await submitForm(reply, "challenges/views/start.njk", context, async () => {
      const applicant = field(request.body, "applicant");
      if (applicant === "") {
        throw new ValidationError("Choose who is expressing an interest", [
          {
            field: "applicant",
            message: "Choose the organisation you act for, or employees of the authority",
          },
        ]);
      }
      const id = await transaction(db, (trx) =>
        draftChallenge(trx, clock, request.principal, authority.id, {
          serviceId: field(request.body, "serviceId"),
          applicant:
            applicant === "employees"
              ? { type: "employees", coSignatories: [] }
              : { type: "organisation", organisationId: applicant },
        }),
      );
      return `${base(authority)}/${id}/edit`;
    });
  });

  // An EOI

  app.get<SlugChallenge>(
    "/authorities/:slug/right-to-challenge/:challengeId",
    hide,
    async (request, reply) => {
      const authority = await authorityBySlug(db, request.params.slug);
      const challenge = await challengeOf(
        db,
        clock,
        request.principal,
        authority.id,
        request.params.challengeId,
      );
      const q = (request.query ?? {}) as Record<string, string>;
      const editor = isAuthorityEditor(request.principal, authority.id);
      const ownEmployeeEoi =
        challenge.applicant_type === "employees" && challenge.lead_user_id === request.principal?.userId;
      await reply.page("challenges/views/challenge.njk", {
        authority,
        challenge: display(challenge),
        applicant: isApplicant(request.principal, challenge),
        canDecide: editor && !ownEmployeeEoi,
        showCoSignatories: mayReadCoSignatories(request.principal, challenge),
        missing: challenge.status === "draft" ? missingItems(challenge) : [],
        groundText: GROUND_TEXT,
        notice: q.notice,
      });
    },
  );

  function editValues(c: ChallengeView, body?: unknown) {
    if (body !== undefined)
      return {
        serviceId: field(body, "serviceId"),
        ...contentOf(body),
        coSignatories: coSignatoriesOf(body),
      };
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

  async function editContext(authority: Authority, principal: Principal | null, id: string, body?: unknown) {
    const challenge = await challengeOf(db, clock, principal, authority.id, id);
    if (!isApplicant(principal, challenge)) {
      throw new ForbiddenError("Only the body that made this expression of interest can change it.");
    }
    if (challenge.status !== "draft") {
      throw new ConflictError(
        "This expression of interest has been submitted and can no longer be changed.",
        "challenge_not_draft",
      );
    }
    return {
      authority,
      challenge: display(challenge),
      services: await servicesOf({ db, clock, principal: null }, authority.id),
      windows: (await windowsOf(db, clock, authority.id, challenge.service_id)).map(displayWindow),
      policy: await policyOf(db, authority.id),
      items: STATUTORY_ITEMS,
      itemMessages: MISSING_ITEM_MESSAGES,
      values: editValues(challenge, body),
    };
  }

  app.get<SlugChallenge>(
    "/authorities/:slug/right-to-challenge/:challengeId/edit",
    hide,
    async (request, reply) => {
      const authority = await authorityBySlug(db, request.params.slug);
      requireSignedIn(request.principal);
      await reply.page(
        "challenges/views/edit.njk",
        await editContext(authority, request.principal, request.params.challengeId),
      );
    },
  );

  app.post<SlugChallenge>(
    "/authorities/:slug/right-to-challenge/:challengeId/edit",
    hide,
    async (request, reply) => {
      const authority = await authorityBySlug(db, request.params.slug);
      requireSignedIn(request.principal);
      const context = await editContext(
        authority,
        request.principal,
        request.params.challengeId,
        request.body,
      );
      const submit = field(request.body, "action") === "submit";
      const id = context.challenge.id;
      await submitForm(reply, "challenges/views/edit.njk", context, async () => {
        const changes = {
          serviceId: field(request.body, "serviceId") || context.challenge.service_id,
          content: contentOf(request.body),
          ...(context.challenge.applicant_type === "employees"
            ? { coSignatories: coSignatoriesOf(request.body) }
            : {}),
        };
        // Saving keeps what was typed; submitting saves and submits at once, or neither.
        await transaction(db, async (trx) => {
          await updateDraft(trx, clock, request.principal, authority.id, id, changes);
          if (submit) await submitChallenge(trx, clock, request.principal, authority.id, id);
        });
        return `${base(authority)}/${id}?notice=${submit ? "submitted" : "saved"}`;
      });
    },
  );

  app.post<SlugChallenge>(
    "/authorities/:slug/right-to-challenge/:challengeId/withdraw",
    hide,
    async (request, reply) => {
      const authority = await authorityBySlug(db, request.params.slug);
      await transaction(db, (trx) =>
        withdrawChallenge(trx, clock, request.principal, authority.id, request.params.challengeId),
      );
      await reply.redirect(`${base(authority)}/${request.params.challengeId}?notice=withdrawn`, 303);
    },
  );

  // The authority's side

  async function authorityContext(
    authority: Authority,
    principal: Principal | null,
    id: string,
    values: Record<string, unknown>,
  ) {
    await requireAuthorityEditor(db, principal, authority.id);
    const challenge = await challengeOf(db, clock, principal, authority.id, id);
    if (challenge.submitted_at === null) {
      throw new NotFoundError("expression of interest");
    }
    return {
      authority,
      challenge: display(challenge),
      grounds: REJECTION_GROUNDS,
      decisions: DECISIONS,
      groundText: GROUND_TEXT,
      values,
    };
  }

  app.get<SlugChallenge>(
    "/authorities/:slug/right-to-challenge/:challengeId/consider",
    hide,
    async (request, reply) => {
      const authority = await authorityBySlug(db, request.params.slug);
      await reply.page(
        "challenges/views/consider.njk",
        await authorityContext(authority, request.principal, request.params.challengeId, {
          consideredBy: "",
          consideredOn: { day: "", month: "", year: "" },
          evidence: "",
        }),
      );
    },
  );

  app.post<SlugChallenge>(
    "/authorities/:slug/right-to-challenge/:challengeId/consider",
    hide,
    async (request, reply) => {
      const authority = await authorityBySlug(db, request.params.slug);
      const values = {
        consideredBy: field(request.body, "consideredBy"),
        consideredOn: dateParts(request.body, "consideredOn"),
        evidence: field(request.body, "evidence"),
      };
      const context = await authorityContext(
        authority,
        request.principal,
        request.params.challengeId,
        values,
      );
      await submitForm(reply, "challenges/views/consider.njk", context, async () => {
        await transaction(db, (trx) =>
          recordConsideration(trx, clock, request.principal, authority.id, context.challenge.id, {
            consideredBy: values.consideredBy,
            consideredOn: dateField(request.body, "consideredOn"),
            evidence: values.evidence,
          }),
        );
        return `${base(authority)}/${context.challenge.id}?notice=considered`;
      });
    },
  );

  app.get<SlugChallenge>(
    "/authorities/:slug/right-to-challenge/:challengeId/modification",
    hide,
    async (request, reply) => {
      const authority = await authorityBySlug(db, request.params.slug);
      await reply.page(
        "challenges/views/modification.njk",
        await authorityContext(authority, request.principal, request.params.challengeId, {
          modification: "",
          grounds: [],
          agreedOn: { day: "", month: "", year: "" },
          agreementEvidence: "",
        }),
      );
    },
  );

  app.post<SlugChallenge>(
    "/authorities/:slug/right-to-challenge/:challengeId/modification",
    hide,
    async (request, reply) => {
      const authority = await authorityBySlug(db, request.params.slug);
      const values = {
        modification: field(request.body, "modification"),
        grounds: fieldList(request.body, "grounds"),
        agreedOn: { day: "", month: "", year: "" },
        agreementEvidence: "",
      };
      const context = await authorityContext(
        authority,
        request.principal,
        request.params.challengeId,
        values,
      );
      await submitForm(reply, "challenges/views/modification.njk", context, async () => {
        await transaction(db, (trx) =>
          proposeModification(trx, clock, request.principal, authority.id, context.challenge.id, values),
        );
        return `${base(authority)}/${context.challenge.id}?notice=modification-proposed`;
      });
    },
  );

  app.post<SlugChallenge>(
    "/authorities/:slug/right-to-challenge/:challengeId/modification/written-agreement",
    hide,
    async (request, reply) => {
      const authority = await authorityBySlug(db, request.params.slug);
      const values = {
        modification: "",
        grounds: [],
        agreedOn: dateParts(request.body, "agreedOn"),
        agreementEvidence: field(request.body, "agreementEvidence"),
      };
      const context = await authorityContext(
        authority,
        request.principal,
        request.params.challengeId,
        values,
      );
      await submitForm(reply, "challenges/views/modification.njk", context, async () => {
        await transaction(db, (trx) =>
          recordWrittenAgreement(trx, clock, request.principal, authority.id, context.challenge.id, {
            agreedOn: dateField(request.body, "agreedOn"),
            evidence: values.agreementEvidence,
          }),
        );
        return `${base(authority)}/${context.challenge.id}?notice=agreement-recorded`;
      });
    },
  );

  app.post<SlugChallenge>(
    "/authorities/:slug/right-to-challenge/:challengeId/modification/agree",
    hide,
    async (request, reply) => {
      const authority = await authorityBySlug(db, request.params.slug);
      await transaction(db, (trx) =>
        agreeToModification(trx, clock, request.principal, authority.id, request.params.challengeId),
      );
      await reply.redirect(`${base(authority)}/${request.params.challengeId}?notice=agreed`, 303);
    },
  );

  app.get<SlugChallenge>(
    "/authorities/:slug/right-to-challenge/:challengeId/decide",
    hide,
    async (request, reply) => {
      const authority = await authorityBySlug(db, request.params.slug);
      await reply.page(
        "challenges/views/decide.njk",
        await authorityContext(authority, request.principal, request.params.challengeId, {
          decision: "",
          grounds: [],
          reasons: "",
        }),
      );
    },
  );

  app.post<SlugChallenge>(
    "/authorities/:slug/right-to-challenge/:challengeId/decide",
    hide,
    async (request, reply) => {
      const authority = await authorityBySlug(db, request.params.slug);
      const values = {
        decision: field(request.body, "decision"),
        grounds: fieldList(request.body, "grounds"),
        reasons: field(request.body, "reasons"),
      };
      const context = await authorityContext(
        authority,
        request.principal,
        request.params.challengeId,
        values,
      );
      await submitForm(reply, "challenges/views/decide.njk", context, async () => {
        await transaction(db, (trx) =>
          decideChallenge(trx, clock, request.principal, authority.id, context.challenge.id, values),
        );
        return `${base(authority)}/${context.challenge.id}?notice=decided`;
      });
    },
  );

  // The JSON API

  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };
  const tags = ["right-to-challenge"];

  async function challengeJson(
    clockNow: Clock,
    principal: Principal | null,
    authorityId: string,
    id: string,
  ) {
    return toApi(await challengeOf(db, clockNow, principal, authorityId, id), principal);
  }

  api.get(
    "/api/v1/right-to-challenge",
    {
      schema: {
        tags,
        summary: "The national register of expressions of interest and decisions",
        description:
          "Every submitted EOI on every authority, newest first, with counts by outcome, by ground of rejection and of overdue decisions. Employees' names are never included. Public.",
        response: { 200: RegisterResponse },
      },
    },
    async (request) => {
      const register = await registerOf(db, clock);
      return {
        counts: countsJson(register),
        challenges: register.challenges.map((c) => toApi(c, request.principal)),
      };
    },
  );

  api.get(
    "/api/v1/authorities/:authorityId/right-to-challenge",
    {
      schema: {
        tags,
        summary: "An authority's Right to Challenge register: policy, windows, EOIs and decisions",
        params: AuthorityParams,
        response: { 200: RegisterResponse, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const authority = await authorityById(db, request.params.authorityId);
      const register = await registerOf(db, clock, authority.id);
      return {
        authority: { id: authority.id, name: authority.name, slug: authority.slug },
        policy: policyJson(await policyOf(db, authority.id)),
        windows: (await windowsOf(db, clock, authority.id)).map(windowJson),
        counts: countsJson(register),
        challenges: register.challenges.map((c) => toApi(c, request.principal)),
      };
    },
  );

  api.put(
    "/api/v1/authorities/:authorityId/right-to-challenge/policy",
    {
      schema: {
        tags,
        summary: "Publish (or change) the authority's Right to Challenge policy",
        description:
          "The period within which it decides on an EOI, and the minimum and maximum period between accepting one and starting the procurement exercise, in days. EOIs already submitted keep their decision dates. For the authority's commissioners and administrators. 422 when the minimum exceeds the maximum.",
        params: AuthorityParams,
        body: PolicyBody,
        response: { 200: PolicyResponse, ...errors, 422: ErrorResponse },
      },
      preValidation: editorsFirst(app),
    },
    async (request) => {
      await transaction(db, (trx) =>
        publishPolicy(trx, clock, request.principal, request.params.authorityId, request.body),
      );
      return policyJson(await policyOf(db, request.params.authorityId));
    },
  );

  api.post(
    "/api/v1/authorities/:authorityId/right-to-challenge/windows",
    {
      schema: {
        tags,
        summary: "Publish a window for expressions of interest for one service",
        description:
          "Dates inclusive (Europe/London). A service with windows takes EOIs only inside one; without any, at any time. 422 for a service not on the register or dates out of order.",
        params: AuthorityParams,
        body: WindowBody,
        response: { 201: WindowResponse, ...errors, 422: ErrorResponse },
      },
      preValidation: editorsFirst(app),
    },
    async (request, reply) => {
      const id = await transaction(db, (trx) =>
        addWindow(trx, clock, request.principal, request.params.authorityId, request.body),
      );
      const window = (await windowsOf(db, clock, request.params.authorityId)).find((w) => w.id === id);
      if (!window) throw new NotFoundError("window for expressions of interest");
      return reply.status(201).send(windowJson(window));
    },
  );

  api.delete(
    "/api/v1/authorities/:authorityId/right-to-challenge/windows/:windowId",
    {
      schema: {
        tags,
        summary: "Remove a window for expressions of interest",
        params: WindowParams,
        response: { 204: { type: "null" }, ...errors },
      },
      preValidation: editorsFirst(app),
    },
    async (request, reply) => {
      await transaction(db, (trx) =>
        removeWindow(trx, clock, request.principal, request.params.authorityId, request.params.windowId),
      );
      return reply.status(204).send(null);
    },
  );

  api.post(
    "/api/v1/authorities/:authorityId/right-to-challenge",
    {
      schema: {
        tags,
        summary: "Draft (or submit at once) an expression of interest",
        description:
          'By a member of a relevant body in the directory (applicant.type "organisation"), or by an employee of the authority naming the co-signatories (applicant.type "employees": a possible mutual spin-out). A draft may be incomplete; with submit: true every statutory item is required (422 listing each missing, nothing saved), and a service with windows takes it only inside one (409). 403 for someone not a member of the organisation; 422 for a body that is not a relevant body or a service not on the register.',
        params: AuthorityParams,
        body: DraftBody,
        response: { 201: ChallengeResponseSchema, ...errors, 409: ErrorResponse, 422: ErrorResponse },
      },
      preValidation: signedInFirst(),
    },
    async (request, reply) => {
      const authority = await authorityById(db, request.params.authorityId);
      const { serviceId, applicant, submit, ...content } = request.body;
      const id = await transaction(db, async (trx) => {
        const created = await draftChallenge(trx, clock, request.principal, authority.id, {
          serviceId,
          applicant,
          content,
        });
        if (submit) await submitChallenge(trx, clock, request.principal, authority.id, created);
        return created;
      });
      return reply
        .status(201)
        .header("location", `/api/v1/authorities/${authority.id}/right-to-challenge/${id}`)
        .send(await challengeJson(clock, request.principal, authority.id, id));
    },
  );

  api.get(
    "/api/v1/authorities/:authorityId/right-to-challenge/:challengeId",
    {
      schema: {
        tags,
        summary: "An expression of interest, with its consideration and decision",
        description:
          "Drafts are not found except by their applicant. Employees' names only for the lead employee and the authority's editors.",
        params: ChallengeParams,
        response: { 200: ChallengeResponseSchema, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const authority = await authorityById(db, request.params.authorityId);
      return challengeJson(clock, request.principal, authority.id, request.params.challengeId);
    },
  );

  api.patch(
    "/api/v1/authorities/:authorityId/right-to-challenge/:challengeId",
    {
      schema: {
        tags,
        summary: "Change a draft expression of interest",
        description: "Only its applicant; only the fields given change. 409 once submitted.",
        params: ChallengeParams,
        body: UpdateDraftBody,
        response: { 200: ChallengeResponseSchema, ...errors, 409: ErrorResponse, 422: ErrorResponse },
      },
      preValidation: signedInFirst(),
    },
    async (request) => {
      const authority = await authorityById(db, request.params.authorityId);
      const { serviceId, coSignatories, ...content } = request.body;
      await transaction(db, (trx) =>
        updateDraft(trx, clock, request.principal, authority.id, request.params.challengeId, {
          ...(serviceId !== undefined ? { serviceId } : {}),
          ...(coSignatories !== undefined ? { coSignatories } : {}),
          content,
        }),
      );
      return challengeJson(clock, request.principal, authority.id, request.params.challengeId);
    },
  );

  const applicantAction = (
    path: string,
    summary: string,
    description: string,
    action: typeof submitChallenge,
  ) =>
    api.post(
      `/api/v1/authorities/:authorityId/right-to-challenge/:challengeId/${path}`,
      {
        schema: {
          tags,
          summary,
          description,
          params: ChallengeParams,
          response: { 200: ChallengeResponseSchema, ...errors, 409: ErrorResponse, 422: ErrorResponse },
        },
        preValidation: signedInFirst(),
      },
      async (request) => {
        const authority = await authorityById(db, request.params.authorityId);
        await transaction(db, (trx) =>
          action(trx, clock, request.principal, authority.id, request.params.challengeId),
        );
        return challengeJson(clock, request.principal, authority.id, request.params.challengeId);
      },
    );

  applicantAction(
    "submit",
    "Submit a draft expression of interest",
    "422 listing each statutory item missing (nothing submitted); 409 outside the service's published windows or once submitted. The decision falls due the policy's decision period after today.",
    submitChallenge,
  );
  applicantAction(
    "withdraw",
    "Withdraw an expression of interest before its decision",
    "Its applicant only. 409 once decided or withdrawn.",
    withdrawChallenge,
  );
  applicantAction(
    "modification/agree",
    "Agree, as the body, to the modification the authority proposes",
    "A member of the organisation (or the lead employee). 409 without a proposal, or once agreed.",
    agreeToModification,
  );

  api.post(
    "/api/v1/authorities/:authorityId/right-to-challenge/:challengeId/consideration",
    {
      schema: {
        tags,
        summary: "Record that the authority considered an expression of interest",
        description:
          "Who (the officers' names or roles), when, and the evidence weighed: required before any decision. Once only (409 after). The lead employee of an employees' EOI may not (403).",
        params: ChallengeParams,
        body: ConsiderationBody,
        response: { 200: ChallengeResponseSchema, ...errors, 409: ErrorResponse, 422: ErrorResponse },
      },
      preValidation: editorsFirst(app),
    },
    async (request) => {
      const { authorityId, challengeId } = request.params;
      await transaction(db, (trx) =>
        recordConsideration(trx, clock, request.principal, authorityId, challengeId, request.body),
      );
      return challengeJson(clock, request.principal, authorityId, challengeId);
    },
  );

  api.post(
    "/api/v1/authorities/:authorityId/right-to-challenge/:challengeId/modification",
    {
      schema: {
        tags,
        summary: "Propose a modification of a considered expression of interest",
        description:
          "Only where the authority would otherwise reject it: name the statutory grounds (422 for any other ground, or none). The body is asked to agree.",
        params: ChallengeParams,
        body: ModificationBody,
        response: { 200: ChallengeResponseSchema, ...errors, 409: ErrorResponse, 422: ErrorResponse },
      },
      preValidation: editorsFirst(app),
    },
    async (request) => {
      const { authorityId, challengeId } = request.params;
      await transaction(db, (trx) =>
        proposeModification(trx, clock, request.principal, authorityId, challengeId, request.body),
      );
      return challengeJson(clock, request.principal, authorityId, challengeId);
    },
  );

  api.post(
    "/api/v1/authorities/:authorityId/right-to-challenge/:challengeId/modification/written-agreement",
    {
      schema: {
        tags,
        summary: "Record the body's written agreement to the proposed modification",
        description:
          "Its date and the evidence (the letter or email). 409 without a proposal, or once agreed.",
        params: ChallengeParams,
        body: WrittenAgreementBody,
        response: { 200: ChallengeResponseSchema, ...errors, 409: ErrorResponse, 422: ErrorResponse },
      },
      preValidation: editorsFirst(app),
    },
    async (request) => {
      const { authorityId, challengeId } = request.params;
      await transaction(db, (trx) =>
        recordWrittenAgreement(trx, clock, request.principal, authorityId, challengeId, request.body),
      );
      return challengeJson(clock, request.principal, authorityId, challengeId);
    },
  );

  api.post(
    "/api/v1/authorities/:authorityId/right-to-challenge/:challengeId/decision",
    {
      schema: {
        tags,
        summary: "Decide an expression of interest: accept, modify or reject",
        description:
          "Once, after the consideration is recorded (409 before). modified needs the body's recorded agreement to the proposed modification (409 without). rejected needs one or more statutory grounds and reasons (422 for any other ground, none, or no reasons). Accepting creates a draft commissioning project with the procurement window. The body is notified; the decision is published.",
        params: ChallengeParams,
        body: DecisionBody,
        response: { 200: ChallengeResponseSchema, ...errors, 409: ErrorResponse, 422: ErrorResponse },
      },
      preValidation: editorsFirst(app),
    },
    async (request) => {
      const { authorityId, challengeId } = request.params;
      await transaction(db, (trx) =>
        decideChallenge(trx, clock, request.principal, authorityId, challengeId, request.body),
      );
      return challengeJson(clock, request.principal, authorityId, challengeId);
    },
  );
}
