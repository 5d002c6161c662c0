/**
 * A CVR that contradicts the loaded definition is bad input, refused at import with its file, record and
 * reason, and nothing of the file is stored: a contest its ballot style's districts do not carry, a precinct
 * its ballot style is not used in. Import and verify share the check (core/cvr/validate.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ok, okJson, tp } from '../support/cli.js';
import { tempDir } from '../support/stores.js';

interface CdfCvr {
  UniqueId: string;
  BallotStyleId: string;
  BallotStyleUnitId: string;
  CVRSnapshot: { CVRContest: { ContestId: string }[] }[];
}

function setUp() {
  const dir = tempDir();
  const key = path.join(dir, 'k');
  ok(['keygen', '--name', 'county.example/2026', '--out', key]);
  const g = okJson([
    'generate',
    '--ballots',
    '200',
    '--out',
    path.join(dir, 'gen'),
    '--seed',
    'contradict',
  ]) as {
    cvrFiles: string[];
    definition: string;
  };
  const db = path.join(dir, 's.db');
  ok(['election', 'load', '--db', db, '--key', key, g.definition]);
  const edited = (name: string, edit: (cvrs: CdfCvr[]) => number) => {
    const report = JSON.parse(readFileSync(g.cvrFiles[0]!, 'utf8')) as { CVR: CdfCvr[] };
    const at = edit(report.CVR);
    const file = path.join(dir, name);
    writeFileSync(file, JSON.stringify(report));
    return { file, at, id: report.CVR[at]!.UniqueId };
  };
  return { dir, key, db, g, edited };
}

describe('a CVR that contradicts the definition', () => {
  it('is refused when its ballot style does not carry one of its contests, or is not used in its precinct', () => {
    const { key, db, g, edited } = setUp();
    const before = okJson(['status', '--db', db]) as { logSize: number };
    const contest = edited('contest.json', (cvrs) => {
      // A city ballot (it has the mayor's contest) said to be a north ballot, from a north precinct.
      const at = cvrs.findIndex((c) => c.BallotStyleId === 'bs-city');
      cvrs[at]!.BallotStyleId = 'bs-north';
      cvrs[at]!.BallotStyleUnitId = 'p-001';
      return at;
    });
    const r1 = tp(['import', '--db', db, '--key', key, '--format', 'cdf', contest.file]);
    expect(r1.status).not.toBe(0);
    expect(r1.stderr.trim()).toBe(
      `tallyproof: ${contest.file}: CVR[${contest.at}] (id ${contest.id}): contest "mayor" is not on ballot style "bs-north": its district "city" is not one of the style's ("county", "north")`,
    );
    const precinct = edited('precinct.json', (cvrs) => {
      const at = cvrs.findIndex((c) => c.BallotStyleId === 'bs-north');
      cvrs[at]!.BallotStyleUnitId = 'p-002';
      return at;
    });
    const r2 = tp(['import', '--db', db, '--key', key, '--format', 'cdf', precinct.file]);
    expect(r2.status).not.toBe(0);
    expect(r2.stderr).toContain(
      `${precinct.file}: CVR[${precinct.at}] (id ${precinct.id}): precinct "p-002" is not in ballot style "bs-north", which is used in "p-001", "p-003"`,
    );
    expect(okJson(['status', '--db', db])).toMatchObject({ cvrs: 0, logSize: before.logSize });
    ok(['verify', '--db', db, '--vkey', `${key}.pub`]);
    // The export as generated agrees with its definition, splits included (a city split of a north precinct).
    ok(['import', '--db', db, '--key', key, '--format', 'cdf', g.cvrFiles[0]!]);
    ok(['verify', '--db', db, '--vkey', `${key}.pub`]);
  });
});
