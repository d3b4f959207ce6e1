/**
 * The catalogue's schema (/data.json): the Project Open Data metadata schema v1.1's catalog, dataset
 * and distribution, as OpenPS fills them in (https://project-open-data.cio.gov/v1.1/schema). Fastify
 * serialises the answer from it, and the OpenAPI document describes it.
 */
import { Type } from "typebox";

const Uri = Type.String({ format: "uri" });

const Distribution = Type.Object({
  "@type": Type.Literal("dcat:Distribution"),
  title: Type.String({ minLength: 1 }),
  description: Type.String({ minLength: 1 }),
  format: Type.String({ minLength: 1 }),
  mediaType: Type.String({ pattern: "^[-\\w]+/[-\\w]+(\\.[-\\w]+)*([+][-\\w]+)?$" }),
  downloadURL: Type.Optional(Uri),
  accessURL: Type.Optional(Uri),
  conformsTo: Type.Optional(Uri),
  describedBy: Type.Optional(Uri),
  describedByType: Type.Optional(Type.String()),
});

const Dataset = Type.Object({
  "@type": Type.Literal("dcat:Dataset"),
  identifier: Type.String({ minLength: 1, description: "The dataset's page: its stable address" }),
  title: Type.String({ minLength: 1 }),
  description: Type.String({ minLength: 1 }),
  keyword: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
  modified: Type.String({ description: "When its rows last changed (ISO 8601)" }),
  publisher: Type.Object({ "@type": Type.Literal("org:Organization"), name: Type.String({ minLength: 1 }) }),
  contactPoint: Type.Object({
    "@type": Type.Literal("vcard:Contact"),
    fn: Type.String({ minLength: 1 }),
    hasEmail: Type.String({ pattern: "^mailto:" }),
  }),
  accessLevel: Type.Literal("public"),
  license: Uri,
  landingPage: Uri,
  describedBy: Type.Optional(Uri),
  describedByType: Type.Optional(Type.String()),
  conformsTo: Type.Optional(Uri),
  language: Type.Array(Type.String()),
  distribution: Type.Array(Distribution, { minItems: 1 }),
});

export const PodCatalogSchema = Type.Object(
  {
    "@context": Uri,
    "@id": Uri,
    "@type": Type.Literal("dcat:Catalog"),
    conformsTo: Type.Literal("https://project-open-data.cio.gov/v1.1/schema"),
    describedBy: Uri,
    dataset: Type.Array(Dataset),
  },
  { description: "A Project Open Data v1.1 catalog (data.json)" },
);
