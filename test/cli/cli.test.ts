/** The command-line contract, run as a user runs it: the built CLI in a child process. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ok, tp } from '../support/cli.js';
import { smallElection } from '../support/fixtures.js';
import { repoRoot } from '../support/shared.js';
import { tempDir } from '../support/stores.js';

function refused(args: string[], pattern: RegExp, input?: string): string {
  const r = tp(args, input);
  expect(r.status).not.toBe(0);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
  return r.stderr;
}

beforeAll(() => {
  if (!existsSync(path.join(repoRoot, 'dist/src/cli/main.js'))) throw new Error('build first: npm run build');
});

describe('keys and notes', () => {
  it('keygen writes both key texts; note sign and verify round-trip', () => {
    const dir = tempDir();
    const key = path.join(dir, 'k');
    ok(['keygen', '--name', 'county.example/log', '--out', key]);
    expect(readFileSync(key, 'utf8')).toMatch(/^PRIVATE\+KEY\+county\.example\/log\+[0-9a-f]{8}\+\S+\n$/);
    expect(readFileSync(`${key}.pub`, 'utf8')).toMatch(/^county\.example\/log\+[0-9a-f]{8}\+\S+\n$/);
    refused(['keygen', '--name', 'x', '--out', key], /already exists/);
    const signed = ok(['note', 'sign', '--key', key], 'hello world\n');
    expect(signed).toMatch(/^hello world\n\n\u2014 county\.example\/log \S+\n$/);
    expect(ok(['note', 'verify', '--vkey', `${key}.pub`], signed)).toBe('hello world\n');
    refused(
      ['note', 'verify', '--vkey', `${key}.pub`],
      /invalid signature/,
      signed.replace('hello', 'jello'),
    );
    refused(['note', 'sign', '--key', `${key}.pub`], /not a signer key/, 'x\n');
  });

  it('verifies the C2SP specification example with the vkey given inline', () => {
    const note =
      'This is an example message.\n\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';
    ok(
      ['note', 'verify', '--vkey', 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k'],
      note,
    );
  });
});

describe('the evidence chain from the command line', () => {
  it('election load, import, status, publish, verify, log verify, receipt, events', async () => {
    const election = await smallElection(400, 2, 'cli');
    const dir = tempDir();
    const db = path.join(dir, 'county.db');
    const key = path.join(dir, 'county.key');
    ok(['keygen', '--name', 'county.example/2026', '--out', key]);

    const bad = path.join(dir, 'bad-election.json');
    const def = JSON.parse(readFileSync(election.definition, 'utf8'));
    def.contests[0].district = 'countee';
    writeFileSync(bad, JSON.stringify(def));
    refused(
      ['election', 'load', '--db', db, bad],
      /\$\.contests\[0\]\.district: unknown district "countee" \(did you mean "county"\?\)/,
    );

    ok(['election', 'load', '--db', db, election.definition]);
    expect(ok(['election', 'load', '--db', db, election.definition])).toMatch(/already loaded/);
    const imported = JSON.parse(
      ok(['import', '--db', db, '--key', key, '--format', 'cdf', '--json', ...election.cvrFiles]),
    );
    expect(imported.imports.map((i: { cvrs: number }) => i.cvrs)).toEqual([200, 200]);
    refused(
      ['import', '--db', db, '--key', key, '--format', 'cdf', election.cvrFiles[0]!],
      /already imported/,
    );
    refused(
      ['import', '--db', db, '--key', key, '--format', 'unisyn', election.cvrFiles[0]!],
      /unknown format unisyn/,
    );

    const status = JSON.parse(ok(['status', '--db', db, '--json']));
    expect(status).toMatchObject({ cvrs: 400, logSize: 403, checkpoints: 2, signedSize: 403, imports: 2 });
    refused(['status', '--db', path.join(dir, 'nope.db')], /no store at/);

    const bundle = path.join(dir, 'bundle');
    ok(['publish', '--db', db, '--out', bundle]);
    const verified = JSON.parse(ok(['verify', bundle, '--vkey', `${key}.pub`, '--json']));
    expect(verified).toMatchObject({ ok: true, size: 403, cvrs: 400, checkpoints: 2, failures: [] });
    ok(['verify', '--db', db, '--vkey', `${key}.pub`]);
    expect(ok(['log', 'verify', bundle, '--vkey', `${key}.pub`])).toMatch(/size 403.*403 entries hashed/);

    const other = path.join(dir, 'other.key');
    ok(['keygen', '--name', 'county.example/2026', '--out', other]);
    refused(['verify', bundle, '--vkey', `${other}.pub`], /verification failed/);
    refused(
      ['import', '--db', db, '--key', other, '--format', 'cdf', election.cvrFiles[1]!],
      /not this log's signing key/,
    );

    const receipt = path.join(dir, 'r.tlog-proof');
    ok(['receipt', '--db', db, '--cvr', '1-1-5', '--out', receipt]);
    const checked = JSON.parse(ok(['receipt', 'verify', receipt, '--vkey', `${key}.pub`, '--json']));
    expect(checked).toMatchObject({ valid: true, index: 5, logSize: 403, cvr: { id: '1-1-5' } });
    refused(['receipt', 'verify', receipt, '--vkey', `${other}.pub`], /no signature by a known key/);
    // Names come from the definition the voter gives (the bundle's election.json), each mark by its name.
    const named = ok([
      'receipt',
      'verify',
      receipt,
      '--vkey',
      `${key}.pub`,
      '--election',
      election.definition,
    ]);
    type Choice = { id: string; name: string };
    const contests = def.contests as {
      id: string;
      title: string;
      candidates?: Choice[];
      choices?: Choice[];
    }[];
    for (const c of checked.cvr.contests as { contest: string; marks: { choice: string }[] }[]) {
      const d = contests.find((k) => k.id === c.contest)!;
      const names = c.marks.map((m) => (d.candidates ?? d.choices)!.find((k) => k.id === m.choice)!.name);
      expect(named).toContain(`  ${d.title}: ${names.join(', ') || 'BLANK (no mark)'}\n`);
    }
    expect(named).not.toMatch(/ids as the log records them/);
    expect(ok(['receipt', 'verify', receipt, '--vkey', `${key}.pub`])).toMatch(
      /add --election election\.json/,
    );
    const otherElection = path.join(dir, 'other-election.json');
    const loaded = JSON.parse(readFileSync(election.definition, 'utf8'));
    writeFileSync(
      otherElection,
      JSON.stringify({ ...loaded, contests: [{ ...loaded.contests[0], id: 'mayor' }] }),
    );
    refused(
      ['receipt', 'verify', receipt, '--vkey', `${key}.pub`, '--election', otherElection],
      /the receipt is valid, but the definition has no contest "(governor|commission)": is it this election's definition\?/,
    );
    refused(['receipt', '--db', db, '--cvr', 'no-such-ballot'], /no CVR with id/);

    const tally = JSON.parse(ok(['tally', '--db', db, '--json']));
    const truth = JSON.parse(readFileSync(election.truth, 'utf8'));
    expect(tally.contests[0]).toEqual({ id: 'governor', ...truth.contests[0] });
    expect(JSON.parse(ok(['tally', '--db', db, '--json', '--recount']))).toEqual(tally);
    expect(ok(['tally', '--db', db])).toMatch(
      /400 CVRs, the counts each import logged, proven under the signed checkpoint/,
    );
    const byBatch = JSON.parse(ok(['tally', '--db', db, '--json', '--by', 'batch'])) as {
      groups: { id: string; contests: { name: string; results: Record<string, number> }[] }[];
    };
    expect(byBatch.groups.length).toBeGreaterThan(1);
    // In text, --by prints each group's counts, and the ranked contest is named with the command that counts it.
    const text = ok(['tally', '--db', db, '--by', 'batch']);
    const first = byBatch.groups[0]!;
    const [choice, votes] = Object.entries(first.contests[0]!.results)[0]!;
    expect(text).toContain(`\nbatch ${first.id}:\n\n  ${first.contests[0]!.name} (`);
    expect(text.split(`batch ${first.id}:`)[1]).toMatch(new RegExp(`\\n    ${choice}\\s+${votes}\\n`));
    expect(text).toMatch(
      /Mayor of Riverside is ranked: count it with tallyproof rcv --db DB --contest 'Mayor of Riverside'/,
    );
    refused(
      ['tally', '--db', db, '--by', 'county'],
      /--by must be one of precinct, batch, tabulator, style, group/,
    );
    const err = path.join(dir, 'results.json');
    ok(['results', '--db', db, '--format', 'nist-err', '--out', err, '--by', 'precinct']);
    expect(JSON.parse(readFileSync(err, 'utf8'))).toMatchObject({
      '@type': 'ElectionResults.ElectionReport',
      Format: 'precinct-level',
    });
    const csv = path.join(dir, 'results.csv');
    ok(['results', '--db', db, '--format', 'csv', '--out', csv]);
    expect(readFileSync(csv, 'utf8')).toContain(
      `governor,Governor,Ada Lovelace,${truth.contests[0].results['Ada Lovelace']}\n`,
    );

    const events = JSON.parse(ok(['events', '--db', db, '--vkey', `${key}.pub`]));
    expect(events['@type']).toBe('EventLogging.ElectionEventLog');
    expect(events.Device[0].Event.map((e: { Type: string }) => e.Type)).toEqual([
      'election.loaded',
      'cvrs.imported',
      'cvrs.imported',
    ]);
  });

  it('imports a Dominion CSV export with --format dominion and tabulates it to the ground truth', async () => {
    const dir = tempDir();
    const gen = path.join(dir, 'gen');
    const out = ok([
      'generate',
      '--ballots',
      '250',
      '--format',
      'dominion-csv',
      '--out',
      gen,
      '--seed',
      'csv',
    ]);
    expect(out).toMatch(/dominion-cvr\.csv \(import --format dominion\)/);
    const key = path.join(dir, 'k.key');
    ok(['keygen', '--name', 'county.example/log', '--out', key]);
    const db = path.join(dir, 's.db');
    ok(['election', 'load', '--db', db, path.join(gen, 'election.json')]);
    ok(['import', '--db', db, '--key', key, '--format', 'dominion', path.join(gen, 'dominion-cvr.csv')]);
    const truth = JSON.parse(readFileSync(path.join(gen, 'truth.json'), 'utf8'));
    const tally = JSON.parse(ok(['tally', '--db', db, '--json']));
    expect(tally.contests[0]).toEqual({ id: 'governor', ...truth.contests[0] });
    expect(JSON.parse(ok(['verify', '--db', db, '--vkey', `${key}.pub`, '--json']))).toMatchObject({
      ok: true,
    });
  });

  it('derives the definition from a CDF report when none is loaded, and says so', async () => {
    const election = await smallElection(50, 1, 'derive');
    const dir = tempDir();
    const key = path.join(dir, 'k');
    ok(['keygen', '--name', 'c.example/x', '--out', key]);
    const r = tp([
      'import',
      '--db',
      path.join(dir, 'd.db'),
      '--key',
      key,
      '--format',
      'cdf',
      election.cvrFiles[0]!,
    ]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/derived one from cvr-report\.json/);
    expect(r.stderr).toMatch(/4 contests/);
    expect(r.stdout).toMatch(/Imported 50 CVRs/);
  });
});
