/**
 * The areas CSV (documented in docs/vocabularies.md): a header `code,name,type,nation`, then one area
 * a line. Lines beginning with `#` are comments; blank lines are skipped; fields may be quoted as in
 * RFC 4180. Every bad line is reported with its line number, so a file is fixed in one go. Pure
 * functions; loading into the database is `loadAreas` in the service.
 */
import { AREA_NATIONS, AREA_TYPES, type AreaNation, type AreaType } from "./vocabularies.table.ts";

export const AREAS_CSV_HEADER = ["code", "name", "type", "nation"] as const;

/**
 * ONS GSS entity codes OpenPS knows: the first three characters of a code say what kind of area it
 * is and where. (ONS Register of Geographic Codes.)
 */
export const GSS_ENTITIES: Readonly<Record<string, { type: AreaType; nation: AreaNation; what: string }>> = {
  K02: { type: "country", nation: "united-kingdom", what: "the United Kingdom" },
  E92: { type: "country", nation: "england", what: "England" },
  W92: { type: "country", nation: "wales", what: "Wales" },
  S92: { type: "country", nation: "scotland", what: "Scotland" },
  N92: { type: "country", nation: "northern-ireland", what: "Northern Ireland" },
  E12: { type: "region", nation: "england", what: "a region of England" },
  E10: { type: "county", nation: "england", what: "a county of England" },
  E11: { type: "metropolitan-county", nation: "england", what: "a metropolitan county" },
  E06: { type: "unitary", nation: "england", what: "a unitary authority in England" },
  E07: { type: "district", nation: "england", what: "a non-metropolitan district" },
  E08: { type: "metropolitan-district", nation: "england", what: "a metropolitan district" },
  E09: { type: "london-borough", nation: "england", what: "a London borough (or the City of London)" },
  E47: { type: "combined-authority", nation: "england", what: "a combined authority" },
  W06: { type: "unitary", nation: "wales", what: "a Welsh unitary authority" },
  S12: { type: "unitary", nation: "scotland", what: "a Scottish council area" },
  N09: { type: "district", nation: "northern-ireland", what: "a Northern Ireland local government district" },
};

const GSS_CODE = /^[EWSNK]\d{8}$/;

export interface AreaRow {
  code: string;
  name: string;
  type: AreaType;
  nation: AreaNation;
}

export interface LineProblem {
  line: number;
  message: string;
}

/** Problems with one area's fields (empty when it is good). */
export function areaProblems(code: string, name: string, type: string, nation: string): string[] {
  const problems: string[] = [];
  const entity = GSS_ENTITIES[code.slice(0, 3)];
  if (!GSS_CODE.test(code)) {
    problems.push(
      `the code "${code}" is not a GSS code: a capital E, W, S, N or K and 8 digits, like E06000001`,
    );
  } else if (!entity) {
    problems.push(
      `the code ${code} is of a kind OpenPS does not list (${code.slice(0, 3)}); use one of ${Object.keys(GSS_ENTITIES).join(", ")}`,
    );
  }
  if (name.trim() === "") problems.push("the name is missing");
  else if (name.length > 200) problems.push("the name is longer than 200 characters");
  if (!(AREA_TYPES as readonly string[]).includes(type)) {
    problems.push(`the type "${type}" is not one of ${AREA_TYPES.join(", ")}`);
  } else if (entity && entity.type !== type) {
    problems.push(`a ${code.slice(0, 3)} code is ${entity.what}, so its type is ${entity.type}, not ${type}`);
  }
  if (!(AREA_NATIONS as readonly string[]).includes(nation)) {
    problems.push(`the nation "${nation}" is not one of ${AREA_NATIONS.join(", ")}`);
  } else if (entity && entity.nation !== nation) {
    problems.push(`a ${code.slice(0, 3)} code is in ${entity.nation}, not ${nation}`);
  }
  return problems;
}

interface CsvRecord {
  line: number;
  fields: string[];
}

/** RFC 4180 records with the line each starts on; `#` comment lines and blank lines are skipped. */
export function csvRecords(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const source = text.startsWith("\uFEFF") ? text.slice(1) : text;
  let line = 1;
  let i = 0;
  while (i < source.length) {
    const startLine = line;
    // A comment or blank line, outside any record.
    if (source[i] === "#" || source[i] === "\n" || source[i] === "\r") {
      while (i < source.length && source[i] !== "\n") i++;
      i++;
      line++;
      continue;
    }
    const fields: string[] = [];
    let field = "";
    let quoted = false;
    let atFieldStart = true;
    for (; i < source.length; i++) {
      const c = source[i];
      if (quoted) {
        if (c === '"' && source[i + 1] === '"') {
          field += '"';
          i++;
        } else if (c === '"') {
          quoted = false;
        } else {
          if (c === "\n") line++;
          field += c;
        }
        continue;
      }
      if (c === '"' && atFieldStart) {
        quoted = true;
        atFieldStart = false;
      } else if (c === ",") {
        fields.push(field);
        field = "";
        atFieldStart = true;
      } else if (c === "\n") {
        break;
      } else if (c === "\r") {
        // Part of a CRLF line ending.
      } else {
        field += c;
        atFieldStart = false;
      }
    }
    fields.push(field);
    i++;
    line++;
    records.push({ line: startLine, fields });
  }
  return records;
}

export interface ParsedAreas {
  areas: AreaRow[];
  problems: LineProblem[];
}

/** Parses and checks an areas CSV; `problems` names every bad line. */
export function parseAreasCsv(text: string): ParsedAreas {
  const records = csvRecords(text);
  const problems: LineProblem[] = [];
  const header = records[0];
  if (!header) {
    return {
      areas: [],
      problems: [{ line: 1, message: `the file is empty: start with ${AREAS_CSV_HEADER.join(",")}` }],
    };
  }
  if (header.fields.map((f) => f.trim().toLowerCase()).join(",") !== AREAS_CSV_HEADER.join(",")) {
    problems.push({
      line: header.line,
      message: `the header must be ${AREAS_CSV_HEADER.join(",")} (it is ${header.fields.join(",")})`,
    });
  }
  const areas: AreaRow[] = [];
  const seen = new Map<string, number>();
  for (const { line, fields } of records.slice(1)) {
    if (fields.length !== AREAS_CSV_HEADER.length) {
      problems.push({ line, message: `expected 4 fields (code,name,type,nation), found ${fields.length}` });
      continue;
    }
    const [code = "", name = "", type = "", nation = ""] = fields.map((f) => f.trim());
    const lineProblems = areaProblems(code, name, type, nation);
    const earlier = seen.get(code);
    if (earlier !== undefined) lineProblems.push(`the code ${code} is already on line ${earlier}`);
    if (lineProblems.length > 0) {
      problems.push({ line, message: lineProblems.join("; ") });
      continue;
    }
    seen.set(code, line);
    areas.push({ code, name, type: type as AreaType, nation: nation as AreaNation });
  }
  if (problems.length === 0 && areas.length === 0) {
    problems.push({ line: header.line, message: "there are no areas after the header" });
  }
  return { areas, problems };
}
