/**
 * The progress bar of long commands (unit): on a terminal one line redrawn in place, at most ten
 * times a second but always at the end of a phase; elsewhere a plain line at each tenth of a phase.
 */
import { describe, expect, it } from "vitest";
import { progressBar } from "./progress.ts";

function stream(isTTY: boolean) {
  const written: string[] = [];
  return {
    written,
    stream: { isTTY, write: (text: string) => written.push(text) > 0 } as unknown as NodeJS.WriteStream,
  };
}

describe("the progress bar", () => {
  it("writes a line at each tenth of a phase when stderr is not a terminal", () => {
    const out = stream(false);
    const bar = progressBar(out.stream);
    for (let done = 0; done <= 100; done += 5) bar.update({ phase: "tenders", done, total: 100 });
    bar.update({ phase: "checking", done: 1, total: 1 });
    bar.done();
    expect(out.written).toHaveLength(12);
    expect(out.written[0]).toBe(`Tenders        [${"-".repeat(30)}]   0%  0 of 100\n`);
    expect(out.written[10]).toBe(`Tenders        [${"#".repeat(30)}] 100%  100 of 100\n`);
    expect(out.written[11]).toMatch(/^Checking .* 100% {2}1 of 1\n$/);
  });

  it("redraws one line on a terminal, at most ten times a second, ending each phase's line", () => {
    const out = stream(true);
    let now = 0;
    const bar = progressBar(out.stream, () => now);
    bar.update({ phase: "tenders", done: 0, total: 4500 });
    now += 50;
    bar.update({ phase: "tenders", done: 1000, total: 4500 });
    now += 60;
    bar.update({ phase: "tenders", done: 2000, total: 4500 });
    bar.update({ phase: "tenders", done: 4500, total: 4500 });
    bar.update({ phase: "checking", done: 0, total: 1 });
    bar.done();
    expect(out.written).toEqual([
      `\rTenders        [${"-".repeat(30)}]   0%  0 of 4,500`,
      `\rTenders        [${"#".repeat(13)}${"-".repeat(17)}]  44%  2,000 of 4,500`,
      `\rTenders        [${"#".repeat(30)}] 100%  4,500 of 4,500`,
      "\n",
      `\rChecking       [${"-".repeat(30)}]   0%  0 of 1`,
      "\n",
    ]);
  });
});
