/**
 * Demo barriers to entry (issue 20, item 5): one barrier of each kind across the demo authorities,
 * logged through the module's service by the people who met them, each on a clock set to its moment
 * — days counted back from the day the demo is seeded, so the demo stands the same whatever day it is
 * seeded. Some are answered (accepted, disputed, acknowledged), one resolved (the closed tender's TUPE
 * information), one overdue (Greenway's working capital, 60 days ago, never answered), one anonymous
 * (contract size, on the open tender: shown on Westshire's tender set-up form). Olu Adeyemi is told
 * when Westshire answers the barrier about its payment terms (notice `barrier.answered`); each
 * authority's commissioners and administrators when a barrier is logged with it (`barrier.logged`)
 * and, by the daily sweep run once at the end, of those overdue (`barrier.reminder`). Fixed ids
 * (`…-0000000eNNNN`) so docs/barriers.md can link to them.
 */
import { type Clock, fixedClock } from "../../lib/clock.ts";
import type { Principal } from "../../modules/access/access.service.ts";
import type { Ctx } from "../../modules/access/context.ts";
import { answerBarrier, type LogInput, logBarrier } from "../../modules/barriers/barriers.service.ts";
import { sweepBarrierClocks } from "../../modules/barriers/reminders.service.ts";
import type { Seed } from "../seed.ts";
import { DEMO_AUTHORITY } from "./authorities.ts";
import { DEMO_TENDER } from "./tenders.ts";
import { DEMO_ORGANISATION, DEMO_PROVIDER_GREENWAY, DEMO_USERS } from "./users.ts";

const id = (n: number) => `019a0000-0000-7000-8000-0000000e${String(n).padStart(4, "0")}`;

/** The demo's barriers (fixed ids). */
export const DEMO_BARRIERS = {
  /** Westshire's payment terms, logged by Olu Adeyemi: accepted. */
  paymentTerms: id(1),
  /** Contract size on Westshire's open tender, anonymous: open. */
  contractSize: id(2),
  /** TUPE information missing from Westshire's closed tender: resolved. */
  tupe: id(3),
  /** Greenway's working capital with Westshire: overdue. */
  workingCapital: id(4),
} as const;

const userOf = (role: string, scopeId: string) =>
  DEMO_USERS.find((u) => u.role === role && u.scopeId === scopeId)?.id as string;

const person = (
  role: Principal["grants"][number]["role"],
  scopeId: string,
  scopeType: string,
): Principal => ({
  userId: userOf(role, scopeId),
  displayName: "",
  grants: [{ role, scopeType, scopeId } as Principal["grants"][number]],
  via: "session",
  twoFactor: true,
});

interface DemoBarrier {
  n: number;
  authorityId: string;
  by: Principal;
  daysAgo: number;
  input: LogInput;
  answers?: { by: Principal; afterDays: number; kind: string; text: string }[];
}

export const demoBarriersSeed: Seed = {
  name: "demo-barriers",
  description: "Demo barriers to entry: one of each kind across the demo authorities, some answered",
  demo: true,
  async run({ ctx }) {
    const now = ctx.clock.now().getTime();
    const at = (daysAgo: number): Clock => fixedClock(new Date(now - daysAgo * 86_400_000)) as Clock;
    const acting = (principal: Principal, clock: Clock): Ctx => ({ ...ctx, clock, principal });
    const olu = person("organisation-admin", DEMO_ORGANISATION, "organisation");
    const gwen = person("organisation-admin", DEMO_PROVIDER_GREENWAY, "organisation");
    const nia = person("care-staff", DEMO_AUTHORITY.county, "authority");
    const priya = person("commissioner", DEMO_AUTHORITY.county, "authority");
    const alan = person("authority-admin", DEMO_AUTHORITY.county, "authority");
    const dev = person("commissioner", DEMO_AUTHORITY.department, "authority");
    const county = DEMO_AUTHORITY.county;
    const barriers: DemoBarrier[] = [
      {
        n: 1,
        authorityId: county,
        by: olu,
        daysAgo: 50,
        input: {
          kind: "payment-terms",
          subject: "authority",
          description:
            "Invoices for home care visits are paid 60 days after the month's end. As a small community interest company we carry two months of wages before any payment arrives.",
        },
        answers: [
          {
            by: priya,
            afterDays: 12,
            kind: "accepted",
            text: "We accept this. From April our home care contracts pay within 15 days of a valid invoice, and monthly in advance for the first three months of a new contract.",
          },
        ],
      },
      {
        n: 2,
        authorityId: county,
        by: gwen,
        daysAgo: 10,
        input: {
          kind: "contract-size",
          subject: "tender",
          tenderId: DEMO_TENDER.open,
          anonymous: true,
          description:
            "The tender is one lot for the whole county. Only a provider already working county-wide can bid; splitting it by district would let local providers take part.",
        },
      },
      {
        n: 3,
        authorityId: county,
        by: olu,
        daysAgo: 70,
        input: {
          kind: "tupe-not-disclosed",
          subject: "tender",
          tenderId: DEMO_TENDER.closed,
          description:
            "The tender pack gave no information about the staff who would transfer under TUPE, so we could not price the bid.",
        },
        answers: [
          {
            by: alan,
            afterDays: 5,
            kind: "resolved",
            text: "The anonymised TUPE list (numbers, grades, pay and pension status) was added to the tender pack and the deadline moved by two weeks.",
          },
        ],
      },
      {
        n: 4,
        authorityId: county,
        by: gwen,
        daysAgo: 60,
        input: {
          kind: "working-capital",
          subject: "authority",
          description:
            "New providers are asked for a performance bond of 10% of the contract's value before starting, which our bank will not give without security.",
        },
      },
      {
        n: 5,
        authorityId: DEMO_AUTHORITY.department,
        by: olu,
        daysAgo: 40,
        input: {
          kind: "pensions",
          subject: "policy",
          policy: "Department pension admission guidance",
          policyUrl: "https://example.org/pension-admission-guidance",
          description:
            "Staff transferring to us would lose access to the public sector scheme: the guidance leaves admission to the department's discretion.",
        },
        answers: [
          {
            by: dev,
            afterDays: 18,
            kind: "disputed",
            text: "Admission is offered under New Fair Deal to every provider taking on staff who transfer compulsorily; the staff in question transferred voluntarily.",
          },
        ],
      },
      {
        n: 6,
        authorityId: DEMO_AUTHORITY.department,
        by: gwen,
        daysAgo: 20,
        input: {
          kind: "vat-treatment",
          subject: "policy",
          policy: "VAT on services contracted out by government departments",
          description:
            "The department recovers VAT on the service when it runs it itself but pays 20% more when a charity provides it, so our bid starts far behind.",
        },
        answers: [
          {
            by: dev,
            afterDays: 2,
            kind: "acknowledged",
            text: "Received. VAT treatment is national policy; we will say what we can do within the period.",
          },
        ],
      },
      {
        n: 7,
        authorityId: DEMO_AUTHORITY.district,
        by: olu,
        daysAgo: 15,
        input: {
          kind: "access-to-capital",
          subject: "authority",
          description:
            "The district's community fund is open only to charities, not to community interest companies.",
        },
      },
      {
        n: 8,
        authorityId: county,
        by: nia,
        daysAgo: 30,
        input: {
          kind: "parent-body-opposition",
          subject: "authority",
          description:
            "Our team's proposal to run the reablement service as a mutual has waited five months for a decision from the council.",
        },
        answers: [
          {
            by: alan,
            afterDays: 3,
            kind: "acknowledged",
            text: "Received: the proposal goes to the cabinet in the next cycle.",
          },
        ],
      },
      {
        n: 9,
        authorityId: DEMO_AUTHORITY.welsh,
        by: gwen,
        daysAgo: 25,
        input: {
          kind: "skills",
          subject: "authority",
          description:
            "Bids must be written to a 40-page template; small providers have no one to write them.",
        },
      },
      {
        n: 10,
        authorityId: DEMO_AUTHORITY.district,
        by: olu,
        daysAgo: 5,
        input: {
          kind: "other",
          subject: "policy",
          policy: "Insurance requirements for contracted services",
          description:
            "£10 million of public liability insurance is asked of every provider, whatever the service.",
        },
      },
    ];
    for (const b of barriers) {
      await logBarrier(acting(b.by, at(b.daysAgo)), b.authorityId, b.input, { id: id(b.n) });
      for (const a of b.answers ?? [])
        await answerBarrier(acting(a.by, at(b.daysAgo - a.afterDays)), b.authorityId, id(b.n), {
          kind: a.kind,
          text: a.text,
        });
    }
    // The daily sweep as it would run today: the authorities told of the barriers overdue or near
    // their last day (Westshire of Greenway's working capital: notice `barrier.reminder`).
    await sweepBarrierClocks(ctx.db, ctx.clock);
  },
};
