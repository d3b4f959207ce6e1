/**
 * Roles, each scoped to what it acts for; invitations to organisations; verification of the public
 * bodies people act for (nobody can register "Kent County Council" and commission as it).
 * Frozen in time: never import application code into a migration.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table role_grants (
      id uuid primary key,
      user_id uuid not null references users (id) on delete cascade,
      role text not null check (role in ('citizen', 'organisation-admin', 'organisation-member', 'commissioner',
        'evaluator', 'bid-opener', 'authority-admin', 'regulator-staff', 'ombudsman-staff', 'consumer-champion',
        'platform-admin')),
      scope_type text not null check (scope_type in ('platform', 'organisation', 'authority', 'regulator', 'ombudsman')),
      scope_id uuid not null,
      granted_by uuid references users (id) on delete set null,
      granted_at timestamptz not null,
      unique (user_id, role, scope_id)
    )`.execute(db);
  await sql`create index role_grants_scope on role_grants (scope_type, scope_id)`.execute(db);

  // Invitations to act for an organisation or a public body, by email. Only a hash of the token.
  await sql`
    create table invitations (
      id uuid primary key,
      scope_type text not null check (scope_type in ('organisation', 'authority', 'regulator', 'ombudsman')),
      scope_id uuid not null,
      role text not null,
      email text not null,
      token_hash text not null unique,
      invited_by uuid references users (id) on delete set null,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      accepted_at timestamptz,
      accepted_by uuid references users (id) on delete set null,
      revoked_at timestamptz
    )`.execute(db);
  await sql`create index invitations_scope on invitations (scope_id, created_at)`.execute(db);

  // Regulators and ombudsmen are public bodies people act for, verified like authorities.
  await sql`alter table authorities drop constraint authorities_kind_check`.execute(db);
  await sql`
    alter table authorities add constraint authorities_kind_check check (kind in ('county', 'district', 'unitary',
      'metropolitan', 'london-borough', 'combined', 'nhs-body', 'department', 'devolved', 'police', 'fire', 'parish',
      'regulator', 'ombudsman'))`.execute(db);

  // Authorities start unverified when someone registers one; seeded ones are verified.
  await sql`alter table authorities add column verified_at timestamptz`.execute(db);
  await sql`alter table authorities add column verified_by uuid references users (id) on delete set null`.execute(
    db,
  );
  await sql`alter table authorities add column registered_by uuid references users (id) on delete set null`.execute(
    db,
  );
  await sql`alter table authorities add column rejected_at timestamptz`.execute(db);
  await sql`alter table authorities add column rejection_reason text`.execute(db);
  await sql`update authorities set verified_at = created_at`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table authorities drop column if exists verified_by`.execute(db);
  await sql`alter table authorities drop column if exists registered_by`.execute(db);
  await sql`alter table authorities drop column if exists rejected_at`.execute(db);
  await sql`alter table authorities drop column if exists rejection_reason`.execute(db);
  await sql`drop table if exists invitations`.execute(db);
  await sql`alter table authorities drop column if exists verified_at`.execute(db);
  await sql`delete from authorities where kind in ('regulator', 'ombudsman')`.execute(db);
  await sql`alter table authorities drop constraint authorities_kind_check`.execute(db);
  await sql`
    alter table authorities add constraint authorities_kind_check check (kind in ('county', 'district', 'unitary',
      'metropolitan', 'london-borough', 'combined', 'nhs-body', 'department', 'devolved', 'police', 'fire', 'parish'))`.execute(
    db,
  );
  await sql`drop table if exists role_grants`.execute(db);
}
