/**
 * What the redress module lets the modules above it take part in (see src/lib/ports.ts); they are
 * connected in src/wiring.ts.
 */
import { port } from "../../lib/ports.ts";
import type { Ctx } from "../access/context.ts";

/**
 * A decision a person may appeal to the independent adjudicator (issue 20, item 6): a spin-out the
 * parent body refused (mutuals), or a barrier left unanswered past its period (barriers). The first
 * tier has happened — the refusal is the body's answer, and no answer by the last day counts as none.
 */
export interface AppealableSubject {
  kind: "spin-out" | "barrier";
  /** The authority whose decision (or silence) it is: it is the body appealed against. */
  authorityId: string;
  authorityName: string;
  id: string;
  title: string;
  /** A service category code: its adjudicator decides. Null: the appellant names the area (a barrier about a policy). */
  serviceArea: string | null;
  /** Why it may be appealed: refused (the body's decision), unanswered (its period passed). */
  why: "refused" | "unanswered";
  /** The day of the refusal, or the last day of the period that passed unanswered. */
  decidedOn: string;
  /** The organisation the appeal is made for (its administrators appeal); null: the person for themself. */
  organisationId: string | null;
  /** The subject's own page. */
  path: string;
}

/**
 * The decisions the signed-in person may appeal now (each module answers for its own, the most recent
 * 100 at most): mutuals the refused proposals of teams they are on, barriers those they logged that
 * are past their period unanswered.
 */
export const appealableSubjects =
  port<(ctx: Ctx) => Promise<AppealableSubject[] | undefined>>("appealable subjects");

/**
 * Who else follows an appeal about a subject, and the subject's page (each module answers for its
 * own, undefined for others'): mutuals a refused spin-out's team (each member appeals for themself,
 * one appeal a subject, so the others follow the one made). They are told when it is made and when it
 * is decided (appeals.notices.ts); the appellant's words stay the appellant's.
 */
export const appealFollowers =
  port<
    (
      ctx: Ctx,
      subject: { kind: "spin-out" | "barrier"; authorityId: string; id: string },
    ) => Promise<{ userIds: string[]; path: string } | undefined>
  >("appeal followers");
