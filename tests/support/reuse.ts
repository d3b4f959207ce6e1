/**
 * Test databases used again (test-db.ts): a test process keeps the databases its tests have
 * finished with and hands them out again, put back as their template was — every table emptied and
 * refilled with the template's rows, in one transaction with triggers and foreign keys off — in a
 * tenth of a second, rather than start an embedded database (seconds of CPU) or create and drop one
 * on the server (a checkpoint each). A database whose schema a test changed (a trigger left off, a
 * column added) is not used again.
 */

/** How to speak to the database being put back: PGlite itself, or a client of its own on the server. */
export interface Session {
  query<R>(text: string, params?: unknown[]): Promise<R[]>;
  /** Runs a script of statements. */
  exec(script: string): Promise<void>;
}

/** What a database held when it was made from its template, to put it back so. */
export interface TemplateState {
  /** Every table of the schema, to empty. */
  tables: string[];
  /** Each table that had rows: how to insert them again (its columns but generated ones) and the rows, as JSON. */
  rows: { insert: string; json: string }[];
  /** A digest of the schema: columns, triggers and whether each is enabled, constraints, functions. */
  schema: string;
}

const SCHEMA_DIGEST = `
  select md5(string_agg(item, ',' order by item)) as digest from (
    select c.relname || '.' || a.attname || ':' || a.atttypid::text || a.attgenerated::text as item
      from pg_class c join pg_attribute a on a.attrelid = c.oid
     where c.relnamespace = 'public'::regnamespace and a.attnum > 0 and not a.attisdropped
    union all
    select tgrelid::regclass::text || ' trigger ' || tgname || ':' || tgenabled::text
      from pg_trigger where not tgisinternal
    union all
    select conrelid::regclass::text || ' constraint ' || conname
      from pg_constraint where connamespace = 'public'::regnamespace
    union all
    select 'function ' || proname || ':' || md5(prosrc)
      from pg_proc where pronamespace = 'public'::regnamespace
  ) schema`;

async function schemaDigest(session: Session): Promise<string> {
  const [row] = await session.query<{ digest: string }>(SCHEMA_DIGEST);
  return row?.digest ?? "";
}

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** The tables of a database just made from its template, and the rows it came with. */
export async function templateStateOf(session: Session): Promise<TemplateState> {
  const tables = await session.query<{ name: string; columns: string[] }>(`
    select c.relname as name,
           array_agg(a.attname::text order by a.attnum) filter (where a.attgenerated = '') as columns
      from pg_class c join pg_attribute a on a.attrelid = c.oid
     where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
       and a.attnum > 0 and not a.attisdropped
     group by c.relname order by c.relname`);
  const sequences = await session.query<{ name: string }>(
    "select relname as name from pg_class where relnamespace = 'public'::regnamespace and relkind = 'S'",
  );
  if (sequences.length > 0) {
    // Their values would need putting back too.
    throw new Error(
      `Test databases are put back without sequences: ${sequences.map((s) => s.name).join(", ")}`,
    );
  }
  const rows: TemplateState["rows"] = [];
  for (const table of tables) {
    const name = quoted(table.name);
    const [found] = await session.query<{ json: string | null }>(
      `select json_agg(t)::text as json from ${name} t`,
    );
    if (!found?.json) continue;
    const columns = table.columns.map(quoted).join(", ");
    rows.push({
      insert: `insert into ${name} (${columns}) overriding system value select ${columns} from json_populate_recordset(null::${name}, $1::json)`,
      json: found.json,
    });
  }
  return { tables: tables.map((table) => table.name), rows, schema: await schemaDigest(session) };
}

/**
 * Puts the database back as its template was; false when it cannot be (a test changed its schema,
 * or the session may not turn triggers off): then it is not used again.
 */
export async function putBack(session: Session, template: TemplateState): Promise<boolean> {
  try {
    if ((await schemaDigest(session)) !== template.schema) return false;
    await session.exec(
      `begin; set local session_replication_role = replica; ${template.tables.map((t) => `delete from ${quoted(t)};`).join(" ")}`,
    );
    try {
      for (const { insert, json } of template.rows) await session.query(insert, [json]);
      await session.exec("commit");
    } catch (error) {
      await session.exec("rollback");
      throw error;
    }
    return true;
  } catch {
    return false;
  }
}

/** Databases put back, by template, for this process to hand out again. */
export class Reusable<T> {
  readonly #free = new Map<string, T[]>();

  take(template: string): T | undefined {
    return this.#free.get(template)?.pop();
  }

  give(template: string, database: T): void {
    const free = this.#free.get(template) ?? [];
    free.push(database);
    this.#free.set(template, free);
  }
}
