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

/** Route parameters that are secrets (an invitation's token): their values never reach the log. */
export const SECRET_PARAMS = ["token"] as const;

/**
 * `/search?q=Jane+Smith&page=2` → `/search?q=…&page=…`: keys kept, values (possibly personal)
 * removed; and each secret given (a token in the path, `/invitations/abc…/accept`) replaced by `…`.
 */
export function redactUrl(url: string, secrets: readonly string[] = []): string {
  let [path, query] = url.split("?", 2) as [string, string | undefined];
  for (const secret of secrets) if (secret !== "") path = path.split(secret).join("…");
  if (!query) return path;
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
      req(request: { method: string; url: string; id: string; ip?: string; params?: unknown }) {
        const params = (request.params ?? {}) as Record<string, unknown>;
        const secrets = SECRET_PARAMS.map((name) => params[name]).filter(
          (v): v is string => typeof v === "string",
        );
        return { method: request.method, url: redactUrl(request.url, secrets), id: request.id };
      },
    },
  };
}
