/**
 * Commands that write the same store at the same time: each either commits whole or is refused with a reason,
 * never fails half-way, and the log verifies after every pair (SQLite: the second writer waits for the first).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ok } from '../support/cli.js';
import { smallElection } from '../support/fixtures.js';
import { repoRoot } from '../support/shared.js';
import { backends, tempDir } from '../support/stores.js';

const bin = path.join(repoRoot, 'bin/tallyproof.js');

function run(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, DATABASE_URL: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

for (const backend of backends()) {
  describe(`two writers at once on ${backend.name}`, () => {
    it('two imports of different files both commit, and two re-imports at once are both refused', async () => {
      const election = await smallElection(400, 2, 'concurrent');
      const dir = tempDir();
      const key = path.join(dir, 'county.key');
      ok(['keygen', '--name', 'county.example/2026', '--out', key]);
      const vkey = readFileSync(`${key}.pub`, 'utf8').trim();
      for (let round = 0; round < 3; round++) {
        const where = await backend.fresh();
        const store = where.sqlitePath ? ['--db', where.sqlitePath] : ['--database-url', where.databaseUrl!];
        ok(['election', 'load', ...store, '--key', key, election.definition]);
        const importOf = (file: string) => run(['import', ...store, '--key', key, '--format', 'cdf', file]);
        const [a, b] = await Promise.all(election.cvrFiles.map(importOf));
        expect(a!.status, a!.stderr).toBe(0);
        expect(b!.status, b!.stderr).toBe(0);
        const [c, d] = await Promise.all([importOf(election.cvrFiles[0]!), importOf(election.cvrFiles[0]!)]);
        // Both were already imported above: both refused, plainly.
        for (const r of [c!, d!]) {
          expect(r.status).not.toBe(0);
          expect(r.stderr).toMatch(/already imported \(import #[12] of cvr-report-001\.json/);
        }
        const status = JSON.parse(ok(['verify', ...store, '--vkey', vkey, '--json'])) as {
          ok: boolean;
          cvrs: number;
        };
        expect(status).toMatchObject({ ok: true, cvrs: 400 });
      }
    });

    it('the same new file imported twice at once: exactly one commits, the other is refused', async () => {
      const election = await smallElection(200, 1, 'concurrent-same');
      const dir = tempDir();
      const key = path.join(dir, 'county.key');
      ok(['keygen', '--name', 'county.example/2026', '--out', key]);
      const vkey = readFileSync(`${key}.pub`, 'utf8').trim();
      for (let round = 0; round < 3; round++) {
        const where = await backend.fresh();
        const store = where.sqlitePath ? ['--db', where.sqlitePath] : ['--database-url', where.databaseUrl!];
        ok(['election', 'load', ...store, '--key', key, election.definition]);
        const results = await Promise.all(
          [0, 1].map(() => run(['import', ...store, '--key', key, '--format', 'cdf', election.cvrFiles[0]!])),
        );
        const committed = results.filter((r) => r.status === 0);
        expect(committed, results.map((r) => r.stderr).join('\n')).toHaveLength(1);
        const refused = results.find((r) => r.status !== 0)!;
        expect(refused.stderr).toMatch(/already imported \(import #1/);
        expect(refused.stderr.trim().split('\n').at(-1)).toMatch(/^tallyproof: /);
        const report = JSON.parse(ok(['verify', ...store, '--vkey', vkey, '--json'])) as {
          ok: boolean;
          cvrs: number;
        };
        expect(report).toMatchObject({ ok: true, cvrs: 200 });
      }
    });
  });
}
