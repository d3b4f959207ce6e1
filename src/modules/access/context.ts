/**
 * Who is asking, and the context every service function takes first.
 *
 * `request.principal` (who is signed in, or whose API token is calling; null for the public) and
 * `request.actor` (who acts, for the audit trail) are set by the accounts module's authentication.
 * A route hands them to a service as a `Ctx` (`ctxOf(request)`): the database, the clock and the
 * principal. The service decides what is allowed and opens its own transaction
 * (`transaction(ctx.db, …)`, which joins one already open when `ctx.db` is a transaction, so
 * services compose and tests may pass a transaction).
 */
import type { FastifyRequest } from "fastify";
import type { Db } from "../../db/database.ts";
import type { Clock } from "../../lib/clock.ts";
import { type Actor, SYSTEM } from "../audit/audit.service.ts";
import type { Principal } from "./access.table.ts";

declare module "fastify" {
  interface FastifyRequest {
    /** Who is signed in (session) or calling (API token); null for the public. */
    principal: Principal | null;
    /** Who is acting, for the audit trail: derived from `principal`. */
    actor: Actor;
  }
}

/** What every service function takes first. */
export interface Ctx {
  /** The root handle, or a transaction to join. */
  db: Db;
  clock: Clock;
  /** Who is asking: null for the public (and for the system: `systemCtx`). */
  principal: Principal | null;
  /**
   * Who acts, for the audit trail, when it is not the principal: the system (a seed, a job, a
   * command), or a person already checked by the calling service. Otherwise derived from `principal`.
   */
  actor?: Actor;
}

/** The request's context for a service. */
export function ctxOf(request: FastifyRequest): Ctx {
  const { db, clock } = request.server.deps;
  return { db, clock, principal: request.principal };
}

/** The system acting (a seed, a job, a command): for the `record…` functions that check no one. */
export function systemCtx(db: Db, clock: Clock, name: string): Ctx {
  return { db, clock, principal: null, actor: SYSTEM(name) };
}

/** Who acts for the audit trail. */
export function actorIn(ctx: Ctx): Actor {
  if (ctx.actor) return ctx.actor;
  if (!ctx.principal) return { type: "public", id: null };
  return { type: ctx.principal.via === "token" ? "token" : "user", id: ctx.principal.userId };
}

/** The same context inside a transaction (and, once checked, acting as `actor`). */
export function within<C extends Ctx, D extends Db>(ctx: C, db: D, actor?: Actor): C & { db: D } {
  return { ...ctx, db, ...(actor ? { actor } : {}) };
}
