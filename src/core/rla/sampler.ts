/**
 * Rivest's consistent sampler, as Arlo uses it: every ballot id gets a pseudo-random ticket from the
 * public seed; the sample is the ids in ticket order. With replacement, a drawn id gets its next,
 * larger ticket and can come up again. Anyone with the seed and the id list reproduces the sample.
 */

import { toHex, utf8 } from '../bytes.js';
import { compareText } from '../compare.js';
import { type Sha256, portableSha256 as sha256 } from '../hash.js';
import { MaxHeap } from '../max-heap.js';
import { resumeSha256 } from '../sha256-resume.js';

/** `0.` + the decimal digits of SHA-256(text), zero-padded to 64 digits, reversed. */
export const uniform = (text: string, hash: Sha256 = sha256): string => ticketOf(hash(utf8(text)));

function ticketOf(hashBytes: Uint8Array): string {
  const digits = BigInt(`0x${toHex(hashBytes)}`)
    .toString()
    .padStart(64, '0');
  return `0.${[...digits].reverse().join('')}`;
}

export const seedHash = (seed: string, hash: Sha256 = sha256) => toHex(hash(utf8(seed)));

/** The first ticket of `id`. */
export const firstTicket = (hashedSeed: string, id: string, hash: Sha256 = sha256) =>
  uniform(hashedSeed + id, hash);

/** The ticket after `x` for the same id (larger than x, drawn from x's own stream). */
export function nextTicket(x: string, hash: Sha256 = sha256): string {
  const x0 = `${x}0`;
  let p = 2;
  while (p < x0.length && x0[p] === '9') p++;
  for (let i = 1; ; i++) {
    const y = x0.slice(0, p) + uniform(`${x}:${i}`, hash).slice(2);
    if (y > x0) return y;
  }
}

/**
 * Rivest's `trim(x, digits)`: the leading 9s, then `digits` digits starting at the first digit that is not 9
 * (`trim('0.9991234567890', 4)` = `'0.9991234'`), as his sampler and Arlo show tickets.
 */
export function truncateTicket(x: string, digits: number): string {
  let p = 2;
  while (p < x.length && x[p] === '9') p++;
  return x.slice(0, p + digits);
}

/**
 * Tickets as the audit log commits to them (each round's sample digest): 10 digits from the first that is
 * not 9. This is the form every logged audit has used since the first release, one digit past the default
 * shown by `rla draw`; changing it would change the digest of every sample already logged.
 */
export const AUDIT_TICKET_DIGITS = 10;

export interface Draw {
  readonly id: string;
  readonly ticket: string;
  /** 1 for an id's first draw, 2 for its second (with replacement), … */
  readonly draw: number;
}

export interface SampleOptions {
  readonly count: number;
  readonly withReplacement?: boolean;
  /** Ticket digits shown after the first non-9 digit (9 by default, as Rivest's sampler; Arlo uses 18). */
  readonly digits?: number;
  readonly hash?: Sha256;
  /** Refuse a repeated id (default). Off for ids unique by construction (a manifest's batch/position). */
  readonly checkUnique?: boolean;
}

/** 2^(16·k) mod 10^10 for the k-th 16-bit piece of a digest, counted from its low end. */
const PIECE_WEIGHTS = Array.from({ length: 16 }, (_, k) => Number((1n << BigInt(16 * k)) % 10_000_000_000n));

/**
 * The ticket's first 10 digits as a number (the digest's 10 lowest decimal digits, reversed), from the
 * digest's words without big-integer arithmetic: each 16-bit piece times its weight stays below 2^50,
 * and eight such products below 2^53, so the sums are exact. Ordering by it orders by ticket, except on
 * ties (which fall back to the whole ticket).
 */
function ticketPrefix(words: Int32Array): number {
  let high = 0;
  let low = 0;
  for (let i = 0; i < 4; i++) {
    const v = words[i]!;
    high += (v >>> 16) * PIECE_WEIGHTS[15 - 2 * i]! + (v & 0xffff) * PIECE_WEIGHTS[14 - 2 * i]!;
  }
  for (let i = 4; i < 8; i++) {
    const v = words[i]!;
    low += (v >>> 16) * PIECE_WEIGHTS[15 - 2 * i]! + (v & 0xffff) * PIECE_WEIGHTS[14 - 2 * i]!;
  }
  let r = ((high % 1e10) + (low % 1e10)) % 1e10;
  let key = 0;
  for (let i = 0; i < 10; i++) {
    key = key * 10 + (r % 10);
    r = Math.floor(r / 10);
  }
  return key;
}

export interface Candidate {
  readonly id: string;
  readonly prefix: number;
  readonly ticket: string;
}

const byTicket = (a: { ticket: string }, b: { ticket: string }) => compareText(a.ticket, b.ticket);

/**
 * The ids with the `count` smallest first tickets (every draw comes from them, with replacement too:
 * any id drawn before one of them has a smaller first ticket). Plain data, so shares of a large id
 * list can be searched on several threads and merged with `drawFromCandidates`.
 */
export function firstTicketCandidates(
  seed: string,
  ids: Iterable<string>,
  options: SampleOptions,
): Candidate[] {
  const hashedSeed = seedHash(seed, options.hash ?? sha256);
  // Every ticket hashes seed_hash (one 64-byte block) + id: the block is compressed once.
  const ticketHash = resumeSha256(utf8(hashedSeed));
  // A bounded max-heap; most ids are turned away on the ticket prefix alone, so the full decimal
  // ticket is computed for few of them.
  const heap = new MaxHeap<Candidate>((a, b) => a.prefix - b.prefix || byTicket(a, b));
  const seen = options.checkUnique === false ? undefined : new Set<string>();
  for (const id of ids) {
    if (seen?.has(id)) throw new Error(`id ${JSON.stringify(id)} appears twice`);
    seen?.add(id);
    if (options.count === 0) continue;
    const prefix = ticketPrefix(ticketHash.words(id));
    const top = heap.peek();
    if (heap.size >= options.count && top && prefix > top.prefix) continue;
    heap.push({ id, prefix, ticket: ticketOf(ticketHash.bytes(id)) });
    if (heap.size > options.count) heap.popMax();
  }
  return heap.drain();
}

/** The first `count` draws among candidates (from one or several `firstTicketCandidates` searches). */
export function drawFromCandidates(candidates: readonly Candidate[], options: SampleOptions): Draw[] {
  const hash = options.hash ?? sha256;
  const digits = options.digits ?? 9;
  const first = [...candidates].sort(byTicket).slice(0, options.count);
  if (!options.withReplacement)
    return first.map((c) => ({ id: c.id, ticket: truncateTicket(c.ticket, digits), draw: 1 }));
  // With replacement: a min-order over every candidate's current ticket; a drawn id comes back with its next one.
  const queue = new MaxHeap<Draw>((a, b) => -byTicket(a, b));
  for (const c of first) queue.push({ id: c.id, ticket: c.ticket, draw: 1 });
  const out: Draw[] = [];
  while (out.length < options.count && queue.size > 0) {
    const d = queue.popMax()!;
    out.push({ ...d, ticket: truncateTicket(d.ticket, digits) });
    queue.push({ id: d.id, ticket: nextTicket(d.ticket, hash), draw: d.draw + 1 });
  }
  return out;
}

/** The first `count` draws of ids by ticket, smallest first. */
export const drawSample = (seed: string, ids: Iterable<string>, options: SampleOptions): Draw[] =>
  drawFromCandidates(firstTicketCandidates(seed, ids, options), options);

/** Characters Python's `str.isprintable` refuses (its repr escapes them): other, separator, unassigned. */
const NOT_PRINTABLE = /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u;

/**
 * Python's repr of a str, as Arlo spells ballot names: `('pct 2', 3)`. Single quotes unless the text has
 * a single quote and no double quote; backslash, the quote, \t \n \r escaped; every other character
 * Python does not count printable (controls, a no-break space, zero-width and format characters, line
 * separators) as `\xNN`, `\uNNNN` or `\UNNNNNNNN`, as CPython's `unicode_repr` does.
 */
export const pythonStrRepr = (s: string): string => strRepr(s, true);

/**
 * The spelling audit logs name manifest ballots with since the first release: Python's repr for printable
 * text, but only C0 controls and DEL escaped. Kept so every sample already logged still verifies; it
 * differs from `pythonStrRepr` only for a batch name holding a character Python counts unprintable.
 */
export const loggedStrRepr = (s: string): string => strRepr(s, false);

function strRepr(s: string, python: boolean): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (python ? ch !== ' ' && NOT_PRINTABLE.test(ch) : c < 0x20 || c === 0x7f) {
      const hex = c.toString(16);
      out +=
        c <= 0xff
          ? `\\x${hex.padStart(2, '0')}`
          : c <= 0xffff
            ? `\\u${hex.padStart(4, '0')}`
            : `\\U${hex.padStart(8, '0')}`;
    } else out += ch;
  }
  return out + quote;
}

/** Where a running Arlo keeps a batch: its jurisdiction's name and the manifest's `Tabulator` (Python's None without one). */
export interface ArloBatchPlace {
  readonly jurisdiction: string;
  readonly tabulator?: string | undefined;
}

/**
 * Arlo's names for the ballots of batch `batch`, by 1-based position (the batch's repr computed once).
 * Without a place, `('batch', position)`, as Arlo's unit tests name them; with one, as a running Arlo
 * keys its sample (server/api/shared.py `compute_sample_ballots`: `(jurisdiction.name, batch.tabulator,
 * batch.name)`, then the position): `(('J1', None, 'batch'), position)`.
 */
export function arloBallotNamer(batch: string, place?: ArloBatchPlace): (position: number) => string {
  const name = place
    ? `(${pythonStrRepr(place.jurisdiction)}, ${place.tabulator === undefined ? 'None' : pythonStrRepr(place.tabulator)}, ${pythonStrRepr(batch)})`
    : pythonStrRepr(batch);
  return (position) => `(${name}, ${position})`;
}

/** Arlo's name for ballot `position` (1-based) of batch `batch`. */
export const arloBallotId = (batch: string, position: number, place?: ArloBatchPlace) =>
  arloBallotNamer(batch, place)(position);

/**
 * Draws with replacement, each choosing a unit with probability proportional to its weight (MACRO's
 * sampling proportional to error bound): draw k reads u = uniform(seed_hash + ",ppeb," + k), and takes
 * the unit whose share of the cumulative weight, in the order given, holds u. Anyone with the seed and
 * the weights reproduces it; it is this rule's own stream, not Arlo's.
 */
export function drawProportional(
  seed: string,
  units: readonly { id: string; weight: number }[],
  count: number,
  options: { hash?: Sha256; digits?: number } = {},
): Draw[] {
  const hash = options.hash ?? sha256;
  const hashed = seedHash(seed, hash);
  const cumulative: number[] = [];
  let total = 0;
  for (const u of units) {
    total += u.weight;
    cumulative.push(total);
  }
  if (!(total > 0)) throw new Error('no unit has a positive weight to draw by');
  const times = new Map<string, number>();
  const out: Draw[] = [];
  for (let k = 1; k <= count; k++) {
    const ticket = uniform(`${hashed},ppeb,${k}`, hash);
    const x = Number(ticket.slice(0, 18)) * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    const id = units[lo]!.id;
    const draw = (times.get(id) ?? 0) + 1;
    times.set(id, draw);
    out.push({ id, ticket: truncateTicket(ticket, options.digits ?? 9), draw });
  }
  return out;
}
