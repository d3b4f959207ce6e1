/**
 * File uploads from pages: forms with `enctype="multipart/form-data"` (and the CSRF field first, as
 * every form has it). Fields arrive in `request.body` as strings, as with ordinary forms; each
 * chosen file as an `UploadedFile` (a file input left empty gives nothing). What a file's type
 * really is, is checked from its content by the service that stores it (src/lib/file-store.ts).
 *
 * A multipart body is read only when the route says it takes files (`uploads: true` in its rules)
 * and only after the sender has been let in: before a byte of it is read, the request must name its
 * length (411 otherwise), no more than OPENPS_MAX_UPLOAD_BYTES for the whole form (413), come from
 * someone signed in (sign-in otherwise) whom the route's `who` lets in (403). Elsewhere a multipart
 * body is refused with 415 unread. (Security finding 6: anonymous 199 MB posts to /sign-in were
 * read into memory.) More than `MAX_FILES_PER_FORM` files is refused with 413 too.
 */
import multipart from "@fastify/multipart";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { NotSignedInError } from "../lib/errors.ts";

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

export interface UploadedFile {
  filename: string;
  /** As the browser said; not trusted. */
  mediaType: string;
  data: Buffer;
}

function isUploadedFile(value: unknown): value is UploadedFile {
  return typeof value === "object" && value !== null && Buffer.isBuffer((value as UploadedFile).data);
}

export async function registerUploads(app: FastifyInstance, maxBytes: number): Promise<void> {
  await app.register(multipart, {
    attachFieldsToBody: "keyValues",
    limits: { fileSize: maxBytes, files: MAX_FILES_PER_FORM, fields: 1000, parts: 1100 },
    async onFile(part) {
      const data = await part.toBuffer();
      // An empty file input is sent as a part with no name and no bytes: nothing was chosen.
      const chosen = part.filename !== "" || data.length > 0;
      (part as unknown as { value: UploadedFile | "" }).value = chosen
        ? { filename: part.filename, mediaType: part.mimetype, data }
        : "";
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
