/** Inclusion proofs built from tiles: the few tiles a proof needs, read from a store or a published bundle. */
import { inclusionProofRanges, type MerkleHasher, perfectCover, rangeHash } from './merkle.js';
import { locateNode, nodeFromTiles, splitHashes, tileWidthAt } from './tiles.js';

export type TileReader = (level: number, index: number, width: number) => Promise<Uint8Array | null>;

/** The RFC 9162 inclusion proof of leaf `index` in the tree of `size` leaves. */
export async function inclusionProofFromTiles(
  index: number,
  size: number,
  readTile: TileReader,
  hasher: MerkleHasher,
): Promise<Uint8Array[]> {
  const ranges = inclusionProofRanges(index, size);
  const tiles = new Map<string, Uint8Array[]>();
  for (const r of ranges)
    for (const node of perfectCover(r.start, r.end)) {
      const at = locateNode(node);
      const key = `${at.level}/${at.index}`;
      if (tiles.has(key)) continue;
      const width = tileWidthAt(at.level, at.index, size);
      const hashes = await readTile(at.level, at.index, width);
      if (!hashes) throw new Error(`tile ${key} (width ${width}) is missing`);
      tiles.set(key, splitHashes(hashes));
    }
  const node = (height: number, i: number) =>
    nodeFromTiles({ height, index: i }, (level, t) => tiles.get(`${level}/${t}`)!, hasher);
  return ranges.map((r) => rangeHash(r.start, r.end, node, hasher));
}
