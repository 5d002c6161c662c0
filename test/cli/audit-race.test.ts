/**
 * Audit commands racing each other, and an import racing the audit: one commits, the other is refused with a
 * reason (nothing half-written), and the log verifies after each pair — repeated, since a race shows only
 * sometimes.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Election } from '../../src/core/election/schema.js';
import { Store } from '../../src/store/store.js';
import { readBallots, writeCsv } from '../support/audit-board.js';
import { ok, okJson } from '../support/cli.js';
import { auditStartArgs } from '../support/county.js';
import { repoRoot } from '../support/shared.js';
import { tempDir } from '../support/stores.js';

const bin = path.join(repoRoot, 'bin/tallyproof.js');
const CONTESTS = ['Governor', 'County Commission'];

function run(args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, DATABASE_URL: '' } });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

function county(seed: string) {
  const dir = tempDir('tallyproof-race-');
  const gen = path.join(dir, 'gen');
  ok(['generate', '--ballots', '600', '--files', '2', '--out', gen, '--seed', seed]);
  const db = path.join(dir, 's.db');
  const key = path.join(dir, 'k');
  ok(['keygen', '--name', 'county.example/race', '--out', key]);
  ok(['election', 'load', '--db', db, '--key', key, path.join(gen, 'election.json')]);
  ok(['import', '--db', db, '--key', key, '--format', 'cdf', path.join(gen, 'cvr-report-001.json')]);
  return { dir, gen, db, key, vkey: readFileSync(`${key}.pub`, 'utf8').trim() };
}

const start = (c: { db: string; key: string }, seed: string) =>
  auditStartArgs(c, { type: 'comparison', seed, riskLimit: '0.1', contests: CONTESTS });

const verifies = (c: { db: string; vkey: string }) =>
  expect((okJson(['verify', '--db', c.db, '--vkey', c.vkey]) as { ok: boolean }).ok).toBe(true);

describe('audit commands at the same time', () => {
  it('two audit starts: one starts the audit, the other is refused', async () => {
    for (let round = 0; round < 3; round++) {
      const c = county(`race-start-${round}`);
      const results = await Promise.all([run(start(c, '111111')), run(start(c, '222222'))]);
      expect(
        results.filter((r) => r.status === 0),
        results.map((r) => r.stderr).join('\n'),
      ).toHaveLength(1);
      expect(results.find((r) => r.status !== 0)!.stderr).toMatch(
        /already been started|the log changed while this command ran/,
      );
      verifies(c);
    }
  });

  it('an import during audit start: one commits, the other is refused; an import after it is refused', async () => {
    for (let round = 0; round < 3; round++) {
      const c = county(`race-import-${round}`);
      const importArgs = [
        'import',
        '--db',
        c.db,
        '--key',
        c.key,
        '--format',
        'cdf',
        path.join(c.gen, 'cvr-report-002.json'),
      ];
      const [started, imported] = await Promise.all([run(start(c, '333333')), run(importArgs)]);
      expect(
        [started.status, imported.status].filter((s) => s === 0),
        started.stderr + imported.stderr,
      ).toHaveLength(imported.status === 0 && started.status === 0 ? 2 : 1);
      if (imported.status !== 0) expect(imported.stderr).toMatch(/an audit has started in this store/);
      if (started.status !== 0) expect(started.stderr).toMatch(/the log changed while this command ran/);
      verifies(c);
      if (started.status === 0 && imported.status === 0) {
        // The import won the race and the audit started after it: both stand, in that order.
        continue;
      }
      const after = await run(importArgs);
      if (started.status === 0) expect(after.stderr).toMatch(/an audit has started in this store.*new store/);
      verifies(c);
    }
  });

  it('two audit records of the same readings: one records them, the other is refused', async () => {
    const c = county('race-record');
    ok(start(c, '444444'));
    const sample = okJson(['audit', 'sample', '--db', c.db]) as { ballots: { ballotId: string }[] };
    const store = await Store.open({ sqlitePath: c.db });
    const file = path.join(c.dir, 'readings.csv');
    try {
      const election = JSON.parse(Buffer.from((await store.election())!.bytes).toString()) as Election;
      writeCsv(
        file,
        await readBallots(store, election, sample.ballots.map((b) => b.ballotId).slice(0, 5), CONTESTS),
      );
    } finally {
      await store.close();
    }
    const record = () => run(['audit', 'record', '--db', c.db, '--key', c.key, '--file', file]);
    const results = await Promise.all([record(), record()]);
    expect(
      results.filter((r) => r.status === 0),
      results.map((r) => r.stderr).join('\n'),
    ).toHaveLength(1);
    expect(results.find((r) => r.status !== 0)!.stderr).toMatch(
      /already recorded|the log changed while this command ran/,
    );
    verifies(c);
  });
});
