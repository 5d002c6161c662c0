/**
 * The parts of the Java runtime that RCTab's results depend on: java.util.Random (seeded tiebreaks and
 * the generated permutation must pick exactly what RCTab picks) and the iteration order of a HashMap of
 * strings (RCTab lists candidates with equal first-round tallies in that order).
 */

const MULTIPLIER = 0x5deece66dn;
const MASK_48 = (1n << 48n) - 1n;

/** java.util.Random: a 48-bit linear congruential generator. */
export class JavaRandom {
  private seed: bigint;

  constructor(seed: bigint) {
    this.seed = (BigInt.asIntN(64, seed) ^ MULTIPLIER) & MASK_48;
  }

  private next(bits: number): number {
    this.seed = (this.seed * MULTIPLIER + 0xbn) & MASK_48;
    return Number(BigInt.asIntN(32, this.seed >> BigInt(48 - bits)));
  }

  nextDouble(): number {
    const high = BigInt(this.next(26));
    const low = BigInt(this.next(27));
    return Number((high << 27n) + low) / 2 ** 53;
  }

  nextInt(bound: number): number {
    if (bound <= 0) throw new RangeError('bound must be positive');
    if ((bound & -bound) === bound) return Number((BigInt(bound) * BigInt(this.next(31))) >> 31n);
    for (;;) {
      const bits = this.next(31);
      const value = bits % bound;
      // Java rejects the draw when bits - value + (bound - 1) overflows a 32-bit int.
      if (bits - value + (bound - 1) <= 0x7fffffff) return value;
    }
  }
}

/** Collections.shuffle(list, random): in place, from the end. */
export function javaShuffle<T>(list: T[], random: JavaRandom): void {
  for (let i = list.length; i > 1; i--) {
    const j = random.nextInt(i);
    const t = list[i - 1]!;
    list[i - 1] = list[j]!;
    list[j] = t;
  }
}

/** String.hashCode over UTF-16 code units. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * The order in which a java.util.HashMap (or HashSet) built with default capacity iterates string keys
 * inserted in `insertionOrder`: by bucket at the final table size, then by insertion within a bucket.
 */
export function javaHashOrder(insertionOrder: readonly string[]): string[] {
  let capacity = 16;
  while (insertionOrder.length > capacity * 0.75) capacity *= 2;
  const bucket = (key: string) => {
    const h = javaStringHash(key);
    return (h ^ (h >>> 16)) & (capacity - 1);
  };
  return insertionOrder
    .map((key, index) => ({ key, index, bucket: bucket(key) }))
    .sort((a, b) => a.bucket - b.bucket || a.index - b.index)
    .map((e) => e.key);
}

/** Java's Double.toString for the short values RCTab prints as percentages (always a fraction digit). */
export function javaDoubleString(value: number): string {
  const text = String(value);
  return Number.isInteger(value) ? `${text}.0` : text;
}
