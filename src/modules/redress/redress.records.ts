/**
 * A complaint as the JSON API shows it, shared by the first tier's routes, the commissioning and
 * without-account routes and the ombudsman's (its own file, so no routes file imports another's).
 */
import { type ComplaintView, complaintPath } from "./redress.service.ts";

export function complaintRecord(c: ComplaintView) {
  return {
    id: c.id,
    reference: c.reference,
    authorityId: c.authority_id,
    regime: c.regime,
    about: c.about,
    organisation: c.organisation_id ? { id: c.organisation_id, name: c.organisation_name ?? "" } : null,
    responsibleAuthority: { id: c.authority_id, name: c.authority_name },
    answerer: c.answerer,
    noCommissionerFound: c.no_commissioner_found,
    actingAs: c.acting_as,
    whatHappened: c.what_happened,
    happenedOn: c.happened_on,
    knewOn: c.knew_on,
    outcomeWanted: c.outcome_wanted,
    receivedOn: c.received_on,
    timeLimitEndsOn: c.time_limit_ends_on,
    inTime: c.in_time,
    lateDecision: c.late_decision,
    lateReason: c.late_reason,
    stage: c.stage,
    status: c.status,
    nextDueOn: c.next_due_on,
    stages: c.stages.map((s) => ({
      stage: s.stage,
      name: s.name.en,
      receivedOn: s.received_on,
      steps: s.steps.map((step) => ({
        step: step.step,
        dueOn: step.dueOn,
        firstDueOn: step.firstDueOn,
        doneOn: step.doneOn,
        state: step.state,
        rule: step.source.en,
      })),
      extensionReason: s.extension_reason,
      extensions: s.extensions.map((e) => ({
        fromOn: e.from_on,
        toOn: e.to_on,
        reason: e.reason,
        agreedOn: e.agreed_on,
      })),
      finding: s.finding,
      response: s.response,
      remedy: s.remedy,
      explanation: s.explanation,
    })),
    nextStageBy: c.nextStageBy,
    ombudsman: c.ombudsman
      ? {
          route: c.ombudsman.route.code,
          ombudsman:
            "ombudsman" in c.ombudsman.route
              ? c.ombudsman.route.ombudsman
              : c.ombudsman.route.code === "adjudicator"
                ? "adjudicator"
                : null,
          ...(c.ombudsman.route.code === "adjudicator" ? { serviceArea: c.ombudsman.route.serviceArea } : {}),
          readiness: c.ombudsman.readiness.code,
        }
      : null,
    commissioning:
      c.commissioning_kind && c.commissioning_id
        ? {
            organisationId: c.complainant_organisation_id,
            appealGrounds: c.appeal_grounds,
            kind: c.commissioning_kind,
            id: c.commissioning_id,
            title: c.commissioning_title,
            serviceArea: c.service_area,
          }
        : null,
    championId: c.champion_id,
    pageUrl: complaintPath(c),
  };
}
