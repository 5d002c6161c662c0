/**
 * `--format ranks`: one row per ranking, `ballot_id,rank,choice` (and optional columns), with `$OVERVOTE` and
 * `$UNDERVOTE` markers read exactly — an overvote at that rank, a skipped rank — so the contest's own
 * ranked-choice rules then decide what they mean. A ballot split across non-adjacent rows, and a rank that is
 * not a whole number, are refused with their line, nothing stored.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyStore } from '../../src/app/verify-store.js';
import type { Cvr } from '../../src/core/cvr/model.js';
import { parseVerifierKey } from '../../src/core/log/note.js';
import { Store } from '../../src/store/store.js';
import { ok, okJson, tp } from '../support/cli.js';
import { tempDir } from '../support/stores.js';

const definition = {
  format: 'tallyproof-election/1',
  id: 'open-data-2026',
  title: 'Open Data City',
  date: '2026-11-03',
  jurisdictions: [{ id: 'city', name: 'City' }],
  precincts: [
    { id: 'p1', name: 'Precinct 1', jurisdiction: 'city' },
    { id: 'p2', name: 'Precinct 2', jurisdiction: 'city' },
  ],
  ballotStyles: [],
  contests: [
    {
      type: 'ranked',
      id: 'mayor',
      title: 'Mayor',
      maxRankings: 3,
      candidates: [
        { id: 'a', name: 'Ada' },
        { id: 'b', name: 'Bo' },
        { id: 'c', name: 'Cy' },
      ],
    },
  ],
};

function setUp(rows: string[]) {
  const dir = tempDir();
  const key = path.join(dir, 'k');
  ok(['keygen', '--name', 'city.example/2026', '--out', key]);
  const defFile = path.join(dir, 'election.json');
  writeFileSync(defFile, JSON.stringify(definition));
  const db = path.join(dir, 's.db');
  ok(['election', 'load', '--db', db, '--key', key, defFile]);
  const file = path.join(dir, 'mayor.csv');
  writeFileSync(file, `${rows.join('\n')}\n`);
  const importIt = () => tp(['import', '--db', db, '--key', key, '--format', 'ranks', file]);
  return { dir, key, db, file, importIt };
}

async function storedCvrs(db: string, key: string): Promise<Cvr[]> {
  const store = await Store.open({ sqlitePath: db });
  try {
    const cvrs: Cvr[] = [];
    const report = await verifyStore(store, parseVerifierKey(readFileSync(`${key}.pub`, 'utf8').trim()), {
      onCvr: (c) => cvrs.push(c),
    });
    expect(report.ok).toBe(true);
    return cvrs;
  } finally {
    await store.close();
  }
}

describe('--format ranks', () => {
  it('reads $OVERVOTE and $UNDERVOTE exactly, and the contest’s rules decide what they mean', async () => {
    const { key, db, importIt } = setUp([
      'Ballot_ID,Contest,PRECINCT,Rank,Choice',
      'v1,Mayor,Precinct 1,1,$OVERVOTE',
      'v1,Mayor,Precinct 1,2,Ada',
      'v2,Mayor,Precinct 2,1,$UNDERVOTE',
      'v2,Mayor,Precinct 2,2,Bo',
      'v3,Mayor,Precinct 2,1,Cy',
      'v3,Mayor,Precinct 2,2,Bo',
      'v4,Mayor,Precinct 1,1,Bo',
      'v5,Mayor,Precinct 1,1,$UNDERVOTE',
    ]);
    const r = importIt();
    expect(r.status, r.stderr).toBe(0);
    const cvrs = await storedCvrs(db, key);
    const byId = Object.fromEntries(cvrs.map((c) => [c.id, c]));
    expect(byId.v1).toMatchObject({
      precinct: 'p1',
      contests: [{ contest: 'mayor', marks: [{ choice: 'a', rank: 2 }], overvotedRanks: [1] }],
    });
    expect(byId.v2).toMatchObject({
      precinct: 'p2',
      contests: [{ contest: 'mayor', marks: [{ choice: 'b', rank: 2 }] }],
    });
    expect(byId.v2!.contests[0]!.overvotedRanks).toBeUndefined();
    expect(byId.v5).toMatchObject({ contests: [{ contest: 'mayor', marks: [] }] });
    // Default rules: an overvote exhausts the ballot (v1 never counts for Ada); a skipped rank is passed over (v2 counts for Bo).
    const rcv = okJson(['rcv', '--db', db, '--contest', 'Mayor', '--vkey', `${key}.pub`]) as {
      winners: string[];
      results: { round: number; tally: Record<string, string>; inactiveBallots: Record<string, string> }[];
    };
    expect(rcv.results[0]!.tally).toEqual({ Ada: '0', Bo: '2', Cy: '1' });
    expect(rcv.results[0]!.inactiveBallots.overvotes).toBe('1');
    expect(rcv.winners).toEqual(['Bo']);
  });

  it('refuses a ballot whose rows are not adjacent, with the line where it resumes; nothing stored', () => {
    const { key, db, file, importIt } = setUp(['ballot_id,rank,choice', 'v1,1,Ada', 'v2,1,Bo', 'v1,2,Cy']);
    const before = okJson(['status', '--db', db]) as { logSize: number };
    const r = importIt();
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim()).toBe(
      `tallyproof: ${file}: line 4: CVR id v1 appears twice in this import: a ballot's rows must be adjacent, and this ballot's rows resume here after other ballots' rows`,
    );
    expect(okJson(['status', '--db', db])).toMatchObject({ cvrs: 0, logSize: before.logSize });
    ok(['verify', '--db', db, '--vkey', `${key}.pub`]);
  });

  it('refuses a rank that is not a whole number, with its line; nothing stored', () => {
    const { dir, db, key } = setUp(['ballot_id,rank,choice']);
    for (const [i, rank] of ['1.5', '0', 'first'].entries()) {
      const file = path.join(dir, `bad-${i}.csv`);
      writeFileSync(file, `ballot_id,rank,choice\nv1,1,Ada\nv2,${rank},Bo\n`);
      const r = tp(['import', '--db', db, '--key', key, '--format', 'ranks', '--contest', 'mayor', file]);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain(
        `${file}: line 3: rank ${JSON.stringify(rank)} is not a whole number from 1`,
      );
    }
    expect(okJson(['status', '--db', db])).toMatchObject({ cvrs: 0 });
  });

  it('refuses a header without ballot_id, rank and choice', () => {
    const { file, importIt } = setUp(['id,position,candidate', 'v1,1,Ada']);
    const r = importIt();
    expect(r.stderr).toContain(`${file}: line 1: no ballot_id, rank, choice column in the header`);
  });
});
