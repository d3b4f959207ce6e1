/**
 * Where uploaded files live. Files are stored by the SHA-256 of their content (the same bytes are
 * stored once), and their type is decided from the content, never from the name the uploader gave.
 *
 * A file comes as bytes (the JSON API's base64, bounded by its body limit) or as a file already
 * received on disk (`receiveFile`: a page's upload, streamed there as it arrives, its size and
 * SHA-256 counted on the way), which the store links into place without reading it into memory.
 * Sealed bid documents are stored here too, as opaque bytes written by a stream (`putSealed`) and
 * read back by one (`stream`).
 */
import { createHash, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { copyFile, link, mkdir, open, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { extname, join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileTypeFromBuffer, fileTypeFromFile } from "file-type";
import { NotFoundError, ValidationError } from "./errors.ts";

/**
 * A file received on disk, never held whole in memory, with its size and SHA-256 as counted while
 * it was written (`receiveFile`). The file is the receiver's to remove once the request is done.
 */
export interface ReceivedFile {
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
}

/** A file's content: bytes (from the JSON API's base64), or a file received on disk (from a page). */
export type FileContent = Uint8Array | ReceivedFile;

export function isReceivedFile(content: FileContent): content is ReceivedFile {
  return !(content instanceof Uint8Array);
}

export function sizeOf(content: FileContent): number {
  return isReceivedFile(content) ? content.size : content.byteLength;
}

/** The SHA-256 of the content, lower-case hex: counted on receipt for a file on disk. */
export function sha256Of(content: FileContent): string {
  return isReceivedFile(content) ? content.sha256 : sha256Hex(content);
}

/** The content a chunk at a time: a file on disk is read as a stream. */
export function chunksOf(content: FileContent): AsyncIterable<Uint8Array> {
  return isReceivedFile(content) ? createReadStream(content.path) : Readable.from([content]);
}

/**
 * Writes `source` to a new file (0600) in `directory` as it arrives, counting its size and SHA-256
 * on the way, so that no more of it than a stream's buffer is ever in memory. If the source fails
 * (a limit reached, the sender gone), the partial file is removed and the error is rethrown.
 */
export async function receiveFile(source: Readable, directory: string): Promise<ReceivedFile> {
  await mkdir(directory, { recursive: true, mode: 0o700 });
  const path = join(directory, `${randomUUID()}.upload`);
  const counter = counting();
  try {
    await pipeline(source, counter, createWriteStream(path, { flags: "wx", mode: 0o600, flush: true }));
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
  return { path, ...counter.counted() };
}

/** A stream that passes its bytes on, counting their size and SHA-256. */
function counting(): Transform & { counted(): { size: number; sha256: string } } {
  const hash = createHash("sha256");
  let size = 0;
  const transform = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  return Object.assign(transform, { counted: () => ({ size, sha256: hash.digest("hex") }) });
}

/** Removes files `receiveFile` left in `directory` more than `olderThanMs` ago (a server stopped mid-request). */
export async function removeStaleReceived(directory: string, olderThanMs: number, now = Date.now()) {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (error) {
    if (isMissing(error)) return;
    throw error;
  }
  for (const name of names.filter((n) => n.endsWith(".upload"))) {
    const path = join(directory, name);
    const info = await stat(path).catch(() => undefined);
    if (info && now - info.mtimeMs > olderThanMs) await rm(path, { force: true });
  }
}

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
  content: FileContent;
  filename: string;
  /** Media types to accept; DEFAULT_ALLOWED_MEDIA_TYPES if not given. */
  allowedTypes?: readonly string[];
  /** The form field the file came from, so an error can link to it. */
  field?: string;
};

/** Bytes stored without a type of their own (a sealed bid document). */
export type StoredBlob = Pick<StoredFile, "key" | "sha256" | "size">;

export interface FileStore {
  put(input: PutFileInput): Promise<StoredFile>;
  /**
   * Stores `chunks` as they come (a sealed document, as it is encrypted) by their SHA-256, with no
   * type or size check: not for what a user names.
   */
  putSealed(chunks: AsyncIterable<Uint8Array>): Promise<StoredBlob>;
  /** Removes what `putSealed` stored, when what it was for was refused; nothing if it is not there. */
  removeSealed(key: string): Promise<void>;
  /** The bytes stored under `key`; throws NotFoundError if there are none. */
  get(key: string): Promise<Uint8Array>;
  /**
   * The bytes stored under `key` as a stream, for what is too large to hold (NotFoundError if there
   * are none). Not checked against the key: the reader checks what it reads (a seal's tag).
   */
  stream(key: string): Promise<Readable>;
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
    async put({ content, filename, allowedTypes = DEFAULT_ALLOWED_MEDIA_TYPES, field }) {
      const name = displayName(filename);
      const size = sizeOf(content);
      if (size === 0) throw new EmptyFileError(field);
      if (size > maxBytes) throw new FileTooLargeError(maxBytes, field);
      const mediaType = await detectMediaType(content, name);
      if (!allowedTypes.includes(mediaType)) {
        throw new FileTypeNotAllowedError(name, mediaType, allowedTypes, field);
      }
      const sha256 = sha256Of(content);
      const key = `${sha256.slice(0, 2)}/${sha256.slice(2)}`;
      await writeOnce(join(root, sha256.slice(0, 2)), sha256.slice(2), content);
      return { key, sha256, size, mediaType, filename: name };
    },

    async putSealed(chunks) {
      const incoming = join(root, ".incoming");
      await mkdir(incoming, { recursive: true });
      const temporary = join(incoming, `${randomUUID()}.tmp`);
      const counter = counting();
      try {
        await pipeline(chunks, counter, createWriteStream(temporary, { flags: "wx", flush: true }));
        const { sha256, size } = counter.counted();
        const directory = join(root, sha256.slice(0, 2));
        await mkdir(directory, { recursive: true });
        await rename(temporary, join(directory, sha256.slice(2)));
        return { key: `${sha256.slice(0, 2)}/${sha256.slice(2)}`, sha256, size };
      } finally {
        await rm(temporary, { force: true });
      }
    },

    async get(key) {
      const path = pathOf(key);
      if (!path) throw new NotFoundError("file");
      const bytes = await readIfPresent(path);
      if (!bytes) throw new NotFoundError("file");
      if (sha256Hex(bytes) !== key.replace("/", "")) throw new StoredFileCorruptError(key);
      return bytes;
    },

    async removeSealed(key) {
      const path = pathOf(key);
      if (path) await rm(path, { force: true });
    },

    async stream(key) {
      const path = pathOf(key);
      if (!path || !(await isFile(path))) throw new NotFoundError("file");
      return createReadStream(path);
    },

    async exists(key) {
      const path = pathOf(key);
      return path ? isFile(path) : false;
    },
  };
}

/** A store for contexts that never take files (the demo seeds, service tests): any use is a fault. */
export const NO_FILES: FileStore = {
  put: () => Promise.reject(new Error("This context takes no files")),
  putSealed: () => Promise.reject(new Error("This context takes no files")),
  removeSealed: () => Promise.resolve(),
  get: () => Promise.reject(new Error("This context takes no files")),
  stream: () => Promise.reject(new Error("This context takes no files")),
  exists: () => Promise.resolve(false),
};

/**
 * The media type from the content: file-type's magic-number detection first; failing that, UTF-8
 * text without NUL bytes is CSV when named .csv, and plain text otherwise.
 */
export async function detectMediaType(content: FileContent, filename: string): Promise<string> {
  const detected = isReceivedFile(content)
    ? await fileTypeFromFile(content.path)
    : await fileTypeFromBuffer(content);
  if (detected) return detected.mime;
  if (!(await isUtf8Text(content))) return "application/octet-stream";
  return extname(filename).toLowerCase() === ".csv" ? "text/csv" : "text/plain";
}

/** UTF-8 without NUL bytes; a file on disk is read a chunk at a time. */
async function isUtf8Text(content: FileContent): Promise<boolean> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const chunks = isReceivedFile(content) ? createReadStream(content.path) : [content];
  try {
    for await (const chunk of chunks as AsyncIterable<Uint8Array>) {
      if (chunk.includes(0)) return false;
      decoder.decode(chunk, { stream: true });
    }
    decoder.decode();
    return true;
  } catch (error) {
    if (error instanceof TypeError) return false;
    throw error;
  }
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * Puts `content` at `directory/name` unless something is there already. A received file is linked
 * into place (it was written and flushed as it arrived), or copied where links cannot reach; bytes
 * are written to a temporary file, flushed, then renamed.
 */
async function writeOnce(directory: string, name: string, content: FileContent): Promise<void> {
  const target = join(directory, name);
  if (await isFile(target)) return;
  await mkdir(directory, { recursive: true });
  if (isReceivedFile(content) && (await linked(content.path, target))) return;
  const temporary = join(directory, `.${name}.${randomUUID()}.tmp`);
  try {
    if (isReceivedFile(content)) await copyFile(content.path, temporary);
    else {
      const handle = await open(temporary, "wx");
      try {
        await handle.writeFile(content);
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** True once `from` is also at `to` (or `to` already existed); false where a link cannot be made. */
async function linked(from: string, to: string): Promise<boolean> {
  try {
    await link(from, to);
    return true;
  } catch (error) {
    const code = error instanceof Error && "code" in error ? error.code : undefined;
    if (code === "EEXIST") return true;
    if (code === "EXDEV" || code === "EPERM" || code === "ENOTSUP") return false;
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
