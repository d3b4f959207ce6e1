import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startSmtpServer, textBody } from "../../../tests/support/smtp.ts";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/test-db.ts";
import { transaction } from "../../db/transaction.ts";
import { type SettableClock, settableClock } from "../../lib/clock.ts";
import { NotFoundError } from "../../lib/errors.ts";
import { auditTrailFor, PLATFORM_CHAIN } from "../audit/audit.service.ts";
import { createJobRunner } from "../jobs/jobs.runner.ts";
import { retryDelayMs } from "../jobs/jobs.service.ts";
import { type Mailer, smtpMailer } from "./mailer.ts";
import {
  CHOOSABLE_KINDS,
  EMAIL_MAX_ATTEMPTS,
  EMAIL_SEND_QUEUE,
  inboxOnlyKinds,
  listInbox,
  markAllRead,
  markRead,
  NOTICE_KIND_LIST,
  type NoticeKind,
  type NotifyInput,
  notificationJobHandlers,
  notify,
  setEmailChoices,
  unreadCount,
  withoutEmail,
} from "./notifications.service.ts";

const START = new Date("2026-11-23T09:00:00Z");
const JANE = "0190a0a0-0000-7000-8000-0000000000a1";
const OMAR = "0190a0a0-0000-7000-8000-0000000000a2";
const BASE_URL = "https://openps.example.org/council";

let t: TestDatabase;
let clock: SettableClock;
beforeEach(async () => {
  t = await createTestDatabase();
  clock = settableClock(START);
  await t.db
    .insertInto("users")
    .values([
      {
        id: JANE,
        email: "jane.smith@example.org",
        display_name: "Jane Smith",
        created_at: START,
        updated_at: START,
      },
      {
        id: OMAR,
        email: "omar.ali@example.org",
        display_name: "Omar Ali",
        created_at: START,
        updated_at: START,
      },
    ])
    .execute();
});
afterEach(async () => {
  await t.destroy();
});

const tenderPublished: NotifyInput = {
  userId: JANE,
  kind: "tender.amended",
  subject: "A tender you follow was published",
  body: "The tender 'Home care, north district' is open for bids until 15 January 2027.",
  link: "/tenders/0190a0a0-0000-7000-8000-000000000123?tab=documents",
};

function send(input: Partial<NotifyInput> = {}, email = true) {
  return transaction(t.db, (trx) => notify(trx, clock, { ...tenderPublished, ...input }, { email }));
}

function emailRunner(mailer: Mailer | undefined) {
  return createJobRunner({
    db: t.db,
    clock,
    handlers: notificationJobHandlers({ mailer, baseUrl: BASE_URL }),
    pollMs: 10,
    batchSize: 10,
    logger: pino({ level: "silent" }),
  });
}

function notificationRow(id: string) {
  return t.db.selectFrom("notifications").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

function emailJobs() {
  return t.db.selectFrom("jobs").selectAll().where("queue", "=", EMAIL_SEND_QUEUE).execute();
}

describe(`notifications on ${process.env.DATABASE_URL ? "PostgreSQL" : "PGlite"}`, () => {
  it("writes the inbox row and queues its email in the caller's transaction", async () => {
    const n = await send();
    expect(n).toMatchObject({ user_id: JANE, email_status: "queued", read_at: null, created_at: START });
    const jobs = await emailJobs();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({
      status: "pending",
      payload: { notificationId: n.id },
      max_attempts: EMAIL_MAX_ATTEMPTS,
      dedupe_key: `email.send:${n.id}`,
    });
    // The payload carries the id only, never the address or the text.
    expect(JSON.stringify(jobs[0]?.payload)).not.toMatch(/jane|tender/i);

    const inboxOnly = await send({ subject: "No email for this one" }, false);
    expect(inboxOnly.email_status).toBe("not-sent");
    expect(await emailJobs()).toHaveLength(1);

    await expect(
      transaction(t.db, async (trx) => {
        await notify(trx, clock, { ...tenderPublished, subject: "Rolled back" }, { email: true });
        throw new Error("the action failed");
      }),
    ).rejects.toThrow("the action failed");
    expect((await listInbox(t.db, JANE)).total).toBe(2);
    expect(await emailJobs()).toHaveLength(1);
  });

  it("fills the inbox but queues no email inside withoutEmail, as seeds run", async () => {
    const quiet = await withoutEmail(() => send({ subject: "Demo data" }));
    expect(quiet.email_status).toBe("not-sent");
    expect(await emailJobs()).toHaveLength(0);
    expect((await send()).email_status).toBe("queued");
  });

  it("refuses a link that is not a path on this site, no link, a kind not in the list, and a subject of more than one line", async () => {
    for (const link of [
      "https://evil.example/x",
      "//evil.example/x",
      "/\\evil.example",
      "tenders/1",
      "/a b",
      "",
      undefined as unknown as string,
      null as unknown as string,
    ]) {
      await expect(send({ link })).rejects.toThrow(RangeError);
    }
    await expect(send({ kind: "tender.published" as NoticeKind })).rejects.toThrow(
      /"tender.published" is not a kind of notice/,
    );
    await expect(send({ subject: "Line one\r\nBcc: someone@example.org" })).rejects.toThrow(RangeError);
    expect((await listInbox(t.db, JANE)).total).toBe(0);
  });

  it("delivers the email through a real SMTP server, with an absolute link, and marks it sent", async () => {
    const smtp = await startSmtpServer();
    const mailer = smtpMailer({ url: smtp.url, from: "OpenPS <no-reply@openps.example.org>" });
    try {
      const n = await send();
      expect(await emailRunner(mailer).runDue()).toMatchObject({ claimed: 1, done: 1 });

      expect(smtp.received).toHaveLength(1);
      const [message] = smtp.received;
      expect(message?.to).toEqual(["jane.smith@example.org"]);
      expect(message?.from).toBe("no-reply@openps.example.org");
      expect(message?.raw).toMatch(/^Subject: A tender you follow was published\r?$/m);
      expect(message?.raw).toMatch(/^To: jane\.smith@example\.org\r?$/m);
      expect(message?.raw).toMatch(/^Content-Type: text\/plain/m);
      expect(message?.raw).toMatch(/^Auto-Submitted: auto-generated\r?$/m);
      const text = textBody(message?.raw ?? "");
      expect(text).toContain("is open for bids until 15 January 2027.");
      expect(text).toContain(`${BASE_URL}/tenders/0190a0a0-0000-7000-8000-000000000123?tab=documents`);

      expect((await notificationRow(n.id)).email_status).toBe("sent");
      expect((await emailJobs())[0]?.status).toBe("done");

      // Each change of state is on the audit trail, referring to the person without copying them.
      await transaction(t.db, (trx) => markRead(trx, clock, JANE, n.id));
      const trail = await auditTrailFor(t.db, PLATFORM_CHAIN, "notification", n.id);
      expect(trail.map((e) => e.action)).toEqual([
        "notification.created",
        "notification.email-sent",
        "notification.read",
      ]);
      expect(JSON.stringify(trail.map((e) => e.changes))).not.toContain("jane");
      expect(trail[0]?.changes).toMatchObject({ recipient: { ref: `users/${JANE}` } });
    } finally {
      await mailer.close();
      await smtp.close();
    }
  });

  it("retries an email the SMTP server refuses, then marks it failed, leaving the inbox row intact", async () => {
    let refusals = 0;
    const smtp = await startSmtpServer({
      onRcptTo(address, _session, callback) {
        refusals++;
        callback(
          Object.assign(new Error(`Mailbox <${address.address}> is unavailable`), { responseCode: 450 }),
        );
      },
    });
    const mailer = smtpMailer({ url: smtp.url, from: "OpenPS <no-reply@openps.example.org>" });
    try {
      const n = await send();
      const runner = emailRunner(mailer);
      for (let attempt = 1; attempt < EMAIL_MAX_ATTEMPTS; attempt++) {
        expect(await runner.runDue()).toMatchObject({ claimed: 1, retried: 1 });
        expect((await notificationRow(n.id)).email_status).toBe("queued");
        clock.advance(retryDelayMs(attempt));
      }
      expect(await runner.runDue()).toMatchObject({ claimed: 1, failed: 1 });
      expect(refusals).toBe(EMAIL_MAX_ATTEMPTS);
      expect(smtp.received).toHaveLength(0);

      const [job] = await emailJobs();
      expect(job).toMatchObject({ status: "failed", attempts: EMAIL_MAX_ATTEMPTS });
      expect(job?.last_error).toMatch(/^The email could not be sent: .*450/);
      expect(job?.last_error).not.toMatch(/jane/i);

      const row = await notificationRow(n.id);
      expect(row).toMatchObject({ email_status: "failed", subject: tenderPublished.subject, read_at: null });
      expect((await listInbox(t.db, JANE)).notifications.map((x) => x.id)).toEqual([n.id]);
      expect(await unreadCount(t.db, JANE)).toBe(1);
    } finally {
      await mailer.close();
      await smtp.close();
    }
  });

  it("marks a queued email not sent when email is no longer configured", async () => {
    const n = await send();
    expect(await emailRunner(undefined).runDue()).toMatchObject({ done: 1 });
    expect((await notificationRow(n.id)).email_status).toBe("not-sent");
  });

  it("lists the inbox newest first, page by page, and counts the unread", async () => {
    const ids: string[] = [];
    for (const subject of ["First", "Second", "Third"]) {
      ids.push((await send({ subject }, false)).id);
      clock.advance(60_000);
    }
    await send({ userId: OMAR, subject: "Omar's" }, false);

    const first = await listInbox(t.db, JANE, { page: 1, pageSize: 2 });
    expect(first).toMatchObject({ page: 1, pageSize: 2, total: 3, totalPages: 2 });
    expect(first.notifications.map((n) => n.subject)).toEqual(["Third", "Second"]);
    const second = await listInbox(t.db, JANE, { page: 2, pageSize: 2 });
    expect(second.notifications.map((n) => n.subject)).toEqual(["First"]);
    expect((await listInbox(t.db, JANE, { page: 9, pageSize: 2 })).notifications).toEqual([]);
    expect(await unreadCount(t.db, JANE)).toBe(3);
    expect(await unreadCount(t.db, OMAR)).toBe(1);
  });

  it("marks only the owner's notification read; another user's is not found", async () => {
    const n = await send({}, false);
    await expect(transaction(t.db, (trx) => markRead(trx, clock, OMAR, n.id))).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(transaction(t.db, (trx) => markRead(trx, clock, JANE, "not-an-id"))).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect((await notificationRow(n.id)).read_at).toBeNull();

    clock.advance(5_000);
    const read = await transaction(t.db, (trx) => markRead(trx, clock, JANE, n.id));
    expect(read.read_at).toEqual(clock.now());
    expect(await unreadCount(t.db, JANE)).toBe(0);

    clock.advance(5_000);
    const again = await transaction(t.db, (trx) => markRead(trx, clock, JANE, n.id));
    expect(again.read_at).toEqual(read.read_at);
  });

  it("marks all the owner's unread notifications read at once, audited once, and no one else's", async () => {
    const first = await send({ subject: "First" }, false);
    await send({ subject: "Second" }, false);
    await send({ userId: OMAR, subject: "Omar's" }, false);
    await transaction(t.db, (trx) => markRead(trx, clock, JANE, first.id));
    clock.advance(60_000);
    expect(await transaction(t.db, (trx) => markAllRead(trx, clock, JANE))).toBe(1);
    expect(await unreadCount(t.db, JANE)).toBe(0);
    expect(await unreadCount(t.db, OMAR)).toBe(1);
    // The one read before keeps its time.
    expect((await notificationRow(first.id)).read_at).toEqual(START);
    expect(await transaction(t.db, (trx) => markAllRead(trx, clock, JANE))).toBe(0);
    const trail = await auditTrailFor(t.db, PLATFORM_CHAIN, "user", JANE);
    expect(trail.map((e) => [e.action, e.changes])).toEqual([["notification.all-read", { count: 1 }]]);
  });

  it("emails every kind by default; a kind turned off comes to the inbox only; security kinds always by email", async () => {
    expect(await inboxOnlyKinds(t.db, JANE)).toEqual([]);
    const emailed = CHOOSABLE_KINDS.filter((kind) => kind !== "tender.amended");
    expect(await transaction(t.db, (trx) => setEmailChoices(trx, clock, JANE, emailed))).toEqual([
      "tender.amended",
    ]);
    expect(await inboxOnlyKinds(t.db, JANE)).toEqual(["tender.amended"]);

    expect((await send()).email_status).toBe("not-sent");
    expect((await send({ kind: "tender.cancelled" })).email_status).toBe("queued");
    // Only her choice: Omar still gets it by email.
    expect((await send({ userId: OMAR })).email_status).toBe("queued");

    // The security kinds cannot be turned off, and come by email whatever she chose.
    const security = NOTICE_KIND_LIST.filter((kind) => !CHOOSABLE_KINDS.includes(kind));
    expect(security).toEqual([
      "tender.attempt-refused",
      "tender.seal-broken",
      "invitation.approval-needed",
      "role.bid-opener-added",
    ]);
    await expect(
      transaction(t.db, (trx) => setEmailChoices(trx, clock, JANE, ["tender.seal-broken"])),
    ).rejects.toThrow(RangeError);
    await transaction(t.db, (trx) => setEmailChoices(trx, clock, JANE, []));
    expect(await inboxOnlyKinds(t.db, JANE)).toEqual(CHOOSABLE_KINDS);
    for (const kind of security) expect((await send({ kind })).email_status).toBe("queued");
    expect((await send({ kind: "contract.entered" })).email_status).toBe("not-sent");

    // Each change is audited, with the kinds kept to the inbox; saving the same choices is no change.
    await transaction(t.db, (trx) => setEmailChoices(trx, clock, JANE, []));
    const trail = await auditTrailFor(t.db, PLATFORM_CHAIN, "user", JANE);
    expect(trail.map((e) => e.action)).toEqual([
      "notification.email-choices-changed",
      "notification.email-choices-changed",
    ]);
    expect(trail[0]?.changes).toEqual({ inboxOnly: ["tender.amended"] });
  });
});
