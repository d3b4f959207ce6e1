/**
 * Reading the Right to Challenge: one EOI (submitted ones for everyone, a draft only for its body),
 * the public registers of submitted EOIs and decisions — an authority's, with its policy, windows
 * and the reader's own drafts, and the nation's — and what an EOI's page shows its reader.
 */
import type { FieldError } from "../../lib/errors.ts";
import { NotFoundError } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { londonToday } from "../../lib/london-time.ts";
import { isAuthorityEditor } from "../access/access.service.ts";
import type { Ctx } from "../access/context.ts";
import * as repo from "./challenges.repository.ts";
import {
  type ChallengeView,
  isApplicant,
  MEMBER_ROLES,
  missingItems,
  REGISTER_LIMIT,
  viewOf,
} from "./challenges.service.ts";
import type { RejectionGround } from "./challenges.table.ts";
import { type EffectivePolicy, policyOf, type WindowView, windowsOf } from "./policy.service.ts";

/**
 * One EOI: submitted ones for everyone; a draft (or a draft withdrawn unsubmitted) only for its
 * applicant — 404 for everyone else.
 */
export async function challengeOf(ctx: Ctx, authorityId: string, id: string): Promise<ChallengeView> {
  const row = isUuid(id) ? await repo.findChallenge(ctx.db, authorityId, id) : undefined;
  if (!row || (row.submitted_at === null && !isApplicant(ctx.principal, row)))
    throw new NotFoundError("expression of interest");
  return viewOf(row, londonToday(ctx.clock), ctx.principal);
}

export interface ChallengePage {
  challenge: ChallengeView;
  /** The reader acts for the body that made it. */
  applicant: boolean;
  /** The reader may consider and decide it (the authority's editors, bar its own lead employee). */
  canDecide: boolean;
  /** What a draft still lacks before it can be submitted. */
  missing: FieldError[];
}

/** What an EOI's page shows its reader: the EOI (404 as `challengeOf`), and what they may do with it. */
export async function challengePageOf(ctx: Ctx, authorityId: string, id: string): Promise<ChallengePage> {
  const challenge = await challengeOf(ctx, authorityId, id);
  const ownEmployeeEoi =
    challenge.applicant_type === "employees" && challenge.lead_user_id === ctx.principal?.userId;
  return {
    challenge,
    applicant: isApplicant(ctx.principal, challenge),
    canDecide: isAuthorityEditor(ctx.principal, authorityId) && !ownEmployeeEoi,
    missing: challenge.status === "draft" ? missingItems(challenge) : [],
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
  return { counts, byGround, challenges: rows.map((r) => viewOf(r, today, ctx.principal)) };
}

export interface AuthorityRegister extends Register {
  policy: EffectivePolicy;
  windows: WindowView[];
  /** The reader's own drafts for this authority. */
  drafts: ChallengeView[];
  /** The reader may publish the policy and windows. */
  canEdit: boolean;
}

/** An authority's register, with its policy and windows, and the reader's own drafts. Public. */
export async function authorityRegisterOf(ctx: Ctx, authorityId: string): Promise<AuthorityRegister> {
  const register = await registerOf(ctx, authorityId);
  return {
    ...register,
    policy: await policyOf(ctx, authorityId),
    windows: await windowsOf(ctx, authorityId),
    drafts: await draftsOf(ctx, authorityId),
    canEdit: isAuthorityEditor(ctx.principal, authorityId),
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
