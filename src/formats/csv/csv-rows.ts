/** CSV records streamed with csv-parse, numbered by line, with a bad file reported as InputError. */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { InputError } from '../errors.js';

export async function* csvRows(
  file: string,
  onBytes?: (n: number) => void,
  /** Quotes inside unquoted cells are text: Dominion writes Excel formulas such as `="102-1-50"`. */
  options: { relaxQuotes?: boolean } = {},
): AsyncGenerator<{ line: number; cells: string[] }> {
  const stream = createReadStream(file);
  if (onBytes) stream.on('data', (c) => onBytes((c as Buffer).length));
  let line = 0;
  try {
    for await (const cells of stream.pipe(
      parse({
        bom: true,
        skip_empty_lines: true,
        relax_column_count: true,
        relax_quotes: options.relaxQuotes ?? false,
      }),
    ) as AsyncIterable<string[]>)
      yield { line: ++line, cells };
  } catch (e) {
    throw new InputError(file, `line ${line + 1}`, `not valid CSV: ${(e as Error).message}`);
  } finally {
    stream.destroy();
  }
}
