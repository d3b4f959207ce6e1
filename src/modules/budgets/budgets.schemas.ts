/** The JSON API's schemas for personal budgets' money (TypeBox). Pence as digits, signed where an entry takes money out. */
import { Type } from "typebox";
import {
  AuthorityParams,
  IdempotencyHeaders,
  Instant,
  IsoDate,
  MoneyText,
  Nullable,
  PageKeyQuery,
  PenceText,
  Strings,
  Uuid,
} from "../../http/schemas.ts";
import { CADENCES, INVOICE_STATUSES, SURPLUS_STATUSES, TRANSACTION_KINDS } from "./budgets.table.ts";

export { AuthorityParams, IdempotencyHeaders };

export const PlanParams = Type.Object({ authorityId: Uuid, planId: Uuid });
export const InvoiceParams = Type.Object({ authorityId: Uuid, planId: Uuid, invoiceId: Uuid });

const SignedPence = Type.String({
  pattern: "^-?[0-9]{1,19}$",
  description: "Whole pence, as digits, signed",
});

export const ListQuery = Type.Object({
  after: PageKeyQuery.after,
  pageSize: PageKeyQuery.pageSize,
});
export const TransactionsQuery = Type.Object(PageKeyQuery);
export const LedgerQuery = Type.Object({
  ...PageKeyQuery,
  invoicesAfter: Type.Optional(
    Type.String({
      maxLength: 400,
      description: "Its invoices after this key: a previous answer's `invoicesNext`",
    }),
  ),
});
export const StatementQuery = Type.Object({
  from: Type.Optional(IsoDate),
  to: Type.Optional(IsoDate),
});

export const OpenLedgerBody = Type.Object({
  planId: Uuid,
  cadence: Strings(CADENCES),
  firstPeriodOn: Type.Optional(IsoDate),
});

export const ScheduleBody = Type.Object({ cadence: Strings(CADENCES) });

export const InvoiceBody = Type.Object({
  organisationId: Uuid,
  periodStartsOn: IsoDate,
  periodEndsOn: IsoDate,
  amount: MoneyText(),
  reference: Type.String({ minLength: 1, maxLength: 100 }),
  arrangementId: Type.Optional(Nullable(Uuid)),
});
export const ReasonBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 1000 }) });
export const PaymentOutBody = Type.Object({
  amount: MoneyText(),
  organisationId: Type.Optional(Nullable(Uuid)),
  description: Type.String({ minLength: 1, maxLength: 500 }),
});
export const RecoveryBody = Type.Object({
  amount: Type.Optional(
    Nullable(MoneyText("Pounds to recover; the balance above the agreed level when absent")),
  ),
});

const Transaction = Type.Object({
  id: Uuid,
  seq: Type.Integer({ description: "Its number in the ledger: 1, 2, … in the order posted" }),
  kind: Strings(TRANSACTION_KINDS),
  postedOn: IsoDate,
  postedAt: Instant,
  description: Type.String(),
  period: Nullable(Type.Object({ index: Type.Integer(), startsOn: IsoDate, endsOn: IsoDate })),
  invoiceId: Nullable(Uuid),
  surplusId: Nullable(Uuid),
  entries: Type.Array(Type.Object({ account: Type.String(), amountPence: SignedPence }), {
    description: "Its entries: they sum to zero",
  }),
});

const Invoice = Type.Object({
  id: Uuid,
  planId: Uuid,
  organisationId: Uuid,
  arrangementId: Nullable(Uuid),
  periodStartsOn: IsoDate,
  periodEndsOn: IsoDate,
  amountPence: PenceText,
  reference: Type.String(),
  status: Strings(INVOICE_STATUSES),
  submittedAt: Instant,
  decidedAt: Nullable(Instant),
  rejectionReason: Nullable(Type.String()),
  transactionId: Nullable(Uuid),
});

const Surplus = Type.Object({
  id: Uuid,
  account: Type.String(),
  flaggedAt: Instant,
  balancePence: SignedPence,
  levelPence: PenceText,
  excessPence: PenceText,
  status: Strings(SURPLUS_STATUSES),
  resolvedAt: Nullable(Instant),
  waiverReason: Nullable(Type.String()),
  transactionId: Nullable(Uuid),
});

const Balances = Type.Array(Type.Object({ account: Type.String(), balancePence: SignedPence }), {
  description:
    "Each account's balance: the authority's funding (below zero: what it has paid in, less what it recovered), the direct payment and the managed account (what is left), each provider paid (provider:<organisation id>), the direct payment's other spending, the surplus recovered",
});

export const MoneyResponse = Type.Object({
  transaction: Nullable(Transaction),
  invoice: Nullable(Invoice),
  surplus: Type.Optional(Surplus),
  balances: Balances,
});

export const LedgerResponse = Type.Object({
  planId: Uuid,
  authorityId: Uuid,
  delivery: Type.String({
    description: "direct-payment, managed-by-authority, managed-by-organisation or mixed",
  }),
  budget: Type.Object({
    version: Type.Integer(),
    amountPence: PenceText,
    per: Strings(["week", "year"] as const),
    surplusLevelPence: Nullable(PenceText),
  }),
  schedule: Type.Object({
    cadence: Strings(CADENCES),
    firstPeriodOn: IsoDate,
    nextPeriod: Type.Object({ index: Type.Integer(), startsOn: IsoDate, endsOn: IsoDate }),
  }),
  heldPence: SignedPence,
  balances: Balances,
  transactions: Type.Array(Transaction, { description: "Newest first, a page at a time" }),
  next: Nullable(Type.String({ description: "Pass as `after` for older transactions" })),
  previous: Nullable(Type.String({ description: "Pass as `before` for newer transactions" })),
  invoices: Type.Array(Invoice, { description: "20 at a time, newest first (after `invoicesAfter`)" }),
  invoicesNext: Nullable(Type.String({ description: "Pass as `invoicesAfter` for older invoices" })),
  surplus: Nullable(Surplus),
});

export const BudgetListResponse = Type.Object({
  budgets: Type.Array(
    Type.Object({
      planId: Uuid,
      cadence: Strings(CADENCES),
      firstPeriodOn: IsoDate,
      periodsPaidIn: Type.Integer(),
      planStatus: Nullable(Type.String()),
      delivery: Nullable(Type.String()),
    }),
  ),
  next: Nullable(Type.String({ description: "Pass as `after` for the next page" })),
});

export const StatementResponse = Type.Object({
  planId: Uuid,
  from: IsoDate,
  to: IsoDate,
  openingPence: SignedPence,
  closingPence: SignedPence,
  inPence: PenceText,
  outPence: PenceText,
  lines: Type.Array(
    Type.Object({
      seq: Type.Integer(),
      postedOn: IsoDate,
      kind: Strings(TRANSACTION_KINDS),
      description: Type.String(),
      changePence: SignedPence,
      balancePence: SignedPence,
    }),
  ),
});

/** The person's ledger (statements.service.ts: `personLedger`). */
export const PersonLedgerResponse = Type.Object({
  planId: Uuid,
  heldPence: PenceText,
  committedPence: Type.String({
    pattern: "^[0-9]{1,19}$",
    description: "What the invoices waiting to be paid ask, together (whole pence)",
  }),
  availablePence: SignedPence,
  parts: Type.Array(Type.Object({ account: Type.String(), balancePence: PenceText })),
  transactions: Type.Array(
    Type.Object({
      seq: Type.Integer(),
      postedOn: IsoDate,
      kind: Strings(TRANSACTION_KINDS),
      description: Type.String(),
      changePence: SignedPence,
      balancePence: SignedPence,
    }),
  ),
  next: Nullable(Type.String({ description: "The key of the next page (older), for `after`" })),
  previous: Nullable(Type.String({ description: "The key of the previous page (newer), for `before`" })),
});

// A provider's invoices against its arrangements (provider-invoices.service.ts)

export const ProviderParams = Type.Object({ id: Uuid });
export const ProviderInvoiceBody = Type.Object({
  authorityId: Uuid,
  arrangementId: Uuid,
  periodStartsOn: IsoDate,
  periodEndsOn: IsoDate,
  units: Type.String({
    pattern: "^\\d{1,5}(\\.\\d{1,2})?$",
    description: "Units delivered in the period, as 7.5",
  }),
  amount: MoneyText(),
  reference: Type.String({ minLength: 1, maxLength: 100 }),
});
export const ProviderInvoicesResponse = Type.Object({
  invoices: Type.Array(
    Type.Object({ ...Invoice.properties, unitsX100: Nullable(Type.Integer()), paidPence: PenceText }),
  ),
  receivedPence: PenceText,
  more: Type.Boolean(),
  next: Nullable(Type.String({ description: "The key of the next page (older invoices), for `after`" })),
});
export const ProviderInvoicesQuery = Type.Object({
  after: PageKeyQuery.after,
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
});
