/**
 * What the voice module lets the modules above it take part in (see src/lib/ports.ts); they are
 * connected in src/wiring.ts.
 */
import type { Db } from "../../db/database.ts";
import type { Clock } from "../../lib/clock.ts";
import { type Panel, port } from "../../lib/ports.ts";

/**
 * Sections of an area's open figures (`/choice/areas/{areaCode}`) from the modules above (redress:
 * complaints figures of the providers with a location in the area), after the figures of choice.
 * Each handler bounds its own reads and shows only open (suppressed) figures.
 */
export const areaPanels = port<(db: Db, clock: Clock, areaCode: string) => Promise<Panel | undefined>>(
  "sections of an area's figures",
);
