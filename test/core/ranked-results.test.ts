import { describe, expect, it } from 'vitest';
import type { Cvr } from '../../src/core/cvr/model.js';
import { RankedTally } from '../../src/core/rcv/ranked-results.js';
import { definitionWith } from '../support/fixtures.js';

const election = definitionWith([
  {
    id: 'mayor',
    title: 'Mayor',
    type: 'ranked',
    maxRankings: 3,
    candidates: [
      { id: 'a', name: 'Ann' },
      { id: 'b', name: 'Bo' },
      { id: 'c', name: 'Cy' },
    ],
  },
]);

const ballot = (id: string, ...ranks: string[]): Cvr => ({
  jurisdiction: 'j',
  id,
  contests: [{ contest: 'mayor', marks: ranks.map((choice, i) => ({ choice, rank: i + 1 })) }],
});

describe('ranked results of an election', () => {
  it('counts identical rankings once with their number, and reports the rounds', () => {
    const tally = new RankedTally(election);
    const ballots = [
      ...Array.from({ length: 4 }, (_, i) => ballot(`a${i}`, 'a')),
      ...Array.from({ length: 3 }, (_, i) => ballot(`b${i}`, 'b', 'a')),
      ...Array.from({ length: 2 }, (_, i) => ballot(`c${i}`, 'c', 'b')),
      ballot('blank'),
    ];
    for (const b of ballots) tally.add(b);
    const [mayor] = tally.contests();
    expect(mayor).toMatchObject({ ballots: 10, undervotes: 1, winners: ['Bo'], exhausted: '0' });
    const rounds = 'passes' in mayor! ? mayor.passes[0]!.rounds : [];
    expect(
      rounds.map((r) => [r.votes.map((v) => `${v.candidate}=${v.votes}`), r.eliminated, r.elected]),
    ).toEqual([
      [['Ann=4', 'Bo=3', 'Cy=2'], ['Cy'], []],
      [['Ann=4', 'Bo=5'], [], ['Bo']],
    ]);
  });

  it('says why a count cannot finish instead of deciding a tie for the officials', () => {
    const tally = new RankedTally(election);
    tally.add(ballot('1', 'a'));
    tally.add(ballot('2', 'b'));
    tally.add(ballot('3', 'c'));
    const [mayor] = tally.contests();
    expect(mayor).toMatchObject({ id: 'mayor', ballots: 3 });
    expect('unresolved' in mayor! && mayor.unresolved).toMatch(
      /tie to eliminate one of .*needs an operator's decision/,
    );
    expect(new RankedTally(election).contests()).toEqual([
      { id: 'mayor', name: 'Mayor', ballots: 0, unresolved: 'no ballot carries this contest' },
    ]);
  });
});
