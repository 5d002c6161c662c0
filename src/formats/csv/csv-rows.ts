/** CSV records streamed with csv-parse, numbered by line, with a bad file reported as InputError. */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { InputError } from '../errors.js';

export async function* csvRows(
  file: string,
  onBytes?: (n: number) => void,
  options: {
    /** Quotes inside unquoted cells are text: Dominion writes Excel formulas such as `="102-1-50"`. */
    relaxQuotes?: boolean;
    /**
     * From this row on, every row must have as many fields as the widest row before it (the header): a
     * shorter row is a file cut short or a damaged row, never a ballot with fewer contests.
     */
    fullRowsFrom?: number;
  } = {},
): AsyncGenerator<{ line: number; cells: string[] }> {
  const stream = createReadStream(file);
  if (onBytes) stream.on('data', (c) => onBytes((c as Buffer).length));
  let line = 0;
  let headerWidth = 0;
  try {
    for await (const cells of stream.pipe(
      parse({
        bom: true,
        skip_empty_lines: true,
        relax_column_count: true,
        relax_quotes: options.relaxQuotes ?? false,
      }),
    ) as AsyncIterable<string[]>) {
      line++;
      if (options.fullRowsFrom !== undefined) {
        if (line < options.fullRowsFrom) headerWidth = Math.max(headerWidth, cells.length);
        else if (cells.length < headerWidth) throw shortRow(file, line, cells.length, headerWidth);
      }
      yield { line, cells };
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(file, `line ${line + 1}`, `not valid CSV: ${(e as Error).message}`);
  } finally {
    stream.destroy();
  }
}

const shortRow = (file: string, line: number, fields: number, width: number) =>
  new InputError(
    file,
    `line ${line}`,
    `the row has ${fields} fields where the header has ${width}: the file is cut short or the row is damaged; nothing was stored`,
  );
