/**
 * RFC 6962 / RFC 9162 §2.1 Merkle tree hashing, proofs and proof verification.
 * Verification follows transparency-dev/merkle (the RFC 9162 algorithms with exact proof-length checks).
 * Sizes and indices are plain numbers (exact up to 2^53); no 32-bit bitwise operators are used on them.
 */
import { bytesEqual } from '../bytes.js';
import { portableSha256, type Sha256 } from '../hash.js';

export const HASH_SIZE = 32;

export interface MerkleHasher {
  readonly emptyRoot: () => Uint8Array;
  readonly hashLeaf: (entry: Uint8Array) => Uint8Array;
  readonly hashChildren: (left: Uint8Array, right: Uint8Array) => Uint8Array;
}

export function merkleHasher(sha256: Sha256 = portableSha256): MerkleHasher {
  // Scratch buffers are reused: hashing is synchronous and every digest is a fresh array.
  const node = new Uint8Array(1 + 2 * HASH_SIZE);
  node[0] = 1;
  let leaf = new Uint8Array(1024);
  return {
    emptyRoot: () => sha256(new Uint8Array(0)),
    hashLeaf: (entry) => {
      if (entry.length + 1 > leaf.length) leaf = new Uint8Array(2 * (entry.length + 1));
      leaf[0] = 0;
      leaf.set(entry, 1);
      return sha256(leaf.subarray(0, entry.length + 1));
    },
    hashChildren: (left, right) => {
      if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) {
        const buf = new Uint8Array(1 + left.length + right.length);
        buf[0] = 1;
        buf.set(left, 1);
        buf.set(right, 1 + left.length);
        return sha256(buf);
      }
      node.set(left, 1);
      node.set(right, 1 + HASH_SIZE);
      return sha256(node);
    },
  };
}

export const defaultHasher = merkleHasher();

export class ProofError extends Error {}

// ---- integer helpers (safe beyond 2^32) ----
const isOdd = (n: number) => n % 2 === 1;
const half = (n: number) => Math.floor(n / 2);
function bitLength(n: number): number {
  let bits = 0;
  while (n > 0) {
    n = half(n);
    bits++;
  }
  return bits;
}
function popCount(n: number): number {
  let c = 0;
  while (n > 0) {
    if (isOdd(n)) c++;
    n = half(n);
  }
  return c;
}
function trailingZeros(n: number): number {
  let z = 0;
  while (n > 0 && !isOdd(n)) {
    n = half(n);
    z++;
  }
  return z;
}
function xor(a: number, b: number): number {
  let out = 0;
  let bit = 1;
  while (a > 0 || b > 0) {
    if (isOdd(a) !== isOdd(b)) out += bit;
    a = half(a);
    b = half(b);
    bit *= 2;
  }
  return out;
}
const shiftRight = (n: number, k: number) => Math.floor(n / 2 ** k);
const bitAt = (n: number, i: number) => isOdd(shiftRight(n, i));

/** The largest power of two strictly smaller than n (n > 1). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

// ---- tree hashes from perfect-subtree hashes ----

/** Returns the hash of the perfect subtree of height h at index k (leaves [k·2^h, (k+1)·2^h)). */
export type PerfectNodeReader = (height: number, index: number) => Uint8Array;

export interface PerfectNode {
  readonly height: number;
  readonly index: number;
}

/**
 * The maximal perfect subtrees covering [start, end), left to right, for a range whose start is aligned
 * as in RFC 6962 (every range that appears in a proof or a root is).
 */
export function perfectCover(start: number, end: number): PerfectNode[] {
  const nodes: PerfectNode[] = [];
  while (start < end) {
    let height = 0;
    while (start % 2 ** (height + 1) === 0 && start + 2 ** (height + 1) <= end) height++;
    nodes.push({ height, index: start / 2 ** height });
    start += 2 ** height;
  }
  return nodes;
}

/** MTH(D[start:end]) from perfect-subtree hashes: fold the cover from the right. */
export function rangeHash(
  start: number,
  end: number,
  node: PerfectNodeReader,
  hasher = defaultHasher,
): Uint8Array {
  const cover = perfectCover(start, end);
  const last = cover[cover.length - 1];
  if (!last) throw new ProofError(`empty range [${start}, ${end})`);
  let acc = node(last.height, last.index);
  for (let i = cover.length - 2; i >= 0; i--) {
    const c = cover[i]!;
    acc = hasher.hashChildren(node(c.height, c.index), acc);
  }
  return acc;
}

/** MTH over a list of hashes treated as leaves (used within tiles and for small trees). */
export function hashList(hashes: readonly Uint8Array[], hasher = defaultHasher): Uint8Array {
  if (hashes.length === 0) return hasher.emptyRoot();
  return rangeHash(0, hashes.length, (h, k) => perfectHash(hashes, k * 2 ** h, 2 ** h, hasher), hasher);
}

/** Hash of a perfect subtree over hashes[offset, offset+count), count a power of two. */
export function perfectHash(
  hashes: readonly Uint8Array[],
  offset: number,
  count: number,
  hasher = defaultHasher,
): Uint8Array {
  let level: Uint8Array[] = hashes.slice(offset, offset + count) as Uint8Array[];
  if (level.length !== count) throw new ProofError(`need ${count} hashes at ${offset}, have ${level.length}`);
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(hasher.hashChildren(level[i]!, level[i + 1]!));
    level = next;
  }
  return level[0]!;
}

/** Merkle Tree Hash of entries (RFC 6962 §2.1), for small in-memory trees and tests. */
export function rootOfEntries(entries: readonly Uint8Array[], hasher = defaultHasher): Uint8Array {
  return hashList(
    entries.map((e) => hasher.hashLeaf(e)),
    hasher,
  );
}

// ---- proof generation (RFC 9162 §2.1.3.1 / §2.1.4.1) as lists of ranges ----

export interface Range {
  readonly start: number;
  readonly end: number;
}

/** PATH(m, D[0:n]) as the ranges whose hashes form the proof, in proof order. */
export function inclusionProofRanges(index: number, size: number): Range[] {
  if (index < 0 || index >= size) throw new ProofError(`index ${index} is outside a tree of size ${size}`);
  const out: Range[] = [];
  const walk = (m: number, start: number, n: number) => {
    if (n <= 1) return;
    const k = splitPoint(n);
    if (m < k) {
      walk(m, start, k);
      out.push({ start: start + k, end: start + n });
    } else {
      walk(m - k, start + k, n - k);
      out.push({ start, end: start + k });
    }
  };
  walk(index, 0, size);
  return out;
}

/** PROOF(m, D[0:n]) as the ranges whose hashes form the consistency proof, in proof order. */
export function consistencyProofRanges(size1: number, size2: number): Range[] {
  if (size1 < 0 || size1 > size2) throw new ProofError(`cannot prove ${size1} consistent with ${size2}`);
  if (size1 === 0 || size1 === size2) return [];
  const out: Range[] = [];
  const sub = (m: number, start: number, n: number, complete: boolean) => {
    if (m === n) {
      if (!complete) out.push({ start, end: start + n });
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      sub(m, start, k, complete);
      out.push({ start: start + k, end: start + n });
    } else {
      sub(m - k, start + k, n - k, false);
      out.push({ start, end: start + k });
    }
  };
  sub(size1, 0, size2, true);
  return out;
}

// ---- proof verification (transparency-dev/merkle proof/verify.go semantics) ----

function checkHash(name: string, h: Uint8Array): void {
  if (h.length !== HASH_SIZE) throw new ProofError(`${name} is ${h.length} bytes, not ${HASH_SIZE}`);
}

function decomposeInclusion(index: number, size: number): [inner: number, border: number] {
  const inner = bitLength(xor(index, size - 1));
  return [inner, popCount(shiftRight(index, inner))];
}

function chainInner(h: MerkleHasher, seed: Uint8Array, proof: readonly Uint8Array[], index: number) {
  proof.forEach((p, i) => {
    seed = bitAt(index, i) ? h.hashChildren(p, seed) : h.hashChildren(seed, p);
  });
  return seed;
}
function chainInnerRight(h: MerkleHasher, seed: Uint8Array, proof: readonly Uint8Array[], index: number) {
  proof.forEach((p, i) => {
    if (bitAt(index, i)) seed = h.hashChildren(p, seed);
  });
  return seed;
}
function chainBorderRight(h: MerkleHasher, seed: Uint8Array, proof: readonly Uint8Array[]) {
  for (const p of proof) seed = h.hashChildren(p, seed);
  return seed;
}

export function rootFromInclusionProof(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  hasher = defaultHasher,
): Uint8Array {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0)
    throw new ProofError('index and size must be non-negative integers');
  if (index >= size) throw new ProofError(`index ${index} is beyond tree size ${size}`);
  checkHash('leaf hash', leafHash);
  proof.forEach((p, i) => checkHash(`proof hash ${i}`, p));
  const [inner, border] = decomposeInclusion(index, size);
  if (proof.length !== inner + border)
    throw new ProofError(`wrong proof size ${proof.length}, want ${inner + border}`);
  const res = chainInner(hasher, leafHash, proof.slice(0, inner), index);
  return chainBorderRight(hasher, res, proof.slice(inner));
}

/** Throws ProofError unless the proof shows leafHash at index in the tree of size with the given root. */
export function verifyInclusion(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
  hasher = defaultHasher,
): void {
  checkHash('root', root);
  const calc = rootFromInclusionProof(index, size, leafHash, proof, hasher);
  if (!bytesEqual(calc, root)) throw new ProofError('inclusion proof does not lead to the root');
}

/** Throws ProofError unless the proof shows the tree (size1, root1) is a prefix of (size2, root2). */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
  hasher = defaultHasher,
): void {
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 < 0)
    throw new ProofError('sizes must be non-negative integers');
  // Roots are compared byte for byte (as transparency-dev does); a malformed root can never match.
  proof.forEach((p, i) => checkHash(`proof hash ${i}`, p));
  if (size2 < size1) throw new ProofError(`size2 (${size2}) < size1 (${size1})`);
  if (size1 === 0) throw new ProofError('consistency from an empty tree is meaningless');
  if (size1 === size2) {
    if (proof.length > 0) throw new ProofError('size1 = size2, but the proof is not empty');
    if (!bytesEqual(root1, root2)) throw new ProofError('equal sizes with different roots');
    return;
  }
  if (proof.length === 0) throw new ProofError('empty proof');

  let [inner, border] = decomposeInclusion(size1 - 1, size2);
  const shift = trailingZeros(size1);
  inner -= shift;
  let seed = proof[0]!;
  let start = 1;
  if (size1 === 2 ** shift) {
    seed = root1;
    start = 0;
  }
  if (proof.length !== start + inner + border)
    throw new ProofError(`wrong proof size ${proof.length}, want ${start + inner + border}`);
  const rest = proof.slice(start);
  const mask = shiftRight(size1 - 1, shift);
  const hash1 = chainBorderRight(
    hasher,
    chainInnerRight(hasher, seed, rest.slice(0, inner), mask),
    rest.slice(inner),
  );
  if (!bytesEqual(hash1, root1)) throw new ProofError('consistency proof does not lead to root1');
  const hash2 = chainBorderRight(
    hasher,
    chainInner(hasher, seed, rest.slice(0, inner), mask),
    rest.slice(inner),
  );
  if (!bytesEqual(hash2, root2)) throw new ProofError('consistency proof does not lead to root2');
}
