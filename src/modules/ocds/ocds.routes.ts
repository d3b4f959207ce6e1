/**
 * Open contracting data (OCDS 1.1): releases newest first, one release, a process's record. Public,
 * JSON, cacheable for a minute. See docs/open-data.md.
 */

import fs from "node:fs";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Type } from "typebox";
import { notModified } from "../../http/conditional.ts";
import { anyone, api } from "../../http/routes.ts";
import { ctxOf } from "../access/context.ts";
import { bulkFile, bulkIndex } from "./bulk.service.ts";
import { MAX_RELEASES_PAGE_SIZE, recordOf, releaseOf, releasePackage } from "./ocds.service.ts";
import type { Publication } from "./packages.ts";
import { MAX_SEARCH_PAGE_SIZE, searchProcesses } from "./search.service.ts";

/** A package's own fields; its releases or records are OCDS objects, described by the standard's schemas. */
const packageFields = {
  uri: Type.String({ format: "uri" }),
  version: Type.Literal("1.1"),
  extensions: Type.Array(Type.String({ format: "uri" })),
  publishedDate: Type.String({ format: "date-time" }),
  publisher: Type.Object({ name: Type.String(), uri: Type.String() }),
  license: Type.String({ format: "uri" }),
  publicationPolicy: Type.String(),
};
const OcdsObject = Type.Record(Type.String(), Type.Unknown());

const ReleasePackage = Type.Object({
  ...packageFields,
  releases: Type.Array(OcdsObject, {
    description: "OCDS 1.1 releases (https://standard.open-contracting.org/1.1/en/schema/release/)",
  }),
  links: Type.Optional(Type.Object({ next: Type.String({ format: "uri" }) })),
});

const RecordPackage = Type.Object({
  ...packageFields,
  records: Type.Array(OcdsObject, {
    description: "OCDS 1.1 records (https://standard.open-contracting.org/1.1/en/schema/records_reference/)",
  }),
});

const BulkIndexSchema = Type.Object({
  generatedAt: Type.String({ format: "date-time" }),
  releases: Type.Integer(),
  lastReleaseDate: Type.Union([Type.String(), Type.Null()]),
  files: Type.Array(
    Type.Object({
      name: Type.String(),
      url: Type.String({ format: "uri" }),
      releases: Type.Integer(),
      bytes: Type.Integer(),
      sha256: Type.String(),
    }),
  ),
});

const ProcessesFound = Type.Object({
  results: Type.Array(
    Type.Object({
      ocid: Type.String(),
      title: Type.Union([Type.String(), Type.Null()]),
      buyer: Type.Union([Type.String(), Type.Null()]),
      date: Type.String({ format: "date-time", description: "The newest release found of the process" }),
      source: Type.Union([
        Type.Object({ imported: Type.Literal(false) }, { description: "Published by OpenPS" }),
        Type.Object(
          {
            imported: Type.Literal(true),
            publisher: Type.Object({
              id: Type.String(),
              name: Type.String(),
              uri: Type.Union([Type.String(), Type.Null()]),
            }),
          },
          {
            description:
              "Imported from another publisher's OCDS data, kept as it published it but for contact points' personal details",
          },
        ),
      ]),
      record: Type.String({ format: "uri", description: "The process's record" }),
    }),
  ),
  next: Type.Optional(Type.String({ format: "uri", description: "The next page" })),
});

const ReleasesQuery = Type.Object({
  since: Type.Optional(
    Type.String({ description: "Releases dated on or after this date or instant (ISO 8601)", maxLength: 40 }),
  ),
  until: Type.Optional(
    Type.String({ description: "Releases dated before this date or instant", maxLength: 40 }),
  ),
  after: Type.Optional(
    Type.String({ description: "The key of a page link (`links.next`): the page after it", maxLength: 400 }),
  ),
  pageSize: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: MAX_RELEASES_PAGE_SIZE,
      description: "Releases a page (100 unless given)",
    }),
  ),
});

const publication = (request: FastifyRequest): Publication => ({
  baseUrl: request.server.deps.config.baseUrl,
  publisherName: request.server.deps.config.ocdsPublisher,
});

const tags: ["open-data"] = ["open-data"];

/**
 * JSON the service has written as text (releases spliced in as stored): sent as it is — the schema
 * above describes it for the API's reference.
 */
function sendJsonText(reply: FastifyReply, text: string): FastifyReply {
  return reply.type("application/json; charset=utf-8").send(text);
}

export async function ocdsRoutes(app: FastifyInstance): Promise<void> {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();
  json.get(
    "/data/ocds/releases",
    api(
      { who: anyone },
      {
        operationId: "listOcdsReleases",
        tags,
        summary: "OCDS releases, newest first",
        description:
          "A release package of every contracting process's releases, newest first, optionally dated within a range; `links.next` gives the next page.",
        querystring: ReleasesQuery,
        response: { 200: ReleasePackage },
      },
    ),
    async (request, reply) => {
      reply.header("cache-control", "public, max-age=60");
      return sendJsonText(reply, await releasePackage(ctxOf(request), publication(request), request.query));
    },
  );
  json.get(
    "/data/ocds/releases/:id",
    api(
      { who: anyone },
      {
        operationId: "getOcdsRelease",
        tags,
        summary: "One OCDS release",
        description: "A release package holding the release with this id. Releases never change.",
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 260 }) }),
        response: { 200: ReleasePackage },
      },
    ),
    async (request, reply) => {
      reply.header("cache-control", "public, max-age=86400, immutable");
      return sendJsonText(reply, await releaseOf(ctxOf(request), publication(request), request.params.id));
    },
  );
  json.get(
    "/data/ocds/records/:ocid",
    api(
      { who: anyone },
      {
        operationId: "getOcdsRecord",
        tags,
        summary: "A contracting process's OCDS record",
        description:
          "A record package: the process's releases, its compiled release (the latest state) and its versioned release (every field's history), merged by the standard's rules.",
        params: Type.Object({ ocid: Type.String({ minLength: 1, maxLength: 250 }) }),
        response: { 200: RecordPackage },
      },
    ),
    async (request, reply) => {
      reply.header("cache-control", "public, max-age=60");
      return sendJsonText(reply, await recordOf(ctxOf(request), publication(request), request.params.ocid));
    },
  );
  json.get(
    "/data/ocds/bulk",
    api(
      { who: anyone },
      {
        operationId: "listOcdsBulkFiles",
        tags,
        summary: "The OCDS bulk files",
        description:
          "Every release in gzipped JSON lines and in release packages of at most 250,000 releases, rebuilt at most once a minute while releases are published: each file with its size, number of releases and SHA-256.",
        response: { 200: BulkIndexSchema },
      },
    ),
    async (request, reply) => {
      reply.header("cache-control", "public, max-age=60");
      const index = bulkIndex(request.server.deps.config.dataDir);
      const base = `${request.server.deps.config.baseUrl}/data/ocds/bulk`;
      return { ...index, files: index.files.map((f) => ({ ...f, url: `${base}/${f.name}` })) };
    },
  );
  json.get(
    "/data/ocds/bulk/:name",
    api(
      { who: anyone },
      {
        operationId: "getOcdsBulkFile",
        tags,
        summary: "One OCDS bulk file (gzip)",
        description:
          "Sent with its SHA-256 as the ETag and its build time as Last-Modified; If-None-Match (or, without it, If-Modified-Since) answers 304 while the copy held is current.",
        params: Type.Object({
          name: Type.String({ pattern: "^releases(-\\d{4})?\\.json(l)?\\.gz$", maxLength: 40 }),
        }),
        response: { 200: Type.Unknown({ description: "The gzipped file" }), 304: Type.Null() },
      },
    ),
    async (request, reply) => {
      const { file, entry, generatedAt } = bulkFile(request.server.deps.config.dataDir, request.params.name);
      reply.header("cache-control", "public, max-age=60");
      if (notModified(request, reply, { etag: `"${entry.sha256}"`, lastModified: generatedAt }))
        return reply.code(304).send(null);
      return reply
        .type("application/gzip")
        .header("content-length", entry.bytes)
        .header("content-disposition", `attachment; filename="${entry.name}"`)
        .send(fs.createReadStream(file));
    },
  );
  json.get(
    "/data/ocds/search",
    api(
      { who: anyone },
      {
        operationId: "searchOcdsProcesses",
        tags,
        summary: "Search the contracting processes: OpenPS's and those imported",
        description:
          "Processes whose tender's title or description match the words (web search syntax, or each word as the start of a word), newest first, each once on a page, marked with their source: OpenPS, or the publisher an imported one came from.",
        querystring: Type.Object({
          q: Type.String({ minLength: 1, maxLength: 400, description: "The words to look for" }),
          after: Type.Optional(Type.String({ maxLength: 400, description: "The key of a `next` link" })),
          pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_SEARCH_PAGE_SIZE })),
        }),
        response: { 200: ProcessesFound },
      },
    ),
    async (request) => {
      const base = request.server.deps.config.baseUrl;
      const found = await searchProcesses(ctxOf(request), request.query);
      const params = new URLSearchParams({ q: request.query.q });
      if (request.query.pageSize) params.set("pageSize", String(request.query.pageSize));
      if (found.next) params.set("after", found.next);
      return {
        results: found.results.map((r) => ({
          ...r,
          date: r.date.toISOString(),
          record: `${base}${r.record}`,
        })),
        ...(found.next ? { next: `${base}/data/ocds/search?${params.toString()}` } : {}),
      };
    },
  );
}
