/** Every seed, in the order they run. Add later issues' seeds after the ones they build on. */
import { demoAppealsSeed } from "./demo/appeals.ts";
import { demoAuthoritiesSeed } from "./demo/authorities.ts";
import { demoBarriersSeed } from "./demo/barriers.ts";
import { demoBudgetsSeed } from "./demo/budgets.ts";
import { demoCareSeed } from "./demo/care.ts";
import { demoChallengesSeed } from "./demo/challenges.ts";
import { demoChampionsSeed } from "./demo/champions.ts";
import { demoChoiceSeed } from "./demo/choice.ts";
import { demoCommunityAssetsSeed } from "./demo/community-assets.ts";
import { demoCommunityBudgetsSeed } from "./demo/community-budgets.ts";
import { demoComplianceSeed } from "./demo/compliance.ts";
import { demoConsultationsSeed } from "./demo/consultations.ts";
import { demoContractsSeed } from "./demo/contracts.ts";
import { demoDelegationsSeed } from "./demo/delegations.ts";
import { demoEvaluationSeed } from "./demo/evaluation.ts";
import { demoFeedbackSeed } from "./demo/feedback.ts";
import { demoGrantsSeed } from "./demo/grants.ts";
import { demoMutualsSeed } from "./demo/mutuals.ts";
import { demoOpportunitiesSeed } from "./demo/opportunities.ts";
import { demoOrganisationsSeed } from "./demo/organisations.ts";
import { demoPrizeSeed } from "./demo/prize.ts";
import { demoProjectsSeed } from "./demo/projects.ts";
import { demoRedressSeed } from "./demo/redress.ts";
import { demoRegulationSeed } from "./demo/regulation.ts";
import { demoResultsSeed } from "./demo/results.ts";
import { demoServicesSeed } from "./demo/services.ts";
import { demoStandardsSeed } from "./demo/standards.ts";
import { demoTendersSeed } from "./demo/tenders.ts";
import { demoUsersSeed } from "./demo/users.ts";
import { marketFiguresSeed } from "./reference/market-figures.ts";
import { serviceCategoriesSeed } from "./reference/service-categories.ts";
import type { Seed } from "./seed.ts";

export const seeds: readonly Seed[] = [
  demoAuthoritiesSeed,
  demoOrganisationsSeed,
  demoUsersSeed,
  // Reference data every deployment needs; in demo mode the organisations seed has loaded it already.
  serviceCategoriesSeed,
  demoServicesSeed,
  demoProjectsSeed,
  demoConsultationsSeed,
  demoChallengesSeed,
  demoTendersSeed,
  demoOpportunitiesSeed,
  demoComplianceSeed,
  // Before awards: a contract for a regulated activity goes only to a registered provider.
  demoRegulationSeed,
  demoEvaluationSeed,
  demoContractsSeed,
  // Issue 17: people with care and support plans (after the organisations holding managed accounts).
  demoCareSeed,
  // Issue 17: approved-provider lists of registered providers.
  demoChoiceSeed,
  // Personal budgets' ledgers, after the care module's demo plans.
  demoBudgetsSeed,
  // Consumer champions (issue 17): a verified champion, its areas and a published report.
  demoChampionsSeed,
  // Feedback on providers: Joan's payments out and reviews, after the budgets' ledgers.
  demoFeedbackSeed,
  // Complaints (issue 18): one per regime, after care and choice (Joan's arrangement with Greenway).
  demoRedressSeed,
  // Payment by results (issue 19): a Work Programme of the department and Westshire's social impact bond.
  demoResultsSeed,
  // Grants (issue 20): a Mutuals Support Programme of the department, two awards and a refusal.
  demoGrantsSeed,
  // The mutual spin-out path (issue 20): Westshire's proposals, one refused, one trading in a group.
  demoMutualsSeed,
  // Barriers to entry (issue 20): one of each kind across the demo authorities, some answered.
  demoBarriersSeed,
  // Appeals to the independent adjudicator (issue 20, item 6): the refused parks spin-out, decided.
  demoAppealsSeed,
  // Accreditation (issue 20, item 7): the department's standards and the providers accredited.
  demoStandardsSeed,
  // The prize for public service innovation (issue 20, item 8): last year's round decided, this year's open.
  demoPrizeSeed,
  // Assets of community value (issue 21): Westshire's list, one at each stage of the moratorium.
  demoCommunityAssetsSeed,
  // Community budgets (issue 21): Westshire's whole-place budget with four partners and five spends.
  demoCommunityBudgetsSeed,
  // Delegation to neighbourhood councils (issue 21): Westshire's country parks in Kelderby, to Kelderby Town Council.
  demoDelegationsSeed,
  // Last: the market dashboards' figures of everything above (every deployment).
  marketFiguresSeed,
];
