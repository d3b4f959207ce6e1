/**
 * Open data, every dataset (docs/open-data.md, "Datasets"): the index (/open-data), each dataset's
 * page (/open-data/<dataset>) and its downloads (/open-data/<dataset>.csv, .json), and the
 * catalogue (/data.json, Project Open Data v1.1). Public; the downloads are streamed a page of rows
 * at a time, compressed as the client accepts (gzip or brotli), with an ETag and Last-Modified: a
 * copy still current (If-None-Match, If-Modified-Since) is answered 304 without reading a row. The
 * first downloads' addresses (organisations, authorities, regulated locations, ratings) are the same
 * datasets' addresses here.
 */
import { Readable } from "node:stream";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { compressStream, varyWithEncoding } from "../../http/compression.ts";
import { notModified } from "../../http/conditional.ts";
import { anyone, api, page } from "../../http/routes.ts";
import { ctxOf } from "../access/context.ts";
import { PodCatalogSchema } from "./datasets.schemas.ts";
import {
  catalogue,
  datasetDownload,
  datasetIndex,
  datasetPage,
  LICENCE,
  type Publisher,
} from "./datasets.service.ts";

type DatasetRequest = FastifyRequest<{ Params: { dataset: string } }>;

const publisherOf = (request: FastifyRequest): Publisher => ({
  baseUrl: request.server.deps.config.baseUrl,
  name: request.server.deps.config.ocdsPublisher,
  contact: request.server.deps.config.openDataContact,
});

const TYPES = { csv: "text/csv; charset=utf-8", json: "application/json; charset=utf-8" } as const;

/**
 * A download, named for the dataset: checked with the server each time it is used again (it changes
 * as the data does) — 304 while the copy held is current — else streamed, compressed if accepted.
 */
async function download(request: DatasetRequest, reply: FastifyReply, format: "csv" | "json") {
  const { dataset } = request.params;
  const found = await datasetDownload(ctxOf(request), dataset, format, publisherOf(request));
  reply.header("cache-control", "public, no-cache").header("vary", varyWithEncoding(reply.getHeader("vary")));
  if (notModified(request, reply, found)) return reply.code(304).send();
  const body = Readable.from(await found.body());
  return reply
    .type(TYPES[format])
    .header("content-disposition", `attachment; filename="openps-${dataset}.${format}"`)
    .send(compressStream(request, reply, body));
}

export async function datasetsRoutes(app: FastifyInstance): Promise<void> {
  app.get("/open-data", page({ who: anyone }), async (request, reply) => {
    const datasets = await datasetIndex(ctxOf(request), request.t);
    await reply.page("datasets/views/index.njk", { datasets, licence: LICENCE });
  });

  app.get("/open-data/:dataset", page({ who: anyone }), async (request: DatasetRequest, reply) => {
    const dataset = await datasetPage(ctxOf(request), request.params.dataset, request.t);
    await reply.page("datasets/views/dataset.njk", { dataset, types: dataset.types, licence: LICENCE });
  });

  app.get("/open-data/:dataset.csv", page({ who: anyone }), (request: DatasetRequest, reply) =>
    download(request, reply, "csv"),
  );

  app.get("/open-data/:dataset.json", page({ who: anyone }), (request: DatasetRequest, reply) =>
    download(request, reply, "json"),
  );

  app.withTypeProvider<TypeBoxTypeProvider>().get(
    "/data.json",
    api(
      { who: anyone },
      {
        operationId: "getOpenDataCatalog",
        tags: ["open-data"],
        summary: "The catalogue of every open dataset (data.json)",
        description:
          "Every open dataset in the Project Open Data metadata schema v1.1: its title, description, keywords, licence, last change, publisher and contact, and its distributions (CSV and JSON downloads; the OCDS endpoints).",
        response: { 200: PodCatalogSchema },
      },
    ),
    async (request, reply) => {
      reply.header("cache-control", "public, max-age=60");
      return catalogue(ctxOf(request), publisherOf(request));
    },
  );
}
