/**
 * "A person can download everything held about them" (issue 17, item 10; UK GDPR art. 15, the right
 * of access). One JSON document: the person's record, needs, plans with every budget version and its
 * parts, reviews and concerns, every link (live or ended, representatives and champions by their
 * display name) and invitation, the audit events about them (by their `personalRef`), the notices
 * their linked accounts were sent about them, and the sections of the modules above (`personData`,
 * care.ports.ts: the budgets' ledger; choice's arrangements and records of choice not available).
 *
 * Who may download: the person themself, their authority's care staff (on their behalf, e.g. for a
 * request made by letter), and an `appointee` (an appointee or deputy acting for someone who lacks
 * the capacity to ask) holding `see-plan`. The right is the data subject's: a family member, an
 * advocate or a champion is refused (403) even with `see-plan`; everyone else 404. Every download is
 * audited (`care.data-downloaded`); the routes answer `Cache-Control: no-store`.
 */
import type { Db } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import { ForbiddenError } from "../../lib/errors.ts";
import { londonToday } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { collect } from "../../lib/ports.ts";
import type { Ctx } from "../access/context.ts";
import { eventsAboutPerson, personalRef, recordAudit } from "../audit/audit.service.ts";
import { noticesAbout } from "../notifications/notifications.service.ts";
import { type PersonDataSection, personData } from "./care.ports.ts";
import * as repo from "./care.repository.ts";
import { actingFor, type How, personView, requirePersonAccess } from "./care.service.ts";
import type { CarePerson } from "./care.table.ts";

/** Who may download a person's data, besides the person and their care staff. */
const DOWNLOADERS: readonly How[] = ["self", "care-staff", "appointee"];
/** How many audit events are read at a time, and at most in all (then `truncated`). */
const EVENTS_PAGE = 500;
const EVENTS_MAX = 20_000;
const NOTICES_MAX = 1000;

/** Plain JSON: bigint as digits, instants as ISO text. */
function plain(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

export interface PersonDownload {
  about: string;
  downloadedAt: string;
  person: unknown;
  needs: unknown[];
  plans: unknown[];
  links: unknown[];
  invitations: unknown[];
  auditEvents: { events: unknown[]; truncated: boolean };
  notices: unknown[];
  sections: PersonDataSection[];
}

async function auditEventsAbout(db: Db, authorityId: string, personId: string) {
  const ref = personalRef("care_people", personId).ref;
  const events: unknown[] = [];
  let after = 0n;
  for (;;) {
    const page = await eventsAboutPerson(db, authorityId, ref, after, EVENTS_PAGE);
    for (const e of page)
      events.push({
        seq: e.seq.toString(),
        occurredAt: e.occurred_at.toISOString(),
        action: e.action,
        actorType: e.actor_type,
        entity: { type: e.entity_type, id: e.entity_id },
        changes: e.changes,
      });
    const last = page[page.length - 1];
    if (page.length < EVENTS_PAGE || !last) return { events, truncated: false };
    if (events.length >= EVENTS_MAX) return { events, truncated: true };
    after = last.seq;
  }
}

/**
 * Everything held about the person, for the person themself, an appointee or deputy with
 * `see-plan`, or their care staff (404 for anyone else; 403 for a representative of another
 * relationship). Audited.
 */
export async function downloadPersonData(
  ctx: Ctx,
  authorityId: string,
  personId: string,
): Promise<PersonDownload> {
  const access = await requirePersonAccess(ctx, authorityId, personId, "see-plan");
  if (!DOWNLOADERS.includes(access.how))
    throw new ForbiddenError(
      msg`Only the person, their appointee or deputy, or their care team can download everything held about them.`,
    );
  const view = await personView(ctx, authorityId, personId);
  // The downloaders see every detail (they hold see-plan): the stored row itself.
  const person = (await repo.findPerson(ctx.db, authorityId, personId)) as CarePerson;
  const [links, invitations, accounts, auditEvents] = await Promise.all([
    repo.allLinksOfPerson(ctx.db, authorityId, personId),
    repo.invitationsOf(ctx.db, authorityId, personId),
    repo.accountsEverLinked(ctx.db, authorityId, personId),
    auditEventsAbout(ctx.db, authorityId, personId),
  ]);
  const notices = await noticesAbout(ctx.db, accounts, authorityId, `/care/people/${personId}`, NOTICES_MAX);
  const ownAccounts = new Set(
    links.filter((l) => l.relationship === "self" && l.user_id).map((l) => l.user_id),
  );
  const sections = await collect(personData, ctx.db, ctx.clock, {
    authorityId,
    personId,
    planIds: view.plans.map((p) => p.plan.id),
  });
  const download: PersonDownload = {
    about:
      "Everything OpenPS holds about this person: their record, needs, plans and budgets, who is linked to them, the audit trail of what was done about them, and the notices sent about them.",
    downloadedAt: ctx.clock.now().toISOString(),
    person: plain({
      id: person.id,
      authorityId: person.authority_id,
      name: person.full_name,
      dateOfBirth: person.date_of_birth,
      email: person.email,
      phone: person.phone,
      address: person.address,
      areaCode: person.area_code,
      recordedAt: person.created_at,
      updatedAt: person.updated_at,
    }),
    needs: view.needs.map((n) =>
      plain({
        id: n.id,
        outcome: n.outcome,
        description: n.description,
        assessedOn: n.assessed_on,
        metOn: n.met_on,
        recordedAt: n.created_at,
      }),
    ),
    plans: view.plans.map((p) =>
      plain({
        id: p.plan.id,
        regime: p.plan.regime,
        status: p.plan.status,
        startedOn: p.plan.started_on,
        endedOn: p.plan.ended_on,
        nextReview: p.review,
        budgetVersions: p.versions.map((v) => ({
          version: v.version,
          amountPence: v.amount_pence,
          period: v.period,
          startsOn: v.starts_on,
          reason: v.reason,
          reasonCode: v.reason_code,
          surplusLevelPence: v.surplus_level_pence,
          delivery: v.delivery,
          parts: v.parts.map((part) => ({
            part: part.part,
            delivery: part.delivery,
            amountPence: part.amount_pence,
            organisation: part.organisationName,
          })),
          recordedAt: v.created_at,
        })),
        reviews: p.reviews.map((r) => ({
          reviewedOn: r.reviewed_on,
          outcome: r.outcome,
          notes: r.notes,
          recordedAt: r.created_at,
        })),
        concerns: p.concerns.map((c) => ({
          raisedOn: c.raised_on,
          description: c.description,
          recordedAt: c.created_at,
        })),
      }),
    ),
    links: links.map((l) =>
      plain({
        id: l.id,
        name: l.holder_name,
        relationship: l.relationship,
        grants: l.grants,
        linkedAt: l.created_at,
        endedAt: l.revoked_at,
      }),
    ),
    // An invitation's address is the invitee's: only the person's own is given.
    invitations: invitations.map((i) =>
      plain({
        relationship: i.relationship,
        grants: i.grants,
        ...(i.relationship === "self" ? { email: i.email } : {}),
        sentAt: i.created_at,
        expiresAt: i.expires_at,
        acceptedAt: i.accepted_at,
        withdrawnAt: i.revoked_at,
      }),
    ),
    auditEvents,
    notices: notices.map((n) =>
      plain({
        to: ownAccounts.has(n.user_id) ? "the person" : "a representative",
        kind: n.kind,
        subject: n.subject,
        body: n.body,
        sentAt: n.created_at,
        readAt: n.read_at,
        email: n.email_status,
      }),
    ),
    sections,
  };
  await transaction(ctx.db, (trx) =>
    recordAudit(trx, ctx.clock, {
      authorityId,
      actor: access.actor,
      action: "care.data-downloaded",
      entity: { type: "care-person", id: personId },
      changes: { ...actingFor(access), on: londonToday(ctx.clock) },
    }),
  );
  return download;
}
