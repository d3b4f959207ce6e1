/**
 * Open contracting data (OCDS 1.1): releases newest first, one release, a process's record. Public,
 * JSON, cacheable for a minute. See docs/open-data.md.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { Type } from "typebox";
import { anyone, api } from "../../http/routes.ts";
import { ctxOf } from "../access/context.ts";
import {
  MAX_RELEASES_PAGE_SIZE,
  type Publication,
  recordOf,
  releaseOf,
  releasePackage,
} from "./ocds.service.ts";

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
      return releasePackage(ctxOf(request), publication(request), request.query);
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
      return releaseOf(ctxOf(request), publication(request), request.params.id);
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
      return recordOf(ctxOf(request), publication(request), request.params.ocid);
    },
  );
}
