/**
 * Every msg`…` in the source (src/lib/messages.ts), read from the files: its template — the text with
 * each value as {0}, {1}, …, as `templateOf` makes it at run time — and where it is.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { templateOf } from "../../src/lib/messages.ts";

export interface FoundTemplate {
  template: string;
  /** "src/modules/…/x.service.ts:12". */
  at: string;
}

/** The end of a `${ … }` starting at `from` (just after "${"): the index of its closing brace. */
function endOfExpression(source: string, from: number): number {
  let depth = 1;
  let i = from;
  while (i < source.length) {
    const c = source[i];
    if (c === "`") i = endOfTemplate(source, i + 1);
    else if (c === '"' || c === "'") {
      i++;
      while (i < source.length && source[i] !== c) i += source[i] === "\\" ? 2 : 1;
    } else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return i;
    i++;
  }
  throw new Error("An unclosed ${ in a template literal");
}

/** The index of the backtick closing a template literal whose text starts at `from`. */
function endOfTemplate(source: string, from: number): number {
  let i = from;
  while (i < source.length) {
    const c = source[i];
    if (c === "\\") i += 2;
    else if (c === "`") return i;
    else if (c === "$" && source[i + 1] === "{") i = endOfExpression(source, i + 2) + 1;
    else i++;
  }
  throw new Error("An unclosed template literal");
}

/** A template literal's text pieces between its values, as the running code gets them (cooked). */
function piecesOf(source: string, from: number): string[] {
  const pieces: string[] = [];
  let start = from;
  let i = from;
  for (;;) {
    const c = source[i];
    if (c === "\\") i += 2;
    else if (c === "`") break;
    else if (c === "$" && source[i + 1] === "{") {
      pieces.push(source.slice(start, i));
      i = endOfExpression(source, i + 2) + 1;
      start = i;
    } else i++;
  }
  pieces.push(source.slice(start, i));
  // Each raw piece holds no unescaped backtick and no ${: as a template literal, it is its cooked text.
  return pieces.map((raw) => new Function(`return \`${raw}\`;`)() as string);
}

/** The msg`…` templates of one file's source. */
export function templatesIn(source: string, file: string): FoundTemplate[] {
  const found: FoundTemplate[] = [];
  for (const match of source.matchAll(/(?<!`)\bmsg`/g)) {
    const start = (match.index ?? 0) + match[0].length;
    const line = source.slice(0, start).split("\n").length;
    found.push({ template: templateOf(piecesOf(source, start)), at: `${file}:${line}` });
  }
  return found;
}

/** Every msg`…` template in `src/` (not its tests). */
export function sourceTemplates(projectRoot: string): FoundTemplate[] {
  const src = path.join(projectRoot, "src");
  const found: FoundTemplate[] = [];
  for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".ts") || entry.name.endsWith(".test.ts")) continue;
    const file = path.join(entry.parentPath, entry.name);
    if (file === path.join(src, "lib", "messages.ts")) continue;
    found.push(...templatesIn(readFileSync(file, "utf8"), path.relative(projectRoot, file)));
  }
  return found;
}
