/**
 * c2sp.org/tlog-proof@v1 — an offline proof that an entry is in a log: index, inclusion proof and the
 * signed checkpoint. Tallyproof receipts put the logged entry itself in the `extra` field, so the holder
 * can read the record and the verifier can hash it.
 */
import { fromBase64, toBase64 } from '../bytes.js';
import { type Checkpoint, verifyCheckpoint } from './checkpoint.js';
import { defaultHasher, type MerkleHasher, ProofError, verifyInclusion } from './merkle.js';
import type { Verifier } from './note.js';

const HEADER = 'c2sp.org/tlog-proof@v1';

export interface TlogProof {
  readonly extra?: Uint8Array;
  readonly index: number;
  readonly hashes: readonly Uint8Array[];
  readonly checkpoint: string;
}

export function formatTlogProof(p: TlogProof): string {
  const lines = [HEADER];
  if (p.extra) lines.push(`extra ${toBase64(p.extra)}`);
  lines.push(`index ${p.index}`, ...p.hashes.map(toBase64));
  return `${lines.join('\n')}\n\n${p.checkpoint}`;
}

export function parseTlogProof(text: string): TlogProof {
  const split = text.indexOf('\n\n');
  if (split < 0) throw new ProofError('tlog-proof: no blank line before the checkpoint');
  const lines = text.slice(0, split).split('\n');
  if (lines.shift() !== HEADER) throw new ProofError(`tlog-proof: first line must be ${HEADER}`);
  let extra: Uint8Array | undefined;
  if (lines[0]?.startsWith('extra ')) extra = decode(lines.shift()!.slice(6), 'extra');
  const indexLine = lines.shift() ?? '';
  const m = /^index (0|[1-9][0-9]*)$/.exec(indexLine);
  if (!m) throw new ProofError('tlog-proof: malformed index line');
  return {
    extra,
    index: Number(m[1]),
    hashes: lines.map((l) => decode(l, 'hash')),
    checkpoint: text.slice(split + 2),
  };
}

function decode(b64: string, what: string): Uint8Array {
  try {
    return fromBase64(b64);
  } catch {
    throw new ProofError(`tlog-proof: ${what} is not base64`);
  }
}

/** Verifies the checkpoint signature and the inclusion of `entry` (or of the proof's extra) at the index. */
export function verifyTlogProof(
  text: string,
  verifier: Verifier,
  entry?: Uint8Array,
  hasher: MerkleHasher = defaultHasher,
): { proof: TlogProof; checkpoint: Checkpoint; entry: Uint8Array } {
  const proof = parseTlogProof(text);
  const checkpoint = verifyCheckpoint(proof.checkpoint, verifier);
  const leaf = entry ?? proof.extra;
  if (!leaf)
    throw new ProofError('tlog-proof: no entry to check (none given, and the proof has no extra data)');
  verifyInclusion(proof.index, checkpoint.size, hasher.hashLeaf(leaf), proof.hashes, checkpoint.root, hasher);
  return { proof, checkpoint, entry: leaf };
}
