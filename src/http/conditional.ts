/**
 * Conditional requests (RFC 9110, section 13): a response's validators — its ETag and, when known,
 * when it last changed — and whether the copy the request already holds is still current, so that
 * it is answered 304 Not Modified without its content (the open datasets, the OCDS bulk files).
 *
 * `If-None-Match` is asked first, by weak comparison (`W/"a"` matches `"a"`: a compressed copy is the
 * same content), `*` matching anything; `If-Modified-Since` only when it is absent, and only for GET
 * and HEAD, to the second (HTTP dates have no finer).
 */
import type { FastifyReply, FastifyRequest } from "fastify";

export interface Validators {
  /** A strong (`"…"`) or weak (`W/"…"`) entity tag. */
  etag: string;
  lastModified?: Date | null;
}

/** The opaque tags an `If-None-Match` names (each without its `W/`), or "*". */
function tagsOf(header: string): string[] | "*" {
  if (header.trim() === "*") return "*";
  return [...header.matchAll(/(?:W\/)?("[^"]*")/g)].map((m) => m[1] as string);
}

const opaque = (etag: string) => etag.replace(/^W\//, "");

/** Whether the request's copy is still current by these validators. */
export function isNotModified(request: FastifyRequest, validators: Validators): boolean {
  const noneMatch = request.headers["if-none-match"];
  if (noneMatch !== undefined) {
    const tags = tagsOf(Array.isArray(noneMatch) ? noneMatch.join(",") : noneMatch);
    return tags === "*" || tags.includes(opaque(validators.etag));
  }
  const since = request.headers["if-modified-since"];
  const { lastModified } = validators;
  if (!since || !lastModified || (request.method !== "GET" && request.method !== "HEAD")) return false;
  const sinceMs = Date.parse(since);
  if (Number.isNaN(sinceMs)) return false;
  return Math.floor(lastModified.getTime() / 1000) <= Math.floor(sinceMs / 1000);
}

/**
 * Sends the validators with the response (on a 304 too, as it must), and says whether the request's
 * copy is still current: the route then answers 304 with no content.
 */
export function notModified(request: FastifyRequest, reply: FastifyReply, validators: Validators): boolean {
  reply.header("etag", validators.etag);
  if (validators.lastModified) reply.header("last-modified", validators.lastModified.toUTCString());
  return isNotModified(request, validators);
}
