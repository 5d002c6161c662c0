/**
 * Log entries: the exact bytes the Merkle log commits to. An entry is canonical JSON (see
 * docs/canonical-encoding.md) of either a CVR (`"t":"cvr"`) or an event (`"t":"event"`), version 1.
 */
import { z } from 'zod';
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

export type Entry =
  | { readonly kind: 'cvr'; readonly cvr: Cvr }
  | { readonly kind: 'event'; readonly event: TallyEvent };

export function encodeCvr(cvr: Cvr): Uint8Array {
  return encode({ t: 'cvr', v: ENTRY_VERSION, ...normalizeCvr(cvr) } as unknown as CanonicalValue);
}

export function encodeEvent(event: TallyEvent): Uint8Array {
  return encode({ t: 'event', v: ENTRY_VERSION, ...event } as unknown as CanonicalValue);
}

function encode(value: CanonicalValue): Uint8Array {
  const bytes = utf8(canonicalJson(value));
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
  const parsed = EntrySchema.safeParse(json);
  if (!parsed.success)
    return err(`not a valid entry: ${parsed.error.issues[0]?.message ?? 'schema mismatch'}`);
  const { t, v: _v, ...rest } = parsed.data;
  const entry: Entry =
    t === 'cvr' ? { kind: 'cvr', cvr: rest as Cvr } : { kind: 'event', event: rest as TallyEvent };
  const again = entry.kind === 'cvr' ? encodeCvr(entry.cvr) : encodeEvent(entry.event);
  if (fromUtf8(again) !== fromUtf8(bytes)) return err('entry is not in canonical form');
  return ok(entry);
}
