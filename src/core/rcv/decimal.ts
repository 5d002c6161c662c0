/**
 * Exact decimals with a scale, as Java's BigDecimal keeps them. RCTab's reports print values with the
 * scale the arithmetic gave them ("1.0000" after a fractional transfer, "8" for a threshold), so
 * matching its reports means matching the scale rules too, not just the value:
 * add/subtract → the larger scale; multiply → the sum of scales; division → the scale asked for.
 */
export class Dec {
  private constructor(
    readonly unscaled: bigint,
    readonly scale: number,
  ) {}

  static readonly ZERO = new Dec(0n, 0);
  static readonly ONE = new Dec(1n, 0);

  static of(unscaled: bigint, scale = 0): Dec {
    return new Dec(unscaled, scale);
  }

  static int(n: number | bigint): Dec {
    return new Dec(BigInt(n), 0);
  }

  /** Parses a plain decimal string ("15", "-2.50"); the scale is the number of digits after the point. */
  static parse(text: string): Dec {
    const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
    if (!m || (m[2] === '' && !m[3])) throw new Error(`not a decimal number: ${JSON.stringify(text)}`);
    const digits = `${m[2] ?? ''}${m[3] ?? ''}` || '0';
    const value = BigInt(digits);
    return new Dec(m[1] === '-' ? -value : value, (m[3] ?? '').length);
  }

  private at(scale: number): bigint {
    return this.unscaled * 10n ** BigInt(scale - this.scale);
  }

  add(other: Dec): Dec {
    if (other.unscaled === 0n && other.scale <= this.scale) return this;
    const scale = Math.max(this.scale, other.scale);
    return new Dec(this.at(scale) + other.at(scale), scale);
  }

  sub(other: Dec): Dec {
    const scale = Math.max(this.scale, other.scale);
    return new Dec(this.at(scale) - other.at(scale), scale);
  }

  mul(other: Dec): Dec {
    return new Dec(this.unscaled * other.unscaled, this.scale + other.scale);
  }

  /** Multiplies by a whole number of ballots: the scale is unchanged, as n repeated additions would leave it. */
  times(n: bigint): Dec {
    return new Dec(this.unscaled * n, this.scale);
  }

  cmp(other: Dec): number {
    const scale = Math.max(this.scale, other.scale);
    const a = this.at(scale);
    const b = other.at(scale);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  signum(): number {
    return this.unscaled < 0n ? -1 : this.unscaled > 0n ? 1 : 0;
  }

  /** Same value and same scale (Java's `equals`). */
  identical(other: Dec): boolean {
    return this.unscaled === other.unscaled && this.scale === other.scale;
  }

  /** this / divisor at `scale` digits, rounded towards zero ('down') or away from zero ('up'). */
  divide(divisor: Dec, scale: number, mode: 'down' | 'up'): Dec {
    if (divisor.unscaled === 0n) throw new RangeError('division by zero');
    // this/divisor = (u1 / 10^s1) / (u2 / 10^s2); scaled by 10^scale.
    let num = this.unscaled * 10n ** BigInt(Math.max(0, scale + divisor.scale - this.scale));
    let den = divisor.unscaled * 10n ** BigInt(Math.max(0, this.scale - scale - divisor.scale));
    if (den < 0n) {
      num = -num;
      den = -den;
    }
    let q = num / den;
    if (mode === 'up' && q * den !== num) q += num < 0n ? -1n : 1n;
    return new Dec(q, scale);
  }

  /** The exact quotient with the smallest scale at or above Java's preferred scale (this.scale − divisor.scale). */
  divideExact(divisor: Dec): Dec {
    const preferred = Math.max(0, this.scale - divisor.scale);
    for (let scale = preferred; scale < preferred + 400; scale++) {
      const q = this.divide(divisor, scale, 'down');
      if (q.mul(divisor).cmp(this) === 0) return q;
    }
    throw new RangeError('non-terminating decimal expansion');
  }

  /** Rounded towards zero to `scale` digits (Java's setScale(scale, DOWN)); a larger scale pads zeros. */
  setScaleDown(scale: number): Dec {
    if (scale >= this.scale) return new Dec(this.at(scale), scale);
    return new Dec(this.unscaled / 10n ** BigInt(this.scale - scale), scale);
  }

  /** The same value at the smallest scale that holds it, never below 0 ("15.00" → "15"). */
  stripTrailingZeros(): Dec {
    let { unscaled, scale } = this;
    while (scale > 0 && unscaled % 10n === 0n) {
      unscaled /= 10n;
      scale--;
    }
    return new Dec(unscaled, scale);
  }

  /** Java's BigDecimal.toString: plain unless the exponent is small, then scientific ("1E-7"). */
  toString(): string {
    const negative = this.unscaled < 0n;
    const digits = (negative ? -this.unscaled : this.unscaled).toString();
    const sign = negative ? '-' : '';
    if (this.scale === 0) return sign + digits;
    const adjusted = digits.length - 1 - this.scale;
    if (this.scale > 0 && adjusted >= -6) {
      const point = digits.length - this.scale;
      return point > 0
        ? `${sign}${digits.slice(0, point)}.${digits.slice(point)}`
        : `${sign}0.${'0'.repeat(-point)}${digits}`;
    }
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${mantissa}E${adjusted > 0 ? '+' : ''}${adjusted}`;
  }

  /** Truncated to a whole number (Java's intValue for values in range). */
  toIntTruncated(): bigint {
    return this.unscaled / 10n ** BigInt(this.scale);
  }
}

/** a / b to `precision` significant digits, half-even (Java's MathContext.DECIMAL32 is precision 7). */
export function divideToPrecision(a: Dec, b: Dec, precision: number): Dec {
  if (a.signum() === 0) return Dec.ZERO;
  // Find the scale that leaves `precision` significant digits, then round half-even at it.
  let scale = precision;
  let q = a.divide(b, scale, 'down');
  const digitsOf = (d: Dec) => (d.unscaled < 0n ? -d.unscaled : d.unscaled).toString().length;
  while (digitsOf(q) < precision) {
    scale += precision - digitsOf(q);
    q = a.divide(b, scale, 'down');
  }
  while (digitsOf(q) > precision) {
    scale -= digitsOf(q) - precision;
    q = a.divide(b, scale, 'down');
  }
  const finer = a.divide(b, scale + 30, 'down');
  const rest = finer.sub(q).unscaled; // at scale + 30, always ≥ 0 for positive operands
  const half = 5n * 10n ** 29n;
  if (rest > half || (rest === half && q.unscaled % 2n !== 0n)) q = Dec.of(q.unscaled + 1n, scale);
  // An exact quotient keeps Java's preferred scale (a.scale − b.scale) where its digits allow.
  if (rest === 0n) {
    const preferred = Math.max(0, a.scale - b.scale);
    let { unscaled } = q;
    let s = scale;
    while (s > preferred && unscaled % 10n === 0n) {
      unscaled /= 10n;
      s--;
    }
    q = Dec.of(unscaled, s);
  }
  return q;
}
