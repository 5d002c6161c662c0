/**
 * Long audit commands show a progress bar on a terminal (a million-CVR start verifies for half a minute),
 * and nothing but their output when stderr is a pipe. The terminal is a real pseudo-terminal (script(1)).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';
import { ok, tp } from '../support/cli.js';
import { auditStartArgs, county } from '../support/county.js';
import { repoRoot } from '../support/shared.js';

/** Runs the CLI with a terminal for its output; what the terminal showed. */
function onTerminal(args: string[]): string {
  const command = [process.execPath, path.join(repoRoot, 'bin/tallyproof.js'), ...args]
    .map((a) => `'${a.replace(/'/g, "'\\''")}'`)
    .join(' ');
  const r = spawnSync('script', ['-qec', command, '/dev/null'], {
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: '', COLUMNS: '120' },
  });
  expect(r.status, r.stdout + r.stderr).toBe(0);
  return r.stdout;
}

it.skipIf(spawnSync('script', ['--version']).error !== undefined)(
  'audit start, status, sample and record show a bar on a terminal, none into a pipe',
  () => {
    const c = county(3000, 'progress');
    const start = auditStartArgs(c, {
      type: 'comparison',
      seed: '123456789',
      riskLimit: '0.05',
      contests: ['Governor'],
    });
    expect(onTerminal(start)).toMatch(/verifying the log \[[█░]+\] 100%/);
    expect(onTerminal(['audit', 'status', '--db', c.db])).toMatch(/reading the CVRs' keys \[[█░]+\] 100%/);
    const piped = tp(['audit', 'status', '--db', c.db]);
    expect(piped.status).toBe(0);
    expect(piped.stderr).toBe('');
    expect(ok(['audit', 'sample', '--db', c.db])).not.toMatch(/reading the CVRs/);
  },
);
