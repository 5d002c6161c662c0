/**
 * A publish killed part-way never leaves a partial bundle in the target folder: it holds the old bundle,
 * the new one complete, or nothing — never a folder that verifies as a shorter log.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ok, tp } from '../support/cli.js';
import { repoRoot } from '../support/shared.js';
import { tempDir } from '../support/stores.js';

const bin = path.join(repoRoot, 'bin/tallyproof.js');

function killedAfter(args: string[], ms: number): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

describe('publish', () => {
  it('killed at any point, leaves the old bundle, the new one whole, or nothing', async () => {
    const dir = tempDir();
    const gen = path.join(dir, 'gen');
    ok(['generate', '--ballots', '4000', '--files', '2', '--out', gen, '--seed', 'publish-kill']);
    const key = path.join(dir, 'k');
    ok(['keygen', '--name', 'county.example/publish', '--out', key]);
    const db = path.join(dir, 's.db');
    ok(['election', 'load', '--db', db, '--key', key, path.join(gen, 'election.json')]);
    ok(['import', '--db', db, '--key', key, '--format', 'cdf', path.join(gen, 'cvr-report-001.json')]);
    const bundle = path.join(dir, 'bundle');
    ok(['publish', '--db', db, '--out', bundle]);
    const sizeOf = () => Number(readFileSync(path.join(bundle, 'checkpoint'), 'utf8').split('\n')[1]);
    const oldSize = sizeOf();
    ok(['import', '--db', db, '--key', key, '--format', 'cdf', path.join(gen, 'cvr-report-002.json')]);
    const newSize = oldSize + 2001;

    const seen = new Set<string>();
    for (const ms of [300, 500, 700, 900, 1100, 1300, 1600, 2000, 2500]) {
      await killedAfter(['publish', '--db', db, '--out', bundle], ms);
      if (!existsSync(bundle)) {
        seen.add('absent');
        continue;
      }
      const verified = tp(['verify', bundle, '--vkey', `${key}.pub`]);
      expect(verified.status, `killed after ${ms} ms: ${verified.stderr}`).toBe(0);
      expect([oldSize, newSize]).toContain(sizeOf());
      seen.add(sizeOf() === oldSize ? 'old' : 'new');
    }
    expect(seen.has('old') || seen.has('absent')).toBe(true);
    ok(['publish', '--db', db, '--out', bundle]);
    expect(sizeOf()).toBe(newSize);
    expect(tp(['verify', bundle, '--vkey', `${key}.pub`]).status).toBe(0);
  });

  it('refuses to replace a folder that is not a bundle', () => {
    const dir = tempDir();
    const gen = path.join(dir, 'gen');
    ok(['generate', '--ballots', '50', '--out', gen, '--seed', 'publish-foreign']);
    const key = path.join(dir, 'k');
    ok(['keygen', '--name', 'county.example/publish', '--out', key]);
    const db = path.join(dir, 's.db');
    ok(['election', 'load', '--db', db, '--key', key, path.join(gen, 'election.json')]);
    const home = path.join(dir, 'home');
    ok(['generate', '--ballots', '1', '--out', home]);
    writeFileSync(path.join(home, 'notes.txt'), 'mine');
    const r = tp(['publish', '--db', db, '--out', home]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/holds files that are not a published bundle/);
    expect(readFileSync(path.join(home, 'notes.txt'), 'utf8')).toBe('mine');
  });
});
