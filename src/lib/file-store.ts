/**
 * Where uploaded files live. Files are stored by the SHA-256 of their content (the same bytes are
 * stored once), and their type is decided from the content, never from the name the uploader gave.
 */
import { createHash, randomUUID } from "node:crypto";
import { mkdir, open, readFile, rename, rm, stat } from "node:fs/promises";
import { extname, join } from "node:path";
import { fileTypeFromBuffer } from "file-type";
import { NotFoundError, ValidationError } from "./errors.ts";

export type StoredFile = {
  /** Where the store keeps the bytes: "ab/cdef…" from the SHA-256. */
  key: string;
  /** SHA-256 of the bytes, lower-case hex: the receipt a bidder can check. */
  sha256: string;
  size: number;
  /** The type found from the content, such as "application/pdf". */
  mediaType: string;
  /** The name the uploader gave, without any folder path. */
  filename: string;
};

export type PutFileInput = {
  bytes: Uint8Array;
  filename: string;
  /** Media types to accept; DEFAULT_ALLOWED_MEDIA_TYPES if not given. */
  allowedTypes?: readonly string[];
  /** The form field the file came from, so an error can link to it. */
  field?: string;
};

export interface FileStore {
  put(input: PutFileInput): Promise<StoredFile>;
  /** The bytes stored under `key`; throws NotFoundError if there are none. */
  get(key: string): Promise<Uint8Array>;
  exists(key: string): Promise<boolean>;
}

const MEDIA_TYPE_NAMES: Readonly<Record<string, string>> = {
  "application/pdf": "PDF",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word document",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel spreadsheet",
  "application/vnd.oasis.opendocument.text": "OpenDocument text",
  "application/vnd.oasis.opendocument.spreadsheet": "OpenDocument spreadsheet",
  "image/png": "PNG",
  "image/jpeg": "JPEG",
  "text/csv": "CSV",
  "text/plain": "plain text file",
};

export const DEFAULT_ALLOWED_MEDIA_TYPES: readonly string[] = Object.keys(MEDIA_TYPE_NAMES);

export class FileTooLargeError extends ValidationError {
  readonly maxBytes: number;
  constructor(maxBytes: number, field?: string) {
    const message = `The selected file must be ${describeSize(maxBytes)} or smaller`;
    super(message, field ? [{ field, message }] : [], "file_too_large");
    this.maxBytes = maxBytes;
  }
}

export class FileTypeNotAllowedError extends ValidationError {
  readonly mediaType: string;
  constructor(filename: string, mediaType: string, allowedTypes: readonly string[], field?: string) {
    const types = describeTypes(allowedTypes);
    const message = `The selected file must be ${/^[AEIOU]/.test(types) ? "an" : "a"} ${types} — ‘${filename}’ is not`;
    super(message, field ? [{ field, message }] : [], "file_type_not_allowed");
    this.mediaType = mediaType;
  }
}

export class EmptyFileError extends ValidationError {
  constructor(field?: string) {
    const message = "The selected file is empty";
    super(message, field ? [{ field, message }] : [], "file_empty");
  }
}

/** The bytes on disk no longer match their SHA-256: a fault to investigate, not a user error. */
export class StoredFileCorruptError extends Error {
  readonly code = "stored_file_corrupt";
  constructor(key: string) {
    super(`The stored file ${key} does not match its SHA-256`);
    this.name = "StoredFileCorruptError";
  }
}

const KEY_PATTERN = /^([0-9a-f]{2})\/([0-9a-f]{62})$/;

/** A store in a folder on this machine: `root/ab/cdef…`, written to a temporary file, then renamed. */
export function localFileStore(options: { root: string; maxBytes: number }): FileStore {
  const { root, maxBytes } = options;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
    throw new RangeError(`maxBytes must be a whole number of bytes above 0, not ${maxBytes}`);
  }
  const pathOf = (key: string): string | undefined => {
    const match = KEY_PATTERN.exec(key);
    return match ? join(root, match[1] ?? "", match[2] ?? "") : undefined;
  };

  return {
    async put({ bytes, filename, allowedTypes = DEFAULT_ALLOWED_MEDIA_TYPES, field }) {
      const name = displayName(filename);
      if (bytes.byteLength === 0) throw new EmptyFileError(field);
      if (bytes.byteLength > maxBytes) throw new FileTooLargeError(maxBytes, field);
      const mediaType = await detectMediaType(bytes, name);
      if (!allowedTypes.includes(mediaType)) {
        throw new FileTypeNotAllowedError(name, mediaType, allowedTypes, field);
      }
      const sha256 = sha256Hex(bytes);
      const key = `${sha256.slice(0, 2)}/${sha256.slice(2)}`;
      await writeOnce(join(root, sha256.slice(0, 2)), sha256.slice(2), bytes);
      return { key, sha256, size: bytes.byteLength, mediaType, filename: name };
    },

    async get(key) {
      const path = pathOf(key);
      if (!path) throw new NotFoundError("file");
      const bytes = await readIfPresent(path);
      if (!bytes) throw new NotFoundError("file");
      if (sha256Hex(bytes) !== key.replace("/", "")) throw new StoredFileCorruptError(key);
      return bytes;
    },

    async exists(key) {
      const path = pathOf(key);
      return path ? isFile(path) : false;
    },
  };
}

/**
 * The media type from the content: file-type's magic-number detection first; failing that, UTF-8
 * text without NUL bytes is CSV when named .csv, and plain text otherwise.
 */
export async function detectMediaType(bytes: Uint8Array, filename: string): Promise<string> {
  const detected = await fileTypeFromBuffer(bytes);
  if (detected) return detected.mime;
  if (!isUtf8Text(bytes)) return "application/octet-stream";
  return extname(filename).toLowerCase() === ".csv" ? "text/csv" : "text/plain";
}

function isUtf8Text(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

async function writeOnce(directory: string, name: string, bytes: Uint8Array): Promise<void> {
  const target = join(directory, name);
  if (await isFile(target)) return;
  await mkdir(directory, { recursive: true });
  const temporary = join(directory, `.${name}.${randomUUID()}.tmp`);
  try {
    const handle = await open(temporary, "wx");
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

async function readIfPresent(path: string): Promise<Uint8Array | undefined> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

function isMissing(error: unknown): boolean {
  return error instanceof Error && "code" in error && (error.code === "ENOENT" || error.code === "ENOTDIR");
}

/** The last part of the name a browser sent ("C:\fakepath\bid.pdf" → "bid.pdf"), without control characters. */
function displayName(filename: string): string {
  const base = filename.split(/[\\/]/).pop() ?? "";
  return base.replace(/\p{Cc}/gu, "").trim() || "file";
}

function describeTypes(mediaTypes: readonly string[]): string {
  const names = mediaTypes.map((type) => MEDIA_TYPE_NAMES[type] ?? type);
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} or ${names.at(-1)}`;
}

function describeSize(bytes: number): string {
  const units: readonly [number, string][] = [
    [1024 * 1024 * 1024, "GB"],
    [1024 * 1024, "MB"],
    [1024, "KB"],
  ];
  for (const [size, unit] of units) {
    if (bytes >= size) {
      const amount = bytes / size;
      return `${Number.isInteger(amount) ? amount : amount.toFixed(1)} ${unit}`;
    }
  }
  return `${bytes} bytes`;
}
