/**
 * How the tenders pages' forms are read, without a database: the bid form's consortium member
 * blocks (one at a time, "Add another member", at most a consortium's limit), and the set-up form
 * filled in with a draft for its edit page, read back as the same draft.
 */
import { describe, expect, it } from "vitest";
import { BID_LIMITS } from "./bids.service.ts";
import type { TenderDraft } from "./setup.service.ts";
import {
  bidDraftFromForm,
  bidFormAgain,
  memberChoicesOf,
  memberCountOf,
  tenderDraftFromForm,
  tenderFormRows,
  tenderFormValues,
} from "./tenders.forms.ts";

describe("the bid form's consortium members", () => {
  it("shows one block to begin with, one more for 'Add another member', and every block in use", () => {
    expect(memberCountOf(undefined)).toBe(1);
    expect(memberCountOf({ memberCount: "1" })).toBe(1);
    expect(memberCountOf({ memberCount: "1", add: "member" })).toBe(2);
    expect(memberCountOf({ memberCount: "2", "consortium.members.4.name": "Typed in a sixth block" })).toBe(
      5,
    );
    expect(memberCountOf({ memberCount: "nonsense" })).toBe(1);
  });

  it("never shows more blocks than a consortium may name", () => {
    const limit = BID_LIMITS.members;
    expect(memberCountOf({ memberCount: String(limit - 1), add: "member" })).toBe(limit);
    expect(memberCountOf({ memberCount: String(limit), add: "member" })).toBe(limit);
    expect(memberCountOf({ memberCount: "100000" })).toBe(limit);
  });

  it("is shown again, not submitted, for 'Add another member' and 'Find'", () => {
    expect(bidFormAgain({ add: "member" })).toBe(true);
    expect(bidFormAgain({ find: "0" })).toBe(true);
    expect(bidFormAgain({ price: "£1" })).toBe(false);
  });

  it("reads a member chosen from the directory by its id, one typed by its details", () => {
    const body = {
      consortium: "yes",
      "consortium.leadShareBp": "70",
      "consortium.members.0.organisationId": "019a0000-0000-7000-8000-00000000b016",
      "consortium.members.0.role": "partner",
      "consortium.members.0.shareBp": "20",
      "consortium.members.1.name": "Wesford Night Sitters",
      "consortium.members.1.role": "subcontractor",
      "consortium.members.1.sector": "voluntary-community",
      "consortium.members.1.sizeBand": "micro",
      "consortium.members.1.shareBp": "10",
      "consortium.members.1.find": "Night",
    };
    expect(bidDraftFromForm(body, []).consortium).toEqual({
      leadShareBp: 7000,
      members: [
        {
          organisationId: "019a0000-0000-7000-8000-00000000b016",
          name: "",
          role: "partner",
          sector: "",
          sizeBand: "",
          shareBp: 2000,
        },
        {
          organisationId: null,
          name: "Wesford Night Sitters",
          role: "subcontractor",
          sector: "voluntary-community",
          sizeBand: "micro",
          shareBp: 1000,
        },
      ],
    });
    expect(memberChoicesOf(body)).toEqual([
      { find: "", organisationId: "019a0000-0000-7000-8000-00000000b016" },
      { find: "Night", organisationId: "" },
    ]);
  });
});

describe("the set-up form filled in with a draft (its edit page)", () => {
  const draft: TenderDraft = {
    projectId: "019a0000-0000-7000-8000-00000000d001",
    title: "Home care: Millbrook",
    description: "Home care in Millbrook.",
    procedure: "open",
    stages: "",
    pricingMode: "competitive",
    fixedPrice: null,
    tariff: "",
    scoringScaleMax: 10,
    reserved: true,
    contractTermMonths: 36,
    tupe: { applies: true, staffCount: 12, annualCost: "310000.00", terms: "NJC terms" },
    pensionTerms: "LGPS",
    vatTreatment: "exempt",
    vatNote: "",
    clarificationDeadline: "2027-01-08T12:00:00.000Z",
    submissionDeadline: "2027-06-15T11:00:00.000Z",
    lots: Array.from({ length: 5 }, (_, i) => ({
      title: `Lot ${i + 1}`,
      description: `What lot ${i + 1} covers`,
      estimatedValue: "1000.00",
    })),
    conditions: ["Registered with the Care Quality Commission"],
    criteria: [
      {
        kind: "quality",
        title: "Quality of care",
        description: "How care is planned",
        weightBp: 6550,
        subCriteria: [
          { title: "Continuity", description: "The same carers", weightBp: 4000 },
          { title: "Safeguarding", description: "", weightBp: 2550 },
        ],
      },
      { kind: "price", title: "Price", description: "", weightBp: 3450, subCriteria: [] },
    ],
  };

  it("reads back as the same draft, descriptions the form does not show included", () => {
    expect(tenderDraftFromForm(tenderFormValues(draft))).toEqual(draft);
  });

  it("shows every row the draft uses, and at least the form's own", () => {
    expect(tenderFormRows(tenderFormValues(draft))).toEqual({
      lotRows: 5,
      conditionRows: 6,
      criterionRows: 6,
      subCriterionRows: 3,
    });
  });
});
