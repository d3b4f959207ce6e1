/** Request and response shapes for accounts: the JSON API's schemas, and the forms' secret fields. */
import { Type } from "typebox";
import { Strings } from "../../http/schemas.ts";
import { API_SCOPES } from "./accounts.service.ts";

export const AccountResponse = Type.Object({
  id: Type.String({ format: "uuid" }),
  displayName: Type.String(),
  email: Type.String(),
  emailVerified: Type.Boolean(),
  twoFactorEnabled: Type.Boolean(),
  roles: Type.Array(
    Type.Object({
      role: Type.String(),
      scopeType: Type.String(),
      scopeId: Type.String({ format: "uuid" }),
    }),
  ),
  /** For a token: what it may do; for a session: absent. */
  tokenScopes: Type.Optional(Type.Array(Strings(API_SCOPES))),
});

/**
 * A password field exactly as typed ("" when absent): unlike `field` (src/http/forms.ts), never
 * trimmed, since spaces are part of a password.
 */
export function rawField(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | null | undefined)?.[name];
  if (Array.isArray(value)) return typeof value[0] === "string" ? value[0] : "";
  return typeof value === "string" ? value : "";
}
