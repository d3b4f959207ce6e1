/**
 * Server-rendered pages: Nunjucks with the GOV.UK Frontend macros. Templates are found in
 * `src/views` (layout, shared partials, error pages), in `src/modules` (a module's own pages as
 * `<module>/views/<page>.njk`) and in govuk-frontend (`govuk/components/...`).
 *
 * `reply.page(template, context)` renders a page with the layout's context (see `layoutContext`):
 * the locale and a translator `t`, the service navigation for the actor, the language switch, the
 * asset URLs and the demo flag. The page's own context is spread over it, so a page may override
 * any of it (a form page passes `errors` to get the "Error: " title prefix).
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import nunjucks from "nunjucks";
import type { AssetUrls } from "./assets.ts";
import type { Locale, Translate } from "./context.ts";
import {
  DEFAULT_LOCALE,
  LOCALES,
  languageOf,
  registerI18n,
  switchLanguageHref,
  translatorFor,
} from "./i18n.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const srcDir = path.resolve(here, "..");
const projectRoot = path.resolve(srcDir, "..");

export const SERVICE_NAME = "OpenPS";

/** One item of the service navigation: a catalogue key for its text and where it goes. */
export interface NavigationEntry {
  key: string;
  href: string;
}

/**
 * The service navigation for each role, in order. A module adds its pages to the roles that use
 * them when those pages exist; a role not listed gets the public navigation.
 */
export const NAVIGATION: Readonly<Record<string, readonly NavigationEntry[]>> = {
  public: [
    { key: "nav.home", href: "/" },
    { key: "nav.findService", href: "/regulation/find" },
    { key: "nav.providers", href: "/organisations" },
    { key: "nav.opportunities", href: "/opportunities" },
    { key: "nav.consultations", href: "/consultations" },
    { key: "nav.pipeline", href: "/pipeline" },
    { key: "nav.rightToChallenge", href: "/right-to-challenge" },
    { key: "nav.contracts", href: "/contracts" },
    { key: "nav.openData", href: "/open-data" },
  ],
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

export function navigationFor(role: string, currentPath: string, t: Translate): NavigationItem[] {
  const entries = NAVIGATION[role] ?? NAVIGATION.public ?? [];
  return entries.map(({ key, href }) => {
    const current = currentPath === href;
    const active = !current && href !== "/" && currentPath.startsWith(`${href}/`);
    return { text: t(key), href, current, active };
  });
}

/**
 * The account links at the end of the service navigation: "Sign in" for the public; "Inbox" (with
 * how many notices are unread, when any are: "Inbox 3 unread", the count in a badge that is part of
 * the link's name), "Your account" and "Sign out" (a page with a sign-out button: signing out is a
 * POST) for someone signed in.
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
        { key: "accounts.nav.signOut", href: "/sign-out" },
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

function escapeHtml(value: unknown): string {
  return String(value)
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
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

export function createViewEnvironment(options: { watch?: boolean } = {}): nunjucks.Environment {
  const loader = new nunjucks.FileSystemLoader(
    [
      path.join(srcDir, "views"),
      path.join(srcDir, "modules"),
      path.join(projectRoot, "node_modules", "govuk-frontend", "dist"),
    ],
    { noCache: options.watch === true },
  );
  const env = new nunjucks.Environment(loader, { autoescape: true, throwOnUndefined: false });
  const numbers = { en: new Intl.NumberFormat("en-GB"), cy: new Intl.NumberFormat("cy-GB") };
  env.addFilter("number", (value: unknown, locale: Locale = DEFAULT_LOCALE) =>
    typeof value === "number" || typeof value === "bigint"
      ? numbers[locale].format(value)
      : String(value ?? ""),
  );
  // A date as people read it, in Europe/London: "22 November 2026" (dateTime: "22 November 2026, 3:05pm").
  const dates = {
    en: new Intl.DateTimeFormat("en-GB", { dateStyle: "long", timeZone: "Europe/London" }),
    cy: new Intl.DateTimeFormat("cy-GB", { dateStyle: "long", timeZone: "Europe/London" }),
  };
  env.addFilter("londonDate", (value: unknown, locale: Locale = DEFAULT_LOCALE) =>
    value instanceof Date ? dates[locale].format(value) : String(value ?? ""),
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

let shared: nunjucks.Environment | undefined;

/**
 * The process's view environment, its templates compiled once for every app the process builds
 * (one for the server; many in the tests). It holds nothing of any one app.
 */
function sharedViewEnvironment(): nunjucks.Environment {
  shared ??= createViewEnvironment();
  return shared;
}

export interface LayoutContextInputs {
  request: FastifyRequest;
  assets: AssetUrls;
  demo: boolean;
}

/** What every page gets before its own context. */
export function layoutContext({ request, assets, demo }: LayoutContextInputs): Record<string, unknown> {
  const locale: Locale = request.locale ?? DEFAULT_LOCALE;
  const t: Translate = request.t ?? translatorFor(locale);
  const currentPath = request.url.split("?", 1)[0] ?? "/";
  return {
    serviceName: SERVICE_NAME,
    serviceUrl: "/",
    locale,
    htmlLang: locale,
    t: templateTranslator(t),
    /** The language a catalogue key is shown in for this locale (its own, or English). */
    langOf: (key: string) => languageOf(locale, key),
    currentPath,
    navigation: navigationFor("public", currentPath, t),
    /** Who is signed in (null for the public), unless a module adds to the layout (`addToLayout`). */
    principal: null,
    accountNavigation: accountNavigationFor(false, currentPath, t),
    /** For forms: `{% include "partials/csrf.njk" %}` outputs it as the `_csrf` field. */
    csrfToken: lazyCsrfToken(request),
    languages: languagesFor(request.url, locale),
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
  const env =
    app.deps.config.nodeEnv === "development"
      ? createViewEnvironment({ watch: true })
      : sharedViewEnvironment();
  registerI18n(app);
  app.decorate("layoutContributions", []);
  app.decorateReply("page", async function page(this: FastifyReply, template: string, context = {}) {
    const assets = app.assetUrls;
    const contributions = await Promise.all(
      app.layoutContributions.map((contribute) => contribute(this.request)),
    );
    const html = env.render(template, {
      ...layoutContext({ request: this.request, assets, demo: this.server.deps.config.demo }),
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
