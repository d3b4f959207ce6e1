/**
 * Issue 17's journey through the JSON API alone (one seeded app, `app.inject`; on PGlite in
 * `npm test`, on PostgreSQL when DATABASE_URL is set): Westshire's care staff record a person and a
 * plan with a direct-payment budget, whose ledger opens and is paid in; the person, linked to their
 * own account, finds the open home-care list's members, compares them and arranges a service with
 * Greenway Home Care; Greenway's administrator (the demo's Gwen Parry) accepts it and invoices it; the person pays the invoice (the
 * same request sent again with its key posts once) and the direct payment falls by exactly the
 * invoice; the person leaves feedback on Greenway, which Greenway's public feedback list shows
 * without the person's name.
 *
 * The link between the person and their account is recorded by the care module's service, as the
 * invitation's acceptance records it: the invitation is accepted on a page, not through the API.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM } from "../../src/modules/audit/audit.service.ts";
import { runPaymentsIn } from "../../src/modules/budgets/payments.service.ts";
import { recordLink } from "../../src/modules/care/representatives.service.ts";
import { DEMO_AREA } from "../../src/seed/demo/areas.ts";
import { DEMO_AUTHORITY } from "../../src/seed/demo/authorities.ts";
import { DEMO_CARE_STAFF } from "../../src/seed/demo/care.ts";
import { DEMO_CHOICE, DEMO_CHOICE_MEMBERS } from "../../src/seed/demo/choice.ts";
import { DEMO_PROVIDER_GREENWAY, DEMO_USERS } from "../../src/seed/demo/users.ts";
import { call } from "../support/api.ts";
import { createTestApp, type TestApp } from "../support/app.ts";
import { createUser, sessionFor, type TestSession } from "../support/auth.ts";
import { ctxFor } from "../support/principals.ts";

const COUNTY = DEMO_AUTHORITY.county;
const GREENWAY = DEMO_CHOICE_MEMBERS.greenway;
const NAME = "Marian Oakhurst";
const GWEN = DEMO_USERS.find((u) => u.role === "organisation-admin" && u.scopeId === DEMO_PROVIDER_GREENWAY)
  ?.id as string;

let t: TestApp;
let staff: TestSession;
let person: TestSession;
let gwen: TestSession;

/** A money route's call, with its idempotency key. */
function keyed(url: string, who: TestSession, key: string, body?: unknown) {
  return t.app.inject({
    method: "POST",
    url,
    headers: { cookie: who.cookie, "content-type": "application/json", "idempotency-key": key },
    payload: JSON.stringify(body ?? {}),
  });
}

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  staff = await sessionFor(t.app, DEMO_CARE_STAFF, { twoFactor: true });
  gwen = await sessionFor(t.app, GWEN, { twoFactor: true });
});
afterAll(async () => {
  await t?.close();
});

describe("a personal budget's journey through the API", () => {
  let personId: string;
  let planId: string;
  let arrangementId: string;
  let invoiceId: string;
  const people = `/api/v1/authorities/${COUNTY}/care/people`;
  const ledger = () => `/api/v1/authorities/${COUNTY}/budgets/${planId}`;
  const directPayment = async () => {
    const found = await call(t.app, "GET", ledger(), staff);
    expect(found.statusCode, found.body).toBe(200);
    return found.json().balances.find((b: { account: string }) => b.account === "direct-payment")
      .balancePence as string;
  };

  it("care staff record the person and a plan with a direct-payment budget, and its ledger opens", async () => {
    const recorded = await call(t.app, "POST", people, staff, {
      fullName: NAME,
      dateOfBirth: "1944-03-09",
      areaCode: DEMO_AREA.westshire,
    });
    expect(recorded.statusCode).toBe(201);
    personId = recorded.json().id;
    const plan = await call(t.app, "POST", `${people}/${personId}/plans`, staff, {
      regime: "adult-social-care",
      amount: "£300.00",
      period: "week",
      startsOn: "2026-11-16",
      parts: [{ delivery: "direct-payment", amount: "£300.00" }],
    });
    expect(plan.statusCode).toBe(201);
    planId = plan.json().id;
    // The plan opened its ledger (four-weekly from its start); the job it queued pays in the period
    // started on 16 November: four weeks at £300.
    await runPaymentsIn(t.deps.db, t.deps.clock, COUNTY, planId);

    const userId = (await createUser(t.deps.db, {})).id;
    await recordLink(
      { ...ctxFor(t.deps.db, t.deps.clock, null), actor: SYSTEM("test") },
      { authorityId: COUNTY, personId, userId, relationship: "self", grants: [] },
    );
    person = await sessionFor(t.app, userId);
    const mine = (await call(t.app, "GET", "/api/v1/me/care", person)).json();
    expect(JSON.stringify(mine)).toContain(personId);
    expect(await directPayment()).toBe("120000");
  });

  it("the person finds the open list's members and arranges with Greenway; Gwen accepts", async () => {
    const lists = (
      await call(t.app, "GET", `/api/v1/choice/lists?areaCode=${DEMO_AREA.westshire}`, person)
    ).json();
    expect(lists.lists.map((l: { id: string }) => l.id)).toContain(DEMO_CHOICE.homeCareList);
    const list = await call(
      t.app,
      "GET",
      `/api/v1/authorities/${COUNTY}/choice/lists/${DEMO_CHOICE.homeCareList}`,
      person,
    );
    const members = list.json().members.map((m: { organisation: { id: string } }) => m.organisation.id);
    expect(members).toHaveLength(3);
    expect(members).toContain(GREENWAY);

    const compared = await call(
      t.app,
      "GET",
      `/api/v1/authorities/${COUNTY}/choice/lists/${DEMO_CHOICE.homeCareList}/compare?${members.map((m: string) => `organisations=${m}`).join("&")}`,
      person,
    );
    expect(compared.statusCode, compared.body).toBe(200);
    for (const member of members) expect(compared.body).toContain(member);

    const arranged = await call(
      t.app,
      "POST",
      `/api/v1/authorities/${COUNTY}/people/${personId}/arrangements`,
      person,
      {
        planId,
        paidFrom: "direct-payment",
        organisationId: GREENWAY,
        listId: DEMO_CHOICE.homeCareList,
        description: "Help to get up and dressed, an hour each morning.",
        unitsPerWeek: "7",
        startsOn: "2026-11-22",
      },
    );
    expect(arranged.statusCode, arranged.body).toBe(201);
    arrangementId = arranged.json().id;
    const one = `/api/v1/authorities/${COUNTY}/arrangements/${arrangementId}`;
    expect((await call(t.app, "POST", `${one}/accept`, person)).statusCode).toBe(403);
    const accepted = await call(t.app, "POST", `${one}/accept`, gwen);
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().status).toBe("accepted");
  });

  it("Gwen invoices it; the person pays once per key, and the direct payment falls by exactly the invoice", async () => {
    const invoiced = await keyed(`/api/v1/organisations/${GREENWAY}/invoices`, gwen, "journey-invoice-1", {
      authorityId: COUNTY,
      arrangementId,
      periodStartsOn: "2026-11-22",
      periodEndsOn: "2026-11-22",
      units: "1",
      amount: "21.50",
      reference: "GHC-JOURNEY-1",
    });
    expect(invoiced.statusCode, invoiced.body).toBe(201);
    invoiceId = invoiced.json().invoice.id;
    const before = BigInt(await directPayment());

    const pay = `${ledger()}/invoices/${invoiceId}/payment`;
    const paid = await keyed(pay, person, "journey-pay-1");
    expect(paid.statusCode).toBe(201);
    const again = await keyed(pay, person, "journey-pay-1");
    expect(again.statusCode).toBe(201);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(again.json()).toEqual(paid.json());

    expect(before - BigInt(await directPayment())).toBe(2150n);
    const kinds = (await call(t.app, "GET", ledger(), staff))
      .json()
      .transactions.map((x: { kind: string }) => x.kind);
    expect(kinds.filter((k: string) => k !== "payment-in")).toHaveLength(1);
    // The person's own statement shows the one payment out.
    const statement = await call(t.app, "GET", `${ledger()}/statement`, person);
    expect(statement.statusCode, statement.body).toBe(200);
    const out = statement.json().lines.filter((l: { changePence: string }) => l.changePence.startsWith("-"));
    expect(out.map((l: { changePence: string }) => l.changePence)).toEqual(["-2150"]);
  });

  it("the person leaves feedback on Greenway, shown on its list without the person's name", async () => {
    const left = await call(t.app, "POST", `${people}/${personId}/feedback`, person, {
      organisationId: GREENWAY,
      stars: 4,
      text: "Always on time and kind; the first morning went well.",
      serviceType: "domiciliary-care",
      serviceMonth: "2026-11",
    });
    expect(left.statusCode, left.body).toBe(201);
    expect(left.json().state).toBe("published");
    const shown = await call(t.app, "GET", `/api/v1/organisations/${GREENWAY}/feedback`);
    expect(shown.statusCode).toBe(200);
    const review = shown.json().reviews.find((r: { id: string }) => r.id === left.json().id);
    expect(review).toMatchObject({ stars: 4, text: "Always on time and kind; the first morning went well." });
    expect(shown.body).not.toContain("Marian");
    expect(shown.body).not.toContain("Oakhurst");
  });
});
