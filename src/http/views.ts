/**
 * Server-rendered pages: Nunjucks with the GOV.UK Frontend macros. Templates are found in
 * `src/views` (layout, shared partials, error pages), in `src/modules` (a module's own pages as
 * `<module>/views/<page>.njk`) and in govuk-frontend (`govuk/components/...`).
 *
 * `reply.page(template, context)` renders a page with the layout's context (see `layoutContext`):
 * the locale and a translator `t`, the service navigation (the public's, or a signed-in person's:
 * the accounts module adds it), the account links, the language switch, the page's addresses for
 * search engines (`pageAddresses`), the asset URLs and the demo flag. The page's own context is spread over it, so a page may override
 * any of it (a form page passes `errors` to get the "Error: " title prefix).
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import nunjucks from "nunjucks";
import { escapeHtml } from "../lib/html.ts";
import { londonDate, londonDateTime, londonTime, longDate } from "../lib/london-time.ts";
import type { AssetUrls } from "./assets.ts";
import type { Locale, Translate } from "./context.ts";
import {
  DEFAULT_LOCALE,
  LOCALES,
  languageOf,
  localiseMessage,
  registerI18n,
  switchLanguageHref,
  translatorFor,
  withoutLangParam,
} from "./i18n.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const srcDir = path.resolve(here, "..");
const projectRoot = path.resolve(srcDir, "..");

export const SERVICE_NAME = "OpenPS";

/** One item of the service navigation: a catalogue key for its text and where it goes. */
export interface NavigationEntry {
  key: string;
  href: string;
  /** Other addresses within this section: it is shown as the current section on pages under them too. */
  within?: readonly string[];
}

/** The most top-level items the service navigation may have: more wrap onto rows on a desktop. */
export const MOST_NAVIGATION_ITEMS = 6;

const PUBLIC_NAVIGATION: readonly NavigationEntry[] = [
  // People choosing care and support.
  { key: "nav.findService", href: "/regulation/find", within: ["/regulation"] },
  // The directory of providers of every sector.
  { key: "nav.providers", href: "/organisations" },
  // Providers looking for tenders to bid for.
  { key: "nav.opportunities", href: "/opportunities" },
  // Commissioning: each public body's hub, and the lists across all of them.
  {
    key: "nav.publicBodies",
    href: "/authorities",
    within: [
      "/public-bodies",
      "/pipeline",
      "/consultations",
      "/right-to-challenge",
      "/contracts",
      "/regulators",
      "/champions",
    ],
  },
  // Everyone: what OpenPS publishes.
  { key: "nav.openData", href: "/open-data", within: ["/market"] },
];

/**
 * The service navigation, grouped by who uses each item: the public's, and for someone signed in
 * their work first. No more than `MOST_NAVIGATION_ITEMS` each; the home page is the service name in
 * the header. The account links (inbox, account, sign in) are apart, in the header
 * (`accountNavigationFor`); every page left out is linked from a page here or from the footer.
 */
export const NAVIGATION: Readonly<Record<"public" | "signedIn", readonly NavigationEntry[]>> = {
  public: PUBLIC_NAVIGATION,
  signedIn: [{ key: "nav.yourWork", href: "/tasks" }, ...PUBLIC_NAVIGATION],
};

export interface NavigationItem {
  text: string;
  /** Markup in place of `text` (escaped where it is made): the inbox's unread count. */
  html?: string;
  href: string;
  /** This very page. */
  current: boolean;
  /** A page within this section. */
  active: boolean;
}

/** Whether a path is the address or under it (`/authorities` holds `/authorities/x`, not `/authoritiesx`). */
function isUnder(path: string, address: string): boolean {
  return path === address || path.startsWith(`${address}/`);
}

export function navigationFor(signedIn: boolean, currentPath: string, t: Translate): NavigationItem[] {
  return NAVIGATION[signedIn ? "signedIn" : "public"].map(({ key, href, within = [] }) => {
    const current = currentPath === href;
    const active = !current && [href, ...within].some((address) => isUnder(currentPath, address));
    return { text: t(key), href, current, active };
  });
}

/**
 * The account links, apart from the service navigation in the header: "Sign in" for the public;
 * "Inbox" (with how many notices are unread, when any are: "Inbox 3 unread", the count in a badge
 * that is part of the link's name) and "Your account" for someone signed in. Signing out is a
 * button on the account page (a POST).
 */
export function accountNavigationFor(
  signedIn: boolean,
  currentPath: string,
  t: Translate,
  unread = 0,
): NavigationItem[] {
  const entries: NavigationEntry[] = signedIn
    ? [
        { key: "accounts.nav.inbox", href: "/inbox" },
        { key: "accounts.nav.yourAccount", href: "/account" },
      ]
    : [{ key: "accounts.nav.signIn", href: "/sign-in" }];
  return entries.map(({ key, href }) => {
    const current = currentPath === href;
    const active = !current && currentPath.startsWith(`${href}/`);
    const item: NavigationItem = { text: t(key), href, current, active };
    if (href === "/inbox" && unread > 0)
      item.html = `${escapeHtml(item.text)} <strong class="openps-unread-count">${escapeHtml(t("accounts.nav.unread", { count: unread }))}</strong>`;
    return item;
  });
}

/**
 * The page's CSRF token, made only when a template outputs it (`{{ csrfToken }}`, as
 * `partials/csrf.njk` does), so pages without forms set no cookie.
 */
function lazyCsrfToken(request: FastifyRequest): { toString(): string; toJSON(): string } {
  let token: string | undefined;
  const value = () => {
    token ??= typeof request.csrfToken === "function" ? request.csrfToken() : "";
    return token;
  };
  return { toString: value, toJSON: value };
}

/** Names of the languages, each written in itself, for the language switch. */
const LANGUAGE_NAMES: Record<Locale, string> = { en: "English", cy: "Cymraeg" };

export interface LanguageItem {
  text: string;
  lang: Locale;
  href: string;
  current: boolean;
  /** "Change the language to …", written in the language of the link. */
  languageDescriptionText: string;
}

export function languagesFor(url: string, locale: Locale): LanguageItem[] {
  return LOCALES.map((lang) => ({
    text: LANGUAGE_NAMES[lang],
    lang,
    href: switchLanguageHref(url, lang),
    current: lang === locale,
    languageDescriptionText: translatorFor(lang)("languageSwitch.changeTo"),
  }));
}

/**
 * The translator as templates see it. Keys ending in `Html` hold trusted markup from our own
 * catalogues: their parameters are escaped and the result is marked safe. Any other key is plain
 * text, escaped by Nunjucks on output.
 */
export function templateTranslator(t: Translate) {
  return (key: string, params?: Record<string, unknown>): string | nunjucks.runtime.SafeString => {
    if (!key.endsWith("Html")) return t(key, params);
    const escaped = params
      ? Object.fromEntries(Object.entries(params).map(([name, value]) => [name, escapeHtml(value)]))
      : undefined;
    return new nunjucks.runtime.SafeString(t(key, escaped));
  };
}

export function createViewEnvironment(): nunjucks.Environment {
  const loader = new nunjucks.FileSystemLoader([
    path.join(srcDir, "views"),
    path.join(srcDir, "modules"),
    path.join(projectRoot, "node_modules", "govuk-frontend", "dist"),
  ]);
  // The GOV.UK components import and include by relative name ("./template.njk"), which the loader
  // resolves to a path on every call of every component: the same few answers, worked out once.
  const resolved = new Map<string, string>();
  const resolve = loader.resolve.bind(loader);
  loader.resolve = (from: string, to: string) => {
    const key = `${from}\0${to}`;
    let name = resolved.get(key);
    if (name === undefined) {
      name = resolve(from, to);
      resolved.set(key, name);
    }
    return name;
  };
  const env = new nunjucks.Environment(loader, { autoescape: true, throwOnUndefined: false });
  const numbers = { en: new Intl.NumberFormat("en-GB"), cy: new Intl.NumberFormat("cy-GB") };
  env.addFilter("number", (value: unknown, locale: Locale = DEFAULT_LOCALE) =>
    typeof value === "number" || typeof value === "bigint"
      ? numbers[locale].format(value)
      : String(value ?? ""),
  );
  // An instant's date as people read it, in Europe/London: "22 November 2026" (Welsh: "22 Tachwedd 2026").
  env.addFilter("londonDate", (value: unknown, locale: Locale = DEFAULT_LOCALE) =>
    value instanceof Date ? longDate(londonDate(value), locale) : String(value ?? ""),
  );
  // Nunjucks' own trim (`/^\s*|\s*$/g`) takes time with the square of each run of white space:
  // a tenth of a page's rendering where the GOV.UK components trim whole blocks of HTML. The same
  // white space (String.prototype.trim), kept safe where it was.
  const { SafeString } = nunjucks.runtime;
  env.addFilter("trim", (value: unknown) => {
    const trimmed = String(value ?? "").trim();
    return value instanceof SafeString ? new SafeString(trimmed) : trimmed;
  });
  return env;
}

/**
 * In development, a template edited is read again on the next page — and only then: each is
 * compiled once and kept until its file changes (recompiling every template for every page, as
 * Nunjucks' `noCache` does, made a page cost 50–180 ms). Returns the function that stops watching.
 */
export function watchTemplates(
  env: nunjucks.Environment,
  dirs: readonly string[] = [path.join(srcDir, "views"), path.join(srcDir, "modules")],
): () => void {
  const loader = (env as unknown as { loaders: WatchedLoader[] }).loaders[0];
  if (!loader) return () => {};
  const watchers = dirs.map((dir) =>
    fs.watch(dir, { recursive: true, persistent: false }, (_event, file) => {
      if (!file?.endsWith(".njk")) return;
      const fullname = path.join(dir, file);
      const name = loader.pathsToNames[fullname];
      if (name !== undefined) loader.emit("update", name, fullname);
    }),
  );
  return () => {
    for (const watcher of watchers) watcher.close();
  };
}

/** What `watchTemplates` uses of Nunjucks' file loader: the files it has read, and its update event. */
interface WatchedLoader {
  pathsToNames: Record<string, string>;
  emit(event: "update", name: string, fullname: string): void;
}

/** Every template file under `root`, by its name as the loader finds it (relative to `root`). */
function templatesUnder(root: string, within = ""): string[] {
  const names: string[] = [];
  for (const entry of fs.readdirSync(path.join(root, within), { withFileTypes: true })) {
    const name = within === "" ? entry.name : `${within}/${entry.name}`;
    if (entry.isDirectory()) names.push(...templatesUnder(root, name));
    else if (entry.name.endsWith(".njk")) names.push(name);
  }
  return names;
}

/**
 * Compiles every template now — ours and the GOV.UK components' — rather than on the first page
 * that needs each: in production, so that no visitor's request waits for a compilation. Returns
 * how many were compiled.
 */
export function compileAllTemplates(env: nunjucks.Environment): number {
  const names = [
    ...templatesUnder(path.join(srcDir, "views")),
    ...templatesUnder(path.join(srcDir, "modules")),
    ...templatesUnder(path.join(projectRoot, "node_modules", "govuk-frontend", "dist"), "govuk"),
  ];
  for (const name of names) env.getTemplate(name, true);
  return names.length;
}

let shared: nunjucks.Environment | undefined;
/** Whether the shared environment has compiled every template (production, once a process). */
let compiledAll = false;

/**
 * The process's view environment, its templates compiled once for every app the process builds
 * (one for the server; many in the tests). It holds nothing of any one app.
 */
function sharedViewEnvironment(): nunjucks.Environment {
  shared ??= createViewEnvironment();
  return shared;
}

/** Where search engines and other sites are told a page is, and in which languages. */
export interface PageAddresses {
  /** This page's address, absolute and without the language switch: the canonical link. */
  canonical: string;
  /** The page in each language (`?lang=…`, which sets the language), and `x-default` for the rest. */
  alternates: { hreflang: Locale | "x-default"; href: string }[];
  /** Whether search engines may index the page: a public page (GET) answered with success. */
  indexable: boolean;
}

/**
 * The page's addresses, absolute on the public base URL (`OPENPS_BASE_URL`, never the request's
 * Host header, which anyone may set). A page only someone signed in may see, a form shown again
 * with its errors and an error page are not indexed.
 */
export function pageAddresses(request: FastifyRequest, baseUrl: string, statusCode: number): PageAddresses {
  const base = baseUrl.replace(/\/+$/, "");
  const canonical = `${base}${withoutLangParam(request.url)}`;
  const signedInOnly = request.routeOptions?.config?.rules?.who.signedIn === true;
  return {
    canonical,
    alternates: [
      ...LOCALES.map((lang) => ({ hreflang: lang, href: `${base}${switchLanguageHref(request.url, lang)}` })),
      { hreflang: "x-default" as const, href: canonical },
    ],
    indexable: (request.method === "GET" || request.method === "HEAD") && statusCode < 400 && !signedInOnly,
  };
}

export interface LayoutContextInputs {
  request: FastifyRequest;
  assets: AssetUrls;
  demo: boolean;
  /** The public base URL (`config.baseUrl`), for the page's absolute addresses. */
  baseUrl: string;
  /** The status the page is sent with (an error page's is set before it is rendered). */
  statusCode: number;
}

/** What every page gets before its own context. */
export function layoutContext({
  request,
  assets,
  demo,
  baseUrl,
  statusCode,
}: LayoutContextInputs): Record<string, unknown> {
  const locale: Locale = request.locale ?? DEFAULT_LOCALE;
  const t: Translate = request.t ?? translatorFor(locale);
  const currentPath = request.url.split("?", 1)[0] ?? "/";
  return {
    serviceName: SERVICE_NAME,
    serviceUrl: "/",
    locale,
    htmlLang: locale,
    t: templateTranslator(t),
    /** Dates and times in the page's language: "1 April 2027", "5:30pm", "5:30pm on 20 December 2026". */
    longDate: (iso: string | null | undefined) => longDate(iso, locale),
    londonTime: (instant: Date) => londonTime(instant, locale),
    londonDateTime: (instant: Date) => londonDateTime(instant, locale),
    /** What a service said in English (`msg`: a refusal, a notice), in the page's language where it can be. */
    message: (text: string) => localiseMessage(String(text ?? ""), locale).text,
    /** The language a catalogue key is shown in for this locale (its own, or English). */
    langOf: (key: string) => languageOf(locale, key),
    currentPath,
    /** The service navigation: the public's, unless a module adds to the layout (`addToLayout`). */
    navigation: navigationFor(false, currentPath, t),
    /** Who is signed in (null for the public), unless a module adds to the layout (`addToLayout`). */
    principal: null,
    accountNavigation: accountNavigationFor(false, currentPath, t),
    /** For forms: `{% include "partials/csrf.njk" %}` outputs it as the `_csrf` field. */
    csrfToken: lazyCsrfToken(request),
    languages: languagesFor(request.url, locale),
    /** Canonical and language links, and whether the page may be indexed: see `pageAddresses`. */
    addresses: pageAddresses(request, baseUrl, statusCode),
    assets,
    assetPath: "/assets",
    demo,
    requestId: String(request.id),
  };
}

/** Adds to every page's layout context: how a module above tells the layout what only it knows. */
export type LayoutContribution = (
  request: FastifyRequest,
) => Record<string, unknown> | Promise<Record<string, unknown>>;

declare module "fastify" {
  interface FastifyInstance {
    /** What modules add to the layout context (`addToLayout`), in the order they were added. */
    layoutContributions: LayoutContribution[];
  }
}

/** A module's addition to every page's layout context (the accounts module: who is signed in). */
export function addToLayout(app: FastifyInstance, contribution: LayoutContribution): void {
  app.layoutContributions.push(contribution);
}

export async function registerViews(app: FastifyInstance): Promise<void> {
  if (!app.hasDecorator("assetUrls")) {
    throw new Error("Register the assets (registerAssets) before the views: the layout needs their URLs");
  }
  const { nodeEnv } = app.deps.config;
  let env = sharedViewEnvironment();
  if (nodeEnv === "development") {
    env = createViewEnvironment();
    const stopWatching = watchTemplates(env);
    app.addHook("onClose", async () => stopWatching());
  }
  if (nodeEnv === "production" && !compiledAll) {
    compileAllTemplates(env);
    compiledAll = true;
  }
  registerI18n(app);
  app.decorate("layoutContributions", []);
  app.decorateReply("page", async function page(this: FastifyReply, template: string, context = {}) {
    const assets = app.assetUrls;
    const contributions = await Promise.all(
      app.layoutContributions.map((contribute) => contribute(this.request)),
    );
    const html = env.render(template, {
      ...layoutContext({
        request: this.request,
        assets,
        demo: this.server.deps.config.demo,
        baseUrl: this.server.deps.config.baseUrl,
        statusCode: this.statusCode,
      }),
      ...Object.assign({}, ...contributions),
      // The nonce of the GOV.UK template's inline script (src/http/security-headers.ts).
      cspNonce: this.cspNonce?.script,
      ...context,
    });
    await this.header("content-language", this.request.locale ?? DEFAULT_LOCALE)
      .header("vary", "Cookie, Accept-Language")
      .type("text/html; charset=utf-8")
      .send(html);
  });
}
