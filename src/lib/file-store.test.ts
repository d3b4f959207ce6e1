import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { Readable } from "node:stream";
import { crc32 } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NotFoundError, ValidationError } from "./errors.ts";
import {
  detectMediaType,
  EmptyFileError,
  type FileStore,
  FileTooLargeError,
  FileTypeNotAllowedError,
  localFileStore,
  receiveFile,
  removeStaleReceived,
  StoredFileCorruptError,
} from "./file-store.ts";

const MB = 1024 * 1024;
const encoder = new TextEncoder();

// Real signatures: the PNG magic number and IHDR chunk; a minimal PDF; a DOS/Windows executable.
const PNG = Uint8Array.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00,
  0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89,
]);
const PDF = encoder.encode(
  "%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n",
);
const JPEG = Uint8Array.from([
  0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00,
]);
const EXE = Uint8Array.from([
  0x4d,
  0x5a,
  0x90,
  0x00,
  0x03,
  0x00,
  0x00,
  0x00,
  0x04,
  0x00,
  0x00,
  0x00,
  0xff,
  0xff,
  ...new Array(50).fill(0),
]);
const CSV = encoder.encode("name,amount\nAcme Ltd,£1,234.56\n");

/** A zip archive with uncompressed entries, enough for file-type to recognise Office formats. */
function zip(entries: Record<string, string>): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(entries)) {
    const nameBytes = Buffer.from(name, "utf8");
    const data = Buffer.from(content, "utf8");
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, directory, end]));
}

const DOCX = zip({
  "[Content_Types].xml":
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
  "word/document.xml": "<w:document/>",
});
const ODS = zip({
  mimetype: "application/vnd.oasis.opendocument.spreadsheet",
  "content.xml": "<office:document-content/>",
});
const PLAIN_ZIP = zip({ "readme.txt": "hello" });

let root: string;
let store: FileStore;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "openps-files-"));
  store = localFileStore({ root, maxBytes: 10 * MB });
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function refusal(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
  }
  throw new Error("expected the promise to be refused");
}

describe("localFileStore.put", () => {
  it("stores the bytes under their SHA-256 and reports what it stored", async () => {
    const stored = await store.put({ content: PDF, filename: "bid.pdf" });
    const sha256 = createHash("sha256").update(PDF).digest("hex");
    expect(stored).toEqual({
      key: `${sha256.slice(0, 2)}/${sha256.slice(2)}`,
      sha256,
      size: PDF.byteLength,
      mediaType: "application/pdf",
      filename: "bid.pdf",
    });
    expect(new Uint8Array(await readFile(join(root, sha256.slice(0, 2), sha256.slice(2))))).toEqual(PDF);
  });

  it("decides the type from the content, not the name", async () => {
    expect((await store.put({ content: PDF, filename: "scan.png" })).mediaType).toBe("application/pdf");
    expect((await store.put({ content: PNG, filename: "photo.pdf" })).mediaType).toBe("image/png");
    expect((await store.put({ content: JPEG, filename: "photo" })).mediaType).toBe("image/jpeg");
  });

  it("recognises Word documents and OpenDocument spreadsheets", async () => {
    expect((await store.put({ content: DOCX, filename: "method.docx" })).mediaType).toBe(
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    );
    expect((await store.put({ content: ODS, filename: "prices.ods" })).mediaType).toBe(
      "application/vnd.oasis.opendocument.spreadsheet",
    );
  });

  it("treats UTF-8 text as CSV when named .csv and as plain text otherwise", async () => {
    expect((await store.put({ content: CSV, filename: "spend.CSV" })).mediaType).toBe("text/csv");
    expect((await store.put({ content: CSV, filename: "spend.txt" })).mediaType).toBe("text/plain");
  });

  it("refuses an executable renamed .pdf, saying which types it accepts", async () => {
    const error = await refusal(store.put({ content: EXE, filename: "invoice.pdf" }));
    expect(error).toBeInstanceOf(FileTypeNotAllowedError);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: "file_type_not_allowed", mediaType: "application/x-msdownload" });
    expect(error.message).toBe(
      "The selected file must be a PDF, Word document, Excel spreadsheet, OpenDocument text, " +
        "OpenDocument spreadsheet, PNG, JPEG, CSV or plain text file — ‘invoice.pdf’ is not",
    );
    expect(await readdir(root)).toEqual([]);
  });

  it("refuses binary files it cannot identify, and zips that are not documents", async () => {
    const binary = Uint8Array.from([0x01, 0x02, 0x00, 0xfe, 0xff, 0x00, 0x10]);
    await expect(store.put({ content: binary, filename: "notes.txt" })).rejects.toBeInstanceOf(
      FileTypeNotAllowedError,
    );
    const invalidUtf8 = Uint8Array.from([0x61, 0x62, 0xc3, 0x28]);
    await expect(store.put({ content: invalidUtf8, filename: "a.csv" })).rejects.toBeInstanceOf(
      FileTypeNotAllowedError,
    );
    await expect(store.put({ content: PLAIN_ZIP, filename: "bid.docx" })).rejects.toMatchObject({
      mediaType: "application/zip",
    });
  });

  it("accepts only the types the caller allows, and names them", async () => {
    const error = await refusal(
      store.put({ content: PNG, filename: "logo.png", allowedTypes: ["text/csv"], field: "spendFile" }),
    );
    expect(error.message).toBe("The selected file must be a CSV — ‘logo.png’ is not");
    expect(error).toMatchObject({ details: [{ field: "spendFile", message: error.message }] });
    const another = await refusal(
      store.put({
        content: PNG,
        filename: "logo.png",
        allowedTypes: ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
      }),
    );
    expect(another.message).toBe("The selected file must be an Excel spreadsheet — ‘logo.png’ is not");
    expect(
      (await store.put({ content: PNG, filename: "logo.png", allowedTypes: ["image/png"] })).mediaType,
    ).toBe("image/png");
  });

  it("refuses a file over the size limit, saying what the limit is", async () => {
    const small = localFileStore({ root, maxBytes: 2 * MB });
    const big = new Uint8Array(2 * MB + 1).fill(0x61);
    const error = await refusal(small.put({ content: big, filename: "big.txt" }));
    expect(error).toBeInstanceOf(FileTooLargeError);
    expect(error).toMatchObject({ code: "file_too_large", maxBytes: 2 * MB });
    expect(error.message).toBe("The selected file must be 2 MB or smaller");
    const exact = await small.put({ content: new Uint8Array(2 * MB).fill(0x61), filename: "exact.txt" });
    expect(exact.size).toBe(2 * MB);
    expect(new FileTooLargeError(1536 * 1024).message).toBe("The selected file must be 1.5 MB or smaller");
    expect(new FileTooLargeError(500 * 1024).message).toBe("The selected file must be 500 KB or smaller");
  });

  it("refuses an empty file", async () => {
    const error = await refusal(store.put({ content: new Uint8Array(), filename: "empty.pdf" }));
    expect(error).toBeInstanceOf(EmptyFileError);
    expect(error.message).toBe("The selected file is empty");
  });

  it("keeps only the last part of the name a browser sends", async () => {
    expect((await store.put({ content: PDF, filename: "C:\\fakepath\\bid.pdf" })).filename).toBe("bid.pdf");
    expect((await store.put({ content: PDF, filename: "../../etc/passwd" })).filename).toBe("passwd");
    expect((await store.put({ content: PDF, filename: "a\r\nb.pdf" })).filename).toBe("ab.pdf");
  });

  it("stores the same content once, and leaves no temporary files", async () => {
    const first = await store.put({ content: PDF, filename: "one.pdf" });
    const second = await store.put({ content: PDF, filename: "two.pdf" });
    expect(second.key).toBe(first.key);
    expect(second.filename).toBe("two.pdf");
    const [prefix = ""] = await readdir(root);
    expect(await readdir(join(root, prefix))).toEqual([first.key.slice(3)]);
  });

  it("stores the same file from many uploads at once", async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () => store.put({ content: PNG, filename: "a.png" })),
    );
    expect(new Set(results.map((r) => r.key)).size).toBe(1);
    expect(await store.get(results[0]?.key ?? "")).toEqual(PNG);
  });
});

describe("localFileStore.get and exists", () => {
  it("gives back the stored bytes", async () => {
    const { key } = await store.put({ content: PNG, filename: "a.png" });
    expect(await store.exists(key)).toBe(true);
    expect(await store.get(key)).toEqual(PNG);
  });

  it("says a missing or malformed key is not found, without touching other paths", async () => {
    const missing = `ab/${"c".repeat(62)}`;
    expect(await store.exists(missing)).toBe(false);
    await expect(store.get(missing)).rejects.toBeInstanceOf(NotFoundError);
    for (const key of ["../../etc/passwd", "ab/../../x", "AB/CDEF", ""]) {
      expect(await store.exists(key)).toBe(false);
      await expect(store.get(key)).rejects.toBeInstanceOf(NotFoundError);
    }
  });

  it("notices when stored bytes have been changed", async () => {
    const { key } = await store.put({ content: PNG, filename: "a.png" });
    await writeFile(join(root, key), encoder.encode("tampered"));
    await expect(store.get(key)).rejects.toBeInstanceOf(StoredFileCorruptError);
  });
});

describe("files received on disk", () => {
  const received = async (chunks: Uint8Array[]) =>
    receiveFile(Readable.from(chunks), join(root, "..", `${root.split("/").pop()}-uploads`));

  it("are written as they arrive, with their size and SHA-256 counted on the way", async () => {
    const file = await received([PDF.subarray(0, 10), PDF.subarray(10)]);
    expect(file.size).toBe(PDF.byteLength);
    expect(file.sha256).toBe(createHash("sha256").update(PDF).digest("hex"));
    expect(new Uint8Array(await readFile(file.path))).toEqual(PDF);
    expect((await stat(file.path)).mode & 0o777).toBe(0o600);
    await rm(dirname(file.path), { recursive: true });
  });

  it("leave nothing behind when the sender fails part-way", async () => {
    const directory = join(root, "uploads");
    const failing = Readable.from(
      (async function* () {
        yield PDF;
        throw new Error("the sender went away");
      })(),
    );
    await expect(receiveFile(failing, directory)).rejects.toThrow("went away");
    expect(await readdir(directory)).toEqual([]);
  });

  it("are stored by linking them into place, checked by their content like bytes", async () => {
    const directory = join(root, "uploads");
    const file = await receiveFile(Readable.from([CSV]), directory);
    const stored = await store.put({ content: file, filename: "spend.csv" });
    expect(stored).toMatchObject({ mediaType: "text/csv", size: CSV.byteLength, sha256: file.sha256 });
    expect((await stat(join(root, stored.key))).ino).toBe((await stat(file.path)).ino);
    await rm(file.path);
    expect(await store.get(stored.key)).toEqual(CSV);
    const exe = await receiveFile(Readable.from([EXE]), directory);
    await expect(store.put({ content: exe, filename: "a.pdf" })).rejects.toBeInstanceOf(
      FileTypeNotAllowedError,
    );
    const binary = await receiveFile(Readable.from([Uint8Array.from([0x61, 0, 0x62])]), directory);
    expect(await detectMediaType(binary, "a.txt")).toBe("application/octet-stream");
  });

  it("left by a stopped server are removed at the next start, and only those", async () => {
    const directory = join(root, "uploads");
    const old = await receiveFile(Readable.from([PDF]), directory);
    const fresh = await receiveFile(Readable.from([PDF]), directory);
    await utimes(old.path, new Date(Date.now() - 2 * 3600_000), new Date(Date.now() - 2 * 3600_000));
    await removeStaleReceived(directory, 3600_000);
    expect(await readdir(directory)).toEqual([basename(fresh.path)]);
    await removeStaleReceived(join(root, "none"), 3600_000);
  });
});

describe("localFileStore.putSealed and stream", () => {
  it("store what a stream gives by its SHA-256, and give it back as a stream", async () => {
    const parts = [encoder.encode("sealed "), encoder.encode("bytes")];
    const blob = await store.putSealed(Readable.from(parts));
    expect(blob).toEqual({
      key: `${blob.sha256.slice(0, 2)}/${blob.sha256.slice(2)}`,
      sha256: createHash("sha256").update("sealed bytes").digest("hex"),
      size: 12,
    });
    const read: Buffer[] = [];
    for await (const chunk of await store.stream(blob.key)) read.push(chunk as Buffer);
    expect(Buffer.concat(read).toString()).toBe("sealed bytes");
    await expect(store.stream(`ab/${"c".repeat(62)}`)).rejects.toBeInstanceOf(NotFoundError);
    expect(await readdir(join(root, ".incoming"))).toEqual([]);
  });

  it("keep nothing of a stream that fails", async () => {
    const failing = (async function* () {
      yield encoder.encode("half");
      throw new Error("the seal could not be made");
    })();
    await expect(store.putSealed(failing)).rejects.toThrow("could not be made");
    expect((await readdir(root)).filter((n) => n !== ".incoming")).toEqual([]);
    expect(await readdir(join(root, ".incoming"))).toEqual([]);
  });
});

describe("detectMediaType", () => {
  it("does not trust the extension for binary content", async () => {
    expect(await detectMediaType(EXE, "a.csv")).toBe("application/x-msdownload");
    expect(await detectMediaType(Uint8Array.from([0, 1, 2]), "a.csv")).toBe("application/octet-stream");
  });
});

describe("localFileStore options", () => {
  it("refuses a size limit that is not a positive whole number", () => {
    expect(() => localFileStore({ root, maxBytes: 0 })).toThrow(RangeError);
    expect(() => localFileStore({ root, maxBytes: 1.5 })).toThrow(RangeError);
  });
});
