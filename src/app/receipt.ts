/** Receipts: a CVR's inclusion proof against the latest signed checkpoint, as c2sp.org/tlog-proof@v1. */

import type { Cvr } from '../core/cvr/model.js';
import type { Election } from '../core/election/schema.js';
import { type NamedSelections, nameSelections } from '../core/election/selections.js';
import { decodeEntry } from '../core/entries.js';
import { parseCheckpointText } from '../core/log/checkpoint.js';
import { inclusionProofFromTiles } from '../core/log/inclusion.js';
import type { Verifier } from '../core/log/note.js';
import { parseNote } from '../core/log/note.js';
import { formatTlogProof, verifyTlogProof } from '../core/log/tlog-proof.js';
import type { Store } from '../store/store.js';

export async function makeReceipt(store: Store, cvrId: string, jurisdiction?: string): Promise<string> {
  const found = await store.findCvr(cvrId, jurisdiction);
  if (found.length === 0)
    throw new Error(`no CVR with id ${JSON.stringify(cvrId)}${jurisdiction ? ` in ${jurisdiction}` : ''}`);
  if (found.length > 1)
    throw new Error(
      `CVR id ${cvrId} exists in ${found.map((f) => f.jurisdiction).join(', ')}: pass --jurisdiction`,
    );
  const { seq, body } = found[0]!;
  const latest = (await store.checkpoints()).at(-1);
  if (!latest) throw new Error('the log has no signed checkpoint yet');
  const size = parseCheckpointText(parseNote(latest.note).text).size;
  if (seq >= size) throw new Error(`CVR ${cvrId} (entry ${seq}) is not yet covered by a signed checkpoint`);

  const hashes = await inclusionProofFromTiles(seq, size, (l, i, w) => store.tile(l, i, w), store.hasher);
  return formatTlogProof({ extra: body, index: seq, hashes, checkpoint: latest.note });
}

export interface CheckedReceipt {
  index: number;
  logSize: number;
  origin: string;
  cvr: Cvr;
  /** The CVR's selections by name, when the election's definition was given. */
  named?: NamedSelections[];
}

/**
 * Checks a receipt's signature and inclusion proof; with the election's definition (the bundle's
 * election.json), names what the record shows in each contest, and refuses a definition that cannot.
 */
export function checkReceipt(text: string, verifier: Verifier, election?: Election): CheckedReceipt {
  const { proof, checkpoint, entry } = verifyTlogProof(text, verifier);
  const decoded = decodeEntry(entry);
  if (!decoded.ok) throw new Error(`the receipt's entry is not a Tallyproof entry: ${decoded.error}`);
  if (decoded.value.kind !== 'cvr') throw new Error('the receipt proves an event, not a CVR');
  const { cvr } = decoded.value;
  const checked = { index: proof.index, logSize: checkpoint.size, origin: checkpoint.origin, cvr };
  if (!election) return checked;
  const named = cvr.contests.map((c) => {
    const r = nameSelections(election, c);
    if (!r.ok) throw new Error(`the receipt is valid, but ${r.error}: is it this election's definition?`);
    return r.value;
  });
  return { ...checked, named };
}
