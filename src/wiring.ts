/**
 * The one place where modules are connected: each module above plugs its handlers into the ports
 * of the modules below it (src/lib/ports.ts), so that no module imports one above it. Called once
 * at start-up by `buildApp`, the platform, the `openps` command and the test set-up; calling it
 * again changes nothing.
 */
import { demoAccounts } from "./modules/accounts/accounts.ports.ts";
import { serviceWindowsPanel } from "./modules/challenges/challenges.service.ts";
import { contractsHeldBy, providerContractsPanel } from "./modules/contracts/contracts.service.ts";
import { hasAwardNotice } from "./modules/evaluation/award-handover.ts";
import { conflictDeclarationOf } from "./modules/evaluation/declarations.ts";
import { queueOpportunityAlerts } from "./modules/opportunities/opportunities.service.ts";
import { profilePanels } from "./modules/organisations/organisations.ports.ts";
import { contractsAffected } from "./modules/regulation/regulation.ports.ts";
import { providerRatingsPanel } from "./modules/regulation/regulation.service.ts";
import { servicePanels } from "./modules/services/services.ports.ts";
import { evaluatorDeclaration, tenderPanels, tenderPublished } from "./modules/tenders/tenders.ports.ts";
import { DEMO_PASSWORD, DEMO_USERS } from "./seed/demo/users.ts";

const awardNoticeLink = async (
  db: Parameters<typeof hasAwardNotice>[0],
  t: { authorityId: string; tenderId: string },
) =>
  (await hasAwardNotice(db, t.authorityId, t.tenderId))
    ? { template: "evaluation/views/partials/award-link.njk", context: {} }
    : undefined;

const heldContracts: Parameters<typeof contractsAffected.plug>[0] = (db, clock, location) =>
  contractsHeldBy(db, location.organisationId, location.activities, clock);

const demoUsers = () => ({ password: DEMO_PASSWORD, accounts: DEMO_USERS });

export function wireModules(): void {
  // accounts ← seed: the demo accounts offered on the sign-in page
  demoAccounts.plug(demoUsers);
  // organisations ← regulation, contracts: panels on a provider's profile, in this order
  profilePanels.plug(providerRatingsPanel);
  profilePanels.plug(providerContractsPanel);
  // regulation ← contracts: the contracts a failing location affects
  contractsAffected.plug(heldContracts);
  // services ← challenges: the Right to Challenge section of a service's page
  servicePanels.plug(serviceWindowsPanel);
  // tenders ← opportunities: alerts for saved searches when a tender is published
  tenderPublished.plug(queueOpportunityAlerts);
  // tenders ← evaluation: evaluators read opened bids once they declare no conflict; the award notice
  evaluatorDeclaration.plug(conflictDeclarationOf);
  tenderPanels.plug(awardNoticeLink);
}
