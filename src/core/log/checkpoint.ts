/** C2SP tlog-checkpoint v1: the note text `<origin>\n<size>\n<base64 root>\n[extension lines]`. */
import { fromBase64, toBase64 } from '../bytes.js';
import { HASH_SIZE } from './merkle.js';
import { NoteError, type Signer, signNote, type Verifier, verifyNote } from './note.js';

export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly root: Uint8Array;
  readonly extensions: readonly string[];
}

export function formatCheckpoint(c: Checkpoint): string {
  return [c.origin, String(c.size), toBase64(c.root), ...c.extensions].map((l) => `${l}\n`).join('');
}

export function parseCheckpointText(text: string): Checkpoint {
  const lines = text.split('\n');
  if (lines.pop() !== '') throw new NoteError('checkpoint text must end with a newline');
  const [origin, size, root, ...extensions] = lines;
  if (!origin) throw new NoteError('checkpoint has no origin line');
  if (size === undefined || !/^(0|[1-9][0-9]*)$/.test(size))
    throw new NoteError('checkpoint size is not a decimal');
  const n = Number(size);
  if (!Number.isSafeInteger(n)) throw new NoteError('checkpoint size is too large');
  let hash: Uint8Array;
  try {
    hash = fromBase64(root ?? '');
  } catch {
    throw new NoteError('checkpoint root is not base64');
  }
  if (hash.length !== HASH_SIZE) throw new NoteError('checkpoint root is not a SHA-256 hash');
  if (extensions.some((e) => e === '')) throw new NoteError('checkpoint has an empty extension line');
  return { origin, size: n, root: hash, extensions };
}

export const signCheckpoint = (c: Checkpoint, signer: Signer): string =>
  signNote(formatCheckpoint(c), [signer]);

/** Verifies the signature and, when given, the expected origin. */
export function verifyCheckpoint(note: string, verifier: Verifier, origin?: string): Checkpoint {
  const { text } = verifyNote(note, [verifier]);
  const c = parseCheckpointText(text);
  if (origin !== undefined && c.origin !== origin)
    throw new NoteError(`checkpoint origin ${JSON.stringify(c.origin)} is not ${JSON.stringify(origin)}`);
  return c;
}
