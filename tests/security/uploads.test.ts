/**
 * Finding 6 of the security review: multipart requests escaped the upload limit and were read
 * before sign-in and CSRF checks — four anonymous 199 MB multipart posts to /sign-in took the
 * server from 454 MB to 1,268 MB. Now a multipart body is read only by a route that takes files,
 * only from someone signed in whom the route lets in, and only when it says its length and that is
 * within the limit: everyone else is answered before a byte of the body is read. These tests send
 * bodies as streams and count how much of them the server took.
 */
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app.ts";
import { createUser, sessionFor, type TestSession } from "../support/auth.ts";

let t: TestApp;
let outsider: TestSession;
const MB = 1024 * 1024;

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  outsider = await sessionFor(t.app, (await createUser(t.deps.db)).id);
});

afterAll(async () => {
  await t?.close();
});

/** A multipart body of `size` bytes that counts how many the server has read. */
function hugeBody(size: number) {
  const counter = { read: 0 };
  const chunk = Buffer.alloc(MB, "x");
  const stream = Readable.from(
    (function* () {
      yield Buffer.from('--b\r\ncontent-disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n');
      for (let sent = 0; sent < size; sent += MB) {
        counter.read += MB;
        yield chunk;
      }
      yield Buffer.from("\r\n--b--\r\n");
    })(),
  );
  return { stream, counter };
}

const post = (url: string, size: number, headers: Record<string, string> = {}) => {
  const body = hugeBody(size);
  return {
    counter: body.counter,
    response: t.app.inject({
      method: "POST",
      url,
      payload: body.stream,
      headers: {
        "content-type": "multipart/form-data; boundary=b",
        "content-length": String(size + 100),
        ...headers,
      },
    }),
  };
};

const tenderDocuments = `/authorities/westshire-county-council/tenders/019a0000-0000-7000-8000-0000000000aa/documents/new`;

describe("multipart bodies", () => {
  it("are not read where no files are taken: four anonymous 199 MB posts to /sign-in at once", async () => {
    const posts = Array.from({ length: 4 }, () => post("/sign-in", 199 * MB));
    const responses = await Promise.all(posts.map((p) => p.response));
    for (const response of responses) expect(response.statusCode).toBe(415);
    for (const { counter } of posts) expect(counter.read).toBeLessThanOrEqual(2 * MB);
  });

  it("are not read from someone not signed in, or whom the route does not let in", async () => {
    const anonymous = post(tenderDocuments, 5 * MB);
    const refused = await anonymous.response;
    expect(refused.statusCode).toBe(303);
    expect(refused.headers.location).toMatch(/^\/sign-in/);
    expect(anonymous.counter.read).toBeLessThanOrEqual(2 * MB);

    const stranger = post(tenderDocuments, 5 * MB, { cookie: outsider.cookie });
    expect([403, 404]).toContain((await stranger.response).statusCode);
    expect(stranger.counter.read).toBeLessThanOrEqual(2 * MB);
  });

  it("over the limit are refused before they are read, even from someone signed in", async () => {
    const limit = t.deps.config.maxUploadBytes;
    const tooBig = post(tenderDocuments, limit + MB, { cookie: outsider.cookie });
    expect((await tooBig.response).statusCode).toBe(413);
    expect(tooBig.counter.read).toBeLessThanOrEqual(2 * MB);
  });
});
