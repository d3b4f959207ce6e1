/**
 * Feedback beside the ratings (issue 17, item 8; docs/feedback.md): the public pages — the
 * moderation policy and a provider's reviews, a page at a time — the person's form, the moderators'
 * queue and decision form, the provider's reply form, and the JSON API
 * for each action (leave a review, moderate, reply; scope `feedback:write`) and the public reads
 * (reviews, open figures). Each route states who may call it and calls one service.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { Type } from "typebox";
import { field, formPage } from "../../http/forms.ts";
import { anyone, api, page } from "../../http/routes.ts";
import { Instant, Nullable, PageKeyQuery, Uuid } from "../../http/schemas.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, platformAdmins, signedIn } from "../access/policies.ts";
import {
  feedbackFigures,
  feedbackForm,
  heldFeedback,
  leaveFeedback,
  mayReply,
  moderateFeedback,
  providerFeedback,
  recentFeedback,
  replyToFeedback,
  reviewToModerate,
  reviewToReply,
  type ShownReview,
} from "./feedback.service.ts";
import type { FeedbackReview } from "./voice.table.ts";

const tags: ["feedback"] = ["feedback"];

const Review = Type.Object({
  id: Uuid,
  organisationId: Uuid,
  stars: Type.Integer({ minimum: 1, maximum: 5 }),
  text: Type.String(),
  about: Type.String({ description: "Who left it, never named: the service type, the area and the month" }),
  publishedAt: Nullable(Instant),
  edited: Type.Boolean({ description: "A moderator removed a part under the feedback policy" }),
  reply: Nullable(Type.String({ description: "The provider's reply" })),
  replyToEarlierVersion: Type.Boolean({
    description: "The reply answered an earlier version of the review: the person has left a new one since",
  }),
});
const Written = Type.Object({
  id: Uuid,
  state: Type.String({ description: "published, or held for moderation" }),
  heldFor: Nullable(Type.String({ description: "What the automatic check found" })),
  version: Type.Integer(),
});
const PersonParams = Type.Object({ authorityId: Uuid, personId: Uuid });
const OrganisationParams = Type.Object({ id: Uuid });
const ReviewParams = Type.Object({ id: Uuid, reviewId: Uuid });

function about(r: ShownReview): string {
  return `A person using ${r.about.serviceType.toLowerCase()} in ${r.about.area}, ${r.about.month}`;
}

function reviewToApi(r: ShownReview) {
  return {
    id: r.id,
    organisationId: r.organisationId,
    stars: r.stars,
    text: r.text,
    about: about(r),
    publishedAt: r.publishedAt?.toISOString() ?? null,
    edited: r.edited,
    reply: r.reply,
    replyToEarlierVersion: r.replyToEarlier,
  };
}

const written = (r: FeedbackReview, heldFor = "") => ({
  id: r.id,
  state: r.state,
  heldFor: heldFor || null,
  version: r.version,
});

type OrgRequest = FastifyRequest<{ Params: { id: string }; Querystring: { after?: string } }>;
type PersonRequest = FastifyRequest<{ Params: { personId: string }; Querystring: { organisation?: string } }>;
type ReviewRequest = FastifyRequest<{ Params: { reviewId: string } }>;
type AfterRequest = FastifyRequest<{ Querystring: { after?: string } }>;

const afterOf = (request: AfterRequest) =>
  typeof request.query?.after === "string" ? request.query.after : undefined;
type OrgReviewRequest = FastifyRequest<{ Params: { id: string; reviewId: string } }>;

export function feedbackRoutes(app: FastifyInstance): void {
  app.get("/feedback/policy", page({ who: anyone }), async (_request, reply) => {
    await reply.page("voice/views/feedback-policy.njk", {});
  });

  app.get("/organisations/:id/feedback", page({ who: anyone }), async (request: OrgRequest, reply) => {
    const after = typeof request.query?.after === "string" ? request.query.after : undefined;
    const found = await providerFeedback(ctxOf(request), request.params.id, after);
    await reply.page("voice/views/feedback.njk", {
      organisationId: request.params.id,
      mayReply: mayReply(ctxOf(request), request.params.id),
      reviews: found.reviews.map((r) => ({ ...r, aboutText: about(r) })),
      next: found.next,
      figures: await feedbackFigures(ctxOf(request), request.params.id),
    });
  });

  formPage(app, "/care/people/:personId/feedback/new", {
    who: afterLookup(signedIn),
    template: "voice/views/feedback-form.njk",
    context: (request) => feedbackForm(ctxOf(request), (request as PersonRequest).params.personId),
    values: (request) => ({
      organisationId: field(request.query, "organisation"),
      stars: "",
      text: "",
      serviceType: "",
      serviceMonth: "",
    }),
    read: (body) => ({
      organisationId: field(body, "organisationId"),
      stars: field(body, "stars"),
      text: field(body, "text"),
      serviceType: field(body, "serviceType"),
      serviceMonth: field(body, "serviceMonth"),
    }),
    async submit(request, values, context) {
      await leaveFeedback(ctxOf(request), context.authorityId, context.personId, values);
      return `/organisations/${values.organisationId}/feedback`;
    },
  });

  // The platform's moderators: the queue of held reviews, the published ones newest first (each a
  // page at a time by key), and a decision on one (held or published).
  app.get("/feedback/moderation", page({ who: platformAdmins }), async (request: AfterRequest, reply) => {
    const found = await heldFeedback(ctxOf(request), afterOf(request));
    await reply.page("voice/views/feedback-moderation.njk", { ...found });
  });

  app.get(
    "/feedback/moderation/published",
    page({ who: platformAdmins }),
    async (request: AfterRequest, reply) => {
      const found = await recentFeedback(ctxOf(request), afterOf(request));
      await reply.page("voice/views/feedback-published.njk", { ...found });
    },
  );

  formPage(app, "/feedback/moderation/:reviewId", {
    who: platformAdmins,
    template: "voice/views/feedback-moderate.njk",
    async context(request) {
      return { review: await reviewToModerate(ctxOf(request), (request as ReviewRequest).params.reviewId) };
    },
    values: (_request, context) => ({
      decision: "",
      text: context.review.text,
      reply: context.review.reply ?? "",
      removed: "",
      reason: "",
    }),
    read: (body) => ({
      decision: field(body, "decision"),
      text: field(body, "text"),
      reply: field(body, "reply"),
      removed: field(body, "removed"),
      reason: field(body, "reason"),
    }),
    async submit(request, values, context) {
      await moderateFeedback(ctxOf(request), context.review.id, values);
      return "/feedback/moderation";
    },
  });

  // The provider's reply to a published review: its administrators and members.
  formPage(app, "/organisations/:id/feedback/:reviewId/reply", {
    who: afterLookup(signedIn),
    template: "voice/views/feedback-reply.njk",
    async context(request) {
      const { id, reviewId } = (request as OrgReviewRequest).params;
      return { organisationId: id, review: await reviewToReply(ctxOf(request), id, reviewId) };
    },
    values: (_request, context) => ({ reply: context.review.reply ?? "" }),
    read: (body) => ({ reply: field(body, "reply") }),
    async submit(request, values, context) {
      await replyToFeedback(ctxOf(request), context.organisationId, context.review.id, values.reply);
      return `/organisations/${context.organisationId}/feedback`;
    },
  });

  const json = app.withTypeProvider<TypeBoxTypeProvider>();
  json.post(
    "/api/v1/authorities/:authorityId/care/people/:personId/feedback",
    api(
      { who: afterLookup(signedIn), scope: "feedback:write" },
      {
        operationId: "leaveFeedback",
        tags,
        summary: "Leave (or replace) a person's review of a provider",
        description:
          "The person, care staff, or a representative or champion holding `give-feedback`. Only about a provider paid from the person's personal budget (409 otherwise). Published at once, or held for moderation when the automatic check finds an email address, a phone number or a postcode.",
        params: PersonParams,
        body: Type.Object({
          organisationId: Uuid,
          stars: Type.Integer({ minimum: 1, maximum: 5 }),
          text: Type.String({ maxLength: 1000 }),
          serviceType: Type.String({ description: "A service category code" }),
          serviceMonth: Type.String({ pattern: "^[0-9]{4}-[0-9]{2}$" }),
        }),
        response: { 201: Written },
      },
    ),
    async (request, reply) => {
      const { review, heldFor } = await leaveFeedback(
        ctxOf(request),
        request.params.authorityId,
        request.params.personId,
        request.body,
      );
      return reply.status(201).send(written(review, heldFor));
    },
  );

  json.post(
    "/api/v1/feedback/:reviewId/moderate",
    api(
      { who: platformAdmins, scope: "feedback:write" },
      {
        operationId: "moderateFeedback",
        tags,
        summary: "Publish a review, edit out a part of it or of its reply, or reject it",
        description:
          "The platform's moderators, against the published policy (/feedback/policy). The person is told.",
        params: Type.Object({ reviewId: Uuid }),
        body: Type.Object({
          decision: Type.Union([
            Type.Literal("publish"),
            Type.Literal("edit"),
            Type.Literal("edit-reply"),
            Type.Literal("reject"),
          ]),
          text: Type.Optional(
            Type.String({ maxLength: 1000, description: "The review without the part, for edit" }),
          ),
          reply: Type.Optional(
            Type.String({
              maxLength: 1000,
              description: "The provider's reply without the part, for edit-reply",
            }),
          ),
          removed: Type.Optional(
            Type.Union([Type.Literal("personal-data"), Type.Literal("other")], {
              description:
                "For edit and edit-reply: personal data (every earlier version of the text edited is redacted) or other (kept as evidence)",
            }),
          ),
          reason: Type.Optional(Type.String({ maxLength: 500 })),
        }),
        response: { 200: Written },
      },
    ),
    async (request) => written(await moderateFeedback(ctxOf(request), request.params.reviewId, request.body)),
  );

  json.post(
    "/api/v1/organisations/:id/feedback/:reviewId/reply",
    api(
      { who: afterLookup(signedIn), scope: "feedback:write" },
      {
        operationId: "replyToFeedback",
        tags,
        summary: "The provider's reply to a published review",
        description:
          "Its administrators and members, once per review; sending again changes it (a new version).",
        params: ReviewParams,
        body: Type.Object({ reply: Type.String({ maxLength: 1000 }) }),
        response: { 200: Written },
      },
    ),
    async (request) =>
      written(
        await replyToFeedback(ctxOf(request), request.params.id, request.params.reviewId, request.body.reply),
      ),
  );

  json.get(
    "/api/v1/organisations/:id/feedback",
    api(
      { who: anyone },
      {
        operationId: "listProviderFeedback",
        tags,
        summary: "A provider's published reviews from the people who use it",
        description:
          "Newest first, 10 at a time by key: follow `next`. Users' feedback, not the regulator's rating.",
        params: OrganisationParams,
        querystring: Type.Object({ after: PageKeyQuery.after }),
        response: {
          200: Type.Object({
            reviews: Type.Array(Review),
            next: Nullable(Type.String()),
            figures: Type.Array(
              Type.Object({
                serviceType: Type.String(),
                reviews: Nullable(Type.Integer({ description: "Null when fewer than 10 (suppressed)" })),
                ratings: Nullable(Type.Array(Type.Integer(), { description: "How many gave 1 to 5 stars" })),
              }),
            ),
          }),
        },
      },
    ),
    async (request) => {
      const found = await providerFeedback(ctxOf(request), request.params.id, request.query.after);
      return {
        reviews: found.reviews.map(reviewToApi),
        next: found.next,
        figures: await feedbackFigures(ctxOf(request), request.params.id),
      };
    },
  );
}
