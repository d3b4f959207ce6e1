/**
 * The `Database` interface: every table, typed once in its module's `*.table.ts`. Each table file
 * adds its tables here by declaration merging (`declare module "../../db/database.ts"`), so the
 * data layer never imports a module and a module's tables are found in its own folder.
 */
import type { Kysely, Transaction } from "kysely";

// biome-ignore lint/suspicious/noEmptyInterface: each module's `*.table.ts` adds its tables to it.
export interface Database {}

/** What repositories take as their first argument: the root handle or a transaction. */
export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;
