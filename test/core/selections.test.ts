import { describe, expect, it } from 'vitest';
import { nameSelections } from '../../src/core/election/selections.js';
import { definitionWith } from '../support/fixtures.js';

const election = definitionWith([
  {
    id: 'mayor',
    title: 'Mayor',
    type: 'ranked',
    maxRankings: 4,
    candidates: [
      { id: 'a', name: 'Ann Lee' },
      { id: 'b', name: 'Bo Diaz' },
      { id: 'w', name: 'Write-in', writeIn: true },
    ],
  },
  {
    id: 'council',
    title: 'Council',
    type: 'candidate',
    votesAllowed: 2,
    candidates: [
      { id: 'a', name: 'Ann Lee' },
      { id: 'b', name: 'Bo Diaz' },
    ],
  },
]);

describe('a record named by its definition', () => {
  it('reads a ranked record rank by rank, overvotes and write-in text in place', () => {
    const r = nameSelections(election, {
      contest: 'mayor',
      marks: [
        { choice: 'w', rank: 3, writeIn: 'Cy Fox' },
        { choice: 'b', rank: 1 },
        { choice: 'b', rank: 4 },
      ],
      overvotedRanks: [2],
    });
    expect(r).toEqual({
      ok: true,
      value: {
        contest: 'mayor',
        title: 'Mayor',
        selections: ['1. Bo Diaz', '2. OVERVOTE', '3. Write-in ("Cy Fox")', '4. Bo Diaz'],
      },
    });
  });

  it('says OVERVOTE for an overvoted contest and nothing for a blank one', () => {
    const over = nameSelections(election, { contest: 'council', marks: [], overvotedRanks: [1] });
    expect(over.ok && over.value.selections).toEqual(['OVERVOTE']);
    const blank = nameSelections(election, { contest: 'council', marks: [] });
    expect(blank.ok && blank.value.selections).toEqual([]);
  });

  it('refuses a definition that does not name the record', () => {
    expect(nameSelections(election, { contest: 'governor', marks: [] })).toEqual({
      ok: false,
      error: 'the definition has no contest "governor"',
    });
    expect(nameSelections(election, { contest: 'council', marks: [{ choice: 'z' }] })).toEqual({
      ok: false,
      error: 'the definition\'s contest Council has no choice "z"',
    });
  });
});
