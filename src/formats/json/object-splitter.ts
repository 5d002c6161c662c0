/**
 * Streams a JSON object whose one big member is an array (a CVR report): each other top-level member
 * parsed, and each element of the named array as raw text, never holding the whole file. Items come in
 * arrays, the ones each chunk completes: one await per chunk, not per record (nested async generators
 * cost ~0.6 µs a record each, measured).
 * Only the structure is scanned here; the elements themselves are parsed by JSON.parse (native and fast).
 * We measured stream-json's token-level parsing at a small fraction of this speed on CVR reports.
 */
import { concatBytes } from '../../core/bytes.js';

export type SplitItem =
  | { readonly kind: 'member'; readonly key: string; readonly value: unknown }
  | { readonly kind: 'element'; readonly key: string; readonly index: number; readonly text: string };

export class JsonStructureError extends Error {}

/** The largest element or member held whole: a CVR is kilobytes; far more is not one (and would not fit). */
export const MAX_ITEM_BYTES = 64 * 1024 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** The closing quote of a string whose text starts at `from`, or -1 when it does not close in `chunk`. */
function closingQuote(chunk: Uint8Array, from: number): number {
  for (let at = from; ; ) {
    const q = chunk.indexOf(QUOTE, at);
    if (q < 0) return -1;
    let slashes = 0;
    for (let b = q - 1; b >= from && chunk[b] === BACKSLASH; b--) slashes++;
    if (slashes % 2 === 0) return q;
    at = q + 1;
  }
}

/** Whether an unclosed string's text from `from` ends the chunk inside an escape (an odd run of backslashes). */
function endsEscaping(chunk: Uint8Array, from: number): boolean {
  let slashes = 0;
  for (let b = chunk.length - 1; b >= from && chunk[b] === BACKSLASH; b--) slashes++;
  return slashes % 2 === 1;
}

type Phase = 'start' | 'expectKey' | 'key' | 'value' | 'arrayStart' | 'array' | 'afterArray' | 'done';

export async function* splitJsonObject(
  chunks: AsyncIterable<Uint8Array>,
  arrayKey: string,
): AsyncGenerator<SplitItem[]> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let phase: Phase = 'start';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let pieces: Uint8Array[] = [];
  let captureFrom = -1; // start of the capture in the current chunk, -1 when not capturing
  let capturing = false;
  let key = '';
  let elementIndex = 0;
  let out: SplitItem[] = [];
  let heldBytes = 0; // bytes of the item being captured, across chunks

  const take = (chunk: Uint8Array, end: number): string => {
    pieces.push(chunk.subarray(captureFrom, end));
    const text = decoder.decode(pieces.length === 1 ? pieces[0] : concatBytes(...pieces));
    pieces = [];
    heldBytes = 0;
    capturing = false;
    captureFrom = -1;
    return text;
  };
  const parseMember = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new JsonStructureError(
        `top-level member ${JSON.stringify(key)} is not valid JSON: ${(e as Error).message}`,
      );
    }
  };

  try {
    for await (const chunk of chunks) {
      if (capturing) captureFrom = 0;
      const n = chunk.length;
      // Next backslash at or after i (n when none): found once per stretch, not once per string.
      let nextBackslash = -1;
      for (let i = 0; i < n; i++) {
        if (phase === 'array' && !inString) {
          // The hot loop: inside the big array only quotes, brackets and commas matter. Strings closed within
          // the chunk are skipped whole; one that runs past it goes on through the general path below.
          for (; i < n; i++) {
            const c = chunk[i]!;
            if (c === QUOTE) {
              if (depth === 2 && !capturing) {
                capturing = true;
                captureFrom = i;
              }
              const end = closingQuote(chunk, i + 1);
              if (end < 0) {
                inString = true;
                escaped = endsEscaping(chunk, i + 1);
                i = n;
                break;
              }
              i = end;
            } else if (c === 0x7b || c === 0x5b) {
              if (depth === 2 && !capturing) {
                capturing = true;
                captureFrom = i;
              }
              depth++;
            } else if (c === 0x7d || c === 0x5d) {
              depth--;
              if (depth === 1) break; // the array's end: the general path below closes it
            } else if (c === 0x2c && depth === 2) {
              if (!capturing) throw new JsonStructureError(`${arrayKey}[${elementIndex}]: empty element`);
              out.push({ kind: 'element', key, index: elementIndex++, text: take(chunk, i) });
            } else if (depth === 2 && !capturing && !isSpace(c)) {
              capturing = true; // a scalar element
              captureFrom = i;
            }
          }
          if (i >= n) break;
          depth++; // give the closing bracket back to the general path
        }
        if (inString) {
          if (escaped) {
            escaped = false;
            continue;
          }
          const q = chunk.indexOf(QUOTE, i);
          if (nextBackslash < i) {
            nextBackslash = chunk.indexOf(BACKSLASH, i);
            if (nextBackslash < 0) nextBackslash = n;
          }
          const b = nextBackslash < n ? nextBackslash : -1;
          if (b >= 0 && (q < 0 || b < q)) {
            if (b + 1 < n)
              i = b + 1; // skip the escaped byte
            else {
              escaped = true;
              i = b;
            }
            continue;
          }
          if (q < 0) {
            i = n - 1;
            continue;
          }
          i = q;
          inString = false;
          continue;
        }
        const c = chunk[i]!;
        if (isSpace(c)) continue;
        switch (phase) {
          case 'start':
            if (c !== 0x7b) throw new JsonStructureError('the file is not a JSON object');
            depth = 1;
            phase = 'expectKey';
            continue;
          case 'expectKey':
            if (c === 0x7d && depth === 1) {
              depth = 0;
              phase = 'done';
              continue;
            }
            if (c !== QUOTE) throw new JsonStructureError('expected a member name in the top-level object');
            capturing = true;
            captureFrom = i;
            inString = true;
            phase = 'key';
            continue;
          case 'key':
            if (c !== 0x3a) throw new JsonStructureError('expected ":" after a member name');
            key = String(parseMember(take(chunk, i)));
            if (key === arrayKey) phase = 'arrayStart';
            else {
              phase = 'value';
              capturing = true;
              captureFrom = i + 1;
            }
            continue;
          case 'arrayStart':
            if (c !== 0x5b) throw new JsonStructureError(`${arrayKey} must be an array`);
            depth = 2;
            phase = 'array';
            continue;
          case 'afterArray':
            if (c === 0x2c) phase = 'expectKey';
            else if (c === 0x7d) {
              depth = 0;
              phase = 'done';
            } else throw new JsonStructureError(`unexpected character after the ${arrayKey} array`);
            continue;
          case 'done':
            throw new JsonStructureError('unexpected content after the end of the top-level object');
          case 'value':
          case 'array':
            break;
        }
        // Inside a member value (depth ≥ 1) or the array (depth ≥ 2).
        if (c === QUOTE) {
          if (phase === 'array' && depth === 2 && !capturing) {
            capturing = true;
            captureFrom = i;
          }
          inString = true;
        } else if (c === 0x7b || c === 0x5b) {
          if (phase === 'array' && depth === 2 && !capturing) {
            capturing = true;
            captureFrom = i;
          }
          depth++;
        } else if (c === 0x7d || c === 0x5d) {
          depth--;
          if (phase === 'array' && depth === 1) {
            if (c !== 0x5d) throw new JsonStructureError(`mismatched bracket in ${arrayKey}`);
            if (capturing) out.push({ kind: 'element', key, index: elementIndex++, text: take(chunk, i) });
            else if (elementIndex > 0)
              throw new JsonStructureError(`${arrayKey}[${elementIndex}]: empty element`);
            phase = 'afterArray';
          } else if (phase === 'value' && depth === 0) {
            out.push({ kind: 'member', key, value: parseMember(take(chunk, i)) });
            phase = 'done';
          }
        } else if (c === 0x2c) {
          if (phase === 'value' && depth === 1) {
            out.push({ kind: 'member', key, value: parseMember(take(chunk, i)) });
            phase = 'expectKey';
          } else if (phase === 'array' && depth === 2) {
            if (!capturing) throw new JsonStructureError(`${arrayKey}[${elementIndex}]: empty element`);
            out.push({ kind: 'element', key, index: elementIndex++, text: take(chunk, i) });
          }
        } else if (phase === 'array' && depth === 2 && !capturing) {
          capturing = true; // a scalar element
          captureFrom = i;
        }
      }
      if (capturing) {
        pieces.push(chunk.subarray(captureFrom));
        heldBytes += n - captureFrom;
        captureFrom = 0;
        if (heldBytes > MAX_ITEM_BYTES) {
          const what = phase === 'array' ? `${arrayKey}[${elementIndex}]` : `member ${JSON.stringify(key)}`;
          throw new JsonStructureError(
            `${what} is larger than ${MAX_ITEM_BYTES / (1024 * 1024)} MiB: not a record this reader holds; refused`,
          );
        }
      }
      if (out.length > 0) {
        const done = out;
        out = [];
        yield done;
      }
    }
  } catch (e) {
    // What the chunk completed before the fault comes first, as it did before it.
    if (out.length > 0) yield out;
    throw e;
  }
  if (phase !== 'done') {
    const where = phase === 'array' ? ` inside ${arrayKey}[${elementIndex}]` : '';
    throw new JsonStructureError(`the file ends early (truncated)${where}`);
  }
}
