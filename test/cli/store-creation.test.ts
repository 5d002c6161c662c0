/**
 * Creating a store is all or nothing: migrations that fail part-way (as a kill during the first command
 * leaves them) are undone and run again by the next command, and a store file a failed command created is
 * removed. Run as a user runs it, on SQLite and on PostgreSQL.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { ok, tp } from '../support/cli.js';
import { smallElection } from '../support/fixtures.js';
import { backends, tempDir } from '../support/stores.js';

/** Runs one SQL statement on the store directly, as a conflicting object left in the database would be. */
async function execute(where: { sqlitePath?: string; databaseUrl?: string }, statement: string) {
  if (where.sqlitePath) {
    const db = new Database(where.sqlitePath);
    db.exec(statement);
    db.close();
    return;
  }
  const client = new pg.Client({ connectionString: where.databaseUrl });
  await client.connect();
  await client.query(statement);
  await client.end();
}

let election: Awaited<ReturnType<typeof smallElection>>;
let key: string;
beforeAll(async () => {
  election = await smallElection(60, 1, 'store-creation');
  key = path.join(tempDir(), 'county.key');
  ok(['keygen', '--name', 'county.example/2026', '--out', key]);
});

describe.each(backends())('creating a $name store', (backend) => {
  it('a first command whose migrations fail part-way leaves a store the next command migrates and uses', async () => {
    const where = await backend.fresh();
    const flags = where.sqlitePath ? ['--db', where.sqlitePath] : ['--database-url', where.databaseUrl!];
    // The initial migration creates election, entries, imports and tiles before checkpoints: a table of
    // that name already there makes it fail part-way, after the first tables, as a kill there would.
    await execute(where, 'CREATE TABLE checkpoints (planted integer)');
    const first = tp(['election', 'load', ...flags, '--key', key, election.definition]);
    expect(first.status).not.toBe(0);
    expect(first.stderr).toMatch(/checkpoints.*already exists/);
    expect(first.stderr).not.toMatch(/election.*already exists/);

    await execute(where, 'DROP TABLE checkpoints');
    expect(ok(['election', 'load', ...flags, '--key', key, election.definition])).toMatch(
      /Loaded election .*checkpoint signed/,
    );
    ok(['import', ...flags, '--key', key, '--format', 'cdf', ...election.cvrFiles]);
    expect(ok(['verify', ...flags, '--vkey', `${key}.pub`])).toMatch(/60 CVRs/);
  });
});

describe('a failed command on a new SQLite store', () => {
  const storeFiles = (dir: string) => readdirSync(dir).filter((f) => f.startsWith('county.db'));

  it('election load of a bad definition leaves no store file behind', () => {
    const dir = tempDir();
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '{"id": "x"}');
    const r = tp(['election', 'load', '--db', path.join(dir, 'county.db'), bad]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/bad\.json/);
    expect(storeFiles(dir)).toEqual([]);
    expect(tp(['status', '--db', path.join(dir, 'county.db')]).stderr).toMatch(/no store at/);
  });

  it('an import refused on a new store leaves no store file; on an existing store it leaves it verifying', () => {
    const dir = tempDir();
    const db = path.join(dir, 'county.db');
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '{"CVR": [');
    const r = tp(['import', '--db', db, '--key', key, '--format', 'cdf', bad]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/bad\.json: the file ends early/);
    expect(storeFiles(dir)).toEqual([]);

    ok(['election', 'load', '--db', db, '--key', key, election.definition]);
    expect(tp(['import', '--db', db, '--key', key, '--format', 'cdf', bad]).status).not.toBe(0);
    expect(existsSync(db)).toBe(true);
    expect(ok(['verify', '--db', db, '--vkey', `${key}.pub`])).toMatch(/0 CVRs/);
  });
});
