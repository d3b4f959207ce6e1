/**
 * Compressed responses, in brotli or gzip as the browser accepts (`Accept-Encoding`): a page's HTML
 * is a fifth of its size compressed, the stylesheet a tenth. On a phone's connection that is most of
 * the time before the first paint.
 *
 * - `negotiateEncoding(header)`: "br", "gzip" or null (send it as it is), by the browser's
 *   preferences; brotli when both are as welcome.
 * - `compressedVariants(body)`: an asset compressed once, as small as each encoding makes it, for
 *   assets served from memory at an immutable address (src/http/assets.ts sends them itself).
 * - `registerCompression(app)`: compresses every other text answer (HTML, JSON, CSS, JavaScript,
 *   CSV, SVG, plain text) of 1 KB or more that is not already encoded, quickly rather than as small
 *   as can be; a stream (a file) is sent as it is. Each says `Vary: Accept-Encoding`, so that a
 *   cache keeps one copy per encoding.
 * - `compressStream(request, reply, body)`: a streamed answer of any size (an open dataset's
 *   download) compressed as it is sent, in the same encodings and as quickly, in flat memory.
 */
import { pipeline, type Readable } from "node:stream";
import { promisify } from "node:util";
import zlib from "node:zlib";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

export type Encoding = "br" | "gzip";

/** Below this, compressing saves less than a packet. */
export const MIN_COMPRESS_BYTES = 1024;

const COMPRESSIBLE = /^(text\/|application\/(json|javascript|xml|[a-z.+-]+\+json)|image\/svg\+xml)/i;

/** Whether a response of this content type is worth compressing. */
export function isCompressible(contentType: string): boolean {
  return COMPRESSIBLE.test(contentType);
}

/** How much the browser wants each encoding (`br;q=0.9, gzip`), 0 for one it does not accept. */
function qualities(header: string): Map<string, number> {
  const wanted = new Map<string, number>();
  for (const part of header.split(",")) {
    const [name = "", ...params] = part.trim().split(";");
    if (!name) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const quality = q === undefined ? 1 : Number(q.slice(2));
    wanted.set(name.trim().toLowerCase(), Number.isFinite(quality) ? quality : 0);
  }
  return wanted;
}

/** The encoding to send, from the request's `Accept-Encoding`: null for none (identity). */
export function negotiateEncoding(header: string | string[] | undefined): Encoding | null {
  const text = Array.isArray(header) ? header.join(",") : header;
  if (!text) return null;
  const wanted = qualities(text);
  const any = wanted.get("*") ?? 0;
  const quality = (encoding: Encoding) => wanted.get(encoding) ?? any;
  const br = quality("br");
  const gzip = quality("gzip");
  if (br <= 0 && gzip <= 0) return null;
  return br >= gzip ? "br" : "gzip";
}

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** Brotli for an answer made now: quality 4 costs about what gzip 6 does, and saves more. */
const BROTLI_FAST = {
  [zlib.constants.BROTLI_PARAM_QUALITY]: 4,
  [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
};
const GZIP_FAST = { level: 6 };

/** Compressed for a response made now: fast (brotli 4, gzip 6), where each page is compressed anew. */
export function compressNow(encoding: Encoding, body: string | Buffer): Promise<Buffer> {
  const bytes = typeof body === "string" ? Buffer.from(body) : body;
  return encoding === "br"
    ? brotli(bytes, { params: { ...BROTLI_FAST, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } })
    : gzip(bytes, GZIP_FAST);
}

/**
 * A streamed answer compressed as the request accepts, as it is read (brotli 4 or gzip 6): each
 * chunk compressed as it comes, so memory stays flat at any size. Says `Content-Encoding` and
 * `Vary: Accept-Encoding`; the stream as it is when the request accepts neither. A failure of
 * `body` fails the answer (it is cut short, never ended as if whole).
 */
export function compressStream(request: FastifyRequest, reply: FastifyReply, body: Readable): Readable {
  reply.header("vary", varyWithEncoding(reply.getHeader("vary")));
  const encoding = negotiateEncoding(request.headers["accept-encoding"]);
  if (!encoding) return body;
  reply.header("content-encoding", encoding);
  const compressor =
    encoding === "br" ? zlib.createBrotliCompress({ params: BROTLI_FAST }) : zlib.createGzip(GZIP_FAST);
  return pipeline(body, compressor, () => undefined);
}

export type CompressedVariants = Record<Encoding, Buffer>;

/**
 * An asset compressed once, as small as each encoding makes it (brotli 11, gzip 9): a quarter of a
 * second for the stylesheet, paid on its first request and never again in the process.
 */
export function compressedVariants(body: string | Buffer): CompressedVariants {
  const bytes = typeof body === "string" ? Buffer.from(body) : body;
  return {
    br: zlib.brotliCompressSync(bytes, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
        [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }),
    gzip: zlib.gzipSync(bytes, { level: 9 }),
  };
}

/** `Vary` with `Accept-Encoding` added to what it already names. */
export function varyWithEncoding(vary: unknown): string {
  const current = Array.isArray(vary) ? vary.join(", ") : typeof vary === "string" ? vary : "";
  const names = current
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
  if (names.includes("*") || names.some((name) => name.toLowerCase() === "accept-encoding")) return current;
  return [...names, "Accept-Encoding"].join(", ");
}

export function registerCompression(app: FastifyInstance): void {
  app.addHook("onSend", async (request, reply, payload) => {
    if (payload === null || payload === undefined) return payload;
    if (!isCompressible(String(reply.getHeader("content-type") ?? ""))) return payload;
    reply.header("vary", varyWithEncoding(reply.getHeader("vary")));
    if (reply.hasHeader("content-encoding")) return payload;
    if (typeof payload !== "string" && !Buffer.isBuffer(payload)) return payload;
    if (Buffer.byteLength(payload) < MIN_COMPRESS_BYTES) return payload;
    if (reply.statusCode === 204 || reply.statusCode === 304) return payload;
    const encoding = negotiateEncoding(request.headers["accept-encoding"]);
    if (!encoding) return payload;
    const compressed = await compressNow(encoding, payload);
    reply.header("content-encoding", encoding);
    reply.removeHeader("content-length");
    return compressed;
  });
}
