/**
 * An audit board writes a ranked contest exactly as the paper shows it, rank by rank — OVERVOTE where a
 * rank has two candidates, SKIPPED where it has none, a candidate ranked again — and the contest's rules
 * read it as they read the CVR, so a literal transcription of `Poliquin, Golden, overvote, Bond` agrees
 * with its CVR instead of showing a false discrepancy.
 */
import { describe, expect, it } from 'vitest';
import { parseRanks } from '../../src/app/audit/record.js';
import { paperReadingOf, readingOf } from '../../src/core/audit/reported.js';
import type { RankedContest } from '../../src/core/election/schema.js';

const contest = (rules?: Record<string, unknown>) =>
  ({
    type: 'ranked',
    id: 'cd2',
    title: 'Congress, District 2',
    seats: 1,
    maxRankings: 5,
    candidates: [
      { id: 'poliquin', name: 'Poliquin' },
      { id: 'golden', name: 'Golden' },
      { id: 'bond', name: 'Bond' },
      { id: 'hoar', name: 'Hoar' },
    ],
    ...(rules ? { rules } : {}),
  }) as unknown as RankedContest;

/** The paper as the board wrote it, read by the rules; and the CVR of the same marks. */
const both = (
  c: RankedContest,
  cell: string,
  cvr: { marks: { choice: string; rank: number }[]; overvotedRanks?: number[] },
) => ({
  paper: paperReadingOf(c, parseRanks(c, cell, 'readings.csv', 'line 2')),
  cvr: readingOf(c, cvr),
});

const overvoteAt3 = {
  marks: [
    { choice: 'poliquin', rank: 1 },
    { choice: 'golden', rank: 2 },
    { choice: 'bond', rank: 3 },
    { choice: 'hoar', rank: 3 },
    { choice: 'bond', rank: 4 },
  ],
};

describe('ranked readings', () => {
  it('logs ranks only where the cell is not a plain ranking', () => {
    const c = contest();
    expect(parseRanks(c, 'Poliquin;Golden', 'f', 'line 2')).toEqual({ choices: ['poliquin', 'golden'] });
    expect(parseRanks(c, 'Poliquin;Golden;OVERVOTE;Bond', 'f', 'line 2')).toEqual({
      choices: ['poliquin', 'golden', 'bond'],
      ranks: [1, 2, 4],
      overvotedRanks: [3],
    });
    expect(parseRanks(c, 'Poliquin;SKIPPED;Golden', 'f', 'line 2')).toEqual({
      choices: ['poliquin', 'golden'],
      ranks: [1, 3],
    });
    expect(parseRanks(c, 'Poliquin;Poliquin;Golden', 'f', 'line 2')).toEqual({
      choices: ['poliquin', 'poliquin', 'golden'],
    });
  });

  it('reads an overvoted rank as the CVR does, under either overvote rule', () => {
    const cell = 'Poliquin;Golden;OVERVOTE;Bond';
    expect(both(contest(), cell, overvoteAt3)).toEqual({
      paper: ['poliquin', 'golden'],
      cvr: ['poliquin', 'golden'],
    });
    const skip = contest({ overvoteRule: 'alwaysSkipToNextRank' });
    expect(both(skip, cell, overvoteAt3)).toEqual({
      paper: ['poliquin', 'golden', 'bond'],
      cvr: ['poliquin', 'golden', 'bond'],
    });
  });

  it('reads skipped ranks and repeated rankings by the contest’s rules', () => {
    const skipped = {
      marks: [
        { choice: 'poliquin', rank: 1 },
        { choice: 'golden', rank: 3 },
      ],
    };
    expect(both(contest(), 'Poliquin;SKIPPED;Golden', skipped)).toEqual({
      paper: ['poliquin', 'golden'],
      cvr: ['poliquin', 'golden'],
    });
    expect(both(contest({ maxSkippedRanksAllowed: '0' }), 'Poliquin;SKIPPED;Golden', skipped)).toEqual({
      paper: ['poliquin'],
      cvr: ['poliquin'],
    });
    const repeated = {
      marks: [
        { choice: 'poliquin', rank: 1 },
        { choice: 'poliquin', rank: 2 },
        { choice: 'bond', rank: 3 },
      ],
    };
    expect(both(contest(), 'Poliquin;Poliquin;Bond', repeated)).toEqual({
      paper: ['poliquin', 'bond'],
      cvr: ['poliquin', 'bond'],
    });
  });

  it('refuses more ranks than the contest has, and a name that is no candidate', () => {
    const c = contest();
    expect(() => parseRanks(c, 'Poliquin;SKIPPED;SKIPPED;SKIPPED;SKIPPED;Bond', 'f', 'line 7')).toThrow(
      /f: line 7: 6 ranks, more than the 5 Congress, District 2 allows/,
    );
    expect(() => parseRanks(c, 'Poliquin;Goldn', 'f', 'line 7')).toThrow(/"Goldn" is not a choice.*Golden/);
  });
});
