/** Verifies any C2SP tlog-tiles log (ours or anyone's) from its static files: checkpoint, tiles, entry bundles. */
import { bytesEqual, fromUtf8 } from '../bytes.js';
import { verifyCheckpoint } from '../log/checkpoint.js';
import { defaultHasher, type MerkleHasher } from '../log/merkle.js';
import type { Verifier } from '../log/note.js';
import {
  decodeEntryBundle,
  splitHashes,
  type Tile,
  TileBuilder,
  tilePath,
  tilesForSize,
} from '../log/tiles.js';
import type { BundleFiles } from './bundle.js';

export interface TlogReport {
  readonly ok: boolean;
  readonly failures: string[];
  readonly origin?: string;
  readonly size: number;
  /** Entries whose bytes were hashed and matched (0 when the log publishes no entry bundles). */
  readonly entriesChecked: number;
}

export async function verifyTlogTiles(
  read: BundleFiles,
  verifier: Verifier,
  hasher: MerkleHasher = defaultHasher,
): Promise<TlogReport> {
  const failures: string[] = [];
  const note = await read('checkpoint');
  if (!note) return { ok: false, failures: ['checkpoint is missing'], size: 0, entriesChecked: 0 };
  let checkpoint: ReturnType<typeof verifyCheckpoint>;
  try {
    checkpoint = verifyCheckpoint(fromUtf8(note), verifier);
  } catch (e) {
    return { ok: false, failures: [`checkpoint: ${(e as Error).message}`], size: 0, entriesChecked: 0 };
  }
  const size = checkpoint.size;
  const emitted: Tile[] = [];
  const builder = new TileBuilder(hasher, (t) => emitted.push(t));
  let entriesChecked = 0;
  const compare = async (t: Tile) => {
    const got = await read(tilePath(t.level, t.index, t.width));
    if (!got) failures.push(`${tilePath(t.level, t.index, t.width)} is missing`);
    else if (!bytesEqual(got, t.hashes))
      failures.push(`${tilePath(t.level, t.index, t.width)} does not match the tree`);
  };

  for (const coord of tilesForSize(size).filter((t) => t.level === 0)) {
    const path = tilePath(0, coord.index, coord.width);
    const tile = await read(path);
    if (!tile) {
      failures.push(`${path} is missing`);
      break;
    }
    let hashes: Uint8Array[];
    try {
      hashes = splitHashes(tile);
    } catch (e) {
      failures.push(`${path}: ${(e as Error).message}`);
      break;
    }
    if (hashes.length !== coord.width) {
      failures.push(`${path} holds ${hashes.length} hashes, not ${coord.width}`);
      break;
    }
    const bundle = await read(tilePath('entries', coord.index, coord.width));
    if (bundle) {
      try {
        const entries = decodeEntryBundle(bundle);
        if (entries.length !== coord.width)
          failures.push(`entry bundle ${coord.index} holds ${entries.length} entries, not ${coord.width}`);
        entries.forEach((e, i) => {
          if (!hashes[i] || !bytesEqual(hasher.hashLeaf(e), hashes[i]))
            failures.push(`entry ${coord.index * 256 + i} does not match its leaf hash`);
          else entriesChecked++;
        });
      } catch (e) {
        failures.push(`entry bundle ${coord.index}: ${(e as Error).message}`);
      }
    }
    for (const h of hashes) builder.appendLeafHash(h);
    for (const t of emitted.splice(0)) if (t.level > 0) await compare(t);
  }
  if (builder.size === size) {
    for (const t of builder.partialTiles()) if (t.level > 0) await compare(t);
    if (!bytesEqual(builder.root(), checkpoint.root))
      failures.push('the tiles do not hash to the checkpoint root');
  }
  return { ok: failures.length === 0, failures, origin: checkpoint.origin, size, entriesChecked };
}
