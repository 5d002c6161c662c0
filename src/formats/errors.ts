/** A refusal of bad input: which file, which record, and why — so the office can find and fix it. */
export class InputError extends Error {
  constructor(
    readonly file: string,
    readonly record: string | undefined,
    readonly reason: string,
  ) {
    super(`${file}${record ? `: ${record}` : ''}: ${reason}`);
  }
}
