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

const embedded = new WeakSet<Db>();

/** Marks a root handle as the embedded database's (`openDatabase` does it). */
export function markEmbedded(db: Db): void {
  embedded.add(db);
}

/**
 * Whether a root handle (not a transaction) is the embedded database's: for the few statements whose
 * best shape differs, such as the payment engine's tariff (one statement a contract on a server,
 * chunks of participants within WebAssembly's memory).
 */
export function isEmbedded(db: Db): boolean {
  return embedded.has(db);
}
