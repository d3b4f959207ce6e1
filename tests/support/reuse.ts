/**
 * Test databases used again (test-db.ts): a test process keeps the databases its tests have
 * finished with and hands them out again, put back as their template was — each table a test
 * changed emptied and refilled with the template's rows, in one transaction with triggers and
 * foreign keys off — rather than start an embedded database (seconds of CPU) or create and drop one
 * on the server (a checkpoint each). A database whose schema a test changed (a trigger left off, a
 * column added) is not used again.
 *
 * Which tables a test changed is read from the rows themselves: a row inserted or updated since the
 * database was last as its template carries a later transaction id (`xmin`) than the first one not
 * yet begun then, and a deleted row leaves its table with fewer rows than the template's — unless
 * rows were inserted too, which the first finds. One scan of the tables, rather than emptying and
 * refilling all of them: the demo data's 150 tables took half a second of CPU to put back, each
 * time a test file was done with them.
 */

/** How to speak to the database being put back: PGlite itself, or a client of its own on the server. */
export interface Session {
  query<R>(text: string, params?: unknown[]): Promise<R[]>;
  /** Runs a script of statements. */
  exec(script: string): Promise<void>;
}

/** What a database held when it was made from its template, to put it back so. */
export interface TemplateState {
  /** Every table of the schema, with the number of rows it had. */
  tables: Map<string, number>;
  /** Each table that had rows: how to insert them again (its columns but generated ones) and the rows, as JSON. */
  rows: Map<string, { insert: string; json: string }>;
  /** A digest of the schema: columns, triggers and whether each is enabled, constraints, functions. */
  schema: string;
  /**
   * The first transaction id not yet begun when the database was last as its template: a row with
   * this one or a later one as its `xmin` was written since.
   */
  since: number;
}

/** The first transaction id not yet begun, as rows' `xmin` holds it (32 bits). */
const NEXT_XID = "select (pg_snapshot_xmax(pg_current_snapshot())::text::bigint % 4294967296)::int8 as xid";

async function nextXid(session: Session): Promise<number> {
  const [row] = await session.query<{ xid: string | number }>(NEXT_XID);
  return Number(row?.xid);
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
  const since = await nextXid(session);
  const rows: TemplateState["rows"] = new Map();
  const counts = new Map<string, number>();
  for (const table of tables) {
    const name = quoted(table.name);
    const [found] = await session.query<{ json: string | null; n: string | number }>(
      `select json_agg(t)::text as json, count(*) as n from ${name} t`,
    );
    counts.set(table.name, Number(found?.n ?? 0));
    if (!found?.json) continue;
    const columns = table.columns.map(quoted).join(", ");
    rows.set(table.name, {
      insert: `insert into ${name} (${columns}) overriding system value select ${columns} from json_populate_recordset(null::${name}, $1::json)`,
      json: found.json,
    });
  }
  return { tables: counts, rows, schema: await schemaDigest(session), since };
}

/** The tables whose rows are not as the template's: written since, or fewer. */
async function changedTables(session: Session, template: TemplateState): Promise<string[]> {
  const names = [...template.tables.keys()];
  if (names.length === 0) return [];
  const counts = await session.query<{ i: number; n: string | number; written: string | number }>(
    names
      .map(
        (name, i) =>
          `select ${i} as i, count(*) as n, count(*) filter (where xmin::text::bigint >= $1) as written from ${quoted(name)}`,
      )
      .join(" union all "),
    [template.since],
  );
  return counts
    .filter((c) => Number(c.written) > 0 || Number(c.n) !== template.tables.get(names[c.i] as string))
    .map((c) => names[c.i] as string);
}

/**
 * Puts the database back as its template was; false when it cannot be (a test changed its schema,
 * or the session may not turn triggers off): then it is not used again.
 */
export async function putBack(session: Session, template: TemplateState): Promise<boolean> {
  try {
    if ((await schemaDigest(session)) !== template.schema) return false;
    const changed = await changedTables(session, template);
    if (changed.length > 0) {
      await session.exec(
        `begin; set local session_replication_role = replica; ${changed.map((t) => `delete from ${quoted(t)};`).join(" ")}`,
      );
      try {
        for (const table of changed) {
          const rows = template.rows.get(table);
          if (rows) await session.query(rows.insert, [rows.json]);
        }
        await session.exec("commit");
      } catch (error) {
        await session.exec("rollback");
        throw error;
      }
    }
    template.since = await nextXid(session);
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
