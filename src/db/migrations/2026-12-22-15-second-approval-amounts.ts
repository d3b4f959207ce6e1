/**
 * Payment by results: the amount above which a payment run needs two approvers, bounded and changed
 * by two people. `outcome_approval_ceilings` holds an authority's ceiling for its contracts' amounts
 * (set by its administrators; £25,000.00 while it has no row); `outcome_approval_raises` the raises
 * of a contract's amount proposed by one commissioner or administrator, waiting for another to
 * confirm or refuse them — at most one waiting per contract. Lowering an amount takes effect at once
 * and needs no row. Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table outcome_approval_ceilings (
      authority_id uuid not null primary key references authorities (id),
      ceiling_pence bigint not null check (ceiling_pence >= 0),
      set_by uuid references users (id) on delete set null,
      set_at timestamptz not null
    )`.execute(db);

  await sql`
    create table outcome_approval_raises (
      authority_id uuid not null,
      id uuid not null,
      contract_id uuid not null,
      -- The contract's amount when the raise was proposed, and the amount proposed.
      from_pence bigint not null check (from_pence >= 0),
      to_pence bigint not null,
      -- pending; confirmed (by another person), refused (or withdrawn by whoever proposed it), or
      -- superseded by a lowering made while it waited.
      status text not null check (status in ('pending', 'confirmed', 'refused', 'superseded')),
      proposed_by uuid not null references users (id),
      proposed_at timestamptz not null,
      decided_by uuid references users (id),
      decided_at timestamptz,
      primary key (authority_id, id),
      foreign key (authority_id, contract_id) references outcome_contracts (authority_id, id),
      check (to_pence > from_pence),
      check ((status = 'pending') = (decided_by is null)),
      check ((decided_by is null) = (decided_at is null)),
      check (status <> 'confirmed' or decided_by <> proposed_by)
    )`.execute(db);
  await sql`create unique index outcome_approval_raises_pending
    on outcome_approval_raises (authority_id, contract_id) where status = 'pending'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists outcome_approval_raises`.execute(db);
  await sql`drop table if exists outcome_approval_ceilings`.execute(db);
}
