/**
 * What the care module lets the modules above it take part in (see src/lib/ports.ts); they are
 * connected in src/wiring.ts: the budgets module shows a budget's balance and statements on a
 * person's page and keeps each plan's ledger in step with it; choice shows what is arranged with
 * providers and re-checks it against a new budget; voice links to feedback.
 */
import type { Db, Trx } from "../../db/database.ts";
import type { Clock } from "../../lib/clock.ts";
import { type Panel, port } from "../../lib/ports.ts";
import type { Ctx } from "../access/context.ts";
import type { Relationship } from "./care.table.ts";

/** Whom a panel is shown to, and the plans on the page. */
export interface PersonPanelInput {
  authorityId: string;
  personId: string;
  /** The person's plans on the page, current first. */
  planIds: readonly string[];
  /** How the viewer stands to the person: their care staff, or a linked account and its grants. */
  viewer: { userId: string; how: "care-staff" | Relationship; grants: readonly string[] };
}

/**
 * Sections of a person's page (their own, `/care/people/:personId`, and care staff's) from other
 * modules: the budget's balance (budgets), arrangements and choice not available (choice), feedback
 * links (voice). A panel decides from `viewer`
 * what it shows; it answers undefined to show nothing.
 */
export const personPanels =
  port<(db: Db, clock: Clock, input: PersonPanelInput) => Promise<Panel | undefined>>("care person panels");

/**
 * A change to a plan's money, as it happens: a plan made (with its budget's version 1), a new
 * version of its budget, the plan ended. Notified by care's service in the transaction of the change
 * (`trx`), after it is written, so a handler reads the plan as changed and commits or rolls back
 * with it. The budgets module keeps the plan's ledger in step (src/wiring.ts).
 */
export interface PlanChange {
  kind: "created" | "budget-changed" | "ended";
  authorityId: string;
  planId: string;
  /** The budget's version now current. */
  version: number;
  /** The plan's last day, for `ended`. */
  endedOn?: string;
}

export const planChanged =
  port<(trx: Trx, ctx: Ctx, change: PlanChange) => Promise<void>>("care plan changed");

/** Whose data a section of a person's download is about: the person, and their plans. */
export interface PersonDataInput {
  authorityId: string;
  personId: string;
  /** Every plan of the person, ended ones too. */
  planIds: readonly string[];
}

/** A section of a person's download from a module above: its name and plain JSON (no bigint, no Date). */
export interface PersonDataSection {
  section: string;
  data: unknown;
}

/**
 * Sections of a person's download of everything held about them (subject access,
 * subject-access.service.ts) from the modules above: the budgets' ledger transactions; choice's
 * arrangements and records of choice not available. Care has already decided that the caller may have all of it: a handler checks
 * no one, and answers undefined when it holds nothing of the person.
 */
export const personData =
  port<(db: Db, clock: Clock, input: PersonDataInput) => Promise<PersonDataSection | undefined>>(
    "care person data",
  );
