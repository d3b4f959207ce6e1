import type { RuleSet } from "../rules.ts";
import { anyone, EMPTY_FORM, INCOMPLETE_BODY, signedIn } from "../rules.ts";

/**
 * Appeals to the independent adjudicator (src/modules/redress/appeals.*): anyone signed in sees what
 * they may appeal (the service offers each person only their own refused spin-outs and unanswered
 * barriers) and appeals one of them — a subject not theirs is a 400 naming `subject`; an adjudicator's
 * page and the adjudicators' figures are public (an unknown adjudicator: 404 to everyone).
 */
export const appeals: RuleSet = {
  rules: {
    "GET /appeals/new": signedIn(200),
    "POST /appeals/new": signedIn(EMPTY_FORM),
    "GET /adjudicators/:adjudicatorSlug": () => "invisible",
    "GET /api/v1/me/appeal-choices": signedIn(200),
    "POST /api/v1/appeals": signedIn(INCOMPLETE_BODY),
    "GET /api/v1/adjudicators": anyone(200),
  },
  apiBodies: {
    "POST /api/v1/appeals": JSON.stringify({
      subject: "spin-out:019a0000-0000-7000-8000-0000000fffff:019a0000-0000-7000-8000-0000000fffff",
      grounds: ["no-reasons"],
      whatHappened: "The refusal gave no reason we could answer.",
      outcomeWanted: "The decision taken again with reasons.",
      consent: true,
    }),
  },
};
