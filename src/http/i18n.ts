/**
 * Languages: English and Welsh (Cymraeg). All user-facing text comes from the message catalogues
 * `src/locales/en.json` (complete) and `src/locales/cy.json` (Welsh; a key it lacks falls back to
 * English), joined with any module's own `src/modules/<module>/locales/<locale>.json`, whose
 * top-level keys must not clash with another's. One i18next instance for the process; each request gets a translator fixed to its
 * locale, chosen from the `lang` cookie, then `Accept-Language`, then English.
 *
 * The language switch works without JavaScript: `?lang=cy` (or `?lang=en`) on any page sets the
 * cookie and redirects to the same address without the parameter.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import i18next, { type i18n as I18n } from "i18next";
import { MessageCatalogue } from "../lib/messages.ts";
import type { Locale, Translate } from "./context.ts";

export const LOCALES: readonly Locale[] = ["en", "cy"];
export const DEFAULT_LOCALE: Locale = "en";
export const LANG_COOKIE = "lang";
export const LANG_PARAM = "lang";
/** One year, in seconds. */
const LANG_COOKIE_MAX_AGE = 365 * 24 * 60 * 60;

export type Catalogue = { [key: string]: string | Catalogue };

const localesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "locales");

export function catalogueFile(locale: Locale): string {
  return path.join(localesDir, `${locale}.json`);
}

const modulesDir = path.resolve(localesDir, "..", "modules");

/** The catalogue files of a locale: the platform's, then each module's that has one. */
export function catalogueFiles(locale: Locale): string[] {
  const modules = readdirSync(modulesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => path.join(modulesDir, entry.name, "locales", `${locale}.json`))
    .filter((file) => existsSync(file))
    .sort();
  return [catalogueFile(locale), ...modules];
}

export function loadCatalogue(locale: Locale): Catalogue {
  const catalogue: Catalogue = {};
  for (const file of catalogueFiles(locale)) {
    const part = JSON.parse(readFileSync(file, "utf8")) as Catalogue;
    for (const [key, value] of Object.entries(part)) {
      if (key in catalogue) throw new Error(`${file}: the key "${key}" is already in another catalogue`);
      catalogue[key] = value;
    }
  }
  return catalogue;
}

/** Every key of a catalogue in dotted form (`layout.skipLink`), for tests and tooling. */
export function catalogueKeys(catalogue: Catalogue, prefix = ""): string[] {
  return Object.entries(catalogue).flatMap(([key, value]) =>
    typeof value === "string" ? [`${prefix}${key}`] : catalogueKeys(value, `${prefix}${key}.`),
  );
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

let shared: I18n | undefined;

/** The process's one i18next instance, initialised synchronously from the catalogues. */
export function i18n(): I18n {
  if (shared) return shared;
  const instance = i18next.createInstance();
  instance.init({
    resources: {
      en: { translation: loadCatalogue("en") },
      cy: { translation: loadCatalogue("cy") },
    },
    lng: DEFAULT_LOCALE,
    fallbackLng: DEFAULT_LOCALE,
    supportedLngs: [...LOCALES],
    initAsync: false,
    returnNull: false,
    returnEmptyString: false,
    // Text is escaped where it is output: Nunjucks autoescapes, and `*Html` keys escape their
    // parameters in the views (see `src/http/views.ts`).
    interpolation: { escapeValue: false },
  });
  shared = instance;
  return instance;
}

/** The most texts without parameters a locale's translator keeps (`translatorFor`). */
const REMEMBERED_TEXTS = 10_000;

const translators = new Map<Locale, Translate>();

/**
 * A translator fixed to one locale, one for the process. Unknown keys come back as the key, so they
 * show up in tests. A key asked for without parameters — most of a page's words, asked for again on
 * every page — is looked up in i18next once and remembered (i18next's own lookup parses the key
 * and its options each time: a tenth of the time a page takes to render).
 */
export function translatorFor(locale: Locale): Translate {
  let translator = translators.get(locale);
  if (translator) return translator;
  const t = i18n().getFixedT(locale);
  const remembered = new Map<string, string>();
  translator = (key, params) => {
    if (params !== undefined && Object.keys(params).length > 0) return String(t(key, params));
    let text = remembered.get(key);
    if (text === undefined) {
      text = String(t(key, {}));
      if (remembered.size < REMEMBERED_TEXTS) remembered.set(key, text);
    }
    return text;
  };
  translators.set(locale, translator);
  return translator;
}

/**
 * The files of a locale's message catalogue (`src/lib/messages.ts`: the translations of what services
 * say, keyed by the English template): the platform's `src/locales/messages.<locale>.json`, then
 * each module's `locales/messages.<locale>.json`. English has none: messages are made in English.
 */
export function messageCatalogueFiles(locale: Locale): string[] {
  return catalogueFiles(locale)
    .map((file) => path.join(path.dirname(file), `messages.${locale}.json`))
    .filter((file) => existsSync(file));
}

/** Every translation of a locale's message catalogue, by English template. */
export function loadMessageTranslations(locale: Locale): Record<string, string> {
  const translations: Record<string, string> = {};
  for (const file of messageCatalogueFiles(locale)) {
    for (const [template, text] of Object.entries(
      JSON.parse(readFileSync(file, "utf8")) as Record<string, string>,
    )) {
      if (template in translations)
        throw new Error(`${file}: the message "${template}" is already in another catalogue`);
      translations[template] = text;
    }
  }
  return translations;
}

const messageCatalogues = new Map<Locale, MessageCatalogue>();

/**
 * A message a service made in English (its errors' messages: `msg` in `src/lib/messages.ts`) in the
 * page's language where the catalogue has it, and the language it is in: English when it has not.
 */
export function localiseMessage(text: string, locale: Locale): { text: string; lang: Locale } {
  if (locale === DEFAULT_LOCALE) return { text, lang: locale };
  let catalogue = messageCatalogues.get(locale);
  if (!catalogue) {
    catalogue = new MessageCatalogue(locale, loadMessageTranslations(locale));
    messageCatalogues.set(locale, catalogue);
  }
  const translated = catalogue.translate(text);
  return translated === null ? { text, lang: DEFAULT_LOCALE } : { text: translated, lang: locale };
}

/** Whether the catalogue of `locale` itself has the key (not by falling back to English). */
export function hasOwnTranslation(locale: Locale, key: string): boolean {
  return i18n().exists(key, { lng: locale, fallbackLng: false });
}

/** The language a key will actually be shown in for `locale`: its own, or English. */
export function languageOf(locale: Locale, key: string): Locale {
  return locale === DEFAULT_LOCALE || hasOwnTranslation(locale, key) ? locale : DEFAULT_LOCALE;
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const index = part.indexOf("=");
    if (index < 1) continue;
    const name = part.slice(0, index).trim();
    const raw = part.slice(index + 1).trim();
    if (!(name in cookies)) {
      try {
        cookies[name] = decodeURIComponent(raw);
      } catch {
        cookies[name] = raw;
      }
    }
  }
  return cookies;
}

/** Welsh when the browser prefers Welsh to English; English otherwise. */
export function localeFromAcceptLanguage(header: string | undefined): Locale | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(",")
    .map((entry, index) => {
      const [tag = "", ...params] = entry.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      const quality = q ? Number(q.slice(2)) : 1;
      return { language: tag.trim().toLowerCase().split("-")[0] ?? "", quality, index };
    })
    .filter((entry) => Number.isFinite(entry.quality) && entry.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  const first = ranked.find((entry) => isLocale(entry.language));
  return first && isLocale(first.language) ? first.language : undefined;
}

export function localeFor(headers: {
  cookie?: string | undefined;
  "accept-language"?: string | undefined;
}): Locale {
  const fromCookie = parseCookies(headers.cookie)[LANG_COOKIE];
  if (isLocale(fromCookie)) return fromCookie;
  return localeFromAcceptLanguage(headers["accept-language"]) ?? DEFAULT_LOCALE;
}

/**
 * The same address without `?lang=…`, as a path on this site. A path beginning `//` or `/\`
 * would be read by browsers as another site, so it becomes `/`.
 */
export function withoutLangParam(url: string): string {
  const parsed = new URL(url, "http://openps.invalid");
  parsed.searchParams.delete(LANG_PARAM);
  let target = `${parsed.pathname}${parsed.search}`;
  if (!target.startsWith("/") || target.startsWith("//") || target.startsWith("/\\")) target = "/";
  return target;
}

/** The address of the current page in another language, for the language switch. */
export function switchLanguageHref(url: string, locale: Locale): string {
  const parsed = new URL(withoutLangParam(url), "http://openps.invalid");
  parsed.searchParams.set(LANG_PARAM, locale);
  return `${parsed.pathname}${parsed.search}`;
}

export function langCookie(locale: Locale, secure: boolean): string {
  return `${LANG_COOKIE}=${locale}; Path=/; Max-Age=${LANG_COOKIE_MAX_AGE}; SameSite=Lax${secure ? "; Secure" : ""}`;
}

function langParam(request: FastifyRequest): string | undefined {
  const query = request.url.split("?", 2)[1];
  if (query === undefined) return undefined;
  return new URLSearchParams(query).get(LANG_PARAM) ?? undefined;
}

/**
 * Sets `request.locale` and `request.t` on every request, and handles the language switch: a GET
 * with `?lang=en|cy` sets the cookie and redirects (303) to the page without the parameter.
 */
export function registerI18n(app: FastifyInstance): void {
  i18n();
  app.decorateRequest("locale", DEFAULT_LOCALE);
  app.decorateRequest("t", null as never);
  const secure = app.deps.config.baseUrl.startsWith("https://");
  app.addHook("onRequest", async (request: FastifyRequest, reply: FastifyReply) => {
    request.locale = localeFor(request.headers);
    request.t = translatorFor(request.locale);
    if (request.method !== "GET" && request.method !== "HEAD") return;
    const chosen = langParam(request);
    if (!isLocale(chosen)) return;
    reply.header("set-cookie", langCookie(chosen, secure));
    reply.header("cache-control", "no-store");
    return reply.redirect(withoutLangParam(request.url), 303);
  });
}
