/**
 * Request and response schemas of the consumer champions' API: the champions with their areas,
 * their published reports (a page at a time by key, by champion and area), one report with its
 * versions, and the champions' writes (a draft, publishing, a correction, withdrawing).
 */
import { Type } from "typebox";
import { Instant, Nullable, PageKeyQuery, PageKeyResponse, Strings, Uuid } from "../../http/schemas.ts";
import { REPORT_STATES } from "./voice.table.ts";

export const ChampionParams = Type.Object({ championId: Uuid });
export const ChampionReportParams = Type.Object({ championId: Uuid, reportId: Uuid });

const Area = Type.Object({ code: Type.String({ description: "ONS GSS code" }), name: Type.String() });

export const ChampionResponse = Type.Object({
  id: Uuid,
  name: Type.String(),
  welshName: Nullable(Type.String()),
  slug: Type.String(),
  website: Nullable(Type.String()),
  areas: Type.Array(Area, { description: "The areas it covers" }),
  pageUrl: Type.String(),
});
export const ChampionsResponse = Type.Object({ champions: Type.Array(ChampionResponse) });

const ReportFields = {
  id: Uuid,
  championId: Uuid,
  title: Type.String(),
  summary: Type.String(),
  areaCode: Type.String({ description: "The area it is about (ONS GSS code)" }),
  serviceType: Nullable(
    Type.String({ description: "The service category it is about; null for every type" }),
  ),
  state: Strings(REPORT_STATES),
  version: Type.Integer({ description: "The version published; 0 for a draft" }),
  publishedAt: Nullable(Instant),
  updatedAt: Instant,
  withdrawnAt: Nullable(Instant),
  withdrawalReason: Nullable(Type.String()),
  pageUrl: Type.String(),
  document: Nullable(
    Type.Object(
      {
        filename: Type.String(),
        mediaType: Type.String(),
        size: Type.Integer({ description: "In bytes" }),
        url: Type.String(),
      },
      { description: "The document attached when it was written" },
    ),
  ),
};
export const ReportSummaryResponse = Type.Object(ReportFields);

export const ReportVersionResponse = Type.Object({
  version: Type.Integer(),
  title: Type.String(),
  summary: Type.String(),
  body: Type.String(),
  note: Nullable(
    Type.String({ description: "What a correction changed and why; null for the first version" }),
  ),
  publishedAt: Instant,
});

export const ReportResponse = Type.Object({
  ...ReportFields,
  body: Type.String(),
  versions: Type.Array(ReportVersionResponse, { description: "Every published version, oldest first" }),
});

export const ReportsQuery = Type.Object({
  champion: Type.Optional(Uuid),
  area: Type.Optional(Type.String({ maxLength: 20, description: "An area's ONS GSS code" })),
  ...PageKeyQuery,
});
export const ReportsResponse = Type.Object({
  reports: Type.Array(ReportSummaryResponse),
  ...PageKeyResponse,
});

export const ReportBody = Type.Object({
  title: Type.String({ maxLength: 200 }),
  summary: Type.String({ maxLength: 1000 }),
  body: Type.String({ maxLength: 50000 }),
  areaCode: Type.String({ maxLength: 20, description: "One of the areas the champion covers" }),
  serviceType: Type.Optional(
    Nullable(Type.String({ maxLength: 80, description: "A service category code; null for every type" })),
  ),
  document: Type.Optional(
    Type.Object(
      {
        filename: Type.String({ minLength: 1, maxLength: 255 }),
        contentBase64: Type.String({ minLength: 1, description: "The file's bytes in base64" }),
      },
      { description: "A document to attach (PDF, Word, OpenDocument, a spreadsheet, an image or CSV)" },
    ),
  ),
});

export const CorrectionBody = Type.Object({
  title: Type.String({ maxLength: 200 }),
  summary: Type.String({ maxLength: 1000 }),
  body: Type.String({ maxLength: 50000 }),
  note: Type.String({ maxLength: 2000, description: "What the correction changes and why" }),
});

export const WithdrawBody = Type.Object({ reason: Type.String({ maxLength: 2000 }) });
