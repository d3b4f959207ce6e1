/**
 * Every kind of notice the platform sends, in one list: `notify` takes only these (a new kind is
 * added here first), the inbox labels them, a person's email choices are made per kind, and a test
 * drives each one into its recipient's inbox and follows its link
 * (src/modules/inbox/inbox.test.ts), so a kind without a working link fails.
 *
 * Each kind is in a topic (how the email choices are grouped). Kinds marked `alwaysEmail` are about
 * the security of sealed bids and of who may open them: they come by email too (where email is
 * configured) whatever the person chose, so that someone who turned email off still hears at once
 * of an attempt to open bids that was refused, a broken seal, or a new bid opener.
 *
 * The emails of accounts (confirm your address, reset your password, "you already have an account")
 * and invitations are not notices: they carry links that work once, and go by email only.
 */

export const NOTICE_TOPICS = [
  "tenders",
  "evaluation",
  "award",
  "contracts",
  "opportunities",
  "consultations",
  "challenges",
  "regulation",
  "choice",
  "publicBodies",
  "budgets",
  "security",
  "care",
  "complaints",
] as const;
export type NoticeTopic = (typeof NOTICE_TOPICS)[number];

export interface NoticeKindInfo {
  topic: NoticeTopic;
  /** Emailed whatever the person chose (security): see above. */
  alwaysEmail?: true;
}

export const NOTICE_KINDS = {
  // Tenders: to commissioners, and to everyone registered as interested
  "tender.question-asked": { topic: "tenders" },
  "tender.question-answered": { topic: "tenders" },
  "tender.amended": { topic: "tenders" },
  "tender.cancelled": { topic: "tenders" },
  // Evaluation
  "tender.evaluator-assigned": { topic: "evaluation" },
  "evaluation.conflict-declared": { topic: "evaluation" },
  "evaluation.ready-to-moderate": { topic: "evaluation" },
  // Award
  "award.assessment-summary": { topic: "award" },
  "award.challenged": { topic: "award" },
  "award.challenge-decided": { topic: "award" },
  // Contracts
  "contract.entered": { topic: "contracts" },
  "contract.amended": { topic: "contracts" },
  "contract.terminated": { topic: "contracts" },
  "contract.kpi-reported": { topic: "contracts" },
  "contract.kpi-report-corrected": { topic: "contracts" },
  "contract.kpi-rated": { topic: "contracts" },
  // Opportunities: saved searches' alerts
  "opportunity.matched": { topic: "opportunities" },
  // Consultations
  "consultation.summary-published": { topic: "consultations" },
  // The Community Right to Challenge
  "challenge.submitted": { topic: "challenges" },
  "challenge.withdrawn": { topic: "challenges" },
  "challenge.modification-proposed": { topic: "challenges" },
  "challenge.modification-agreed": { topic: "challenges" },
  "challenge.decided": { topic: "challenges" },
  "challenge.co-signatory-named": { topic: "challenges" },
  "challenge.co-signatory-reconfirm": { topic: "challenges" },
  "challenge.co-signatory-confirmed": { topic: "challenges" },
  // Regulation: to providers, and to commissioners of contracts a cancellation affects
  "regulation.registration-changed": { topic: "regulation" },
  "regulation.enforcement": { topic: "regulation" },
  "regulation.draft-report": { topic: "regulation" },
  "regulation.draft-corrected": { topic: "regulation" },
  "regulation.report-published": { topic: "regulation" },
  "regulation.registration-cancelled": { topic: "regulation" },
  // Approved-provider lists: to the provider and the authority when a member leaves
  "choice.member-left": { topic: "choice" },
  // Arrangements: to the provider when one is proposed or ended by the person's side; to whoever
  // arranged it when the provider answers or ends it; choice not available answered: to who recorded it
  "choice.arrangement-proposed": { topic: "choice" },
  "choice.arrangement-answered": { topic: "choice" },
  "choice.arrangement-ended": { topic: "choice" },
  "choice.not-available-answered": { topic: "choice" },
  // The person's side of a person's choice (issue 17): a service arranged for them; choice not
  // available recorded (their care staff too); a new budget version below what is arranged
  "choice.arrangement-made": { topic: "choice" },
  "choice.not-available-recorded": { topic: "choice" },
  "choice.arrangements-over-budget": { topic: "choice" },
  // To a provider when the authority enters its contracted price on a published list from an award
  "choice.contracted-price-set": { topic: "choice" },
  // Public bodies asked for
  "authority.verified": { topic: "publicBodies" },
  "authority.rejected": { topic: "publicBodies" },
  // Care and support: to the person and their representatives
  "care.budget-changed": { topic: "care" },
  // Consumer champions appointed by a person: to the champion's people and the person
  "care.champion-appointed": { topic: "care" },
  "care.champion-ended": { topic: "care" },
  // A person's details changed by their care staff: to the person themself
  "care.details-changed": { topic: "care" },
  // Personal budgets: to the authority's care staff, the person and representatives with see-plan
  "budget.surplus-flagged": { topic: "budgets" },
  // Personal budgets: to the person and representatives with see-plan
  "budget.surplus-resolved": { topic: "budgets" },
  // Feedback (voice): to the provider's people of a review published; to the person of a moderation
  "feedback.review-published": { topic: "care" },
  "feedback.review-moderated": { topic: "care" },
  // Providers' invoices: to the person and representatives with make-payments (one to pay from the
  // direct payment); to the provider's people (its invoice paid)
  "budget.invoice-submitted": { topic: "budgets" },
  "budget.invoice-paid": { topic: "budgets" },
  // Providers' invoices: to the provider's people (its invoice rejected, with the reason)
  "budget.invoice-rejected": { topic: "budgets" },
  // Payment by results: to the provider's people when a payment run of its outcome contract is paid
  "results.run-paid": { topic: "contracts" },
  // … when a payment run of its outcome contract is cancelled before it is paid (with the reason)
  "results.run-cancelled": { topic: "contracts" },
  // … when the commissioner moves a share of the programme's referrals to or from its contract
  "results.share-shifted": { topic: "contracts" },
  // … when a sample audit of its paid claims starts (the sample drawn), and when it concludes (with
  // the over-payment to recover)
  "results.audit-started": { topic: "contracts" },
  "results.audit-concluded": { topic: "contracts" },
  // Grants: to the applicant organisation's people when the funder awards or refuses its application
  "grants.decided": { topic: "contracts" },
  // … to the funder's people when a grant's end report arrives; to the recipient's people when the
  // funder accepts it or asks for changes (with the reasons)
  "grants.end-report-submitted": { topic: "contracts" },
  "grants.end-report-reviewed": { topic: "contracts" },
  // The spin-out path (mutuals): to a proposal's team when the parent body approves or refuses it (with reasons)
  "mutuals.decision": { topic: "challenges" },
  // The prize for public service innovation: to a judge when the organiser appoints them; to those who
  // nominated (signed in) when the round's shortlist, then its winners, are published
  "prize.judge-appointed": { topic: "evaluation" },
  "prize.published": { topic: "challenges" },
  // Accreditation (standards): to the provider's people when a body accredits it, grants it again,
  // suspends or withdraws its accreditation (with the reason)
  "accreditation.changed": { topic: "regulation" },
  // … and 60 days before its accreditation ends (once per expiry date: the daily sweep)
  "accreditation.expiring": { topic: "regulation" },
  // Assets of community value: to the council's commissioners and administrators when a nomination
  // arrives; to the nominating group's people when the council decides it, decides the owner's review
  // of a listing, or records the owner's notice of an intended sale
  "community-asset.nominated": { topic: "challenges" },
  "community-asset.progressed": { topic: "challenges" },
  // Delegation of services to neighbourhood councils: to the neighbourhood body's people when a service
  // is delegated to it, or its delegation is reviewed or ended; to the authority's commissioners and
  // administrators when the body reports its delivery
  "delegation.progressed": { topic: "challenges" },
  "delegation.report-submitted": { topic: "challenges" },
  // Community budgets: to each partner's commissioners and administrators when money is spent from a
  // pool it has put money in, with its share of the spend
  "community-budget.spent": { topic: "contracts" },
  // Barriers to entry: to whoever logged a barrier when the authority answers it
  "barrier.answered": { topic: "tenders" },
  // … and to the authority's commissioners and administrators when one is logged with it, and as its
  // answer's last day nears and when it has passed unanswered (the daily sweep)
  "barrier.logged": { topic: "tenders" },
  "barrier.reminder": { topic: "tenders" },
  // Complaints (redress): to the complainant at each step of the body's work
  "complaint.progressed": { topic: "complaints" },
  // Complaints (redress): to the answering body's people (or the responsible authority's) when one waits on them
  "complaint.to-answer": { topic: "complaints" },
  // Appeals to the independent adjudicator (redress): to the body appealed against when one arrives,
  // and to the appeal's followers (a refused spin-out's other team members) when made and decided
  "appeal.progressed": { topic: "complaints" },
  // Remedies (redress): to the body that must comply (confirmed, returned, overdue) and the ombudsman's staff (reported, overdue)
  "remedy.progressed": { topic: "complaints" },
  // Security: always by email too
  "tender.attempt-refused": { topic: "security", alwaysEmail: true },
  "tender.seal-broken": { topic: "security", alwaysEmail: true },
  "invitation.approval-needed": { topic: "security", alwaysEmail: true },
  "role.bid-opener-added": { topic: "security", alwaysEmail: true },
} as const satisfies Record<string, NoticeKindInfo>;

export type NoticeKind = keyof typeof NOTICE_KINDS;

/** Every kind, in the order of the list above. */
export const NOTICE_KIND_LIST = Object.keys(NOTICE_KINDS) as NoticeKind[];

export function isNoticeKind(value: unknown): value is NoticeKind {
  return typeof value === "string" && Object.hasOwn(NOTICE_KINDS, value);
}

/** Whether the kind comes by email whatever the person chose. */
export function alwaysEmailed(kind: NoticeKind): boolean {
  return (NOTICE_KINDS[kind] as NoticeKindInfo).alwaysEmail === true;
}

/** The kinds a person may choose to have in the inbox only. */
export const CHOOSABLE_KINDS: readonly NoticeKind[] = NOTICE_KIND_LIST.filter((k) => !alwaysEmailed(k));
