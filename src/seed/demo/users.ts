/**
 * Demo users: one confirmed account per role, with fixed ids and one shared, published password
 * (`DEMO_PASSWORD`). Demo mode only: the seed is a demo seed, and the sign-in page offers these
 * accounts (signing in with the second factor counted as passed) only when demo mode is on.
 */

import type { Db } from "../../db/database.ts";
import type { Principal, Role } from "../../modules/access/access.service.ts";
import { grantRole, loadGrants } from "../../modules/access/access.service.ts";
import { createAccount, hashPassword } from "../../modules/accounts/accounts.service.ts";
import { SYSTEM } from "../../modules/audit/audit.service.ts";
import type { Seed } from "../seed.ts";
import { DEMO_AUTHORITY } from "./authorities.ts";

/** The password of every demo account. Published on the sign-in page in demo mode. */
export const DEMO_PASSWORD = "demo-password-2026";

/** Greenway Home Care Ltd, from the demo organisations: a member of Westshire's home care list. */
export const DEMO_PROVIDER_GREENWAY = "019a0000-0000-7000-8000-00000000b004";

/** Westshire Community Health CIC, from the demo organisations. */
export const DEMO_ORGANISATION = "019a0000-0000-7000-8000-00000000b001";

export interface DemoUser {
  id: string;
  role: Role;
  /** Roles held as well, for the same body: what a real one would give the person. */
  also?: readonly Role[];
  /** What the roles act for; omitted for platform-wide roles. */
  scopeId?: string;
  /** The name of what they act for, as the sign-in page says it. */
  actsFor?: string;
  displayName: string;
  email: string;
}

export const DEMO_USERS: readonly DemoUser[] = [
  {
    id: "019a0000-0000-7000-8000-00000000c001",
    role: "citizen",
    displayName: "Cara Citizen",
    email: "citizen@demo.openps.example",
  },
  {
    id: "019a0000-0000-7000-8000-00000000c002",
    role: "organisation-admin",
    scopeId: DEMO_ORGANISATION,
    actsFor: "Westshire Community Health CIC",
    displayName: "Olu Adeyemi",
    email: "organisation-admin@demo.openps.example",
  },
  {
    id: "019a0000-0000-7000-8000-00000000c003",
    role: "organisation-member",
    scopeId: DEMO_ORGANISATION,
    actsFor: "Westshire Community Health CIC",
    displayName: "Megan Price",
    email: "organisation-member@demo.openps.example",
  },
  {
    id: "019a0000-0000-7000-8000-00000000c004",
    role: "commissioner",
    // A commissioning lead runs the whole lifecycle: one of the two people an opening needs, then
    // compliance, moderation, ranking and award, which read the opened bids.
    also: ["bid-opener"],
    scopeId: DEMO_AUTHORITY.county,
    actsFor: "Westshire County Council",
    displayName: "Priya Shah",
    email: "commissioner@demo.openps.example",
  },
  {
    id: "019a0000-0000-7000-8000-00000000c005",
    role: "evaluator",
    scopeId: DEMO_AUTHORITY.county,
    actsFor: "Westshire County Council",
    displayName: "Evan Hughes",
    email: "evaluator@demo.openps.example",
  },
  {
    id: "019a0000-0000-7000-8000-00000000c006",
    role: "bid-opener",
    scopeId: DEMO_AUTHORITY.county,
    actsFor: "Westshire County Council",
    displayName: "Bea Okafor",
    email: "bid-opener@demo.openps.example",
  },
  {
    id: "019a0000-0000-7000-8000-00000000c007",
    role: "authority-admin",
    // The second of the two people an opening needs, beside the demo bid opener and commissioner.
    also: ["bid-opener"],
    scopeId: DEMO_AUTHORITY.county,
    actsFor: "Westshire County Council",
    displayName: "Alan Carter",
    email: "authority-admin@demo.openps.example",
  },
  {
    id: "019a0000-0000-7000-8000-00000000c012",
    role: "care-staff",
    scopeId: DEMO_AUTHORITY.county,
    actsFor: "Westshire County Council",
    displayName: "Nia Collins",
    email: "care-staff@demo.openps.example",
  },
  {
    id: "019a0000-0000-7000-8000-00000000c008",
    role: "regulator-staff",
    scopeId: DEMO_AUTHORITY.regulator,
    actsFor: "Care Standards Inspectorate",
    displayName: "Rhiannon Evans",
    email: "regulator@demo.openps.example",
  },
  {
    id: "019a0000-0000-7000-8000-00000000c009",
    role: "ombudsman-staff",
    scopeId: DEMO_AUTHORITY.ombudsman,
    actsFor: "Local Government and Social Care Ombudsman",
    displayName: "Omar Haddad",
    email: "ombudsman@demo.openps.example",
  },
  {
    id: "019a0000-0000-7000-8000-00000000c010",
    role: "consumer-champion",
    scopeId: DEMO_AUTHORITY.champion,
    actsFor: "Westshire Healthwatch",
    displayName: "Chloe Brooks",
    email: "consumer-champion@demo.openps.example",
  },
  {
    id: "019a0000-0000-7000-8000-00000000c011",
    role: "platform-admin",
    displayName: "Pat Morgan",
    email: "platform-admin@demo.openps.example",
  },
  // Last, so that a search for the first organisation administrator still finds Westshire Community
  // Health's: a provider on Westshire's home care list, who answers the demo arrangements.
  {
    id: "019a0000-0000-7000-8000-00000000c014",
    role: "organisation-admin",
    scopeId: DEMO_PROVIDER_GREENWAY,
    actsFor: "Greenway Home Care Ltd",
    displayName: "Gwen Parry",
    email: "provider-admin@demo.openps.example",
  },
  // Complaints officers (redress): Westshire's, and Millbrook's, who answer the demo complaints.
  {
    id: "019a0000-0000-7000-8000-00000000c015",
    role: "complaints-officer",
    scopeId: DEMO_AUTHORITY.county,
    actsFor: "Westshire County Council",
    displayName: "Hannah Fielding",
    email: "complaints-officer@demo.openps.example",
  },
  {
    id: "019a0000-0000-7000-8000-00000000c016",
    role: "complaints-officer",
    scopeId: DEMO_AUTHORITY.district,
    actsFor: "Millbrook District Council",
    displayName: "Tom Ashby",
    email: "complaints-officer-millbrook@demo.openps.example",
  },
  // The other two ombudsmen's staff (the LGSCO's is Omar Haddad, above): casework on escalated complaints.
  {
    id: "019a0000-0000-7000-8000-00000000c017",
    role: "ombudsman-staff",
    scopeId: DEMO_AUTHORITY.phso,
    actsFor: "Parliamentary and Health Service Ombudsman",
    // Not the demo commissioner's name (Priya Shah): one name, one person.
    displayName: "Nadia Osei",
    email: "phso@demo.openps.example",
  },
  {
    id: "019a0000-0000-7000-8000-00000000c018",
    role: "ombudsman-staff",
    scopeId: DEMO_AUTHORITY.housingOmbudsman,
    actsFor: "Housing Ombudsman",
    displayName: "Huw Jenkins",
    email: "housing-ombudsman@demo.openps.example",
  },
  // The independent adjudicator's (commissioning's second tier for home care): providers' complaints about commissioning.
  {
    id: "019a0000-0000-7000-8000-00000000c019",
    role: "ombudsman-staff",
    scopeId: DEMO_AUTHORITY.adjudicator,
    actsFor: "Independent Commissioning Adjudicator for Care",
    displayName: "Marcus Webb",
    email: "adjudicator@demo.openps.example",
  },
  // The Department for Work and Skills' two approvers of payment by results (the demo Work Programme).
  {
    id: "019a0000-0000-7000-8000-00000000c020",
    role: "commissioner",
    scopeId: DEMO_AUTHORITY.department,
    actsFor: "Department for Work and Skills",
    displayName: "Dev Malhotra",
    email: "commissioner-dws@demo.openps.example",
  },
  {
    id: "019a0000-0000-7000-8000-00000000c021",
    role: "authority-admin",
    scopeId: DEMO_AUTHORITY.department,
    actsFor: "Department for Work and Skills",
    displayName: "Ruth Okonkwo",
    email: "authority-admin-dws@demo.openps.example",
  },
  // The Department for Work and Skills' evaluator, a judge of its prize for public service innovation.
  {
    id: "019a0000-0000-7000-8000-00000000c061",
    role: "evaluator",
    scopeId: DEMO_AUTHORITY.department,
    actsFor: "Department for Work and Skills",
    displayName: "Amira Haddad",
    email: "evaluator-dws@demo.openps.example",
  },
];

export const DEMO_USER_IDS: readonly string[] = DEMO_USERS.map((u) => u.id);

export const demoUsersSeed: Seed = {
  name: "demo-users",
  description: "Demo users: one confirmed account per role, with the shared demo password",
  demo: true,
  async run({ trx, clock }) {
    const actor = SYSTEM("seed");
    // One password for them all: hashed once.
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    for (const user of DEMO_USERS) {
      await createAccount(trx, clock, actor, {
        id: user.id,
        email: user.email,
        displayName: user.displayName,
        passwordHash,
        verified: true,
      });
      for (const role of [user.role, ...(user.also ?? [])])
        await grantRole(trx, clock, actor, {
          userId: user.id,
          role,
          ...(user.scopeId ? { scopeId: user.scopeId } : {}),
        });
    }
  },
};

/** A demo person as a seed acts for them (signed in, past the second factor): through the real rules. */
export async function demoPrincipal(db: Db, userId: string, displayName = userId): Promise<Principal> {
  return { userId, displayName, grants: await loadGrants(db, userId), via: "session", twoFactor: true };
}
