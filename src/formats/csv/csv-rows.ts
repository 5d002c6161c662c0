/**
 * CSV records streamed with csv-parse, numbered by line, with a bad file reported as InputError. The bytes
 * must be UTF-8 text: invalid UTF-8 would otherwise be replaced silently, and a NUL byte in an id is accepted
 * by SQLite and refused by PostgreSQL — both are refused here, the same on every backend.
 */
import { createReadStream } from 'node:fs';
import { pipeline, Transform } from 'node:stream';
import { parse } from 'csv-parse';
import { InputError } from '../errors.js';

/** The longest row held, in characters. */
export const MAX_ROW_CHARS = 16 * 1024 * 1024;

/** Decodes UTF-8 strictly, counting lines so that a refusal can say where; a zip archive is named as one. */
function strictUtf8(file: string): Transform {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let lines = 1;
  let first = true;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (first && chunk.length >= 4 && chunk.readUInt32BE(0) === 0x504b0304) {
        done(
          new InputError(
            file,
            undefined,
            'this is a zip archive (an .xlsx workbook?), not CSV text; ES&S workbooks are read with --format ess',
          ),
        );
        return;
      }
      first = false;
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        done(new InputError(file, `line ${lines + countLines(chunk)}`, 'the file is not UTF-8 text'));
        return;
      }
      lines += countLines(text);
      done(null, text);
    },
    flush(done) {
      try {
        done(null, decoder.decode());
      } catch {
        done(
          new InputError(file, `line ${lines}`, 'the file ends inside a UTF-8 character: it is cut short'),
        );
      }
    },
  });
}

/** Newlines in a chunk (for a Buffer: up to its first byte that is not valid UTF-8, roughly). */
function countLines(chunk: string | Buffer): number {
  let n = 0;
  if (typeof chunk === 'string') {
    for (let i = chunk.indexOf('\n'); i >= 0; i = chunk.indexOf('\n', i + 1)) n++;
    return n;
  }
  const bad = firstInvalidUtf8(chunk);
  for (let i = 0; i < bad; i++) if (chunk[i] === 10) n++;
  return n;
}

function firstInvalidUtf8(bytes: Buffer): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let lo = 0;
  let hi = bytes.length;
  // The longest valid prefix (give or take a split character): bisect on whether it decodes.
  while (hi - lo > 4) {
    const mid = (lo + hi) >> 1;
    try {
      decoder.decode(bytes.subarray(0, mid), { stream: true });
      decoder.decode();
      lo = mid;
    } catch {
      hi = mid;
    }
  }
  return lo;
}

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
    const parser = parse({
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      relax_quotes: options.relaxQuotes ?? false,
      // A ballot's row is kilobytes; a far longer one (a 600 MB cell) is refused, not held.
      max_record_size: MAX_ROW_CHARS,
    });
    // pipeline, not pipe: a refusal by the decoder must end the parser (and so this loop) with its error.
    pipeline(stream, strictUtf8(file), parser, () => {});
    for await (const cells of parser as AsyncIterable<string[]>) {
      line++;
      if (cells.some((c) => c.includes('\u0000')))
        throw new InputError(
          file,
          `line ${line}`,
          'a field holds a NUL byte, which no export writes in text',
        );
      if (options.fullRowsFrom !== undefined) {
        if (line < options.fullRowsFrom) headerWidth = Math.max(headerWidth, cells.length);
        else if (cells.length < headerWidth) throw shortRow(file, line, cells.length, headerWidth);
      }
      yield { line, cells };
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    if ((e as { code?: string }).code === 'CSV_MAX_RECORD_SIZE')
      throw new InputError(
        file,
        `line ${line + 1}`,
        `a row longer than ${MAX_ROW_CHARS / (1024 * 1024)} Mi characters: not a CVR row; refused unread`,
      );
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
