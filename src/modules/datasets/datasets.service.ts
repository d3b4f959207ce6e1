/**
 * The open datasets (issue 16, item 5): every dataset as CSV and as JSON, streamed a page at a time
 * (memory stays flat however large it is) with its validators (freshness.ts: an ETag and
 * Last-Modified, so that a copy still current is answered 304), its own page with its columns, the
 * index of them all (with the OCDS endpoints), and the catalogue in the Project Open Data metadata
 * schema v1.1 (/data.json). Each dataset's last change is the latest of its rows' and of the
 * changes recorded of it (changes.service.ts: a row withdrawn or deleted dates it too). Public:
 * nothing here is anyone's to withhold, and nothing personal is in it (catalogue.ts). See
 * docs/open-data.md, "Datasets".
 */

import { translatorFor } from "../../http/i18n.ts";
import { csvHeader, csvRows } from "../../lib/csv.ts";
import { NotFoundError } from "../../lib/errors.ts";
import type { Ctx } from "../access/context.ts";
import { lastReleaseDate } from "../ocds/ocds.service.ts";
import {
  COLUMN_TYPES,
  type Column,
  type ColumnType,
  DATASETS,
  type Dataset,
  datasetOf,
  type Row,
  type Value,
} from "./catalogue.ts";
import { lastChanged } from "./changes.service.ts";
import { type Freshness, freshnessOf } from "./freshness.ts";

/** Every dataset's licence: the Open Government Licence v3.0. */
export const LICENCE = {
  name: "Open Government Licence v3.0",
  url: "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
} as const;

/** Who publishes, and where: the deployment's address, the body that runs it, whom to ask. */
export interface Publisher {
  baseUrl: string;
  name: string;
  contact: string;
}

/** A column as a page or the JSON describes it: with its meaning in the reader's language. */
export interface DescribedColumn extends Column {
  description: string;
}

export interface DatasetSummary {
  id: string;
  title: string;
  description: string;
  /** When its rows last changed; null while it has none. */
  modified: Date | null;
  columns: DescribedColumn[];
  /** The types its columns hold, in the order of COLUMN_TYPES. */
  types: ColumnType[];
  /** The same data in a sector standard's form, if it has one (360Giving). */
  standard: { name: string; href: string } | null;
}

type Translate = (key: string, options?: Record<string, unknown>) => string;

function summaryOf(dataset: Dataset, modified: Date | null, t: Translate): DatasetSummary {
  const key = `datasets.sets.${dataset.id}`;
  return {
    id: dataset.id,
    title: t(`${key}.title`),
    description: t(`${key}.description`),
    modified,
    columns: dataset.columns.map((c) => ({ ...c, description: t(`${key}.columns.${c.name}`) })),
    types: COLUMN_TYPES.filter((type) => dataset.columns.some((c) => c.type === type)),
    standard: dataset.standard ?? null,
  };
}

/** The dataset with this id, or 404. */
function requireDataset(id: string): Dataset {
  const dataset = datasetOf(id);
  if (!dataset) throw new NotFoundError("dataset");
  return dataset;
}

/** Every dataset with when it last changed: the index page. Each date is an index's end, not a scan. */
export async function datasetIndex(ctx: Ctx, t: Translate): Promise<DatasetSummary[]> {
  const modified = await lastChanged(ctx, DATASETS);
  return DATASETS.map((d, i) => summaryOf(d, modified[i] ?? null, t));
}

/** When one dataset last changed: its rows' times and its recorded changes. */
async function lastChangeOf(ctx: Ctx, dataset: Dataset): Promise<Date | null> {
  return (await lastChanged(ctx, [dataset]))[0] ?? null;
}

/** One dataset's page: what it holds, its columns, when it last changed. 404 for an unknown one. */
export async function datasetPage(ctx: Ctx, id: string, t: Translate): Promise<DatasetSummary> {
  const dataset = requireDataset(id);
  return summaryOf(dataset, await lastChangeOf(ctx, dataset), t);
}

/** A value as the CSV writes it: a list joined with ";", nothing for null (text is made spreadsheet-safe by csvRows). */
export function csvValue(value: Value): string | number | boolean {
  if (value === null) return "";
  if (Array.isArray(value)) return value.join(";");
  return value as string | number | boolean;
}

/** What a download reports as it is read: each row, and its end (a download sent whole). */
type Watch = Pick<Freshness, "sent" | "finished">;
const UNWATCHED: Watch = { sent: () => undefined, finished: () => undefined };

/** The pages, each row shown to `watch` as it is read; the end too, once every page is read. */
async function* watched(pages: AsyncGenerator<Row[]>, watch: Watch): AsyncGenerator<Row[]> {
  for await (const page of pages) {
    for (const row of page) watch.sent(row);
    yield page;
  }
  watch.finished();
}

/**
 * A dataset as CSV (UTF-8, a header row of the column names, codes not labels, lists joined with
 * ";"), a chunk per page of rows. 404 for an unknown one, before anything is sent.
 */
export function datasetCsv(ctx: Ctx, id: string, watch: Watch = UNWATCHED): AsyncGenerator<string> {
  const dataset = requireDataset(id);
  const names = dataset.columns.map((c) => c.name);
  return (async function* csv() {
    yield csvHeader(names);
    for await (const page of watched(dataset.pages(ctx), watch)) {
      if (page.length === 0) continue;
      yield csvRows(
        page.map((row) => Object.fromEntries(names.map((name) => [name, csvValue(row[name] ?? null)]))),
        names,
      );
    }
  })();
}

/** What a dataset's JSON says of itself, before its rows. */
export interface DatasetMeta {
  dataset: string;
  title: string;
  description: string;
  url: string;
  csv: string;
  licence: { name: string; url: string };
  publisher: string;
  modified: string | null;
  columns: DescribedColumn[];
}

/**
 * A dataset as one JSON document — `{ "dataset": …, "title": …, …, "columns": [...], "rows": [...] }`:
 * what it is (in English), then its rows, each an object of the columns' values — a chunk per page
 * of rows. 404 for an unknown one, before anything is sent.
 */
export async function datasetJson(
  ctx: Ctx,
  id: string,
  publisher: Publisher,
  watch: Watch = UNWATCHED,
  modified?: Date | null,
): Promise<AsyncGenerator<string>> {
  const dataset = requireDataset(id);
  const summary = summaryOf(
    dataset,
    modified === undefined ? await lastChangeOf(ctx, dataset) : modified,
    translatorFor("en"),
  );
  const meta: DatasetMeta = {
    dataset: dataset.id,
    title: summary.title,
    description: summary.description,
    url: `${publisher.baseUrl}/open-data/${dataset.id}`,
    csv: `${publisher.baseUrl}/open-data/${dataset.id}.csv`,
    licence: { ...LICENCE },
    publisher: publisher.name,
    modified: summary.modified ? summary.modified.toISOString() : null,
    columns: summary.columns,
  };
  const names = dataset.columns.map((c) => c.name);
  const ordered = (row: Row) => Object.fromEntries(names.map((name) => [name, row[name] ?? null]));
  return (async function* json() {
    const head = JSON.stringify(meta);
    yield `${head.slice(0, -1)},"rows":[`;
    let first = true;
    for await (const page of watched(dataset.pages(ctx), watch)) {
      if (page.length === 0) continue;
      yield `${first ? "" : ","}${page.map((row) => JSON.stringify(ordered(row))).join(",")}`;
      first = false;
    }
    yield "]}";
  })();
}

/** A download: its validators, and its content, read only when sent. */
export interface DatasetDownload {
  etag: string;
  lastModified: Date | null;
  body(): Promise<AsyncGenerator<string>>;
}

/**
 * A dataset's download as CSV or JSON: its validators from when it last changed (and, for one the
 * clock changes, the last turn passed: freshness.ts), and its content, read a page at a time when
 * sent — not at all when the copy a request holds is still current. 404 for an unknown one.
 */
export async function datasetDownload(
  ctx: Ctx,
  id: string,
  format: "csv" | "json",
  publisher: Publisher,
): Promise<DatasetDownload> {
  const dataset = requireDataset(id);
  const modified = await lastChangeOf(ctx, dataset);
  const variant = format === "csv" ? ["csv"] : ["json", publisher];
  const freshness = freshnessOf(ctx.db, dataset, modified, ctx.clock.now(), variant);
  return {
    etag: freshness.etag,
    lastModified: freshness.lastModified,
    body: async () =>
      format === "csv"
        ? datasetCsv(ctx, id, freshness)
        : datasetJson(ctx, id, publisher, freshness, modified),
  };
}

// The catalogue: Project Open Data metadata schema v1.1 (https://project-open-data.cio.gov/v1.1/schema).

export const POD_SCHEMA = "https://project-open-data.cio.gov/v1.1/schema";

interface PodDistribution {
  "@type": "dcat:Distribution";
  title: string;
  description: string;
  format: string;
  mediaType: string;
  downloadURL?: string;
  accessURL?: string;
  conformsTo?: string;
  describedBy?: string;
  describedByType?: string;
}

export interface PodDataset {
  "@type": "dcat:Dataset";
  identifier: string;
  title: string;
  description: string;
  keyword: string[];
  modified: string;
  publisher: { "@type": "org:Organization"; name: string };
  contactPoint: { "@type": "vcard:Contact"; fn: string; hasEmail: string };
  accessLevel: "public";
  license: string;
  landingPage: string;
  describedBy?: string;
  describedByType?: string;
  conformsTo?: string;
  language: string[];
  distribution: PodDistribution[];
}

export interface PodCatalog {
  "@context": string;
  "@id": string;
  "@type": "dcat:Catalog";
  conformsTo: typeof POD_SCHEMA;
  describedBy: string;
  dataset: PodDataset[];
}

const OCDS_STANDARD = "https://standard.open-contracting.org/1.1/en/";

/**
 * The catalogue of every dataset (data.json, Project Open Data v1.1), in English: each dataset with
 * its CSV and JSON distributions, and the contracting processes as OCDS with its endpoints. A
 * dataset with no rows yet is dated by the catalogue itself (`modified` is required).
 */
export async function catalogue(ctx: Ctx, publisher: Publisher): Promise<PodCatalog> {
  const t = translatorFor("en");
  const base = publisher.baseUrl;
  const now = ctx.clock.now();
  const common = {
    publisher: { "@type": "org:Organization" as const, name: publisher.name },
    contactPoint: {
      "@type": "vcard:Contact" as const,
      fn: t("datasets.catalogue.contact", { publisher: publisher.name }),
      hasEmail: `mailto:${publisher.contact}`,
    },
    accessLevel: "public" as const,
    license: LICENCE.url,
    language: ["en"],
  };
  const keywords = (key: string) =>
    t(key)
      .split(",")
      .map((k) => k.trim())
      .filter((k) => k !== "");
  const index = await datasetIndex(ctx, t);
  const datasets: PodDataset[] = index.map((d) => {
    const page = `${base}/open-data/${d.id}`;
    return {
      "@type": "dcat:Dataset",
      identifier: page,
      title: d.title,
      description: d.description,
      keyword: keywords(`datasets.sets.${d.id}.keywords`),
      modified: (d.modified ?? now).toISOString(),
      ...common,
      landingPage: page,
      describedBy: page,
      describedByType: "text/html",
      distribution: [
        {
          "@type": "dcat:Distribution",
          title: t("datasets.catalogue.csvTitle", { title: d.title }),
          description: t("datasets.catalogue.csvDescription"),
          format: "CSV",
          mediaType: "text/csv",
          downloadURL: `${page}.csv`,
          describedBy: page,
          describedByType: "text/html",
        },
        {
          "@type": "dcat:Distribution",
          title: t("datasets.catalogue.jsonTitle", { title: d.title }),
          description: t("datasets.catalogue.jsonDescription"),
          format: "JSON",
          mediaType: "application/json",
          downloadURL: `${page}.json`,
          describedBy: page,
          describedByType: "text/html",
        },
      ],
    };
  });
  // The contracting processes: OCDS releases and records, from the OCDS module's endpoints.
  const lastRelease = (await lastReleaseDate(ctx))?.toISOString();
  datasets.push({
    "@type": "dcat:Dataset",
    identifier: `${base}/data/ocds/releases`,
    title: t("datasets.ocds.title"),
    description: t("datasets.ocds.description"),
    keyword: keywords("datasets.ocds.keywords"),
    modified: typeof lastRelease === "string" ? lastRelease : now.toISOString(),
    ...common,
    landingPage: `${base}/open-data#ocds`,
    conformsTo: OCDS_STANDARD,
    distribution: [
      {
        "@type": "dcat:Distribution",
        title: t("datasets.ocds.releasesTitle"),
        description: t("datasets.ocds.releasesDescription"),
        format: "API",
        mediaType: "application/json",
        accessURL: `${base}/data/ocds/releases`,
        conformsTo: `${OCDS_STANDARD}schema/release_package/`,
      },
      {
        "@type": "dcat:Distribution",
        title: t("datasets.ocds.recordsTitle"),
        description: t("datasets.ocds.recordsDescription"),
        format: "API",
        mediaType: "application/json",
        accessURL: `${base}/open-data#ocds`,
        conformsTo: `${OCDS_STANDARD}schema/record_package/`,
      },
      {
        "@type": "dcat:Distribution",
        title: t("datasets.ocds.bulkTitle"),
        description: t("datasets.ocds.bulkDescription"),
        format: "API",
        mediaType: "application/json",
        accessURL: `${base}/data/ocds/bulk`,
      },
    ],
  });
  return {
    "@context": `${POD_SCHEMA}/catalog.jsonld`,
    "@id": `${base}/data.json`,
    "@type": "dcat:Catalog",
    conformsTo: POD_SCHEMA,
    describedBy: `${POD_SCHEMA}/catalog.json`,
    dataset: datasets,
  };
}
