/** Rivest's consistent sampler against the published checks (STANDARDS.md §6). */
import { describe, expect, it } from 'vitest';
import {
  arloBallotId,
  drawSample,
  firstTicket,
  nextTicket,
  pythonStrRepr,
  seedHash,
  truncateTicket,
  uniform,
} from '../../src/core/rla/sampler.js';

describe('consistent sampler', () => {
  it('computes uniform("abc") as published', () => {
    expect(uniform('abc')).toBe(
      '0.56998071861792858926477341561059638840106636224182943832566300809078486324348',
    );
  });

  it("trims tickets as Rivest's trim does: digits start at the first digit that is not 9", () => {
    expect(truncateTicket('0.9991234567890', 4)).toBe('0.9991234');
    expect(truncateTicket('0.3032413479123', 9)).toBe('0.303241347');
  });

  it("shows the tickets of the sampler's published example (range(100), seed 41, take 5)", () => {
    const ids = Array.from({ length: 100 }, (_, i) => String(i));
    expect(drawSample('41', ids, { count: 5 }).map((d) => [d.ticket, d.id])).toEqual([
      ['0.000508333', '73'],
      ['0.003446232', '51'],
      ['0.004419823', '17'],
      ['0.020115273', '58'],
      ['0.023482375', '38'],
    ]);
  });

  it('draws B-2, B-3, A-3, A-2 first for seed 314159 without replacement', () => {
    const ids = ['A-1', 'A-2', 'A-3', 'B-1', 'B-2', 'B-3'];
    expect(drawSample('314159', ids, { count: 4 }).map((d) => d.id)).toEqual(['B-2', 'B-3', 'A-3', 'A-2']);
  });

  it('draws what sorting every id by its whole ticket gives (the fast path: resumed hashing, ticket prefixes, a bounded heap)', () => {
    const ids = Array.from({ length: 5000 }, (_, i) =>
      i % 3 === 0 ? `('précinct ${i % 17}', ${i})` : `B-${i}`,
    );
    for (const seed of ['314159', '27182818284590452353', 'a seed with spaces ✓']) {
      const hashed = seedHash(seed);
      const reference = ids
        .map((id) => ({ id, ticket: firstTicket(hashed, id) }))
        .sort((a, b) => (a.ticket < b.ticket ? -1 : a.ticket > b.ticket ? 1 : 0))
        .slice(0, 300)
        .map((d) => ({ id: d.id, ticket: truncateTicket(d.ticket, 40), draw: 1 }));
      expect(drawSample(seed, ids, { count: 300, digits: 40 })).toEqual(reference);
    }
  });

  it('with replacement, draws every id again with a larger ticket, counting repeats', () => {
    const ids = ['A-1', 'A-2', 'A-3'];
    const draws = drawSample('314159', ids, { count: 12, withReplacement: true, digits: 40 });
    expect(draws).toHaveLength(12);
    for (let i = 1; i < draws.length; i++) expect(draws[i]!.ticket > draws[i - 1]!.ticket).toBe(true);
    for (const id of ids) {
      const mine = draws.filter((d) => d.id === id);
      expect(mine.map((d) => d.draw)).toEqual(mine.map((_, k) => k + 1));
    }
    // The first draws are the without-replacement order.
    const first = drawSample('314159', ids, { count: 3 }).map((d) => d.id);
    expect(draws.filter((d) => d.draw === 1).map((d) => d.id)).toEqual(first);
    const t = uniform('x');
    expect(nextTicket(t) > t).toBe(true);
  });

  it('names Arlo ballots as Python reprs of (batch, position)', () => {
    expect(arloBallotId('pct 2', 3)).toBe("('pct 2', 3)");
    expect(pythonStrRepr("O'Brien")).toBe('"O\'Brien"');
    expect(pythonStrRepr('say "hi" it\'s')).toBe("'say \"hi\" it\\'s'");
    expect(pythonStrRepr('a\\b\tc')).toBe("'a\\\\b\\tc'");
  });

  it("spells names exactly as CPython's repr (3.11), unprintable characters escaped", () => {
    // [text, repr(text)] as printed by CPython.
    const cases: [string, string][] = [
      ['Pct\u00a01', "'Pct\\xa01'"],
      ['zero\u200bwidth', "'zero\\u200bwidth'"],
      ['line\u2028sep', "'line\\u2028sep'"],
      ['soft\u00adhyphen', "'soft\\xadhyphen'"],
      ['\u007fdel', "'\\x7fdel'"],
      ['bom\ufeff', "'bom\\ufeff'"],
      ['Café 🗳', "'Café 🗳'"],
      ['it\'s "x"', "'it\\'s \"x\"'"],
    ];
    for (const [text, repr] of cases) expect(pythonStrRepr(text), text).toBe(repr);
    // A running Arlo's names: ((jurisdiction, tabulator or None, batch), position).
    expect(arloBallotId("O'Brien", 12, { jurisdiction: 'J1', tabulator: 'T-2' })).toBe(
      `(('J1', 'T-2', "O'Brien"), 12)`,
    );
    expect(arloBallotId('B 1', 7, { jurisdiction: "St. Mary's" })).toBe(`(("St. Mary's", None, 'B 1'), 7)`);
  });
});
