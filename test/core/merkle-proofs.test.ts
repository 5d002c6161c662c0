import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../../src/core/bytes.js';
import {
  consistencyProofRanges,
  defaultHasher,
  inclusionProofRanges,
  perfectHash,
  rangeHash,
  rootOfEntries,
  verifyConsistency,
  verifyInclusion,
} from '../../src/core/log/merkle.js';
import {
  nodeFromTiles,
  splitHashes,
  type Tile,
  TileBuilder,
  tileIndexPath,
  tilePath,
  tilesForSize,
} from '../../src/core/log/tiles.js';

const entries = (n: number) => Array.from({ length: n }, (_, i) => utf8(`entry ${i}`));

function built(n: number) {
  const tiles = new Map<string, Tile>();
  const builder = new TileBuilder(defaultHasher, (t) => tiles.set(`${t.level}/${t.index}`, t));
  for (const e of entries(n)) builder.appendLeafHash(defaultHasher.hashLeaf(e));
  for (const t of builder.partialTiles()) tiles.set(`${t.level}/${t.index}`, t);
  const node = (h: number, k: number) =>
    nodeFromTiles({ height: h, index: k }, (l, i) => splitHashes(tiles.get(`${l}/${i}`)!.hashes));
  return { builder, tiles, node };
}

describe('tiles', () => {
  it('names tile indices in 3-digit groups', () => {
    expect(tileIndexPath(1234067)).toBe('x001/x234/067');
    expect(tileIndexPath(5)).toBe('005');
    expect(tilePath(0, 273, 112)).toBe('tile/0/273.p/112');
    expect(tilePath('entries', 1000, 256)).toBe('tile/entries/x001/000');
  });

  it('lays out a 70,000-leaf tree as the spec says', () => {
    const t = tilesForSize(70_000);
    const level = (l: number) => t.filter((x) => x.level === l);
    expect(level(0).filter((x) => x.width === 256)).toHaveLength(273);
    expect(level(0).find((x) => x.width < 256)?.width).toBe(112);
    expect(level(1).filter((x) => x.width === 256)).toHaveLength(1);
    expect(level(1).find((x) => x.width < 256)?.width).toBe(17);
    expect(level(2)).toEqual([{ level: 2, index: 0, width: 1 }]);
  });

  it('the builder root equals the RFC 6962 root at every size (incl. tile boundaries)', () => {
    for (const n of [0, 1, 2, 3, 255, 256, 257, 511, 512, 513, 65535, 65536, 65537]) {
      const { builder } = built(n);
      expect(toHex(builder.root()), `size ${n}`).toBe(toHex(rootOfEntries(entries(n))));
    }
  });

  it('a builder resumed from the right edge continues identically', () => {
    const first = built(700);
    const resumed = new TileBuilder(defaultHasher, () => {}, {
      size: 700,
      partials: first.builder.partialTiles(),
    });
    const all = entries(1000);
    for (const e of all.slice(700)) resumed.appendLeafHash(defaultHasher.hashLeaf(e));
    expect(toHex(resumed.root())).toBe(toHex(rootOfEntries(all)));
  });
});

describe('proofs generated from tiles verify, and fail when tampered', () => {
  it('inclusion and consistency for random sizes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1500 }), fc.nat(), fc.nat(), (n, a, b) => {
        const { builder, node } = built(n);
        const root = builder.root();
        const index = a % n;
        const proof = inclusionProofRanges(index, n).map((r) => rangeHash(r.start, r.end, node));
        const leaf = defaultHasher.hashLeaf(utf8(`entry ${index}`));
        verifyInclusion(index, n, leaf, proof, root);
        expect(() => verifyInclusion(index, n, defaultHasher.hashLeaf(utf8('other')), proof, root)).toThrow();
        const m = 1 + (b % n);
        const smaller = built(m).builder.root();
        const cproof = consistencyProofRanges(m, n).map((r) => rangeHash(r.start, r.end, node));
        verifyConsistency(m, n, cproof, smaller, root);
        if (m < n) expect(() => verifyConsistency(m, n, cproof, root, root)).toThrow();
      }),
      { numRuns: 60 },
    );
  });

  it('perfectHash over a tile equals the subtree root', () => {
    const hashes = entries(8).map((e) => defaultHasher.hashLeaf(e));
    expect(toHex(perfectHash(hashes, 0, 8))).toBe(toHex(rootOfEntries(entries(8))));
  });
});
