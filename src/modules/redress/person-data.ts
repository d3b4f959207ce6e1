/**
 * The redress section of a person's download of everything held about them (care's `personData`
 * port, care/subject-access.service.ts; plugged in src/wiring.ts): every complaint made for them
 * (by a representative or champion with `complain`) — what was complained of, the outcome wanted,
 * each stage's deadlines, extensions with their reasons, findings, responses and remedies. Not the
 * complainant's own contact details (theirs, not the person's). Care has decided who may download;
 * this reads a page at a time by key (oldest first) and answers undefined when it holds nothing.
 */
import type { Db } from "../../db/database.ts";
import { pageByKey } from "../../db/paging.ts";
import type { Clock } from "../../lib/clock.ts";
import type { PersonDataInput, PersonDataSection } from "../care/care.ports.ts";
import * as repo from "./redress.repository.ts";

const PAGE = 200;

export async function redressPersonData(
  db: Db,
  _clock: Clock,
  input: PersonDataInput,
): Promise<PersonDataSection | undefined> {
  const complaints: unknown[] = [];
  for await (const rows of pageByKey(
    (after: { at: Date; id: string } | undefined, limit) =>
      repo.complaintsOfPersonAfter(db, input.authorityId, input.personId, after, limit),
    (r) => ({ at: r.created_at, id: r.id }),
    PAGE,
  )) {
    const [stages, extensions] = await Promise.all([
      repo.stagesOfMany(db, rows),
      repo.extensionsOfMany(db, rows),
    ]);
    for (const c of rows) {
      const mine = <T extends { authority_id: string; complaint_id: string }>(xs: T[]) =>
        xs.filter((x) => x.authority_id === c.authority_id && x.complaint_id === c.id);
      complaints.push({
        reference: c.reference,
        regime: c.regime,
        about: c.about === "organisation" ? c.organisation_name : c.authority_name,
        answeredBy: c.answerer === "provider" ? c.organisation_name : c.authority_name,
        responsibleAuthority: c.authority_name,
        whatHappened: c.what_happened,
        happenedOn: c.happened_on,
        knewOn: c.knew_on,
        outcomeWanted: c.outcome_wanted,
        receivedOn: c.received_on,
        timeLimitEndsOn: c.time_limit_ends_on,
        inTime: c.in_time,
        lateDecision: c.late_decision,
        lateReason: c.late_reason,
        status: c.status,
        stages: mine(stages).map((s) => ({
          stage: s.stage,
          receivedOn: s.received_on,
          acknowledgementDueOn: s.ack_due_on,
          acknowledgedOn: s.acknowledged_on,
          answerDueOn: s.answer_due_on,
          answerFirstDueOn: s.answer_first_due_on,
          extensions: mine(extensions)
            .filter((e) => e.stage === s.stage)
            .map((e) => ({ fromOn: e.from_on, toOn: e.to_on, reason: e.reason, agreedOn: e.agreed_on })),
          respondedOn: s.responded_on,
          finding: s.finding,
          response: s.response,
          remedy: s.remedy,
          explanation: s.explanation,
        })),
      });
    }
  }
  return complaints.length > 0 ? { section: "complaints", data: { complaints } } : undefined;
}
