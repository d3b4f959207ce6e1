/**
 * Reads OCDS data as other publishers give it, streaming, in flat memory whatever the size: release
 * packages (their releases), record packages (each record's embedded releases, or its compiled
 * release when it gives only links to them), single releases and records, a JSON array of releases,
 * and JSON lines or concatenated JSON (each value one of those). Only one release or record is ever
 * assembled at a time; a package's other fields are kept, a record's versioned release is skipped.
 *
 * The text is tokenised by stream-json (its core tokenizer, driven line by line so that every item
 * and every error knows its line) and assembled by stream-json's Assembler. What cannot be read is
 * reported with where it is: a value that is not an object, a link where a release belongs, JSON that
 * cannot be parsed (reading stops there; what was read before is kept).
 *
 * A package normally names its publisher before its releases. One that names it after them has its
 * releases held in a temporary file (not in memory) until the publisher is read.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import type { Readable } from "node:stream";
import { getManyValues, isMany, none } from "stream-chain/defs.js";
import { Assembler } from "stream-json/assembler.js";
import { jsonParser, type Token } from "stream-json/core/parser.js";

type Json = Record<string, unknown>;

/** What a package says of itself, as far as it has been read. */
export interface PackageMeta {
  publisher?: unknown;
  uri?: unknown;
  version?: unknown;
}

/** Why something read could not be imported. */
export type RejectReason =
  | "not-an-object"
  | "no-ocid"
  | "no-id"
  | "no-date"
  | "unreadable-json"
  | "unreadable-file"
  | "no-release"
  | "no-publisher"
  | "refused-by-database";

export interface ReleaseRead {
  kind: "release";
  release: Json;
  /** The file and line, and the place in its package or record ("releases[3]"). */
  where: string;
  pkg: PackageMeta;
  /** A record's compiled release, read because the record gave only links to its releases. */
  compiled?: true;
}

export interface Rejection {
  kind: "rejected";
  reason: RejectReason;
  detail: string;
  where: string;
}

export type Read = ReleaseRead | Rejection;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** A record's link to a release (`url`, `date`, `tag`), not the release itself. */
const isLink = (value: Json): boolean =>
  !("ocid" in value) && !("id" in value) && typeof value.url === "string";

/** Assembles one value from its tokens, leaving out one key of its root object (a record's versionedRelease). */
class Value {
  readonly asm = new Assembler<unknown>();
  private depth = 0;
  private skipping = 0;
  private skipNext = false;
  private readonly leaveOut: string | undefined;
  constructor(leaveOut?: string) {
    this.leaveOut = leaveOut;
  }

  /** True once the value is complete. */
  feed(token: Token): boolean {
    const opens = token.name === "startObject" || token.name === "startArray";
    const closes = token.name === "endObject" || token.name === "endArray";
    if (this.skipping > 0) {
      if (opens) this.skipping++;
      else if (closes) this.skipping--;
      return false;
    }
    if (this.skipNext) {
      this.skipNext = false;
      if (opens) this.skipping = 1;
      return false;
    }
    if (this.leaveOut && this.depth === 1 && token.name === "keyValue" && token.value === this.leaveOut) {
      this.skipNext = true;
      return false;
    }
    if (opens) this.depth++;
    else if (closes) this.depth--;
    this.asm.consume(token);
    return this.depth === 0;
  }
}

/** Passes over one value's tokens. */
class Skip {
  private depth = 0;
  feed(token: Token): boolean {
    if (token.name === "startObject" || token.name === "startArray") this.depth++;
    else if (token.name === "endObject" || token.name === "endArray") this.depth--;
    return this.depth === 0;
  }
}

/** A top-level value being read. */
interface Top {
  kind: "object" | "array";
  line: number;
  fields: Json;
  pkg: PackageMeta;
  key: string | null;
  /** The field being read (a versionedRelease is skipped). */
  value?: Value | Skip;
  /** The list of releases or records being streamed, element by element. */
  list?: "releases" | "records";
  /** The depth at which the list's elements start: 2 in a package or record, 1 in a top-level array. */
  listDepth: number;
  element?: { value: Value | Skip; index: number; line: number };
  index: number;
  sawReleases: boolean;
  sawRecords: boolean;
  sawVersioned: boolean;
  /** Embedded releases streamed from `releases` (links not counted). */
  embedded: number;
  /** Indexes of link-shaped elements of `releases` (rejected if this turns out to be a package). */
  links: number[];
  /** Elements held until the publisher is read. */
  held?: Held;
}

/** Releases held on disk, in order, until their package's publisher is known. */
class Held {
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "openps-ocds-import-"));
  private readonly file = path.join(this.dir, "held.jsonl");
  private readonly fd = fs.openSync(this.file, "w", 0o600);
  private open = true;

  add(item: Read): void {
    fs.writeSync(this.fd, `${JSON.stringify(item)}\n`);
  }

  /** The held items in order, in small batches, with the package as now known; the file is removed once read. */
  async *drain(pkg: PackageMeta): AsyncGenerator<Read[]> {
    this.close();
    try {
      let batch: Read[] = [];
      const lines = readline.createInterface({ input: fs.createReadStream(this.file), crlfDelay: Infinity });
      for await (const line of lines) {
        const item = JSON.parse(line) as Read;
        batch.push(item.kind === "release" ? { ...item, pkg } : item);
        if (batch.length >= 100) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    } finally {
      fs.rmSync(this.dir, { recursive: true, force: true });
    }
  }

  private close(): void {
    if (this.open) fs.closeSync(this.fd);
    this.open = false;
  }
}

/** Held releases ready to be read back. */
interface HeldReady {
  kind: "held";
  held: Held;
  pkg: PackageMeta;
}

const NO_RELEASE = "a record with neither releases nor a compiled release";
const A_LINK = "a link to a release, not a release";

/** Turns tokens into what was read, synchronously; the reader collects `out` after each piece of text. */
class Walker {
  out: (Read | HeldReady)[] = [];
  line = 1;
  private depth = 0;
  private top: Top | undefined;
  private readonly file: string;

  constructor(file: string) {
    this.file = file;
  }

  private at(line: number, place?: string): string {
    return `${this.file}:${line}${place ? ` ${place}` : ""}`;
  }

  private emit(item: Read, top: Top | undefined): void {
    if (top?.held) top.held.add(item);
    else this.out.push(item);
  }

  private reject(reason: RejectReason, detail: string, where: string, top: Top | undefined): void {
    this.emit({ kind: "rejected", reason, detail, where }, top);
  }

  token(token: Token): void {
    const depth = this.depth;
    if (token.name === "startObject" || token.name === "startArray") this.depth++;
    else if (token.name === "endObject" || token.name === "endArray") this.depth--;
    const top = this.top;
    if (depth === 0 || !top) {
      if (token.name === "startObject" || token.name === "startArray") this.start(token.name);
      else this.reject("not-an-object", "a JSON value that is not an object", this.at(this.line), undefined);
      return;
    }
    if (top.list && (top.element || depth === top.listDepth)) {
      this.listToken(top, token);
      return;
    }
    // A field of the top object.
    if (top.value) {
      if (top.value.feed(token))
        this.field(top, top.value instanceof Value ? top.value.asm.current : undefined);
      return;
    }
    if (token.name === "keyValue") top.key = token.value;
    else if (token.name === "endObject") this.endTop(top);
    else if ((top.key === "releases" || top.key === "records") && token.name === "startArray") {
      top.list = top.key;
      top.index = 0;
      if (top.key === "releases") top.sawReleases = true;
      else top.sawRecords = true;
      // The publisher not yet read: hold what is read until it is.
      if (!("publisher" in top.fields) && !top.held) top.held = new Held();
    } else {
      const value = top.key === "versionedRelease" ? new Skip() : new Value();
      if (top.key === "versionedRelease") top.sawVersioned = true;
      if (value.feed(token)) this.field(top, value instanceof Value ? value.asm.current : undefined);
      else top.value = value;
    }
  }

  private start(kind: "startObject" | "startArray"): void {
    this.top = {
      kind: kind === "startObject" ? "object" : "array",
      line: this.line,
      fields: {},
      pkg: {},
      key: null,
      listDepth: kind === "startObject" ? 2 : 1,
      index: 0,
      sawReleases: false,
      sawRecords: false,
      sawVersioned: false,
      embedded: 0,
      links: [],
      ...(kind === "startArray" ? { list: "releases" as const } : {}),
    };
  }

  /** A token of a list of releases or records: an element's, or the list's end. */
  private listToken(top: Top, token: Token): void {
    const place = (index: number) => `${top.kind === "array" ? "" : top.list}[${index}]`;
    if (!top.element) {
      if (token.name === "endArray") {
        top.list = undefined;
        if (top.kind === "array") this.endTop(top);
      } else if (token.name === "startObject") {
        const value = new Value(top.list === "records" ? "versionedRelease" : undefined);
        value.feed(token);
        top.element = { value, index: top.index, line: this.line };
      } else if (token.name === "startArray") {
        this.reject(
          "not-an-object",
          "a list where a release or record belongs",
          this.at(this.line, place(top.index)),
          top,
        );
        const skip = new Skip();
        skip.feed(token);
        top.element = { value: skip, index: top.index, line: this.line };
      } else {
        this.reject(
          "not-an-object",
          "a value that is not an object",
          this.at(this.line, place(top.index)),
          top,
        );
        top.index++;
      }
      return;
    }
    const element = top.element;
    if (!element.value.feed(token)) return;
    top.element = undefined;
    top.index++;
    if (!(element.value instanceof Value)) return;
    const value = element.value.asm.current as Json;
    const where = this.at(element.line, place(element.index));
    if (top.list === "records") this.record(value, where, top.pkg, top);
    else if (isLink(value)) top.links.push(element.index);
    else {
      top.embedded++;
      this.emit({ kind: "release", release: value, where, pkg: top.pkg }, top);
    }
  }

  /** A field of the top object, read whole. */
  private field(top: Top, value: unknown): void {
    top.value = undefined;
    const key = top.key ?? "";
    if (key === "versionedRelease") return;
    top.fields[key] = value;
    if (key === "publisher" || key === "uri" || key === "version") top.pkg[key] = value;
    if (key === "publisher" && top.held) {
      // What was held for the publisher can go now.
      this.out.push({ kind: "held", held: top.held, pkg: top.pkg });
      top.held = undefined;
    }
  }

  /** A record: its embedded releases, or its compiled release when it only links to its releases. */
  private record(record: Json, where: string, pkg: PackageMeta, top: Top | undefined): void {
    let embedded = 0;
    const releases = record.releases;
    if (Array.isArray(releases))
      releases.forEach((release, i) => {
        if (!isObject(release))
          this.reject("not-an-object", "a value that is not an object", `${where}.releases[${i}]`, top);
        else if (!isLink(release)) {
          embedded++;
          this.emit({ kind: "release", release, where: `${where}.releases[${i}]`, pkg }, top);
        }
      });
    if (embedded > 0) return;
    const compiled = record.compiledRelease;
    if (isObject(compiled))
      this.emit(
        { kind: "release", release: compiled, where: `${where}.compiledRelease`, pkg, compiled: true },
        top,
      );
    else this.reject("no-release", NO_RELEASE, where, top);
  }

  /** The end of a top-level value: what it was decides what its parts were. */
  private endTop(top: Top): void {
    this.top = undefined;
    const fields = top.fields;
    // A record has a compiled or versioned release, or an ocid beside its releases.
    const isRecord = "compiledRelease" in fields || top.sawVersioned || (top.sawReleases && "ocid" in fields);
    if (top.kind === "array") {
      for (const index of top.links) this.reject("no-ocid", A_LINK, this.at(top.line, `[${index}]`), top);
    } else if (top.sawReleases && isRecord) {
      // A record whose releases were streamed: its compiled release if they were all links.
      const compiled = fields.compiledRelease;
      const where = this.at(top.line, "compiledRelease");
      if (top.embedded === 0 && isObject(compiled))
        this.emit({ kind: "release", release: compiled, where, pkg: top.pkg, compiled: true }, top);
      else if (top.embedded === 0) this.reject("no-release", NO_RELEASE, this.at(top.line), top);
    } else if (top.sawReleases) {
      for (const index of top.links)
        this.reject("no-ocid", A_LINK, this.at(top.line, `releases[${index}]`), top);
    } else if (!top.sawRecords) {
      if (isRecord) this.record(fields, this.at(top.line), top.pkg, top);
      else this.emit({ kind: "release", release: fields, where: this.at(top.line), pkg: {} }, top);
    }
    if (top.held) this.out.push({ kind: "held", held: top.held, pkg: top.pkg });
    top.held = undefined;
  }

  /** Reading stopped (JSON that cannot be parsed): what was held is let go. */
  stop(): void {
    const top = this.top;
    this.top = undefined;
    if (top?.held) this.out.push({ kind: "held", held: top.held, pkg: top.pkg });
  }
}

/** How much of a source has been read, for a progress bar. */
export type OnBytes = (bytes: number) => void;

/**
 * Reads `input` (named `file` in what it reports), yielding what was read in small batches, in
 * order. Stops at JSON that cannot be parsed, reporting the line.
 */
export async function* readOcds(input: Readable, file: string, onBytes?: OnBytes): AsyncGenerator<Read[]> {
  input.setEncoding("utf8");
  const parse = jsonParser({ streamValues: false, jsonStreaming: true });
  const walker = new Walker(file);
  let first = true;
  let failed: Rejection | undefined;
  const feed = (text: string): void => {
    const result = parse(text);
    if (result === none) return;
    if (isMany(result)) for (const token of getManyValues(result) as Token[]) walker.token(token);
    else walker.token(result as Token);
  };
  async function* flush(): AsyncGenerator<Read[]> {
    const out = walker.out;
    walker.out = [];
    let batch: Read[] = [];
    for (const item of out) {
      if (item.kind !== "held") {
        batch.push(item);
        continue;
      }
      if (batch.length > 0) yield batch;
      batch = [];
      yield* item.held.drain(item.pkg);
    }
    if (batch.length > 0) yield batch;
  }
  try {
    for await (const chunk of input) {
      let text = chunk as string;
      onBytes?.(Buffer.byteLength(text));
      if (first) {
        first = false;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      try {
        let start = 0;
        for (let nl = text.indexOf("\n"); nl !== -1; nl = text.indexOf("\n", start)) {
          feed(text.slice(start, nl + 1));
          walker.line++;
          start = nl + 1;
        }
        if (start < text.length) feed(text.slice(start));
      } catch (error) {
        failed = unreadable(error, file, walker.line);
        break;
      }
      yield* flush();
    }
  } catch (error) {
    // The file itself cannot be read (it went, or is not gzip as its name says).
    const message = error instanceof Error ? error.message : String(error);
    failed = {
      kind: "rejected",
      reason: "unreadable-file",
      detail: `the file cannot be read (${message})`,
      where: `${file}:${walker.line}`,
    };
  }
  if (!failed)
    try {
      feed(none as unknown as string);
    } catch (error) {
      failed = unreadable(error, file, walker.line);
    }
  if (failed) {
    input.destroy();
    walker.stop();
  }
  yield* flush();
  if (failed) yield [failed];
}

function unreadable(error: unknown, file: string, line: number): Rejection {
  const message =
    error instanceof Error
      ? error.message.replace(/^Parser (cannot parse input: |has )?/, "")
      : String(error);
  return {
    kind: "rejected",
    reason: "unreadable-json",
    detail: `the JSON cannot be parsed (${message}); reading stopped there`,
    where: `${file}:${line}`,
  };
}
