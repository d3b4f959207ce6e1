/**
 * The choice section of a person's download of everything held about them (care's `personData`
 * port, care/subject-access.service.ts; plugged in src/wiring.ts): every arrangement made for them —
 * the provider, what, how much and at what price, paid from which part, the days, the provider's
 * answer and the reasons given for declining or ending — and every record that choice was not
 * available, with what was tried and the authority's answer; and the notices sent to the person and
 * their representatives about them (care's own part holds only those about the person's page). Care
 * has decided who may download; this
 * reads a page at a time by key (oldest first) and answers undefined when choice holds nothing of them.
 */
import type { Db } from "../../db/database.ts";
import { pageByKey } from "../../db/paging.ts";
import type { Clock } from "../../lib/clock.ts";
import { londonToday } from "../../lib/london-time.ts";
import type { PersonDataInput, PersonDataSection } from "../care/care.ports.ts";
import { accountsEverLinked } from "../care/linked-accounts.service.ts";
import { type Notification, noticesAbout } from "../notifications/notifications.service.ts";
import * as arr from "./arrangements.repository.ts";
import { phaseOf, weeklyCost } from "./arrangements.service.ts";
import { stateOf } from "./unavailable.service.ts";

const PAGE = 200;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export async function choicePersonData(
  db: Db,
  clock: Clock,
  input: PersonDataInput,
): Promise<PersonDataSection | undefined> {
  const { authorityId, personId } = input;
  const today = londonToday(clock);
  const keyOf = (r: { created_at: Date; id: string }) => [r.created_at, r.id] as const;
  const arrangements: unknown[] = [];
  const pages: string[] = [];
  for await (const rows of pageByKey(
    (after: readonly [Date, string] | undefined, limit) =>
      arr.arrangementsOfPersonAfter(db, authorityId, personId, after, limit),
    keyOf,
    PAGE,
  ))
    for (const a of rows) {
      pages.push(`/authorities/${a.authority_slug}/arrangements/${a.id}`);
      arrangements.push({
        id: a.id,
        planId: a.plan_id,
        needId: a.need_id,
        provider: { id: a.organisation_id, name: a.organisation_name },
        listId: a.list_id,
        serviceType: a.category_name,
        description: a.description,
        unitsPerWeekX100: a.units_x100,
        unit: a.unit,
        pricePence: a.price_pence.toString(),
        priceSource: a.price_source,
        weeklyCostPence: weeklyCost(a).toString(),
        paidFrom: a.paid_from,
        startsOn: a.starts_on,
        endsOn: a.ends_on,
        status: a.status,
        phase: phaseOf(a, today),
        answeredAt: iso(a.answered_at),
        declineReason: a.decline_reason || null,
        endReason: a.end_reason || null,
        endedBy: a.ended_by,
        arrangedAt: a.created_at.toISOString(),
      });
    }
  const notAvailable: unknown[] = [];
  for await (const rows of pageByKey(
    (after: readonly [Date, string] | undefined, limit) =>
      arr.unavailableOfPersonAfter(db, authorityId, personId, after, limit),
    keyOf,
    PAGE,
  ))
    for (const u of rows) {
      pages.push(`/authorities/${u.authority_slug}/choice-not-available/${u.id}`);
      notAvailable.push({
        id: u.id,
        needId: u.need_id,
        serviceType: u.category_name,
        area: { code: u.area_code, name: u.area_name },
        tried: u.tried,
        recordedOn: u.recorded_on,
        dueOn: u.due_on,
        answerWorkingDays: u.answer_working_days,
        state: stateOf(u, today),
        answeredOn: u.answered_on,
        answerOutcome: u.answer_outcome,
        answer: u.answer || null,
      });
    }
  if (arrangements.length === 0 && notAvailable.length === 0) return undefined;
  return {
    section: "choice",
    data: { arrangements, notAvailable, notices: await noticesOf(db, authorityId, personId, pages) },
  };
}

/** The most notices the section holds (care's own part of the download holds as many). */
const NOTICES_MAX = 1000;

/**
 * The notices sent to the accounts linked to the person (their own, their representatives') about
 * their arrangements and records — each links to the page of one — newest first, at most
 * `NOTICES_MAX`. Notices to a provider's people or to care staff are about their work, not sent to
 * the person's side, and are left out as care's part leaves out theirs.
 */
async function noticesOf(
  db: Db,
  authorityId: string,
  personId: string,
  pages: readonly string[],
): Promise<unknown[]> {
  const accounts = await accountsEverLinked(db, authorityId, personId);
  const own = new Set(accounts.filter((a) => a.how === "self").map((a) => a.userId));
  const found: Notification[] = [];
  for (const link of pages) {
    if (found.length >= NOTICES_MAX) break;
    const ids = accounts.map((a) => a.userId);
    found.push(...(await noticesAbout(db, ids, authorityId, link, NOTICES_MAX - found.length)));
  }
  return found
    .sort((a, b) => b.created_at.getTime() - a.created_at.getTime())
    .map((n) => ({
      to: own.has(n.user_id) ? "the person" : "a representative",
      kind: n.kind,
      subject: n.subject,
      body: n.body,
      link: n.link,
      sentAt: n.created_at.toISOString(),
      readAt: iso(n.read_at),
      email: n.email_status,
    }));
}
