/**
 * Demo data at national scale (issue 15, item 1): a record of each `openps demo scale` run — the
 * seed and factor it was asked for, the instant the data was generated around, where its ordinals
 * start and how many of each kind it planned, and, once finished, how many rows it added to each
 * table. One row per seed and factor, so the same run is never added twice and an interrupted one
 * resumes where it stopped. Demo mode only: a deployment without demo mode never writes it.
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table demo_scale_runs (
      seed text not null check (char_length(seed) between 1 and 100),
      factor text not null check (factor ~ '^[0-9]+(\\.[0-9]+)?$'),
      generated_at timestamptz not null,
      first_ordinals jsonb not null,
      planned jsonb not null,
      started_at timestamptz not null,
      finished_at timestamptz,
      added jsonb,
      primary key (seed, factor),
      check ((finished_at is null) = (added is null))
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table demo_scale_runs`.execute(db);
}
