/**
 * Static assets, each at a versioned URL with a year-long immutable cache:
 * - the stylesheet, compiled with Sass from `src/styles/application.scss` when the app starts and
 *   cached under `.cache/styles/` keyed on a hash of its sources (ours, govuk-frontend's version
 *   and Sass's), served from memory at `/assets/application-<hash>.css`;
 * - govuk-frontend's JavaScript and a small module script of ours that runs its `initAll()`:
 *   progressive enhancement only, every page works without them;
 * - our own icons from `src/public/` (an OpenPS monogram), and `/favicon.ico`.
 * The stylesheet and scripts are kept in memory and sent compressed (brotli or gzip, as the browser
 * accepts: src/http/compression.ts), each compressed once, on its first request.
 * No govuk-frontend image is served: all of them carry the crown, which OpenPS, not being on
 * GOV.UK, must not use. The fonts are not served either (a system font stack is used).
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";
import * as sass from "sass";
import {
  type CompressedVariants,
  compressedVariants,
  MIN_COMPRESS_BYTES,
  negotiateEncoding,
} from "./compression.ts";

declare module "fastify" {
  interface FastifyInstance {
    /** Versioned URLs of the stylesheet, scripts and icons, for the layout. */
    assetUrls: AssetUrls;
  }
}

export interface AssetUrls {
  stylesheet: string;
  govukFrontendScript: string;
  initScript: string;
  faviconSvg: string;
  faviconIco: string;
  appleTouchIcon: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const srcDir = path.resolve(here, "..");
const projectRoot = path.resolve(srcDir, "..");
export const STYLES_DIR = path.join(srcDir, "styles");
export const PUBLIC_DIR = path.join(srcDir, "public");
const NODE_MODULES = path.join(projectRoot, "node_modules");
const GOVUK_DIST = path.join(NODE_MODULES, "govuk-frontend", "dist", "govuk");
const DEFAULT_CACHE_DIR = path.join(projectRoot, ".cache", "styles");

const YEAR_SECONDS = 365 * 24 * 60 * 60;
const IMMUTABLE = `public, max-age=${YEAR_SECONDS}, immutable`;
const DAY = "public, max-age=86400";

function shortHash(content: string | Buffer): string {
  return createHash("sha256").update(content).digest("hex").slice(0, 16);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

function packageVersion(name: string): string {
  const manifest = JSON.parse(readFileSync(path.join(NODE_MODULES, name, "package.json"), "utf8")) as {
    version: string;
  };
  return manifest.version;
}

const SASS_OPTIONS: sass.Options<"sync"> = {
  loadPaths: [NODE_MODULES],
  style: "compressed",
  quietDeps: true,
};

/** A hash of everything the stylesheet is built from: it names the cache file. */
export function stylesheetSourceHash(stylesDir = STYLES_DIR): string {
  const hash = createHash("sha256");
  hash.update(
    `govuk-frontend@${packageVersion("govuk-frontend")} sass@${sass.info} ${JSON.stringify(SASS_OPTIONS)}`,
  );
  for (const file of filesUnder(stylesDir)) {
    hash.update(`\0${path.relative(stylesDir, file)}\0`);
    hash.update(readFileSync(file));
  }
  return hash.digest("hex").slice(0, 32);
}

export interface Stylesheet {
  css: string;
  /** A hash of the CSS itself, for its URL. */
  hash: string;
}

const compiled = new Map<string, Stylesheet>();

/**
 * The compiled stylesheet: from this process's memory, else from the cache directory, else
 * compiled now (a second or so) and written to the cache. A cache that cannot be written is
 * not an error: the next start compiles again.
 */
export function buildStylesheet(options: { stylesDir?: string; cacheDir?: string } = {}): Stylesheet {
  const stylesDir = options.stylesDir ?? STYLES_DIR;
  const cacheDir = options.cacheDir ?? DEFAULT_CACHE_DIR;
  const sourceHash = stylesheetSourceHash(stylesDir);
  const memoKey = `${cacheDir}\0${sourceHash}`;
  const remembered = compiled.get(memoKey);
  if (remembered) return remembered;

  const cacheFile = path.join(cacheDir, `application-${sourceHash}.css`);
  let css: string | undefined;
  try {
    css = readFileSync(cacheFile, "utf8");
  } catch {
    css = sass.compile(path.join(stylesDir, "application.scss"), SASS_OPTIONS).css;
    try {
      mkdirSync(cacheDir, { recursive: true });
      const partial = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(partial, css);
      renameSync(partial, cacheFile);
      // Stylesheets built from older sources are never read again.
      for (const name of readdirSync(cacheDir)) {
        if (/^application-[0-9a-f]+\.css$/.test(name) && path.join(cacheDir, name) !== cacheFile) {
          rmSync(path.join(cacheDir, name), { force: true });
        }
      }
    } catch {
      // A read-only install: keep the stylesheet in memory only.
    }
  }
  const stylesheet = { css, hash: shortHash(css) };
  compiled.set(memoKey, stylesheet);
  return stylesheet;
}

interface MemoryAsset {
  kind: "memory";
  body: string | Buffer;
  type: string;
}

/** Each memory asset compressed, by its versioned name (which changes with its content): once a process. */
const compressedAssets = new Map<string, CompressedVariants>();

interface FileAsset {
  kind: "file";
  root: string;
  file: string;
}

type Asset = (MemoryAsset | FileAsset) & { cacheControl: string };

/** `favicon.svg` with hash `ab12` → `favicon-ab12.svg`; `x.min.js` → `x-ab12.min.js`. */
export function versionedName(file: string, hash: string): string {
  const dot = file.indexOf(".");
  return dot < 0 ? `${file}-${hash}` : `${file.slice(0, dot)}-${hash}${file.slice(dot)}`;
}

export async function registerAssets(app: FastifyInstance): Promise<void> {
  const assets = new Map<string, Asset>();
  const versioned = (root: string, file: string): string => {
    const name = versionedName(file, shortHash(readFileSync(path.join(root, file))));
    assets.set(name, { kind: "file", root, file, cacheControl: IMMUTABLE });
    return `/assets/${name}`;
  };

  const stylesheet = buildStylesheet();
  const stylesheetName = `application-${stylesheet.hash}.css`;
  assets.set(stylesheetName, {
    kind: "memory",
    body: stylesheet.css,
    type: "text/css; charset=utf-8",
    cacheControl: IMMUTABLE,
  });

  const govukFrontend = readFileSync(path.join(GOVUK_DIST, "govuk-frontend.min.js"));
  const govukFrontendName = versionedName("govuk-frontend.min.js", shortHash(govukFrontend));
  assets.set(govukFrontendName, {
    kind: "memory",
    body: govukFrontend,
    type: "text/javascript; charset=utf-8",
    cacheControl: IMMUTABLE,
  });
  const govukFrontendScript = `/assets/${govukFrontendName}`;
  // Its source map, for browser developer tools, at the address the script names.
  assets.set("govuk-frontend.min.js.map", {
    kind: "file",
    root: GOVUK_DIST,
    file: "govuk-frontend.min.js.map",
    cacheControl: DAY,
  });

  const init = `import { initAll } from ${JSON.stringify(govukFrontendScript)};\n\ninitAll();\n`;
  const initName = `init-${shortHash(init)}.mjs`;
  assets.set(initName, {
    kind: "memory",
    body: init,
    type: "text/javascript; charset=utf-8",
    cacheControl: IMMUTABLE,
  });

  const urls: AssetUrls = {
    stylesheet: `/assets/${stylesheetName}`,
    govukFrontendScript,
    initScript: `/assets/${initName}`,
    faviconSvg: versioned(PUBLIC_DIR, "favicon.svg"),
    faviconIco: versioned(PUBLIC_DIR, "favicon.ico"),
    appleTouchIcon: versioned(PUBLIC_DIR, "apple-touch-icon.png"),
  };
  app.decorate("assetUrls", urls);

  // Files are sent by @fastify/static (ETag, Last-Modified, ranges); it serves nothing by itself.
  await app.register(fastifyStatic, { root: PUBLIC_DIR, serve: false });

  app.get<{ Params: { name: string } }>(
    "/assets/:name",
    { schema: { hide: true } },
    async (request, reply) => {
      const { name } = request.params;
      const asset = assets.get(name);
      if (!asset) return reply.callNotFound();
      reply.header("cache-control", asset.cacheControl);
      if (asset.kind === "file") return reply.sendFile(asset.file, asset.root, { cacheControl: false });
      reply.type(asset.type).header("vary", "Accept-Encoding");
      const encoding =
        asset.body.length >= MIN_COMPRESS_BYTES
          ? negotiateEncoding(request.headers["accept-encoding"])
          : null;
      if (!encoding) return reply.send(asset.body);
      let compressed = compressedAssets.get(name);
      if (!compressed) {
        compressed = compressedVariants(asset.body);
        compressedAssets.set(name, compressed);
      }
      return reply.header("content-encoding", encoding).send(compressed[encoding]);
    },
  );

  // Browsers ask for this whatever the page says.
  app.get("/favicon.ico", { schema: { hide: true } }, async (_request, reply) => {
    reply.header("cache-control", DAY);
    return reply.sendFile("favicon.ico", PUBLIC_DIR, { cacheControl: false });
  });
}
