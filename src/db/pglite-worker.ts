/**
 * The embedded database's own thread (started by pglite-worker-host.ts, which documents the whole):
 * it owns PGlite and is a pipe of bytes, protocol messages in and PostgreSQL's answer out. Nothing
 * is parsed here; the main thread keeps the prepared statements and reads the answers.
 *
 * Between requests the thread sleeps on a shared counter (`Atomics.wait`) rather than in its event
 * loop: woken by the main thread's ring, it takes the request from its port at once
 * (`receiveMessageOnPort`), which halves the cost of a round trip against message events.
 */
import { receiveMessageOnPort, workerData } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";
import {
  REPLIES,
  REQUESTS,
  type WorkerReply,
  type WorkerRequest,
  type WorkerStart,
} from "./pglite-worker-host.ts";

/** PGlite's own query for the array types it parses (`_initArrayTypes`). */
const ARRAY_TYPES = `
  select b.oid as element, b.typarray as array
    from pg_catalog.pg_type a
    left join pg_catalog.pg_type b on b.oid = a.typelem
   where a.typcategory = 'A'
   group by b.oid, b.typarray
   order by b.oid`;

const start = workerData as WorkerStart;
const control = new Int32Array(start.control);
const port = start.port;
let pglite: PGlite | undefined;

function wasmBytes(): number {
  return pglite?.Module?.HEAPU8.byteLength ?? 0;
}

function reply(answer: WorkerReply, transfer: ArrayBuffer[] = []): void {
  port.postMessage(answer, transfer);
  Atomics.add(control, REPLIES, 1);
  Atomics.notify(control, REPLIES);
}

function failed(error: unknown): WorkerReply {
  const { name, message, stack } =
    error instanceof Error ? error : { name: "Error", message: String(error), stack: undefined };
  return { ok: false, error: { name, message, stack }, wasmBytes: wasmBytes() };
}

/** PostgreSQL's answer to a message, as it came out (PGlite hands it over in pieces, views of its memory). */
async function exec(message: Uint8Array): Promise<ArrayBuffer> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  await (pglite as PGlite).execProtocolRawStream(message, {
    onRawData: (chunk) => {
      chunks.push(chunk.slice());
      length += chunk.length;
    },
  });
  if (chunks.length === 1) return (chunks[0] as Uint8Array).buffer as ArrayBuffer;
  const answer = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    answer.set(chunk, offset);
    offset += chunk.length;
  }
  return answer.buffer;
}

async function serve(): Promise<void> {
  for (let handled = 0; ; ) {
    Atomics.wait(control, REQUESTS, handled);
    const received = receiveMessageOnPort(port);
    if (!received) continue;
    handled++;
    const request = received.message as WorkerRequest;
    try {
      if (request.op === "exec") {
        const data = await exec(request.message);
        reply({ ok: true, data, wasmBytes: wasmBytes() }, [data]);
      } else if (request.op === "dump") {
        const dump = await (pglite as PGlite).dumpDataDir(request.compression);
        const data = await dump.arrayBuffer();
        reply({ ok: true, data, wasmBytes: wasmBytes() }, [data]);
      } else {
        await (pglite as PGlite).close();
        reply({ ok: true, wasmBytes: 0 });
        return;
      }
    } catch (error) {
      reply(failed(error));
      if (request.op === "close") return;
    }
  }
}

/** Starts PGlite; the first reply says whether it started. */
async function started(): Promise<boolean> {
  try {
    pglite = await PGlite.create({
      ...(start.dataDir ? { dataDir: start.dataDir } : {}),
      ...(start.loadDataDir ? { loadDataDir: new Blob([start.loadDataDir]) } : {}),
      startParams: start.startParams,
    });
    const { rows } = await pglite.query<{ element: number; array: number }>(ARRAY_TYPES);
    reply({ ok: true, arrayTypes: rows.map((row) => [row.element, row.array]), wasmBytes: wasmBytes() });
    return true;
  } catch (error) {
    reply(failed(error));
    return false;
  }
}

if (await started()) await serve();
port.close();
