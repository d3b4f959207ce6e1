/**
 * Feedback on a person's page (care's `personPanels`, plugged in src/wiring.ts): for the person, or
 * a representative holding `give-feedback`, a "Leave feedback" link for each provider their
 * personal budget has paid (docs/feedback.md). Care staff see nothing here.
 */
import type { Db } from "../../db/database.ts";
import type { Clock } from "../../lib/clock.ts";
import type { Panel } from "../../lib/ports.ts";
import { paidProviders } from "../budgets/budgets.service.ts";
import type { PersonPanelInput } from "../care/care.ports.ts";
import { organisationsByIds } from "../organisations/organisations.service.ts";

/** At most this many providers are listed: a person's budget pays a handful. */
const MAX_PROVIDERS = 20;

export async function feedbackPersonPanel(
  db: Db,
  _clock: Clock,
  input: PersonPanelInput,
): Promise<Panel | undefined> {
  const { viewer } = input;
  if (viewer.how === "care-staff" || !viewer.grants.includes("give-feedback")) return undefined;
  const ids = await paidProviders(db, input.authorityId, input.planIds, MAX_PROVIDERS);
  if (ids.length === 0) return undefined;
  const organisations = await organisationsByIds(db, ids);
  return {
    template: "voice/views/partials/person-panel.njk",
    context: {
      feedbackPanel: {
        providers: ids.flatMap((id) => {
          const o = organisations.get(id);
          return o
            ? [{ name: o.name, url: `/care/people/${input.personId}/feedback/new?organisation=${id}` }]
            : [];
        }),
      },
    },
  };
}
