/**
 * Request and response schemas of delegations: the open figures and the list (/api/v1/delegations),
 * a delegation with its reports, delegating a service (/api/v1/authorities/:authorityId/delegations),
 * its review, its end and the body's delivery reports. Pence as digits; money sent as typed.
 */
import { Type } from "typebox";
import { Instant, IsoDate, MoneyText, Nullable, PenceText, Strings, Uuid } from "../../http/schemas.ts";
import { RATINGS } from "./delegations.table.ts";

export const DelegationParams = Type.Object({ delegationId: Uuid });
export const OverviewQuery = Type.Object({
  authorityId: Type.Optional(Uuid),
});

const Text = (description: string) => Type.String({ description });

export const DelegateBody = Type.Object({
  serviceId: Text("The service of the authority's register delegated"),
  areaCode: Type.Optional(
    Text(
      "The part of the service in an area: a code of the areas list (GSS); left out for the whole service",
    ),
  ),
  organisationId: Text(
    "The parish or town council or community body of the directory it is delegated to (its directory id)",
  ),
  budget: MoneyText("The delegated budget a year, in pounds"),
  standards: Type.Array(Type.String(), {
    description: "The standards expected, 1 to 20, each 500 characters at most",
  }),
  startsOn: IsoDate,
  reviewOn: IsoDate,
});
export const ReviewBody = Type.Object({
  outcome: Strings(["continued", "changed", "ended"] as const),
  note: Text("What the review found (when ended: the reasons), 5,000 characters at most"),
  nextReviewOn: Type.Optional(IsoDate),
  budget: Type.Optional(MoneyText("The new delegated budget a year, when changed")),
});
export const EndBody = Type.Object({
  reasons: Text("Why the delegation ends, 5,000 characters at most"),
});
export const ReportBody = Type.Object({
  from: IsoDate,
  to: IsoDate,
  delivered: Text("What was delivered in the period, 5,000 characters at most"),
  spent: MoneyText("The money spent in the period, in pounds"),
  ratings: Type.Array(Strings(RATINGS), { description: "Against each standard, in the delegation's order" }),
  notes: Type.Optional(Type.Array(Type.String(), { description: "A note against each standard, in order" })),
});

const Status = Strings(["active", "under-review", "ended"] as const);

export const DelegationSummary = Type.Object({
  id: Uuid,
  authorityId: Uuid,
  authorityName: Type.String(),
  serviceId: Uuid,
  serviceName: Type.String(),
  areaCode: Nullable(Type.String()),
  areaName: Nullable(Type.String({ description: "Null: the whole service" })),
  organisationId: Uuid,
  organisationName: Type.String(),
  budgetPence: PenceText,
  standards: Type.Array(Type.String()),
  startsOn: IsoDate,
  reviewOn: IsoDate,
  status: Status,
  reviewDue: Type.Boolean({ description: "The review falls within 30 days, or has passed" }),
  lastReviewedOn: Nullable(IsoDate),
  reviewNote: Nullable(Type.String()),
  endedOn: Nullable(IsoDate),
  endReasons: Nullable(Type.String()),
  updatedAt: Instant,
});

const Report = Type.Object({
  id: Uuid,
  from: IsoDate,
  to: IsoDate,
  delivered: Type.String(),
  spentPence: PenceText,
  against: Type.Array(
    Type.Object({ standard: Type.String(), rating: Strings(RATINGS), note: Type.String() }),
  ),
  submittedAt: Instant,
});

export const DelegationResponse = Type.Object({
  ...DelegationSummary.properties,
  reports: Type.Array(Report),
});

const Figures = Type.Object({
  registerCostPence: PenceText,
  delegatedPence: PenceText,
  sharePercent: Nullable(
    Type.String({
      description: "The delegated budgets as a per cent of the register's annual cost, to 2 places",
    }),
  ),
  services: Type.Integer(),
  bodies: Type.Integer(),
});

export const OverviewResponse = Type.Object({
  overall: Figures,
  byAuthority: Type.Array(
    Type.Object({ authorityId: Uuid, authorityName: Type.String(), ...Figures.properties }),
  ),
  delegations: Type.Array(DelegationSummary),
});
