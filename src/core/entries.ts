/**
 * Log entries: the exact bytes the Merkle log commits to. An entry is canonical JSON (see
 * docs/canonical-encoding.md) of a CVR (`"t":"cvr"`), an event (`"t":"event"`) or an audit record
 * (`"t":"audit"`), version 1.
 */
import { z } from 'zod';
import { type AuditRecord, AuditRecordSchema } from './audit/records.js';
import { fromUtf8, utf8 } from './bytes.js';
import { type CanonicalValue, canonicalJson } from './canonical-json.js';
import { type Cvr, CvrSchema, normalizeCvr } from './cvr/model.js';
import { EventSchema, type TallyEvent } from './events/event.js';
import { err, ok, type Result } from './result.js';

export const ENTRY_VERSION = 1;
export const MAX_ENTRY_BYTES = 0xffff;

const CvrEntrySchema = CvrSchema.extend({ t: z.literal('cvr'), v: z.literal(ENTRY_VERSION) }).strict();
const EventEntrySchema = EventSchema.extend({ t: z.literal('event'), v: z.literal(ENTRY_VERSION) }).strict();
const EntrySchema = z.discriminatedUnion('t', [CvrEntrySchema, EventEntrySchema]);

export type EntryKind = 'cvr' | 'event' | 'audit';
export type Entry =
  | { readonly kind: 'cvr'; readonly cvr: Cvr }
  | { readonly kind: 'event'; readonly event: TallyEvent }
  | { readonly kind: 'audit'; readonly record: AuditRecord };

/** The canonical JSON of a CVR entry (the same bytes as canonicalJson, written directly: this is the import hot path). */
export function canonicalCvrJson(cvr: Cvr): string {
  const c = normalizeCvr(cvr);
  const str = JSON.stringify;
  const int = (n: number) => {
    if (!Number.isSafeInteger(n)) throw new Error(`canonical JSON allows integers only, not ${n}`);
    return String(n);
  };
  // Keys in sorted order: ballotStyle, batch, contests, countingGroup, id, imprintedId, jurisdiction,
  // position, precinct, t, tabulator, v; contest: contest, marks, overvotedRanks; mark: choice, rank, writeIn.
  let out = '{';
  if (c.ballotStyle !== undefined) out += `"ballotStyle":${str(c.ballotStyle)},`;
  if (c.batch !== undefined) out += `"batch":${str(c.batch)},`;
  out += '"contests":[';
  for (let i = 0; i < c.contests.length; i++) {
    const k = c.contests[i]!;
    out += `${i ? ',' : ''}{"contest":${str(k.contest)},"marks":[`;
    for (let j = 0; j < k.marks.length; j++) {
      const m = k.marks[j]!;
      out += `${j ? ',' : ''}{"choice":${str(m.choice)}`;
      if (m.rank !== undefined) out += `,"rank":${int(m.rank)}`;
      if (m.writeIn !== undefined) out += `,"writeIn":${str(m.writeIn)}`;
      out += '}';
    }
    out += ']';
    if (k.overvotedRanks !== undefined) out += `,"overvotedRanks":[${k.overvotedRanks.map(int).join(',')}]`;
    out += '}';
  }
  out += '],';
  if (c.countingGroup !== undefined) out += `"countingGroup":${str(c.countingGroup)},`;
  out += `"id":${str(c.id)},`;
  if (c.imprintedId !== undefined) out += `"imprintedId":${str(c.imprintedId)},`;
  out += `"jurisdiction":${str(c.jurisdiction)},`;
  if (c.position !== undefined) out += `"position":${int(c.position)},`;
  if (c.precinct !== undefined) out += `"precinct":${str(c.precinct)},`;
  out += '"t":"cvr",';
  if (c.tabulator !== undefined) out += `"tabulator":${str(c.tabulator)},`;
  return `${out}"v":${ENTRY_VERSION}}`;
}

export function encodeCvr(cvr: Cvr): Uint8Array {
  return checkSize(utf8(canonicalCvrJson(cvr)));
}

export function encodeEvent(event: TallyEvent): Uint8Array {
  return encode({ t: 'event', v: ENTRY_VERSION, ...event } as unknown as CanonicalValue);
}

export function encodeAudit(record: AuditRecord): Uint8Array {
  return encode({ t: 'audit', v: ENTRY_VERSION, ...record } as unknown as CanonicalValue);
}

function encode(value: CanonicalValue): Uint8Array {
  return checkSize(utf8(canonicalJson(value)));
}

function checkSize(bytes: Uint8Array): Uint8Array {
  if (bytes.length > MAX_ENTRY_BYTES)
    throw new Error(`entry of ${bytes.length} bytes exceeds ${MAX_ENTRY_BYTES}`);
  return bytes;
}

/** Decodes an entry and proves it canonical: re-encoding must give back the very same bytes. */
export function decodeEntry(bytes: Uint8Array): Result<Entry> {
  let json: unknown;
  try {
    json = JSON.parse(fromUtf8(bytes));
  } catch (e) {
    return err(`not valid UTF-8 JSON: ${(e as Error).message}`);
  }
  const entry = parseEntry(json);
  if (!entry.ok) return entry;
  const e = entry.value;
  const again =
    e.kind === 'cvr' ? encodeCvr(e.cvr) : e.kind === 'event' ? encodeEvent(e.event) : encodeAudit(e.record);
  if (fromUtf8(again) !== fromUtf8(bytes)) return err('entry is not in canonical form');
  return entry;
}

function parseEntry(json: unknown): Result<Entry> {
  const invalid = (issues: readonly { message: string }[]) =>
    err(`not a valid entry: ${issues[0]?.message ?? 'schema mismatch'}`);
  if (json !== null && typeof json === 'object' && (json as { t?: unknown }).t === 'audit') {
    const { t: _t, v, ...rest } = json as Record<string, unknown>;
    if (v !== ENTRY_VERSION) return err(`not a valid entry: audit entry version ${String(v)}`);
    const parsed = AuditRecordSchema.safeParse(rest);
    return parsed.success ? ok({ kind: 'audit', record: parsed.data }) : invalid(parsed.error.issues);
  }
  const parsed = EntrySchema.safeParse(json);
  if (!parsed.success) return invalid(parsed.error.issues);
  const { t, v: _v, ...rest } = parsed.data;
  return ok(t === 'cvr' ? { kind: 'cvr', cvr: rest as Cvr } : { kind: 'event', event: rest as TallyEvent });
}
