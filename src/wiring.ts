/**
 * The one place where modules are connected: each module above plugs its handlers into the ports
 * of the modules below it (src/lib/ports.ts), so that no module imports one above it. Called once
 * at start-up by `buildApp`, the platform, the `openps` command and the test set-up; calling it
 * again changes nothing.
 */
import { demoAccounts } from "./modules/accounts/accounts.ports.ts";
import { changeRecorded } from "./modules/audit/audit.ports.ts";
import { awardStage, liveAwardOf } from "./modules/award/award.service.ts";
import { awardNoticePanel } from "./modules/award/award-handover.ts";
import { barrierAppealSubjects, tenderSetupBarriersPanel } from "./modules/barriers/barriers.service.ts";
import { budgetsPersonData } from "./modules/budgets/person-data.ts";
import { budgetPersonPanel } from "./modules/budgets/person-panel.service.ts";
import { followPlanChange } from "./modules/budgets/plan-changes.service.ts";
import { personData, personPanels, planChanged } from "./modules/care/care.ports.ts";
import { serviceWindowsPanel } from "./modules/challenges/policy.service.ts";
import { arrangementsFollowPlan } from "./modules/choice/arrangements.service.ts";
import { memberFeedback } from "./modules/choice/choice.ports.ts";
import { choiceProfilePanel } from "./modules/choice/compare.service.ts";
import {
  leaveOnInadequateRating,
  leaveOnMutualStatusLost,
  leaveOnRegistrationChange,
} from "./modules/choice/members.service.ts";
import { choicePersonData } from "./modules/choice/person-data.ts";
import { choicePersonPanel } from "./modules/choice/person-panel.ts";
import { poolsFundingGrants } from "./modules/community-budgets/grant-funding.ts";
import { contractsHeldBy, providerContractsPanel } from "./modules/contracts/provider-contracts.service.ts";
import { noteDatasetChange } from "./modules/datasets/changes.service.ts";
import { registerControllers, serviceDelegationsPanel } from "./modules/delegations/delegations.service.ts";
import { accreditationOnDay, liveAward } from "./modules/evaluation/evaluation.ports.ts";
import { conflictDeclarationOf } from "./modules/evaluation/evaluation.service.ts";
import { eligibilityFacts, grantFunding, supportVocabulary } from "./modules/grants/grants.ports.ts";
import { projectTendersPanel, serviceCommissioningPanel } from "./modules/home/panels.service.ts";
import { integrityPanel, noteIntegrityChange } from "./modules/integrity/integrity.service.ts";
import { noteMarketChange, queueImportedRecompute } from "./modules/market/figures.service.ts";
import { mutualsEligibilityFacts, mutualsSupportVocabulary } from "./modules/mutuals/grant-support.ts";
import { mutualHistoryPanel } from "./modules/mutuals/history.service.ts";
import {
  serviceSpinoutPanel,
  spinoutAppealFollowers,
  spinoutAppealSubjects,
} from "./modules/mutuals/mutuals.service.ts";
import { publishersImported } from "./modules/ocds/ocds.ports.ts";
import { noteChange } from "./modules/ocds/ocds.service.ts";
import { queueOpportunityAlerts } from "./modules/opportunities/alerts.service.ts";
import { mutualStatusLost, profilePanels } from "./modules/organisations/organisations.ports.ts";
import { prizeProfilePanel } from "./modules/prize/prize.service.ts";
import { projectPanels } from "./modules/projects/projects.ports.ts";
import { areaComplaintsPanel, complaintExtras } from "./modules/redress/figures.service.ts";
import { redressPersonData } from "./modules/redress/person-data.ts";
import { complainPanel, complaintFiguresPanel } from "./modules/redress/profile-panel.ts";
import { appealableSubjects, appealFollowers } from "./modules/redress/redress.ports.ts";
import { providerRatingsPanel } from "./modules/regulation/find.service.ts";
import {
  contractsAffected,
  providerExtras,
  ratingPublished,
  registrationChanged,
} from "./modules/regulation/regulation.ports.ts";
import { serviceControllers, servicePanels } from "./modules/services/services.ports.ts";
import {
  accreditationOnDay as accreditationOnBidDate,
  accreditationRefusal,
  accreditationsProfilePanel,
  scorableStandardsList,
  tenderRequirementsPanel,
} from "./modules/standards/standards.service.ts";
import {
  bidderRefusals,
  evaluatorDeclaration,
  scorableStandards,
  tenderPanels,
  tenderPublished,
  tenderSetupPanels,
  tenderStage,
} from "./modules/tenders/tenders.ports.ts";
import { feedbackExtras, feedbackProfilePanel, feedbackSummaries } from "./modules/voice/feedback.service.ts";
import { feedbackPersonPanel } from "./modules/voice/person-panel.ts";
import { areaPanels } from "./modules/voice/voice.ports.ts";
import { DEMO_PASSWORD, DEMO_USERS } from "./seed/demo/users.ts";

const demoUsers = () => ({ password: DEMO_PASSWORD, accounts: DEMO_USERS });

export function wireModules(): void {
  // accounts ← seed: the demo accounts offered on the sign-in page
  demoAccounts.plug(demoUsers);
  // organisations ← regulation, contracts: panels on a provider's profile, in this order
  profilePanels.plug(providerRatingsPanel);
  // organisations ← redress: the provider's open figures of complaints, beside its ratings
  profilePanels.plug(complaintFiguresPanel);
  profilePanels.plug(providerContractsPanel);
  // regulation ← contracts: the contracts a failing location affects
  contractsAffected.plug(contractsHeldBy);
  // services ← challenges, home: the Right to Challenge section of a service's page, then its
  // projects with their tenders and contracts
  servicePanels.plug(serviceWindowsPanel);
  servicePanels.plug(serviceCommissioningPanel);
  // projects ← home: a project's tenders, and setting one up
  projectPanels.plug(projectTendersPanel);
  // tenders ← opportunities: alerts for saved searches when a tender is published
  tenderPublished.plug(queueOpportunityAlerts);
  // tenders ← evaluation: evaluators read opened bids once they declare no conflict; the award notice
  evaluatorDeclaration.plug(conflictDeclarationOf);
  tenderPanels.plug(awardNoticePanel);
  // tenders ← barriers: the authority's open barriers it can fix, on the tender set-up form
  tenderSetupPanels.plug(tenderSetupBarriersPanel);
  // tenders ← award: the stage an opened tender has reached (awarded, in standstill, contracted)
  tenderStage.plug(awardStage);
  // evaluation ← award: evaluation is over while the tender has a live award
  liveAward.plug(liveAwardOf);
  // audit ← ocds: each change to a contracting process makes its open-data release
  changeRecorded.plug(noteChange);
  // audit ← market: a change to an authority's commissioning, contracts or regulation queues the
  // recomputation of its market figures
  changeRecorded.plug(noteMarketChange);
  // ocds ← market: an import with new releases of a publisher queues the recomputation of its
  // imported processes' market figures
  publishersImported.plug(queueImportedRecompute);
  // audit ← integrity: after the release (plugged after ocds), the process's integrity flags;
  // tenders ← integrity: the flags on a tender's page
  changeRecorded.plug(noteIntegrityChange);
  tenderPanels.plug(integrityPanel);
  // audit ← datasets: a change of a dataset's rows (a row withdrawn or deleted too) dates it
  changeRecorded.plug(noteDatasetChange);
  // regulation ← choice: a provider whose registration, or whose new Inadequate rating, stops it
  // meeting a list's conditions leaves it;
  // organisations ← choice: the approved-provider lists on a provider's profile (after contracts)
  registrationChanged.plug(leaveOnRegistrationChange);
  ratingPublished.plug(leaveOnInadequateRating);
  // organisations ← choice: a provider no longer a qualifying mutual leaves the lists reserved to mutuals
  mutualStatusLost.plug(leaveOnMutualStatusLost);
  profilePanels.plug(choiceProfilePanel);
  // care ← budgets: each plan's ledger opened, following its budget's versions, stopped at its end
  planChanged.plug(followPlanChange);
  // care ← budgets: the budget's balance, latest transactions and statement on a person's page
  personPanels.plug(budgetPersonPanel);
  // care ← budgets: the ledger's section of a person's download of everything held about them
  personData.plug(budgetsPersonData);
  // care ← choice: a person's arrangements and records that choice was not available on their page
  personPanels.plug(choicePersonPanel);
  // care ← choice: a new budget version checks the arrangements again (after the ledger follows it);
  // the arrangements and records of choice not available in a person's download
  planChanged.plug(arrangementsFollowPlan);
  personData.plug(choicePersonData);
  // care ← redress: the complaints made for a person in their download
  personData.plug(redressPersonData);
  // organisations ← voice: users' feedback on a provider's profile (after the lists);
  // choice ← voice: the feedback summary on a list's page and its comparison
  profilePanels.plug(feedbackProfilePanel);
  memberFeedback.plug(feedbackSummaries);
  // regulation ← voice: users' feedback beside the regulator's rating in Find a service and on a location's page
  providerExtras.plug(feedbackExtras);
  // care ← voice: "Leave feedback" for each provider the person's budget has paid, on their page
  personPanels.plug(feedbackPersonPanel);
  // organisations ← redress: how to complain about a provider, last on its profile
  profilePanels.plug(complainPanel);
  // regulation ← redress: "Complaints upheld: n of m in 12 months" beside the rating in Find a service
  providerExtras.plug(complaintExtras);
  // voice ← redress: the complaints figures of the providers in an area, on its figures page
  areaPanels.plug(areaComplaintsPanel);
  // organisations ← mutuals: a mutual's history after spin-out on its profile
  profilePanels.plug(mutualHistoryPanel);
  // services ← mutuals: a service's spin-out proposals, and proposing one, on its page
  servicePanels.plug(serviceSpinoutPanel);
  // grants ← mutuals: "within 5 years of spin-out or still on its first contract", and the stages
  // advisers offer and adviser time is asked for
  eligibilityFacts.plug(mutualsEligibilityFacts);
  supportVocabulary.plug(mutualsSupportVocabulary);
  // redress ← mutuals, barriers: a refused spin-out and an unanswered barrier, appealable to the adjudicator
  appealableSubjects.plug(spinoutAppealSubjects);
  appealableSubjects.plug(barrierAppealSubjects);
  // … and a refused spin-out's team follows the appeal one of them made
  appealFollowers.plug(spinoutAppealFollowers);
  // organisations ← standards: a provider's current accreditations on its profile;
  // tenders ← standards: a bid refused without an accreditation the tender requires, and the
  // accreditations it requires on its page
  profilePanels.plug(accreditationsProfilePanel);
  bidderRefusals.plug(accreditationRefusal);
  tenderPanels.plug(tenderRequirementsPanel);
  // tenders, evaluation ← standards: an award criterion scoring an accreditation — the standards the
  // set-up form offers, and the bidder's accreditation on its bid's date
  scorableStandards.plug(scorableStandardsList);
  accreditationOnDay.plug(accreditationOnBidDate);
  // organisations ← prize: the prize's published shortlistings and wins on an organisation's profile
  profilePanels.plug(prizeProfilePanel);
  // services ← delegations: who controls a service — its delegations to neighbourhood councils — on
  // its page, and beside each service of the register's list
  servicePanels.plug(serviceDelegationsPanel);
  serviceControllers.plug(registerControllers);
  // grants ← community budgets: the pools that paid a grant, and each partner's share, in 360Giving
  grantFunding.plug(poolsFundingGrants);
}
