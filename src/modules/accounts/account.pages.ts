/**
 * The pages of the person signed in: their account (details, what they act for, sessions, API
 * tokens), signing out everywhere, setting up and turning off two-factor sign-in with its recovery
 * codes, and making and revoking API tokens. Each page calls one service; the services decide every
 * rule. API tokens cannot use these pages.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { buttonAction, field, fieldList, formPage } from "../../http/forms.ts";
import { page } from "../../http/routes.ts";
import { escapeHtml } from "../../lib/html.ts";
import { type Language, londonDateTime } from "../../lib/london-time.ts";
import { rawField } from "./accounts.schemas.ts";
import { API_SCOPES, API_TOKEN_EXPIRY_DAYS, accountPage, takeFlash } from "./accounts.service.ts";
import { createApiToken, revokeApiToken } from "./api-tokens.service.ts";
import {
  accountsCtxOf,
  clearSessionCookie,
  setSessionCookie,
  signedInWithSession,
  TWO_FACTOR_SETUP_PATH,
} from "./authentication.ts";
import { signOutEverywhere } from "./sessions.service.ts";
import { NOTICES } from "./sign-in.pages.ts";
import {
  confirmTwoFactor,
  disableTwoFactor,
  mayTurnOffTwoFactor,
  regenerateRecoveryCodes,
  startTwoFactorSetup,
} from "./two-factor.service.ts";

const who = signedInWithSession;
/** Secrets shown once are not kept by the browser (signed-in pages are never kept by shared caches). */
const NO_STORE = { "cache-control": "no-store" };

/** An instant as people read it in the page's language, or null for none. */
const whenIn = (locale: Language) => (date: Date | null) => (date ? londonDateTime(date, locale) : null);

/** The QR code as an image with a text alternative. */
function labelledSvg(svg: string, label: string): string {
  return svg
    .replace("<svg ", '<svg role="img" aria-labelledby="qr-title" focusable="false" ')
    .replace(/(<svg[^>]*>)/, `$1<title id="qr-title">${escapeHtml(label)}</title>`);
}

function accountPages(app: FastifyInstance): void {
  app.get("/account", page({ who }), async (request, reply) => {
    const { overview, actingFor, invitations, isPlatformAdmin, notice } = await accountPage(
      accountsCtxOf(request),
    );
    const when = whenIn(request.locale);
    await reply.page("accounts/views/account.njk", {
      actingFor,
      invitations,
      isPlatformAdmin,
      notice: notice && NOTICES.has(notice) ? notice : undefined,
      account: {
        ...overview,
        emailVerifiedAt: when(overview.user.email_verified_at),
        sessions: overview.sessions.map((s) => ({
          device: s.user_agent,
          current: s.current,
          signedIn: when(s.created_at),
          lastActive: when(s.last_seen_at),
        })),
        tokens: overview.tokens.map((t) => ({
          ...t,
          lastUsed: when(t.last_used_at),
          expires: when(t.expires_at),
        })),
      },
    });
  });

  buttonAction(app, "/account/sign-out-everywhere", { who }, async (request, reply) => {
    await signOutEverywhere(accountsCtxOf(request));
    clearSessionCookie(reply);
    return "/signed-out";
  });
}

function twoFactorPages(app: FastifyInstance): void {
  formPage(app, TWO_FACTOR_SETUP_PATH, {
    who,
    template: "accounts/views/two-factor-setup.njk",
    context: async (request: FastifyRequest) => {
      const setup = await startTwoFactorSetup(accountsCtxOf(request));
      // Once it is set up there is nothing to set up: the page sends the person to their account.
      if (!setup) return { secretText: "", qrSvg: "", required: false };
      return { ...setup, qrSvg: labelledSvg(setup.qrSvg, request.t("accounts.setup.qrAlt")) };
    },
    redirect: (_request, setup) => (setup.secretText ? undefined : "/account"),
    read: (body) => ({ code: field(body, "code") }),
    submit: async (request, { code }, _context, reply) => {
      const confirmed = await confirmTwoFactor(accountsCtxOf(request), code);
      setSessionCookie(reply, confirmed.session.token);
      return "/account/two-factor/recovery-codes";
    },
  });

  app.get("/account/two-factor/recovery-codes", page({ who }), async (request, reply) => {
    const flash = await takeFlash(accountsCtxOf(request));
    if (!flash.recoveryCodes) return reply.redirect("/account", 303);
    reply.headers(NO_STORE);
    await reply.page("accounts/views/recovery-codes.njk", {
      codes: flash.recoveryCodes,
      notice: flash.notice && NOTICES.has(flash.notice) ? flash.notice : undefined,
    });
  });

  // New recovery codes only with the password and a code from the app: a session alone is not enough.
  formPage(app, "/account/two-factor/recovery-codes/new", {
    who,
    template: "accounts/views/recovery-codes-new.njk",
    context: () => ({}),
    values: () => ({ password: "", code: "" }),
    read: (body) => ({ password: rawField(body, "password"), code: field(body, "code") }),
    submit: async (request, values) => {
      await regenerateRecoveryCodes(accountsCtxOf(request), values);
      return "/account/two-factor/recovery-codes";
    },
  });

  formPage(app, "/account/two-factor/disable", {
    who,
    template: "accounts/views/two-factor-disable.njk",
    context: (request) => ({ mayTurnOff: mayTurnOffTwoFactor(accountsCtxOf(request)) }),
    redirect: (_request, { mayTurnOff }) => (mayTurnOff ? undefined : "/account#two-factor"),
    read: (body) => ({ password: rawField(body, "password"), code: field(body, "code") }),
    submit: async (request, values) => {
      await disableTwoFactor(accountsCtxOf(request), values);
      return "/account";
    },
  });
}

function apiTokenPages(app: FastifyInstance): void {
  formPage(app, "/account/api-tokens/new", {
    who,
    template: "accounts/views/api-token-new.njk",
    context: () => ({ scopes: API_SCOPES, expiryDays: API_TOKEN_EXPIRY_DAYS }),
    values: () => ({ name: "", scopes: [] as string[], expiresInDays: "90" }),
    read: (body) => ({
      name: field(body, "name"),
      scopes: fieldList(body, "scopes"),
      expiresInDays: field(body, "expiresInDays"),
    }),
    submit: async (request, values) => {
      await createApiToken(accountsCtxOf(request), values);
      return "/account/api-tokens/created";
    },
  });

  app.get("/account/api-tokens/created", page({ who }), async (request, reply) => {
    const flash = await takeFlash(accountsCtxOf(request));
    if (!flash.apiToken) return reply.redirect("/account#api-tokens", 303);
    reply.headers(NO_STORE);
    await reply.page("accounts/views/api-token-created.njk", { apiToken: flash.apiToken });
  });

  buttonAction(
    app,
    "/account/api-tokens/:id/revoke",
    { who },
    async (request: FastifyRequest<{ Params: { id: string } }>) => {
      await revokeApiToken(accountsCtxOf(request), request.params.id);
      return "/account#api-tokens";
    },
  );
}

export function signedInPages(app: FastifyInstance): void {
  accountPages(app);
  twoFactorPages(app);
  apiTokenPages(app);
}
