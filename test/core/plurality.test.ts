import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { Cvr } from '../../src/core/cvr/model.js';
import { toElectionReport } from '../../src/core/tabulate/nist-err.js';
import { countsBytes, GROUP_BY, PluralityTally, parseCounts } from '../../src/core/tabulate/plurality.js';
import { syntheticElection } from '../../src/formats/synthetic/election.js';
import { describeWithShared } from '../support/shared.js';

const { election } = syntheticElection({ ballots: 10, seed: 'p' });
const ballot = (id: string, precinct: string, contests: Cvr['contests']): Cvr => ({
  jurisdiction: 'example-county',
  id,
  precinct,
  contests,
});

function hand() {
  const t = new PluralityTally(election, 'precinct');
  t.add(
    ballot('1', 'p-001', [
      { contest: 'governor', marks: [{ choice: 'gov-1' }] },
      { contest: 'commission', marks: [{ choice: 'com-1' }, { choice: 'com-2' }] },
    ]),
  );
  t.add(
    ballot('2', 'p-001', [
      { contest: 'governor', marks: [{ choice: 'gov-1' }, { choice: 'gov-2' }] },
      { contest: 'commission', marks: [{ choice: 'com-1' }] },
    ]),
  );
  t.add(
    ballot('3', 'p-002', [
      { contest: 'governor', marks: [] },
      { contest: 'commission', marks: [{ choice: 'com-1' }, { choice: 'com-2' }, { choice: 'com-3' }] },
    ]),
  );
  t.add(
    ballot('4', 'p-002', [
      { contest: 'governor', marks: [{ choice: 'gov-wi-1', writeIn: 'Mickey' }] },
      { contest: 'measure-a', marks: [{ choice: 'measure-a-no' }] },
    ]),
  );
  return t;
}

describe('plurality tabulation (VVSG convention)', () => {
  it('counts votes, overvotes, undervotes, ballots and write-ins', () => {
    const [governor, commission, measure, ...rest] = hand().contests();
    expect(rest).toEqual([]); // the ranked contest is left to the ranked-choice tabulator
    expect(governor).toEqual({
      id: 'governor',
      name: 'Governor',
      results: { 'Ada Lovelace': 1, 'Grace Hopper': 0, 'Alan Turing': 0, 'Write-in': 1 },
      overvotes: 1,
      undervotes: 1,
      ballots: 4,
    });
    expect(commission).toMatchObject({
      results: { 'Ruth Bader': 2, 'Thurgood Marshall': 1 },
      overvotes: 2,
      undervotes: 1,
      ballots: 3,
    });
    expect(measure).toMatchObject({ results: { Yes: 0, No: 1 }, overvotes: 0, undervotes: 0, ballots: 1 });
  });

  it('groups by precinct, each group summing to the totals', () => {
    const t = hand();
    const groups = t.groups();
    expect(groups.map((g) => g.id)).toEqual(['p-001', 'p-002']);
    const gov = (id: string) => groups.find((g) => g.id === id)!.contests.find((c) => c.id === 'governor')!;
    expect(gov('p-001')).toMatchObject({ ballots: 2, overvotes: 1, results: { 'Ada Lovelace': 1 } });
    expect(gov('p-001').ballots + gov('p-002').ballots).toBe(4);
    expect(groups.find((g) => g.id === 'p-001')!.contests.map((c) => c.id)).toEqual([
      'governor',
      'commission',
    ]);
  });
});

describeWithShared('NIST SP 1500-100 v2 results', 'standards/nist-1500-100-err-v2.schema.json', (file) => {
  it('is valid against the published schema, with totals and precinct counts', () => {
    const ajv = new Ajv.default({ strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(file, 'utf8')));
    const t = hand();
    const report = toElectionReport({
      election,
      contests: t.contests(),
      precincts: t.groups(),
      status: 'unofficial-complete',
      generatedDate: '2026-11-04T03:00:00Z',
      application: 'Tallyproof test',
    });
    expect(validate(report), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const governor = report.Election[0]!.Contest.find((c) => c['@id'] === 'governor')!;
    const ada = governor.ContestSelection[0]!;
    expect(ada.VoteCounts).toEqual([
      { '@type': 'ElectionResults.VoteCounts', Count: 1, GpUnitId: 'example-county', Type: 'total' },
      { '@type': 'ElectionResults.VoteCounts', Count: 1, GpUnitId: 'p-001', Type: 'total' },
      { '@type': 'ElectionResults.VoteCounts', Count: 0, GpUnitId: 'p-002', Type: 'total' },
    ]);
    expect(path.basename(file)).toContain('1500-100');
  });
});

describe('counts an import logs', () => {
  const { election: county, cvrs } = syntheticElection({ ballots: 600, seed: 'counts' });
  const all = [...cvrs()].map((c, i) => (i % 97 === 0 ? { ...c, batch: '__proto__' } : c));

  it('add up, in any split of the CVRs, to the tally of them all, through their logged bytes', () => {
    const whole = new PluralityTally(county, GROUP_BY);
    for (const c of all) whole.add(c);
    const parts = [all.slice(0, 250), all.slice(250)].map((part) => {
      const t = new PluralityTally(county, GROUP_BY);
      for (const c of part) t.add(c);
      return parseCounts(countsBytes(t.counts()));
    });
    for (const by of GROUP_BY) {
      const direct = new PluralityTally(county, by);
      for (const c of all) direct.add(c);
      const summed = new PluralityTally(county, by);
      for (const p of parts) summed.addCounts(p);
      expect(summed.contests()).toEqual(direct.contests());
      expect(summed.groups()).toEqual(direct.groups());
    }
    // A batch named like an object's prototype is a group like any other.
    const batches = new PluralityTally(county, 'batch');
    for (const p of parts) batches.addCounts(p);
    expect(batches.groups().find((g) => g.id === '__proto__')?.contests[0]?.ballots).toBeGreaterThan(0);
    // What an import logs is the same bytes however its batches were split among workers.
    const merged = new PluralityTally(county, GROUP_BY);
    for (const p of parts) merged.addCounts(p);
    expect(Buffer.from(countsBytes(merged.counts())).equals(Buffer.from(countsBytes(whole.counts())))).toBe(
      true,
    );
  });

  it('refuse counts that are not tallyproof-counts/1', () => {
    expect(() =>
      parseCounts(new TextEncoder().encode('{"format":"tallyproof-counts/1","contests":{}}')),
    ).toThrow(/not tallyproof-counts\/1/);
  });
});
