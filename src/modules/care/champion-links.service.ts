/**
 * A person appoints a consumer champion to act for them (issue 17, item 9; docs/consumer-champions.md).
 * A champion is a verified public body of the kind `consumer-champion`; the appointment is a link
 * among the person's representatives (`care_links`, relationship `champion`) held by the body, not
 * by one account: every holder of `consumer-champion` for that champion passes `requirePersonAccess`
 * within the grants the person chose, acting under their own account on the audit trail.
 *
 * Only the person themself appoints (403 for a representative or care staff): it lets a third party
 * see their personal data, which is theirs to agree to. The person (or their care staff) revoke it
 * as any representative's link (representatives.service.ts `revokeLink`); the champion's people end
 * it here. Both sides are told in their inbox. A champion may be given `see-plan`, `complain`,
 * `give-feedback` and `arrange-services` — never `make-payments`: an independent advocate speaks for
 * the person, it does not move their money.
 */
import type { Trx } from "../../db/database.ts";
import { decodeKey, encodeKey } from "../../db/paging.ts";
import { transaction } from "../../db/transaction.ts";
import { type FieldError, ForbiddenError, NotFoundError, ValidationError } from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { msg } from "../../lib/messages.ts";
import { grantsInScope, requireSignedIn } from "../access/access.service.ts";
import { actorIn, type Ctx } from "../access/context.ts";
import { personalRef, recordAudit } from "../audit/audit.service.ts";
import { type Authority, findPublicBody, listAuthorities } from "../authorities/authorities.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import * as repo from "./care.repository.ts";
import { championsOf, requirePersonAccess } from "./care.service.ts";
import type { CareLink, PersonGrant } from "./care.table.ts";

/** What a person may let a champion do (never `make-payments`). */
export const CHAMPION_GRANTS = ["see-plan", "arrange-services", "give-feedback", "complain"] as const;

/** How many of its appointments a champion's page lists at a time. */
export const APPOINTMENTS_PAGE_SIZE = 25;

/** Email the notices too (a mailer is configured). */
type TellCtx = Ctx & { email?: boolean };

function isVerifiedChampion(body: Authority | undefined): body is Authority {
  return body !== undefined && body.kind === "consumer-champion" && body.verified_at !== null;
}

/** The verified champions a person may choose from, by name. */
export async function championChoices(ctx: Ctx): Promise<Authority[]> {
  return (await listAuthorities(ctx.db)).filter(isVerifiedChampion);
}

export interface AppointInput {
  championId: string;
  grants: readonly string[];
}

/** The accounts to tell on the champion's side: its people. */
async function championPeople(trx: Trx, championId: string): Promise<string[]> {
  const grants = await grantsInScope(trx, championId);
  return [...new Set(grants.filter((g) => g.role === "consumer-champion").map((g) => g.user_id))];
}

/** The accounts to tell on the person's side: the person's own. */
async function personAccounts(trx: Trx, authorityId: string, personId: string): Promise<string[]> {
  const links = await repo.linksOfPerson(trx, authorityId, personId);
  return links.filter((l) => l.relationship === "self" && l.user_id !== null).map((l) => l.user_id as string);
}

/** Tells both sides of an appointment: the champion's people and the person. */
async function tellBothSides(
  trx: Trx,
  ctx: TellCtx,
  link: CareLink,
  championName: string,
  event: "appointed" | "ended",
): Promise<void> {
  const championId = link.champion_id as string;
  const options = { email: ctx.email ?? false, actor: actorIn(ctx) };
  const kind = event === "appointed" ? "care.champion-appointed" : "care.champion-ended";
  for (const userId of await championPeople(trx, championId))
    await notify(
      trx,
      ctx.clock,
      {
        userId,
        authorityId: link.authority_id,
        kind,
        subject:
          event === "appointed"
            ? `Someone has appointed ${championName} to act for them`
            : `An appointment of ${championName} has ended`,
        body:
          event === "appointed"
            ? `A person has appointed ${championName} to act for them, with these permissions: ${link.grants.join(", ")}. The people who appointed it are listed on its page for its people.`
            : `A person's appointment of ${championName} has ended: its people no longer act for them.`,
        link: `/champions/${championId}/people`,
      },
      options,
    );
  for (const userId of await personAccounts(trx, link.authority_id, link.person_id))
    await notify(
      trx,
      ctx.clock,
      {
        userId,
        authorityId: link.authority_id,
        kind,
        subject:
          event === "appointed"
            ? `You have appointed ${championName} to act for you`
            : `${championName} no longer acts for you`,
        body:
          event === "appointed"
            ? `${championName} can now act for you, with these permissions: ${link.grants.join(", ")}. You can end this at any time on your page.`
            : `The appointment of ${championName} to act for you has ended. You can appoint a champion again on your page.`,
        link: `/care/people/${link.person_id}`,
      },
      options,
    );
}

/**
 * The person, as themself, appoints a verified consumer champion with the grants they choose: 404
 * for anyone not linked to the person, 403 for a representative or care staff, 400 for an unknown
 * champion or grants. An appointment of the same champion already live is replaced (the grants
 * change). Audited under the person's account; both sides are told.
 */
export async function appointChampion(
  ctx: TellCtx,
  authorityId: string,
  personId: string,
  input: AppointInput,
): Promise<CareLink> {
  const access = await requirePersonAccess(ctx, authorityId, personId, "see-plan");
  if (access.how !== "self")
    throw new ForbiddenError(msg`Only the person themself can appoint a consumer champion to act for them.`);
  const problems: FieldError[] = [];
  const champion = isUuid(input.championId) ? await findPublicBody(ctx.db, input.championId) : undefined;
  if (!isVerifiedChampion(champion))
    problems.push({ field: "championId", message: msg`Choose a consumer champion from the list` });
  if (input.grants.some((g) => !(CHAMPION_GRANTS as readonly string[]).includes(g)))
    problems.push({ field: "grants", message: msg`Choose only from the permissions listed` });
  const grants: PersonGrant[] = CHAMPION_GRANTS.filter((g) => input.grants.includes(g));
  if (grants.length === 0 && problems.length === 0)
    problems.push({ field: "grants", message: msg`Choose at least one thing the champion may do for you` });
  if (problems.length > 0 || !champion) throw new ValidationError(msg`Check the appointment`, problems);
  return transaction(ctx.db, async (trx) => {
    const now = ctx.clock.now();
    const existing = await repo.liveChampionLink(trx, authorityId, personId, [champion.id]);
    if (existing) await repo.updateLink(trx, authorityId, existing.id, { revoked_at: now, updated_at: now });
    const link: CareLink = {
      authority_id: authorityId,
      id: newId(),
      person_id: personId,
      user_id: null,
      relationship: "champion",
      grants,
      created_at: now,
      updated_at: now,
      revoked_at: null,
      champion_id: champion.id,
    };
    await repo.insertLink(trx, link);
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "care.champion-appointed",
      entity: { type: "care-person", id: personId },
      changes: {
        person: personalRef("care_people", personId),
        as: access.how,
        champion: champion.id,
        link: link.id,
        grants,
        ...(existing ? { replaces: existing.id } : {}),
      },
    });
    await tellBothSides(trx, ctx, link, champion.name, "appointed");
    return link;
  });
}

/** The champion's people only — exactly its `consumer-champion` holders (no platform reach): 403. */
function requireChampionPerson(ctx: Ctx, championId: string): void {
  const p = requireSignedIn(ctx.principal);
  if (!championsOf(p).includes(championId))
    throw new ForbiddenError(
      msg`Only the champion's own people see and end the appointments of the people it acts for.`,
    );
}

/**
 * The champion's people end an appointment (the champion stops acting for the person): 403 for
 * anyone else, 404 for an appointment that is not its own or no longer live. Audited under the
 * acting account, with the person as a reference; both sides are told.
 */
export async function endAppointment(ctx: TellCtx, championId: string, linkId: string): Promise<void> {
  requireChampionPerson(ctx, championId);
  await transaction(ctx.db, async (trx) => {
    const link = isUuid(linkId) ? await repo.liveLinkOfChampion(trx, championId, linkId) : undefined;
    if (!link) throw new NotFoundError("appointment");
    const now = ctx.clock.now();
    await repo.updateLink(trx, link.authority_id, link.id, { revoked_at: now, updated_at: now });
    await recordAudit(trx, ctx.clock, {
      authorityId: link.authority_id,
      actor: actorIn(ctx),
      action: "care.champion-ended",
      entity: { type: "care-person", id: link.person_id },
      changes: {
        person: personalRef("care_people", link.person_id),
        as: "champion",
        champion: championId,
        link: link.id,
        by: "champion",
      },
    });
    const body = await findPublicBody(trx, championId);
    await tellBothSides(trx, ctx, link, body?.name ?? "The consumer champion", "ended");
  });
}

/** Tells both sides that the person (or their care staff) ended a champion's appointment. */
export async function tellChampionEnded(trx: Trx, ctx: TellCtx, link: CareLink): Promise<void> {
  if (link.relationship !== "champion" || !link.champion_id) return;
  const body = await findPublicBody(trx, link.champion_id);
  await tellBothSides(trx, ctx, link, body?.name ?? "The consumer champion", "ended");
}

export interface AppointmentLine {
  linkId: string;
  authorityId: string;
  personId: string;
  /** The person's name: shown only to the champion's people. */
  name: string;
  grants: readonly PersonGrant[];
  appointedAt: Date;
}

export interface AppointmentsPage {
  appointments: AppointmentLine[];
  next: string | null;
}

/**
 * The people who have appointed the champion (live appointments), oldest first, a page at a time
 * by key: its people only (403 for anyone else, platform administrators included).
 */
export async function appointmentsOfChampion(
  ctx: Ctx,
  championId: string,
  after?: string,
): Promise<AppointmentsPage> {
  requireChampionPerson(ctx, championId);
  const key = decodeKey(after, ["string", "string"], "after") as [string, string] | undefined;
  const at = key ? new Date(key[0]) : undefined;
  if (key && (!isUuid(key[1]) || Number.isNaN(at?.getTime())))
    throw new ValidationError(msg`Check the page link`, [
      { field: "after", message: msg`Check the page link` },
    ]);
  const rows = await repo.appointmentsOf(
    ctx.db,
    championId,
    key && at ? { at, id: key[1] } : undefined,
    APPOINTMENTS_PAGE_SIZE + 1,
  );
  const shown = rows.slice(0, APPOINTMENTS_PAGE_SIZE);
  const last = shown[shown.length - 1];
  return {
    appointments: shown.map((r) => ({
      linkId: r.id,
      authorityId: r.authority_id,
      personId: r.person_id,
      name: r.full_name,
      grants: r.grants,
      appointedAt: r.created_at,
    })),
    next:
      rows.length > APPOINTMENTS_PAGE_SIZE && last
        ? encodeKey([last.created_at.toISOString(), last.id])
        : null,
  };
}
