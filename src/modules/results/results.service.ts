/**
 * Payment by results (issue 19): what the module's sections share and what other modules may use.
 * Who may see an outcome contract: the commissioning authority's commissioners and administrators
 * (they set it up, compute, approve and pay runs, audit claims) and the provider's people (they send
 * evidence and see their participants, claims and payments); platform administrators. Anyone else
 * gets 404. The sections: models (`models.ts`), claims (`claims.service.ts`), runs and the ledger
 * (`runs.service.ts`), audits (`audits.service.ts`), contracts, participants and evidence
 * (`outcome-contracts.service.ts`, `intake.service.ts`), performance and market share
 * (`performance.service.ts`), open data (`open-data.service.ts`).
 */
import type { Trx } from "../../db/database.ts";
import { ForbiddenError, NotFoundError } from "../../lib/errors.ts";
import { msg } from "../../lib/messages.ts";
import {
  AUTHORITY_EDITORS,
  grantsInScope,
  hasRole,
  isAuthorityEditor,
  isPlatformAdmin,
  type Principal,
  type Role,
} from "../access/access.service.ts";
import { actorIn, type Ctx } from "../access/context.ts";
import { authorityById } from "../authorities/authorities.service.ts";
import { type NoticeKind, notify } from "../notifications/notifications.service.ts";
import * as repo from "./results.repository.ts";
import type { OutcomeContract } from "./results.table.ts";

export type * from "./models.ts";
export type * from "./results.table.ts";
export { EVENT_KINDS, EVENT_SOURCES, MODEL_KINDS, RUN_STATUSES } from "./results.table.ts";

/** The provider's people: they send evidence and see their claims and payments. */
export const PROVIDER_ROLES: readonly Role[] = ["organisation-admin", "organisation-member"];

/** How a person stands to an outcome contract. */
export interface ResultsStanding {
  contract: OutcomeContract;
  /** The authority's commissioners and administrators (and platform administrators). */
  commissioner: boolean;
  /** The provider's administrators and members. */
  provider: boolean;
  /**
   * Who may move the contract's money (start, compute, approve and pay runs, record corrections):
   * the authority's own commissioners and administrators — never platform administrators (they read
   * payments), never someone who is also one of the provider's people.
   */
  payer: boolean;
}

export function standingOf(principal: Principal | null, contract: OutcomeContract): ResultsStanding {
  const provider = hasRole(principal, PROVIDER_ROLES, contract.organisation_id);
  return {
    contract,
    commissioner: isPlatformAdmin(principal) || isAuthorityEditor(principal, contract.authority_id),
    provider,
    payer:
      !provider &&
      principal !== null &&
      principal.grants.some((g) => AUTHORITY_EDITORS.includes(g.role) && g.scopeId === contract.authority_id),
  };
}

/** The outcome contract as `ctx.principal` stands to it; 404 to anyone with no reason to see it. */
export async function outcomeContractFor(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
  opts: { lock?: boolean } = {},
): Promise<ResultsStanding> {
  const found = opts.lock
    ? await repo.lockOutcomeContract(ctx.db, authorityId, contractId)
    : await repo.outcomeContractById(ctx.db, authorityId, contractId);
  if (!found) throw new NotFoundError("outcome contract");
  const standing = standingOf(ctx.principal, found);
  if (!standing.commissioner && !standing.provider) throw new NotFoundError("outcome contract");
  return standing;
}

/**
 * The outcome contract as the system reads it (a job doing what a person asked for, who was checked
 * when they asked): no one's standing; 404 when it is gone.
 */
export async function outcomeContractOf(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
  opts: { lock?: boolean } = {},
): Promise<OutcomeContract> {
  const found = opts.lock
    ? await repo.lockOutcomeContract(ctx.db, authorityId, contractId)
    : await repo.outcomeContractById(ctx.db, authorityId, contractId);
  if (!found) throw new NotFoundError("outcome contract");
  return found;
}

/**
 * Only the authority's own commissioners and administrators move its money (runs, corrections, the
 * contract's second-approval amount): platform administrators read payments, and someone who is also
 * one of the provider's people may not act on its payments.
 */
export function requirePayer(standing: ResultsStanding): void {
  if (standing.payer) return;
  if (standing.commissioner && standing.provider)
    throw new ForbiddenError(
      msg`You are one of the provider's people too: ask another of the authority's commissioners to act on its payments.`,
    );
  if (standing.commissioner)
    throw new ForbiddenError(
      msg`Platform administrators read payments but do not move money: ask one of the authority's commissioners.`,
    );
  throw new ForbiddenError(
    msg`Only the authority's commissioners and administrators run payments. Ask one of them.`,
  );
}

/**
 * What loosens the hold on money — approving and paying runs and corrections, confirming a raise of
 * the second-approval amount, setting the authority's ceiling — needs a session signed in with
 * two-factor, as opening tender bids does: never an API token, which has no second factor. Answers
 * the caller's user id.
 */
export function requireTwoFactorSession(ctx: Ctx, what: "approving" | "amounts" = "approving"): string {
  const p = ctx.principal;
  if (!p) throw new ForbiddenError();
  if (!p.twoFactor || p.via !== "session")
    throw new ForbiddenError(
      what === "approving"
        ? msg`Approving and paying money needs a session signed in with two-factor (an API token cannot): set up two-factor on your account if you have not, then sign out and sign in again with your code.`
        : msg`Setting the ceiling, or confirming a raise of the amount above which two people approve a payment, needs a session signed in with two-factor (an API token cannot): set up two-factor on your account if you have not, then sign out and sign in again with your code.`,
    );
  return p.userId;
}

/** A payer (`requirePayer`) in a session signed in with two-factor: approving and paying. */
export function requireApprover(ctx: Ctx, standing: ResultsStanding): string {
  requirePayer(standing);
  return requireTwoFactorSession(ctx);
}

export const modelInForce = repo.modelInForce;
export const modelVersions = repo.modelVersions;

/**
 * Tells the provider's administrators and members of an outcome contract (inbox, and email when
 * `email`), in the caller's transaction; `path` is under the contract's page
 * (`/authorities/{slug}/outcome-contracts/{id}`), "" for the page itself.
 */
export async function tellProvider(
  ctx: Ctx & { db: Trx },
  contract: OutcomeContract,
  notice: { kind: NoticeKind; subject: string; body: string; path: string; email: boolean },
): Promise<void> {
  const users = new Set<string>();
  for (const g of await grantsInScope(ctx.db, contract.organisation_id))
    if (PROVIDER_ROLES.includes(g.role)) users.add(g.user_id);
  if (users.size === 0) return;
  const { slug } = await authorityById(ctx.db, contract.authority_id);
  for (const userId of users)
    await notify(
      ctx.db,
      ctx.clock,
      {
        userId,
        authorityId: contract.authority_id,
        organisationId: contract.organisation_id,
        kind: notice.kind,
        subject: notice.subject.slice(0, 200),
        body: notice.body.slice(0, 10_000),
        link: `/authorities/${slug}/outcome-contracts/${contract.id}${notice.path}`,
      },
      { email: notice.email, actor: actorIn(ctx) },
    );
}
