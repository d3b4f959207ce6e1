/**
 * A progress bar on stderr for the `openps` commands that take minutes (`demo scale`): one line
 * redrawn in place (`\r`) on a terminal, at most ten times a second; plain lines otherwise (a log,
 * CI), one at each tenth of each phase, so the output stays short.
 */

export interface Progress {
  phase: string;
  done: number;
  total: number;
}

export interface ProgressBar {
  update(progress: Progress): void;
  /** Ends the current line. */
  done(): void;
}

const WIDTH = 30;
const EVERY_MS = 100;

const number = (n: number) => n.toLocaleString("en-GB");

function line({ phase, done, total }: Progress): string {
  const share = total === 0 ? 1 : done / total;
  const filled = Math.round(share * WIDTH);
  const label = phase.charAt(0).toUpperCase() + phase.slice(1);
  return `${label.padEnd(14)} [${"#".repeat(filled)}${"-".repeat(WIDTH - filled)}] ${String(Math.floor(share * 100)).padStart(3)}%  ${number(done)} of ${number(total)}`;
}

export function progressBar(stream: NodeJS.WriteStream, now: () => number = Date.now): ProgressBar {
  let phase: string | undefined;
  let drawn = 0;
  let tenth = -1;
  let open = false;
  if (stream.isTTY)
    return {
      update(progress) {
        const changed = progress.phase !== phase;
        if (changed && open) stream.write("\n");
        const finished = progress.done >= progress.total;
        if (!changed && !finished && now() - drawn < EVERY_MS) return;
        phase = progress.phase;
        drawn = now();
        stream.write(`\r${line(progress)}`);
        open = true;
      },
      done() {
        if (open) stream.write("\n");
        open = false;
      },
    };
  return {
    update(progress) {
      const at = progress.total === 0 ? 10 : Math.floor((progress.done / progress.total) * 10);
      if (progress.phase === phase && at === tenth) return;
      phase = progress.phase;
      tenth = at;
      stream.write(`${line(progress)}\n`);
    },
    done() {},
  };
}
