/**
 * The public pages: what the home page shows and the API documentation drawn from the OpenAPI
 * document.
 */
import { STATUS_CODES } from "node:http";
import { NotFoundError } from "../../lib/errors.ts";
import type { Ctx } from "../access/context.ts";
import type { Authority } from "../authorities/authorities.service.ts";
import { listAuthorities } from "../authorities/authorities.service.ts";
import type { EffectiveSector } from "../organisations/organisations.service.ts";
import { directoryFigures, SECTORS } from "../organisations/organisations.service.ts";

export interface SectorCount {
  sector: EffectiveSector;
  count: number;
}

export interface HomeSummary {
  authorities: Authority[];
  /** Every sector, in the directory's order, with how many organisations it has (perhaps none). */
  sectors: SectorCount[];
  /** Staff of the public service mutuals with qualifying evidence. */
  mutualStaff: number;
  organisationCount: number;
  /** When the figures were counted: they are kept for `DIRECTORY_FIGURES_MAX_AGE_MS`. */
  countedAt: Date;
}

/**
 * What the home page shows: the authorities, and the directory's organisations by sector — the
 * directory's figures, counted at most once a minute (`DIRECTORY_FIGURES_MAX_AGE_MS`): counting
 * the directory by sector reads the whole of it, which at national scale no page view should do.
 * The page says when they were counted. Public.
 */
export async function homeSummary(ctx: Ctx): Promise<HomeSummary> {
  const [authorities, figures] = await Promise.all([listAuthorities(ctx.db), directoryFigures(ctx)]);
  const bySector = new Map<string, number>(figures.value.facets.sector.map((row) => [row.value, row.count]));
  // A mutual is counted as one only on recorded evidence; the others are shown apart.
  const sectors: SectorCount[] = SECTORS.map((sector) => ({ sector, count: bySector.get(sector) ?? 0 }));
  const unconfirmed = bySector.get("unconfirmed") ?? 0;
  if (unconfirmed > 0) sectors.push({ sector: "unconfirmed", count: unconfirmed });
  return {
    authorities,
    sectors,
    mutualStaff: figures.value.mutuals.staff,
    organisationCount: figures.value.total,
    countedAt: figures.countedAt,
  };
}

// The API documentation, from the OpenAPI 3.1 document @fastify/swagger generates.

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"] as const;

interface SchemaObject {
  type?: string | string[];
  format?: string;
  $ref?: string;
  description?: string;
  enum?: unknown[];
  items?: SchemaObject;
}

interface ParameterObject {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: SchemaObject;
}

interface OperationObject {
  summary?: string;
  description?: string;
  tags?: string[];
  deprecated?: boolean;
  parameters?: ParameterObject[];
  requestBody?: { required?: boolean; description?: string; content?: Record<string, unknown> };
  responses?: Record<string, { description?: string }>;
}

export interface OpenApiDocument {
  info?: { title?: string; version?: string; description?: string };
  tags?: { name: string; description?: string }[];
  paths?: Record<string, Record<string, unknown> & { parameters?: ParameterObject[] }>;
}

export interface ApiParameter {
  name: string;
  in: string;
  type: string;
  required: boolean;
  description: string;
}

export interface ApiOperation {
  /** An id for the page's anchors, like `get-api-v1-health`. */
  id: string;
  method: string;
  path: string;
  summary: string;
  description: string;
  deprecated: boolean;
  parameters: ApiParameter[];
  requestBody: { required: boolean; contentTypes: string[]; description: string } | undefined;
  responses: { status: string; description: string }[];
}

export interface ApiTagGroup {
  /** Undefined for operations without a tag. */
  name: string | undefined;
  /** The last part of the group's page address, /api/docs/<slug>: the tag in lower case ("other" without one). */
  slug: string;
  description: string;
  operations: ApiOperation[];
}

export interface ApiDescription {
  title: string;
  version: string;
  groups: ApiTagGroup[];
  operationCount: number;
}

export function schemaType(schema: SchemaObject | undefined): string {
  if (!schema) return "";
  if (schema.$ref) return schema.$ref.split("/").pop() ?? schema.$ref;
  const types = Array.isArray(schema.type) ? schema.type.join(" or ") : (schema.type ?? "");
  if (types === "array" && schema.items) return `array of ${schemaType(schema.items)}`;
  if (schema.enum && schema.enum.length > 0) return `${types ? `${types}: ` : ""}${schema.enum.join(", ")}`;
  return schema.format ? `${types} (${schema.format})` : types;
}

/** @fastify/swagger's placeholder for a response without a description. */
const PLACEHOLDER = "Default Response";

/** A response's own description, or else the standard name of its status ("Service Unavailable"). */
function responseDescription(status: string, description: string | undefined): string {
  if (description && description !== PLACEHOLDER) return description;
  return STATUS_CODES[status] ?? "";
}

function statusOrder(status: string): number {
  const number = Number(status);
  return Number.isFinite(number) ? number : 1000;
}

export function describeApi(document: OpenApiDocument): ApiDescription {
  const operations: (ApiOperation & { tags: string[] })[] = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item[method] as OperationObject | undefined;
      if (!operation) continue;
      const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])].map((parameter) => ({
        name: parameter.name,
        in: parameter.in,
        type: schemaType(parameter.schema),
        required: parameter.required === true,
        description: parameter.description ?? parameter.schema?.description ?? "",
      }));
      const body = operation.requestBody;
      operations.push({
        id: `${method}-${path}`
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, "-")
          .replace(/^-|-$/g, ""),
        method: method.toUpperCase(),
        path,
        summary: operation.summary ?? "",
        description: operation.description ?? "",
        deprecated: operation.deprecated === true,
        parameters,
        requestBody: body
          ? {
              required: body.required === true,
              contentTypes: Object.keys(body.content ?? {}),
              description: body.description ?? "",
            }
          : undefined,
        responses: Object.entries(operation.responses ?? {})
          .map(([status, response]) => ({
            status,
            description: responseDescription(status, response.description),
          }))
          .sort((a, b) => statusOrder(a.status) - statusOrder(b.status)),
        tags: operation.tags ?? [],
      });
    }
  }

  type Tagged = ApiOperation & { tags: string[] };
  const declared = document.tags ?? [];
  const names = [
    ...declared.map((tag) => tag.name),
    ...operations
      .flatMap((operation) => operation.tags)
      .filter((name) => !declared.some((tag) => tag.name === name)),
  ].filter((name, index, all) => all.indexOf(name) === index);
  const groups: (Omit<ApiTagGroup, "operations"> & { operations: Tagged[] })[] = names
    .map((name) => ({
      name,
      slug: tagSlug(name),
      description: declared.find((tag) => tag.name === name)?.description ?? "",
      operations: operations.filter((operation) => operation.tags[0] === name),
    }))
    .filter((group) => group.operations.length > 0);
  const untagged = operations.filter((operation) => operation.tags.length === 0);
  if (untagged.length > 0)
    groups.push({ name: undefined, slug: UNTAGGED, description: "", operations: untagged });

  return {
    title: document.info?.title ?? "API",
    version: document.info?.version ?? "",
    groups: groups.map((group) => ({
      ...group,
      operations: group.operations.map(({ tags: _tags, ...rest }) => rest),
    })),
    operationCount: operations.length,
  };
}

/** The page of operations without a tag. */
const UNTAGGED = "other";

/** A tag as the last part of its page's address: lower case, runs of other characters made one hyphen. */
export function tagSlug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || UNTAGGED
  );
}

/** The operations of one tag, for its page of the API documentation (the reference is split by tag). */
export function apiTagGroup(api: ApiDescription, slug: string): ApiTagGroup {
  const group = api.groups.find((candidate) => candidate.slug === slug);
  if (!group) throw new NotFoundError("part of the API documentation");
  return group;
}
