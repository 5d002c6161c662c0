/** Dominion's CSV CVR export: the four header rows, Excel text cells, ranked columns, and what it refuses. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateElection } from '../../src/app/generate.js';
import { importFiles } from '../../src/app/import-cvrs.js';
import { loadElectionFile } from '../../src/app/load-election.js';
import { verifyStore } from '../../src/app/verify-store.js';
import { parseContestHeader } from '../../src/formats/dominion/dominion-csv-format.js';
import { Store } from '../../src/store/store.js';
import { now, testKeys } from '../support/fixtures.js';
import { importAndRead } from '../support/import.js';
import { tempDir } from '../support/stores.js';

const write = (lines: string[]) => {
  const file = path.join(tempDir(), 'cvr-export.csv');
  writeFileSync(file, `${lines.join('\r\n')}\r\n`);
  return file;
};

/** Two tabulators' ballots, a vote-for-2 contest, a measure, a counting group and precinct portions. */
const COUNTY = [
  'Test County General,5.17.17.1,,,,,,,,,,,,',
  ',,,,,,,,Sheriff (Vote For=1),Sheriff (Vote For=1),Council (Vote For=2),Council (Vote For=2),Council (Vote For=2),Measure 7 (Vote For=1),Measure 7 (Vote For=1)',
  ',,,,,,,,"Lee, Pat",Write-in,Ann Cole,Bo Diaz,Cy Evans,Yes,No',
  'CvrNumber,TabulatorNum,BatchId,RecordId,ImprintedId,CountingGroup,PrecinctPortion,BallotType,DEM,,NP,NP,NP,,',
  '1,101,1,1,101-1-1,Election Day,P-1 (11),Style 1,1,0,1,1,0,1,0',
  '2,101,1,2,101-1-2,Election Day,P-1 (11),Style 1,1,1,1,1,1,0,0',
  '3,102,4,1,102-4-1,Mail,P-2 (12),Style 2,0,1,0,0,1,,',
];

describe('Dominion CSV export', () => {
  it('reads contest headers, plain and ranked, with line breaks inside', () => {
    expect(parseContestHeader('Council (Vote For=2)')).toEqual({ name: 'Council', voteFor: 2 });
    expect(parseContestHeader('City Mayor\n(Number of positions=1, Number of ranks=4)')).toEqual({
      name: 'City Mayor',
      voteFor: 1,
      ranks: 4,
    });
    expect(parseContestHeader('Council')).toBeUndefined();
  });

  it('imports ballots with their vendor ids, absent contests, overvotes and undervotes', async () => {
    const { cvrs, tally, election, summary } = await importAndRead('dominion', write(COUNTY));
    expect(summary.cvrs).toBe(3);
    expect(election.title).toBe('Test County General');
    expect(cvrs.map((c) => [c.id, c.tabulator, c.batch, c.position, c.imprintedId, c.countingGroup])).toEqual(
      [
        ['101-1-1', '101', '1', 1, '101-1-1', 'Election Day'],
        ['101-1-2', '101', '1', 2, '101-1-2', 'Election Day'],
        ['102-4-1', '102', '4', 1, '102-4-1', 'Mail'],
      ],
    );
    expect(cvrs[2]!.contests.map((c) => c.contest)).toEqual(['Council', 'Sheriff']);
    const byName = new Map(tally.contests.map((c) => [c.name, c]));
    expect(byName.get('Sheriff')).toMatchObject({
      results: { 'Lee, Pat': 1, 'Write-in': 1 },
      overvotes: 1,
      undervotes: 0,
      ballots: 3,
    });
    expect(byName.get('Council')).toMatchObject({
      results: { 'Ann Cole': 1, 'Bo Diaz': 1, 'Cy Evans': 1 },
      overvotes: 2,
      undervotes: 1,
      ballots: 3,
    });
    expect(byName.get('Measure 7')).toMatchObject({ results: { Yes: 1, No: 0 }, undervotes: 1, ballots: 2 });
    expect(election.contests.find((c) => c.id === 'Sheriff')).toMatchObject({
      candidates: [{ name: 'Lee, Pat' }, { name: 'Write-in', writeIn: true }],
    });
    expect(election.precincts.map((p) => p.id)).toEqual(['P-1 (11)', 'P-2 (12)']);
  });

  it('reads Excel text cells and ranked contests, rank by rank', async () => {
    const rcv = '"Mayor (Number of positions=1, Number of ranks=2)"';
    const file = write([
      '"Ranked Town",="5.17.17.1",,,,,,,,,',
      `,,,,,,${[rcv, rcv, rcv, rcv].join(',')},"Clerk\nof Court (Vote For=1)","Clerk\nof Court (Vote For=1)"`,
      ',,,,,,Ava(1),Ben(1),Ava(2),Ben(2),Cal,Dee',
      '"CvrNumber","TabulatorNum","BatchId","RecordId","ImprintedId","BallotType",,,,,,',
      '="1",="7",="2",="15",="7-2-15","DS-01",0,1,1,0,1,0',
      '="2",="7",="2",="16",="7-2-16","DS-01",1,0,0,0,,',
    ]);
    const { cvrs, election } = await importAndRead('dominion', file);
    expect(election.contests.map((c) => [c.id, c.type])).toEqual([
      ['Mayor', 'ranked'],
      ['Clerk of Court', 'candidate'],
    ]);
    expect(cvrs.map((c) => [c.id, c.imprintedId, c.ballotStyle])).toEqual([
      ['7-2-15', '7-2-15', 'DS-01'],
      ['7-2-16', '7-2-16', 'DS-01'],
    ]);
    const mayor = cvrs[0]!.contests.find((c) => c.contest === 'Mayor')!;
    expect(mayor.marks).toEqual([
      { choice: 'Ben', rank: 1 },
      { choice: 'Ava', rank: 2 },
    ]);
    expect(cvrs[1]!.contests.map((c) => c.contest)).toEqual(['Mayor']);
  });

  it('imports a generated export against the loaded definition, names resolved to its ids', async () => {
    const g = await generateElection(tempDir(), {
      ballots: 300,
      seed: 'dominion-csv',
      format: 'dominion-csv',
    });
    expect(g.importFormat).toBe('dominion');
    const { cvrs, tally, election } = await importAndRead(
      'dominion',
      g.cvrFiles[0]!,
      undefined,
      g.definition,
    );
    expect(cvrs).toHaveLength(300);
    const truth = JSON.parse(readFileSync(g.truth, 'utf8')) as {
      contests: { name: string; results: Record<string, number>; overvotes: number; ballots: number }[];
    };
    for (const contest of election.contests.filter((c) => c.type !== 'ranked')) {
      const want = truth.contests.find((t) => t.name === contest.title)!;
      expect(tally.contests.find((t) => t.id === contest.id)).toMatchObject({
        results: want.results,
        overvotes: want.overvotes,
        ballots: want.ballots,
      });
    }
    const ids = new Set(election.precincts.flatMap((p) => [p.id, ...p.splits.map((s) => s.id)]));
    expect(cvrs.every((c) => c.precinct !== undefined && ids.has(c.precinct))).toBe(true);
  });

  describe('bad exports are refused with file, line and reason, and nothing is stored', () => {
    const refuse = async (lines: string[], pattern: RegExp, definition?: string) => {
      const keys = testKeys();
      const store = await Store.open({ sqlitePath: path.join(tempDir(), 's.db') });
      try {
        if (definition) await loadElectionFile(store, definition, readFileSync(definition), { now });
        const [good] = await importFiles(store, [write(COUNTY.slice(0, 5))], {
          format: 'dominion',
          signer: keys.signer,
          now,
        }).catch(() => [undefined]);
        const before = await store.logSize();
        await expect(
          importFiles(store, [write(lines)], { format: 'dominion', signer: keys.signer, now }),
        ).rejects.toThrow(pattern);
        expect(await store.logSize()).toBe(before);
        if (good) expect((await verifyStore(store, keys.verifier)).ok).toBe(true);
      } finally {
        await store.close();
      }
    };
    const withRow = (row: string) => [...COUNTY.slice(0, 4), COUNTY[5]!, row];

    it('a contest header without its vote-for', () =>
      refuse(
        [
          COUNTY[0]!,
          COUNTY[1]!.replace('Measure 7 (Vote For=1),Measure', 'Measure 7,Measure'),
          ...COUNTY.slice(2),
        ],
        /cvr-export\.csv: line 2, column 14: "Measure 7" is not "Contest \(Vote For=N\)"/,
      ));

    it('a mark cell that is not 0 or 1', () =>
      refuse(
        withRow('9,101,1,9,101-1-9,Election Day,P-1 (11),Style 1,1,0,1,2,0,1,0'),
        /line 6: column 12 \(contest "Council"\) holds "2", not 0 or 1/,
      ));

    it('a contest blank in some of its columns only (a shifted row)', () =>
      refuse(
        withRow('9,101,1,9,101-1-9,Election Day,P-1 (11),Style 1,1,0,1,,0,1,0'),
        /line 6: contest "Council" is blank in 1 of its 3 columns/,
      ));

    it('a ballot with no record id', () =>
      refuse(withRow('9,101,1,,101-1-9,Election Day,P-1 (11),Style 1,1,0,1,0,0,1,0'), /line 6: no RecordId/));

    it('the same ballot twice', () =>
      refuse(
        withRow('9,101,1,2,101-1-2,Election Day,P-1 (11),Style 1,1,0,1,0,0,1,0'),
        /CVR id 101-1-2 appears twice in this import/,
      ));

    it('a file that is not a Dominion CVR export', () =>
      refuse(
        ['RowNumber,BoxID', ',,Contest (Vote For=1)', ',,A', 'RowNumber,BoxID,BoxPosition'],
        /line 4: no CvrNumber, TabulatorNum, BatchId, RecordId column before the contest columns/,
      ));

    it('a file cut inside its header rows', () =>
      refuse(COUNTY.slice(0, 2), /the file ends inside its 4 header rows/));

    it('a choice the loaded definition does not have, with the closest name', async () => {
      const g = await generateElection(tempDir(), {
        ballots: 20,
        seed: 'bad-choice',
        format: 'dominion-csv',
      });
      const lines = readFileSync(g.cvrFiles[0]!, 'utf8').trimEnd().split('\r\n');
      lines[2] = lines[2]!.replace('Ada Lovelace', 'Ada Lovelase');
      await refuse(lines, /line \d+ \(id [^)]+\): .*"Ada Lovelase".*Ada Lovelace/, g.definition);
    });
  });
});
