/**
 * Demo people supported by Westshire County Council (issue 17), recorded through the care services
 * as the demo care staff (Nia Collins) would: a plan of each delivery type (a direct payment,
 * managed by the authority, managed by an organisation, a mix) and a special educational needs
 * direct payment; one plan whose annual review is overdue and one due within the month; Joan
 * Whitfield linked to the demo citizen's account as herself (her budget changed once since, so her
 * inbox has the notice), and Tomos Rees with a family representative who may see the plan and give
 * feedback, nothing more. Dates are counted back from the day the demo is seeded. Fictional people.
 */
import { addDays, addMonths, londonToday } from "../../lib/london-time.ts";
import type { Principal } from "../../modules/access/access.service.ts";
import { grantRole } from "../../modules/access/access.service.ts";
import { createAccount, hashPassword } from "../../modules/accounts/accounts.service.ts";
import { SYSTEM } from "../../modules/audit/audit.service.ts";
import {
  changeBudget,
  createPlan,
  recordNeed,
  recordPerson,
  recordReview,
} from "../../modules/care/care.service.ts";
import { recordLink } from "../../modules/care/representatives.service.ts";
import type { Seed } from "../seed.ts";
import { DEMO_AREA } from "./areas.ts";
import { DEMO_AUTHORITY } from "./authorities.ts";
import { DEMO_PASSWORD, DEMO_USERS } from "./users.ts";

/** Greenway Home Care Ltd, from the demo organisations: holds a managed account. */
const GREENWAY = "019a0000-0000-7000-8000-00000000b004";

/** The demo family representative: signs in with the form (the demo password), not a demo button. */
export const DEMO_REPRESENTATIVE = {
  id: "019a0000-0000-7000-8000-00000000c013",
  email: "family@demo.openps.example",
  displayName: "Siân Rees",
} as const;

export const DEMO_CARE_STAFF = DEMO_USERS.find((u) => u.role === "care-staff")?.id as string;
const DEMO_CITIZEN = DEMO_USERS.find((u) => u.role === "citizen")?.id as string;

/** The demo people's names and dates of birth: the privacy tests look for them where they must not be. */
export const DEMO_CARE_PEOPLE = [
  { key: "joan", fullName: "Joan Whitfield", dateOfBirth: "1941-06-14" },
  { key: "arthur", fullName: "Arthur Pennington", dateOfBirth: "1938-02-03" },
  { key: "grace", fullName: "Grace Oduya", dateOfBirth: "1956-11-27" },
  { key: "tomos", fullName: "Tomos Rees", dateOfBirth: "1990-09-09" },
  { key: "lily", fullName: "Lily Marsh", dateOfBirth: "2014-04-22" },
] as const;

export type DemoPersonKey = (typeof DEMO_CARE_PEOPLE)[number]["key"];

const careStaff = (): Principal => ({
  userId: DEMO_CARE_STAFF,
  displayName: "Nia Collins",
  grants: [{ role: "care-staff", scopeType: "authority", scopeId: DEMO_AUTHORITY.county }],
  via: "session",
  twoFactor: true,
});

export const demoCareSeed: Seed = {
  name: "demo-care",
  description: "Demo people with care and support plans and personal budgets, and their accounts",
  demo: true,
  async run({ trx, clock }) {
    const county = DEMO_AUTHORITY.county;
    const ctx = { db: trx, clock, principal: careStaff() };
    const today = londonToday(clock);
    const monthsAgo = (n: number) => addMonths(today, -n);
    const ids = {} as Record<DemoPersonKey, string>;
    for (const p of DEMO_CARE_PEOPLE) {
      const person = await recordPerson(ctx, county, {
        fullName: p.fullName,
        dateOfBirth: p.dateOfBirth,
        areaCode: DEMO_AREA.westshire,
        address: "",
      });
      ids[p.key] = person.id;
    }
    const need = (key: DemoPersonKey, outcome: string, description: string, assessedOn: string) =>
      recordNeed(ctx, county, ids[key], { outcome, description, assessedOn });
    const week = (
      amount: string,
      parts: { delivery: string; amount: string; organisationId?: string }[],
    ) => ({
      amount,
      period: "week",
      parts,
    });

    // A direct payment, linked to the demo citizen as herself; changed once since.
    await need(
      "joan",
      "adult-social-care:managing-nutrition",
      "Help to shop for and prepare meals each day.",
      monthsAgo(5),
    );
    await need(
      "joan",
      "adult-social-care:personal-hygiene",
      "Help to wash and bathe, mornings.",
      monthsAgo(5),
    );
    const joan = await createPlan(ctx, county, ids.joan, {
      regime: "adult-social-care",
      startsOn: monthsAgo(4),
      surplusLevel: "£800",
      ...week("£320.00", [{ delivery: "direct-payment", amount: "£320.00" }]),
    });
    await recordLink(
      { db: trx, clock, principal: null, actor: SYSTEM("seed") },
      { authorityId: county, personId: ids.joan, userId: DEMO_CITIZEN, relationship: "self", grants: [] },
    );
    await changeBudget(ctx, county, joan.id, {
      startsOn: addDays(today, -7),
      surplusLevel: "£800",
      reason: "Two more hours of help a week with meals, after the occupational therapist's visit.",
      ...week("£352.00", [{ delivery: "direct-payment", amount: "£352.00" }]),
    });

    // Managed by the authority: the annual review overdue (started 13 months ago, never reviewed).
    await need(
      "arthur",
      "adult-social-care:using-home-safely",
      "Moving around the home safely; falls.",
      monthsAgo(14),
    );
    await createPlan(ctx, county, ids.arthur, {
      regime: "adult-social-care",
      startsOn: monthsAgo(13),
      ...week("£410.00", [{ delivery: "managed-by-authority", amount: "£410.00" }]),
    });

    // Managed by an organisation, per year.
    await need(
      "grace",
      "adult-social-care:community-services",
      "Getting to the day centre and the shops.",
      monthsAgo(3),
    );
    await createPlan(ctx, county, ids.grace, {
      regime: "adult-social-care",
      startsOn: monthsAgo(2),
      amount: "£15,600.00",
      period: "year",
      parts: [{ delivery: "managed-by-organisation", amount: "£15,600.00", organisationId: GREENWAY }],
    });

    // A mix, with a family representative holding only some grants; reviewed once, 5 months in (its
    // direct payment's first review), and due again within the month.
    await need(
      "tomos",
      "adult-social-care:work-training-education-volunteering",
      "Support to get to and keep voluntary work.",
      monthsAgo(18),
    );
    await need(
      "tomos",
      "adult-social-care:family-relationships",
      "Keeping in touch with friends and family.",
      monthsAgo(18),
    );
    const tomos = await createPlan(ctx, county, ids.tomos, {
      regime: "adult-social-care",
      startsOn: monthsAgo(18),
      ...week("£350.00", [
        { delivery: "direct-payment", amount: "£150.00" },
        { delivery: "managed-by-organisation", amount: "£200.00", organisationId: GREENWAY },
      ]),
    });
    await recordReview(ctx, county, tomos.id, {
      reviewedOn: addDays(monthsAgo(12), 14),
      outcome: "no-change",
      notes: "The direct payment is working well; Tomos employs his own support worker.",
    });
    await createAccount(trx, clock, SYSTEM("seed"), {
      id: DEMO_REPRESENTATIVE.id,
      email: DEMO_REPRESENTATIVE.email,
      displayName: DEMO_REPRESENTATIVE.displayName,
      passwordHash: await hashPassword(DEMO_PASSWORD),
      verified: true,
    });
    await grantRole(trx, clock, SYSTEM("seed"), { userId: DEMO_REPRESENTATIVE.id, role: "citizen" });
    await recordLink(
      { db: trx, clock, principal: null, actor: SYSTEM("seed") },
      {
        authorityId: county,
        personId: ids.tomos,
        userId: DEMO_REPRESENTATIVE.id,
        relationship: "family",
        grants: ["see-plan", "give-feedback"],
      },
    );

    // Special educational needs: a direct payment for a child, reviewed at 3 months.
    await need(
      "lily",
      "sen:section-b-special-educational-needs",
      "Speech, language and communication needs.",
      monthsAgo(2),
    );
    await createPlan(ctx, county, ids.lily, {
      regime: "sen",
      startsOn: monthsAgo(1),
      amount: "£2,400.00",
      period: "year",
      parts: [{ delivery: "direct-payment", amount: "£2,400.00" }],
    });
  },
};
