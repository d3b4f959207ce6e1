/**
 * Email, when SMTP is configured. A failed email never fails the user's action: it is sent by the
 * job queue (the `email.send` job, see notifications.service.ts), which retries it.
 */
import { createTransport } from "nodemailer";

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): Promise<void>;
}

export interface SmtpMailerOptions {
  /** smtp://user:password@host:587 (STARTTLS when offered) or smtps://user:password@host:465. */
  url: string;
  /** The From header, like "OpenPS <no-reply@openps.example.org>". */
  from: string;
}

/**
 * Time limits for one send, well inside a job's lease (5 minutes), so a mail server that hangs
 * fails the attempt — which is retried — rather than outliving the lease and being sent twice.
 */
const CONNECTION_TIMEOUT_MS = 15_000;
const GREETING_TIMEOUT_MS = 15_000;
const SOCKET_TIMEOUT_MS = 60_000;

/** A Mailer that sends through an SMTP server with nodemailer, one connection per message. */
export function smtpMailer(options: SmtpMailerOptions): Mailer {
  const transport = createTransport(
    {
      url: options.url,
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      greetingTimeout: GREETING_TIMEOUT_MS,
      socketTimeout: SOCKET_TIMEOUT_MS,
    },
    { from: options.from },
  );
  return {
    async send(message) {
      await transport.sendMail({
        to: message.to,
        subject: message.subject,
        text: message.text,
        // An automatic message (RFC 3834): out-of-office replies are not sent back to it.
        headers: { "Auto-Submitted": "auto-generated" },
        ...(message.html === undefined ? {} : { html: message.html }),
      });
    },
    async close() {
      transport.close();
    },
  };
}

declare module "../../http/context.ts" {
  interface AppDeps {
    /** Sends email when SMTP is configured; undefined means inbox only. */
    mailer: Mailer | undefined;
  }
}
