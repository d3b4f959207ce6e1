/**
 * Redress's open figures and published decisions (issue 18, item 6): the indexes their reads need.
 * Every complaint about a provider, whoever answered it (the provider's figures, the regulator's
 * view; `complaints_of_provider` holds only those the provider answered), a regulator's
 * providers in key order (its view of complaints about the providers it registers), and one
 * ombudsman's published decisions newest first (the public list filtered by ombudsman).
 * (A provider's remedies are read through `ombudsman_remedies_of_provider`, made by 2026-12-21-05.)
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index complaints_about_provider on complaints (organisation_id, created_at desc, id desc)
    where organisation_id is not null`.execute(db);
  await sql`create index registrations_of_regulator_by_provider on registrations (regulator_id, organisation_id)`.execute(
    db,
  );
  await sql`create index ombudsman_cases_published_by on ombudsman_cases (authority_id, decided_on desc, id desc)
    where publication = 'publish'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists ombudsman_cases_published_by`.execute(db);
  await sql`drop index if exists registrations_of_regulator_by_provider`.execute(db);
  await sql`drop index if exists complaints_about_provider`.execute(db);
}
