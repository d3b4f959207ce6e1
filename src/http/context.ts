/**
 * What every route can rely on: the application's dependencies on `app.deps`, and per request the
 * locale, a translator and `reply.page()` to render a page. Who is asking (`request.principal`,
 * `request.actor`) is added by the access module (src/modules/access/context.ts).
 */
import type { Config } from "../config/config.ts";
import type { DatabaseKind, EmbeddedMemory } from "../db/connect.ts";
import type { Db } from "../db/database.ts";
import type { Clock } from "../lib/clock.ts";
import type { FileStore } from "../lib/file-store.ts";

export type Locale = "en" | "cy";
export type Translate = (key: string, params?: Record<string, unknown>) => string;

/**
 * The application's dependencies, made once at start-up (`platform.ts`, or a test). A module that
 * needs one of its own adds it here by declaration merging (`declare module "../../http/context.ts"`:
 * the mailer in notifications, the tender keys in tenders), so this layer imports no module.
 */
export interface AppDeps {
  config: Config;
  db: Db;
  dbKind: DatabaseKind;
  /** The embedded database's memory now (absent on a PostgreSQL server): readiness reports it. */
  databaseMemory?: () => Promise<EmbeddedMemory>;
  clock: Clock;
  files: FileStore;
}

declare module "fastify" {
  interface FastifyInstance {
    deps: AppDeps;
  }
  interface FastifyRequest {
    locale: Locale;
    t: Translate;
  }
  interface FastifyReply {
    /** Renders a Nunjucks page from `src/views` or a module's `views/` with the layout's context. */
    page(template: string, context?: Record<string, unknown>): Promise<void>;
  }
}
