/**
 * What the services module lets the modules above it take part in (see src/lib/ports.ts); they are
 * connected in src/wiring.ts.
 */
import type { Db } from "../../db/database.ts";
import type { Clock } from "../../lib/clock.ts";
import { type Panel, port } from "../../lib/ports.ts";

/** Sections of a service's page from other modules (challenges: the Right to Challenge windows). */
export const servicePanels =
  port<
    (db: Db, clock: Clock, service: { authorityId: string; serviceId: string }) => Promise<Panel | undefined>
  >("service page panels");

/**
 * Who controls each service of a register besides its provider (delegations: the neighbourhood
 * councils and bodies a service is delegated to), by service id: shown on the register's list.
 */
export const serviceControllers = port<
  (db: Db, clock: Clock, authorityId: string) => Promise<Record<string, string[]> | undefined>
>("who controls each service of a register");
