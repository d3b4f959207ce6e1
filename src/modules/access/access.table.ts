import type { Insertable, Selectable } from "kysely";

/**
 * Roles, each scoped to what it acts for (issue "Accounts, roles and the directory"). The public
 * has no account and no role.
 */
export const ROLES = [
  "citizen",
  "organisation-admin",
  "organisation-member",
  "commissioner",
  "evaluator",
  "bid-opener",
  "authority-admin",
  "care-staff",
  "regulator-staff",
  "ombudsman-staff",
  "consumer-champion",
  "platform-admin",
  "complaints-officer",
] as const;
export type Role = (typeof ROLES)[number];

/**
 * What a role acts for: the platform, one organisation, one authority, one regulator or ombudsman,
 * or one consumer champion.
 */
export const SCOPE_TYPES = [
  "platform",
  "organisation",
  "authority",
  "regulator",
  "ombudsman",
  "champion",
] as const;
export type ScopeType = (typeof SCOPE_TYPES)[number];

/** Which scope each role takes. */
export const ROLE_SCOPE: Readonly<Record<Role, ScopeType>> = {
  citizen: "platform",
  "organisation-admin": "organisation",
  "organisation-member": "organisation",
  commissioner: "authority",
  evaluator: "authority",
  "bid-opener": "authority",
  "authority-admin": "authority",
  "care-staff": "authority",
  "regulator-staff": "regulator",
  "ombudsman-staff": "ombudsman",
  "consumer-champion": "champion",
  "platform-admin": "platform",
  "complaints-officer": "authority",
};

/** Roles whose holders must sign in with a second factor (TOTP). */
export const TWO_FACTOR_ROLES: ReadonlySet<Role> = new Set([
  "platform-admin",
  "bid-opener",
  "authority-admin",
  // Care staff see the personal data of the people an authority supports.
  "care-staff",
  // A champion's people see the personal data of the people who appoint it (docs/consumer-champions.md).
  "consumer-champion",
  // Complaints officers see complainants' personal data and what they wrote (docs/redress.md).
  "complaints-officer",
]);

/**
 * Roles given only with two administrators (security finding 5): one invites, another approves
 * before the invitation is sent, and neither may be the person invited.
 */
export const APPROVED_ROLES: ReadonlySet<Role> = new Set(["bid-opener"]);

/**
 * Roles no platform administrator may hold (security finding 5): opening sealed bids is the
 * authority's, and the platform's administrators must not be able to give it to themselves.
 */
export const NOT_FOR_PLATFORM_ADMINS: ReadonlySet<Role> = new Set(["bid-opener"]);

export interface RoleGrantsTable {
  id: string;
  user_id: string;
  role: Role;
  scope_type: ScopeType;
  /** The organisation, authority, regulator or ombudsman; the nil UUID for the platform. */
  scope_id: string;
  granted_by: string | null;
  granted_at: Date;
}

export type RoleGrantRow = Selectable<RoleGrantsTable>;
export type NewRoleGrant = Insertable<RoleGrantsTable>;

/** A grant as the rest of the platform sees it. */
export interface Grant {
  role: Role;
  scopeType: ScopeType;
  scopeId: string;
}

/**
 * Who is acting on a request: set by the session or API-token authentication (accounts module),
 * read by routes and passed to services, which decide what is allowed.
 */
export interface Principal {
  userId: string;
  displayName: string;
  grants: readonly Grant[];
  /** How the request was authenticated. */
  via: "session" | "token";
  /** For API tokens: what the token may do (e.g. "organisations:write"). Sessions: undefined. */
  tokenScopes?: readonly string[];
  /** The session passed a second factor (always false for tokens). */
  twoFactor: boolean;
}

export interface InvitationsTable {
  id: string;
  scope_type: Exclude<ScopeType, "platform">;
  scope_id: string;
  role: Role;
  /** The invitee's address (personal data: never in audit events or open data). */
  email: string;
  /** SHA-256 of the token sent by email; the token itself is never stored. */
  token_hash: string;
  invited_by: string | null;
  created_at: Date;
  expires_at: Date;
  accepted_at: Date | null;
  accepted_by: string | null;
  revoked_at: Date | null;
  /** For a role in APPROVED_ROLES: the second administrator who approved sending it, and when. */
  approved_by: string | null;
  approved_at: Date | null;
}

export type Invitation = Selectable<InvitationsTable>;
export type NewInvitation = Insertable<InvitationsTable>;

/** This module's tables in the `Database` interface (src/db/database.ts). */
declare module "../../db/database.ts" {
  interface Database {
    role_grants: RoleGrantsTable;
    invitations: InvitationsTable;
  }
}
