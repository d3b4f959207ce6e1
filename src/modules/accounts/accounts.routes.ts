/**
 * Accounts' pages and API. Thin: parse the form, call accounts.service.ts, then redirect (303) or
 * re-render the form with 400 and its error summary.
 *
 * Pages: /sign-up (+ /sign-up/check-email), /verify-email, /verify-email/resend, /sign-in,
 * /sign-in/demo (demo mode only), /sign-in/two-factor, /sign-out, /signed-out, /forgot-password
 * (+ /sent), /reset-password, /account, /account/sign-out-everywhere, /account/two-factor/setup,
 * /account/two-factor/recovery-codes, /account/two-factor/disable, /account/api-tokens/new,
 * /account/api-tokens/created, /account/api-tokens/:id/revoke. API: GET /api/v1/account.
 */

import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { formErrors } from "../../http/forms.ts";
import { NotSignedInError, ValidationError } from "../../lib/errors.ts";
import type { Principal } from "../access/access.service.ts";
import { actingFor, isPlatformAdmin, requireSignedIn, twoFactorRequired } from "../access/access.service.ts";
import { invitationsForYou } from "../access/invitations.service.ts";
import { listDemoAccounts } from "./accounts.ports.ts";
import { accountApiSchema, type FormBody, field, fieldList } from "./accounts.schemas.ts";
import {
  API_SCOPES,
  API_TOKEN_EXPIRY_DAYS,
  accountOverview,
  type CurrentSession,
  checkResetLink,
  confirmTwoFactor,
  createApiToken,
  demoSignIn,
  demoVerificationLink,
  disableTwoFactor,
  getAccount,
  InvalidLinkError,
  passTwoFactor,
  presentDemoAccounts,
  putFlash,
  regenerateRecoveryCodes,
  requestPasswordReset,
  requireScope,
  resendVerification,
  resetPassword,
  revokeApiToken,
  signIn,
  signOut,
  signOutEverywhere,
  signUp,
  startTwoFactorSetup,
  takeFlash,
  verifyEmail,
} from "./accounts.service.ts";
import {
  accountDeps,
  clearSessionCookie,
  requestOrigin,
  setSessionCookie,
  TWO_FACTOR_SETUP_PATH,
} from "./authentication.ts";
import { PASSWORD_MIN_LENGTH } from "./passwords.ts";

const hide = { schema: { hide: true } };
const DEFAULT_AFTER_SIGN_IN = "/account";

/** Notices a page may show, by key (`accounts.notices.<key>`). */
const NOTICES = new Set([
  "email-verified",
  "password-reset",
  "two-factor-enabled",
  "two-factor-disabled",
  "token-revoked",
  "recovery-codes",
]);

type Body = { Body: FormBody };

/** A path on this site to go back to after signing in; anything else becomes the account page. */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== "string" || value.length > 500) return DEFAULT_AFTER_SIGN_IN;
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\"))
    return DEFAULT_AFTER_SIGN_IN;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(value)) return DEFAULT_AFTER_SIGN_IN;
  if (/^\/(sign-in|sign-out|sign-up|signed-out)(\/|\?|$)/.test(value)) return DEFAULT_AFTER_SIGN_IN;
  return value;
}

async function invalid(
  reply: FastifyReply,
  template: string,
  error: unknown,
  context: Record<string, unknown>,
): Promise<void> {
  if (!(error instanceof ValidationError) || error instanceof InvalidLinkError) throw error;
  await reply.code(400).page(template, { ...context, errors: formErrors(error) });
}

const DATE = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/London",
  day: "numeric",
  month: "long",
  year: "numeric",
});
const TIME = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/London",
  hour: "numeric",
  minute: "2-digit",
  hour12: true,
});

/** "22 November 2026 at 3:05pm", in UK time. */
export function formatDateTime(date: Date | null): string | null {
  if (!date) return null;
  return `${DATE.format(date)} at ${TIME.format(date).replace(/\s/g, "").toLowerCase()}`;
}

function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

/** The QR code as an image with a text alternative. */
function labelledSvg(svg: string, label: string): string {
  return svg
    .replace("<svg ", '<svg role="img" aria-labelledby="qr-title" focusable="false" ')
    .replace(/(<svg[^>]*>)/, `$1<title id="qr-title">${escapeHtml(label)}</title>`);
}

/** The signed-in person and their session; API tokens cannot use the account pages. */
function signedIn(request: FastifyRequest): { principal: Principal; session: CurrentSession } {
  const principal = requireSignedIn(request.principal);
  const session = request.accountSession;
  if (principal.via !== "session" || !session) throw new NotSignedInError();
  return { principal, session };
}

export async function accountsRoutes(app: FastifyInstance): Promise<void> {
  const deps = accountDeps(app);
  const { config } = app.deps;

  // Signing up

  app.get("/sign-up", hide, async (_request, reply) => {
    await reply.page("accounts/views/sign-up.njk", { values: {}, passwordMinLength: PASSWORD_MIN_LENGTH });
  });

  app.post<Body>("/sign-up", hide, async (request, reply) => {
    const values = { displayName: field(request.body, "displayName"), email: field(request.body, "email") };
    try {
      const result = await signUp(
        deps,
        { ...values, password: field(request.body, "password") },
        requestOrigin(request),
      );
      const showLink = config.demo && !app.deps.mailer && result.verificationTokenId;
      return reply.redirect(
        showLink ? `/sign-up/check-email?ref=${result.verificationTokenId}` : "/sign-up/check-email",
        303,
      );
    } catch (error) {
      await invalid(reply, "accounts/views/sign-up.njk", error, {
        values,
        passwordMinLength: PASSWORD_MIN_LENGTH,
      });
    }
  });

  app.get<{ Querystring: { ref?: string } }>("/sign-up/check-email", hide, async (request, reply) => {
    // Demo mode without email only: the link that would have been emailed.
    const ref = request.query.ref;
    const demoLink =
      config.demo && !app.deps.mailer && typeof ref === "string"
        ? await demoVerificationLink(deps, ref)
        : undefined;
    reply.header("referrer-policy", "no-referrer");
    await reply.page("accounts/views/check-email.njk", { demoLink });
  });

  app.get<{ Querystring: { token?: string } }>("/verify-email", hide, async (request, reply) => {
    reply.header("referrer-policy", "no-referrer");
    try {
      await verifyEmail(deps, String(request.query.token ?? ""), requestOrigin(request));
    } catch (error) {
      if (!(error instanceof InvalidLinkError)) throw error;
      await reply.code(400).page("accounts/views/message.njk", {
        titleKey: "accounts.linkInvalid.title",
        message: error.message,
        links: [{ href: "/sign-in", key: "accounts.linkInvalid.signIn" }],
      });
      return;
    }
    return reply.redirect(request.principal ? "/account" : "/sign-in?notice=email-verified", 303);
  });

  app.post<Body>("/verify-email/resend", hide, async (request, reply) => {
    await resendVerification(deps, field(request.body, "email"), requestOrigin(request));
    return reply.redirect("/sign-up/check-email", 303);
  });

  // Signing in

  app.get<{ Querystring: { returnTo?: string; notice?: string } }>(
    "/sign-in",
    hide,
    async (request, reply) => {
      const returnTo = safeReturnTo(request.query.returnTo);
      if (request.accountSession?.stage === "needs-code") {
        return reply.redirect(`/sign-in/two-factor?returnTo=${encodeURIComponent(returnTo)}`, 303);
      }
      await renderSignIn(request, reply, { returnTo });
    },
  );

  async function renderSignIn(
    request: FastifyRequest,
    reply: FastifyReply,
    context: Record<string, unknown>,
  ) {
    const notice = (request.query as { notice?: string }).notice;
    const demo = listDemoAccounts();
    const present = config.demo
      ? new Set(
          await presentDemoAccounts(
            deps,
            demo.accounts.map((u) => u.id),
          ),
        )
      : new Set();
    const demoAccounts = demo.accounts
      .filter((u) => present.has(u.id))
      .map((u) => ({
        id: u.id,
        role: request.t(`accounts.demo.roles.${u.role}`),
        displayName: u.displayName,
        email: u.email,
      }));
    await reply.page("accounts/views/sign-in.njk", {
      values: {},
      notice: typeof notice === "string" && NOTICES.has(notice) ? notice : undefined,
      demoAccounts,
      demoPassword: demo.password,
      ...context,
    });
  }

  app.post<Body>("/sign-in", hide, async (request, reply) => {
    const returnTo = safeReturnTo(field(request.body, "returnTo"));
    const email = field(request.body, "email");
    let outcome: Awaited<ReturnType<typeof signIn>>;
    try {
      outcome = await signIn(
        deps,
        { email, password: field(request.body, "password") },
        requestOrigin(request),
      );
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      reply.code(400);
      await renderSignIn(request, reply, { returnTo, values: { email }, errors: formErrors(error) });
      return;
    }
    if (outcome.kind === "unverified") {
      await reply.code(403).page("accounts/views/unverified.njk", { email: outcome.email });
      return;
    }
    if (outcome.kind === "disabled") {
      await reply.code(403).page("accounts/views/message.njk", {
        titleKey: "accounts.disabled.title",
        bodyKeys: ["accounts.disabled.body"],
      });
      return;
    }
    // A new session, whatever the browser had before (the old one ends).
    if (request.accountSession) await signOut(deps, request.accountSession.id, requestOrigin(request));
    setSessionCookie(reply, outcome.session.token);
    if (outcome.next === "needs-code") {
      return reply.redirect(`/sign-in/two-factor?returnTo=${encodeURIComponent(returnTo)}`, 303);
    }
    if (outcome.next === "needs-setup") return reply.redirect(TWO_FACTOR_SETUP_PATH, 303);
    return reply.redirect(returnTo, 303);
  });

  app.post<Body>("/sign-in/demo", hide, async (request, reply) => {
    const session = await demoSignIn(
      deps,
      field(request.body, "userId"),
      { enabled: config.demo, userIds: listDemoAccounts().accounts.map((u) => u.id) },
      requestOrigin(request),
    );
    if (request.accountSession) await signOut(deps, request.accountSession.id, requestOrigin(request));
    setSessionCookie(reply, session.token);
    return reply.redirect(DEFAULT_AFTER_SIGN_IN, 303);
  });

  app.get<{ Querystring: { returnTo?: string } }>("/sign-in/two-factor", hide, async (request, reply) => {
    const returnTo = safeReturnTo(request.query.returnTo);
    if (request.accountSession?.stage !== "needs-code") {
      return reply.redirect(request.principal ? returnTo : "/sign-in", 303);
    }
    await reply.page("accounts/views/two-factor.njk", { returnTo });
  });

  app.post<Body>("/sign-in/two-factor", hide, async (request, reply) => {
    const returnTo = safeReturnTo(field(request.body, "returnTo"));
    const session = request.accountSession;
    if (session?.stage !== "needs-code")
      return reply.redirect(request.principal ? returnTo : "/sign-in", 303);
    try {
      const rotated = await passTwoFactor(
        deps,
        session.id,
        field(request.body, "code"),
        requestOrigin(request),
      );
      setSessionCookie(reply, rotated.token);
      return reply.redirect(returnTo, 303);
    } catch (error) {
      await invalid(reply, "accounts/views/two-factor.njk", error, { returnTo });
    }
  });

  // Signing out

  app.get("/sign-out", hide, async (request, reply) => {
    if (!request.accountSession) return reply.redirect("/signed-out", 303);
    await reply.page("accounts/views/sign-out.njk");
  });

  app.post("/sign-out", { ...hide, config: { csrf: "if-session" } }, async (request, reply) => {
    if (request.accountSession) await signOut(deps, request.accountSession.id, requestOrigin(request));
    clearSessionCookie(reply);
    return reply.redirect("/signed-out", 303);
  });

  app.get("/signed-out", hide, async (_request, reply) => {
    await reply.page("accounts/views/message.njk", {
      titleKey: "accounts.signedOut.title",
      bodyKeys: ["accounts.signedOut.body"],
      links: [{ href: "/sign-in", key: "accounts.signedOut.signInAgain" }],
    });
  });

  // Password reset

  app.get("/forgot-password", hide, async (_request, reply) => {
    await reply.page("accounts/views/forgot-password.njk", { values: {} });
  });

  app.post<Body>("/forgot-password", hide, async (request, reply) => {
    const email = field(request.body, "email");
    try {
      await requestPasswordReset(deps, email, requestOrigin(request));
    } catch (error) {
      await invalid(reply, "accounts/views/forgot-password.njk", error, { values: { email } });
      return;
    }
    return reply.redirect("/forgot-password/sent", 303);
  });

  app.get("/forgot-password/sent", hide, async (_request, reply) => {
    await reply.page("accounts/views/message.njk", {
      titleKey: "accounts.resetSent.title",
      bodyKeys: ["accounts.resetSent.body", "accounts.resetSent.expiry"],
      links: [{ href: "/sign-in", key: "accounts.resetSent.signIn" }],
    });
  });

  async function linkInvalid(reply: FastifyReply, error: InvalidLinkError): Promise<void> {
    await reply.code(400).page("accounts/views/message.njk", {
      titleKey: "accounts.linkInvalid.title",
      message: error.message,
      links: [{ href: "/forgot-password", key: "accounts.linkInvalid.newReset" }],
    });
  }

  app.get<{ Querystring: { token?: string } }>("/reset-password", hide, async (request, reply) => {
    reply.header("referrer-policy", "no-referrer");
    const token = String(request.query.token ?? "");
    try {
      await checkResetLink(deps, token);
    } catch (error) {
      if (error instanceof InvalidLinkError) return linkInvalid(reply, error);
      throw error;
    }
    await reply.page("accounts/views/reset-password.njk", { token, passwordMinLength: PASSWORD_MIN_LENGTH });
  });

  app.post<Body>("/reset-password", hide, async (request, reply) => {
    reply.header("referrer-policy", "no-referrer");
    const token = field(request.body, "token");
    try {
      await resetPassword(
        deps,
        {
          token,
          password: field(request.body, "password"),
          confirmPassword: field(request.body, "confirmPassword"),
        },
        requestOrigin(request),
      );
    } catch (error) {
      if (error instanceof InvalidLinkError) return linkInvalid(reply, error);
      await invalid(reply, "accounts/views/reset-password.njk", error, {
        token,
        passwordMinLength: PASSWORD_MIN_LENGTH,
      });
      return;
    }
    clearSessionCookie(reply);
    return reply.redirect("/sign-in?notice=password-reset", 303);
  });

  // The account page

  app.get("/account", hide, async (request, reply) => {
    const { principal, session } = signedIn(request);
    const flash = await takeFlash(deps, session.id);
    const overview = await accountOverview(deps, principal, session.id);
    await reply.page("accounts/views/account.njk", {
      actingFor: await actingFor(app.deps.db, principal),
      invitations: await invitationsForYou(app.deps.db, app.deps.clock, principal, app.accountSecrets),
      isPlatformAdmin: isPlatformAdmin(principal),
      notice: flash.notice && NOTICES.has(flash.notice) ? flash.notice : undefined,
      account: {
        ...overview,
        emailVerifiedAt: formatDateTime(overview.user.email_verified_at),
        sessions: overview.sessions.map((s) => ({
          device: s.user_agent,
          current: s.current,
          signedIn: formatDateTime(s.created_at),
          lastActive: formatDateTime(s.last_seen_at),
        })),
        tokens: overview.tokens.map((t) => ({
          ...t,
          lastUsed: formatDateTime(t.last_used_at),
          expires: formatDateTime(t.expires_at),
        })),
      },
    });
  });

  app.post("/account/sign-out-everywhere", hide, async (request, reply) => {
    const { principal } = signedIn(request);
    await signOutEverywhere(deps, principal.userId, requestOrigin(request));
    clearSessionCookie(reply);
    return reply.redirect("/signed-out", 303);
  });

  // Two-factor sign-in

  async function renderSetup(request: FastifyRequest, reply: FastifyReply, principal: Principal, extra = {}) {
    const setup = await startTwoFactorSetup(deps, principal.userId);
    await reply.page("accounts/views/two-factor-setup.njk", {
      secretText: setup.secretText,
      qrSvg: labelledSvg(setup.qrSvg, request.t("accounts.setup.qrAlt")),
      required: twoFactorRequired(principal.grants),
      ...extra,
    });
  }

  app.get(TWO_FACTOR_SETUP_PATH, hide, async (request, reply) => {
    const { principal } = signedIn(request);
    if ((await getAccount(deps, principal)).totp_enabled_at) return reply.redirect("/account", 303);
    reply.header("cache-control", "no-store");
    await renderSetup(request, reply, principal);
  });

  app.post<Body>(TWO_FACTOR_SETUP_PATH, hide, async (request, reply) => {
    const { principal, session } = signedIn(request);
    try {
      const confirmed = await confirmTwoFactor(
        deps,
        session.id,
        principal.userId,
        field(request.body, "code"),
        requestOrigin(request),
      );
      setSessionCookie(reply, confirmed.session.token);
      await putFlash(deps, confirmed.session.id, {
        notice: "two-factor-enabled",
        recoveryCodes: confirmed.recoveryCodes,
      });
      return reply.redirect("/account/two-factor/recovery-codes", 303);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      reply.code(400);
      await renderSetup(request, reply, principal, { errors: formErrors(error) });
    }
  });

  app.get("/account/two-factor/recovery-codes", hide, async (request, reply) => {
    const { session } = signedIn(request);
    const flash = await takeFlash(deps, session.id);
    if (!flash.recoveryCodes) return reply.redirect("/account", 303);
    reply.header("cache-control", "no-store");
    await reply.page("accounts/views/recovery-codes.njk", {
      codes: flash.recoveryCodes,
      notice: flash.notice && NOTICES.has(flash.notice) ? flash.notice : undefined,
    });
  });

  app.post("/account/two-factor/recovery-codes", hide, async (request, reply) => {
    const { principal, session } = signedIn(request);
    const codes = await regenerateRecoveryCodes(deps, principal, requestOrigin(request));
    await putFlash(deps, session.id, { notice: "recovery-codes", recoveryCodes: codes });
    return reply.redirect("/account/two-factor/recovery-codes", 303);
  });

  app.get("/account/two-factor/disable", hide, async (request, reply) => {
    const { principal } = signedIn(request);
    if (twoFactorRequired(principal.grants)) return reply.redirect("/account#two-factor", 303);
    await reply.page("accounts/views/two-factor-disable.njk");
  });

  app.post<Body>("/account/two-factor/disable", hide, async (request, reply) => {
    const { principal, session } = signedIn(request);
    try {
      await disableTwoFactor(deps, principal, field(request.body, "code"), requestOrigin(request));
    } catch (error) {
      await invalid(reply, "accounts/views/two-factor-disable.njk", error, {});
      return;
    }
    await putFlash(deps, session.id, { notice: "two-factor-disabled" });
    return reply.redirect("/account", 303);
  });

  // API tokens

  const tokenForm = { scopes: API_SCOPES, expiryDays: API_TOKEN_EXPIRY_DAYS };

  app.get("/account/api-tokens/new", hide, async (request, reply) => {
    signedIn(request);
    await reply.page("accounts/views/api-token-new.njk", { ...tokenForm, values: { expiresInDays: "90" } });
  });

  app.post<Body>("/account/api-tokens/new", hide, async (request, reply) => {
    const { principal, session } = signedIn(request);
    const values = {
      name: field(request.body, "name"),
      scopes: fieldList(request.body, "scopes"),
      expiresInDays: field(request.body, "expiresInDays"),
    };
    let expiresInDays: number | null | undefined;
    if (values.expiresInDays === "never") expiresInDays = null;
    else if (/^\d{1,4}$/.test(values.expiresInDays)) expiresInDays = Number(values.expiresInDays);
    try {
      if (expiresInDays === undefined) {
        throw new ValidationError("Choose when the token expires", [
          { field: "expiresInDays", message: "Choose when the token expires" },
        ]);
      }
      const created = await createApiToken(
        deps,
        principal,
        { name: values.name, scopes: values.scopes, expiresInDays },
        requestOrigin(request),
      );
      await putFlash(deps, session.id, { apiToken: { name: values.name.trim(), token: created.token } });
      return reply.redirect("/account/api-tokens/created", 303);
    } catch (error) {
      await invalid(reply, "accounts/views/api-token-new.njk", error, { ...tokenForm, values });
    }
  });

  app.get("/account/api-tokens/created", hide, async (request, reply) => {
    const { session } = signedIn(request);
    const flash = await takeFlash(deps, session.id);
    if (!flash.apiToken) return reply.redirect("/account#api-tokens", 303);
    reply.header("cache-control", "no-store");
    await reply.page("accounts/views/api-token-created.njk", { apiToken: flash.apiToken });
  });

  app.post<{ Params: { id: string } }>("/account/api-tokens/:id/revoke", hide, async (request, reply) => {
    const { principal, session } = signedIn(request);
    await revokeApiToken(deps, principal, request.params.id, requestOrigin(request));
    await putFlash(deps, session.id, { notice: "token-revoked" });
    return reply.redirect("/account#api-tokens", 303);
  });

  // API

  app.get("/api/v1/account", { schema: accountApiSchema }, async (request) => {
    const principal = requireScope(request.principal, "account:read");
    const user = await getAccount(deps, principal);
    return {
      id: user.id,
      displayName: user.display_name,
      email: user.email,
      emailVerified: user.email_verified_at !== null,
      twoFactorEnabled: user.totp_enabled_at !== null,
      roles: principal.grants.map((g) => ({ role: g.role, scopeType: g.scopeType, scopeId: g.scopeId })),
      ...(principal.tokenScopes ? { tokenScopes: [...principal.tokenScopes] } : {}),
    };
  });
}
