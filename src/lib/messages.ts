/**
 * Messages made in English that a page can show in another language: what services say when they
 * refuse something (the typed errors' messages and their details).
 *
 * msg`The deadline for bids passed at ${when}.` is the English text itself, a plain string: errors,
 * API responses and logs keep it as they were. Its template, "The deadline for bids passed at {0}.",
 * is the key of its translation in a message catalogue (`locales/messages.cy.json`, beside the
 * catalogues of the pages): "Aeth y dyddiad cau ar gyfer cynigion heibio am {0}.". A page about to
 * show a message in Welsh finds the template it was made from (`MessageCatalogue.translate`: as it
 * was made, remembered for a while, or else by matching its text against the templates), puts each
 * value into the translation — itself translated when it is a message too (a word given as a value
 * is made with `msg` as well) or a date or time as `london-time.ts` writes them — and shows the
 * English only when the message has no translation.
 *
 * `tests/i18n/welsh.test.ts` reads every msg`…` in the source and fails on one the Welsh catalogue
 * lacks. docs/welsh.md says how to write one.
 */
import { dateTextIn, type Language } from "./london-time.ts";

/** What a message's values may be: text (names, numbers as people read them, other messages) or numbers. */
export type MessageValue = string | number | bigint;

interface Made {
  template: string;
  values: readonly string[];
}

/**
 * The messages made lately, by their text: what each was made from, so that a page shows it in its
 * language exactly (see `MessageCatalogue.translate`). A message is shown within the request that
 * made it, so the last few thousand are plenty; an older one is read from its text instead. They
 * stay in this process's memory only, as the errors and notices holding them do.
 */
const made = new Map<string, Made>();
const MADE_KEPT = 2000;

function remember(text: string, from: Made): void {
  made.delete(text);
  made.set(text, from);
  if (made.size > MADE_KEPT) made.delete(made.keys().next().value as string);
}

/** An English message whose template a page can translate (see above). */
export function msg(strings: TemplateStringsArray, ...values: readonly MessageValue[]): string {
  const texts = values.map(String);
  let text = strings[0] ?? "";
  for (let i = 0; i < texts.length; i++) text += (texts[i] ?? "") + (strings[i + 1] ?? "");
  remember(text, { template: templateOf(strings), values: texts });
  return text;
}

/** The template of a msg`…`: its text with each value as {0}, {1}, … — the key of its translation. */
export function templateOf(strings: readonly string[]): string {
  return strings.map((s, i) => (i === 0 ? s : `{${i - 1}}${s}`)).join("");
}

const PLACEHOLDER = /\{(\d+)\}/g;

interface Entry {
  pattern: RegExp;
  /** The placeholder each of the pattern's groups is: [0, 1] for "{0} … {1}". */
  order: number[];
  translation: string;
}

/** Lower-case words only: English, not a name (names begin with a capital) nor a number. */
const ENGLISH_WORDS = /^[a-z][a-z'’-]*(?: [a-z][a-z'’-]*)*$/;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** How many words of its own a template needs to be recognised from a message's text alone. */
const WORDS_TO_RECOGNISE = 2;

/**
 * The translations of messages into one language, keyed by their English templates. `translate`
 * answers a message's text in that language, or null when it has no translation: from what it was
 * made of when it was made lately (`msg`), or else from the template its text matches — one with
 * at least two words of its own, the most specific first ("Enter a name" before "Enter {0}").
 */
export class MessageCatalogue {
  readonly language: Language;
  private readonly translations: ReadonlyMap<string, string>;
  private readonly entries: Entry[];

  constructor(language: Language, translations: Readonly<Record<string, string>>) {
    this.language = language;
    this.translations = new Map(Object.entries(translations));
    this.entries = Object.entries(translations)
      .map(([template, translation]) => {
        const literal = template.replace(PLACEHOLDER, " ");
        if (literal.trim() === "")
          throw new Error(`The message template "${template}" has no words of its own`);
        const source = template
          .split(/(\{\d+\})/)
          .map((part) => (/^\{\d+\}$/.test(part) ? "([\\s\\S]+?)" : escapeRegExp(part)))
          .join("");
        const order = [...template.matchAll(PLACEHOLDER)].map((m) => Number(m[1]));
        const words = literal.match(/[\p{L}\d][\p{L}\d'’-]*/gu)?.length ?? 0;
        return { pattern: new RegExp(`^${source}$`), order, translation, words, literal: literal.length };
      })
      .filter((entry) => entry.words >= WORDS_TO_RECOGNISE || entry.order.length === 0)
      .sort((a, b) => b.literal - a.literal)
      .map(({ pattern, order, translation }) => ({ pattern, order, translation }));
  }

  translate(text: string): string | null {
    const from = made.get(text);
    if (from) {
      const translation = this.translations.get(from.template);
      return translation === undefined ? null : this.fill(translation, from.values);
    }
    for (const { pattern, order, translation } of this.entries) {
      const match = pattern.exec(text);
      if (!match) continue;
      const values: string[] = [];
      order.forEach((n, i) => {
        values[n] = match[i + 1] ?? "";
      });
      // Read from its text alone, a value in English words of its own ("Enter the {0}" matching
      // "Enter the amount in pounds") would leave the page half in one language, half in another.
      if (values.some((value) => this.untranslatableWords(value))) continue;
      return this.fill(translation, values);
    }
    return null;
  }

  /** Whether a value is words in English with no translation, rather than data (a name, a number). */
  private untranslatableWords(value: string): boolean {
    return ENGLISH_WORDS.test(value) && this.translateValue(value) === value;
  }

  private fill(translation: string, values: readonly string[]): string {
    return translation.replace(PLACEHOLDER, (whole, n: string) => {
      const value = values[Number(n)];
      return value === undefined ? whole : this.translateValue(value);
    });
  }

  /** A value within a message: a message itself, a date or time, or data (a name) kept as it is. */
  private translateValue(value: string): string {
    return this.translate(value) ?? dateTextIn(value, this.language) ?? value;
  }
}
