/**
 * Schemas of redress's open figures (GET /api/v1/complaints/figures/…) and published decisions
 * (GET /api/v1/complaints/decisions…): counts of 1 to 9 suppressed (null); nothing personal.
 */
import { Type } from "typebox";
import { Bp, Instant, IsoDate, Nullable, PenceText, Strings, Uuid } from "../../http/schemas.ts";
import { CASE_FINDINGS, REMEDY_KINDS, SCHEMES } from "./redress.table.ts";
import { REGIME_CODES } from "./regimes.ts";

export const SlugParams = Type.Object({ slug: Type.String({ maxLength: 100 }) });
export const IdParams = Type.Object({ id: Uuid });
export const ReferenceParams = Type.Object({ reference: Type.String({ maxLength: 64 }) });

const Shown = (description: string) =>
  Nullable(Type.Integer({ minimum: 0, description: `${description}; null when 1 to 9 (suppressed)` }));

const Step = Type.Object({
  onTime: Shown("Done by the deadline (as extended)"),
  late: Shown("Done after it"),
  notYet: Shown("Not done (yet)"),
});

export const BodyFiguresResponse = Type.Object({
  body: Type.Object({
    type: Strings(["organisation", "authority"] as const),
    id: Uuid,
    name: Type.String(),
    slug: Nullable(Type.String()),
  }),
  periodFrom: IsoDate,
  periodTo: IsoDate,
  countedAt: Instant,
  headline: Type.Object({
    received: Shown("Complaints received in the 12 months"),
    answered: Shown("Answers given at any stage to those complaints"),
    upheld: Shown("Answers upheld in full or in part"),
    upheldRate: Nullable(Bp("Upheld in full or in part over answered, in basis points")),
  }),
  stages: Type.Array(
    Type.Object({
      regime: Strings(REGIME_CODES),
      stage: Type.Integer({ minimum: 1 }),
      received: Shown("Complaints that reached this stage"),
      acknowledged: Nullable(Step),
      answered: Step,
      extended: Shown("Answers whose deadline was extended"),
      upheld: Shown("Upheld"),
      partlyUpheld: Shown("Partly upheld"),
      notUpheld: Shown("Not upheld"),
      upheldRate: Nullable(Bp("Upheld in full or in part over answered, in basis points")),
    }),
  ),
  overdueSteps: Shown("Open complaints whose next step is overdue today"),
  secondTier: Type.Object({
    escalated: Shown("Cases escalated to an ombudsman in the 12 months"),
    decided: Shown("Cases decided in the 12 months"),
    findings: Type.Array(Type.Object({ finding: Strings(CASE_FINDINGS), count: Shown("Decisions") })),
    remediesOrdered: Shown("Remedies ordered in the 12 months"),
    remediesCompliedOnTime: Shown("Complied with by the due day (confirmed)"),
    remediesCompliedLate: Shown("Complied with after it (confirmed)"),
    remediesNotYet: Shown("Not yet confirmed"),
    remediesOverdue: Shown("Past their due day and not confirmed, today (ordered at any time)"),
  }),
});

export const DecisionsQuery = Type.Object({
  ombudsman: Type.Optional(Type.String({ maxLength: 100, description: "The ombudsman's slug" })),
  finding: Type.Optional(Type.String({ maxLength: 40 })),
  after: Type.Optional(Type.String({ maxLength: 400, description: "A previous answer's `next`" })),
});

const Decision = {
  reference: Type.String(),
  ombudsman: Type.Object({ id: Uuid, name: Type.String(), slug: Type.String() }),
  scheme: Strings(SCHEMES),
  body: Type.Object({
    authority: Type.Object({ id: Uuid, name: Type.String(), slug: Type.String() }),
    organisation: Nullable(Type.Object({ id: Uuid, name: Type.String() })),
    answerer: Strings(["provider", "authority"] as const),
  }),
  regime: Strings(REGIME_CODES),
  escalatedOn: IsoDate,
  decidedOn: IsoDate,
  finding: Strings(CASE_FINDINGS),
  summary: Type.String({ description: "The ombudsman's anonymised summary" }),
  pageUrl: Type.String(),
};

export const DecisionList = Type.Object({
  decisions: Type.Array(Type.Object(Decision)),
  next: Nullable(Type.String({ description: "Pass as `after` for the next page; null on the last" })),
});

export const DecisionResponse = Type.Object({
  ...Decision,
  remedies: Type.Array(
    Type.Object({
      kind: Strings(REMEDY_KINDS),
      amount: Nullable(PenceText),
      dueOn: IsoDate,
      state: Strings([
        "complied-on-time",
        "complied-late",
        "reported",
        "reported-late",
        "due",
        "overdue",
      ] as const),
    }),
  ),
});
