/**
 * Dependencies point one way (docs/architecture.md, "Layers"). Reads every import of `src/` (type
 * imports, re-exports, dynamic imports and module augmentations included) and fails, naming the
 * file and line, on:
 * - an import of a layer above the importing one;
 * - any cycle between module folders;
 * - an import of another module's repository or table file (ask that module's service).
 * There is no allow-list: the layers below are the architecture, not a list of exceptions.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const SRC = path.resolve(import.meta.dirname, "../../src");

/**
 * The layers, bottom to top. A file may import its own unit and any unit of a lower layer. Within
 * the platform and domain modules each module is a layer of its own, in this order: a module
 * imports only the modules before it.
 */
const LAYERS: readonly (readonly string[])[] = [
  ["lib", "config", "version.ts"],
  ["db"],
  ["http"],
  // Platform modules
  ["modules/audit"],
  ["modules/jobs"],
  ["modules/notifications"],
  ["modules/vocabularies"],
  ["modules/authorities"],
  ["modules/access"],
  ["modules/accounts"],
  ["modules/organisations"],
  ["modules/inbox"],
  ["modules/demo-clock"],
  // Domain modules
  ["modules/regulation"],
  ["modules/services"],
  ["modules/consultations"],
  ["modules/projects"],
  ["modules/challenges"],
  ["modules/tenders"],
  ["modules/opportunities"],
  ["modules/compliance"],
  ["modules/evaluation"],
  ["modules/award"],
  ["modules/contracts"],
  // Individual services (issue 17): people and their plans, choice of provider, the budgets' money,
  // the users' voice.
  ["modules/care"],
  ["modules/choice"],
  ["modules/budgets"],
  ["modules/voice"],
  // Redress (issue 18): complaints on their statutory clocks, the ombudsmen.
  ["modules/redress"],
  // Payment by results (issue 19): outcome contracts, claims, payment runs.
  ["modules/results"],
  // Diversity of providers (issue 20): grants and their 360Giving data, the mutual spin-out path,
  // barriers to entry, accreditation and standards, the innovation prize.
  ["modules/grants"],
  ["modules/mutuals"],
  ["modules/barriers"],
  ["modules/standards"],
  ["modules/prize"],
  // Neighbourhood services (issue 21): assets of community value on the Localism Act's clocks.
  ["modules/community-assets"],
  // Community budgets (issue 21, item 4): pooled funds in a double-entry ledger; grants paid from a pool.
  ["modules/community-budgets"],
  // Delegation to neighbourhood councils (issue 21, item 6): delegated services, reports, the open figures.
  ["modules/delegations"],
  // Open data about the whole system: reads the modules above through their public services.
  ["modules/ocds"],
  // The market dashboards: figures kept from the modules above, read through their services.
  ["modules/market"],
  // Every open dataset: reads the modules above (the OCDS releases, the market's suppressed figures) through their public services.
  ["modules/datasets"],
  ["modules/integrity"],
  ["modules/reports"],
  ["modules/home"],
  ["modules/pages"],
  ["modules/health"],
  // Composition
  ["seed"],
  ["app.ts", "wiring.ts"],
  ["platform.ts"],
  ["cli", "server.ts"],
];

interface Import {
  /** The importing file, relative to src/. */
  file: string;
  line: number;
  /** The imported file, relative to src/. */
  target: string;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (
      /\.ts$/.test(entry.name) &&
      !/\.test\.ts$/.test(entry.name) &&
      !/test-fixtures\.ts$/.test(entry.name)
    )
      out.push(full);
  }
  return out;
}

/** Comments blanked (keeping line breaks and string contents), so that commented-out code is not read. */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|(?<![:"'`\\])\/\/[^\n]*/g, (c) => c.replace(/[^\n]/g, " "));
}

const IMPORT =
  /(?:^|[\n;])\s*(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|declare\s+module\s+["']([^"']+)["']/g;

function importsOf(file: string): Import[] {
  const text = withoutComments(fs.readFileSync(file, "utf8"));
  const out: Import[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3] ?? "";
    if (!spec.startsWith(".")) continue;
    const offset = (m.index ?? 0) + m[0].indexOf(spec);
    out.push({
      file: path.relative(SRC, file),
      line: text.slice(0, offset).split("\n").length,
      target: path.relative(SRC, path.resolve(path.dirname(file), spec)),
    });
  }
  return out;
}

/** The unit a file belongs to: a module folder (`modules/tenders`), a top folder, or a top file. */
function unitOf(relative: string): string {
  const parts = relative.split(path.sep);
  if (parts[0] === "modules" && parts.length > 2) return `modules/${parts[1]}`;
  return parts[0] ?? relative;
}

const RANK = new Map(LAYERS.flatMap((units, rank) => units.map((u) => [u, rank] as const)));

function where(i: Import): string {
  return `src/${i.file}:${i.line} imports src/${i.target}`;
}

const imports = sourceFiles(SRC).flatMap(importsOf);
const crossing = imports.filter((i) => unitOf(i.file) !== unitOf(i.target));

describe("dependencies point one way", () => {
  it("places every folder and top-level file of src/ in a layer", () => {
    const units = new Set(sourceFiles(SRC).map((f) => unitOf(path.relative(SRC, f))));
    const unplaced = [...units].filter((u) => !RANK.has(u));
    expect(unplaced, "add each to LAYERS in tests/architecture/dependencies.test.ts").toEqual([]);
  });

  it("never imports a layer above (a module imports only the modules before it)", () => {
    const upward = crossing
      .filter((i) => (RANK.get(unitOf(i.target)) ?? -1) > (RANK.get(unitOf(i.file)) ?? -1))
      .map((i) => `${where(i)} (${unitOf(i.file)} is below ${unitOf(i.target)})`);
    expect(upward).toEqual([]);
  });

  it("has no cycle between module folders", () => {
    const edges = new Map<string, Set<string>>();
    for (const i of crossing) {
      const from = unitOf(i.file);
      edges.set(from, (edges.get(from) ?? new Set()).add(unitOf(i.target)));
    }
    // Tarjan's strongly connected components: any with two or more units is a cycle.
    let index = 0;
    const indices = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const cycles: string[][] = [];
    const visit = (v: string) => {
      indices.set(v, index);
      low.set(v, index++);
      stack.push(v);
      onStack.add(v);
      for (const w of edges.get(v) ?? []) {
        if (!indices.has(w)) {
          visit(w);
          low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, indices.get(w) ?? 0));
      }
      if (low.get(v) === indices.get(v)) {
        const component: string[] = [];
        let w: string | undefined;
        do {
          w = stack.pop();
          if (w) {
            onStack.delete(w);
            component.push(w);
          }
        } while (w && w !== v);
        if (component.length > 1) cycles.push(component.sort());
      }
    };
    for (const v of edges.keys()) if (!indices.has(v)) visit(v);
    const described = cycles.map((units) => {
      const inside = new Set(units);
      const ties = crossing.filter((i) => inside.has(unitOf(i.file)) && inside.has(unitOf(i.target)));
      return `${units.join(" ⇄ ")}:\n  ${ties.map(where).join("\n  ")}`;
    });
    expect(described).toEqual([]);
  });

  it("never imports another module's repository or table file", () => {
    const reaching = crossing
      .filter((i) => /^modules\//.test(i.target) && /\.(repository|table)\.ts$/.test(i.target))
      .filter((i) => unitOf(i.file) !== "db" || !/\.table\.ts$/.test(i.target))
      .map(where);
    expect(reaching).toEqual([]);
  });
});

describe("the import reader", () => {
  it("reads imports, type imports, re-exports, dynamic imports and augmentations, but not comments", () => {
    const dir = fs.mkdtempSync(path.join(SRC, "..", ".dependencies-test-"));
    try {
      const file = path.join(dir, "sample.ts");
      fs.writeFileSync(
        file,
        [
          'import { a } from "./a.ts";',
          'import type { B } from "./b.ts";',
          "import {",
          "  c,",
          '} from "./c.ts";',
          'export { d } from "./d.ts";',
          'const e = await import("./e.ts");',
          'declare module "./f.ts" {}',
          '// import { g } from "./g.ts";',
          '/* import { h } from "./h.ts"; */',
          'import "./i.ts";',
        ].join("\n"),
      );
      const found = importsOf(file).map((i) => [path.basename(i.target), i.line]);
      expect(found).toEqual([
        ["a.ts", 1],
        ["b.ts", 2],
        ["c.ts", 5],
        ["d.ts", 6],
        ["e.ts", 7],
        ["f.ts", 8],
        ["i.ts", 11],
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
