/**
 * Reading the Right to Challenge: one EOI (submitted ones for everyone, a draft only for its body),
 * the public registers of submitted EOIs and decisions — an authority's, with its policy, windows
 * and the reader's own drafts, and the nation's — and what an EOI's page shows its reader.
 */
import type { FieldError } from "../../lib/errors.ts";
import { NotFoundError } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { londonToday } from "../../lib/london-time.ts";
import { hasRole, isAuthorityEditor } from "../access/access.service.ts";
import type { Ctx } from "../access/context.ts";
import type { Authority } from "../authorities/authorities.service.ts";
import * as repo from "./challenges.repository.ts";
import {
  type Applicability,
  type ChallengeView,
  isApplicant,
  MEMBER_ROLES,
  REGISTER_LIMIT,
  rightToChallengeApplies,
  submissionProblems,
  viewOf,
} from "./challenges.service.ts";
import type { CoSignatoryRow, RejectionGround } from "./challenges.table.ts";
import { type EffectivePolicy, policyOf, type WindowView, windowsOf } from "./policy.service.ts";

/**
 * One EOI: submitted ones for everyone; a draft (or a draft withdrawn unsubmitted) only for its
 * applicant and the colleagues it names as co-signatories — 404 for everyone else.
 */
export async function challengeOf(ctx: Ctx, authorityId: string, id: string): Promise<ChallengeView> {
  const row = isUuid(id) ? await repo.findChallenge(ctx.db, authorityId, id) : undefined;
  if (!row) throw new NotFoundError("expression of interest");
  const coSignatory =
    row.applicant_type === "employees" && ctx.principal
      ? (await repo.coSignatoryFor(ctx.db, authorityId, id, ctx.principal.userId)) !== undefined
      : false;
  if (row.submitted_at === null && !isApplicant(ctx.principal, row) && !coSignatory)
    throw new NotFoundError("expression of interest");
  const coSignatories =
    row.applicant_type === "employees" ? await repo.coSignatoriesOf(ctx.db, authorityId, id) : [];
  return viewOf(row, londonToday(ctx.clock), ctx.principal, coSignatories, coSignatory);
}

export interface ChallengePage {
  challenge: ChallengeView;
  /** The reader acts for the body that made it. */
  applicant: boolean;
  /** The reader is a co-signatory named on this draft who has not confirmed yet. */
  mayConfirm: boolean;
  /** The reader may consider and decide it (the authority's editors, bar its own lead employee). */
  canDecide: boolean;
  /** What a draft still lacks before it can be submitted (items missing, colleagues to confirm). */
  missing: FieldError[];
}

/** What an EOI's page shows its reader: the EOI (404 as `challengeOf`), and what they may do with it. */
export async function challengePageOf(ctx: Ctx, authorityId: string, id: string): Promise<ChallengePage> {
  const challenge = await challengeOf(ctx, authorityId, id);
  const ownEmployeeEoi =
    challenge.applicant_type === "employees" && challenge.lead_user_id === ctx.principal?.userId;
  const draft = challenge.status === "draft";
  const named =
    draft && challenge.applicant_type === "employees" && ctx.principal
      ? await repo.coSignatoryFor(ctx.db, authorityId, id, ctx.principal.userId)
      : undefined;
  let missing: FieldError[] = [];
  if (draft) {
    const problems = submissionProblems(
      challenge,
      await repo.coSignatoriesOf(ctx.db, authorityId, id),
      await repo.staffDomains(ctx.db, authorityId),
    );
    missing = [...problems.missing, ...problems.unconfirmed];
  }
  return {
    challenge,
    applicant: isApplicant(ctx.principal, challenge),
    mayConfirm: named !== undefined && named.confirmed_at === null,
    canDecide: isAuthorityEditor(ctx.principal, authorityId) && !ownEmployeeEoi,
    missing,
  };
}

export interface Register {
  counts: repo.RegisterCounts;
  byGround: { ground: RejectionGround; count: bigint }[];
  challenges: ChallengeView[];
}

/** The public register of submitted EOIs and decisions, of one authority or nationally. */
export async function registerOf(ctx: Ctx, authorityId?: string): Promise<Register> {
  const today = londonToday(ctx.clock);
  const [counts, byGround, rows] = await Promise.all([
    repo.registerCounts(ctx.db, today, authorityId),
    repo.rejectionsByGround(ctx.db, authorityId),
    repo.submittedChallenges(ctx.db, { ...(authorityId ? { authorityId } : {}), limit: REGISTER_LIMIT }),
  ]);
  const signatories = await repo.coSignatoriesOfMany(
    ctx.db,
    rows.filter((r) => r.applicant_type === "employees").map((r) => r.id),
  );
  const byChallenge = new Map<string, CoSignatoryRow[]>();
  for (const s of signatories)
    byChallenge.set(s.challenge_id, [...(byChallenge.get(s.challenge_id) ?? []), s]);
  return {
    counts,
    byGround,
    challenges: rows.map((r) => viewOf(r, today, ctx.principal, byChallenge.get(r.id) ?? [])),
  };
}

export interface AuthorityRegister extends Register {
  /** Whether the Right to Challenge applies to the authority, and why not. */
  applicability: Applicability;
  policy: EffectivePolicy;
  windows: WindowView[];
  /** Its staff email domains: employees confirm an employees' EOI from an address on one. */
  staffDomains: string[];
  /** The reader's own drafts for this authority. */
  drafts: ChallengeView[];
  /** Drafts naming the reader as a co-signatory, waiting for them to confirm. */
  toConfirm: ChallengeView[];
  /** The reader may publish the policy and windows. */
  canEdit: boolean;
  /** The reader may set the staff email domains (its administrators). */
  canSetStaffDomains: boolean;
}

/**
 * An authority's register, with whether the Right to Challenge applies to it, its policy, windows
 * and staff email domains, and the reader's own drafts and those waiting for them to confirm. Public.
 */
export async function authorityRegisterOf(ctx: Ctx, authority: Authority): Promise<AuthorityRegister> {
  const register = await registerOf(ctx, authority.id);
  const { principal } = ctx;
  const today = londonToday(ctx.clock);
  return {
    ...register,
    applicability: rightToChallengeApplies(authority),
    policy: await policyOf(ctx, authority.id),
    windows: await windowsOf(ctx, authority.id),
    staffDomains: await repo.staffDomains(ctx.db, authority.id),
    drafts: await draftsOf(ctx, authority.id),
    toConfirm: principal
      ? (await repo.awaitingConfirmationBy(ctx.db, authority.id, principal.userId)).map((r) =>
          viewOf(r, today, principal),
        )
      : [],
    canEdit: isAuthorityEditor(ctx.principal, authority.id),
    canSetStaffDomains: hasRole(principal, ["authority-admin", "platform-admin"], authority.id),
  };
}

/** The reader's own drafts for this authority (through their organisations, or as lead employee). */
export async function draftsOf(ctx: Ctx, authorityId: string): Promise<ChallengeView[]> {
  const { principal } = ctx;
  if (!principal) return [];
  const orgIds = principal.grants
    .filter((g) => g.scopeType === "organisation" && MEMBER_ROLES.includes(g.role))
    .map((g) => g.scopeId);
  const today = londonToday(ctx.clock);
  return (await repo.draftsFor(ctx.db, authorityId, orgIds, principal.userId)).map((r) =>
    viewOf(r, today, principal),
  );
}

/**
 * One page of the registers of every authority — the submitted EOIs, with their decisions — in key
 * order after `after`, as the open data publishes them. Co-signatories are not read. Public.
 */
export function submittedChallengesAfter(
  ctx: Ctx,
  after: readonly [authorityId: string, id: string] | undefined,
  limit: number,
): Promise<repo.ChallengeRow[]> {
  return repo.submittedChallengesAfter(ctx.db, after, limit);
}

/** When the registers last changed (the open data's "last updated"). */
export function latestRegisterChange(ctx: Ctx): Promise<Date | null> {
  return repo.latestSubmittedChallengeChange(ctx.db);
}

/**
 * An authority's accepted (and modified) EOIs with the procurement window of the project each
 * created: where it stands is for the reader to derive from the clock (`procurementWindow`). Public:
 * decisions are published.
 */
export function acceptedChallengeWindows(
  ctx: Ctx,
  authorityId: string,
): Promise<repo.AcceptedChallengeWindow[]> {
  return repo.acceptedChallengeWindows(ctx.db, authorityId);
}

export type { AcceptedChallengeWindow } from "./challenges.repository.ts";
