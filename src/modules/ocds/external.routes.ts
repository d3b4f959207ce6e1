/**
 * Other publishers' OCDS data, imported by `openps import ocds`: the publishers, a publisher's
 * releases newest first, and one of its processes as a record. Public, JSON, cacheable for a minute;
 * every answer names the publisher it came from. See docs/open-data.md.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import { anyone, api } from "../../http/routes.ts";
import { ctxOf } from "../access/context.ts";
import {
  externalPublishers,
  externalRecord,
  externalReleases,
  MAX_EXTERNAL_PAGE_SIZE,
} from "./external.service.ts";

const OcdsObject = Type.Record(Type.String(), Type.Unknown());
const Note = Type.Object({
  path: Type.String({ description: "A JSON pointer into the release" }),
  message: Type.String(),
});
const Total = Type.Object({
  count: Type.Integer(),
  atLeast: Type.Boolean({ description: "True when counting stopped at `count`: there are more" }),
});
const Source = Type.Object(
  {
    imported: Type.Literal(true),
    publisher: Type.Object({
      id: Type.String({ format: "uuid" }),
      name: Type.String(),
      uri: Type.Union([Type.String(), Type.Null()]),
    }),
    note: Type.String(),
  },
  { description: "Whose data this is: another publisher's, imported by OpenPS, never OpenPS's own releases" },
);
const Next = Type.Optional(Type.Object({ next: Type.String({ format: "uri" }) }));
const After = Type.Optional(
  Type.String({ description: "The key of a page link (`links.next`): the page after it", maxLength: 2000 }),
);
const PublisherId = Type.String({
  format: "uuid",
  description: "A publisher's id (from the publishers list)",
});

const Publishers = Type.Object({
  publishers: Type.Array(
    Type.Object({
      id: Type.String({ format: "uuid" }),
      name: Type.String(),
      uri: Type.Union([Type.String(), Type.Null()]),
      scheme: Type.Union([Type.String(), Type.Null()]),
      uid: Type.Union([Type.String(), Type.Null()]),
      firstImportedAt: Type.String({ format: "date-time" }),
      processes: Total,
      releases: Total,
      links: Type.Object({ releases: Type.String({ format: "uri" }) }),
    }),
  ),
  links: Next,
});

const Releases = Type.Object({
  source: Source,
  releases: Type.Array(
    Type.Object({
      ocid: Type.String(),
      id: Type.String(),
      date: Type.String({ format: "date-time" }),
      tag: Type.Array(Type.String()),
      release: Type.Record(Type.String(), Type.Unknown(), {
        description: "The release as imported, upgraded to OCDS 1.1",
      }),
      problems: Type.Array(Note, { description: "What the OCDS 1.1 schema finds wrong with the release" }),
      warnings: Type.Array(Note, {
        description: "What the import changed to read it: an OCDS 1.0 shape upgraded, a shape coerced",
      }),
      importedFrom: Type.String({ description: "The file it was read from, and its package's uri" }),
      importedAt: Type.String({ format: "date-time" }),
      links: Type.Object({ record: Type.String({ format: "uri" }) }),
    }),
  ),
  links: Next,
});

const RecordPackage = Type.Object({
  uri: Type.String({ format: "uri" }),
  version: Type.Literal("1.1"),
  publishedDate: Type.String({ format: "date-time" }),
  publisher: Type.Object({ name: Type.String(), uri: Type.Optional(Type.String()) }),
  source: Source,
  records: Type.Array(OcdsObject, {
    description: "The process's record: its releases, compiled release and versioned release",
  }),
  problems: Type.Array(
    Type.Object({ release: Type.String(), problems: Type.Array(Note), warnings: Type.Array(Note) }),
  ),
});

const tags: ["open-data"] = ["open-data"];

export async function externalOcdsRoutes(app: FastifyInstance): Promise<void> {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();
  json.get(
    "/data/ocds/external/publishers",
    api(
      { who: anyone },
      {
        operationId: "listExternalOcdsPublishers",
        tags,
        summary: "Publishers of imported OCDS data",
        description:
          "The other publishers whose OCDS data OpenPS has imported, by name, each with how many processes and releases it has (counted up to 1,000); `links.next` gives the next page.",
        querystring: Type.Object({ after: After }),
        response: { 200: Publishers },
      },
    ),
    async (request, reply) => {
      reply.header("cache-control", "public, max-age=60");
      return externalPublishers(ctxOf(request), request.server.deps.config.baseUrl, request.query);
    },
  );
  json.get(
    "/data/ocds/external/releases",
    api(
      { who: anyone },
      {
        operationId: "listExternalOcdsReleases",
        tags,
        summary: "A publisher's imported OCDS releases, newest first",
        description:
          "Another publisher's releases as imported (upgraded to OCDS 1.1), newest first, each with the problems the schema finds and what the import changed; `links.next` gives the next page.",
        querystring: Type.Object({
          publisher: PublisherId,
          after: After,
          pageSize: Type.Optional(
            Type.Integer({
              minimum: 1,
              maximum: MAX_EXTERNAL_PAGE_SIZE,
              description: "Releases a page (100 unless given)",
            }),
          ),
        }),
        response: { 200: Releases },
      },
    ),
    async (request, reply) => {
      reply.header("cache-control", "public, max-age=60");
      return externalReleases(ctxOf(request), request.server.deps.config.baseUrl, request.query);
    },
  );
  json.get(
    "/data/ocds/external/records/:ocid",
    api(
      { who: anyone },
      {
        operationId: "getExternalOcdsRecord",
        tags,
        summary: "An imported process's OCDS record",
        description:
          "A record package of one of another publisher's processes: its releases as imported, the compiled release and the versioned release merged by the standard's rules, and each release's problems.",
        params: Type.Object({ ocid: Type.String({ minLength: 1, maxLength: 1000 }) }),
        querystring: Type.Object({ publisher: PublisherId }),
        response: { 200: RecordPackage },
      },
    ),
    async (request, reply) => {
      reply.header("cache-control", "public, max-age=60");
      return externalRecord(
        ctxOf(request),
        request.server.deps.config.baseUrl,
        request.query.publisher,
        request.params.ocid,
      );
    },
  );
}
