/**
 * What every route can rely on: the application's dependencies on `app.deps`, and per request the
 * locale, a translator, the acting user (once accounts exist) and `reply.page()` to render a page.
 */
import type { Config } from "../config/config.ts";
import type { DatabaseKind } from "../db/connect.ts";
import type { Db } from "../db/database.ts";
import type { Clock } from "../lib/clock.ts";
import type { FileStore } from "../lib/file-store.ts";
import type { Principal } from "../modules/access/access.table.ts";
import type { Actor } from "../modules/audit/audit.service.ts";
import type { Mailer } from "../modules/notifications/mailer.ts";
import type { TenderKeyring } from "../modules/tenders/sealing.ts";

export type Locale = "en" | "cy";
export type Translate = (key: string, params?: Record<string, unknown>) => string;

export interface AppDeps {
  config: Config;
  db: Db;
  dbKind: DatabaseKind;
  clock: Clock;
  files: FileStore;
  /** Sends email when SMTP is configured; undefined means inbox only. */
  mailer: Mailer | undefined;
  /**
   * The master keys that wrap tenders' sealing keys (never stored in the database). Absent: the
   * tenders module loads them from the configuration (`loadTenderKeyring`).
   */
  tenderKeys?: TenderKeyring;
}

declare module "fastify" {
  interface FastifyInstance {
    deps: AppDeps;
    /** Every route registered (method and URL pattern), HEAD routes aside. */
    routeList: readonly { method: string; url: string }[];
  }
  interface FastifyRequest {
    locale: Locale;
    t: Translate;
    /** Who is signed in (session) or calling (API token); null for the public. */
    principal: Principal | null;
    /** Who is acting, for the audit trail: derived from `principal`. */
    actor: Actor;
  }
  interface FastifyReply {
    /** Renders a Nunjucks page from `src/views` or a module's `views/` with the layout's context. */
    page(template: string, context?: Record<string, unknown>): Promise<void>;
  }
}
