/**
 * Published decisions (issue 18, item 6): the ombudsmen's (and adjudicators') final decisions that
 * are published — the case's publication is 'publish' (which the casework allows only with the
 * complainant's consent, checked again here) and it has a decided day. What shows: the ombudsman and
 * its scheme, the body complained about (a public body or a provider: named), the regime, the dates,
 * the finding, the anonymised summary and the remedies (kinds, amounts, due days and whether complied
 * with). Never the complainant's name, contact or words, nor the decision's own text. Public.
 */
import { decodeKey, encodeKey } from "../../db/paging.ts";
import { NotFoundError, ValidationError } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { londonToday } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import type { Ctx } from "../access/context.ts";
import * as repo from "./figures.repository.ts";
import { CASE_FINDINGS, type CaseFinding } from "./redress.table.ts";
import { type RemedyState as RemedyStateOnDay, remedyState } from "./remedies.service.ts";

/** Decisions a page lists. */
export const DECISIONS_PAGE = 20;

export type { DecisionRow, PublishedRemedyRow } from "./figures.repository.ts";

/**
 * Where a published remedy stands: remedies.service's `remedyState` (due, overdue, reported, reported
 * late), with a confirmed one told as complied with on time (done by its day) or late.
 */
export type RemedyState = "complied-on-time" | "complied-late" | Exclude<RemedyStateOnDay, "confirmed">;

export interface PublishedRemedy extends repo.PublishedRemedyRow {
  state: RemedyState;
}

export interface DecisionView extends repo.DecisionRow {
  remedies: PublishedRemedy[];
}

export interface DecisionsQuery {
  ombudsman?: string | undefined;
  finding?: string | undefined;
  after?: string | undefined;
}

export interface DecisionsPage {
  ombudsmen: { id: string; slug: string; name: string; welshName: string | null }[];
  findings: readonly CaseFinding[];
  filter: { ombudsman: string; finding: string };
  decisions: repo.DecisionRow[];
  next: string | null;
}

function invalid(field: string, message: string): never {
  throw new ValidationError(message, [{ field, message }]);
}

/** Published decisions, newest first, a page by key; filtered by ombudsman (its slug) and finding. */
export async function publishedDecisions(ctx: Ctx, q: DecisionsQuery): Promise<DecisionsPage> {
  const bodies = await repo.secondTierBodies(ctx.db);
  const ombudsmen = [
    ...new Map(
      bodies.map((b) => [b.id, { id: b.id, slug: b.slug, name: b.name, welshName: b.welsh_name }]),
    ).values(),
  ];
  const ombudsman = q.ombudsman ? ombudsmen.find((o) => o.slug === q.ombudsman) : undefined;
  if (q.ombudsman && !ombudsman)
    invalid("ombudsman", msg`Choose an ombudsman from the list, or all of them.`);
  const finding = q.finding ? CASE_FINDINGS.find((f) => f === q.finding) : undefined;
  if (q.finding && !finding) invalid("finding", msg`Choose a finding from the list, or any finding.`);
  const key = decodeKey(q.after, ["string", "string"], "after");
  const after = key ? { decidedOn: String(key[0]), id: String(key[1]) } : undefined;
  if (after && (!/^\d{4}-\d{2}-\d{2}$/.test(after.decidedOn) || !isUuid(after.id)))
    invalid(
      "after",
      msg`This page link is not complete. Go back to the first page of results and try again.`,
    );
  const found = await repo.publishedDecisions(ctx.db, {
    ombudsmanId: ombudsman?.id,
    finding,
    after,
    limit: DECISIONS_PAGE + 1,
  });
  const decisions = found.slice(0, DECISIONS_PAGE);
  const last = decisions[decisions.length - 1];
  return {
    ombudsmen,
    findings: CASE_FINDINGS,
    filter: { ombudsman: ombudsman?.slug ?? "", finding: finding ?? "" },
    decisions,
    next: found.length > DECISIONS_PAGE && last ? encodeKey([last.decided_on, last.id]) : null,
  };
}

function publishedState(r: repo.PublishedRemedyRow, today: string): RemedyState {
  const state = remedyState(r, today);
  if (state !== "confirmed") return state;
  return r.done_on !== null && r.done_on <= r.due_on ? "complied-on-time" : "complied-late";
}

/** A published decision by its reference, with its remedies; 404 when it is not published (withheld, no consent, not decided). */
export async function publishedDecision(ctx: Ctx, reference: string): Promise<DecisionView> {
  const decision = reference.length <= 20 ? await repo.publishedDecision(ctx.db, reference) : undefined;
  if (!decision) throw new NotFoundError("decision");
  const today = londonToday(ctx.clock);
  const remedies = await repo.remediesOfCase(ctx.db, decision.authority_id, decision.id);
  return { ...decision, remedies: remedies.map((r) => ({ ...r, state: publishedState(r, today) })) };
}
