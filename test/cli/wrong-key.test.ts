/** Verifying with a key that is not the log's says so plainly, and reports nothing that follows only from it. */
import path from 'node:path';
import { expect, it } from 'vitest';
import { ok, tp } from '../support/cli.js';
import { tempDir } from '../support/stores.js';

it('verify --db and verify DIR with another key: one plain finding, no false tampering', () => {
  const dir = tempDir();
  const gen = path.join(dir, 'gen');
  ok(['generate', '--ballots', '60', '--out', gen, '--seed', 'wrong-key']);
  const key = path.join(dir, 'k');
  const other = path.join(dir, 'other');
  ok(['keygen', '--name', 'county.example/2026', '--out', key]);
  ok(['keygen', '--name', 'county.example/2026', '--out', other]);
  const db = path.join(dir, 's.db');
  ok(['election', 'load', '--db', db, '--key', key, path.join(gen, 'election.json')]);
  ok(['import', '--db', db, '--key', key, '--format', 'cdf', path.join(gen, 'cvr-report.json')]);
  const bundle = path.join(dir, 'bundle');
  ok(['publish', '--db', db, '--out', bundle]);
  for (const target of [['--db', db], [bundle]]) {
    const r = tp(['verify', ...target, '--vkey', `${other}.pub`]);
    expect(r.status).not.toBe(0);
    const said = r.stdout + r.stderr;
    expect(said).toMatch(
      /the log is not signed by the key given \(county\.example\/2026\+[0-9a-f]{8}\): its 2 checkpoints are signed by county\.example\/2026\+[0-9a-f]{8}\. Nothing else was checked/,
    );
    expect(said).not.toMatch(/the store lists|stored counts|is not the key you trust|does not match/);
  }
});
