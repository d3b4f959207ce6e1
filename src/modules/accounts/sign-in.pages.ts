/**
 * The pages of getting in and out: signing up and confirming the address, signing in (with the
 * demo accounts in demo mode, and the second factor), signing out, and resetting a password. Each
 * page calls one service; the services decide every rule.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { buttonAction, field, formAction, formPage } from "../../http/forms.ts";
import { anyone, page } from "../../http/routes.ts";
import { listDemoAccounts } from "./accounts.ports.ts";
import { rawField } from "./accounts.schemas.ts";
import {
  accountsCtxOf,
  clearSessionCookie,
  setSessionCookie,
  TWO_FACTOR_SETUP_PATH,
} from "./authentication.ts";
import { checkResetLink, requestPasswordReset, resetPassword } from "./password-reset.service.ts";
import { PASSWORD_MIN_LENGTH } from "./passwords.ts";
import { demoSignIn, presentDemoAccounts, signIn, signOut } from "./sessions.service.ts";
import { demoVerificationLink, resendVerification, signUp, verifyEmail } from "./sign-up.service.ts";
import { passTwoFactor } from "./two-factor.service.ts";

/** Where everyone lands after signing in, unless they were on their way somewhere: their work. */
export const DEFAULT_AFTER_SIGN_IN = "/tasks";

/** Notices a page may show, by key (`accounts.notices.<key>`). */
export const NOTICES = new Set([
  "email-verified",
  "password-reset",
  "two-factor-enabled",
  "two-factor-disabled",
  "token-revoked",
  "recovery-codes",
]);

/** A path on this site to go back to after signing in; anything else becomes the default (`/tasks`). */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== "string" || value.length > 500) return DEFAULT_AFTER_SIGN_IN;
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\"))
    return DEFAULT_AFTER_SIGN_IN;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(value)) return DEFAULT_AFTER_SIGN_IN;
  if (/^\/(sign-in|sign-out|sign-up|signed-out)(\/|\?|$)/.test(value)) return DEFAULT_AFTER_SIGN_IN;
  return value;
}

/** Where to go after signing in: the form's `returnTo`, or the address's. */
function returnToOf(request: FastifyRequest): string {
  return safeReturnTo(field(request.body, "returnTo") || field(request.query, "returnTo") || undefined);
}

const NO_REFERRER = { "referrer-policy": "no-referrer" };

function signUpPages(app: FastifyInstance): void {
  const { config } = app.deps;
  /** Demo mode without email: the pages show the links that would have been emailed. */
  const showsLinks = () => config.demo && !app.deps.mailer;

  formPage(app, "/sign-up", {
    who: anyone,
    template: "accounts/views/sign-up.njk",
    context: () => ({ passwordMinLength: PASSWORD_MIN_LENGTH }),
    read: (body) => ({
      displayName: field(body, "displayName"),
      email: field(body, "email"),
      password: rawField(body, "password"),
    }),
    submit: async (request, values) => {
      const result = await signUp(accountsCtxOf(request), values);
      return showsLinks() && result.verificationTokenId
        ? `/sign-up/check-email?ref=${result.verificationTokenId}`
        : "/sign-up/check-email";
    },
  });

  app.get("/sign-up/check-email", page({ who: anyone }), async (request, reply) => {
    // Demo mode without email only: the link that would have been emailed.
    const ref = field(request.query, "ref");
    const demoLink =
      showsLinks() && ref ? await demoVerificationLink(accountsCtxOf(request), ref) : undefined;
    reply.headers(NO_REFERRER);
    await reply.page("accounts/views/check-email.njk", { demoLink });
  });

  app.get("/verify-email", page({ who: anyone }), async (request, reply) => {
    reply.headers(NO_REFERRER);
    await verifyEmail(accountsCtxOf(request), field(request.query, "token"));
    await reply.redirect(request.principal ? "/account" : "/sign-in?notice=email-verified", 303);
  });

  buttonAction(app, "/verify-email/resend", { who: anyone }, async (request) => {
    await resendVerification(accountsCtxOf(request), field(request.body, "email"));
    return "/sign-up/check-email";
  });
}

/** What the sign-in page shows besides the form: the demo accounts in demo mode, and a notice. */
async function signInContext(app: FastifyInstance, request: FastifyRequest) {
  const notice = field(request.query, "notice");
  const demo = listDemoAccounts();
  const present = app.deps.config.demo
    ? new Set(
        await presentDemoAccounts(
          accountsCtxOf(request),
          demo.accounts.map((u) => u.id),
        ),
      )
    : new Set();
  return {
    returnTo: returnToOf(request),
    notice: NOTICES.has(notice) ? notice : undefined,
    demoAccounts: demo.accounts
      .filter((u) => present.has(u.id))
      .map((u) => ({
        id: u.id,
        role: request.t(`accounts.demo.roles.${u.role}`),
        roles: [u.role, ...(u.also ?? [])].map((r) => request.t(`accounts.demo.roles.${r}`)).join(", "),
        actsFor: u.actsFor ?? request.t("accounts.demo.platformWide"),
        displayName: u.displayName,
        email: u.email,
      })),
    demoPassword: demo.password,
  };
}

function signInForms(app: FastifyInstance): void {
  formPage(app, "/sign-in", {
    who: anyone,
    template: "accounts/views/sign-in.njk",
    context: (request) => signInContext(app, request),
    redirect: (request, { returnTo }) =>
      request.accountSession?.stage === "needs-code"
        ? `/sign-in/two-factor?returnTo=${encodeURIComponent(returnTo)}`
        : undefined,
    read: (body) => ({ email: field(body, "email"), password: rawField(body, "password") }),
    submit: async (request, values, { returnTo }, reply) => {
      const outcome = await signIn(accountsCtxOf(request), values);
      if (outcome.kind === "unverified") {
        await reply.code(403).page("accounts/views/unverified.njk", { email: outcome.email });
        return null;
      }
      if (outcome.kind === "disabled") {
        await reply.code(403).page("accounts/views/message.njk", {
          titleKey: "accounts.disabled.title",
          bodyKeys: ["accounts.disabled.body"],
        });
        return null;
      }
      setSessionCookie(reply, outcome.session.token);
      if (outcome.next === "needs-code")
        return `/sign-in/two-factor?returnTo=${encodeURIComponent(returnTo)}`;
      return outcome.next === "needs-setup" ? TWO_FACTOR_SETUP_PATH : returnTo;
    },
  });

  buttonAction(app, "/sign-in/demo", { who: anyone }, async (request, reply) => {
    const session = await demoSignIn(accountsCtxOf(request), field(request.body, "userId"), {
      enabled: app.deps.config.demo,
      userIds: listDemoAccounts().accounts.map((u) => u.id),
    });
    setSessionCookie(reply, session.token);
    return DEFAULT_AFTER_SIGN_IN;
  });

  formPage(app, "/sign-in/two-factor", {
    who: anyone,
    template: "accounts/views/two-factor.njk",
    context: (request) => ({ returnTo: returnToOf(request) }),
    redirect: (request, { returnTo }) =>
      request.accountSession?.stage !== "needs-code"
        ? request.principal
          ? returnTo
          : "/sign-in"
        : undefined,
    read: (body) => ({ code: field(body, "code") }),
    submit: async (request, { code }, { returnTo }, reply) => {
      const rotated = await passTwoFactor(accountsCtxOf(request), code);
      if (!rotated) return request.principal ? returnTo : "/sign-in";
      setSessionCookie(reply, rotated.token);
      return returnTo;
    },
  });
}

function signOutPages(app: FastifyInstance): void {
  app.get("/sign-out", page({ who: anyone }), async (request, reply) => {
    if (!request.accountSession) return reply.redirect("/signed-out", 303);
    await reply.page("accounts/views/sign-out.njk");
  });

  buttonAction(app, "/sign-out", { who: anyone, csrf: "if-session" }, async (request, reply) => {
    await signOut(accountsCtxOf(request));
    clearSessionCookie(reply);
    return "/signed-out";
  });

  app.get("/signed-out", page({ who: anyone }), async (_request, reply) => {
    await reply.page("accounts/views/message.njk", {
      titleKey: "accounts.signedOut.title",
      bodyKeys: ["accounts.signedOut.body"],
      links: [{ href: "/sign-in", key: "accounts.signedOut.signInAgain" }],
    });
  });
}

function passwordResetPages(app: FastifyInstance): void {
  formPage(app, "/forgot-password", {
    who: anyone,
    template: "accounts/views/forgot-password.njk",
    context: () => ({}),
    read: (body) => ({ email: field(body, "email") }),
    submit: async (request, { email }) => {
      await requestPasswordReset(accountsCtxOf(request), email);
      return "/forgot-password/sent";
    },
  });

  app.get("/forgot-password/sent", page({ who: anyone }), async (_request, reply) => {
    await reply.page("accounts/views/message.njk", {
      titleKey: "accounts.resetSent.title",
      bodyKeys: ["accounts.resetSent.body", "accounts.resetSent.expiry"],
      links: [{ href: "/sign-in", key: "accounts.resetSent.signIn" }],
    });
  });

  app.get("/reset-password", page({ who: anyone }), async (request, reply) => {
    reply.headers(NO_REFERRER);
    const token = field(request.query, "token");
    await checkResetLink(accountsCtxOf(request), token);
    await reply.page("accounts/views/reset-password.njk", { token, passwordMinLength: PASSWORD_MIN_LENGTH });
  });

  formAction(app, "/reset-password", {
    who: anyone,
    template: "accounts/views/reset-password.njk",
    context: (request) => ({ token: field(request.body, "token"), passwordMinLength: PASSWORD_MIN_LENGTH }),
    read: (body) => ({
      token: field(body, "token"),
      password: rawField(body, "password"),
      confirmPassword: rawField(body, "confirmPassword"),
    }),
    submit: async (request, values, _context, reply) => {
      reply.headers(NO_REFERRER);
      await resetPassword(accountsCtxOf(request), values);
      clearSessionCookie(reply);
      return "/sign-in?notice=password-reset";
    },
  });
}

export function signInPages(app: FastifyInstance): void {
  signUpPages(app);
  signInForms(app);
  signOutPages(app);
  passwordResetPages(app);
}
