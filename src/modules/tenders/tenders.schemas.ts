/**
 * Request and response schemas of the tenders API (/api/v1/authorities/:authorityId/tenders).
 * Types and lengths here (400, every field at fault); money, instants, weights adding up and other
 * combinations in the services (400 naming the field, or 422).
 */
import { type Static, Type } from "typebox";
import {
  AuthorityParams,
  Bp,
  Instant,
  MoneyText,
  Nullable,
  PenceText,
  Strings,
  Uuid,
} from "../../http/schemas.ts";
import { BID_LIMITS, MEMBER_ROLES } from "./bids.service.ts";
import { TENDER_LIMITS } from "./setup.service.ts";
import { CRITERION_KINDS, PRICING_MODES, PROCEDURES, VAT_TREATMENTS } from "./tenders.table.ts";

export { AuthorityParams };
export const TenderParams = Type.Object({ authorityId: Uuid, tenderId: Uuid });
export const ReceiptParams = Type.Object({
  authorityId: Uuid,
  tenderId: Uuid,
  sha256: Type.String({ pattern: "^[0-9a-f]{64}$" }),
});

const writable = {
  projectId: Type.String({ format: "uuid", description: "The commissioning project the tender is for" }),
  title: Type.String({ minLength: 1, maxLength: TENDER_LIMITS.title }),
  description: Type.String({ minLength: 1, maxLength: TENDER_LIMITS.description }),
  procedure: Strings(PROCEDURES),
  stages: Type.Optional(
    Type.String({
      maxLength: TENDER_LIMITS.stages,
      description: "The stages of a competitive flexible procedure",
    }),
  ),
  pricingMode: Strings(PRICING_MODES),
  fixedPrice: Type.Optional(Nullable(MoneyText())),
  tariff: Type.Optional(Type.String({ maxLength: TENDER_LIMITS.tariff })),
  scoringScaleMax: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 100, description: "Scores run from 0 to this" }),
  ),
  reserved: Type.Optional(
    Type.Boolean({
      description: "Reserved to qualifying public service mutuals (Procurement Act 2023, s.33)",
    }),
  ),
  contractTermMonths: Type.Integer({ minimum: 1, maximum: 600 }),
  tupe: Type.Optional(
    Type.Object(
      {
        applies: Type.Boolean(),
        staffCount: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
        annualCost: Type.Optional(Nullable(MoneyText())),
        terms: Type.Optional(Type.String({ maxLength: TENDER_LIMITS.terms })),
      },
      { additionalProperties: false, description: "Staff transfer (TUPE) information" },
    ),
  ),
  pensionTerms: Type.Optional(
    Type.String({ maxLength: TENDER_LIMITS.terms, description: "New Fair Deal terms" }),
  ),
  vatTreatment: Strings(VAT_TREATMENTS),
  vatNote: Type.Optional(Type.String({ maxLength: TENDER_LIMITS.vatNote })),
  clarificationDeadline: Instant,
  submissionDeadline: Instant,
  lots: Type.Optional(
    Type.Array(
      Type.Object(
        {
          title: Type.String({ minLength: 1, maxLength: TENDER_LIMITS.lotTitle }),
          description: Type.Optional(Type.String({ maxLength: TENDER_LIMITS.lotDescription })),
          estimatedValue: MoneyText(),
        },
        { additionalProperties: false },
      ),
      { maxItems: TENDER_LIMITS.lots },
    ),
  ),
  conditions: Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: TENDER_LIMITS.condition }), {
      maxItems: TENDER_LIMITS.conditions,
      description: "Conditions of participation",
    }),
  ),
  criteria: Type.Array(
    Type.Object(
      {
        kind: Strings(CRITERION_KINDS),
        title: Type.String({ minLength: 1, maxLength: TENDER_LIMITS.criterionTitle }),
        description: Type.Optional(Type.String({ maxLength: TENDER_LIMITS.criterionDescription })),
        weightBp: Bp("Weight in basis points; top-level weights add up to 10,000"),
        standardId: Type.Optional(
          Nullable(
            Type.String({
              format: "uuid",
              description:
                "Kind accreditation only: the standard whose accreditation the platform scores, from the bidder's accreditation on the bid's date (full weight if current, 0 otherwise)",
            }),
          ),
        ),
        subCriteria: Type.Optional(
          Type.Array(
            Type.Object(
              {
                title: Type.String({ minLength: 1, maxLength: TENDER_LIMITS.criterionTitle }),
                description: Type.Optional(Type.String({ maxLength: TENDER_LIMITS.criterionDescription })),
                weightBp: Bp("Adds up, with its siblings, to the criterion's weight"),
              },
              { additionalProperties: false },
            ),
            { maxItems: TENDER_LIMITS.subCriteria },
          ),
        ),
      },
      { additionalProperties: false },
    ),
    { minItems: 1, maxItems: TENDER_LIMITS.criteria },
  ),
};

export const CreateTenderBody = Type.Object(writable, { additionalProperties: false });
export const UpdateTenderBody = Type.Partial(Type.Object(writable), {
  additionalProperties: false,
  minProperties: 1,
});

const Named = Type.Object({ id: Uuid, name: Type.String() });

const Criterion = Type.Object({
  id: Uuid,
  kind: Strings(CRITERION_KINDS),
  title: Type.String(),
  description: Type.String(),
  weightBp: Type.Integer(),
  /** The standard an accreditation criterion scores; null for other kinds. */
  standardId: Nullable(Uuid),
  subCriteria: Type.Array(
    Type.Object({ id: Uuid, title: Type.String(), description: Type.String(), weightBp: Type.Integer() }),
  ),
});

export const TenderResponse = Type.Object({
  id: Uuid,
  authority: Type.Object({ id: Uuid, name: Type.String(), slug: Type.String() }),
  project: Named,
  title: Type.String(),
  description: Type.String(),
  state: Strings(["draft", "open", "closed", "opened", "cancelled"] as const),
  procedure: Strings(PROCEDURES),
  stages: Type.String(),
  category: Type.Object({ code: Type.String(), name: Type.String() }),
  area: Type.Object({ code: Type.String(), name: Type.String() }),
  estimatedValuePence: PenceText,
  pricingMode: Strings(PRICING_MODES),
  fixedPricePence: Nullable(PenceText),
  tariff: Type.String(),
  scoringScaleMax: Type.Integer(),
  reserved: Type.Boolean(),
  contractTermMonths: Type.Integer(),
  tupe: Type.Object({
    applies: Type.Boolean(),
    staffCount: Nullable(Type.Integer()),
    annualCostPence: Nullable(PenceText),
    terms: Type.String(),
  }),
  pensionTerms: Type.String(),
  vatTreatment: Strings(VAT_TREATMENTS),
  vatNote: Type.String(),
  clarificationDeadline: Instant,
  submissionDeadline: Instant,
  lots: Type.Array(
    Type.Object({
      id: Uuid,
      title: Type.String(),
      description: Type.String(),
      estimatedValuePence: PenceText,
    }),
  ),
  conditions: Type.Array(Type.String()),
  criteria: Type.Array(Criterion),
  documents: Type.Array(
    Type.Object({
      id: Uuid,
      title: Type.String(),
      filename: Type.String(),
      mediaType: Type.String(),
      size: Type.Integer(),
      sha256: Type.String(),
      url: Type.String(),
    }),
  ),
  publishedAt: Nullable(Instant),
  cancelledAt: Nullable(Instant),
  cancelReason: Nullable(Type.String({ description: "Why it was cancelled: published" })),
  openedAt: Nullable(Instant),
  bidCount: Nullable(
    Type.Integer({ description: "The number of bids: for the authority's tender team only; null otherwise" }),
  ),
  pageUrl: Type.String(),
});
export type TenderResponse = Static<typeof TenderResponse>;

export const TenderListResponse = Type.Object({
  authority: Type.Object({ id: Uuid, name: Type.String(), slug: Type.String() }),
  tenders: Type.Array(TenderResponse),
});

export const BidBody = Type.Object(
  {
    organisationId: Type.String({
      format: "uuid",
      description: "The bidding organisation (the lead of a consortium)",
    }),
    lotIds: Type.Optional(Type.Array(Uuid, { maxItems: TENDER_LIMITS.lots })),
    answers: Type.Array(
      Type.Object(
        { criterionId: Uuid, text: Type.String({ maxLength: BID_LIMITS.answer }) },
        { additionalProperties: false },
      ),
      {
        maxItems: 200,
        description: "An answer per quality and social value criterion (sub-criterion where it has them)",
      },
    ),
    price: Type.Optional(Nullable(MoneyText())),
    documents: Type.Optional(
      Type.Array(
        Type.Object(
          {
            filename: Type.String({ minLength: 1, maxLength: 255 }),
            contentBase64: Type.String({ minLength: 1, description: "The file's bytes in base64" }),
          },
          { additionalProperties: false },
        ),
        {
          maxItems: BID_LIMITS.documents,
          description: "Sealed with the bid; the receipt covers each by its SHA-256",
        },
      ),
    ),
    consortium: Type.Optional(
      Nullable(
        Type.Object(
          {
            leadShareBp: Bp("The lead's share of the value"),
            members: Type.Array(
              Type.Object(
                {
                  organisationId: Type.Optional(Nullable(Uuid)),
                  name: Type.Optional(Type.String({ maxLength: BID_LIMITS.name })),
                  role: Strings(MEMBER_ROLES),
                  sector: Type.Optional(Type.String({ maxLength: 60 })),
                  sizeBand: Type.Optional(Type.String({ maxLength: 20 })),
                  shareBp: Bp("This member's share of the value"),
                },
                { additionalProperties: false },
              ),
              { maxItems: BID_LIMITS.members },
            ),
          },
          { additionalProperties: false, description: "Shares of the lead and members add up to 10,000" },
        ),
      ),
    ),
  },
  { additionalProperties: false },
);

export const DocumentBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    filename: Type.String({ minLength: 1, maxLength: 255 }),
    contentBase64: Type.String({ minLength: 1, description: "The file's bytes in base64" }),
  },
  { additionalProperties: false },
);
export const DocumentParams = Type.Object({ authorityId: Uuid, tenderId: Uuid, documentId: Uuid });
export const BidDocumentParams = Type.Object({
  authorityId: Uuid,
  tenderId: Uuid,
  bidId: Uuid,
  position: Type.String({ maxLength: 40, description: "The document's number in the bid, from 1" }),
});

export const CancelBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 2000, description: "Published with the tender" }) },
  { additionalProperties: false },
);

export const WithdrawBody = Type.Object({ organisationId: Uuid }, { additionalProperties: false });
export const MineQuery = Type.Object({ organisationId: Uuid });
export const EvaluatorBody = Type.Object({ userId: Uuid }, { additionalProperties: false });

export const ReceiptResponse = Type.Object({
  tenderId: Uuid,
  bidId: Uuid,
  receivedAt: Type.String({ format: "date-time", description: "Server time of receipt" }),
  sha256: Type.String({ description: "SHA-256 (hex) of the bid's canonical content" }),
  status: Strings(["current", "replaced", "withdrawn"] as const),
});

export const SubmittedBidResponse = Type.Object({
  receipt: ReceiptResponse,
  content: Type.String({
    description: "The canonical content (RFC 8785 JSON) as sealed: its SHA-256 is the receipt's",
  }),
  replaced: Nullable(Uuid),
});

export const ReceiptListResponse = Type.Object({ receipts: Type.Array(ReceiptResponse) });

export const OpeningResponse = Type.Object({
  state: Strings(["awaiting-second-opener", "opened"] as const),
  alreadyConfirmed: Type.Boolean({
    description:
      "The first opener confirmed again: nothing changed, and a second, different bid opener must still confirm",
  }),
  firstConfirmedAt: Instant,
  openedAt: Nullable(Instant),
  bidsOpened: Nullable(Type.Integer()),
  broken: Type.Integer({ description: "Bids whose sealed content did not match their receipt" }),
});

export const OpenedBidsResponse = Type.Object({
  bids: Type.Array(
    Type.Object({
      receipt: ReceiptResponse,
      integrity: Strings(["verified", "broken"] as const),
      content: Nullable(Type.Record(Type.String(), Type.Unknown())),
    }),
  ),
});

export const AttemptsResponse = Type.Object({
  attempts: Type.Array(
    Type.Object({
      seq: Type.String(),
      occurredAt: Instant,
      action: Type.String(),
      actor: Type.Object({ type: Type.String(), id: Nullable(Type.String()) }),
      changes: Type.Unknown(),
    }),
  ),
});

// Interest, clarification questions and amendments

export const QuestionParams = Type.Object({ authorityId: Uuid, tenderId: Uuid, questionId: Uuid });
export const InterestBody = Type.Object({ organisationId: Uuid }, { additionalProperties: false });
export const InterestResponse = Type.Object({
  registered: Type.Boolean({ description: "False when the organisation was registered already" }),
});
export const AskBody = Type.Object(
  {
    organisationId: Uuid,
    question: Type.String({ minLength: 1, maxLength: 5000 }),
  },
  { additionalProperties: false },
);
export const AnswerBody = Type.Object(
  {
    answer: Type.String({ minLength: 1, maxLength: 10000 }),
    publishedQuestion: Type.Optional(
      Type.String({
        maxLength: 5000,
        description: "The question as published, in neutral words; the asker's words when left out",
      }),
    ),
  },
  { additionalProperties: false },
);
export const QuestionResponse = Type.Object({
  id: Uuid,
  number: Type.Union([Type.Integer(), Type.Null()], { description: "Set when answered (published)" }),
  question: Type.String(),
  answer: Type.Union([Type.String(), Type.Null()]),
  askedAt: Instant,
  answeredAt: Type.Union([Instant, Type.Null()]),
  askedBy: Type.Union([Type.String(), Type.Null()], {
    description: "The asking organisation: shown to the tender's commissioners and administrators only",
  }),
  mine: Type.Boolean({ description: "Asked by an organisation the caller acts for" }),
});
export const QuestionListResponse = Type.Object({ questions: Type.Array(QuestionResponse) });
export const AmendBody = Type.Object(
  {
    reason: Type.String({ minLength: 1, maxLength: 5000, description: "Published with the amendment" }),
    changes: UpdateTenderBody,
  },
  { additionalProperties: false },
);
export const AmendmentResponse = Type.Object({
  id: Uuid,
  number: Type.Integer(),
  reason: Type.String(),
  changed: Type.Array(Type.String(), { description: "The fields changed, named as in the API" }),
  previousSubmissionDeadline: Instant,
  submissionDeadline: Instant,
  previousClarificationDeadline: Instant,
  clarificationDeadline: Instant,
  bidsReceived: Type.Boolean(),
  madeAt: Instant,
});
export const AmendmentListResponse = Type.Object({ amendments: Type.Array(AmendmentResponse) });
