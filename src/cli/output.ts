/** How the CLI speaks: data on stdout (JSON with --json), one-line reasons on stderr, progress bars on a TTY. */
import { readFile } from 'node:fs/promises';
import cliProgress from 'cli-progress';

export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** A file the user named, or a one-line refusal naming it. */
export const readUserFile = (file: string): Promise<Buffer> =>
  readFile(file).catch(() => {
    throw new CliFailure(`cannot read ${file}`);
  });

export const printJson = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
export const say = (line: string) => process.stdout.write(`${line}\n`);
export const inform = (line: string) => process.stderr.write(`${line}\n`);

export interface Progress {
  start(total: number, label: string): void;
  add(n: number): void;
  set(n: number): void;
  stop(): void;
  /** A (done, total) callback that starts the bar on its first call and then only moves it. */
  tracker(label: string): (done: number, total: number) => void;
}

/** A progress bar on stderr when it is a terminal; silent otherwise (CI, pipes, --json). */
export function progress(quiet = false): Progress {
  if (quiet || !process.stderr.isTTY)
    return { start() {}, add() {}, set() {}, stop() {}, tracker: () => () => {} };
  let bar: cliProgress.SingleBar | undefined;
  let value = 0;
  return {
    start(total, label) {
      bar?.stop();
      value = 0;
      bar = new cliProgress.SingleBar(
        {
          format: `${label} [{bar}] {percentage}% | {eta_formatted} left`,
          stream: process.stderr,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0);
    },
    add(n) {
      value += n;
      bar?.update(value);
    },
    set(n) {
      value = n;
      bar?.update(n);
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
    tracker(label) {
      return (done, total) => {
        if (!bar) this.start(total, label);
        this.set(done);
      };
    },
  };
}
