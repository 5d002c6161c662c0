/** Running the built CLI as a user runs it, in a child process (no DATABASE_URL leaking in). */
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect } from 'vitest';
import { repoRoot } from './shared.js';

const bin = path.join(repoRoot, 'bin/tallyproof.js');

export function tp(args: string[], input?: string): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    input,
    env: { ...process.env, DATABASE_URL: '' },
  });
}

/** stdout of a command that must succeed. */
export function ok(args: string[], input?: string): string {
  const r = tp(args, input);
  expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

/** The parsed `--json` output of a command that must succeed. */
export const okJson = (args: string[]): unknown => JSON.parse(ok([...args, '--json']));
