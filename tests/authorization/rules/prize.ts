import type { Allowed, Rule, RuleSet } from "../rules.ts";
import { anyone, EMPTY_FORM, signedIn, UNKNOWN, unknownTarget } from "../rules.ts";

/**
 * The prize for public service innovation (src/modules/prize): the list of rounds is public, and a
 * round and its nominations are open to anyone (an unknown round is 404 to everyone, the public
 * too); opening a round asks only for sign-in, the service refusing an organiser that is not a
 * public body (the matrix sends an unknown one: 400); the routes of a round's panel ask only for
 * sign-in, and the service looks the round up first (the matrix's unknown one: 404 to everyone
 * signed in) before asking whether the caller is its judge or its organiser's commissioner or
 * administrator.
 */
const round = "/api/v1/prize/rounds/:roundId";
const invisible = () => "invisible" as const;
/** Opening a round: any public body's commissioners and administrators (for their own body: the form lists only those), platform administrators. */
const organisers =
  (ok: Allowed): Rule =>
  (who) =>
    who === "public"
      ? "sign-in"
      : ["commissioner", "authority-admin", "platform-admin"].includes(who)
        ? ok
        : "denied";

export const prize: RuleSet = {
  rules: {
    "GET /api/v1/prize/rounds": anyone(200),
    "POST /api/v1/prize/rounds": signedIn(400),
    [`GET ${round}`]: invisible,
    [`POST ${round}/nominations`]: invisible,
    [`POST ${round}/judges`]: unknownTarget,
    [`GET ${round}/judging`]: unknownTarget,
    [`POST ${round}/declaration`]: unknownTarget,
    [`PUT ${round}/nominations/:nominationId/score`]: unknownTarget,
    [`POST ${round}/shortlist`]: unknownTarget,
    [`POST ${round}/winners`]: unknownTarget,
    "GET /prize": anyone(200),
    "GET /prize/new": organisers(200),
    "POST /prize/new": organisers(EMPTY_FORM),
    "GET /prize/:roundId": invisible,
    "GET /prize/:roundId/nominate": invisible,
    "POST /prize/:roundId/nominate": invisible,
    "GET /prize/:roundId/judging": unknownTarget,
    "POST /prize/:roundId/judges": unknownTarget,
    "POST /prize/:roundId/declaration": unknownTarget,
    "POST /prize/:roundId/nominations/:nominationId/score": unknownTarget,
    "POST /prize/:roundId/shortlist": unknownTarget,
    "POST /prize/:roundId/winners": unknownTarget,
  },
  apiBodies: {
    "POST /api/v1/prize/rounds": JSON.stringify({
      authorityId: UNKNOWN,
      year: 2027,
      title: "A prize",
      categories: ["A category"],
      nominationsOpenOn: "2027-03-01",
      nominationsCloseOn: "2027-03-31",
      shortlistOn: "2027-05-01",
      winnersOn: "2027-06-01",
    }),
    [`POST ${round}/nominations`]: JSON.stringify({
      categoryId: UNKNOWN,
      nomineeKind: "organisation",
      organisationId: UNKNOWN,
      reasons: "A reason",
      name: "A name",
      email: "someone@example.org",
    }),
    [`POST ${round}/judges`]: JSON.stringify({ email: "someone@example.org" }),
    [`POST ${round}/declaration`]: JSON.stringify({ conflicts: [] }),
    [`PUT ${round}/nominations/:nominationId/score`]: JSON.stringify({ score: 5, comment: "Why" }),
    [`POST ${round}/winners`]: JSON.stringify({ winners: [] }),
  },
};
