/**
 * For tests only: an ombudsman's case decided, with its remedies, made without the casework (the
 * ombudsman's escalation and decision are their own services): a complaint already made is marked
 * escalated, an `ombudsman_cases` row is written as a final decision leaves it (status 'decided',
 * a finding) and each remedy as it orders it, due (or already reported, for a test that starts there).
 * The body that must comply follows the complaint: its authority, and the provider where one answered.
 */
import type { Db } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import type { Clock } from "../../lib/clock.ts";
import { newId } from "../../lib/ids.ts";
import { londonToday } from "../../lib/london-time.ts";
import type { RemedyKind } from "./redress.table.ts";

export interface RemedyFixture {
  kind: RemedyKind;
  dueOn: string;
  amountPence?: bigint;
  description?: string;
  /** Reported done already (with evidence), waiting for the ombudsman. */
  reported?: boolean;
}

export async function decidedCase(
  db: Db,
  clock: Clock,
  f: {
    complaint: { authorityId: string; complaintId: string };
    ombudsmanId: string;
    remedies: RemedyFixture[];
    publication?: "publish" | "withhold";
  },
): Promise<{ caseId: string; reference: string }> {
  const caseId = newId();
  const reference = `T-${caseId.slice(-8).toUpperCase()}`;
  const now = clock.now();
  const today = londonToday(clock);
  await transaction(db, async (trx) => {
    const c = await trx
      .selectFrom("complaints")
      .select(["authority_id", "id", "answerer", "organisation_id"])
      .where("authority_id", "=", f.complaint.authorityId)
      .where("id", "=", f.complaint.complaintId)
      .executeTakeFirstOrThrow();
    await trx
      .updateTable("complaints")
      .set({ status: "escalated", next_due_on: null })
      .where("authority_id", "=", c.authority_id)
      .where("id", "=", c.id)
      .execute();
    await trx
      .insertInto("ombudsman_cases")
      .values({
        authority_id: f.ombudsmanId,
        id: caseId,
        reference,
        scheme: "lgsco",
        complaint_authority_id: c.authority_id,
        complaint_id: c.id,
        escalated_by: null,
        escalated_on: today,
        file_consent_at: now,
        early_reason: "",
        mp_referral: "",
        publication_consent: f.publication === "publish",
        time_limit_ends_on: null,
        in_time: true,
        late_reason: "",
        status: "decided",
        assessed_on: today,
        assessed_by: null,
        decline_reason: "",
        investigator_id: null,
        draft_on: null,
        draft_text: "",
        comments_close_on: null,
        decided_on: today,
        decided_by: null,
        finding: "fault-injustice",
        decision_text: "The council was at fault and this caused injustice.",
        publication: f.publication ?? null,
        withheld_reason: "",
        published_summary: "",
        closed_on: null,
        next_due_on: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    let seq = 0;
    for (const r of f.remedies) {
      seq++;
      await trx
        .insertInto("ombudsman_remedies")
        .values({
          authority_id: f.ombudsmanId,
          case_id: caseId,
          seq,
          kind: r.kind,
          description: r.description ?? `Remedy ${seq}: ${r.kind}`,
          amount_pence: r.kind === "payment" ? (r.amountPence ?? 25000n) : null,
          due_on: r.dueOn,
          body_authority_id: c.authority_id,
          body_organisation_id: c.answerer === "provider" ? c.organisation_id : null,
          status: r.reported ? "reported" : "due",
          reported_on: r.reported ? today : null,
          reported_by: null,
          evidence: r.reported ? "The letter of apology, sent." : "",
          done_on: r.reported ? today : null,
          paid_pence: null,
          overdue_notified_on: null,
          confirmed_on: null,
          confirmed_by: null,
          returned_reason: "",
          created_at: now,
          updated_at: now,
        })
        .execute();
    }
  });
  return { caseId, reference };
}
