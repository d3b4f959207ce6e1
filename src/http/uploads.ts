/**
 * File uploads from pages: forms with `enctype="multipart/form-data"` (and the CSRF field first, as
 * every form has it). Fields arrive in `request.body` as strings, as with ordinary forms; each
 * chosen file as an `UploadedFile` (a file input left empty gives nothing). What a file's type
 * really is, is checked from its content by the service that stores it (src/lib/file-store.ts).
 *
 * A file is streamed to disk as it arrives (`receiveFile`: `<dataDir>/uploads`, 0600, its size and
 * SHA-256 counted on the way), never held whole in memory; the service is given the file, and the
 * file store links it into place. Received files are removed when the response is sent or the
 * sender goes away, and any a stopped server left behind at the next start.
 *
 * A multipart body is read only when the route says it takes files (`uploads: true` in its rules)
 * and only after the sender has been let in: before a byte of it is read, the request must name its
 * length (411 otherwise), no more than OPENPS_MAX_UPLOAD_BYTES for the whole form (413), come from
 * someone signed in (sign-in otherwise) whom the route's `who` lets in (403). Elsewhere a multipart
 * body is refused with 415 unread. (Security finding 6: anonymous 199 MB posts to /sign-in were
 * read into memory.) More than `MAX_FILES_PER_FORM` files is refused with 413 too.
 */
import { rm } from "node:fs/promises";
import multipart from "@fastify/multipart";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { NotSignedInError } from "../lib/errors.ts";
import { type ReceivedFile, receiveFile, removeStaleReceived } from "../lib/file-store.ts";

/** An HTTP refusal the error handler answers with its status (411, 413, 415). */
class RequestRefused extends Error {
  readonly statusCode: number;
  readonly code: string;
  constructor(statusCode: number, code: string, message: string) {
    super(message);
    this.statusCode = statusCode;
    this.code = code;
  }
}

function isMultipart(request: FastifyRequest): boolean {
  return /^multipart\//i.test(request.headers["content-type"] ?? "");
}

export const MAX_FILES_PER_FORM = 10;

/** A file chosen in a form: received on disk (`path`, `size`, `sha256`), with what the browser said of it. */
export interface UploadedFile extends ReceivedFile {
  filename: string;
  /** As the browser said; not trusted. */
  mediaType: string;
}

/** Marks the files this module made, so that a field of another shape is never taken for one. */
const RECEIVED = Symbol("received upload");

function isUploadedFile(value: unknown): value is UploadedFile {
  return typeof value === "object" && value !== null && RECEIVED in value;
}

/** Received files left by a server that stopped mid-request are removed at the next start. */
const STALE_AFTER_MS = 60 * 60 * 1000;

declare module "fastify" {
  interface FastifyRequest {
    /** Files received for this request, removed once it is answered. */
    receivedFiles?: string[];
  }
}

/** Receives each file of a form into `directory` as it arrives (no more than `maxBytes` each). */
export async function registerUploads(
  app: FastifyInstance,
  options: { maxBytes: number; directory: string },
): Promise<void> {
  const { maxBytes, directory } = options;
  await removeStaleReceived(directory, STALE_AFTER_MS);
  const removeReceived = async (request: FastifyRequest) => {
    const paths = request.receivedFiles ?? [];
    request.receivedFiles = [];
    await Promise.all(paths.map((path) => rm(path, { force: true })));
  };
  app.addHook("onRequest", async (request, reply) => {
    // A sender that goes away before the answer is sent never reaches onResponse. Only a form
    // with files can leave any.
    if (isMultipart(request)) reply.raw.once("close", () => void removeReceived(request));
  });
  app.addHook("onResponse", removeReceived);
  await app.register(multipart, {
    attachFieldsToBody: "keyValues",
    limits: { fileSize: maxBytes, files: MAX_FILES_PER_FORM, fields: 1000, parts: 1100 },
    async onFile(part) {
      const received = await receiveFile(part.file, directory);
      this.receivedFiles = [...(this.receivedFiles ?? []), received.path];
      // Only a sender whose Content-Length understated the body gets this far with too much.
      if (part.file.truncated) throw new RequestRefused(413, "too_large", "The files are too large.");
      // An empty file input is sent as a part with no name and no bytes: nothing was chosen.
      const chosen = part.filename !== "" || received.size > 0;
      const file: UploadedFile = { ...received, filename: part.filename, mediaType: part.mimetype };
      Object.defineProperty(file, RECEIVED, { value: true });
      (part as unknown as { value: UploadedFile | "" }).value = chosen ? file : "";
    },
  });
}

/**
 * The gate before a multipart body is read (above). Register it after who is asking and a page's
 * authority are known (`registerAuthentication`, `registerAuthorityParam`): preParsing hooks run in
 * the order they were added.
 */
export function registerUploadGate(app: FastifyInstance, maxBytes: number): void {
  app.addHook("preParsing", async (request, _reply, payload) => {
    if (!isMultipart(request)) return payload;
    const rules = request.routeOptions.config?.rules;
    if (!rules?.uploads)
      throw new RequestRefused(415, "unsupported_media_type", "This address takes no files.");
    const length = request.headers["content-length"];
    if (length === undefined)
      throw new RequestRefused(411, "length_required", "Send the size of the form (Content-Length).");
    if (Number(length) > maxBytes) throw new RequestRefused(413, "too_large", "The files are too large.");
    if (!request.principal) throw new NotSignedInError("Sign in to send files.");
    await rules.who.check(request);
    return payload;
  });
}

/** The files chosen in a file input (which may allow several). */
export function filesOf(body: unknown, name: string): UploadedFile[] {
  const value = (body as Record<string, unknown> | null | undefined)?.[name];
  const values = Array.isArray(value) ? value : [value];
  return values.filter(isUploadedFile);
}
