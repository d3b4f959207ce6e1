/** Request and response shapes for accounts: the JSON API's schemas, and the forms' fields. */
import { Type } from "typebox";
import { API_SCOPES } from "./accounts.service.ts";

const ErrorBody = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    requestId: Type.String(),
  }),
});

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
  tokenScopes: Type.Optional(Type.Array(Type.Union(API_SCOPES.map((s) => Type.Literal(s))))),
});

export const accountApiSchema = {
  tags: ["account"],
  summary: "The account of the API token (scope account:read)",
  description:
    "Send `Authorization: Bearer <token>`, with a token made on your account page. A token without the account:read scope is refused with 403.",
  response: { 200: AccountResponse, 401: ErrorBody, 403: ErrorBody },
};

/** A parsed form body: fields are strings, or lists for repeated names (checkboxes). */
export type FormBody = Record<string, string | string[] | undefined> | undefined | null;

/** A form field as one trimmed-at-the-edges string ("" when absent). */
export function field(body: FormBody, name: string): string {
  const value = body?.[name];
  if (Array.isArray(value)) return value[0] ?? "";
  return typeof value === "string" ? value : "";
}

/** A form field that may repeat (checkboxes), as a list. */
export function fieldList(body: FormBody, name: string): string[] {
  const value = body?.[name];
  if (Array.isArray(value)) return value.filter((v) => typeof v === "string");
  return typeof value === "string" && value !== "" ? [value] : [];
}
