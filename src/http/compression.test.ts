import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  compressedVariants,
  compressNow,
  isCompressible,
  negotiateEncoding,
  varyWithEncoding,
} from "./compression.ts";

describe("negotiateEncoding", () => {
  it("prefers brotli, then gzip, as the browser accepts them", () => {
    expect(negotiateEncoding("gzip, deflate, br, zstd")).toBe("br");
    expect(negotiateEncoding("gzip, deflate")).toBe("gzip");
    expect(negotiateEncoding("br;q=0.5, gzip;q=0.8")).toBe("gzip");
    expect(negotiateEncoding("GZIP")).toBe("gzip");
    expect(negotiateEncoding("*")).toBe("br");
    expect(negotiateEncoding(["gzip", "br;q=0.1"])).toBe("gzip");
  });

  it("sends it as it is when the browser accepts neither, or refuses them", () => {
    expect(negotiateEncoding(undefined)).toBeNull();
    expect(negotiateEncoding("")).toBeNull();
    expect(negotiateEncoding("identity")).toBeNull();
    expect(negotiateEncoding("deflate")).toBeNull();
    expect(negotiateEncoding("br;q=0, gzip;q=0")).toBeNull();
    expect(negotiateEncoding("*, br;q=0, gzip;q=0")).toBeNull();
    expect(negotiateEncoding("*;q=0")).toBeNull();
  });
});

describe("varyWithEncoding", () => {
  it("adds Accept-Encoding to what Vary names, once", () => {
    expect(varyWithEncoding(undefined)).toBe("Accept-Encoding");
    expect(varyWithEncoding("Cookie, Accept-Language")).toBe("Cookie, Accept-Language, Accept-Encoding");
    expect(varyWithEncoding("cookie, accept-encoding")).toBe("cookie, accept-encoding");
    expect(varyWithEncoding("*")).toBe("*");
  });
});

describe("compression", () => {
  const text = "<p>Public services in the open.</p>\n".repeat(200);

  it("compresses text and nothing else", () => {
    for (const type of [
      "text/html; charset=utf-8",
      "application/json",
      "text/css",
      "text/csv",
      "image/svg+xml",
    ])
      expect(isCompressible(type), type).toBe(true);
    for (const type of ["image/png", "application/octet-stream", "application/pdf", ""])
      expect(isCompressible(type), type).toBe(false);
  });

  it("gives back the same bytes once decompressed, much smaller", async () => {
    const br = await compressNow("br", text);
    const gzip = await compressNow("gzip", Buffer.from(text));
    expect(zlib.brotliDecompressSync(br).toString()).toBe(text);
    expect(zlib.gunzipSync(gzip).toString()).toBe(text);
    expect(br.length).toBeLessThan(text.length / 20);
    const variants = compressedVariants(text);
    expect(zlib.brotliDecompressSync(variants.br).toString()).toBe(text);
    expect(zlib.gunzipSync(variants.gzip).toString()).toBe(text);
    expect(variants.br.length).toBeLessThan(text.length / 20);
  });
});
