import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ctxFor, principalOf } from "../../../tests/support/principals.ts";
import { startSmtpServer, textBody } from "../../../tests/support/smtp.ts";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/test-db.ts";
import { transaction } from "../../db/transaction.ts";
import { settableClock } from "../../lib/clock.ts";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../../lib/errors.ts";
import { accountSecretsFromKey } from "../../lib/secrets.ts";
import { auditTrailFor, PLATFORM_CHAIN, SYSTEM } from "../audit/audit.service.ts";
import { createJobRunner } from "../jobs/jobs.runner.ts";
import { smtpMailer } from "../notifications/mailer.ts";
import { grantRole, loadGrants } from "./access.service.ts";
import {
  acceptInvitation,
  accessJobHandlers,
  type InvitationsCtx,
  invite,
  membership,
  removeMember,
  withdrawInvitation,
} from "./invitations.service.ts";

const secrets = accountSecretsFromKey(Buffer.alloc(32, 7));
const clock = settableClock(new Date("2026-11-22T10:00:00Z"));
const ADMIN = "019a0000-0000-7000-8000-0000000000c1";
const INVITEE = "019a0000-0000-7000-8000-0000000000c2";
const STRANGER = "019a0000-0000-7000-8000-0000000000c3";
const ORG = "019a0000-0000-7000-8000-0000000000d1";
const COUNCIL = "019a0000-0000-7000-8000-0000000000e1";

let t: TestDatabase;
beforeEach(async () => {
  t = await createTestDatabase();
  clock.set(new Date("2026-11-22T10:00:00Z"));
  const now = clock.now();
  await t.db
    .insertInto("users")
    .values([
      { id: ADMIN, email: "admin@example.org", display_name: "Ada Admin", created_at: now, updated_at: now },
      {
        id: INVITEE,
        email: "Invitee@Example.org",
        display_name: "Ivy Invitee",
        created_at: now,
        updated_at: now,
      },
      {
        id: STRANGER,
        email: "stranger@example.org",
        display_name: "Sam Stranger",
        created_at: now,
        updated_at: now,
      },
    ])
    .execute();
  await t.db
    .insertInto("authorities")
    .values({
      id: COUNCIL,
      slug: "test-council",
      name: "Test Council",
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
  await transaction(t.db, async (trx) => {
    await grantRole(trx, clock, SYSTEM("test"), { userId: ADMIN, role: "organisation-admin", scopeId: ORG });
    await grantRole(trx, clock, SYSTEM("test"), { userId: ADMIN, role: "authority-admin", scopeId: COUNCIL });
  });
});
afterEach(async () => {
  await t.destroy();
});

/** The context of a service called by this user (their grants read first, as a request does). */
const as = async (userId: string): Promise<InvitationsCtx> => ({
  ...ctxFor(t.db, clock, await principalOf(t.db, userId, { twoFactor: true })),
  secrets,
});

const inviteMember = async (email = "invitee@example.org") =>
  invite(await as(ADMIN), {
    scopeType: "organisation",
    scopeId: ORG,
    email,
    role: "organisation-member",
  });

describe("invitations", () => {
  it("emails the link through a real SMTP server, and the link is never stored", async () => {
    const smtp = await startSmtpServer();
    const mailer = smtpMailer({ url: smtp.url, from: "OpenPS <no-reply@openps.example.org>" });
    try {
      const { token } = await inviteMember();
      const runner = createJobRunner({
        db: t.db,
        clock,
        handlers: accessJobHandlers({ mailer, baseUrl: "https://openps.example.org", secrets }),
        pollMs: 10,
        batchSize: 10,
        logger: pino({ level: "silent" }),
      });
      expect(await runner.runDue()).toMatchObject({ done: 1 });
      expect(smtp.received.map((m) => m.to)).toEqual([["invitee@example.org"]]);
      expect(textBody(smtp.received[0]?.raw ?? "")).toContain(
        `https://openps.example.org/invitations/${token}`,
      );
      const stored = JSON.stringify([
        await t.db.selectFrom("invitations").selectAll().execute(),
        await t.db.selectFrom("jobs").select(["payload"]).execute(),
      ]);
      expect(stored).not.toContain(token);
    } finally {
      await mailer.close();
      await smtp.close();
    }
  });

  it("lets an organisation admin invite a member, who accepts with the invited address", async () => {
    const { token, invitation } = await inviteMember();
    expect(token.length).toBeGreaterThan(30);
    expect(invitation.token_hash).not.toContain(token);
    await acceptInvitation(await as(INVITEE), token);
    expect(await loadGrants(t.db, INVITEE)).toEqual([
      { role: "organisation-member", scopeType: "organisation", scopeId: ORG },
    ]);
    const actions = (await auditTrailFor(t.db, PLATFORM_CHAIN, "organisation", ORG)).map((e) => e.action);
    expect(actions).toEqual(["role.granted", "invitation.sent", "role.granted", "invitation.accepted"]);
  });

  it("refuses someone signed in with another address, a used token and an expired one", async () => {
    const { token } = await inviteMember();
    await expect(acceptInvitation(await as(STRANGER), token)).rejects.toBeInstanceOf(ForbiddenError);
    await acceptInvitation(await as(INVITEE), token);
    await expect(acceptInvitation(await as(INVITEE), token)).rejects.toThrow(/already been accepted/);
    const second = await inviteMember("stranger@example.org");
    clock.advance(15 * 24 * 60 * 60 * 1000);
    await expect(acceptInvitation(await as(STRANGER), second.token)).rejects.toThrow(/expired/);
    await expect(acceptInvitation(await as(STRANGER), "not-a-token")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("lets only the scope's administrators invite, and only to roles of that scope", async () => {
    await expect(
      invite(await as(STRANGER), {
        scopeType: "organisation",
        scopeId: ORG,
        email: "x@example.org",
        role: "organisation-member",
      }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      invite(await as(ADMIN), {
        scopeType: "organisation",
        scopeId: ORG,
        email: "nope",
        role: "commissioner",
      }),
    ).rejects.toSatisfy(
      (e: unknown) => e instanceof ValidationError && e.details.map((d) => d.field).join() === "email,role",
    );
    const { invitation } = await invite(await as(ADMIN), {
      scopeType: "authority",
      scopeId: COUNCIL,
      email: "c@example.org",
      role: "commissioner",
    });
    expect(invitation.role).toBe("commissioner");
    expect((await auditTrailFor(t.db, COUNCIL, "authority", COUNCIL)).map((e) => e.action)).toContain(
      "invitation.sent",
    );
  });

  it("withdraws an invitation so it can no longer be accepted, and lists the open ones for admins only", async () => {
    const { token, invitation } = await inviteMember();
    const before = await membership(await as(ADMIN), {
      scopeType: "organisation",
      scopeId: ORG,
    });
    expect(before.invitations.map((i) => i.id)).toEqual([invitation.id]);
    expect(before.members.map((m) => m.displayName)).toEqual(["Ada Admin"]);
    await expect(
      membership(await as(STRANGER), { scopeType: "organisation", scopeId: ORG }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await withdrawInvitation(await as(ADMIN), { scopeType: "organisation", scopeId: ORG }, invitation.id);
    await expect(acceptInvitation(await as(INVITEE), token)).rejects.toThrow(/withdrawn/);
  });

  it("removes a member, but never the last administrator", async () => {
    const { token } = await inviteMember();
    await acceptInvitation(await as(INVITEE), token);
    await removeMember(
      await as(ADMIN),
      { scopeType: "organisation", scopeId: ORG },
      { userId: INVITEE, role: "organisation-member" },
    );
    expect(await loadGrants(t.db, INVITEE)).toEqual([]);
    await expect(
      removeMember(
        await as(ADMIN),
        { scopeType: "organisation", scopeId: ORG },
        { userId: ADMIN, role: "organisation-admin" },
      ),
    ).rejects.toBeInstanceOf(ConflictError);
  });
});
