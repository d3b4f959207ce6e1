/**
 * Community budgets' corrections (docs/community-budgets.md, "Corrections"): an entry made in error
 * is reversed by a new journal of the same kind, dated the day it is reversed, whose ledger lines are
 * the first's negated, naming the entry it reverses (`reverses_journal_id`) and why
 * (`reversal_reasons`). Nothing is changed or deleted: the ledger keeps both, and still balances.
 * An entry is reversed once at most (the unique index); a reversal is never itself reversed (the
 * service). Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table community_budget_journals
      add column reverses_journal_id uuid,
      add column reversal_reasons text check (char_length(reversal_reasons) between 1 and 2000),
      add constraint community_budget_journals_reversal
        check ((reverses_journal_id is null) = (reversal_reasons is null)),
      add constraint community_budget_journals_reverses
        foreign key (authority_id, reverses_journal_id) references community_budget_journals (authority_id, id)`.execute(
    db,
  );
  await sql`
    create unique index community_budget_journals_reversed_once
      on community_budget_journals (authority_id, reverses_journal_id) where reverses_journal_id is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists community_budget_journals_reversed_once`.execute(db);
  await sql`delete from community_budget_lines l using community_budget_journals j
    where l.authority_id = j.authority_id and l.journal_id = j.id and j.reverses_journal_id is not null`.execute(
    db,
  );
  await sql`delete from community_budget_journals where reverses_journal_id is not null`.execute(db);
  await sql`
    alter table community_budget_journals
      drop constraint if exists community_budget_journals_reverses,
      drop constraint if exists community_budget_journals_reversal,
      drop column if exists reversal_reasons,
      drop column if exists reverses_journal_id`.execute(db);
}
