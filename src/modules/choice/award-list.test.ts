/**
 * A list from a tender's award (issue 17, item 3), through HTTP on one seeded app: the demo's one
 * contract (Westshire's "Sitting service for carers", with Millbrook Carers' Trust) is drafted into a
 * list — first refused with the reason (the Trust holds no registration for home care), then, once
 * the Trust's location is registered, added with its contract; the authority enters the contracted
 * price, publishes, and the public page links the contract; the list takes no joins, a member's
 * offer keeps the contracted price, and the member leaves (a draft's too) when its registration is
 * suspended.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { createUser, postForm, sessionFor, type TestSession } from "../../../tests/support/auth.ts";
import { mainText, summaryErrors } from "../../../tests/support/pages.ts";
import { DEMO_AREA } from "../../seed/demo/areas.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_CONTRACTS } from "../../seed/demo/contracts.ts";
import { DEMO_USERS } from "../../seed/demo/users.ts";
import { systemCtx } from "../access/context.ts";
import { regimeOf } from "../regulation/regimes.service.ts";
import {
  checkApplication,
  recordApplication,
  recordRegistrationMove,
} from "../regulation/registration.service.ts";

const COUNTY = "/authorities/westshire-county-council";
const API = `/api/v1/authorities/${DEMO_AUTHORITY.county}/choice/lists`;
const CARERS_TRUST = "019a0000-0000-7000-8000-00000000b002";
const SITTING_TENDER = "019a0000-0000-7000-8000-00000000f203";
const CONTRACT = DEMO_CONTRACTS[0] as string;
const LOCATION = "019a0000-0000-7000-8000-0000000f0cf1";

let t: TestApp;
let commissioner: TestSession;

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  const id = DEMO_USERS.find((u) => u.role === "commissioner")?.id ?? "";
  commissioner = await sessionFor(t.app, id, { twoFactor: true });
});

afterAll(async () => {
  await t?.close();
});

const draft = {
  title: "Sitting service for carers",
  areaCodes: [DEMO_AREA.millbrook],
  tariff: "19.50",
  tariffUnit: "hour",
};

describe("a list from a tender's award", () => {
  it("does not add a supplier that fails the registration condition, and says why", async () => {
    const form = await t.app.inject({
      method: "GET",
      url: `${COUNTY}/choice/from-award`,
      headers: { cookie: commissioner.cookie },
    });
    expect(form.statusCode).toBe(200);
    expect(mainText(form.body)).toContain("Suppliers: Millbrook Carers' Trust");
    // A search narrows the tenders offered (by the contract's title or supplier).
    const search = (q: string) =>
      t.app.inject({
        method: "GET",
        url: `${COUNTY}/choice/from-award?q=${q}`,
        headers: { cookie: commissioner.cookie },
      });
    expect(mainText((await search("Millbrook")).body)).toContain("Suppliers: Millbrook Carers' Trust");
    expect(mainText((await search("Nowhere")).body)).not.toContain("Suppliers:");
    const empty = await postForm(t.app, commissioner, `${COUNTY}/choice/from-award`, {});
    expect(empty.statusCode).toBe(400);
    expect(summaryErrors(empty.body)[0]).toEqual([
      "#source",
      "Choose the awarded tender the list comes from",
    ]);
    const saved = await postForm(t.app, commissioner, `${COUNTY}/choice/from-award`, {
      ...draft,
      source: SITTING_TENDER,
    });
    expect(saved.statusCode).toBe(303);
    const page = await t.app.inject({
      method: "GET",
      url: saved.headers.location as string,
      headers: { cookie: commissioner.cookie },
    });
    const text = mainText(page.body);
    expect(text).toContain("Suppliers of the award not added, and why");
    expect(text).toContain(
      "Millbrook Carers' Trust has no current registration with a regulator for Domiciliary care",
    );
    const listId = (saved.headers.location as string).split("/").at(-1)?.split("?")[0];
    const publish = await call(t.app, "POST", `${API}/${listId}/publish`, commissioner);
    expect(publish.statusCode).toBe(422);
    expect(publish.json().error.code).toBe("no_members");
  });

  it("adds a registered supplier with its contract; the contracted price is entered before publishing", async () => {
    const ctx = systemCtx(t.deps.db, t.deps.clock, "test");
    const regulator = DEMO_AUTHORITY.regulator;
    const application = await checkApplication(ctx, await regimeOf(ctx, regulator), {
      organisationId: CARERS_TRUST,
      name: "Millbrook Carers' Trust – Home Care",
      addressLine1: "1 Mill Lane",
      town: "Millbrook",
      postcode: "MB1 1AA",
      areaCode: DEMO_AREA.millbrook,
      capacity: 20,
      capacityUnit: "people",
      registeredManager: "Sam Jones",
      serviceTypes: ["domiciliary-care"],
      activities: ["personal-care"],
    });
    await recordApplication(ctx, regulator, application, LOCATION);
    await recordRegistrationMove(ctx, regulator, LOCATION, "registered", "Meets the standards.");

    const created = await call(t.app, "POST", `${API}/from-award`, commissioner, {
      ...draft,
      tenderId: SITTING_TENDER,
    });
    expect(created.statusCode).toBe(201);
    const list = created.json();
    expect(list).toMatchObject({
      memberCount: 1,
      serviceType: { code: "domiciliary-care" },
      source: { tenderId: SITTING_TENDER, lotId: null, tenderTitle: "Sitting service for carers" },
      notAdded: [],
    });
    const another = await call(t.app, "POST", `${API}/from-award`, commissioner, {
      ...draft,
      tenderId: SITTING_TENDER,
    });
    expect(another.json().memberCount).toBe(1);
    const publish = () => call(t.app, "POST", `${API}/${list.id}/publish`, commissioner);
    const early = await publish();
    expect(early.statusCode).toBe(422);
    expect(early.json().error.code).toBe("prices_missing");
    const price = `${API}/${list.id}/members/${CARERS_TRUST}/contracted-price`;
    const adminId = (
      await createUser(t.deps.db, { grants: [{ role: "organisation-admin", scopeId: CARERS_TRUST }] })
    ).id;
    const admin = await sessionFor(t.app, adminId);
    expect((await call(t.app, "PUT", price, admin, { price: "19.80" })).statusCode).toBe(404);
    expect((await call(t.app, "PUT", price, commissioner, { price: "19.80" })).statusCode).toBe(204);
    const told = () =>
      t.deps.db
        .selectFrom("notifications")
        .select("body")
        .where("kind", "=", "choice.contracted-price-set")
        .where("user_id", "=", adminId)
        .execute();
    // A draft's price is its editors' only; on the published list the provider is told of a change.
    expect(await told()).toHaveLength(0);
    expect((await publish()).statusCode).toBe(200);
    expect((await call(t.app, "PUT", price, admin, { price: "25.00" })).statusCode).toBe(403);
    expect((await call(t.app, "PUT", price, commissioner, { price: "19.80" })).statusCode).toBe(204);
    expect((await told()).map((n) => n.body)).toEqual([expect.stringContaining("£19.80")]);

    const page = await t.app.inject({ method: "GET", url: `${COUNTY}/choice/${list.id}` });
    const text = mainText(page.body);
    expect(text).toContain("The prices on this list are the contracted rates the authority entered");
    expect(text).toContain("£19.80 an hour");
    expect(page.body).toContain(`href="${COUNTY}/contracts/${CONTRACT}"`);
    expect(page.body).toContain(`href="${COUNTY}/tenders/${SITTING_TENDER}/award"`);
    expect(text).not.toContain("Suppliers of the award not added");
    const api = await call(t.app, "GET", `${API}/${list.id}`);
    expect(api.json().contracts).toEqual([
      {
        organisation: { id: CARERS_TRUST, name: "Millbrook Carers' Trust" },
        contractId: CONTRACT,
        contractUrl: `${COUNTY}/contracts/${CONTRACT}`,
        contractedPrice: { pence: "1980", text: "£19.80" },
      },
    ]);
    expect(api.json().members[0]).toMatchObject({ price: { pence: "1980" }, priceAgainstTariff: "above" });

    // No joins: a provider asking is told why
    const other = await sessionFor(
      t.app,
      (
        await createUser(t.deps.db, {
          grants: [{ role: "organisation-admin", scopeId: "019a0000-0000-7000-8000-00000000b004" }],
        })
      ).id,
    );
    const join = await call(t.app, "POST", `${API}/${list.id}/members`, other, {
      organisationId: "019a0000-0000-7000-8000-00000000b004",
    });
    expect(join.statusCode).toBe(409);
    expect(join.json().error.code).toBe("list_from_award");
    expect(page.body).not.toContain(`/choice/${list.id}/join`);

    // The member publishes its capacity; the price stays the contracted one
    const offer = `${API}/${list.id}/members/${CARERS_TRUST}/offer`;
    expect(
      (await call(t.app, "PUT", offer, admin, { capacity: 30, capacityUnit: "hours-a-week", price: "25.00" }))
        .statusCode,
    ).toBe(400);
    expect(
      (await call(t.app, "PUT", offer, admin, { capacity: 30, capacityUnit: "hours-a-week" })).statusCode,
    ).toBe(204);
    expect((await call(t.app, "GET", `${API}/${list.id}`)).json().members[0]).toMatchObject({
      price: { pence: "1980" },
      capacity: 30,
    });

    // It leaves when its registration is suspended, as a member of any list does
    await recordRegistrationMove(ctx, regulator, LOCATION, "suspended", "Staffing concerns.");
    expect((await call(t.app, "GET", `${API}/${list.id}`)).json().list.memberCount).toBe(0);
    const stillDraft = await call(t.app, "GET", `${API}/${another.json().id}`, commissioner);
    expect(stillDraft.json().list).toMatchObject({ status: "draft", memberCount: 0 });
  });
});
