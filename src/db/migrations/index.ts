/**
 * Every migration, in order. Add a new file named `YYYY-MM-DD-NN-what.ts` and list it here.
 */
import type { Migration } from "kysely";
import * as foundation from "./2026-11-21-01-foundation.ts";
import * as access from "./2026-11-22-02-access.ts";
import * as accounts from "./2026-11-22-03-accounts.ts";
import * as directory from "./2026-11-22-04-directory.ts";
import * as services from "./2026-11-22-05-services.ts";
import * as projects from "./2026-11-22-06-projects.ts";
import * as consultations from "./2026-11-22-07-consultations.ts";
import * as challenges from "./2026-11-22-08-challenges.ts";
import * as tenders from "./2026-11-22-09-tenders.ts";
import * as regulation from "./2026-11-22-10-regulation.ts";
import * as tenderQuestions from "./2026-11-22-11-tender-questions.ts";
import * as opportunitySearches from "./2026-11-22-12-opportunity-searches.ts";
import * as tenderCompliance from "./2026-11-22-13-tender-compliance.ts";
import * as awards from "./2026-11-22-14-awards.ts";
import * as evaluation from "./2026-11-22-15-evaluation.ts";
import * as contracts from "./2026-11-22-16-contracts.ts";
import * as deployment from "./2026-12-05-01-deployment.ts";
import * as openerApproval from "./2026-12-05-02-opener-approval.ts";
import * as sealedDocumentFiles from "./2026-12-05-03-sealed-document-files.ts";
import * as contractRules from "./2026-12-06-01-contract-rules.ts";
import * as regulationCorrections from "./2026-12-06-02-regulation-corrections.ts";
import * as challengeRules from "./2026-12-06-03-challenge-rules.ts";
import * as inbox from "./2026-12-06-04-inbox.ts";
import * as biddersView from "./2026-12-06-05-bidders-view.ts";
import * as demoClock from "./2026-12-07-01-demo-clock.ts";
import * as tenderSearch from "./2026-12-08-01-tender-search.ts";
import * as demoScaleRuns from "./2026-12-09-01-demo-scale-runs.ts";
import * as nationalScale from "./2026-12-09-02-national-scale.ts";
import * as tenderKeysRotation from "./2026-12-10-01-tender-keys-rotation.ts";
import * as ocdsReleases from "./2026-12-10-02-ocds-releases.ts";
import * as ocdsImport from "./2026-12-10-10-ocds-import.ts";
import * as marketFigures from "./2026-12-11-05-market-figures.ts";
import * as integrity from "./2026-12-11-06-integrity.ts";
import * as openDatasets from "./2026-12-11-07-open-datasets.ts";
import * as reportIndexes from "./2026-12-12-01-report-indexes.ts";
import * as reportAuthorityIndexes from "./2026-12-12-02-report-authority-indexes.ts";
import * as ocdsSearch from "./2026-12-12-03-ocds-search.ts";
import * as marketFilterIndexes from "./2026-12-13-01-market-filter-indexes.ts";
import * as datasetChanges from "./2026-12-13-02-dataset-changes.ts";
import * as awardsByTender from "./2026-12-13-04-awards-by-tender.ts";
import * as marketImported from "./2026-12-13-05-market-imported.ts";
import * as marketImportedIndexes from "./2026-12-13-06-market-imported-indexes.ts";
import * as projectsByCategory from "./2026-12-13-07-projects-by-category.ts";
import * as care from "./2026-12-14-01-care.ts";
import * as careReviewsAndLinks from "./2026-12-14-02-care-reviews-and-links.ts";
import * as choice from "./2026-12-14-10-choice.ts";
import * as choiceArrangements from "./2026-12-14-11-choice-arrangements.ts";
import * as budgets from "./2026-12-14-20-budgets.ts";
import * as budgetCadenceChange from "./2026-12-14-21-budget-cadence-change.ts";
import * as providerInvoices from "./2026-12-14-22-provider-invoices.ts";
import * as voice from "./2026-12-14-30-voice.ts";
import * as feedback from "./2026-12-14-31-feedback.ts";
import * as marketPersonalBudgets from "./2026-12-14-40-market-personal-budgets.ts";
import * as marketUnavailable from "./2026-12-14-41-market-unavailable.ts";
import * as championLinks from "./2026-12-14-50-champion-links.ts";
import * as careLooseEnds from "./2026-12-14-61-care-loose-ends.ts";
import * as feedbackRepliesAndErasure from "./2026-12-14-62-feedback-replies-and-erasure.ts";
import * as areaFigures from "./2026-12-14-63-area-figures.ts";
import * as choiceAwardLists from "./2026-12-15-16-choice-award-lists.ts";
import * as choiceMembersContractIndex from "./2026-12-15-17-choice-members-contract-index.ts";
import * as feedbackLeftAt from "./2026-12-15-30-feedback-left-at.ts";
import * as redress from "./2026-12-20-01-redress.ts";
import * as redressReview from "./2026-12-20-02-redress-review.ts";
import * as ombudsman from "./2026-12-21-01-ombudsman.ts";
import * as redressFigures from "./2026-12-21-03-redress-figures.ts";
import * as remedies from "./2026-12-21-05-remedies.ts";
import * as commissioningComplaints from "./2026-12-21-06-commissioning-complaints.ts";
import * as redressFiguresIndexes from "./2026-12-21-07-redress-figures-indexes.ts";
import * as paymentByResults from "./2026-12-22-01-payment-by-results.ts";
import * as claimsEngineIndexes from "./2026-12-22-02-claims-engine-indexes.ts";
import * as outcomeAuditsOfContract from "./2026-12-22-05-outcome-audits-of-contract.ts";
import * as resultsOpenData from "./2026-12-22-06-results-open-data.ts";
import * as runsModelAndCorrections from "./2026-12-22-13-runs-model-and-corrections.ts";
import * as runsJobsAndCancelling from "./2026-12-22-14-runs-jobs-and-cancelling.ts";
import * as secondApprovalAmounts from "./2026-12-22-15-second-approval-amounts.ts";
import * as resultsOpenDataSums from "./2026-12-22-16-results-open-data-sums.ts";
import * as grants from "./2026-12-23-01-grants.ts";
import * as mutuals from "./2026-12-23-02-mutuals.ts";
import * as barriers from "./2026-12-23-03-barriers.ts";
import * as standards from "./2026-12-23-04-standards.ts";
import * as prize from "./2026-12-23-05-prize.ts";
import * as adjudicatorAppeals from "./2026-12-23-06-adjudicator-appeals.ts";
import * as advisers from "./2026-12-23-08-advisers.ts";
import * as spinoutDocuments from "./2026-12-24-01-spinout-documents.ts";
import * as barrierEvidence from "./2026-12-24-02-barrier-evidence.ts";
import * as accreditationScoringAndReminders from "./2026-12-24-03-accreditation-scoring-and-reminders.ts";
import * as communityAssets from "./2026-12-24-05-community-assets.ts";
import * as communityBudgets from "./2026-12-24-06-community-budgets.ts";
import * as delegations from "./2026-12-24-07-delegations.ts";
import * as grantEndReports from "./2026-12-24-08-grant-end-reports.ts";
import * as communityAssetWithdrawalsAndReminders from "./2026-12-24-09-community-asset-withdrawals-and-reminders.ts";
import * as communityBudgetReversals from "./2026-12-24-10-community-budget-reversals.ts";

export const migrations: Record<string, Migration> = {
  "2026-11-21-01-foundation": foundation,
  "2026-11-22-02-access": access,
  "2026-11-22-03-accounts": accounts,
  "2026-11-22-04-directory": directory,
  "2026-11-22-05-services": services,
  "2026-11-22-06-projects": projects,
  "2026-11-22-07-consultations": consultations,
  "2026-11-22-08-challenges": challenges,
  "2026-11-22-09-tenders": tenders,
  "2026-11-22-10-regulation": regulation,
  "2026-11-22-11-tender-questions": tenderQuestions,
  "2026-11-22-12-opportunity-searches": opportunitySearches,
  "2026-11-22-13-tender-compliance": tenderCompliance,
  "2026-11-22-14-awards": awards,
  "2026-11-22-15-evaluation": evaluation,
  "2026-11-22-16-contracts": contracts,
  "2026-12-05-01-deployment": deployment,
  "2026-12-05-02-opener-approval": openerApproval,
  "2026-12-05-03-sealed-document-files": sealedDocumentFiles,
  "2026-12-06-01-contract-rules": contractRules,
  "2026-12-06-02-regulation-corrections": regulationCorrections,
  "2026-12-06-03-challenge-rules": challengeRules,
  "2026-12-06-04-inbox": inbox,
  "2026-12-06-05-bidders-view": biddersView,
  "2026-12-07-01-demo-clock": demoClock,
  "2026-12-08-01-tender-search": tenderSearch,
  "2026-12-09-01-demo-scale-runs": demoScaleRuns,
  "2026-12-09-02-national-scale": nationalScale,
  "2026-12-10-01-tender-keys-rotation": tenderKeysRotation,
  "2026-12-10-02-ocds-releases": ocdsReleases,
  "2026-12-10-10-ocds-import": ocdsImport,
  "2026-12-11-07-open-datasets": openDatasets,
  "2026-12-11-05-market-figures": marketFigures,
  "2026-12-11-06-integrity": integrity,
  "2026-12-12-01-report-indexes": reportIndexes,
  "2026-12-12-02-report-authority-indexes": reportAuthorityIndexes,
  "2026-12-12-03-ocds-search": ocdsSearch,
  "2026-12-13-01-market-filter-indexes": marketFilterIndexes,
  "2026-12-13-02-dataset-changes": datasetChanges,
  "2026-12-13-04-awards-by-tender": awardsByTender,
  "2026-12-13-05-market-imported": marketImported,
  "2026-12-13-06-market-imported-indexes": marketImportedIndexes,
  "2026-12-13-07-projects-by-category": projectsByCategory,
  "2026-12-14-01-care": care,
  "2026-12-14-02-care-reviews-and-links": careReviewsAndLinks,
  "2026-12-14-10-choice": choice,
  "2026-12-14-11-choice-arrangements": choiceArrangements,
  "2026-12-14-20-budgets": budgets,
  "2026-12-14-21-budget-cadence-change": budgetCadenceChange,
  "2026-12-14-22-provider-invoices": providerInvoices,
  "2026-12-14-30-voice": voice,
  "2026-12-14-31-feedback": feedback,
  "2026-12-14-40-market-personal-budgets": marketPersonalBudgets,
  "2026-12-14-41-market-unavailable": marketUnavailable,
  "2026-12-14-50-champion-links": championLinks,
  "2026-12-14-61-care-loose-ends": careLooseEnds,
  "2026-12-14-62-feedback-replies-and-erasure": feedbackRepliesAndErasure,
  "2026-12-14-63-area-figures": areaFigures,
  "2026-12-15-16-choice-award-lists": choiceAwardLists,
  "2026-12-15-17-choice-members-contract-index": choiceMembersContractIndex,
  "2026-12-15-30-feedback-left-at": feedbackLeftAt,
  "2026-12-20-01-redress": redress,
  "2026-12-20-02-redress-review": redressReview,
  "2026-12-21-01-ombudsman": ombudsman,
  "2026-12-21-03-redress-figures": redressFigures,
  "2026-12-21-05-remedies": remedies,
  "2026-12-21-06-commissioning-complaints": commissioningComplaints,
  "2026-12-21-07-redress-figures-indexes": redressFiguresIndexes,
  "2026-12-22-01-payment-by-results": paymentByResults,
  "2026-12-22-02-claims-engine-indexes": claimsEngineIndexes,
  "2026-12-22-05-outcome-audits-of-contract": outcomeAuditsOfContract,
  "2026-12-22-06-results-open-data": resultsOpenData,
  "2026-12-22-13-runs-model-and-corrections": runsModelAndCorrections,
  "2026-12-22-14-runs-jobs-and-cancelling": runsJobsAndCancelling,
  "2026-12-22-15-second-approval-amounts": secondApprovalAmounts,
  "2026-12-22-16-results-open-data-sums": resultsOpenDataSums,
  "2026-12-23-01-grants": grants,
  "2026-12-23-02-mutuals": mutuals,
  "2026-12-23-03-barriers": barriers,
  "2026-12-23-04-standards": standards,
  "2026-12-23-05-prize": prize,
  "2026-12-23-06-adjudicator-appeals": adjudicatorAppeals,
  "2026-12-23-08-advisers": advisers,
  "2026-12-24-01-spinout-documents": spinoutDocuments,
  "2026-12-24-02-barrier-evidence": barrierEvidence,
  "2026-12-24-03-accreditation-scoring-and-reminders": accreditationScoringAndReminders,
  "2026-12-24-05-community-assets": communityAssets,
  "2026-12-24-06-community-budgets": communityBudgets,
  "2026-12-24-07-delegations": delegations,
  "2026-12-24-08-grant-end-reports": grantEndReports,
  "2026-12-24-09-community-asset-withdrawals-and-reminders": communityAssetWithdrawalsAndReminders,
  "2026-12-24-10-community-budget-reversals": communityBudgetReversals,
};
