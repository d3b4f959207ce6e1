/**
 * On a provider's public profile (plugged into the organisations module's `profilePanels` port):
 * its open figures of complaints beside its ratings (figures.service.ts), and, last, how to complain
 * about it — a link to the complaint form with the provider chosen.
 */
import type { Db } from "../../db/database.ts";
import type { Clock } from "../../lib/clock.ts";
import type { Panel } from "../../lib/ports.ts";

export { complaintFiguresPanel } from "./figures.service.ts";

export async function complainPanel(
  _db: Db,
  _clock: Clock,
  organisationId: string,
): Promise<Panel | undefined> {
  return {
    template: "redress/views/partials/profile-complain.njk",
    context: { complainAbout: organisationId },
  };
}
