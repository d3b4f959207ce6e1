/**
 * Expressions of interest, the authority's pages: record the consideration, propose a modification
 * (and record the body's written agreement to it), and decide. The body agrees to a proposed
 * modification from the EOI's page.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { buttonAction, dateField, field, fieldList, formAction, formPage } from "../../http/forms.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, authorityEditors, signedIn } from "../access/policies.ts";
import { dateParts, display, NO_DATE, pagesOf } from "./challenges.presenters.ts";
import { DECISIONS, REJECTION_GROUNDS } from "./challenges.table.ts";
import {
  addWrittenAgreement,
  agreeToModification,
  authorityFormOf,
  considerExpressionOfInterest,
  decideExpressionOfInterest,
  proposeModification,
} from "./decisions.service.ts";

type ChallengeRequest = FastifyRequest<{ Params: { slug: string; challengeId: string } }>;

/** What the authority's forms show: the EOI, and the decisions and grounds to choose from. */
async function authorityContext(request: ChallengeRequest) {
  const { authority } = request;
  const challenge = await authorityFormOf(ctxOf(request), authority.id, request.params.challengeId);
  return {
    authority,
    challenge: display(challenge, request.locale),
    grounds: REJECTION_GROUNDS,
    decisions: DECISIONS,
  };
}

/** Where the authority's forms go once done: the EOI's page, with a notice. */
const done = (authority: { slug: string }, id: string, notice: string) =>
  `${pagesOf(authority)}/${id}?notice=${notice}`;

const base = "/authorities/:slug/right-to-challenge/:challengeId";

export function decisionsPages(app: FastifyInstance): void {
  considerationPage(app);
  modificationPages(app);
  decisionPage(app);
}

function considerationPage(app: FastifyInstance): void {
  formPage(app, `${base}/consider`, {
    who: afterLookup(authorityEditors),
    template: "challenges/views/consider.njk",
    context: authorityContext,
    values: () => ({ consideredBy: "", consideredOn: NO_DATE, evidence: "" }),
    read: (body) => ({
      consideredBy: field(body, "consideredBy"),
      consideredOn: dateParts(body, "consideredOn"),
      evidence: field(body, "evidence"),
    }),
    submit: async (request, values, { authority, challenge }) => {
      await considerExpressionOfInterest(ctxOf(request), authority.id, challenge.id, {
        consideredBy: values.consideredBy,
        consideredOn: dateField(request.body, "consideredOn"),
        evidence: values.evidence,
      });
      return done(authority, challenge.id, "considered");
    },
  });
}

/** Proposing a modification, and the body's agreement: on the platform, or recorded from writing. */
function modificationPages(app: FastifyInstance): void {
  const modification = {
    who: afterLookup(authorityEditors),
    template: "challenges/views/modification.njk",
    context: authorityContext,
  };

  formPage(app, `${base}/modification`, {
    ...modification,
    values: () => ({ modification: "", grounds: [] as string[], agreedOn: NO_DATE, agreementEvidence: "" }),
    read: (body) => ({
      modification: field(body, "modification"),
      grounds: fieldList(body, "grounds"),
      agreedOn: NO_DATE,
      agreementEvidence: "",
    }),
    submit: async (request, values, { authority, challenge }) => {
      await proposeModification(ctxOf(request), authority.id, challenge.id, values);
      return done(authority, challenge.id, "modification-proposed");
    },
  });

  formAction(app, `${base}/modification/written-agreement`, {
    ...modification,
    read: (body) => ({
      modification: "",
      grounds: [] as string[],
      agreedOn: dateParts(body, "agreedOn"),
      agreementEvidence: field(body, "agreementEvidence"),
    }),
    submit: async (request, values, { authority, challenge }) => {
      await addWrittenAgreement(ctxOf(request), authority.id, challenge.id, {
        agreedOn: dateField(request.body, "agreedOn"),
        evidence: values.agreementEvidence,
      });
      return done(authority, challenge.id, "agreement-recorded");
    },
  });

  buttonAction(app, `${base}/modification/agree`, { who: signedIn }, async (request: ChallengeRequest) => {
    const challenge = await agreeToModification(
      ctxOf(request),
      request.authority.id,
      request.params.challengeId,
    );
    return done(request.authority, challenge.id, "agreed");
  });
}

function decisionPage(app: FastifyInstance): void {
  formPage(app, `${base}/decide`, {
    who: afterLookup(authorityEditors),
    template: "challenges/views/decide.njk",
    context: authorityContext,
    values: () => ({ decision: "", grounds: [] as string[], reasons: "" }),
    read: (body) => ({
      decision: field(body, "decision"),
      grounds: fieldList(body, "grounds"),
      reasons: field(body, "reasons"),
    }),
    submit: async (request, values, { authority, challenge }) => {
      await decideExpressionOfInterest(ctxOf(request), authority.id, challenge.id, values);
      return done(authority, challenge.id, "decided");
    },
  });
}
