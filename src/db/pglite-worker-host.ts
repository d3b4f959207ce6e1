/**
 * PGlite in a worker thread (the server's embedded database), so that the server's own thread never
 * waits while PostgreSQL works: a query of 300 ms holds the database alone, and `/healthz`, and
 * every request not waiting on the database, answers meanwhile.
 *
 * The worker (pglite-worker.ts) owns PGlite and is a pipe of bytes. This side is what the dialect
 * speaks to (`PGliteWorker` is an `EmbeddedPostgres`, as PGlite is), so everything the dialect keeps
 * for an in-process PGlite — the lock, the prepared statements — stays on the main thread, and the
 * answers are read here with PGlite's own protocol parser and the same type parsers. An error
 * PostgreSQL reports arrives as in process: PGlite's `DatabaseError`, with PostgreSQL's code,
 * detail and constraint.
 *
 * One request at a time: it is posted on a port of its own and the worker, asleep on a shared
 * counter, is rung (`Atomics.notify`); the answer comes back on the port, with a ring. The main
 * thread waits for the ring on the spot for a short while (most queries take well under a
 * millisecond), then without blocking (`Atomics.waitAsync`): see ON_THE_SPOT_MS. Answers are
 * transferred, not copied.
 *
 * Bounded: the worker's JavaScript heap by `resourceLimits`; PostgreSQL's memory by its settings
 * (connect.ts), within WebAssembly's 2 GB. If the worker stops (out of memory, a crash), the query
 * waiting and every later one fail with `EmbeddedDatabaseStoppedError`, and `onStopped` is told.
 */
import {
  MessageChannel,
  type MessagePort,
  type ResourceLimits,
  receiveMessageOnPort,
  Worker,
} from "node:worker_threads";
import { Mutex, messages, protocol, types } from "@electric-sql/pglite";
import type { EmbeddedMemory } from "./connect.ts";
import type { BackendMessage, EmbeddedPostgres, ResultParsers } from "./pglite-dialect.ts";

/**
 * The worker's JavaScript heap (PGlite's JavaScript, a query's answer on its way out): about 20 MB
 * in use. Reaching the limit stops the worker (`EmbeddedDatabaseStoppedError`), not the server.
 */
export const WORKER_LIMITS: ResourceLimits = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 32 };

/**
 * How long, in one turn of the event loop, the main thread may wait on the spot for the worker's
 * answers (`Atomics.wait`) before it waits without blocking. Most queries take well under a
 * millisecond: awaited on the spot, a page's queries follow one another as with PGlite in process.
 * Awaited without blocking, each would wait besides for whatever the main thread is doing when the
 * answer comes (rendering another page): under load the database would stand idle between queries,
 * and serve half the pages. A long query holds the main thread no longer than this.
 */
const ON_THE_SPOT_MS = 2;

/** How long closing waits for the worker to end once PostgreSQL has closed, before stopping it. */
const EXIT_WAIT_MS = 10_000;

export class EmbeddedDatabaseStoppedError extends Error {
  readonly exitCode: number;
  constructor(exitCode: number, cause?: Error) {
    const why =
      (cause as NodeJS.ErrnoException | undefined)?.code === "ERR_WORKER_OUT_OF_MEMORY"
        ? "it ran out of memory"
        : cause
          ? cause.message
          : `its thread ended with code ${exitCode}`;
    super(`The embedded database stopped (${why}): restart OpenPS.`, { cause });
    this.name = "EmbeddedDatabaseStoppedError";
    this.exitCode = exitCode;
  }
}

export interface PGliteWorkerOptions {
  dataDir?: string | undefined;
  loadDataDir?: Blob | undefined;
  startParams: string[];
  /** Type parsers beyond PGlite's own (connect.ts `pgliteParsers`). */
  parsers: ResultParsers;
  /** Told once if the worker stops without being closed. */
  onStopped?: ((error: EmbeddedDatabaseStoppedError) => void) | undefined;
  resourceLimits?: ResourceLimits;
}

/** The counters in the shared control buffer: requests the main thread has sent, replies the worker has posted. */
export const REQUESTS = 0;
export const REPLIES = 1;

/** What the worker (pglite-worker.ts) starts with, and the messages between the two. */
export interface WorkerStart {
  control: SharedArrayBuffer;
  port: MessagePort;
  dataDir?: string;
  /** A data-directory tarball to start from (transferred). */
  loadDataDir?: ArrayBuffer;
  startParams: string[];
}

export type WorkerRequest =
  | { op: "exec"; message: Uint8Array }
  | { op: "dump"; compression: "none" | "gzip" | "auto" }
  | { op: "close" };

export type WorkerReply =
  | {
      ok: true;
      /** PostgreSQL's answer, or the dump: transferred, not copied. */
      data?: ArrayBuffer;
      /** The first reply: each array type with its element type, for the main thread's parsers. */
      arrayTypes?: [element: number, array: number][];
      /** The size of PostgreSQL's WebAssembly memory now. */
      wasmBytes: number;
    }
  | { ok: false; error: { name: string; message: string; stack?: string | undefined }; wasmBytes: number };

type Answer = Extract<WorkerReply, { ok: true }>;

export class PGliteWorker implements EmbeddedPostgres {
  /** Starts PGlite in a worker thread; resolves once it answers. */
  static async start(options: PGliteWorkerOptions): Promise<PGliteWorker> {
    const control = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
    const { port1, port2 } = new MessageChannel();
    const loadDataDir = options.loadDataDir ? await options.loadDataDir.arrayBuffer() : undefined;
    const start: WorkerStart = {
      control,
      port: port2,
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(loadDataDir ? { loadDataDir } : {}),
      startParams: options.startParams,
    };
    const worker = new Worker(new URL("./pglite-worker.ts", import.meta.url), {
      name: "openps-embedded-database",
      workerData: start,
      transferList: [port2, ...(loadDataDir ? [loadDataDir] : [])],
      resourceLimits: options.resourceLimits ?? WORKER_LIMITS,
    });
    const pg = new PGliteWorker(worker, control, port1, options);
    try {
      const started = await pg.#answer();
      pg.#addArrayParsers(started.arrayTypes ?? []);
    } catch (error) {
      pg.#closing = pg.terminate();
      await pg.#closing;
      throw error;
    }
    pg.#running = true;
    return pg;
  }

  readonly parsers: ResultParsers;
  readonly waitReady: Promise<void> = Promise.resolve();
  readonly #worker: Worker;
  readonly #control: Int32Array;
  readonly #port: MessagePort;
  readonly #lock = new Mutex();
  #parser = new protocol.Parser();
  /** Requests in order, one at a time: each waits for the one before. */
  #queue: Promise<unknown> = Promise.resolve();
  #awaited = 0;
  #waitedThisTurn = 0;
  #turnEnds = false;
  #wasmBytes = 0;
  #running = false;
  #closing: Promise<void> | undefined;
  #stopped: Error | undefined;
  readonly #exited: Promise<void>;

  private constructor(
    worker: Worker,
    control: SharedArrayBuffer,
    port: MessagePort,
    options: PGliteWorkerOptions,
  ) {
    this.#worker = worker;
    this.#control = new Int32Array(control);
    this.#port = port;
    this.parsers = { ...types.parsers, ...options.parsers };
    let failure: Error | undefined;
    worker.on("error", (error) => {
      failure = error;
    });
    this.#exited = new Promise((resolve) => {
      worker.once("exit", (code) => {
        const stopped = new EmbeddedDatabaseStoppedError(code, failure);
        this.#stopped = this.#closing ? new Error("The embedded database is closed.") : stopped;
        if (this.#running && !this.#closing) options.onStopped?.(stopped);
        // Wakes the request waiting for an answer, which then fails.
        Atomics.notify(this.#control, REPLIES);
        resolve();
      });
    });
  }

  /** Closed by its owner. (A worker that stopped is not: its queries fail with the reason.) */
  get closed(): boolean {
    return this.#closing !== undefined;
  }

  runExclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.#lock.runExclusive(fn);
  }

  /** As PGlite's `execProtocol`: PostgreSQL's messages, or its error thrown. */
  async execProtocol(message: Uint8Array): Promise<{ messages: BackendMessage[] }> {
    const answer = await this.#request({ op: "exec", message });
    const received: BackendMessage[] = [];
    let error: messages.DatabaseError | undefined;
    try {
      this.#parser.parse(answer.data ?? new ArrayBuffer(0), (message) => {
        if (error) return;
        if (message instanceof messages.DatabaseError) error = message;
        else received.push(message);
      });
    } catch (parseError) {
      this.#parser = new protocol.Parser();
      throw parseError;
    }
    if (error) throw error;
    return { messages: received };
  }

  /** Its data directory as a tarball. */
  async dumpDataDir(compression: "none" | "gzip" | "auto" = "auto"): Promise<Blob> {
    const answer = await this.#request({ op: "dump", compression });
    return new Blob([answer.data ?? new ArrayBuffer(0)]);
  }

  /** PostgreSQL's WebAssembly memory (as of its last answer) and the worker's JavaScript heap. */
  async memory(): Promise<EmbeddedMemory> {
    if (this.#stopped) throw this.#stopped;
    const heap = await this.#worker.getHeapStatistics();
    return {
      thread: "worker",
      wasm: this.#wasmBytes,
      heapUsed: heap.used_heap_size,
      heapTotal: heap.total_heap_size,
      heapLimit: heap.heap_size_limit,
    };
  }

  /** Closes PostgreSQL (its files written), then lets the worker end. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      try {
        if (!this.#stopped) await this.#request({ op: "close" }, true);
      } finally {
        const timer = setTimeout(() => void this.#worker.terminate(), EXIT_WAIT_MS);
        await this.#exited;
        clearTimeout(timer);
      }
    })();
    return this.#closing;
  }

  /** Stops the worker at once, PostgreSQL not closed: as if it had crashed. */
  async terminate(): Promise<void> {
    await this.#worker.terminate();
    await this.#exited;
  }

  /** PGlite's parsers of array types, by their element's parser (`_initArrayTypes`). */
  #addArrayParsers(arrayTypes: [element: number, array: number][]): void {
    const parsers = this.parsers as Record<number, types.Parser>;
    for (const [element, array] of arrayTypes) {
      parsers[array] = (value) => types.arrayParser(value, parsers[element] as types.Parser, array);
    }
  }

  #request(request: WorkerRequest, closing = false): Promise<Answer> {
    const sent = this.#queue.then(() => {
      if (this.#stopped) throw this.#stopped;
      if (this.#closing && !closing) throw new Error("The embedded database is closed.");
      this.#port.postMessage(request);
      Atomics.add(this.#control, REQUESTS, 1);
      Atomics.notify(this.#control, REQUESTS);
      return this.#answer();
    });
    this.#queue = sent.catch(() => {});
    return sent;
  }

  /** Waits for the worker's ring, blocking, while this turn of the event loop has time left (ON_THE_SPOT_MS). */
  #waitOnTheSpot(rung: number): void {
    const left = ON_THE_SPOT_MS - this.#waitedThisTurn;
    if (left <= 0) return;
    if (!this.#turnEnds) {
      this.#turnEnds = true;
      setImmediate(() => {
        this.#waitedThisTurn = 0;
        this.#turnEnds = false;
      });
    }
    const start = performance.now();
    Atomics.wait(this.#control, REPLIES, rung, left);
    this.#waitedThisTurn += performance.now() - start;
  }

  /** The worker's next answer, once it rings; its error thrown. */
  async #answer(): Promise<Answer> {
    const awaited = ++this.#awaited;
    const rang = Atomics.load(this.#control, REPLIES);
    if (rang < awaited && !this.#stopped) this.#waitOnTheSpot(rang);
    for (let rung = Atomics.load(this.#control, REPLIES); rung < awaited; ) {
      if (this.#stopped) throw this.#stopped;
      const wait = Atomics.waitAsync(this.#control, REPLIES, rung);
      if (wait.async) await wait.value;
      rung = Atomics.load(this.#control, REPLIES);
    }
    const reply = receiveMessageOnPort(this.#port)?.message as WorkerReply | undefined;
    if (!reply) throw new Error("The embedded database rang without an answer.");
    this.#wasmBytes = reply.wasmBytes || this.#wasmBytes;
    if (reply.ok) return reply;
    const error = new Error(reply.error.message);
    error.name = reply.error.name;
    if (reply.error.stack) error.stack = reply.error.stack;
    throw error;
  }
}
