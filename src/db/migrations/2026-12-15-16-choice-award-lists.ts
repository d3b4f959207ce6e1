/**
 * Issue 17, item 3: an approved-provider list from a tender's award. The list keeps its source —
 * the tender, the lot chosen (if any) and the award — and the tender's title as it was when the list
 * was drafted; a list with a source takes no joins. The suppliers of the award's contracts that did
 * not meet the list's conditions are kept on the list with their reasons (`not_added`), for its
 * editors. A member from an award keeps the contract it holds; its price is the contracted rate
 * the authority entered. Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table choice_lists
      add column source_tender_id uuid,
      add column source_lot_id uuid,
      add column source_award_id uuid,
      add column source_tender_title text not null default '' check (char_length(source_tender_title) <= 500),
      add column not_added jsonb not null default '[]'::jsonb,
      add constraint choice_lists_source_check check (
        (source_award_id is null) = (source_tender_id is null)
        and (source_lot_id is null or source_award_id is not null))`.execute(db);
  await sql`
    alter table choice_members
      add column contract_id uuid,
      add constraint choice_members_contract_fk foreign key (authority_id, contract_id)
        references contracts (authority_id, id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table choice_members drop constraint if exists choice_members_contract_fk, drop column if exists contract_id`.execute(
    db,
  );
  await sql`
    alter table choice_lists
      drop constraint if exists choice_lists_source_check,
      drop column if exists source_tender_id,
      drop column if exists source_lot_id,
      drop column if exists source_award_id,
      drop column if exists source_tender_title,
      drop column if exists not_added`.execute(db);
}
