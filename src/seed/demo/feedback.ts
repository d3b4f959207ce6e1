/**
 * Demo feedback (issue 17, item 8; docs/feedback.md): Joan Whitfield (the demo citizen, as herself)
 * pays two providers from her direct payment — Westshire Community Health CIC (the demo
 * organisation) and Greenway Home Care (a member of Westshire's home-care list) — and reviews both.
 * Her first review names a phone number: held by the automatic check, a moderator removes it with the
 * reason and publishes it, and the CIC's administrator replies. Her second gives a postcode: it
 * stays held for moderation. Through the real services, after the budgets' and champions' seeds.
 */
import { PLATFORM_SCOPE, type Principal } from "../../modules/access/access.service.ts";
import { recordPaymentOut } from "../../modules/budgets/payments.service.ts";
import { peopleActedFor, personView } from "../../modules/care/care.service.ts";
import { leaveFeedback, moderateFeedback, replyToFeedback } from "../../modules/voice/feedback.service.ts";
import type { Seed } from "../seed.ts";
import { DEMO_CHOICE_MEMBERS } from "./choice.ts";
import { DEMO_ORGANISATION, DEMO_USERS } from "./users.ts";

const user = (role: string): Principal => {
  const u = DEMO_USERS.find((d) => d.role === role);
  if (!u) throw new Error(`No demo ${role}`);
  return {
    userId: u.id,
    displayName: u.displayName,
    grants:
      role === "platform-admin"
        ? [{ role: u.role, scopeType: "platform", scopeId: PLATFORM_SCOPE }]
        : u.scopeId
          ? [{ role: u.role, scopeType: "organisation", scopeId: u.scopeId }]
          : [],
    via: "session",
    twoFactor: true,
  };
};

export const demoFeedbackSeed: Seed = {
  name: "demo-feedback",
  description:
    "Joan's payments to two providers and her reviews: one moderated, published and replied to, one held",
  demo: true,
  async run({ trx, clock }) {
    const asJoan = { db: trx, clock, principal: user("citizen") };
    const joan = (await peopleActedFor(asJoan)).find((p) => p.how === "self");
    if (!joan) return;
    const { authorityId, personId } = joan;
    const plan = (await personView(asJoan, authorityId, personId)).plans[0];
    if (!plan) return;
    const month = clock.now().toISOString().slice(0, 7);
    const pay = (organisationId: string, amount: string, description: string) =>
      recordPaymentOut(asJoan, authorityId, plan.plan.id, `demo-feedback-${organisationId}`, {
        amount,
        organisationId,
        description,
      });
    await pay(DEMO_ORGANISATION, "£42.00", "Help with meals, two hours");
    await pay(DEMO_CHOICE_MEMBERS.greenway, "£64.50", "Help to wash and bathe, three mornings");

    const first = await leaveFeedback(asJoan, authorityId, personId, {
      organisationId: DEMO_ORGANISATION,
      stars: 4,
      text: "Kind and on time every day; they helped me cook what I like. Call me on 07700 900123 if you want to know more.",
      serviceType: "domiciliary-care",
      serviceMonth: month,
    });
    const asModerator = { db: trx, clock, principal: user("platform-admin") };
    await moderateFeedback(asModerator, first.review.id, {
      decision: "edit",
      text: "Kind and on time every day; they helped me cook what I like.",
      removed: "personal-data",
      reason: "Personal data removed: a phone number.",
    });
    const asProvider = { db: trx, clock, principal: user("organisation-admin") };
    await replyToFeedback(
      asProvider,
      DEMO_ORGANISATION,
      first.review.id,
      "Thank you: we will pass this on to the team who visit you.",
    );
    await leaveFeedback(asJoan, authorityId, personId, {
      organisationId: DEMO_CHOICE_MEMBERS.greenway,
      stars: 2,
      text: "Often late in the mornings, and a different carer most days. I live near WS1 2AB.",
      serviceType: "domiciliary-care",
      serviceMonth: month,
    });
  },
};
