/** election load: a definition loaded without a key is signed when it is loaded again with one. */
import path from 'node:path';
import { expect, it } from 'vitest';
import { ok, okJson, tp } from '../support/cli.js';
import { tempDir } from '../support/stores.js';

it('signs the checkpoint of a definition loaded earlier without a key', () => {
  const dir = tempDir();
  const gen = path.join(dir, 'gen');
  ok(['generate', '--ballots', '20', '--out', gen, '--seed', 'load-then-sign']);
  const key = path.join(dir, 'k');
  ok(['keygen', '--name', 'county.example/2026', '--out', key]);
  const db = path.join(dir, 's.db');
  const definition = path.join(gen, 'election.json');
  expect(ok(['election', 'load', '--db', db, definition])).toMatch(/signed at the next import/);
  const unsigned = tp(['verify', '--db', db, '--vkey', `${key}.pub`]);
  expect(unsigned.status).not.toBe(0);
  expect(unsigned.stdout + unsigned.stderr).toMatch(/no checkpoint/);
  expect(ok(['election', 'load', '--db', db, '--key', key, definition])).toMatch(
    /was already loaded, unsigned; checkpoint signed now/,
  );
  expect(okJson(['verify', '--db', db, '--vkey', `${key}.pub`])).toMatchObject({ ok: true, cvrs: 0 });
  expect(okJson(['election', 'load', '--db', db, '--key', key, definition])).toMatchObject({
    alreadyLoaded: true,
    signed: false,
  });
});
