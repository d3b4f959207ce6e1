import { transaction } from "../../db/transaction.ts";
import type { FieldError } from "../../lib/errors.ts";
import { newId } from "../../lib/ids.ts";
import { isIsoDate, londonToday } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { actorIn, type Ctx } from "../access/context.ts";
import { personalRef, recordAudit } from "../audit/audit.service.ts";
import { personForStaff } from "./access.service.ts";
import * as repo from "./care.repository.ts";
import type { CareNeed, Regime } from "./care.table.ts";
import { REGIMES } from "./care.table.ts";
import { checkDate, refuse, text } from "./checks.ts";

// Eligibility outcomes: what a need is about.

/**
 * The outcomes an adult's eligible needs are about (the Care and Support (Eligibility Criteria)
 * Regulations 2015, reg. 2(2)), and the sections of an education, health and care plan that say a
 * child's or young person's needs (the Special Educational Needs and Disability Regulations 2014,
 * reg. 12): a need records one of them, for its regime.
 */
export const NEED_OUTCOMES: Readonly<Record<Regime, readonly string[]>> = {
  "adult-social-care": [
    "managing-nutrition",
    "personal-hygiene",
    "toilet-needs",
    "dressing",
    "using-home-safely",
    "habitable-home",
    "family-relationships",
    "work-training-education-volunteering",
    "community-services",
    "caring-for-a-child",
  ],
  sen: ["section-b-special-educational-needs", "section-c-health-needs", "section-d-social-care-needs"],
};

/** Every outcome a need may record, as `<regime>:<outcome>`. */
export const ALL_NEED_OUTCOMES: readonly string[] = REGIMES.flatMap((r) =>
  NEED_OUTCOMES[r].map((o) => `${r}:${o}`),
);

// Needs

export interface NeedInput {
  /** `<regime>:<outcome>`, one of ALL_NEED_OUTCOMES. */
  outcome: string;
  description: string;
  assessedOn: string;
}

/** Records an assessed eligible need: care staff only. */
export async function recordNeed(
  ctx: Ctx,
  authorityId: string,
  personId: string,
  input: NeedInput,
): Promise<CareNeed> {
  const { p, person } = await personForStaff(ctx.db, ctx.principal, authorityId, personId);
  const outcome = text(input.outcome);
  const description = text(input.description);
  const assessedOn = text(input.assessedOn);
  const problems: FieldError[] = [];
  if (!ALL_NEED_OUTCOMES.includes(outcome))
    problems.push({ field: "outcome", message: msg`Choose the outcome or plan section the need is about` });
  if (description === "") problems.push({ field: "description", message: msg`Describe the need` });
  else if (description.length > 2000)
    problems.push({ field: "description", message: msg`Describe the need in 2,000 characters or fewer` });
  checkDate(problems, "assessedOn", assessedOn, {
    missing: msg`Enter the date the need was assessed`,
    wrong: msg`Enter the date of the assessment as a real date, like 27 3 2026`,
  });
  if (isIsoDate(assessedOn) && assessedOn > londonToday(ctx.clock))
    problems.push({
      field: "assessedOn",
      message: msg`Enter an assessment date that is today or in the past`,
    });
  refuse(problems, msg`Check the need`);
  return transaction(ctx.db, async (trx) => {
    const need: CareNeed = {
      authority_id: authorityId,
      id: newId(),
      person_id: person.id,
      outcome,
      description,
      assessed_on: assessedOn,
      met_on: null,
      created_by: p.userId,
      created_at: ctx.clock.now(),
    };
    await repo.insertNeed(trx, need);
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "care.need-recorded",
      entity: { type: "care-person", id: person.id },
      changes: { person: personalRef("care_people", person.id), need: need.id, outcome },
    });
    return need;
  });
}
