/**
 * The Java behaviour RCTab's results depend on, checked against values printed by OpenJDK 17
 * (java.util.Random, Collections.shuffle, HashSet iteration, BigDecimal arithmetic and toString).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec, divideToPrecision } from '../../src/core/rcv/decimal.js';
import { JavaRandom, javaDoubleString, javaHashOrder, javaShuffle } from '../../src/core/rcv/java-compat.js';

describe('java.util.Random', () => {
  it('draws what OpenJDK draws for the same seed', () => {
    const zero = new JavaRandom(0n);
    expect([zero.nextDouble(), zero.nextDouble()]).toEqual([0.730967787376657, 0.24053641567148587]);
    const negative = new JavaRandom(-5n);
    expect([
      negative.nextDouble(),
      negative.nextInt(7),
      negative.nextInt(16),
      negative.nextInt(1000000007),
    ]).toEqual([0.26930095796932485, 2, 5, 817965352]);
    expect(new JavaRandom(140737488355327n).nextDouble()).toBe(0.7689426383310856);
  });

  it('shuffles as Collections.shuffle does', () => {
    const list = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'];
    javaShuffle(list, new JavaRandom(3n));
    expect(list).toEqual(['C', 'E', 'D', 'G', 'B', 'A', 'H', 'F']);
  });
});

describe('HashSet iteration order', () => {
  it('matches OpenJDK for 30 strings (two table resizes)', () => {
    const names = Array.from({ length: 30 }, (_, i) => `Candidate ${String.fromCharCode(65 + (i % 26))}${i}`);
    expect(javaHashOrder(names).join('|')).toBe(
      'Candidate Z25|Candidate L11|Candidate K10|Candidate O14|Candidate M12|Candidate P15|Candidate N13|Candidate S18|Candidate T19|Candidate B1|Candidate D3|Candidate F5|Candidate H7|Candidate J9|Candidate Q16|Candidate R17|Candidate B27|Candidate A26|Candidate D29|Candidate C28|Candidate U20|Candidate X23|Candidate Y24|Candidate V21|Candidate A0|Candidate C2|Candidate E4|Candidate G6|Candidate I8|Candidate W22',
    );
  });
});

describe('decimals with BigDecimal scale rules', () => {
  it('prints as BigDecimal.toString', () => {
    expect(Dec.parse('0.0000001').toString()).toBe('1E-7');
    expect(Dec.parse('-0.05').toString()).toBe('-0.05');
    expect(Dec.parse('123.4500').toString()).toBe('123.4500');
  });

  it('divides at a scale, down or up, and exactly', () => {
    expect(Dec.int(10).divide(Dec.int(3), 4, 'down').toString()).toBe('3.3333');
    expect(Dec.int(-10).divide(Dec.int(3), 2, 'up').toString()).toBe('-3.34');
    expect(Dec.parse('2.50').divide(Dec.parse('0.4'), 3, 'down').toString()).toBe('6.250');
    expect(Dec.int(15).divideExact(Dec.int(100)).toString()).toBe('0.15');
    expect(Dec.int(10).divideExact(Dec.int(100)).toString()).toBe('0.1');
    expect(Dec.parse('1.0').add(Dec.parse('2.125')).mul(Dec.parse('0.10')).toString()).toBe('0.31250');
  });

  it('divides to seven significant digits, half-even (MathContext.DECIMAL32)', () => {
    expect(divideToPrecision(Dec.int(2), Dec.int(3), 7).toString()).toBe('0.6666667');
    expect(divideToPrecision(Dec.int(41), Dec.int(83), 7).toString()).toBe('0.4939759');
    expect(divideToPrecision(Dec.int(1), Dec.int(8), 7).toString()).toBe('0.125');
  });

  it('prints shares as Java prints a double', () => {
    expect([28, 5000, 1, 10000, 4939].map((n) => javaDoubleString(n / 100))).toEqual([
      '0.28',
      '50.0',
      '0.01',
      '100.0',
      '49.39',
    ]);
  });

  it('keeps exact sums: adding n copies equals multiplying by n, at the same scale', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }),
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 0, max: 50 }),
        (u, scale, n) => {
          const d = Dec.of(u, scale);
          let sum = Dec.ZERO;
          for (let i = 0; i < n; i++) sum = sum.add(d);
          const times = d.times(BigInt(n));
          expect(times.cmp(sum)).toBe(0);
          if (n > 0) expect(times.toString()).toBe(sum.toString());
        },
      ),
    );
  });
});
