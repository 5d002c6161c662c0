/**
 * C2SP tlog-tiles: tile coordinates and paths, an incremental tile builder, and perfect-node lookup in tiles.
 * A tile at level L, index N holds up to 256 hashes of the 256^L-leaf subtrees N·256+i (height 8·L).
 */
import { defaultHasher, HASH_SIZE, type MerkleHasher, type PerfectNode, perfectHash } from './merkle.js';

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;

export interface TileCoord {
  readonly level: number;
  readonly index: number;
  /** Number of hashes (1..256); 256 is a full tile. */
  readonly width: number;
}

export interface Tile extends TileCoord {
  /** width × 32 bytes */
  readonly hashes: Uint8Array;
}

/** N written in 3-digit groups, all but the last prefixed with x: 1234067 → x001/x234/067. */
export function tileIndexPath(n: number): string {
  let digits = String(n);
  const pad = (3 - (digits.length % 3)) % 3;
  digits = '0'.repeat(pad) + digits;
  const groups: string[] = [];
  for (let i = 0; i < digits.length; i += 3) groups.push(digits.slice(i, i + 3));
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

/** `tile/<L>/<N>[.p/<W>]`, or `tile/entries/<N>[.p/<W>]` when level is 'entries'. */
export function tilePath(level: number | 'entries', index: number, width: number): string {
  const partial = width < TILE_WIDTH ? `.p/${width}` : '';
  return `tile/${level}/${tileIndexPath(index)}${partial}`;
}

/** The tiles (full and the partial at the right edge) that make up a tree of the given size, per level. */
export function tilesForSize(size: number): TileCoord[] {
  const out: TileCoord[] = [];
  for (let level = 0; ; level++) {
    const hashesAtLevel = Math.floor(size / TILE_WIDTH ** level);
    if (hashesAtLevel === 0) break;
    const full = Math.floor(hashesAtLevel / TILE_WIDTH);
    for (let i = 0; i < full; i++) out.push({ level, index: i, width: TILE_WIDTH });
    const partial = hashesAtLevel % TILE_WIDTH;
    if (partial > 0) out.push({ level, index: full, width: partial });
    if (hashesAtLevel < TILE_WIDTH) break;
  }
  return out;
}

/** The entry bundles for a tree of the given size (full bundles of 256 entries plus a partial). */
export function entryBundlesForSize(size: number): TileCoord[] {
  const out: TileCoord[] = [];
  const full = Math.floor(size / TILE_WIDTH);
  for (let i = 0; i < full; i++) out.push({ level: -1, index: i, width: TILE_WIDTH });
  if (size % TILE_WIDTH) out.push({ level: -1, index: full, width: size % TILE_WIDTH });
  return out;
}

/** Where a perfect node lives: hashes [offset, offset+count) of tile (level, index) combine to it. */
export function locateNode(node: PerfectNode): {
  level: number;
  index: number;
  offset: number;
  count: number;
} {
  const level = Math.floor(node.height / TILE_HEIGHT);
  const count = 2 ** (node.height - level * TILE_HEIGHT);
  const first = node.index * count; // index among hashes at height 8·level
  return { level, index: Math.floor(first / TILE_WIDTH), offset: first % TILE_WIDTH, count };
}

export function splitHashes(bytes: Uint8Array): Uint8Array[] {
  if (bytes.length % HASH_SIZE !== 0)
    throw new Error(`tile of ${bytes.length} bytes is not a whole number of hashes`);
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += HASH_SIZE) out.push(bytes.subarray(i, i + HASH_SIZE));
  return out;
}

/** The hash of a perfect node, given a function returning the stored hashes of a tile (any width that covers it). */
export function nodeFromTiles(
  node: PerfectNode,
  tileHashes: (level: number, index: number) => readonly Uint8Array[],
  hasher = defaultHasher,
): Uint8Array {
  const at = locateNode(node);
  return perfectHash(tileHashes(at.level, at.index), at.offset, at.count, hasher);
}

/**
 * Builds tiles incrementally as leaf hashes are appended. Holds only the right edge: at most 255 hashes per
 * level. Completed full tiles are handed to `onFullTile`; `partialTiles()` gives the right edge at any time.
 */
export class TileBuilder {
  private readonly edge: Uint8Array[][] = [];
  private leaves: number;

  constructor(
    private readonly hasher: MerkleHasher = defaultHasher,
    private readonly onFullTile: (tile: Tile) => void = () => {},
    start?: { size: number; partials: readonly Tile[] },
  ) {
    this.leaves = start?.size ?? 0;
    for (const t of start?.partials ?? []) this.edge[t.level] = splitHashes(t.hashes);
    // Validate that the given right edge matches the size.
    for (let level = 0; level < this.levelsFor(this.leaves); level++) {
      const want = Math.floor(this.leaves / TILE_WIDTH ** level) % TILE_WIDTH;
      const have = this.edge[level]?.length ?? 0;
      if (want !== have)
        throw new Error(`right edge at level ${level} has ${have} hashes, size implies ${want}`);
    }
  }

  get size(): number {
    return this.leaves;
  }

  private levelsFor(size: number): number {
    let levels = 0;
    while (Math.floor(size / TILE_WIDTH ** levels) > 0) levels++;
    return levels;
  }

  appendLeafHash(leafHash: Uint8Array): void {
    let level = 0;
    let hash = leafHash;
    for (;;) {
      const row = this.edge[level] ?? [];
      this.edge[level] = row;
      row.push(hash);
      if (row.length < TILE_WIDTH) break;
      const countAtLevel = Math.floor((this.leaves + 1) / TILE_WIDTH ** level);
      const index = countAtLevel / TILE_WIDTH - 1;
      this.onFullTile({ level, index, width: TILE_WIDTH, hashes: joinHashes(row) });
      hash = perfectHash(row, 0, TILE_WIDTH, this.hasher);
      this.edge[level] = [];
      level++;
    }
    this.leaves++;
  }

  /** The partial tiles at the right edge (widths 1..255), lowest level first. */
  partialTiles(): Tile[] {
    const out: Tile[] = [];
    this.edge.forEach((row, level) => {
      if (row.length === 0) return;
      const index = Math.floor(this.leaves / TILE_WIDTH ** (level + 1));
      out.push({ level, index, width: row.length, hashes: joinHashes(row) });
    });
    return out;
  }

  /** The tree root at the current size, from the right edge alone. */
  root(): Uint8Array {
    if (this.leaves === 0) return this.hasher.emptyRoot();
    // Perfect subtrees of the binary decomposition of the size, largest first, then folded from the right.
    const parts: Uint8Array[] = [];
    for (let level = this.edge.length - 1; level >= 0; level--) {
      const row = this.edge[level] ?? [];
      let offset = 0;
      for (let bit = TILE_HEIGHT - 1; bit >= 0; bit--) {
        const count = 2 ** bit;
        if (row.length - offset >= count) {
          parts.push(perfectHash(row, offset, count, this.hasher));
          offset += count;
        }
      }
    }
    let acc = parts[parts.length - 1]!;
    for (let i = parts.length - 2; i >= 0; i--) acc = this.hasher.hashChildren(parts[i]!, acc);
    return acc;
  }
}

export function joinHashes(hashes: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(hashes.length * HASH_SIZE);
  hashes.forEach((h, i) => out.set(h, i * HASH_SIZE));
  return out;
}

/** An entry bundle: each entry as a big-endian uint16 length, then its bytes. */
export function encodeEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const e of entries) {
    if (e.length > 0xffff) throw new Error(`entry of ${e.length} bytes exceeds the 65535-byte bundle limit`);
    total += 2 + e.length;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const e of entries) {
    out[at] = e.length >> 8;
    out[at + 1] = e.length & 0xff;
    out.set(e, at + 2);
    at += 2 + e.length;
  }
  return out;
}

export function decodeEntryBundle(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 2 > bytes.length) throw new Error(`entry bundle truncated in a length prefix at byte ${at}`);
    const len = (bytes[at]! << 8) | bytes[at + 1]!;
    if (at + 2 + len > bytes.length)
      throw new Error(`entry bundle truncated in entry ${out.length} at byte ${at}`);
    out.push(bytes.subarray(at + 2, at + 2 + len));
    at += 2 + len;
  }
  return out;
}

/** How many hashes tile (level, index) holds in a tree of `size` leaves. */
export function tileWidthAt(level: number, index: number, size: number): number {
  return Math.min(TILE_WIDTH, Math.floor(size / TILE_WIDTH ** level) - index * TILE_WIDTH);
}
