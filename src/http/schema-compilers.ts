/**
 * Fastify's own schema compilers (Ajv for input, fast-json-stringify for output), each compiled
 * schema kept for the life of the process and shared by every app built in it.
 *
 * Building an app compiles a validator and a serializer for every schema of every route (several
 * hundred): most of the cost of `buildApp`. The server and the CLI build one app, but the tests build
 * one per test file or test, each compiling the same schemas again. A compiled function depends only
 * on its schema, the compiler's options and the shared schemas, so those are its key.
 */
import AjvCompiler from "@fastify/ajv-compiler";
import { SerializerSelector } from "@fastify/fast-json-stringify-compiler";
import type { FastifyServerOptions } from "fastify";

type CompilersFactory = NonNullable<
  NonNullable<FastifyServerOptions["schemaController"]>["compilersFactory"]
>;
type BuildValidator = NonNullable<CompilersFactory["buildValidator"]>;
type BuildSerializer = NonNullable<CompilersFactory["buildSerializer"]>;

const buildAjvValidator = AjvCompiler() as unknown as BuildValidator;
const buildJsonSerializer = SerializerSelector() as unknown as BuildSerializer;

/** Compiled functions by what they were compiled from. */
const validators = new Map<string, unknown>();
const serializers = new Map<string, unknown>();

function kept<T>(cache: Map<string, unknown>, key: string, compile: () => T): T {
  if (cache.has(key)) return cache.get(key) as T;
  const compiled = compile();
  cache.set(key, compiled);
  return compiled;
}

/**
 * A body's schema with every object that lists its properties closed to others (unless it says
 * what others it takes): a body with a property no schema names is refused, not silently dropped.
 */
export function closedObjects(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closedObjects);
  if (schema === null || typeof schema !== "object") return schema;
  const copy: Record<string | symbol, unknown> = { ...(schema as Record<string | symbol, unknown>) };
  for (const [key, value] of Object.entries(copy)) {
    if (key === "properties" || key === "patternProperties" || key === "$defs" || key === "definitions")
      copy[key] = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([name, sub]) => [name, closedObjects(sub)]),
      );
    else if (typeof value === "object") copy[key] = closedObjects(value);
  }
  if (
    copy.properties !== undefined &&
    copy.additionalProperties === undefined &&
    copy.patternProperties === undefined
  )
    copy.additionalProperties = false;
  return copy;
}

/**
 * Fastify's `schemaController.compilersFactory`: its default compilers, each result kept. Bodies
 * are validated strictly (security finding 14): no type coercion ("24" is not 24) and no property
 * their schema does not name. Parameters and query strings arrive as text, so they are still read
 * as the numbers and booleans their schemas say.
 */
export const keptCompilers: CompilersFactory = {
  buildValidator(externalSchemas, options) {
    const compile = buildAjvValidator(externalSchemas, options);
    const strict = buildAjvValidator(externalSchemas, {
      ...options,
      customOptions: { ...options?.customOptions, coerceTypes: false, removeAdditional: false },
    } as typeof options);
    const context = JSON.stringify([externalSchemas, options]);
    return (route) =>
      kept(validators, JSON.stringify([context, route.httpPart, route.schema]), () =>
        route.httpPart === "body"
          ? strict({ ...route, schema: closedObjects(route.schema) as typeof route.schema })
          : compile(route),
      );
  },
  buildSerializer(externalSchemas, options) {
    const compile = buildJsonSerializer(externalSchemas, options);
    const context = JSON.stringify([externalSchemas, options]);
    return (route) =>
      kept(serializers, JSON.stringify([context, route.httpStatus, route.schema]), () => compile(route));
  },
};
