/**
 * Accounts' pages and API. The pages of getting in and out are in sign-in.pages.ts (/sign-up,
 * /sign-up/check-email, /verify-email, /verify-email/resend, /sign-in, /sign-in/demo in demo mode,
 * /sign-in/two-factor, /sign-out, /signed-out, /forgot-password, /forgot-password/sent,
 * /reset-password); the signed-in person's in account.pages.ts (/account,
 * /account/sign-out-everywhere, /account/two-factor/setup, /account/two-factor/recovery-codes,
 * /account/two-factor/disable, /account/api-tokens/new, /account/api-tokens/created,
 * /account/api-tokens/:id/revoke). API: GET /api/v1/account.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { api } from "../../http/routes.ts";
import { ctxOf } from "../access/context.ts";
import { signedIn } from "../access/policies.ts";
import { signedInPages } from "./account.pages.ts";
import { AccountResponse } from "./accounts.schemas.ts";
import { accountOf, isApiScope } from "./accounts.service.ts";
import { InvalidLinkError } from "./email-links.ts";
import { signInPages } from "./sign-in.pages.ts";

export { safeReturnTo } from "./sign-in.pages.ts";

export async function accountsRoutes(app: FastifyInstance): Promise<void> {
  // An emailed link that is unknown, expired or used has a page of its own, saying what to do.
  app.setErrorHandler(async (error, _request, reply) => {
    if (!(error instanceof InvalidLinkError)) throw error;
    await reply.code(400).page("accounts/views/message.njk", {
      titleKey: "accounts.linkInvalid.title",
      message: error.message,
      links: [
        error.purpose === "verify-email"
          ? { href: "/sign-in", key: "accounts.linkInvalid.signIn" }
          : { href: "/forgot-password", key: "accounts.linkInvalid.newReset" },
      ],
    });
  });

  signInPages(app);
  signedInPages(app);

  app.withTypeProvider<TypeBoxTypeProvider>().get(
    "/api/v1/account",
    api(
      { who: signedIn, scope: "account:read" },
      {
        operationId: "getAccount",
        tags: ["account"],
        summary: "The account of the API token (scope account:read)",
        description:
          "Send `Authorization: Bearer <token>`, with a token made on your account page. A token without the account:read scope is refused with 403.",
        response: { 200: AccountResponse },
      },
    ),
    async (request) => {
      const { user, principal } = await accountOf(ctxOf(request));
      return {
        id: user.id,
        displayName: user.display_name,
        email: user.email,
        emailVerified: user.email_verified_at !== null,
        twoFactorEnabled: user.totp_enabled_at !== null,
        roles: principal.grants.map((g) => ({ role: g.role, scopeType: g.scopeType, scopeId: g.scopeId })),
        ...(principal.tokenScopes ? { tokenScopes: principal.tokenScopes.filter(isApiScope) } : {}),
      };
    },
  );
}
