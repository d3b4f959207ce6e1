/**
 * Finding 5 of the security review: one person could satisfy two-person opening — an authority
 * administrator invited a second address of their own as bid opener, accepted, and confirmed the
 * opening alone; a platform administrator granted itself bid opener and read opened bids. Now a bid
 * opener takes two administrators (one invites, another approves before the invitation is sent,
 * neither the person invited), existing openers hear of each new one, and no platform
 * administrator may invite, approve or hold the role.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { transaction } from "../../src/db/transaction.ts";
import { settableClock } from "../../src/lib/clock.ts";
import { ConflictError, ForbiddenError } from "../../src/lib/errors.ts";
import { accountSecretsFromKey } from "../../src/lib/secrets.ts";
import { grantRole, loadGrants } from "../../src/modules/access/access.service.ts";
import {
  acceptInvitation,
  approveInvitation,
  type InvitationsCtx,
  invitationsForYou,
  invitationToken,
  invite,
  peoplePage,
} from "../../src/modules/access/invitations.service.ts";
import { auditTrailFor, SYSTEM } from "../../src/modules/audit/audit.service.ts";
import { createUser } from "../support/auth.ts";
import { ctxFor, principalOf } from "../support/principals.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";

const secrets = accountSecretsFromKey(Buffer.alloc(32, 9));
const clock = settableClock(new Date("2026-11-22T10:00:00Z"));
const COUNCIL = "019a0000-0000-7000-8000-0000000005c1";

let t: TestDatabase;
/** Two administrators, an opener already, a platform administrator, and Ada's second address. */
const people = { ada: "", ben: "", opener: "", platform: "", adaToo: "" };

beforeEach(async () => {
  t = await createTestDatabase();
  const now = clock.now();
  await t.db
    .insertInto("authorities")
    .values({
      id: COUNCIL,
      slug: "two-person-council",
      name: "Two Person Council",
      welsh_name: null,
      kind: "county",
      nation: "england-and-wales",
      org_id: null,
      website: null,
      verified_at: now,
      created_at: now,
      updated_at: now,
    })
    .execute();
  const admin = [{ role: "authority-admin" as const, scopeId: COUNCIL }];
  people.ada = (await createUser(t.db, { email: "ada@council.example.org", grants: admin, clock })).id;
  people.ben = (await createUser(t.db, { email: "ben@council.example.org", grants: admin, clock })).id;
  people.opener = (await createUser(t.db, { grants: [{ role: "bid-opener", scopeId: COUNCIL }], clock })).id;
  people.platform = (await createUser(t.db, { grants: [{ role: "platform-admin" }], clock })).id;
  people.adaToo = (await createUser(t.db, { email: "ada.second@example.org", clock })).id;
});

afterEach(async () => {
  await t.destroy();
});

const as = async (userId: string): Promise<InvitationsCtx> => ({
  ...ctxFor(t.db, clock, await principalOf(t.db, userId, { twoFactor: true })),
  secrets,
});

const inviteOpener = async (by: string, email: string) =>
  invite(await as(by), { scopeType: "authority", scopeId: COUNCIL, email, role: "bid-opener" });

const place = { kind: "public-bodies", id: COUNCIL } as const;

const emailJobs = async () =>
  (await t.db.selectFrom("jobs").select("queue").execute()).filter(
    (j) => j.queue === "access.invitation-email",
  );

const inbox = async (userId: string) =>
  (await t.db.selectFrom("notifications").select("kind").where("user_id", "=", userId).execute()).map(
    (n) => n.kind,
  );

describe("a bid opener takes two administrators", () => {
  it("an invitation to a second address of one's own is not sent, seen or usable until another administrator approves it", async () => {
    const { invitation, token, awaitingApproval } = await inviteOpener(people.ada, "ada.second@example.org");
    expect(awaitingApproval).toBe(true);
    // Not sent, not listed for the address, and the link refused.
    expect(await emailJobs()).toHaveLength(0);
    expect(await invitationsForYou(await as(people.adaToo))).toEqual([]);
    await expect(acceptInvitation(await as(people.adaToo), token)).rejects.toMatchObject({
      code: "invitation_awaiting_approval",
    });
    // The one who sent it cannot approve it; the other administrator is asked to.
    await expect(approveInvitation(await as(people.ada), place, invitation.id)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    expect(await inbox(people.ben)).toContain("invitation.approval-needed");
    const page = await peoplePage(await as(people.ben), place);
    expect(page.invitations.find((i) => i.id === invitation.id)).toMatchObject({
      awaitingApproval: true,
      canApprove: true,
    });
    expect(
      (await peoplePage(await as(people.ada), place)).invitations.find((i) => i.id === invitation.id),
    ).toMatchObject({ awaitingApproval: true, canApprove: false });

    // Approved by the second administrator: sent, and then it can be accepted.
    await approveInvitation(await as(people.ben), place, invitation.id);
    expect(await emailJobs()).toHaveLength(1);
    await expect(approveInvitation(await as(people.ben), place, invitation.id)).rejects.toBeInstanceOf(
      ConflictError,
    );
    await acceptInvitation(await as(people.adaToo), invitationToken(secrets, invitation.id));
    expect((await loadGrants(t.db, people.adaToo)).map((g) => g.role)).toEqual(["bid-opener"]);

    // The authority's opener hears of the new one; the trail names who approved.
    expect(await inbox(people.opener)).toContain("role.bid-opener-added");
    const trail = await auditTrailFor(t.db, COUNCIL, "authority", COUNCIL);
    expect(trail.map((e) => e.action)).toEqual(
      expect.arrayContaining([
        "invitation.sent",
        "invitation.approved",
        "invitation.accepted",
        "role.granted",
      ]),
    );
    expect(trail.find((e) => e.action === "invitation.approved")?.actor_id).toBe(people.ben);
  });

  it("is never self-granted: not one's own address, and not accepted by who sent or approved it", async () => {
    await expect(inviteOpener(people.ada, "ADA@council.example.org")).rejects.toBeInstanceOf(ForbiddenError);
    const { invitation } = await inviteOpener(people.ada, "ben@council.example.org");
    // Ben cannot approve an invitation to himself.
    await expect(approveInvitation(await as(people.ben), place, invitation.id)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    // Nor accept one he approved, even if his address becomes the invited one afterwards.
    const other = await inviteOpener(people.ada, "new.opener@example.org");
    await approveInvitation(await as(people.ben), place, other.invitation.id);
    await t.db
      .updateTable("users")
      .set({ email: "new.opener@example.org" })
      .where("id", "=", people.ben)
      .execute();
    await expect(acceptInvitation(await as(people.ben), other.token)).rejects.toBeInstanceOf(ForbiddenError);
    expect((await loadGrants(t.db, people.ben)).map((g) => g.role)).toEqual(["authority-admin"]);
  });

  it("is never a platform administrator's to give, approve or hold", async () => {
    // Platform administrators pass for an authority's administrators elsewhere, but not here.
    await expect(inviteOpener(people.platform, "someone@example.org")).rejects.toBeInstanceOf(ForbiddenError);
    const { invitation } = await inviteOpener(people.ada, "someone@example.org");
    await expect(approveInvitation(await as(people.platform), place, invitation.id)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    // However it is given — a command, a seed — the role and platform administration never meet.
    await expect(
      transaction(t.db, (trx) =>
        grantRole(trx, clock, SYSTEM("test"), {
          userId: people.platform,
          role: "bid-opener",
          scopeId: COUNCIL,
        }),
      ),
    ).rejects.toMatchObject({ code: "separation_of_duties" });
    await expect(
      transaction(t.db, (trx) =>
        grantRole(trx, clock, SYSTEM("test"), { userId: people.opener, role: "platform-admin" }),
      ),
    ).rejects.toMatchObject({ code: "separation_of_duties" });

    // A platform administrator invited and approved still cannot accept it.
    const platformEmail = (
      await t.db
        .selectFrom("users")
        .select("email")
        .where("id", "=", people.platform)
        .executeTakeFirstOrThrow()
    ).email;
    const offered = await inviteOpener(people.ada, platformEmail);
    await approveInvitation(await as(people.ben), place, offered.invitation.id);
    await expect(acceptInvitation(await as(people.platform), offered.token)).rejects.toMatchObject({
      code: "separation_of_duties",
    });
    expect((await loadGrants(t.db, people.platform)).map((g) => g.role)).toEqual(["platform-admin"]);
  });
});
