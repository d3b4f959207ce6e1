/**
 * Two people to make a bid opener (security finding 5): an invitation to open bids is sent only
 * once a second administrator of the authority approves it — who and when, recorded here. Other
 * invitations need no approval and leave these empty. Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table invitations
      add column approved_by uuid references users (id) on delete set null,
      add column approved_at timestamptz`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table invitations drop column approved_by, drop column approved_at`.execute(db);
}
