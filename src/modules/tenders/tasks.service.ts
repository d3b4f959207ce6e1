/**
 * What tenders ask of a person (issue 14, item 2; the home module's `/tasks`):
 *
 * - a bid opener: the tenders of their authority whose deadline has passed, to open — the first
 *   confirmation, or the second once another opener has confirmed; the opener who confirmed first
 *   waits for a second (Annex IV A4–A6: two people open);
 * - the authority's commissioners and administrators: clarification questions to answer, while the
 *   tender is open for bids (answers are published to every bidder before the deadline);
 * - the person who asked a question: waiting for its answer;
 * - the people of a bidding organisation: their bids ("Your bids"), found as the tender page finds
 *   them — by the bidder tag under each tender's index key — so that no bid names its bidder.
 *
 * Only what the person's own grants give: a platform administrator's reach is not their work.
 */
import { dueAt, moreThan, noTasks, TASK_ROWS, type Tasks } from "../../lib/tasks.ts";
import { AUTHORITY_EDITORS, scopesWith } from "../access/access.service.ts";
import type { Ctx } from "../access/context.ts";
import { type BidReceipt, indexKeyOf, receiptOf } from "./bids.service.ts";
import { bidderTag } from "./sealing.ts";
import type { TendersCtx } from "./tenders.context.ts";
import * as repo from "./tenders.repository.ts";
import { stateOf, type TenderState, tenderPath } from "./tenders.service.ts";
import { stageOf } from "./views.service.ts";

/** What a task query's row about a tender holds: enough to say what a task concerns and where. */
export interface TenderTaskSource {
  tender_id: string;
  title: string;
  authority_name: string;
  authority_slug: string;
}

/** What a task about a tender concerns (every module whose work is on tenders says it so). */
export const aboutTender = (row: TenderTaskSource) => ({
  type: "tender",
  id: row.tender_id,
  title: row.title,
  body: row.authority_name,
});

/** The page of the tender a task is about. */
export const tenderTaskPath = (row: TenderTaskSource) =>
  tenderPath({ authority_slug: row.authority_slug, id: row.tender_id });

/** The bids to open (or to wait on a second opener for), and the questions to answer or waiting for an answer. */
export async function tasksFor(ctx: Ctx): Promise<Tasks> {
  const p = ctx.principal;
  if (!p) return noTasks();
  const now = ctx.clock.now();
  const [openings, toAnswer, asked] = await Promise.all([
    repo.tendersAwaitingOpening(ctx.db, scopesWith(p, ["bid-opener"]), now, TASK_ROWS),
    repo.unansweredQuestions(ctx.db, { authorityIds: scopesWith(p, AUTHORITY_EDITORS) }, now, TASK_ROWS),
    repo.unansweredQuestions(ctx.db, { askedBy: p.userId }, now, TASK_ROWS),
  ]);
  const tasks = noTasks();
  for (const row of openings) {
    // Nothing sets a deadline for opening: bids wait, sealed, until two openers open them.
    const task = { about: aboutTender(row), href: tenderTaskPath(row), due: null };
    if (row.first_opener_id === p.userId)
      tasks.waiting.push({
        ...task,
        kind: "awaiting-second-opener",
        details: { confirmed: row.first_confirmed_at ?? row.submission_deadline },
      });
    else
      tasks.todo.push({
        ...task,
        kind: row.first_opener_id ? "second-opening" : "confirm-opening",
        details: { closed: row.submission_deadline },
      });
  }
  // Those left out are counted as to do, as all but a few are.
  tasks.more.todo += moreThan(openings);
  for (const row of toAnswer)
    tasks.todo.push({
      kind: "answer-question",
      about: aboutTender(row),
      href: `${tenderTaskPath(row)}/questions/${row.question_id}/answer`,
      due: dueAt(row.submission_deadline),
      details: { asked: row.asked_at },
    });
  tasks.more.todo += moreThan(toAnswer);
  for (const row of asked)
    tasks.waiting.push({
      kind: "question-awaiting-answer",
      about: aboutTender(row),
      href: `${tenderTaskPath(row)}#questions`,
      due: dueAt(row.submission_deadline),
      details: { asked: row.asked_at },
    });
  tasks.more.waiting += moreThan(asked);
  return tasks;
}

/** One of the person's organisations' bids, as "Your bids" shows it. */
export interface BidLine {
  tender: {
    authorityId: string;
    id: string;
    title: string;
    authorityName: string;
    href: string;
    state: TenderState;
    /** The key of its stage's label (awarded, in standstill, …; see `stageOf`). */
    stage: string;
    submissionDeadline: Date;
  };
  organisation: { id: string; name: string };
  receipt: BidReceipt;
  /** The bid's confirmation page: its receipt, and the copy of what was sealed while it lasts. */
  href: string;
}

/**
 * The current bids of the organisations this person acts for, on the tenders they registered
 * interest in (bidding needs it), most recently registered first: at most `TASK_ROWS` tenders
 * looked at, and how many more there are (`more`).
 */
export async function bidsOf(ctx: TendersCtx): Promise<{ bids: BidLine[]; more: number }> {
  const organisationIds = scopesWith(ctx.principal, ["organisation-admin", "organisation-member"]);
  const interests = await repo.interestsOf(ctx.db, organisationIds, TASK_ROWS);
  const now = ctx.clock.now();
  const byTender = new Map<string, repo.InterestRow[]>();
  for (const row of interests) {
    const key = `${row.authority_id}/${row.tender_id}`;
    byTender.set(key, [...(byTender.get(key) ?? []), row]);
  }
  const bids: BidLine[] = [];
  for (const rows of byTender.values()) {
    const [first] = rows as [repo.InterestRow];
    const { authority_id: authorityId, tender_id: tenderId } = first;
    const indexKey = await indexKeyOf(ctx.db, ctx.keys, authorityId, tenderId);
    let tags: [repo.InterestRow, string][];
    try {
      tags = rows.map((row) => [row, bidderTag(indexKey, row.organisation_id)]);
    } finally {
      indexKey.fill(0);
    }
    const state = stateOf(
      { status: first.status, submission_deadline: first.submission_deadline, opened_at: first.opened_at },
      now,
    );
    const stage = await stageOf(ctx, authorityId, tenderId, state);
    for (const [row, tag] of tags) {
      const bid = await repo.currentBidOfTag(ctx.db, authorityId, tenderId, tag);
      if (!bid) continue;
      bids.push({
        tender: {
          authorityId,
          id: tenderId,
          title: row.title,
          authorityName: row.authority_name,
          href: tenderTaskPath(row),
          state,
          stage,
          submissionDeadline: row.submission_deadline,
        },
        organisation: { id: row.organisation_id, name: row.organisation_name },
        receipt: receiptOf(bid),
        href: `${tenderTaskPath(row)}/bid/${bid.id}`,
      });
    }
  }
  return { bids, more: moreThan(interests) };
}
