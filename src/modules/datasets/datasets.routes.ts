/**
 * Open data, every dataset (docs/open-data.md, "Datasets"): the index (/open-data), each dataset's
 * page (/open-data/<dataset>) and its downloads (/open-data/<dataset>.csv, .json), and the
 * catalogue (/data.json, Project Open Data v1.1). Public; the downloads are streamed a page of rows
 * at a time. The first downloads' addresses (organisations, authorities, regulated locations,
 * ratings) are the same datasets' addresses here.
 */
import { Readable } from "node:stream";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { anyone, api, page } from "../../http/routes.ts";
import { ctxOf } from "../access/context.ts";
import { PodCatalogSchema } from "./datasets.schemas.ts";
import {
  catalogue,
  datasetCsv,
  datasetIndex,
  datasetJson,
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

/** A download: named for the dataset, read fresh each time (it changes as the data does). */
function download(reply: FastifyReply, type: string, filename: string) {
  return reply
    .type(type)
    .header("content-disposition", `attachment; filename="${filename}"`)
    .header("cache-control", "no-cache");
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

  app.get("/open-data/:dataset.csv", page({ who: anyone }), async (request: DatasetRequest, reply) => {
    const csv = datasetCsv(ctxOf(request), request.params.dataset);
    return download(reply, "text/csv; charset=utf-8", `openps-${request.params.dataset}.csv`).send(
      Readable.from(csv),
    );
  });

  app.get("/open-data/:dataset.json", page({ who: anyone }), async (request: DatasetRequest, reply) => {
    const json = await datasetJson(ctxOf(request), request.params.dataset, publisherOf(request));
    return download(reply, "application/json; charset=utf-8", `openps-${request.params.dataset}.json`).send(
      Readable.from(json),
    );
  });

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
