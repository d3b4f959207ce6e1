/**
 * Request and response schemas of the barriers register: an authority's barriers
 * (/api/v1/authorities/:authorityId/barriers), a barrier and its answers, and the national figures
 * (/api/v1/barriers/figures).
 */
import { Type } from "typebox";
import { Instant, IsoDate, Nullable, Strings, Uuid } from "../../http/schemas.ts";
import { ANSWER_KINDS, BARRIER_STATUSES, BARRIER_SUBJECTS } from "./barriers.table.ts";
import { DIMENSIONS, STANDINGS } from "./figures.service.ts";
import { BARRIER_KIND_CODES } from "./kinds.ts";

export const BarrierParams = Type.Object({ authorityId: Uuid, barrierId: Uuid });
export const EvidenceParams = Type.Object({ authorityId: Uuid, barrierId: Uuid, evidenceId: Uuid });

const Documents = Type.Array(
  Type.Object({
    filename: Type.String({ description: "The file's name, like contract-terms.pdf" }),
    contentBase64: Type.String({
      description:
        "Its content in base64: a PDF, Word, OpenDocument, a spreadsheet, an image, CSV or plain text",
    }),
  }),
  { description: "Documents of evidence: 10 at most a barrier" },
);

export const LogBody = Type.Object({
  kind: Type.String({ description: `The kind of barrier: ${BARRIER_KIND_CODES.join(", ")}` }),
  subject: Type.String({ description: `What it is about: ${BARRIER_SUBJECTS.join(", ")}` }),
  tenderId: Type.Optional(
    Type.String({ description: "The tender (subject tender): one of the authority's published tenders" }),
  ),
  policy: Type.Optional(Type.String({ description: "The policy (subject policy), 300 characters at most" })),
  policyUrl: Type.Optional(Type.String({ description: "A link to the policy (subject policy), https://…" })),
  description: Type.String({
    description:
      "The barrier and what it stopped, 5,000 characters at most; no personal data of service users",
  }),
  organisationId: Type.Optional(
    Type.String({ description: "The organisation it is logged for, when the caller acts for more than one" }),
  ),
  anonymous: Type.Optional(
    Type.Boolean({ description: "Not shown to the public who logged it (the authority still sees)" }),
  ),
  evidence: Type.Optional(Documents),
  evidencePublic: Type.Optional(
    Type.Boolean({
      description:
        "The public may download the documents (otherwise only the logger's organisation and the authority's people)",
    }),
  ),
});

export const EvidenceBody = Type.Object({
  evidence: Documents,
  public: Type.Optional(
    Type.Boolean({
      description:
        "The public may download them (otherwise only the logger's organisation and the authority's people)",
    }),
  ),
});

export const AnswerBody = Type.Object({
  kind: Type.String({ description: `The answer: ${ANSWER_KINDS.join(", ")}` }),
  text: Type.String({
    description: "What will change, why it is disputed, or what changed; 5,000 characters at most",
  }),
});

const Standing = Strings(STANDINGS);

export const BarrierResponse = Type.Object({
  id: Uuid,
  authorityId: Uuid,
  kind: Type.String(),
  subject: Strings(BARRIER_SUBJECTS),
  tenderId: Nullable(Uuid),
  tenderTitle: Nullable(Type.String()),
  policy: Nullable(Type.String()),
  policyUrl: Nullable(Type.String()),
  description: Type.String(),
  anonymous: Type.Boolean(),
  organisationName: Nullable(
    Type.String({ description: "Who logged it: null when anonymous to the caller" }),
  ),
  loggerSector: Type.String({
    description: "The logger's organisation's sector when logged (public-body for a public body's people)",
  }),
  loggedAt: Instant,
  answerDueOn: IsoDate,
  status: Strings(BARRIER_STATUSES),
  standing: Standing,
  firstAnsweredAt: Nullable(Instant),
  answeredLate: Type.Boolean(),
  resolvedAt: Nullable(Instant),
  answers: Type.Array(Type.Object({ kind: Strings(ANSWER_KINDS), text: Type.String(), answeredAt: Instant })),
  evidence: Type.Array(
    Type.Object({
      id: Uuid,
      filename: Nullable(Type.String({ description: "null when the caller may not download it" })),
      mediaType: Nullable(Type.String()),
      size: Nullable(Type.Integer()),
      public: Type.Boolean(),
      uploadedAt: Instant,
      url: Nullable(Type.String({ description: "Where to download it, when the caller may" })),
    }),
    { description: "Its documents of evidence (a barrier read alone; empty in the list)" },
  ),
});

export const BarrierList = Type.Object({ barriers: Type.Array(BarrierResponse) });

export const FiguresQuery = Type.Object({
  year: Type.Optional(Type.String({ description: "A calendar year (the current one unless given)" })),
});

const Count = Nullable(Type.Integer({ minimum: 0, description: "null when 1 to 9, or beside such a count" }));
const FigureRow = Type.Object({
  key: Type.String(),
  name: Nullable(Type.String()),
  counts: Type.Object(Object.fromEntries(STANDINGS.map((s) => [s, Count]))),
  total: Count,
});

export const FiguresResponse = Type.Object({
  year: Type.Integer(),
  tables: Type.Array(
    Type.Object({ dimension: Strings(DIMENSIONS), rows: Type.Array(FigureRow), all: FigureRow }),
  ),
});
