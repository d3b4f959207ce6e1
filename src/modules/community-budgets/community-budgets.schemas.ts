/**
 * Request and response schemas of community budgets: the pools (/api/v1/community-budgets), a
 * pool with its summary and entries, a new pool (/api/v1/authorities/:authorityId/community-budgets),
 * its partners, contributions and spends, and a partner's report. Pence as digits; money sent as
 * typed ("£1,234.56").
 */
import { Type } from "typebox";
import { Instant, IsoDate, MoneyText, Nullable, PenceText, Strings, Uuid } from "../../http/schemas.ts";
import { JOURNAL_KINDS, SPEND_KINDS } from "./community-budgets.table.ts";

export const PoolParams = Type.Object({ poolId: Uuid });
export const EntryParams = Type.Object({ poolId: Uuid, journalId: Uuid });
export const ReportParams = Type.Object({ poolId: Uuid, authorityId: Uuid });

const Text = (description: string) => Type.String({ description });

export const PoolBody = Type.Object({
  name: Text("The pool's name, 200 characters at most"),
  areaCode: Text("The area it is for: a code of the areas list (GSS), like E10000901"),
  purpose: Text("What the pool is for, 2,000 characters at most"),
});
export const PartnerBody = Type.Object({
  authorityId: Text("The partner: a public body of the platform"),
  agreed: Type.Optional(MoneyText("The share the partner agreed to put in, in pounds (optional)")),
});
export const ContributionBody = Type.Object({
  partnerAuthorityId: Type.Optional(Text("The partner contributing, when the caller acts for more than one")),
  amount: MoneyText("The amount, in pounds"),
  on: IsoDate,
  reference: Text("The contribution's reference (a purchase order, an invoice), 100 characters at most"),
});
export const SpendBody = Type.Object({
  kind: Strings(SPEND_KINDS),
  payee: Text("Who was paid, 200 characters at most"),
  payeeIsPerson: Type.Optional(
    Type.Boolean({ description: "The payee is a person: named to the pool's people only" }),
  ),
  amount: MoneyText("The amount, in pounds"),
  on: IsoDate,
  description: Text("What the money paid for, 2,000 characters at most"),
  grantProgrammeId: Type.Optional(Text("A grant of the grants module this paid: its programme")),
  grantId: Type.Optional(Text("… and its application (awarded)")),
});

const PartnerSummary = Type.Object({
  authorityId: Uuid,
  name: Type.String(),
  agreedPence: Nullable(PenceText),
  contributedPence: PenceText,
  spentPence: PenceText,
  balancePence: PenceText,
});

/** Whole pence, negative for a reversal (it takes back the entry it reverses). */
const SignedPenceText = Type.String({
  pattern: "^-?[0-9]{1,18}$",
  description: "Whole pence, as digits; negative for a reversal",
});

export const ReversalBody = Type.Object({
  reasons: Text("Why the entry was made in error, 2,000 characters at most"),
});

const Entry = Type.Object({
  id: Uuid,
  kind: Strings(JOURNAL_KINDS),
  on: IsoDate,
  amountPence: SignedPenceText,
  reversesId: Nullable(Uuid),
  reversalReasons: Nullable(Type.String()),
  reversedBy: Nullable(Type.Object({ id: Uuid, on: IsoDate, reasons: Type.String() })),
  partnerAuthorityId: Nullable(Uuid),
  partnerName: Nullable(Type.String()),
  reference: Nullable(Type.String({ description: "The pool's people only" })),
  spendKind: Nullable(Strings(SPEND_KINDS)),
  payee: Nullable(Type.String({ description: "A person's name: the pool's people only" })),
  payeeIsPerson: Nullable(Type.Boolean()),
  description: Nullable(Type.String()),
  grantProgrammeId: Nullable(Uuid),
  grantId: Nullable(Uuid),
  parts: Type.Array(Type.Object({ authorityId: Uuid, amountPence: SignedPenceText }), {
    description: "A spend split across the partners",
  }),
});

export const PoolResponse = Type.Object({
  id: Uuid,
  authorityId: Uuid,
  authorityName: Type.String(),
  name: Type.String(),
  areaCode: Type.String(),
  areaName: Type.String(),
  purpose: Type.String(),
  partners: Type.Array(PartnerSummary),
  contributedPence: PenceText,
  spentPence: PenceText,
  cashPence: PenceText,
  spentByKind: Type.Array(Type.Object({ kind: Strings(SPEND_KINDS), spentPence: PenceText })),
  entries: Type.Array(Entry),
  updatedAt: Instant,
});

export const PoolsResponse = Type.Object({ pools: Type.Array(PoolResponse) });

export const ReportResponse = Type.Object({
  poolId: Uuid,
  poolName: Type.String(),
  partner: PartnerSummary,
  contributions: Type.Array(Entry),
  spends: Type.Array(Type.Object({ ...Entry.properties, sharePence: SignedPenceText })),
});
