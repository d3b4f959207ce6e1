/**
 * Those concerned by an appeal to the independent adjudicator besides the appellant (issue 20,
 * item 6; docs/redress.md, "Appeals to the independent adjudicator"), told in their inbox and by
 * email (notice `appeal.progressed`):
 *
 * - when it arrives, the **body whose decision is appealed**: its complaints officers, who take part
 *   in the case as in any complaint (redress's `bodyReach`: its administrators when it has none),
 *   linked to the complaint; and its commissioners and administrators, who made the decision or left
 *   the barrier unanswered, linked to the subject's page;
 * - when it arrives and when it is decided, its **followers** (`appealFollowers`: a refused
 *   spin-out's other team members), linked to the subject's page, which shows the appeal's reference
 *   and, once decided, its outcome. The appellant's words and contact details stay theirs.
 */
import type { Trx } from "../../db/database.ts";
import { longDate } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { collect } from "../../lib/ports.ts";
import { commissioningPeople } from "../access/access.service.ts";
import { actorIn, type Ctx } from "../access/context.ts";
import { notify } from "../notifications/notifications.service.ts";
import { appealFollowers } from "./redress.ports.ts";
import { answeringBody, bodyReach, type ComplaintRow, complaintPath } from "./redress.service.ts";

type Appeal = Pick<
  ComplaintRow,
  | "authority_id"
  | "authority_slug"
  | "id"
  | "answerer"
  | "organisation_id"
  | "complainant_id"
  | "commissioning_kind"
  | "commissioning_id"
  | "commissioning_title"
>;

/** The followers of the appeal (not the appellant), and the subject's page. */
async function followersOf(ctx: Ctx, c: Appeal): Promise<{ userIds: string[]; path: string | null }> {
  const kind = c.commissioning_kind;
  if ((kind !== "spin-out" && kind !== "barrier") || !c.commissioning_id) return { userIds: [], path: null };
  const answers = await collect(appealFollowers, ctx, {
    kind,
    authorityId: c.authority_id,
    id: c.commissioning_id,
  });
  const userIds = [...new Set(answers.flatMap((a) => a.userIds))].filter((u) => u !== c.complainant_id);
  return { userIds, path: answers[0]?.path ?? null };
}

async function tell(
  trx: Trx,
  ctx: Ctx,
  c: Appeal,
  to: ReadonlyMap<string, string>,
  n: { subject: string; body: string },
): Promise<void> {
  for (const [userId, link] of to)
    await notify(
      trx,
      ctx.clock,
      {
        userId,
        authorityId: c.authority_id,
        kind: "appeal.progressed",
        subject: n.subject.slice(0, 200),
        body: n.body,
        link,
      },
      { email: true, actor: actorIn(ctx) },
    );
}

/** An appeal has reached the adjudicator: the body appealed against and the followers told. */
export async function tellAppealMade(
  trx: Trx,
  ctx: Ctx,
  c: Appeal,
  made: { adjudicatorName: string; bodyName: string; caseReference: string; subjectPath: string },
): Promise<void> {
  const title = c.commissioning_title;
  const to = new Map<string, string>();
  const reach = await bodyReach(trx, answeringBody(c));
  for (const u of reach.userIds) to.set(u, reach.reach === "own" ? complaintPath(c) : made.subjectPath);
  for (const u of await commissioningPeople(trx, c.authority_id)) if (!to.has(u)) to.set(u, made.subjectPath);
  to.delete(c.complainant_id ?? "");
  await tell(trx, ctx, c, to, {
    subject: msg`An appeal against ${made.bodyName} to the independent adjudicator: ${made.caseReference}`,
    body: msg`"${title}" has been appealed to ${made.adjudicatorName}, the independent adjudicator, as case ${made.caseReference}. The adjudicator will ask ${made.bodyName} for its side.`,
  });
  const followers = await followersOf(ctx, c);
  const forFollowers = new Map(
    followers.userIds.filter((u) => !to.has(u)).map((u) => [u, followers.path ?? made.subjectPath]),
  );
  await tell(trx, ctx, c, forFollowers, {
    subject: msg`Your team's appeal to the independent adjudicator: ${made.caseReference}`,
    body: msg`A member of your team has appealed the refusal of "${title}" to ${made.adjudicatorName}, the independent adjudicator, as case ${made.caseReference}. You will be told of its decision; where it stands is on the proposal's page.`,
  });
}

/** The adjudicator has decided an appeal: its followers told (the appellant and the body are told by the engine). */
export async function tellAppealDecided(
  trx: Trx,
  ctx: Ctx,
  c: Appeal,
  decided: { adjudicatorName: string; caseReference: string; decidedOn: string },
): Promise<void> {
  const followers = await followersOf(ctx, c);
  if (!followers.path) return;
  const path = followers.path;
  await tell(trx, ctx, c, new Map(followers.userIds.map((u) => [u, path])), {
    subject: msg`The independent adjudicator's decision on your team's appeal: ${decided.caseReference}`,
    body: msg`${decided.adjudicatorName} decided the appeal about "${c.commissioning_title}" (case ${decided.caseReference}) on ${longDate(decided.decidedOn)}. Its outcome is on the proposal's page.`,
  });
}
