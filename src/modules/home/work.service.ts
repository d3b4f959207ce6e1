/**
 * A person's work (issue 14, item 2): `/tasks` ("Your work"), where everyone lands after signing in,
 * and `GET /api/v1/me/tasks`. It puts together what each module says is theirs (`tasksFor(ctx)` in
 * each module's `tasks.service.ts`, the shared shape in src/lib/tasks.ts):
 *
 * - to do: bids to open (tenders), questions to answer (tenders), compliance checks (compliance),
 *   declarations and scoring (evaluation), evaluators to assign, moderation, awards and standstill
 *   challenges to decide, standstill ending (award), contracts to enter, KPI reports to make and rate
 *   (contracts), expressions of interest to decide, modifications to agree, co-signatures to confirm
 *   (challenges), draft reports to check, points to answer, drafts to correct and reports to publish
 *   (regulation), barriers logged with an authority to answer (barriers), nominations of assets of
 *   community value for a council to decide (community-assets), delegations to neighbourhood councils whose
 *   review is due within 30 days or overdue (delegations) — the soonest deadline first, those without one last;
 * - waiting on others: what they started that someone else must act on (the second bid opener, the
 *   evaluators' scores, the answer to a question or a challenge, the decision on an expression of
 *   interest, a KPI report's rating or a supplier's report, a draft report in its factual-accuracy
 *   period or the regulator's answers);
 * - assigned to me, for evaluators: the tenders they are assigned to, and where each stands;
 * - your bids, for the people of bidding organisations: each current bid with its receipt and, once
 *   awarded, what the assessment summary said.
 *
 * Only from the person's own grants, each module's lists bounded (src/lib/tasks.ts: `TASK_ROWS`),
 * at most `TASKS_SHOWN` of each list here, the rest counted. It only reads, through the modules'
 * services. An API token needs `account:read`; its bids are listed only with `bids:read` too.
 */
import { mergeTasks, type Task, type Tasks } from "../../lib/tasks.ts";
import { actingFor, scopesWith } from "../access/access.service.ts";
import { requireScope } from "../accounts/accounts.service.ts";
import { tasksFor as awardTasks, type BidOutcome, outcomesFor } from "../award/tasks.service.ts";
import { tasksFor as barrierTasks } from "../barriers/tasks.service.ts";
import { peopleActedFor } from "../care/care.service.ts";
import { tasksFor as careTasks } from "../care/tasks.service.ts";
import { tasksFor as challengeTasks } from "../challenges/tasks.service.ts";
import { tasksFor as choiceTasks } from "../choice/tasks.service.ts";
import { tasksFor as communityAssetTasks } from "../community-assets/tasks.service.ts";
import { tasksFor as complianceTasks } from "../compliance/tasks.service.ts";
import { tasksFor as contractTasks } from "../contracts/tasks.service.ts";
import { tasksFor as delegationTasks } from "../delegations/tasks.service.ts";
import { type Assignment, assignmentsFor, tasksFor as evaluationTasks } from "../evaluation/tasks.service.ts";
import { type ComplaintPlace, complaintPlaces } from "../redress/places.ts";
import { tasksFor as redressTasks } from "../redress/tasks.service.ts";
import { tasksFor as regulationTasks } from "../regulation/tasks.service.ts";
import { tasksFor as resultsTasks } from "../results/tasks.service.ts";
import { type BidLine, bidsOf, tasksFor as tenderTasks } from "../tenders/tasks.service.ts";
import type { TendersCtx } from "../tenders/tenders.context.ts";

/** The most tasks shown in each list; the rest are counted. */
export const TASKS_SHOWN = 50;

export type YourBid = BidLine & { outcome: BidOutcome | null };

export interface Work {
  todo: Task[];
  waiting: Task[];
  more: Tasks["more"];
  /** For evaluators (null for everyone else): the tenders they are assigned to. */
  assigned: { assignments: Assignment[]; more: number } | null;
  /** For the people of organisations (null for everyone else, and for API tokens without `bids:read`). */
  bids: { bids: YourBid[]; more: number } | null;
  /**
   * Where the person's own pages are: the people they act for (their care and support: the person
   * themself or as a representative), and each provider organisation's arrangements with people
   * choosing care and its invoices. Shown on the page; not part of the API's answer.
   */
  places: Places;
}

export interface Places {
  people: { name: string; href: string }[];
  providers: { name: string; arrangementsHref: string; invoicesHref: string; outcomeContractsHref: string }[];
  /** Their complaints, and the complaints, remedies or cases of the bodies they act for (redress). */
  complaints: ComplaintPlace[];
}

/** The person's own places (see `Work`). */
async function placesOf(ctx: TendersCtx): Promise<Places> {
  const [people, acting, complaints] = await Promise.all([
    peopleActedFor(ctx),
    actingFor(ctx),
    complaintPlaces(ctx),
  ]);
  const providers = new Map<string, Places["providers"][number]>();
  for (const a of acting)
    if (a.scopeType === "organisation" && a.href && !providers.has(a.href))
      providers.set(a.href, {
        name: a.name ?? "",
        arrangementsHref: `${a.href}/arrangements`,
        invoicesHref: `${a.href}/invoices`,
        outcomeContractsHref: `${a.href}/outcome-contracts`,
      });
  return {
    people: people.map((x) => ({ name: x.name, href: `/care/people/${x.personId}` })),
    providers: [...providers.values()],
    complaints,
  };
}

/** Whether bids may be listed: on the site, or by a token with `bids:read`. */
function mayListBids(ctx: TendersCtx): boolean {
  const p = ctx.principal;
  return p !== null && (p.via === "session" || (p.tokenScopes ?? []).includes("bids:read"));
}

/** The signed-in person's work (401 for the public; 403 for a token without `account:read`). */
export async function workOf(ctx: TendersCtx): Promise<Work> {
  const p = requireScope(ctx.principal, "account:read");
  const evaluator = scopesWith(p, ["evaluator"]).length > 0;
  const bidder = scopesWith(p, ["organisation-admin", "organisation-member"]).length > 0;
  const assigned = evaluator ? await assignmentsFor(ctx) : null;
  const lists = await Promise.all([
    tenderTasks(ctx),
    complianceTasks(ctx),
    evaluationTasks(ctx, assigned ?? { assignments: [], more: 0 }),
    awardTasks(ctx),
    contractTasks(ctx),
    challengeTasks(ctx),
    regulationTasks(ctx),
    careTasks(ctx),
    choiceTasks(ctx),
    redressTasks(ctx),
    resultsTasks(ctx),
    barrierTasks(ctx),
    communityAssetTasks(ctx),
    delegationTasks(ctx),
  ]);
  const { todo, waiting, more } = mergeTasks(lists, TASKS_SHOWN);
  let bids: Work["bids"] = null;
  if (bidder && mayListBids(ctx)) {
    const found = await bidsOf(ctx);
    const outcomes = await outcomesFor(
      ctx,
      found.bids.map((b) => ({ organisationId: b.organisation.id, tenderId: b.tender.id })),
    );
    bids = {
      bids: found.bids.map((b) => ({
        ...b,
        outcome: outcomes.get(`${b.organisation.id}/${b.tender.id}`) ?? null,
      })),
      more: found.more,
    };
  }
  return { todo, waiting, more, assigned, bids, places: await placesOf(ctx) };
}
