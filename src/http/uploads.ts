/**
 * File uploads from pages: forms with `enctype="multipart/form-data"` (and the CSRF field first, as
 * every form has it). Fields arrive in `request.body` as strings, as with ordinary forms; each
 * chosen file as an `UploadedFile` (a file input left empty gives nothing). A file over
 * OPENPS_MAX_UPLOAD_BYTES, or more than `MAX_FILES_PER_FORM` files, is refused with 413 before
 * anything else runs. What a file's type really is, is checked from its content by the service
 * that stores it (src/lib/file-store.ts).
 */
import multipart from "@fastify/multipart";
import type { FastifyInstance } from "fastify";

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

/** The files chosen in a file input (which may allow several). */
export function filesOf(body: unknown, name: string): UploadedFile[] {
  const value = (body as Record<string, unknown> | null | undefined)?.[name];
  const values = Array.isArray(value) ? value : [value];
  return values.filter(isUploadedFile);
}
