/**
 * pino options for Fastify's request logger: request ids, and personal data kept out. URLs are
 * logged as their path with query values removed; cookies, tokens and form bodies never appear.
 */
import type { FastifyServerOptions } from "fastify";
import type { Config } from "../config/config.ts";

export const REDACTED_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'res.headers["set-cookie"]',
  "*.email",
  "*.password",
  "*.phone",
  "*.dateOfBirth",
  "*.nhsNumber",
  "*.name",
];

/** `/search?q=Jane+Smith&page=2` → `/search?q=…&page=…`: keys kept, values (possibly personal) removed. */
export function redactUrl(url: string): string {
  const [path, query] = url.split("?", 2);
  if (!query) return path ?? url;
  const keys = query
    .split("&")
    .filter(Boolean)
    .map((pair) => `${pair.split("=", 1)[0]}=…`);
  return `${path}?${keys.join("&")}`;
}

export function loggerOptions(config: Config): FastifyServerOptions["logger"] {
  return {
    level: config.logLevel,
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    serializers: {
      req(request: { method: string; url: string; id: string; ip?: string }) {
        return { method: request.method, url: redactUrl(request.url), id: request.id };
      },
    },
  };
}
